from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators import selectors, services
from indicators.models import Figures, PeriodState, ReportingPeriod, Submission, SubmissionState
from tests.conftest import client_for
from tests.factories import (
    InstitutionFactory,
    ReportingPeriodFactory,
    ReportingUnitFactory,
    category,
)
from tests.figures.conftest import complete_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def reorganised(province):
    """Pleiku's district committee until 30/06/2025, then commune committees.
    The district library reports through the district committee; a commune
    centre opened in 2025 reports through the new commune committee."""
    old = ReportingUnitFactory(
        code="UBND-OLD", admin_unit=province.district_a, valid_to=dt.date(2025, 6, 30)
    )
    new = ReportingUnitFactory(
        code="UBND-NEW",
        admin_unit=province.commune_a,
        valid_from=dt.date(2025, 7, 1),
        kind="commune_committee",
    )
    InstitutionFactory(
        category=category("LIB_DIST"), admin_unit=province.district_a, reporting_unit=old
    )
    InstitutionFactory(
        category=category("CC_COMM"),
        admin_unit=province.commune_a,
        reporting_unit=new,
        opened_year=2025,
    )
    return old, new


@pytest.mark.parametrize(
    ("year", "expected"),
    # The district committee is gone by the 2025 deadline (05/12/2025), so 2025
    # is the new commune committee's to report.
    [(2024, {"UBND-OLD"}), (2025, {"UBND-NEW"}), (2026, {"UBND-NEW"})],
)
def test_expected_units_follow_the_2025_reorganisation(reorganised, year, expected):
    assert {u.code for u in selectors.expected_reporting_units(year)} == expected


def test_a_past_units_submission_keeps_its_institutions_after_they_move(reorganised, province):
    old, new = reorganised
    period = ReportingPeriodFactory(year=2024)
    library = old.institutions.get()
    submission = Submission.objects.create(reporting_unit=old, period=period)
    Figures.objects.create(institution=library, year=2024, submission=submission, lll_services=True)
    # In 2025 the library passes to the new commune committee.
    library.reporting_unit = new
    library.save()

    expected = {u.code: u.institution_count for u in selectors.expected_reporting_units(2024)}
    assert expected == {"UBND-OLD": 1}
    assert list(selectors.institutions_for_submission(submission)) == [library]


def test_completeness_counts_expected_submitted_approved_and_late(
    year, province, officer_a, reviewer
):
    # Unit A submits after the deadline (05/12/2025) and is approved; unit B never submits.
    services.figures_save(submission=year.submission_a, user=officer_a, rows=complete_rows(year))
    services.submission_submit(submission=year.submission_a, user=officer_a)
    Submission.objects.filter(pk=year.submission_a.pk).update(
        first_submitted_at=timezone.make_aware(dt.datetime(2025, 12, 8, 9, 0))
    )
    year.submission_a.refresh_from_db()
    services.submission_approve(submission=year.submission_a, user=reviewer)

    before = selectors.completeness(year.period, on=dt.date(2025, 12, 1))
    # expected: UBND-622 and UBND-623 (SGDDT, SVHTTDL have no institution)
    assert (before.expected, before.submitted, before.approved) == (2, 1, 1)
    # On 01/12 only A counts as late (first sent 08/12); B is not late yet; 4 days left.
    assert (before.late, before.days_left) == (1, 4)
    after = selectors.completeness(year.period, on=dt.date(2025, 12, 6))
    assert (after.late, after.days_left, after.days_overdue) == (2, -1, 1)


