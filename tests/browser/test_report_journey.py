from __future__ import annotations

import pytest

from indicators.services import plan_load
from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD
from tests.factories import ReportingPeriodFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_reviewer_sees_progress_while_the_pdf_is_built(page, live_server, reviewer):
    plan_load()
    ReportingPeriodFactory(year=2025)
    login(page, live_server, "reviewer", PASSWORD)
    page.goto(f"{live_server.url}/bao-cao-nam/2025/")

    with page.expect_download() as download:
        page.get_by_test_id("download-pdf").click()
        status = page.get_by_role("status").filter(has_text="Đang tạo tệp PDF")
        status.wait_for()
        screenshot(page, "report-building")
    assert download.value.suggested_filename.endswith(".pdf")
    # The notice goes once the file has arrived, and the button works again.
    status.wait_for(state="detached", timeout=10_000)
    assert page.get_by_test_id("download-pdf").get_attribute("aria-disabled") is None
