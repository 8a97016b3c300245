"""The reviewer's report page: who may reach it, saving, preview, download, issue."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import PeriodEvent, PeriodState
from reports.models import ReportDraft
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

YEAR = 2025


def _urls() -> list[str]:
    return [
        reverse("reports:annual_report_index"),
        reverse("reports:annual_report", args=[YEAR]),
        reverse("reports:annual_report_preview", args=[YEAR]),
    ]


def test_an_anonymous_visitor_is_sent_to_log_in(report_year) -> None:
    for url in _urls():
        response = client_for(None).get(url)
        assert response.status_code == 302, url
        assert reverse("login") in response["Location"]
    response = client_for(None).post(reverse("reports:annual_report_issue", args=[YEAR]))
    assert response.status_code == 302
    assert not ReportDraft.objects.get(period__year=YEAR).is_issued


@pytest.mark.parametrize("persona", ["officer_a", "sector_reporter"])
def test_officers_do_not_learn_the_page_exists(report_year, persona, request) -> None:
    client = client_for(request.getfixturevalue(persona))
    for url in _urls():
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("reports:annual_report_issue", args=[YEAR])).status_code == 404
    assert client.post(_urls()[1], {"signer_name": "Kẻ lạ"}).status_code == 404
    assert ReportDraft.objects.get(period__year=YEAR).signer_name == "Nguyễn Thị Hạnh"


def test_a_reviewer_downloads_the_pdf_and_the_workbook(report_year, reviewer, build_file) -> None:
    client = client_for(reviewer)
    pdf = client.get(build_file(client, "pdf")["download_url"])
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf["Content-Disposition"]
    assert "bao-cao-ke-hoach-3632-nam-2025.pdf" in pdf["Content-Disposition"]
    xlsx = client.get(build_file(client, "xlsx")["download_url"])
    assert xlsx.status_code == 200
    assert xlsx.content.startswith(b"PK")
    assert (
        client.post(reverse("reports:annual_report_job_start", args=[YEAR, "doc"])).status_code
        == 404
    )


def test_the_page_shows_the_form_and_the_preview(report_year, reviewer) -> None:
    response = client_for(reviewer).get(reverse("reports:annual_report", args=[YEAR]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="report-preview"' in html
    assert "js/report.js" in html
    assert 'name="difficulties"' in html
    # Figures are never typed: no field for them.
    assert 'name="numerator"' not in html and 'name="value"' not in html


def test_the_index_goes_to_the_latest_year(report_year, reviewer) -> None:
    response = client_for(reviewer).get(reverse("reports:annual_report_index"))
    assert response["Location"] == reverse("reports:annual_report", args=[YEAR])


def test_saving_the_draft_changes_only_the_words(report_year, reviewer) -> None:
    client = client_for(reviewer)
    data = {
        "number": "130",
        "symbol": "BC-SVHTTDL",
        "report_date": "01/12/2025",
        "place": "Gia Lai",
        "issuing_parent": "UBND TỈNH GIA LAI",
        "issuing_body": "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH",
        "signer_authority": "",
        "signer_title": "GIÁM ĐỐC",
        "signer_name": "Trần Văn Bình",
        "recipients": "UBND tỉnh (báo cáo);\nLưu: VT.",
        "other_results": "",
        "difficulties": "Thiếu cán bộ.",
        "proposals": "Tăng kinh phí.",
        "numerator": "999",
    }
    response = client.post(reverse("reports:annual_report", args=[YEAR]), data)
    assert response.status_code == 302
    draft = ReportDraft.objects.get(period__year=YEAR)
    assert (draft.number, draft.signer_name, draft.signer_authority) == ("130", "Trần Văn Bình", "")
    assert draft.updated_by == reviewer
    assert draft.report_date == dt.date(2025, 12, 1)  # day first: 1 December, not 12 January


def test_a_bad_number_is_refused_with_a_vietnamese_message(report_year, reviewer) -> None:
    client = client_for(reviewer)
    url = reverse("reports:annual_report", args=[YEAR])
    page = client.get(url)
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update(number="12a", report_date="28/11/2025")
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Số văn bản chỉ gồm chữ số" in response.content.decode()


def test_the_preview_follows_unsaved_typing_without_saving(report_year, reviewer) -> None:
    client = client_for(reviewer)
    url = reverse("reports:annual_report", args=[YEAR])
    data = {k: v for k, v in client.get(url).context["form"].initial.items() if v is not None}
    data["proposals"] = "Đề xuất chưa lưu"
    data["report_date"] = "28/11/2025"
    response = client.post(reverse("reports:annual_report_preview", args=[YEAR]), data)
    assert response.status_code == 200
    assert "Đề xuất chưa lưu" in response.content.decode()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in response.content.decode()
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert ReportDraft.objects.get(period__year=YEAR).proposals != "Đề xuất chưa lưu"


def _in_english(client):
    client.post(reverse("set_language"), {"language": "en"})
    return client


def test_the_report_date_is_typed_day_first_whatever_the_interface_language(
    report_year, reviewer
) -> None:
    client = _in_english(client_for(reviewer))
    url = reverse("reports:annual_report", args=[YEAR])
    page = client.get(url)
    html = page.content.decode()
    assert "Save draft" in html  # the interface is English
    # A browser's date input follows its own locale (mm/dd/yyyy in English): a text field.
    assert 'type="date"' not in html
    assert 'name="report_date" value="28/11/2025"' in html
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data["report_date"] = "05/12/2025"
    assert client.post(url, data).status_code == 302
    assert ReportDraft.objects.get(period__year=YEAR).report_date == dt.date(2025, 12, 5)


@pytest.mark.parametrize("typed", ["12/31/2025", "2025-12-05", "31/02/2025", "5 tháng 12"])
def test_a_report_date_not_typed_dd_mm_yyyy_is_refused_naming_the_field(
    report_year, reviewer, typed
) -> None:
    client = client_for(reviewer)
    url = reverse("reports:annual_report", args=[YEAR])
    data = {k: v for k, v in client.get(url).context["form"].initial.items() if v is not None}
    data["report_date"] = typed
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Ngày báo cáo: hãy nhập ngày theo dạng dd/mm/yyyy" in response.content.decode()
    assert ReportDraft.objects.get(period__year=YEAR).report_date == dt.date(2025, 11, 28)


def test_the_preview_stays_vietnamese_when_the_interface_is_english(report_year, reviewer) -> None:
    client = _in_english(client_for(reviewer))
    page = client.get(reverse("reports:annual_report", args=[YEAR])).content.decode()
    assert 'lang="en"' in page  # the reviewer's own pages are in English
    html = client.get(reverse("reports:annual_report_preview", args=[YEAR])).content.decode()
    # The key day's label, not the activity of the same title: the number comes first.
    assert "21/4 Ngày Sách và Văn hóa đọc Việt Nam:" in html
    assert "Vietnam Book" not in html
    assert "Tuyên truyền, nâng cao nhận thức (mục III.1)" in html  # a task group, in Vietnamese
    assert "Communication and awareness" not in html


def test_issuing_is_refused_while_a_submission_awaits_approval(report_year, reviewer) -> None:
    client = client_for(reviewer)
    response = client.post(reverse("reports:annual_report_issue", args=[YEAR]), follow=True)
    assert "đang chờ duyệt" in response.content.decode()
    report_year.period.refresh_from_db()
    assert report_year.period.state == PeriodState.OPEN
    assert not ReportDraft.objects.get(period__year=YEAR).is_issued


def test_issuing_records_who_and_locks_the_period(all_approved, reviewer) -> None:
    client = client_for(reviewer)
    response = client.post(reverse("reports:annual_report_issue", args=[YEAR]), follow=True)
    assert response.status_code == 200
    draft = ReportDraft.objects.get(period__year=YEAR)
    assert draft.is_issued and draft.issued_by == reviewer
    period = draft.period
    assert period.state == PeriodState.LOCKED and period.locked_by == reviewer
    event = PeriodEvent.objects.get(period=period)
    assert event.action == PeriodEvent.Action.LOCK and event.user == reviewer
    assert "125/BC-SVHTTDL" in event.reason
    assert 'data-testid="issued"' in response.content.decode()
    # Once issued and locked, the words no longer change.
    client.post(reverse("reports:annual_report", args=[YEAR]), {"signer_name": "Người khác"})
    assert ReportDraft.objects.get(period__year=YEAR).signer_name == "Nguyễn Thị Hạnh"


def test_the_workbook_downloaded_from_an_english_interface_is_vietnamese(
    report_year, reviewer, build_file
) -> None:
    client = _in_english(client_for(reviewer))
    xlsx = client.get(build_file(client, "xlsx")["download_url"])
    cells = [
        str(c.value)
        for sheet in load_workbook(io.BytesIO(xlsx.content)).worksheets
        for row in sheet.iter_rows()
        for c in row
        if c.value is not None
    ]
    assert "III.1 Tuyên truyền, nâng cao nhận thức" in cells
    assert not [c for c in cells if "Communication" in c or "Vietnam Book" in c]
