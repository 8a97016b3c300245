"""Known answers for DESIGN section 5 as revised: the milestone and baseline
years, rounding once, moving denominators, a plan's territory, units that add
up, and who sees whose figures. Each answer is worked out in the comments.

The conftest province: Gia Lai (64) with districts Pleiku (622, "A") and An Khê
(623, "B"), communes Yên Đỗ (23557, under A) and An Bình (23620, under B).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from indicators.models import Submission, SubmissionState
from indicators.selectors import is_late
from institutions.models import Level, UnitSuccession
from reports.attainment import ShareRow, Status, catch_up_text
from reports.selectors import (
    attainment_by_unit,
    attainment_overview,
    attainment_rows,
    attainment_table,
    institutions_behind,
)
from reports.visibility import APPROVED_ONLY, Visibility
from tests.conftest import client_for
from tests.factories import (
    AdministrativeUnitFactory,
    InstitutionFactory,
    ReportingPeriodFactory,
    category,
)

pytestmark = pytest.mark.django_db
APPROVED, SUBMITTED = SubmissionState.APPROVED, SubmissionState.SUBMITTED
COMM = "LIB_LLL_SERVICE:LIB_COMM"


def row(rows: list, code: str) -> ShareRow:
    return next(r for r in rows if r.target_code == code)


def libraries(n: int, *, commune, reporting_unit, code: str = "LIB_COMM", **kwargs) -> list:
    return [
        InstitutionFactory(
            category=category(code), admin_unit=commune, reporting_unit=reporting_unit, **kwargs
        )
        for _ in range(n)
    ]


def test_a_value_is_rounded_once_from_the_exact_fraction(province, plan, report):
    libs = libraries(13, commune=province.commune_a, reporting_unit=province.unit_a)
    for i, lib in enumerate(libs):
        report(lib, 2024, APPROVED, lll_services=i < 7)
    r = row(attainment_rows(year=2024), COMM)
    # 7/13 = 53.846153…%: 53.85 in data, 53.8 at one decimal — never 53.9, which
    # rounding 53.85 again would give.
    assert r.value == Decimal("53.85")
    assert r.value_shown(1) == Decimal("53.8")


def test_the_milestone_year_knows_only_achieved_or_not_achieved(province, plan, report):
    libs = libraries(10, commune=province.commune_a, reporting_unit=province.unit_a)
    for year, meeting in ((2023, 1), (2024, 2), (2025, 3)):
        for i, lib in enumerate(libs):
            report(lib, year, APPROVED, lll_services=i < meeting)
    r2024 = row(attainment_rows(year=2024), COMM)
    # 2024, inside the phase: line 10 + (40 − 10) × 1/2 = 25 > 20 → off track,
    # owing (40 − 20) / (2025 − 2024) = 20 points a year
    assert (r2024.status, r2024.yearly_gain_needed, r2024.gap) == (
        Status.OFF_TRACK,
        Decimal("20.00"),
        None,
    )
    r2025 = row(attainment_rows(year=2025), COMM)
    # 2025 is the milestone: 30 < 40 → not achieved (never "behind schedule"),
    # and what remains is the gap, 10 points, not a gain per year
    assert (r2025.status, r2025.gap, r2025.yearly_gain_needed) == (
        Status.NOT_ACHIEVED,
        Decimal("10.00"),
        None,
    )
    assert r2025.previous_value == Decimal("20.00")
    assert (r2025.previous_numerator, r2025.previous_denominator) == (2, 10)
    text = catch_up_text(r2025, number=str)
    assert text == "Đã đến năm mốc 2025: còn thiếu 10.0 điểm % so với mục tiêu."
    assert "mỗi năm" not in text


def test_the_baseline_year_is_never_on_track_by_construction(province, plan, report):
    (lib,) = libraries(1, commune=province.commune_a, reporting_unit=province.unit_a)
    report(lib, 2023, APPROVED, lll_services=False)
    r = row(attainment_rows(year=2023), COMM)
    assert (r.value, r.status) == (Decimal("0.00"), Status.BASELINE)


def test_a_category_that_ceases_says_so_in_numbers_and_words(province, plan, report):
    dept = province.department
    (prov_cc,) = libraries(1, commune=province.province, reporting_unit=dept, code="CC_PROV")
    district_cc = [
        InstitutionFactory(
            category=category("CC_DIST"),
            admin_unit=province.district_a if i % 2 else province.district_b,
            reporting_unit=dept,
            closed_year=2025,
        )
        for i in range(17)
    ]
    for inst in [prov_cc, *district_cc]:
        report(inst, 2025, APPROVED, creative_activities=False)
    report(prov_cc, 2026, APPROVED, creative_activities=True)
    upper = row(attainment_rows(year=2026), "CC_UPPER_ACTIVITIES:CC_PROV_DIST")
    # 2026: only the provincial centre is open, and it meets: 1/1 = 100 … but the
    # phase started in 2025 with 18 centres, 17 of which closed in 2025.
    assert (upper.numerator, upper.denominator, upper.phase_start_denominator) == (1, 1, 18)
    change = upper.denominator_change
    assert (change.start, change.now, change.closed, change.opened) == (18, 1, 17, 0)
    assert change.text() == "18 → 1: 17 thiết chế ngừng hoạt động năm 2025"
    # District libraries: none open from 2026 — not applicable, never "no data".
    dist = row(attainment_rows(year=2026), "LIB_LLL_SERVICE:LIB_DIST")
    assert dist.status == Status.NOT_APPLICABLE
    assert dist.reason.startswith("Không có thư viện công cộng cấp huyện nào hoạt động")


def test_the_dashboard_says_the_denominator_moved(province, plan, report, reviewer):
    dept = province.department
    (prov_cc,) = libraries(1, commune=province.province, reporting_unit=dept, code="CC_PROV")
    (gone,) = libraries(
        1, commune=province.district_a, reporting_unit=dept, code="CC_DIST", closed_year=2025
    )
    report(prov_cc, 2025, APPROVED, creative_activities=True)
    report(gone, 2025, APPROVED, creative_activities=False)
    report(prov_cc, 2026, APPROVED, creative_activities=True)
    ReportingPeriodFactory(year=2026)
    html = client_for(reviewer).get("/dashboard/?year=2026").content.decode()
    assert "2 → 1: 1 thiết chế ngừng hoạt động năm 2025" in html


@pytest.fixture
def merged_province(province):
    """New province 52 from 01/07/2025: new commune 23563 succeeds Yên Đỗ, and a
    former Bình Định commune (21000) with a library of its own, outside plan
    3632's territory."""
    new = AdministrativeUnitFactory(
        code="52", name="Tỉnh Gia Lai (mới)", level=Level.PROVINCE, valid_from=dt.date(2025, 7, 1)
    )
    UnitSuccession.objects.create(
        predecessor=province.province, successor=new, effective_on=dt.date(2025, 7, 1)
    )
    dien_hong = AdministrativeUnitFactory(
        code="23563", name="Phường Diên Hồng", parent=new, valid_from=dt.date(2025, 7, 1)
    )
    UnitSuccession.objects.create(
        predecessor=province.commune_a, successor=dien_hong, effective_on=dt.date(2025, 7, 1)
    )
    binh_dinh = AdministrativeUnitFactory(
        code="21000", name="Phường Quy Nhơn", parent=new, valid_from=dt.date(2025, 7, 1)
    )
    province.new_province, province.dien_hong, province.binh_dinh = new, dien_hong, binh_dinh
    return province


