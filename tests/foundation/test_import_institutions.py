from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from openpyxl import Workbook

from indicators.models import AttainmentCell, AuditEntry
from institutions.models import Institution
from institutions.services import InstitutionsImportStream

pytestmark = pytest.mark.django_db

HEADER = "code,name,category,admin_unit_code,reporting_unit_code,opened_year,closed_year\n"


def _csv(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "thiet_che.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_it_imports_a_good_csv_and_resolves_a_reused_code_by_the_opened_year(
    reference, tmp_path
) -> None:
    path = _csv(
        tmp_path,
        "TV-IAKRING,Thư viện phường Ia Kring,LIB_COMM,23563,UBND-23563,2012,\n"
        "TV-DIENHONG,Thư viện phường Diên Hồng mới,LIB_COMM,23563,UBND-23563,2026,\n"
        "TVH-622,Thư viện thành phố Pleiku,LIB_DIST,622,UBND-622,1998,2025\n",
    )
    call_command("import_institutions", str(path))

    old = Institution.objects.get(code="TV-IAKRING").admin_unit
    new = Institution.objects.get(code="TV-DIENHONG").admin_unit
    # Same code, two units: the one valid when each institution opened.
    assert (old.code, old.name) == ("23563", "Phường Ia Kring")
    assert (new.code, new.name) == ("23563", "Phường Diên Hồng")
    assert Institution.objects.get(code="TVH-622").closed_year == 2025


def test_a_second_import_updates_by_code_instead_of_duplicating(reference, tmp_path) -> None:
    call_command(
        "import_institutions", str(_csv(tmp_path, "X1,Tên cũ,LIB_COMM,23575,UBND-23575,2010,\n"))
    )
    call_command(
        "import_institutions", str(_csv(tmp_path, "X1,Tên mới,LIB_COMM,23575,UBND-23575,2011,\n"))
    )
    institution = Institution.objects.get(code="X1")
    assert (institution.name, institution.opened_year) == ("Tên mới", 2011)
    assert Institution.objects.count() == 1


def test_it_reads_xlsx_with_numeric_cells(reference, tmp_path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["TVT-GL", "Thư viện tỉnh Gia Lai", "LIB_PROV", 64, "SVHTTDL", 1976.0, None])
    path = tmp_path / "thiet_che.xlsx"
    workbook.save(path)
    call_command("import_institutions", str(path))
    assert Institution.objects.get(code="TVT-GL").admin_unit.code == "64"


def test_a_bad_file_lists_every_problem_by_row_and_column_and_writes_nothing(
    reference, tmp_path
) -> None:
    path = _csv(
        tmp_path,
        "OK-1,Thư viện xã tốt,LIB_COMM,23575,UBND-23575,2010,\n"  # line 2, valid
        "B-1,Thư viện,XYZ,23575,UBND-23575,2010,\n"  # 3: category
        "B-2,Thư viện,LIB_COMM,99999,UBND-23575,2010,\n"  # 4: admin unit
        "B-3,Thư viện,LIB_COMM,23575,UBND-XXX,2010,\n"  # 5: reporting unit
        "OK-1,Trùng mã,LIB_COMM,23575,UBND-23575,2010,\n"  # 6: duplicate
        "B-5,Thư viện,LIB_COMM,23575,UBND-23575,2015,2012\n"  # 7: closed before opened
        "B-6,,LIB_COMM,23575,UBND-23575,2010,\n"  # 8: missing name
        "B-7,Thư viện,LIB_COMM,23575,UBND-23575,năm 2010,abc\n"  # 9: two bad years
        "B-8,Thư viện huyện sai cấp,LIB_DIST,23575,UBND-622,2010,\n"  # 10: level
        "B-9,Thư viện năm sáp nhập,LIB_COMM,23563,UBND-23563,2025,\n",  # 11: ambiguous
    )
    with pytest.raises(CommandError) as caught:
        call_command("import_institutions", str(path))
    message = str(caught.value)

    assert "Dòng 3, cột category: loại thiết chế 'XYZ' không tồn tại" in message
    assert "Dòng 4, cột admin_unit_code: không có đơn vị hành chính mã '99999'" in message
    assert "Dòng 5, cột reporting_unit_code: đơn vị báo cáo 'UBND-XXX' không tồn tại" in message
    assert "Dòng 6, cột code: mã 'OK-1' trùng với dòng 2" in message
    assert "Dòng 7, cột closed_year: năm ngừng hoạt động 2012 trước năm hoạt động 2015" in message
    assert "Dòng 8, cột name: thiếu tên thiết chế" in message
    assert "Dòng 9, cột opened_year" in message
    assert "Dòng 9, cột closed_year" in message
    assert "Dòng 10, cột admin_unit_code: Thiết chế loại LIB_DIST phải thuộc" in message
    assert "Dòng 11, cột admin_unit_code: mã '23563' ứng với nhiều đơn vị" in message
    assert "admin_unit_valid_on" in message
    assert "10 lỗi" in message  # line 9 has two
    assert not Institution.objects.exists()


def test_the_valid_on_column_settles_a_code_shared_in_the_reorganisation_year(
    reference, tmp_path
) -> None:
    header = HEADER.strip() + ",admin_unit_valid_on\n"
    path = _csv(
        tmp_path,
        "A,Thư viện phường Ia Kring,LIB_COMM,23563,UBND-23563,2025,,2025-03-01\n"
        "B,Thư viện phường Diên Hồng,LIB_COMM,23563,UBND-23563,2025,,01/07/2025\n",
        header=header,
    )
    call_command("import_institutions", str(path))
    assert Institution.objects.get(code="A").admin_unit.name == "Phường Ia Kring"
    assert Institution.objects.get(code="B").admin_unit.name == "Phường Diên Hồng"


