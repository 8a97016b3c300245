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
