"""The annual report's pages (namespace "reports", see reports/urls.py)."""

from __future__ import annotations

from django.urls import path

from reports.annual import views

urlpatterns = [
    path("bao-cao-nam/", views.report_index, name="annual_report_index"),
    path("bao-cao-nam/<int:year>/", views.report_page, name="annual_report"),
    path("bao-cao-nam/<int:year>/xem-truoc/", views.report_preview, name="annual_report_preview"),
    # The files are built in the background: ask (POST), follow the job, download.
    path(
        "bao-cao-nam/<int:year>/tao-tep.<str:fmt>",
        views.report_job_start_view,
        name="annual_report_job_start",
    ),
    path("bao-cao-nam/<int:year>/tep/<int:pk>/", views.report_job_view, name="annual_report_job"),
    path(
        "bao-cao-nam/<int:year>/tep/<int:pk>/tai-ve/",
        views.report_job_download,
        name="annual_report_job_download",
    ),
    path("bao-cao-nam/<int:year>/ban-hanh/", views.report_issue_view, name="annual_report_issue"),
    # An issued version's files, byte for byte as issued.
    path(
        "bao-cao-nam/<int:year>/ban-hanh/<int:version>.<str:fmt>",
        views.issued_download,
        name="annual_report_issued",
    ),
]
