"""The Django admin for reference data, and the home page of each persona."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from indicators.models import ReportingPeriod, Submission, SubmissionState
from institutions.models import Institution
from tests.conftest import client_for
from tests.factories import InstitutionFactory, ReportingPeriodFactory, category

pytestmark = pytest.mark.django_db

REFERENCE_PAGES = [
    "institutions_administrativeunit",
    "institutions_unitsuccession",
    "institutions_reportingunit",
    "institutions_category",
    "institutions_institution",
    "indicators_plan",
    "indicators_indicator",
    "indicators_target",
]


@pytest.fixture
def open_2026(db: None) -> ReportingPeriod:
    return ReportingPeriod.objects.create(
        year=2026, deadline=ReportingPeriod.default_deadline(2026)
    )


@pytest.mark.parametrize("page", REFERENCE_PAGES)
def test_the_administrator_reaches_every_reference_page(administrator, province, page) -> None:
    client = client_for(administrator)
    assert client.get(reverse(f"admin:{page}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{page}_add")).status_code == 200


def test_the_institution_list_filters_and_searches(administrator, province) -> None:
    InstitutionFactory(
        code="TVX-1",
        name="Thư viện phường Yên Đỗ",
        admin_unit=province.commune_a,
        reporting_unit=province.unit_a,
    )
    client = client_for(administrator)
    url = reverse("admin:institutions_institution_changelist")
    body = client.get(url, {"q": "Yên Đỗ", "open": "yes"}).content.decode()
    assert "TVX-1" in body
    # Vietnamese column labels and filter titles, from the models' verbose names.
    for label in ("Năm hoạt động", "Đơn vị báo cáo", "tình trạng hoạt động", "Thiết chế"):
        assert label.lower() in body.lower(), label


@pytest.mark.parametrize("persona", ["officer_a", "sector_reporter", "reviewer"])
def test_the_admin_turns_away_everyone_but_the_administrator(request, persona) -> None:
    user = request.getfixturevalue(persona)
    response = client_for(user).get(reverse("admin:institutions_institution_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_admin_refuses_an_institution_in_a_unit_of_the_wrong_level(
    administrator, province
) -> None:
    response = client_for(administrator).post(
        reverse("admin:institutions_institution_add"),
        {
            "code": "TVH-X",
            "name": "Thư viện huyện đặt sai",
            "category": category("LIB_DIST").pk,
            "admin_unit": province.commune_a.pk,
            "reporting_unit": province.unit_a.pk,
            "opened_year": 2000,
        },
    )
    assert response.status_code == 200
    assert "Thiết chế loại LIB_DIST phải thuộc đơn vị hành chính Cấp huyện" in (
        response.content.decode()
    )
    assert not Institution.objects.exists()


def test_the_admin_says_when_closing_comes_before_opening(administrator, province) -> None:
    response = client_for(administrator).post(
        reverse("admin:institutions_institution_add"),
        {
            "code": "TVX-Y",
            "name": "Thư viện xã",
            "category": category("LIB_COMM").pk,
            "admin_unit": province.commune_a.pk,
            "reporting_unit": province.unit_a.pk,
            "opened_year": 2010,
            "closed_year": 2005,
        },
    )
    assert "Năm ngừng hoạt động không được trước năm hoạt động." in response.content.decode()
    assert not Institution.objects.exists()


def test_the_admin_refuses_a_duplicate_code_in_vietnamese(administrator, province) -> None:
    InstitutionFactory(code="TVX-1", admin_unit=province.commune_a, reporting_unit=province.unit_a)
    response = client_for(administrator).post(
        reverse("admin:institutions_institution_add"),
        {
            "code": "TVX-1",
            "name": "Thư viện trùng mã",
            "category": category("LIB_COMM").pk,
            "admin_unit": province.commune_a.pk,
            "reporting_unit": province.unit_a.pk,
            "opened_year": 2010,
        },
    )
    assert "Đã có thiết chế mang mã này." in response.content.decode()


def test_the_target_form_refuses_a_band_upside_down(administrator, plan) -> None:
    from indicators.models import Target

    target = Target.objects.get(code="LIB_VISITS_GROWTH:LIB")
    milestones = list(target.milestones.order_by("year"))
    data = {
        "indicator": target.indicator_id,
        "code": target.code,
        "clause": target.clause,
        "label": target.label,
        "label_en": target.label_en,
        "sort_order": target.sort_order,
        "categories": [c.pk for c in target.categories.all()],
        "milestones-TOTAL_FORMS": 2,
        "milestones-INITIAL_FORMS": 2,
        "milestones-MIN_NUM_FORMS": 0,
        "milestones-MAX_NUM_FORMS": 1000,
    }
    for i, m in enumerate(milestones):
        data |= {
            f"milestones-{i}-id": m.pk,
            f"milestones-{i}-target": target.pk,
            f"milestones-{i}-year": m.year,
            f"milestones-{i}-value": m.value,
            f"milestones-{i}-value_max": "" if m.value_max is None else m.value_max,
        }
    data["milestones-1-value_max"] = "5"
    response = client_for(administrator).post(
        reverse("admin:indicators_target_change", args=[target.pk]), data
    )
    assert "phải lớn hơn hoặc bằng giá trị" in response.content.decode()
    assert target.milestones.get(year=2030).value_max == 15


@pytest.fixture
def on_20_november(monkeypatch):
    monkeypatch.setattr("indicators.selectors.today", lambda: dt.date(2026, 11, 20))


def _steps(user) -> str:
    body = client_for(user).get("/").content.decode()
    assert "Kỳ báo cáo năm 2026 đang mở, hạn nộp hết ngày 05/12/2026." in body
    return body[body.index('data-testid="next-steps"') :]


def test_the_home_page_says_what_a_reporter_has_to_do_next(
    officer_a, province, open_2026, on_20_november
) -> None:
    steps = _steps(officer_a)
    assert "Chưa nhập số liệu năm 2026. Hạn nộp 05/12/2026, còn 15 ngày." in steps
    assert f'href="/so-lieu/2026/{province.unit_a.code}/">Bắt đầu nhập</a>' in steps

    sub = Submission.objects.create(reporting_unit=province.unit_a, period=open_2026)
    assert "Đang nhập, chưa gửi." in _steps(officer_a)
    assert f'href="/bao-cao/{sub.pk}/">Tiếp tục nhập và gửi</a>' in _steps(officer_a)

    sub.state = SubmissionState.SUBMITTED
    sub.submitted_at = dt.datetime(2026, 11, 18, 9, 0, tzinfo=dt.UTC)
    sub.save()
    steps = _steps(officer_a)
    assert "Đã gửi ngày 18/11/2026, đang chờ Sở VHTTDL duyệt." in steps
    assert "Bắt đầu nhập" not in steps and "Tiếp tục nhập" not in steps

    sub.state = SubmissionState.RETURNED
    sub.return_reason = "Thiếu số liệu thư viện xã Ia Kha"
    sub.save()
    steps = _steps(officer_a)
    assert "Sở VHTTDL đã trả lại báo cáo. Lý do: Thiếu số liệu thư viện xã Ia Kha" in steps
    assert "Sửa và gửi lại" in steps

    sub.state = SubmissionState.APPROVED
    sub.save()
    assert "Báo cáo năm 2026 đã được duyệt: không còn việc gì cần làm." in _steps(officer_a)


def test_the_home_page_says_when_a_report_is_overdue(
    officer_a, province, open_2026, monkeypatch
) -> None:
    monkeypatch.setattr("indicators.selectors.today", lambda: dt.date(2026, 12, 8))
    assert "Đã quá hạn nộp 05/12/2026 3 ngày." in _steps(officer_a)


def test_the_home_page_gives_the_reviewer_the_reports_awaiting_review(
    reviewer, province, open_2026
) -> None:
    InstitutionFactory(reporting_unit=province.unit_a, admin_unit=province.commune_a)
    InstitutionFactory(reporting_unit=province.unit_b, admin_unit=province.commune_b)
    Submission.objects.create(
        reporting_unit=province.unit_a, period=open_2026, state=SubmissionState.SUBMITTED
    )
    body = client_for(reviewer).get("/").content.decode()
    assert "1 báo cáo đang chờ duyệt; 1/2 đơn vị đã gửi (kể cả đã duyệt)." in body
    assert 'href="/xem-xet/2026/">Xem xét 1 báo cáo chờ duyệt</a>' in body


def test_an_anonymous_visitor_sees_the_open_year_and_is_asked_to_log_in(open_2026) -> None:
    body = client_for(None).get("/").content.decode()
    assert "Kỳ báo cáo năm 2026 đang mở" in body
    assert "Đăng nhập để nhập và xem số liệu" in body


def test_the_home_page_in_english_speaks_english(officer_a, open_2026) -> None:
    client = client_for(officer_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/").content.decode()
    assert 'lang="en"' in body
    assert "The 2026 reporting period is open; reports are due by 05/12/2026." in body
    assert "To do" in body
    assert "Kỳ báo cáo năm" not in body


def test_every_page_names_its_icon_and_the_browser_default_icon_resolves(officer_a) -> None:
    client = client_for(officer_a)
    assert 'rel="icon" href="/static/img/favicon.svg"' in client.get("/").content.decode()
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/img/favicon.svg"


def test_the_admin_calls_a_records_history_lich_su(administrator, province) -> None:
    url = reverse("admin:institutions_administrativeunit_change", args=[province.commune_a.pk])
    body = client_for(administrator).get(url).content.decode()
    assert "Lịch sử" in body
    assert "Bản ghi nhớ" not in body


def test_a_sector_reporters_own_page_leads_to_what_they_report(sector_reporter) -> None:
    response = client_for(sector_reporter).get("/dashboard/mine/")
    body = response.content.decode()
    reporting = body[body.index('data-testid="reporting-units"') :]
    assert "Sở Giáo dục và Đào tạo" in reporting
    assert 'href="/so-lieu/"' in body


@pytest.mark.parametrize(
    ("model", "field", "make"),
    [
        # Its reports and their figures are of that year, and count as such.
        ("indicators_reportingperiod", "year", lambda: ReportingPeriodFactory(year=2026)),
        # The plan's targets, the data dictionary and the kept counts name it so.
        ("institutions_category", "code", lambda: category("LIB_COMM")),
    ],
)
def test_a_periods_year_and_a_categorys_code_are_set_once(administrator, model, field, make):
    client = client_for(administrator)
    obj = make()
    assert f'name="{field}"' in client.get(reverse(f"admin:{model}_add")).content.decode()
    change = client.get(reverse(f"admin:{model}_change", args=[obj.pk])).content.decode()
    assert f'name="{field}"' not in change
    assert str(getattr(obj, field)) in change  # shown, not editable
