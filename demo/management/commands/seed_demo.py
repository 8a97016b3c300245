from __future__ import annotations

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations
from django.utils.translation import gettext as _

from demo.figures import demo_figures_seed
from demo.province import DEMO_PASSWORD, PERSONAS, demo_province_seed
from demo.reports import demo_reports_issue


class Command(BaseCommand):
    help = (
        "Tạo tỉnh minh họa trên dữ liệu tham chiếu (chạy load_reference trước): thiết chế, "
        "tài khoản minh họa cho từng vai trò, số liệu và báo cáo 2023-2026. Chạy lại cho "
        "cùng kết quả."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Nhân số thiết chế cấp xã, thôn và trường học lên N lần (đo hiệu năng).",
        )
        parser.add_argument(
            "--no-reports",
            action="store_true",
            help="Không ban hành báo cáo 2023-2025 (nhanh hơn, cho kiểm thử và đo hiệu năng).",
        )

    # Messages in the source language (Vietnamese), whatever language a previous
    # request in this thread happened to activate.
    @no_translations
    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        try:
            demo = demo_province_seed(scale=options["scale"])
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        counts = demo_figures_seed(institutions=demo.institutions, users=demo.users)
        if not options["no_reports"]:
            try:
                counts["issued_reports"] = demo_reports_issue(reviewer=demo.users["sovhttdl"])
            except ValidationError as exc:
                raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Tỉnh minh họa: %(count)s thiết chế (thêm mới %(created)s, cập nhật "
                    "%(updated)s); %(summary)s; %(seconds).1f giây."
                )
                % {
                    "count": len(demo.institutions),
                    "created": demo.result.created,
                    "updated": demo.result.updated,
                    "summary": ", ".join(f"{k}={v}" for k, v in counts.items()),
                    "seconds": time.monotonic() - started,
                }
            )
        )
        accounts = ", ".join(p.username for p in PERSONAS)
        self.stdout.write(
            _("Tài khoản minh họa: %(accounts)s; mật khẩu: %(password)s")
            % {"accounts": accounts, "password": DEMO_PASSWORD}
        )
