from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from institutions.models import Institution

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
    with pytest.raises(CommandError, match="Dòng 2, cột 2: ô có ký tự không hợp lệ"):
        call_command("import_institutions", str(path))
    assert not Institution.objects.exists()
