"""Share and growth rows from one aggregate query (see the package docstring)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from fractions import Fraction
from functools import lru_cache
from typing import Literal

from django.conf import settings
from django.db.models import Count, FilteredRelation, Max, Min, Q, Sum
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from indicators.criteria import meets_criterion_q
from indicators.models import IndicatorKind, Plan
from institutions.models import AdministrativeUnit, Institution
from reports.attainment import (
    AttainmentRow,
    DenominatorChange,
    GrowthRow,
    ShareRow,
    Status,
    shown,
)
from reports.selectors import summary
from reports.selectors.plan import TargetView, current_plan_targets
from reports.selectors.scope import UnitGraph
from reports.visibility import APPROVED_ONLY, EVERY_SUBMITTED, Visibility

HUNDRED = Decimal(100)

Which = Literal["meeting", "not_meeting", "not_reported"]
# Where the aggregate is read from: the precomputed attainment (indicators/summary.py,
# the default) or the base tables themselves ("live", kept for checks and comparison).
Source = Literal["summary", "live"]


def visibility_of(visibility: Visibility | None, approved_only: bool) -> Visibility:
    """`approved_only=True` is shorthand for the public visibility."""
    if visibility is not None:
        return visibility
    return APPROVED_ONLY if approved_only else EVERY_SUBMITTED


# --------------------------------------------------------------------------- aggregate


def open_in_q(year: int, prefix: str = "") -> Q:
    """Institutions open in `year`: opened by then and not closed before it (an
    institution still counts in the year it closes)."""
    return Q(**{f"{prefix}opened_year__lte": year}) & (
        Q(**{f"{prefix}closed_year__isnull": True}) | Q(**{f"{prefix}closed_year__gte": year})
    )


def _not_open_in(year: int) -> Q:
    # Written out rather than ~open_in_q: no negation across a nullable column.
    return Q(opened_year__gt=year) | Q(closed_year__lt=year)


def _crit_key(criterion: tuple[str, ...]) -> str:
    return "__".join(criterion) or "none"


@dataclass
class _Needs:
    """Which counts the aggregate query must produce."""

    share_years: set[int] = field(default_factory=set)
    criteria: set[tuple[str, ...]] = field(default_factory=set)
    moves: set[tuple[int, int]] = field(default_factory=set)  # (phase start, year)
    growth_pairs: set[tuple[int, int, str]] = field(default_factory=set)  # (from, to, quantity)
    growth_years: set[tuple[int, str]] = field(default_factory=set)  # (year, quantity)

    @classmethod
    def for_targets(cls, targets: Iterable[TargetView], year: int) -> _Needs:
        needs = cls()
        for t in targets:
            _, start = t.phase(year)
            if t.kind == IndicatorKind.SHARE:
                needs.share_years |= {year, start}
                if year - 1 >= t.baseline_year:
                    needs.share_years.add(year - 1)
                needs.criteria.add(t.criterion)
                if start < year:
                    needs.moves.add((start, year))
            else:
                needs.growth_years.add((year, t.quantity))
                needs.growth_pairs.add((year - 1, year, t.quantity))
                if start < year:
                    needs.growth_pairs.add((start, year, t.quantity))
        return needs

    @classmethod
    def for_years(cls, targets: Iterable[TargetView], years: Iterable[int]) -> _Needs:
        """What the rows of every one of `years` need, for one aggregate: each
        key names its year, so the rows of a year read the same values from it
        as from an aggregate of that year alone."""
        targets = list(targets)
        needs = cls()
        for year in years:
            one = cls.for_targets(targets, year)
            needs.share_years |= one.share_years
            needs.criteria |= one.criteria
            needs.moves |= one.moves
            needs.growth_pairs |= one.growth_pairs
            needs.growth_years |= one.growth_years
        return needs

    @property
    def years(self) -> set[int]:
        years = set(self.share_years) | {y for y, _quantity in self.growth_years}
        for a, b, _quantity in self.growth_pairs:
            years |= {a, b}
        return years


def source_of(source: Source | None) -> Source:
    """The source asked for, or the ATTAINMENT_SOURCE setting (default "summary")."""
    chosen = source or getattr(settings, "ATTAINMENT_SOURCE", "summary")
    if chosen not in ("summary", "live"):
        raise ValueError(f"ATTAINMENT_SOURCE must be 'summary' or 'live', not {chosen!r}")
    return chosen


def _aggregate(
    *,
    needs: _Needs,
    category_ids: Iterable[int],
    unit_ids: frozenset[int] | None,
    visibility: Visibility,
    source: Source | None = None,
) -> list[dict]:
    """One query: per (category, admin unit), the counts and sums in `needs`,
    from the precomputed attainment, or live from the base tables (`source`;
    also live when a target names a field the summary does not store)."""
    if source_of(source) == "summary" and summary.can_serve(needs):
        return summary.aggregate(
            needs=needs, category_ids=category_ids, unit_ids=unit_ids, visibility=visibility
        )
    return _aggregate_live(
        needs=needs, category_ids=category_ids, unit_ids=unit_ids, visibility=visibility
    )


def _aggregate_live(
    *,
    needs: _Needs,
    category_ids: Iterable[int],
    unit_ids: frozenset[int] | None,
    visibility: Visibility,
) -> list[dict]:
    """One query over the base tables: per (category, admin unit), the counts and sums in `needs`."""
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
        return visibility.counted_q(f"{rel[y]}__submission")

    def waiting(y: int) -> Q:
        return visibility.waiting_q(f"{rel[y]}__submission")

    aggs: dict[str, object] = {}
    for y in needs.share_years:
        base = open_in_q(y) & counted(y)
        aggs[f"open_{y}"] = Count("pk", filter=open_in_q(y))
        aggs[f"rep_{y}"] = Count("pk", filter=base)
        aggs[f"wait_{y}"] = Count("pk", filter=base & waiting(y))
        for crit in needs.criteria:
            meets = meets_criterion_q(crit, rel[y])
            aggs[f"meet_{y}_{_crit_key(crit)}"] = Count("pk", filter=base & meets)
    for start, y in needs.moves:
        gone = open_in_q(start) & _not_open_in(y)
        aggs[f"gone_{start}_{y}"] = Count("pk", filter=gone)
        aggs[f"gonemin_{start}_{y}"] = Min("closed_year", filter=gone)
        aggs[f"gonemax_{start}_{y}"] = Max("closed_year", filter=gone)
        aggs[f"new_{start}_{y}"] = Count("pk", filter=_not_open_in(start) & open_in_q(y))
    for y, quantity in needs.growth_years:
        has = counted(y) & Q(**{f"{rel[y]}__{quantity}__isnull": False})
        aggs[f"open_{y}"] = Count("pk", filter=open_in_q(y))
        aggs[f"qrep_{y}_{quantity}"] = Count("pk", filter=open_in_q(y) & has)
        aggs[f"qsum_{y}_{quantity}"] = Sum(f"{rel[y]}__{quantity}", filter=open_in_q(y) & has)
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
    groups: list[dict] = list(qs.order_by().values("category_id", "admin_unit_id").annotate(**aggs))
    return groups


class _Totals:
    """The aggregate rows of one target and one scope, summed on demand."""

    def __init__(self, rows: list[dict]) -> None:
        self.rows = rows

    def __getitem__(self, key: str) -> int:
        return sum(row.get(key) or 0 for row in self.rows)

    def least(self, key: str) -> int | None:
        values = [row[key] for row in self.rows if row.get(key) is not None]
        return min(values) if values else None

    def most(self, key: str) -> int | None:
        values = [row[key] for row in self.rows if row.get(key) is not None]
        return max(values) if values else None


# --------------------------------------------------------------------------- arithmetic


def _share(numerator: int, denominator: int, reported: int) -> Fraction | None:
    if denominator == 0 or reported == 0:
        return None
    return Fraction(100 * numerator, denominator)


@lru_cache(maxsize=1024)
def _idle_text(label: str, year: int, language: str | None) -> str:
    # A table by unit repeats it for every unit without the target's kind: one
    # gettext per target, year and language, not one per row.
    return _("Không có %(what)s nào hoạt động trong phạm vi năm %(year)s.") % {
        "what": label.lower(),
        "year": year,
    }


def _idle_reason(t: TargetView, year: int) -> str:
    """Why a row is not applicable: nothing of the target's kind open in scope."""
    return _idle_text(t.label, year, get_language())


