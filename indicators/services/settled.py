"""Approved stays approved: which changes to an institution would alter a
report already approved or a period already locked.

Figures belong to the submission that holds them, so moving an institution to
another reporting unit never touches them (and `figures_save` refuses to take
over figures held by a submission no longer editable). But attainment is
computed from the institution as it stands today: its administrative unit, its
category and the years it is open. Changing one of those for a year whose
report is approved (or whose period is locked) would silently change that
year's numbers, so such a change is refused, naming the report that holds the
year; a closure or a correction that only concerns later years is accepted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from indicators.models import Figures, PeriodState, ReportingPeriod, Submission, SubmissionState
from institutions.models import Institution

# The fields whose change alters attainment, with the words a message uses.
ATTAINMENT_FIELDS = {
    "admin_unit": "đơn vị hành chính",
    "category": "loại thiết chế",
    "opened_year": "năm hoạt động",
    "closed_year": "năm ngừng hoạt động",
}


@dataclass(frozen=True)
class Settled:
    """A year that may no longer change for an institution, and which report says so."""

    year: int
    report: str


def settled_years(institutions: Sequence[Institution]) -> dict[int, list[Settled]]:
    """For each institution (by id), the years already settled: every locked
    period, every year its figures sit in an approved report, and every year its
    (current) reporting unit's report is approved. Three queries whatever the
    number of institutions."""
    ids = [i.pk for i in institutions if i.pk]
    if not ids:
        return {}
    locked = list(
        ReportingPeriod.objects.filter(state=PeriodState.LOCKED).values_list("year", flat=True)
    )
    out: dict[int, list[Settled]] = {pk: [] for pk in ids}
    for pk in ids:
        out[pk] += [
            Settled(year, _("kỳ báo cáo năm %(year)s (đã khóa)") % {"year": year})
            for year in locked
        ]
    held = Figures.objects.filter(
        institution_id__in=ids, submission__state=SubmissionState.APPROVED
    ).values_list("institution_id", "year", "submission__reporting_unit__name")
    for pk, year, unit in held:
        out[pk].append(Settled(year, _approved(year, unit)))
    by_unit: dict[int, list[int]] = {}
    for inst in institutions:
        if inst.pk:
            by_unit.setdefault(inst.reporting_unit_id, []).append(inst.pk)
    approved = Submission.objects.filter(
        state=SubmissionState.APPROVED, reporting_unit_id__in=list(by_unit)
    ).values_list("reporting_unit_id", "period__year", "reporting_unit__name")
    for unit_id, year, unit in approved:
        for pk in by_unit[unit_id]:
            out[pk].append(Settled(year, _approved(year, unit)))
    return out


def _approved(year: int, unit: str) -> str:
    return _("báo cáo năm %(year)s của %(unit)s (đã duyệt)") % {"year": year, "unit": unit}


def institution_change_problems(
    *, before: Institution, after: Institution, settled: Sequence[Settled]
) -> dict[str, str]:
    """Why the change from `before` (as stored) to `after` would alter a settled
    year, by field; empty when it would not. No query."""
    problems: dict[str, str] = {}
    for s in sorted(settled, key=lambda s: s.year):
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
            problems.setdefault(
                name,
                _(
                    "không đổi được %(what)s: thiết chế %(code)s đã được tính trong %(report)s. "
                    "Thay đổi chỉ áp dụng được cho những năm chưa duyệt, chưa khóa"
                )
                % {"what": ATTAINMENT_FIELDS[name], "code": before.code, "report": s.report},
            )
    return problems


def institution_guard(
    pairs: Sequence[tuple[Institution, Institution]],
) -> dict[int, dict[str, str]]:
    """The guard registered with institutions.services.history: for each
    (stored, changed) pair, the refused fields and why. Three queries."""
    settled = settled_years([before for before, _after in pairs])
    out: dict[int, dict[str, str]] = {}
    for before, after in pairs:
        problems = institution_change_problems(
            before=before, after=after, settled=settled.get(before.pk, [])
        )
        if problems:
            out[before.pk] = problems
    return out
