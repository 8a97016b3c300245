"""The annual report across the 01/07/2025 reorganisation: Annex I by the units
standing on the deadline with the line above them, so its rows add up to the
province; the old districts over 2023-2025 beside it; units outside the plan
named apart; the units expected to report counted as the review queue counts
them; and only sent activities counted."""

from __future__ import annotations

import datetime as dt

import pytest

from indicators.models import Activity, Submission, SubmissionState, TaskGroup
from indicators.selectors import completeness
from institutions.models import ReportingUnitKind
from reports.annual.context import build_report_context
from reports.annual.pdf import render_report_html
from reports.services import report_draft_for_year
from tests.attainment.conftest import JULY_1, JUNE_30
from tests.factories import (
    AdministrativeUnitFactory,
    InstitutionFactory,
    ReportingPeriodFactory,
    ReportingUnitFactory,
    category,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_2025(merged, plan, report):
    """Two new units under new province 52 (Diên Hồng 23563 and An Khê 23611),
    one commune of the new province outside plan 3632 (a former Bình Định
    commune), the old district committee UBND-622 gone on 30/06/2025 with one
    library still assigned to it, and figures for 2023-2025."""
    p = merged
    p.unit_a.valid_to = JUNE_30
    p.unit_a.save()
    committee = ReportingUnitFactory(
        code="UBND-23563",
        name="UBND Phường Diên Hồng",
        kind=ReportingUnitKind.COMMUNE_COMMITTEE,
        admin_unit=p.dien_hong,
        valid_from=JULY_1,
    )
    outside = AdministrativeUnitFactory(
        code="21550", name="Xã Tây Sơn", parent=p.new_province, valid_from=JULY_1
    )
    outside_ru = ReportingUnitFactory(
        code="UBND-21550", name="UBND Xã Tây Sơn", admin_unit=outside, valid_from=JULY_1
    )

    def inst(cat, unit, ru, **kw):
        return InstitutionFactory(category=category(cat), admin_unit=unit, reporting_unit=ru, **kw)

    yen_do = inst("LIB_COMM", p.commune_a, committee)
    ia_kring = inst("LIB_COMM", p.ia_kring, p.unit_a)  # assigned to the gone committee
    an_binh = inst("LIB_COMM", p.commune_b, p.unit_b)
    district = inst("LIB_DIST", p.district_a, p.department, closed_year=2025)
    museum = inst("MUS", p.province, p.department)
    beyond = inst("LIB_COMM", outside, outside_ru)
    report(yen_do, 2025, lll_services=True, digital_transformation=True)
    report(an_binh, 2025, state=SubmissionState.APPROVED, lll_services=False)
    report(district, 2025, lll_services=True)
    report(beyond, 2025, lll_services=True)
    report(museum, 2025, education_programme=True, digital_exhibitions=True)
    for year in (2023, 2024):
        report(yen_do, year, state=SubmissionState.APPROVED, lll_services=year == 2024)
        report(ia_kring, year, state=SubmissionState.APPROVED, lll_services=True)
        report(district, year, state=SubmissionState.APPROVED, lll_services=True)
    ReportingPeriodFactory(year=2025)
    return report_draft_for_year(year=2025)


def _numbers(line, code):
    row = next(r for r in line.rows if r.target_code == code)
    if hasattr(row, "numerator"):
        return row.numerator, row.denominator
    return row.matched_institutions, row.expected


def _adds_up(total, parts, codes):
    for code in codes:
        n, d = _numbers(total, code)
        assert n == sum(_numbers(p, code)[0] for p in parts), code
        assert d == sum(_numbers(p, code)[1] for p in parts), code


def test_annex_is_by_the_units_of_the_deadline_and_adds_up_to_the_province(year_2025):
    r = build_report_context(draft=year_2025)
    annex = r.annex
    assert annex.units_on == dt.date(2025, 12, 5)
    assert [line.code for line in annex.lines] == ["23563", "23611"]
    assert [u.code for u in annex.outside] == ["21550"]
    codes = [line.row.target_code for line in r.lines]
    _adds_up(annex.total, [*annex.lines, annex.above], codes)
    # 23563 took Yên Đỗ and Ia Kring: 1 of 2 libraries offers the service.
    assert _numbers(annex.lines[0], "LIB_LLL_SERVICE:LIB_COMM") == (1, 2)
    # The district library and the provincial museum stand in no new commune.
    assert _numbers(annex.above, "LIB_LLL_SERVICE:LIB_DIST") == (1, 1)
    assert _numbers(annex.above, "MUS_EDU_PROGRAM:MUS") == (1, 1)
    # The former Bình Định commune's library counts nowhere.
    assert _numbers(annex.total, "LIB_LLL_SERVICE:LIB_COMM") == (1, 3)


def test_the_old_districts_are_followed_over_2023_2025(year_2025):
    r = build_report_context(draft=year_2025)
    table = r.comparison
    assert table is not None
    assert table.years == [2023, 2024, 2025]
    assert table.units_on == JUNE_30
    assert [(b.kind, b.code) for b in table.blocks] == [
        ("total", ""),
        ("unit", "622"),
        ("unit", "623"),
        ("above", ""),
    ]
    pleiku = table.blocks[1]
    assert [_numbers(line, "LIB_LLL_SERVICE:LIB_COMM") for line in pleiku.lines] == [
        (1, 2),  # 2023: Ia Kring only
        (2, 2),  # 2024: both
        (1, 2),  # 2025: Yên Đỗ, Ia Kring silent
    ]
    codes = [line.row.target_code for line in r.lines]
    for i in range(3):
        _adds_up(table.blocks[0].lines[i], [b.lines[i] for b in table.blocks[1:]], codes)
    html = render_report_html(r)
    assert "Kết quả các năm 2023–2025 theo đơn vị hành chính cấp huyện" in html
    assert "Ngoài phạm vi Kế hoạch" in html and "Xã Tây Sơn" in html


def test_a_report_before_the_reorganisation_has_no_comparison_table(merged, plan, report):
    InstitutionFactory(
        category=category("LIB_COMM"), admin_unit=merged.commune_a, reporting_unit=merged.unit_a
    )
    ReportingPeriodFactory(year=2024)
    r = build_report_context(draft=report_draft_for_year(year=2024))
    assert r.comparison is None
    assert [line.code for line in r.annex.lines] == ["622", "623"]


def test_expected_units_are_the_review_queues(year_2025):
    period = year_2025.period
    queue = completeness(period)
    codes = {row.unit.code for row in queue.rows if row.unit.institution_count}
    # The committee gone on 30/06/2025 is not chased for 2025, though a library
    # is still assigned to it.
    assert "UBND-622" not in codes
    r = build_report_context(draft=year_2025)
    assert (r.received.expected, r.received.submitted) == (queue.expected, queue.submitted)
    html = render_report_html(r)
    assert f"Đã nhận báo cáo của {queue.submitted}/{queue.expected} đơn vị báo cáo" in html


def test_only_sent_activities_count(year_2025, merged):
    period = year_2025.period
    sent = Submission.objects.get(period=period, reporting_unit=merged.unit_b)  # approved
    draft = Submission.objects.create(
        period=period, reporting_unit=merged.sector, state=SubmissionState.DRAFT
    )
    returned = Submission.objects.create(
        period=period,
        reporting_unit=ReportingUnitFactory(code="BCHQS", admin_unit=merged.new_province),
        state=SubmissionState.RETURNED,
    )
    for sub, people, deleted in (
        (sent, 40, False),
        (sent, 500, True),
        (draft, 1000, False),
        (returned, 7000, False),
    ):
        Activity.objects.create(
            submission=sub,
            date=dt.date(2025, 9, 1),
            title="Tọa đàm đọc sách",
            task_group=TaskGroup.COMMUNICATION,
            participants=people,
            is_deleted=deleted,
        )
    r = build_report_context(draft=year_2025)
    assert r.task_totals["activities"] == 1
    assert r.task_totals["participants"] == 40
