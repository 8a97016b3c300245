"""import_figures FILE --year YYYY [--submit] [--approve] [--open-period]

The same rules as the web upload (indicators.validation through
services.figures_import), for every reporting unit the file touches, all or
nothing: one bad cell and nothing is saved, and the command exits non-zero
listing every problem. The file is read and saved IMPORT_CHUNK_ROWS (2,000)
rows at a time inside one transaction (services.FiguresImportStream on
institutions.importing.import_by_chunks), so its memory does not grow with the
file; what it wrote is analysed after."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators import services
from indicators.excel import cell_problems, read_table
from indicators.models import Figures, Submission
from institutions.importing import Table, import_by_chunks


class Command(BaseCommand):
    help = "Nhập số liệu hằng năm từ tệp xlsx/csv (institution_code và các mã trường)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--submit", action="store_true", help="Gửi báo cáo của từng đơn vị.")
        parser.add_argument("--approve", action="store_true", help="Gửi và duyệt (cần --submit).")
        parser.add_argument(
            "--open-period",
            action="store_true",
            help="Mở kỳ báo cáo của năm nếu chưa có (chỉ các năm của kế hoạch).",
        )

    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        if options["approve"] and not options["submit"]:
            raise CommandError("--approve cần đi cùng --submit.")
        if options["open_period"]:
            try:
                services.period_open(year=options["year"], user=None)
            except ValidationError as exc:
                raise CommandError("\n".join(exc.messages)) from exc
        # Read and saved by chunks inside one transaction: constant memory for a
        # province-wide file, and still all or nothing; then ANALYZE.
        # Warnings are written as each chunk is checked, not kept to the end.
        stream = services.FiguresImportStream(
            year=options["year"],
            user=None,
            on_warning=lambda w: self.stderr.write(f"Cảnh báo: {w.institution}: {w.message}"),
        )

        def finish(table: Table) -> tuple[dict, list]:
            try:
                return stream.finish(submit=options["submit"], approve=options["approve"]), []
            except services.FiguresInvalid as exc:
                return {}, cell_problems(table, exc.problems)

        try:
            results, problems = import_by_chunks(
                path, read=read_table, add=stream.add, finish=finish, written=[Figures, Submission]
            )
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        if problems:
            lines = [
                f"{p.sheet} dòng {p.row or '-'} cột {p.column or '-'} [{p.value}]: {p.message}"
                for p in sorted(problems, key=lambda p: (p.row or 0, p.column))
            ]
            raise CommandError(
                f"Không nhập gì: {len(problems)} lỗi trong {path.name}.\n" + "\n".join(lines)
            )
        saved = sum(r.created + r.updated + r.unchanged for r in results.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nhập số liệu năm {options['year']} của {saved} thiết chế, "
                f"{len(results)} đơn vị báo cáo."
            )
        )