def test_units_outside_the_plans_territory_are_listed_apart(merged_province, plan, report):
    p = merged_province
    (ours,) = libraries(1, commune=p.commune_a, reporting_unit=p.unit_a)
    (theirs,) = libraries(1, commune=p.binh_dinh, reporting_unit=p.unit_b)
    report(ours, 2026, APPROVED, lll_services=True)
    report(theirs, 2026, APPROVED, lll_services=False)
    r = row(attainment_rows(year=2026), COMM)
    # The territory is old 64 and what succeeded it: the Bình Định library is not in it.
    assert (r.numerator, r.denominator) == (1, 1)
    table = attainment_table(year=2026, units=[p.dien_hong, p.binh_dinh])
    assert [u.code for u, _rows in table.lines] == ["23563"]
    assert [u.code for u in table.outside] == ["21000"]


def test_units_outside_the_territory_cost_no_query_of_their_own(
    merged_province, plan, django_assert_num_queries
):
    p = merged_province
    outside = [p.binh_dinh] + [
        AdministrativeUnitFactory(parent=p.new_province, valid_from=dt.date(2025, 7, 1))
        for _ in range(3)
    ]
    # targets, their categories, their milestones, the graph (2), one aggregate
    with django_assert_num_queries(6):
        by_unit = attainment_by_unit(year=2026, units=[p.dien_hong, *outside])
    # rows over nothing: not applicable, never "not reported"
    assert {r.status for u in outside for r in by_unit[u.code]} == {Status.NOT_APPLICABLE}


