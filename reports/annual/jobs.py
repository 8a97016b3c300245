"""The report's files, built out of the request: start a job, run it, read it.

A reviewer asks for the PDF or the workbook; `report_job_start` records a
`ReportJob` and sends the task `reports.build_report_file` once the row is
committed. A worker (or, with no broker configured, the same process: see
CELERY_TASK_ALWAYS_EAGER in settings) runs `report_job_run`, which calls the
report's one entry point (reports/annual/build.py) and stores the bytes. The
page polls the job's status (`report_job_status`) and then offers the file.

Who may start, see and download a job is who may see the report: the views use
the report page's own check (`reviewer_required`), nothing new.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.db.models import F, QuerySet
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from reports.annual.build import report_file, report_filename
from reports.models import ReportDraft, ReportJob

logger = logging.getLogger(__name__)

Kind = ReportJob.Kind
State = ReportJob.State


# Stored as written here (the Vietnamese source text) and translated when shown.
QUEUED = gettext_noop("đang chờ đến lượt…")
RUNNING = gettext_noop("đang tính số liệu và dàn trang…")
LOST = gettext_noop("tác vụ không hoàn thành (máy chạy nền không phản hồi); hãy tạo lại tệp.")


def _stale_before() -> dt.datetime:
    # A job still queued or running this long after it was asked for has lost
    # its worker and its message (the task itself stops at REPORT_JOB_TIME_LIMIT).
    return timezone.now() - dt.timedelta(seconds=2 * settings.REPORT_JOB_TIME_LIMIT)


# --- Writes -----------------------------------------------------------------


def report_job_start(*, draft: ReportDraft, kind: str, user: AbstractBaseUser) -> ReportJob:
    """The job building `draft`'s file of `kind` ("pdf" or "xlsx"): the one
    already queued or running for it if there is one (a second click, or a second
    reviewer, does not build the same file twice), otherwise a new one, whose
    task is sent after the transaction commits. A job left active past twice the
    time limit is marked failed and replaced. Raises ValidationError for an
    unknown kind. Queries: the draft locked for update, the active jobs, at
    most one UPDATE and one INSERT."""
    if kind not in Kind.values:
        raise ValidationError(
            _("Loại tệp không hợp lệ: %(kind)s; chỉ có PDF hoặc Excel.") % {"kind": kind},
            code="kind",
        )
    with transaction.atomic():
        # Serialises two reviewers asking at once, so only one job is made.
        ReportDraft.objects.select_for_update().filter(pk=draft.pk).values_list("pk").get()
        active = list(
            ReportJob.objects.filter(draft=draft, kind=kind, state__in=ReportJob.ACTIVE_STATES)
            .defer("result")
            .order_by("-requested_at", "-pk")
        )
        stale_before = _stale_before()
        fresh = [job for job in active if job.requested_at >= stale_before]
        stale = [job.pk for job in active if job.requested_at < stale_before]
        if stale:
            ReportJob.objects.filter(pk__in=stale).update(
                state=State.FAILED,
                progress="",
                error=LOST,
                finished_at=timezone.now(),
            )
        if fresh:
            return fresh[0]
        job = ReportJob.objects.create(
            draft=draft, kind=kind, requested_by_id=user.pk, progress=QUEUED
        )
        transaction.on_commit(lambda: _send(job.pk))
    return job


def _send(job_id: int) -> None:
    from reports.tasks import build_report_file

    build_report_file.delay(job_id)


def report_job_run(*, job_id: int) -> None:
    """Build the file of job `job_id` and store it: state `done` and the bytes
    in one UPDATE, after which older finished files of the same year and kind
    are deleted. Any failure marks the job `failed` with a message a reviewer
    can act on and stores nothing. A job already finished (a message delivered
    twice) is left alone; one left `running` by a worker that died is built
    again. Database outages are not caught: the task retries them.

    Runs in Vietnamese: the stored progress and error texts are translated
    when shown (`report_job_status`)."""
    with translation.override("vi"):
        claimed = ReportJob.objects.filter(pk=job_id, state__in=ReportJob.ACTIVE_STATES).update(
            state=State.RUNNING,
            started_at=timezone.now(),
            attempts=F("attempts") + 1,
            progress=RUNNING,
        )
        if not claimed:
            return
        job = ReportJob.objects.defer("result").select_related("draft__period").get(pk=job_id)
        try:
            content = report_file(draft=job.draft, fmt=job.kind)  # type: ignore[arg-type]
        except (OperationalError, InterfaceError):
            raise
        except SoftTimeLimitExceeded:
            _fail(job, _("quá thời gian cho phép; hãy thử lại sau."))
            return
        except ValidationError as exc:
            _fail(job, " ".join(exc.messages))
            return
        except Exception:
            logger.exception("report job %s (%s %s) failed", job.pk, job.kind, job.draft_id)
            _fail(
                job,
                _(
                    "lỗi của hệ thống (mã tác vụ %(id)s). "
                    "Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống."
                )
                % {"id": job.pk},
            )
            return
        now = timezone.now()
        with transaction.atomic():
            stored = ReportJob.objects.filter(pk=job.pk, state=State.RUNNING).update(
                state=State.DONE,
                result=content,
                size=len(content),
                progress="",
                error="",
                finished_at=now,
            )
            if stored:
                ReportJob.objects.filter(
                    draft_id=job.draft_id,
                    kind=job.kind,
                    state__in=(State.DONE, State.FAILED),
                    requested_at__lte=job.requested_at,
                ).exclude(pk=job.pk).delete()


def _fail(job: ReportJob, message: str) -> None:
    try:
        ReportJob.objects.filter(pk=job.pk).update(
            state=State.FAILED, progress="", error=message, finished_at=timezone.now()
        )
    except DatabaseError:
        logger.exception("could not mark report job %s failed", job.pk)
        raise


# --- Reads ------------------------------------------------------------------


def report_jobs_latest(*, draft: ReportDraft) -> dict[str, ReportJob | None]:
    """The most recent job of each kind for `draft` (None where there is none),
    without the file's bytes. One query."""
    latest: dict[str, ReportJob | None] = dict.fromkeys(Kind.values)
    jobs = (
        ReportJob.objects.filter(draft=draft)
        .defer("result")
        .select_related("draft__period")
        .order_by("kind", "-requested_at", "-pk")
    )
    for job in jobs:
        if latest[job.kind] is None:
            latest[job.kind] = job
    return latest


