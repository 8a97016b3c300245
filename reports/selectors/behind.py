"""The institutions behind one number of an attainment row (drill-down)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from indicators.models import Figures, IndicatorKind, Target
from institutions.models import AdministrativeUnit, Institution
from reports.selectors.engine import HUNDRED, Which, counted_states
from reports.selectors.plan import current_plan_targets
from reports.selectors.scope import scope_unit_ids


def institutions_behind(
    *,
    target_code: str,
    year: int,
    unit: AdministrativeUnit | None,
    which: Which,
    approved_only: bool = False,
) -> QuerySet[Institution]:
    """The institutions behind one number of one row, with category, admin unit
    and reporting unit selected. They partition the row's expected institutions:

    - share: "meeting" are the numerator; "not_meeting" reported but do not meet
      the criterion; "not_reported" have no counted figures for `year`.
    - growth: "meeting" are in the matched panel (reported the quantity at the
      phase start, or last year in the phase-start year, and this year) and grew
      at least the target rate on their own; "not_meeting" reported this year but
      did not (a new institution, or one starting to report, is here);
      "not_reported" did not report the quantity this year.

    Queries: 3-5 to resolve the target and scope; the returned queryset is one
    more when evaluated. Raises Target.DoesNotExist for an unknown target code.
    """
    targets = {t.code: t for t in current_plan_targets()}
    if target_code not in targets:
        raise Target.DoesNotExist(f"Không có mục tiêu {target_code} / no target {target_code}")
    t = targets[target_code]
    qs = Institution.objects.open_in(year).filter(category_id__in=t.category_ids)
    if unit is not None:
        qs = qs.filter(admin_unit_id__in=list(scope_unit_ids(unit)))

    def counted(in_year: int) -> QuerySet[Figures]:
        return Figures.objects.filter(
            institution=OuterRef("pk"),
            year=in_year,
            submission__state__in=counted_states(approved_only),
        )

    # Booleans annotated explicitly (never negated lookups across a nullable join),
    # so that "not_meeting" and "not_reported" are exact complements.
    if t.kind == IndicatorKind.SHARE:
        qs = qs.annotate(
            is_reported=Exists(counted(year)),
            is_meeting=Exists(counted(year).filter(**{name: True for name in t.criterion})),
        )
    else:
        ms, start = t.phase(year)
        base = start if start < year else year - 1
        q = t.quantity

        def quantity(in_year: int) -> Subquery:
            return Subquery(counted(in_year).filter(**{f"{q}__isnull": False}).values(q)[:1])

        # Each institution's own compound growth ≥ target: after ≥ before × (1 + t)^n.
        factor = (Decimal(1) + ms.value / HUNDRED) ** (year - base)
        qs = qs.annotate(now_q=quantity(year), base_q=quantity(base)).annotate(
            is_reported=Case(
                When(now_q__isnull=False, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            is_meeting=Case(
                When(
                    Q(now_q__isnull=False, base_q__isnull=False)
                    & Q(
                        now_q__gte=ExpressionWrapper(
                            F("base_q") * Value(factor), output_field=DecimalField()
                        )
                    ),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
    condition = {
        "meeting": Q(is_meeting=True),
        "not_meeting": Q(is_reported=True, is_meeting=False),
        "not_reported": Q(is_reported=False),
    }[which]
    return qs.filter(condition).select_related("category", "admin_unit", "reporting_unit")


def share_institutions_behind(
    *, year: int, approved_only: bool = False
) -> dict[str, dict[str, list[Institution]]]:
    """For every share target of the current plan, the institutions open in
    `year` that do not count in its numerator, by reason: "not_meeting" (counted
    figures that miss the criterion) and "not_reported" (no counted figures).
    The same partition as `institutions_behind`, for all targets at once, each
    list ordered by admin unit code then institution code, with category, admin
    unit and reporting unit selected.

    Queries: 5 whatever the number of targets or institutions (the plan's three,
    the institutions, their counted figures of `year`).
    """
    targets = [t for t in current_plan_targets() if t.kind == IndicatorKind.SHARE]
    category_ids = set().union(*(t.category_ids for t in targets))
    criteria = sorted({name for t in targets for name in t.criterion})
    institutions = list(
        Institution.objects.open_in(year)
        .filter(category_id__in=category_ids)
        .select_related("category", "admin_unit", "reporting_unit")
        .order_by("admin_unit__code", "code")
    )
    # One figures row per institution and year (figures_one_per_year).
    figures = {
        row["institution_id"]: row
        for row in Figures.objects.filter(
            year=year,
            institution__in=[i.pk for i in institutions],
            submission__state__in=counted_states(approved_only),
        ).values("institution_id", *criteria)
    }
    behind: dict[str, dict[str, list[Institution]]] = {}
    for t in targets:
        lists: dict[str, list[Institution]] = {"not_meeting": [], "not_reported": []}
        for institution in institutions:
            if institution.category_id not in t.category_ids:
                continue
            row = figures.get(institution.pk)
            if row is None:
                lists["not_reported"].append(institution)
            elif not all(row[name] is True for name in t.criterion):
                lists["not_meeting"].append(institution)
        behind[t.code] = lists
    return behind
