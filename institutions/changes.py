"""Telling derived tables which rows a write touched, inside the write's
transaction, on every ORM path.

The precomputed attainment (indicators/summary.py) must stay exact at every
change to institutions, submissions and figures, whoever writes them: the
services, the admin, a management command, the demo seed or a test. Signals
miss the bulk paths (QuerySet.update, bulk_create), so the models that feed a
derived table use `WatchedModel` and a `WatchedQuerySet`, which cover
`save`, `delete`, `create`/`get_or_create`/`update_or_create`,
`QuerySet.update` (and so `bulk_update`, which runs through it),
`QuerySet.delete` and `bulk_create` (with or without `update_conflicts`).

A watcher is registered by a layer above (`register`): it is called with the
model and the primary keys a write is about to touch, reads what it needs of
them *before* the write, and returns a callback that gets the keys touched
*after* it. Both run in the write's transaction, so the derived table commits
or rolls back with the rows it is derived from. Raw SQL is not covered; a test
(tests/attainment/test_summary_write_paths.py) checks that no module writes
these tables that way.

A write that names only fields no watcher cares about (`WATCHED_FIELDS` on the
model: a submission's version or `updated_at`, a figure's note) skips the
watchers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import models, transaction

After = Callable[[Sequence[Any]], None]
Watcher = Callable[[type[models.Model], Sequence[Any], str], After]

_watchers: list[Watcher] = []
_lock: Callable[[str], None] | None = None

# Values in one `IN (...)` list: within SQLite's bound parameters, and a plan
# PostgreSQL makes quickly.
IN_CHUNK = 5000


def register(watcher: Watcher) -> None:
    """Add `watcher` (once) to those told about every write to a watched model."""
    if watcher not in _watchers:
        _watchers.append(watcher)


def lock_register(lock: Callable[[str], None]) -> None:
    """The lock taken (with the database alias) before the watchers read what a
    write will touch: else a first write of its transaction could read rows a
    concurrent writer is moving. Held to the end of the transaction."""
    global _lock
    _lock = lock


def chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterator[Sequence[Any]]:
    """`values` a `size` at a time, for queries filtering on `IN` lists."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _relevant(model: type[models.Model], fields: Iterable[str] | None) -> bool:
    watched = getattr(model, "WATCHED_FIELDS", None)
    if fields is None or watched is None:
        return True
    return any(name in watched or name.removesuffix("_id") in watched for name in fields)


@contextmanager
def watching(
    model: type[models.Model], before: Sequence[Any], using: str
) -> Iterator[Callable[[Sequence[Any]], None]]:
    """Run the body as one write to `model` touching rows `before`; the body
    may name the rows touched after it (default: the same) with the function
    yielded. The watchers run before and after, in one transaction."""
    if not _watchers:
        yield lambda pks: None
        return
    after: list[Any] = list(before)

    def touched(pks: Sequence[Any]) -> None:
        after[:] = list(pks)

    with transaction.atomic(using=using):
        if _lock is not None:
            _lock(using)
        callbacks = [watcher(model, list(before), using) for watcher in _watchers]
        yield touched
        for callback in callbacks:
            callback(after)


class WatchedQuerySet(models.QuerySet):
    """A queryset whose bulk writes tell the watchers what they touched."""

    def update(self, **kwargs: Any) -> int:
        if not _watchers or not _relevant(self.model, kwargs):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            with watching(self.model, pks, self.db):
                return super().update(**kwargs)

    update.alters_data = True  # type: ignore[attr-defined]

    def delete(self) -> tuple[int, dict[str, int]]:
        if not _watchers:
            return super().delete()
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            with watching(self.model, pks, self.db) as touched:
                result = super().delete()
                touched([])
            return result

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]

    def bulk_create(self, objs: Iterable[models.Model], *args: Any, **kwargs: Any) -> list:
        objs = list(objs)
        if not _watchers or not objs:
            return super().bulk_create(objs, *args, **kwargs)
        unique = kwargs.get("unique_fields") or ()
        with transaction.atomic(using=self.db):
            before = self._matching(objs, unique) if kwargs.get("update_conflicts") else []
            with watching(self.model, before, self.db) as touched:
                created = super().bulk_create(objs, *args, **kwargs)
                pks = [o.pk for o in objs]
                if any(pk is None for pk in pks):  # ignore_conflicts: read them back
                    pks = self._matching(objs, unique or ["pk"])
                touched(pks)
            return created

    bulk_create.alters_data = True  # type: ignore[attr-defined]

    def _matching(self, objs: list[models.Model], unique: Sequence[str]) -> list[Any]:
        """Primary keys of the stored rows with the same `unique` values as `objs`."""
        if not unique:
            return []
        names = [self.model._meta.get_field(f).attname if f != "pk" else "pk" for f in unique]
        wanted = {tuple(getattr(o, n) for n in names) for o in objs}
        first = sorted({key[0] for key in wanted if key[0] is not None})
        found: list[Any] = []
        for chunk in chunks(first):
            rows = self.model._default_manager.using(self.db).filter(**{f"{names[0]}__in": chunk})
            for pk, *key in rows.values_list("pk", *names):
                if tuple(key) in wanted:
                    found.append(pk)
        return found


class WatchedModel(models.Model):
    """A model whose own `save` and `delete` tell the watchers."""

    WATCHED_FIELDS: frozenset[str] | None = None  # None: every field matters

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if not _watchers or not _relevant(type(self), update_fields):
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or self._state.db or "default"
        before = [] if self._state.adding or self.pk is None else [self.pk]
        with watching(type(self), before, using) as touched:
            super().save(*args, **kwargs)
            touched([self.pk])
        return None

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if not _watchers:
            return super().delete(*args, **kwargs)
        using = kwargs.get("using") or self._state.db or "default"
        with watching(type(self), [self.pk], using) as touched:
            result = super().delete(*args, **kwargs)
            touched([])
        return result
