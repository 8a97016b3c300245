"""issue_report --year YYYY --number N --date DD/MM/YYYY --signer NAME [--title TITLE]
[--difficulties TEXT] [--proposals TEXT] [--user USERNAME]

The report page's "Ban hành" from the command line, for automation: fills the
draft's parts given, then issues it (period locked, PDF signed when a certificate
is configured, both files kept byte for byte). Refused, with a non-zero exit and
every missing part named, exactly as on the page; nothing is written then."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from institutions.parsing import parse_day
from institutions.roles import is_reviewer
from reports.services import report_draft_for_year, report_draft_update, report_issue


class Command(BaseCommand):
    help = "Ban hành báo cáo năm / issue the annual report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Năm báo cáo.")
        parser.add_argument("--number", required=True, help="Số văn bản, ví dụ 125.")
        parser.add_argument("--date", required=True, help="Ngày báo cáo, DD/MM/YYYY.")
        parser.add_argument("--signer", required=True, help="Họ tên người ký.")
        parser.add_argument("--title", help="Chức vụ người ký (mặc định: như dự thảo).")
        parser.add_argument("--difficulties", help="Mục V: khó khăn, vướng mắc.")
        parser.add_argument("--proposals", help="Mục VI: đề xuất, kiến nghị.")
        parser.add_argument(
            "--user",
            help="Tài khoản ban hành (chuyên viên Sở hoặc quản trị); mặc định: quản trị viên.",
        )

    def handle(self, *args: object, **opts: object) -> None:
        year = int(opts["year"])  # type: ignore[call-overload]
        day = parse_day(str(opts["date"]))
        if day is None:
            raise CommandError(
                f"--date: ngày không hợp lệ {opts['date']!r}; hãy ghi DD/MM/YYYY, ví dụ 28/11/{year}."
            )
        user = self._user(opts.get("user"))
        data: dict[str, object] = {
            "number": str(opts["number"]),
            "report_date": day,
            "signer_name": str(opts["signer"]),
        }
        for option, field in (
            ("title", "signer_title"),
            ("difficulties", "difficulties"),
            ("proposals", "proposals"),
        ):
            if opts.get(option) is not None:
                data[field] = str(opts[option])
        try:
            with transaction.atomic():
                draft = report_draft_for_year(year=year)
                draft = report_draft_update(draft=draft, user=user, data=data)
                issued = report_issue(draft=draft, user=user)
        except ValidationError as exc:
            raise CommandError(
                "Chưa ban hành được báo cáo năm "
                f"{year}:\n" + "\n".join(f"- {m}" for m in exc.messages)
            ) from exc
        signed = (
            f"đã ký số ({issued.signed_by})"
            if issued.signed_by
            else "chưa ký số (chưa cấu hình REPORT_SIGNING_P12)"
        )
        self.stdout.write(
            f"Đã ban hành báo cáo số {issued.number_and_symbol} năm {year}, phiên bản "
            f"{issued.version}; PDF {signed}.\n"
            f"SHA-256 PDF:   {issued.pdf_sha256}\nSHA-256 Excel: {issued.xlsx_sha256}"
        )

    def _user(self, username: object):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            user = users.filter(username=str(username)).first()
            if user is None or not is_reviewer(user):
                raise CommandError(
                    f"--user: {username!r} không phải tài khoản chuyên viên Sở hoặc quản trị."
                )
            return user
        user = users.filter(is_superuser=True).order_by("pk").first()
        if user is None:
            raise CommandError("Chưa có tài khoản quản trị: hãy chỉ rõ --user.")
        return user
