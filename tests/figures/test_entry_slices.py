"""A unit of 500 institutions on the entry page: one slice at a time (a category,
a page of 50, a search), the whole submission's state, progress and submit on
every slice, a save that lands back where it was and changes only what it
carries, and bad addresses that fall back with a message, never a 500."""

from __future__ import annotations

import io

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.formats import number_format
from openpyxl import load_workbook

from indicators import services
from indicators.entry_slice import PROBLEMS_SHOWN, SliceParams, entry_slice, fold
from indicators.excel import DATA_SHEET
from indicators.fields import FieldType, fields_for
from indicators.models import Figures, Submission, SubmissionState
from indicators.selectors import DirectoryEntry
from indicators.services import RowProblem
from institutions.models import Category, Institution
from tests.conftest import client_for
from tests.factories import category
from tests.figures.conftest import complete_rows

pytestmark = pytest.mark.django_db

LIBRARIES = 300  # "Thư viện xã 0001" … "0300", LIB_COMM
HOUSES = 197  # "Nhà văn hóa thôn 001" … "197", CC_VILL; with the year's three: 500


def grow(province) -> None:
    """Unit A grown to 500 institutions; unit B holds a library named like one of A's."""
    Institution.objects.bulk_create(
        [
            Institution(
                code=f"TV-XA-{n:04d}",
                name=f"Thư viện xã {n:04d}",
                category=category("LIB_COMM"),
                admin_unit=province.commune_a,
                reporting_unit=province.unit_a,
                opened_year=2010,
            )
            for n in range(1, LIBRARIES + 1)
        ]
        + [
            Institution(
                code=f"NVH-{n:03d}",
                name=f"Nhà văn hóa thôn {n:03d}",
                category=category("CC_VILL"),
                admin_unit=province.commune_a,
                reporting_unit=province.unit_a,
                opened_year=2010,
            )
            for n in range(1, HOUSES + 1)
        ]
        + [
            Institution(
                code="AK-TV-0007",
                name="Thư viện xã 0007",
                category=category("LIB_COMM"),
                admin_unit=province.commune_b,
                reporting_unit=province.unit_b,
                opened_year=2010,
            )
        ]
    )


@pytest.fixture
def large(year, province):
    grow(province)
    return year


def page_url(y, query: str = "") -> str:
    return reverse("indicators:submission", args=[y.submission_a.pk]) + query


def _tree(response):
    return lxml.html.fromstring(response.content.decode())


def shown(response) -> list[str]:
    """Codes of the institutions whose inputs the page draws, in order."""
    return _tree(response).xpath("//details[contains(@class,'figures-block')]/@data-institution")


def notices(response) -> list[str]:
    return [n.text_content() for n in _tree(response).xpath("//*[@data-testid='slice-notice']")]


def form_data(response) -> tuple[str, dict[str, str]]:
    """What a browser posts from the page's entry form: its action and every
    named input and select with its current value."""
    (form,) = _tree(response).xpath("//form[@data-entry]")
    data = {}
    for el in form.xpath(".//input[@name] | .//select[@name]"):
        if el.tag == "select":
            selected = el.xpath("option[@selected]/@value")
            data[el.get("name")] = selected[0] if selected else ""
        else:
            data[el.get("name")] = el.get("value") or ""
    return form.get("action"), data


def libraries(numbers) -> list[str]:
    return [f"TV-XA-{n:04d}" for n in numbers]


