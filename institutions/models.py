"""Administrative units, reporting units, institution categories and institutions.

Administrative units are data, never code: a unit is identified by its official
code *and* its validity, because codes are reused across reorganisations (old
23563 Phường Ia Kring, new 23563 Phường Diên Hồng).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from institutions.changes import WatchedModel, WatchedQuerySet

# Stands for "valid since before records begin" in the uniqueness constraint only.
_EARLIEST = dt.date(1900, 1, 1)


class Level(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


class AdministrativeUnitQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date) -> AdministrativeUnitQuerySet:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def valid_in_year(self, year: int) -> AdministrativeUnitQuerySet:
        """Units that existed on at least one day of `year`."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=dt.date(year, 12, 31)),
            Q(valid_to__isnull=True) | Q(valid_to__gte=dt.date(year, 1, 1)),
        )


class AdministrativeUnit(models.Model):
    code = models.CharField(_("mã"), max_length=10, db_index=True)
    name = models.CharField(_("tên"), max_length=200)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("thuộc đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self",
        verbose_name=_("được kế thừa bởi"),
        through="UnitSuccession",
        through_fields=("predecessor", "successor"),
        symmetrical=False,
        related_name="predecessors",
        blank=True,
    )

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["level", "code", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                F("code"),
                Coalesce(F("valid_from"), Value(_EARLIEST)),
                name="adminunit_code_validity_unique",
                violation_error_message=_("Đã có đơn vị hành chính cùng mã và cùng ngày hiệu lực."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="adminunit_valid_to_after_from",
                violation_error_message=_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code}{self.validity_suffix})"

    @property
    def validity_suffix(self) -> str:
        if self.valid_to:
            return f", đến {self.valid_to:%d/%m/%Y}"
        if self.valid_from:
            return f", từ {self.valid_from:%d/%m/%Y}"
        return ""

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )

    @property
    def validity_text(self) -> str:
        """ "Phường Ia Kring (23563, … – 30/06/2025)": which unit, unmistakably."""
        start = f"{self.valid_from:%d/%m/%Y}" if self.valid_from else "…"
        end = f"{self.valid_to:%d/%m/%Y}" if self.valid_to else "…"
        return f"{self.name} ({self.code}, {start} – {end})"

    def is_valid_in_year(self, year: int) -> bool:
        starts = self.valid_from is None or self.valid_from <= dt.date(year, 12, 31)
        ends = self.valid_to is None or self.valid_to >= dt.date(year, 1, 1)
        return starts and ends

    def clean(self) -> None:
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("Một đơn vị không thể thuộc chính nó.")})


class UnitSuccession(models.Model):
    """One line of a reorganisation: `predecessor` became (part of) `successor`."""

    predecessor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị cũ"),
        on_delete=models.CASCADE,
        related_name="succession_to",
    )
    successor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị mới"),
        on_delete=models.CASCADE,
        related_name="succession_from",
    )
    effective_on = models.DateField(_("ngày hiệu lực"))
    source = models.CharField(_("căn cứ"), max_length=300, blank=True)
    source_line = models.TextField(_("trích dẫn"), blank=True)
    confidence = models.CharField(_("độ tin cậy"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("kế thừa đơn vị hành chính")
        verbose_name_plural = _("kế thừa đơn vị hành chính")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"],
                name="succession_pair_unique",
                violation_error_message=_("Quan hệ kế thừa giữa hai đơn vị này đã có."),
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")),
                name="succession_not_self",
                violation_error_message=_("Một đơn vị không thể kế thừa chính nó."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class ReportingUnitKind(models.TextChoices):
    DISTRICT_COMMITTEE = "district_committee", _("UBND cấp huyện")
    COMMUNE_COMMITTEE = "commune_committee", _("UBND cấp xã")
    PROVINCIAL_DEPARTMENT = "provincial_department", _("Sở Văn hóa, Thể thao và Du lịch")
    SECTOR_DEPARTMENT = "sector_department", _("Sở, ngành")
    ARMED_FORCES = "armed_forces", _("Lực lượng vũ trang")
    UNIVERSITY_BRANCH = "university_branch", _("Phân hiệu đại học")


class ReportingUnitQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date) -> ReportingUnitQuerySet:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def valid_in_year(self, year: int) -> ReportingUnitQuerySet:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=dt.date(year, 12, 31)),
            Q(valid_to__isnull=True) | Q(valid_to__gte=dt.date(year, 1, 1)),
        )


