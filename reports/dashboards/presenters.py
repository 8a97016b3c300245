"""Turns the engine's rows into what a dashboard shows: cards with their trend
and chart data, a units × targets table, drill-down links. No queries of its
own beyond the engine calls it makes, whose number does not depend on the
amount of data."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator
from institutions.models import AdministrativeUnit
from reports import selectors as engine
from reports.attainment import (
    STATUS_ICONS,
    STATUS_LABELS,
    STATUS_STYLES,
    AttainmentRow,
    GrowthRow,
    ShareRow,
    Status,
    catch_up_text,
    growth_target_text,
)
from reports.visibility import Visibility

# Shown beside the colour so that status never depends on colour alone.
STATUS_SYMBOLS = STATUS_ICONS

WHICH_LABELS: dict[str, Promise] = {
    "meeting": _("Đạt tiêu chí"),
    "not_meeting": _("Chưa đạt tiêu chí"),
    "not_reported": _("Chưa báo cáo"),
}


def status_legend() -> list[dict[str, object]]:
    return [
        {
            "status": s.value,
            "label": style.label,
            "symbol": style.icon,
            "meaning": style.meaning,
        }
        for s, style in STATUS_STYLES.items()
    ]


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def headline(row: AttainmentRow) -> Decimal | None:
    """The one number a card or cell shows, rounded once from the exact value
    to the one decimal the pages show: the share in percent, or the average
    annual growth in percent a year."""
    return row.value_shown(1)


def _local_number(value: Decimal) -> str:
    # As the templates' floatformat:"-1g": the interface's separators, a decimal only if any.
    return str(floatformat(value, "-1g"))


def _local_points(value: Decimal) -> str:
    # Percentage points, always one decimal: "15,0".
    return str(floatformat(value, "1g"))


# The pages' percent sign: after a non-breaking space ("60,0 %"), as every value on them.
PAGE_PERCENT = "\u00a0%"


def growth_targets(row: GrowthRow) -> dict[str, str]:
    """A growth row's targets as the plan writes them, in the interface's number
    format: the one of `row.year`, the 2025 floor and the 2030 band (10–15%/năm
    whichever milestone applies to the year)."""
    return {
        "year": growth_target_text(
            row.target, row.target_max, number=_local_number, percent=PAGE_PERCENT
        ),
        "2025": growth_target_text(
            row.target_2025, None, number=_local_number, percent=PAGE_PERCENT
        ),
        "2030": growth_target_text(
            row.target_2030, row.target_2030_max, number=_local_number, percent=PAGE_PERCENT
        ),
    }


@dataclass
class DrillLink:
    which: str
    label: Promise
    count: int | None
    url: str | None


@dataclass
class Cell:
    row: AttainmentRow
    value: Decimal | None
    status_label: Promise
    symbol: str
    url: str | None


@dataclass
class Card:
    row: AttainmentRow
    indicator_name: str
    chart_id: str
    value: Decimal | None
    status_label: Promise
    symbol: str
    is_share: bool
    links: list[DrillLink]
    trend: list[Cell] = field(default_factory=list)
    growth_targets: dict[str, str] = field(default_factory=dict)  # empty for a share
    catch_up: str = ""
    denominator_note: str = ""


@dataclass
class UnitLine:
    unit: AdministrativeUnit | None  # None: the line of what stands above the units
    url: str | None
    cells: list[Cell | None]


@dataclass
class Dashboard:
    year: int
    unit: AdministrativeUnit | None
    approved_only: bool
    cards: list[Card]
    chart_data: dict[str, object]
    targets: list[AttainmentRow]  # the table's columns, in plan order
    lines: list[UnitLine]
    awaiting_approval: bool
    column_groups: list[tuple[str, int]] = field(default_factory=list)  # indicator, colspan
    empty_units: list[AdministrativeUnit] = field(default_factory=list)  # outside the plan
    above: UnitLine | None = None  # what stands in no unit of the table
    plan_number: str = ""

    @property
    def shown_cards(self) -> list[Card]:
        """The cards of targets that apply here (a commune has no provincial library)."""
        return [c for c in self.cards if c.row.status != Status.NOT_APPLICABLE]

    @property
    def idle_cards(self) -> list[Card]:
        """The targets with no institution of their kind in this scope and year."""
        return [c for c in self.cards if c.row.status == Status.NOT_APPLICABLE]


class Links:
    """Drill-down URLs, built from one reverse() each, so that a table of a
    hundred units does not pay for thousands of URL resolutions."""

    def __init__(self, *, enabled: bool, year: int) -> None:
        self.enabled = enabled
        self.year = year
        self._behind = reverse("reports:institutions_behind")
        self._unit = reverse("reports:unit_dashboard", args=[0]).removesuffix("0/")

    def behind(self, row: AttainmentRow, unit: AdministrativeUnit | None, which: str) -> str | None:
        if not self.enabled:
            return None
        query = {"target": row.target_code, "year": self.year, "which": which}
        if unit is not None:
            query["unit"] = unit.pk
        return f"{self._behind}?{urlencode(query)}"

    def unit(self, unit: AdministrativeUnit) -> str | None:
        if not self.enabled:
            return None
        return f"{self._unit}{unit.pk}/?year={self.year}"


def drill_links(
    row: AttainmentRow, unit: AdministrativeUnit | None, links: Links
) -> list[DrillLink]:
    """The counts behind a row, each linking to its institutions; a count of 0
    has no link (it would open an empty list)."""
    if isinstance(row, ShareRow):
        not_meeting = row.denominator - row.numerator - row.not_reported
        counts = [
            ("meeting", row.numerator),
            ("not_meeting", not_meeting),
            ("not_reported", row.not_reported),
        ]
    else:
        # The engine counts growth on the matched panel, not institution by
        # institution, so only "not reported" has a count; the lists of those
        # growing at the target rate on their own, or not, are one click away.
        counts = [
            ("meeting", None),
            ("not_meeting", None),
            ("not_reported", row.expected - row.reported),
        ]
    return [
        DrillLink(
            which,
            WHICH_LABELS[which],
            count,
            None if count == 0 else links.behind(row, unit, which),
        )
        for which, count in counts
    ]


def off_track(*, year: int, units: Sequence[AdministrativeUnit]) -> list[dict[str, object]]:
    """Every (unit, target) of `units` that is off track in `year`, with the
    value, the projection and the yearly gain still needed, largest catch-up
    first (where the effort is most needed). The engine's fixed queries for
    all units at once (`attainment_by_unit`), none per unit."""
    per_unit = engine.attainment_table(year=year, units=list(units)).rows_by_code()
    links = Links(enabled=True, year=year)
    behind: list[dict[str, object]] = []
    for unit in units:
        for row in per_unit.get(unit.code, []):
            if row.status in (Status.OFF_TRACK, Status.NOT_ACHIEVED):
                behind.append(
                    {
                        "unit": unit,
                        "row": row,
                        "value": headline(row),
                        "projected": getattr(row, "projected_value", None),
                        "gain": getattr(row, "yearly_gain_needed", None)
                        or getattr(row, "gap", None),
                        "catch_up": catch_up_text(row, number=_local_points),
                        "links": drill_links(row, unit, links),
                        "unit_url": links.unit(unit),
                    }
                )
    behind.sort(key=lambda b: -(b["gain"] or 0))
    return behind


def _cell(row: AttainmentRow, url: str | None) -> Cell:
    return Cell(row, headline(row), STATUS_LABELS[row.status], STATUS_SYMBOLS[row.status], url)


def _denominator_note(row: AttainmentRow) -> str:
    change = getattr(row, "denominator_change", None)
    return change.text() if change is not None else ""


def _chart_id(target_code: str) -> str:
    return "chart-" + "".join(c if c.isalnum() else "-" for c in target_code.lower())


def chart_series(
    rows: AttainmentRow, trend: Sequence[AttainmentRow], years: Iterable[int], chart_id: str
) -> dict[str, object]:
    """One card's chart: the value per year (null where there is none), and the
    2025 and 2030 targets as flat lines across the plan's years."""
    by_year = {r.year: headline(r) for r in trend}
    years = list(years)
    series: dict[str, object] = {
        "id": chart_id,
        "label": str(rows.label),
        "kind": "share" if isinstance(rows, ShareRow) else "growth",
        "years": years,
        "values": [_num(by_year.get(y)) for y in years],
        "target2025": _num(rows.target_2025),
        "target2030": _num(rows.target_2030),
        "targetMax": _num(rows.target_2030_max) if isinstance(rows, GrowthRow) else None,
    }
    return series


