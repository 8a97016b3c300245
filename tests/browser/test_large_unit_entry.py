"""An officer of a unit of 120 institutions: the entry page shows a page of them
at a time; the officer finds one by name (typed without accents), fills it in,
saves, and lands back on the same search with the value kept. Leaving a page
with a value typed and not saved asks first. The tabs, search and pages fit a
phone and pass axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from indicators.models import Figures
from institutions.models import Institution
from tests.browser.conftest import login, screenshot
from tests.browser.test_accessibility import violations
from tests.conftest import PASSWORD
from tests.factories import ReportingPeriodFactory, category

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def unit_of_120(province, officer_a):
    ReportingPeriodFactory(year=2025)
    Institution.objects.bulk_create(
        Institution(
            code=f"TV-XA-{n:03d}",
            name=f"Thư viện xã Ia Kênh {n:03d}",
            category=category("LIB_COMM"),
            admin_unit=province.commune_a,
            reporting_unit=province.unit_a,
            opened_year=2010,
        )
        for n in range(1, 121)
    )
    return Institution.objects.get(code="TV-XA-087")


def test_an_officer_jumps_to_an_institution_by_name_fills_it_and_saves(
    page, live_server, unit_of_120, officer_a
):
    target = unit_of_120
    login(page, live_server, "officer_a", PASSWORD)
    page.goto(f"{live_server.url}/so-lieu/")
    with page.expect_navigation():
        page.get_by_role("link", name="Bắt đầu nhập").first.click()

    assert page.get_by_test_id("progress").inner_text().startswith("0/120 thiết chế đã nhập đủ")
    expect(page.get_by_test_id("slice-range")).to_have_text("Đang hiện thiết chế 1–50 trong 120")
    expect(page.locator("details.figures-block")).to_have_count(50)
    expect(page.locator(f"[name=i{target.pk}__user_visits]")).to_have_count(0)
    assert not violations(page)  # axe: tabs, search and pages included

    # A value typed on page 1 and not saved: moving to page 2 asks first.
    first = page.locator("details.figures-block").first.locator("input[type=number]").first
    first.click()
    page.keyboard.type("12")
    asked: list[str] = []

    def on_dialog(dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", on_dialog)
    page.get_by_test_id("pager-top").get_by_role("link", name="Trang 2").click()
    page.wait_for_timeout(300)
    assert asked == ["beforeunload"]
    expect(page.get_by_test_id("slice-range")).to_have_text("Đang hiện thiết chế 1–50 trong 120")
    page.remove_listener("dialog", on_dialog)
    first.fill("")

    # The search box, without accents and in lower case.
    page.get_by_label("Tìm thiết chế (mã hoặc tên)").fill("thu vien xa ia kenh 087")
    page.once("dialog", lambda dialog: dialog.accept())  # the emptied input still counts as changed
    with page.expect_navigation():
        page.get_by_role("button", name="Tìm", exact=True).click()
    assert "q=thu+vien+xa+ia+kenh+087" in page.url
    expect(page.locator("details.figures-block")).to_have_count(1)
    expect(page.locator(f"#inst-{target.pk} > summary")).to_contain_text(target.name)

    page.locator(f"[name=i{target.pk}__lll_services]").select_option("yes")
    page.locator(f"[name=i{target.pk}__digital_transformation]").select_option("no")
    page.locator(f"[name=i{target.pk}__user_visits]").fill("870")
    page.locator(f"[name=i{target.pk}__participants]").fill("87")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu nháp").click()

    expect(page.get_by_text("Đã lưu nháp.")).to_be_visible()
    assert "q=thu+vien+xa+ia+kenh+087" in page.url  # the same slice
    expect(page.locator(f"[name=i{target.pk}__user_visits]")).to_have_value("870")
    assert page.get_by_test_id("progress").inner_text().startswith("1/120 thiết chế đã nhập đủ")
    screenshot(page, "entry-large-unit-saved")
    saved = Figures.objects.get(institution=target, year=2025)
    assert (saved.lll_services, saved.user_visits, saved.participants) == (True, 870, 87)
    assert Figures.objects.count() == 1


def test_the_tabs_search_and_pages_fit_a_phone(page, live_server, unit_of_120, officer_a):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "officer_a", PASSWORD)
    submission_url = f"{live_server.url}/so-lieu/2025/UBND-622/"
    page.goto(submission_url)
    with page.expect_navigation():
        page.get_by_test_id("pager-bottom").get_by_role("link", name="Trang 3").click()
    expect(page.get_by_test_id("slice-range")).to_have_text("Đang hiện thiết chế 101–120 trong 120")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width} px)"
    assert not violations(page)
    screenshot(page, "entry-large-unit-phone")
