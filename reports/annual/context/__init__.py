"""Everything the annual report shows, computed once and read by the PDF, the
HTML preview and the workbook alike: one builder per section.

- II, targets (`lines`): the attainment engine's rows (reports.selectors,
  through the contract in reports.attainment);
- I and IV, activities and funding (`activities`);
- III, reports received (`indicators.selectors.completeness`, the review
  queue's own count of who was expected);
- Annex I (`annex`): units × targets in tables that add up, and the old
  districts over the years once the district level is gone;
- Annex II (`behind`): the institutions behind every share target not met,
  printed in full up to `REPORT_ANNEX_LIST_MAX_ROWS` lines, else counted by the
  lines of Annex I.

The draft adds the words a person writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from indicators.fields import FIELDS
from indicators.models import (
    Activity,
    Figures,
    Indicator,
    Plan,
    ReportingPeriod,
    SubmissionState,
)
from indicators.selectors import Completeness, completeness, current_plan
from institutions.models import Institution
from reports.annual.context.activities import (
    KeyDayLine,
    TaskGroupLine,
    counted_activities,
    key_day_lines,
    task_group_lines,
)
from reports.annual.context.annex import (
    AnnexCell,
    AnnexLine,
    AnnexTable,
    ComparisonTable,
    annex_heads,
    annex_subheads,
    annex_table,
    comparison_table,
)
from reports.annual.context.behind import (
    BehindCount,
    BehindCounts,
    BehindGroup,
    BehindInstitution,
    behind_counts,
    behind_groups,
    behind_listed,
)
from reports.annual.context.lines import TargetLine, target_lines
from reports.annual.formatting import vn_date, vn_date_words
from reports.attainment import STATUS_LABELS, Status
from reports.models import ReportDraft
from reports.selectors.scope import UnitGraph
from reports.visibility import EVERY_SUBMITTED

__all__ = [
    "AnnexCell",
    "AnnexLine",
    "AnnexTable",
    "BehindCount",
    "BehindCounts",
    "BehindGroup",
    "BehindInstitution",
    "ComparisonTable",
    "InstitutionFigures",
    "KeyDayLine",
    "ReportContext",
    "TargetLine",
    "TaskGroupLine",
    "build_report_context",
    "institution_figures",
]


@dataclass
class ReportContext:
    year: int
    plan: Plan | None
    period: ReportingPeriod
    draft: ReportDraft
    lines: list[TargetLine]
    provisional: bool
    task_groups: list[TaskGroupLine]
    key_days: list[KeyDayLine]
    received: Completeness
    annex: AnnexTable
    comparison: ComparisonTable | None
    annex_heads: list[tuple[str, int]]  # (indicator head, colspan)
    annex_subheads: list[str]
    indicator_names: dict[str, str] = field(default_factory=dict)
    # The counted activities, in date order: read by the workbook as it writes them.
    activities: QuerySet[Activity] = field(default_factory=Activity.objects.none)

    # --- values the templates print -------------------------------------------------
    @property
    def summary(self) -> str:
        plan = self.plan
        if plan is None:
            return _("Kết quả thực hiện kế hoạch học tập suốt đời năm %(year)s") % {
                "year": self.year
            }
        return _(
            "Kết quả thực hiện Kế hoạch số %(number)s ngày %(date)s của %(issuer)s năm %(year)s"
        ) % {
            "number": plan.number,
            "date": vn_date(plan.issued_on),
            "issuer": plan.issuer,
            "year": self.year,
        }

    @property
    def plan_reference(self) -> str:
        """ "Kế hoạch số 3632/KH-UBND ngày 25/12/2023 của Ủy ban nhân dân tỉnh Gia Lai"."""
        plan = self.plan
        if plan is None:
            return ""
        return _("Kế hoạch số %(number)s ngày %(date)s của %(issuer)s") % {
            "number": plan.number,
            "date": vn_date(plan.issued_on),
            "issuer": plan.issuer,
        }

    @property
    def date_line(self) -> str:
        return f"{self.draft.place}, {vn_date_words(self.draft.report_date, year=self.year)}"

    @property
    def body_name(self) -> str:
        """The issuing body as it reads inside a sentence: "SỞ VĂN HÓA, THỂ THAO VÀ
        DU LỊCH" → "Sở Văn hóa, Thể thao và Du lịch" (each field of the name keeps
        its capital)."""
        name = self.draft.issuing_body
        if not name.isupper():
            return name
        head, _sep, rest = name.lower().partition(" ")
        parts = re.split(r"(, | và )", rest)
        return head.capitalize() + " " + "".join(p[:1].upper() + p[1:] for p in parts)

    @property
    def share_lines(self) -> list[TargetLine]:
        return [line for line in self.lines if not line.is_growth]

    @cached_property
    def behind(self) -> list[BehindGroup]:
        """Annex II's list, read from the engine when first asked for: always by
        the workbook, by the PDF and the preview only when they print it
        (`behind_in_full`), since at 140,000 institutions the engine's list costs
        seconds and hundreds of MB."""
        with translation.override("vi"):
            return behind_groups(year=self.year, lines=self.lines)

    @property
    def behind_rows(self) -> int:
        """The lines of Annex II's list (an institution behind two targets is on
        two), from the engine's rows: no list needed to know its length."""
        return sum(behind_listed(line) for line in self.lines)

    @property
    def behind_in_full(self) -> bool:
        """Whether the printed Annex II lists the institutions one by one (else it
        counts them by the lines of Annex I; the workbook always has the list)."""
        return self.behind_rows <= settings.REPORT_ANNEX_LIST_MAX_ROWS

    @property
    def behind_counted(self) -> list[BehindCounts]:
        """Annex II past its bound: each target with institutions behind it,
        counted by the lines of Annex I."""
        return behind_counts(lines=self.lines, annex=self.annex)

    @property
    def task_totals(self) -> dict[str, object]:
        return {
            "activities": sum(t.activities for t in self.task_groups),
            "participants": sum(t.participants for t in self.task_groups),
            "state_budget": sum((t.state_budget for t in self.task_groups), Decimal(0)),
            "programmes": sum((t.programmes for t in self.task_groups), Decimal(0)),
            "contributions": sum((t.contributions for t in self.task_groups), Decimal(0)),
            "funding_total": sum((t.funding_total for t in self.task_groups), Decimal(0)),
        }

    @property
    def status_counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Status}
        for line in self.lines:
            counts[line.row.status] += 1
        return counts

    @property
    def status_summary(self) -> list[dict[str, object]]:
        """The statuses that occur this year, in the vocabulary's order, with
        their count: "5 mục tiêu đạt, 2 mục tiêu không đạt"."""
        counts = self.status_counts
        return [
            {"status": s.value, "label": str(STATUS_LABELS[s]), "count": counts[s.value]}
            for s in Status
            if counts[s.value]
        ]


