"""The read-only JSON API: what each persona sees, pagination, query counts."""

from __future__ import annotations

import pytest

from indicators.models import SubmissionState
from indicators.services import plan_load
from institutions.models import Level
from tests.conftest import client_for
from tests.factories import (
    AdministrativeUnitFactory,
    InstitutionFactory,
    ReportingPeriodFactory,
    category,
)

pytestmark = pytest.mark.django_db

COMM = "LIB_LLL_SERVICE:LIB_COMM"


@pytest.fixture
def published(province):
    """Two commune libraries in Yên Đỗ (district A): one approved "yes", and in
    district B one submitted "yes" still awaiting approval."""
    from indicators.models import Figures, Submission

    plan_load()
    period = ReportingPeriodFactory(year=2025)
    approved = Submission.objects.create(
        reporting_unit=province.unit_a, period=period, state=SubmissionState.APPROVED
    )
    submitted = Submission.objects.create(
        reporting_unit=province.unit_b, period=period, state=SubmissionState.SUBMITTED
    )
    for commune, unit, submission in (
        (province.commune_a, province.unit_a, approved),
        (province.commune_b, province.unit_b, submitted),
    ):
        inst = InstitutionFactory(
            category=category("LIB_COMM"), admin_unit=commune, reporting_unit=unit
        )
        Figures.objects.create(
            institution=inst, year=2025, submission=submission, lll_services=True
        )
    return province


def comm(payload: dict) -> dict:
    return next(r for r in payload["results"] if r["target_code"] == COMM)


def test_anonymous_visitors_see_approved_figures_for_the_province(client, published):
    response = client.get("/api/v1/attainment/", {"year": 2025})
    assert response.status_code == 200
    body = response.json()
    assert body["approved_only"] is True and body["unit"] is None
    row = comm(body)
    # only the approved "yes" counts: 1 of 2 → 50.0 (a number, not a string)
    assert (row["numerator"], row["denominator"], row["value"]) == (1, 2, 50.0)
    assert row["kind"] == "share" and "yoy_growth" not in row
    growth = next(r for r in body["results"] if r["kind"] == "growth")
    assert "numerator" not in growth and "average_growth" in growth
    assert (growth["target_2030"], growth["target_2030_max"]) == (10.0, 15.0)


def test_anonymous_visitors_see_a_district_but_not_a_commune(client, published):
    district = client.get("/api/v1/attainment/", {"year": 2025, "unit": "623"})
    assert district.status_code == 200
    # district B's only figure is not approved yet: nobody reported → no_data
    assert comm(district.json())["status"] == "no_data"
    assert client.get("/api/v1/attainment/", {"year": 2025, "unit": "23557"}).status_code == 403
    # asking for more does not give more
    more = client.get("/api/v1/attainment/", {"year": 2025, "approved_only": "false"})
    assert comm(more.json())["numerator"] == 1


def test_reviewers_see_submitted_figures_everywhere(reviewer, published):
    client = client_for(reviewer)
    body = client.get("/api/v1/attainment/", {"year": 2025}).json()
    row = comm(body)
    assert body["approved_only"] is False
    assert (row["numerator"], row["denominator"], row["awaiting_approval"]) == (2, 2, True)
    commune = client.get("/api/v1/attainment/", {"year": 2025, "unit": "23620"})
    assert commune.status_code == 200 and comm(commune.json())["numerator"] == 1
    public = client.get("/api/v1/attainment/", {"year": 2025, "approved_only": "true"}).json()
    assert comm(public)["numerator"] == 1


def test_officers_see_their_own_units_in_full_and_the_rest_as_the_public(officer_b, published):
    client = client_for(officer_b)
    own = client.get("/api/v1/attainment/", {"year": 2025, "unit": "623"}).json()
    assert own["approved_only"] is False and comm(own)["numerator"] == 1
    own_commune = client.get("/api/v1/attainment/", {"year": 2025, "unit": "23620"})
    assert own_commune.status_code == 200
    other = client.get("/api/v1/attainment/", {"year": 2025, "unit": "622"}).json()
    assert other["approved_only"] is True
    assert client.get("/api/v1/attainment/", {"year": 2025, "unit": "23557"}).status_code == 403
    province_wide = client.get("/api/v1/attainment/", {"year": 2025}).json()
    assert province_wide["approved_only"] is True


def test_bad_years_and_unknown_units_are_refused(client, published):
    assert client.get("/api/v1/attainment/").status_code == 400
    assert client.get("/api/v1/attainment/", {"year": "abc"}).status_code == 400
    missing = client.get("/api/v1/attainment/", {"year": 2025, "unit": "99999"})
    assert missing.status_code == 404 and "99999" in missing.json()["detail"]


