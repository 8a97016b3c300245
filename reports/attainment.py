"""The attainment engine's public contract (DESIGN section 5, revised).

Dashboards, the API, the `attainment` command and the annual report all read
attainment through these functions and rows, never by querying figures
themselves. Rows are plain dataclasses so that every consumer (template, JSON,
CSV, PDF, xlsx) renders the same numbers.

Scope: `unit=None` is the plan's territory (plan 3632: old province 64 and what
succeeded it); otherwise an AdministrativeUnit and everything under it — its
descendants and the old units it or they succeeded — within the territory.

Who counts what is a `Visibility` (reports/visibility.py): approved figures
always, submitted ones from every reporting unit (reviewers), from the user's
own reporting units (officers), or from none (the public).

Rounding: every value is kept exact (`Fraction` for shares, a 28-digit Decimal
for growth) and judged on that; what is shown is rounded once, half-up, from the
exact value, at the precision shown (`shown`). 7/13 = 53.846…% is 53.85 in data
and 53.8 in the report, never 53.9.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Status(StrEnum):
    NOT_APPLICABLE = "not_applicable"
    NO_DATA = "no_data"
    BASELINE = "baseline"
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    NOT_ACHIEVED = "not_achieved"


@dataclass(frozen=True)
class StatusStyle:
    """How every page, file and report names a status: its words, a colour
    (a CSS class suffix and a hex for files) and an icon, so that status never
    depends on colour alone."""

    label: Promise
    colour: str  # hex, for the workbook and the PDF
    icon: str
    meaning: Promise  # one line for legends and the API's documentation


STATUS_STYLES: dict[Status, StatusStyle] = {
    Status.NOT_APPLICABLE: StatusStyle(
        _("Không áp dụng"),
        "#f8f9fa",
        "∅",
        _("không có thiết chế loại này đang hoạt động trong phạm vi năm đó"),
    ),
    Status.NO_DATA: StatusStyle(
        _("Chưa có số liệu"),
        "#adb5bd",
        "–",
        _("có thiết chế đang hoạt động nhưng chưa thiết chế nào báo cáo"),
    ),
    Status.BASELINE: StatusStyle(
        _("Năm gốc"), "#6c757d", "◆", _("năm gốc của kế hoạch: ghi nhận, không đánh giá")
    ),
    Status.ACHIEVED: StatusStyle(_("Đạt"), "#198754", "✔", _("đạt hoặc vượt mục tiêu")),
    Status.ON_TRACK: StatusStyle(
        _("Đúng tiến độ"),
        "#0dcaf0",
        "↗",
        _("chưa đạt mục tiêu nhưng ở trên đường thẳng từ đầu giai đoạn tới mục tiêu"),
    ),
    Status.OFF_TRACK: StatusStyle(
        _("Chậm tiến độ"),
        "#fd7e14",
        "↘",
        _(
            "ở dưới đường thẳng từ đầu giai đoạn tới mục tiêu (hoặc chưa biết giá trị đầu giai đoạn)"
        ),
    ),
    Status.NOT_ACHIEVED: StatusStyle(
        _("Không đạt"), "#dc3545", "✘", _("đã đến năm mốc (2025, 2030) mà chưa đạt mục tiêu")
    ),
}

# One wording for every page, file and report that names a status.
STATUS_LABELS: dict[Status, Promise] = {s: style.label for s, style in STATUS_STYLES.items()}
STATUS_ICONS: dict[Status, str] = {s: style.icon for s, style in STATUS_STYLES.items()}


def status_style(status: str) -> StatusStyle:
    return STATUS_STYLES[Status(status)]


def shown(value: Fraction | Decimal | None, places: int = 2) -> Decimal | None:
    """The one rounding: half-up, from the exact value, to `places` decimals."""
    if value is None:
        return None
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def growth_target_text(
    low: Decimal,
    high: Decimal | None,
    *,
    number: Callable[[Decimal], str],
    percent: str = "%",
) -> str:
    """A yearly growth target as the plan writes it: a band ("tăng 10% - 15% mỗi
    năm" → "10–15%/năm") or a single rate ("tăng bình quân 10% mỗi năm" →
    "10%/năm", met at that rate or above). The one wording for the report, its
    workbook and the dashboards; `number` formats each bound (the report's fixed
    Vietnamese format, or the interface's locale), `percent` is the sign as the
    medium writes it (the pages keep a non-breaking space before it)."""
    per_year = percent + "/" + str(_("năm"))
    if high is None:
        return f"{number(low)}{per_year}"
    return f"{number(low)}–{number(high)}{per_year}"


@dataclass(frozen=True)
class DenominatorChange:
    """How the institutions counted moved between the phase start and the year:
    `start` were open then, `now` are open now; `closed` of the first are no
    longer open, `opened` of the second were not open then."""

    start_year: int
    start: int
    now: int
    closed: int
    opened: int
    closed_years: tuple[int, ...] = ()  # the years those `closed` closed in

    def text(self, *, number: Callable[[int], str] = str) -> str:
        """ "18 → 1: 17 thiết chế ngừng hoạt động năm 2025" — the one wording of
        the dashboards, the report and its workbook."""
        parts = []
        if self.closed:
            when = (
                _("năm %(year)s") % {"year": self.closed_years[0]}
                if len(self.closed_years) == 1
                else _("từ năm %(first)s đến năm %(last)s")
                % {"first": self.closed_years[0], "last": self.closed_years[-1]}
                if self.closed_years
                else ""
            )
            parts.append(
                (_("%(n)s thiết chế ngừng hoạt động") % {"n": number(self.closed)})
                + (f" {when}" if when else "")
            )
        if self.opened:
            parts.append(
                _("%(n)s thiết chế mở mới sau năm %(year)s")
                % {"n": number(self.opened), "year": self.start_year}
            )
        return f"{number(self.start)} → {number(self.now)}: " + "; ".join(parts)


@dataclass(frozen=True)
class ShareRow:
    indicator: str  # indicator code, e.g. "LIB_LLL_SERVICE"
    target_code: str  # e.g. "LIB_LLL_SERVICE:LIB_COMM"
    label: str  # the target's label in the active language
    categories: list[str]
    year: int
    unit: str | None  # administrative unit code, None for the plan's territory
    numerator: int
    denominator: int  # institutions of the categories open in `year` in scope
    not_reported: int
    value: Decimal | None  # 100 × numerator / denominator, 2 places; None without data
    target: Decimal  # the milestone target that applies to `year`
    target_2025: Decimal
    target_2030: Decimal
    milestone_year: int
    status: Status
    baseline_value: Decimal | None  # value at the start of the phase (2 places)
    projected_value: Decimal | None  # the line phase start → now, at the milestone year
    # Percentage points a year still needed to reach the target; None in the
    # milestone year (see gap) and when achieved or not judged.
    yearly_gain_needed: Decimal | None
    reported: int  # institutions with figures counted
    expected: int  # == denominator
    awaiting_approval: bool
    phase_start_year: int | None = None  # the year baseline_value was measured in
    # In the milestone year, not achieved: the points that remained (target − value).
    gap: Decimal | None = None
    previous_value: Decimal | None = None  # the same scope a year earlier
    previous_numerator: int | None = None
    previous_denominator: int | None = None
    # Institutions open at the phase start, and how that count moved (None when unchanged).
    phase_start_denominator: int | None = None
    denominator_change: DenominatorChange | None = None
    reason: str = ""  # why not_applicable / no_data / off_track without a baseline
    # The exact values behind the 2-place ones above: what is shown is rounded
    # once from these, at the precision shown.
    value_exact: Fraction | None = field(default=None, compare=False, repr=False)
    baseline_exact: Fraction | None = field(default=None, compare=False, repr=False)
    previous_exact: Fraction | None = field(default=None, compare=False, repr=False)
    projected_exact: Fraction | None = field(default=None, compare=False, repr=False)
    gain_exact: Fraction | None = field(default=None, compare=False, repr=False)
    gap_exact: Fraction | None = field(default=None, compare=False, repr=False)

    kind = "share"

    def value_shown(self, places: int) -> Decimal | None:
        return shown(self.value_exact, places)


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
    milestone_year: int | None = None  # the milestone whose target applies to `year`
    yoy_matched_institutions: int = 0  # reported the quantity in year-1 and year
    # The upper end of the 2030 band whatever milestone applies to `year`
    # (target_max is that of the applying milestone: None in 2025).
    target_2030_max: Decimal | None = None
    # Absolute totals of the matched panel at both ends (2.223.101 library visits).
    panel_start_total: int | None = None  # Σ quantity in phase_start_year
    panel_end_total: int | None = None  # Σ quantity in year, same institutions
    yoy_start_total: int | None = None  # Σ in year-1 over the year-on-year panel
    yoy_end_total: int | None = None
    total_reported: int | None = None  # Σ quantity this year over everyone who reported it
    reason: str = ""
    average_exact: Decimal | None = field(default=None, compare=False, repr=False)
    yoy_exact: Decimal | None = field(default=None, compare=False, repr=False)

    kind = "growth"

    def value_shown(self, places: int) -> Decimal | None:
        return shown(self.average_exact, places)


AttainmentRow = ShareRow | GrowthRow

# Implemented in reports/selectors/ (the attainment engine):
#   attainment_rows(*, year, unit=None, visibility=ALL_SUBMITTED, plan=None)
#       -> list[AttainmentRow]
#       every target of the plan for one scope, in plan order; a fixed number of
#       queries whatever the number of institutions.
#   attainment_table(*, year, units, visibility=..., plan=None) -> UnitTable
#       the same for many units at once, with the row of what stands above them
#       ("cấp tỉnh / không thuộc đơn vị cấp dưới") so that the units add up to the
#       territory, and the units outside the plan's territory listed apart.
#   attainment_overview(*, years, unit=None, units=(), visibility=..., plan=None)
#       -> Overview
#       what a dashboard shows: attainment_rows for each of `years` and
#       attainment_table of `units` for the last, the same rows, from one aggregate.
#   institutions_behind(*, target_code, year, unit, which, visibility=...)
#       -> QuerySet[Institution]
#       the institutions behind one number, for drill-down and the report's annex.


def catch_up_text(row: AttainmentRow, *, number: Callable[[Decimal], str], places: int = 1) -> str:
    """What the catch-up says, in the one wording of every surface: inside a
    phase, the points a year still needed; in the milestone year, the gap that
    remained (the deadline has come: nothing is "behind schedule" any more).
    Points are rounded once, from the exact value, to `places`."""
    if not isinstance(row, ShareRow):
        return ""

    def points(exact: Fraction | None, stored: Decimal) -> str:
        value = shown(exact, places) if exact is not None else stored
        return number(value)  # type: ignore[arg-type]

    if row.status == Status.NOT_ACHIEVED and row.gap is not None:
        return _("Đã đến năm mốc %(year)s: còn thiếu %(gap)s điểm %% so với mục tiêu.") % {
            "year": row.milestone_year,
            "gap": points(row.gap_exact, row.gap),
        }
    if (
        row.status in (Status.OFF_TRACK, Status.ON_TRACK, Status.BASELINE)
        and row.yearly_gain_needed
    ):
        return _("Cần tăng thêm %(gain)s điểm %% mỗi năm để đạt mục tiêu %(year)s.") % {
            "gain": points(row.gain_exact, row.yearly_gain_needed),
            "year": row.milestone_year,
        }
    return ""
