"""The precomputed attainment: `AttainmentCell` rows kept exact in the
transaction of every write to institutions, submissions and figures.

What is stored is what the attainment engine (reports/selectors/engine.py)
aggregates, by administrative unit and category, independent of any plan or
any viewer: institutions by opening and closing year; counted figures
(submitted or approved) by year, state, reporting unit and pattern of yes
answers, with every quantity's count and total; and matched panels for every
pair of years. The engine rolls these up for a scope, a year, the plan's
criteria and quantities and a visibility, exactly as it would roll up its live
aggregate (reports/selectors/summary.py).

How it stays exact: every ORM write to the three base tables tells
`_watch` (registered through institutions/changes.py) the rows it touches
before and after; the (unit, category) cells of those rows are recomputed from
the base tables by `refresh`, inside the same transaction. Unit hierarchy and
successions are not stored here: the engine reads them live (`UnitGraph`), so a
change to units needs no refresh.

Concurrency: on PostgreSQL a refresh takes a transaction-level advisory lock
first, so that two transactions never recompute from each other's uncommitted
rows (the later one recomputes after the earlier commits, under READ
COMMITTED). Writers that refresh therefore serialise from their first refresh
to their commit; SQLite serialises writers anyway.

`rebuild()` recomputes everything (`manage.py rebuild_attainment`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections, models, transaction

from indicators.models import (
    AttainmentCell,
    AttainmentRebuild,
    Figures,
    Submission,
    SubmissionState,
)
from institutions import changes
from institutions.models import Institution

# The yes/no fields a criterion can name, in mask bit order, and the quantities
# a growth indicator can measure. An indicator naming anything else is read live.
YES_FIELDS: tuple[str, ...] = tuple(
    f.name for f in Figures._meta.get_fields() if isinstance(f, models.BooleanField)
)
QUANTITIES: tuple[str, ...] = (
    "user_visits",
    "study_visitors",
    "total_visitors",
    "clubs_count",
    "participants",
)
COUNTED_STATES = (SubmissionState.APPROVED.value, SubmissionState.SUBMITTED.value)
# Past this many (unit, category) cells, one write rebuilds the whole table.
REBUILD_ABOVE = 3000
# pg_advisory_xact_lock key of the summary, which every writer of the portal's
# tables also takes first (reports/page_cache.py): one lock order for all.
WRITERS_LOCK_KEY = 3632_0001

Kind = AttainmentCell.Kind


def criterion_mask(criterion: Iterable[str]) -> int | None:
    """The mask bits a criterion needs all set; None when it names a field
    the summary does not store."""
    mask = 0
    for name in criterion:
        if name not in YES_FIELDS:
            return None
        mask |= 1 << YES_FIELDS.index(name)
    return mask


# --------------------------------------------------------------------------- SQL

_COLUMNS = [
    "kind",
    "admin_unit_id",
    "category_id",
    "year",
    "year_b",
    "state",
    "reporting_unit_id",
    "state_b",
    "reporting_unit_b_id",
    "mask",
    "n",
    *[c for q in QUANTITIES for c in (f"n_{q}", f"sum_{q}", f"sum_b_{q}")],
]


def _tables() -> dict[str, str]:
    return {
        "cell": AttainmentCell._meta.db_table,
        "fig": Figures._meta.db_table,
        "sub": Submission._meta.db_table,
        "inst": Institution._meta.db_table,
    }


def sql_in(column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
    """`column IN (%s, ...)` with its parameters; false for no values."""
    if not values:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _where(
    unit_ids: Sequence[int] | None, category_ids: Sequence[int] | None
) -> tuple[str, list[Any]]:
    parts, params = ["1 = 1"], []
    for column, values in (("i.admin_unit_id", unit_ids), ("i.category_id", category_ids)):
        if values is not None:
            sql, more = sql_in(column, values)
            parts.append(sql)
            params += more
    return " AND ".join(parts), params


def _insert(cursor: Any, select: str, params: list[Any]) -> None:
    t = _tables()
    cursor.execute(f"INSERT INTO {t['cell']} ({', '.join(_COLUMNS)}) {select}", params)


def _insert_institutions(cursor: Any, where: str, params: list[Any]) -> None:
    t = _tables()
    zeros = ", ".join("0" for _ in QUANTITIES for _k in range(3))
    _insert(
        cursor,
        f"""SELECT {Kind.INSTITUTIONS}, i.admin_unit_id, i.category_id, i.opened_year,
                   i.closed_year, '', NULL, '', NULL, 0, COUNT(*), {zeros}
            FROM {t["inst"]} i
            WHERE {where}
            GROUP BY i.admin_unit_id, i.category_id, i.opened_year, i.closed_year""",
        params,
    )


def _insert_figures(
    cursor: Any, where: str, params: list[Any], years: Sequence[int] | None
) -> None:
    t = _tables()
    mask = " + ".join(
        f"(CASE WHEN f.{name} THEN {1 << bit} ELSE 0 END)" for bit, name in enumerate(YES_FIELDS)
    )
    quantities = ", ".join(f"COUNT(f.{q}), COALESCE(SUM(f.{q}), 0), 0" for q in QUANTITIES)
    states, state_params = sql_in("s.state", COUNTED_STATES)
    year_sql, year_params = ("1 = 1", []) if years is None else sql_in("f.year", years)
    _insert(
        cursor,
        f"""SELECT {Kind.FIGURES}, i.admin_unit_id, i.category_id, f.year, NULL, s.state,
                   s.reporting_unit_id, '', NULL, {mask}, COUNT(*), {quantities}
            FROM {t["fig"]} f
            JOIN {t["inst"]} i ON i.id = f.institution_id
            JOIN {t["sub"]} s ON s.id = f.submission_id
            WHERE {where} AND {states} AND {year_sql}
              AND i.opened_year <= f.year AND (i.closed_year IS NULL OR i.closed_year >= f.year)
            GROUP BY i.admin_unit_id, i.category_id, f.year, s.state, s.reporting_unit_id, {mask}""",
        params + state_params + year_params,
    )


def _insert_panels(cursor: Any, where: str, params: list[Any], years: Sequence[int] | None) -> None:
    t = _tables()

    def both(q: str) -> str:
        return f"fa.{q} IS NOT NULL AND fb.{q} IS NOT NULL"

    quantities = ", ".join(
        f"COUNT(CASE WHEN {both(q)} THEN 1 END), "
        f"COALESCE(SUM(CASE WHEN {both(q)} THEN fa.{q} END), 0), "
        f"COALESCE(SUM(CASE WHEN {both(q)} THEN fb.{q} END), 0)"
        for q in QUANTITIES
    )
    states_a, pa = sql_in("sa.state", COUNTED_STATES)
    states_b, pb = sql_in("sb.state", COUNTED_STATES)
    if years is None:
        year_sql, year_params = "1 = 1", []
    else:
        a_sql, a_params = sql_in("fa.year", years)
        b_sql, b_params = sql_in("fb.year", years)
        year_sql, year_params = f"({a_sql} OR {b_sql})", a_params + b_params
    _insert(
        cursor,
        f"""SELECT {Kind.PANEL}, i.admin_unit_id, i.category_id, fa.year, fb.year,
                   sa.state, sa.reporting_unit_id, sb.state, sb.reporting_unit_id, 0, COUNT(*),
                   {quantities}
            FROM {t["fig"]} fa
            JOIN {t["fig"]} fb ON fb.institution_id = fa.institution_id AND fb.year > fa.year
            JOIN {t["inst"]} i ON i.id = fa.institution_id
            JOIN {t["sub"]} sa ON sa.id = fa.submission_id
            JOIN {t["sub"]} sb ON sb.id = fb.submission_id
            WHERE {where} AND {states_a} AND {states_b} AND {year_sql}
            GROUP BY i.admin_unit_id, i.category_id, fa.year, fb.year,
                     sa.state, sa.reporting_unit_id, sb.state, sb.reporting_unit_id""",
        params + pa + pb + year_params,
    )


def lock_writers(using: str = "default") -> None:
    """Take the writers' lock (PostgreSQL; SQLite serialises writers anyway):
    held to the end of the caller's transaction. Every write to the portal's
    tables takes it first (reports/page_cache.py), and so does a refresh."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WRITERS_LOCK_KEY])