def test_a_missing_column_or_an_unknown_file_type_is_named(reference, tmp_path) -> None:
    with pytest.raises(CommandError, match="Thiếu cột: reporting_unit_code"):
        call_command(
            "import_institutions",
            str(
                _csv(
                    tmp_path,
                    "A,B,LIB_COMM,23575,2010\n",
                    header="code,name,category,admin_unit_code,opened_year\n",
                )
            ),
        )
    other = tmp_path / "ds.txt"
    other.write_text("x")
    with pytest.raises(CommandError, match="Chỉ nhận tệp .csv hoặc .xlsx"):
        call_command("import_institutions", str(other))


def test_a_nul_character_in_the_csv_is_named_by_line_and_column(reference, tmp_path) -> None:
    path = _csv(tmp_path, "X1,Tên\x00 lạ,LIB_COMM,23575,UBND-23575,2010,\n")
    with pytest.raises(CommandError, match=r"Dòng 2, cột B \(name\): Ô có ký tự không hợp lệ"):
        call_command("import_institutions", str(path))
    assert not Institution.objects.exists()


# ------------------------------------------------------------------ by chunks
@pytest.fixture
def chunks(settings, monkeypatch) -> list[list[int]]:
    """Chunks of one row; the lines of each chunk the import was handed."""
    settings.IMPORT_CHUNK_ROWS = 1
    seen: list[list[int]] = []
    real = InstitutionsImportStream.add

    def add(self, rows):
        seen.append([r.line for r in rows])
        return real(self, rows)

    monkeypatch.setattr(InstitutionsImportStream, "add", add)
    return seen


def test_a_file_read_by_chunks_is_still_all_or_nothing(reference, tmp_path, chunks) -> None:
    """The first two rows are saved in their own chunks; a code met again two
    chunks later and a bad cell in the last chunk refuse the whole file, and
    what the first chunks saved (institutions, history) is rolled back."""
    path = _csv(
        tmp_path,
        "C1,Thư viện xã một,LIB_COMM,23575,UBND-23575,2010,\n"  # 2
        "C2,Thư viện xã hai,LIB_COMM,23575,UBND-23575,2010,\n"  # 3
        "C1,Thư viện xã một (lại),LIB_COMM,23575,UBND-23575,2010,\n"  # 4: C1 again
        "C3,Thư viện xã ba,XYZ,23575,UBND-23575,2010,\n",  # 5: bad category
    )
    cells = list(AttainmentCell.objects.values_list("pk", "n"))
    with pytest.raises(CommandError) as caught:
        call_command("import_institutions", str(path))
    assert chunks == [[2], [3], [4], [5]]
    message = str(caught.value)
    assert "2 lỗi" in message
    assert "Dòng 4, cột code: mã 'C1' trùng với dòng 2" in message
    assert "Dòng 5, cột category: loại thiết chế 'XYZ' không tồn tại" in message
    assert not Institution.objects.exists()
    assert not AuditEntry.objects.filter(object_type="institution").exists()
    assert list(AttainmentCell.objects.values_list("pk", "n")) == cells


def test_a_clean_file_is_saved_chunk_by_chunk_with_the_history_of_every_row(
    reference, tmp_path, chunks
) -> None:
    rows = "".join(f"C{i},Thư viện xã {i},LIB_COMM,23575,UBND-23575,2010,\n" for i in range(1, 4))

    def history() -> dict[str, int]:
        return {
            i.code: AuditEntry.objects.filter(object_type="institution", object_id=i.pk).count()
            for i in Institution.objects.all()
        }

    out = io.StringIO()
    call_command("import_institutions", str(_csv(tmp_path, rows)), stdout=out)
    assert "thêm mới 3, cập nhật 0" in out.getvalue()
    created = history()
    assert sorted(created) == ["C1", "C2", "C3"] and all(created.values())
    call_command(
        "import_institutions", str(_csv(tmp_path, rows.replace("Thư viện", "TV"))), stdout=out
    )
    assert "thêm mới 0, cập nhật 3" in out.getvalue()
    assert chunks == [[2], [3], [4]] * 2
    assert sorted(Institution.objects.values_list("name", flat=True)) == [
        "TV xã 1",
        "TV xã 2",
        "TV xã 3",
    ]
    # Every rename kept, each in its own chunk.
    assert all(count > created[code] for code, count in history().items())


def test_the_import_analyses_what_it_wrote_and_nothing_when_refused(
    reference, tmp_path, monkeypatch
) -> None:
    analysed: list[set[type]] = []
    monkeypatch.setattr(
        "institutions.importing.tables_analyse",
        lambda tables, using="default": analysed.append(set(tables)),
    )
    bad = _csv(tmp_path, "C1,Thư viện,XYZ,23575,UBND-23575,2010,\n")
    with pytest.raises(CommandError):
        call_command("import_institutions", str(bad))
    assert analysed == []
    good = _csv(tmp_path, "C1,Thư viện,LIB_COMM,23575,UBND-23575,2010,\n")
    call_command("import_institutions", str(good), stdout=io.StringIO())
    # The institutions, and what the layers above fill alongside: history, attainment.
    assert analysed == [{Institution, AuditEntry, AttainmentCell}]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ANALYZE runs on PostgreSQL only")
def test_on_postgresql_the_planner_statistics_of_the_institutions_are_fresh(
    reference, tmp_path
) -> None:
    def analyses() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = %s",
                [Institution._meta.db_table],
            )
            return cursor.fetchone()[0]

    before = analyses()
    good = _csv(tmp_path, "C1,Thư viện,LIB_COMM,23575,UBND-23575,2010,\n")
    call_command("import_institutions", str(good), stdout=io.StringIO())
    assert analyses() == before + 1
