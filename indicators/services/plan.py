"""Loading a plan (indicators, targets, milestones) from its JSON file."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from indicators.models import Indicator, Milestone, Plan, Target
from institutions.models import Category

PLAN_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "plan_3632_KH-UBND.json"


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def plan_load(*, path: Path = PLAN_FILE) -> Plan:
    """Load a plan with its indicators, targets and milestones from its JSON file.
    Idempotent: matched on the plan's number and the indicator/target codes."""
    data = json.loads(path.read_text(encoding="utf-8"))
    categories = {c.code: c for c in Category.objects.all()}
    with transaction.atomic():
        plan, _created = Plan.objects.update_or_create(
            number=data["number"],
            defaults={
                "issued_on": dt.date.fromisoformat(data["issued_on"]),
                "title": data["title"],
                "issuer": data["issuer"],
                "province_name": data["province_name"],
                "baseline_year": data["baseline_year"],
                "territory_code": data.get("territory_code", ""),
                "recipients": "\n".join(data["recipients"]),
            },
        )
        for ind in data["indicators"]:
            indicator, _created = Indicator.objects.update_or_create(
                plan=plan,
                code=ind["code"],
                defaults={
                    "name": ind["name"],
                    "name_en": ind["name_en"],
                    "kind": ind["kind"],
                    "criterion_fields": ind["criterion_fields"],
                    "quantity_field": ind["quantity_field"],
                    "sort_order": ind["sort_order"],
                },
            )
            for tgt in ind["targets"]:
                target, _created = Target.objects.update_or_create(
                    indicator=indicator,
                    code=tgt["code"],
                    defaults={
                        "clause": tgt["clause"],
                        "label": tgt["label"],
                        "label_en": tgt["label_en"],
                        "sort_order": tgt["sort_order"],
                    },
                )
                target.categories.set([categories[c] for c in tgt["categories"]])
                for ms in tgt["milestones"]:
                    Milestone.objects.update_or_create(
                        target=target,
                        year=ms["year"],
                        defaults={
                            "value": _decimal(ms["value"]),
                            "value_max": _decimal(ms["value_max"]),
                        },
                    )
    return plan