def test_institutions_are_paginated_with_their_units(client, province, django_assert_num_queries):
    for i in range(7):
        InstitutionFactory(
            code=f"TV-{i:02d}",
            category=category("LIB_COMM"),
            admin_unit=province.commune_a,
            reporting_unit=province.unit_a,
            opened_year=2020 + i,
        )
    # count and one page, whatever the page size
    with django_assert_num_queries(2):
        body = client.get("/api/v1/institutions/", {"page_size": 5}).json()
    assert body["count"] == 7 and len(body["results"]) == 5 and body["next"]
    first = body["results"][0]
    assert first["code"] == "TV-00" and first["category"] == "LIB_COMM"
    assert first["admin_unit"]["code"] == "23557" and first["reporting_unit"] == "UBND-622"
    assert (first["opened_year"], first["closed_year"]) == (2020, None)
    open_2022 = client.get("/api/v1/institutions/", {"year": 2022}).json()
    assert open_2022["count"] == 3
    detail = client.get("/api/v1/institutions/TV-03/")
    assert detail.status_code == 200 and detail.json()["opened_year"] == 2023


def test_indicators_carry_targets_and_milestones(client, db, django_assert_num_queries):
    plan_load()
    with django_assert_num_queries(5):
        body = client.get("/api/v1/indicators/").json()
    assert body["count"] == 7
    lib = body["results"][0]
    assert lib["code"] == "LIB_LLL_SERVICE" and lib["baseline_year"] == 2023
    target = next(t for t in lib["targets"] if t["code"] == COMM)
    assert target["categories"] == ["LIB_COMM"]
    assert target["milestones"] == [
        {"year": 2025, "value": 40.0, "value_max": None},
        {"year": 2030, "value": 60.0, "value_max": None},
    ]
    growth = next(i for i in body["results"] if i["code"] == "LIB_VISITS_GROWTH")
    assert growth["targets"][0]["milestones"][1]["value_max"] == 15.0


@pytest.mark.parametrize("n", [2, 20])
def test_attainment_runs_a_fixed_number_of_queries(client, published, n, django_assert_num_queries):
    for _ in range(n):
        InstitutionFactory(
            category=category("LIB_DIST"),
            admin_unit=published.district_a,
            reporting_unit=published.unit_a,
        )
    # unit lookup, the data version, targets, categories, milestones, units,
    # successions, aggregate; the same data again: the unit and the version.
    with django_assert_num_queries(8):
        assert client.get("/api/v1/attainment/", {"year": 2025, "unit": "622"}).status_code == 200
    with django_assert_num_queries(2):
        assert client.get("/api/v1/attainment/", {"year": 2025, "unit": "622"}).status_code == 200


def test_the_schema_and_docs_are_served_without_a_cdn(client, db):
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ("/api/v1/attainment/", "/api/v1/institutions/", "/api/v1/indicators/"):
        assert path in text
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/vendor/redoc/redoc.standalone.js" in html
    assert "https://" not in html
    # Nor does Redoc itself fetch an asset: its sidebar logo came from cdn.redoc.ly.
    from django.conf import settings

    redoc = (settings.BASE_DIR / "static/vendor/redoc/redoc.standalone.js").read_text("utf-8")
    assert "cdn.redoc.ly" not in redoc


def test_a_new_unit_sharing_an_old_code_is_chosen_by_year(client, published):
    AdministrativeUnitFactory(code="623", name="Mới", level=Level.DISTRICT, valid_from="2025-07-01")
    old = client.get("/api/v1/attainment/", {"year": 2024, "unit": "623"}).json()
    assert old["unit"]["name"] == "Thị xã An Khê"


@pytest.mark.parametrize("n", [3, 30])
def test_the_lists_run_a_fixed_number_of_queries_whatever_the_institutions(
    client, province, n, django_assert_num_queries
):
    plan_load()
    for i in range(n):
        InstitutionFactory(
            category=category(("LIB_COMM", "MUS", "CC_COMM")[i % 3]),
            admin_unit=(province.commune_a, province.commune_b)[i % 2],
            reporting_unit=(province.unit_a, province.unit_b)[i % 2],
        )
    # count and one page, category, admin unit and reporting unit joined
    with django_assert_num_queries(2):
        body = client.get("/api/v1/institutions/", {"page_size": 500}).json()
    assert body["count"] == n and len(body["results"]) == n
    # count, indicators with the plan, targets, categories, milestones
    with django_assert_num_queries(5):
        assert client.get("/api/v1/indicators/").json()["count"] == 7
