"""The activity form asks for an output only under its own task group: choosing
III.3 shows the courses and people trained, III.4 the agreements, and a hidden
output is not sent."""

from __future__ import annotations

import pytest
from django.urls import reverse

from indicators import services
from indicators.models import Activity
from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD
from tests.factories import ReportingPeriodFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_form_shows_the_outputs_of_the_chosen_group(page, live_server, province, officer_a):
    period = ReportingPeriodFactory(year=2025)
    submission = services.submission_open(
        reporting_unit=province.unit_a, period=period, user=officer_a
    )
    login(page, live_server, "officer_a", PASSWORD)
    page.goto(live_server.url + reverse("indicators:activity_create", args=[submission.pk]))
    courses = page.locator("input[name=courses_held]")
    agreements = page.locator("input[name=agreements_signed]")

    page.select_option("#id_task_group", "III.3")
    assert courses.is_visible() and not agreements.is_visible()
    page.select_option("#id_task_group", "III.4")
    assert agreements.is_visible() and not courses.is_visible()

    page.select_option("#id_task_group", "III.3")
    page.fill("#id_date", "15/06/2025")
    page.fill("#id_title", "Tập huấn nghiệp vụ thư viện cơ sở")
    courses.fill("2")
    page.fill("input[name=people_trained]", "48")
    page.fill("#id_participants", "60")
    screenshot(page, "activity-outputs-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu hoạt động").click()
    activity = Activity.objects.get()
    assert (activity.courses_held, activity.people_trained, activity.sponsors) == (2, 48, None)
    assert "Số người được đào tạo, bồi dưỡng: 48" in page.content()
