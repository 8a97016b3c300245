"""One entry point for the report's files, shared by the page and the command."""

from __future__ import annotations

from typing import Literal

from reports.annual.context import build_report_context
from reports.models import ReportDraft

Format = Literal["pdf", "xlsx"]
FORMATS: tuple[Format, ...] = ("pdf", "xlsx")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def report_file(*, draft: ReportDraft, fmt: Format) -> bytes:
    """The report for the draft's year as PDF or xlsx bytes, figures computed now."""
    if fmt == "pdf":
        from reports.annual.pdf import render_report_pdf

        return render_report_pdf(build_report_context(draft=draft))
    if fmt == "xlsx":
        from reports.annual.xlsx import render_report_xlsx

        return render_report_xlsx(build_report_context(draft=draft, with_activity_list=True))
    raise ValueError(fmt)


def report_preview_html(*, draft: ReportDraft) -> str:
    """The report as the reviewer's HTML preview: the PDF's document, same
    context and template (Vietnamese whatever the interface language); `draft`
    may hold unsaved values."""
    from reports.annual.pdf import render_report_html

    return render_report_html(build_report_context(draft=draft), preview=True)


def report_filename(*, draft: ReportDraft, fmt: Format) -> str:
    return f"bao-cao-ke-hoach-3632-nam-{draft.period.year}.{fmt}"
