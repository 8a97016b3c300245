"""The years a dashboard can show, and reading `?year=` safely."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import PeriodState, Plan, ReportingPeriod
from indicators.selectors import current_plan


@dataclass(frozen=True)
class YearRange:
    plan: Plan
    first: int  # the plan's baseline year
    last: int  # the last year with a period, or this year, never past the plan's horizon
    horizon: int  # the last milestone year (2030)
    default: int
    # What the public opens on: the latest year whose report was issued (its
    # period locked), not a year still coming in; `default` when none is.
    public_default: int | None = None

    @property
    def years(self) -> list[int]:
        return list(range(self.first, self.last + 1))

    def check(self, year: int) -> int:
        """`year` when the dashboards can show it; BadYear naming the years they can."""
        if not self.first <= year <= self.last:
            raise BadYear(
                _("Không có số liệu cho năm %(year)s. Hãy chọn năm từ %(first)s đến %(last)s.")
                % {"year": year, "first": self.first, "last": self.last}
            )
        return year


class BadYear(ValueError):
    """`?year=` is not a year the dashboard can show; the message says which are."""


def year_range(*, today: dt.date | None = None) -> YearRange | None:
    """The selectable years: from the plan's baseline year to the latest reporting
    period (or this year), capped at the plan's last milestone. None when no plan
    is loaded. Two queries."""
    plan = current_plan()
    if plan is None:
        return None
    today = today or timezone.localdate()
    horizon = plan.horizon or today.year
    latest = ReportingPeriod.objects.aggregate(
        y=Max("year"), locked=Max("year", filter=Q(state=PeriodState.LOCKED))
    )
    latest_period = latest["y"]
    last = max(today.year, latest_period or 0)
    last = max(plan.baseline_year, min(last, horizon))
    # The default is the latest year anyone could have reported for: the newest
    # period if there is one, else last year (this year's figures come in December).
    default = latest_period if latest_period else today.year - 1
    default = min(max(default, plan.baseline_year), last)
    locked = latest["locked"]
    if locked is not None and not plan.baseline_year <= locked <= last:
        locked = None
    return YearRange(
        plan=plan,
        first=plan.baseline_year,
        last=last,
        horizon=horizon,
        default=default,
        public_default=locked or default,
    )


def selected_year(request: HttpRequest, years: YearRange) -> int:
    """The year asked for in `?year=`, or the default (for a visitor not signed
    in, the latest issued year); BadYear when it is not a number or outside the
    selectable years."""
    raw = request.GET.get("year", "").strip()
    if not raw:
        if not request.user.is_authenticated and years.public_default is not None:
            return years.public_default
        return years.default
    try:
        year = int(raw)
    except ValueError:
        raise BadYear(
            _("“%(raw)s” không phải là một năm. Hãy chọn năm từ %(first)s đến %(last)s.")
            % {"raw": raw[:20], "first": years.first, "last": years.last}
        ) from None
    return years.check(year)
