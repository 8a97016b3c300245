"""The engine's aggregate read from the precomputed attainment
(indicators/summary.py) instead of the base tables.

`aggregate` returns exactly what the live aggregate (`engine._aggregate`)
returns — one dict per (category, admin unit) with the same keys and values —
from one query over `AttainmentCell`, however many institutions there are; the
rows it reads grow with units × categories × years, not with institutions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Q

from indicators.models import AttainmentCell, SubmissionState
from indicators.summary import QUANTITIES, criterion_mask
from reports.visibility import Visibility

if TYPE_CHECKING:
    from reports.selectors.engine import _Needs

Kind = AttainmentCell.Kind
APPROVED = SubmissionState.APPROVED.value
SUBMITTED = SubmissionState.SUBMITTED.value


def can_serve(needs: _Needs) -> bool:
    """Whether every criterion and quantity the targets name is stored."""
    quantities = {q for _y, q in needs.growth_years} | {q for _a, _b, q in needs.growth_pairs}
    return all(criterion_mask(c) is not None for c in needs.criteria) and quantities <= set(
        QUANTITIES
    )


def _open(opened: int, closed: int | None, year: int) -> bool:
    return opened <= year and (closed is None or closed >= year)


def aggregate(
    *,
    needs: _Needs,
    category_ids: Iterable[int],
    unit_ids: frozenset[int] | None,
    visibility: Visibility,
) -> list[dict]:
    """`engine._aggregate`, from the summary. One query."""
    from reports.selectors.engine import _crit_key

    figure_years = sorted(needs.share_years | {y for y, _q in needs.growth_years})
    pairs = sorted({(a, b) for a, b, _q in needs.growth_pairs})
    wanted = Q(kind=Kind.INSTITUTIONS) | Q(kind=Kind.FIGURES, year__in=figure_years)
    if pairs:
        wanted |= Q(
            kind=Kind.PANEL,
            year__in=sorted({a for a, _b in pairs}),
            year_b__in=sorted({b for _a, b in pairs}),
        )
    cells = AttainmentCell.objects.filter(wanted, category_id__in=list(category_ids))
    if unit_ids is not None:
        cells = cells.filter(admin_unit_id__in=list(unit_ids))

    submitted_from = visibility.submitted_from
    approved_only = visibility.approved_only

    def waiting(state: str, unit: int | None) -> bool:
        return (
            not approved_only
            and state == SUBMITTED
            and (submitted_from is None or unit in submitted_from)
        )

    def counted(state: str, unit: int | None) -> bool:
        return state == APPROVED or waiting(state, unit)

    criteria = {crit: criterion_mask(crit) for crit in needs.criteria}
    share_years = set(needs.share_years)
    growth_years: defaultdict[int, set[str]] = defaultdict(set)
    for y, q in needs.growth_years:
        growth_years[y].add(q)
    growth_pairs: defaultdict[tuple[int, int], set[str]] = defaultdict(set)
    for a, b, q in needs.growth_pairs:
        growth_pairs[(a, b)].add(q)

    # The numerator keys of each share year, with the yes answers each needs
    # (a criterion of no field is met by nobody: left out).
    meet_keys = {
        y: [(f"meet_{y}_{_crit_key(crit)}", mask) for crit, mask in criteria.items() if mask]
        for y in share_years
    }
    groups: dict[tuple[int, int], dict[str, Any]] = {}

    def group(cell: dict[str, Any]) -> dict[str, Any]:
        key = (cell["category_id"], cell["admin_unit_id"])
        if key not in groups:
            g: dict[str, Any] = {"category_id": key[0], "admin_unit_id": key[1]}
            for y in share_years | set(growth_years):
                g[f"open_{y}"] = 0
            for y in share_years:
                g[f"rep_{y}"] = g[f"wait_{y}"] = 0
                for crit in criteria:
                    g[f"meet_{y}_{_crit_key(crit)}"] = 0
            for start, y in needs.moves:
                g[f"gone_{start}_{y}"] = g[f"new_{start}_{y}"] = 0
                g[f"gonemin_{start}_{y}"] = g[f"gonemax_{start}_{y}"] = None
            for y, q in needs.growth_years:
                g[f"qrep_{y}_{q}"] = 0
                g[f"qsum_{y}_{q}"] = None
            for a, b, q in needs.growth_pairs:
                key_ = f"{a}_{b}_{q}"
                g[f"panel_{key_}"] = g[f"pwait_{key_}"] = 0
                g[f"sa_{key_}"] = g[f"sb_{key_}"] = None
            groups[key] = g
        return groups[key]

    def add(g: dict[str, Any], key: str, value: int) -> None:
        g[key] = (g[key] or 0) + value

    quantities = sorted(
        {q for _y, q in needs.growth_years} | {q for _a, _b, q in needs.growth_pairs}
    )
    columns = [
        *("kind", "category_id", "admin_unit_id", "year", "year_b", "state"),
        *("reporting_unit_id", "state_b", "reporting_unit_b_id", "mask", "n"),
        *(c for q in quantities for c in (f"n_{q}", f"sum_{q}", f"sum_b_{q}")),
    ]
    rows = cast(Iterable[dict[str, Any]], cells.order_by().values(*columns))
    for cell in rows:
        g = group(cell)
        if cell["kind"] == Kind.INSTITUTIONS:
            opened, closed = cell["year"], cell["year_b"]
            for y in share_years | set(growth_years):
                if _open(opened, closed, y):
                    g[f"open_{y}"] += cell["n"]
            for start, y in needs.moves:
                was, now = _open(opened, closed, start), _open(opened, closed, y)
                if was and not now:
                    g[f"gone_{start}_{y}"] += cell["n"]
                    if closed is not None:
                        low, high = g[f"gonemin_{start}_{y}"], g[f"gonemax_{start}_{y}"]
                        g[f"gonemin_{start}_{y}"] = closed if low is None else min(low, closed)
                        g[f"gonemax_{start}_{y}"] = closed if high is None else max(high, closed)
                elif now and not was:
                    g[f"new_{start}_{y}"] += cell["n"]
        elif cell["kind"] == Kind.FIGURES:
            if not counted(cell["state"], cell["reporting_unit_id"]):
                continue
            y = cell["year"]
            if y in share_years:
                g[f"rep_{y}"] += cell["n"]
                if waiting(cell["state"], cell["reporting_unit_id"]):
                    g[f"wait_{y}"] += cell["n"]
                have = cell["mask"]
                for key, mask in meet_keys[y]:
                    if have & mask == mask:
                        g[key] += cell["n"]
            for q in growth_years.get(y, ()):
                reported = cell[f"n_{q}"]
                if reported:
                    g[f"qrep_{y}_{q}"] += reported
                    add(g, f"qsum_{y}_{q}", cell[f"sum_{q}"])
        else:
            pair_quantities = growth_pairs.get((cell["year"], cell["year_b"]))
            if not pair_quantities:
                continue
            if not (
                counted(cell["state"], cell["reporting_unit_id"])
                and counted(cell["state_b"], cell["reporting_unit_b_id"])
            ):
                continue
            wait = waiting(cell["state"], cell["reporting_unit_id"]) or waiting(
                cell["state_b"], cell["reporting_unit_b_id"]
            )
            for q in pair_quantities:
                matched = cell[f"n_{q}"]
                if not matched:
                    continue
                key_ = f"{cell['year']}_{cell['year_b']}_{q}"
                g[f"panel_{key_}"] += matched
                add(g, f"sa_{key_}", cell[f"sum_{q}"])
                add(g, f"sb_{key_}", cell[f"sum_b_{q}"])
                if wait:
                    g[f"pwait_{key_}"] += matched
    return list(groups.values())
