from __future__ import annotations

from django.urls import include, path

from reports import views_open_data

# Dashboards (reports/dashboard_urls.py) and the annual report (reports/report_urls.py)
# are kept apart so each can grow without touching the other.
app_name = "reports"
urlpatterns = [
    path("", include("reports.dashboard_urls")),
    path("", include("reports.report_urls")),
    # Open data: approved figures and attainment, public.
    path("du-lieu-mo/", views_open_data.open_data_index, name="open_data"),
    path(
        "du-lieu-mo/<int:year>/bao-cao-ban-hanh.pdf",
        views_open_data.open_data_report,
        name="open_data_report",
    ),
    path(
        "du-lieu-mo/<int:year>/<str:dataset>.<str:fmt>",
        views_open_data.open_data_file,
        name="open_data_file",
    ),
]
