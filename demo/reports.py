"""The demo's issued reports: 2023-2025 as the Department sent them, each
issued (period locked, files kept, signed with the demo certificate when one is
configured), so that the history a reviewer opens is not empty."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractUser

from reports.annual.signing import DEMO_PASSPHRASE, make_demo_certificate
from reports.models import IssuedReport
from reports.services import report_draft_for_year, report_draft_update, report_issue

ISSUED_YEARS = (2023, 2024, 2025)
_NUMBERS = {2023: "187", 2024: "203", 2025: "196"}
_DIFFICULTIES = {
    2023: (
        "Năm đầu triển khai Kế hoạch, nhiều thư viện cấp xã và nhà văn hóa thôn chưa có "
        "cán bộ chuyên trách; việc thu thập số liệu còn chậm."
    ),
    2024: (
        "Kinh phí cho chuyển đổi số ở thư viện cấp xã còn hạn chế; một số thiết chế "
        "chưa có kết nối Internet ổn định."
    ),
    2025: (
        "Việc sắp xếp đơn vị hành chính từ ngày 01/07/2025 làm thay đổi đầu mối báo cáo; "
        "các thư viện và trung tâm văn hóa cấp huyện chấm dứt hoạt động."
    ),
}
_PROPOSALS = {
    2023: "Đề nghị Bộ Văn hóa, Thể thao và Du lịch tổ chức tập huấn nghiệp vụ cho cán bộ cơ sở.",
    2024: "Đề nghị bố trí kinh phí hỗ trợ số hóa tài liệu cho thư viện cấp xã.",
    2025: (
        "Đề nghị hướng dẫn việc tiếp nhận tài liệu, trang thiết bị của các thiết chế cấp "
        "huyện sau sắp xếp."
    ),
}


def demo_certificate_ensure() -> Path | None:
    """The demo's self-signed certificate at REPORT_SIGNING_P12, made if that
    file does not exist yet (bin/demo names var/demo-signing.p12)."""
    if not settings.REPORT_SIGNING_P12:
        return None
    path = Path(settings.REPORT_SIGNING_P12)
    if not path.exists():
        make_demo_certificate(path, settings.REPORT_SIGNING_PASSPHRASE or DEMO_PASSPHRASE)
    return path


def demo_reports_issue(*, reviewer: AbstractUser) -> int:
    """Issue the demo's reports of `ISSUED_YEARS` not issued yet. Idempotent:
    a year already issued is left as it is. Returns how many were issued."""
    demo_certificate_ensure()
    issued = 0
    for year in ISSUED_YEARS:
        draft = report_draft_for_year(year=year)
        if IssuedReport.objects.filter(period=draft.period).exists():
            continue
        draft = report_draft_update(
            draft=draft,
            user=reviewer,  # type: ignore[arg-type]
            data={
                "number": _NUMBERS[year],
                "report_date": dt.date(
                    year, 12, 10
                ),  # after the units' deadline and data cut-off (05/12)
                "signer_name": "Nguyễn Văn Hùng",
                "difficulties": _DIFFICULTIES[year],
                "proposals": _PROPOSALS[year],
            },
        )
        report_issue(draft=draft, user=reviewer)  # type: ignore[arg-type]
        issued += 1
    return issued
