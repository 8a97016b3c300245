"""The administrator's pages for the plan: indicators, targets and milestones.

Milestone rules (non-negative, band ordered) are checked in the form as well as
by the database, so that a bad entry gets a Vietnamese message naming the field
instead of a database error."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator, Milestone, Plan, Target


def _number(value: Decimal) -> str:
    """100.00 → "100", 12.50 → "12.5" (normalize() would give "1E+2")."""
    return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["year", "value", "value_max"]

    def clean(self) -> dict:
        data = super().clean()
        value, value_max = data.get("value"), data.get("value_max")
        if value is not None and value < 0:
            self.add_error("value", _("Giá trị mục tiêu không được âm."))
        if value is not None and value_max is not None and value_max < value:
            self.add_error(
                "value_max",
                _("Giá trị tối đa của khoảng (%(max)s) phải lớn hơn hoặc bằng giá trị (%(min)s).")
                % {"max": value_max, "min": value},
            )
        return data


class MilestoneInline(admin.TabularInline):
    model = Milestone
    form = MilestoneForm
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["code", "kind", "sort_order"]
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["number", "issued_on", "province_name", "baseline", "issuer"]
    search_fields = ["number", "title", "province_name"]
    inlines = [IndicatorInline]

    @admin.display(description=_("năm gốc"), ordering="baseline_year")
    def baseline(self, plan: Plan) -> str:
        return str(plan.baseline_year)  # "2023", not the localised "2.023"


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "plan", "sort_order"]
    list_filter = ["plan", "kind"]
    search_fields = ["code", "name", "name_en"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "indicator", "clause", "target_2025", "target_2030"]
    list_filter = ["indicator__plan", "indicator", "categories"]
    search_fields = ["code", "label", "clause", "indicator__code"]
    filter_horizontal = ["categories"]
    inlines = [MilestoneInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super().get_queryset(request).select_related("indicator").prefetch_related("milestones")
        )

    @staticmethod
    def _milestone(target: Target, year: int) -> str:
        for milestone in target.milestones.all():
            if milestone.year == year:
                band = f"–{_number(milestone.value_max)}" if milestone.value_max else ""
                return f"{_number(milestone.value)}{band}\u00a0%"
        return "—"

    @admin.display(description=_("mục tiêu 2025"))
    def target_2025(self, target: Target) -> str:
        return self._milestone(target, 2025)

    @admin.display(description=_("mục tiêu 2030"))
    def target_2030(self, target: Target) -> str:
        return self._milestone(target, 2030)


# Periods, submissions, figures and audit are registered beside them.
from indicators import admin_figures  # noqa: E402,F401
