"""Issuing the year's report as an official sends it: refused while a required
part is missing, frozen byte for byte at issue, signed (PAdES) when a
certificate is configured, and the same bytes from the page and the command."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import subprocess

import lxml.html
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from indicators.models import Figures, PeriodState
from indicators.services import period_reopen
from reports.annual.build import report_file
from reports.annual.signing import DEMO_PASSPHRASE, make_demo_certificate
from reports.models import IssuedReport
from reports.services import (
    default_recipients,
    issue_problems,
    report_draft_update,
    report_issue,
)
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(tmp_path, settings):
    path = tmp_path / "ky-so.p12"
    make_demo_certificate(path)
    settings.REPORT_SIGNING_P12 = str(path)
    settings.REPORT_SIGNING_PASSPHRASE = DEMO_PASSPHRASE
    return path


def test_issuing_is_refused_naming_every_missing_part_and_nothing_changes(
    all_approved, reviewer
) -> None:
    draft = all_approved.draft
    report_draft_update(
        draft=draft,
        user=reviewer,
        data={
            "number": "",
            "report_date": None,
            "signer_name": "",
            "difficulties": "",
            "proposals": " ",
        },
    )
    with pytest.raises(ValidationError) as exc:
        report_issue(draft=draft, user=reviewer)
    assert set(exc.value.message_dict) == {
        "number",
        "report_date",
        "signer_name",
        "difficulties",
        "proposals",
    }
    text = " ".join(exc.value.messages)
    for words in ("số văn bản", "ngày báo cáo", "họ tên người ký", "mục V", "mục VI"):
        assert words in text
    all_approved.period.refresh_from_db()
    assert all_approved.period.state == PeriodState.OPEN
    assert not IssuedReport.objects.exists()


def test_the_issued_files_are_kept_byte_for_byte_and_served_as_issued(
    all_approved, reviewer, tmp_path
) -> None:
    issued = report_issue(draft=all_approved.draft, user=reviewer)
    assert issued.version == 1 and issued.issued_by == reviewer
    assert issued.pdf_sha256 == hashlib.sha256(issued.file("pdf")).hexdigest()
    assert issued.xlsx_sha256 == hashlib.sha256(issued.file("xlsx")).hexdigest()
    assert issued.file("pdf").startswith(b"%PDF") and issued.signed_by == ""
    assert report_file(draft=all_approved.draft, fmt="pdf") == issued.file("pdf")

    out = tmp_path / "bc.pdf"
    call_command("export_report", year=2025, fmt="pdf", output=str(out), stdout=io.StringIO())
    assert out.read_bytes() == issued.file("pdf")

    client = client_for(reviewer)
    response = client.get(reverse("reports:annual_report_issued", args=[2025, 1, "xlsx"]))
    assert response.content == issued.file("xlsx")
    assert response["X-Content-SHA256"] == issued.xlsx_sha256
    page = client.get(reverse("reports:annual_report", args=[2025])).content.decode()
    assert 'data-testid="issued-versions"' in page
    assert "Chưa ký số" in page


def test_a_reissue_after_reopening_is_a_new_version_and_the_first_stays(
    all_approved, reviewer, province, tmp_path
) -> None:
    first = report_issue(draft=all_approved.draft, user=reviewer)
    period_reopen(period=all_approved.period, user=reviewer, reason="Sửa số liệu thư viện xã")
    Figures.objects.filter(institution__code="TV-XA-04").update(lll_services=True)
    report_draft_update(draft=all_approved.draft, user=reviewer, data={"number": "131"})
    second = report_issue(draft=all_approved.draft, user=reviewer)
    assert (first.version, second.version) == (1, 2)
    assert second.pdf_sha256 != first.pdf_sha256
    assert IssuedReport.objects.get(version=1).file("pdf") == first.file("pdf")

    out = tmp_path / "v1.pdf"
    call_command(
        "export_report", year=2025, fmt="pdf", output=str(out), issued_version=1,
        stdout=io.StringIO(),
    )  # fmt: skip
    assert out.read_bytes() == first.file("pdf")
    page = client_for(reviewer).get(reverse("reports:annual_report", args=[2025])).content
    assert b'data-version="1"' in page and b'data-version="2"' in page


def test_history_of_issued_reports_cannot_be_changed_or_deleted(all_approved, reviewer) -> None:
    issued = report_issue(draft=all_approved.draft, user=reviewer)
    issued.signer_name = "Người khác"
    with pytest.raises(ValidationError):
        issued.save()
    with pytest.raises(ValidationError):
        issued.delete()
    assert IssuedReport.objects.get(pk=issued.pk).signer_name == "Nguyễn Thị Hạnh"


def test_the_issued_pdf_carries_a_valid_pades_signature(
    all_approved, reviewer, certificate
) -> None:
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from reports.annual.signing import run_async

    issued = report_issue(draft=all_approved.draft, user=reviewer)
    assert "Chứng thư thử nghiệm" in issued.signed_by
    assert "Common Name" not in issued.signed_by  # as a reader names the holder
    _key, cert, _extra = pkcs12.load_key_and_certificates(
        certificate.read_bytes(), DEMO_PASSPHRASE.encode()
    )
    pem = certificate.parent / "cert.pem"
    pem.write_bytes(cert.public_bytes(Encoding.PEM))
    root = load_cert_from_pemder(str(pem))
    reader = PdfFileReader(io.BytesIO(issued.file("pdf")))
    (signature,) = reader.embedded_signatures
    status = run_async(
        async_validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))
    )
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"

    pdf = certificate.parent / "issued.pdf"
    pdf.write_bytes(issued.file("pdf"))
    shown = subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True).stdout
    assert "Signature #1" in shown and "ETSI.CAdES.detached" in shown
    page = client_for(reviewer).get(reverse("reports:annual_report", args=[2025])).content.decode()
    assert "Đã ký số" in page


def test_issue_report_refuses_with_the_named_problems_then_issues(
    all_approved, reviewer, tmp_path
) -> None:
    report_draft_update(draft=all_approved.draft, user=reviewer, data={"proposals": ""})
    with pytest.raises(CommandError) as exc:
        call_command(
            "issue_report", year=2025, number="140", date="02/12/2025", signer="Lê Văn Nam",
            user="reviewer", stdout=io.StringIO(),
        )  # fmt: skip
    assert "mục VI (Đề xuất, kiến nghị)" in str(exc.value)
    assert not IssuedReport.objects.exists()
    all_approved.draft.refresh_from_db()
    assert all_approved.draft.number == "125"  # nothing half-written

    out = io.StringIO()
    call_command(
        "issue_report", year=2025, number="140", date="02/12/2025", signer="Lê Văn Nam",
        proposals="Đề nghị Bộ hỗ trợ kinh phí số hóa.", user="reviewer", stdout=out,
    )  # fmt: skip
    issued = IssuedReport.objects.get()
    assert (issued.number_and_symbol, issued.signer_name) == ("140/BC-SVHTTDL", "Lê Văn Nam")
    assert issued.pdf_sha256 in out.getvalue()
    target = tmp_path / "bc.xlsx"
    call_command("export_report", year=2025, fmt="xlsx", output=str(target), stdout=io.StringIO())
    assert target.read_bytes() == issued.file("xlsx")


def test_issue_report_refuses_a_bad_date(all_approved) -> None:
    with pytest.raises(CommandError, match="--date"):
        call_command(
            "issue_report", year=2025, number="1", date="2025-13-40", signer="A",
            stdout=io.StringIO(),
        )  # fmt: skip


def test_recipients_follow_the_two_tier_structure_of_the_year() -> None:
    class PlanStub:
        recipients = (
            "Bộ Văn hóa, Thể thao và Du lịch (báo cáo);\nUBND các huyện, thị xã, thành phố;"
        )

    before = default_recipients(plan=PlanStub(), two_tier=False)  # type: ignore[arg-type]
    after = default_recipients(plan=PlanStub(), two_tier=True)  # type: ignore[arg-type]
    assert "UBND các huyện, thị xã, thành phố;" in before
    assert "UBND các huyện" not in after and "UBND các xã, phường;" in after


def test_a_blank_signer_prints_nothing_literal(report_year, reviewer) -> None:
    from reports.annual.build import report_preview_html

    report_draft_update(draft=report_year.draft, user=reviewer, data={"signer_name": ""})
    assert "\\u00a0" not in report_preview_html(draft=report_year.draft)


def test_a_report_cannot_be_dated_before_its_data_cut_off(all_approved, reviewer) -> None:
    """Cut-off 25/11/2025 (the fixture): 24/11 is refused on its field, nothing saved."""
    draft = all_approved.draft
    with pytest.raises(ValidationError) as exc:
        report_draft_update(draft=draft, user=reviewer, data={"report_date": dt.date(2025, 11, 24)})
    (message,) = exc.value.message_dict["report_date"]
    assert "24/11/2025" in message and "ngày chốt số liệu 25/11/2025" in message
    draft.refresh_from_db()
    assert draft.report_date == dt.date(2025, 11, 28)

    # The cut-off moved after the date was written: issuing names the problem.
    Period = type(all_approved.period)
    Period.objects.filter(pk=all_approved.period.pk).update(data_cutoff=dt.date(2025, 12, 1))
    draft.refresh_from_db()
    assert "report_date" in issue_problems(draft)
    with pytest.raises(ValidationError) as exc:
        report_issue(draft=draft, user=reviewer)
    assert "ngày chốt số liệu 01/12/2025" in " ".join(exc.value.messages)
    assert not IssuedReport.objects.exists()


def test_the_page_keeps_issuing_off_and_says_why_while_reports_await_review(
    report_year, reviewer
) -> None:
    """An Khê's report is only sent: the list names it and the button is off."""
    client = client_for(reviewer)
    page = client.get(reverse("reports:annual_report", args=[2025])).content.decode()
    doc = lxml.html.fromstring(page)
    (button,) = doc.xpath("//button[@data-testid='issue']")
    assert button.get("disabled") is not None
    problems = doc.xpath("//*[@data-testid='issue-problems']")[0].text_content()
    assert "Còn 1 báo cáo của đơn vị đang chờ duyệt" in problems


