"""Known answers for growth indicators: the matched panel, compound average
growth from the phase start, and a unit whose "growth" is only a new library.

LIB_VISITS_GROWTH covers every library category; target 10 % a year (2025),
10-15 % (2030); the phase of 2025 starts in the baseline year 2023.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from indicators.models import SubmissionState
from reports.attainment import GrowthRow, Status
from reports.selectors import attainment_by_unit, attainment_rows, institutions_behind
from tests.factories import InstitutionFactory, category

pytestmark = pytest.mark.django_db

CODE = "LIB_VISITS_GROWTH:LIB"


def row(rows: list, code: str = CODE) -> GrowthRow:
    return next(r for r in rows if r.target_code == code)


def lib(cat: str, commune, reporting_unit, opened_year: int = 2010):
    return InstitutionFactory(
        category=category(cat),
        admin_unit=commune,
        reporting_unit=reporting_unit,
        opened_year=opened_year,
    )


@pytest.fixture
def visits(province, plan, report):
    """District A: g1 1000 → 1100 → 1210; g2 500 → 500 → 550; g3 new in 2025 with
    5000; g4 reports from 2024: 100 → 300.
    District B: h1 1000 → 1000 → 900; h2 new in 2025 with 5000 (its only "growth")."""
    a, b = province.commune_a, province.commune_b
    g1 = lib("LIB_DIST", a, province.unit_a)
    g2 = lib("LIB_COMM", a, province.unit_a)
    g3 = lib("LIB_COMM", a, province.unit_a, opened_year=2025)
    g4 = lib("LIB_EDU", a, province.sector)
    h1 = lib("LIB_DIST", b, province.unit_b)
    h2 = lib("LIB_COMM", b, province.unit_b, opened_year=2025)
    series = {
        g1: {2023: 1000, 2024: 1100, 2025: 1210},
        g2: {2023: 500, 2024: 500, 2025: 550},
        g3: {2025: 5000},
        g4: {2024: 100, 2025: 300},
        h1: {2023: 1000, 2024: 1000, 2025: 900},
        h2: {2025: 5000},
    }
    for inst, values in series.items():
        for year, visits in values.items():
            state = SubmissionState.SUBMITTED if inst is g4 else SubmissionState.APPROVED
            report(inst, year, state, user_visits=visits)
    return province


def test_growth_is_measured_on_the_matched_panel_only(visits):
    r = row(attainment_rows(year=2025, unit=visits.district_a))
    # yoy panel 2024→2025: g1, g2, g4 (g3 is new): Σ2024 = 1100 + 500 + 100 = 1700,
    # Σ2025 = 1210 + 550 + 300 = 2060 → 100 × (2060/1700 − 1) = 21.176… → 21.18
    assert r.yoy_growth == Decimal("21.18")
    assert r.yoy_matched_institutions == 3
    # average panel 2023 & 2025: g1, g2: 1500 → 1760; (1760/1500)^(1/2) − 1 = 8.3205…% → 8.32
    assert (r.average_growth, r.matched_institutions, r.phase_start_year) == (
        Decimal("8.32"),
        2,
        2023,
    )
    # 2025 is the milestone year: judged on the average alone, 8.32 < 10 → not
    # achieved, however well 2024→2025 went (21.18 ≥ 10 rescues nothing)
    assert r.status == Status.NOT_ACHIEVED
    # the matched panel's absolute totals at both ends (1500 → 1760)
    assert (r.panel_start_total, r.panel_end_total) == (1500, 1760)
    # year-on-year panel 1700 → 2060; all who reported 2025, new g3 included:
    # 1210 + 550 + 5000 + 300 = 7060 (a level, never a growth)
    assert (r.yoy_start_total, r.yoy_end_total, r.total_reported) == (1700, 2060, 7060)
    assert (r.target, r.target_max, r.target_2025, r.target_2030) == (
        Decimal("10"),
        None,
        Decimal("10"),
        Decimal("10"),
    )
    # reported / expected in 2025: g1, g2, g3, g4 all open and reported
    assert (r.reported, r.expected) == (4, 4)
    # g4 is only submitted and is in the yoy panel
    assert r.awaiting_approval is True
    public = row(attainment_rows(year=2025, unit=visits.district_a, approved_only=True))
    # without g4: yoy 1600 → 1760 = 10.00 ≥ 10, average still 8.32 → not achieved
    assert (public.yoy_growth, public.average_growth, public.status) == (
        Decimal("10.00"),
        Decimal("8.32"),
        Status.NOT_ACHIEVED,
    )
    assert (public.reported, public.awaiting_approval) == (3, False)


def test_a_unit_whose_growth_is_only_a_new_library_does_not_grow(visits):
    r = row(attainment_by_unit(year=2025, units=[visits.district_b])["623"])
    # naive totals would be 1000 → 5900; the panel is h1 alone:
    # yoy 1000 → 900 = −10.00; average (900/1000)^(1/2) − 1 = −5.1317% → −5.13
    assert (r.yoy_growth, r.average_growth, r.matched_institutions) == (
        Decimal("-10.00"),
        Decimal("-5.13"),
        1,
    )
    assert r.status == Status.NOT_ACHIEVED
    # h2 reported, so it is complete data — just not growth
    assert (r.reported, r.expected) == (2, 2)
    not_meeting = institutions_behind(
        target_code=CODE, year=2025, unit=visits.district_b, which="not_meeting"
    )
    assert not_meeting.count() == 2  # h1 shrank, h2 is new
    assert not institutions_behind(
        target_code=CODE, year=2025, unit=visits.district_b, which="meeting"
    ).exists()


def test_province_growth_adds_the_panels_of_both_districts(visits):
    r = row(attainment_rows(year=2025))
    # yoy panel: g1, g2, g4, h1: 1700 + 1000 = 2700 → 2060 + 900 = 2960: 9.629…% → 9.63
    # average panel: g1, g2, h1: 2500 → 2660: (2660/2500)^(1/2) − 1 = 3.1503…% → 3.15
    assert (r.yoy_growth, r.average_growth, r.matched_institutions) == (
        Decimal("9.63"),
        Decimal("3.15"),
        3,
    )
    assert r.status == Status.NOT_ACHIEVED
    assert (r.reported, r.expected) == (6, 6)
    # meeting on their own (≥ ×1.21 over two years): g1 (1000 → 1210 = ×1.21 exactly)
    # g2 ×1.10 does not; g4 and the new ones are outside the 2023 panel; h1 shrank.
    g1 = visits.unit_a.institutions.get(category__code="LIB_DIST")
    meeting = institutions_behind(target_code=CODE, year=2025, unit=None, which="meeting")
    assert list(meeting) == [g1]
    not_meeting = institutions_behind(target_code=CODE, year=2025, unit=None, which="not_meeting")
    assert not_meeting.count() == 5


def test_2026_starts_a_new_phase_from_2025_with_the_band(visits, report):
    g1 = visits.unit_a.institutions.get(category__code="LIB_DIST")
    report(g1, 2026, SubmissionState.APPROVED, user_visits=1331)
    r = row(attainment_rows(year=2026, unit=visits.district_a))
    # phase 2025 → 2026: only g1 reported 2026: 1210 → 1331 = 10.00 %, both yoy and average
    assert (r.phase_start_year, r.yoy_growth, r.average_growth) == (
        2025,
        Decimal("10.00"),
        Decimal("10.00"),
    )
    # 2026 is strictly inside the 2025-2030 phase: 10.00 ≥ 10 → on track (not yet
    # "achieved": only the 2030 average can achieve the 2030 target)
    assert (r.target, r.target_max, r.status) == (Decimal("10"), Decimal("15"), Status.ON_TRACK)
    # 4 open (g1-g4), 1 reported
    assert (r.reported, r.expected, r.matched_institutions) == (1, 4, 1)


def test_growth_without_any_panel_is_no_data(province, plan, report):
    new = lib("LIB_COMM", province.commune_a, province.unit_a, opened_year=2025)
    report(new, 2025, user_visits=800)
    r = row(attainment_rows(year=2025))
    assert (r.yoy_growth, r.average_growth, r.matched_institutions, r.status) == (
        None,
        None,
        0,
        Status.NO_DATA,
    )
    assert (r.reported, r.expected) == (1, 1)