# --------------------------------------------------------------------------- writes


def refresh(
    *,
    years: Iterable[int] | None,
    unit_ids: Iterable[int],
    category_ids: Iterable[int],
    using: str = "default",
) -> None:
    """Recompute, from the base tables, every cell of the given administrative
    units × categories: for `years` (the figures of those years and the panels
    that involve them), or everything when `years` is None (institutions too).
    Runs in the caller's transaction (one is opened if there is none).
    Queries: a lock on PostgreSQL, one DELETE, then one INSERT ... SELECT per
    kind (two for years, three for everything)."""
    units, cats = sorted(set(unit_ids)), sorted(set(category_ids))
    if not units or not cats:
        return
    year_list = None if years is None else sorted(set(years))
    with transaction.atomic(using=using):
        lock_writers(using)
        cells = AttainmentCell.objects.using(using).filter(
            admin_unit_id__in=units, category_id__in=cats
        )
        if year_list is not None:
            cells = cells.filter(
                models.Q(kind=Kind.FIGURES, year__in=year_list)
                | models.Q(kind=Kind.PANEL, year__in=year_list)
                | models.Q(kind=Kind.PANEL, year_b__in=year_list)
            )
        cells.delete()
        where, params = _where(units, cats)
        with connections[using].cursor() as cursor:
            if year_list is None:
                _insert_institutions(cursor, where, params)
            _insert_figures(cursor, where, params, year_list)
            _insert_panels(cursor, where, params, year_list)


