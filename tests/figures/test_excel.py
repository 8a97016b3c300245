from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from indicators.excel import DATA_SHEET, LAST_YEAR_SHEET
from indicators.models import Figures, ReportingPeriod, Submission, SubmissionState
from tests.conftest import client_for
from tests.factories import InstitutionFactory, category

pytestmark = pytest.mark.django_db


def download(client, submission) -> io.BytesIO:
    response = client.get(reverse("indicators:template", args=[submission.pk]))
    assert response.status_code == 200
    return io.BytesIO(response.content)


def fill(wb, values: dict[str, dict[str, object]]) -> bytes:
    ws = wb[DATA_SHEET]
    codes = [c.value for c in ws[2]]
    for row in ws.iter_rows(min_row=3):
        inst = row[0].value
        for code, value in values.get(inst, {}).items():
            row[codes.index(code)].value = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


GOOD = {
    "TV-PLK": {
        "lll_services": "Có",
        "digital_transformation": "Không",
        "user_visits": 1100,
        "participants": 200,
    },
    "BT-PLK": {
        "education_programme": "yes",
        "digital_exhibitions": "no",
        "study_visitors": 300,
        "total_visitors": 800,
        "participants": 40,
    },
    "TTVH-YD": {
        "clubs_or_classes": 1,
        "regular_activities": 0,
        "clubs_count": 3,
        "participants": 90,
    },
}


def test_the_template_lists_the_units_institutions_with_codes_dropdowns_and_last_year(
    year, officer_a
):
    wb = load_workbook(download(client_for(officer_a), year.submission_a))
    ws = wb[DATA_SHEET]
    assert ws["A2"].value == "institution_code"
    assert ws["A1"].value == "Mã thiết chế"
    codes = [ws.cell(row=r, column=1).value for r in range(3, ws.max_row + 1)]
    assert sorted(codes) == ["BT-PLK", "TTVH-YD", "TV-PLK"]  # not the closed one, not unit B's
    assert any('"Có,Không"' in dv.formula1 for dv in ws.data_validations.dataValidation)
    ref = wb[LAST_YEAR_SHEET]
    header = [c.value for c in ref[2]]
    row = next(r for r in ref.iter_rows(min_row=3, values_only=True) if r[0] == "TV-PLK")
    assert row[header.index("user_visits")] == 1000


def test_a_name_that_looks_like_a_formula_is_written_as_text(year, province, officer_a):
    InstitutionFactory(
        code="X1",
        name='=HYPERLINK("http://x")',
        category=category("LIB_COMM"),
        admin_unit=province.commune_a,
        reporting_unit=province.unit_a,
    )
    wb = load_workbook(download(client_for(officer_a), year.submission_a))
    cell = next(r[1] for r in wb[DATA_SHEET].iter_rows(min_row=3) if r[0].value == "X1")
    assert cell.data_type == "s" and cell.value.startswith("=")


def test_an_upload_with_one_bad_cell_saves_nothing_and_names_the_cell(year, officer_a):
    client = client_for(officer_a)
    wb = load_workbook(download(client, year.submission_a))
    bad = {**GOOD, "BT-PLK": {**GOOD["BT-PLK"], "user_visits": 5}}  # a library field on a museum
    response = client.post(
        reverse("indicators:upload", args=[year.submission_a.pk]),
        {"version": 1, "file": SimpleUploadedFile("t.xlsx", fill(wb, bad))},
    )
    assert response.status_code == 400
    problems = response.context["problems"]
    assert len(problems) == 1
    p = problems[0]
    assert (p.sheet, p.column, p.value) == (DATA_SHEET, "F (user_visits)", "5")
    assert p.row in (3, 4, 5)
    assert not Figures.objects.filter(year=2025).exists()

    wb = load_workbook(download(client, year.submission_a))
    response = client.post(
        reverse("indicators:upload", args=[year.submission_a.pk]),
        {"version": 1, "file": SimpleUploadedFile("t.xlsx", fill(wb, GOOD))},
    )
    assert response.status_code == 302
    assert Figures.objects.get(institution=year.museum, year=2025).total_visitors == 800


