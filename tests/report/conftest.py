"""A small province with a year of figures and activities, for the annual report.

Pleiku (district A, reporting unit UBND-622) has its submission approved; An Khê
(district B, UBND-623) has its submission only submitted unless a test approves
it. Known answers, worked out by hand:

- LIB_LLL_SERVICE:LIB_COMM — four commune libraries, three with lll_services:
  3/4 = 75,0 %.
- LIB_DIGITAL:LIB_COMM — one of four with digital_transformation: 1/4 = 25,0 %.
- LIB_LLL_SERVICE:LIB_DIST — Pleiku's district library meets, An Khê's has no
  figures: 1/2 = 50,0 %.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from indicators.models import (
    Activity,
    Figures,
    KeyDay,
    ReportingPeriod,
    Submission,
    SubmissionState,
    TaskGroup,
)
from indicators.services import plan_load
from reports.models import ReportDraft
from reports.services import report_draft_for_year
from tests.conftest import Province
from tests.factories import InstitutionFactory, ReportingPeriodFactory, category

YEAR = 2025
INJECTION_TITLE = '=HYPERLINK("http://example.invalid","bấm vào đây")'


@dataclass
class ReportYear:
    period: ReportingPeriod
    draft: ReportDraft
    approved: Submission
    waiting: Submission


def _library(code: str, unit, reporting_unit, cat: str = "LIB_COMM", name: str = ""):
    return InstitutionFactory(
        code=code,
        name=name or f"Thư viện công cộng cấp xã {code}",
        category=category(cat),
        admin_unit=unit,
        reporting_unit=reporting_unit,
        opened_year=2010,
    )


@pytest.fixture
def plan(db: None):
    return plan_load()


@pytest.fixture
def report_year(province: Province, plan, reviewer) -> ReportYear:
    # Figures taken as final on 25/11, so that the report may be dated 28/11.
    period = ReportingPeriodFactory(year=YEAR, data_cutoff=dt.date(YEAR, 11, 25))
    approved = Submission.objects.create(
        reporting_unit=province.unit_a, period=period, state=SubmissionState.APPROVED
    )
    waiting = Submission.objects.create(
        reporting_unit=province.unit_b, period=period, state=SubmissionState.SUBMITTED
    )
    libs = [
        _library("TV-XA-01", province.commune_a, province.unit_a),
        _library("TV-XA-02", province.commune_a, province.unit_a),
        _library("TV-XA-03", province.commune_b, province.unit_b),
        _library("TV-XA-04", province.commune_b, province.unit_b),
    ]
    flags = [(True, True), (True, False), (True, False), (False, False)]
    for lib, (lll, digital) in zip(libs, flags, strict=True):
        Figures.objects.create(
            institution=lib,
            year=YEAR,
            submission=approved if lib.reporting_unit == province.unit_a else waiting,
            lll_services=lll,
            digital_transformation=digital,
            user_visits=1200,
            participants=300,
        )
    district_lib = _library(
        "TV-HUYEN-622",
        province.district_a,
        province.unit_a,
        cat="LIB_DIST",
        name="Thư viện thành phố Pleiku",
    )
    _library(
        "TV-HUYEN-623",
        province.district_b,
        province.unit_b,
        cat="LIB_DIST",
        name="Thư viện thị xã An Khê",
    )
    Figures.objects.create(
        institution=district_lib,
        year=YEAR,
        submission=approved,
        lll_services=True,
        digital_transformation=True,
        user_visits=25000,
        participants=4000,
    )
    activities = [
        (
            "Ngày Sách và Văn hóa đọc Việt Nam",
            TaskGroup.COMMUNICATION,
            KeyDay.BOOK_DAY,
            1500,
            50_000_000,
            0,
            10_000_000,
            approved,
        ),
        (INJECTION_TITLE, TaskGroup.COMMUNICATION, "", 120, 0, 0, 0, approved),
        ("-abc tập huấn số hóa", TaskGroup.STAFF, "", 45, 12_500_000, 5_000_000, 0, approved),
        (
            "+84 chương trình liên kết",
            TaskGroup.COOPERATION,
            KeyDay.LLL_WEEK,
            300,
            0,
            8_000_000,
            2_000_000,
            waiting,
        ),
        (
            "@thư viện số",
            TaskGroup.INFRASTRUCTURE,
            KeyDay.DIGITAL_DAY,
            80,
            100_000_000,
            0,
            0,
            waiting,
        ),
    ]
    for i, (title, group, key_day, people, budget, programmes, contrib, sub) in enumerate(
        activities
    ):
        Activity.objects.create(
            submission=sub,
            date=dt.date(YEAR, 4, 21) + dt.timedelta(days=30 * i),
            title=title,
            task_group=group,
            key_day=key_day,
            institution=libs[0],
            participants=people,
            funding_state_budget=Decimal(budget),
            funding_programmes=Decimal(programmes),
            funding_contributions=Decimal(contrib),
        )
    Activity.objects.create(
        submission=approved,
        date=dt.date(YEAR, 5, 1),
        title="Hoạt động đã xóa",
        task_group=TaskGroup.SOCIALISATION,
        participants=99999,
        is_deleted=True,
    )
    draft = report_draft_for_year(year=YEAR)
    draft.number = "125"
    draft.report_date = dt.date(YEAR, 11, 28)
    draft.signer_name = "Nguyễn Thị Hạnh"
    draft.difficulties = (
        "Một số thư viện cấp xã chưa có cán bộ chuyên trách.\nKinh phí còn hạn chế."
    )
    draft.proposals = "Đề nghị Bộ hỗ trợ tập huấn chuyển đổi số cho thư viện cấp xã."
    draft.save()
    return ReportYear(period=period, draft=draft, approved=approved, waiting=waiting)


@pytest.fixture
def all_approved(report_year: ReportYear) -> ReportYear:
    Submission.objects.filter(pk=report_year.waiting.pk).update(state=SubmissionState.APPROVED)
    report_year.waiting.refresh_from_db()
    return report_year


@pytest.fixture
def build_file(django_capture_on_commit_callbacks):
    """Ask for a report file as the page's script does and let the job run (in
    this process: CELERY_TASK_ALWAYS_EAGER, the default without a broker).
    Returns the job's JSON status once the request has answered."""
    from django.urls import reverse

    def build(client, kind: str, year: int = YEAR) -> dict:
        url = reverse("reports:annual_report_job_start", args=[year, kind])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, headers={"Accept": "application/json"})
        assert response.status_code == 202, response.content
        return client.get(response.json()["status_url"]).json()

    return build
