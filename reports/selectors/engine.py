"""Share and growth rows from one aggregate query (see the package docstring)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Literal

from django.db.models import Count, FilteredRelation, Q, Sum

from indicators.models import IndicatorKind, SubmissionState
from institutions.models import AdministrativeUnit, Institution
from reports.attainment import AttainmentRow, GrowthRow, ShareRow, Status
from reports.selectors.plan import TargetView, current_plan_targets
from reports.selectors.scope import UnitGraph, scope_unit_ids

CENT = Decimal("0.01")
HUNDRED = Decimal(100)

Which = Literal["meeting", "not_meeting", "not_reported"]

# --------------------------------------------------------------------------- aggregate


def counted_states(approved_only: bool) -> list[str]:
    if approved_only:
        return [SubmissionState.APPROVED]
    return [SubmissionState.SUBMITTED, SubmissionState.APPROVED]


def _open_in(year: int) -> Q:
    return Q(opened_year__lte=year) & (Q(closed_year__isnull=True) | Q(closed_year__gte=year))


def _crit_key(criterion: tuple[str, ...]) -> str:
    return "__".join(criterion)


@dataclass
class _Needs:
    """Which counts the aggregate query must produce."""

    share_years: set[int] = field(default_factory=set)
    criteria: set[tuple[str, ...]] = field(default_factory=set)
    growth_pairs: set[tuple[int, int, str]] = field(default_factory=set)  # (from, to, quantity)
    growth_years: set[tuple[int, str]] = field(default_factory=set)  # (year, quantity)

    @classmethod
    def for_targets(cls, targets: Iterable[TargetView], year: int) -> _Needs:
        needs = cls()
        for t in targets:
            _, start = t.phase(year)
            if t.kind == IndicatorKind.SHARE:
                needs.share_years |= {year, start}
                needs.criteria.add(t.criterion)
            else:
                needs.growth_years.add((year, t.quantity))
                needs.growth_pairs.add((year - 1, year, t.quantity))
                if start < year:
                    needs.growth_pairs.add((start, year, t.quantity))
        return needs

    @property
    def years(self) -> set[int]:
        years = set(self.share_years) | {y for y, _ in self.growth_years}
        for a, b, _ in self.growth_pairs:
            years |= {a, b}
        return years


def _aggregate(
    *,
    needs: _Needs,
    category_ids: Iterable[int],
    unit_ids: frozenset[int] | None,
    approved_only: bool,
) -> list[dict]:
    """One query: per (category, admin unit), the counts and sums in `needs`."""
    states = counted_states(approved_only)
    rel = {y: f"f{y}" for y in needs.years}
    qs = Institution.objects.filter(category_id__in=list(category_ids))
    if unit_ids is not None:
        qs = qs.filter(admin_unit_id__in=list(unit_ids))
    qs = qs.annotate(
        **{
            alias: FilteredRelation("figures", condition=Q(figures__year=y))
            for y, alias in rel.items()
        }
    )

    def counted(y: int) -> Q:
        return Q(**{f"{rel[y]}__submission__state__in": states})

    def waiting(y: int) -> Q:
        return Q(**{f"{rel[y]}__submission__state": SubmissionState.SUBMITTED})

    aggs: dict[str, object] = {}
    for y in needs.share_years:
        base = _open_in(y) & counted(y)
        aggs[f"open_{y}"] = Count("pk", filter=_open_in(y))
        aggs[f"rep_{y}"] = Count("pk", filter=base)
        aggs[f"wait_{y}"] = Count("pk", filter=base & waiting(y))
        for crit in needs.criteria:
            meets = Q(**{f"{rel[y]}__{name}": True for name in crit})
            aggs[f"meet_{y}_{_crit_key(crit)}"] = Count("pk", filter=base & meets)
    for y, quantity in needs.growth_years:
        has = counted(y) & Q(**{f"{rel[y]}__{quantity}__isnull": False})
        aggs[f"open_{y}"] = Count("pk", filter=_open_in(y))
        aggs[f"qrep_{y}_{quantity}"] = Count("pk", filter=_open_in(y) & has)
    for a, b, quantity in needs.growth_pairs:
        panel = (
            counted(a)
            & counted(b)
            & Q(**{f"{rel[a]}__{quantity}__isnull": False, f"{rel[b]}__{quantity}__isnull": False})
        )
        key = f"{a}_{b}_{quantity}"
        aggs[f"panel_{key}"] = Count("pk", filter=panel)
        aggs[f"sa_{key}"] = Sum(f"{rel[a]}__{quantity}", filter=panel)
        aggs[f"sb_{key}"] = Sum(f"{rel[b]}__{quantity}", filter=panel)
        aggs[f"pwait_{key}"] = Count("pk", filter=panel & (waiting(a) | waiting(b)))
    return list(qs.order_by().values("category_id", "admin_unit_id").annotate(**aggs))


class _Totals:
    """The aggregate rows of one target and one scope, summed on demand."""

    def __init__(self, rows: list[dict]) -> None:
        self.rows = rows

    def __getitem__(self, key: str) -> int:
        return sum(row[key] or 0 for row in self.rows)


# --------------------------------------------------------------------------- arithmetic


def _round(value: Fraction | Decimal) -> Decimal:
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _share(numerator: int, denominator: int, reported: int) -> Fraction | None:
    if denominator == 0 or reported == 0:
        return None
    return Fraction(100 * numerator, denominator)


def _share_row(t: TargetView, year: int, unit_code: str | None, tot: _Totals) -> ShareRow:
    ms, start = t.phase(year)
    crit = _crit_key(t.criterion)
    denominator, reported = tot[f"open_{year}"], tot[f"rep_{year}"]
    numerator = tot[f"meet_{year}_{crit}"]
    exact = _share(numerator, denominator, reported)
    target = ms.value
    baseline_exact = (
        exact
        if start >= year
        else _share(tot[f"meet_{start}_{crit}"], tot[f"open_{start}"], tot[f"rep_{start}"])
    )

    value = _round(exact) if exact is not None else None
    baseline = _round(baseline_exact) if baseline_exact is not None else None
    projected: Decimal | None = None
    gain: Decimal | None = None
    if value is None:
        status = Status.NO_DATA
    elif value >= target:
        status = Status.ACHIEVED
        gain = Decimal("0.00")
    else:
        years_left = ms.year - year
        gap = Fraction(target) - exact
        gain = _round(gap / years_left if years_left > 0 else gap)
        if baseline_exact is None:
            status = Status.OFF_TRACK
        else:
            span = ms.year - start
            line = (
                baseline_exact
                if span <= 0
                else baseline_exact
                + (Fraction(target) - baseline_exact) * Fraction(year - start, span)
            )
            status = Status.ON_TRACK if value >= _round(line) else Status.OFF_TRACK
    if exact is not None and baseline_exact is not None and year > start:
        line_value = baseline_exact + (exact - baseline_exact) * Fraction(
            ms.year - start, year - start
        )
        projected = _round(min(max(line_value, Fraction(0)), Fraction(100)))
    return ShareRow(
        indicator=t.indicator,
        target_code=t.code,
        label=t.label,
        categories=list(t.category_codes),
        year=year,
        unit=unit_code,
        numerator=numerator,
        denominator=denominator,
        not_reported=denominator - reported,
        value=value,
        target=target,
        target_2025=t.milestone_value(2025, fallback_last=False),
        target_2030=t.milestone_value(2030, fallback_last=True),
        milestone_year=ms.year,
        status=status,
        baseline_value=baseline,
        projected_value=projected,
        yearly_gain_needed=gain,
        reported=reported,
        expected=denominator,
        awaiting_approval=tot[f"wait_{year}"] > 0,
        phase_start_year=start,
    )


def _growth(before: int, after: int, years: int) -> Decimal | None:
    """Compound growth in percent a year from `before` to `after` over `years`."""
    if before <= 0 or years <= 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 28
        ratio = Decimal(after) / Decimal(before)
        if years == 1:
            rate = ratio
        elif ratio == 0:
            rate = Decimal(0)
        else:
            rate = ratio ** (Decimal(1) / Decimal(years))
        return _round((rate - 1) * HUNDRED)


def _growth_row(t: TargetView, year: int, unit_code: str | None, tot: _Totals) -> GrowthRow:
    ms, start = t.phase(year)
    q = t.quantity
    yoy_key = f"{year - 1}_{year}_{q}"
    yoy = _growth(tot[f"sa_{yoy_key}"], tot[f"sb_{yoy_key}"], 1)
    waiting = tot[f"pwait_{yoy_key}"] > 0
    if start < year:
        avg_key = f"{start}_{year}_{q}"
        average = _growth(tot[f"sa_{avg_key}"], tot[f"sb_{avg_key}"], year - start)
        matched = tot[f"panel_{avg_key}"]
        waiting = waiting or tot[f"pwait_{avg_key}"] > 0
    else:
        average, matched = None, tot[f"panel_{yoy_key}"]
    target = ms.value
    if average is not None:
        if average >= target:
            status = Status.ACHIEVED
        elif yoy is not None and yoy >= target:
            status = Status.ON_TRACK
        else:
            status = Status.OFF_TRACK
    elif yoy is not None:
        status = Status.ON_TRACK if yoy >= target else Status.OFF_TRACK
    else:
        status = Status.NO_DATA
    return GrowthRow(
        indicator=t.indicator,
        target_code=t.code,
        label=t.label,
        categories=list(t.category_codes),
        year=year,
        unit=unit_code,
        yoy_growth=yoy,
        average_growth=average,
        phase_start_year=start,
        matched_institutions=matched,
        target=target,
        target_max=ms.value_max,
        target_2025=t.milestone_value(2025, fallback_last=False),
        target_2030=t.milestone_value(2030, fallback_last=True),
        status=status,
        reported=tot[f"qrep_{year}_{q}"],
        expected=tot[f"open_{year}"],
        awaiting_approval=waiting,
        milestone_year=ms.year,
        yoy_matched_institutions=tot[f"panel_{yoy_key}"],
        target_2030_max=t.milestone(2030, fallback_last=True).value_max,
    )


def _rows_for_scope(
    targets: list[TargetView],
    groups: list[dict],
    *,
    year: int,
    unit_code: str | None,
    unit_ids: frozenset[int] | None,
) -> list[AttainmentRow]:
    rows: list[AttainmentRow] = []
    for t in targets:
        tot = _Totals(
            [
                g
                for g in groups
                if g["category_id"] in t.category_ids
                and (unit_ids is None or g["admin_unit_id"] in unit_ids)
            ]
        )
        build = _share_row if t.kind == IndicatorKind.SHARE else _growth_row
        rows.append(build(t, year, unit_code, tot))
    return rows


# --------------------------------------------------------------------------- public


def attainment_rows(
    *, year: int, unit: AdministrativeUnit | None = None, approved_only: bool = False
) -> list[AttainmentRow]:
    """Every target of the current plan for one scope and year, in plan order.

    Guarantees the rules of DESIGN section 5 (see the module docstring for the
    decisions it leaves open). Queries: 4 for the province (targets, their
    categories, their milestones, one aggregate), 6 for a unit (plus all units
    and all succession edges) — whatever the number of institutions.
    """
    targets = current_plan_targets()
    if not targets:
        return []
    unit_ids = scope_unit_ids(unit) if unit is not None else None
    groups = _aggregate(
        needs=_Needs.for_targets(targets, year),
        category_ids=set().union(*(t.category_ids for t in targets)),
        unit_ids=unit_ids,
        approved_only=approved_only,
    )
    return _rows_for_scope(
        targets,
        groups,
        year=year,
        unit_code=unit.code if unit is not None else None,
        unit_ids=unit_ids,
    )


def attainment_by_unit(
    *, year: int, units: Sequence[AdministrativeUnit], approved_only: bool = False
) -> dict[str, list[AttainmentRow]]:
    """`attainment_rows` for many units at once, keyed by unit code, in the order
    given. One aggregate grouped by (category, admin unit) is rolled up into every
    unit's scope in Python, so it runs 6 queries for any number of units (3 when
    `units` is empty or the plan has no target). Pass units valid in `year`: two
    units sharing a code (old and new 23563) would collide on the key.
    """
    targets = current_plan_targets()
    if not targets or not units:
        return {u.code: [] for u in units}
    graph = UnitGraph.load()
    scopes = {u.pk: graph.scope(u.pk) for u in units}
    groups = _aggregate(
        needs=_Needs.for_targets(targets, year),
        category_ids=set().union(*(t.category_ids for t in targets)),
        unit_ids=frozenset().union(*scopes.values()),
        approved_only=approved_only,
    )
    by_unit: dict[int, list[dict]] = defaultdict(list)
    for g in groups:
        by_unit[g["admin_unit_id"]].append(g)
    result: dict[str, list[AttainmentRow]] = {}
    for u in units:
        mine = [g for unit_id in scopes[u.pk] for g in by_unit.get(unit_id, ())]
        result[u.code] = _rows_for_scope(targets, mine, year=year, unit_code=u.code, unit_ids=None)
    return result
