"""The administrator's pages for reference data. Labels come from the models'
verbose names (Vietnamese, translatable); rules come from the models' `clean`
and constraints, so a bad entry here gets the same message as a bad import."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from institutions.admin_history import AuditedAdmin
from institutions.models import (
    AdministrativeUnit,
    Category,
    Institution,
    RegistryChange,
    ReportingUnit,
    UnitSuccession,
)
from institutions.services.history import (
    InstitutionChange,
    as_sentence,
    institution_change_problems,
)


class ValidityFilter(admin.SimpleListFilter):
    """Codes are reused across the 2025 reorganisation: let the administrator
    look at one generation of units at a time."""

    title = _("hiệu lực")
    parameter_name = "validity"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("current", _("Còn hiệu lực hôm nay")), ("ended", _("Đã hết hiệu lực"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        today = dt.date.today()
        if self.value() == "current":
            return queryset.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today)).filter(
                Q(valid_from__isnull=True) | Q(valid_from__lte=today)
            )
        if self.value() == "ended":
            return queryset.filter(valid_to__lt=today)
        return queryset


class OpenFilter(admin.SimpleListFilter):
    title = _("tình trạng hoạt động")
    parameter_name = "open"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("yes", _("Đang hoạt động")), ("no", _("Đã ngừng hoạt động"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        year = dt.date.today().year
        if self.value() == "yes":
            return queryset.open_in(year)
        if self.value() == "no":
            return queryset.filter(closed_year__lt=year)
        return queryset


class SuccessionInline(admin.TabularInline):
    model = UnitSuccession
    fk_name = "predecessor"
    extra = 0
    autocomplete_fields = ["successor"]
    fields = ["successor", "effective_on", "source", "confidence"]
    verbose_name = _("đơn vị kế thừa")
    verbose_name_plural = _("được kế thừa bởi")


class PredecessorInline(admin.TabularInline):
    model = UnitSuccession
    fk_name = "successor"
    extra = 0
    autocomplete_fields = ["predecessor"]
    fields = ["predecessor", "effective_on", "source", "confidence"]
    verbose_name = _("đơn vị tiền thân")
    verbose_name_plural = _("kế thừa từ")


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "parent", "valid_from", "valid_to"]
    list_filter = ["level", ValidityFilter, "valid_from", "valid_to"]
    search_fields = ["code", "name", "parent__name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    inlines = [SuccessionInline, PredecessorInline]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(AuditedAdmin):
    list_display = ["predecessor", "successor", "effective_on", "confidence"]
    list_filter = ["effective_on", "confidence"]
    search_fields = ["predecessor__name", "successor__name", "predecessor__code", "successor__code"]
    autocomplete_fields = ["predecessor", "successor"]
    list_select_related = ["predecessor", "successor"]


@admin.register(ReportingUnit)
class ReportingUnitAdmin(AuditedAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "admin_unit",
        "valid_from",
        "valid_to",
        "institution_count",
    ]
    list_filter = ["kind", ValidityFilter]
    search_fields = ["code", "name", "admin_unit__name"]
    autocomplete_fields = ["admin_unit"]
    filter_horizontal = ["members"]
    list_select_related = ["admin_unit"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_institutions=Count("institutions"))

    @admin.display(description=_("số thiết chế"), ordering="_institutions")
    def institution_count(self, obj: ReportingUnit) -> int:
        return obj._institutions


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ["code", "name", "name_en", "family", "admin_level", "sort_order"]
    list_filter = ["family", "admin_level"]
    search_fields = ["code", "name", "name_en"]

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        # The code is what the plan's targets, the data dictionary and the kept
        # attainment and counts name the category by: set once, at creation.
        if obj is not None:
            return ["code", *self.readonly_fields]
        return list(self.readonly_fields)


class InstitutionForm(forms.ModelForm):
    """Approved stays approved: a new institution or a change that would alter a
    year already approved or locked is refused, naming the report, by the rule
    the import and the registry ask too (indicators.services.settled)."""

    class Meta:
        model = Institution
        fields = [
            "code",
            "name",
            "category",
            "admin_unit",
            "reporting_unit",
            "opened_year",
            "closed_year",
        ]

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        stored = Institution.objects.get(pk=self.instance.pk) if self.instance.pk else None
        after = Institution(
            pk=self.instance.pk,
            code=data["code"],
            name=data["name"],
            category=data["category"],
            admin_unit=data["admin_unit"],
            reporting_unit=data["reporting_unit"],
            opened_year=data["opened_year"],
            closed_year=data.get("closed_year"),
        )
        problems = institution_change_problems([InstitutionChange(stored, after)]).get(0, {})
        for name, message in problems.items():
            self.add_error(name, as_sentence(message))
        return data


@admin.register(Institution)
class InstitutionAdmin(AuditedAdmin):
    form = InstitutionForm
    list_display = [
        "code",
        "name",
        "category",
        "admin_unit",
        "reporting_unit",
        "opened",
        "closed",
    ]
    list_filter = [
        "category",
        OpenFilter,
        "admin_unit__level",
        "reporting_unit__kind",
        "closed_year",
    ]
    search_fields = ["code", "name", "admin_unit__name", "admin_unit__code", "reporting_unit__code"]
    autocomplete_fields = ["admin_unit", "reporting_unit"]
    list_select_related = ["category", "admin_unit", "reporting_unit"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["code", "name", "category"]}),
        (
            _("Đơn vị"),
            {
                "fields": ["admin_unit", "reporting_unit"],
                "description": _(
                    "Đơn vị hành chính là nơi thiết chế đặt trụ sở (chọn đúng đơn vị theo "
                    "thời kỳ: mã có thể được dùng lại sau 01/07/2025); đơn vị báo cáo là "
                    "đơn vị hiện chịu trách nhiệm báo cáo."
                ),
            },
        ),
        (_("Thời gian hoạt động"), {"fields": ["opened_year", "closed_year"]}),
    ]

    # Years shown as written ("2010"), not as localised numbers ("2.010").
    @admin.display(description=_("năm hoạt động"), ordering="opened_year")
    def opened(self, obj: Institution) -> str:
        return str(obj.opened_year)

    @admin.display(description=_("năm ngừng hoạt động"), ordering="closed_year")
    def closed(self, obj: Institution) -> str:
        return "" if obj.closed_year is None else str(obj.closed_year)


# Users' roles (groups) and rights: every change kept like any other admin change.
# Their scope (the reporting units they report for) is ReportingUnit.members,
# kept by ReportingUnitAdmin above.
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class AuditedUserAdmin(AuditedAdmin, UserAdmin):
    audited_fields = (
        "username",
        "first_name",
        "last_name",
        "email",
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
    )


@admin.register(Group)
class AuditedGroupAdmin(AuditedAdmin, GroupAdmin):
    audited_fields = ("name", "permissions")


@admin.register(RegistryChange)
class RegistryChangeAdmin(admin.ModelAdmin):
    """The registry's history, read only: proposals are decided on the reviewer's
    page (institutions.services.registry), never edited here."""

    list_display = ["proposed_at", "reporting_unit", "kind", "code", "state", "decided_by"]
    list_filter = ["state", "kind"]
    search_fields = ["code", "name", "reporting_unit__code"]
    list_select_related = ["reporting_unit", "decided_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
