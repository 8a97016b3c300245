"""Serializers of the read-only JSON API (/api/v1/). Numbers are JSON numbers."""

from __future__ import annotations

from rest_framework import serializers

from indicators.models import Indicator, Milestone, Target
from institutions.models import AdministrativeUnit, Institution
from reports.attainment import STATUS_STYLES, Status

STATUS_HELP = "; ".join(
    f"`{status.value}` ({style.label}): {style.meaning}" for status, style in STATUS_STYLES.items()
)


class AdministrativeUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdministrativeUnit
        fields = ["code", "name", "level", "valid_from", "valid_to"]


class InstitutionSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    admin_unit = AdministrativeUnitSerializer()
    reporting_unit = serializers.CharField(source="reporting_unit.code")
    reporting_unit_name = serializers.CharField(source="reporting_unit.name")

    class Meta:
        model = Institution
        fields = [
            "code",
            "name",
            "category",
            "category_name",
            "admin_unit",
            "reporting_unit",
            "reporting_unit_name",
            "opened_year",
            "closed_year",
        ]


class MilestoneSerializer(serializers.ModelSerializer):
    value = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False)
    value_max = serializers.DecimalField(
        max_digits=6, decimal_places=2, coerce_to_string=False, allow_null=True
    )

    class Meta:
        model = Milestone
        fields = ["year", "value", "value_max"]


class TargetSerializer(serializers.ModelSerializer):
    categories = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    milestones = MilestoneSerializer(many=True)

    class Meta:
        model = Target
        fields = ["code", "label", "label_en", "clause", "categories", "milestones"]


class IndicatorSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="plan.number")
    baseline_year = serializers.IntegerField(source="plan.baseline_year")
    targets = TargetSerializer(many=True)

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "name_en",
            "kind",
            "criterion_fields",
            "quantity_field",
            "plan",
            "baseline_year",
            "targets",
        ]


def _number(**kwargs: object) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=False, allow_null=True, **kwargs
    )


class AttainmentRowSerializer(serializers.Serializer):
    """One ShareRow or GrowthRow (reports/attainment.py); `kind` says which, and
    the other kind's fields are absent."""

    kind = serializers.ChoiceField(choices=["share", "growth"])
    indicator = serializers.CharField()
    target_code = serializers.CharField()
    label = serializers.CharField()
    categories = serializers.ListField(child=serializers.CharField())
    year = serializers.IntegerField()
    unit = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=[s.value for s in Status], help_text=STATUS_HELP)
    status_label = serializers.SerializerMethodField(help_text="the status in Vietnamese")
    reason = serializers.CharField(help_text="why not applicable, no data, or off track")
    target = _number()
    target_2025 = _number()
    target_2030 = _number()
    milestone_year = serializers.IntegerField(allow_null=True)
    phase_start_year = serializers.IntegerField(allow_null=True)
    reported = serializers.IntegerField()
    expected = serializers.IntegerField()
    awaiting_approval = serializers.BooleanField()
    # share rows
    numerator = serializers.IntegerField(required=False)
    denominator = serializers.IntegerField(required=False)
    not_reported = serializers.IntegerField(required=False)
    value = _number(required=False)
    baseline_value = _number(required=False)
    projected_value = _number(required=False)
    yearly_gain_needed = _number(required=False, help_text="points a year still needed")
    gap = _number(required=False, help_text="milestone year, not achieved: points that remained")
    previous_value = _number(required=False)
    previous_numerator = serializers.IntegerField(required=False, allow_null=True)
    previous_denominator = serializers.IntegerField(required=False, allow_null=True)
    phase_start_denominator = serializers.IntegerField(required=False, allow_null=True)
    denominator_change = serializers.SerializerMethodField(
        help_text="how the institutions counted moved since the phase start (null: unchanged)"
    )
    # growth rows
    yoy_growth = _number(required=False)
    average_growth = _number(required=False)
    matched_institutions = serializers.IntegerField(required=False)
    yoy_matched_institutions = serializers.IntegerField(required=False)
    target_max = _number(required=False)
    target_2030_max = _number(required=False)
    panel_start_total = serializers.IntegerField(required=False, allow_null=True)
    panel_end_total = serializers.IntegerField(required=False, allow_null=True)
    total_reported = serializers.IntegerField(required=False, allow_null=True)

    def get_status_label(self, instance: object) -> str:
        return str(STATUS_STYLES[Status(instance.status)].label)

    def get_denominator_change(self, instance: object) -> dict | None:
        change = getattr(instance, "denominator_change", None)
        if change is None:
            return None
        return {
            "start_year": change.start_year,
            "start": change.start,
            "now": change.now,
            "closed": change.closed,
            "opened": change.opened,
            "text": change.text(),
        }

    def to_representation(self, instance: object) -> dict:
        data = super().to_representation(instance)
        share_only = {
            "numerator",
            "denominator",
            "not_reported",
            "value",
            "baseline_value",
            "projected_value",
            "yearly_gain_needed",
            "gap",
            "previous_value",
            "previous_numerator",
            "previous_denominator",
            "phase_start_denominator",
            "denominator_change",
        }
        growth_only = {
            "panel_start_total",
            "panel_end_total",
            "total_reported",
            "yoy_growth",
            "average_growth",
            "matched_institutions",
            "yoy_matched_institutions",
            "target_max",
            "target_2030_max",
        }
        drop = growth_only if instance.kind == "share" else share_only
        return {k: v for k, v in data.items() if k not in drop}


class AttainmentSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    unit = AdministrativeUnitSerializer(allow_null=True)
    approved_only = serializers.BooleanField(
        help_text="True when only approved figures are counted (anonymous visitors, or asked)."
    )
    results = AttainmentRowSerializer(many=True)
