"""Open data: approved figures and attainment per year, public, with the plan's
clause beside every target and a data dictionary."""

from __future__ import annotations

import csv
import io
import json

import pytest

from indicators.models import Figures
from reports import selectors
from reports.visibility import APPROVED_ONLY
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _csv(response) -> list[dict[str, str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_attainment_is_published_from_approved_figures_with_the_plans_clause(known) -> None:
    client = client_for(None)
    page = client.get("/du-lieu-mo/").content.decode()
    assert "/du-lieu-mo/2024/chi-tieu.csv" in page and "plan_clause" in page
    rows = _csv(client.get("/du-lieu-mo/2024/chi-tieu.csv"))
    province = {r["target_code"]: r for r in rows if r["unit_code"] == ""}
    expected = {
        r.target_code: r for r in selectors.attainment_rows(year=2024, visibility=APPROVED_ONLY)
    }
    assert set(province) == set(expected)
    for code, row in expected.items():
        if row.kind == "share":
            assert int(province[code]["numerator"]) == row.numerator
            assert int(province[code]["denominator"]) == row.denominator
        assert province[code]["status"] == row.status
        assert province[code]["plan_clause"].startswith(("II.", "I."))
    # The units and the line above them add up to the province.
    for code, row in expected.items():
        parts = [r for r in rows if r["target_code"] == code and r["unit_code"]]
        assert sum(int(r["denominator"]) for r in parts) == row.expected


def test_only_approved_figures_are_published(known) -> None:
    payload = json.loads(client_for(None).get("/du-lieu-mo/2024/so-lieu.json").content)
    assert {c["name"] for c in payload["columns"]} >= {"institution_code", "lll_services"}
    published = {r["institution_code"] for r in payload["records"]}
    approved = set(
        Figures.objects.filter(year=2024, submission__state="approved").values_list(
            "institution__code", flat=True
        )
    )
    waiting = set(
        Figures.objects.filter(year=2024, submission__state="submitted").values_list(
            "institution__code", flat=True
        )
    )
    assert published == approved and waiting and not published & waiting


def test_an_unknown_year_or_dataset_is_not_found(known) -> None:
    client = client_for(None)
    assert client.get("/du-lieu-mo/1999/chi-tieu.csv").status_code == 404
    assert client.get("/du-lieu-mo/2024/khac.csv").status_code == 404
    assert client.get("/du-lieu-mo/2024/chi-tieu.xml").status_code == 404


def _lock(year: int) -> None:
    from indicators.models import PeriodState, ReportingPeriod

    ReportingPeriod.objects.filter(year=year).update(state=PeriodState.LOCKED)


def test_a_year_still_collecting_is_marked_provisional(known) -> None:
    client = client_for(None)
    rows = _csv(client.get("/du-lieu-mo/2024/chi-tieu.csv"))
    assert rows and {r["final"] for r in rows} == {"0"}
    page = client.get("/du-lieu-mo/").content.decode()
    assert "Tạm thời" in page and "Chính thức" not in page
    _lock(2024)
    rows = _csv(client.get("/du-lieu-mo/2024/chi-tieu.csv"))
    assert {r["final"] for r in rows} == {"1"}
    figures = json.loads(client.get("/du-lieu-mo/2024/so-lieu.json").content)["records"]
    assert figures and {r["final"] for r in figures} == {1}
    assert "Chính thức" in client.get("/du-lieu-mo/").content.decode()


def test_every_code_has_its_key_and_the_number_format_is_stated(known) -> None:
    from institutions.models import Category
    from reports.attainment import STATUS_LABELS

    client = client_for(None)
    page = client.get("/du-lieu-mo/").content.decode()
    for status, label in STATUS_LABELS.items():
        assert f"<code>{status}</code></td><td>{label}</td>" in page
    for code, name in Category.objects.values_list("code", "name"):
        assert f"<code>{code}</code></td><td>{name}</td>" in page
    assert "Số thập phân dùng dấu chấm (ví dụ 53.85)" in page
    payload = json.loads(client.get("/du-lieu-mo/2024/so-lieu.json").content)
    assert payload["codes"]["status"]["not_achieved"] == str(STATUS_LABELS["not_achieved"])
    record = payload["records"][0]
    assert record["category_name"] == payload["codes"]["category"][record["category"]]
    assert record["reporting_unit_name"] and record["admin_unit_name"]


def test_the_public_downloads_the_issued_report_of_a_locked_year(known, reviewer) -> None:
    import datetime as dt
    import hashlib

    from django.utils import timezone

    from indicators.models import ReportingPeriod
    from reports.models import IssuedReport

    client = client_for(None)
    assert client.get("/du-lieu-mo/2024/bao-cao-ban-hanh.pdf").status_code == 404
    pdf = b"%PDF-1.7 issued"
    IssuedReport.objects.create(
        period=ReportingPeriod.objects.get(year=2024),
        version=1,
        number_and_symbol="88/BC-SVHTTDL",
        report_date=dt.date(2024, 12, 10),
        signer_name="Nguyễn Văn Hùng",
        data_cutoff=dt.date(2024, 12, 5),
        issued_at=timezone.now(),
        issued_by=reviewer,
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        xlsx=b"x",
        xlsx_sha256=hashlib.sha256(b"x").hexdigest(),
    )
    # Issued, then reopened: not final any more, not offered as the year's report.
    assert client.get("/du-lieu-mo/2024/bao-cao-ban-hanh.pdf").status_code == 404
    _lock(2024)
    page = client.get("/du-lieu-mo/").content.decode()
    assert "PDF số 88/BC-SVHTTDL ngày 10/12/2024" in page
    response = client.get("/du-lieu-mo/2024/bao-cao-ban-hanh.pdf")
    assert response.status_code == 200 and response.content == pdf
    assert response["X-Content-SHA256"] == hashlib.sha256(pdf).hexdigest()
