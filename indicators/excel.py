"""Figures in and out of Excel (and CSV).

The template has a header row in Vietnamese, then a row of field codes (the
column names of DESIGN section 4), then one row per institution. Reading looks
for the row that holds `institution_code`, so a CSV with the codes alone works
too. Values are checked by indicators/validation.py through the services; this
module only knows where each value sat, to name the cell.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from indicators.fields import FIELDS, FieldSpec, FieldType, fields_for
from indicators.models import Figures, Submission
from indicators.services import ImportRow, RowProblem
from indicators.validation import CHANGE_COMMENT, display, values_of
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
# What an .xlsx may inflate to (its XML); a 10 MB zip can otherwise unpack to
# gigabytes in openpyxl, which reads the shared strings whole: so they have a
# cap of their own, far below what a unit's few hundred names need.
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 8 * 1024 * 1024
# Each sheet's XML: openpyxl scans a sheet whole for its size when the file does
# not declare it. The template's 5.000 rows take about 5 MB.
MAX_SHEET_XML_BYTES = 16 * 1024 * 1024
# Columns read from each row (the template has len(ALL_COLUMNS)); more are not read.
MAX_COLUMNS = 64
# Rows read, blank ones included, before a capped upload is refused: the cap is
# counted while streaming, so a file of millions of rows costs no more than this.
BLANK_ROWS_ALLOWED = 1_000
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


@dataclass(frozen=True)
class CellProblem:
    sheet: str
    row: int | None
    column: str  # "E (user_visits)"
    value: str
    message: str


@dataclass
class Table:
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)
    # Column letter of each field code, to name a cell in messages.
    columns: dict[str, str] = field(default_factory=dict)
    sheet: str = ""


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
class TooManyRows(Exception):
    """Raised while streaming, as soon as a capped file passes its cap."""

    def __init__(self, sheet: str, row: int) -> None:
        self.sheet, self.row = sheet, row


RowsConsumer = Callable[["Table"], None]


def read_table(
    data: bytes,
    filename: str,
    *,
    max_rows: int | None = MAX_UPLOAD_ROWS,
    on_rows: RowsConsumer | None = None,
    chunk_size: int = 2000,
) -> Table:
    """Rows of an uploaded .xlsx (sheet «Số liệu», or the first sheet with a
    `institution_code` column) or .csv (UTF-8, comma or semicolon).

    A file of more than `max_rows` data rows (None: no cap), or an .xlsx that
    would unpack past MAX_XLSX_UNPACKED_BYTES (or its shared strings past
    MAX_SHARED_STRINGS_BYTES), gives one problem and no rows. The caps are
    counted while reading: reading stops at the first row past them.

    With `on_rows`, rows are handed over `chunk_size` at a time while reading
    (`table.rows` holds the chunk, then is emptied), so that a province-wide
    file costs one chunk of memory, not its length; the returned table then has
    the problems and columns but no rows."""
    chunks = _Chunks(on_rows, chunk_size)
    try:
        if filename.lower().endswith(".csv"):
            return _read_csv(data, max_rows, chunks)
        return _read_xlsx(data, max_rows, chunks)
    except TooManyRows as stop:
        return Table(
            sheet=stop.sheet,
            problems=[
                CellProblem(
                    stop.sheet,
                    stop.row,
                    "",
                    "",
                    _(
                        "Tệp vượt quá %(max)s dòng cho một đơn vị báo cáo (đã dừng đọc ở "
                        "dòng %(row)s)."
                    )
                    % {
                        "max": f"{max_rows:,}".replace(",", "."),
                        "row": f"{stop.row:,}".replace(",", "."),
                    },
                )
            ],
        )


def _unpacked_sizes(data: bytes) -> tuple[int, int, int]:
    """What the .xlsx declares it unpacks to: in all, for its shared strings,
    and for its largest sheet; zipfile never inflates a member past its
    declared size, so the declaration can be trusted as a bound."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        shared = sum(i.file_size for i in infos if i.filename.lower().endswith("sharedstrings.xml"))
        sheets = [i.file_size for i in infos if i.filename.lower().startswith("xl/worksheets/")]
        return sum(i.file_size for i in infos), shared, max(sheets, default=0)


@dataclass
class _Chunks:
    """Where read rows go: kept in the table (no consumer), or handed on by chunks."""

    consumer: RowsConsumer | None
    size: int

    def full(self, table: Table) -> None:
        if self.consumer is not None and len(table.rows) >= self.size:
            self.flush(table)

    def flush(self, table: Table) -> None:
        if self.consumer is not None and table.rows:
            self.consumer(table)
            table.rows = []


