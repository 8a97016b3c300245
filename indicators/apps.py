from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Kế hoạch, chỉ tiêu và số liệu")

    def ready(self) -> None:
        # The institutions layer keeps its history and asks about approved reports
        # through these two hooks (it cannot import this layer).
        from indicators.services.audit import audit_record
        from indicators.services.settled import institution_guard
        from institutions.services.history import (
            history_recorder_register,
            institution_guard_register,
        )

        history_recorder_register(audit_record)
        institution_guard_register(institution_guard)
        # Filled alongside every bulk import (its audit lines, the attainment it
        # moves): analysed with what the import wrote.
        from indicators.models import AttainmentCell, AuditEntry
        from institutions.importing import written_alongside_register

        written_alongside_register(AuditEntry, AttainmentCell)
        # Keeps the precomputed attainment exact at every write (registers its watcher).
        from indicators import submission_counts, summary  # noqa: F401