def test_the_page_says_which_units_never_sent(all_approved, reviewer, province) -> None:
    from indicators.models import Submission, SubmissionState

    Submission.objects.filter(pk=all_approved.waiting.pk).update(state=SubmissionState.RETURNED)
    page = client_for(reviewer).get(reverse("reports:annual_report", args=[2025]))
    doc = lxml.html.fromstring(page.content)
    (note,) = doc.xpath("//*[@data-testid='not-sent']")
    assert note.text_content().strip().startswith("1 đơn vị chưa gửi báo cáo")
    (button,) = doc.xpath("//button[@data-testid='issue']")
    assert button.get("disabled") is None  # a report not sent does not stop issuing


def test_an_issued_year_shows_what_was_issued_instead_of_a_dead_form(
    all_approved, reviewer
) -> None:
    report_issue(draft=all_approved.draft, user=reviewer)
    page = client_for(reviewer).get(reverse("reports:annual_report", args=[2025]))
    doc = lxml.html.fromstring(page.content)
    assert not doc.xpath("//form[@id='report-form']")
    assert not doc.xpath("//form[@id='issue-form']")
    readonly = doc.xpath("//*[@data-testid='issued-readonly']")[0].text_content()
    assert "Báo cáo số 125/BC-SVHTTDL ngày 28/11/2025" in readonly
    assert "mở lại kỳ báo cáo" in readonly


