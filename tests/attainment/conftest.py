"""Helpers for the attainment known-answer tests: the real plan, and a way to
give an institution its figures for a year in a submission of a given state."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from indicators.models import Figures, Plan, Submission, SubmissionState
from indicators.services import plan_load
from institutions.models import Institution
from tests.factories import ReportingPeriodFactory

Report = Callable[..., Figures]


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
