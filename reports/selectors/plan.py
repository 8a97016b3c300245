"""What the engine reads of the current plan's targets and milestones."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Subquery
from django.utils.translation import get_language

from indicators.models import Plan, Target


@dataclass(frozen=True)
class MilestoneView:
    year: int
    value: Decimal
    value_max: Decimal | None


@dataclass(frozen=True)
class TargetView:
    """What the engine needs of one target, read once."""

    indicator: str
    code: str
    label: str
    kind: str
    criterion: tuple[str, ...]
    quantity: str
    category_ids: frozenset[int]
    category_codes: list[str]
    milestones: list[MilestoneView]
    baseline_year: int
    territory_code: str = ""  # the plan's (see Plan.territory_code)
    plan_number: str = ""

    def phase(self, year: int) -> tuple[MilestoneView, int]:
        """The milestone that applies to `year` (the first one in or after it; the
        last one past the plan's end) and the year its phase starts in."""
        for index, ms in enumerate(self.milestones):
            if ms.year >= year or index == len(self.milestones) - 1:
                start = self.baseline_year if index == 0 else self.milestones[index - 1].year
                return ms, start
        raise ValueError(f"target {self.code} has no milestone")

    def milestone(self, year: int, *, fallback_last: bool) -> MilestoneView:
        for ms in self.milestones:
            if ms.year == year:
                return ms
        return self.milestones[-1] if fallback_last else self.milestones[0]

    def milestone_value(self, year: int, *, fallback_last: bool) -> Decimal:
        return self.milestone(year, fallback_last=fallback_last).value


def current_plan_targets(plan: Plan | None = None) -> list[TargetView]:
    """The targets of `plan` (default: the current plan, the latest issued), in
    plan order. Three queries."""
    plan_id: int | Subquery = (
        plan.pk
        if plan is not None
        else Subquery(Plan.objects.order_by("-issued_on", "-pk").values("pk")[:1])
    )
    targets = (
        Target.objects.filter(indicator__plan_id=plan_id)  # type: ignore[misc]
        .select_related("indicator__plan")
        .prefetch_related("categories", "milestones")
        .order_by("indicator__sort_order", "sort_order", "pk")
    )
    english = (get_language() or "vi").startswith("en")
    views = []
    for target in targets:
        milestones = sorted(target.milestones.all(), key=lambda m: m.year)
        if not milestones:
            continue
        categories = sorted(target.categories.all(), key=lambda c: (c.sort_order, c.code))
        views.append(
            TargetView(
                indicator=target.indicator.code,
                code=target.code,
                label=(target.label_en if english and target.label_en else target.label),
                kind=target.indicator.kind,
                criterion=tuple(target.indicator.criterion_fields or ()),
                quantity=target.indicator.quantity_field,
                category_ids=frozenset(c.pk for c in categories),
                category_codes=[c.code for c in categories],
                milestones=[MilestoneView(m.year, m.value, m.value_max) for m in milestones],
                baseline_year=target.indicator.plan.baseline_year,
                territory_code=target.indicator.plan.territory_code,
                plan_number=target.indicator.plan.number,
            )
        )
    return views
