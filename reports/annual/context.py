"""Everything the annual report shows, computed once and read by the PDF, the
HTML preview and the workbook alike.

Figures come only from the attainment engine (reports.selectors, through the
contract in reports.attainment) and from the recorded activities; the draft
adds the words a person writes. Counted activities follow the engine's rule:
those of submitted or approved submissions, never deleted ones.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import translation
from django.utils.translation import gettext as _

from indicators.models import (
    Activity,
    Indicator,
    KeyDay,
    Plan,
    ReportingPeriod,
    Submission,
    SubmissionState,
    TaskGroup,
)
from institutions.models import AdministrativeUnit, Institution, Level, ReportingUnit
from reports.annual.formatting import (
    vn_date,
    vn_date_words,
    vn_number,
    vn_percent,
)
from reports.attainment import (
    STATUS_LABELS,
    AttainmentRow,
    GrowthRow,
    ShareRow,
    Status,
    growth_target_text,
)
from reports.models import ReportDraft

COUNTED_STATES = (SubmissionState.SUBMITTED, SubmissionState.APPROVED)

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


@dataclass(frozen=True)
class TargetLine:
    """One engine row with the words and formatted numbers the report prints."""

    row: AttainmentRow
    number: str  # "1.", "2." … within the report
    indicator_name: str
    is_growth: bool
    result: str  # "12/20" for a share, "5 thiết chế" for a growth panel
    value: str  # "60,0%" or "12,3%/năm"
    target: str
    target_2025: str
    target_2030: str
    status: str
    completeness: str  # "18/20"

    @property
    def awaiting(self) -> bool:
        return self.row.awaiting_approval


@dataclass(frozen=True)
class TaskGroupLine:
    code: str
    label: str
    activities: int
    participants: int
    state_budget: Decimal
    programmes: Decimal
    contributions: Decimal
    highlights: list[str]

    @property
    def funding_total(self) -> Decimal:
        return self.state_budget + self.programmes + self.contributions


@dataclass(frozen=True)
class KeyDayLine:
    code: str
    label: str
    activities: int
    participants: int


@dataclass(frozen=True)
class AnnexCell:
    text: str
    status: str


@dataclass(frozen=True)
class AnnexUnitLine:
    unit: AdministrativeUnit
    cells: list[AnnexCell]
    rows: list[AttainmentRow]


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
    submissions: dict[str, int]
    reporting_units_expected: int
    annex_units: list[AnnexUnitLine]
    annex_heads: list[tuple[str, int]]  # (indicator head, colspan)
    annex_subheads: list[str]
    behind: list[BehindGroup]
    indicator_names: dict[str, str] = field(default_factory=dict)
    activities: list[Activity] = field(default_factory=list)

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

    @property
    def submissions_received(self) -> int:
        return self.submissions.get(SubmissionState.SUBMITTED, 0) + self.submissions.get(
            SubmissionState.APPROVED, 0
        )


def _target_line(row: AttainmentRow, number: int, indicator_names: dict[str, str]) -> TargetLine:
    status = str(STATUS_LABELS.get(Status(row.status), row.status))
    completeness = f"{vn_number(row.reported)}/{vn_number(row.expected)}"
    if isinstance(row, GrowthRow):
        return TargetLine(
            row=row,
            number=f"{number}.",
            indicator_name=indicator_names.get(row.indicator, row.indicator),
            is_growth=True,
            result=_("%(count)s thiết chế") % {"count": vn_number(row.matched_institutions)},
            value=(
                DASH_GROWTH
                if row.average_exact is None
                else f"{vn_number(row.value_shown(1), 1)}%/năm"
            ),
            target=growth_target_text(row.target, row.target_max, number=vn_number),
            target_2025=growth_target_text(row.target_2025, None, number=vn_number),
            target_2030=growth_target_text(row.target_2030, row.target_2030_max, number=vn_number),
            status=status,
            completeness=completeness,
        )
    return TargetLine(
        row=row,
        number=f"{number}.",
        indicator_name=indicator_names.get(row.indicator, row.indicator),
        is_growth=False,
        result=f"{vn_number(row.numerator)}/{vn_number(row.denominator)}",
        value=vn_percent(row.value_shown(1)),
        target=vn_percent(row.target, 0),
        target_2025=vn_percent(row.target_2025, 0),
        target_2030=vn_percent(row.target_2030, 0),
        status=status,
        completeness=completeness,
    )


DASH_GROWTH = "–"


def annex_units_for_year(year: int) -> list[AdministrativeUnit]:
    """The units the annex breaks the province into: the districts that existed
    in `year` (2023-2025), or the communes once the district level is gone."""
    units = AdministrativeUnit.objects.valid_in_year(year)
    districts = list(units.filter(level=Level.DISTRICT).order_by("code"))
    if districts:
        return districts
    return list(units.filter(level=Level.COMMUNE).order_by("code"))


def _activities(period: ReportingPeriod):
    return Activity.objects.filter(
        submission__period=period,
        submission__state__in=COUNTED_STATES,
        is_deleted=False,
    )


def build_report_context(*, draft: ReportDraft, with_activity_list: bool = False) -> ReportContext:
    """Compute the whole report for the draft's year, its labels in Vietnamese.

    The document is Vietnamese whatever the reviewer's interface language: the
    labels resolved here (task groups, key days, statuses) are fixed strings by
    the time the preview, the PDF or the workbook renders them, so they are
    resolved under Vietnamese too, not only the templates.

    Queries: the engine's fixed number for the province and for all annex units
    at once, five for every share target's institutions behind, and a handful of
    aggregates over activities and submissions — none per institution or unit.
    """
    with translation.override("vi"):
        return _build_report_context(draft=draft, with_activity_list=with_activity_list)


def _build_report_context(*, draft: ReportDraft, with_activity_list: bool) -> ReportContext:
    from reports import selectors  # the attainment engine

    period = draft.period
    year = period.year
    plan = Plan.objects.order_by("-issued_on").first()
    indicator_names = dict(
        Indicator.objects.filter(plan=plan).values_list("code", "name") if plan else []
    )

    rows = selectors.attainment_rows(year=year)
    lines = [_target_line(row, i, indicator_names) for i, row in enumerate(rows, 1)]

    activities = _activities(period)
    provisional = any(row.awaiting_approval for row in rows) or (
        activities.filter(submission__state=SubmissionState.SUBMITTED).exists()
    )

    # (I) and (IV): activities and funding by task group, one aggregate query.
    by_group = {
        r["task_group"]: r
        for r in activities.values("task_group").annotate(
            n=Count("pk"),
            people=Sum("participants"),
            budget=Sum("funding_state_budget"),
            programmes=Sum("funding_programmes"),
            contributions=Sum("funding_contributions"),
        )
    }
    highlights: dict[str, list[str]] = defaultdict(list)
    for group in TaskGroup.values:
        if group in by_group:
            # The three largest distinct activities (units often repeat a title).
            for title in (
                activities.filter(task_group=group)
                .order_by("-participants", "date", "pk")
                .values_list("title", flat=True)[:20]
            ):
                if title not in highlights[group] and len(highlights[group]) < 3:
                    highlights[group].append(title)
    task_groups = [
        TaskGroupLine(
            code=code,
            label=str(label),
            activities=by_group.get(code, {}).get("n", 0),
            participants=by_group.get(code, {}).get("people") or 0,
            state_budget=by_group.get(code, {}).get("budget") or Decimal(0),
            programmes=by_group.get(code, {}).get("programmes") or Decimal(0),
            contributions=by_group.get(code, {}).get("contributions") or Decimal(0),
            highlights=highlights.get(code, []),
        )
        for code, label in TaskGroup.choices
    ]
    by_day = {
        r["key_day"]: r
        for r in activities.exclude(key_day="")
        .values("key_day")
        .annotate(n=Count("pk"), people=Sum("participants"))
    }
    key_days = [
        KeyDayLine(
            code=code,
            label=str(label),
            activities=by_day.get(code, {}).get("n", 0),
            participants=by_day.get(code, {}).get("people") or 0,
        )
        for code, label in KeyDay.choices
    ]

    # (III) completeness of the units' submissions.
    submissions = dict(
        Submission.objects.filter(period=period)
        .values("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    expected_units = (
        ReportingUnit.objects.valid_in_year(year)
        .filter(
            Q(institutions__opened_year__lte=year),
            Q(institutions__closed_year__isnull=True) | Q(institutions__closed_year__gte=year),
        )
        .distinct()
        .count()
    )

    # Annex I: every target for every unit, through the engine's batch call.
    units = annex_units_for_year(year)
    by_unit = selectors.attainment_by_unit(year=year, units=units) if units else {}
    annex_units = []
    for unit in units:
        unit_rows = {r.target_code: r for r in by_unit.get(unit.code, [])}
        cells = []
        for line in lines:
            r = unit_rows.get(line.row.target_code)
            if r is None:
                cells.append(AnnexCell(DASH_GROWTH, Status.NO_DATA))
            else:
                cells.append(AnnexCell(vn_number(r.value_shown(1), 1), r.status))
        annex_units.append(
            AnnexUnitLine(unit=unit, cells=cells, rows=list(by_unit.get(unit.code, [])))
        )
    annex_heads: list[tuple[str, int]] = []
    for line in lines:
        head = INDICATOR_SHORT.get(line.row.indicator, line.indicator_name)
        if annex_heads and annex_heads[-1][0] == head:
            annex_heads[-1] = (head, annex_heads[-1][1] + 1)
        else:
            annex_heads.append((head, 1))
    annex_subheads = [
        " + ".join(CATEGORY_SHORT.get(c, c) for c in line.row.categories)
        if len(line.row.categories) <= 2
        else _("Tất cả")
        for line in lines
    ]

    # Annex II: the institutions behind every share target that is not met, all
    # targets read at once (a fixed number of queries, however many are unmet).
    behind_by_target = selectors.share_institutions_behind(year=year)
    behind = []
    for line in lines:
        if line.is_growth or line.row.denominator == 0:
            continue
        row: ShareRow = line.row  # type: ignore[assignment]
        if row.numerator == row.denominator:
            continue
        found: list[BehindInstitution] = []
        for which, reason in (
            ("not_meeting", _("Chưa đạt tiêu chí")),
            ("not_reported", _("Chưa báo cáo")),
        ):
            found.extend(
                BehindInstitution(i.code, i.name, i.admin_unit.name, str(reason))
                for i in behind_by_target.get(row.target_code, {}).get(which, [])
            )
        if found:
            behind.append(BehindGroup(line=line, institutions=found))

    activity_list: list[Activity] = []
    if with_activity_list:
        activity_list = list(
            activities.select_related(
                "institution", "institution__admin_unit", "submission__reporting_unit"
            ).order_by("date", "pk")
        )

    return ReportContext(
        year=year,
        plan=plan,
        period=period,
        draft=draft,
        lines=lines,
        provisional=provisional,
        task_groups=task_groups,
        key_days=key_days,
        submissions=submissions,
        reporting_units_expected=expected_units,
        annex_units=annex_units,
        annex_heads=annex_heads,
        annex_subheads=annex_subheads,
        behind=behind,
        indicator_names=indicator_names,
        activities=activity_list,
    )


def institution_figures(*, year: int) -> list[tuple[Institution, object]]:
    """Every institution open in `year` with its counted figures (or None), for
    the workbook's institution sheet. Two queries."""
    from indicators.models import Figures

    institutions = list(
        Institution.objects.open_in(year)
        .select_related("category", "admin_unit", "reporting_unit")
        .order_by("admin_unit__code", "category__sort_order", "code")
    )
    figures = {
        f.institution_id: f
        for f in Figures.objects.filter(
            year=year, submission__state__in=COUNTED_STATES
        ).select_related("submission")
    }
    return [(i, figures.get(i.pk)) for i in institutions]
