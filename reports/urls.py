from __future__ import annotations

from django.urls import include, path

# Dashboards (reports/dashboard_urls.py) and the annual report (reports/report_urls.py)
# are kept apart so each can grow without touching the other.
app_name = "reports"
urlpatterns = [
    path("", include("reports.dashboard_urls")),
    path("", include("reports.report_urls")),
]
