"""The status colours as a stylesheet, generated from the one definition in
reports/attainment.py (STATUS_STYLES), so that the pages, the workbook and the
report can never disagree on a colour."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from reports.attainment import STATUS_STYLES


def text_colour(hex_colour: str) -> str:
    """Black or white, whichever reads better on `hex_colour` (WCAG luminance)."""
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    return "#000" if luminance > 0.179 else "#fff"


def stylesheet() -> str:
    rules = []
    for status, style in STATUS_STYLES.items():
        fg = text_colour(style.colour)
        rules += [
            f".status-{status.value} {{ background-color: {style.colour}; color: {fg}; }}",
            f".status-border-{status.value} {{ border-left-color: {style.colour}; }}",
            f".units-table td.status-{status.value} {{ --bs-table-bg: {style.colour}; "
            f"--bs-table-color: {fg}; }}",
            f".units-table td.status-{status.value} a {{ color: {fg}; }}",
        ]
    return "\n".join(rules) + "\n"


@require_GET
@cache_control(max_age=3600, public=True)
def status_css(request: HttpRequest) -> HttpResponse:
    return HttpResponse(stylesheet(), content_type="text/css; charset=utf-8")
