"""Open data: the approved figures and attainment of a year, as CSV and JSON,
with a data dictionary, for the Ministry and the public.

Only approved figures count (`APPROVED_ONLY`, the public's visibility): a
report still awaiting review is not published. A year still collecting is
published as provisional (`final` = 0) and says so. Every attainment line carries
the plan's clause beside its target. Columns are fixed and documented in
`DICTIONARY`, codes explained in `code_keys()`; numbers are plain (a dot for
decimals, no thousands separator), so any tool reads them (`FORMAT_NOTES`)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass

from indicators.fields import FIELDS, FieldType
from indicators.models import Figures, PeriodState, ReportingPeriod, Target
from institutions.models import Category
from reports import selectors
from reports.attainment import STATUS_LABELS, AttainmentRow, GrowthRow, Status
from reports.dashboards.selectors import table_units
from reports.visibility import APPROVED_ONLY


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str


FINAL = Column(
    "final",
    "1: năm đã chốt, báo cáo năm đã ban hành, số liệu chính thức; 0: năm đang thu thập, "
    "kết quả tạm thời, chỉ tính các báo cáo đã duyệt đến lúc tải về.",
)
FORMAT_NOTES: tuple[str, ...] = (
    "Số thập phân dùng dấu chấm (ví dụ 53.85), không có dấu phân cách hàng nghìn "
    "(2223101): đúng cách đọc của mọi phần mềm, khác cách viết số trong văn bản tiếng Việt.",
    "Ô trống: không có số liệu, hoặc chỉ tiêu không áp dụng cho loại thiết chế đó.",
    "Tệp CSV mã hóa UTF-8 (có BOM để Excel hiển thị đúng tiếng Việt), phân cách bằng dấu phẩy.",
)

ATTAINMENT_COLUMNS: tuple[Column, ...] = (
    Column("year", "Năm số liệu."),
    FINAL,
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
        "Mã trạng thái (not_applicable, no_data, baseline, achieved, on_track, off_track, "
        "not_achieved): xem bảng mã trạng thái.",
    ),
    Column("status_label", "Trạng thái bằng lời."),
)
FIGURES_COLUMNS: tuple[Column, ...] = (
    Column("year", "Năm số liệu."),
    FINAL,
    Column("institution_code", "Mã thiết chế."),
    Column("institution_name", "Tên thiết chế."),
    Column("category", "Mã loại thiết chế: xem bảng mã loại thiết chế."),
    Column("category_name", "Tên loại thiết chế."),
    Column("admin_unit_code", "Mã đơn vị hành chính nơi thiết chế đặt trụ sở."),
    Column("admin_unit_name", "Tên đơn vị hành chính nơi thiết chế đặt trụ sở."),
    Column("reporting_unit_code", "Mã đơn vị báo cáo."),
    Column("reporting_unit_name", "Tên đơn vị báo cáo."),
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


def code_keys() -> dict[str, dict[str, str]]:
    """What each code in the files means: statuses and categories. One query."""
    return {
        "status": {str(status): str(label) for status, label in STATUS_LABELS.items()},
        "category": dict(Category.objects.order_by("code").values_list("code", "name")),
    }


def is_final(year: int) -> bool:
    """Whether the year's figures are final: its period is locked (report issued)."""
    return ReportingPeriod.objects.filter(year=year, state=PeriodState.LOCKED).exists()


def attainment_records(year: int) -> list[dict[str, object]]:
    """Every target for the province, then for every unit of the year's table and
    the line above them, approved figures only."""
    clauses = dict(Target.objects.values_list("code", "clause"))
    final = int(is_final(year))
    units = table_units(year=year, unit=None)
    table = selectors.attainment_table(year=year, units=units, visibility=APPROVED_ONLY)
    records = [_record(r, year, final, "", "Toàn tỉnh", clauses) for r in table.total]
    for unit, rows in table.lines:
        records += [_record(r, year, final, unit.code, unit.name, clauses) for r in rows]
    records += [
        _record(r, year, final, "above", "Cấp tỉnh / không thuộc đơn vị cấp dưới", clauses)
        for r in table.above
    ]
    return records


def _record(
    row: AttainmentRow, year: int, final: int, code: str, name: str, clauses: dict[str, str]
) -> dict[str, object]:
    growth = isinstance(row, GrowthRow)
    value = row.value_shown(2)
    return {
        "year": year,
        "final": final,
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
    """Every approved figure of `year`, one line per institution. Two queries."""
    records = []
    final = int(is_final(year))
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
            "final": final,
            "institution_code": inst.code,
            "institution_name": inst.name,
            "category": inst.category.code,
            "category_name": inst.category.name,
            "admin_unit_code": inst.admin_unit.code,
            "admin_unit_name": inst.admin_unit.name,
            "reporting_unit_code": inst.reporting_unit.code,
            "reporting_unit_name": inst.reporting_unit.name,
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
        "codes": code_keys(),
        "notes": list(FORMAT_NOTES[:2]),
        "records": records,
    }
    return json.dumps(payload, ensure_ascii=False, indent=1).encode()
