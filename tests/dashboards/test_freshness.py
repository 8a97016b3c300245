"""The freshness score per unit and year (issue 13, item 5), on a crafted
history (deadlines 05/12):

    unit A, 2 commune libraries   unit B, 1 commune library
2023  sent 01/12, approved,        sent 10/12 (late), returned, then approved,
      2/2 complete  → 100          1/1 complete → (0 + 0 + 1) / 3 = 33
2024  sent 04/12, returned,        sent 05/12 23:00 (the deadline's day), approved,
      1/2 complete                 1/1 complete → 100
      → (1 + 0 + ½) / 3 = 50
The Department sees A slip and B improve."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from indicators.models import Figures, Submission, SubmissionEvent, SubmissionState
from indicators.services import plan_load
from reports.dashboards.freshness import freshness_by_unit
from tests.conftest import client_for
from tests.factories import InstitutionFactory, ReportingPeriodFactory, category

pytestmark = pytest.mark.django_db

COMPLETE = {
    "lll_services": True,
    "digital_transformation": False,
    "user_visits": 10,
    "participants": 5,
}


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _sub(unit, year: int, state: str, sent: dt.datetime, *, returned: bool = False) -> Submission:
    sub = Submission.objects.create(
        reporting_unit=unit,
        period=ReportingPeriodFactory(year=year),
        state=state,
        first_submitted_at=sent,
        submitted_at=sent,
    )
    if returned:
        SubmissionEvent.objects.create(submission=sub, from_state="submitted", to_state="returned")
    return sub


@pytest.fixture
def history(province):
    plan_load()
    a1, a2 = (
        InstitutionFactory(
            code=f"TV-A{i}",
            category=category("LIB_COMM"),
            admin_unit=province.commune_a,
            reporting_unit=province.unit_a,
            opened_year=2010,
        )
        for i in (1, 2)
    )
    b1 = InstitutionFactory(
        code="TV-B1",
        category=category("LIB_COMM"),
        admin_unit=province.commune_b,
        reporting_unit=province.unit_b,
        opened_year=2010,
    )
    a23 = _sub(province.unit_a, 2023, SubmissionState.APPROVED, _at(dt.date(2023, 12, 1)))
    b23 = _sub(
        province.unit_b, 2023, SubmissionState.APPROVED, _at(dt.date(2023, 12, 10)), returned=True
    )
    a24 = _sub(
        province.unit_a, 2024, SubmissionState.RETURNED, _at(dt.date(2024, 12, 4)), returned=True
    )
    b24 = _sub(province.unit_b, 2024, SubmissionState.APPROVED, _at(dt.date(2024, 12, 5), 23))
    for inst, sub in ((a1, a23), (a2, a23), (b1, b23), (a1, a24), (b1, b24)):
        Figures.objects.create(institution=inst, year=sub.period.year, submission=sub, **COMPLETE)
    Figures.objects.create(
        institution=a2, year=2024, submission=a24, **{**COMPLETE, "user_visits": None}
    )
    return province


def _components(cell) -> tuple:
    return (cell.on_time, cell.first_time_right, cell.complete, cell.expected, cell.score)


def test_the_three_components_and_the_score_of_each_unit_and_year(history):
    rows = {r.unit.code: r.cells for r in freshness_by_unit([2023, 2024])}
    assert [_components(c) for c in rows["UBND-622"]] == [
        (True, True, 2, 2, 100),
        (True, False, 1, 2, 50),
    ]
    assert [_components(c) for c in rows["UBND-623"]] == [
        (False, False, 1, 1, 33),
        (True, True, 1, 1, 100),
    ]


def test_a_unit_not_yet_judged_counts_only_what_is_known(history):
    # A 2025 draft before its deadline: neither late nor returned yet.
    sub = Submission.objects.create(
        reporting_unit=history.unit_b, period=ReportingPeriodFactory(year=2025)
    )
    Figures.objects.create(
        institution=sub.reporting_unit.institutions.get(), year=2025, submission=sub, **COMPLETE
    )
    rows = {r.unit.code: r.cells for r in freshness_by_unit([2025], on=dt.date(2025, 11, 1))}
    [cell] = rows["UBND-623"]
    assert (cell.on_time, cell.first_time_right, cell.completeness_percent, cell.score) == (
        None,
        None,
        100,
        100,
    )


def test_the_accountability_view_shows_the_scores_over_the_years(history, reviewer):
    response = client_for(reviewer).get("/dashboard/accountability/?year=2024")
    assert response.status_code == 200
    html = response.content.decode()
    table = html[html.index('data-testid="freshness"') :]
    table = table[: table.index("</table>")]
    assert "2023" in table and "2024" in table
    row_b = table[table.index("UBND Thị xã An Khê") :]
    assert "<strong>33</strong>" in row_b and "<strong>100</strong>" in row_b
