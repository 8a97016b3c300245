"""Each persona's path from the home page to "done", at desktop and phone width,
with a screenshot of every step under test-output/ (persona-<who>-<width>-<n>-<step>.png).

- The commune officer: home says what to do → the entry page → sent → home says
  it is waiting for review.
- The reviewer: home offers one next step → the report → approved → home moves on.
- Anyone: home → the public dashboard and the open data.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from indicators.models import Figures, Submission, SubmissionState
from indicators.services import plan_load
from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD
from tests.factories import InstitutionFactory, ReportingPeriodFactory, category

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

WIDTHS = [1366, 390]


@pytest.fixture
def library(province):
    plan_load()
    ReportingPeriodFactory(year=2025)
    return InstitutionFactory(
        code="TV-PLK",
        name="Thư viện thành phố Pleiku",
        category=category("LIB_DIST"),
        admin_unit=province.district_a,
        reporting_unit=province.unit_a,
    )


class Shots:
    def __init__(self, page, who: str, width: int) -> None:
        self.page, self.prefix, self.n = page, f"persona-{who}-{width}", 0

    def __call__(self, step: str) -> None:
        self.n += 1
        screenshot(self.page, f"{self.prefix}-{self.n}-{step}")
        width = self.page.evaluate("document.documentElement.scrollWidth")
        viewport = self.page.viewport_size["width"]
        assert width <= viewport, f"{step}: the page scrolls sideways ({width} px)"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_officer_goes_from_home_to_a_sent_report(page, live_server, library, officer_a, width):
    page.set_viewport_size({"width": width, "height": 900})
    shot = Shots(page, "officer", width)
    login(page, live_server, "officer_a", PASSWORD)
    steps = page.get_by_test_id("next-steps")
    expect(steps).to_contain_text("Chưa nhập số liệu năm 2025.")
    shot("home")

    with page.expect_navigation():
        steps.get_by_role("link", name="Bắt đầu nhập").click()
    field = lambda code: page.locator(f"[name=i{library.pk}__{code}]")  # noqa: E731
    field("lll_services").select_option("yes")
    field("digital_transformation").select_option("no")
    field("user_visits").fill("1200")
    field("participants").fill("300")
    shot("entry")
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi báo cáo").click()
    assert "Đã gửi, chờ duyệt" in page.get_by_test_id("state").inner_text()
    shot("sent")

    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("step-message")).to_contain_text("đang chờ Sở VHTTDL duyệt")
    shot("home-after")
    assert Submission.objects.get().state == SubmissionState.SUBMITTED


@pytest.mark.parametrize("width", WIDTHS)
def test_the_reviewer_goes_from_home_to_an_approved_report(
    page, live_server, province, library, reviewer, width
):
    period = ReportingPeriodFactory(year=2025)
    sent = Submission.objects.create(
        reporting_unit=province.unit_a, period=period, state=SubmissionState.SUBMITTED
    )
    Figures.objects.create(
        institution=library,
        year=2025,
        submission=sent,
        lll_services=True,
        digital_transformation=False,
        user_visits=1200,
        participants=300,
    )
    page.set_viewport_size({"width": width, "height": 900})
    shot = Shots(page, "reviewer", width)
    login(page, live_server, "reviewer", PASSWORD)
    todo = page.get_by_test_id("next-step")
    expect(todo.get_by_role("link")).to_have_count(1)  # one next step, one button
    shot("home")

    with page.expect_navigation():
        todo.get_by_role("link", name="Xem xét 1 báo cáo chờ duyệt").click()
    shot("queue")
    with page.expect_navigation():
        page.get_by_role("link", name=province.unit_a.name).click()
    shot("report")
    with page.expect_navigation():
        page.get_by_role("button", name="Duyệt").click()
    assert "Đã duyệt" in page.get_by_test_id("state").inner_text()
    shot("approved")

    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("next-step").get_by_role("link")).to_have_count(1)
    shot("home-after")
    sent.refresh_from_db()
    assert sent.state == SubmissionState.APPROVED


@pytest.mark.parametrize("width", WIDTHS)
def test_anyone_goes_from_home_to_the_public_dashboard_and_open_data(
    page, live_server, library, width
):
    page.set_viewport_size({"width": width, "height": 900})
    shot = Shots(page, "public", width)
    page.goto(f"{live_server.url}/")
    shot("home")
    links = page.get_by_test_id("public-links")
    with page.expect_navigation():
        links.get_by_role("link", name="Bảng theo dõi thực hiện Kế hoạch").click()
    expect(page.get_by_test_id("public-note")).to_be_visible()
    shot("dashboard")

    page.goto(f"{live_server.url}/")
    with page.expect_navigation():
        page.get_by_test_id("public-links").get_by_role(
            "link", name="Dữ liệu mở (CSV, JSON)"
        ).click()
    assert page.url.endswith("/du-lieu-mo/")
    shot("open-data")