# ------------------------------------------------------------------ slices
def test_a_unit_of_500_shows_its_first_50_and_stays_under_300_kb(large, officer_a):
    client = client_for(officer_a)
    response = client.get(page_url(large))
    assert response.status_code == 200
    # Category order, then name: the district library, then the first 49 commune ones.
    assert shown(response) == ["TV-PLK", *libraries(range(1, 50))]
    tree = _tree(response)
    assert "0/500 thiết chế đã nhập đủ" in _one_text(tree, "progress")
    assert _one_text(tree, "slice-range") == "Đang hiện thiết chế 1–50 trong 500"
    pages = tree.xpath("//*[@data-testid='pager-bottom']//a/text()")
    assert pages == ["2", "3", "10"]  # 1 2 3 … 10

    # The heaviest page: every field answered this year and last, with a note,
    # and the change log full (its 300 latest lines are on the page).
    last_year = Submission.objects.get(period__year=2024)
    institutions = list(
        Institution.objects.filter(reporting_unit=large.submission_a.reporting_unit)
        .open_in(2025)
        .select_related("category")
    )
    Figures.objects.filter(year=2024).delete()
    Figures.objects.bulk_create(
        Figures(institution=inst, year=2024, submission=last_year, **answers(inst, 1000))
        for inst in institutions
    )
    services.figures_save(
        submission=large.submission_a,
        user=officer_a,
        rows={
            inst.pk: {**answers(inst, 1200), "note": "Ghi chú về hoạt động của thiết chế"}
            for inst in institutions
        },
    )
    response = client.get(page_url(large))
    assert "500/500 thiết chế đã nhập đủ" in _one_text(_tree(response), "progress")
    assert "Năm trước: 1.000" in response.content.decode()
    assert len(response.content) < 300_000


def answers(inst: Institution, count: int) -> dict[str, object]:
    """Every yes/no answered yes and every count `count` (study visitors half of it)."""
    values: dict[str, object] = {}
    for spec in fields_for(inst.category.code):
        if spec.type == FieldType.YES_NO:
            values[spec.code] = True
        elif spec.type == FieldType.COUNT:
            values[spec.code] = count // 2 if spec.code == "study_visitors" else count
    return values


def _one_text(tree, testid: str) -> str:
    (node,) = tree.xpath(f"//*[@data-testid='{testid}']")
    return " ".join(node.text_content().split())


def test_the_tabs_name_each_category_with_its_count_and_whats_missing(large, officer_a):
    services.figures_save(submission=large.submission_a, user=officer_a, rows=complete_rows(large))
    tree = _tree(client_for(officer_a).get(page_url(large)))
    tabs = {
        a.get("data-category"): " ".join(a.text_content().split())
        for a in tree.xpath("//*[@data-testid='category-tabs']//a")
    }
    assert tabs == {
        "": "Tất cả 500 · 497 chưa đủ",
        "LIB_DIST": "Thư viện công cộng cấp huyện 1",
        "LIB_COMM": "Thư viện công cộng cấp xã 300 · 300 chưa đủ",
        "MUS": "Bảo tàng 1",
        "CC_COMM": "Trung tâm văn hóa, thể thao cấp xã 1",
        "CC_VILL": "Nhà văn hóa - khu thể thao thôn, làng 197 · 197 chưa đủ",
    }
    assert "còn 497 thiết chế thiếu câu trả lời bắt buộc" in _one_text(tree, "progress")


def test_a_category_page_shows_exactly_its_institutions(large, officer_a):
    client = client_for(officer_a)
    response = client.get(page_url(large, "?category=LIB_COMM&page=2"))
    assert shown(response) == libraries(range(51, 101))
    last = client.get(page_url(large, "?category=LIB_COMM&page=6"))
    assert shown(last) == libraries(range(251, 301))
    houses = client.get(page_url(large, "?category=CC_VILL&page=4"))
    assert shown(houses) == [f"NVH-{n:03d}" for n in range(151, 198)]
    assert "AK-TV-0007" not in response.content.decode()  # another unit's library


@pytest.mark.parametrize(
    "typed",
    ["thu vien xa 0007", "THƯ VIỆN XÃ 0007", "Thư viện xã 0007", "tv-xa-0007", "  xã   0007 "],
)
def test_the_search_finds_an_institution_by_code_or_name_whatever_the_case_or_accents(
    large, officer_a, typed
):
    response = client_for(officer_a).get(page_url(large), {"q": typed})
    assert shown(response) == ["TV-XA-0007"]  # not unit B's "Thư viện xã 0007"