def build_report_context(*, draft: ReportDraft) -> ReportContext:
    """Compute the whole report for the draft's year, its labels in Vietnamese.

    The document is Vietnamese whatever the reviewer's interface language: the
    labels resolved here (task groups, key days, statuses) are fixed strings by
    the time the preview, the PDF or the workbook renders them, so they are
    resolved under Vietnamese too, not only the templates.

    Queries: the engine's fixed number for the province, for all annex units at
    once (and for each year of the comparison table), the review queue's two,
    and a handful of aggregates over activities — none per institution or unit.
    Annex II's list (the engine's fixed number of queries) is read when first
    asked for, and the workbook's lists of activities and institutions (one
    stream each) only as it writes them.
    """
    with translation.override("vi"):
        return _build_report_context(draft=draft)


def _build_report_context(*, draft: ReportDraft) -> ReportContext:
    from reports import selectors  # the attainment engine

    period = draft.period
    year = period.year
    plan = current_plan()
    indicator_names = {
        i.code: i.display_name for i in (Indicator.objects.filter(plan=plan) if plan else [])
    }
    graph = UnitGraph.load()

    rows = selectors.attainment_rows(year=year, graph=graph)
    lines = target_lines(rows, indicator_names)
    activities = counted_activities(period)
    provisional = any(row.awaiting_approval for row in rows) or (
        activities.filter(submission__state=SubmissionState.SUBMITTED).exists()
    )

    return ReportContext(
        year=year,
        plan=plan,
        period=period,
        draft=draft,
        lines=lines,
        provisional=provisional,
        task_groups=task_group_lines(activities),
        key_days=key_day_lines(activities),
        received=completeness(period),
        annex=annex_table(year=year, lines=lines, graph=graph),
        comparison=comparison_table(year=year, plan=plan, lines=lines, graph=graph),
        annex_heads=annex_heads(lines),
        annex_subheads=annex_subheads(lines),
        indicator_names=indicator_names,
        activities=activities.select_related(
            "institution", "institution__admin_unit", "submission__reporting_unit"
        ).order_by("date", "pk"),
    )


STREAM_CHUNK = 2000  # rows fetched at a time by the workbook's streams


class InstitutionFigures(NamedTuple):
    """One institution of the workbook's institution sheet, with its counted
    figures' submission state and values (in `indicators.fields.FIELDS` order),
    both None when it has none."""

    code: str
    name: str
    category_code: str
    category_name: str
    unit_name: str
    reporting_unit_code: str
    state: str | None
    values: tuple[object, ...] | None


def institution_figures(*, year: int) -> Iterator[InstitutionFigures]:
    """Every institution open in `year` with its counted figures (or None), in
    the workbook's order (admin unit, category, code), for its institution sheet.

    Two queries read side by side as streams of plain values (server-side
    cursors on PostgreSQL), so neither list is ever held whole, nor built as
    model instances (at 140,000 institutions those took most of the sheet's time):
    the figures are those of the same institutions in the same order, at most one
    per institution and year, so each is met when its institution is."""
    order = ("admin_unit__code", "category__sort_order", "code", "pk")
    open_institutions = Institution.objects.open_in(year)
    institutions = (
        open_institutions.order_by(*order)
        .values_list(
            "pk",
            "code",
            "name",
            "category__code",
            "category__name",
            "admin_unit__name",
            "reporting_unit__code",
        )
        .iterator(chunk_size=STREAM_CHUNK)
    )
    figures = (
        Figures.objects.filter(
            EVERY_SUBMITTED.counted_q("submission"),
            year=year,
            institution__in=open_institutions.values("pk"),
        )
        .order_by(*(f"institution__{o}" for o in order))
        .values_list("institution_id", "submission__state", *(f.code for f in FIELDS))
        .iterator(chunk_size=STREAM_CHUNK)
    )
    pending = next(figures, None)
    for pk, *institution in institutions:
        if pending is not None and pending[0] == pk:
            yield InstitutionFigures._make((*institution, pending[1], pending[2:]))
            pending = next(figures, None)
        else:
            yield InstitutionFigures._make((*institution, None, None))
