from __future__ import annotations

import io
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations
from django.utils.translation import gettext as _

from demo.figures import demo_figures_seed
from demo.models import DemoMarker
from demo.province import DEMO_PASSWORD, PERSONAS, demo_province_seed
from demo.reports import demo_reports_issue
from indicators.models import Activity, Figures, Submission, SubmissionEvent
from institutions.models import Institution


def _portal_data() -> dict[str, int]:
    """What a database holds beyond the reference data (load_reference)."""
    return {
        "thiết chế": Institution.objects.count(),
        "bộ số liệu": Figures.objects.count(),
        "báo cáo của đơn vị": Submission.objects.count(),
        "hoạt động": Activity.objects.count(),
        "sự kiện duyệt": SubmissionEvent.objects.count(),
        "tài khoản": get_user_model().objects.count(),
    }


def _is_demo_database() -> bool:
    """Seeded before (the marker), or made by seed_demo before the marker
    existed: exactly the demo's accounts, and no one else's."""
    if DemoMarker.objects.exists():
        return True
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    return usernames == {p.username for p in PERSONAS}


class Command(BaseCommand):
    help = (
        "Tạo tỉnh minh họa trên dữ liệu tham chiếu (chạy load_reference trước): thiết chế, "
        "tài khoản minh họa cho từng vai trò, số liệu và báo cáo 2023-2026. Chạy lại cho "
        "cùng kết quả. Chỉ chạy trên cơ sở dữ liệu trống hoặc đã là tỉnh minh họa "
        "(--reset-demo để ghi đè dữ liệu khác), và chỉ khi DEBUG bật (--force nếu không)."
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
        parser.add_argument(
            "--reset-demo",
            action="store_true",
            help=(
                "Ghi đè tỉnh minh họa lên cơ sở dữ liệu đang có dữ liệu khác: thiết chế trùng "
                "mã bị sửa, số liệu 2023-2026 bị thay, mật khẩu tài khoản trùng tên bị đặt lại."
            ),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Cho chạy khi DEBUG tắt (máy chủ thật): chỉ dùng cho máy trình diễn.",
        )

    def _refuse_a_real_database(self, *, reset: bool, force: bool) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "seed_demo không chạy khi DEBUG tắt: đây có thể là cổng thật, và tỉnh minh "
                    "họa đặt mật khẩu công khai cho tài khoản admin. Trên máy trình diễn, thêm "
                    "--force (bin/demo bật DEBUG)."
                )
            )
        if _is_demo_database():
            return
        data = {name: n for name, n in _portal_data().items() if n}
        if not data:
            return
        summary = ", ".join(f"{n} {name}" for name, n in data.items())
        if not reset:
            raise CommandError(
                _(
                    "Cơ sở dữ liệu này không phải tỉnh minh họa và đã có dữ liệu (%(summary)s): "
                    "seed_demo không ghi đè. Dùng một cơ sở dữ liệu trống, hoặc thêm "
                    "--reset-demo nếu thật sự muốn thay bằng tỉnh minh họa."
                )
                % {"summary": summary}
            )
        existing = sorted(
            get_user_model()
            .objects.filter(username__in=[p.username for p in PERSONAS])
            .values_list("username", flat=True)
        )
        self.stdout.write(
            self.style.WARNING(
                _(
                    "--reset-demo: ghi đè tỉnh minh họa lên dữ liệu đang có (%(summary)s). "
                    "Thiết chế trùng mã minh họa bị sửa; số liệu, báo cáo 2023-2026 của các "
                    "đơn vị minh họa bị thay, hoạt động và lịch sử duyệt của chúng bị xóa; "
                    "mật khẩu của %(accounts)s bị đặt lại thành mật khẩu công khai."
                )
                % {
                    "summary": summary,
                    "accounts": ", ".join(existing) if existing else _("(không tài khoản nào)"),
                }
            )
        )

    # Messages in the source language (Vietnamese), whatever language a previous
    # request in this thread happened to activate.
    @no_translations
    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        self._refuse_a_real_database(
            reset=bool(options["reset_demo"]), force=bool(options["force"])
        )
        try:
            demo = demo_province_seed(scale=options["scale"])
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        # Marked before the figures: a run stopped half-way is still the demo's.
        DemoMarker.objects.update_or_create(pk=1)
        counts = demo_figures_seed(institutions=demo.institutions, users=demo.users)
        # A bulk load ends with a full rebuild of the precomputed attainment and, on
        # PostgreSQL, fresh planner statistics (rebuild_attainment does both).
        call_command("rebuild_attainment", stdout=io.StringIO())
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
