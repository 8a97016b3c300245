"""Background tasks of the reports app (Celery: gialai_lifelong/celery.py)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from reports.annual.jobs import report_job_run


@shared_task(
    name="reports.build_report_file",
    # Acknowledged only when done (settings: CELERY_TASK_ACKS_LATE), so a worker
    # that dies mid-build leaves the message to another; a lost database
    # connection is retried here, everything else fails the job with a message.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=settings.REPORT_JOB_TIME_LIMIT,
    time_limit=settings.REPORT_JOB_TIME_LIMIT + 60,
)
def build_report_file(job_id: int) -> None:
    report_job_run(job_id=job_id)
