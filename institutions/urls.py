"""Pages of the registry under review (Vietnamese paths)."""

from __future__ import annotations

from django.urls import path

from institutions import views_registry

app_name = "institutions"
urlpatterns = [
    path("danh-muc/", views_registry.registry_index, name="registry_index"),
    path("danh-muc/xet-duyet/", views_registry.registry_queue, name="registry_queue"),
    path("danh-muc/xet-duyet/<int:pk>/", views_registry.registry_decide, name="registry_decide"),
    path("danh-muc/<str:unit_code>/", views_registry.registry_unit, name="registry_unit"),
]
