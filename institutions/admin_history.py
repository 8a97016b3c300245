"""The one way the admin keeps history: every ModelAdmin that edits reference
data, periods, users' roles or scope derives from `AuditedAdmin`, which keeps
each save and delete (who, when, old and new value of every field, many-to-many
fields included) in the admin's own transaction, through
`institutions.services.history`."""

from __future__ import annotations

from django.contrib import admin
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms import BaseModelFormSet, ModelForm
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

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseModelFormSet, change: bool
    ) -> None:
        # Inline rows (a unit's successions) are kept like the object itself;
        # deletions first, while the rows still have their id.
        model = formset.model
        deleted = [f.instance for f in formset.deleted_forms if f.instance.pk]
        history_record(
            changes=[Change(obj, snapshot(obj), {}) for obj in deleted],
            user=request.user,  # type: ignore[arg-type]
        )
        stored = {
            f.instance.pk: snapshot(model._default_manager.get(pk=f.instance.pk))
            for f in formset.initial_forms
            if f.instance.pk and f.has_changed() and f.instance not in deleted
        }
        super().save_formset(request, form, formset, change)
        changes = [Change(obj, {}, snapshot(obj)) for obj in formset.new_objects]
        changes += [
            Change(obj, stored.get(obj.pk, {}), snapshot(obj))
            for obj, _fields in formset.changed_objects
        ]
        history_record(changes=changes, user=request.user)  # type: ignore[arg-type]

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
