"""Small things a user reads: names, not codes; a next step, not a menu; one
wording for a target."""

from __future__ import annotations

from decimal import Decimal

from indicators.validation import validate_row
from institutions.models import Category
from reports.attainment import growth_target_text
from tests.conftest import client_for
from tests.factories import ReportingPeriodFactory


def test_anyone_finds_the_public_dashboard_and_the_open_data_from_home(db) -> None:
    html = client_for(None).get("/").content.decode()
    assert 'href="/dashboard/"' in html
    assert 'href="/du-lieu-mo/"' in html


def test_home_names_the_officers_unit_without_its_internal_code(province, officer_a) -> None:
    ReportingPeriodFactory(year=2025)
    html = client_for(officer_a).get("/").content.decode()
    assert province.unit_a.name in html
    assert f"({province.unit_a.code})" not in html


def test_a_field_that_does_not_apply_is_refused_naming_the_category(db) -> None:
    result = validate_row("LIB_COMM", {"study_visitors": "5"})
    (problem,) = result.errors
    assert Category.objects.get(code="LIB_COMM").name in problem.message
    assert "LIB_COMM" not in problem.message


def test_a_growth_target_reads_as_the_plan_writes_it() -> None:
    number = lambda d: f"{d:n}"  # noqa: E731
    # "tăng bình quân 10% mỗi năm" by 2025; "tăng 10% - 15% mỗi năm" by 2030.
    assert growth_target_text(Decimal(10), None, number=number) == "10%/năm"
    assert growth_target_text(Decimal(10), Decimal(15), number=number) == "10–15%/năm"
    assert (
        growth_target_text(Decimal(10), None, number=number, percent="\u00a0%") == "10\u00a0%/năm"
    )
