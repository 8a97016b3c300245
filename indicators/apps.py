from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Kế hoạch, chỉ tiêu và số liệu")

    def ready(self) -> None:
        # Keeps the precomputed attainment exact at every write (registers its watcher).
        from indicators import summary  # noqa: F401
