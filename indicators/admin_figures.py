"""Admin for periods, submissions, figures, activities and the audit trail.

Read-mostly: changes to figures and states go through the portal's pages and
services (validation, version check, audit), so the admin shows but does not
edit them; the audit trail cannot be changed or deleted from here."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from indicators.models import (
    Activity,
    AuditEntry,
    Figures,
    PeriodEvent,
    ReportingPeriod,
    Submission,
    SubmissionEvent,
)
from institutions.admin_history import AuditedAdmin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class HistoryInline(admin.TabularInline):
    """History shown beside its object, never added, changed or deleted."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class PeriodEventInline(HistoryInline):
    model = PeriodEvent
    readonly_fields = ["action", "reason", "user", "at"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(AuditedAdmin):
    list_display = ["year", "deadline", "state", "locked_at"]
    # Locking and reopening are recorded services with a reason: the period page does them.
    readonly_fields = ["state", "locked_at", "locked_by", "lock_reason"]
    inlines = [PeriodEventInline]

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        # A period's year is what its reports and their figures are of (and what
        # their kept counts count): set once, when the period is created.
        if obj is not None:
            return ["year", *self.readonly_fields]
        return list(self.readonly_fields)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # A period that was ever locked keeps its history (PeriodEvent is PROTECTed too).
        if obj is not None and isinstance(obj, ReportingPeriod) and obj.events.exists():
            return False
        return super().has_delete_permission(request, obj)


class SubmissionEventInline(HistoryInline):
    model = SubmissionEvent
    readonly_fields = ["from_state", "to_state", "reason", "user", "at"]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["reporting_unit", "period", "state", "submitted_at", "approved_at", "version"]
    list_filter = ["period", "state"]
    search_fields = ["reporting_unit__code", "reporting_unit__name"]
    list_select_related = ["reporting_unit", "period"]
    inlines = [SubmissionEventInline]


@admin.register(Figures)
class FiguresAdmin(ReadOnlyAdmin):
    list_display = ["institution", "year", "submission", "updated_at"]
    list_filter = ["year", "institution__category"]
    search_fields = ["institution__code", "institution__name"]
    list_select_related = ["institution", "submission__reporting_unit", "submission__period"]


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ["title", "date", "task_group", "submission", "participants", "is_deleted"]
    list_filter = ["task_group", "key_day", "is_deleted"]
    list_select_related = ["submission__reporting_unit", "submission__period"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "object_type", "object_label", "changes_shown"]
    list_filter = ["object_type"]
    # The field names and values are searched in the entry's changes.
    search_fields = ["object_label", "changes"]
    list_select_related = ["user"]
    fields = [
        "at",
        "user",
        "submission",
        "object_type",
        "object_id",
        "object_label",
        "changes_shown",
    ]
    readonly_fields = fields

    @admin.display(description=_("các trường thay đổi"))
    def changes_shown(self, entry: AuditEntry) -> str:
        """One line per field changed: its label, old → new (— for blank)."""
        return format_html_join(
            mark_safe("<br>"),
            "{}: {} → {}",
            ((c.label, c.old or "—", c.new or "—") for c in entry.changes_shown()),
        )
