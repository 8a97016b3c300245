from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from institutions.forms import DayMonthYearField
from reports.models import ReportDraft
from reports.services import EDITABLE_FIELDS


class ReportDraftForm(forms.ModelForm):
    """The human-written parts only; figures have no field here by design."""

    class Meta:
        model = ReportDraft
        fields = list(EDITABLE_FIELDS)
        field_classes = {"report_date": DayMonthYearField}
        widgets = {
            "recipients": forms.Textarea(attrs={"rows": 8}),
            "other_results": forms.Textarea(attrs={"rows": 4}),
            "difficulties": forms.Textarea(attrs={"rows": 5}),
            "proposals": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "number": _(
                "Số do văn thư cấp khi đăng ký văn bản: có thể để trống khi soạn dự thảo, "
                "cần có trước khi ban hành."
            ),
            "recipients": _("Mỗi dòng một nơi nhận."),
            "signer_authority": _("Ví dụ “KT. GIÁM ĐỐC”; để trống nếu Giám đốc ký."),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = "form-control form-control-sm"
            if name in self.errors:
                css += " is-invalid"
            field.widget.attrs["class"] = css
