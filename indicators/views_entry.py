"""Officers' pages: open the year, enter figures, Excel both ways, activities.

Every submission comes through selectors.get_submission_for_user (404 outside
scope); every write goes through indicators.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from indicators import selectors, services
from indicators.changes import changes_since_review
from indicators.entry_slice import PROBLEMS_SHOWN, SliceParams, entry_slice
from indicators.excel import cell_problems, read_table, template_build
from indicators.forms import (
    ActivityForm,
    FiguresForm,
    ReturnForm,
    UploadForm,
    VersionForm,
    posted_institution_ids,
)
from indicators.models import Submission, SubmissionState
from indicators.services import FiguresInvalid, RowProblem
from institutions.roles import get_reporting_unit_for_user, is_reviewer

MAX_WARNINGS_SHOWN = 30


def _error_text(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


@login_required
def entry_index(request: HttpRequest) -> HttpResponse:
    """The years open for entry and, for each, the units this user reports for."""
    years = [
        (period, selectors.units_for_entry(request.user, period.year))
        for period in selectors.open_periods()
    ]
    return render(request, "indicators/entry_index.html", {"years": years})


@login_required
def entry_open(request: HttpRequest, year: int, unit_code: str) -> HttpResponse:
    """Open (creating the draft the first time) a unit's submission for a year."""
    unit = get_reporting_unit_for_user(request.user, unit_code)
    period = selectors.get_period(year)
    existing = (
        selectors.submissions_for_user(request.user)
        .filter(reporting_unit=unit, period=period)
        .first()
    )
    if existing:
        return redirect("indicators:submission", pk=existing.pk)
    if not selectors.can_report_for(request.user, unit.pk):
        raise Http404("No submission")
    try:
        submission = services.submission_open(reporting_unit=unit, period=period, user=request.user)
    except ValidationError as exc:
        for m in _error_text(exc):
            messages.error(request, m)
        return redirect("indicators:entry_index")
    return redirect("indicators:submission", pk=submission.pk)


def _entry_context(
    request: HttpRequest,
    submission: Submission,
    form: FiguresForm | None = None,
    *,
    directory: list[selectors.DirectoryEntry] | None = None,
    submit_problems: list[RowProblem] | None = None,
) -> dict:
    """The entry page's context: the slice of institutions the address asks
    for (`indicators.entry_slice`) drawn as inputs, and what concerns the whole
    submission (progress over every institution, actions, activities, uploads,
    history). `form`, when given, is the bound form of a refused post."""
    period = submission.period
    actions = selectors.submission_actions(request.user, submission)
    reviewer = is_reviewer(request.user)
    params, notices = SliceParams.from_query(request.GET)
    if directory is None:
        directory = selectors.institution_directory(submission)
    shown = entry_slice(directory, params, notices)
    if form is None:
        ids = [e.pk for e in shown.entries]
        form = FiguresForm(
            initial={"version": submission.version},
            institutions=shown.entries,
            figures=selectors.figures_by_institution(submission, institution_ids=ids),
            last_year=selectors.last_year_values(ids, period.year),
            read_only=not actions.edit,
        )
    if submit_problems:
        form.add_problems(submit_problems)
    groups = form.grouped_blocks()
    counts = shown.category_counts
    for group in groups:
        group.unit_total, group.unit_complete = counts.get(
            group.category.code, (len(group.blocks), group.complete)
        )
    return {
        "submission": submission,
        "period": period,
        "form": form,
        "groups": groups,
        "slice": shown,
        "actions": actions,
        "is_reviewer": reviewer,
        "return_form": ReturnForm(initial={"version": submission.version}),
        "late": selectors.is_late(submission, period),
        "days_left": selectors.days_left(period),
        "activities": list(selectors.activities_for_submission(submission)),
        "history": selectors.submission_history(submission),
        "uploads": list(selectors.uploads_for_submission(submission)),
        # Issued annual reports of the year, in the same list, for reviewers
        # (their download is a reviewer's page); read through the period's
        # reverse relation, so this layer imports nothing from reports.
        "issued_reports": (
            list(
                period.issued_reports.defer("pdf", "xlsx")
                .select_related("issued_by")
                .order_by("-version")
            )
            if reviewer
            else []
        ),
        "changes_since": changes_since_review(submission) if reviewer else None,
        "submit_problems": submit_problems or [],
        "problem_links": shown.problem_links(submit_problems or []),
        "more_problems": max(0, len(submit_problems or []) - PROBLEMS_SHOWN),
        "States": SubmissionState,
    }


