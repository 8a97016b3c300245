"""A commune officer with many institutions enters figures on a phone (390 px):
jump to an institution, fold a category, enter a value, save, read the result."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from indicators.models import Figures
from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD
from tests.factories import InstitutionFactory, ReportingPeriodFactory, category

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def many(province, officer_a):
    ReportingPeriodFactory(year=2025)
    libraries = [
        InstitutionFactory(
            code=f"TV-XA-{n}",
            name=f"Thư viện xã số {n}",
            category=category("LIB_COMM"),
            admin_unit=province.commune_a,
            reporting_unit=province.unit_a,
        )
        for n in range(1, 9)
    ]
    centres = [
        InstitutionFactory(
            code=f"NVH-{n}",
            name=f"Nhà văn hóa thôn {n}",
            category=category("CC_VILL"),
            admin_unit=province.commune_a,
            reporting_unit=province.unit_a,
        )
        for n in range(1, 6)
    ]
    return libraries, centres


def test_an_officer_jumps_folds_enters_and_saves_on_a_phone(page, live_server, many, officer_a):
    libraries, centres = many
    target = libraries[6]
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "officer_a", PASSWORD)
    page.goto(f"{live_server.url}/so-lieu/")
    with page.expect_navigation():
        page.get_by_role("link", name="Bắt đầu nhập").first.click()

    assert page.get_by_test_id("progress").inner_text() == "0/13 thiết chế đã nhập đủ"
    # One institution at a time: only the first is open.
    assert page.locator("details.figures-block[open]").count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width} px)"

    # Jump to the seventh library through the list, filtered by name.
    page.get_by_text("Đến thiết chế…").click()
    page.get_by_label("Tìm thiết chế theo tên hoặc mã").fill("xa so 7")  # accents ignored
    expect(page.get_by_role("link", name="Thư viện xã số 1", exact=True)).to_be_hidden()
    page.get_by_role("link", name=target.name).click()
    visits = page.locator(f"[name=i{target.pk}__user_visits]")
    expect(visits).to_be_in_viewport()
    expect(page.locator(f"[name=i{target.pk}__lll_services]")).to_be_focused()
    assert page.locator("details.figures-block[open]").count() == 1

    # Fold the village centres: their inputs are out of the way.
    centre_field = page.locator(f"[name=i{centres[0].pk}__participants]")
    page.locator("#cat-CC_VILL > summary").click()
    expect(page.locator("#cat-CC_VILL")).not_to_have_attribute("open", "")
    expect(centre_field).to_be_hidden()

    visits.fill("1500")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu nháp.")).to_be_in_viewport()
    screenshot(page, "entry-phone-saved")
    entered = Figures.objects.filter(year=2025, user_visits__isnull=False)
    assert [(f.institution_id, f.user_visits) for f in entered] == [(target.pk, 1500)]
