"""One entry point for the report's files, shared by the page and the command."""

from __future__ import annotations

from dataclasses import dataclass
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
    """The report for the draft's year as PDF or xlsx bytes: while the year
    stands issued (issued and its period locked), the issued bytes; otherwise
    built now, figures computed now."""
    if draft.is_issued and draft.period.is_locked:
        issued = draft.period.issued_reports.order_by("-version").first()
        if issued is not None:
            return issued.file(fmt)
    return draft_file(draft=draft, fmt=fmt)


def draft_file(*, draft: ReportDraft, fmt: Format) -> bytes:
    """The report for the draft's year built now, whatever was issued."""
    if fmt == "pdf":
        from reports.annual.pdf import render_report_pdf

        return render_report_pdf(build_report_context(draft=draft))
    if fmt == "xlsx":
        from reports.annual.xlsx import render_report_xlsx

        return render_report_xlsx(build_report_context(draft=draft))
    raise ValueError(fmt)


@dataclass(frozen=True)
class ReportFiles:
    pdf: bytes
    xlsx: bytes
    signed_by: str  # the signing certificate's subject, "" when not signed


def build_files(*, draft: ReportDraft, sign: bool) -> ReportFiles:
    """Both files of the report from one computation of its figures; the PDF
    signed (PAdES) when `sign` and a certificate is configured."""
    from reports.annual.pdf import render_report_pdf
    from reports.annual.signing import sign_pdf
    from reports.annual.xlsx import render_report_xlsx

    context = build_report_context(draft=draft)
    pdf = render_report_pdf(context)
    signed_by = ""
    if sign:
        signed = sign_pdf(
            pdf, reason=f"Ban hành báo cáo số {draft.number_and_symbol}", location=draft.place
        )
        pdf, signed_by = signed.pdf, signed.signed_by
    return ReportFiles(pdf=pdf, xlsx=render_report_xlsx(context), signed_by=signed_by)


def report_preview_html(*, draft: ReportDraft) -> str:
    """The report as the reviewer's HTML preview: the PDF's document, same
    context and template (Vietnamese whatever the interface language); `draft`
    may hold unsaved values."""
    from reports.annual.pdf import render_report_html

    return render_report_html(build_report_context(draft=draft), preview=True)


def report_filename(*, draft: ReportDraft, fmt: Format) -> str:
    return f"bao-cao-ke-hoach-3632-nam-{draft.period.year}.{fmt}"