def report_job_for_year(*, year: int, pk: int, with_file: bool = False) -> ReportJob:
    """Job `pk` of the report of `year`, or 404 (so a job is reached only
    through its own year's page). The bytes are read only `with_file`. One query."""
    jobs: QuerySet[ReportJob] = ReportJob.objects.select_related("draft__period")
    if not with_file:
        jobs = jobs.defer("result")
    job = jobs.filter(pk=pk, draft__period__year=year).first()
    if job is None:
        raise Http404
    return job


def report_job_filename(job: ReportJob) -> str:
    return report_filename(draft=job.draft, fmt=job.kind)  # type: ignore[arg-type]


def report_job_status(job: ReportJob) -> dict[str, Any]:
    """What the page shows of `job`, in the interface's language: the same
    dictionary is rendered into the page and answered as JSON to its polling
    script (static/js/report-jobs.js). No queries."""
    year = job.draft.period.year
    label = Kind(job.kind).label
    status: dict[str, Any] = {
        "id": job.pk,
        "kind": job.kind,
        "state": job.state,
        "active": job.is_active,
        "status_url": reverse("reports:annual_report_job", args=[year, job.pk]),
        "download_url": None,
        "download_label": "",
        "filename": "",
    }
    if job.is_active:
        # The task's own words for where it is (stored in Vietnamese, shown translated).
        status["message"] = _("Tệp %(kind)s: %(progress)s") % {
            "kind": label,
            "progress": _(job.progress) if job.progress else _("đang chờ…"),
        }
    elif job.state == State.FAILED:
        status["message"] = _("Không tạo được tệp %(kind)s: %(error)s") % {
            "kind": label,
            "error": _(job.error) if job.error else "",
        }
    else:
        finished = timezone.localtime(job.finished_at) if job.finished_at else None
        status["message"] = _("Tệp %(kind)s tạo lúc %(when)s.") % {
            "kind": label,
            "when": formats.date_format(finished, "H:i d/m/Y") if finished else "",
        }
        status["download_url"] = reverse("reports:annual_report_job_download", args=[year, job.pk])
        status["download_label"] = _("Tải %(kind)s (%(size)s)") % {
            "kind": label,
            "size": filesizeformat(job.size or 0),
        }
        status["filename"] = report_job_filename(job)
    return status
