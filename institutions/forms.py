from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from institutions.models import (
    AdministrativeUnit,
    Category,
    Institution,
    RegistryChangeKind,
    ReportingUnit,
)


class PortalAuthenticationForm(AuthenticationForm):
    """Django's login form, with messages written for the portal's users
    (Django's own Vietnamese catalogue lacks them)."""

    username = forms.CharField(
        label=_("Tên đăng nhập"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "Vui lòng nhập chính xác tên đăng nhập và mật khẩu (phân biệt chữ hoa, chữ thường)."
        ),
        "inactive": _("Tài khoản này đã bị khóa."),
    }


DATE_FORMAT = "%d/%m/%Y"


class DayMonthYearField(forms.DateField):
    """A date typed and shown as dd/mm/yyyy in every interface language: the
    portal's one way to enter a date. A browser's own date input follows the
    browser's locale (mm/dd/yyyy in an English one), so it is not used."""

    input_formats = [DATE_FORMAT]

    def __init__(self, *, placeholder: str = "dd/mm/yyyy", **kwargs: object) -> None:
        kwargs.setdefault(
            "widget",
            forms.DateInput(
                format=DATE_FORMAT,
                attrs={"placeholder": placeholder, "inputmode": "numeric", "autocomplete": "off"},
            ),
        )
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def to_python(self, value: object) -> object:
        try:
            return super().to_python(value)
        except forms.ValidationError as exc:
            if exc.code != "invalid":
                raise
            # Named after the field: the message also shows away from it (a summary).
            raise forms.ValidationError(
                _("%(field)s: hãy nhập ngày theo dạng dd/mm/yyyy, ví dụ 05/12/2026."),
                code="invalid",
                params={"field": self.label or _("Ngày")},
            ) from exc


class RegistryChangeForm(forms.Form):
    """An officer's proposal of a change to their unit's institutions. Raw input
    only: the rules are institutions.services.registry's, put back on the fields."""

    kind = forms.ChoiceField(label=_("Loại thay đổi"), choices=RegistryChangeKind.choices)
    institution = forms.ModelChoiceField(
        label=_("Thiết chế"),
        queryset=Institution.objects.none(),
        required=False,
        help_text=_("Để trống khi đề xuất thêm thiết chế mới."),
    )
    year = forms.IntegerField(
        label=_("Năm"),
        min_value=1900,
        max_value=2100,
        help_text=_(
            "Thêm mới: năm bắt đầu hoạt động. Ngừng hoạt động: năm cuối cùng còn hoạt động "
            "(thiết chế vẫn báo cáo năm đó). Đổi tên, chuyển đơn vị: năm bắt đầu áp dụng."
        ),
        error_messages={
            "required": _("Hãy nhập năm."),
            "invalid": _("Năm phải là số, ví dụ 2026."),
            "min_value": _("Năm phải trong khoảng 1900-2100."),
            "max_value": _("Năm phải trong khoảng 1900-2100."),
        },
    )
    code = forms.CharField(label=_("Mã thiết chế mới"), max_length=40, required=False)
    name = forms.CharField(label=_("Tên (mới)"), max_length=300, required=False)
    category = forms.ModelChoiceField(
        label=_("Loại thiết chế"), queryset=Category.objects.all(), required=False
    )
    admin_unit = forms.ModelChoiceField(
        label=_("Đơn vị hành chính (mới)"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
    )
    target_unit = forms.ModelChoiceField(
        label=_("Chuyển đến đơn vị báo cáo"),
        queryset=ReportingUnit.objects.none(),
        required=False,
    )
    note = forms.CharField(
        label=_("Căn cứ, giải trình"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Ví dụ: số quyết định thành lập, sáp nhập, giải thể."),
    )

    def __init__(self, *args: object, unit: ReportingUnit, year: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["institution"].queryset = Institution.objects.filter(  # type: ignore[attr-defined]
            reporting_unit=unit
        ).select_related("category")
        self.fields["admin_unit"].queryset = AdministrativeUnit.objects.valid_in_year(  # type: ignore[attr-defined]
            year
        )
        self.fields["target_unit"].queryset = (  # type: ignore[attr-defined]
            ReportingUnit.objects.valid_in_year(year).exclude(pk=unit.pk)
        )


class RegistryRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do từ chối"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
