"""The history of everything that is not a submission: one place to keep a
change (who, when, old and new value of each field), whichever way it came
(import_institutions, the admin, a later workflow).

This layer does not know where history is stored: the layer that owns the audit
trail (indicators, AuditEntry) registers a recorder at start-up
(`history_recorder_register`), and a guard that refuses institution changes
which would alter an approved report (`institution_guard_register`). Callers
use only:

- `snapshot(obj, fields)`: an object's values as the history shows them;
- `history_record(changes=..., user=...)`: keep many changes at once;
- `institution_snapshot`, `institution_history_record`: the same for the
  registry's institutions;
- `institution_change_problems(changes)`: why changes to institutions (new
  ones too) would be refused, the one rule of the admin, the import and the
  registry (see indicators.services.settled).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import models

from institutions.models import Institution
from institutions.roles import Account


def show(value: object) -> str:
    """A value as history stores it: yes/no in Vietnamese, dates dd/mm/yyyy,
    None blank."""
    if value is None:
        return ""
    if value is True:
        return "Có"
    if value is False:
        return "Không"
    if isinstance(value, dt.datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


# Never kept, even when "every field" is asked for.
_NEVER = frozenset({"password", "last_login", "date_joined"})


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, str]:
    """The object's values as history shows them, by field name: a related
    object by its name, a many-to-many field as its sorted names joined by ", "
    (read once the object has a primary key). `fields`: every editable field
    when not given. One query per foreign key not yet loaded and per
    many-to-many field."""
    out: dict[str, str] = {}
    wanted = set(fields) if fields is not None else None
    for f in obj._meta.get_fields():
        # Fields of the object itself (reverse relations are not models.Field).
        if not isinstance(f, models.Field) or f.auto_created or not f.editable:
            continue
        if (wanted is not None and f.name not in wanted) or (wanted is None and f.name in _NEVER):
            continue
        if f.many_to_many:
            related = getattr(obj, f.name).all() if obj.pk else []
            out[f.name] = ", ".join(sorted(str(r) for r in related))
            continue
        value = getattr(obj, f.attname)
        if f.is_relation:
            out[f.name] = str(getattr(obj, f.name)) if value is not None else ""
        elif f.choices:
            # The words a person reads ("Đã khóa"), not the stored code.
            out[f.name] = show(dict(f.flatchoices).get(value, value)) if value else ""
        else:
            out[f.name] = show(value)
    return out


@dataclass(frozen=True)
class Change:
    """One change to keep: the object as saved, its snapshot before (`{}`: it was
    created) and after (`{}`: it was deleted)."""

    obj: models.Model
    before: Mapping[str, str]
    after: Mapping[str, str]


@dataclass(frozen=True)
class InstitutionChange:
    """A change to an institution, as the guard judges it: `before` as stored
    (None: not created yet), `after` as it would be saved (unsaved, its
    foreign keys set). `from_year`: the first year the change says it applies
    from (the registry's proposals state one); None when it applies wherever
    the one record is read (the admin, imports)."""

    before: Institution | None
    after: Institution
    from_year: int | None = None


Recorder = Callable[[Sequence[Change], "Account | None"], None]
Guard = Callable[[Sequence[InstitutionChange]], dict[int, dict[str, str]]]
_recorders: list[Recorder] = []
_guards: list[Guard] = []


def history_recorder_register(recorder: Recorder) -> None:
    if recorder not in _recorders:
        _recorders.append(recorder)


def institution_guard_register(guard: Guard) -> None:
    if guard not in _guards:
        _guards.append(guard)


def history_record(*, changes: Iterable[Change], user: Account | None) -> None:
    """Keep `changes`, made by `user` (None: the system). Call inside the
    transaction that makes them, so that a change and its history are written
    together or not at all. Raises RuntimeError when no recorder is registered:
    a change is never silently left out."""
    changes = list(changes)
    if not _recorders:
        raise RuntimeError("No history recorder registered (is the indicators app installed?)")
    if changes:
        for recorder in _recorders:
            recorder(changes, user)


INSTITUTION_FIELDS = (
    "code",
    "name",
    "category",
    "admin_unit",
    "reporting_unit",
    "opened_year",
    "closed_year",
)


def institution_snapshot(institution: Institution) -> dict[str, str]:
    """An institution's values as the history shows them (related objects by
    name). Queries only for related objects not already loaded."""
    return snapshot(institution, INSTITUTION_FIELDS)


def institution_history_record(
    *,
    changes: Iterable[tuple[Institution, Mapping[str, str]]],
    user: Account | None,
    deleted: bool = False,
) -> None:
    """Keep the changes of many institutions at once: each pair is the saved
    institution and its `institution_snapshot` taken before the change (`{}`
    for a new one); with `deleted`, each is kept as deleted."""
    history_record(
        changes=[
            Change(inst, before, {} if deleted else institution_snapshot(inst))
            for inst, before in changes
        ],
        user=user,
    )


def institution_change_problems(
    changes: Sequence[InstitutionChange],
) -> dict[int, dict[str, str]]:
    """For each change refused, by its position in `changes`, the refused fields
    (the model's names: admin_unit, category, opened_year, closed_year,
    reporting_unit) and why, a message naming the report; empty when every
    change may be made. The registered guard decides
    (indicators.services.settled), in a fixed number of queries whatever the
    number of changes. Raises RuntimeError when no guard is registered: a
    change is never let through unjudged."""
    if not _guards:
        raise RuntimeError("No institution guard registered (is the indicators app installed?)")
    problems: dict[int, dict[str, str]] = {}
    for guard in _guards:
        for index, by_field in guard(changes).items():
            problems.setdefault(index, {}).update(by_field)
    return problems


def as_sentence(message: str) -> str:
    """A guard's message (a clause, as the import lists it after its line and
    column) as a sentence of its own, as a form shows it."""
    return message[:1].upper() + message[1:] + "."
