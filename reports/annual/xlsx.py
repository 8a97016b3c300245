"""The annual report as an Excel workbook (openpyxl), one sheet per part.

Numbers are stored as numbers with number formats ('#,##0', '0.0'); Excel
shows them with the reader's own separators, so a Vietnamese Excel displays
1.234,5. Text that Excel could take for a formula (=, +, -, @ first) is stored as
a string with the quote-prefix style, so a title like '=HYPERLINK(...)' stays text.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from indicators.excel import write_text
from indicators.fields import FIELDS, FieldType
from indicators.models import ACTIVITY_OUTPUTS, Activity, KeyDay, SubmissionState, TaskGroup
from reports.annual.context import ReportContext, institution_figures
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


def _yes_no(value: bool | None) -> str | None:
    if value is None:
        return None
    return _("Có") if value else _("Không")


class _Sheet:
    """A sheet written row by row: header frozen, formats per column, widths fitted."""

    def __init__(
        self, ws: Worksheet, headers: Sequence[str], formats: Sequence[str | None]
    ) -> None:
        self.ws = ws
        self.formats = list(formats)
        self.widths = [len(h) for h in headers]
        self.row = 1
        for col, head in enumerate(headers, 1):
            cell = ws.cell(row=1, column=col, value=head)
            cell.font = _HEAD_FONT
            cell.fill = _HEAD_FILL
            cell.border = _HEAD_BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.freeze_panes = "A2"

    def append(self, values: Iterable[Cell], *, bold: bool = False) -> None:
        self.row += 1
        for col, value in enumerate(values, 1):
            cell = self.ws.cell(row=self.row, column=col)
            if isinstance(value, str):
                write_text(cell, value)  # a formula-like title stays text
                width = max((len(line) for line in value.splitlines()), default=0)
            elif isinstance(value, Decimal | int | float) and not isinstance(value, bool):
                cell.value = _as_number(value)
                fmt = self.formats[col - 1] if col <= len(self.formats) else None
                cell.number_format = fmt or INTEGER
                width = len(f"{value:,.1f}") if fmt == ONE_DECIMAL else len(f"{value:,.0f}")
            elif isinstance(value, dt.date):
                cell.value = value
                cell.number_format = DATE
                width = 10
            else:
                cell.value = value
                width = 0
            if bold:
                cell.font = _HEAD_FONT
            if col <= len(self.widths):
                self.widths[col - 1] = max(self.widths[col - 1], width)

    def finish(self) -> None:
        for col, width in enumerate(self.widths, 1):
            self.ws.column_dimensions[get_column_letter(col)].width = min(width + 2, _MAX_WIDTH)
            if width > _MAX_WIDTH:
                for (cell,) in self.ws.iter_rows(min_col=col, max_col=col, min_row=2):
                    cell.alignment = _WRAP


def _summary(wb: Workbook, r: ReportContext) -> None:
    ws = wb.active
    ws.title = _("Tổng hợp")
    sheet = _Sheet(ws, [_("Nội dung"), _("Giá trị")], [None, INTEGER])
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
    ws = wb.create_sheet(_("Mục tiêu"))
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
    sheet = _Sheet(ws, headers, formats)
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
    ws = wb.create_sheet(_("Phụ lục theo đơn vị"))
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
    sheet = _Sheet(ws, headers, formats)
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
    ws = wb.create_sheet(str(WORKBOOK_SHEET))
    headers = [
        _("Mã mục tiêu"),
        _("Mục tiêu"),
        _("Mã thiết chế"),
        _("Tên thiết chế"),
        _("Đơn vị hành chính"),
        _("Tình trạng"),
    ]
    sheet = _Sheet(ws, headers, [None] * len(headers))
    for group in r.behind:
        label = f"{group.line.indicator_name} — {group.line.row.label}"
        for i in group.institutions:
            sheet.append([group.line.row.target_code, label, i.code, i.name, i.unit_name, i.reason])
    sheet.finish()


def _narrative(wb: Workbook, r: ReportContext) -> None:
    """What the Department wrote: the document's particulars and sections V-VI."""
    ws = wb.create_sheet(_("Nội dung báo cáo"))
    sheet = _Sheet(ws, [_("Mục"), _("Nội dung")], [None, None])
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
    ws = wb.create_sheet(_("Số liệu thiết chế"))
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
    sheet = _Sheet(ws, headers, formats)
    states = dict(SubmissionState.choices)
    for institution, figures in institution_figures(year=r.year):
        values: list[Cell] = [
            institution.code,
            institution.name,
            institution.category.name,
            institution.admin_unit.name,
            institution.reporting_unit.code,
            str(states[figures.submission.state]) if figures else _("Chưa báo cáo"),
        ]
        for f in fields:
            if figures is None or not f.applies_to(institution.category.code):
                values.append(None)
                continue
            value = getattr(figures, f.code)
            values.append(_yes_no(value) if f.type == FieldType.YES_NO else value)
        sheet.append(values)
    sheet.finish()


def _activities(wb: Workbook, r: ReportContext) -> None:
    ws = wb.create_sheet(_("Hoạt động"))
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
    sheet = _Sheet(ws, headers, formats)
    groups = dict(TaskGroup.choices)
    days = dict(KeyDay.choices)
    states = dict(SubmissionState.choices)
    for a in r.activities:
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
    ws = wb.create_sheet(_("Kết quả hoạt động"))
    headers = [
        _("Nhóm nhiệm vụ"),
        _("Kết quả"),
        _("Số lượng"),
        _("Số hoạt động có ghi"),
    ]
    sheet = _Sheet(ws, headers, [None, None, INTEGER, INTEGER])
    for t in r.task_groups:
        for o in t.outputs:
            sheet.append([t.label, _capitalised(o.label), o.value, o.recorded_by])
    sheet.finish()


def _funding(wb: Workbook, r: ReportContext) -> None:
    ws = wb.create_sheet(_("Kinh phí"))
    headers = [
        _("Nhóm nhiệm vụ"),
        _("Số hoạt động"),
        _("Lượt người tham gia"),
        _("Ngân sách nhà nước (đồng)"),
        _("Lồng ghép chương trình, đề án (đồng)"),
        _("Xã hội hóa, đóng góp (đồng)"),
        _("Cộng (đồng)"),
    ]
    sheet = _Sheet(ws, headers, [None] + [INTEGER] * 6)
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
    """The workbook's bytes. Expects a context built with `with_activity_list=True`."""
    with translation.override("vi"):
        wb = Workbook()
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