def test_a_search_spans_categories_and_pages(large, officer_a):
    client = client_for(officer_a)
    assert shown(client.get(page_url(large), {"q": "pleiku"})) == ["TV-PLK", "BT-PLK"]
    houses = client.get(page_url(large), {"q": "thon", "page": "4"})
    assert shown(houses) == [f"NVH-{n:03d}" for n in range(151, 198)]
    assert _one_text(_tree(houses), "slice-range") == "Đang hiện thiết chế 151–197 trong 197"


def test_only_the_institutions_still_missing_answers(large, officer_a):
    rows = {
        inst.pk: {
            "lll_services": "yes",
            "digital_transformation": "no",
            "user_visits": "10",
            "participants": "5",
        }
        for inst in Institution.objects.filter(code__in=libraries(range(1, 11)))
    }
    services.figures_save(submission=large.submission_a, user=officer_a, rows=rows)
    response = client_for(officer_a).get(page_url(large, "?category=LIB_COMM&missing=1"))
    assert shown(response) == libraries(range(11, 61))


def test_an_institutions_anchor_is_its_id_unformatted(year, province, officer_a):
    # Ids past 999 are not grouped like numbers ("inst-12.345"): the jump list
    # and the links of a refused submit name the block by its id.
    Institution.objects.create(
        pk=12345,
        code="TV-XA-12345",
        name="Thư viện xã mười hai nghìn",
        category=category("LIB_COMM"),
        admin_unit=province.commune_a,
        reporting_unit=province.unit_a,
        opened_year=2010,
    )
    tree = _tree(client_for(officer_a).get(page_url(year)))
    assert tree.xpath("//details[@id='inst-12345']")
    assert tree.xpath("//a[@data-jump-to][@href='#inst-12345']")


def test_fold_reads_vietnamese_without_case_or_marks():
    assert fold("  Nhà VĂN hóa   Đắk Đoa ") == "nha van hoa dak doa"
    assert fold("TRƯỜNG THPT Lê Lợi") == fold("truong thpt le loi")


# ------------------------------------------------------------------ saving
def test_a_save_on_page_2_keeps_page_1_and_lands_back_on_page_2(large, officer_a):
    client = client_for(officer_a)
    first = client.get(page_url(large, "?category=LIB_COMM"))
    action, data = form_data(first)
    library_1 = Institution.objects.get(code="TV-XA-0001")
    data[f"i{library_1.pk}__user_visits"] = "111"
    response = client.post(page_url(large, action), {**data, "save": "1"})
    assert response.status_code == 302

    second = client.get(page_url(large, "?category=LIB_COMM&page=2"))
    action, data = form_data(second)
    assert action == "?category=LIB_COMM&page=2"
    assert f"i{library_1.pk}__user_visits" not in data  # page 1's inputs are not posted
    library_51 = Institution.objects.get(code="TV-XA-0051")
    data[f"i{library_51.pk}__user_visits"] = "5151"
    response = client.post(page_url(large, action), {**data, "save": "1"}, follow=True)

    assert response.redirect_chain == [(page_url(large, "?category=LIB_COMM&page=2"), 302)]
    assert "Đã lưu nháp." in response.content.decode()
    assert shown(response)[0] == "TV-XA-0051"
    saved = dict(
        Figures.objects.filter(year=2025, user_visits__isnull=False).values_list(
            "institution__code", "user_visits"
        )
    )
    assert saved == {"TV-XA-0001": 111, "TV-XA-0051": 5151}


def test_a_save_from_a_search_lands_back_on_the_search(large, officer_a):
    client = client_for(officer_a)
    found = client.get(page_url(large), {"q": "xa 0007"})
    action, data = form_data(found)
    library = Institution.objects.get(code="TV-XA-0007")
    data[f"i{library.pk}__participants"] = "70"
    response = client.post(page_url(large, action), {**data, "save": "1"})
    assert response["Location"] == page_url(large, "?q=xa+0007")
    assert Figures.objects.get(institution=library).participants == 70


