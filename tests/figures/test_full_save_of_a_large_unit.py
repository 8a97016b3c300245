"""A unit of 760 commune libraries: saving its whole entry page at once posts more
than 3,000 fields, which Django refuses by default (TooManyFieldsSent, a 400)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from indicators.models import Figures
from institutions.models import Institution
from tests.conftest import client_for
from tests.factories import category
from tests.figures.conftest import post_data

pytestmark = pytest.mark.django_db

LIBRARIES = 760  # four answers each: 3,040 fields and the version


def test_a_full_save_of_more_than_3000_fields_is_saved(year, province, officer_a):
    Institution.objects.bulk_create(
        Institution(
            code=f"TV-XA-{n:04d}",
            name=f"Thư viện xã {n}",
            category=category("LIB_COMM"),
            admin_unit=province.commune_a,
            reporting_unit=province.unit_a,
            opened_year=2010,
        )
        for n in range(LIBRARIES)
    )
    libraries = Institution.objects.filter(code__startswith="TV-XA-")
    rows = {
        library.pk: {
            "lll_services": "yes",
            "digital_transformation": "no",
            "user_visits": "100",
            "participants": "20",
        }
        for library in libraries
    }
    data = post_data(year, rows, version=year.submission_a.version, save="1")
    assert len(data) > 3000

    response = client_for(officer_a).post(
        reverse("indicators:submission", args=[year.submission_a.pk]), data
    )

    assert response.status_code == 302, response.content[:500]
    assert Figures.objects.filter(institution__in=libraries, user_visits=100).count() == LIBRARIES
