from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations
from django.utils.translation import gettext as _

from institutions.importing import rows_read
from institutions.services import IMPORT_COLUMNS, VALID_ON_COLUMN, institutions_import


class Command(BaseCommand):
    help = (
        "Nhập danh sách thiết chế từ tệp .csv (UTF-8) hoặc .xlsx với các cột "
        f"{', '.join(IMPORT_COLUMNS)} (tùy chọn: {VALID_ON_COLUMN}). Kiểm tra mọi dòng; "
        "có lỗi thì không ghi gì và liệt kê tất cả lỗi; hợp lệ thì thêm mới hoặc cập nhật "
        "theo mã."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Tệp .csv hoặc .xlsx")

    # Messages in the source language (Vietnamese), whatever language a previous
    # request in this thread happened to activate.
    @no_translations
    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["file"]
        try:
            result = institutions_import(rows=rows_read(path=path))
        except ValidationError as exc:
            problems = exc.messages
            heading = _(
                "Không nhập được %(file)s: %(count)s lỗi, chưa ghi gì vào cơ sở dữ liệu."
            ) % {"file": path.name, "count": len(problems)}
            raise CommandError("\n".join([heading, *(f"- {p}" for p in problems)])) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã nhập %(file)s: thêm mới %(created)s, cập nhật %(updated)s thiết chế.")
                % {"file": path.name, "created": result.created, "updated": result.updated}
            )
        )
