"""The reviewer's report page: edit the draft, preview it, download, issue.

Reviewers (and administrators) only: an anonymous visitor is sent to log in and
any other signed-in user gets 404, so the page does not announce itself.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from indicators.models import ReportingPeriod
from institutions.roles import reviewer_required
from reports.annual.build import (
    CONTENT_TYPES,
    FORMATS,
    report_file,
    report_filename,
    report_preview_html,
)
from reports.annual.forms import ReportDraftForm
from reports.models import ReportDraft
from reports.services import report_draft_for_year, report_draft_update, report_issue


def _draft_or_404(year: int) -> ReportDraft:
    try:
        return report_draft_for_year(year=year)
    except ValidationError as exc:
        raise Http404(" ".join(exc.messages)) from exc


@reviewer_required(hidden=True)
def report_index(request: HttpRequest) -> HttpResponse:
    period = ReportingPeriod.objects.order_by("-year").first()
    if period is None:
        raise Http404(_("Chưa có kỳ báo cáo."))
    return redirect("reports:annual_report", year=period.year)


@reviewer_required(hidden=True)
@require_http_methods(["GET", "POST"])
def report_page(request: HttpRequest, year: int) -> HttpResponse:
    draft = _draft_or_404(year)
    form = ReportDraftForm(request.POST or None, instance=draft)
    if request.method == "POST" and form.is_valid():
        try:
            report_draft_update(draft=draft, user=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu dự thảo báo cáo."))
            return redirect("reports:annual_report", year=year)
    draft.refresh_from_db()
    years = list(ReportingPeriod.objects.order_by("-year").values_list("year", flat=True))
    return render(
        request,
        "reports/annual/page.html",
        {
            "draft": draft,
            "form": form,
            "year": year,
            "years": years,
            "editable": not (draft.is_issued and draft.period.is_locked),
        },
        status=400 if form.errors else 200,
    )


@reviewer_required(hidden=True)
@xframe_options_sameorigin
@require_http_methods(["GET", "POST"])
def report_preview(request: HttpRequest, year: int) -> HttpResponse:
    """The report as HTML. POST renders the form's unsaved values (nothing is
    written), so the preview follows the reviewer's typing."""
    draft = _draft_or_404(year)
    if request.method == "POST":
        form = ReportDraftForm(request.POST, instance=draft)
        if form.is_valid():
            draft = form.save(commit=False)  # never saved: preview only
    return HttpResponse(report_preview_html(draft=draft))


DOWNLOAD_TOKEN = re.compile(r"dl[a-z0-9]{1,16}")


@reviewer_required(hidden=True)
def report_download(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    draft = _draft_or_404(year)
    content = report_file(draft=draft, fmt=fmt)  # type: ignore[arg-type]
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="{report_filename(draft=draft, fmt=fmt)}"'  # type: ignore[arg-type]
    )
    token = request.GET.get("download_token", "")
    if DOWNLOAD_TOKEN.fullmatch(token):
        # static/js/busy.js waits for this cookie to clear its "building…" notice.
        response.set_cookie(token, "1", max_age=120, samesite="Strict")
    return response


@reviewer_required(hidden=True)
@require_POST
def report_issue_view(request: HttpRequest, year: int) -> HttpResponse:
    draft = _draft_or_404(year)
    try:
        report_issue(draft=draft, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Đã ban hành báo cáo năm %(year)s; kỳ báo cáo đã được khóa.") % {"year": year},
        )
    return redirect("reports:annual_report", year=year)


def _add_errors(form: ReportDraftForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
