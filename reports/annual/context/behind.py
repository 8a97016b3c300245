"""Annex II of the report: the institutions behind every share target not met,
by the engine's partition (`reports.selectors.share_institutions_behind`, the
drill-down's rule): those whose counted figures miss the criterion, then those
with no counted figures.

The workbook always carries the whole list. The printed annex carries it while
it is of a size a reader can go through (`REPORT_ANNEX_LIST_MAX_ROWS` lines);
past that it gives, per target, how many of those institutions stand in each
line of Annex I, and points to the workbook's sheet."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.annual.context.annex import AnnexLine, AnnexTable
from reports.annual.context.lines import TargetLine
from reports.attainment import ShareRow

# The workbook's sheet with the whole list, named by the printed annex past its bound.
WORKBOOK_SHEET = gettext_lazy("Thiết chế chưa đạt")


@dataclass(frozen=True)
class BehindInstitution:
    code: str
    name: str
    unit_name: str
    reason: str


@dataclass(frozen=True)
class BehindGroup:
    line: TargetLine
    institutions: list[BehindInstitution]


@dataclass(frozen=True)
class BehindCount:
    """How many institutions of one target's list one line of Annex I holds."""

    label: str
    kind: str  # "unit", "above" or "total", as the Annex I line
    not_meeting: int
    not_reported: int

    @property
    def total(self) -> int:
        return self.not_meeting + self.not_reported


@dataclass(frozen=True)
class BehindCounts:
    line: TargetLine
    lines: list[BehindCount]  # the units with any, then the line above them if any
    total: BehindCount  # the province's


def behind_groups(*, year: int, lines: list[TargetLine]) -> list[BehindGroup]:
    """One group per share target with institutions behind it, in the report's
    order. The engine's fixed number of queries, however many targets are unmet."""
    from reports import selectors  # the attainment engine

    behind_by_target = selectors.share_institutions_behind(year=year)
    groups = []
    for line in lines:
        if line.is_growth:
            continue
        found: list[BehindInstitution] = []
        for which, reason in (
            ("not_meeting", _("Chưa đạt tiêu chí")),
            ("not_reported", _("Chưa báo cáo")),
        ):
            found.extend(
                BehindInstitution(i.code, i.name, i.admin_unit.name, str(reason))
                for i in behind_by_target.get(line.row.target_code, {}).get(which, [])
            )
        if found:
            groups.append(BehindGroup(line=line, institutions=found))
    return groups


def behind_listed(line: TargetLine) -> int:
    """How many institutions Annex II lists for a target: those of a share
    target's denominator outside its numerator (not meeting, or not reporting:
    the engine's partition of the same institutions). None for a growth target."""
    row = line.row
    return row.denominator - row.numerator if isinstance(row, ShareRow) else 0


def _count(line: AnnexLine, target_code: str) -> BehindCount:
    row = next((r for r in line.rows if r.target_code == target_code), None)
    if not isinstance(row, ShareRow):
        return BehindCount(line.label, line.kind, 0, 0)
    return BehindCount(line.label, line.kind, row.reported - row.numerator, row.not_reported)


def behind_counts(*, lines: list[TargetLine], annex: AnnexTable) -> list[BehindCounts]:
    """For each share target with institutions behind it (the groups of
    `behind_groups`), how many of them each line of Annex I holds: in each unit
    and in the line of what stands in no unit, those that report and miss the
    criterion (reported − meeting) and those that do not report, as the engine
    counted them for Annex I. The lines add up to the province's, as Annex I's
    do, and the province's is the target's list. No query, and no list read."""
    counted = []
    for line in lines:
        if not behind_listed(line):
            continue
        code = line.row.target_code
        units = [_count(unit, code) for unit in (*annex.lines, annex.above)]
        counted.append(
            BehindCounts(
                line=line,
                lines=[c for c in units if c.total],
                total=_count(annex.total, code),
            )
        )
    return counted
