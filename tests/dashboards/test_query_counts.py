"""Dashboards run a fixed number of queries: the same for a handful of
institutions and for many more (an N+1 regression fails here)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import Submission
from tests.conftest import client_for
from tests.dashboards.conftest import figures
from tests.factories import AdministrativeUnitFactory, InstitutionFactory, category

pytestmark = pytest.mark.django_db

# Built (the data changed since the page's part was last built): the engine
# (reports/selectors/, attainment_overview): the unit graph (2), the plan's
# targets, categories and milestones (3) and one aggregate for every year of the
# trend (from 2023) and the units table at once. The page adds session, user and
# groups (signed in), plan, latest period, the data version of each cached part,
# indicators, and for reviewers the table's units, the year's deadline and the
# submission progress (three: the expected units, counted by two GROUP BYs);
# for officers their reporting units, territory and progress (their units'
# ids, then the expected units among them: three).
# Served (the same data again): the page without the engine's part (the
# session, user and groups, plan and latest period, the data version for each
# cached part: the reviewer's submission progress is one; the officer's unit,
# territory and what is left to do).
# The drill-down caches its row and its page of institutions (built: the count of
# its list, shown a page at a time, and the page); which reports the user may
# open from it is read every time: the submissions and the figures behind them.
PROVINCE_2024_REVIEWER = (15 + 2 + 2, 7)
PROVINCE_2024_PUBLIC = (9 + 1, 3)
UNIT_2024_OFFICER = (20 + 1 + 2 + 1, 15)
# The freshness table adds 2 queries (periods, returns) and 4 per year shown
# (2023-2024): the complete figures are each submission's kept count.
ACCOUNTABILITY_2024 = (15 + 2 + 2 + 4 * 2 + 1, 7)
BEHIND_2024 = (22, 9)


def grow(known, n: int = 15) -> None:
    """n more commune libraries with figures in each district, and a commune more."""
    p = known.p
    extra_commune = AdministrativeUnitFactory(name="Xã thêm", parent=p.district_a)
    for year in (2023, 2024):
        sub_a = Submission.objects.get(reporting_unit=p.unit_a, period__year=year)
        sub_b = Submission.objects.get(reporting_unit=p.unit_b, period__year=year)
        for i in range(n):
            for unit, commune, sub in (
                (p.unit_a, extra_commune, sub_a),
                (p.unit_b, p.commune_b, sub_b),
            ):
                inst, _ = type(known.dist_a).objects.get_or_create(
                    code=f"X-{unit.code}-{i}",
                    defaults={
                        "name": f"Thư viện thêm {i}",
                        "category": category("LIB_COMM"),
                        "admin_unit": commune,
                        "reporting_unit": unit,
                        "opened_year": 2010,
                    },
                )
                figures(inst, sub, year, lll=i % 2 == 0)
    InstitutionFactory(category=category("MUS"), admin_unit=p.commune_b, reporting_unit=p.unit_b)


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("persona", "url", "expected"),
    [
        ("reviewer", "/dashboard/?year=2024", PROVINCE_2024_REVIEWER),
        (None, "/dashboard/?year=2024", PROVINCE_2024_PUBLIC),
        ("officer_a", "/dashboard/unit/{district_a}/?year=2024", UNIT_2024_OFFICER),
        ("reviewer", "/dashboard/accountability/?year=2024", ACCOUNTABILITY_2024),
        (
            "reviewer",
            "/dashboard/behind/?target=LIB_LLL_SERVICE:LIB_COMM&year=2024&which=meeting",
            BEHIND_2024,
        ),
    ],
)
def test_the_query_count_does_not_grow_with_the_data(
    known, request, django_assert_num_queries, persona, url, expected
):
    """`expected`: (built, served from the cache). Built: the page computes its
    part (the data changed since it was last built); served: the same data again."""
    built, served = expected
    client = client_for(request.getfixturevalue(persona) if persona else None)
    url = url.format(district_a=known.p.district_a.pk)
    client.get(url)  # warm the session
    cache.clear()
    with django_assert_num_queries(built):
        client.get(url)
    with django_assert_num_queries(served):
        client.get(url)
    grow(known)
    with django_assert_num_queries(built):
        response = client.get(url)
    assert response.status_code == 200
    with django_assert_num_queries(served):
        client.get(url)