def _read_xlsx(data: bytes, max_rows: int | None, chunks: _Chunks) -> Table:
    try:
        total, shared, sheet = _unpacked_sizes(data)
    except (zipfile.BadZipFile, OSError, ValueError):
        total = shared = sheet = 0  # not a zip: load_workbook below says it cannot read it
    if (
        total > MAX_XLSX_UNPACKED_BYTES
        or shared > MAX_SHARED_STRINGS_BYTES
        or sheet > MAX_SHEET_XML_BYTES
    ):
        return Table(problems=[CellProblem("", None, "", "", _("Tệp Excel quá lớn khi giải nén."))])
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file gets the same answer
        return Table(
            problems=[CellProblem("", None, "", "", _("Không đọc được tệp Excel (.xlsx)."))]
        )
    sheets = [wb[DATA_SHEET]] if DATA_SHEET in wb.sheetnames else list(wb.worksheets)
    try:
        for ws in sheets:
            rows = ws.iter_rows(values_only=True, max_col=MAX_COLUMNS)
            table = _read_rows(ws.title, rows, max_rows, chunks)
            if table is not None:
                return table
    finally:
        wb.close()
    return Table(problems=[_no_header("")])


def _read_csv(data: bytes, max_rows: int | None, chunks: _Chunks) -> Table:
    """Decoded while read, never whole: a capped file costs its cap, not its size."""
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    try:
        sample = stream.read(2048)
        stream.seek(0)
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        rows = (row[:MAX_COLUMNS] for row in csv.reader(stream, delimiter=delimiter))
        table = _read_rows("csv", rows, max_rows, chunks)
    except UnicodeDecodeError:
        return Table(
            problems=[CellProblem("csv", None, "", "", _("Tệp CSV phải được lưu dạng UTF-8."))]
        )
    return table if table is not None else Table(problems=[_no_header("csv")])


def _no_header(sheet: str) -> CellProblem:
    return CellProblem(
        sheet,
        None,
        "",
        "",
        _("Không tìm thấy dòng mã trường (có cột «institution_code»): hãy dùng biểu mẫu tải về."),
    )


def _read_rows(
    sheet: str, rows: Iterable[Sequence], max_rows: int | None, chunks: _Chunks | None = None
) -> Table | None:
    chunks = chunks or _Chunks(None, 0)
    iterator = iter(rows)
    header: list[str] | None = None
    header_row = 0
    for number, row in enumerate(iterator, start=1):
        cells = [str(v).strip() if v is not None else "" for v in row]
        if CODE_COLUMN in cells:
            header, header_row = cells, number
            break
        if number >= 5:
            return None
    if header is None:
        return None
    table = Table(sheet=sheet)
    index: dict[str, int] = {}
    for i, code in enumerate(header):
        if not code:
            continue
        letter = get_column_letter(i + 1)
        if code not in ALL_COLUMNS:
            table.problems.append(
                CellProblem(
                    sheet,
                    header_row,
                    letter,
                    code,
                    _("Cột «%(code)s» không có trong biểu mẫu.") % {"code": code},
                )
            )
            continue
        if code in index:
            table.problems.append(
                CellProblem(
                    sheet,
                    header_row,
                    letter,
                    code,
                    _("Cột «%(code)s» bị lặp lại.") % {"code": code},
                )
            )
            continue
        index[code] = i
        table.columns[code] = letter
    scan_limit = None if max_rows is None else header_row + max_rows + BLANK_ROWS_ALLOWED
    for number, row in enumerate(iterator, start=header_row + 1):
        if scan_limit is not None and number > scan_limit:
            raise TooManyRows(sheet, number)
        if row is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        if max_rows is not None and len(table.rows) >= max_rows:
            raise TooManyRows(sheet, number)
        if nul := _nul_cell(sheet, number, header, row):
            table.problems.append(nul)
            continue
        values = {
            code: row[i] if i < len(row) else None
            for code, i in index.items()
            if code not in INFO_COLUMNS and code != CODE_COLUMN
        }
        code_value = row[index[CODE_COLUMN]] if index[CODE_COLUMN] < len(row) else None
        table.rows.append(ImportRow(display(code_value), values, ref=number))
        chunks.full(table)
    chunks.flush(table)
    return table


def _nul_cell(sheet: str, number: int, header: list[str], row: Sequence) -> CellProblem | None:
    """The first cell of a row holding a NUL character, which no database text
    column can store (PostgreSQL refuses it): named, never a server error."""
    for i, value in enumerate(row):
        if isinstance(value, str) and "\x00" in value:
            code = header[i] if i < len(header) else ""
            letter = get_column_letter(i + 1)
            return CellProblem(
                sheet,
                number,
                f"{letter} ({code})" if code else letter,
                value.replace("\x00", ""),
                _("Ô có ký tự không hợp lệ (NUL): hãy xóa ký tự đó rồi tải tệp lên lại."),
            )
    return None


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
