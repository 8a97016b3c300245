"""Activities under the plan's task groups, soft-deleted, every change audited."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from indicators.models import ACTIVITY_OUTPUTS, Activity, Submission
from indicators.services.audit import FieldDiff, audit_entry
from indicators.services.common import ensure_editable, require_version, submission_write
from institutions.roles import Account

ACTIVITY_FIELDS = [
    "date",
    "title",
    "task_group",
    "institution",
    "key_day",
    "participants",
    *ACTIVITY_OUTPUTS,
    "funding_state_budget",
    "funding_programmes",
    "funding_contributions",
]


def _activity_check(activity: Activity, submission: Submission) -> None:
    errors = {}
    institution = activity.institution if activity.institution_id else None
    if institution is not None and institution.reporting_unit_id != submission.reporting_unit_id:
        errors["institution"] = _("Thiết chế này không thuộc đơn vị báo cáo.")
    if activity.date and activity.date.year != submission.period.year:
        errors["date"] = _("Ngày tổ chức phải thuộc năm %(year)s.") % {
            "year": submission.period.year
        }
    if errors:
        raise ValidationError(errors)
    activity.full_clean()


def _audit_activity(
    activity: Activity,
    submission: Submission,
    user: Account | None,
    diff: list[FieldDiff],
) -> None:
    """One entry for the activity's changed fields; none when nothing changed."""
    entry = audit_entry(
        submission=submission,
        object_type="activity",
        object_id=activity.pk,
        object_label=activity.title,
        changes=diff,
        user=user,
    )
    if entry is not None:
        entry.save()


def _save_audited(
    activity: Activity, submission: Submission, user: Account | None, before: Mapping[str, object]
) -> None:
    """Check and save `activity`, then audit every field that differs from
    `before` (empty for a new activity: every field given)."""
    _activity_check(activity, submission)
    activity.save()
    diff: list[FieldDiff] = []
    for k in ACTIVITY_FIELDS:
        old, new = before.get(k), getattr(activity, k)
        if (old != new) if before else new not in (None, ""):
            diff.append((k, old, new))
    _audit_activity(activity, submission, user, diff)


def activity_create(
    *,
    submission: Submission,
    user: Account | None,
    data: Mapping[str, object],
    version: int | None = None,
) -> Activity:
    """Add an activity to an editable submission of an open period, every given
    field audited. Raises ValidationError (field errors, locked, stale).
    Queries: the period and version checks, the institution, an INSERT and the
    audit entry's INSERT."""
    require_version(version, user)
    with submission_write(submission, version):
        ensure_editable(submission)
        activity = Activity(
            submission=submission, **{k: v for k, v in data.items() if k in ACTIVITY_FIELDS}
        )
        _save_audited(activity, submission, user, before={})
    return activity


def activity_update(
    *,
    activity: Activity,
    user: Account | None,
    data: Mapping[str, object],
    version: int | None = None,
) -> Activity:
    """Change an activity of an editable submission; the changed fields are
    audited with their old and new values. Same checks and queries as
    `activity_create`, with an UPDATE."""
    submission = activity.submission
    require_version(version, user)
    with submission_write(submission, version):
        ensure_editable(submission)
        # "Before" from the database, not from `activity`: a ModelForm has already
        # written the new values onto the instance it was given.
        stored = Activity.objects.get(pk=activity.pk)
        before = {k: getattr(stored, k) for k in ACTIVITY_FIELDS}
        for k, v in data.items():
            if k in ACTIVITY_FIELDS:
                setattr(activity, k, v)
        _save_audited(activity, submission, user, before=before)
    return activity


def activity_delete(*, activity: Activity, user: Account | None, version: int | None) -> Activity:
    """Soft delete: the row stays, marked deleted, with an audit entry. The
    version the page was built from is required (None only for the system):
    a delete is a write like any other."""
    submission = activity.submission
    require_version(version, user)
    with submission_write(submission, version):
        ensure_editable(submission)
        activity.is_deleted = True
        activity.save(update_fields=["is_deleted"])
        _audit_activity(activity, submission, user, [("is_deleted", False, True)])
    return activity
