"""The audit trail: how changes are written into it.

One table (AuditEntry, append-only), one entry per object changed, holding
each of its changed fields with the old and the new value. Three ways in:
- `audit_entry`: the unsaved entry of one object of a submission (its figures,
  an activity, its state) from (field, old, new) triples; callers bulk_create
  the entries of all their objects with the rest of their write;
- `audit_changes`: every other object (periods, report drafts, institutions,
  units, users' roles and scope): compare two `audit_snapshot`s of the object
  and keep the fields that differ, who, when, old and new value;
- `audit_record`: many such changes at once. The institutions layer (which
  cannot import this one) reaches it through
  `institutions.services.history.history_record`, registered in indicators/apps.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.db import models

from indicators.models import AuditEntry, Submission
from institutions.roles import Account
from institutions.services.history import Change, show, snapshot

__all__ = [
    "FieldDiff",
    "audit_changes",
    "audit_diff",
    "audit_entry",
    "audit_record",
    "audit_snapshot",
    "norm",
    "show",
]

# One field of an object: its name, the value before and the value after.
FieldDiff = tuple[str, object, object]
audit_snapshot = snapshot


def norm(value: object) -> object:
    # A blank note and a missing one are the same answer; 0 and False are not "no change".
    return None if value is None or value == "" else (type(value), value)


def audit_entry(
    *,
    submission: Submission | None,
    object_type: str,
    object_id: int,
    object_label: str,
    changes: Iterable[FieldDiff],
    user: Account | None,
) -> AuditEntry | None:
    """The unsaved entry of one object whose fields `changes` went from old to
    new (values shown as the audit page writes them, `show`); None when nothing
    changed. `user=None` stands for the system (a management command). No
    query: callers bulk_create the entries of all their objects."""
    shown = [{"field": name, "old": show(old), "new": show(new)} for name, old, new in changes]
    if not shown:
        return None
    return AuditEntry(
        submission=submission,
        object_type=object_type,
        object_id=object_id,
        object_label=object_label[:300],
        changes=shown,
        user=user if user is not None and user.pk else None,
    )


def audit_diff(
    *,
    obj: models.Model,
    before: Mapping[str, str],
    after: Mapping[str, str],
    user: Account | None,
    submission: Submission | None = None,
) -> AuditEntry | None:
    """The unsaved entry of one change to `obj`: every field whose shown value
    differs between the snapshots `before` and `after` (`audit_snapshot`), in
    the snapshot's order; None when none does. A creation is `before={}` (every
    non-blank field), a deletion `after={}` (one change, AuditEntry.DELETED, the
    object's description as the old value). No query."""
    label = str(obj)[:300]
    if not after:
        changes: list[FieldDiff] = [(AuditEntry.DELETED, label, "")]
    else:
        changes = [
            (name, before.get(name, ""), new)
            for name, new in after.items()
            if before.get(name, "") != new
        ]
    return audit_entry(
        submission=submission,
        object_type=obj._meta.model_name or "",
        object_id=obj.pk,
        object_label=label,
        changes=changes,
        user=user,
    )


def audit_changes(
    *,
    obj: models.Model,
    before: Mapping[str, str],
    after: Mapping[str, str],
    user: Account | None,
    submission: Submission | None = None,
) -> AuditEntry | None:
    """Keep one change to `obj` (see `audit_diff`): one INSERT, none when
    nothing changed; returns the entry written."""
    entry = audit_diff(obj=obj, before=before, after=after, user=user, submission=submission)
    if entry is not None:
        entry.save()
    return entry


def audit_record(changes: Sequence[Change], user: Account | None) -> None:
    """Keep many changes (institutions.services.history), one entry per object
    changed, in one bulk INSERT per 1,000 objects."""
    entries = [
        entry
        for c in changes
        if (entry := audit_diff(obj=c.obj, before=c.before, after=c.after, user=user)) is not None
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