class ReportingUnit(models.Model):
    code = models.CharField(
        _("mã"),
        max_length=30,
        unique=True,
        error_messages={"unique": _("Đã có đơn vị báo cáo mang mã này.")},
    )
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=30, choices=ReportingUnitKind.choices)
    admin_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị hành chính"),
        on_delete=models.PROTECT,
        related_name="reporting_units",
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ báo cáo"),
        related_name="reporting_units",
        blank=True,
    )

    objects = ReportingUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị báo cáo")
        verbose_name_plural = _("đơn vị báo cáo")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="reportingunit_valid_to_after_from",
                violation_error_message=_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )

    @property
    def validity_text(self) -> str:
        """ "Phường Ia Kring (23563, … – 30/06/2025)": which unit, unmistakably."""
        start = f"{self.valid_from:%d/%m/%Y}" if self.valid_from else "…"
        end = f"{self.valid_to:%d/%m/%Y}" if self.valid_to else "…"
        return f"{self.name} ({self.code}, {start} – {end})"

    def is_valid_in_year(self, year: int) -> bool:
        starts = self.valid_from is None or self.valid_from <= dt.date(year, 12, 31)
        ends = self.valid_to is None or self.valid_to >= dt.date(year, 1, 1)
        return starts and ends


class Family(models.TextChoices):
    LIBRARY = "library", _("Thư viện")
    MUSEUM = "museum", _("Bảo tàng")
    CULTURE_CENTRE = "culture_centre", _("Trung tâm văn hóa")


