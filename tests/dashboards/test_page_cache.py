"""Parts of pages built once per version of the data (reports/page_cache.py):
what a user sees must be what the database holds now, and only what they may
see, whichever page was asked before theirs."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction

from indicators.models import Figures, Submission, SubmissionState
from indicators.services import submission_approve
from institutions.models import Institution
from reports import page_cache
from reports.models import ReportJob
from tests.conftest import client_for
from tests.dashboards.conftest import figures, submission
from tests.dashboards.test_province_dashboard import card
from tests.factories import InstitutionFactory, category

pytestmark = pytest.mark.django_db

COMM = "LIB_LLL_SERVICE:LIB_COMM"
EDU = "LIB_LLL_SERVICE:LIB_EDU"


def version() -> str | None:
    return page_cache.data_version()


def test_written_table_reads_the_verb_and_table_of_a_statement():
    assert page_cache.written_table('INSERT INTO "indicators_figures" ("a") VALUES (1)') == (
        "indicators_figures"
    )
    assert page_cache.written_table('UPDATE "institutions_institution" SET') == (
        "institutions_institution"
    )
    assert page_cache.written_table('\n  DELETE FROM "x_y" WHERE 1') == "x_y"
    assert page_cache.written_table("INSERT INTO indicators_attainmentcell (kind)") == (
        "indicators_attainmentcell"
    )
    assert page_cache.written_table('SELECT * FROM "indicators_figures"') is None
    assert page_cache.written_table("") is None


def test_every_write_path_gives_the_data_a_new_version(known):
    inst = known.comm_a[0]
    seen = [version()]

    def changed() -> bool:
        seen.append(version())
        return seen[-1] != seen[-2]

    Institution.objects.filter(pk=inst.pk).update(name="Tên mới")  # QuerySet.update
    assert changed()
    inst.refresh_from_db()
    inst.name = "Tên khác"
    inst.save()  # save
    assert changed()
    Figures.objects.filter(institution=inst, year=2024).delete()  # QuerySet.delete
    assert changed()
    Figures.objects.bulk_create(  # bulk_create
        [
            Figures(
                institution=inst,
                year=2024,
                submission=Submission.objects.get(reporting_unit=known.p.unit_a, period__year=2024),
                lll_services=True,
            )
        ]
    )
    assert changed()
    with connection.cursor() as cursor:  # raw SQL (as the precomputed attainment writes)
        cursor.execute(
            "UPDATE institutions_institution SET name = %s WHERE id = %s", ["Thô", inst.pk]
        )
    assert changed()


def test_writes_no_page_shows_leave_the_version_alone(known, reviewer):
    before = version()
    Session.objects.all().delete()
    client_for(reviewer)  # a sign-in writes a session and the user's last login
    from reports.models import ReportDraft

    draft = ReportDraft.objects.create(period=Submission.objects.first().period)
    after_draft = version()
    assert after_draft != before  # a report draft is the portal's data
    ReportJob.objects.create(draft=draft, kind="pdf", requested_by=reviewer)
    ReportJob.objects.update(progress="50 %")  # a build's progress is not
    assert version() == after_draft


def test_a_rolled_back_write_brings_back_the_version_of_the_data_it_did_not_change(known):
    before = version()
    with pytest.raises(RuntimeError), transaction.atomic():
        Institution.objects.filter(pk=known.comm_a[0].pk).update(name="Không giữ")
        assert version() != before
        raise RuntimeError
    assert version() == before


def test_migrate_gives_a_new_version_so_new_code_never_serves_old_parts(known):
    before = version()
    call_command("migrate", verbosity=0)
    assert version() not in (None, before)


def test_an_approval_shows_on_the_public_dashboard_at_the_next_request(known, reviewer):
    public = client_for(None)
    # 2 of 6 commune libraries approved; unit A's 2024 report awaits approval.
    assert "33,3&nbsp;%" in card(public.get("/dashboard/?year=2024").content.decode(), COMM)
    assert "33,3&nbsp;%" in card(public.get("/dashboard/?year=2024").content.decode(), COMM)
    a24 = Submission.objects.get(reporting_unit=known.p.unit_a, period__year=2024)
    submission_approve(submission=a24, user=reviewer)
    # Now A's 1 of 4 counts too: 3 / 6.
    assert "50,0&nbsp;%" in card(public.get("/dashboard/?year=2024").content.decode(), COMM)


def test_viewers_who_may_see_different_figures_never_share_a_part(known, reviewer, officer_a):
    # A school library in Pleiku, reported by the education department, whose
    # 2024 report awaits approval: reviewers count it, Pleiku's officer may not.
    school = InstitutionFactory(
        category=category("LIB_EDU"),
        admin_unit=known.p.commune_a,
        reporting_unit=known.p.sector,
        opened_year=2015,
    )
    figures(school, submission(known.p.sector, 2024, SubmissionState.SUBMITTED), 2024, lll=True)
    url = f"/dashboard/unit/{known.p.district_a.pk}/?year=2024"
    public_url = "/dashboard/?year=2024"
    officer, anonymous, staff = client_for(officer_a), client_for(None), client_for(reviewer)
    this_year = '<th scope="row">2024</th><td class="num">'
    for _ in range(2):  # the second round is served from the cache
        # The officer counts their own submitted 2024 report: 1 of 4 in Pleiku,
        # and not the school's report.
        mine = officer.get(url).content.decode()
        assert f"{this_year}25,0&nbsp;%</td>" in card(mine, COMM)
        assert f"{this_year}—</td>" in card(mine, EDU)
        # The reviewer, on the same page, counts the school: 1 of 1.
        assert f"{this_year}100,0&nbsp;%</td>" in card(staff.get(url).content.decode(), EDU)
        # The public, only approved figures: none of Pleiku's for 2024.
        public_unit = anonymous.get(url).content.decode()
        assert f"{this_year}—</td>" in card(public_unit, COMM)
        assert "/dashboard/behind/" not in public_unit
        # On the province: reviewers count every submitted report, the public
        # only approved ones, and no table of units.
        assert "50,0&nbsp;%" in card(staff.get(public_url).content.decode(), COMM)
        province = anonymous.get(public_url).content.decode()
        assert "33,3&nbsp;%" in card(province, COMM)
        assert 'data-testid="units-table"' not in province


def test_the_page_is_the_same_built_or_served(known, reviewer):
    client = client_for(reviewer)
    for url in ("/dashboard/?year=2024", "/dashboard/accountability/?year=2024"):
        cache.clear()
        built = client.get(url).content.decode()
        served = client.get(url).content.decode()
        # Only the CSRF token of the sign-out form differs between two requests.
        strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
        assert strip.sub("", built) == strip.sub("", served)


def test_the_api_changes_with_the_data_too(known, reviewer):
    api = client_for(None)

    def comm_value() -> float:
        rows = api.get("/api/v1/attainment/", {"year": 2024}).json()["results"]
        return next(r for r in rows if r["target_code"] == COMM)["value"]

    assert comm_value() == pytest.approx(33.33, abs=0.01)
    a24 = Submission.objects.get(reporting_unit=known.p.unit_a, period__year=2024)
    submission_approve(submission=a24, user=reviewer)
    assert comm_value() == pytest.approx(50.0)


def test_a_cache_that_does_not_answer_costs_the_build_not_the_page(known, reviewer, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    response = client_for(reviewer).get("/dashboard/?year=2024")
    assert response.status_code == 200
    assert "50,0&nbsp;%" in card(response.content.decode(), COMM)


def test_the_list_behind_a_number_follows_the_data_too(known, reviewer):
    client = client_for(reviewer)
    url = "/dashboard/behind/?target=LIB_LLL_SERVICE:LIB_COMM&year=2024&which=meeting"
    # Province 2024: Pleiku's TVX-A-1 and An Khê's two offer the services.
    for _ in range(2):
        html = client.get(url).content.decode()
        assert 'data-testid="behind-heading">Đạt tiêu chí: 3</h2>' in html
    Figures.objects.filter(institution=known.comm_a[1], year=2024).update(lll_services=True)
    html = client.get(url).content.decode()
    assert 'data-testid="behind-heading">Đạt tiêu chí: 4</h2>' in html
    assert known.comm_a[1].code in html