def test_a_csv_row_of_another_units_institution_is_refused(year, officer_a):
    csv = b"institution_code,user_visits,participants\nTV-PLK,10,1\nTV-AK,99,1\n"
    response = client_for(officer_a).post(
        reverse("indicators:upload", args=[year.submission_a.pk]),
        {"version": 1, "file": SimpleUploadedFile("f.csv", csv)},
    )
    assert response.status_code == 400
    [p] = response.context["problems"]
    assert (p.row, p.value) == (3, "TV-AK") and "Không có thiết chế mã" in p.message
    assert not Figures.objects.filter(year=2025).exists()


def test_another_officer_cannot_upload_into_the_unit(year, officer_b):
    csv = b"institution_code,user_visits\nTV-PLK,10\n"
    response = client_for(officer_b).post(
        reverse("indicators:upload", args=[year.submission_a.pk]),
        {"version": 1, "file": SimpleUploadedFile("f.csv", csv)},
    )
    assert response.status_code == 404


def test_an_upload_of_more_rows_than_any_unit_has_is_refused_before_reading_on(year, officer_a):
    # 40,000 rows fit well in 10 MB; passed on, every code becomes a query
    # parameter (past SQLite's 32,766) and one problem line each on the page.
    csv = b"institution_code,user_visits\n" + b"".join(b"X%05d,1\n" % i for i in range(40_000))
    response = client_for(officer_a).post(
        reverse("indicators:upload", args=[year.submission_a.pk]),
        {"version": 1, "file": SimpleUploadedFile("f.csv", csv)},
    )
    assert response.status_code == 400
    [p] = response.context["problems"]
    # The officer is told the cap, written as a Vietnamese document writes
    # numbers (indicators/excel.py groups MAX_UPLOAD_ROWS with a dot).
    assert "quá 5.000 dòng cho một đơn vị báo cáo" in p.message
    assert "đã dừng đọc ở dòng 5.002" in p.message  # counted while reading
    assert not Figures.objects.filter(year=2025).exists()


def test_the_row_cap_is_counted_while_streaming_not_after() -> None:
    """Millions of rows cost no more than the cap: reading stops at the first
    row past it (blank rows included, up to a margin)."""
    from indicators import excel
    from institutions import importing

    pulled = 0

    def endless(blank: bool):
        nonlocal pulled
        yield ("institution_code", "user_visits")
        while True:
            pulled += 1
            yield (None, None) if blank else (f"X{pulled}", 1)

    for blank in (False, True):
        pulled = 0
        with pytest.raises(importing.TooManyRows):
            importing._read_rows("csv", endless(blank), excel.LAYOUT, 5_000)
        assert pulled <= 5_000 + importing.BLANK_ROWS_ALLOWED + 1


def test_a_shared_strings_bomb_under_the_total_cap_is_refused(year, officer_a) -> None:
    # 455 KB on the wire, gigabytes in openpyxl: the shared strings have a cap of their own.
    import zipfile

    from institutions import importing

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "xl/sharedStrings.xml",
            b"<sst>"
            + b"<si><t>a</t></si>" * (importing.MAX_SHARED_STRINGS_BYTES // 16 + 1)
            + b"</sst>",
        )
    assert len(buffer.getvalue()) < importing.MAX_SHARED_STRINGS_BYTES // 10
    response = client_for(officer_a).post(
        reverse("indicators:upload", args=[year.submission_a.pk]),
        {"version": 1, "file": SimpleUploadedFile("f.xlsx", buffer.getvalue())},
    )
    assert response.status_code == 400
    [p] = response.context["problems"]
    assert "quá lớn" in p.message