def _denominator_change(
    t: TargetView, start: int, year: int, tot: _Totals
) -> DenominatorChange | None:
    if start >= year:
        return None
    closed, opened = tot[f"gone_{start}_{year}"], tot[f"new_{start}_{year}"]
    if not closed and not opened:
        return None
    first, last = tot.least(f"gonemin_{start}_{year}"), tot.most(f"gonemax_{start}_{year}")
    years: tuple[int, ...] = ()
    if first is not None and last is not None:
        years = (first,) if first == last else (first, last)
    return DenominatorChange(
        start_year=start,
        start=tot[f"open_{start}"],
        now=tot[f"open_{year}"],
        closed=closed,
        opened=opened,
        closed_years=years,
    )


def _share_row(t: TargetView, year: int, unit_code: str | None, tot: _Totals) -> ShareRow:
    """One share row by the rules of DESIGN section 5, judged on exact fractions."""
    ms, start = t.phase(year)
    crit = _crit_key(t.criterion)
    denominator, reported = tot[f"open_{year}"], tot[f"rep_{year}"]
    numerator = tot[f"meet_{year}_{crit}"]
    exact = _share(numerator, denominator, reported)
    target = Fraction(ms.value)
    if start >= year:
        baseline_exact = exact
    else:
        baseline_exact = _share(
            tot[f"meet_{start}_{crit}"], tot[f"open_{start}"], tot[f"rep_{start}"]
        )
    previous_exact = None
    previous_num = previous_den = None
    if year - 1 >= t.baseline_year:
        previous_num, previous_den = tot[f"meet_{year - 1}_{crit}"], tot[f"open_{year - 1}"]
        previous_exact = _share(previous_num, previous_den, tot[f"rep_{year - 1}"])
    change = _denominator_change(t, start, year, tot)

    gain: Fraction | None = None
    gap: Fraction | None = None
    reason = ""
    if denominator == 0:
        status = Status.NOT_APPLICABLE
        reason = _idle_reason(t, year)
        if change is not None:
            reason += " " + change.text()
    elif exact is None:  # open, but nobody reported
        status = Status.NO_DATA
        reason = _("%(n)s thiết chế đang hoạt động, chưa thiết chế nào báo cáo.") % {
            "n": denominator
        }
    elif year <= t.baseline_year:
        status = Status.BASELINE
        gain = (target - exact) / (ms.year - year) if exact < target else Fraction(0)
    elif exact >= target:
        status = Status.ACHIEVED
        gain = Fraction(0) if year < ms.year else None
    elif year >= ms.year:
        # The milestone has come: nothing is "behind schedule" any more.
        status = Status.NOT_ACHIEVED
        gap = target - exact
    else:
        gain = (target - exact) / (ms.year - year)
        if baseline_exact is None:
            status = Status.OFF_TRACK
            reason = _("Chưa biết giá trị đầu giai đoạn (năm %(year)s).") % {"year": start}
        else:
            line = baseline_exact + (target - baseline_exact) * Fraction(
                year - start, ms.year - start
            )
            status = Status.ON_TRACK if exact >= line else Status.OFF_TRACK

    projected: Fraction | None = None
    if exact is not None and baseline_exact is not None and year > start:
        line_value = baseline_exact + (exact - baseline_exact) * Fraction(
            ms.year - start, year - start
        )
        projected = min(max(line_value, Fraction(0)), Fraction(100))
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
        value=shown(exact),
        target=ms.value,
        target_2025=t.milestone_value(2025, fallback_last=False),
        target_2030=t.milestone_value(2030, fallback_last=True),
        milestone_year=ms.year,
        status=status,
        baseline_value=shown(baseline_exact),
        projected_value=shown(projected),
        yearly_gain_needed=shown(gain),
        reported=reported,
        expected=denominator,
        awaiting_approval=tot[f"wait_{year}"] > 0,
        phase_start_year=start,
        gap=shown(gap),
        previous_value=shown(previous_exact),
        previous_numerator=previous_num,
        previous_denominator=previous_den,
        phase_start_denominator=tot[f"open_{start}"],
        denominator_change=change,
        reason=reason,
        value_exact=exact,
        baseline_exact=baseline_exact,
        previous_exact=previous_exact,
        projected_exact=projected,
        gain_exact=gain,
        gap_exact=gap,
    )


