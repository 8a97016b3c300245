from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_an_officer_logs_in_lands_home_and_switches_to_english(page, live_server, officer_a):
    login(page, live_server, "officer_a", PASSWORD)
    assert page.get_by_test_id("whoami").inner_text().startswith("Người dùng")
    assert page.get_by_role("heading", name="Việc cần làm").is_visible()
    assert page.get_by_text("UBND Thành phố Pleiku").is_visible()
    screenshot(page, "home-vi")

    # Choosing a language submits the switch's form; wait for the page it leads to.
    page.select_option("#language-select", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="To do")).to_be_visible()
    expect(page.get_by_text("You report for:")).to_be_visible()
    screenshot(page, "home-en")
