"""The entry page used with the keyboard alone: Tab and Shift+Tab to move, typing
into fields, choosing Có/Không in a select by typing, Enter on "Lưu nháp"."""

from __future__ import annotations

import pytest

from indicators.models import Figures
from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD
from tests.factories import InstitutionFactory, ReportingPeriodFactory, category

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

MAX_TABS = 120  # far more than the page's controls before the buttons

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {
    name: el.getAttribute("name") || "",
    text: (el.innerText || "").trim(),
    value: el.value ?? "",
    ring: style.outlineStyle !== "none" || style.boxShadow !== "none",
  };
}"""


@pytest.fixture
def library(province, officer_a):
    ReportingPeriodFactory(year=2025)
    return InstitutionFactory(
        code="TV-PLK",
        name="Thư viện thành phố Pleiku",
        category=category("LIB_DIST"),
        admin_unit=province.district_a,
        reporting_unit=province.unit_a,
    )


def tab_to(page, *, name: str = "", text: str = "") -> dict:
    """Press Tab until the control is focused; focus must move on every press
    (a control that keeps it would be a keyboard trap)."""
    previous = None
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
        assert now != previous or now is None, f"focus stuck on {now}"
        if now and ((name and now["name"] == name) or (text and now["text"] == text)):
            return now
        previous = now
    raise AssertionError(f"Tab never reached {name or text}")


def test_an_officer_fills_and_saves_the_entry_form_with_the_keyboard_only(
    page, live_server, library, officer_a
):
    login(page, live_server, "officer_a", PASSWORD)
    page.goto(f"{live_server.url}/so-lieu/")
    with page.expect_navigation():
        page.get_by_role("link", name="Bắt đầu nhập").first.click()
    field = f"i{library.pk}__"

    # From the top of the page to the library's first yes/no question.
    lll = tab_to(page, name=field + "lll_services")
    assert lll["ring"], "the focused select shows no focus style"
    page.keyboard.type("Có")  # a closed select picks the option typed
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["name"] == field + "digital_transformation"
    page.keyboard.type("Không")
    page.keyboard.press("Tab")
    visits = page.evaluate(FOCUSED)
    assert visits["name"] == field + "user_visits" and visits["ring"]
    page.keyboard.type("1200")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["name"] == field + "participants"
    page.keyboard.type("300")
    # Back one field with Shift+Tab: the typed value is still there; correct it.
    page.keyboard.press("Shift+Tab")
    back = page.evaluate(FOCUSED)
    assert (back["name"], back["value"]) == (field + "user_visits", "1200")
    page.keyboard.press("Control+A")
    page.keyboard.type("1250")

    save = tab_to(page, text="Lưu nháp")
    assert save["ring"], "the focused button shows no focus style"
    screenshot(page, "figures-keyboard-save-focused")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("Đã lưu nháp.").is_visible()

    saved = Figures.objects.get(institution=library, year=2025)
    assert saved.lll_services is True and saved.digital_transformation is False
    assert (saved.user_visits, saved.participants) == (1250, 300)
