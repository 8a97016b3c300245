"""Sections I and IV of the report: the activities the units recorded, by task
group and by key day, with their participants and funding.

Activities count by the engine's rule for figures (`EVERY_SUBMITTED`): those of
submitted or approved submissions, never drafts, returned ones or deleted
activities."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from indicators.models import ACTIVITY_OUTPUTS, Activity, KeyDay, ReportingPeriod, TaskGroup
from reports.visibility import EVERY_SUBMITTED

_MOBILISED = _("kinh phí xã hội hóa huy động được (đồng, mọi hoạt động)")


@dataclass(frozen=True)
class Output:
    """One countable output of a task group, summed over its activities."""

    field: str
    label: str
    value: int | Decimal
    recorded_by: int  # how many of the group's activities recorded it


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
    outputs: list[Output]

    @property
    def title(self) -> str:
        """The group's words without its plan number ("Tuyên truyền, …"), for the
        report's table whose first column gives the number."""
        return self.label.removeprefix(f"{self.code} ")

    @property
    def funding_total(self) -> Decimal:
        return self.state_budget + self.programmes + self.contributions


@dataclass(frozen=True)
class KeyDayLine:
    code: str
    label: str
    activities: int
    participants: int


def counted_activities(period: ReportingPeriod) -> QuerySet[Activity]:
    """The activities the report counts for `period`."""
    return Activity.objects.filter(
        EVERY_SUBMITTED.counted_q("submission"), submission__period=period, is_deleted=False
    )


def task_group_lines(activities: QuerySet[Activity]) -> list[TaskGroupLine]:
    """One line per task group of the plan, in the plan's order, with its countable
    outputs and the three largest distinct activity titles as highlights. One
    aggregate query, and one for the highlights of each group that has activities.

    The outputs are those the activities record for their group (courses held,
    people trained, ...); for III.5 (mobilising society) the amount mobilised is
    the contributions of every activity, whichever group it is filed under."""
    by_group = {
        r["task_group"]: r
        for r in activities.values("task_group").annotate(
            n=Count("pk"),
            people=Sum("participants"),
            budget=Sum("funding_state_budget"),
            programmes=Sum("funding_programmes"),
            contributions=Sum("funding_contributions"),
            **{f"out_{name}": Sum(name) for name in ACTIVITY_OUTPUTS},
            **{f"by_{name}": Count(name) for name in ACTIVITY_OUTPUTS},
            givers=Count("pk", filter=Q(funding_contributions__gt=0)),
        )
    }
    mobilised = sum((r["contributions"] or Decimal(0) for r in by_group.values()), Decimal(0))
    with_contributions = sum(r["givers"] for r in by_group.values())
    lines = []
    for code, label in TaskGroup.choices:
        found = by_group.get(code, {})
        lines.append(
            TaskGroupLine(
                code=code,
                label=str(label),
                activities=found.get("n", 0),
                participants=found.get("people") or 0,
                state_budget=found.get("budget") or Decimal(0),
                programmes=found.get("programmes") or Decimal(0),
                contributions=found.get("contributions") or Decimal(0),
                highlights=_highlights(activities, code) if found else [],
                outputs=_outputs(code, found, mobilised, with_contributions),
            )
        )
    return lines


def _outputs(code: str, found: dict, mobilised: Decimal, with_contributions: int) -> list[Output]:
    outputs = [
        Output(
            field=name,
            label=Activity.output_label(name),
            value=found.get(f"out_{name}") or 0,
            recorded_by=found.get(f"by_{name}", 0),
        )
        for name, group in ACTIVITY_OUTPUTS.items()
        if group == code
    ]
    if code == TaskGroup.SOCIALISATION:
        outputs.append(
            Output(
                field="funding_contributions",
                label=str(_MOBILISED),
                value=mobilised,
                recorded_by=with_contributions,
            )
        )
    return outputs


def _highlights(activities: QuerySet[Activity], group: str) -> list[str]:
    """The three largest distinct activities of a group (units often repeat a title)."""
    titles: list[str] = []
    for title in (
        activities.filter(task_group=group)
        .order_by("-participants", "date", "pk")
        .values_list("title", flat=True)[:20]
    ):
        if title not in titles:
            titles.append(title)
        if len(titles) == 3:
            break
    return titles


def key_day_lines(activities: QuerySet[Activity]) -> list[KeyDayLine]:
    """One line per key day of plan III.1, in the plan's order. One query."""
    by_day = {
        r["key_day"]: r
        for r in activities.exclude(key_day="")
        .values("key_day")
        .annotate(n=Count("pk"), people=Sum("participants"))
    }
    return [
        KeyDayLine(
            code=code,
            label=str(label),
            activities=by_day.get(code, {}).get("n", 0),
            participants=by_day.get(code, {}).get("people") or 0,
        )
        for code, label in KeyDay.choices
    ]
