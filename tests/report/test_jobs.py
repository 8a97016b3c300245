"""The report's files are built by a background job, never inside the request:
who may ask, follow and download; what the page shows while it runs, when it is
done and when it fails; a job delivered twice or left by a dead worker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.annual import jobs
from reports.models import ReportJob
from tests.conftest import client_for
from tests.report.conftest import YEAR

pytestmark = pytest.mark.django_db

JSON = {"Accept": "application/json"}


def _start_url(kind: str = "pdf", year: int = YEAR) -> str:
    return reverse("reports:annual_report_job_start", args=[year, kind])


def _job(report_year, reviewer, **fields) -> ReportJob:
    return ReportJob.objects.create(
        draft=report_year.draft, kind="pdf", requested_by=reviewer, **fields
    )


@pytest.fixture
def queued_only(monkeypatch):
    """Tasks sent are recorded, not run: as with a broker and no worker yet."""
    sent: list[int] = []
    monkeypatch.setattr("reports.annual.jobs._send", sent.append)
    return sent


def test_the_request_only_queues_the_job_and_the_worker_builds_the_file(
    report_year, reviewer, queued_only, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    client = client_for(reviewer)
    built: list[str] = []
    real = jobs.report_file
    with django_capture_on_commit_callbacks(execute=True):
        monkeypatch.setattr(jobs, "report_file", lambda **kw: built.append("x") or b"")
        status = client.post(_start_url(), headers=JSON).json()
    assert built == []  # nothing was built while the reviewer's request waited
    job = ReportJob.objects.get()
    assert queued_only == [job.pk]  # sent after the row was committed
    assert (status["state"], status["active"], status["download_url"]) == ("queued", True, None)
    assert status["message"] == "Tệp PDF: đang chờ đến lượt…"
    assert (job.requested_by, job.draft, job.kind) == (reviewer, report_year.draft, "pdf")

    monkeypatch.setattr(jobs, "report_file", real)
    jobs.report_job_run(job_id=job.pk)  # what the worker does
    status = client.get(status["status_url"]).json()
    assert status["state"] == "done" and not status["active"]
    assert status["message"].startswith("Tệp PDF tạo lúc ")
    assert status["download_label"].startswith("Tải PDF (")
    pdf = client.get(status["download_url"])
    assert pdf.content.startswith(b"%PDF")


def test_a_second_click_follows_the_job_already_under_way(
    report_year, reviewer, queued_only, django_capture_on_commit_callbacks
) -> None:
    client = client_for(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(_start_url(), headers=JSON).json()
        again = client_for(reviewer).post(_start_url(), headers=JSON).json()
        other_kind = client.post(_start_url("xlsx"), headers=JSON).json()
    assert again["id"] == first["id"]
    assert other_kind["id"] != first["id"]
    assert len(queued_only) == 2
    assert ReportJob.objects.count() == 2


def test_a_job_whose_worker_vanished_long_ago_is_replaced(
    report_year, reviewer, queued_only, settings, django_capture_on_commit_callbacks
) -> None:
    lost = _job(report_year, reviewer, state=ReportJob.State.RUNNING)
    long_ago = timezone.now() - dt.timedelta(seconds=2 * settings.REPORT_JOB_TIME_LIMIT + 60)
    ReportJob.objects.filter(pk=lost.pk).update(requested_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        status = client_for(reviewer).post(_start_url(), headers=JSON).json()
    assert status["id"] != lost.pk and status["state"] == "queued"
    lost.refresh_from_db()
    assert lost.state == ReportJob.State.FAILED
    assert "máy chạy nền không phản hồi" in lost.error


def test_the_page_shows_the_file_when_it_is_ready_without_the_script(
    report_year, reviewer, django_capture_on_commit_callbacks
) -> None:
    client = client_for(reviewer)
    page = client.get(reverse("reports:annual_report", args=[YEAR])).content.decode()
    assert 'data-testid="build-pdf"' in page and 'data-testid="build-xlsx"' in page
    assert "js/report-jobs.js" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_start_url())  # a plain form post: no JSON asked
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:annual_report", args=[YEAR])
    page = client.get(response["Location"]).content.decode()
    job = ReportJob.objects.get()
    assert reverse("reports:annual_report_job_download", args=[YEAR, job.pk]) in page
    assert "Tải PDF (" in page


def test_a_job_under_way_is_followed_by_the_page(report_year, reviewer) -> None:
    job = _job(report_year, reviewer, state=ReportJob.State.RUNNING, progress=jobs.RUNNING)
    page = client_for(reviewer).get(reverse("reports:annual_report", args=[YEAR])).content.decode()
    status_url = reverse("reports:annual_report_job", args=[YEAR, job.pk])
    assert f'data-status-url="{status_url}"' in page
    assert "Tệp PDF: đang tính số liệu và dàn trang…" in page
    assert reverse("reports:annual_report_job_download", args=[YEAR, job.pk]) not in page
    # Nothing to download yet.
    url = reverse("reports:annual_report_job_download", args=[YEAR, job.pk])
    assert client_for(reviewer).get(url).status_code == 404


def test_a_failed_build_says_so_in_vietnamese_and_leaves_no_file(
    report_year, reviewer, build_file, monkeypatch
) -> None:
    def broken(**kwargs):
        raise RuntimeError("WeasyPrint exploded")

    monkeypatch.setattr(jobs, "report_file", broken)
    client = client_for(reviewer)
    status = build_file(client, "pdf")
    job = ReportJob.objects.get()
    assert job.state == ReportJob.State.FAILED and job.result is None and job.size is None
    assert status["state"] == "failed" and status["download_url"] is None
    assert status["message"] == (
        f"Không tạo được tệp PDF: lỗi của hệ thống (mã tác vụ {job.pk}). "
        "Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống."
    )
    assert "WeasyPrint" not in status["message"]  # the cause goes to the log, not the page
    page = client.get(reverse("reports:annual_report", args=[YEAR])).content.decode()
    assert f"mã tác vụ {job.pk}" in page
    url = reverse("reports:annual_report_job_download", args=[YEAR, job.pk])
    assert client.get(url).status_code == 404


def test_a_message_delivered_twice_builds_once(report_year, reviewer, monkeypatch) -> None:
    job = _job(report_year, reviewer)
    jobs.report_job_run(job_id=job.pk)
    done = ReportJob.objects.get(pk=job.pk)
    monkeypatch.setattr(jobs, "report_file", lambda **kw: pytest.fail("built twice"))
    jobs.report_job_run(job_id=job.pk)
    again = ReportJob.objects.get(pk=job.pk)
    assert (again.state, bytes(again.result), again.attempts) == (
        "done",
        bytes(done.result),
        1,
    )


def test_a_job_left_running_by_a_dead_worker_is_built_again(report_year, reviewer) -> None:
    # acks_late: the dead worker never acknowledged the message, Redis hands it on.
    job = _job(report_year, reviewer, state=ReportJob.State.RUNNING, attempts=1)
    jobs.report_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == ReportJob.State.DONE and job.attempts == 2
    assert bytes(job.result).startswith(b"%PDF") and job.size == len(job.result)


def test_a_new_file_replaces_the_older_ones_of_its_kind(report_year, reviewer) -> None:
    old_pdf = _job(report_year, reviewer, state=ReportJob.State.DONE, result=b"%PDF old")
    old_failed = _job(report_year, reviewer, state=ReportJob.State.FAILED, error="x")
    xlsx = ReportJob.objects.create(
        draft=report_year.draft, kind="xlsx", requested_by=reviewer, state="done", result=b"PK"
    )
    new = _job(report_year, reviewer)
    jobs.report_job_run(job_id=new.pk)
    remaining = set(ReportJob.objects.values_list("pk", flat=True))
    assert remaining == {new.pk, xlsx.pk}
    assert old_pdf.pk not in remaining and old_failed.pk not in remaining


def test_an_anonymous_visitor_is_sent_to_log_in(report_year, reviewer) -> None:
    job = _job(report_year, reviewer, state=ReportJob.State.DONE, result=b"%PDF")
    client = client_for(None)
    for response in (
        client.post(_start_url()),
        client.get(reverse("reports:annual_report_job", args=[YEAR, job.pk])),
        client.get(reverse("reports:annual_report_job_download", args=[YEAR, job.pk])),
    ):
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
    assert ReportJob.objects.count() == 1


@pytest.mark.parametrize("persona", ["officer_a", "officer_b", "sector_reporter"])
def test_officers_neither_start_nor_see_nor_download_a_job(
    report_year, reviewer, persona, request
) -> None:
    job = _job(report_year, reviewer, state=ReportJob.State.DONE, result=b"%PDF")
    client = client_for(request.getfixturevalue(persona))
    assert client.post(_start_url(), headers=JSON).status_code == 404
    assert client.get(reverse("reports:annual_report_job", args=[YEAR, job.pk])).status_code == 404
    url = reverse("reports:annual_report_job_download", args=[YEAR, job.pk])
    assert client.get(url).status_code == 404
    assert ReportJob.objects.count() == 1


def test_a_job_is_reached_only_through_its_own_year(report_year, reviewer) -> None:
    job = _job(report_year, reviewer, state=ReportJob.State.DONE, result=b"%PDF")
    client = client_for(reviewer)
    assert client.get(reverse("reports:annual_report_job", args=[2024, job.pk])).status_code == 404
    url = reverse("reports:annual_report_job_download", args=[2024, job.pk])
    assert client.get(url).status_code == 404


def test_asking_only_by_post(report_year, reviewer) -> None:
    client = client_for(reviewer)
    assert client.get(_start_url()).status_code == 405
    assert ReportJob.objects.count() == 0


def test_the_status_is_not_cached_and_costs_a_fixed_number_of_queries(
    report_year, reviewer, django_assert_num_queries
) -> None:
    job = _job(report_year, reviewer, state=ReportJob.State.DONE, result=b"%PDF" * 1000)
    client = client_for(reviewer)
    url = reverse("reports:annual_report_job", args=[YEAR, job.pk])
    # Session, user, groups (reviewer_required); the job with its draft and period.
    with django_assert_num_queries(4):
        response = client.get(url)
    assert response["Cache-Control"] == "no-store"
    assert response.json()["state"] == "done"


def test_a_build_past_the_time_limit_fails_the_job_with_a_message(
    report_year, reviewer, monkeypatch
) -> None:
    from celery.exceptions import SoftTimeLimitExceeded

    def too_long(**kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(jobs, "report_file", too_long)
    job = _job(report_year, reviewer)
    jobs.report_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.result) == (ReportJob.State.FAILED, None)
    assert jobs.report_job_status(job)["message"] == (
        "Không tạo được tệp PDF: quá thời gian cho phép; hãy thử lại sau."
    )


def test_a_lost_database_connection_is_left_to_the_tasks_retry(
    report_year, reviewer, monkeypatch
) -> None:
    from django.db import OperationalError

    def database_gone(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(jobs, "report_file", database_gone)
    job = _job(report_year, reviewer)
    with pytest.raises(OperationalError):
        jobs.report_job_run(job_id=job.pk)
    job.refresh_from_db()
    # Still running: the retried task (or the next delivery) takes it up again.
    assert job.state == ReportJob.State.RUNNING and job.error == ""
