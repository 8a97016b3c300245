"""export_report --year YYYY --format pdf|xlsx --output PATH."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("fmt", "magic"), [("pdf", b"%PDF"), ("xlsx", b"PK")])
def test_it_writes_the_report(report_year, tmp_path, fmt, magic) -> None:
    out = tmp_path / f"bao-cao.{fmt}"
    call_command("export_report", "--year", "2025", "--format", fmt, "--output", str(out))
    assert out.read_bytes().startswith(magic)


def test_it_refuses_a_year_without_a_period(report_year, tmp_path) -> None:
    with pytest.raises(CommandError, match="Chưa có kỳ báo cáo năm 2019"):
        call_command("export_report", "--year", "2019", "--format", "pdf", "--output", str(tmp_path / "x.pdf"))  # fmt: skip


def test_it_refuses_an_unknown_format(report_year, tmp_path) -> None:
    with pytest.raises(CommandError, match="Định dạng không hợp lệ"):
        call_command("export_report", "--year", "2025", "--format", "docx", "--output", str(tmp_path / "x"))  # fmt: skip


def test_it_refuses_a_missing_directory(report_year, tmp_path) -> None:
    with pytest.raises(CommandError, match="không tồn tại"):
        call_command("export_report", "--year", "2025", "--format", "pdf", "--output", str(tmp_path / "no" / "x.pdf"))  # fmt: skip


def test_it_refuses_a_directory_as_output(report_year, tmp_path) -> None:
    with pytest.raises(CommandError, match="thư mục"):
        call_command("export_report", "--year", "2025", "--format", "pdf", "--output", str(tmp_path))  # fmt: skip