def _slice_address(request: HttpRequest, submission: Submission) -> str:
    """The entry page of the slice the request came from (its query string)."""
    params, _notices = SliceParams.from_query(request.GET)
    return reverse("indicators:submission", args=[submission.pk]) + params.query(page=params.page)


@login_required
@require_http_methods(["GET", "POST"])
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The entry page: a slice of the unit's institutions open that year (a
    category, a page, a search: `indicators.entry_slice`), grouped by category,
    last year's values beside the fields; save a draft or submit. A post saves
    the inputs it carries (the slice's, or every institution's at once) and
    lands back on the same slice. A fixed number of queries whatever the number
    of institutions."""
    submission = selectors.get_submission_for_user(request.user, pk)
    if request.method == "GET":
        return render(request, "indicators/submission.html", _entry_context(request, submission))

    if not selectors.can_report_for(request.user, submission.reporting_unit_id):
        raise Http404("Not a reporter of this unit")
    directory = selectors.institution_directory(submission)
    by_pk = {e.pk: e for e in directory}
    posted = posted_institution_ids(request.POST)
    # A posted field naming an institution outside this submission is tampering.
    if posted - by_pk.keys():
        raise Http404("Unknown institution")
    institutions = [e for e in directory if e.pk in posted]
    form = FiguresForm(
        request.POST,
        institutions=institutions,
        figures=selectors.figures_by_institution(submission, institution_ids=posted),
        last_year=selectors.last_year_values(list(posted), submission.period.year),
    )
    if not form.is_valid():
        return render(
            request,
            "indicators/submission.html",
            _entry_context(request, submission, form, directory=directory),
            status=400,
        )
    submitting = "submit" in request.POST
    try:
        result = services.figures_save(
            submission=submission,
            user=request.user,
            rows=form.rows(),
            version=form.cleaned_data["version"],
        )
    except FiguresInvalid as exc:
        form.add_problems(exc.problems)
        messages.error(
            request,
            _("Chưa lưu: có %(n)s giá trị không hợp lệ, xem các ô tô đỏ.")
            % {"n": len(exc.problems)},
        )
        return render(
            request,
            "indicators/submission.html",
            _entry_context(request, submission, form, directory=directory),
            status=400,
        )
    except ValidationError as exc:
        for m in _error_text(exc):
            messages.error(request, m)
        return render(
            request,
            "indicators/submission.html",
            _entry_context(request, submission, form, directory=directory),
            status=409,
        )
    back = _slice_address(request, submission)
    if not submitting:
        # Submitting, a large change still unexplained comes back as a submit
        # problem (listed once, there) and an explained one needs no warning.
        for w in result.warnings[:MAX_WARNINGS_SHOWN]:
            messages.warning(request, f"{w.institution}: {w.message}")
        messages.success(request, _("Đã lưu nháp."))
        return redirect(back)
    try:
        services.submission_submit(
            submission=submission, user=request.user, version=submission.version
        )
    except FiguresInvalid as exc:
        # Built again from what is now stored: the save just changed it.
        context = _entry_context(request, submission, submit_problems=exc.problems)
        return render(request, "indicators/submission.html", context, status=400)
    except ValidationError as exc:
        for m in _error_text(exc):
            messages.error(request, m)
        return redirect(back)
    messages.success(request, _("Đã gửi báo cáo. Sở VHTTDL sẽ xem xét và phản hồi."))
    return redirect(back)


@login_required
def template_download(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.get_submission_for_user(request.user, pk)
    institutions = list(selectors.institutions_for_submission(submission))
    content = template_build(
        submission=submission,
        institutions=institutions,
        figures=selectors.figures_by_institution(submission),
        last_year=selectors.last_year_values([i.pk for i in institutions], submission.period.year),
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"so-lieu-{submission.reporting_unit.code}-{submission.period.year}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def figures_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload the filled template (xlsx or csv): all or nothing, every bad cell listed."""
    submission = selectors.get_submission_for_user(request.user, pk)
    if not selectors.can_report_for(request.user, submission.reporting_unit_id):
        raise Http404("Not a reporter of this unit")
    context = {"submission": submission, "period": submission.period}
    if request.method == "GET":
        context["form"] = UploadForm(initial={"version": submission.version})
        return render(request, "indicators/upload.html", context)
    form = UploadForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, "indicators/upload.html", context, status=400)
    upload = form.cleaned_data["file"]
    content = upload.read()
    table = read_table(content, upload.name)
    problems = list(table.problems)

    def keep(problems: list) -> None:
        # Every file is kept, refused or accepted, after the import's own
        # transaction has committed or rolled back.
        services.upload_record(
            submission=submission,
            user=request.user,
            filename=upload.name,
            content=content,
            problems=problems,
        )

    if not problems:
        try:
            results = services.figures_import(
                rows=table.rows,
                year=submission.period.year,
                user=request.user,
                submission=submission,
                version=form.cleaned_data["version"],
            )
        except FiguresInvalid as exc:
            problems = cell_problems(table, exc.problems)
        except ValidationError as exc:
            keep([{"message": m} for m in _error_text(exc)])
            for m in _error_text(exc):
                messages.error(request, m)
            return render(request, "indicators/upload.html", context, status=409)
    keep(problems)
    if problems:
        context["problems"] = problems
        return render(request, "indicators/upload.html", context, status=400)
    messages.success(
        request, _("Đã nhận tệp: số liệu của %(n)s thiết chế đã được lưu.") % {"n": len(table.rows)}
    )
    for w in [w for r in results.values() for w in r.warnings][:MAX_WARNINGS_SHOWN]:
        messages.warning(request, f"{w.institution}: {w.message}")
    return redirect("indicators:submission", pk=submission.pk)