def rebuild(*, using: str = "default") -> int:
    """Recompute the whole table from the base tables, in one transaction.
    Returns the number of cells."""
    with transaction.atomic(using=using):
        lock_writers(using)
        AttainmentCell.objects.using(using).all().delete()
        where, params = _where(None, None)
        with connections[using].cursor() as cursor:
            _insert_institutions(cursor, where, params)
            _insert_figures(cursor, where, params, None)
            _insert_panels(cursor, where, params, None)
        cells = AttainmentCell.objects.using(using).count()
        # The submissions' kept counts are rebuilt with it.
        from indicators.submission_counts import recount

        recount(None, using=using)
        AttainmentRebuild.objects.using(using).create(cells=cells)
        return cells


# --------------------------------------------------------------------------- watching

Cells = dict[int | None, set[tuple[int, int]]]  # year (None: every year) → (unit, category)


def cells_of(model: type[models.Model], pks: Sequence[Any], using: str) -> Cells:
    """The (unit, category) cells, by year, that rows `pks` of `model` feed. One
    query per 5,000 rows."""
    cells: Cells = defaultdict(set)
    for chunk in changes.chunks(list(pks)):
        if model is Institution:
            for unit, cat in (
                Institution.objects.using(using)
                .filter(pk__in=chunk)
                .values_list("admin_unit_id", "category_id")
            ):
                cells[None].add((unit, cat))
            continue
        if model is Figures:
            rows = Figures.objects.using(using).filter(pk__in=chunk)
        else:
            rows = Figures.objects.using(using).filter(submission_id__in=chunk)
        for unit, cat, year in rows.values_list(
            "institution__admin_unit_id", "institution__category_id", "year"
        ).distinct():
            cells[year].add((unit, cat))
    return cells


def refresh_cells(cells: Cells, *, using: str = "default") -> None:
    """`refresh` the cells given: everything for those of no year, the years
    for the others (units × categories of each call: a superset, harmless)."""
    every = cells.get(None, set())
    by_year = {y: pairs - every for y, pairs in cells.items() if y is not None}
    by_year = {y: pairs for y, pairs in by_year.items() if pairs}
    if len(every) + sum(len(p) for p in by_year.values()) > REBUILD_ABOVE:
        rebuild(using=using)
        return
    if every:
        refresh(
            years=None,
            unit_ids=[u for u, _c in every],
            category_ids=[c for _u, c in every],
            using=using,
        )
    if by_year:
        pairs = set().union(*by_year.values())
        refresh(
            years=list(by_year),
            unit_ids=[u for u, _c in pairs],
            category_ids=[c for _u, c in pairs],
            using=using,
        )


def _watch(model: type[models.Model], pks: Sequence[Any], using: str) -> changes.After:
    if model not in (Institution, Submission, Figures):
        return lambda after: None
    before = cells_of(model, pks, using)

    def after(touched: Sequence[Any]) -> None:
        cells = cells_of(model, touched, using)
        for year, pairs in before.items():
            cells[year] |= pairs
        refresh_cells(cells, using=using)

    return after


changes.register(_watch)
# Every watcher reads what a write will touch under the writers' lock.
changes.lock_register(lock_writers)
