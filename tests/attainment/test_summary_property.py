"""The precomputed attainment, and each submission's kept counts of figures,
equal the live computation after any sequence of writes: random small provinces, random edits of figures, submission state
changes (submit, approve, return), institutions opened, closed, moved and
recategorised, through every ORM write path at random."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators import summary
from indicators.models import AttainmentCell, Figures, ReportingPeriod, Submission
from indicators.validation import missing_for_submit, values_of
from institutions.models import Institution
from reports.selectors import attainment_rows
from reports.selectors import summary as summary_reader
from reports.selectors.engine import _aggregate_live, _all_category_ids, _Needs
from reports.selectors.plan import current_plan_targets
from reports.visibility import APPROVED_ONLY, EVERY_SUBMITTED, Visibility
from tests.factories import AdministrativeUnitFactory, category

pytestmark = pytest.mark.django_db

YEARS = (2023, 2024, 2025, 2026, 2027)
CATEGORIES = ("LIB_COMM", "LIB_DIST", "MUS", "CC_COMM")
STATES = ("draft", "submitted", "approved", "returned")


class Rollback(Exception):
    pass


def cells_now() -> list[tuple]:
    fields = [f.attname for f in AttainmentCell._meta.concrete_fields if f.name != "id"]
    return sorted(AttainmentCell.objects.values_list(*fields), key=repr)


def visibilities(province) -> tuple[Visibility, ...]:
    return (EVERY_SUBMITTED, APPROVED_ONLY, Visibility(frozenset({province.unit_a.pk})))


def compare(year: int, vis: Visibility) -> None:
    """The engine's aggregate for `year` and `vis`: summary == live, group by group."""
    targets = current_plan_targets()
    needs = _Needs.for_targets(targets, year)
    kwargs = {
        "needs": needs,
        "category_ids": _all_category_ids(targets),
        "unit_ids": None,
        "visibility": vis,
    }
    live = {(g["category_id"], g["admin_unit_id"]): g for g in _aggregate_live(**kwargs)}
    kept = {(g["category_id"], g["admin_unit_id"]): g for g in summary_reader.aggregate(**kwargs)}
    assert kept == live, (year, vis)


def counts_now() -> list[tuple[int, int, int]]:
    return list(
        Submission.objects.order_by("pk").values_list("pk", "figures_count", "complete_count")
    )


def counts_live() -> list[tuple[int, int, int]]:
    """Each submission's figures of its year, and those answering every
    required field by the Python form of the rule (`missing_for_submit`)."""
    rows = []
    for sub in Submission.objects.select_related("period").order_by("pk"):
        figures = Figures.objects.filter(submission=sub).select_related("institution__category")
        rows.append(
            (
                sub.pk,
                sum(1 for f in figures if f.year == sub.period.year),
                sum(
                    1
                    for f in figures
                    if not missing_for_submit(f.institution.category.code, values_of(f))
                ),
            )
        )
    return rows


def check(province, year: int) -> None:
    """After one write: the kept summary equals a full rebuild from the base
    tables, and reads the same as the live aggregate for one year (drawn with
    the write) and every kind of visibility; each submission's kept counts are
    those of its figures."""
    assert counts_now() == counts_live()
    kept_cells = cells_now()
    summary.rebuild()
    assert cells_now() == kept_cells
    for vis in visibilities(province):
        compare(year, vis)


def check_all(province) -> None:
    """At the end: the engine's rows themselves, from both sources (the live
    aggregate costs about 0.1 s a call on SQLite: one year keeps the test fast)."""
    assert attainment_rows(year=2026, source="summary") == attainment_rows(year=2026, source="live")


institution_st = st.tuples(
    st.sampled_from(CATEGORIES),
    st.integers(0, 3),  # commune
    st.integers(0, 2),  # reporting unit
    st.integers(2021, 2026),  # opened
    st.one_of(st.none(), st.integers(0, 3)),  # closed after opened by
)
maybe_bool = st.one_of(st.none(), st.booleans())
maybe_count = st.one_of(st.none(), st.integers(0, 500))
values_st = st.tuples(maybe_bool, maybe_bool, maybe_count, maybe_count)
# Figures of an institution for some years, and every submission's first state
# (mostly counted ones, so that panels and visibilities have something to count).
history_st = st.dictionaries(st.sampled_from(YEARS), values_st, max_size=4)
states_st = st.lists(
    st.sampled_from(("submitted", "approved", "approved", "submitted", "draft", "returned")),
    min_size=3 * len(YEARS),
    max_size=3 * len(YEARS),
)
op_st = st.one_of(
    st.tuples(
        st.just("figures"),
        st.integers(0, 9),
        st.sampled_from(YEARS),
        maybe_bool,
        maybe_bool,
        maybe_count,
        maybe_count,
        st.sampled_from(["save", "update", "upsert"]),
    ),
    st.tuples(
        st.just("delete"), st.integers(0, 9), st.sampled_from(YEARS), st.sampled_from(["m", "qs"])
    ),
    st.tuples(
        st.just("state"),
        st.integers(0, 2),
        st.sampled_from(YEARS),
        st.sampled_from(STATES),
        st.sampled_from(["save", "update"]),
    ),
    st.tuples(
        st.just("close"),
        st.integers(0, 9),
        st.one_of(st.none(), st.sampled_from(YEARS)),
        st.sampled_from(["save", "update"]),
    ),
    st.tuples(st.just("open"), st.integers(0, 9), st.integers(2021, 2027)),
    st.tuples(
        st.just("move"), st.integers(0, 9), st.integers(0, 5), st.sampled_from(["save", "bulk"])
    ),
    st.tuples(st.just("recategorise"), st.integers(0, 9), st.sampled_from(CATEGORIES)),
    st.tuples(st.just("take"), st.integers(0, 9), st.sampled_from(YEARS), st.integers(0, 2)),
    st.tuples(st.just("new"), institution_st),
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    institutions=st.lists(st.tuples(institution_st, history_st), min_size=1, max_size=6),
    states=states_st,
    ops=st.lists(st.tuples(op_st, st.sampled_from(YEARS)), min_size=1, max_size=5),
)
def test_the_summary_equals_the_live_computation_after_every_write(
    province, plan, institutions, states, ops
) -> None:
    try:
        with transaction.atomic():
            _run(province, institutions, states, ops)
            raise Rollback
    except Rollback:
        pass


