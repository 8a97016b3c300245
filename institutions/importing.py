"""Bulk imports from tabular files (csv, xlsx), shared by every import.

- `table_read`: a file's rows, read while streaming and handed over by chunks
  of `settings.IMPORT_CHUNK_ROWS` (`on_rows`), or kept whole for a capped web
  upload; every problem named by sheet, line (the one a person sees in a
  spreadsheet) and column. It knows nothing about what the rows mean: each
  import says which column marks its header row and how a row is built.
- `import_by_chunks`: a file read and saved chunk by chunk inside one
  transaction, all or nothing, then `ANALYZE` of what it wrote.
- `tables_analyse`: fresh planner statistics after any bulk write.

This is the bottom layer: the layers above register the tables they fill
alongside every write (`written_alongside_register`: the audit trail, the
precomputed attainment), so that an import analyses them too.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Generic, Protocol, TypeVar

from django.conf import settings
from django.db import connections, models, transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

R = TypeVar("R")
T = TypeVar("T")

# What an .xlsx may inflate to (its XML); a 10 MB zip can otherwise unpack to
# gigabytes in openpyxl, which reads the shared strings whole: so they have a
# cap of their own, far below what a unit's few hundred names need.
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 8 * 1024 * 1024
# Each sheet's XML: openpyxl scans a sheet whole for its size when the file does
# not declare it. The figures template's 5.000 rows take about 5 MB.
MAX_SHEET_XML_BYTES = 16 * 1024 * 1024
# Columns read from each row; more are not read.
MAX_COLUMNS = 64
# Rows read, blank ones included, before a capped upload is refused: the cap is
# counted while streaming, so a file of millions of rows costs no more than this.
BLANK_ROWS_ALLOWED = 1_000
# The header row is looked for in the first rows (a template may put a row of
# labels above the row of column codes).
HEADER_ROWS_SCANNED = 5


@dataclass(frozen=True)
class CellProblem:
    sheet: str
    row: int | None
    column: str  # "E (user_visits)"
    value: str
    message: str


@dataclass
class Table(Generic[R]):
    rows: list[R] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)
    # Column letter of each column name, to name a cell in messages.
    columns: dict[str, str] = field(default_factory=dict)
    sheet: str = ""


@dataclass(frozen=True)
class SourceRow:
    """A row as text: `line` is the line a person sees (the header is line 1)."""

    line: int
    values: dict[str, str] = field(default_factory=dict)


def cell_text(value: object) -> str:
    """A cell as the text a person typed: 2010.0 from Excel is 2010, a date is ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


# ---------------------------------------------------------------- reading
class TooManyRows(Exception):
    """Raised while streaming, as soon as a capped file passes its cap."""

    def __init__(self, sheet: str, row: int) -> None:
        self.sheet, self.row = sheet, row


@dataclass(frozen=True)
class Layout(Generic[R]):
    """What one import's files look like: the column that marks the header row,
    the columns allowed (None: any; others are named as problems), the sheet
    to read first, and how a data row (its line and its raw values by column)
    becomes the import's row."""

    key: str
    make_row: Callable[[int, dict[str, object]], R]
    columns: Collection[str] | None = None
    sheet: str | None = None


def table_read(
    source: bytes | IO[bytes],
    filename: str,
    layout: Layout[R],
    *,
    max_rows: int | None,
    on_rows: Callable[[Table[R]], None] | None = None,
    chunk_size: int | None = None,
) -> Table[R]:
    """Rows of an .xlsx (the layout's sheet, or the first sheet with its key
    column in one of the first rows) or a .csv (UTF-8, comma or semicolon),
    from bytes or a binary file (read while streaming, never whole).

    A file of more than `max_rows` data rows (None: no cap), or an .xlsx that
    would unpack past MAX_XLSX_UNPACKED_BYTES (or its shared strings past
    MAX_SHARED_STRINGS_BYTES), gives one problem and no rows. The caps are
    counted while reading: reading stops at the first row past them.

    With `on_rows`, rows are handed over `chunk_size` (default
    `settings.IMPORT_CHUNK_ROWS`) at a time while reading (`table.rows` holds
    the chunk, then is emptied), so that a province-wide file costs one chunk
    of memory, not its length; the returned table then has the problems and
    columns but no rows."""
    chunks = _Chunks(on_rows, chunk_size or settings.IMPORT_CHUNK_ROWS)
    stream = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    try:
        if filename.lower().endswith(".csv"):
            return _read_csv(stream, layout, max_rows, chunks)
        return _read_xlsx(stream, layout, max_rows, chunks)
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


