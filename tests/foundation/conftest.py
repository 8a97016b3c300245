"""Fixtures of the foundation tests: the real reference data, loaded as
`load_reference` loads it."""

from __future__ import annotations

import pytest

from indicators.models import Plan
from indicators.services import plan_load
from institutions.services import reference_load


@pytest.fixture
def reference(db: None) -> dict[str, int]:
    return reference_load()


@pytest.fixture
def plan(reference: dict[str, int]) -> Plan:
    return plan_load()
