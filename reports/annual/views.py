"""The reviewer's report page: edit the draft, preview it, build and download
its files (in the background: reports/annual/jobs.py), issue.

Reviewers (and administrators) only: an anonymous visitor is sent to log in and
any other signed-in user gets 404, so the page does not announce itself.
"""

from __future__ import annotations

from csp.constants import SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from indicators.models import ReportingPeriod
from indicators.selectors import completeness
from institutions.roles import reviewer_required
from reports.annual.build import CONTENT_TYPES, FORMATS, report_preview_html
from reports.annual.forms import ReportDraftForm
from reports.annual.jobs import (
    report_job_filename,
    report_job_for_year,
    report_job_start,
    report_job_status,
    report_jobs_latest,
)
from reports.annual.signing import signing_configured
from reports.models import IssuedReport, ReportDraft, ReportJob
from reports.services import (
    issue_problems,
    report_draft_for_year,
    report_draft_update,
    report_issue,
)


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
            "jobs": _job_statuses(draft),
            "issued_versions": list(
                IssuedReport.objects.filter(period_id=draft.period_id)
                .select_related("issued_by")
                .defer("pdf", "xlsx")
                .order_by("-version")
            ),
            "issue_problems": [m for ms in issue_problems(draft).values() for m in ms],
            "not_sent": _units_not_sent(draft),
            "signing_configured": signing_configured(),
        },
        status=400 if form.errors else 200,
    )


@reviewer_required(hidden=True)
@xframe_options_sameorigin
# The report page shows this in its iframe; CSP's frame-ancestors overrides
# X-Frame-Options in browsers, so it says the same: this portal's pages only.
@csp_replace({"frame-ancestors": [SELF]})
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


@reviewer_required(hidden=True)
@require_POST
def report_job_start_view(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    """Ask for the year's PDF or workbook: a background job builds it (never
    this request). The page's script gets the job's status as JSON (202) and
    polls it; without the script, the page is shown again with the job on it."""
    if fmt not in ReportJob.Kind.values:
        raise Http404
    draft = _draft_or_404(year)
    job = report_job_start(draft=draft, kind=fmt, user=request.user)
    job.refresh_from_db(fields=["state", "progress", "error", "size", "finished_at"])
    if _wants_json(request):
        return _status_response(report_job_status(job), status_code=202)
    return redirect("reports:annual_report", year=year)


@reviewer_required(hidden=True)
@require_GET
def report_job_view(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """The job's state as JSON, for the page's polling script."""
    return _status_response(report_job_status(report_job_for_year(year=year, pk=pk)))


@reviewer_required(hidden=True)
@require_GET
def report_job_download(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    job = report_job_for_year(year=year, pk=pk, with_file=True)
    if not job.is_done or job.result is None:
        raise Http404(_("Tệp chưa được tạo xong."))
    response = HttpResponse(bytes(job.result), content_type=CONTENT_TYPES[job.kind])
    response["Content-Disposition"] = f'attachment; filename="{report_job_filename(job)}"'
    return response


def _job_statuses(draft: ReportDraft) -> list[dict[str, object]]:
    """Per kind of file, what the page shows: its button and its latest job."""
    latest = report_jobs_latest(draft=draft)
    statuses = []
    for kind, label in ReportJob.Kind.choices:
        job = latest[kind]
        statuses.append(
            {"kind": kind, "label": label, "job": report_job_status(job) if job else None}
        )
    return statuses


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _status_response(status: dict[str, object], *, status_code: int = 200) -> JsonResponse:
    response = JsonResponse(status, status=status_code)
    response["Cache-Control"] = "no-store"
    return response


@reviewer_required(hidden=True)
def issued_download(request: HttpRequest, year: int, version: int, fmt: str) -> HttpResponse:
    """An issued version's file, byte for byte as it was issued."""
    if fmt not in FORMATS:
        raise Http404
    issued = get_object_or_404(IssuedReport, period__year=year, version=version)
    response = HttpResponse(issued.file(fmt), content_type=CONTENT_TYPES[fmt])
    name = f"bao-cao-ke-hoach-3632-nam-{year}-ban-hanh-v{version}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-SHA256"] = issued.sha256(fmt)
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


def _units_not_sent(draft: ReportDraft) -> int:
    """Expected units whose report has not been sent (the review queue's count)."""
    counts = completeness(draft.period)
    return counts.expected - counts.submitted


def _add_errors(form: ReportDraftForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
