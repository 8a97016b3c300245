"""Annex II of the report: the institutions behind every share target not met,
by the engine's partition (`reports.selectors.share_institutions_behind`, the
drill-down's rule): those whose counted figures miss the criterion, then those
with no counted figures."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from reports.annual.context.lines import TargetLine


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