def chart_labels() -> dict[str, str]:
    """The words the charts draw, translated here because dashboard.js has no
    catalogue of its own."""
    return {
        "share": str(_("Tỷ lệ đạt (%)")),
        "growth": str(_("Tăng trưởng bình quân (%/năm)")),
        "target2025": str(_("Mục tiêu 2025")),
        "target2030": str(_("Mục tiêu 2030")),
        "targetBoth": str(_("Mục tiêu 2025 và 2030")),
        "targetMax": str(_("Mức trên của mục tiêu 2030")),
        "year": str(_("Năm")),
    }


def build_dashboard(
    *,
    year: int,
    first_year: int,
    horizon: int,
    unit: AdministrativeUnit | None,
    visibility: Visibility,
    indicators: dict[str, Indicator],
    table_units: Sequence[AdministrativeUnit] = (),
    can_drill: bool,
    plan_number: str = "",
) -> Dashboard:
    """Everything a dashboard page shows for one scope and year: the trend of
    every year from `first_year` to `year` and the units × targets table, from
    one run of the engine (`attainment_overview`: one aggregate), so a number of
    queries that depends neither on the years nor on the number of
    institutions or units."""
    links = Links(enabled=can_drill, year=year)
    overview = engine.attainment_overview(
        years=range(first_year, year + 1), unit=unit, units=table_units, visibility=visibility
    )
    by_year = overview.by_year
    rows = by_year[year]
    cards: list[Card] = []
    charts: list[dict[str, object]] = []
    for row in rows:
        trend = [
            _cell(r, None)
            for y in range(first_year, year + 1)
            for r in by_year[y]
            if r.target_code == row.target_code
        ]
        chart_id = _chart_id(row.target_code)
        indicator = indicators.get(row.indicator)
        cards.append(
            Card(
                row=row,
                indicator_name=(indicator.display_name if indicator else row.indicator),
                chart_id=chart_id,
                value=headline(row),
                status_label=STATUS_LABELS[row.status],
                symbol=STATUS_SYMBOLS[row.status],
                is_share=isinstance(row, ShareRow),
                links=drill_links(row, unit, links),
                trend=trend,
                growth_targets=growth_targets(row) if isinstance(row, GrowthRow) else {},
                catch_up=catch_up_text(row, number=_local_points),
                denominator_note=_denominator_note(row),
            )
        )
        charts.append(
            chart_series(
                row, [c.row for c in trend], range(first_year, max(horizon, year) + 1), chart_id
            )
        )

    lines: list[UnitLine] = []
    empty_units: list[AdministrativeUnit] = []
    above: UnitLine | None = None
    table = overview.table
    if table is not None:
        for child, child_rows in table.lines:
            lines.append(_unit_line(child, child_rows, rows, links))
        empty_units = list(table.outside)
        if any(r.expected for r in table.above):
            above = _unit_line(None, table.above, rows, links)

    return Dashboard(
        year=year,
        unit=unit,
        approved_only=visibility.approved_only,
        cards=cards,
        chart_data={"charts": charts, "labels": chart_labels()},
        targets=list(rows),
        lines=lines,
        awaiting_approval=any(r.awaiting_approval for r in rows),
        column_groups=[
            (cards[i].indicator_name, len(list(group)))
            for i, group in _runs(r.indicator for r in rows)
        ],
        empty_units=empty_units,
        above=above,
        plan_number=plan_number,
    )


def _unit_line(
    unit: AdministrativeUnit | None,
    unit_rows: list[AttainmentRow],
    columns: list[AttainmentRow],
    links: Links,
) -> UnitLine:
    """One line of the units × targets table, cells in the columns' order; the
    line of what stands above the units (`unit=None`) links nowhere."""
    by_code = {r.target_code: r for r in unit_rows}
    cells: list[Cell | None] = []
    for column in columns:
        own = by_code.get(column.target_code)
        url = (
            links.behind(own, unit, "not_meeting")
            if own is not None and own.expected and unit is not None
            else None
        )
        cells.append(_cell(own, url) if own is not None else None)
    return UnitLine(unit, links.unit(unit) if unit is not None else None, cells)


def _runs(values: Iterable[str]) -> list[tuple[int, list[str]]]:
    """Consecutive equal values, each with the index where its run starts."""
    runs: list[tuple[int, list[str]]] = []
    for i, value in enumerate(values):
        if runs and runs[-1][1][0] == value:
            runs[-1][1].append(value)
        else:
            runs.append((i, [value]))
    return runs