def _unpacked_sizes(stream: IO[bytes]) -> tuple[int, int, int]:
    """What the .xlsx declares it unpacks to: in all, for its shared strings,
    and for its largest sheet; zipfile never inflates a member past its
    declared size, so the declaration can be trusted as a bound."""
    with zipfile.ZipFile(stream) as archive:
        infos = archive.infolist()
        shared = sum(i.file_size for i in infos if i.filename.lower().endswith("sharedstrings.xml"))
        sheets = [i.file_size for i in infos if i.filename.lower().startswith("xl/worksheets/")]
        return sum(i.file_size for i in infos), shared, max(sheets, default=0)


@dataclass
class _Chunks(Generic[R]):
    """Where read rows go: kept in the table (no consumer), or handed on by chunks."""

    consumer: Callable[[Table[R]], None] | None
    size: int

    def full(self, table: Table[R]) -> None:
        if self.consumer is not None and len(table.rows) >= self.size:
            self.flush(table)

    def flush(self, table: Table[R]) -> None:
        if self.consumer is not None and table.rows:
            self.consumer(table)
            table.rows = []


def _read_xlsx(
    stream: IO[bytes], layout: Layout[R], max_rows: int | None, chunks: _Chunks[R]
) -> Table[R]:
    try:
        total, shared, sheet = _unpacked_sizes(stream)
    except (zipfile.BadZipFile, OSError, ValueError):
        total = shared = sheet = 0  # not a zip: load_workbook below says it cannot read it
    if (
        total > MAX_XLSX_UNPACKED_BYTES
        or shared > MAX_SHARED_STRINGS_BYTES
        or sheet > MAX_SHEET_XML_BYTES
    ):
        return Table(problems=[CellProblem("", None, "", "", _("Tệp Excel quá lớn khi giải nén."))])
    try:
        stream.seek(0)
        wb = load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file gets the same answer
        return Table(
            problems=[CellProblem("", None, "", "", _("Không đọc được tệp Excel (.xlsx)."))]
        )
    named = layout.sheet is not None and layout.sheet in wb.sheetnames
    sheets = [wb[layout.sheet]] if named else list(wb.worksheets)
    try:
        for ws in sheets:
            rows = ws.iter_rows(values_only=True, max_col=MAX_COLUMNS)
            table = _read_rows(ws.title, rows, layout, max_rows, chunks)
            if table is not None:
                return table
    finally:
        wb.close()
    return Table(problems=[_no_header("", layout)])


