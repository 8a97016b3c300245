"""Unit A (Pleiku) reports for a district library and a commune centre; unit B
(An Khê) for one library. The real plan is loaded so periods can be opened."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from institutions.models import Institution
from tests.factories import InstitutionFactory, category


@pytest.fixture(autouse=True)
def plan(categories):
    from indicators.services import plan_load

    return plan_load()


@dataclass
class Registry:
    library: Institution
    centre: Institution
    library_b: Institution


@pytest.fixture
def registry(province) -> Registry:
    return Registry(
        library=InstitutionFactory(
            code="TV-PLK",
            name="Thư viện thành phố Pleiku",
            category=category("LIB_DIST"),
            admin_unit=province.district_a,
            reporting_unit=province.unit_a,
        ),
        centre=InstitutionFactory(
            code="TTVH-YD",
            name="Trung tâm văn hóa phường Yên Đỗ",
            category=category("CC_COMM"),
            admin_unit=province.commune_a,
            reporting_unit=province.unit_a,
        ),
        library_b=InstitutionFactory(
            code="TV-AK",
            name="Thư viện thị xã An Khê",
            category=category("LIB_DIST"),
            admin_unit=province.district_b,
            reporting_unit=province.unit_b,
        ),
    )
