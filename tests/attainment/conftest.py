"""Helpers for the attainment known-answer tests: the real plan, and a way to
give an institution its figures for a year in a submission of a given state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from indicators.models import Figures, Plan, Submission, SubmissionState
from indicators.services import plan_load
from institutions.models import Institution, Level, UnitSuccession
from tests.factories import AdministrativeUnitFactory, ReportingPeriodFactory

Report = Callable[..., Figures]
JULY_1 = dt.date(2025, 7, 1)
JUNE_30 = dt.date(2025, 6, 30)


@pytest.fixture
def plan(db: None) -> Plan:
    return plan_load()


@pytest.fixture
def report(db: None) -> Report:
    """`report(inst, year, state=SUBMITTED, **fields)`: the figures of `inst` for
    `year`, in its reporting unit's submission for that year (created in `state`
    the first time; one submission per unit and year, so tests that need two
    states in one year use two reporting units)."""

    def _report(
        institution: Institution,
        year: int,
        state: str = SubmissionState.SUBMITTED,
        **fields: object,
    ) -> Figures:
        period = ReportingPeriodFactory(year=year)
        submission, _ = Submission.objects.get_or_create(
            reporting_unit=institution.reporting_unit, period=period, defaults={"state": state}
        )
        assert submission.state == state, "one state per reporting unit and year"
        return Figures.objects.create(
            institution=institution, year=year, submission=submission, **fields
        )

    return _report


@pytest.fixture
def merged(province):
    """New Gia Lai (52) from 01/07/2025 with new Phường Diên Hồng (23563), which
    took the old Yên Đỗ (23557, the conftest's commune A), Ia Kring (old 23563)
    and Diên Hồng (23560); An Bình (23620) went elsewhere (new 23611)."""
    old = province
    for unit in (old.province, old.district_a, old.district_b, old.commune_a, old.commune_b):
        unit.valid_to = JUNE_30
        unit.save()
    ia_kring = AdministrativeUnitFactory(
        code="23563", name="Phường Ia Kring", parent=old.district_a, valid_to=JUNE_30
    )
    dien_hong_old = AdministrativeUnitFactory(
        code="23560", name="Phường Diên Hồng", parent=old.district_a, valid_to=JUNE_30
    )
    new_province = AdministrativeUnitFactory(
        code="52", name="Tỉnh Gia Lai", level=Level.PROVINCE, valid_from=JULY_1
    )
    dien_hong = AdministrativeUnitFactory(
        code="23563", name="Phường Diên Hồng", parent=new_province, valid_from=JULY_1
    )
    an_binh_new = AdministrativeUnitFactory(
        code="23611", name="Phường An Khê", parent=new_province, valid_from=JULY_1
    )
    for pred, succ in (
        (old.commune_a, dien_hong),
        (ia_kring, dien_hong),
        (dien_hong_old, dien_hong),
        (old.commune_b, an_binh_new),
        (old.province, new_province),
    ):
        UnitSuccession.objects.create(predecessor=pred, successor=succ, effective_on=JULY_1)
    old.ia_kring, old.dien_hong_old = ia_kring, dien_hong_old
    old.new_province, old.dien_hong = new_province, dien_hong
    return old
