"""Reminder e-mails before the deadline, and the reviewers' daily digest
(issue 13, item 4). Run once a day by the Celery beat schedule
(indicators/tasks.py, CELERY_BEAT_SCHEDULE) or by hand (`send_reminders`).

- Reminders: from each of the period's day-marks (ReportingPeriod.reminder_days,
  "14,7,2") until the deadline, every officer of a unit expected to report and
  not yet sent (not started, draft) or returned gets one e-mail per day-mark, in
  Vietnamese, with the link to the unit's entry page.
- Digest: every reviewer gets one e-mail a day listing the submissions that
  came in the day before (none sent on a day with nothing to tell).

Each message is logged in ReminderLog, whose constraints make a second run for
the same day send nothing new.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User as Account
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from indicators import selectors
from indicators.models import (
    ReminderKind,
    ReminderLog,
    ReportingPeriod,
    SubmissionEvent,
    SubmissionState,
)
from indicators.states import state_style
from institutions.models import ReportingUnit
from institutions.roles import Role

# Units whose officers are reminded: not started (""), still a draft, or returned.
DUE_STATES = ("", SubmissionState.DRAFT, SubmissionState.RETURNED)
REPORTER_ROLES = (Role.DISTRICT_OFFICER, Role.SECTOR_REPORTER)


@dataclass(frozen=True)
class RemindersSent:
    reminders: int
    digests: int


def day_mark(period: ReportingPeriod, on: dt.date) -> int | None:
    """The day-mark `on` falls under: the smallest mark at least the days left
    (13 days left with marks 14, 7, 2: the 14-day mark), so a run missed on the
    mark's own day still sends it the next. None before the first mark and
    after the deadline."""
    left = (period.deadline - on).days
    if left < 0:
        return None
    marks = [m for m in period.reminder_marks if m >= left]
    return min(marks) if marks else None


def reminders_send(*, on: dt.date) -> RemindersSent:
    """Send the reminders and digests due on `on` that were not sent yet, each
    logged. Queries: the open periods; per period in a reminder window the review
    queue, the units' officers and the log; for the digest the day's events, the
    reviewers and the log; one INSERT per message."""
    with translation.override("vi"):
        reminders = sum(_remind_period(period, on) for period in selectors.open_periods())
        digests = _send_digests(on)
    return RemindersSent(reminders, digests)


def _officers(unit_ids: list[int]) -> dict[int, list[Account]]:
    users = (
        Account.objects.filter(is_active=True, groups__name__in=REPORTER_ROLES)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    units = ReportingUnit.objects.filter(pk__in=unit_ids).prefetch_related(
        Prefetch("members", queryset=users, to_attr="officers")
    )
    return {u.pk: u.officers for u in units}


def _remind_period(period: ReportingPeriod, on: dt.date) -> int:
    mark = day_mark(period, on)
    if mark is None:
        return 0
    due = [
        row
        for row in selectors.review_queue(period, on=on)
        if getattr(row.unit, "institution_count", 0) and row.state in DUE_STATES
    ]
    if not due:
        return 0
    officers = _officers([row.unit.pk for row in due])
    already = set(
        ReminderLog.objects.filter(
            kind=ReminderKind.REMINDER, period=period, day_mark=mark
        ).values_list("to", "reporting_unit_id")
    )
    left = (period.deadline - on).days
    sent = 0
    for row in due:
        link = _absolute(reverse("indicators:entry_open", args=[period.year, row.unit.code]))
        for user in officers.get(row.unit.pk, []):
            if (user.email, row.unit.pk) in already:
                continue
            subject, body = _reminder_text(period, row, user, left=left, link=link)
            sent += _send_logged(
                ReminderLog(
                    kind=ReminderKind.REMINDER,
                    to=user.email,
                    subject=subject,
                    reporting_unit=row.unit,
                    period=period,
                    day_mark=mark,
                    sent_on=on,
                ),
                body,
            )
    return sent


def _reminder_text(
    period: ReportingPeriod, row: selectors.QueueRow, user: Account, *, left: int, link: str
) -> tuple[str, str]:
    year = period.year
    deadline = formats.date_format(period.deadline, "d/m/Y")
    subject = _("Nhắc hạn nộp báo cáo năm %(year)s của %(unit)s: còn %(left)s ngày") % {
        "year": year,
        "unit": row.unit.name,
        "left": left,
    }
    lines = [
        _("Kính gửi %(name)s,") % {"name": user.get_full_name() or user.username},
        "",
        _(
            "Báo cáo số liệu học tập suốt đời năm %(year)s của %(unit)s chưa được gửi "
            "(trạng thái: %(state)s). Hạn nộp: %(deadline)s, còn %(left)s ngày."
        )
        % {
            "year": year,
            "unit": row.unit.name,
            "state": state_style(row.state).label,
            "deadline": deadline,
            "left": left,
        },
    ]
    if row.state == SubmissionState.RETURNED and row.submission and row.submission.return_reason:
        lines += [
            "",
            _("Lý do Sở VHTTDL trả lại: %(reason)s") % {"reason": row.submission.return_reason},
        ]
    lines += [
        "",
        _("Nhập và gửi số liệu tại: %(link)s") % {"link": link},
        "",
        _(
            "Thư này được gửi tự động từ cổng theo dõi Kế hoạch học tập suốt đời; vui lòng không trả lời."
        ),
    ]
    return subject, "\n".join(lines)


def _reviewers() -> QuerySet[Account]:
    return (
        Account.objects.filter(is_active=True, groups__name=Role.PROVINCIAL_REVIEWER)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def submissions_came_in(day: dt.date) -> list[SubmissionEvent]:
    """The submissions sent (to «đã gửi») during `day`, local time, oldest first,
    with unit, period and sender joined. One query."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return list(
        SubmissionEvent.objects.filter(
            to_state=SubmissionState.SUBMITTED,
            at__gte=start,
            at__lt=start + dt.timedelta(days=1),
        )
        .select_related("submission__reporting_unit", "submission__period", "user")
        .order_by("at", "pk")
    )


