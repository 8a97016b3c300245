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
