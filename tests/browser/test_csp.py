"""Under the Content-Security-Policy (no inline script): the page fixture of
tests/browser/conftest.py fails any test whose page the browser refused
something on; these journeys cover what moved out of inline handlers."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from indicators.models import Activity, Submission, TaskGroup
from tests.browser.conftest import login
from tests.conftest import PASSWORD
from tests.factories import ReportingPeriodFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_api_documentation_renders_from_the_vendored_redoc(page, live_server):
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.get_by_role("heading", name="Gia Lai — Học tập suốt đời API")).to_be_visible(
        timeout=15_000
    )


def test_deleting_an_activity_asks_first_and_cancel_keeps_it(
    page, live_server, province, officer_a
):
    period = ReportingPeriodFactory(year=2025)
    submission = Submission.objects.create(reporting_unit=province.unit_a, period=period)
    activity = Activity.objects.create(
        submission=submission,
        date=dt.date(2025, 4, 21),
        title="Ngày Sách và Văn hóa đọc",
        task_group=TaskGroup.COMMUNICATION,
    )
    login(page, live_server, "officer_a", PASSWORD)
    page.goto(f"{live_server.url}/bao-cao/{submission.pk}/")
    questions = []

    def answer(dialog, accept: bool) -> None:
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda d: answer(d, accept=False))
    page.get_by_role("button", name="Xóa").click()
    assert questions and not Activity.objects.get(pk=activity.pk).is_deleted

    page.once("dialog", lambda d: answer(d, accept=True))
    with page.expect_navigation():
        page.get_by_role("button", name="Xóa").click()
    assert len(questions) == 2
    activity.refresh_from_db()
    assert activity.is_deleted or not Activity.objects.filter(pk=activity.pk).exists()
