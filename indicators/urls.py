from __future__ import annotations

app_name = "indicators"
urlpatterns: list = []
