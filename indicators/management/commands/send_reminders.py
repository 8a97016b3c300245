"""send_reminders [--date dd/mm/yyyy]

Send the reminders and the reviewers' digest due on a day (today by default),
as the daily background task does; what was already sent that day is not sent
again."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from indicators.services.reminders import reminders_send


def _date(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise CommandError(
            f"Ngày không hợp lệ: {text!r}; cần dạng dd/mm/yyyy, ví dụ 21/11/2026."
        ) from None


class Command(BaseCommand):
    help = "Gửi thư nhắc hạn nộp báo cáo và thư tổng hợp hằng ngày cho Sở VHTTDL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Ngày chạy, dạng dd/mm/yyyy (mặc định: hôm nay).")

    def handle(self, *args: object, **options: object) -> None:
        day = _date(str(options["date"])) if options["date"] else timezone.localdate()
        sent = reminders_send(on=day)
        self.stdout.write(
            f"Ngày {day:%d/%m/%Y}: đã gửi {sent.reminders} thư nhắc hạn, "
            f"{sent.digests} thư tổng hợp."
        )
