"""The audit trail: how values are written into it.

Two ways in, one table (AuditEntry, append-only):
- `audit_entry`: one unsaved line for a submission's figures or activities
  (callers bulk_create them with the rest of their write);
- `audit_changes`: every other object (periods, report drafts, institutions,
  units, users' roles and scope): compare two `audit_snapshot`s of the object
  and keep one line per field that differs, who, when, old and new value;
- `audit_record`: many such changes at once. The institutions layer (which
  cannot import this one) reaches it through
  `institutions.services.history.history_record`, registered in indicators/apps.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import models

from indicators.models import AuditEntry, Submission
from institutions.roles import Account
from institutions.services.history import Change, show, snapshot

__all__ = [
    "audit_changes",
    "audit_entry",
    "audit_lines",
    "audit_record",
    "audit_snapshot",
    "norm",
    "show",
]

# A deleted object: one line, its description as the old value.
DELETED = "deleted"
audit_snapshot = snapshot


def norm(value: object) -> object:
    # A blank note and a missing one are the same answer; 0 and False are not "no change".
    return None if value is None or value == "" else (type(value), value)


def audit_entry(
    *,
    submission: Submission,
    object_type: str,
    object_id: int,
    object_label: str,
    field: str,
    old: object,
    new: object,
    user: Account | None,
) -> AuditEntry:
    """One unsaved audit line: `field` of the object went from `old` to `new`
    (shown as the audit page writes them). No query: callers bulk_create."""
    return AuditEntry(
        submission=submission,
        object_type=object_type,
        object_id=object_id,
        object_label=object_label,
        field=field,
        old_value=show(old),
        new_value=show(new),
        user=user,
    )


def audit_lines(
    *,
    obj: models.Model,
    before: Mapping[str, str],
    after: Mapping[str, str],
    user: Account | None,
    submission: Submission | None = None,
) -> list[AuditEntry]:
    """The unsaved audit lines of one change to `obj`: one per field whose
    shown value differs between the snapshots `before` and `after`
    (`audit_snapshot`). A creation is `before={}` (every non-blank field), a
    deletion `after={}` (one line, field "deleted", the object's description as
    the old value). `user=None` stands for the system (a management command).
    No query: for many objects, bulk_create the lines of all of them."""
    label = str(obj)[:300]
    if not after:
        lines = [(DELETED, label, "")]
    else:
        lines = [
            (name, before.get(name, ""), new)
            for name, new in after.items()
            if before.get(name, "") != new
        ]
    return [
        AuditEntry(
            submission=submission,
            object_type=obj._meta.model_name or "",
            object_id=obj.pk,
            object_label=label,
            field=name[:60],
            old_value=old,
            new_value=new,
            user=user if user is not None and user.pk else None,
        )
        for name, old, new in lines
    ]


def audit_changes(
    *,
    obj: models.Model,
    before: Mapping[str, str],
    after: Mapping[str, str],
    user: Account | None,
    submission: Submission | None = None,
) -> list[AuditEntry]:
    """Keep one change to `obj` (see `audit_lines`): one INSERT, none when
    nothing changed; returns the lines written."""
    entries = audit_lines(obj=obj, before=before, after=after, user=user, submission=submission)
    return AuditEntry.objects.bulk_create(entries) if entries else []


def audit_record(changes: Sequence[Change], user: Account | None) -> None:
    """Keep many changes (institutions.services.history) in one bulk INSERT."""
    entries = [
        line
        for c in changes
        for line in audit_lines(obj=c.obj, before=c.before, after=c.after, user=user)
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
