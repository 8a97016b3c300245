"""Known answers for share indicators (DESIGN section 5), worked out in comments.

The conftest province: Gia Lai (64) with districts Pleiku (622, "A") and An Khê
(623, "B"), communes Yên Đỗ (23557, under A) and An Bình (23620, under B).
LIB_LLL_SERVICE:LIB_COMM has targets 40 (2025) and 60 (2030); baseline 2023.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from indicators.models import SubmissionState
from reports.attainment import ShareRow, Status
from reports.selectors import attainment_by_unit, attainment_rows, institutions_behind
from tests.factories import InstitutionFactory, category

pytestmark = pytest.mark.django_db

SUBMITTED, APPROVED, DRAFT = (
    SubmissionState.SUBMITTED,
    SubmissionState.APPROVED,
    SubmissionState.DRAFT,
)


def row(rows: list, code: str) -> ShareRow:
    return next(r for r in rows if r.target_code == code)


def libraries(n: int, *, commune, reporting_unit, **kwargs) -> list:
    return [
        InstitutionFactory(
            category=category("LIB_COMM"),
            admin_unit=commune,
            reporting_unit=reporting_unit,
            **kwargs,
        )
        for _ in range(n)
    ]


def test_it_counts_open_institutions_and_never_counts_a_silent_one_as_meeting(
    province, plan, report
):
    a, b = province.commune_a, province.commune_b
    l1, l2, l3 = libraries(3, commune=a, reporting_unit=province.unit_a)
    (l4,) = libraries(1, commune=a, reporting_unit=province.unit_a, closed_year=2024)
    libraries(1, commune=a, reporting_unit=province.unit_a, closed_year=2023)
    libraries(1, commune=a, reporting_unit=province.unit_a, opened_year=2025)
    (l7,) = libraries(1, commune=b, reporting_unit=province.unit_b)
    report(l1, 2024, lll_services=True)
    report(l2, 2024, lll_services=False)
    # l3 says nothing; l4 closed in 2024 but reports for it and still counts.
    report(l4, 2024, lll_services=True)
    # l7's "yes" is in a draft: not counted, so l7 is not reported.
    report(l7, 2024, DRAFT, lll_services=True)

    r = row(attainment_rows(year=2024), "LIB_LLL_SERVICE:LIB_COMM")

    # open in 2024: l1, l2, l3, l4 (closed 2024), l7 = 5 (closed 2023 and opened 2025 are not)
    assert (r.denominator, r.expected) == (5, 5)
    # meeting: l1, l4 = 2; reported: l1, l2, l4 = 3; not reported: l3, l7 = 2
    assert (r.numerator, r.reported, r.not_reported) == (2, 3, 2)
    # 100 × 2 / 5 = 40.00 ≥ the 2025 target 40 → achieved, nothing more to gain
    assert r.value == Decimal("40.00")
    assert (r.target, r.target_2025, r.target_2030, r.milestone_year) == (
        Decimal("40"),
        Decimal("40"),
        Decimal("60"),
        2025,
    )
    assert r.status == Status.ACHIEVED
    assert r.yearly_gain_needed == Decimal("0")
    assert r.awaiting_approval is True  # l1, l2, l4 are only submitted
    assert r.categories == ["LIB_COMM"] and r.unit is None and r.year == 2024
    # No 2023 figures at all: the phase-start value is unknown, no projection.
    assert r.baseline_value is None and r.projected_value is None

    # The drill-down lists partition the five.
    def codes(which: str) -> set[str]:
        qs = institutions_behind(
            target_code="LIB_LLL_SERVICE:LIB_COMM", year=2024, unit=None, which=which
        )
        return set(qs.values_list("code", flat=True))

    assert codes("meeting") == {l1.code, l4.code}
    assert codes("not_meeting") == {l2.code}
    assert codes("not_reported") == {l3.code, l7.code}


def test_approved_only_counts_approved_figures_and_awaiting_says_what_is_left(
    province, plan, report
):
    (la,) = libraries(1, commune=province.commune_a, reporting_unit=province.unit_a)
    (lb,) = libraries(1, commune=province.commune_b, reporting_unit=province.unit_b)
    report(la, 2025, APPROVED, lll_services=True)
    report(lb, 2025, SUBMITTED, lll_services=True)

    everything = row(attainment_rows(year=2025), "LIB_LLL_SERVICE:LIB_COMM")
    # both count: 2/2 = 100.00; lb is still only submitted
    assert (everything.numerator, everything.denominator, everything.value) == (
        2,
        2,
        Decimal("100.00"),
    )
    assert everything.awaiting_approval is True

    public = row(attainment_rows(year=2025, approved_only=True), "LIB_LLL_SERVICE:LIB_COMM")
    # only la counts: 1/2 = 50.00, lb is not reported; nothing counted awaits approval
    assert (public.numerator, public.denominator, public.not_reported) == (1, 2, 1)
    assert public.value == Decimal("50.00")
    assert public.awaiting_approval is False


def test_no_data_when_nobody_reported_not_applicable_when_nothing_is_open(province, plan, report):
    libraries(2, commune=province.commune_a, reporting_unit=province.unit_a)
    rows = attainment_rows(year=2024)
    comm = row(rows, "LIB_LLL_SERVICE:LIB_COMM")
    # two open, none reported → no_data, value None, both not reported
    assert (comm.denominator, comm.not_reported, comm.value, comm.status) == (
        2,
        2,
        None,
        Status.NO_DATA,
    )
    assert comm.yearly_gain_needed is None
    assert "2 thiết chế đang hoạt động, chưa thiết chế nào báo cáo." in comm.reason
    prov = row(rows, "LIB_LLL_SERVICE:LIB_PROV")  # no provincial library at all
    assert (prov.denominator, prov.value, prov.status) == (0, None, Status.NOT_APPLICABLE)
    assert prov.reason == "Không có thư viện cấp tỉnh nào hoạt động trong phạm vi năm 2024."


def test_a_criterion_of_two_fields_needs_both(province, plan, report):
    mus = [
        InstitutionFactory(
            category=category("MUS"),
            admin_unit=province.province,
            reporting_unit=province.department,
        )
        for _ in range(4)
    ]
    report(mus[0], 2024, education_programme=True, digital_exhibitions=True)
    report(mus[1], 2024, education_programme=True, digital_exhibitions=False)
    report(mus[2], 2024, education_programme=False, digital_exhibitions=True)
    r = row(attainment_rows(year=2024), "MUS_EDU_PROGRAM:MUS")
    # only mus[0] meets; 4 open, 3 reported: 100 × 1/4 = 25.00 (target 70 in 2025)
    assert (r.numerator, r.denominator, r.reported, r.value) == (1, 4, 3, Decimal("25.00"))
    # no 2023 value → on_track cannot be judged → off_track (documented decision)
    assert r.status == Status.OFF_TRACK
    # (70 − 25) / (2025 − 2024) = 45.00 points a year still needed
    assert r.yearly_gain_needed == Decimal("45.00")


def test_two_categories_share_one_target(province, plan, report):
    cc = [
        InstitutionFactory(
            category=category(code),
            admin_unit=province.commune_a,
            reporting_unit=province.unit_a,
        )
        for code in ("CC_COMM", "CC_VILL", "CC_VILL")
    ]
    report(cc[0], 2025, clubs_or_classes=True, regular_activities=True)
    report(cc[1], 2025, clubs_or_classes=True, regular_activities=True)
    report(cc[2], 2025, clubs_or_classes=True, regular_activities=False)
    r = row(attainment_rows(year=2025), "CC_GRASSROOTS_CLUBS:CC_COMM_VILL")
    # 2 of 3 meet: 100 × 2/3 = 66.666… → 66.67 < 70 in the milestone year
    assert r.categories == ["CC_COMM", "CC_VILL"]
    assert (r.numerator, r.denominator, r.value) == (2, 3, Decimal("66.67"))
    # the milestone year has come: not achieved, and the catch-up is the gap that
    # remained, from the exact value: 70 − 66.666… = 3.333… → 3.33; no gain a year
    assert r.status == Status.NOT_ACHIEVED
    assert (r.gap, r.yearly_gain_needed) == (Decimal("3.33"), None)


@pytest.fixture
def trend(province, plan, report):
    """Ten commune libraries in each district, reporting 2023-2026 (approved):
    district A meets 2, 3, 4, 5 of 10; district B meets 2, 2, 2, 2 of 10."""
    a = libraries(10, commune=province.commune_a, reporting_unit=province.unit_a)
    b = libraries(10, commune=province.commune_b, reporting_unit=province.unit_b)
    meeting = {"A": {2023: 2, 2024: 3, 2025: 4, 2026: 5}, "B": dict.fromkeys(range(2023, 2027), 2)}
    for name, insts in (("A", a), ("B", b)):
        for year, n in meeting[name].items():
            for i, inst in enumerate(insts):
                report(inst, year, APPROVED, lll_services=i < n)
    return province


def test_on_track_follows_the_straight_line_from_the_baseline(trend):
    by_unit = attainment_by_unit(year=2024, units=[trend.district_a, trend.district_b])
    a = row(by_unit["622"], "LIB_LLL_SERVICE:LIB_COMM")
    b = row(by_unit["623"], "LIB_LLL_SERVICE:LIB_COMM")
    # A: baseline 2023 = 2/10 = 20; line at 2024 = 20 + (40 − 20) × (2024−2023)/(2025−2023) = 30
    #    value 3/10 = 30 ≥ 30 → on_track
    assert (a.baseline_value, a.value, a.status) == (
        Decimal("20.00"),
        Decimal("30.00"),
        Status.ON_TRACK,
    )
    # projected for 2025: 20 + (30 − 20) × (2025−2023)/(2024−2023) = 40.00
    assert a.projected_value == Decimal("40.00")
    # gain needed: (40 − 30) / (2025 − 2024) = 10.00 points a year
    assert a.yearly_gain_needed == Decimal("10.00")
    assert a.unit == "622" and a.phase_start_year == 2023
    # B: 20 → 20, below the line's 30 → off_track; projected stays 20; owes 20 points
    assert (b.value, b.status, b.projected_value, b.yearly_gain_needed) == (
        Decimal("20.00"),
        Status.OFF_TRACK,
        Decimal("20.00"),
        Decimal("20.00"),
    )
    # Province: 2023 4/20 = 20; 2024 5/20 = 25 < line 30 → off_track;
    # projected 20 + (25 − 20) × 2 = 30.00; gain (40 − 25) / 1 = 15.00
    p = row(attainment_rows(year=2024), "LIB_LLL_SERVICE:LIB_COMM")
    assert (p.numerator, p.denominator, p.value, p.status) == (
        5,
        20,
        Decimal("25.00"),
        Status.OFF_TRACK,
    )
    assert (p.projected_value, p.yearly_gain_needed) == (Decimal("30.00"), Decimal("15.00"))
    # The by-unit rows add up to the province's (no institution counted twice).
    assert a.numerator + b.numerator == p.numerator
    assert a.denominator + b.denominator == p.denominator


def test_the_baseline_year_is_recorded_not_judged(trend):
    a = row(attainment_rows(year=2023, unit=trend.district_a), "LIB_LLL_SERVICE:LIB_COMM")
    # 2023 is the plan's baseline year B: 2/10 = 20 is recorded, not judged
    # (50 % against 90 % reads "Năm gốc", never "on track" by construction);
    # no trend yet → no projection; gain (40 − 20) / (2025 − 2023) = 10.00
    assert (a.value, a.baseline_value, a.status) == (
        Decimal("20.00"),
        Decimal("20.00"),
        Status.BASELINE,
    )
    assert (a.projected_value, a.yearly_gain_needed) == (None, Decimal("10.00"))


def test_the_milestone_switches_to_2030_in_2026_with_a_phase_from_2025(trend):
    r2025 = row(attainment_rows(year=2025, unit=trend.district_a), "LIB_LLL_SERVICE:LIB_COMM")
    # 2025: 4/10 = 40 ≥ 40 (2025 target) → achieved
    assert (r2025.value, r2025.target, r2025.milestone_year, r2025.status) == (
        Decimal("40.00"),
        Decimal("40"),
        2025,
        Status.ACHIEVED,
    )
    r = row(attainment_rows(year=2026, unit=trend.district_a), "LIB_LLL_SERVICE:LIB_COMM")
    # 2026: target 60 (2030), phase starts 2025 at 40
    assert (r.target, r.milestone_year, r.phase_start_year, r.baseline_value) == (
        Decimal("60"),
        2030,
        2025,
        Decimal("40.00"),
    )
    # value 5/10 = 50; line 40 + (60 − 40) × 1/5 = 44 → on_track
    assert (r.value, r.status) == (Decimal("50.00"), Status.ON_TRACK)
    # projected 40 + (50 − 40) × 5/1 = 90.00; gain (60 − 50) / (2030 − 2026) = 2.50
    assert (r.projected_value, r.yearly_gain_needed) == (Decimal("90.00"), Decimal("2.50"))
    b = row(attainment_rows(year=2026, unit=trend.district_b), "LIB_LLL_SERVICE:LIB_COMM")
    # B: 20 < line 20 + (60 − 20)/5 = 28 → off_track; gain (60 − 20)/4 = 10.00
    assert (b.value, b.status, b.yearly_gain_needed) == (
        Decimal("20.00"),
        Status.OFF_TRACK,
        Decimal("10.00"),
    )


def test_projection_is_clipped_to_a_hundred_percent(province, plan, report):
    insts = libraries(2, commune=province.commune_a, reporting_unit=province.unit_a)
    report(insts[0], 2025, APPROVED, lll_services=False)
    report(insts[1], 2025, APPROVED, lll_services=False)
    r0 = row(attainment_rows(year=2025), "LIB_LLL_SERVICE:LIB_COMM")
    assert r0.value == Decimal("0.00")
    (later,) = libraries(1, commune=province.commune_a, reporting_unit=province.unit_b)
    # 2026: 2 of 2 meet … + one more that says no: 2/3 = 66.67 ≥ 60 → achieved
    report(insts[0], 2026, APPROVED, lll_services=True)
    report(insts[1], 2026, APPROVED, lll_services=True)
    report(later, 2026, SUBMITTED, lll_services=False)
    r = row(attainment_rows(year=2026), "LIB_LLL_SERVICE:LIB_COMM")
    assert (r.numerator, r.denominator, r.value, r.status) == (
        2,
        3,
        Decimal("66.67"),
        Status.ACHIEVED,
    )
    # straight line 0 → 66.67 in one year would reach 333 in 2030: clipped to 100
    assert r.projected_value == Decimal("100.00")
    assert r.yearly_gain_needed == Decimal("0")