def test_a_refused_value_on_a_page_keeps_that_page_with_its_error(large, officer_a):
    client = client_for(officer_a)
    action, data = form_data(client.get(page_url(large, "?category=CC_VILL&page=2")))
    house = Institution.objects.get(code="NVH-060")
    data[f"i{house.pk}__clubs_count"] = "-3"
    response = client.post(page_url(large, action), {**data, "save": "1"})
    assert response.status_code == 400
    assert shown(response) == [f"NVH-{n:03d}" for n in range(51, 101)]
    assert not Figures.objects.filter(year=2025).exists()
    (field,) = _tree(response).xpath(f"//*[@name='i{house.pk}__clubs_count']")
    assert "is-invalid" in field.classes and field.get("value") == "-3"


def test_submitting_from_a_page_checks_every_institution_of_the_unit(large, officer_a):
    client = client_for(officer_a)
    rows = complete_rows(large)
    action, data = form_data(client.get(page_url(large, "?category=MUS")))
    data.update({f"i{large.museum.pk}__{k}": v for k, v in rows[large.museum.pk].items()})
    response = client.post(page_url(large, action), {**data, "submit": "1"})

    assert response.status_code == 400
    large.submission_a.refresh_from_db()
    assert large.submission_a.state == SubmissionState.DRAFT
    assert (
        Figures.objects.get(institution=large.museum, year=2025).participants == 60
    )  # saved as draft
    tree = _tree(response)
    listed = tree.xpath("//*[@data-testid='submit-problems']//li")
    assert len(listed) == PROBLEMS_SHOWN
    problems = response.context["submit_problems"]
    more = _one_text(tree, "more-problems")
    rest = number_format(len(problems) - PROBLEMS_SHOWN, force_grouping=True)
    assert more.startswith(f"… và {rest} mục khác")
    # Each listed problem links to the page that shows its input.
    library = Institution.objects.get(code="TV-XA-0060")
    hrefs = set(tree.xpath("//*[@data-testid='submit-problems']//a/@href"))
    assert f"#id_i{large.library.pk}__lll_services" not in hrefs  # on another slice:
    assert f"?category=LIB_DIST#id_i{large.library.pk}__lll_services" in hrefs
    assert all(f"i{library.pk}__" not in h for h in hrefs)  # past the first 30
    assert shown(response) == ["BT-PLK"]


def test_a_problem_of_page_2_links_to_page_2():
    lib = Category(pk=1, code="LIB_COMM", name="Thư viện xã", name_en="", sort_order=30)
    directory = [DirectoryEntry(n, f"TV-{n}", f"Thư viện {n}", lib, False) for n in range(1, 121)]
    shown_slice = entry_slice(directory, SliceParams())
    problem = RowProblem(75, "TV-75", "participants", "", "Chưa nhập.")
    on_page = RowProblem(3, "TV-3", "participants", "", "Chưa nhập.")
    links = shown_slice.problem_links([problem, on_page])
    assert [link.href for link in links] == [
        "?category=LIB_COMM&page=2#id_i75__participants",
        "#id_i3__participants",
    ]


# ------------------------------------------------------------------ the whole submission
def test_every_slice_shows_the_whole_submission(large, officer_a):
    client = client_for(officer_a)
    for query in ("", "?category=CC_VILL&page=3", "?q=khong-co-dau", "?page=7"):
        tree = _tree(client.get(page_url(large, query)))
        assert "Đang nhập" in _one_text(tree, "state"), query
        assert "Hạn nộp: 05/12/2025" in tree.text_content(), query
        assert "0/500 thiết chế đã nhập đủ" in _one_text(tree, "progress"), query
        assert tree.xpath("//button[@name='submit']"), query
        assert tree.xpath("//*[@data-testid='uploads']"), query
        assert tree.xpath("//*[@id='activities-heading']"), query
        assert tree.xpath("//*[@data-testid='state-history']"), query


def test_a_small_unit_shows_whole_without_tabs_search_or_pages(year, officer_a):
    response = client_for(officer_a).get(page_url(year))
    assert shown(response) == ["TV-PLK", "BT-PLK", "TTVH-YD"]
    tree = _tree(response)
    for testid in ("category-tabs", "entry-search", "pager-top", "pager-bottom", "slice-range"):
        assert not tree.xpath(f"//*[@data-testid='{testid}']"), testid
    assert form_data(response)[0] == "?"


