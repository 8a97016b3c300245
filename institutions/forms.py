from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


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
