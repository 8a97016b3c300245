from __future__ import annotations

import pytest

from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_an_officer_logs_in_lands_home_and_switches_to_english(page, live_server, officer_a):
    login(page, live_server, "officer_a", PASSWORD)
    assert page.get_by_test_id("whoami").inner_text().startswith("Người dùng")
    assert page.get_by_role("heading", name="Việc cần làm").is_visible()
    assert page.get_by_text("UBND Thành phố Pleiku").is_visible()
    screenshot(page, "home-vi")

    page.select_option("#language-select", "en")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="To do").is_visible()
    assert page.get_by_text("You report for:").is_visible()
    screenshot(page, "home-en")