def test_the_rows_of_a_table_add_up_to_the_territory(province, plan, report):
    (prov_lib,) = libraries(
        1, commune=province.province, reporting_unit=province.department, code="LIB_PROV"
    )
    libs_a = libraries(2, commune=province.commune_a, reporting_unit=province.unit_a)
    libs_b = libraries(3, commune=province.commune_b, reporting_unit=province.unit_b)
    (dist_a,) = libraries(
        1, commune=province.district_a, reporting_unit=province.unit_a, code="LIB_DIST"
    )
    for i, lib in enumerate([prov_lib, *libs_a, *libs_b, dist_a]):
        report(lib, 2024, APPROVED, lll_services=i % 2 == 0, digital_transformation=True)
    table = attainment_table(year=2024, units=[province.district_a, province.district_b])
    # The provincial library stands in no district: it is the "cấp tỉnh" row.
    for target_code in ("LIB_LLL_SERVICE:LIB_PROV", COMM, "LIB_DIGITAL:LIB_DIST"):
        total = row(table.total, target_code)
        lines = [row(rows, target_code) for _unit, rows in table.lines]
        above = row(table.above, target_code)
        assert sum(r.numerator for r in lines) + above.numerator == total.numerator
        assert sum(r.denominator for r in lines) + above.denominator == total.denominator
    assert row(table.above, "LIB_LLL_SERVICE:LIB_PROV").denominator == 1


def test_the_rows_of_a_units_table_add_up_to_that_unit(province, plan, report):
    """On a district's dashboard the communes' lines and the line above them
    add up to the district (its own rows), never to the province."""
    libs_a = libraries(2, commune=province.commune_a, reporting_unit=province.unit_a)
    libs_b = libraries(3, commune=province.commune_b, reporting_unit=province.unit_b)
    (dist_a,) = libraries(
        1, commune=province.district_a, reporting_unit=province.unit_a, code="LIB_DIST"
    )
    (dist_b,) = libraries(
        1, commune=province.district_b, reporting_unit=province.unit_b, code="LIB_DIST"
    )
    for i, lib in enumerate([*libs_a, *libs_b, dist_a, dist_b]):
        report(lib, 2024, APPROVED, lll_services=i % 2 == 0, digital_transformation=True)
    overview = attainment_overview(
        years=[2024], unit=province.district_a, units=[province.commune_a]
    )
    table = overview.table
    for target_code in (COMM, "LIB_DIGITAL:LIB_DIST"):
        own = row(overview.by_year[2024], target_code)
        (line,) = [row(rows, target_code) for _unit, rows in table.lines]
        above = row(table.above, target_code)
        assert line.denominator + above.denominator == own.denominator
        assert line.numerator + above.numerator == own.numerator
        assert row(table.total, target_code).denominator == own.denominator
    # The district's own library is the line above its one commune.
    assert row(table.above, "LIB_DIGITAL:LIB_DIST").denominator == 1
    assert row(table.above, COMM).denominator == 0


