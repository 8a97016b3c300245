"""`attainment --year YYYY [--unit CODE [--valid-on DD/MM/YYYY]] [--format json|csv] [--approved-only]`:
print every target's attainment row for a year and scope (DESIGN sections 5-6)."""

from __future__ import annotations

import csv
import dataclasses
import json
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.selectors import current_plan
from institutions.parsing import parse_day
from reports.attainment import STATUS_LABELS, AttainmentRow, ShareRow, Status
from reports.selectors import attainment_rows, resolve_unit

# Column order: DESIGN section 6's fields first, then the rest of the row.
SHARE_FIELDS = [
    "indicator", "target_code", "categories", "year", "unit", "numerator", "denominator",
    "not_reported", "value", "target", "target_2025", "target_2030", "status",
    "milestone_year", "phase_start_year", "baseline_value", "projected_value",
    "yearly_gain_needed", "gap", "previous_value", "phase_start_denominator",
    "denominator_change", "reported", "expected", "awaiting_approval", "reason", "label",
]  # fmt: skip
GROWTH_FIELDS = [
    "indicator", "target_code", "categories", "year", "unit", "yoy_growth", "average_growth",
    "phase_start_year", "matched_institutions", "target", "status", "target_max",
    "target_2025", "target_2030", "target_2030_max", "milestone_year", "yoy_matched_institutions",
    "panel_start_total", "panel_end_total", "total_reported",
    "reported", "expected", "awaiting_approval", "reason", "label",
]  # fmt: skip
CSV_FIELDS = ["kind"] + list(dict.fromkeys(SHARE_FIELDS + GROWTH_FIELDS + ["status_label"]))


def row_as_dict(row: AttainmentRow) -> dict[str, Any]:
    """The row's fields in the documented order, with its kind; Decimals kept."""
    data = dataclasses.asdict(row)
    fields = SHARE_FIELDS if isinstance(row, ShareRow) else GROWTH_FIELDS
    out: dict[str, Any] = {"kind": row.kind}
    out.update({name: data[name] for name in fields})
    out["status"] = str(row.status)
    out["status_label"] = str(STATUS_LABELS[Status(row.status)])
    if isinstance(row, ShareRow):
        change = row.denominator_change
        out["denominator_change"] = change.text() if change is not None else None
    return out


def _json_number(value: Any) -> Any:
    # 2-decimal Decimals are exact as floats' shortest repr ("66.67"), so JSON
    # readers get numbers, not strings.
    return float(value) if isinstance(value, Decimal) else value


class Command(BaseCommand):
    help = "In kết quả thực hiện các chỉ tiêu của kế hoạch / print the plan's attainment rows"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="năm báo cáo / year")
        parser.add_argument(
            "--unit",
            help="mã đơn vị hành chính (mặc định: toàn tỉnh) / administrative unit code",
        )
        parser.add_argument(
            "--valid-on",
            help=(
                "ngày (DD/MM/YYYY) đơn vị còn hiệu lực, khi một mã ứng với hai đơn vị trong năm "
                "/ a day the unit was valid on, when a code names two units that year"
            ),
        )
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument(
            "--approved-only",
            action="store_true",
            help="chỉ tính số liệu đã duyệt / count approved figures only",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"]
        plan = current_plan()
        if plan is None:
            raise CommandError(
                "Chưa có kế hoạch: chạy 'load_reference' trước. / No plan loaded: run load_reference."
            )
        if not (plan.baseline_year <= year <= (plan.horizon or plan.baseline_year)):
            raise CommandError(
                f"Năm {year} ngoài phạm vi kế hoạch {plan.number} "
                f"({plan.baseline_year}-{plan.horizon}). / Year {year} is outside the plan's years."
            )
        unit = None
        if options["unit"]:
            valid_on = None
            if options["valid_on"]:
                valid_on = parse_day(options["valid_on"])
                if valid_on is None:
                    raise CommandError(
                        f"--valid-on: ngày không hợp lệ '{options['valid_on']}' (DD/MM/YYYY)."
                    )
            try:
                unit = resolve_unit(options["unit"], year, valid_on=valid_on)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        rows = [
            row_as_dict(r)
            for r in attainment_rows(year=year, unit=unit, approved_only=options["approved_only"])
        ]
        if options["format"] == "json":
            payload = [{k: _json_number(v) for k, v in r.items()} for r in rows]
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        writer = csv.DictWriter(self.stdout, fieldnames=CSV_FIELDS, lineterminator="\n")
        writer.writeheader()
        for r in rows:
            r["categories"] = " ".join(r["categories"])
            writer.writerow({k: "" if v is None else v for k, v in r.items()})
