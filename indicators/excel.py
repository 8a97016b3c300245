"""Figures in and out of Excel (and CSV).

The template has a header row in Vietnamese, then a row of field codes (the
column names of DESIGN section 4), then one row per institution. Reading looks
for the row that holds `institution_code`, so a CSV with the codes alone works
too. Values are checked by indicators/validation.py through the services; this
module only knows where each value sat, to name the cell.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping
from typing import IO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from indicators.fields import FIELDS, FieldSpec, FieldType, fields_for
from indicators.models import Figures, Submission
from indicators.services import ImportRow, RowProblem
from indicators.validation import CHANGE_COMMENT, display, values_of
from institutions.importing import CellProblem, Layout, Table, table_read
from institutions.models import Institution

DATA_SHEET = "Số liệu"
LAST_YEAR_SHEET = "Năm trước"
CODE_COLUMN = "institution_code"
INFO_COLUMNS = ("institution_name", "category")
FIELD_CODES = [spec.code for spec in FIELDS]
ALL_COLUMNS = [CODE_COLUMN, *INFO_COLUMNS, *FIELD_CODES, CHANGE_COMMENT]
FORMULA_START = ("=", "+", "-", "@")
# A reporting unit has at most a few hundred institutions: a web upload of more
# rows is a mistake or an attack, and each row costs a query parameter and a
# problem line. The import_figures command (province-wide files) has no cap.
MAX_UPLOAD_ROWS = 5_000
_GREY = PatternFill("solid", fgColor="DDDDDD")
_HEAD = PatternFill("solid", fgColor="CFE2F3")


def headers() -> dict[str, str]:
    head = {
        CODE_COLUMN: _("Mã thiết chế"),
        "institution_name": _("Tên thiết chế"),
        "category": _("Loại"),
        CHANGE_COMMENT: _("Giải trình biến động"),
    }
    head.update({spec.code: str(spec.label) for spec in FIELDS})
    return head


# ---------------------------------------------------------------- writing
def write_text(cell: Cell, value: object) -> None:
    """Write a value; text that a spreadsheet could read as a formula stays text
    (stored as a string with the quote prefix, shown as typed, never evaluated).
    Every workbook the portal writes (template, annual report) goes through it."""
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True


def _cell_value(spec: FieldSpec, value: object) -> object:
    if spec.type == FieldType.YES_NO and value is not None:
        return "Có" if value else "Không"
    return None if value == "" else value


def template_build(
    *,
    submission: Submission,
    institutions: Iterable[Institution],
    figures: Mapping[int, Figures],
    last_year: Mapping[int, Mapping[str, object]],
) -> bytes:
    """The unit's workbook: its institutions with what is stored now, yes/no
    drop-downs on the cells that apply, greyed cells that must stay empty, and a
    reference sheet with last year's values."""
    institutions = list(institutions)
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    head = headers()
    yes_no = DataValidation(
        type="list",
        formula1='"Có,Không"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Giá trị không hợp lệ"),
        error=_("Chọn Có hoặc Không."),
    )
    ws.add_data_validation(yes_no)
    _header_rows(ws, head)
    for r, inst in enumerate(institutions, start=3):
        values = values_of(figures.get(inst.pk))
        fig = figures.get(inst.pk)
        applies = {spec.code for spec in fields_for(inst.category.code)}
        row = [inst.code, inst.name, inst.category.code]
        for c, value in enumerate(row, start=1):
            write_text(ws.cell(row=r, column=c), value)
        for c, spec in enumerate(FIELDS, start=4):
            cell = ws.cell(row=r, column=c)
            if spec.code not in applies:
                cell.fill = _GREY
                continue
            write_text(cell, _cell_value(spec, values.get(spec.code)))
            if spec.type == FieldType.YES_NO:
                yes_no.add(cell)
        write_text(ws.cell(row=r, column=len(ALL_COLUMNS)), fig.change_comment if fig else None)
    _widths(ws)

    ref = wb.create_sheet(LAST_YEAR_SHEET)
    _header_rows(ref, head)
    for r, inst in enumerate(institutions, start=3):
        previous = last_year.get(inst.pk, {})
        for c, value in enumerate([inst.code, inst.name, inst.category.code], start=1):
            write_text(ref.cell(row=r, column=c), value)
        for c, spec in enumerate(FIELDS, start=4):
            write_text(ref.cell(row=r, column=c), _cell_value(spec, previous.get(spec.code)))
    _widths(ref)
    ref.sheet_properties.tabColor = "999999"

    guide = wb.create_sheet("Hướng dẫn")
    lines = [
        _("Biểu mẫu số liệu năm %(year)s — %(unit)s")
        % {"year": submission.period.year, "unit": submission.reporting_unit.name},
        _("Nhập ở trang «%(sheet)s», từ dòng 3; không sửa dòng mã trường (dòng 2).")
        % {"sheet": DATA_SHEET},
        _("Ô tô xám không áp dụng cho loại thiết chế đó: để trống."),
        _("Có/Không: chọn trong danh sách (cũng nhận có, không, yes, no, 1, 0)."),
        _("Số lượng: số nguyên không âm. Lượt khách nghiên cứu, học tập ≤ tổng lượt khách."),
        _("Số liệu thay đổi hơn 3 lần so với năm trước (trang «%(sheet)s») cần ghi giải trình.")
        % {"sheet": LAST_YEAR_SHEET},
    ]
    for r, line in enumerate(lines, start=1):
        write_text(guide.cell(row=r, column=1), str(line))
    guide.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _header_rows(ws: object, head: Mapping[str, str]) -> None:
    for c, code in enumerate(ALL_COLUMNS, start=1):
        top = ws.cell(row=1, column=c, value=str(head[code]))
        top.font = Font(bold=True)
        top.fill = _HEAD
        top.alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=2, column=c, value=code).font = Font(italic=True, color="666666")
    ws.freeze_panes = "D3"
    ws.row_dimensions[1].height = 60


