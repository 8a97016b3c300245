"""Annex I of the report: every target for every unit, in tables that add up.

The units are those a table by unit lists (`reports.dashboards.selectors.
table_units`, the dashboards' rule): for 2023-2024 the 17 districts, from 2025
the units that stood on the year's deadline (the new communes, whose committees
sent the 2025 figures). Under the units, a line for what stands in none of them
(provincial institutions, and from 01/07/2025 the former district-level ones),
so that for every count the lines plus that line make the province. Units that
lie outside the plan's territory are named apart, never as rows of "–".

When the district level ended within the plan (01/07/2025), a second table gives
the years from the baseline to that year by the old districts, so a district can
be followed over time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.models import Plan
from institutions.models import AdministrativeUnit
from reports.annual.context.lines import TargetLine
from reports.annual.formatting import DASH, vn_number
from reports.attainment import AttainmentRow, Status
from reports.dashboards.selectors import district_level_last_day, table_units, year_deadline
from reports.selectors.scope import UnitGraph

# Short column heads for the annex's units × targets table.
CATEGORY_SHORT = {
    "LIB_PROV": "Tỉnh",
    "LIB_DIST": "Huyện",
    "LIB_COMM": "Xã",
    "LIB_UNIV": "ĐH",
    "LIB_ARMY": "LLVT",
    "LIB_EDU": "CSGD",
    "MUS": "BT",
    "CC_PROV": "Tỉnh",
    "CC_DIST": "Huyện",
    "CC_COMM": "Xã",
    "CC_VILL": "Thôn",
}
INDICATOR_SHORT = {
    "LIB_LLL_SERVICE": "Thư viện có dịch vụ HTSĐ (%)",
    "LIB_DIGITAL": "Thư viện ứng dụng CNTT, CĐS (%)",
    "LIB_VISITS_GROWTH": "Tăng lượt bạn đọc (%/năm)",
    "MUS_EDU_PROGRAM": "Bảo tàng có CT giáo dục (%)",
    "MUS_STUDY_VISITS_GROWTH": "Tăng khách học tập (%/năm)",
    "CC_UPPER_ACTIVITIES": "TTVH tỉnh, huyện (%)",
    "CC_GRASSROOTS_CLUBS": "TTVH xã, NVH thôn (%)",
}
NOT_APPLICABLE_MARK = "x"


@dataclass(frozen=True)
class AnnexCell:
    text: str
    status: str


def annex_cell(row: AttainmentRow | None) -> AnnexCell:
    """A row as one cell: its value rounded once to the decimal printed, "–"
    when nobody reported, "x" when no institution of the kind is open."""
    if row is None:
        return AnnexCell(DASH, Status.NO_DATA)
    if row.status == Status.NOT_APPLICABLE:
        return AnnexCell(NOT_APPLICABLE_MARK, row.status)
    return AnnexCell(vn_number(row.value_shown(1), 1), row.status)


@dataclass(frozen=True)
class AnnexLine:
    """One line of an annex table: a unit's, the line of what stands in no unit
    ("above"), or the province's ("total")."""

    label: str
    code: str
    kind: str  # "unit", "above" or "total"
    cells: list[AnnexCell]
    rows: list[AttainmentRow]
    year: int


@dataclass(frozen=True)
class AnnexTable:
    """Annex I for one year: the province, the units, and the line above them."""

    year: int
    units_on: dt.date
    total: AnnexLine
    lines: list[AnnexLine]
    above: AnnexLine
    outside: list[AdministrativeUnit]

    @property
    def all_lines(self) -> list[AnnexLine]:
        return [self.total, *self.lines, self.above]


@dataclass(frozen=True)
class ComparisonBlock:
    """One old district (or the province, or the line above) over the years."""

    label: str
    code: str
    kind: str
    lines: list[AnnexLine]  # one per year


@dataclass(frozen=True)
class ComparisonTable:
    years: list[int]
    units_on: dt.date
    blocks: list[ComparisonBlock]


ABOVE_LABEL = gettext_lazy("Cấp tỉnh / không thuộc đơn vị cấp dưới")


def _line(
    label: str, code: str, kind: str, rows: list[AttainmentRow], lines: list[TargetLine], year: int
) -> AnnexLine:
    by_code = {r.target_code: r for r in rows}
    cells = [annex_cell(by_code.get(line.row.target_code)) for line in lines]
    return AnnexLine(label, code, kind, cells, list(rows), year)


def annex_table(
    *, year: int, lines: list[TargetLine], graph: UnitGraph, on: dt.date | None = None
) -> AnnexTable:
    """The units × targets table of `year` (the units of `table_units`, or those
    standing on `on`), with the province's line and the line above the units."""
    from reports import selectors  # the attainment engine

    day = on or year_deadline(year)
    units = table_units(year=year, unit=None, on=day)
    table = selectors.attainment_table(year=year, units=units, graph=graph)
    return AnnexTable(
        year=year,
        units_on=day,
        total=_line(_("Toàn tỉnh"), "", "total", table.total, lines, year),
        lines=[_line(u.name, u.code, "unit", rows, lines, year) for u, rows in table.lines],
        above=_line(str(ABOVE_LABEL), "", "above", table.above, lines, year),
        outside=table.outside,
    )


def comparison_table(
    *, year: int, plan: Plan | None, lines: list[TargetLine], graph: UnitGraph
) -> ComparisonTable | None:
    """For a year after the district level ended: the years from the plan's
    baseline to the district level's last year, by the districts as they stood
    on their last day. None when the report's own annex is by those districts."""
    last_day = district_level_last_day()
    if plan is None or last_day is None or year_deadline(year) <= last_day:
        return None
    years = list(range(plan.baseline_year, min(last_day.year, year) + 1))
    tables = [annex_table(year=y, lines=lines, graph=graph, on=last_day) for y in years]
    blocks = [
        ComparisonBlock(_("Toàn tỉnh"), "", "total", [t.total for t in tables]),
        *(
            ComparisonBlock(first.label, first.code, "unit", [t.lines[i] for t in tables])
            for i, first in enumerate(tables[0].lines)
        ),
        ComparisonBlock(str(ABOVE_LABEL), "", "above", [t.above for t in tables]),
    ]
    return ComparisonTable(years=years, units_on=last_day, blocks=blocks)


def annex_heads(lines: list[TargetLine]) -> list[tuple[str, int]]:
    """The indicator heads over the target columns, with their colspan."""
    heads: list[tuple[str, int]] = []
    for line in lines:
        head = INDICATOR_SHORT.get(line.row.indicator, line.indicator_name)
        if heads and heads[-1][0] == head:
            heads[-1] = (head, heads[-1][1] + 1)
        else:
            heads.append((head, 1))
    return heads


def annex_subheads(lines: list[TargetLine]) -> list[str]:
    """The categories each target column counts."""
    return [
        " + ".join(CATEGORY_SHORT.get(c, c) for c in line.row.categories)
        if len(line.row.categories) <= 2
        else _("Tất cả")
        for line in lines
    ]