def _read_csv(
    stream: IO[bytes], layout: Layout[R], max_rows: int | None, chunks: _Chunks[R]
) -> Table[R]:
    """Decoded while read, never whole: a capped file costs its cap, not its size."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        sample = text.read(2048)
        text.seek(0)
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        rows = (row[:MAX_COLUMNS] for row in csv.reader(text, delimiter=delimiter))
        table = _read_rows("csv", rows, layout, max_rows, chunks)
    except UnicodeDecodeError:
        return Table(
            problems=[CellProblem("csv", None, "", "", _("Tệp CSV phải được lưu dạng UTF-8."))]
        )
    finally:
        text.detach()  # the caller's file stays open for the caller to close
    return table if table is not None else Table(problems=[_no_header("csv", layout)])


def _no_header(sheet: str, layout: Layout[R]) -> CellProblem:
    return CellProblem(
        sheet,
        None,
        "",
        "",
        _(
            "Không tìm thấy dòng tiêu đề (dòng có cột «%(column)s») trong %(rows)s dòng đầu "
            "của tệp: hãy dùng đúng biểu mẫu."
        )
        % {"column": layout.key, "rows": HEADER_ROWS_SCANNED},
    )


def _read_rows(
    sheet: str,
    rows: Iterable[Sequence],
    layout: Layout[R],
    max_rows: int | None,
    chunks: _Chunks[R] | None = None,
) -> Table[R] | None:
    chunks = chunks or _Chunks(None, 0)
    iterator = iter(rows)
    header: list[str] | None = None
    header_row = 0
    for number, row in enumerate(iterator, start=1):
        cells = [cell_text(v).lower() for v in row]
        if layout.key in cells:
            header, header_row = cells, number
            break
        if number >= HEADER_ROWS_SCANNED:
            return None
    if header is None:
        return None
    table: Table[R] = Table(sheet=sheet)
    index: dict[str, int] = {}
    for i, code in enumerate(header):
        if not code:
            continue
        letter = get_column_letter(i + 1)
        if layout.columns is not None and code not in layout.columns:
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
    kept = 0
    for number, row in enumerate(iterator, start=header_row + 1):
        if scan_limit is not None and number > scan_limit:
            raise TooManyRows(sheet, number)
        if row is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        if max_rows is not None and kept >= max_rows:
            raise TooManyRows(sheet, number)
        kept += 1
        if nul := _nul_cell(sheet, number, header, row):
            table.problems.append(nul)
            continue
        values = {code: row[i] if i < len(row) else None for code, i in index.items()}
        table.rows.append(layout.make_row(number, values))
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


# ---------------------------------------------------------------- importing by chunks
class Reader(Protocol[R]):
    """`table_read` with an import's layout bound (e.g. indicators.excel.read_table)."""

    def __call__(
        self,
        source: bytes | IO[bytes],
        filename: str,
        *,
        max_rows: int | None,
        on_rows: Callable[[Table[R]], None] | None = None,
    ) -> Table[R]: ...


def import_by_chunks(
    path: Path,
    *,
    read: Reader[R],
    add: Callable[[list[R]], None],
    finish: Callable[[Table[R]], tuple[T, list[CellProblem]]],
    written: Iterable[type[models.Model]],
    using: str = "default",
) -> tuple[T | None, list[CellProblem]]:
    """Read the file at `path` while streaming and hand its rows to `add` one
    chunk at a time, each checked and saved by `add`, all inside ONE
    transaction; then `finish(table)` ends the import and returns its result
    and every problem of every chunk (the import's own, mapped to cells).

    Guarantees: memory for one chunk, not the file; all or nothing: any
    problem, the reader's or the import's, rolls back every chunk already
    saved, and the problems are returned (result None). An exception from
    `add` or `finish` rolls back too and propagates. After a clean import, the
    tables in `written` and those registered alongside them are analysed
    (`tables_analyse`), since a bulk load leaves the planner's statistics stale.
    """
    problems: list[CellProblem] = []
    with path.open("rb") as source, transaction.atomic(using=using):
        table = read(source, path.name, max_rows=None, on_rows=lambda chunk: add(chunk.rows))
        result, more = finish(table)
        problems = [*table.problems, *more]
        if problems:
            transaction.set_rollback(True, using=using)
    if problems:
        return None, problems
    tables_analyse([*written, *_alongside], using=using)
    return result, []


# ---------------------------------------------------------------- planner statistics
_alongside: list[type[models.Model]] = []


def written_alongside_register(*tables: type[models.Model]) -> None:
    """Tables that the layers above fill alongside every bulk write (the audit
    trail, the precomputed attainment): analysed after every import too."""
    for table in tables:
        if table not in _alongside:
            _alongside.append(table)


def tables_analyse(tables: Iterable[type[models.Model]], *, using: str = "default") -> list[str]:
    """`ANALYZE` each model's table (once, in order) on PostgreSQL, whose planner
    gets the joins of the precomputed attainment badly wrong on statistics a
    bulk write left stale (autovacuum lags a bulk load, and may be off); other
    databases: nothing. Returns the tables analysed. One query per table."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    names = list(dict.fromkeys(model._meta.db_table for model in tables))
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(name)}")
    return names
