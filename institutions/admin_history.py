"""The one way the admin keeps history: every ModelAdmin that edits reference
data, periods, users' roles or scope derives from `AuditedAdmin`, which keeps
each save and delete (who, when, old and new value of every field, many-to-many
fields included) in the admin's own transaction, through
`institutions.services.history`."""

from __future__ import annotations

from django.contrib import admin
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from institutions.services.history import Change, history_record, snapshot


class AuditedAdmin(admin.ModelAdmin):
    # The fields kept; None: every editable field (passwords never).
    audited_fields: tuple[str, ...] | None = None

    def _snapshot(self, obj: models.Model) -> dict[str, str]:
        return snapshot(obj, self.audited_fields)

    def save_model(
        self, request: HttpRequest, obj: models.Model, form: ModelForm, change: bool
    ) -> None:
        # "Before" from the database: the form has already written the new values
        # onto `obj`; its many-to-many fields are saved later (save_related).
        before: dict[str, str] = {}
        if change and obj.pk:
            before = self._snapshot(type(obj)._default_manager.get(pk=obj.pk))
        obj._history_before = before  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = getattr(obj, "_history_before", {})
        history_record(changes=[Change(obj, before, self._snapshot(obj))], user=request.user)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        history_record(changes=[Change(obj, self._snapshot(obj), {})], user=request.user)  # type: ignore[arg-type]
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        with transaction.atomic():
            history_record(
                changes=[Change(obj, self._snapshot(obj), {}) for obj in queryset],
                user=request.user,  # type: ignore[arg-type]
            )
            super().delete_queryset(request, queryset)
