"""Annex II of the printed report: the institutions behind each unmet share
target, listed while the list is of a readable size, counted by unit past it.

The province of conftest.py has six lines in that list (four institutions):
LIB_LLL_SERVICE:LIB_COMM — TV-XA-04 (Phường An Bình) misses the criterion;
LIB_LLL_SERVICE:LIB_DIST and LIB_DIGITAL:LIB_DIST — TV-HUYEN-623 (Thị xã An
Khê) has no figures; LIB_DIGITAL:LIB_COMM — TV-XA-02 (Phường Yên Đỗ), TV-XA-03
and TV-XA-04 (Phường An Bình) miss it."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from pypdf import PdfReader

from institutions.models import Institution, Level
from reports import selectors
from reports.annual.build import report_file
from reports.annual.context import build_report_context
from tests.report.conftest import YEAR

pytestmark = pytest.mark.django_db

LIST_LINES = 6
SENTENCE = (
    "Danh sách thiết chế chưa đạt có 6 dòng (mỗi dòng là một thiết chế chưa đạt một mục "
    "tiêu), vượt giới hạn 5 dòng của bản in, nên phụ lục này chỉ ghi số thiết chế chưa đạt "
    "theo từng mục tiêu và từng đơn vị hành chính của Phụ lục I."
)
WORKBOOK = "Danh sách đầy đủ 6 dòng có tại trang tính «Thiết chế chưa đạt» của tệp Excel"


def _annex_two(draft) -> str:
    pages = [
        p.extract_text() or ""
        for p in PdfReader(io.BytesIO(report_file(draft=draft, fmt="pdf"))).pages
    ]
    first = next(i for i, text in enumerate(pages) if text.lstrip().startswith("PHỤ LỤC II"))
    return " ".join(" ".join(pages[first:]).split())


def test_up_to_the_bound_the_annex_lists_every_institution(report_year, settings) -> None:
    settings.REPORT_ANNEX_LIST_MAX_ROWS = LIST_LINES
    text = _annex_two(report_year.draft)
    for line in (
        "1 TV-XA-02 Thư viện công cộng cấp xã TV-XA-02 Phường Yên Đỗ Chưa đạt tiêu chí",
        "3 TV-XA-04 Thư viện công cộng cấp xã TV-XA-04 Phường An Bình Chưa đạt tiêu chí",
        "1 TV-HUYEN-623 Thư viện thị xã An Khê Thị xã An Khê Chưa báo cáo",
    ):
        assert line in text, line
    assert "Thiết chế chưa đạt»" not in text


def test_past_the_bound_it_counts_by_target_and_unit_and_points_to_the_workbook(
    report_year, settings
) -> None:
    settings.REPORT_ANNEX_LIST_MAX_ROWS = LIST_LINES - 1
    text = _annex_two(report_year.draft)
    assert SENTENCE in text
    assert WORKBOOK in text
    assert "TV-XA-02" not in text and "TV-HUYEN-623" not in text

    # Each target's counts are the list it would have printed, counted by the
    # lines of Annex I (here the two districts: an institution stands in its
    # district or in a commune of it), and the province's line is the whole list.
    behind = selectors.share_institutions_behind(year=YEAR)
    groups = build_report_context(draft=report_year.draft).behind
    headings = [f"{g.line.number} {g.line.indicator_name} — {g.line.row.label}" for g in groups]
    starts = [text.index(h) for h in headings] + [len(text)]
    listed = 0
    for group, start, end in zip(groups, starts, starts[1:], strict=False):
        part = text[start:end]
        lists = behind[group.line.row.target_code]

        def district(i: Institution) -> str:
            unit = i.admin_unit
            return unit.name if unit.level == Level.DISTRICT else unit.parent.name

        missing = Counter(district(i) for i in lists["not_meeting"])
        silent = Counter(district(i) for i in lists["not_reported"])
        for unit in missing | silent:
            row = f"{unit} {missing[unit]} {silent[unit]} {missing[unit] + silent[unit]}"
            assert row in part, (group.line.row.target_code, row)
        total = missing.total() + silent.total()
        assert f"Toàn tỉnh {missing.total()} {silent.total()} {total}" in part
        listed += total
        if group.line.row.target_code == "LIB_DIGITAL:LIB_COMM":
            # The known answer: one commune library of Pleiku, two of An Khê
            # miss the criterion.
            assert "1 Thành phố Pleiku 1 0 1 2 Thị xã An Khê 2 0 2" in part
            assert "Toàn tỉnh 3 0 3" in part
    assert listed == LIST_LINES
    assert text.count("Toàn tỉnh") == len(groups), "one table per target with a list"


def test_past_the_bound_the_pdf_never_reads_the_list(report_year, settings, monkeypatch) -> None:
    """At 140,000 institutions the engine's list costs seconds and hundreds of MB:
    the counts come from Annex I's rows, the list's length from the province's."""
    settings.REPORT_ANNEX_LIST_MAX_ROWS = LIST_LINES - 1

    def refuse(**kwargs: object) -> None:
        raise AssertionError("the list was read")

    monkeypatch.setattr(selectors, "share_institutions_behind", refuse)
    assert SENTENCE in _annex_two(report_year.draft)
