"""A freshness score per reporting unit and year (issue 13, item 5): did the
unit send on time, was it approved without a return, and what share of its
institutions have complete figures. Read by the accountability view, over the
years, so the Department sees which units improve.

Who was expected and who sent come from the review queue
(`indicators.selectors.completeness`), lateness from `is_late`, the complete
figures from each submission's kept count (`Submission.complete_count`, counted
by `complete_figures_q`): no rule is written twice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from indicators.models import ReportingPeriod, SubmissionEvent, SubmissionState
from indicators.selectors import QueueRow, completeness
from institutions.models import ReportingUnit


@dataclass(frozen=True)
class Freshness:
    year: int
    # None: not sent and the deadline not yet passed (nothing to judge yet).
    on_time: bool | None
    # None: never returned and not yet approved.
    first_time_right: bool | None
    complete: int  # institutions with complete figures in the unit's submission
    expected: int  # institutions the unit reports for that year

    @property
    def completeness(self) -> Fraction:
        return (
            Fraction(min(self.complete, self.expected), self.expected)
            if self.expected
            else Fraction(0)
        )

    @property
    def completeness_percent(self) -> int:
        return _percent(self.completeness)

    @property
    def score(self) -> int | None:
        """The mean of the components known so far, in percent, rounded half-up
        once from the exact fraction."""
        parts = [Fraction(int(b)) for b in (self.on_time, self.first_time_right) if b is not None]
        parts.append(self.completeness)
        return _percent(sum(parts, Fraction(0)) / len(parts))


def _percent(value: Fraction) -> int:
    exact = Decimal(value.numerator * 100) / Decimal(value.denominator)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class FreshnessRow:
    unit: ReportingUnit
    # One cell per year asked for, None where the unit was not expected.
    cells: list[Freshness | None] = field(default_factory=list)


def freshness_by_unit(years: list[int], *, on: dt.date | None = None) -> list[FreshnessRow]:
    """One row per reporting unit expected in any of `years` (by code), one
    cell per year. Queries: the periods, the review queue of each period (two
    each) and the returns."""
    periods = list(ReportingPeriod.objects.filter(year__in=years).order_by("year"))
    returned = set(
        SubmissionEvent.objects.filter(
            to_state=SubmissionState.RETURNED, submission__period__in=periods
        ).values_list("submission_id", flat=True)
    )
    by_unit: dict[int, dict[int, Freshness]] = {}
    units: dict[int, ReportingUnit] = {}
    for period in periods:
        for row in completeness(period, on=on).rows:
            expected = getattr(row.unit, "institution_count", 0)
            if not expected:
                continue
            units.setdefault(row.unit.pk, row.unit)
            by_unit.setdefault(row.unit.pk, {})[period.year] = _cell(
                row, period, expected=expected, returned=returned
            )
    return [
        FreshnessRow(units[pk], [by_unit[pk].get(year) for year in years])
        for pk in sorted(units, key=lambda pk: units[pk].code)
    ]


def _cell(
    row: QueueRow,
    period: ReportingPeriod,
    *,
    expected: int,
    returned: set[int],
) -> Freshness:
    sub = row.submission
    if sub is not None and sub.first_submitted_at is not None:
        on_time: bool | None = not row.late
    else:
        on_time = False if row.late else None
    if sub is not None and sub.pk in returned:
        first_time_right: bool | None = False
    elif sub is not None and sub.state == SubmissionState.APPROVED:
        first_time_right = True
    else:
        first_time_right = None
    return Freshness(
        year=period.year,
        on_time=on_time,
        first_time_right=first_time_right,
        complete=sub.complete_count if sub is not None else 0,
        expected=expected,
    )
