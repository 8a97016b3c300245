from __future__ import annotations

from django.contrib import admin

from indicators.models import Indicator, Milestone, Plan, Target


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["number", "issued_on", "province_name", "baseline_year"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "plan", "sort_order"]
    list_filter = ["plan", "kind"]
    search_fields = ["code", "name"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["code", "indicator", "clause", "label"]
    list_filter = ["indicator"]
    search_fields = ["code", "label", "clause"]
    filter_horizontal = ["categories"]
    inlines = [MilestoneInline]

# Periods, submissions, figures and audit are registered beside them.
from indicators import admin_figures  # noqa: E402,F401
