"""The engine's aggregate read from the precomputed attainment
(indicators/summary.py) instead of the base tables.

`aggregate` returns exactly what the live aggregate (`engine._aggregate_live`)
returns — one dict per (category, admin unit) with the same keys and values —
from one query over `AttainmentCell` that rolls the cells up in the database
(GROUP BY category and admin unit, one conditional SUM, MIN or MAX per key), so
Python receives one row per group however many cells there are: what it
handles grows with units × categories, never with institutions.

The SQL is written as text with parameters: as ORM `filter=` aggregates its
sixty-odd expressions cost more to compile than the query costs to run. Every
construct in it (CASE, bitwise `&`, CAST AS BIGINT) reads the same on SQLite
and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import connections, router

from indicators.models import AttainmentCell, SubmissionState
from indicators.summary import QUANTITIES, criterion_mask, sql_in
from reports.visibility import Visibility

if TYPE_CHECKING:
    from reports.selectors.engine import _Needs

Kind = AttainmentCell.Kind
APPROVED = SubmissionState.APPROVED.value
SUBMITTED = SubmissionState.SUBMITTED.value

Sql = tuple[str, list[Any]]  # a fragment of SQL and its parameters, in order


def can_serve(needs: _Needs) -> bool:
    """Whether every criterion and quantity the targets name is stored."""
    quantities = {q for _y, q in needs.growth_years} | {q for _a, _b, q in needs.growth_pairs}
    return all(criterion_mask(c) is not None for c in needs.criteria) and quantities <= set(
        QUANTITIES
    )


# --------------------------------------------------------------------------- conditions


def _all(*parts: Sql) -> Sql:
    """The conjunction of `parts`."""
    return " AND ".join(f"({sql})" for sql, _ in parts), [p for _, params in parts for p in params]


def _kind(kind: int) -> Sql:
    return "kind = %s", [kind]


def _open(year: int) -> Sql:
    """An INSTITUTIONS cell (opened `year`, closed `year_b`) open in `year`: as
    `engine.open_in_q`, a closing institution still counts in its closing year."""
    return "year <= %s AND (year_b IS NULL OR year_b >= %s)", [year, year]


def _not_open(year: int) -> Sql:
    return "year > %s OR (year_b IS NOT NULL AND year_b < %s)", [year, year]


def _waiting(visibility: Visibility, state: str, unit: str) -> Sql | None:
    """Counted cells still awaiting approval (`visibility.waiting_q`); None
    when the visibility counts nobody's."""
    if visibility.approved_only:
        return None
    if visibility.submitted_from is None:
        return f"{state} = %s", [SUBMITTED]
    units, params = sql_in(unit, sorted(visibility.submitted_from))
    return f"{state} = %s AND {units}", [SUBMITTED, *params]


def _counted(visibility: Visibility, state: str, unit: str) -> Sql:
    """Cells whose submission counts (`visibility.counted_q`)."""
    waiting = _waiting(visibility, state, unit)
    if waiting is None:
        return f"{state} = %s", [APPROVED]
    return f"{state} = %s OR ({waiting[0]})", [APPROVED, *waiting[1]]


# --------------------------------------------------------------------------- the query