@login_required
def upload_download(request: HttpRequest, pk: int) -> HttpResponse:
    """An uploaded file, byte for byte as it came, for its unit's officers and
    the reviewers (404 for anyone else)."""
    upload = selectors.get_upload_for_user(request.user, pk)
    response = HttpResponse(bytes(upload.content), content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, upload.filename)
    response["X-Content-SHA256"] = upload.sha256
    return response


# ---------------------------------------------------------------- activities
def _activity_form_page(
    request: HttpRequest, submission: Submission, activity=None
) -> HttpResponse:
    if not selectors.can_report_for(request.user, submission.reporting_unit_id):
        raise Http404("Not a reporter of this unit")
    institutions = selectors.institutions_for_submission(submission)
    if request.method == "POST":
        form = ActivityForm(request.POST, instance=activity, institutions=institutions)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            data["key_day"] = data.get("key_day") or ""
            version = form.cleaned_data["version"]
            try:
                if activity is None:
                    services.activity_create(
                        submission=submission, user=request.user, data=data, version=version
                    )
                else:
                    services.activity_update(
                        activity=activity, user=request.user, data=data, version=version
                    )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, errors in exc.error_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
            else:
                messages.success(request, _("Đã lưu hoạt động."))
                return redirect("indicators:submission", pk=submission.pk)
    else:
        form = ActivityForm(
            instance=activity, institutions=institutions, initial={"version": submission.version}
        )
    return render(
        request,
        "indicators/activity_form.html",
        {"form": form, "submission": submission, "activity": activity},
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest, pk: int) -> HttpResponse:
    submission = selectors.get_submission_for_user(request.user, pk)
    return _activity_form_page(request, submission)


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, pk)
    return _activity_form_page(request, activity.submission, activity)


@login_required
@require_POST
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, pk)
    submission = activity.submission
    if not selectors.can_report_for(request.user, submission.reporting_unit_id):
        raise Http404("Not a reporter of this unit")
    form = VersionForm(request.POST)
    try:
        services.activity_delete(
            activity=activity,
            user=request.user,
            version=form.cleaned_data["version"] if form.is_valid() else None,
        )
    except ValidationError as exc:
        for m in _error_text(exc):
            messages.error(request, m)
    else:
        messages.success(
            request,
            _("Đã xóa hoạt động «%(title)s» (vẫn lưu trong nhật ký).") % {"title": activity.title},
        )
    return redirect("indicators:submission", pk=submission.pk)
