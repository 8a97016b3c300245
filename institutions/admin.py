from __future__ import annotations

from django.contrib import admin

from institutions.models import (
    AdministrativeUnit,
    Category,
    Institution,
    ReportingUnit,
    UnitSuccession,
)


class SuccessionInline(admin.TabularInline):
    model = UnitSuccession
    fk_name = "predecessor"
    extra = 0
    autocomplete_fields = ["successor"]
    fields = ["successor", "effective_on", "source", "confidence"]


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "valid_from", "valid_to"]
    list_filter = ["level", "valid_from", "valid_to"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    inlines = [SuccessionInline]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "effective_on", "confidence"]
    list_filter = ["effective_on", "confidence"]
    search_fields = ["predecessor__name", "successor__name", "predecessor__code", "successor__code"]
    autocomplete_fields = ["predecessor", "successor"]
    list_select_related = ["predecessor", "successor"]


@admin.register(ReportingUnit)
class ReportingUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "admin_unit", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["admin_unit"]
    filter_horizontal = ["members"]
    list_select_related = ["admin_unit"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "family", "admin_level", "sort_order"]
    list_filter = ["family"]
    search_fields = ["code", "name", "name_en"]


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "category",
        "admin_unit",
        "reporting_unit",
        "opened_year",
        "closed_year",
    ]
    list_filter = ["category", "reporting_unit__kind", "closed_year"]
    search_fields = ["code", "name", "admin_unit__name", "reporting_unit__code"]
    autocomplete_fields = ["admin_unit", "reporting_unit"]
    list_select_related = ["category", "admin_unit", "reporting_unit"]
