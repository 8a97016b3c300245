"""Fixtures of the foundation tests: the real reference data, loaded as
`load_reference` loads it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.utils import translation

from indicators.models import Plan
from indicators.services import plan_load
from institutions.services import reference_load


@pytest.fixture
def reference(db: None) -> dict[str, int]:
    return reference_load()


@pytest.fixture
def plan(reference: dict[str, int]) -> Plan:
    return plan_load()


@pytest.fixture(autouse=True)
def _language_restored() -> Iterator[None]:
    """A request in English leaves English active in the thread; put Vietnamese
    back so that later tests (ours and others') see the default language."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
