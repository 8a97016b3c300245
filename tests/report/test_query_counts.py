"""The annual report's page and downloads run a fixed number of queries: the
same for the small province of conftest.py and for one with many more
institutions, figures and activities (an N+1 regression fails here)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from indicators.models import Activity, Figures, TaskGroup
from reports import selectors
from reports.annual.jobs import report_job_run
from reports.models import ReportJob
from tests.conftest import client_for
from tests.factories import AdministrativeUnitFactory, InstitutionFactory, category
from tests.report.conftest import YEAR

pytestmark = pytest.mark.django_db


def grow(report_year, province, n: int) -> None:
    """n more institutions of several categories in a new commune of each
    district, each with figures and an activity, half of them still awaiting approval."""
    for district, unit, sub in (
        (province.district_a, province.unit_a, report_year.approved),
        (province.district_b, province.unit_b, report_year.waiting),
    ):
        commune = AdministrativeUnitFactory(name=f"Xã thêm {district.code}", parent=district)
        for i in range(n):
            cat = ("LIB_COMM", "MUS", "CC_COMM")[i % 3]
            inst = InstitutionFactory(
                category=category(cat),
                admin_unit=commune,
                reporting_unit=unit,
                opened_year=2010,
            )
            Figures.objects.create(
                institution=inst,
                year=YEAR,
                submission=sub,
                lll_services=i % 2 == 0,
                digital_transformation=i % 3 == 0,
                user_visits=100 + i,
                participants=10 + i,
            )
            Activity.objects.create(
                submission=sub,
                date=dt.date(YEAR, 6, 1),
                title=f"Hoạt động {inst.code}",
                task_group=TaskGroup.COMMUNICATION,
                institution=inst,
                participants=20,
            )


# Signed in: session, user and groups (reviewer_required), then the period and
# the draft. The page lists the years, renders the form, the latest job of
# each file and the issued versions (9). The report itself (preview: 39; the unit graph three times) adds
# the plan, indicators, the engine for the province and for all annex units at
# once, activity and submission aggregates and the institutions behind every
# unmet share target (share_institutions_behind: 8, its categories, units and
# reporting units read once each). None of them is per
# institution, unit, target or activity.
URLS = {
    "page": (
        reverse("reports:annual_report", args=[YEAR]),
        15,
    ),  # + what stops issuing (1) and who has not sent (5)
    "preview": (reverse("reports:annual_report_preview", args=[YEAR]), 39),
}
# The files are built by the background job (reports.annual.jobs.report_job_run):
# claim the job, read it with its draft and period, build (the preview's report
# less the request's five: 34; the workbook adds its institution sheet (2) and
# activity list (1)), then store the file and delete the older ones in one
# transaction (savepoint, UPDATE, the DELETE's SELECT, release: 4).
JOBS = {"pdf": 40, "xlsx": 43}


@pytest.mark.parametrize("n", [0, 30])
@pytest.mark.parametrize("which", list(URLS))
def test_the_query_count_does_not_grow_with_the_institutions(
    report_year, province, reviewer, django_assert_num_queries, n, which
) -> None:
    grow(report_year, province, n)
    client = client_for(reviewer)
    url, expected = URLS[which]
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("n", [0, 30])
@pytest.mark.parametrize("kind", list(JOBS))
def test_building_a_file_costs_a_fixed_number_of_queries(
    report_year, province, reviewer, django_assert_num_queries, n, kind
) -> None:
    grow(report_year, province, n)
    job = ReportJob.objects.create(draft=report_year.draft, kind=kind, requested_by=reviewer)
    with django_assert_num_queries(JOBS[kind]):
        report_job_run(job_id=job.pk)
    assert ReportJob.objects.get(pk=job.pk).state == ReportJob.State.DONE


def test_annex_two_lists_the_same_institutions_as_the_drill_down(report_year, province) -> None:
    grow(report_year, province, 6)
    at_once = selectors.share_institutions_behind(year=YEAR)
    share_codes = [r.target_code for r in selectors.attainment_rows(year=YEAR) if r.kind == "share"]
    assert sorted(at_once) == sorted(share_codes)
    for code in share_codes:
        for which in ("not_meeting", "not_reported"):
            one = selectors.institutions_behind(target_code=code, year=YEAR, unit=None, which=which)
            expected = list(one.order_by("admin_unit__code", "code").values_list("code", flat=True))
            assert [i.code for i in at_once[code][which]] == expected, (code, which)
