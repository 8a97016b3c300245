"""/api/v1/: the read-only JSON API (see reports/api.py)."""

from __future__ import annotations

from django.urls import path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from reports import api

app_name = "api"
urlpatterns = [
    # /api/v1/ itself was a 404: send people to the documentation.
    path("", RedirectView.as_view(pattern_name="api:docs"), name="root"),
    path("institutions/", api.InstitutionList.as_view(), name="institutions"),
    path("institutions/<str:code>/", api.InstitutionDetail.as_view(), name="institution"),
    path("indicators/", api.IndicatorList.as_view(), name="indicators"),
    path("attainment/", api.AttainmentView.as_view(), name="attainment"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api.DocsView.as_view(), name="docs"),
]
