"""export_report --year YYYY --format pdf|xlsx --output PATH (DESIGN section 6)."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.annual.build import FORMATS, report_file
from reports.services import report_draft_for_year


class Command(BaseCommand):
    help = "Xuất báo cáo năm (PDF hoặc Excel) / export the annual report (PDF or Excel)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Năm báo cáo, ví dụ 2025.")
        parser.add_argument("--format", dest="fmt", required=True, help="pdf hoặc xlsx.")
        parser.add_argument("--output", required=True, help="Đường dẫn tệp ghi ra.")

    def handle(self, *args: object, year: int, fmt: str, output: str, **options: object) -> None:
        fmt = fmt.lower()
        if fmt not in FORMATS:
            raise CommandError(
                f"Định dạng không hợp lệ: {fmt!r}; chỉ nhận pdf hoặc xlsx. "
                f"/ Unknown format {fmt!r}: use pdf or xlsx."
            )
        if not 2000 <= year <= 2100:
            raise CommandError(f"Năm không hợp lệ: {year}. / Invalid year: {year}.")
        path = Path(output)
        if path.is_dir():
            raise CommandError(
                f"{output} là một thư mục; hãy ghi rõ tên tệp. / {output} is a directory."
            )
        if not path.parent.exists():
            raise CommandError(
                f"Thư mục {path.parent} không tồn tại. / Directory {path.parent} does not exist."
            )
        try:
            draft = report_draft_for_year(year=year)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        content = report_file(draft=draft, fmt=fmt)  # type: ignore[arg-type]
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"Không ghi được {output}: {exc.strerror}.") from exc
        self.stdout.write(f"Đã ghi {output} ({len(content):,} byte).")
