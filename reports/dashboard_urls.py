from __future__ import annotations

from django.urls import path

from reports import status_css
from reports.dashboards import views

urlpatterns = [
    path("dashboard/", views.province_dashboard, name="dashboard"),
    path("dashboard/mine/", views.my_dashboard, name="my_dashboard"),
    path("dashboard/unit/<int:pk>/", views.unit_dashboard, name="unit_dashboard"),
    path("dashboard/behind/", views.institutions_behind, name="institutions_behind"),
    path("dashboard/accountability/", views.accountability, name="accountability"),
    path("status.css", status_css.status_css, name="status_css"),
]