VALUE_FIELDS = ("lll_services", "digital_transformation", "user_visits", "participants")


def _run(province, institutions, states, ops) -> None:
    communes = [
        province.commune_a,
        province.commune_b,
        AdministrativeUnitFactory(parent=province.district_a),
        AdministrativeUnitFactory(parent=province.district_b),
    ]
    units = [*communes, province.district_a, province.province]
    reporting = [province.unit_a, province.unit_b, province.sector]
    periods = {
        y: ReportingPeriod.objects.get_or_create(
            year=y, defaults={"deadline": ReportingPeriod.default_deadline(y)}
        )[0]
        for y in YEARS
    }
    made: list[Institution] = []

    def new(spec) -> None:
        cat, commune, ru, opened, closed_by = spec
        made.append(
            Institution.objects.create(
                code=f"P-{len(made)}",
                name=f"Thiết chế {len(made)}",
                category=category(cat),
                admin_unit=communes[commune],
                reporting_unit=reporting[ru],
                opened_year=opened,
                closed_year=None if closed_by is None else opened + closed_by,
            )
        )

    def submission(ru: int, year: int) -> Submission:
        return Submission.objects.get_or_create(reporting_unit=reporting[ru], period=periods[year])[
            0
        ]

    for index, state in enumerate(states):
        ru, year = divmod(index, len(YEARS))
        Submission.objects.create(
            reporting_unit=reporting[ru], period=periods[YEARS[year]], state=state
        )
    for spec, history in institutions:
        new(spec)
        inst = made[-1]
        Figures.objects.bulk_create(
            [
                Figures(
                    institution=inst,
                    year=year,
                    submission=submission(reporting.index(inst.reporting_unit), year),
                    **dict(zip(VALUE_FIELDS, values, strict=True)),
                )
                for year, values in history.items()
            ]
        )
    for op, check_year in ops:
        kind, rest = op[0], op[1:]
        if kind == "new":
            new(rest[0])
            check(province, check_year)
            continue
        inst = made[rest[0] % len(made)]
        inst.refresh_from_db()
        if kind == "figures":
            _, year, lll, digital, visits, participants, how = rest
            values = {
                "lll_services": lll,
                "digital_transformation": digital,
                "user_visits": visits,
                "participants": participants,
            }
            existing = Figures.objects.filter(institution=inst, year=year).first()
            if how == "save" or existing is None and how == "update":
                if existing is None:
                    sub = submission(reporting.index(inst.reporting_unit), year)
                    Figures.objects.create(institution=inst, year=year, submission=sub, **values)
                else:
                    for k, v in values.items():
                        setattr(existing, k, v)
                    existing.save()
            elif how == "update":
                Figures.objects.filter(pk=existing.pk).update(**values)
            else:
                sub = existing.submission if existing else submission(0, year)
                Figures.objects.bulk_create(
                    [Figures(institution=inst, year=year, submission=sub, **values)],
                    update_conflicts=True,
                    unique_fields=["institution", "year"],
                    update_fields=list(values),
                )
        elif kind == "delete":
            _, year, how = rest
            rows = Figures.objects.filter(institution=inst, year=year)
            if how == "qs":
                rows.delete()
            else:
                for fig in rows:
                    fig.delete()
        elif kind == "state":
            ru, year, state, how = op[1:]
            sub = submission(ru, year)
            if how == "save":
                sub.state = state
                sub.save(update_fields=["state"])
            else:
                Submission.objects.filter(pk=sub.pk).update(state=state)
        elif kind == "close":
            _, year, how = rest
            closed = None if year is None else max(year, inst.opened_year)
            if how == "save":
                inst.closed_year = closed
                inst.save()
            else:
                Institution.objects.filter(pk=inst.pk).update(closed_year=closed)
        elif kind == "open":
            _, year = rest
            inst.opened_year = year if inst.closed_year is None else min(year, inst.closed_year)
            inst.save(update_fields=["opened_year"])
        elif kind == "move":
            _, unit, how = rest
            inst.admin_unit = units[unit]
            if how == "save":
                inst.save()
            else:
                Institution.objects.bulk_update([inst], ["admin_unit"])
        elif kind == "recategorise":
            inst.category = category(rest[1])
            inst.save()
        elif kind == "take":
            _, year, ru = rest
            Figures.objects.filter(institution=inst, year=year).update(
                submission=submission(ru, year)
            )
        check(province, check_year)
    check_all(province)
