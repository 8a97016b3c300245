"""Open data: the approved figures and attainment of a year, as CSV and JSON,
with a data dictionary, for the Ministry and the public.

Only approved figures count (`APPROVED_ONLY`, the public's visibility): a
report still awaiting review is not published. Every attainment line carries
the plan's clause beside its target. Columns are fixed and documented in
`DICTIONARY`; numbers are plain (a dot for decimals), dates ISO, so any tool
reads them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass

from indicators.fields import FIELDS, FieldType
from indicators.models import Figures, Target
from reports import selectors
from reports.attainment import STATUS_LABELS, AttainmentRow, GrowthRow, Status
from reports.dashboards.selectors import table_units
from reports.visibility import APPROVED_ONLY


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str


ATTAINMENT_COLUMNS: tuple[Column, ...] = (
    Column("year", "Năm số liệu."),
    Column(
        "unit_code",
        "Mã đơn vị hành chính; trống: toàn tỉnh; “above”: cấp tỉnh / không thuộc đơn vị cấp dưới.",
    ),
    Column("unit_name", "Tên đơn vị hành chính."),
    Column("target_code", "Mã mục tiêu (chỉ tiêu:loại thiết chế)."),
    Column("target", "Mục tiêu."),
    Column("plan_clause", "Điều khoản của Kế hoạch 3632/KH-UBND quy định mục tiêu."),
    Column("kind", "share: tỷ lệ thiết chế đạt; growth: tăng trưởng bình quân năm."),
    Column(
        "numerator",
        "Tỷ lệ: số thiết chế đạt; tăng trưởng: số thiết chế có số liệu ở hai đầu giai đoạn.",
    ),
    Column(
        "denominator",
        "Tỷ lệ: số thiết chế đang hoạt động; tăng trưởng: số thiết chế đang hoạt động.",
    ),
    Column("value", "Tỷ lệ (%) hoặc tăng bình quân (%/năm), làm tròn 2 chữ số thập phân."),
    Column("target_value", "Mục tiêu áp dụng cho năm (%, hoặc %/năm)."),
    Column("milestone_year", "Năm mốc của mục tiêu (2025 hoặc 2030)."),
    Column(
        "status",
        "Mã trạng thái (not_applicable, no_data, baseline, achieved, on_track, off_track, not_achieved).",
    ),
    Column("status_label", "Trạng thái bằng lời."),
)
FIGURES_COLUMNS: tuple[Column, ...] = (
    Column("year", "Năm số liệu."),
    Column("institution_code", "Mã thiết chế."),
    Column("institution_name", "Tên thiết chế."),
    Column("category", "Mã loại thiết chế."),
    Column("admin_unit_code", "Mã đơn vị hành chính nơi thiết chế đặt trụ sở."),
    Column("reporting_unit_code", "Mã đơn vị báo cáo."),
    *(
        Column(
            f.code,
            str(f.label)
            + (" (1 = có, 0 = không)" if f.type == FieldType.YES_NO else "")
            + " — áp dụng cho: "
            + ", ".join(sorted(f.categories))
            + ".",
        )
        for f in FIELDS
    ),
)
DICTIONARY = {"attainment": ATTAINMENT_COLUMNS, "figures": FIGURES_COLUMNS}


def attainment_records(year: int) -> list[dict[str, object]]:
    """Every target for the province, then for every unit of the year's table and
    the line above them, approved figures only."""
    clauses = dict(Target.objects.values_list("code", "clause"))
    units = table_units(year=year, unit=None)
    table = selectors.attainment_table(year=year, units=units, visibility=APPROVED_ONLY)
    records = [_record(r, year, "", "Toàn tỉnh", clauses) for r in table.total]
    for unit, rows in table.lines:
        records += [_record(r, year, unit.code, unit.name, clauses) for r in rows]
    records += [
        _record(r, year, "above", "Cấp tỉnh / không thuộc đơn vị cấp dưới", clauses)
        for r in table.above
    ]
    return records


def _record(
    row: AttainmentRow, year: int, code: str, name: str, clauses: dict[str, str]
) -> dict[str, object]:
    growth = isinstance(row, GrowthRow)
    value = row.value_shown(2)
    return {
        "year": year,
        "unit_code": code,
        "unit_name": name,
        "target_code": row.target_code,
        "target": row.label,
        "plan_clause": clauses.get(row.target_code, ""),
        "kind": row.kind,
        "numerator": row.matched_institutions if growth else row.numerator,  # type: ignore[union-attr]
        "denominator": row.expected,
        "value": None if value is None else float(value),
        "target_value": float(row.target),
        "milestone_year": row.milestone_year,
        "status": str(row.status),
        "status_label": str(STATUS_LABELS[Status(row.status)]),
    }


def figures_records(year: int) -> list[dict[str, object]]:
    """Every approved figure of `year`, one line per institution. One query."""
    records = []
    figures = (
        Figures.objects.filter(APPROVED_ONLY.counted_q("submission"), year=year)
        .select_related(
            "institution__category", "institution__admin_unit", "institution__reporting_unit"
        )
        .order_by("institution__code")
    )
    for f in figures:
        inst = f.institution
        record: dict[str, object] = {
            "year": year,
            "institution_code": inst.code,
            "institution_name": inst.name,
            "category": inst.category.code,
            "admin_unit_code": inst.admin_unit.code,
            "reporting_unit_code": inst.reporting_unit.code,
        }
        for spec in FIELDS:
            value = getattr(f, spec.code) if spec.applies_to(inst.category.code) else None
            record[spec.code] = int(value) if isinstance(value, bool) else value
        records.append(record)
    return records


def _cell(value: object) -> object:
    """A CSV cell: blank for None; text that a spreadsheet would take for a
    formula (=, +, -, @ first) gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def as_csv(records: Iterable[dict[str, object]], columns: tuple[Column, ...]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens the Vietnamese right."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[c.name for c in columns], lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: _cell(v) for k, v in record.items()})
    return ("\ufeff" + out.getvalue()).encode()


def as_json(records: list[dict[str, object]], columns: tuple[Column, ...]) -> bytes:
    payload = {
        "columns": [{"name": c.name, "meaning": c.meaning} for c in columns],
        "records": records,
    }
    return json.dumps(payload, ensure_ascii=False, indent=1).encode()
