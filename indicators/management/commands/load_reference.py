from __future__ import annotations

from django.core.management.base import BaseCommand

from indicators.services import plan_load
from institutions.services import reference_load


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu tham chiếu: đơn vị hành chính (trước và sau 01/07/2025), kế thừa, "
        "đơn vị báo cáo, loại thiết chế, vai trò và Kế hoạch 3632/KH-UBND với các chỉ tiêu. "
        "Chạy lại không thay đổi gì."
    )

    def handle(self, *args: object, **options: object) -> None:
        counts = reference_load()
        plan = plan_load()
        counts["targets"] = sum(i.targets.count() for i in plan.indicators.all())
        summary = ", ".join(f"{k}={v}" for k, v in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Đã nạp dữ liệu tham chiếu: {summary}"))
