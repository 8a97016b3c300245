"""Open data pages: public, no sign-in (approved figures only)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from indicators.models import PeriodState, ReportingPeriod
from reports.open_data import (
    DICTIONARY,
    as_csv,
    as_json,
    attainment_records,
    figures_records,
)

DATASETS = {"chi-tieu": ("attainment", attainment_records), "so-lieu": ("figures", figures_records)}
FORMATS = {"csv": ("text/csv; charset=utf-8", as_csv), "json": ("application/json", as_json)}


@require_GET
def open_data_index(request: HttpRequest) -> HttpResponse:
    periods = list(ReportingPeriod.objects.order_by("-year"))
    return render(
        request,
        "reports/open_data.html",
        {
            "periods": periods,
            "locked": PeriodState.LOCKED,
            "dictionary": {name: cols for name, cols in DICTIONARY.items()},
        },
    )


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