def _growth(before: int, after: int, years: int) -> Decimal | None:
    """Compound growth in percent a year from `before` to `after` over `years`,
    unrounded (28 significant digits)."""
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
        return (rate - 1) * HUNDRED


def _growth_row(t: TargetView, year: int, unit_code: str | None, tot: _Totals) -> GrowthRow:
    """One growth row, judged on the exact compound average since the phase start."""
    ms, start = t.phase(year)
    q = t.quantity
    yoy_key = f"{year - 1}_{year}_{q}"
    yoy = _growth(tot[f"sa_{yoy_key}"], tot[f"sb_{yoy_key}"], 1)
    waiting = tot[f"pwait_{yoy_key}"] > 0
    panel_start = panel_end = None
    if start < year:
        avg_key = f"{start}_{year}_{q}"
        average = _growth(tot[f"sa_{avg_key}"], tot[f"sb_{avg_key}"], year - start)
        matched = tot[f"panel_{avg_key}"]
        waiting = waiting or tot[f"pwait_{avg_key}"] > 0
        if matched:
            panel_start, panel_end = tot[f"sa_{avg_key}"], tot[f"sb_{avg_key}"]
    else:
        average, matched = None, tot[f"panel_{yoy_key}"]
    expected, reported = tot[f"open_{year}"], tot[f"qrep_{year}_{q}"]
    target = ms.value
    reason = ""
    if expected == 0:
        status = Status.NOT_APPLICABLE
        reason = _idle_reason(t, year)
    elif year <= t.baseline_year:
        status = Status.BASELINE
    elif average is None:
        status = Status.NO_DATA
        reason = _("Không có thiết chế nào báo cáo số liệu ở cả năm %(start)s và năm %(year)s.") % {
            "start": start,
            "year": year,
        }
    elif year >= ms.year:
        status = Status.ACHIEVED if average >= target else Status.NOT_ACHIEVED
    else:
        status = Status.ON_TRACK if average >= target else Status.OFF_TRACK
    yoy_matched = tot[f"panel_{yoy_key}"]
    return GrowthRow(
        indicator=t.indicator,
        target_code=t.code,
        label=t.label,
        categories=list(t.category_codes),
        year=year,
        unit=unit_code,
        yoy_growth=shown(yoy),
        average_growth=shown(average),
        phase_start_year=start,
        matched_institutions=matched,
        target=target,
        target_max=ms.value_max,
        target_2025=t.milestone_value(2025, fallback_last=False),
        target_2030=t.milestone_value(2030, fallback_last=True),
        status=status,
        reported=reported,
        expected=expected,
        awaiting_approval=waiting,
        milestone_year=ms.year,
        yoy_matched_institutions=yoy_matched,
        target_2030_max=t.milestone(2030, fallback_last=True).value_max,
        panel_start_total=panel_start,
        panel_end_total=panel_end,
        yoy_start_total=tot[f"sa_{yoy_key}"] if yoy_matched else None,
        yoy_end_total=tot[f"sb_{yoy_key}"] if yoy_matched else None,
        total_reported=tot[f"qsum_{year}_{q}"] if reported else None,
        reason=reason,
        average_exact=average,
        yoy_exact=yoy,
    )


