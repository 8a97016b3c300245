from __future__ import annotations

import json
import re

import pytest

from tests.conftest import client_for
from tests.factories import InstitutionFactory, category

pytestmark = pytest.mark.django_db


def card(html: str, target: str) -> str:
    """The HTML of one target's card."""
    match = re.search(rf'<article[^>]*data-target="{re.escape(target)}".*?</article>', html, re.S)
    assert match, f"no card for {target}"
    return match.group(0)


def test_reviewer_sees_every_target_with_value_status_and_completeness(known, reviewer):
    response = client_for(reviewer).get("/dashboard/?year=2024")
    assert response.status_code == 200
    html = response.content.decode()
    # The plan's 17 targets: a card for each that applies, the rest named on one
    # line (no institution of their kind stands in this small province).
    idle = re.findall(r'<li data-idle-target="([^"]+)">(.*?)</li>', html, re.S)
    assert html.count("<article") + len(idle) == 17
    assert '<article class="card h-100 target-card status-border-not_applicable' not in html
    assert html.count("data-scorecard-target=") == html.count("<article")
    comm = card(html, "LIB_LLL_SERVICE:LIB_COMM")
    assert 'data-status="achieved"' in comm
    assert "50,0&nbsp;%" in comm  # 3 of 6, Vietnamese decimal comma
    assert "Đạt" in comm
    assert "Đã báo cáo 5/6 thiết chế" in comm
    assert "Có số liệu chờ duyệt" in comm  # unit_a's 2024 submission is only submitted
    dist = card(html, "LIB_LLL_SERVICE:LIB_DIST")
    assert 'data-status="off_track"' in dist
    assert "Chậm tiến độ" in dist
    assert "0,0&nbsp;%" in dist
    # No museum stands in the test province: the target does not apply, and says why.
    museum = dict(idle)["MUS_EDU_PROGRAM:MUS"]
    assert "Không có bảo tàng nào hoạt động trong phạm vi năm 2024." in museum


def test_every_card_number_links_to_the_institutions_behind_it(known, reviewer):
    html = client_for(reviewer).get("/dashboard/?year=2024").content.decode()
    comm = card(html, "LIB_LLL_SERVICE:LIB_COMM")
    assert re.search(r'which=meeting"[^>]*>Đạt tiêu chí: <strong>3</strong>', comm)
    assert re.search(r'which=not_meeting"[^>]*>Chưa đạt tiêu chí: <strong>2</strong>', comm)
    assert re.search(r'which=not_reported"[^>]*>Chưa báo cáo: <strong>1</strong>', comm)


def test_a_count_of_zero_is_plain_text_not_a_link_to_an_empty_list(known, reviewer):
    html = client_for(reviewer).get("/dashboard/?year=2024").content.decode()
    # District libraries, 2024: none meets, one does not, one did not report.
    dist = card(html, "LIB_LLL_SERVICE:LIB_DIST")
    assert '<span data-which="meeting">Đạt tiêu chí: <strong>0</strong></span>' in dist
    assert "which=meeting" not in dist
    assert re.search(r'which=not_meeting"[^>]*>Chưa đạt tiêu chí: <strong>1</strong>', dist)
    assert re.search(r'which=not_reported"[^>]*>Chưa báo cáo: <strong>1</strong>', dist)
    # On the drill-down page, the empty list's tab is not a link either.
    page = client_for(reviewer).get(
        "/dashboard/behind/?target=LIB_LLL_SERVICE:LIB_DIST&year=2024&which=not_meeting"
    )
    tabs = page.content.decode()
    tabs = tabs[tabs.index('class="nav nav-tabs') : tabs.index("</ul>", tabs.index("nav-tabs"))]
    assert "which=meeting" not in tabs and 'aria-disabled="true">Đạt tiêu chí' in tabs
    assert "which=not_reported" in tabs


def test_the_units_table_lists_the_districts_coloured_by_status(known, reviewer):
    html = client_for(reviewer).get("/dashboard/?year=2024").content.decode()
    table = html[html.index('data-testid="units-table"') :]
    assert "Thành phố Pleiku" in table and "Thị xã An Khê" in table
    # Pleiku's commune libraries: 1 of 4 = 25 %, off track; An Khê's: 2 of 2.
    row_a = table[table.index("Thành phố Pleiku") : table.index("Thị xã An Khê")]
    assert re.search(
        r'status-off_track" data-status="off_track"><a [^>]*>25,0<span class="visually-hidden"> Chậm tiến độ</span></a>',
        row_a,
    )
    row_b = table[table.index("Thị xã An Khê") :]
    assert re.search(
        r'status-achieved" data-status="achieved"><a [^>]*>100,0<span class="visually-hidden"> Đạt</span></a>',
        row_b,
    )


def test_chart_data_and_its_table_carry_the_trend_from_the_baseline(known, reviewer):
    html = client_for(reviewer).get("/dashboard/?year=2024").content.decode()
    assert '<script id="dashboard-data" type="application/json">' in html
    assert "<script>" not in html  # no inline script beyond the data block
    comm = card(html, "LIB_LLL_SERVICE:LIB_COMM")
    assert "Xem bảng số liệu" in comm
    assert re.search(r"<th scope=\"row\">2023</th><td class=\"num\">33,3&nbsp;%", comm)
    assert re.search(r"<th scope=\"row\">2024</th><td class=\"num\">50,0&nbsp;%", comm)
    assert 'role="img" aria-label="Biểu đồ' in comm


