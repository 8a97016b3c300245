"""The annual report's PDF, read back: text, figures, diacritics, fonts, marks."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from reports import selectors
from reports.annual.build import report_file
from reports.annual.formatting import vn_number
from reports.attainment import GrowthRow

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output"


def _pdf(draft) -> bytes:
    return report_file(draft=draft, fmt="pdf")


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def _flat(text: str) -> str:
    # Table cells wrap; compare with all whitespace collapsed.
    return " ".join(text.split())


def test_it_holds_the_national_title_and_intact_diacritics(report_year) -> None:
    text = _flat("\n".join(_pages(_pdf(report_year.draft))))
    for phrase in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH",
        "Số: 125/BC-SVHTTDL",
        "Gia Lai, ngày 28 tháng 11 năm 2025",
        "BÁO CÁO",
        "Kết quả thực hiện Kế hoạch số 3632/KH-UBND",
        "Thư viện công cộng cấp xã",
        "Nơi nhận:",
        "Bộ Văn hóa, Thể thao và Du lịch (báo cáo);",
        "KT. GIÁM ĐỐC",
        "Nguyễn Thị Hạnh",
        "Một số thư viện cấp xã chưa có cán bộ chuyên trách.",
        "PHỤ LỤC I",
        "PHỤ LỤC II",
    ):
        assert phrase in text, phrase


def test_every_target_row_carries_the_engines_figure(report_year) -> None:
    pages = _pages(_pdf(report_year.draft))
    # Section II is in the body, before the annexes.
    body = _flat("\n".join(p for p in pages if "PHỤ LỤC" not in p))
    rows = selectors.attainment_rows(year=2025)
    assert len(rows) == 17
    for row in rows:
        assert row.label in body, row.label
        if isinstance(row, GrowthRow):
            expected = "–" if row.average_growth is None else vn_number(row.average_growth, 1)
        else:
            expected = f"{vn_number(row.numerator)}/{vn_number(row.denominator)}"
            if row.value is not None:
                assert f"{vn_number(row.value, 1)}%" in body, row.target_code
        assert expected in body, row.target_code
    # The known answers of tests/report/conftest.py, in the printed form.
    assert "3/4 75,0%" in body
    assert "1/4 25,0%" in body
    assert "1/2 50,0%" in body


def test_it_embeds_liberation_serif(report_year) -> None:
    reader = PdfReader(io.BytesIO(_pdf(report_year.draft)))
    embedded = set()
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    embedded.add(str(descriptor["/FontName"]).replace("-", ""))
    assert embedded, "no embedded font"
    assert all("LiberationSerif" in name for name in embedded), embedded
    assert any(name.endswith("LiberationSerifBold") for name in embedded)


def test_it_says_provisional_on_page_one_while_figures_await_approval(report_year) -> None:
    pages = _pages(_pdf(report_year.draft))
    assert "SỐ LIỆU TẠM THỜI" in pages[0]


def test_it_drops_the_provisional_mark_once_everything_is_approved(all_approved) -> None:
    text = "\n".join(_pages(_pdf(all_approved.draft)))
    assert "SỐ LIỆU TẠM THỜI" not in text


def test_the_body_and_each_annex_number_their_own_pages_from_the_second(report_year) -> None:
    """Decree 30: page numbers from the second page; each annex numbered on its
    own, starting again at 1."""
    pages = _pages(_pdf(report_year.draft))
    parts: list[list[str]] = [[]]
    for text in pages:
        if text.lstrip().startswith("PHỤ LỤC"):
            parts.append([])
        parts[-1].append(text)
    assert len(parts) == 3, "the body, Annex I and Annex II"
    assert "PHỤ LỤC II" in parts[2][0]
    for part in parts:
        assert not part[0].lstrip().split("\n", 1)[0].strip().isdigit(), "first page unnumbered"
        for number, text in enumerate(part[1:], 2):
            assert str(number) in [line.strip() for line in text.splitlines()], number


def test_annex_two_says_which_report_it_goes_with(report_year) -> None:
    pages = _pages(_pdf(report_year.draft))
    annex_two = _flat(next(p for p in pages if "PHỤ LỤC II" in p))
    assert "(Kèm theo Báo cáo số 125/BC-SVHTTDL ngày 28/11/2025" in annex_two


def test_it_renders_without_any_figures(province, plan, reviewer) -> None:
    from reports.services import report_draft_for_year
    from tests.factories import ReportingPeriodFactory

    ReportingPeriodFactory(year=2024)
    text = "\n".join(_pages(_pdf(report_draft_for_year(year=2024))))
    # No institution at all: no target applies, and the report says so.
    assert "Không áp dụng" in text
    assert "SỐ LIỆU TẠM THỜI" not in text


def test_it_leaves_page_one_as_a_picture_for_a_person(report_year) -> None:
    pdf = _pdf(report_year.draft)
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "report.pdf").write_bytes(pdf)
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
         str(OUTPUT / "report.pdf"), str(OUTPUT / "report-page1")],
        check=True,
    )  # fmt: skip
    assert (OUTPUT / "report-page1.png").stat().st_size > 1000
