"""Scope across the 01/07/2025 reorganisation, and the fixed query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from indicators.models import SubmissionState
from reports.selectors import (
    attainment_by_unit,
    attainment_overview,
    attainment_rows,
    attainment_table,
    resolve_unit,
)
from tests.factories import InstitutionFactory, category

pytestmark = pytest.mark.django_db

JULY_1 = dt.date(2025, 7, 1)
JUNE_30 = dt.date(2025, 6, 30)


def row(rows: list, code: str):
    return next(r for r in rows if r.target_code == code)


def test_a_new_commune_counts_the_institutions_of_the_old_ones_it_took(merged, plan, report):
    def lib(cat, unit):
        return InstitutionFactory(
            category=category(cat), admin_unit=unit, reporting_unit=merged.unit_a
        )

    in_yen_do = lib("LIB_COMM", merged.commune_a)
    in_ia_kring = lib("LIB_COMM", merged.ia_kring)
    in_dien_hong_old = lib("LIB_COMM", merged.dien_hong_old)
    in_new = InstitutionFactory(
        category=category("LIB_COMM"),
        admin_unit=merged.dien_hong,
        reporting_unit=merged.unit_a,
        opened_year=2026,
    )
    elsewhere = lib("LIB_COMM", merged.commune_b)
    district_library = lib("LIB_DIST", merged.district_a)
    for inst, yes in (
        (in_yen_do, True),
        (in_ia_kring, False),
        (in_new, True),
        (elsewhere, True),
        (district_library, True),
    ):
        report(inst, 2026, lll_services=yes)
    # in_dien_hong_old does not report.
    assert in_dien_hong_old

    assert resolve_unit("23563", 2026) == merged.dien_hong
    assert resolve_unit("23563", 2024) == merged.ia_kring
    rows = attainment_rows(year=2026, unit=merged.dien_hong)
    comm = row(rows, "LIB_LLL_SERVICE:LIB_COMM")
    # scope: Yên Đỗ, Ia Kring, old Diên Hồng and the new phường itself — not An Bình.
    # open: 4; reported: in_yen_do, in_ia_kring, in_new = 3; meeting: in_yen_do, in_new = 2
    # 100 × 2/4 = 50.00 (2030 target 60)
    assert (comm.numerator, comm.denominator, comm.not_reported, comm.value) == (
        2,
        4,
        1,
        Decimal("50.00"),
    )
    assert comm.unit == "23563"
    # The old district library stands in a district with no successor: in no commune …
    dist = row(rows, "LIB_LLL_SERVICE:LIB_DIST")
    assert dist.denominator == 0
    # … but in the new province, through old province 64 → 52.
    province_rows = attainment_rows(year=2026, unit=merged.new_province)
    assert row(province_rows, "LIB_LLL_SERVICE:LIB_DIST").denominator == 1
    # new province: all 5 open commune libraries; meeting in_yen_do, in_new, elsewhere → 60.00
    p = row(province_rows, "LIB_LLL_SERVICE:LIB_COMM")
    assert (p.numerator, p.denominator, p.value) == (3, 5, Decimal("60.00"))
    # … which equals the whole province (unit=None)
    whole = row(attainment_rows(year=2026), "LIB_LLL_SERVICE:LIB_COMM")
    assert (whole.numerator, whole.denominator) == (3, 5)
    # The old district A still adds up its own communes (for 2023-2025 reports).
    old_a = row(attainment_rows(year=2026, unit=merged.district_a), "LIB_LLL_SERVICE:LIB_COMM")
    assert (old_a.numerator, old_a.denominator) == (1, 3)


def _build(province, report, n: int) -> None:
    communes = [province.commune_a, province.commune_b]
    reporting = [province.unit_a, province.unit_b]
    for i in range(n):
        inst = InstitutionFactory(
            category=category(("LIB_COMM", "LIB_DIST", "MUS", "CC_VILL")[i % 4]),
            admin_unit=communes[i % 2],
            reporting_unit=reporting[i % 2],
        )
        for year in (2023, 2024, 2025):
            report(
                inst,
                year,
                SubmissionState.APPROVED,
                lll_services=True,
                user_visits=100 + year - 2023,
            )


@pytest.mark.parametrize("n", [3, 30])
def test_the_engine_runs_a_fixed_number_of_queries(
    province, plan, report, n, django_assert_num_queries
):
    _build(province, report, n)
    # targets, their categories, their milestones, all units and all succession
    # edges (the plan's territory), the aggregate
    with django_assert_num_queries(6):
        rows = attainment_rows(year=2025)
    assert len(rows) == 17  # 6 + 6 + 1 + 1 + 1 + 1 + 1 targets
    # the same for a unit's scope
    with django_assert_num_queries(6):
        attainment_rows(year=2025, unit=province.district_a)
    with django_assert_num_queries(6):
        by_unit = attainment_by_unit(
            year=2025,
            units=[province.district_a, province.district_b, province.commune_a],
            approved_only=True,
        )
    assert set(by_unit) == {"622", "623", "23557"}
    comm_p = row(rows, "LIB_LLL_SERVICE:LIB_COMM")
    comm_a = row(by_unit["622"], "LIB_LLL_SERVICE:LIB_COMM")
    comm_b = row(by_unit["623"], "LIB_LLL_SERVICE:LIB_COMM")
    assert comm_a.denominator + comm_b.denominator == comm_p.denominator


@pytest.mark.parametrize("source", ["summary", "live"])
def test_a_dashboards_overview_gives_the_rows_of_each_year_and_its_table(
    province, plan, report, source, django_assert_num_queries
):
    """One aggregate for the trend and the table gives the rows the engine
    gives year by year and the table it gives alone, for the territory and
    for a unit (whose table's aggregate covers the territory, and whose line
    above its children and total are the unit's own: they add up to it)."""
    _build(province, report, 12)
    years = (2023, 2024, 2025)
    for unit, units in (
        (None, [province.district_a, province.district_b]),
        (province.district_a, [province.commune_a]),
    ):
        # targets, their categories, their milestones, the graph (2), one aggregate
        with django_assert_num_queries(6):
            overview = attainment_overview(years=years, unit=unit, units=units, source=source)
        for year in years:
            assert overview.by_year[year] == attainment_rows(year=year, unit=unit, source=source)
        alone = attainment_table(year=2025, units=units, source=source)
        assert overview.table.lines == alone.lines
        if unit is None:
            assert overview.table == alone
        else:

            def numbers(rows):
                return [
                    (r.target_code, r.status, r.expected, r.reported, getattr(r, "numerator", 0))
                    for r in rows
                ]

            assert numbers(overview.table.total) == numbers(overview.by_year[2025])
    # without a table, over the unit's scope only
    alone = attainment_overview(years=years, unit=province.commune_b, source=source)
    assert alone.table is None
    assert alone.by_year[2024] == attainment_rows(year=2024, unit=province.commune_b, source=source)
