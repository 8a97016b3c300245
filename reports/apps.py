from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Đánh giá và báo cáo")

    def ready(self) -> None:
        # Every write to the portal's tables gives the data a new version, which
        # the cached parts of pages are keyed by (reports/page_cache.py).
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate, pre_migrate

        from reports import page_cache

        connection_created.connect(page_cache.watch_connection)
        pre_migrate.connect(page_cache.pause_for_migrate, sender=self)
        post_migrate.connect(page_cache.resume_after_migrate, sender=self)
