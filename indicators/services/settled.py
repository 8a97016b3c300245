"""Approved stays approved: the one rule that says which changes to an
institution would alter a report already approved or a period already locked
(issued). Every way of changing an institution asks it: the admin, the
import (a chunk at a time), the registry's proposals and approvals. It reaches
them through `institutions.services.history.institution_change_problems` (the
institutions layer cannot import this one).

The registry keeps one record per institution: no name, unit or category per
year. So a change is not "from a year on": it reaches every year in which the
record is read. What each part of the record means for a year's report:

- its administrative unit, its category and the years it is open decide the
  attainment computed for the year (the area it counts in, which target it
  counts for, whether it counts at all). Changing one of them for a settled
  year is refused, naming the report that settled it: a year is settled for an
  institution when its period is locked, when its figures sit in an approved
  report, or when the report of the unit it reports for is approved;
- a new institution has no figures and no past: it is refused when it would be
  open in a year that is locked or whose report of the unit it joins is
  approved (that report would come to lack an institution it never saw);
- figures of a year belong to an open institution: a closure (or a later
  opening year) that leaves figures outside the years open is refused, whatever
  the state of the report holding them (a draft too), naming that report;
- its reporting unit decides which report answers for it in every year whose
  figures no report has yet been sent with (`institutions_for_submission`, the
  expected units and their counts). A year whose figures sit in a sent report
  stays with that report (`figures_save` refuses to take them over), so a
  move changes nothing there and takes effect from the next year still open.
  A move is refused when, in a year it is open in that is locked or whose
  report of the leaving or the receiving unit is approved, no sent report
  holds its figures: the receiving unit's approved report would gain it, the
  leaving unit's would lose it, or the locked year's completeness would
  change. We chose this meaning over "a move never touches figures, accept it"
  because an approved report is its list of institutions as much as its
  figures: accepting the move would show an approved report with a blank
  institution it never reported. A change stated to apply from a year (the
  registry's proposals, `from_year`) must also not reach a settled year from
  that one on: "from 2025" cannot be true when the 2025 report is approved.
- its name and code are in no figure and no attainment: a rename is accepted
  whatever the year.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.models import Figures, PeriodState, ReportingPeriod, Submission, SubmissionState
from institutions.models import Institution
from institutions.services.history import InstitutionChange

# The fields the rule refuses, with the words a message uses.
GUARDED_FIELDS = {
    "admin_unit": gettext_lazy("đơn vị hành chính"),
    "category": gettext_lazy("loại thiết chế"),
    "opened_year": gettext_lazy("năm hoạt động"),
    "closed_year": gettext_lazy("năm ngừng hoạt động"),
    "reporting_unit": gettext_lazy("đơn vị báo cáo"),
}
# A report sent (or approved) keeps the figures it holds, wherever the
# institution moves (indicators.selectors.institutions_for_submission).
SENT_STATES = frozenset({SubmissionState.SUBMITTED, SubmissionState.APPROVED})
_WATCHED = ("admin_unit_id", "category_id", "opened_year", "closed_year", "reporting_unit_id")


@dataclass(frozen=True, order=True)
class Report:
    """A report holding a year: a unit's report of that year in a state, or
    (no unit) the year's locked period. Put into words only when a message
    names it."""

    year: int
    unit: str = ""
    state: str = ""

    def __str__(self) -> str:
        if not self.unit:
            return _("kỳ báo cáo năm %(year)s (đã khóa)") % {"year": self.year}
        return _("báo cáo năm %(year)s của %(unit)s (%(state)s)") % {
            "year": self.year,
            "unit": self.unit,
            "state": str(SubmissionState(self.state).label).lower(),
        }


@dataclass
class Facts:
    """What the rule reads for a batch of changes: locked years, the figures of
    the institutions changed, the approved reports of the units they leave and
    join."""

    locked: list[int] = field(default_factory=list)
    # By institution id: the reports holding its figures, earliest year first.
    held: dict[int, list[Report]] = field(default_factory=dict)
    # By reporting unit id, then year: its approved report.
    approved: dict[int, dict[int, Report]] = field(default_factory=dict)

    @classmethod
    def read(cls, changes: Sequence[InstitutionChange]) -> Facts:
        """Three queries at most, whatever the number of changes: the locked
        periods, the figures of the existing institutions (one row per
        institution and year), the approved reports of the units involved."""
        facts = cls()
        if not changes:
            return facts
        facts.locked = sorted(
            ReportingPeriod.objects.filter(state=PeriodState.LOCKED).values_list("year", flat=True)
        )
        ids = sorted({c.before.pk for c in changes if c.before is not None})
        if ids:
            rows = Figures.objects.filter(institution_id__in=ids).values_list(
                "institution_id", "year", "submission__state", "submission__reporting_unit__name"
            )
            for pk, year, state, unit in rows:
                facts.held.setdefault(pk, []).append(Report(year, unit, state))
            for held in facts.held.values():
                held.sort()
        units = {c.after.reporting_unit_id for c in changes} | {
            c.before.reporting_unit_id for c in changes if c.before is not None
        }
        rows = Submission.objects.filter(
            state=SubmissionState.APPROVED, reporting_unit_id__in=sorted(units)
        ).values_list("reporting_unit_id", "period__year", "reporting_unit__name")
        for unit_id, year, unit in rows:
            facts.approved.setdefault(unit_id, {})[year] = Report(
                year, unit, SubmissionState.APPROVED
            )
        return facts

    def settled(self, institution: Institution) -> list[Report]:
        """The years settled for `institution`, earliest first: locked periods,
        years its figures sit in an approved report, years the report of the
        unit it reports for is approved."""
        out = [Report(year) for year in self.locked]
        out += [h for h in self.held.get(institution.pk, []) if h.state == SubmissionState.APPROVED]
        out += self.approved.get(institution.reporting_unit_id, {}).values()
        return sorted(out, key=lambda r: r.year)


def _touches(change: InstitutionChange) -> bool:
    """Whether the change reaches anything the rule watches (a rename does not)."""
    before, after = change.before, change.after
    return before is None or any(getattr(before, name) != getattr(after, name) for name in _WATCHED)


def change_problems(change: InstitutionChange, facts: Facts) -> dict[str, str]:
    """Why `change` would alter a settled year, by field (the first report met,
    earliest year first); empty when it would not. No query: `facts` holds
    what it needs (`Facts.read` of a batch holding this change)."""
    problems: dict[str, str] = {}
    before, after = change.before, change.after
    code = (before or after).code
    if before is None:
        for s in facts.settled(after):
            if after.is_open_in(s.year):
                problems["opened_year"] = _(
                    "không thêm được thiết chế %(code)s hoạt động từ năm %(opened)s: "
                    "%(report)s không có thiết chế này. Thiết chế mới chỉ tính được "
                    "từ những năm chưa duyệt, chưa khóa"
                ) % {"code": code, "opened": after.opened_year, "report": s}
                break
        return problems

    held = facts.held.get(before.pk, [])
    # Figures outside the years open would be a closed institution's. The
    # first report met names a field: messages are made for those only.
    for h in held:
        name = "opened_year" if h.year < after.opened_year else "closed_year"
        if not after.is_open_in(h.year) and name not in problems:
            problems[name] = _(
                "không đổi được %(what)s: thiết chế %(code)s đã có số liệu trong %(report)s, "
                "năm đó thiết chế phải còn hoạt động"
            ) % {"what": GUARDED_FIELDS[name], "code": code, "report": h}
    # What attainment reads, in a settled year.
    for s in facts.settled(before):
        was_open, is_open = before.is_open_in(s.year), after.is_open_in(s.year)
        changed = [
            name
            for name in ("admin_unit", "category")
            if was_open and getattr(before, f"{name}_id") != getattr(after, f"{name}_id")
        ]
        if was_open != is_open:
            changed += [
                name
                for name in ("opened_year", "closed_year")
                if getattr(before, name) != getattr(after, name)
            ]
        for name in changed:
            if name in problems:
                continue
            problems[name] = _(
                "không đổi được %(what)s: thiết chế %(code)s đã được tính trong %(report)s. "
                "Thay đổi chỉ áp dụng được cho những năm chưa duyệt, chưa khóa"
            ) % {"what": GUARDED_FIELDS[name], "code": code, "report": s}
    if before.reporting_unit_id != after.reporting_unit_id:
        message = _move_problem(change, facts, held)
        if message:
            problems["reporting_unit"] = message
    return problems


def _move_problem(change: InstitutionChange, facts: Facts, held: Iterable[Report]) -> str:
    """Why moving to another reporting unit would alter a settled year (see the
    module's docstring), or ''."""
    before, after = change.before, change.after
    assert before is not None
    sent = {h.year: h for h in held if h.state in SENT_STATES}
    leaving = facts.approved.get(before.reporting_unit_id, {})
    joining = facts.approved.get(after.reporting_unit_id, {})
    years = sorted(
        set(facts.locked)
        | set(leaving)
        | set(joining)
        | {y for y, h in sent.items() if h.state == SubmissionState.APPROVED}
    )
    for year in years:
        if not after.is_open_in(year):
            continue  # a change of the years open, judged above
        stated = change.from_year is not None and year >= change.from_year
        if year in sent and not stated:
            continue  # the figures stay in the report that holds them
        holding = sent.get(year)
        reports = [
            holding if stated and holding and holding.state == SubmissionState.APPROVED else None,
            joining.get(year),
            leaving.get(year),
            Report(year) if year in facts.locked else None,
        ]
        report = next(r for r in reports if r is not None)
        if stated:
            return _(
                "không đổi được đơn vị báo cáo từ năm %(from)s: năm %(year)s đã chốt trong "
                "%(report)s. Hãy chọn năm áp dụng sau năm %(year)s"
            ) % {"from": change.from_year, "year": year, "report": report}
        return _(
            "không đổi được đơn vị báo cáo: thiết chế %(code)s hoạt động năm %(year)s mà chưa "
            "có số liệu năm đó trong báo cáo nào đã gửi, nên việc chuyển sẽ làm thay đổi "
            "%(report)s. Thay đổi chỉ áp dụng được cho những năm chưa duyệt, chưa khóa"
        ) % {"code": before.code, "year": year, "report": report}
    return ""


def institution_guard(changes: Sequence[InstitutionChange]) -> dict[int, dict[str, str]]:
    """The guard registered with institutions.services.history: for each change
    (by its position in `changes`) that would alter a settled year, the refused
    fields and why. Changes that reach nothing watched (renames, rows imported
    again unchanged) cost nothing; the others three queries at most together
    (`Facts.read`), whatever their number."""
    watched = [(i, c) for i, c in enumerate(changes) if _touches(c)]
    facts = Facts.read([c for _i, c in watched])
    out: dict[int, dict[str, str]] = {}
    for i, change in watched:
        problems = change_problems(change, facts)
        if problems:
            out[i] = problems
    return out
