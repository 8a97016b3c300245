"""The attainment engine's public contract (DESIGN section 5).

Dashboards, the API, the `attainment` command and the annual report all read
attainment through these functions and rows, never by querying figures
themselves. Rows are plain dataclasses so that every consumer (template, JSON,
CSV, PDF, xlsx) renders the same numbers.

Scope: `unit=None` is the whole province; otherwise an AdministrativeUnit and
everything under it — its descendants, and for years after a reorganisation,
institutions standing in units that were succeeded by it or its descendants.

`approved_only=True` counts only figures of approved submissions (what the
public and the Ministry see); otherwise submitted *and* approved figures count,
and `awaiting_approval` says whether any of them is still only submitted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"


# One wording for every page, file and report that names a status.
STATUS_LABELS = {
    Status.ACHIEVED: _("Đạt"),
    Status.ON_TRACK: _("Đúng tiến độ"),
    Status.OFF_TRACK: _("Chậm tiến độ"),
    Status.NO_DATA: _("Chưa có số liệu"),
}


def growth_target_text(
    low: Decimal, high: Decimal | None, *, number: Callable[[Decimal], str]
) -> str:
    """A yearly growth target as the plan writes it: a band ("tăng 10% - 15% mỗi
    năm" → "10–15%/năm") or a floor ("≥ 10%/năm"). The one wording for the
    report, its workbook and the dashboards; `number` formats each bound (the
    report's fixed Vietnamese format, or the interface's locale)."""
    per_year = "%/" + str(_("năm"))
    if high is None:
        return f"≥ {number(low)}{per_year}"
    return f"{number(low)}–{number(high)}{per_year}"


@dataclass(frozen=True)
class ShareRow:
    indicator: str  # indicator code, e.g. "LIB_LLL_SERVICE"
    target_code: str  # e.g. "LIB_LLL_SERVICE:LIB_COMM"
    label: str  # the target's label in the active language
    categories: list[str]
    year: int
    unit: str | None  # administrative unit code, None for the province
    numerator: int
    denominator: int  # institutions of the categories open in `year` in scope
    not_reported: int
    value: Decimal | None  # 100 * numerator / denominator, None when no_data
    target: Decimal  # the milestone target that applies to `year`
    target_2025: Decimal
    target_2030: Decimal
    milestone_year: int
    status: Status
    baseline_value: Decimal | None  # value at the start of the phase
    projected_value: (
        Decimal | None
    )  # straight line from the phase start to `year`, extended to the milestone
    yearly_gain_needed: Decimal | None  # percentage points a year still needed to reach the target
    reported: int  # institutions with figures counted
    expected: int  # == denominator
    awaiting_approval: bool
    # Added after the first contract (defaults keep older constructors working):
    phase_start_year: int | None = None  # the year baseline_value was measured in

    kind = "share"


@dataclass(frozen=True)
class GrowthRow:
    indicator: str
    target_code: str
    label: str
    categories: list[str]
    year: int
    unit: str | None
    yoy_growth: Decimal | None  # percent, matched panel year-1 → year
    average_growth: Decimal | None  # percent a year, compound, from phase_start_year
    phase_start_year: int
    matched_institutions: int  # reported the quantity in both end years
    target: Decimal  # percent a year (10)
    target_max: Decimal | None  # upper end of the band (15 for 2026-2030)
    target_2025: Decimal
    target_2030: Decimal
    status: Status
    reported: int  # open institutions that reported the quantity this year
    expected: int  # open institutions of the categories in scope this year
    awaiting_approval: bool  # any figure of the matched panels still only submitted
    # Added after the first contract (defaults keep older constructors working):
    milestone_year: int | None = None  # the milestone whose target applies to `year`
    yoy_matched_institutions: int = 0  # reported the quantity in year-1 and year
    # The upper end of the 2030 band whatever milestone applies to `year`
    # (target_max is that of the applying milestone: None in 2025).
    target_2030_max: Decimal | None = None

    kind = "growth"


AttainmentRow = ShareRow | GrowthRow

# Implemented in reports/selectors.py (the attainment engine):
#   attainment_rows(*, year: int, unit: AdministrativeUnit | None = None,
#                   approved_only: bool = False) -> list[AttainmentRow]
#       every target of the plan for one scope, in plan order; a fixed number of
#       queries whatever the number of institutions.
#   attainment_by_unit(*, year: int, units: Sequence[AdministrativeUnit],
#                      approved_only: bool = False) -> dict[str, list[AttainmentRow]]
#       the same for many units at once (the annex and the units × targets table),
#       still a fixed number of queries.
#   institutions_behind(*, target_code: str, year: int, unit: AdministrativeUnit | None,
#                       which: Literal["meeting", "not_meeting", "not_reported"],
#                       approved_only: bool = False) -> QuerySet[Institution]
#       the institutions behind one number, for drill-down and the report's annex.
