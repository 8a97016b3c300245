"""The yearly report's human-written parts (figures always come from the engine).

A report draft holds only what a person writes or decides: the number and symbol,
the date, who signs, who receives it and the narrative. Every figure in the PDF
and the workbook is computed when they are built, from the attainment engine and
the recorded activities, so that nothing is typed twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators.models import ReportingPeriod, WrittenOnce


class ReportDraft(models.Model):
    period = models.OneToOneField(
        ReportingPeriod,
        verbose_name=_("kỳ báo cáo"),
        on_delete=models.PROTECT,
        related_name="report_draft",
    )
    # "Số: 125/BC-SVHTTDL": the number is given by the clerk's office when the
    # report is registered: blank in a draft ("Số:     /BC-SVHTTDL"), required to issue.
    number = models.CharField(_("số"), max_length=20, blank=True)
    symbol = models.CharField(_("ký hiệu"), max_length=50, default="BC-SVHTTDL")
    report_date = models.DateField(_("ngày báo cáo"), null=True, blank=True)
    place = models.CharField(_("địa danh"), max_length=100, default="Gia Lai")
    issuing_parent = models.CharField(
        _("cơ quan chủ quản"), max_length=200, default="UBND TỈNH GIA LAI"
    )
    issuing_body = models.CharField(
        _("cơ quan ban hành"), max_length=200, default="SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH"
    )
    # "KT. GIÁM ĐỐC" when a deputy signs on the director's behalf; blank when the
    # director signs in person.
    signer_authority = models.CharField(
        _("thẩm quyền ký"), max_length=100, blank=True, default="KT. GIÁM ĐỐC"
    )
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, default="PHÓ GIÁM ĐỐC")
    signer_name = models.CharField(_("họ tên người ký"), max_length=100, blank=True)
    recipients = models.TextField(_("nơi nhận"), blank=True)
    other_results = models.TextField(_("kết quả khác"), blank=True)
    difficulties = models.TextField(_("khó khăn, vướng mắc"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cập nhật"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("ban hành lúc"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ban hành"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("dự thảo báo cáo năm")
        verbose_name_plural = _("dự thảo báo cáo năm")
        ordering = ["-period__year"]

    def __str__(self) -> str:
        return f"{self.period.year} {self.number_and_symbol}"

    @property
    def number_and_symbol(self) -> str:
        # Blank number: leave room for the clerk to write it in by hand.
        number = self.number or "\u2002" * 4
        return f"{number}/{self.symbol}"

    @property
    def is_issued(self) -> bool:
        return self.issued_at is not None

    @property
    def recipient_lines(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]


class ReportJob(models.Model):
    """One request for a year's report as PDF or workbook, built by a background
    task (reports/tasks.py) and kept here until a newer file of the same kind is
    built. The file and the state `done` are written by one UPDATE, so nobody
    ever downloads half a file; a failed job keeps its message and no file."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "Excel"

    class State(models.TextChoices):
        QUEUED = "queued", _("đang chờ")
        RUNNING = "running", _("đang tạo")
        DONE = "done", _("đã xong")
        FAILED = "failed", _("không thành công")

    ACTIVE_STATES = (State.QUEUED, State.RUNNING)

    draft = models.ForeignKey(
        ReportDraft, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="jobs"
    )
    kind = models.CharField(_("loại tệp"), max_length=4, choices=Kind.choices)
    state = models.CharField(
        _("trạng thái"), max_length=8, choices=State.choices, default=State.QUEUED
    )
    progress = models.CharField(_("tiến độ"), max_length=200, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    # In the database, not on a disk: several app servers and workers share
    # nothing but PostgreSQL and Redis. Read it only to download (see selectors).
    result = models.BinaryField(_("tệp"), null=True, blank=True, editable=False)
    size = models.PositiveIntegerField(_("dung lượng (byte)"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    # How many times a worker took it up: more than one after a worker died.
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)

    class Meta:
        verbose_name = _("tác vụ tạo tệp báo cáo")
        verbose_name_plural = _("tác vụ tạo tệp báo cáo")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["draft", "kind", "-requested_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES

    @property
    def is_done(self) -> bool:
        return self.state == self.State.DONE


class IssuedReport(WrittenOnce):
    """One issued version of a year's report, kept byte for byte: the PDF (signed
    when a certificate is configured) and the workbook exactly as issued, with
    their SHA-256, who issued them and when. Append-only: a reopening and a new
    issue make a new version, never a change to this one."""

    not_changed_message = _("Báo cáo đã ban hành không sửa được.")
    not_deleted_message = _("Báo cáo đã ban hành không xóa được.")

    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("kỳ báo cáo"),
        on_delete=models.PROTECT,
        related_name="issued_reports",
    )
    version = models.PositiveSmallIntegerField(_("phiên bản"))
    number_and_symbol = models.CharField(_("số, ký hiệu"), max_length=80)
    report_date = models.DateField(_("ngày báo cáo"))
    signer_name = models.CharField(_("người ký"), max_length=100)
    data_cutoff = models.DateField(_("ngày chốt số liệu"))
    issued_at = models.DateTimeField(_("ban hành lúc"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ban hành"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    pdf = models.BinaryField(_("tệp PDF"))
    pdf_sha256 = models.CharField(_("SHA-256 của tệp PDF"), max_length=64)
    xlsx = models.BinaryField(_("tệp Excel"))
    xlsx_sha256 = models.CharField(_("SHA-256 của tệp Excel"), max_length=64)
    signed_by = models.CharField(
        _("chứng thư ký số"), max_length=300, blank=True, help_text=_("Để trống: chưa ký số.")
    )

    class Meta:
        verbose_name = _("báo cáo năm đã ban hành")
        verbose_name_plural = _("báo cáo năm đã ban hành")
        ordering = ["period__year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "version"],
                name="issued_report_one_per_version",
                violation_error_message=_("Phiên bản này của báo cáo đã có."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.period.year} v{self.version} {self.number_and_symbol}"

    def file(self, fmt: str) -> bytes:
        return bytes(self.pdf if fmt == "pdf" else self.xlsx)

    def sha256(self, fmt: str) -> str:
        return self.pdf_sha256 if fmt == "pdf" else self.xlsx_sha256


class DataVersion(models.Model):
    """The version of everything the portal's pages show: one row whose random
    token every write to the portal's tables replaces, in the writing
    transaction (reports/page_cache.py). Cached parts of pages are keyed by it."""

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("phiên bản dữ liệu")
        verbose_name_plural = _("phiên bản dữ liệu")

    def __str__(self) -> str:
        return self.token
