"""Reading tabular files (csv, xlsx) into plain rows for the import services.

The reader knows nothing about institutions: it turns a file into
`SourceRow`s whose `line` is the line a person sees in a spreadsheet (the
header is line 1), so that every message can point at the right cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class SourceRow:
    line: int
    values: dict[str, str] = field(default_factory=dict)


def _cell_text(value: object) -> str:
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


def _header(cells: list[object]) -> list[str]:
    return [_cell_text(c).strip().lower() for c in cells]


def _read_csv(data: bytes) -> list[SourceRow]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _("Tệp CSV phải được lưu với bảng mã UTF-8 (lỗi ở byte %(pos)s).") % {"pos": exc.start}
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = list(reader)
    for line, cells in enumerate(rows, start=1):
        for column, cell in enumerate(cells, start=1):
            if "\x00" in cell:
                # PostgreSQL text cannot hold NUL: named here, not a server error later.
                raise ValidationError(
                    _("Dòng %(line)s, cột %(column)s: ô có ký tự không hợp lệ (NUL).")
                    % {"line": line, "column": column}
                )
    if not rows:
        raise ValidationError(_("Tệp trống: không có dòng tiêu đề."))
    header = _header(rows[0])
    return [
        SourceRow(line=i, values=dict(zip(header, (c.strip() for c in cells), strict=False)))
        for i, cells in enumerate(rows[1:], start=2)
        if any(c.strip() for c in cells)
    ]


def _read_xlsx(data: bytes) -> list[SourceRow]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise ValidationError(
            _("Không đọc được tệp Excel (.xlsx): %(error)s") % {"error": exc}
        ) from exc
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    workbook.close()
    if not rows:
        raise ValidationError(_("Tệp trống: không có dòng tiêu đề."))
    header = _header(list(rows[0]))
    result = []
    for i, cells in enumerate(rows[1:], start=2):
        texts = [_cell_text(c) for c in cells]
        if any(texts):
            result.append(SourceRow(line=i, values=dict(zip(header, texts, strict=False))))
    return result


def rows_read(*, path: Path) -> list[SourceRow]:
    """The data rows of a .csv (UTF-8) or .xlsx file (its first sheet), keyed by
    the lower-cased header. Blank lines are skipped but keep their numbering."""
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".xlsx"}:
        raise ValidationError(
            _("Chỉ nhận tệp .csv hoặc .xlsx, không nhận '%(suffix)s'.") % {"suffix": suffix}
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(
            _("Không mở được tệp %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
        ) from exc
    return _read_csv(data) if suffix == ".csv" else _read_xlsx(data)
