from __future__ import annotations

import re

import pytest

from indicators.models import Submission, SubmissionState
from tests.conftest import client_for
from tests.dashboards.test_province_dashboard import card

pytestmark = pytest.mark.django_db


def unit_url(unit, year: int = 2024) -> str:
    return f"/dashboard/unit/{unit.pk}/?year={year}"


def test_an_officer_sees_their_districts_figures_including_those_awaiting_approval(
    known, officer_a
):
    response = client_for(officer_a).get(unit_url(known.p.district_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bảng theo dõi: Thành phố Pleiku" in html
    comm = card(html, "LIB_LLL_SERVICE:LIB_COMM")
    assert "25,0&nbsp;%" in comm  # 1 of 4
    assert 'data-status="off_track"' in comm
    assert "Cần tăng thêm 15,0 điểm % mỗi năm để đạt mục tiêu 2025." in comm
    assert "Có số liệu chờ duyệt" in comm
    # The communes under the district, and drill-down to the institutions.
    assert "Phường Yên Đỗ" in html[html.index('data-testid="units-table"') :]
    assert f"unit={known.p.district_a.pk}" in comm


def test_an_officer_sees_what_remains_to_do_this_year(known, officer_a):
    Submission.objects.filter(reporting_unit=known.p.unit_a, period__year=2024).update(
        state=SubmissionState.RETURNED, return_reason="Thiếu số liệu thư viện xã TVX-A-4"
    )
    html = client_for(officer_a).get(unit_url(known.p.district_a)).content.decode()
    todo = html[html.index('data-testid="todo"') :]
    assert "UBND Thành phố Pleiku" in todo
    assert "Bị trả lại" in todo
    assert "Thiếu số liệu thư viện xã TVX-A-4" in todo
    assert "Nhập số liệu và gửi báo cáo" in todo
    assert 'href="/so-lieu/2024/UBND-622/"' in todo  # the entry page of that year and unit


def test_my_dashboard_takes_an_officer_to_their_unit(known, officer_a):
    response = client_for(officer_a).get("/dashboard/mine/")
    assert response.status_code == 302
    assert response["Location"] == f"/dashboard/unit/{known.p.district_a.pk}/"


def test_my_dashboard_takes_a_reviewer_to_the_province(known, reviewer):
    response = client_for(reviewer).get("/dashboard/mine/")
    assert response["Location"] == "/dashboard/"


def test_another_district_is_only_its_public_view_and_its_communes_are_hidden(known, officer_a):
    response = client_for(officer_a).get(unit_url(known.p.district_b))
    assert response.status_code == 200
    html = response.content.decode()
    # The public view: approved figures only, no list of institutions behind them.
    assert 'data-testid="public-note"' in html
    assert "/dashboard/behind/" not in html
    assert client_for(officer_a).get(unit_url(known.p.commune_b)).status_code == 404


def test_an_officer_may_open_a_commune_under_their_district(known, officer_a):
    assert client_for(officer_a).get(unit_url(known.p.commune_a)).status_code == 200


def test_it_answers_404_for_a_unit_that_does_not_exist_as_for_another_district(known, officer_a):
    assert client_for(officer_a).get("/dashboard/unit/999999/").status_code == 404


def test_a_sector_reporter_has_no_territory_only_the_public_views(known, sector_reporter):
    for unit in (known.p.province, known.p.district_a):
        html = client_for(sector_reporter).get(unit_url(unit)).content.decode()
        assert 'data-testid="public-note"' in html and "/dashboard/behind/" not in html
    assert client_for(sector_reporter).get(unit_url(known.p.commune_a)).status_code == 404


def test_the_reviewer_may_open_every_unit(known, reviewer):
    for unit in (known.p.district_a, known.p.district_b, known.p.commune_b):
        assert client_for(reviewer).get(unit_url(unit)).status_code == 200


def test_anonymous_visitors_see_a_district_in_public_and_no_commune(known):
    response = client_for(None).get(unit_url(known.p.district_a))
    assert response.status_code == 200
    assert 'data-testid="public-note"' in response.content.decode()
    assert client_for(None).get(unit_url(known.p.commune_a)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in_for_personal_pages(known):
    for url in (
        "/dashboard/mine/",
        "/dashboard/accountability/",
        "/dashboard/behind/?target=LIB_LLL_SERVICE:LIB_COMM&year=2024",
    ):
        response = client_for(None).get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_a_bad_year_on_a_unit_dashboard_gets_a_message(known, officer_a):
    response = client_for(officer_a).get(unit_url(known.p.district_a, 2040))
    assert response.status_code == 400
    assert "Không có số liệu cho năm 2040" in response.content.decode()


# ------------------------------------------------------------------ drill-down


def behind(client, target: str, which: str, unit=None, year: int = 2024):
    url = f"/dashboard/behind/?target={target}&year={year}&which={which}"
    if unit is not None:
        url += f"&unit={unit.pk}"
    return client.get(url)


def codes(html: str) -> set[str]:
    return set(re.findall(r"<tr><td>([A-Z0-9-]+)</td>", html))


def test_the_drill_down_lists_which_commune_libraries_meet_do_not_and_did_not_report(
    known, reviewer
):
    client = client_for(reviewer)
    target = "LIB_LLL_SERVICE:LIB_COMM"
    meeting = behind(client, target, "meeting").content.decode()
    assert codes(meeting) == {"TVX-A-1", "TVX-B-1", "TVX-B-2"}
    assert codes(behind(client, target, "not_meeting").content.decode()) == {"TVX-A-2", "TVX-A-3"}
    assert codes(behind(client, target, "not_reported").content.decode()) == {"TVX-A-4"}


def test_an_officer_drills_down_in_their_district_only(known, officer_a):
    client = client_for(officer_a)
    target = "LIB_LLL_SERVICE:LIB_DIST"
    response = behind(client, target, "not_meeting", known.p.district_a)
    assert response.status_code == 200
    assert codes(response.content.decode()) == {"TVH-A-1"}
    assert behind(client, target, "not_reported", known.p.district_b).status_code == 404
    assert behind(client, target, "not_reported").status_code == 404  # the whole province


def test_the_drill_down_refuses_bad_parameters_with_a_message_or_404(known, reviewer):
    client = client_for(reviewer)
    assert behind(client, "NO_SUCH:TARGET", "meeting").status_code == 404
    assert behind(client, "LIB_LLL_SERVICE:LIB_COMM", "everyone").status_code == 400
    assert behind(client, "LIB_LLL_SERVICE:LIB_COMM", "meeting", year=1990).status_code == 400
    assert client.get("/dashboard/behind/?year=x").status_code == 400


def test_drill_down_rows_link_to_the_report_behind_them_where_the_user_may_open_it(
    known, reviewer, officer_a
):
    from indicators.models import Submission

    target = "LIB_LLL_SERVICE:LIB_COMM"
    html = behind(client_for(reviewer), target, "not_meeting").content.decode()
    sub_a = Submission.objects.get(reporting_unit=known.p.unit_a, period__year=2024)
    row = html[html.index("<tr><td>TVX-A-2</td>") :]
    assert f'href="/bao-cao/{sub_a.pk}/" data-testid="report-link"' in row[: row.index("</tr>")]
    # An officer sees links only to their own unit's reports.
    mine = behind(client_for(officer_a), target, "not_meeting", known.p.district_a)
    assert f'href="/bao-cao/{sub_a.pk}/"' in mine.content.decode()
    sub_b = Submission.objects.get(reporting_unit=known.p.unit_b, period__year=2024)
    reviewer_b = behind(client_for(reviewer), target, "meeting").content.decode()
    assert f'href="/bao-cao/{sub_b.pk}/"' in reviewer_b


def test_a_districts_table_of_communes_adds_up_to_the_district_not_the_province(known, reviewer):
    """The line under a district's communes holds what stands in the district
    but in none of its communes (its own district library), so that the lines
    add up to the district; An Khê's libraries belong to another district."""
    html = client_for(reviewer).get(f"/dashboard/unit/{known.p.district_a.pk}/?year=2024")
    html = html.content.decode()
    table = html[html.index('data-testid="units-table"') :]
    above = table[table.index('data-testid="above-row"') :]
    above = above[: above.index("</tr>")]
    assert "Thành phố Pleiku / không thuộc đơn vị cấp dưới" in above
    assert "Cấp tỉnh" not in above
    cells = re.findall(r'data-status="(\w+)"', above)
    header = table[: table.index("</thead>")]
    targets = re.findall(r'<th scope="col" class="target-col">([^<]*)</th>', header)
    by_target = dict(zip(targets, cells, strict=True))
    # Pleiku's district library reported "no" in 2024: 0 of 1, below the line.
    assert by_target["Thư viện công cộng cấp huyện"] == "off_track"
    # No commune library stands outside Pleiku's commune: nothing to judge here
    # (An Khê's two, which met the criterion, are not Pleiku's).
    assert by_target["Thư viện công cộng cấp xã"] == "not_applicable"
