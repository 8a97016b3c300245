"""The reviewer opens the dashboard, changes the year, and drills from a red
card to the institutions behind it.

The province is built by hand (tests/dashboards/conftest.py says why each number
is what it is): district libraries are 0 of 2 in 2023 (the baseline year:
recorded, not judged) and 0 of 2 in 2024 against a straight line to 70 % in 2025
(35 % due), so the 2024 card is red; Pleiku's library reported "no" and An
Khê's did not report.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD
from tests.dashboards.conftest import build_known_province

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

RED_CARD = '[data-target="LIB_LLL_SERVICE:LIB_DIST"]'


def test_the_reviewer_changes_the_year_and_drills_from_a_red_card(
    page, live_server, province, reviewer
):
    build_known_province(province)
    login(page, live_server, "reviewer", PASSWORD)

    page.get_by_role("button", name="Theo dõi", exact=True).click()  # the nav groups links by area
    with page.expect_navigation():
        page.get_by_role("link", name="Bảng theo dõi", exact=True).click()
    assert page.get_by_role(
        "heading", name="Bảng theo dõi thực hiện Kế hoạch 3632/KH-UBND"
    ).is_visible()
    assert page.locator("#year-select").input_value() == "2024"  # the latest period

    # The year selector submits on change (dashboard.js).
    with page.expect_navigation():
        page.select_option("#year-select", "2023")
    assert "year=2023" in page.url
    card = page.locator(RED_CARD)
    assert card.get_attribute("data-status") == "baseline"
    assert "Năm gốc" in card.get_by_test_id("card-status").inner_text()

    with page.expect_navigation():
        page.select_option("#year-select", "2024")
    card = page.locator(RED_CARD)
    assert card.get_attribute("data-status") == "off_track"
    assert (
        "Chậm tiến độ" in card.get_by_test_id("card-status").inner_text()
    )  # words, not colour only
    assert card.get_by_test_id("card-value").inner_text().replace("\xa0", " ") == "0,0 %"
    # Chart.js drew the card's chart, and its numbers are there as a table.
    assert page.evaluate(
        "Chart.getChart(document.getElementById('chart-lib-lll-service-lib-dist')) !== undefined"
    )
    card.get_by_text("Xem bảng số liệu").click()
    assert card.get_by_role("table").is_visible()
    screenshot(page, "dashboard-2024")

    with page.expect_navigation():
        card.get_by_role("link", name="Chưa đạt tiêu chí: 1").click()
    assert page.get_by_test_id("behind-heading").inner_text() == "Chưa đạt tiêu chí: 1"
    table = page.get_by_test_id("behind-table")
    assert "Thư viện TVH-A 1" in table.inner_text()
    assert "Thư viện TVH-B 1" not in table.inner_text()
    screenshot(page, "dashboard-drill-not-meeting")

    with page.expect_navigation():
        page.get_by_role("link", name="Chưa báo cáo").click()
    assert "Thư viện TVH-B 1" in page.get_by_test_id("behind-table").inner_text()
