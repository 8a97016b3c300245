"""Figures journeys in real Chromium: form entry through review, and an Excel round trip."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from indicators.excel import DATA_SHEET
from indicators.models import Figures, Submission, SubmissionState
from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD
from tests.factories import InstitutionFactory, ReportingPeriodFactory, category

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def pleiku(province, officer_a):
    ReportingPeriodFactory(year=2025)
    library = InstitutionFactory(
        code="TV-PLK",
        name="Thư viện thành phố Pleiku",
        category=category("LIB_DIST"),
        admin_unit=province.district_a,
        reporting_unit=province.unit_a,
    )
    museum = InstitutionFactory(
        code="BT-PLK",
        name="Bảo tàng Pleiku",
        category=category("MUS"),
        admin_unit=province.district_a,
        reporting_unit=province.unit_a,
    )
    return library, museum


def _open_entry(page, live_server):
    page.goto(f"{live_server.url}/so-lieu/")
    with page.expect_navigation():
        page.get_by_role("link", name="Bắt đầu nhập").first.click()


def _field(page, inst, code):
    return page.locator(f"[name=i{inst.pk}__{code}]")


def test_officer_enters_submits_reviewer_returns_officer_corrects_reviewer_approves(
    page, live_server, pleiku, officer_a, reviewer
):
    library, museum = pleiku
    login(page, live_server, "officer_a", PASSWORD)
    page.get_by_role("link", name="Nhập số liệu").click()
    _open_entry(page, live_server)
    _field(page, library, "lll_services").select_option("yes")
    _field(page, library, "digital_transformation").select_option("no")
    _field(page, library, "user_visits").fill("1200")
    _field(page, library, "participants").fill("300")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu nháp").click()
    assert page.get_by_text("Đã lưu nháp.").is_visible()

    # Submitting with the museum still empty is refused, and what is missing is listed.
    page.get_by_role("button", name="Gửi báo cáo").click()
    problems = page.get_by_test_id("submit-problems")
    assert problems.is_visible() and "Bảo tàng Pleiku" in problems.inner_text()
    screenshot(page, "figures-submit-refused")

    _field(page, museum, "education_programme").select_option("yes")
    _field(page, museum, "digital_exhibitions").select_option("yes")
    _field(page, museum, "study_visitors").fill("400")
    _field(page, museum, "total_visitors").fill("1500")
    _field(page, museum, "participants").fill("80")
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi báo cáo").click()
    assert "Đã gửi, chờ duyệt" in page.get_by_test_id("state").inner_text()
    submission = Submission.objects.get()

    # The reviewer returns it with a reason.
    page.context.clear_cookies()
    login(page, live_server, "reviewer", PASSWORD)
    page.get_by_role("button", name="Số liệu", exact=True).click()  # the nav groups links by area
    with page.expect_navigation():
        page.get_by_role("link", name="Xem xét báo cáo").click()
    page.locator("[data-unit='UBND-622']").get_by_role("link", name="UBND Thành phố Pleiku").click()
    page.get_by_label("Lý do trả lại").fill("Tổng lượt khách bảo tàng chưa đúng, đề nghị kiểm tra.")
    with page.expect_navigation():
        page.get_by_role("button", name="Trả lại").click()
    assert "Bị trả lại" in page.get_by_test_id("state").inner_text()

    # The officer sees the reason, corrects and resubmits.
    page.context.clear_cookies()
    login(page, live_server, "officer_a", PASSWORD)
    page.goto(f"{live_server.url}/bao-cao/{submission.pk}/")
    assert "Tổng lượt khách bảo tàng chưa đúng" in page.get_by_test_id("return-reason").inner_text()
    screenshot(page, "figures-returned")
    _field(page, museum, "total_visitors").fill("1600")
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi báo cáo").click()
    assert "Đã gửi, chờ duyệt" in page.get_by_test_id("state").inner_text()

    # The reviewer approves.
    page.context.clear_cookies()
    login(page, live_server, "reviewer", PASSWORD)
    page.goto(f"{live_server.url}/bao-cao/{submission.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Duyệt").click()
    assert "Đã duyệt" in page.get_by_test_id("state").inner_text()
    history = page.get_by_test_id("state-history").inner_text()
    assert "Bị trả lại" in history and "Đã duyệt" in history
    screenshot(page, "figures-approved")
    submission.refresh_from_db()
    assert submission.state == SubmissionState.APPROVED
    assert Figures.objects.get(institution=museum).total_visitors == 1600


def _fill_template(path, values) -> bytes:
    wb = load_workbook(path)
    ws = wb[DATA_SHEET]
    codes = [c.value for c in ws[2]]
    for row in ws.iter_rows(min_row=3):
        for code, value in values.get(row[0].value, {}).items():
            row[codes.index(code)].value = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_excel_round_trip_with_one_bad_cell_then_accepted(
    page, live_server, pleiku, officer_a, tmp_path
):
    library, museum = pleiku
    login(page, live_server, "officer_a", PASSWORD)
    _open_entry(page, live_server)
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải biểu mẫu Excel").click()
    template = tmp_path / "template.xlsx"
    info.value.save_as(template)

    good = {
        "TV-PLK": {
            "lll_services": "Có",
            "digital_transformation": "Có",
            "user_visits": 900,
            "participants": 100,
        },
        "BT-PLK": {
            "education_programme": "Có",
            "digital_exhibitions": "Không",
            "study_visitors": 100,
            "total_visitors": 500,
            "participants": 20,
        },
    }
    bad = {**good, "BT-PLK": {**good["BT-PLK"], "study_visitors": 900}}  # more than total_visitors
    bad_file = tmp_path / "bad.xlsx"
    bad_file.write_bytes(_fill_template(template, bad))
    page.get_by_role("link", name="Tải lên tệp Excel/CSV").click()
    page.get_by_label("Tệp số liệu (.xlsx hoặc .csv)").set_input_files(str(bad_file))
    with page.expect_navigation():
        page.get_by_role("button", name="Tải lên", exact=True).click()
    problems = page.get_by_test_id("upload-problems")
    text = problems.inner_text()
    assert "study_visitors" in text and "900" in text and DATA_SHEET in text
    assert problems.locator("tbody tr").count() == 1
    screenshot(page, "figures-upload-bad-cell")
    assert not Figures.objects.exists()

    good_file = tmp_path / "good.xlsx"
    good_file.write_bytes(_fill_template(template, good))
    page.get_by_label("Tệp số liệu (.xlsx hoặc .csv)").set_input_files(str(good_file))
    with page.expect_navigation():
        page.get_by_role("button", name="Tải lên", exact=True).click()
    assert page.get_by_text("Đã nhận tệp").is_visible()
    assert Figures.objects.get(institution=museum).study_visitors == 100
    assert _field(page, library, "user_visits").input_value() == "900"
