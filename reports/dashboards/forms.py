from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

WHICH_CHOICES = [
    ("meeting", _("Đạt tiêu chí")),
    ("not_meeting", _("Chưa đạt tiêu chí")),
    ("not_reported", _("Chưa báo cáo")),
]


class BehindForm(forms.Form):
    """The query string of the drill-down page: which number of which target,
    year and unit (no unit: the province)."""

    target = forms.CharField(max_length=60)
    year = forms.IntegerField(min_value=1900, max_value=2100)
    unit = forms.IntegerField(required=False, min_value=1)
    which = forms.ChoiceField(choices=WHICH_CHOICES, required=False)

    def clean_which(self) -> str:
        return self.cleaned_data["which"] or "not_meeting"
