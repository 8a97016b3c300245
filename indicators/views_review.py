"""The provincial reviewer's pages: queue, return/approve, completeness, periods."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators import selectors, services
from indicators.forms import DeadlineForm, PeriodForm, ReasonForm, ReturnForm
from indicators.models import ReportingPeriod
from institutions.roles import reviewer_required


def _redirect_to_latest_year(page: str) -> HttpResponse:
    """`page` for the newest open period (else the newest period); the periods
    page when there is none yet."""
    period = selectors.open_periods().first() or ReportingPeriod.objects.order_by("-year").first()
    if period is None:
        return redirect("indicators:periods")
    return redirect(page, year=period.year)


@reviewer_required
def review_latest(request: HttpRequest) -> HttpResponse:
    return _redirect_to_latest_year("indicators:review_queue")


@reviewer_required
def review_queue(request: HttpRequest, year: int) -> HttpResponse:
    """Every unit expected in the period, with state, date sent, late or not.
    Three queries whatever the number of units or institutions."""
    period = selectors.get_period(year)
    rows = selectors.review_queue(period, with_changes=True)
    return render(
        request,
        "indicators/review_queue.html",
        {
            "period": period,
            "rows": rows,
            "days_left": selectors.days_left(period),
            "years": ReportingPeriod.objects.values_list("year", flat=True),
        },
    )


@reviewer_required
@require_POST
def review_action(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.get_submission_for_user(request.user, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Biểu mẫu không hợp lệ, hãy tải lại trang."))
        return redirect("indicators:submission", pk=pk)
    version = form.cleaned_data["version"]
    try:
        if "approve" in request.POST:
            services.submission_approve(submission=submission, user=request.user, version=version)
            messages.success(
                request,
                _("Đã duyệt báo cáo của %(unit)s.") % {"unit": submission.reporting_unit.name},
            )
        else:
            services.submission_return(
                submission=submission,
                user=request.user,
                reason=form.cleaned_data["reason"],
                version=version,
            )
            messages.success(
                request,
                _("Đã trả lại báo cáo của %(unit)s.") % {"unit": submission.reporting_unit.name},
            )
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    return redirect("indicators:submission", pk=pk)


@reviewer_required
def completeness(request: HttpRequest, year: int) -> HttpResponse:
    period = selectors.get_period(year)
    return render(
        request,
        "indicators/completeness.html",
        {
            "period": period,
            "c": selectors.completeness(period, registry=True),
            "years": ReportingPeriod.objects.values_list("year", flat=True),
        },
    )


@reviewer_required
def completeness_latest(request: HttpRequest) -> HttpResponse:
    return _redirect_to_latest_year("indicators:completeness")


@reviewer_required
def periods(request: HttpRequest) -> HttpResponse:
    """Open a new year, change a deadline, lock or reopen a period."""
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.period_open(
                year=form.cleaned_data["year"],
                user=request.user,
                deadline=form.cleaned_data["deadline"],
            )
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            messages.success(request, _("Kỳ báo cáo năm %(year)s đã mở.") % {"year": period.year})
            return redirect("indicators:periods")
    rows = ReportingPeriod.objects.select_related("locked_by").prefetch_related("events__user")
    return render(
        request,
        "indicators/periods.html",
        {
            "form": form,
            "periods": rows,
            "deadline_form": DeadlineForm(),
            "reason_form": ReasonForm(),
        },
    )


@reviewer_required
@require_POST
def period_action(request: HttpRequest, year: int) -> HttpResponse:
    period = selectors.get_period(year)
    action = request.POST.get("action")
    try:
        if action == "deadline":
            form = DeadlineForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Hạn nộp phải có dạng dd/mm/yyyy."))
            services.period_set_deadline(
                period=period, user=request.user, deadline=form.cleaned_data["deadline"]
            )
            messages.success(request, _("Đã đổi hạn nộp năm %(year)s.") % {"year": year})
        elif action == "reminders":
            services.period_set_reminders(
                period=period,
                user=request.user,
                reminder_days=request.POST.get("reminder_days", ""),
            )
            messages.success(request, _("Đã đổi lịch nhắc hạn năm %(year)s.") % {"year": year})
        elif action in ("lock", "reopen"):
            reason = request.POST.get("reason", "")
            if action == "lock":
                services.period_lock(period=period, user=request.user, reason=reason)
                messages.success(request, _("Đã khóa kỳ báo cáo năm %(year)s.") % {"year": year})
            else:
                services.period_reopen(period=period, user=request.user, reason=reason)
                messages.success(request, _("Đã mở lại kỳ báo cáo năm %(year)s.") % {"year": year})
        else:
            raise ValidationError(_("Thao tác không hợp lệ."))
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    return redirect("indicators:periods")
