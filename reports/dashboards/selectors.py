"""Reads the dashboards need besides attainment: who has submitted what, and
which administrative units a dashboard's table lists. Attainment itself comes
from the engine (`reports.selectors`)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, OuterRef, QuerySet, Subquery

from indicators.models import Indicator, Plan, ReportingPeriod, Submission, SubmissionState
from indicators.selectors import expected_reporting_units
from indicators.states import NOT_STARTED
from institutions.models import AdministrativeUnit, Level, ReportingUnit


def submission_progress(
    *, year: int, reporting_units: QuerySet[ReportingUnit] | None = None
) -> list[ReportingUnit]:
    """The reporting units expected to report for `year`, as the review pages
    count them (`indicators.selectors.expected_reporting_units`), optionally
    only those in `reporting_units`; each annotated with `institution_count` and
    its submission's `submission_state` (NOT_STARTED when there is none),
    `submission_id`, `return_reason`, `submitted_at` and
    `submission_updated_at`. Ordered by code. The three queries of
    `expected_reporting_units` (and one for the ids of `reporting_units`)."""
    submission = Submission.objects.filter(reporting_unit=OuterRef("pk"), period__year=year)
    among = None if reporting_units is None else list(reporting_units.values_list("pk", flat=True))
    units = (
        expected_reporting_units(year, among=among)
        .select_related("admin_unit")
        .annotate(
            submission_id=Subquery(submission.values("pk")[:1]),
            submission_state=Subquery(submission.values("state")[:1]),
            return_reason=Subquery(submission.values("return_reason")[:1]),
            submitted_at=Subquery(submission.values("submitted_at")[:1]),
            submission_updated_at=Subquery(submission.values("updated_at")[:1]),
        )
    )
    result: list[ReportingUnit] = list(units)
    for unit in result:
        unit.submission_state = unit.submission_state or NOT_STARTED  # type: ignore[attr-defined]
    return result


def progress_counts(units: list[ReportingUnit]) -> dict[str, int]:
    """How many of `units` (from submission_progress) are in each state."""
    counts = {NOT_STARTED: 0, **{state: 0 for state in SubmissionState.values}}
    for unit in units:
        counts[unit.submission_state] += 1  # type: ignore[attr-defined]  # annotated above
    return counts


def year_deadline(year: int) -> dt.date:
    """The reporting deadline of `year` (the period's, else 05/12). One query."""
    deadline = ReportingPeriod.objects.filter(year=year).values_list("deadline", flat=True).first()
    return deadline or ReportingPeriod.default_deadline(year)


def district_level_last_day() -> dt.date | None:
    """The last day the district level stood (30/06/2025 for Gia Lai), or None
    while it stands. One query."""
    return AdministrativeUnit.objects.filter(level=Level.DISTRICT).aggregate(last=Max("valid_to"))[
        "last"
    ]


def two_tier_on(day: dt.date) -> bool:
    """Whether local government had two tiers (province, commune) on `day`:
    the district level had ended by then. One query."""
    last = district_level_last_day()
    return last is not None and last < day


def table_units(
    *, year: int, unit: AdministrativeUnit | None, on: dt.date | None = None
) -> list[AdministrativeUnit]:
    """The units a table by unit lists for `year` — the dashboards' units ×
    targets table and the annual report's annex alike: for the province, the
    units directly under a province as they stood on the year's deadline (the
    17 districts for 2023-2024, the new communes from 2025, whose committees
    sent the 2025 figures); for a unit, its children as they stood on that day
    or on the unit's last day. `on` overrides the day (the report's table of
    2023-2025 by the old districts). Two queries."""
    day = on or year_deadline(year)
    if unit is None:
        qs = AdministrativeUnit.objects.filter(parent__level=Level.PROVINCE)
    else:
        if unit.valid_to and unit.valid_to < day:
            day = unit.valid_to
        qs = unit.children.all()
    return list(qs.valid_on(day).order_by("code"))


def predecessors_shown(unit: AdministrativeUnit, year: int) -> list[AdministrativeUnit]:
    """When `unit` did not yet exist in `year` (new Phường Pleiku, from
    01/07/2025, read for 2024), the old units whose institutions its figures
    for that year are: the units it succeeded. Empty otherwise. One query."""
    if unit.valid_from is None or unit.valid_from <= dt.date(year, 12, 31):
        return []
    return list(AdministrativeUnit.objects.filter(succession_to__successor=unit).order_by("code"))


def indicator_names(plan: Plan) -> dict[str, Indicator]:
    """The plan's indicators by code, for headings. One query."""
    return {i.code: i for i in Indicator.objects.filter(plan=plan)}
