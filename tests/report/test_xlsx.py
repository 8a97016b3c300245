"""The annual report's workbook, read back with openpyxl."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from indicators.models import Figures
from reports import selectors
from reports.annual.build import report_file
from reports.attainment import GrowthRow
from tests.factories import InstitutionFactory, category
from tests.report.conftest import INJECTION_TITLE

pytestmark = pytest.mark.django_db

SHEETS = [
    "Tổng hợp",
    "Mục tiêu",
    "Phụ lục theo đơn vị",
    "Thiết chế chưa đạt",
    "Số liệu thiết chế",
    "Hoạt động",
    "Kết quả hoạt động",
    "Kinh phí",
    "Nội dung báo cáo",
]


def _book(draft):
    return load_workbook(io.BytesIO(report_file(draft=draft, fmt="xlsx")))


def _records(ws) -> list[dict[str, object]]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_it_has_one_sheet_per_part_with_frozen_vietnamese_headers(report_year) -> None:
    wb = _book(report_year.draft)
    assert wb.sheetnames == SHEETS
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws["A1"].font.b
        for cell in ws[1]:
            width = ws.column_dimensions[cell.column_letter].width
            assert width >= min(len(cell.value) + 2, 60), (ws.title, cell.value)


def test_target_sheet_has_the_engines_figures_as_numbers(report_year) -> None:
    records = _records(_book(report_year.draft)["Mục tiêu"])
    rows = selectors.attainment_rows(year=2025)
    assert [r["Mã mục tiêu"] for r in records] == [row.target_code for row in rows]
    for record, row in zip(records, rows, strict=True):
        if isinstance(row, GrowthRow):
            assert record["Số thiết chế so sánh"] == row.matched_institutions
            expected = None if row.average_growth is None else float(row.average_growth)
            assert record["Kết quả (%)"] == expected
        else:
            assert record["Số đạt"] == row.numerator
            assert record["Tổng số thiết chế"] == row.denominator
            assert record["Chưa báo cáo"] == row.not_reported
            value = record["Kết quả (%)"]
            assert value == (None if row.value is None else pytest.approx(float(row.value)))
            assert isinstance(record["Số đạt"], int)
        assert record["Mục tiêu 2025 (%)"] == float(row.target_2025)
    by_code = {r["Mã mục tiêu"]: r for r in records}
    assert by_code["LIB_LLL_SERVICE:LIB_COMM"]["Kết quả (%)"] == 75
    assert by_code["LIB_DIGITAL:LIB_COMM"]["Kết quả (%)"] == 25


def test_numbers_carry_number_formats(report_year) -> None:
    ws = _book(report_year.draft)["Mục tiêu"]
    header = [c.value for c in ws[1]]
    value_col = header.index("Kết quả (%)") + 1
    count_col = header.index("Số đạt") + 1
    commune = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "LIB_LLL_SERVICE:LIB_COMM")
    assert commune[value_col - 1].data_type == "n"
    assert commune[value_col - 1].number_format == "#,##0.0"
    assert commune[count_col - 1].number_format == "#,##0"


def test_annex_sheet_matches_the_engine_by_unit_and_adds_up(report_year, province) -> None:
    records = [r for r in _records(_book(report_year.draft)["Phụ lục theo đơn vị"])]
    assert {r["Năm"] for r in records} == {"2025"}
    by_unit = selectors.attainment_by_unit(
        year=2025, units=[province.district_a, province.district_b]
    )
    province_rows = {r.target_code: r for r in selectors.attainment_rows(year=2025)}
    units = [r for r in records if r["Mã đơn vị"]]
    assert {r["Mã đơn vị"] for r in units} == {"622", "623"}
    for record in units:
        row = next(
            r for r in by_unit[record["Mã đơn vị"]] if r.target_code == record["Mã mục tiêu"]
        )
        if not isinstance(row, GrowthRow):
            assert record["Số đạt"] == row.numerator
            assert record["Tổng số thiết chế"] == row.denominator
    # The province's line, then the units and the line above them, which add up to it.
    for code, row in province_rows.items():
        lines = [r for r in records if r["Mã mục tiêu"] == code]
        total = next(r for r in lines if r["Đơn vị hành chính"] == "Toàn tỉnh")
        above = next(r for r in lines if r["Đơn vị hành chính"].startswith("Cấp tỉnh"))
        parts = [r for r in lines if r["Mã đơn vị"]] + [above]
        assert total["Tổng số thiết chế"] == sum(r["Tổng số thiết chế"] for r in parts), code
        assert total["Số đạt"] == sum(r["Số đạt"] for r in parts), code
        if not isinstance(row, GrowthRow):
            assert total["Số đạt"] == row.numerator
    pleiku = {r["Mã mục tiêu"]: r for r in records if r["Mã đơn vị"] == "622"}
    assert pleiku["LIB_LLL_SERVICE:LIB_COMM"]["Kết quả (%)"] == 100


def test_formula_like_text_is_stored_as_text(report_year) -> None:
    ws = _book(report_year.draft)["Hoạt động"]
    titles = {c.value: c for c in ws["B"][1:]}
    for title in (
        INJECTION_TITLE,
        "-abc tập huấn số hóa",
        "+84 chương trình liên kết",
        "@thư viện số",
    ):
        cell = titles[title]
        assert cell.data_type == "s", title
        assert cell.quotePrefix, title


def test_deleted_activities_and_drafts_do_not_count(report_year) -> None:
    wb = _book(report_year.draft)
    titles = [c.value for c in wb["Hoạt động"]["B"][1:]]
    assert "Hoạt động đã xóa" not in titles
    funding = _records(wb["Kinh phí"])
    total = funding[-1]
    assert total["Nhóm nhiệm vụ"] == "Tổng cộng"
    assert total["Số hoạt động"] == 5
    assert total["Cộng (đồng)"] == 187_500_000
    assert total["Lượt người tham gia"] == 1500 + 120 + 45 + 300 + 80


def test_institution_sheet_lists_every_open_institution(report_year) -> None:
    records = _records(_book(report_year.draft)["Số liệu thiết chế"])
    by_code = {r["Mã thiết chế"]: r for r in records}
    assert len(records) == 6
    assert by_code["TV-HUYEN-623"]["Trạng thái báo cáo"] == "Chưa báo cáo"
    assert by_code["TV-XA-01"]["Lượt người sử dụng thư viện"] == 1200
    assert by_code["TV-XA-04"]["Có cung cấp dịch vụ phục vụ học tập suốt đời"] == "Không"


def test_the_unmet_list_and_the_narrative_have_their_sheets(report_year) -> None:
    wb = _book(report_year.draft)
    behind = _records(wb["Thiết chế chưa đạt"])
    digital = [r for r in behind if r["Mã mục tiêu"] == "LIB_DIGITAL:LIB_COMM"]
    # 1 of 4 commune libraries is digital: the other three are listed.
    assert sorted(r["Mã thiết chế"] for r in digital) == ["TV-XA-02", "TV-XA-03", "TV-XA-04"]
    narrative = {r["Mục"]: r["Nội dung"] for r in _records(wb["Nội dung báo cáo"])}
    assert narrative["VI. Đề xuất, kiến nghị"] == report_year.draft.proposals
    assert narrative["Số, ký hiệu"] == "125/BC-SVHTTDL"


def test_the_year_is_text_not_a_thousands_number(report_year) -> None:
    ws = _book(report_year.draft)["Tổng hợp"]
    year = next(row for row in ws.iter_rows() if row[0].value == "Năm báo cáo")[1]
    assert year.value == "2025" and year.data_type == "s"


def test_long_sheets_are_streamed_without_mixing_up_their_rows(
    report_year, province, monkeypatch
) -> None:
    """The institution sheet reads institutions and figures as two streams side
    by side, and every sheet's rows wait on disk past a batch: with streams and
    batches of two rows, each institution still gets its own figures, in order."""
    from reports.annual import context, xlsx

    monkeypatch.setattr(context, "STREAM_CHUNK", 2)
    monkeypatch.setattr(xlsx._Spool, "BATCH", 2)
    # Closed in 2024 yet holding 2025 figures: not in the sheet, and not taken
    # for the figures of the institution after it.
    closed = InstitutionFactory(
        code="TV-XA-00", category=category("LIB_COMM"), admin_unit=province.commune_a,
        reporting_unit=province.unit_a, opened_year=2010, closed_year=2024,
    )  # fmt: skip
    Figures.objects.create(
        institution=closed, year=2025, submission=report_year.approved, user_visits=777
    )
    wb = _book(report_year.draft)
    records = _records(wb["Số liệu thiết chế"])
    figures = {
        f.institution.code: f.user_visits
        for f in Figures.objects.filter(year=2025).select_related("institution")
    }
    assert [r["Mã thiết chế"] for r in records] == [
        "TV-XA-01",
        "TV-XA-02",
        "TV-XA-03",
        "TV-XA-04",
        "TV-HUYEN-622",
        "TV-HUYEN-623",
    ]  # fmt: skip  (by unit code: 23557, 23620, 622, 623)
    for r in records:
        assert r["Lượt người sử dụng thư viện"] == figures.get(r["Mã thiết chế"]), r
    titles = [r["Tên hoạt động"] for r in _records(wb["Hoạt động"])]
    assert titles[0] == "Ngày Sách và Văn hóa đọc Việt Nam" and len(titles) == 5