def _send_digests(on: dt.date) -> int:
    yesterday = on - dt.timedelta(days=1)
    events = submissions_came_in(yesterday)
    if not events:
        return 0
    already = set(
        ReminderLog.objects.filter(kind=ReminderKind.DIGEST, sent_on=on).values_list(
            "to", flat=True
        )
    )
    subject = _("Tổng hợp ngày %(day)s: %(n)s báo cáo mới gửi") % {
        "day": formats.date_format(yesterday, "d/m/Y"),
        "n": len(events),
    }
    lines = [
        _("Các báo cáo đơn vị đã gửi trong ngày %(day)s:")
        % {"day": formats.date_format(yesterday, "d/m/Y")},
        "",
    ]
    for e in events:
        sub = e.submission
        lines.append(
            _("- %(unit)s (%(code)s), năm %(year)s, gửi lúc %(at)s bởi %(who)s: %(link)s")
            % {
                "unit": sub.reporting_unit.name,
                "code": sub.reporting_unit.code,
                "year": sub.period.year,
                "at": formats.date_format(timezone.localtime(e.at), "H:i d/m/Y"),
                "who": (e.user.get_full_name() or e.user.username) if e.user else _("hệ thống"),
                "link": _absolute(reverse("indicators:submission", args=[sub.pk])),
            }
        )
    lines += ["", _("Thư này được gửi tự động; vui lòng không trả lời.")]
    body = "\n".join(lines)
    sent = 0
    for user in _reviewers():
        if user.email in already:
            continue
        sent += _send_logged(
            ReminderLog(kind=ReminderKind.DIGEST, to=user.email, subject=subject, sent_on=on),
            body,
        )
    return sent


def _send_logged(log: ReminderLog, body: str) -> int:
    """Log then send, in one transaction: a failed send leaves no log line (the
    next run tries again), and a run racing this one for the same message hits
    the log's unique constraint and sends nothing."""
    try:
        with transaction.atomic():
            log.save()
            send_mail(log.subject, body, None, [log.to])
    except IntegrityError:
        return 0
    return 1


def _absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path