def test_officers_see_other_reporting_units_figures_only_once_approved(
    province, plan, report, officer_a
):
    # A school library in officer A's district, reported by the sector (SGDDT).
    (school,) = libraries(
        1, commune=province.commune_a, reporting_unit=province.sector, code="LIB_EDU"
    )
    (own,) = libraries(1, commune=province.commune_a, reporting_unit=province.unit_a)
    report(school, 2024, SUBMITTED, lll_services=True)
    report(own, 2024, SUBMITTED, lll_services=True)
    seen = Visibility(frozenset({province.unit_a.pk}))
    rows = attainment_rows(year=2024, unit=province.district_a, visibility=seen)
    # own submitted figures count; the sector's submitted ones do not, yet
    assert row(rows, COMM).numerator == 1
    assert row(rows, "LIB_LLL_SERVICE:LIB_EDU").numerator == 0
    behind = institutions_behind(
        target_code="LIB_LLL_SERVICE:LIB_EDU",
        year=2024,
        unit=province.district_a,
        which="not_reported",
        visibility=seen,
    )
    assert list(behind) == [school]
    # The same through the officer's page.
    html = client_for(officer_a).get(f"/dashboard/unit/{province.district_a.pk}/?year=2024")
    card = html.content.decode().split('data-target="LIB_LLL_SERVICE:LIB_EDU"')[1]
    assert "Đã báo cáo 0/1 thiết chế" in card.split("</article>")[0]
    Submission.objects.filter(reporting_unit=province.sector).update(state=APPROVED)
    rows = attainment_rows(year=2024, unit=province.district_a, visibility=seen)
    assert row(rows, "LIB_LLL_SERVICE:LIB_EDU").numerator == 1


def test_the_api_does_not_trust_a_sector_reporter_with_a_territory(
    province, plan, report, sector_reporter
):
    (lib,) = libraries(1, commune=province.commune_b, reporting_unit=province.unit_b)
    report(lib, 2024, SUBMITTED, lll_services=True)
    data = (
        client_for(sector_reporter).get("/api/v1/attainment/", {"year": 2024, "unit": "623"}).json()
    )
    # district 623's figures are only submitted: a sector reporter sees them
    # as the public does — not at all
    assert data["approved_only"] is True
    comm = next(r for r in data["results"] if r["target_code"] == COMM)
    assert (comm["numerator"], comm["not_reported"]) == (0, 1)
    assert attainment_rows(year=2024, unit=province.district_b, visibility=APPROVED_ONLY)


def test_the_api_names_both_units_of_an_ambiguous_code(province, plan, reviewer):
    province.commune_a.valid_to = dt.date(2025, 6, 30)
    province.commune_a.save()
    AdministrativeUnitFactory(code="23557", name="Phường mới", valid_from=dt.date(2025, 7, 1))
    response = client_for(reviewer).get("/api/v1/attainment/", {"year": 2025, "unit": "23557"})
    assert response.status_code == 400
    message = response.json()["unit"]
    assert "Phường Yên Đỗ (23557, … – 30/06/2025)" in str(message)
    assert "Phường mới (23557, 01/07/2025 – …)" in str(message)
    response = client_for(reviewer).get(
        "/api/v1/attainment/", {"year": 2025, "unit": "23557", "valid_on": "2025-07-01"}
    )
    assert response.status_code == 200 and response.json()["unit"]["name"] == "Phường mới"


def test_a_report_sent_on_the_deadline_day_is_on_time(province):
    period = ReportingPeriodFactory(year=2025)
    assert period.deadline == dt.date(2025, 12, 5)
    sub = Submission.objects.create(reporting_unit=province.unit_a, period=period)
    tz = timezone.get_current_timezone()
    sub.first_submitted_at = dt.datetime(2025, 12, 5, 23, 30, tzinfo=tz)
    assert not is_late(sub, period)
    sub.first_submitted_at = dt.datetime(2025, 12, 6, 0, 5, tzinfo=tz)
    assert is_late(sub, period)
