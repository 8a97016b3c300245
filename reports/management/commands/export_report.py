"""export_report --year YYYY --format pdf|xlsx --output PATH [--issued-version N | --draft]
(DESIGN section 6).

For a year with an issued report, the issued bytes (the newest version, or
`--issued-version N`), even after the period was reopened; `--draft` builds the current
draft instead."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.annual.build import FORMATS, draft_file
from reports.models import IssuedReport
from reports.services import report_draft_for_year


class Command(BaseCommand):
    help = "Xuất báo cáo năm (PDF hoặc Excel) / export the annual report (PDF or Excel)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Năm báo cáo, ví dụ 2025.")
        parser.add_argument("--format", dest="fmt", required=True, help="pdf hoặc xlsx.")
        parser.add_argument("--output", required=True, help="Đường dẫn tệp ghi ra.")
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--issued-version",
            dest="issued_version",
            type=int,
            help="Phiên bản đã ban hành cần xuất.",
        )
        which.add_argument(
            "--draft", action="store_true", help="Xuất bản dự thảo hiện tại (tính lại số liệu)."
        )

    def handle(
        self,
        *args: object,
        year: int,
        fmt: str,
        output: str,
        issued_version: int | None = None,
        draft: bool = False,
        **options: object,
    ) -> None:
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
            current = report_draft_for_year(year=year)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        issued = None
        if not draft:
            versions = IssuedReport.objects.filter(period=current.period).order_by("-version")
            if issued_version is not None:
                issued = versions.filter(version=issued_version).first()
                if issued is None:
                    raise CommandError(
                        f"Năm {year} không có phiên bản đã ban hành số {issued_version}. "
                        f"/ No issued version {issued_version} for {year}."
                    )
            else:
                issued = versions.first()
        content = (
            issued.file(fmt) if issued is not None else draft_file(draft=current, fmt=fmt)  # type: ignore[arg-type]
        )
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"Không ghi được {output}: {exc.strerror}.") from exc
        if issued is not None:
            self.stdout.write(
                f"Đã ghi {output} ({len(content):,} byte): báo cáo số {issued.number_and_symbol}, "
                f"phiên bản {issued.version} đã ban hành, SHA-256 {issued.sha256(fmt)}."
            )
        else:
            self.stdout.write(f"Đã ghi {output} ({len(content):,} byte): bản dự thảo.")
