"""What changed in a report since the reviewer last saw it.

When a returned or reopened report is sent again, the reviewer reads, per
institution and field, what moved since the last version that was sent or
approved (old → new, by whom). Built from what is already stored: the audit
trail (AuditEntry) between two SubmissionEvents, the last "submitted" or
"approved" before the current sending, and the current sending itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dc_field

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from indicators.models import (
    AuditEntry,
    Submission,
    SubmissionEvent,
    SubmissionState,
    audit_field_label,
)

# The report's state changes are in the event history already, not "changes".
_NOT_CHANGES = Q(object_type="submission")
SENT_OR_APPROVED = (SubmissionState.SUBMITTED, SubmissionState.APPROVED)


@dataclass(frozen=True)
class Window:
    """Edits between `since` (the last sending or approval before the current
    sending) and `sent` (the current sending)."""

    since: SubmissionEvent
    sent: SubmissionEvent


@dataclass
class FieldChange:
    object_type: str
    object_id: int
    object_label: str
    field: str
    old: str
    new: str
    users: list[str] = dc_field(default_factory=list)

    @property
    def field_label(self) -> str | Promise:
        return audit_field_label(self.object_type, self.field)


@dataclass
class ChangesSince:
    window: Window
    changes: list[FieldChange]

    def __len__(self) -> int:
        return len(self.changes)


def _windows(submissions: Iterable[Submission]) -> dict[int, Window]:
    """The window of each submission sent (or approved) again after an earlier
    sending or approval; none for one sent once, or being edited. One query."""
    ids = [s.pk for s in submissions if s.state in SENT_OR_APPROVED]
    if not ids:
        return {}
    events: dict[int, list[SubmissionEvent]] = {}
    for e in SubmissionEvent.objects.filter(
        submission_id__in=ids, to_state__in=SENT_OR_APPROVED
    ).order_by("at", "pk"):
        events.setdefault(e.submission_id, []).append(e)
    windows = {}
    for sub_id, evs in events.items():
        sends = [i for i, e in enumerate(evs) if e.to_state == SubmissionState.SUBMITTED]
        if sends and sends[-1] > 0:
            windows[sub_id] = Window(since=evs[sends[-1] - 1], sent=evs[sends[-1]])
    return windows


def _collapse(entries: Iterable[AuditEntry]) -> dict[int, list[FieldChange]]:
    """The fields changed by entries (oldest first), folded per object and
    field into first old → last new, with everyone who edited it; a value
    edited back to where it was is no change."""
    out: dict[int, dict[tuple[str, int, str], FieldChange]] = {}
    for a in entries:
        per_sub = out.setdefault(a.submission_id or 0, {})
        who = (a.user.get_full_name() or a.user.username) if a.user else str(_("hệ thống"))
        for c in a.changes:
            key = (a.object_type, a.object_id, c["field"])
            change = per_sub.get(key)
            if change is None:
                change = per_sub[key] = FieldChange(
                    a.object_type, a.object_id, a.object_label, c["field"], c["old"], c["new"]
                )
            change.new = c["new"]
            if who not in change.users:
                change.users.append(who)
    return {
        sub_id: sorted(
            (c for c in per_sub.values() if c.old != c.new),
            key=lambda c: (c.object_type != "figures", c.object_label, c.field),
        )
        for sub_id, per_sub in out.items()
    }


def _entries(windows: dict[int, Window]) -> list[AuditEntry]:
    condition = Q()
    for sub_id, w in windows.items():
        condition |= Q(submission_id=sub_id, at__gt=w.since.at, at__lte=w.sent.at)
    return list(
        AuditEntry.objects.filter(condition)
        .exclude(_NOT_CHANGES)
        .select_related("user")
        .order_by("at", "pk")
    )


def changes_since_review(submission: Submission) -> ChangesSince | None:
    """What changed in `submission` between its last sending or approval and
    its current sending, per object (institution, activity) and field; None
    when it was sent once only, or is being edited. Two queries."""
    window = _windows([submission]).get(submission.pk)
    if window is None:
        return None
    return ChangesSince(window, _collapse(_entries({submission.pk: window})).get(submission.pk, []))


def change_counts(submissions: Iterable[Submission]) -> dict[int, int]:
    """{submission id: number of changes since its last review}, for the
    submissions sent again (see `changes_since_review`). Two queries at most,
    whatever the number of submissions (one when none was sent again)."""
    windows = _windows(list(submissions))
    if not windows:
        return {}
    collapsed = _collapse(_entries(windows))
    return {sub_id: len(collapsed.get(sub_id, [])) for sub_id in windows}
