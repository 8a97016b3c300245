"""The annual report's pages (namespace "reports", see reports/urls.py)."""

from __future__ import annotations

from django.urls import path

from reports.annual import views

urlpatterns = [
    path("bao-cao-nam/", views.report_index, name="annual_report_index"),
    path("bao-cao-nam/<int:year>/", views.report_page, name="annual_report"),
    path("bao-cao-nam/<int:year>/xem-truoc/", views.report_preview, name="annual_report_preview"),
    path(
        "bao-cao-nam/<int:year>/tai-ve.<str:fmt>",
        views.report_download,
        name="annual_report_download",
    ),
    path("bao-cao-nam/<int:year>/ban-hanh/", views.report_issue_view, name="annual_report_issue"),
]
