"""The audit trail of a submission: how values are written into it."""

from __future__ import annotations

from indicators.models import AuditEntry, Submission
from institutions.roles import Account


def show(value: object) -> str:
    """A value as the audit trail stores it: yes/no in Vietnamese, None blank."""
    if value is None:
        return ""
    if value is True:
        return "Có"
    if value is False:
        return "Không"
    return str(value)


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
