"""Open data pages: public, no sign-in (approved figures only)."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from indicators.models import PeriodState, ReportingPeriod
from reports.models import IssuedReport
from reports.open_data import (
    DICTIONARY,
    FORMAT_NOTES,
    as_csv,
    as_json,
    attainment_records,
    code_keys,
    figures_records,
)

DATASETS = {"chi-tieu": ("attainment", attainment_records), "so-lieu": ("figures", figures_records)}
FORMATS = {"csv": ("text/csv; charset=utf-8", as_csv), "json": ("application/json", as_json)}


@require_GET
def open_data_index(request: HttpRequest) -> HttpResponse:
    newest = IssuedReport.objects.filter(period=OuterRef("pk")).order_by("-version")
    periods = list(
        ReportingPeriod.objects.annotate(
            issued_version=Subquery(newest.values("version")[:1]),
            issued_number=Subquery(newest.values("number_and_symbol")[:1]),
            issued_date=Subquery(newest.values("report_date")[:1]),
        ).order_by("-year")
    )
    return render(
        request,
        "reports/open_data.html",
        {
            "periods": periods,
            "locked": PeriodState.LOCKED,
            "dictionary": {name: cols for name, cols in DICTIONARY.items()},
            "codes": code_keys(),
            "notes": FORMAT_NOTES,
        },
    )


@require_GET
def open_data_report(request: HttpRequest, year: int) -> HttpResponse:
    """The newest issued report of a locked year, byte for byte as issued (signed)."""
    issued = (
        IssuedReport.objects.filter(period__year=year, period__state=PeriodState.LOCKED)
        .order_by("-version")
        .first()
    )
    if issued is None:
        raise Http404("No issued report")
    response = HttpResponse(issued.file("pdf"), content_type="application/pdf")
    name = f"bao-cao-ke-hoach-3632-nam-{year}-ban-hanh-v{issued.version}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-SHA256"] = issued.sha256("pdf")
    return response


@require_GET
def open_data_file(request: HttpRequest, year: int, dataset: str, fmt: str) -> HttpResponse:
    if dataset not in DATASETS or fmt not in FORMATS:
        raise Http404
    if not ReportingPeriod.objects.filter(year=year).exists():
        raise Http404
    name, build = DATASETS[dataset]
    content_type, render_file = FORMATS[fmt]
    response = HttpResponse(render_file(build(year), DICTIONARY[name]), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="gialai-3632-{dataset}-{year}.{fmt}"'
    return response
