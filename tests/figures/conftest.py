"""A small reporting year: unit A (Pleiku) with a library, a museum and a
commune culture centre open in 2025 plus one closed in 2023; unit B (An Khê)
with one library. Last year's (2024) figures exist for A's library and museum."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from indicators import services
from indicators.models import Figures, ReportingPeriod, Submission
from institutions.models import Institution
from tests.factories import InstitutionFactory, ReportingPeriodFactory, category


@dataclass
class Year:
    period: ReportingPeriod
    library: Institution
    museum: Institution
    centre: Institution
    closed: Institution
    library_b: Institution
    submission_a: Submission


@pytest.fixture(autouse=True)
def plan(categories):
    """The real plan: periods can only be opened for its years (2023-2030)."""
    from indicators.services import plan_load

    return plan_load()


@pytest.fixture
def year(province, officer_a) -> Year:
    ReportingPeriodFactory(year=2024)
    period = ReportingPeriodFactory(year=2025)
    library = InstitutionFactory(
        code="TV-PLK",
        name="Thư viện thành phố Pleiku",
        category=category("LIB_DIST"),
        admin_unit=province.district_a,
        reporting_unit=province.unit_a,
    )
    museum = InstitutionFactory(
        code="BT-PLK",
        name="Bảo tàng Pleiku",
        category=category("MUS"),
        admin_unit=province.district_a,
        reporting_unit=province.unit_a,
    )
    centre = InstitutionFactory(
        code="TTVH-YD",
        name="Trung tâm văn hóa phường Yên Đỗ",
        category=category("CC_COMM"),
        admin_unit=province.commune_a,
        reporting_unit=province.unit_a,
    )
    closed = InstitutionFactory(
        code="TV-CU",
        name="Thư viện cũ",
        category=category("LIB_COMM"),
        admin_unit=province.commune_a,
        reporting_unit=province.unit_a,
        closed_year=2023,
    )
    library_b = InstitutionFactory(
        code="TV-AK",
        name="Thư viện thị xã An Khê",
        category=category("LIB_DIST"),
        admin_unit=province.district_b,
        reporting_unit=province.unit_b,
    )
    last = Submission.objects.create(
        reporting_unit=province.unit_a, period=ReportingPeriod.objects.get(year=2024)
    )
    Figures.objects.create(
        institution=library,
        year=2024,
        submission=last,
        lll_services=True,
        digital_transformation=False,
        user_visits=1000,
        participants=200,
    )
    Figures.objects.create(
        institution=museum,
        year=2024,
        submission=last,
        education_programme=True,
        digital_exhibitions=True,
        study_visitors=300,
        total_visitors=900,
        participants=50,
    )
    submission_a = services.submission_open(
        reporting_unit=province.unit_a, period=period, user=officer_a
    )
    return Year(period, library, museum, centre, closed, library_b, submission_a)


# A complete, valid set of answers for unit A's three open institutions.
def complete_rows(y: Year) -> dict[int, dict[str, object]]:
    return {
        y.library.pk: {
            "lll_services": "yes",
            "digital_transformation": "no",
            "user_visits": "1200",
            "participants": "250",
        },
        y.museum.pk: {
            "education_programme": "có",
            "digital_exhibitions": "không",
            "study_visitors": "350",
            "total_visitors": "1000",
            "participants": "60",
        },
        y.centre.pk: {
            "clubs_or_classes": "1",
            "regular_activities": "0",
            "clubs_count": "4",
            "participants": "120",
        },
    }


def post_data(y: Year, rows: dict[int, dict[str, object]], *, version: int, **extra: str) -> dict:
    from indicators.forms import field_name

    data = {"version": str(version), **extra}
    for inst_id, values in rows.items():
        for code, value in values.items():
            data[field_name(inst_id, code)] = value
    return data
