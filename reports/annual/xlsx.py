"""The annual report as an Excel workbook (openpyxl), one sheet per part.

Numbers are stored as numbers with number formats ('#,##0', '0.0'); Excel
shows them with the reader's own separators, so a Vietnamese Excel displays
1.234,5. Text that Excel could take for a formula (=, +, -, @ first) is stored as
a string with the quote-prefix style, so a title like '=HYPERLINK(...)' stays text.

The workbook is written in openpyxl's write-only mode, each sheet streamed to
disk row by row: at 140,000 institutions the cells of a normal workbook took
1.6 GB. Column widths are fitted to the data as it is given (a write-only sheet
writes them before its first row), so the rows wait in a spool, not as cells.
"""

from __future__ import annotations

import datetime as dt
import io
import pickle
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import IO

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell as WriteOnlyCellType
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from indicators.excel import FORMULA_START, write_text
from indicators.fields import FIELDS, FieldType
from indicators.models import ACTIVITY_OUTPUTS, Activity, KeyDay, SubmissionState, TaskGroup
from reports.annual.context import STREAM_CHUNK, ReportContext, institution_figures
from reports.annual.context.behind import WORKBOOK_SHEET
from reports.attainment import STATUS_LABELS, GrowthRow, Status, shown

INTEGER = "#,##0"
ONE_DECIMAL = "#,##0.0"
DATE = "dd/mm/yyyy"

_HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDE5F0")
_THIN = Side(style="thin", color="999999")
_HEAD_BORDER = Border(bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_MAX_WIDTH = 60

Cell = str | int | float | Decimal | dt.date | None


def _as_number(value: Decimal | int | float | None) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


class _Spool:
    """Rows waiting for their sheet: kept in memory in batches, and past the
    first batch pickled to a temporary file, so a sheet of 140,000 rows is
    never held whole."""

    BATCH = 2000

    def __init__(self) -> None:
        self._batch: list[tuple[tuple[Cell, ...], bool]] = []
        self._file: IO[bytes] | None = None

    def add(self, row: tuple[Cell, ...], bold: bool) -> None:
        self._batch.append((row, bold))
        if len(self._batch) >= self.BATCH:
            if self._file is None:
                # Closed by drain(); deleted by the system whatever happens.
                self._file = tempfile.TemporaryFile()  # noqa: SIM115
            pickle.dump(self._batch, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._batch = []

    def drain(self) -> Iterator[tuple[tuple[Cell, ...], bool]]:
        if self._file is not None:
            self._file.seek(0)
            while True:
                try:
                    batch = pickle.load(self._file)  # our own file, written just above
                except EOFError:
                    break
                yield from batch
            self._file.close()
            self._file = None
        yield from self._batch
        self._batch = []


class _Cells:
    """The cells of one write-only sheet. A write-only sheet writes each row out
    as it is appended, so one styled cell per column and kind of value is reused
    from row to row; plain text and blanks go as bare values."""

    def __init__(self, ws: WriteOnlyWorksheet, formats: Sequence[str | None], wrap: Sequence[bool]):
        self.ws = ws
        self.formats = list(formats)
        self.wrap = list(wrap)
        self._made: dict[tuple[int, str, bool], WriteOnlyCellType] = {}

    def _cell(self, col: int, kind: str, bold: bool) -> WriteOnlyCellType:
        key = (col, kind, bold)
        cell = self._made.get(key)
        if cell is None:
            cell = WriteOnlyCell(self.ws)
            if kind == "number":
                fmt = self.formats[col] if col < len(self.formats) else None
                cell.number_format = fmt or INTEGER
            elif kind == "date":
                cell.number_format = DATE
            if bold:
                cell.font = _HEAD_FONT
            if col < len(self.wrap) and self.wrap[col]:
                cell.alignment = _WRAP
            self._made[key] = cell
        return cell

    def row(self, values: Sequence[Cell], bold: bool) -> list[object]:
        out: list[object] = []
        for col, value in enumerate(values):
            wrap = col < len(self.wrap) and self.wrap[col]
            if value is None:
                out.append(None)
            elif isinstance(value, str):
                quoted = value.startswith(FORMULA_START)
                if not (bold or wrap or quoted):
                    out.append(value)
                    continue
                cell = self._cell(col, "quoted" if quoted else "text", bold)
                write_text(cell, value)  # a formula-like title stays text
                out.append(cell)
            elif isinstance(value, Decimal | int | float) and not isinstance(value, bool):
                cell = self._cell(col, "number", bold)
                cell.value = _as_number(value)
                out.append(cell)
            elif isinstance(value, dt.date):
                cell = self._cell(col, "date", bold)
                cell.value = value
                out.append(cell)
            else:
                out.append(value)
        return out


class _Sheet:
    """A sheet given row by row and written when finished: header frozen,
    formats per column, widths fitted to the data. A write-only sheet writes its
    column widths before its first row, so the rows wait in a spool (not as
    cells) until the widths are known."""

    def __init__(
        self, wb: Workbook, title: str, headers: Sequence[str], formats: Sequence[str | None]
    ) -> None:
        self.wb = wb
        self.title = title
        self.headers = list(headers)
        self.formats = list(formats)
        self.widths = [len(h) for h in headers]
        self._rows = _Spool()

    def append(self, values: Iterable[Cell], *, bold: bool = False) -> None:
        row = tuple(values)
        widths = self.widths
        for col, value in enumerate(row[: len(widths)]):
            if isinstance(value, str):
                width = max((len(line) for line in value.splitlines()), default=0)
            elif isinstance(value, Decimal | int | float) and not isinstance(value, bool):
                fmt = self.formats[col] if col < len(self.formats) else None
                width = len(f"{value:,.1f}") if fmt == ONE_DECIMAL else len(f"{value:,.0f}")
            elif isinstance(value, dt.date):
                width = 10
            else:
                continue
            if width > widths[col]:
                widths[col] = width
        self._rows.add(row, bold)

    def finish(self) -> None:
        ws = self.wb.create_sheet(self.title)
        for col, width in enumerate(self.widths, 1):
            ws.column_dimensions[get_column_letter(col)].width = min(width + 2, _MAX_WIDTH)
        ws.freeze_panes = "A2"
        head = []
        for text in self.headers:
            cell = WriteOnlyCell(ws, value=text)
            cell.font = _HEAD_FONT
            cell.fill = _HEAD_FILL
            cell.border = _HEAD_BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            head.append(cell)
        ws.append(head)
        cells = _Cells(ws, self.formats, [w > _MAX_WIDTH for w in self.widths])
        for values, bold in self._rows.drain():
            ws.append(cells.row(values, bold))


def _summary(wb: Workbook, r: ReportContext) -> None:
    sheet = _Sheet(wb, _("Tổng hợp"), [_("Nội dung"), _("Giá trị")], [None, INTEGER])
    totals = r.task_totals
    counts = r.status_counts
    rows: list[tuple[str, Cell]] = [
        (_("Báo cáo"), r.summary),
        (_("Số, ký hiệu"), r.draft.number_and_symbol.strip()),
        (_("Năm báo cáo"), str(r.year)),
        (_("Cơ quan báo cáo"), r.body_name),
        (
            _("Tình trạng số liệu"),
            _("SỐ LIỆU TẠM THỜI (còn số liệu chờ duyệt)") if r.provisional else _("Đã duyệt"),
        ),
        (_("Đơn vị báo cáo phải báo cáo"), r.received.expected),
        (_("Báo cáo đã nhận (đã gửi hoặc đã duyệt)"), r.received.submitted),
        (_("Báo cáo đã duyệt"), r.received.approved),
        (_("Báo cáo chờ duyệt"), r.received.waiting),
        (_("Số mục tiêu"), len(r.lines)),
    ]
    rows += [(str(STATUS_LABELS[Status(s)]), n) for s, n in counts.items()]
    rows += [
        (_("Số hoạt động"), totals["activities"]),
        (_("Lượt người tham gia hoạt động"), totals["participants"]),
        (_("Tổng kinh phí (đồng)"), totals["funding_total"]),
    ]
    for label, value in rows:
        sheet.append([label, value])
    sheet.finish()


def _targets(wb: Workbook, r: ReportContext) -> None:
    title = _("Mục tiêu")
    headers = [
        _("TT"),
        _("Mã mục tiêu"),
        _("Chỉ tiêu"),
        _("Mục tiêu"),
        _("Loại thiết chế"),
        _("Số đạt"),
        _("Tổng số thiết chế"),
        _("Chưa báo cáo"),
        _("Kết quả (%)"),
        _("Tăng trưởng so với năm trước (%)"),
        _("Số thiết chế so sánh"),
        _("Mục tiêu năm (%)"),
        _("Mục tiêu năm, mức trên (%)"),
        _("Mục tiêu 2025 (%)"),
        _("Mục tiêu 2030 (%)"),
        _("Mục tiêu 2030, mức trên (%)"),
        _("Đánh giá"),
        _("Đã báo cáo"),
        _("Phải báo cáo"),
        _("Chờ duyệt"),
    ]
    formats = [INTEGER, None, None, None, None, INTEGER, INTEGER, INTEGER, ONE_DECIMAL,
               ONE_DECIMAL, INTEGER, ONE_DECIMAL, ONE_DECIMAL, ONE_DECIMAL, ONE_DECIMAL,
               ONE_DECIMAL, None, INTEGER, INTEGER, None]  # fmt: skip
    sheet = _Sheet(wb, title, headers, formats)
    for i, line in enumerate(r.lines, 1):
        row = line.row
        # A growth band (the plan's "10% - 15% mỗi năm") stays two numbers, its
        # lower end in the target's column and its upper end beside it, so the
        # sheet can still be sorted and computed on; a floor leaves "mức trên" blank.
        growth = isinstance(row, GrowthRow)
        common_tail = [
            row.target,
            row.target_max if growth else None,
            row.target_2025,
            row.target_2030,
            row.target_2030_max if growth else None,
            line.status,
            row.reported,
            row.expected,
            _("Có") if row.awaiting_approval else _("Không"),
        ]
        if isinstance(row, GrowthRow):
            values: list[Cell] = [
                i, row.target_code, line.indicator_name, row.label, ", ".join(row.categories),
                None, None, None, row.value_shown(1), shown(row.yoy_exact, 1), row.matched_institutions,
            ]  # fmt: skip
        else:
            values = [
                i, row.target_code, line.indicator_name, row.label, ", ".join(row.categories),
                row.numerator, row.denominator, row.not_reported, row.value_shown(1), None, None,
            ]  # fmt: skip
        sheet.append(values + common_tail)
    sheet.finish()


def _annex(wb: Workbook, r: ReportContext) -> None:
    """Annex I as rows: the province, every unit and the line of what stands in
    no unit, so that the units and that line add up to the province; then, once
    the district level is gone, the old districts over the years."""
    title = _("Phụ lục theo đơn vị")
    headers = [
        _("Năm"),
        _("Mã đơn vị"),
        _("Đơn vị hành chính"),
        _("Mã mục tiêu"),
        _("Mục tiêu"),
        _("Số đạt"),
        _("Tổng số thiết chế"),
        _("Kết quả (%)"),
        _("Đánh giá"),
    ]
    formats = [None, None, None, None, None, INTEGER, INTEGER, ONE_DECIMAL, None]
    sheet = _Sheet(wb, title, headers, formats)
    lines = list(r.annex.all_lines)
    if r.comparison is not None:
        lines += [line for block in r.comparison.blocks for line in block.lines]
    for unit_line in lines:
        for row in unit_line.rows:
            label = f"{r.indicator_names.get(row.indicator, row.indicator)} — {row.label}"
            if isinstance(row, GrowthRow):
                numbers: list[Cell] = [row.matched_institutions, row.expected]
            else:
                numbers = [row.numerator, row.denominator]
            sheet.append(
                [
                    str(unit_line.year),
                    unit_line.code,
                    unit_line.label,
                    row.target_code,
                    label,
                    *numbers,
                    row.value_shown(1),
                    str(STATUS_LABELS[Status(row.status)]),
                ]  # fmt: skip
            )
    sheet.finish()


def _behind(wb: Workbook, r: ReportContext) -> None:
    """Annex II as rows: every institution behind a share target not met."""
    title = str(WORKBOOK_SHEET)
    headers = [
        _("Mã mục tiêu"),
        _("Mục tiêu"),
        _("Mã thiết chế"),
        _("Tên thiết chế"),
        _("Đơn vị hành chính"),
        _("Tình trạng"),
    ]
    sheet = _Sheet(wb, title, headers, [None] * len(headers))
    for group in r.behind:
        label = f"{group.line.indicator_name} — {group.line.row.label}"
        for i in group.institutions:
            sheet.append([group.line.row.target_code, label, i.code, i.name, i.unit_name, i.reason])
    sheet.finish()


def _narrative(wb: Workbook, r: ReportContext) -> None:
    """What the Department wrote: the document's particulars and sections V-VI."""
    title = _("Nội dung báo cáo")
    sheet = _Sheet(wb, title, [_("Mục"), _("Nội dung")], [None, None])
    draft = r.draft
    rows: list[tuple[str, Cell]] = [
        (_("Số, ký hiệu"), draft.number_and_symbol.strip()),
        (_("Ngày báo cáo"), draft.report_date),
        (_("Ngày chốt số liệu"), r.period.cutoff),
        (_("Người ký"), " ".join(p for p in (draft.signer_title, draft.signer_name) if p)),
        (_("Nơi nhận"), "\n".join(draft.recipient_lines)),
        (_("Kết quả khác"), draft.other_results),
        (_("V. Khó khăn, vướng mắc"), draft.difficulties),
        (_("VI. Đề xuất, kiến nghị"), draft.proposals),
    ]
    for label, value in rows:
        sheet.append([label, value])
    sheet.finish()


def _institutions(wb: Workbook, r: ReportContext) -> None:
    title = _("Số liệu thiết chế")
    fields = list(FIELDS)
    headers = [
        _("Mã thiết chế"),
        _("Tên thiết chế"),
        _("Loại"),
        _("Đơn vị hành chính"),
        _("Đơn vị báo cáo"),
        _("Trạng thái báo cáo"),
        *[str(f.label) for f in fields],
    ]
    formats: list[str | None] = [None] * 6 + [
        INTEGER if f.type == FieldType.COUNT else None for f in fields
    ]
    sheet = _Sheet(wb, title, headers, formats)
    # Words and the fields that apply to each category resolved once, not per row.
    states = {state: str(label) for state, label in SubmissionState.choices}
    not_reported = _("Chưa báo cáo")
    words = {True: _("Có"), False: _("Không"), None: None}
    blank = [None] * len(fields)
    applies: dict[str, list[tuple[bool, bool]]] = {}
    for line in institution_figures(year=r.year):
        values: list[Cell] = [
            line.code,
            line.name,
            line.category_name,
            line.unit_name,
            line.reporting_unit_code,
            states[line.state] if line.values is not None else not_reported,
        ]
        if line.values is None:
            values += blank
        else:
            kinds = applies.get(line.category_code)
            if kinds is None:
                kinds = applies[line.category_code] = [
                    (f.applies_to(line.category_code), f.type == FieldType.YES_NO) for f in fields
                ]
            for (applies_here, yes_no), value in zip(kinds, line.values, strict=True):
                if not applies_here:
                    values.append(None)
                else:
                    values.append(words[value] if yes_no else value)
        sheet.append(values)
    sheet.finish()


def _activities(wb: Workbook, r: ReportContext) -> None:
    title = _("Hoạt động")
    headers = [
        _("Ngày"),
        _("Tên hoạt động"),
        _("Nhóm nhiệm vụ"),
        _("Ngày kỷ niệm"),
        _("Thiết chế"),
        _("Đơn vị báo cáo"),
        _("Lượt người tham gia"),
        *(_capitalised(Activity.output_label(name)) for name in ACTIVITY_OUTPUTS),
        _("Ngân sách nhà nước (đồng)"),
        _("Lồng ghép chương trình, đề án (đồng)"),
        _("Xã hội hóa, đóng góp (đồng)"),
        _("Cộng (đồng)"),
        _("Trạng thái báo cáo"),
    ]
    formats = [DATE, None, None, None, None, None] + [INTEGER] * (5 + len(ACTIVITY_OUTPUTS))
    formats.append(None)
    sheet = _Sheet(wb, title, headers, formats)
    groups = dict(TaskGroup.choices)
    days = dict(KeyDay.choices)
    states = dict(SubmissionState.choices)
    for a in r.activities.iterator(chunk_size=STREAM_CHUNK):
        sheet.append(
            [
                a.date,
                a.title,
                str(groups.get(a.task_group, a.task_group)),
                str(days[a.key_day]) if a.key_day else None,
                a.institution.name if a.institution else None,
                a.submission.reporting_unit.code,
                a.participants,
                *(getattr(a, name) for name in ACTIVITY_OUTPUTS),
                a.funding_state_budget,
                a.funding_programmes,
                a.funding_contributions,
                a.funding_state_budget + a.funding_programmes + a.funding_contributions,
                str(states[a.submission.state]),
            ]
        )
    sheet.finish()


def _capitalised(label: object) -> str:
    text = str(label)
    return text[:1].upper() + text[1:]


def _outputs(wb: Workbook, r: ReportContext) -> None:
    """Section I's countable outputs, one row per output of each task group."""
    title = _("Kết quả hoạt động")
    headers = [
        _("Nhóm nhiệm vụ"),
        _("Kết quả"),
        _("Số lượng"),
        _("Số hoạt động có ghi"),
    ]
    sheet = _Sheet(wb, title, headers, [None, None, INTEGER, INTEGER])
    for t in r.task_groups:
        for o in t.outputs:
            sheet.append([t.label, _capitalised(o.label), o.value, o.recorded_by])
    sheet.finish()


def _funding(wb: Workbook, r: ReportContext) -> None:
    title = _("Kinh phí")
    headers = [
        _("Nhóm nhiệm vụ"),
        _("Số hoạt động"),
        _("Lượt người tham gia"),
        _("Ngân sách nhà nước (đồng)"),
        _("Lồng ghép chương trình, đề án (đồng)"),
        _("Xã hội hóa, đóng góp (đồng)"),
        _("Cộng (đồng)"),
    ]
    sheet = _Sheet(wb, title, headers, [None] + [INTEGER] * 6)
    for t in r.task_groups:
        sheet.append(
            [
                t.label,
                t.activities,
                t.participants,
                t.state_budget,
                t.programmes,
                t.contributions,
                t.funding_total,
            ]  # fmt: skip
        )
    totals = r.task_totals
    sheet.append(
        [
            _("Tổng cộng"),
            totals["activities"],
            totals["participants"],
            totals["state_budget"],
            totals["programmes"],
            totals["contributions"],
            totals["funding_total"],
        ],  # fmt: skip
        bold=True,
    )
    sheet.finish()


def render_report_xlsx(r: ReportContext) -> bytes:
    """The workbook's bytes, written sheet by sheet in openpyxl's write-only mode:
    no sheet is ever held as cells, and the long lists (institutions, activities)
    are read as streams."""
    with translation.override("vi"):
        wb = Workbook(write_only=True)
        wb.properties.title = r.summary
        wb.properties.creator = r.body_name
        _summary(wb, r)
        _targets(wb, r)
        _annex(wb, r)
        _behind(wb, r)
        _institutions(wb, r)
        _activities(wb, r)
        _outputs(wb, r)
        _funding(wb, r)
        _narrative(wb, r)
        out = io.BytesIO()
        wb.save(out)
    return out.getvalue()
