"""Each submission's counts of figures, kept exact in the transaction of every
write: `Submission.figures_count` (the institutions it holds figures of its
year for) and `Submission.complete_count` (those whose stored figures answer
every required field: `selectors.complete_figures_q`, the database form of
`validation.missing_for_submit`).

The review queue's expected counts and the freshness score read them for every
unit and year: counted from the figures, they grew with the province (45 ms of
the accountability view's 250 at `seed_demo --scale 30`, a full pass over three
years' figures); kept, they are one small read of the submissions.

How they stay exact: as the precomputed attainment does (indicators/summary.py),
through the watcher of institutions/changes.py, which every ORM write to
figures and institutions tells the rows it touches before and after. The
submissions holding those rows are recounted from the base tables inside the
write's transaction: a figure saved, moved to another submission or deleted,
and an institution changing category (which changes what it must answer).
Submissions' own writes change neither count. `summary.rebuild` (so
`rebuild_attainment` and the demo seed) recounts every submission.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from indicators.models import Figures, Submission
from indicators.selectors import complete_figures_q
from institutions import changes
from institutions.models import Institution


def _count(figures: models.QuerySet) -> Coalesce:
    """The number of `figures` of the outer submission (0 when none)."""
    return Coalesce(
        Subquery(
            figures.filter(submission=OuterRef("pk"))
            .order_by()
            .values("submission")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


def recount(submission_ids: Iterable[int] | None, *, using: str = "default") -> None:
    """Recount the submissions given (every submission when None) from their
    figures. One UPDATE per 5,000 submissions."""
    figures = Figures.objects.using(using)
    counts = {
        # Of its own year, as every path writes them (the count asks, to be sure).
        "figures_count": _count(figures.filter(year=F("submission__period__year"))),
        "complete_count": _count(figures.filter(complete_figures_q())),
    }
    submissions = Submission.objects.using(using)
    if submission_ids is None:
        submissions.update(**counts)
        return
    for chunk in changes.chunks(sorted(set(submission_ids) - {None})):
        submissions.filter(pk__in=chunk).update(**counts)


def _holding(model: type[models.Model], pks: Sequence[Any], using: str) -> set[int]:
    """The submissions holding the figures `pks` (of an institution, its figures)."""
    field = "pk__in" if model is Figures else "institution_id__in"
    found: set[int] = set()
    for chunk in changes.chunks(pks):
        found.update(
            Figures.objects.using(using)
            .filter(**{field: chunk})
            .values_list("submission_id", flat=True)
            .distinct()
        )
    return found


def _watch(model: type[models.Model], pks: Sequence[Any], using: str) -> changes.After:
    if model not in (Figures, Institution):
        return lambda after: None
    before = _holding(model, list(pks), using)

    def after(touched: Sequence[Any]) -> None:
        held = before | _holding(model, list(touched), using)
        if held:
            recount(held, using=using)

    return after


changes.register(_watch)
