"""The annual report as HTML (the reviewer's preview) and as PDF (WeasyPrint).

Both come from one template, templates/reports/annual/report.html, and one
stylesheet, static/css/report.css; the PDF reads the stylesheet from disk so its
@font-face URLs resolve to the vendored Liberation Serif files, which WeasyPrint
then embeds (subset) in the PDF.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from reports.annual.context import BehindCount, ReportContext
from reports.annual.context.behind import WORKBOOK_SHEET
from reports.annual.formatting import DASH, vn_date, vn_number, vn_percent

TEMPLATE = "reports/annual/report.html"
STATIC_DIR = Path(settings.BASE_DIR) / "static"
STYLESHEET = STATIC_DIR / "css" / "report.css"
_NOT_RECORDED = _("chưa hoạt động nào ghi")


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.splitlines() if p.strip()]


def _count_cells(count: BehindCount) -> dict[str, str]:
    return {
        "label": count.label,
        "kind": count.kind,
        "not_meeting": vn_number(count.not_meeting),
        "not_reported": vn_number(count.not_reported),
        "total": vn_number(count.total),
    }


def behind_display(r: ReportContext) -> dict[str, object]:
    """Annex II as printed: the list's size, and when the list is too long to
    print, each group's counts by the lines of Annex I."""
    return {
        "rows": vn_number(r.behind_rows),
        "limit": vn_number(settings.REPORT_ANNEX_LIST_MAX_ROWS),
        "sheet": str(WORKBOOK_SHEET),
        "counted": (
            []
            if r.behind_in_full
            else [
                {
                    "line": c.line,
                    "lines": [_count_cells(line) for line in c.lines],
                    "total": _count_cells(c.total),
                }
                for c in r.behind_counted
            ]
        ),
    }


def display_values(r: ReportContext) -> dict[str, object]:
    """The report's numbers as printed (1.234,5), computed once for the template."""
    totals = r.task_totals
    return {
        "task_groups": [
            {
                "code": t.code,
                "label": t.label,
                "title": t.title,
                "activities": vn_number(t.activities),
                "participants": vn_number(t.participants),
                "state_budget": vn_number(t.state_budget),
                "programmes": vn_number(t.programmes),
                "contributions": vn_number(t.contributions),
                "funding_total": vn_number(t.funding_total),
                "highlights": t.highlights,
                "outputs": [
                    {
                        "label": o.label,
                        "value": vn_number(o.value) if o.recorded_by else _NOT_RECORDED,
                    }
                    for o in t.outputs
                ],
            }
            for t in r.task_groups
        ],
        "totals": {k: vn_number(v) for k, v in totals.items()},
        "key_days": [
            {
                "label": d.label,
                "activities": vn_number(d.activities),
                "participants": vn_number(d.participants),
            }
            for d in r.key_days
        ],
        "completeness": [
            {
                "line": line,
                "share": (
                    vn_percent(100 * line.row.reported / line.row.expected)
                    if line.row.expected
                    else DASH
                ),
            }
            for line in r.lines
        ],
        "submissions_received": vn_number(r.received.submitted),
        "units_expected": vn_number(r.received.expected),
        "approved": vn_number(r.received.approved),
        "waiting": vn_number(r.received.waiting),
        "other_results": _paragraphs(r.draft.other_results),
        "difficulties": _paragraphs(r.draft.difficulties),
        "proposals": _paragraphs(r.draft.proposals),
        "report_date": vn_date(r.draft.report_date) if r.draft.report_date else "…",
        "annex_units_on": vn_date(r.annex.units_on),
        "cutoff": vn_date(r.period.cutoff),
        "comparison_units_on": vn_date(r.comparison.units_on) if r.comparison else "",
        "behind": behind_display(r),
    }


def render_report_html(r: ReportContext, *, preview: bool = False) -> str:
    """The report as a standalone HTML document. In preview it links the
    stylesheet by its static URL; for the PDF the stylesheet is passed directly."""
    # The official document is Vietnamese whatever the reviewer's interface language.
    with translation.override("vi"):
        return render_to_string(
            TEMPLATE,
            {
                "r": r,
                "fmt": display_values(r),
                "preview": preview,
                "stylesheet_url": static("css/report.css") if preview else "",
            },
        )


def render_report_pdf(r: ReportContext) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    html = HTML(string=render_report_html(r), base_url=str(STATIC_DIR))
    stylesheet = CSS(filename=str(STYLESHEET), font_config=fonts)
    return html.write_pdf(stylesheets=[stylesheet], font_config=fonts)