def _rows_for_groups(
    targets: list[TargetView], groups: list[dict], *, year: int, unit_code: str | None
) -> list[AttainmentRow]:
    rows: list[AttainmentRow] = []
    for t in targets:
        tot = _Totals([g for g in groups if g["category_id"] in t.category_ids])
        build = _share_row if t.kind == IndicatorKind.SHARE else _growth_row
        rows.append(build(t, year, unit_code, tot))
    return rows


def _all_category_ids(targets: list[TargetView]) -> set[int]:
    return set().union(*(t.category_ids for t in targets))


# --------------------------------------------------------------------------- public


def _scope_ids(
    graph: UnitGraph, territory: frozenset[int] | None, unit: AdministrativeUnit | None
) -> frozenset[int] | None:
    """The unit's scope within the plan's territory; the territory for `unit=None`."""
    if unit is None:
        return territory
    scope = graph.scope(unit.pk)
    return scope & territory if territory is not None else scope


def attainment_rows(
    *,
    year: int,
    unit: AdministrativeUnit | None = None,
    visibility: Visibility | None = None,
    approved_only: bool = False,
    plan: Plan | None = None,
    graph: UnitGraph | None = None,
    source: Source | None = None,
) -> list[AttainmentRow]:
    """Every target of the plan (default: the current one) for one scope and
    year, in plan order. The scope is the plan's territory (`unit=None`), or the
    unit's scope within it.

    Guarantees the rules of DESIGN section 5. Queries: 6 — targets, their
    categories, their milestones, all units and all succession edges (scope and
    territory; none when `graph` is passed, for pages that call the engine for
    several years), one aggregate — whatever the number of institutions.
    The aggregate reads the precomputed attainment unless `source="live"` (or
    the ATTAINMENT_SOURCE setting) asks for the base tables; both give the same rows.
    """
    overview = attainment_overview(
        years=[year],
        unit=unit,
        visibility=visibility_of(visibility, approved_only),
        plan=plan,
        graph=graph,
        source=source,
    )
    return overview.by_year[year]