def test_the_completeness_page_shows_totals(year, reviewer):
    response = client_for(reviewer).get(reverse("indicators:completeness", args=[2025]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="expected">2<' in page and 'data-testid="submitted">0<' in page


def test_a_submission_first_sent_on_time_and_resent_after_the_deadline_is_not_late(
    year, officer_a, reviewer
):
    services.figures_save(submission=year.submission_a, user=officer_a, rows=complete_rows(year))
    services.submission_submit(submission=year.submission_a, user=officer_a)
    Submission.objects.filter(pk=year.submission_a.pk).update(
        first_submitted_at=timezone.make_aware(dt.datetime(2025, 11, 30, 9, 0))
    )
    year.submission_a.refresh_from_db()
    services.submission_return(submission=year.submission_a, user=reviewer, reason="Sửa lại")
    services.submission_submit(submission=year.submission_a, user=officer_a)
    assert not selectors.is_late(year.submission_a, year.period, on=dt.date(2025, 12, 20))


def test_the_reviewer_locks_and_reopens_a_period_from_the_periods_page(year, reviewer):
    client = client_for(reviewer)
    target = reverse("indicators:period_action", args=[2025])
    client.post(target, {"action": "lock", "reason": ""})
    assert ReportingPeriod.objects.get(year=2025).state == PeriodState.OPEN  # no reason, no lock
    client.post(target, {"action": "lock", "reason": "Đã ban hành báo cáo năm"})
    assert ReportingPeriod.objects.get(year=2025).state == PeriodState.LOCKED
    page = client.get(reverse("indicators:periods")).content.decode()
    assert "Đã ban hành báo cáo năm" in page
    client.post(target, {"action": "reopen", "reason": "Bổ sung"})
    assert ReportingPeriod.objects.get(year=2025).state == PeriodState.OPEN
    client.post(target, {"action": "deadline", "deadline": "15/12/2025"})
    assert ReportingPeriod.objects.get(year=2025).deadline == dt.date(2025, 12, 15)


def test_a_new_period_gets_the_5_december_deadline(reviewer, province):
    client_for(reviewer).post(reverse("indicators:periods"), {"year": 2026, "deadline": ""})
    assert ReportingPeriod.objects.get(year=2026).deadline == dt.date(2026, 12, 5)


def test_a_locked_period_refuses_the_officers_changes_with_a_clear_message(
    year, officer_a, reviewer
):
    services.period_lock(period=year.period, user=reviewer, reason="Khóa")
    from tests.figures.conftest import post_data

    response = client_for(officer_a).post(
        reverse("indicators:submission", args=[year.submission_a.pk]),
        post_data(year, {year.library.pk: {"user_visits": "1"}}, version=1, save="1"),
    )
    assert response.status_code == 409
    assert "đã khóa" in response.content.decode()


def test_the_entry_index_lists_only_the_officers_own_units(year, officer_a, officer_b):
    ReportingPeriodFactory(year=2025)
    page = client_for(officer_a).get(reverse("indicators:entry_index")).content.decode()
    assert "UBND-622" in page and "UBND-623" not in page


def _unit_with_submission(province, period, code: str, state: str | None):
    unit = ReportingUnitFactory(code=code, name=f"Đơn vị {code}", admin_unit=province.district_a)
    InstitutionFactory(
        category=category("LIB_COMM"), admin_unit=province.commune_a, reporting_unit=unit
    )
    if state is not None:
        return Submission.objects.create(reporting_unit=unit, period=period, state=state)
    return None


def test_the_queue_puts_what_awaits_the_reviewer_first(year, province, reviewer):
    # From the fixture: UBND-622 has a draft, UBND-623 has not started.
    period = year.period
    approved = _unit_with_submission(province, period, "UBND-A1", SubmissionState.APPROVED)
    waiting_2 = _unit_with_submission(province, period, "UBND-B2", SubmissionState.SUBMITTED)
    returned = _unit_with_submission(province, period, "UBND-C3", SubmissionState.RETURNED)
    waiting_1 = _unit_with_submission(province, period, "UBND-B1", SubmissionState.SUBMITTED)
    _unit_with_submission(province, period, "UBND-D4", None)

    response = client_for(reviewer).get(reverse("indicators:review_queue", args=[2025]))
    assert [r.unit.code for r in response.context["rows"]] == [
        "UBND-B1",  # submitted: awaiting review, by unit code
        "UBND-B2",
        "UBND-C3",  # returned
        "UBND-622",  # draft
        "UBND-623",  # not started, by unit code
        "UBND-D4",
        "UBND-A1",  # approved: nothing to do
    ]
    page = response.content.decode()
    for sub in (waiting_1, waiting_2, returned, approved, year.submission_a):
        link = f'<a href="{reverse("indicators:submission", args=[sub.pk])}">'
        assert f"{link}{sub.reporting_unit.name}</a>" in page
    # A unit that has not started has no submission page to open.
    assert ">UBND Thị xã An Khê</a>" not in page and "UBND Thị xã An Khê" in page


def test_the_completeness_table_marks_sent_and_approved_for_screen_readers_too(
    year, province, reviewer
):
    _unit_with_submission(province, year.period, "UBND-A1", SubmissionState.APPROVED)
    response = client_for(reviewer).get(reverse("indicators:completeness", args=[2025]))
    page = response.content.decode()
    table = page[page.index("<table") :]
    # Every listed unit must report: a column of ✓ said nothing.
    assert "Phải nộp" not in table
    approved_row = table[table.index('data-unit="UBND-A1"') :].split("</tr>")[0]
    assert approved_row.count('<span aria-hidden="true">✓</span>') == 2
    assert approved_row.count('<span class="visually-hidden">Có</span>') == 2
    draft_row = table[table.index('data-unit="UBND-622"') :].split("</tr>")[0]
    assert "Đang nhập" in draft_row
    assert (
        '<span aria-hidden="true">✗</span><span class="visually-hidden">Không</span>' in draft_row
    )


def test_the_periods_page_refuses_a_year_outside_the_plan(reviewer, province):
    response = client_for(reviewer).post(
        reverse("indicators:periods"), {"year": 2031, "deadline": ""}, follow=True
    )
    assert (
        "Năm 2031 nằm ngoài Kế hoạch 3632/KH-UBND (từ 2023 đến 2030)" in response.content.decode()
    )
    assert not ReportingPeriod.objects.filter(year=2031).exists()
