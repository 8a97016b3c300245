"""Shared fixtures: the reference categories and a small two-district province
with one persona each (healthchecks' alice/bob/charlie, in Gia Lai)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from indicators.models import AuditEntry
from institutions.models import AdministrativeUnit, Category, Level, ReportingUnit
from institutions.roles import Role
from institutions.services import categories_load, roles_ensure
from tests.factories import AdministrativeUnitFactory, ReportingUnitFactory, UserFactory

PASSWORD = "mat-khau-thu-nghiem-2025"


def pytest_configure(config: pytest.Config) -> None:
    # PBKDF2's 1,000,000 rounds cost a quarter of a second per account made or
    # signed in; tests hash with MD5. PBKDF2 stays available for the processes the
    # stack journeys start, which run the production settings (see tests/stack).
    from django.conf import settings

    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with nothing cached (parts of pages, throttle counts):
    a test's rollback brings back a data version an earlier test cached under."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def categories(db: None) -> dict[str, Category]:
    """The twelve categories of DESIGN section 2 and the persona groups, from the
    same reference file `load_reference` reads."""
    categories_load()
    roles_ensure()
    return {c.code: c for c in Category.objects.all()}


@dataclass
class Province:
    province: AdministrativeUnit
    district_a: AdministrativeUnit
    district_b: AdministrativeUnit
    commune_a: AdministrativeUnit
    commune_b: AdministrativeUnit
    unit_a: ReportingUnit
    unit_b: ReportingUnit
    sector: ReportingUnit
    department: ReportingUnit


@pytest.fixture
def province(db: None) -> Province:
    gia_lai = AdministrativeUnitFactory(code="64", name="Tỉnh Gia Lai", level=Level.PROVINCE)
    district_a = AdministrativeUnitFactory(
        code="622", name="Thành phố Pleiku", level=Level.DISTRICT, parent=gia_lai
    )
    district_b = AdministrativeUnitFactory(
        code="623", name="Thị xã An Khê", level=Level.DISTRICT, parent=gia_lai
    )
    commune_a = AdministrativeUnitFactory(code="23557", name="Phường Yên Đỗ", parent=district_a)
    commune_b = AdministrativeUnitFactory(code="23620", name="Phường An Bình", parent=district_b)
    return Province(
        province=gia_lai,
        district_a=district_a,
        district_b=district_b,
        commune_a=commune_a,
        commune_b=commune_b,
        unit_a=ReportingUnitFactory(
            code="UBND-622", name="UBND Thành phố Pleiku", admin_unit=district_a
        ),
        unit_b=ReportingUnitFactory(
            code="UBND-623", name="UBND Thị xã An Khê", admin_unit=district_b
        ),
        sector=ReportingUnitFactory(
            code="SGDDT",
            name="Sở Giáo dục và Đào tạo",
            kind="sector_department",
            admin_unit=gia_lai,
        ),
        department=ReportingUnitFactory(
            code="SVHTTDL",
            name="Sở Văn hóa, Thể thao và Du lịch",
            kind="provincial_department",
            admin_unit=gia_lai,
        ),
    )


@pytest.fixture
def officer_a(province: Province):
    user = UserFactory(username="officer_a", roles=[Role.DISTRICT_OFFICER])
    province.unit_a.members.add(user)
    return user


@pytest.fixture
def officer_b(province: Province):
    user = UserFactory(username="officer_b", roles=[Role.DISTRICT_OFFICER])
    province.unit_b.members.add(user)
    return user


@pytest.fixture
def sector_reporter(province: Province):
    user = UserFactory(username="sector", roles=[Role.SECTOR_REPORTER])
    province.sector.members.add(user)
    return user


@pytest.fixture
def reviewer(province: Province):
    return UserFactory(username="reviewer", roles=[Role.PROVINCIAL_REVIEWER])


@pytest.fixture
def administrator(db: None):
    return UserFactory(username="admin", roles=[Role.ADMINISTRATOR], is_staff=True)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def kept_changes(**filters: object) -> list[tuple[str, str, str]]:
    """The field changes kept by the audit entries matching `filters`, oldest
    entry first, each as (field, old, new)."""
    return [
        (c["field"], c["old"], c["new"])
        for a in AuditEntry.objects.filter(**filters).order_by("pk")
        for c in a.changes
    ]


def kept_change(field: str, **filters: object) -> tuple[AuditEntry, dict[str, str]]:
    """The one audit entry matching `filters` that changed `field`, and that change."""
    (found,) = [
        (a, c)
        for a in AuditEntry.objects.filter(**filters).order_by("pk")
        for c in a.changes
        if c["field"] == field
    ]
    return found


@pytest.fixture(autouse=True)
def _plain_static_storage(settings) -> None:
    # The hashed manifest exists only after collectstatic; tests serve files as they are.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The API's throttles count requests in the cache: each test starts uncounted.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _vietnamese_by_default():
    # A request in English leaves English active in the test thread; each test
    # starts, as the portal does, in Vietnamese.
    from django.utils import translation

    translation.activate("vi")
    yield
    translation.activate("vi")