@dataclass(frozen=True)
class UnitTable:
    """A table by unit that adds up: `lines` for the units given (in the
    territory), `above` for what stands in no unit of the table (provincial
    institutions, and from 01/07/2025 the old district-level ones), so that for
    every count the lines plus `above` equal `total`; and `outside`, the units
    given that lie outside the plan's territory (listed apart, never as units
    that failed to report)."""

    year: int
    lines: list[tuple[AdministrativeUnit, list[AttainmentRow]]]
    above: list[AttainmentRow]
    total: list[AttainmentRow]
    outside: list[AdministrativeUnit]

    def rows_by_code(self) -> dict[str, list[AttainmentRow]]:
        return {unit.code: rows for unit, rows in self.lines}


def _unit_table(
    targets: list[TargetView],
    groups: list[dict],
    *,
    year: int,
    units: Sequence[AdministrativeUnit],
    graph: UnitGraph,
    territory: frozenset[int] | None,
    within: frozenset[int] | None = None,
) -> UnitTable:
    """The table of `units` for `year` from the territory's aggregate `groups`
    (which may hold other years' keys too), rolled up in Python. The line above
    the units and the total are those of `within` (a unit's scope, whose
    children the units are; None: the territory), so the lines add up to it."""
    by_unit: dict[int, list[dict]] = defaultdict(list)
    for g in groups:
        by_unit[g["admin_unit_id"]].append(g)
    lines: list[tuple[AdministrativeUnit, list[AttainmentRow]]] = []
    outside: list[AdministrativeUnit] = []
    covered: set[int] = set()
    for u in units:
        scope = _scope_ids(graph, territory, u)
        if not scope:
            outside.append(u)
            continue
        covered |= scope
        mine = [g for unit_id in scope for g in by_unit.get(unit_id, ())]
        lines.append((u, _rows_for_groups(targets, mine, year=year, unit_code=u.code)))
    if within is not None:
        groups = [g for g in groups if g["admin_unit_id"] in within]
    rest = [g for g in groups if g["admin_unit_id"] not in covered]
    return UnitTable(
        year=year,
        lines=lines,
        above=_rows_for_groups(targets, rest, year=year, unit_code=None),
        total=_rows_for_groups(targets, groups, year=year, unit_code=None),
        outside=outside,
    )


def _territory_table(
    targets: list[TargetView],
    *,
    year: int,
    units: Sequence[AdministrativeUnit],
    visibility: Visibility,
    graph: UnitGraph,
    source: Source | None,
) -> UnitTable:
    territory = graph.territory(targets[0].territory_code)
    groups = _aggregate(
        needs=_Needs.for_targets(targets, year),
        category_ids=_all_category_ids(targets),
        unit_ids=territory,
        visibility=visibility,
        source=source,
    )
    return _unit_table(targets, groups, year=year, units=units, graph=graph, territory=territory)


