"""Reporting periods: open a year, move its deadline, lock and reopen it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import PeriodEvent, PeriodState, ReportingPeriod
from indicators.selectors import current_plan
from indicators.services.audit import audit_changes, audit_snapshot
from indicators.services.common import ensure_period_open, require_reviewer
from institutions.roles import Account, is_reviewer

# What the audit trail keeps of a period (locking and reopening also have PeriodEvent).
PERIOD_AUDITED = ("year", "deadline", "data_cutoff", "state", "lock_reason")


def period_open(
    *, year: int, user: Account | None, deadline: dt.date | None = None
) -> ReportingPeriod:
    """The period of `year`, created (open, deadline 05/12 unless given) if missing.
    Only years of the plan (its baseline year to its last milestone) can be opened:
    a mistyped year would otherwise become a period every officer is asked about."""
    require_reviewer(user)
    plan = current_plan()
    if plan is None:
        raise ValidationError(_("Chưa có kế hoạch: hãy chạy load_reference trước."))
    horizon = getattr(plan, "horizon", None) or plan.baseline_year  # annotated by current_plan
    if not plan.baseline_year <= year <= horizon:
        raise ValidationError(
            _("Năm %(year)s nằm ngoài Kế hoạch %(plan)s (từ %(first)s đến %(last)s).")
            % {
                "year": year,
                "plan": plan.number,
                "first": plan.baseline_year,
                "last": horizon,
            }
        )
    with transaction.atomic():
        period, created = ReportingPeriod.objects.get_or_create(
            year=year, defaults={"deadline": deadline or ReportingPeriod.default_deadline(year)}
        )
        if created:
            audit_changes(
                obj=period, before={}, after=audit_snapshot(period, PERIOD_AUDITED), user=user
            )
    return period


def period_set_deadline(
    *, period: ReportingPeriod, user: Account | None, deadline: dt.date
) -> ReportingPeriod:
    """Move an open period's deadline (reviewers only) within its year or early
    the next. Raises ValidationError otherwise. Queries: the lock check, an UPDATE."""
    require_reviewer(user)
    if deadline.year not in (period.year, period.year + 1):
        raise ValidationError(
            {
                "deadline": _("Hạn nộp phải thuộc năm %(year)s hoặc đầu năm sau.")
                % {"year": period.year}
            }
        )
    with transaction.atomic():
        ensure_period_open(period)
        stored = ReportingPeriod.objects.get(pk=period.pk)
        before = audit_snapshot(stored, PERIOD_AUDITED)
        period.deadline = deadline
        period.full_clean()
        period.save(update_fields=["deadline"])
        audit_changes(
            obj=period, before=before, after=audit_snapshot(period, PERIOD_AUDITED), user=user
        )
    return period


def period_set_reminders(
    *, period: ReportingPeriod, user: Account | None, reminder_days: str
) -> ReportingPeriod:
    """Set the reminder day-marks of an open period ("14,7,2"; blank: none),
    written back in their canonical form. Reviewers only; ValidationError on
    anything but whole numbers. Queries: the lock check, an UPDATE."""
    require_reviewer(user)
    with transaction.atomic():
        ensure_period_open(period)
        period.reminder_days = reminder_days.strip()
        period.full_clean()
        period.reminder_days = ",".join(str(m) for m in period.reminder_marks)
        period.save(update_fields=["reminder_days"])
    return period


def period_lock(*, period: ReportingPeriod, user: Account, reason: str) -> ReportingPeriod:
    """Lock a period (after the report is issued); recorded with who, when, why."""
    require_reviewer(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do khóa kỳ báo cáo.")})
    with transaction.atomic():
        period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        if period.is_locked:
            raise ValidationError(_("Kỳ báo cáo năm %(year)s đã khóa rồi.") % {"year": period.year})
        before = audit_snapshot(period, PERIOD_AUDITED)
        period.state = PeriodState.LOCKED
        period.locked_at = timezone.now()
        period.locked_by = user
        period.lock_reason = reason
        period.save(update_fields=["state", "locked_at", "locked_by", "lock_reason"])
        PeriodEvent.objects.create(
            period=period, action=PeriodEvent.Action.LOCK, reason=reason, user=user
        )
        audit_changes(
            obj=period, before=before, after=audit_snapshot(period, PERIOD_AUDITED), user=user
        )
    return period


def period_reopen(*, period: ReportingPeriod, user: Account, reason: str) -> ReportingPeriod:
    """Reopen a locked period: reviewers only, with a reason, recorded."""
    if user is None or not is_reviewer(user):
        raise ValidationError(_("Chỉ chuyên viên Sở VHTTDL mới được mở lại kỳ báo cáo."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do mở lại kỳ báo cáo.")})
    with transaction.atomic():
        period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        if not period.is_locked:
            raise ValidationError(_("Kỳ báo cáo năm %(year)s đang mở.") % {"year": period.year})
        before = audit_snapshot(period, PERIOD_AUDITED)
        period.state = PeriodState.OPEN
        period.save(update_fields=["state"])
        PeriodEvent.objects.create(
            period=period, action=PeriodEvent.Action.REOPEN, reason=reason, user=user
        )
        audit_changes(
            obj=period, before=before, after=audit_snapshot(period, PERIOD_AUDITED), user=user
        )
    return period
