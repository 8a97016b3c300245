"""import_institutions FILE

Every row checked, every problem listed by line and column, all or nothing.
The file is read and saved IMPORT_CHUNK_ROWS (2,000) rows at a time inside one
transaction (InstitutionsImportStream on institutions.importing.import_by_chunks),
so its memory does not grow with the file; what it wrote is analysed after."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations
from django.utils.translation import gettext as _

from institutions.importing import CellProblem, Table, import_by_chunks
from institutions.models import Institution
from institutions.services import (
    IMPORT_COLUMNS,
    VALID_ON_COLUMN,
    ImportResult,
    InstitutionsImportStream,
    InstitutionsInvalid,
    institutions_read,
    problem_text,
)


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
        path: Path = options["file"]  # type: ignore[assignment]
        suffix = path.suffix.lower()
        if suffix not in {".csv", ".xlsx"}:
            raise CommandError(
                _("Chỉ nhận tệp .csv hoặc .xlsx, không nhận '%(suffix)s'.") % {"suffix": suffix}
            )
        stream = InstitutionsImportStream()

        def finish(table: Table) -> tuple[ImportResult | None, list[CellProblem]]:
            if table.problems and not stream.rows_seen:
                return None, []  # the file could not be read: the reader says why
            try:
                return stream.finish(), []
            except InstitutionsInvalid as exc:
                return None, exc.problems

        try:
            result, problems = import_by_chunks(
                path,
                read=institutions_read,
                add=stream.add,
                finish=finish,
                written=[Institution],
            )
        except OSError as exc:
            raise CommandError(
                _("Không mở được tệp %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
            ) from exc
        if problems or result is None:
            heading = _(
                "Không nhập được %(file)s: %(count)s lỗi, chưa ghi gì vào cơ sở dữ liệu."
            ) % {"file": path.name, "count": len(problems)}
            lines = [problem_text(p) for p in sorted(problems, key=lambda p: p.row or 0)]
            raise CommandError("\n".join([heading, *(f"- {line}" for line in lines)]))
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã nhập %(file)s: thêm mới %(created)s, cập nhật %(updated)s thiết chế.")
                % {"file": path.name, "created": result.created, "updated": result.updated}
            )
        )
