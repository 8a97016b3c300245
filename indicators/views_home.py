"""The home page: the open year, and for each person what is next, from the
real state of their reports."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from indicators import selectors
from indicators.models import PeriodState, ReportingPeriod, Submission, SubmissionState
from indicators.states import NOT_STARTED, StateStyle, state_style
from institutions.models import ReportingUnit
from institutions.roles import is_reporter, is_reviewer, reporting_units_for_user


@dataclass(frozen=True)
class NextStep:
    """What a reporter has to do next for one unit, with the one button to do it."""

    unit: ReportingUnit
    state: str
    style: StateStyle
    message: str
    action: str
    url: str
    urgent: bool


def next_step(
    unit: ReportingUnit, submission: Submission | None, period: ReportingPeriod
) -> NextStep:
    state = submission.state if submission else NOT_STARTED
    left = selectors.days_left(period)
    deadline = period.deadline.strftime("%d/%m/%Y")
    if left >= 0:
        due = _("Hạn nộp %(deadline)s, còn %(n)s ngày.") % {"deadline": deadline, "n": left}
    else:
        due = _("Đã quá hạn nộp %(deadline)s %(n)s ngày.") % {"deadline": deadline, "n": -left}
    url = (
        reverse("indicators:submission", args=[submission.pk])
        if submission
        else reverse("indicators:entry_open", args=[period.year, unit.code])
    )
    if state == SubmissionState.RETURNED:
        message = _("Sở VHTTDL đã trả lại báo cáo. Lý do: %(reason)s") % {
            "reason": submission.return_reason or "—"  # type: ignore[union-attr]
        }
        message += " " + due
        action, urgent = _("Sửa và gửi lại"), True
    elif state == SubmissionState.SUBMITTED:
        sent = submission.submitted_at  # type: ignore[union-attr]
        message = _("Đã gửi ngày %(day)s, đang chờ Sở VHTTDL duyệt.") % {
            "day": sent.strftime("%d/%m/%Y") if sent else "—"
        }
        action, urgent = _("Xem báo cáo đã gửi"), False
    elif state == SubmissionState.APPROVED:
        message = _("Báo cáo năm %(year)s đã được duyệt: không còn việc gì cần làm.") % {
            "year": period.year
        }
        action, urgent = _("Xem báo cáo"), False
    elif state == SubmissionState.DRAFT:
        message = _("Đang nhập, chưa gửi.") + " " + due
        action, urgent = _("Tiếp tục nhập và gửi"), True
    else:
        message = _("Chưa nhập số liệu năm %(year)s.") % {"year": period.year} + " " + due
        action, urgent = _("Bắt đầu nhập"), True
    return NextStep(unit, state, state_style(state), message, action, url, urgent)


def home(request: HttpRequest) -> HttpResponse:
    """Say which year is open and what this user has to do in it. Reporters get
    one line per unit they report for; reviewers the reports awaiting them."""
    period = ReportingPeriod.objects.filter(state=PeriodState.OPEN).order_by("-year").first()
    context: dict[str, object] = {"period": period}
    user = request.user
    if user.is_authenticated and is_reporter(user):
        context["my_units"] = list(reporting_units_for_user(user).filter(members=user))
        if period is not None:
            context["steps"] = [
                next_step(unit, sub, period)
                for unit, sub in selectors.units_for_entry(user, period.year)
            ]
    elif user.is_authenticated and is_reviewer(user) and period is not None:
        context["queue"] = selectors.completeness(period)
    return render(request, "home.html", context)
