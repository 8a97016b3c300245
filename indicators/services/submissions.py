"""A unit's submission for a year: open, check, submit, return, approve."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import selectors
from indicators.models import (
    APPROVABLE_STATES,
    EDITABLE_STATES,
    RETURNABLE_STATES,
    ReportingPeriod,
    Submission,
    SubmissionEvent,
    SubmissionState,
)
from indicators.services.audit import audit_entry
from indicators.services.common import (
    FiguresInvalid,
    RowProblem,
    ensure_period_open,
    institution_label,
    require_reviewer,
    submission_write,
)
from indicators.validation import submit_problems, values_of
from institutions.models import ReportingUnit
from institutions.roles import Account


def submission_open(
    *, reporting_unit: ReportingUnit, period: ReportingPeriod, user: Account | None
) -> Submission:
    """The unit's submission for the period, created as a draft the first time.
    The caller has checked that `user` may report for `reporting_unit`."""
    existing = Submission.objects.filter(reporting_unit=reporting_unit, period=period).first()
    if existing:
        return existing
    if not reporting_unit.is_valid_in_year(period.year):
        raise ValidationError(
            _("%(unit)s không còn hiệu lực trong năm %(year)s.")
            % {"unit": reporting_unit.name, "year": period.year}
        )
    with transaction.atomic():
        ensure_period_open(period)
        submission, created = Submission.objects.get_or_create(
            reporting_unit=reporting_unit, period=period
        )
        if created:
            SubmissionEvent.objects.create(
                submission=submission, from_state="", to_state=SubmissionState.DRAFT, user=user
            )
    return submission


def _change_state(
    submission: Submission, *, user: Account | None, to: str, reason: str = ""
) -> None:
    old = submission.state
    submission.state = to
    SubmissionEvent.objects.create(
        submission=submission, from_state=old, to_state=to, reason=reason, user=user
    )
    entry = audit_entry(
        submission=submission,
        object_type="submission",
        object_id=submission.pk,
        object_label=str(submission),
        changes=[("state", old, to)],
        user=user,
    )
    assert entry is not None  # a state change always changes the state
    entry.save()


def submission_check(submission: Submission) -> list[RowProblem]:
    """What stops `submission` from being sent: every required answer still missing
    and every large change not yet explained, institution by institution. Three queries."""
    institutions = list(selectors.institutions_for_submission(submission))
    figures = selectors.figures_by_institution(submission)
    last = selectors.last_year_values([i.pk for i in institutions], submission.period.year)
    problems = []
    for inst in institutions:
        fig = figures.get(inst.pk)
        for p in submit_problems(
            inst.category.code,
            values_of(fig),
            last_year=last.get(inst.pk),
            change_comment=fig.change_comment if fig else "",
        ):
            problems.append(
                RowProblem(inst.pk, institution_label(inst), p.field, p.value, p.message)
            )
    return problems


def submission_submit(
    *, submission: Submission, user: Account | None, version: int | None = None
) -> Submission:
    """draft/returned → submitted, once every required answer is there."""
    with submission_write(submission, version):
        if submission.state not in EDITABLE_STATES:
            raise ValidationError(
                _("Báo cáo đang ở trạng thái «%(state)s», không gửi được.")
                % {"state": submission.get_state_display()}
            )
        problems = submission_check(submission)
        if problems:
            raise FiguresInvalid(problems)
        now = timezone.now()
        _change_state(submission, user=user, to=SubmissionState.SUBMITTED)
        submission.submitted_at = now
        submission.submitted_by = user
        submission.first_submitted_at = submission.first_submitted_at or now
        submission.save(
            update_fields=[
                "state",
                "submitted_at",
                "submitted_by",
                "first_submitted_at",
                "updated_at",
            ]
        )
    return submission


def submission_return(
    *, submission: Submission, user: Account | None, reason: str, version: int | None = None
) -> Submission:
    """submitted/approved → returned, with the reviewer's reason (required)."""
    require_reviewer(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do trả lại để đơn vị biết cần sửa gì.")})
    with submission_write(submission, version):
        if submission.state not in RETURNABLE_STATES:
            raise ValidationError(
                _("Chỉ trả lại được báo cáo đã gửi hoặc đã duyệt (hiện: «%(state)s»).")
                % {"state": submission.get_state_display()}
            )
        _change_state(submission, user=user, to=SubmissionState.RETURNED, reason=reason)
        submission.return_reason = reason
        submission.approved_at = None
        submission.approved_by = None
        submission.save(
            update_fields=["state", "return_reason", "approved_at", "approved_by", "updated_at"]
        )
    return submission


def submission_approve(
    *, submission: Submission, user: Account | None, version: int | None = None
) -> Submission:
    """submitted → approved."""
    require_reviewer(user)
    with submission_write(submission, version):
        if submission.state not in APPROVABLE_STATES:
            raise ValidationError(
                _("Chỉ duyệt được báo cáo đã gửi (hiện: «%(state)s»).")
                % {"state": submission.get_state_display()}
            )
        _change_state(submission, user=user, to=SubmissionState.APPROVED)
        submission.approved_at = timezone.now()
        submission.approved_by = user
        submission.save(update_fields=["state", "approved_at", "approved_by", "updated_at"])
    return submission
