from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from indicators.models import AttainmentCell, Figures, Submission
from indicators.summary import rebuild
from institutions.importing import tables_analyse
from institutions.models import Institution


class Command(BaseCommand):
    help = (
        "Tính lại toàn bộ bảng tổng hợp đánh giá (số liệu đánh giá tính sẵn) từ thiết chế, "
        "báo cáo và số liệu, trong một giao dịch; trên PostgreSQL chạy ANALYZE sau đó. "
        "Bảng luôn được giữ đúng ở mỗi lần ghi: lệnh này dùng sau khi nạp dữ liệu bằng SQL "
        "hoặc để kiểm tra. / Rebuild the precomputed attainment from the base tables, then ANALYZE."
    )

    def add_arguments(self, parser: object) -> None:
        parser.add_argument("--database", default="default")  # type: ignore[attr-defined]

    def handle(self, *args: object, **options: object) -> None:
        using = str(options["database"])
        started = time.monotonic()
        cells = rebuild(using=using)
        # The planner needs fresh statistics after a full rewrite (autovacuum
        # may be off, and it lags a bulk load anyway).
        tables_analyse([AttainmentCell, Institution, Submission, Figures], using=using)
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tính lại bảng tổng hợp đánh giá: {cells} ô trong {seconds:.1f} giây."
            )
        )
