"""Factories for tests: a small province built by hand, never the demo."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from indicators.models import ReportingPeriod
from institutions.models import (
    AdministrativeUnit,
    Category,
    Institution,
    Level,
    ReportingUnit,
    ReportingUnitKind,
)


class AdministrativeUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"9{n:04d}")
    name = factory.Sequence(lambda n: f"Đơn vị {n}")
    level = Level.COMMUNE


class ReportingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingUnit

    code = factory.Sequence(lambda n: f"UBND-T{n}")
    name = factory.Sequence(lambda n: f"UBND thử nghiệm {n}")
    kind = ReportingUnitKind.DISTRICT_COMMITTEE
    admin_unit = factory.SubFactory(AdministrativeUnitFactory, level=Level.DISTRICT)


def category(code: str) -> Category:
    """The real categories come from the reference fixture (see conftest)."""
    return Category.objects.get(code=code)


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    code = factory.Sequence(lambda n: f"INST-{n:05d}")
    name = factory.Sequence(lambda n: f"Thiết chế {n}")
    category = factory.LazyFunction(lambda: category("LIB_COMM"))
    admin_unit = factory.SubFactory(AdministrativeUnitFactory)
    reporting_unit = factory.SubFactory(ReportingUnitFactory)
    opened_year = 2010


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Người dùng"
    password = factory.PostGenerationMethodCall("set_password", "mat-khau-thu-nghiem-2025")

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.add(*[Group.objects.get_or_create(name=r)[0] for r in extracted])
        if create:
            self.save()


class ReportingPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod
        django_get_or_create = ("year",)

    year = 2025
    deadline = factory.LazyAttribute(lambda o: ReportingPeriod.default_deadline(o.year))