def attainment_table(
    *,
    year: int,
    units: Sequence[AdministrativeUnit],
    visibility: Visibility | None = None,
    approved_only: bool = False,
    plan: Plan | None = None,
    graph: UnitGraph | None = None,
    source: Source | None = None,
) -> UnitTable:
    """`attainment_rows` for many units of one level at once, with the row of
    what stands above them and the territory's total. One aggregate over the
    territory, rolled up in Python: 6 queries for any number of units. Scopes of
    the units must not overlap (units of one level; a commune split between two
    successors would count in both)."""
    targets = current_plan_targets(plan)
    if not targets:
        return UnitTable(year, [(u, []) for u in units], [], [], [])
    return _territory_table(
        targets,
        year=year,
        units=units,
        visibility=visibility_of(visibility, approved_only),
        graph=graph or UnitGraph.load(),
        source=source,
    )


def attainment_by_unit(
    *,
    year: int,
    units: Sequence[AdministrativeUnit],
    visibility: Visibility | None = None,
    approved_only: bool = False,
    source: Source | None = None,
) -> dict[str, list[AttainmentRow]]:
    """`attainment_table`'s lines keyed by unit code (units outside the
    territory get rows over nothing: not applicable). Pass units valid in
    `year`: two units sharing a code (old and new 23563) would collide. The 6
    queries of `attainment_table`, however many units lie outside."""
    targets = current_plan_targets()
    if not targets:
        return {u.code: [] for u in units}
    table = _territory_table(
        targets,
        year=year,
        units=units,
        visibility=visibility_of(visibility, approved_only),
        graph=UnitGraph.load(),
        source=source,
    )
    result = table.rows_by_code()
    for u in table.outside:
        result[u.code] = _rows_for_groups(targets, [], year=year, unit_code=u.code)
    return {u.code: result.get(u.code, []) for u in units}


@dataclass(frozen=True)
class Overview:
    """What a dashboard shows of attainment: the scope's rows for each year of
    its trend (`by_year`, plan order), and for the last year the table of the
    units given (None when none were given)."""

    by_year: dict[int, list[AttainmentRow]]
    table: UnitTable | None


def attainment_overview(
    *,
    years: Sequence[int],
    unit: AdministrativeUnit | None = None,
    units: Sequence[AdministrativeUnit] = (),
    visibility: Visibility | None = None,
    plan: Plan | None = None,
    graph: UnitGraph | None = None,
    source: Source | None = None,
) -> Overview:
    """`attainment_rows` for every one of `years` (the scope of `unit`, or the
    territory) and `attainment_table` of `units` for the last of them — the
    same rows — from one aggregate for all the years: over the territory when
    there is a table, else over the scope. Queries: targets, categories,
    milestones, the graph (two, none when `graph` is passed) and one aggregate,
    whatever the number of years, units or institutions."""
    targets = current_plan_targets(plan)
    year = max(years)
    if not targets:
        table = UnitTable(year, [(u, []) for u in units], [], [], []) if units else None
        return Overview({y: [] for y in years}, table)
    graph = graph or UnitGraph.load()
    territory = graph.territory(targets[0].territory_code)
    scope = _scope_ids(graph, territory, unit)
    groups = _aggregate(
        needs=_Needs.for_years(targets, years),
        category_ids=_all_category_ids(targets),
        unit_ids=territory if units else scope,
        visibility=visibility_of(visibility, False),
        source=source,
    )
    # With a table the aggregate is the territory's: the scope's rows read its own groups.
    mine = groups
    if units and scope is not None:
        mine = [g for g in groups if g["admin_unit_id"] in scope]
    unit_code = unit.code if unit is not None else None
    return Overview(
        by_year={y: _rows_for_groups(targets, mine, year=y, unit_code=unit_code) for y in years},
        table=(
            _unit_table(
                targets,
                groups,
                year=year,
                units=units,
                graph=graph,
                territory=territory,
                within=scope if unit is not None else None,
            )
            if units
            else None
        ),
    )