def _widths(ws: object) -> None:
    for c in range(1, len(ALL_COLUMNS) + 1):
        ws.column_dimensions[get_column_letter(c)].width = 40 if c == 2 else 16


# ---------------------------------------------------------------- reading
def _import_row(line: int, values: dict[str, object]) -> ImportRow:
    code = values.pop(CODE_COLUMN, None)
    for column in INFO_COLUMNS:
        values.pop(column, None)
    return ImportRow(display(code), values, ref=line)


# The template's data sheet, header row found by its `institution_code` column.
LAYOUT = Layout(key=CODE_COLUMN, make_row=_import_row, columns=ALL_COLUMNS, sheet=DATA_SHEET)


def read_table(
    data: bytes | IO[bytes],
    filename: str,
    *,
    max_rows: int | None = MAX_UPLOAD_ROWS,
    on_rows: Callable[[Table[ImportRow]], None] | None = None,
    chunk_size: int | None = None,
) -> Table[ImportRow]:
    """Rows of an uploaded .xlsx (sheet «Số liệu», or the first sheet with a
    `institution_code` column) or .csv (UTF-8, comma or semicolon), by
    `institutions.importing.table_read` (its caps, its chunks with `on_rows`):
    at most MAX_UPLOAD_ROWS for a web upload; `max_rows=None` for the
    province-wide files of import_figures."""
    return table_read(
        data, filename, LAYOUT, max_rows=max_rows, on_rows=on_rows, chunk_size=chunk_size
    )


def cell_problems(table: Table, problems: Iterable[RowProblem]) -> list[CellProblem]:
    """Map the services' row problems back to the cells they came from."""
    out = []
    for p in problems:
        letter = table.columns.get(p.field or CODE_COLUMN, "")
        column = f"{letter} ({p.field})" if p.field else letter
        message = p.message if p.institution_id is None else f"{p.institution}: {p.message}"
        out.append(
            CellProblem(
                table.sheet, p.ref if isinstance(p.ref, int) else None, column, p.value, message
            )
        )
    return sorted(out, key=lambda c: (c.row or 0, c.column))
