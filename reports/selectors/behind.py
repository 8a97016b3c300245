"""The institutions behind one number of an attainment row (drill-down, and the
annual report's annex of institutions not meeting a target)."""

from __future__ import annotations

from dataclasses import dataclass
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

from indicators.criteria import meets_criterion_q
from indicators.models import Figures, IndicatorKind, Target
from institutions.models import AdministrativeUnit, Category, Institution, ReportingUnit
from reports.selectors.engine import HUNDRED, Which, visibility_of
from reports.selectors.plan import TargetView, current_plan_targets
from reports.selectors.scope import UnitGraph
from reports.visibility import Visibility


def _scoped(t: TargetView, year: int, unit: AdministrativeUnit | None) -> QuerySet[Institution]:
    """Institutions of the target's categories open in `year` in the scope (the
    territory, or the unit's scope within it): the engine's denominator."""
    graph = UnitGraph.load()
    territory = graph.territory(t.territory_code)
    ids = territory
    if unit is not None:
        ids = graph.scope(unit.pk) if territory is None else graph.scope(unit.pk) & territory
    qs = Institution.objects.open_in(year).filter(category_id__in=t.category_ids)
    if ids is not None:
        qs = qs.filter(admin_unit_id__in=list(ids))
    return qs


def _with_share_flags(
    qs: QuerySet[Institution], t: TargetView, year: int, visibility: Visibility
) -> QuerySet[Institution]:
    counted = Figures.objects.filter(institution=OuterRef("pk"), year=year).filter(
        visibility.counted_q("submission")
    )
    # Booleans annotated explicitly (never negated lookups across a nullable
    # join), so that "not_meeting" and "not_reported" are exact complements.
    return qs.annotate(
        is_reported=Exists(counted),
        is_meeting=Exists(counted.filter(meets_criterion_q(t.criterion))),
    )


WHICH_Q = {
    "meeting": Q(is_meeting=True),
    "not_meeting": Q(is_reported=True, is_meeting=False),
    "not_reported": Q(is_reported=False),
}


def institutions_behind(
    *,
    target_code: str,
    year: int,
    unit: AdministrativeUnit | None,
    which: Which,
    visibility: Visibility | None = None,
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

    Queries: 5-6 to resolve the target and scope; the returned queryset is one
    more when evaluated. Raises Target.DoesNotExist for an unknown target code.
    """
    seen = visibility_of(visibility, approved_only)
    targets = {t.code: t for t in current_plan_targets()}
    if target_code not in targets:
        raise Target.DoesNotExist(f"Không có mục tiêu {target_code} / no target {target_code}")
    t = targets[target_code]
    qs = _scoped(t, year, unit)
    if t.kind == IndicatorKind.SHARE:
        qs = _with_share_flags(qs, t, year, seen)
    else:
        ms, start = t.phase(year)
        base = start if start < year else year - 1
        q = t.quantity

        def quantity(in_year: int) -> Subquery:
            counted = Figures.objects.filter(
                seen.counted_q("submission"), institution=OuterRef("pk"), year=in_year
            )
            return Subquery(counted.filter(**{f"{q}__isnull": False}).values(q)[:1])

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
    return qs.filter(WHICH_Q[which]).select_related("category", "admin_unit", "reporting_unit")


@dataclass(frozen=True, slots=True)
class InstitutionRow:
    """An institution as a list of many needs it: its own columns, and its
    category, administrative unit and reporting unit loaded once and shared by
    every row (as model instances, each with its three related rows, the
    140,000 institutions of a national province took about 600 MB)."""

    pk: int
    code: str
    name: str
    category: Category
    admin_unit: AdministrativeUnit
    reporting_unit: ReportingUnit
    is_reported: bool

    @property
    def category_id(self) -> int:
        return self.category.pk


def share_institutions_behind(
    *, year: int, visibility: Visibility | None = None, approved_only: bool = False
) -> dict[str, dict[str, list[InstitutionRow]]]:
    """For every share target of the current plan, the institutions of the
    territory open in `year` that do not count in its numerator, by reason:
    "not_meeting" (counted figures that miss the criterion) and "not_reported"
    (no counted figures). The same partition and the same criterion
    (`meets_criterion_q`) as `institutions_behind`, for all targets at once,
    each list ordered by admin unit code then institution code, as
    `InstitutionRow`s.

    Queries: 9 whatever the number of targets or institutions (the plan's three,
    the unit graph's two, one for the institutions with a flag per criterion,
    then their categories, administrative units and reporting units, once each).
    """
    seen = visibility_of(visibility, approved_only)
    targets = [t for t in current_plan_targets() if t.kind == IndicatorKind.SHARE]
    if not targets:
        return {}
    graph = UnitGraph.load()
    territory = graph.territory(targets[0].territory_code)
    criteria = sorted({t.criterion for t in targets})
    counted = Figures.objects.filter(institution=OuterRef("pk"), year=year).filter(
        seen.counted_q("submission")
    )
    qs = Institution.objects.open_in(year).filter(
        category_id__in=set().union(*(t.category_ids for t in targets))
    )
    if territory is not None:
        qs = qs.filter(admin_unit_id__in=list(territory))
    qs = qs.annotate(
        is_reported=Exists(counted),
        **{
            f"meets_{i}": Exists(counted.filter(meets_criterion_q(crit)))
            for i, crit in enumerate(criteria)
        },
    )
    flags = [f"meets_{i}" for i in range(len(criteria))]
    rows = list(
        qs.order_by("admin_unit__code", "code").values_list(
            "pk",
            "code",
            "name",
            "category_id",
            "admin_unit_id",
            "reporting_unit_id",
            "is_reported",
            *flags,
        )
    )
    categories = Category.objects.in_bulk({r[3] for r in rows})
    admin_units = AdministrativeUnit.objects.in_bulk({r[4] for r in rows})
    reporting_units = ReportingUnit.objects.in_bulk({r[5] for r in rows})
    made: dict[int, InstitutionRow] = {}  # one per institution, whatever its targets

    def institution(row: tuple) -> InstitutionRow:
        pk, code, name, category, admin_unit, reporting_unit, reported = row[:7]
        if pk not in made:
            made[pk] = InstitutionRow(
                pk,
                code,
                name,
                categories[category],
                admin_units[admin_unit],
                reporting_units[reporting_unit],
                reported,
            )
        return made[pk]

    behind: dict[str, dict[str, list[InstitutionRow]]] = {}
    for t in targets:
        at = 7 + criteria.index(t.criterion)  # the target's flag in a row
        lists: dict[str, list[InstitutionRow]] = {"not_meeting": [], "not_reported": []}
        for row in rows:
            if row[3] in t.category_ids and not row[at]:
                lists["not_meeting" if row[6] else "not_reported"].append(institution(row))
        behind[t.code] = lists
    return behind
