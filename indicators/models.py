"""The plan as data, and the yearly figures reported against it.

A plan has indicators; an indicator has one target per group of categories
(the plan's "70 % thư viện công cộng cấp huyện"); a target has one milestone
per milestone year (2025, 2030). Another province's plan differs only in rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import F, Q
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from indicators.fields import FIELDS_BY_CODE
from institutions.changes import WatchedModel, WatchedQuerySet
from institutions.models import AdministrativeUnit, Category, Institution, ReportingUnit


class FieldCheckConstraint(models.CheckConstraint):
    """A CheckConstraint whose violation is reported on one field, so that a
    form shows its message beside that input (Django files every check
    constraint's message among the errors of no field). The field is the one
    the condition names, or `field` when it names several."""

    def __init__(self, *args: object, field: str | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.field = field

    def error_field(self) -> str:
        if self.field:
            return self.field
        (only,) = self.condition.referenced_base_fields
        return only

    def validate(
        self, model: object, instance: object, exclude: object = None, using: str = DEFAULT_DB_ALIAS
    ) -> None:
        try:
            super().validate(model, instance, exclude=exclude, using=using)
        except ValidationError as exc:
            raise ValidationError({self.error_field(): exc}) from None

    def deconstruct(self) -> tuple:
        path, args, kwargs = super().deconstruct()
        if self.field:
            kwargs["field"] = self.field
        return path, args, kwargs

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other) and self.field == getattr(other, "field", None)

    __hash__ = models.CheckConstraint.__hash__


class Plan(models.Model):
    number = models.CharField(_("số hiệu"), max_length=50, unique=True)
    issued_on = models.DateField(_("ngày ban hành"))
    title = models.TextField(_("tên kế hoạch"))
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200)
    province_name = models.CharField(_("tỉnh"), max_length=100)
    baseline_year = models.PositiveSmallIntegerField(_("năm gốc"))
    recipients = models.TextField(_("nơi nhận"), blank=True)
    # The territory the plan covers: the province-level unit with this code as it
    # stood when the plan was issued, everything under it, and every unit that
    # succeeded those (plan 3632: old Gia Lai, 64, and the new communes made of
    # its communes, not the former Bình Định communes of new province 52).
    # Empty: every unit.
    territory_code = models.CharField(_("mã địa bàn áp dụng"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")

    def __str__(self) -> str:
        return self.number


class IndicatorKind(models.TextChoices):
    SHARE = "share", _("Tỷ lệ thiết chế đạt tiêu chí")
    GROWTH = "growth", _("Tăng trưởng bình quân hằng năm")


class Indicator(models.Model):
    plan = models.ForeignKey(
        Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("mã"), max_length=40)
    name = models.TextField(_("tên"))
    name_en = models.TextField(_("tên tiếng Anh"), blank=True)
    kind = models.CharField(_("loại"), max_length=10, choices=IndicatorKind.choices)
    # Share indicators: the yes/no fields that must all be "yes" to meet the criterion.
    criterion_fields = models.JSONField(_("tiêu chí (các trường có/không)"), default=list)
    # Growth indicators: the quantity whose average annual growth is measured.
    quantity_field = models.CharField(_("đại lượng"), max_length=40, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["plan", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="indicator_code_unique_in_plan"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def display_name(self) -> str:
        """The name in the active language: the plan's transcription in English, if any."""
        english = (get_language() or "vi").startswith("en")
        return self.name_en if english and self.name_en else self.name


class Target(models.Model):
    """One target of the plan: an indicator for a group of categories."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("chỉ tiêu"), on_delete=models.CASCADE, related_name="targets"
    )
    code = models.CharField(_("mã"), max_length=60)
    categories = models.ManyToManyField(Category, verbose_name=_("loại thiết chế"))
    clause = models.CharField(_("điều khoản của kế hoạch"), max_length=100)
    label = models.CharField(_("nhãn"), max_length=300)
    label_en = models.CharField(_("nhãn tiếng Anh"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("mục tiêu")
        verbose_name_plural = _("mục tiêu")
        ordering = ["indicator__sort_order", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "code"], name="target_code_unique"),
        ]

    def __str__(self) -> str:
        return self.code


class Milestone(models.Model):
    target = models.ForeignKey(
        Target, verbose_name=_("mục tiêu"), on_delete=models.CASCADE, related_name="milestones"
    )
    year = models.PositiveSmallIntegerField(_("năm mốc"))
    # Percent of institutions (share) or percent a year (growth).
    value = models.DecimalField(_("giá trị"), max_digits=6, decimal_places=2)
    # Upper end of a band ("tăng 10% - 15% mỗi năm"); null for a single value.
    value_max = models.DecimalField(
        _("giá trị tối đa"), max_digits=6, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("mốc mục tiêu")
        verbose_name_plural = _("mốc mục tiêu")
        ordering = ["target", "year"]
        constraints = [
            models.UniqueConstraint(fields=["target", "year"], name="milestone_year_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="milestone_value_non_negative"),
            models.CheckConstraint(
                condition=Q(value_max__isnull=True) | Q(value_max__gte=F("value")),
                name="milestone_band_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target.code} {self.year}: {self.value}"


def parse_reminder_days(text: str) -> list[int]:
    """The day-marks written in `text` ("14,7,2"), largest first; ValueError on
    anything but whole numbers ≥ 0."""
    marks = {int(part) for part in text.replace(";", ",").split(",") if part.strip()}
    if any(m < 0 for m in marks):
        raise ValueError(text)
    return sorted(marks, reverse=True)


def validate_reminder_days(text: str) -> None:
    try:
        parse_reminder_days(text)
    except ValueError:
        raise ValidationError(
            _(
                "Ngày nhắc hạn phải là các số nguyên không âm, cách nhau bằng dấu phẩy (ví dụ 14,7,2)."
            ),
            code="reminder_days",
        ) from None


class AppendOnlyQuerySet(models.QuerySet):
    """History rows are written once and kept: no bulk change, no bulk delete."""

    def update(self, **kwargs: object) -> int:
        raise ValidationError(_("Lịch sử thay đổi không sửa được."), code="append_only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValidationError(_("Lịch sử thay đổi không xóa được."), code="append_only")

    # bulk_update goes through update(); named so that the refusal is explicit.
    def bulk_update(self, *args: object, **kwargs: object) -> int:
        raise ValidationError(_("Lịch sử thay đổi không sửa được."), code="append_only")


class WrittenOnce(models.Model):
    """A row saved once and then kept as it is: save() of an existing row and
    delete() are refused, with the subclass's words for what it is."""

    not_changed_message = _("Lịch sử thay đổi không sửa được.")
    not_deleted_message = _("Lịch sử thay đổi không xóa được.")

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ValidationError(self.not_changed_message, code="append_only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object):  # type: ignore[override]
        raise ValidationError(self.not_deleted_message, code="append_only")


class AppendOnlyModel(WrittenOnce):
    """A history row (AuditEntry, SubmissionEvent, PeriodEvent): saved once,
    never changed nor deleted, by a page, the admin, the API or a script using
    the ORM. (The demo seeder rewrites its own history through
    `_base_manager`, on a demo database only.)"""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True


class PeriodState(models.TextChoices):
    OPEN = "open", _("Đang mở")
    LOCKED = "locked", _("Đã khóa")


class ReportingPeriod(models.Model):
    year = models.PositiveSmallIntegerField(_("năm"), unique=True)
    deadline = models.DateField(_("hạn nộp"))
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=PeriodState.choices, default=PeriodState.OPEN
    )
    locked_at = models.DateTimeField(_("khóa lúc"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người khóa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lock_reason = models.TextField(_("lý do khóa"), blank=True)
    # The day the year's figures are taken as final for the report (default:
    # the deadline); printed on the report.
    data_cutoff = models.DateField(
        _("ngày chốt số liệu"),
        null=True,
        blank=True,
        help_text=_("Để trống: ngày chốt số liệu là hạn nộp."),
    )
    # The day-marks of the reminders (indicators/reminders.py): days before the
    # deadline from which officers of units not yet sent are e-mailed.
    reminder_days = models.CharField(
        _("nhắc hạn trước (ngày)"),
        max_length=50,
        default="14,7,2",
        blank=True,
        validators=[validate_reminder_days],
        help_text=_(
            "Số ngày trước hạn nộp, cách nhau bằng dấu phẩy, ví dụ 14,7,2. Để trống: không nhắc."
        ),
    )

    class Meta:
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)

    @staticmethod
    def default_deadline(year: int) -> dt.date:
        return dt.date(year, 12, 5)

    @property
    def is_locked(self) -> bool:
        return self.state == PeriodState.LOCKED

    @property
    def cutoff(self) -> dt.date:
        """The data cut-off: the day set for it, or the deadline."""
        return self.data_cutoff or self.deadline

    @property
    def reminder_marks(self) -> list[int]:
        """The reminder day-marks, largest first ([] when unreadable or blank)."""
        try:
            return parse_reminder_days(self.reminder_days)
        except ValueError:
            return []


class PeriodEvent(AppendOnlyModel):
    """Locking and reopening of a period, kept for ever."""

    class Action(models.TextChoices):
        LOCK = "lock", _("Khóa")
        REOPEN = "reopen", _("Mở lại")

    # PROTECT: a period with lock history cannot be deleted (it would take its history along).
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("thao tác"), max_length=10, choices=Action.choices)
    reason = models.TextField(_("lý do"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("lịch sử kỳ báo cáo")
        verbose_name_plural = _("lịch sử kỳ báo cáo")
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.period.year} {self.action}"


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("Đang nhập")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Bị trả lại")
    APPROVED = "approved", _("Đã duyệt")


# Which states allow which step: the services enforce them and
# indicators.selectors.submission_actions shows them to pages.
EDITABLE_STATES = frozenset({SubmissionState.DRAFT, SubmissionState.RETURNED})
APPROVABLE_STATES = frozenset({SubmissionState.SUBMITTED})
RETURNABLE_STATES = frozenset({SubmissionState.SUBMITTED, SubmissionState.APPROVED})


class Submission(WatchedModel):
    # What the precomputed attainment is derived from (institutions/changes.py).
    WATCHED_FIELDS = frozenset({"state", "reporting_unit", "period"})

    reporting_unit = models.ForeignKey(
        ReportingUnit,
        verbose_name=_("đơn vị báo cáo"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("kỳ báo cáo"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    state = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=SubmissionState.choices,
        default=SubmissionState.DRAFT,
    )
    # Optimistic concurrency: every write bumps it; a form posted with an older
    # version is refused instead of silently overwriting someone else's work.
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    # Lateness is judged on the first time the unit sent its report: a report sent
    # on time and returned after the deadline for a correction is not late.
    first_submitted_at = models.DateTimeField(_("gửi lần đầu lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    # Kept exact at every write to figures and institutions
    # (indicators/submission_counts.py), for the review queue and freshness.
    figures_count = models.PositiveIntegerField(
        _("số thiết chế có số liệu"), default=0, editable=False
    )
    complete_count = models.PositiveIntegerField(
        _("số thiết chế đã nhập đủ"), default=0, editable=False
    )

    objects = WatchedQuerySet.as_manager()

    class Meta:
        verbose_name = _("báo cáo của đơn vị")
        verbose_name_plural = _("báo cáo của đơn vị")
        ordering = ["period", "reporting_unit__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporting_unit", "period"], name="submission_unit_period_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reporting_unit.code} {self.period.year}"

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES


class SubmissionEvent(AppendOnlyModel):
    """Every state change of a submission: who, when, from, to, why."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField(max_length=10, choices=SubmissionState.choices, blank=True)
    to_state = models.CharField(max_length=10, choices=SubmissionState.choices)
    reason = models.TextField(_("lý do"), blank=True)
    # Null when the step was taken by a management command (import_figures --submit).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("lịch sử trạng thái")
        verbose_name_plural = _("lịch sử trạng thái")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_state or '-'} → {self.to_state}"


class Figures(WatchedModel):
    """One institution's figures for one year (DESIGN section 4).

    A field that does not apply to the institution's category stays null; a
    yes/no that applies is never left null once submitted.
    """

    institution = models.ForeignKey(
        Institution, verbose_name=_("thiết chế"), on_delete=models.PROTECT, related_name="figures"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    submission = models.ForeignKey(
        Submission, verbose_name=_("báo cáo"), on_delete=models.PROTECT, related_name="figures"
    )
    lll_services = models.BooleanField(_("Có dịch vụ học tập suốt đời"), null=True, blank=True)
    digital_transformation = models.BooleanField(
        _("Có ứng dụng CNTT, chuyển đổi số"), null=True, blank=True
    )
    user_visits = models.PositiveIntegerField(_("Lượt người sử dụng"), null=True, blank=True)
    education_programme = models.BooleanField(_("Có chương trình giáo dục"), null=True, blank=True)
    digital_exhibitions = models.BooleanField(
        _("Có trưng bày chuyên đề trên không gian số"), null=True, blank=True
    )
    study_visitors = models.PositiveIntegerField(
        _("Lượt khách nghiên cứu, học tập"), null=True, blank=True
    )
    total_visitors = models.PositiveIntegerField(_("Tổng lượt khách"), null=True, blank=True)
    creative_activities = models.BooleanField(
        _("Tổ chức, hỗ trợ hoạt động sáng tạo, hưởng thụ văn hóa"), null=True, blank=True
    )
    clubs_or_classes = models.BooleanField(
        _("Có lớp năng khiếu, câu lạc bộ, nhóm sở thích"), null=True, blank=True
    )
    regular_activities = models.BooleanField(_("Hoạt động thường xuyên"), null=True, blank=True)
    clubs_count = models.PositiveIntegerField(_("Số câu lạc bộ, lớp, nhóm"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("Lượt người tham gia"), null=True, blank=True)
    note = models.TextField(_("Ghi chú"), blank=True)
    # The officer's explanation for a figure that moved more than threefold.
    change_comment = models.TextField(_("Giải trình biến động"), blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = WatchedQuerySet.as_manager()

    class Meta:
        verbose_name = _("số liệu")
        verbose_name_plural = _("số liệu")
        ordering = ["year", "institution__code"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "year"], name="figures_one_per_year"),
            FieldCheckConstraint(
                condition=Q(study_visitors__isnull=True)
                | Q(total_visitors__isnull=True)
                | Q(study_visitors__lte=F("total_visitors")),
                name="figures_study_within_total",
                field="study_visitors",
                violation_error_code="study_over_total",
                violation_error_message=_(
                    "Lượt khách nghiên cứu, học tập không được lớn hơn tổng lượt khách."
                ),
            ),
        ]
        indexes = [models.Index(fields=["year", "submission"])]

    def __str__(self) -> str:
        return f"{self.institution.code} {self.year}"


# A figure's note, its explanation and its time stamp feed no attainment.
Figures.WATCHED_FIELDS = frozenset(
    f.name
    for f in Figures._meta.concrete_fields
    if f.name not in {"id", "note", "change_comment", "updated_at"}
)


class TaskGroup(models.TextChoices):
    COMMUNICATION = "III.1", _("III.1 Tuyên truyền, nâng cao nhận thức")
    INFRASTRUCTURE = "III.2", _("III.2 Cơ sở hạ tầng, CNTT và chuyển đổi số")
    STAFF = "III.3", _("III.3 Phát triển nguồn nhân lực")
    COOPERATION = "III.4", _("III.4 Tăng cường hợp tác")
    SOCIALISATION = "III.5", _("III.5 Đẩy mạnh xã hội hóa")


class KeyDay(models.TextChoices):
    BOOK_DAY = "21/4", _("21/4 Ngày Sách và Văn hóa đọc Việt Nam")
    WORLD_BOOK_DAY = "23/4", _("23/4 Ngày Sách và Bản quyền thế giới")
    MUSEUM_DAY = "18/5", _("18/5 Ngày Quốc tế Bảo tàng")
    DIGITAL_DAY = "10/10", _("10/10 Ngày Chuyển đổi số quốc gia và của tỉnh")
    HERITAGE_DAY = "23/11", _("23/11 Ngày Di sản văn hóa Việt Nam")
    LLL_WEEK = "lll_week", _("Tuần lễ hưởng ứng học tập suốt đời")
    # Plan III.1: "... và các ngày lễ, ngày kỷ niệm của đất nước và của tỉnh".
    OTHER = "other", _("Ngày lễ, ngày kỷ niệm khác của đất nước và của tỉnh")


# The three sources of an activity's funding (plan section IV), in đồng.
FUNDING_FIELDS = ("funding_state_budget", "funding_programmes", "funding_contributions")

# The countable outputs an activity records, each for the one task group of the plan
# that produces it; blank (None) where the activity has none to report.
ACTIVITY_OUTPUTS = {
    "items_digitised": TaskGroup.INFRASTRUCTURE,
    "courses_held": TaskGroup.STAFF,
    "people_trained": TaskGroup.STAFF,
    "agreements_signed": TaskGroup.COOPERATION,
    "sponsors": TaskGroup.SOCIALISATION,
}


def _output_field(label: str, group: TaskGroup) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        label,
        null=True,
        blank=True,
        help_text=format_lazy(_("Chỉ ghi cho hoạt động nhóm {group}."), group=group.value),
    )


class Activity(models.Model):
    submission = models.ForeignKey(
        Submission, verbose_name=_("báo cáo"), on_delete=models.PROTECT, related_name="activities"
    )
    date = models.DateField(_("ngày"))
    title = models.CharField(_("tên hoạt động"), max_length=300)
    task_group = models.CharField(_("nhóm nhiệm vụ"), max_length=6, choices=TaskGroup.choices)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("thiết chế"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    key_day = models.CharField(_("ngày kỷ niệm"), max_length=10, choices=KeyDay.choices, blank=True)
    participants = models.PositiveIntegerField(_("lượt người tham gia"), default=0)
    funding_state_budget = models.DecimalField(
        _("ngân sách nhà nước (đồng)"), max_digits=15, decimal_places=0, default=0
    )
    funding_programmes = models.DecimalField(
        _("lồng ghép chương trình, đề án (đồng)"), max_digits=15, decimal_places=0, default=0
    )
    funding_contributions = models.DecimalField(
        _("đóng góp, xã hội hóa (đồng)"), max_digits=15, decimal_places=0, default=0
    )
    items_digitised = _output_field(
        _("số tài liệu, hiện vật được số hóa"), TaskGroup.INFRASTRUCTURE
    )
    courses_held = _output_field(_("số lớp đào tạo, bồi dưỡng, tập huấn"), TaskGroup.STAFF)
    people_trained = _output_field(_("số người được đào tạo, bồi dưỡng"), TaskGroup.STAFF)
    agreements_signed = _output_field(
        _("số chương trình, thỏa thuận phối hợp được ký kết"), TaskGroup.COOPERATION
    )
    sponsors = _output_field(_("số tổ chức, cá nhân tài trợ, đóng góp"), TaskGroup.SOCIALISATION)
    is_deleted = models.BooleanField(_("đã xóa"), default=False)

    class Meta:
        verbose_name = _("hoạt động")
        verbose_name_plural = _("hoạt động")
        ordering = ["date", "pk"]
        constraints = [
            FieldCheckConstraint(
                condition=Q(**{f"{name}__gte": 0}),
                name=f"activity_{name}_non_negative",
                violation_error_code="negative_amount",
                violation_error_message=_(
                    "Số tiền không được là số âm: ghi 0 nếu không có kinh phí từ nguồn này."
                ),
            )
            for name in FUNDING_FIELDS
        ] + [
            FieldCheckConstraint(
                condition=Q(**{f"{name}__isnull": True}) | Q(task_group=group),
                field=name,
                name=f"activity_{name}_in_its_group",
                violation_error_code="output_of_other_group",
                violation_error_message=format_lazy(
                    _(
                        "Kết quả này chỉ ghi cho hoạt động nhóm {group}: để trống, "
                        "hoặc chọn đúng nhóm nhiệm vụ."
                    ),
                    group=group.value,
                ),
            )
            for name, group in ACTIVITY_OUTPUTS.items()
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def output_label(cls, name: str) -> str:
        """An output's words, as the form, the page, the report and the workbook say them."""
        field = cls._meta.get_field(name)
        assert isinstance(field, models.Field) and name in ACTIVITY_OUTPUTS
        return str(field.verbose_name)

    def outputs(self) -> list[tuple[str, int]]:
        """The outputs recorded, as (label, count), in the model's order."""
        return [
            (self.output_label(name), getattr(self, name))
            for name in ACTIVITY_OUTPUTS
            if getattr(self, name) is not None
        ]


class AuditEntry(AppendOnlyModel):
    """One change to one object: who, when, which object, and every field of it
    that changed, from which value to which (never changed nor deleted).

    `changes` is a list of {"field", "old", "new"} in the object's field
    order, the values as the pages show them (`institutions.services.history.show`):
    a save that changes three fields is one entry of three changes, so the
    trail costs what changed, not one row per field. A deleted object is one
    change, DELETED, whose old value describes it."""

    DELETED = "deleted"

    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_entries"
    )
    object_type = models.CharField(_("đối tượng"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("mã đối tượng"))
    object_label = models.CharField(_("tên đối tượng"), max_length=300, blank=True)
    changes = models.JSONField(_("các trường thay đổi"), default=list)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id}: {', '.join(self.field_names)}"

    @property
    def field_names(self) -> list[str]:
        """The names of the fields changed, in order."""
        return [c["field"] for c in self.changes]

    def changes_shown(self) -> list[ShownChange]:
        """Each change with its field named as the user knows it (`audit_field_label`)."""
        return [
            ShownChange(
                c["field"], audit_field_label(self.object_type, c["field"]), c["old"], c["new"]
            )
            for c in self.changes
        ]


@dataclass(frozen=True)
class ShownChange:
    field: str
    label: str | Promise
    old: str
    new: str


def audit_field_label(object_type: str, field: str) -> str | Promise:
    """A field of an audited object (`AuditEntry.object_type`, its model's name)
    in the words the user knows: a yearly figure by the data dictionary's
    label, any other field by its model field's verbose name; a field since
    removed by its code."""
    if object_type == "figures" and field in FIELDS_BY_CODE:
        return FIELDS_BY_CODE[field].label
    if field == AuditEntry.DELETED:
        return _("đã xóa")
    model = _models_by_name().get(object_type)
    try:
        model_field = model._meta.get_field(field) if model is not None else None
    except FieldDoesNotExist:
        model_field = None
    return getattr(model_field, "verbose_name", None) or field


@cache
def _models_by_name() -> dict[str, type[models.Model]]:
    return {m._meta.model_name or "": m for m in apps.get_models()}


class UploadedFile(WrittenOnce):
    """Every file an officer uploaded into a submission, kept byte for byte with
    who, when and what came of it: accepted, or refused with its problem list.
    Append-only, like the issued reports. The bytes live in the database (as
    IssuedReport's and ReportJob's do): the app servers and workers share
    nothing but the database, so no shared disk or MEDIA_ROOT is needed."""

    not_changed_message = _("Tệp đã tải lên không sửa được.")
    not_deleted_message = _("Tệp đã tải lên không xóa được.")

    submission = models.ForeignKey(
        Submission, verbose_name=_("báo cáo"), on_delete=models.PROTECT, related_name="uploads"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    filename = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("nội dung tệp"), editable=False)
    accepted = models.BooleanField(_("được nhận"))
    # Refused: one {"sheet", "row", "column", "value", "message"} per problem.
    problems = models.JSONField(_("các lỗi"), default=list, blank=True)

    class Meta:
        verbose_name = _("tệp đã tải lên")
        verbose_name_plural = _("tệp đã tải lên")
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["submission", "-uploaded_at"])]

    def __str__(self) -> str:
        return self.filename


class ReminderKind(models.TextChoices):
    REMINDER = "reminder", _("Nhắc hạn nộp")
    DIGEST = "digest", _("Tổng hợp hằng ngày")


class ReminderLog(models.Model):
    """Every reminder and digest e-mail sent. A reminder is sent once per
    recipient, unit, period and day-mark; a digest once per recipient and day:
    the constraints make a second run of the same day send nothing."""

    kind = models.CharField(_("loại"), max_length=10, choices=ReminderKind.choices)
    to = models.EmailField(_("người nhận"))
    subject = models.CharField(_("tiêu đề"), max_length=300)
    reporting_unit = models.ForeignKey(
        ReportingUnit,
        verbose_name=_("đơn vị báo cáo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("kỳ báo cáo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Reminders: the day-mark (days before the deadline) it was sent for.
    day_mark = models.PositiveSmallIntegerField(_("mốc nhắc (ngày trước hạn)"), null=True)
    # The day the run was for (the portal's local date).
    sent_on = models.DateField(_("ngày gửi"))
    sent_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("thư nhắc đã gửi")
        verbose_name_plural = _("thư nhắc đã gửi")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["to", "reporting_unit", "period", "day_mark"],
                condition=Q(kind="reminder"),
                name="reminder_once_per_mark",
            ),
            models.UniqueConstraint(
                fields=["to", "sent_on"],
                condition=Q(kind="digest"),
                name="digest_once_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to} ({self.sent_on:%d/%m/%Y})"


class AttainmentRebuild(models.Model):
    """One full rebuild of the precomputed attainment (rebuild_attainment, a bulk
    load): when it ended and how many cells it wrote; /healthz shows the last."""

    finished_at = models.DateTimeField(_("xong lúc"), auto_now_add=True)
    cells = models.PositiveIntegerField(_("số ô"))

    class Meta:
        verbose_name = _("lần tính lại bảng tổng hợp")
        verbose_name_plural = _("các lần tính lại bảng tổng hợp")
        ordering = ["-finished_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.finished_at:%d/%m/%Y %H:%M} ({self.cells})"


class AttainmentCell(models.Model):
    """The precomputed attainment (indicators/summary.py): what the engine
    aggregates, by administrative unit and category, kept exact in the
    transaction of every write to institutions, submissions and figures.

    Three kinds of row, one table so that the engine reads them in one query:

    - INSTITUTIONS: `n` institutions opened in `year` and closed in `year_b`
      (null: still open) — open counts, closures and openings in any year.
    - FIGURES: `n` institutions open in `year` with figures for it in a
      submission in `state` (submitted or approved) of `reporting_unit`, whose
      yes answers are `mask` (bit i: `summary.YES_FIELDS[i]` is yes); per
      quantity q, `n_q` reported it and `sum_q` is its total.
    - PANEL: `n` institutions with counted figures in `year` (state,
      reporting_unit) and in a later `year_b` (state_b, reporting_unit_b); per
      quantity q, `n_q` reported it in both, `sum_q` and `sum_b_q` are its totals
      over those in `year` and in `year_b` (the matched panel).
    """

    class Kind(models.IntegerChoices):
        INSTITUTIONS = 1, "institutions"
        FIGURES = 2, "figures"
        PANEL = 3, "panel"

    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    admin_unit = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    year_b = models.PositiveSmallIntegerField(null=True)
    state = models.CharField(max_length=10, blank=True)
    reporting_unit = models.ForeignKey(
        ReportingUnit, null=True, on_delete=models.CASCADE, related_name="+"
    )
    state_b = models.CharField(max_length=10, blank=True)
    reporting_unit_b = models.ForeignKey(
        ReportingUnit, null=True, on_delete=models.CASCADE, related_name="+"
    )
    mask = models.PositiveIntegerField(default=0)
    n = models.PositiveIntegerField(default=0)
    n_user_visits = models.PositiveIntegerField(default=0)
    sum_user_visits = models.BigIntegerField(default=0)
    sum_b_user_visits = models.BigIntegerField(default=0)
    n_study_visitors = models.PositiveIntegerField(default=0)
    sum_study_visitors = models.BigIntegerField(default=0)
    sum_b_study_visitors = models.BigIntegerField(default=0)
    n_total_visitors = models.PositiveIntegerField(default=0)
    sum_total_visitors = models.BigIntegerField(default=0)
    sum_b_total_visitors = models.BigIntegerField(default=0)
    n_clubs_count = models.PositiveIntegerField(default=0)
    sum_clubs_count = models.BigIntegerField(default=0)
    sum_b_clubs_count = models.BigIntegerField(default=0)
    n_participants = models.PositiveIntegerField(default=0)
    sum_participants = models.BigIntegerField(default=0)
    sum_b_participants = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("ô tổng hợp đánh giá")
        verbose_name_plural = _("bảng tổng hợp đánh giá")
        indexes = [
            models.Index(fields=["category", "admin_unit", "kind", "year"]),
            models.Index(fields=["kind", "year", "year_b"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} {self.admin_unit_id}/{self.category_id}"