class Category(models.Model):
    code = models.CharField(
        _("mã"),
        max_length=20,
        unique=True,
        error_messages={"unique": _("Đã có loại thiết chế mang mã này.")},
    )
    name = models.CharField(_("tên"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200)
    family = models.CharField(_("nhóm"), max_length=20, choices=Family.choices)
    # The level of administrative unit an institution of this category stands in,
    # where the plan implies one (a commune library stands in a commune).
    admin_level = models.CharField(
        _("cấp đơn vị hành chính"), max_length=10, choices=Level.choices, blank=True
    )
    sort_order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("loại thiết chế")
        verbose_name_plural = _("loại thiết chế")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name


class InstitutionQuerySet(WatchedQuerySet):
    def open_in(self, year: int) -> InstitutionQuerySet:
        """Open in `year`: opened on or before it and, if closed, not before it."""
        return self.filter(
            Q(opened_year__lte=year), Q(closed_year__isnull=True) | Q(closed_year__gte=year)
        )


class Institution(WatchedModel):
    # What the precomputed attainment is derived from (institutions/changes.py).
    WATCHED_FIELDS = frozenset({"category", "admin_unit", "opened_year", "closed_year"})

    code = models.CharField(
        _("mã"),
        max_length=40,
        unique=True,
        error_messages={"unique": _("Đã có thiết chế mang mã này.")},
    )
    name = models.CharField(_("tên"), max_length=300)
    category = models.ForeignKey(
        Category, verbose_name=_("loại"), on_delete=models.PROTECT, related_name="institutions"
    )
    admin_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị hành chính"),
        on_delete=models.PROTECT,
        related_name="institutions",
    )
    reporting_unit = models.ForeignKey(
        ReportingUnit,
        verbose_name=_("đơn vị báo cáo"),
        on_delete=models.PROTECT,
        related_name="institutions",
    )
    opened_year = models.PositiveSmallIntegerField(_("năm hoạt động"))
    closed_year = models.PositiveSmallIntegerField(_("năm ngừng hoạt động"), null=True, blank=True)

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("thiết chế")
        verbose_name_plural = _("thiết chế")
        ordering = ["category__sort_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_year__isnull=True) | Q(closed_year__gte=F("opened_year")),
                name="institution_closed_after_opened",
                violation_error_message=_("Năm ngừng hoạt động không được trước năm hoạt động."),
            ),
            models.CheckConstraint(
                condition=Q(opened_year__gte=1900) & Q(opened_year__lte=2100),
                name="institution_opened_year_range",
                violation_error_message=_("Năm hoạt động phải trong khoảng 1900-2100."),
            ),
        ]
        indexes = [models.Index(fields=["opened_year", "closed_year"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def is_open_in(self, year: int) -> bool:
        return self.opened_year <= year and (self.closed_year is None or year <= self.closed_year)

    def clean(self) -> None:
        # A rule across two tables cannot be a database constraint; it lives here
        # so that the admin, imports and services all share it.
        if self.category_id and self.admin_unit_id:
            expected = self.category.admin_level
            if expected and self.admin_unit.level != expected:
                raise ValidationError(
                    {
                        "admin_unit": _(
                            "Thiết chế loại %(category)s phải thuộc đơn vị hành chính %(level)s, "
                            "nhưng %(unit)s là %(actual)s."
                        )
                        % {
                            "category": self.category.code,
                            "level": Level(expected).label,
                            "unit": self.admin_unit.name,
                            "actual": Level(self.admin_unit.level).label,
                        }
                    }
                )


class RegistryChangeKind(models.TextChoices):
    NEW = "new", _("Thêm thiết chế mới")
    CLOSE = "close", _("Ngừng hoạt động")
    RENAME = "rename", _("Đổi tên")
    MOVE = "move", _("Chuyển đơn vị")


class RegistryChangeState(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    REJECTED = "rejected", _("Bị từ chối")


class RegistryChange(models.Model):
    """An officer's proposal to change the registry of institutions, and the
    reviewer's decision on it: the registry's history (who, when, old → new).

    Only an approved change reaches `Institution`. The proposed values are
    fields (those a kind uses are set, the others stay empty); `old_values`
    is what the registry said when the change was proposed, as shown to people.
    """

    kind = models.CharField(_("loại thay đổi"), max_length=10, choices=RegistryChangeKind.choices)
    state = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=RegistryChangeState.choices,
        default=RegistryChangeState.PENDING,
    )
    # The unit that proposed it: the officer's own, and the scope it is seen in.
    reporting_unit = models.ForeignKey(
        ReportingUnit,
        verbose_name=_("đơn vị đề xuất"),
        on_delete=models.PROTECT,
        related_name="registry_changes",
    )
    # Empty for a new institution until the change is approved.
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("thiết chế"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registry_changes",
    )
    # new: the first year open; close: the last year open (it still reports for
    # it); rename and move: the first year the change applies to.
    year = models.PositiveSmallIntegerField(_("năm áp dụng"))
    code = models.CharField(_("mã"), max_length=40, blank=True)
    name = models.CharField(_("tên"), max_length=300, blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("loại"), null=True, blank=True, on_delete=models.PROTECT
    )
    admin_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị hành chính"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_unit = models.ForeignKey(
        ReportingUnit,
        verbose_name=_("đơn vị báo cáo mới"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    old_values = models.JSONField(_("giá trị cũ"), default=dict, blank=True)
    note = models.TextField(_("căn cứ, giải trình"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đề xuất"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("đề xuất lúc"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        verbose_name = _("thay đổi danh mục thiết chế")
        verbose_name_plural = _("thay đổi danh mục thiết chế")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution"],
                condition=Q(state="pending"),
                name="registrychange_one_pending_per_institution",
                violation_error_message=_(
                    "Thiết chế này đang có một đề xuất thay đổi chờ duyệt: "
                    "chờ Sở VHTTDL quyết định đề xuất đó trước."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind="new") | Q(institution__isnull=False),
                name="registrychange_institution_unless_new",
                violation_error_message=_("Hãy chọn thiết chế cần thay đổi."),
            ),
        ]
        indexes = [models.Index(fields=["state", "reporting_unit"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    @property
    def subject(self) -> str:
        """The institution the change is about, as people name it."""
        if self.kind == RegistryChangeKind.NEW:
            return f"{self.name} ({self.code})"
        return str(self.old_values.get("institution", self.code))

    @property
    def is_pending(self) -> bool:
        return self.state == RegistryChangeState.PENDING

    def lines(self) -> list[tuple[str, str, str]]:
        """(what, old, new) for each value the change sets: the history's
        "old → new". Reads category, admin_unit, target_unit and reporting_unit
        (select them with the change)."""
        old = self.old_values
        if self.kind == RegistryChangeKind.NEW:
            return [
                (str(_("Mã")), "", self.code),
                (str(_("Tên")), "", self.name),
                (str(_("Loại")), "", str(self.category or "")),
                (str(_("Đơn vị hành chính")), "", self._unit_text(self.admin_unit)),
                (str(_("Đơn vị báo cáo")), "", self.reporting_unit.name),
                (str(_("Năm hoạt động")), "", str(self.year)),
            ]
        if self.kind == RegistryChangeKind.CLOSE:
            return [
                (str(_("Năm ngừng hoạt động")), str(old.get("closed_year") or ""), str(self.year))
            ]
        if self.kind == RegistryChangeKind.RENAME:
            return [(str(_("Tên")), str(old.get("name", "")), self.name)]
        rows = []
        if self.target_unit_id:
            rows.append(
                (
                    str(_("Đơn vị báo cáo")),
                    str(old.get("reporting_unit", "")),
                    self.target_unit.name if self.target_unit else "",
                )
            )
        if self.admin_unit_id:
            rows.append(
                (
                    str(_("Đơn vị hành chính")),
                    str(old.get("admin_unit", "")),
                    self._unit_text(self.admin_unit),
                )
            )
        return rows

    @staticmethod
    def _unit_text(unit: AdministrativeUnit | None) -> str:
        return f"{unit.name} ({unit.code})" if unit else ""
