"""The plan's growth targets as written: "tăng bình quân 10% mỗi năm" (10%/năm) by 2025 and "tăng 10% - 15%
mỗi năm" by 2030 (Milestone 2030: value 10, value_max 15), in every place the
annual report prints them, whichever milestone applies to the report's year."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.annual.build import report_file
from reports.annual.context import build_report_context

pytestmark = pytest.mark.django_db

GROWTH = ("LIB_VISITS_GROWTH", "MUS_STUDY_VISITS_GROWTH")


def test_the_2025_report_gives_the_2030_column_the_plans_band(report_year) -> None:
    lines = build_report_context(draft=report_year.draft).lines
    growth = [line for line in lines if line.row.indicator in GROWTH]
    assert growth, "plan 3632 has growth targets"
    for line in growth:
        # 2025 is the first phase, whose milestone has no upper end…
        assert line.row.target_max is None
        assert line.target_2025 == "10%/năm"
        # …yet the 2030 column is the plan's 2030 target as written.
        assert line.target_2030 == "10–15%/năm"


def test_the_pdf_prints_the_2025_floor_and_the_2030_band(report_year) -> None:
    from reports.annual.build import report_preview_html

    # The document the PDF renders: each growth line's two target cells.
    html = report_preview_html(draft=report_year.draft)
    for code in GROWTH:
        row = html[html.index(f'data-target="{code}') :]
        cells = row[: row.index("</tr>")]
        assert '<td class="c">10%/năm</td>\n      <td class="c">10–15%/năm</td>' in cells
    pdf = report_file(draft=report_year.draft, fmt="pdf")
    pages = [p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages]
    body = "".join("".join(p for p in pages if "PHỤ LỤC" not in p).split())
    assert body.count("10–15%/") == len(GROWTH)


def test_the_workbook_keeps_the_2030_band_as_two_numbers(report_year) -> None:
    wb = load_workbook(io.BytesIO(report_file(draft=report_year.draft, fmt="xlsx")))
    rows = list(wb["Mục tiêu"].iter_rows())
    header = [c.value for c in rows[0]]
    col = {name: header.index(name) for name in header}
    for row in rows[1:]:
        code = row[col["Mã mục tiêu"]].value
        low = row[col["Mục tiêu 2030 (%)"]]
        high = row[col["Mục tiêu 2030, mức trên (%)"]]
        year_high = row[col["Mục tiêu năm, mức trên (%)"]]
        assert low.data_type == "n" and low.number_format == "#,##0.0"
        if code.split(":")[0] in GROWTH:
            assert (low.value, high.value) == (10, 15), code
            assert high.data_type == "n" and high.number_format == "#,##0.0"
            assert row[col["Mục tiêu 2025 (%)"]].value == 10
            # The 2025 milestone is a floor: no upper end for the report's year.
            assert year_high.value is None
        else:
            assert high.value is None and year_high.value is None, code