def test_the_reviewer_reads_the_same_slices_with_read_only_inputs(large, reviewer):
    response = client_for(reviewer).get(page_url(large, "?category=CC_VILL&page=2"))
    assert shown(response) == [f"NVH-{n:03d}" for n in range(51, 101)]
    tree = _tree(response)
    inputs = tree.xpath("//form[@data-entry]//*[self::input or self::select][not(@type='hidden')]")
    assert inputs and all(i.get("disabled") is not None for i in inputs)
    assert not tree.xpath("//button[@name='save']")


def test_the_excel_template_stays_whole_unit_whatever_the_slice(large, officer_a):
    client = client_for(officer_a)
    client.get(page_url(large, "?category=MUS"))
    content = client.get(reverse("indicators:template", args=[large.submission_a.pk])).content
    sheet = load_workbook(io.BytesIO(content))[DATA_SHEET]
    codes = {sheet.cell(row=r, column=1).value for r in range(3, sheet.max_row + 1)}
    assert len(codes) == 500 and {"TV-XA-0300", "NVH-197", "BT-PLK"} <= codes


# ------------------------------------------------------------------ bad addresses
@pytest.mark.parametrize(
    ("query", "codes", "notice"),
    [
        ("?page=abc", ["TV-PLK", *libraries(range(1, 50))], "Số trang «abc» không hợp lệ"),
        ("?page=0", ["TV-PLK", *libraries(range(1, 50))], "Số trang «0» không hợp lệ"),
        ("?page=-2", ["TV-PLK", *libraries(range(1, 50))], "Số trang «-2» không hợp lệ"),
        ("?page=%EF%BC%92", ["TV-PLK", *libraries(range(1, 50))], "không hợp lệ"),  # fullwidth 2
        (
            "?category=LIB_COMM&page=99999999999999999999",
            libraries(range(251, 301)),
            "Không có trang 99999999999999999999 (chỉ có 6 trang): đang hiện trang 6.",
        ),
        (
            "?category=NOPE",
            ["TV-PLK", *libraries(range(1, 50))],
            "Báo cáo này không có thiết chế loại «NOPE»: đang hiện mọi loại.",
        ),
        (
            "?category=LIB_EDU",
            ["TV-PLK", *libraries(range(1, 50))],
            "không có thiết chế loại «LIB_EDU»",
        ),
        (
            "?q=" + "a" * 300,
            [],
            "Từ khóa tìm kiếm dài quá 100 ký tự: chỉ tìm theo 100 ký tự đầu.",
        ),
    ],
)
def test_a_bad_address_falls_back_with_a_vietnamese_message(large, officer_a, query, codes, notice):
    response = client_for(officer_a).get(page_url(large, query))
    assert response.status_code == 200
    assert shown(response) == codes
    assert any(notice in n for n in notices(response)), notices(response)


def test_a_search_that_finds_nothing_says_so(large, officer_a):
    response = client_for(officer_a).get(page_url(large), {"q": "bảo tàng Hà Nội"})
    assert response.status_code == 200 and shown(response) == []
    empty = _one_text(_tree(response), "slice-empty")
    assert empty == "Không tìm thấy thiết chế nào có mã hoặc tên chứa «bảo tàng Hà Nội»."


def test_a_nul_in_the_search_is_refused_not_a_500(large, officer_a):
    response = client_for(officer_a).get(page_url(large, "?q=th%00u"))
    assert response.status_code == 400


# ------------------------------------------------------------------ queries
def _queries(client, target) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(target).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_runs_the_same_queries_for_3_or_500_institutions_on_any_slice(
    year, province, officer_a, reviewer, django_assert_num_queries
):
    officer, rev = client_for(officer_a), client_for(reviewer)
    small = _queries(officer, page_url(year))
    small_reviewer = _queries(rev, page_url(year))
    grow(province)  # the same unit grown to 500
    for query in ("", "?category=LIB_COMM&page=4", "?q=xa+0007", "?missing=1&page=9"):
        with django_assert_num_queries(small):
            officer.get(page_url(year, query))
        with django_assert_num_queries(small_reviewer):
            rev.get(page_url(year, query))