def test_an_xlsx_that_unpacks_to_far_more_than_its_size_is_refused(year, officer_a, monkeypatch):
    # A zip bomb: small on the wire, huge once openpyxl inflates its XML.
    import zipfile

    from institutions import importing

    monkeypatch.setattr(importing, "MAX_XLSX_UNPACKED_BYTES", 1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", b"<sst>" + b" " * (2 * 1024 * 1024) + b"</sst>")
    response = client_for(officer_a).post(
        reverse("indicators:upload", args=[year.submission_a.pk]),
        {"version": 1, "file": SimpleUploadedFile("f.xlsx", buffer.getvalue())},
    )
    assert response.status_code == 400
    [p] = response.context["problems"]
    assert "quá lớn" in p.message


def test_import_figures_refuses_a_bad_file_with_the_list_of_problems(year, tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(
        "institution_code;user_visits;lll_services\nTV-PLK;-3;có\nTV-AK;10;maybe\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as exc:
        call_command("import_figures", str(path), "--year", "2025")
    message = str(exc.value)
    assert "2 lỗi" in message and "dòng 2" in message and "dòng 3" in message
    assert not Figures.objects.filter(year=2025).exists()


def test_import_figures_saves_submits_and_approves_every_unit_touched(year, tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(
        "institution_code,lll_services,digital_transformation,user_visits,participants\n"
        "TV-AK,yes,no,500,30\n",
        encoding="utf-8",
    )
    call_command("import_figures", str(path), "--year", "2025", "--submit", "--approve")
    sub = Submission.objects.get(reporting_unit__code="UBND-623", period__year=2025)
    assert sub.state == SubmissionState.APPROVED
    assert Figures.objects.get(institution=year.library_b, year=2025).user_visits == 500


def _one_row_file(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(
        "institution_code,lll_services,digital_transformation,user_visits,participants\n"
        "TV-AK,yes,no,500,30\n",
        encoding="utf-8",
    )
    return path


def test_import_figures_never_opens_a_period_by_itself(year, tmp_path):
    # 2026 has no period yet: a file alone must not create one.
    with pytest.raises(CommandError, match="Chưa mở kỳ báo cáo năm 2026"):
        call_command("import_figures", str(_one_row_file(tmp_path)), "--year", "2026")
    assert not ReportingPeriod.objects.filter(year=2026).exists()
    assert not Figures.objects.filter(year=2026).exists()


def test_import_figures_opens_a_plan_year_only_when_asked(year, tmp_path):
    call_command("import_figures", str(_one_row_file(tmp_path)), "--year", "2026", "--open-period")
    assert ReportingPeriod.objects.get(year=2026).deadline == dt.date(2026, 12, 5)
    assert Figures.objects.get(institution=year.library_b, year=2026).user_visits == 500


def test_import_figures_refuses_a_year_outside_the_plan(year, tmp_path):
    # A typo (2031 for 2021 or 2025) must not become a period every officer sees.
    with pytest.raises(CommandError, match="Năm 2031 nằm ngoài Kế hoạch 3632/KH-UBND"):
        call_command(
            "import_figures", str(_one_row_file(tmp_path)), "--year", "2031", "--open-period"
        )
    assert not ReportingPeriod.objects.filter(year=2031).exists()


def test_a_sheet_too_large_to_scan_is_refused_before_openpyxl_scans_it(
    year, officer_a, monkeypatch
) -> None:
    # openpyxl reads a whole sheet for its size when the file does not declare it.
    import zipfile

    from institutions import importing

    monkeypatch.setattr(importing, "MAX_SHEET_XML_BYTES", 64 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(5000))
        z.writestr(
            "xl/worksheets/sheet1.xml",
            b"<worksheet><sheetData>" + rows + b"</sheetData></worksheet>",
        )
    response = client_for(officer_a).post(
        reverse("indicators:upload", args=[year.submission_a.pk]),
        {"version": 1, "file": SimpleUploadedFile("f.xlsx", buffer.getvalue())},
    )
    assert response.status_code == 400
    [p] = response.context["problems"]
    assert "quá lớn" in p.message


@pytest.mark.parametrize(
    ("csv", "column"),
    [
        (b"institution_code,user_visits\nTV-PLK,1\x002\n", "B (user_visits)"),
        (b"institution_code,user_visits\nTV-\x00PLK,12\n", "A (institution_code)"),
    ],
)
def test_a_nul_character_in_a_csv_cell_is_named_not_a_server_error(year, officer_a, csv, column):
    # PostgreSQL text cannot hold NUL: the cell is refused before any query.
    response = client_for(officer_a).post(
        reverse("indicators:upload", args=[year.submission_a.pk]),
        {"version": 1, "file": SimpleUploadedFile("f.csv", csv)},
    )
    assert response.status_code == 400
    [p] = response.context["problems"]
    assert (p.row, p.column) == (2, column)
    assert "NUL" in p.message
    assert not Figures.objects.filter(year=2025).exists()


def _rows_file(tmp_path, lines: list[str]):
    path = tmp_path / "tinh.csv"
    path.write_text("institution_code,user_visits\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_import_figures_reads_by_chunks_and_stays_all_or_nothing(year, tmp_path, monkeypatch):
    """Chunks of one row: the first institution is saved in its own chunk, the
    bad value in the last chunk still refuses the whole file, and a code met
    again in another chunk is named on its row."""
    from indicators import excel

    chunks = []
    real = excel.read_table

    def one_row_chunks(*args, **kwargs):
        consumer = kwargs["on_rows"]
        kwargs.update(chunk_size=1, on_rows=lambda t: (chunks.append(len(t.rows)), consumer(t)))
        return real(*args, **kwargs)

    monkeypatch.setattr("indicators.management.commands.import_figures.read_table", one_row_chunks)
    path = _rows_file(tmp_path, ["TV-PLK,1500", "BT-PLK,", "TV-PLK,1600", "TV-AK,-5"])
    with pytest.raises(CommandError) as refused:
        call_command("import_figures", str(path), "--year", "2025")
    assert chunks == [1, 1, 1, 1]
    text = str(refused.value)
    assert "dòng 4" in text and "lặp lại" in text  # TV-PLK again, three chunks later
    assert "dòng 5" in text  # the negative count, in the last chunk
    assert not Figures.objects.filter(year=2025).exists()  # the first chunk rolled back too


def test_import_figures_saves_every_chunk_when_the_file_is_clean(year, tmp_path, monkeypatch):
    from indicators import excel

    real = excel.read_table
    monkeypatch.setattr(
        "indicators.management.commands.import_figures.read_table",
        lambda *a, **k: real(*a, **{**k, "chunk_size": 1}),
    )
    path = _rows_file(tmp_path, ["TV-PLK,1500", "TV-AK,900"])
    call_command("import_figures", str(path), "--year", "2025", stdout=io.StringIO())
    saved = dict(Figures.objects.filter(year=2025).values_list("institution__code", "user_visits"))
    assert saved == {"TV-PLK": 1500, "TV-AK": 900}


def test_import_figures_analyses_what_it_wrote_and_nothing_when_refused(
    year, tmp_path, monkeypatch
):
    from indicators.models import AttainmentCell, AuditEntry

    analysed: list[set[type]] = []
    monkeypatch.setattr(
        "institutions.importing.tables_analyse",
        lambda tables, using="default": analysed.append(set(tables)),
    )
    with pytest.raises(CommandError):
        call_command("import_figures", str(_rows_file(tmp_path, ["TV-PLK,-1"])), "--year", "2025")
    assert analysed == []
    call_command(
        "import_figures",
        str(_rows_file(tmp_path, ["TV-PLK,1500"])),
        "--year",
        "2025",
        stdout=io.StringIO(),
    )
    assert analysed == [{Figures, Submission, AuditEntry, AttainmentCell}]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ANALYZE runs on PostgreSQL only")
def test_on_postgresql_import_figures_leaves_fresh_planner_statistics(year, tmp_path):
    def analyses() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = %s",
                [Figures._meta.db_table],
            )
            return cursor.fetchone()[0]

    before = analyses()
    path = _rows_file(tmp_path, ["TV-PLK,1500"])
    call_command("import_figures", str(path), "--year", "2025", stdout=io.StringIO())
    assert analyses() == before + 1


def test_import_figures_writes_each_chunks_warnings_as_it_goes(
    year, tmp_path, settings, monkeypatch
):
    """TV-PLK had 1.000 visits in 2024: 4.000 saves with a warning, written to
    stderr while its chunk is checked (a file whose every row warns would
    otherwise keep every warning to the end)."""
    from indicators import services

    settings.IMPORT_CHUNK_ROWS = 1
    chunks = 0
    real = services.FiguresImportStream.add

    def add(stream, rows):
        nonlocal chunks
        chunks += 1
        real(stream, rows)
        # By the end of its chunk, the warning is out and not kept.
        assert all(not r.warnings for r in stream.results.values())

    monkeypatch.setattr(services.FiguresImportStream, "add", add)
    err = io.StringIO()
    path = _rows_file(tmp_path, ["TV-PLK,4000", "TV-AK,900"])
    call_command("import_figures", str(path), "--year", "2025", stdout=io.StringIO(), stderr=err)
    assert chunks == 2
    assert "Cảnh báo: TV-PLK" in err.getvalue() and "4.000" in err.getvalue()
    assert Figures.objects.get(institution__code="TV-PLK", year=2025).user_visits == 4000