class _Select:
    """The aggregate expressions of the query, each named by the key of the
    dict it fills; keys whose value is known without the database are kept apart."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.exprs: list[str] = []
        self.params: list[Any] = []
        self.constants: dict[str, int] = {}

    def _add(self, key: str, expr: str, params: list[Any]) -> None:
        self.keys.append(key)
        self.exprs.append(expr)
        self.params += params

    def count(self, key: str, when: Sql, value: str = "n") -> None:
        """Σ `value` over the cells `when` holds: 0 when there are none."""
        self._add(key, f"SUM(CASE WHEN {when[0]} THEN {value} ELSE 0 END)", when[1])

    def total(self, key: str, when: Sql, value: str) -> None:
        """Σ `value` over the cells `when` holds: None when there are none
        (the live aggregate's Sum over no rows). As a BIGINT: PostgreSQL sums
        bigint columns into numeric."""
        self._add(key, f"CAST(SUM(CASE WHEN {when[0]} THEN {value} END) AS BIGINT)", when[1])

    def extreme(self, key: str, function: str, when: Sql, value: str) -> None:
        """MIN or MAX of `value` over the cells `when` holds: None when none."""
        self._add(key, f"{function}(CASE WHEN {when[0]} THEN {value} END)", when[1])

    def constant(self, key: str, value: int) -> None:
        self.constants[key] = value


def _select(needs: _Needs, visibility: Visibility) -> _Select:
    """One expression per key of `engine._aggregate_live`'s dicts."""
    from reports.selectors.engine import _crit_key

    out = _Select()
    institutions, figures, panel = _kind(Kind.INSTITUTIONS), _kind(Kind.FIGURES), _kind(Kind.PANEL)
    counted = _counted(visibility, "state", "reporting_unit_id")
    waiting = _waiting(visibility, "state", "reporting_unit_id")

    for y in sorted(needs.share_years | {y for y, _q in needs.growth_years}):
        out.count(f"open_{y}", _all(institutions, _open(y)))
    for y in sorted(needs.share_years):
        in_year = _all(figures, ("year = %s", [y]))
        reported = _all(in_year, counted)
        out.count(f"rep_{y}", reported)
        if waiting is None:
            out.constant(f"wait_{y}", 0)
        else:
            out.count(f"wait_{y}", _all(in_year, waiting))
        for crit in sorted(needs.criteria):
            mask = criterion_mask(crit)
            key = f"meet_{y}_{_crit_key(crit)}"
            if not mask:  # a criterion of no field is met by nobody
                out.constant(key, 0)
                continue
            out.count(key, _all(reported, ("(mask & %s) = %s", [mask, mask])))
    for start, y in sorted(needs.moves):
        gone = _all(institutions, _open(start), _not_open(y))
        out.count(f"gone_{start}_{y}", gone)
        out.extreme(f"gonemin_{start}_{y}", "MIN", gone, "year_b")
        out.extreme(f"gonemax_{start}_{y}", "MAX", gone, "year_b")
        out.count(f"new_{start}_{y}", _all(institutions, _not_open(start), _open(y)))
    for y, q in sorted(needs.growth_years):
        reported = _all(figures, ("year = %s", [y]), counted, (f"n_{q} > 0", []))
        out.count(f"qrep_{y}_{q}", reported, f"n_{q}")
        out.total(f"qsum_{y}_{q}", reported, f"sum_{q}")
    counted_b = _counted(visibility, "state_b", "reporting_unit_b_id")
    waiting_b = _waiting(visibility, "state_b", "reporting_unit_b_id")
    for a, b, q in sorted(needs.growth_pairs):
        key = f"{a}_{b}_{q}"
        matched = _all(
            panel, ("year = %s AND year_b = %s", [a, b]), counted, counted_b, (f"n_{q} > 0", [])
        )
        out.count(f"panel_{key}", matched, f"n_{q}")
        out.total(f"sa_{key}", matched, f"sum_{q}")
        out.total(f"sb_{key}", matched, f"sum_b_{q}")
        if waiting is None or waiting_b is None:
            out.constant(f"pwait_{key}", 0)
        else:
            either = f"({waiting[0]}) OR ({waiting_b[0]})", [*waiting[1], *waiting_b[1]]
            out.count(f"pwait_{key}", _all(matched, either), f"n_{q}")
    return out


def _where(needs: _Needs, category_ids: Iterable[int], unit_ids: frozenset[int] | None) -> Sql:
    """The cells the keys read: every INSTITUTIONS cell, the FIGURES cells of
    the years needed and the PANEL cells of the pairs of years needed, of the
    categories and units asked for."""
    figure_years = sorted(needs.share_years | {y for y, _q in needs.growth_years})
    years, year_params = sql_in("year", figure_years)
    wanted = f"kind = %s OR (kind = %s AND {years})"
    params: list[Any] = [Kind.INSTITUTIONS, Kind.FIGURES, *year_params]
    pairs = sorted({(a, b) for a, b, _q in needs.growth_pairs})
    if pairs:
        starts, start_params = sql_in("year", sorted({a for a, _b in pairs}))
        ends, end_params = sql_in("year_b", sorted({b for _a, b in pairs}))
        wanted += f" OR (kind = %s AND {starts} AND {ends})"
        params += [Kind.PANEL, *start_params, *end_params]
    parts: list[Sql] = [(wanted, params), sql_in("category_id", sorted(set(category_ids)))]
    if unit_ids is not None:
        parts.append(sql_in("admin_unit_id", sorted(unit_ids)))
    return _all(*parts)


def aggregate(
    *,
    needs: _Needs,
    category_ids: Iterable[int],
    unit_ids: frozenset[int] | None,
    visibility: Visibility,
) -> list[dict]:
    """`engine._aggregate_live`, from the summary: the same dicts (same keys,
    same values, None where the live Sum, Min or Max is over no rows). One
    query, grouped by category and admin unit in the database."""
    select = _select(needs, visibility)
    where, where_params = _where(needs, category_ids, unit_ids)
    columns = ", ".join(["category_id", "admin_unit_id", *select.exprs])
    sql = (
        f"SELECT {columns} FROM {AttainmentCell._meta.db_table} WHERE {where} "
        "GROUP BY category_id, admin_unit_id"
    )
    keys = ["category_id", "admin_unit_id", *select.keys]
    connection = connections[router.db_for_read(AttainmentCell)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*select.params, *where_params])
        return [{**dict(zip(keys, row, strict=True)), **select.constants} for row in cursor]
