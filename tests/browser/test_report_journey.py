from __future__ import annotations

import pytest

from indicators.services import plan_load
from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD
from tests.factories import ReportingPeriodFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_reviewer_asks_for_the_pdf_follows_it_and_downloads_it(page, live_server, reviewer):
    plan_load()
    ReportingPeriodFactory(year=2025)
    login(page, live_server, "reviewer", PASSWORD)
    page.goto(f"{live_server.url}/bao-cao-nam/2025/")

    # No broker in tests: the job runs in-process while the request is open, so
    # the page shows that it has asked, then the file when it is ready.
    page.get_by_test_id("build-pdf").click()
    download_link = page.get_by_test_id("download-pdf")
    download_link.wait_for(state="visible", timeout=60_000)
    screenshot(page, "report-file-ready")
    assert page.get_by_test_id("status-pdf").inner_text().startswith("Tệp PDF tạo lúc ")
    assert download_link.inner_text().startswith("Tải PDF (")
    assert page.get_by_test_id("build-pdf").is_enabled()
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename == "bao-cao-ke-hoach-3632-nam-2025.pdf"

    # Reloaded, the page still offers the file just built.
    page.reload()
    assert page.get_by_test_id("download-pdf").is_visible()