def test_the_progress_at_a_glance_counts_submissions(known, reviewer):
    html = client_for(reviewer).get("/dashboard/?year=2024").content.decode()
    assert "1/2 đơn vị báo cáo đã được duyệt." in html
    assert '<dd class="d-inline" data-state="submitted">1</dd>' in html


def test_changing_the_year_changes_the_figures(known, reviewer):
    html = client_for(reviewer).get("/dashboard/?year=2023").content.decode()
    comm = card(html, "LIB_LLL_SERVICE:LIB_COMM")
    assert "33,3&nbsp;%" in comm  # 2 of 6 in the baseline year
    assert '<option value="2023" selected>' in html


@pytest.mark.parametrize("year", ["1999", "2031", "abc", "20244"])
def test_a_year_outside_the_plan_gets_a_clear_message_not_an_error(known, reviewer, year):
    response = client_for(reviewer).get(f"/dashboard/?year={year}")
    assert response.status_code == 400
    assert "Hãy chọn năm từ 2023 đến" in response.content.decode()


def test_the_public_sees_approved_figures_at_province_level_only(known):
    response = client_for(None).get("/dashboard/?year=2024")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chỉ gồm số liệu đã được Sở Văn hóa" in html
    comm = card(html, "LIB_LLL_SERVICE:LIB_COMM")
    assert "33,3&nbsp;%" in comm  # only An Khê's approved 2 of 6
    assert "/dashboard/behind/" not in html  # no drill-down to institutions
    assert 'data-testid="units-table"' not in html
    assert 'data-testid="progress"' not in html


def test_an_officer_sees_the_public_province_view_and_a_link_to_their_own(known, officer_a):
    html = client_for(officer_a).get("/dashboard/?year=2024").content.decode()
    assert "Chỉ gồm số liệu đã được Sở Văn hóa" in html
    assert "/dashboard/behind/" not in html
    own = html[html.index('data-testid="own-units"') :]
    assert f"/dashboard/unit/{known.p.district_a.pk}/" in own[:400]


def test_a_growth_card_shows_the_plans_2030_band_as_the_annual_report_does(known, reviewer):
    # 2024 falls under the 2025 milestone (10 %/năm as the plan writes it, no upper end); the 2030
    # target is still the plan's "tăng 10% - 15% mỗi năm".
    client = client_for(reviewer)
    html = client.get("/dashboard/?year=2024").content.decode()
    visits = card(html, "LIB_VISITS_GROWTH:LIB")
    assert '<strong data-testid="target-year">10\u00a0%/năm</strong>' in visits
    assert '<strong data-testid="target-2030">10–15\u00a0%/năm</strong>' in visits
    assert re.search("Mục tiêu 2025</th><td[^>]*>10\u00a0%/năm</td>", visits)
    assert re.search("Mục tiêu 2030</th><td[^>]*>10–15\u00a0%/năm</td>", visits)
    data = json.loads(re.search(r'id="dashboard-data"[^>]*>(.*?)</script>', html, re.S)[1])
    chart = next(c for c in data["charts"] if c["id"] == "chart-lib-visits-growth-lib")
    assert (chart["target2025"], chart["target2030"], chart["targetMax"]) == (10, 10, 15)


def test_the_public_opens_on_the_latest_issued_year_and_staff_on_the_working_one(known, reviewer):
    from indicators.models import PeriodState, ReportingPeriod

    ReportingPeriod.objects.filter(year=2023).update(state=PeriodState.LOCKED)
    latest = ReportingPeriod.objects.order_by("-year").first().year
    assert latest > 2023
    public = client_for(None).get("/dashboard/").content.decode()
    assert '<option value="2023" selected>' in public
    staff = client_for(reviewer).get("/dashboard/").content.decode()
    assert f'<option value="{latest}" selected>' in staff


def test_a_long_list_behind_a_number_comes_a_hundred_at_a_time(known, reviewer):
    # 246 more commune libraries in An Khê, none of which reported in 2024.
    for i in range(246):
        InstitutionFactory(
            code=f"DAI-{i:03d}",
            name=f"Thư viện dài {i:03d}",
            category=category("LIB_COMM"),
            admin_unit=known.p.commune_b,
            reporting_unit=known.p.unit_b,
            opened_year=2015,
        )
    client = client_for(reviewer)
    url = "/dashboard/behind/?target=LIB_LLL_SERVICE:LIB_COMM&year=2024&which=not_reported"
    first = client.get(url).content.decode()
    # Pleiku's one library that did not report, and the 246.
    assert 'data-testid="behind-heading">Chưa báo cáo: 247</h2>' in first
    assert first.count("<tr><td>") == 100
    assert "Từ 1 đến 100 trong 247" in first
    # Page links keep the list's own parameters.
    assert (
        'href="?target=LIB_LLL_SERVICE%3ALIB_COMM&amp;year=2024&amp;which=not_reported&amp;page=2"'
        in first
    )
    assert 'aria-label="Trang 3"' in first
    last = client.get(url + "&page=3").content.decode()
    assert last.count("<tr><td>") == 47 and "Từ 201 đến 247 trong 247" in last
    # A page past the end gives the last; one that is not a number, the first.
    assert client.get(url + "&page=99").content.decode().count("<tr><td>") == 47
    assert "Từ 1 đến 100" in client.get(url + "&page=abc").content.decode()