def test_figures_changed_while_the_files_were_built_are_built_again(
    all_approved, reviewer, monkeypatch
) -> None:
    """The files are built before anything is written, without holding the
    writers' lock; a change in the meantime makes them stale: built again."""
    from reports.annual import build

    real = build.build_files
    calls = []

    def build_while_someone_writes(**kwargs):
        files = real(**kwargs)
        calls.append(files)
        if len(calls) == 1:  # a change lands during the first build
            Figures.objects.filter(pk=Figures.objects.first().pk).update(note="sửa trong lúc dựng")
        return files

    monkeypatch.setattr(build, "build_files", build_while_someone_writes)
    issued = report_issue(draft=all_approved.draft, user=reviewer)
    assert len(calls) == 2
    assert issued.pdf_sha256 == hashlib.sha256(calls[1].pdf).hexdigest()


def test_data_that_keeps_changing_refuses_the_issue_and_writes_nothing(
    all_approved, reviewer, monkeypatch
) -> None:
    from reports.annual import build

    real = build.build_files

    def build_while_someone_writes(**kwargs):
        files = real(**kwargs)
        Figures.objects.filter(pk=Figures.objects.first().pk).update(note=str(dt.datetime.now()))
        return files

    monkeypatch.setattr(build, "build_files", build_while_someone_writes)
    with pytest.raises(ValidationError) as exc:
        report_issue(draft=all_approved.draft, user=reviewer)
    assert "Số liệu thay đổi liên tục trong lúc dựng báo cáo" in exc.value.messages[0]
    all_approved.period.refresh_from_db()
    assert all_approved.period.state == PeriodState.OPEN
    assert not IssuedReport.objects.exists()
