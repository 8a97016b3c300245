"""Forms for the figures pages. They collect raw input only: every rule about a
value lives in indicators/validation.py, applied by the services, and the
problems it finds are put back on the fields here."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from indicators.fields import FieldType, fields_for
from indicators.models import Activity, Figures
from indicators.services import ACTIVITY_FIELDS, RowProblem
from indicators.validation import CHANGE_COMMENT, values_of
from institutions.forms import DayMonthYearField
from institutions.models import Institution

YES_NO_CHOICES = [("", "—"), ("yes", _("Có")), ("no", _("Không"))]
_NAME = re.compile(r"^i(\d+)__([a-z_]+)$")


def field_name(institution_id: int, code: str) -> str:
    return f"i{institution_id}__{code}"


def posted_institution_ids(data: Mapping[str, object]) -> set[int]:
    """Institution ids named by posted field names, tampered ones included."""
    return {int(m.group(1)) for key in data if (m := _NAME.match(key))}


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


def show_value(value: object) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return str(_("Có"))
    if value is False:
        return str(_("Không"))
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    return str(value)


class FiguresForm(forms.Form):
    """All the figures of one submission on one page: one group of fields per
    institution, named i<id>__<field code>, plus the version the page was built from."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: object,
        institutions: Iterable[Institution],
        figures: Mapping[int, Figures],
        last_year: Mapping[int, Mapping[str, object]],
        read_only: bool = False,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.institutions = list(institutions)
        self.blocks: list[dict[str, object]] = []
        for inst in self.institutions:
            fig = figures.get(inst.pk)
            current = values_of(fig)
            previous = last_year.get(inst.pk, {})
            names = []
            for spec in fields_for(inst.category.code):
                name = field_name(inst.pk, spec.code)
                last_text = show_value(previous.get(spec.code)) if previous else "—"
                help_text = _("Năm trước: %(value)s") % {"value": last_text}
                attrs = {"aria-describedby": f"id_{name}_helptext"}
                if spec.type == FieldType.YES_NO:
                    # A CharField behind a select: validation.py judges the answer.
                    field = forms.CharField(
                        required=False, widget=forms.Select(choices=YES_NO_CHOICES, attrs=attrs)
                    )
                elif spec.type == FieldType.COUNT:
                    # A CharField so that validation.py, not the form, judges the value.
                    field = forms.CharField(
                        required=False,
                        widget=forms.NumberInput(
                            attrs={**attrs, "min": 0, "step": 1, "inputmode": "numeric"}
                        ),
                    )
                else:
                    field = forms.CharField(required=False, widget=forms.TextInput(attrs=attrs))
                field.label = spec.label
                field.help_text = help_text
                field.initial = _as_text(current.get(spec.code))
                if read_only:
                    field.disabled = True
                self.fields[name] = field
                names.append(name)
            comment = field_name(inst.pk, CHANGE_COMMENT)
            self.fields[comment] = forms.CharField(
                label=_("Giải trình biến động (nếu số liệu thay đổi nhiều so với năm trước)"),
                required=False,
                initial=fig.change_comment if fig else "",
                disabled=read_only,
                widget=forms.TextInput(),
            )
            names.append(comment)
            self.blocks.append(
                {"institution": inst, "names": names, "has_last_year": bool(previous)}
            )

    def rows(self) -> dict[int, dict[str, object]]:
        """Raw values by institution id, for figures_save (after is_valid)."""
        rows: dict[int, dict[str, object]] = {}
        for name, value in self.cleaned_data.items():
            m = _NAME.match(name)
            if m:
                rows.setdefault(int(m.group(1)), {})[m.group(2)] = value
        return rows

    def add_problems(self, problems: Iterable[RowProblem]) -> None:
        for p in problems:
            name = field_name(p.institution_id, p.field) if p.institution_id and p.field else None
            self.add_error(name if name in self.fields else None, p.message)

    def grouped_blocks(self) -> list[tuple[object, list[dict[str, object]]]]:
        """Blocks grouped by category, with their bound fields, for the template."""
        groups: list[tuple[object, list[dict[str, object]]]] = []
        for block in self.blocks:
            inst = block["institution"]
            bound = {**block, "fields": [self[n] for n in block["names"]]}
            if groups and groups[-1][0] == inst.category:
                groups[-1][1].append(bound)
            else:
                groups.append((inst.category, [bound]))
        return groups


class ReturnForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Lý do trả lại"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class UploadForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    file = forms.FileField(
        label=_("Tệp số liệu (.xlsx hoặc .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 10 MB)."))
        return upload

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class ActivityForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    date = DayMonthYearField(label=_("Ngày tổ chức"))

    class Meta:
        model = Activity
        fields = ACTIVITY_FIELDS

    def __init__(self, *args: object, institutions: Iterable[Institution] = (), **kwargs: object):
        super().__init__(*args, **kwargs)
        # Only the unit's own institutions are offered; a tampered id fails the choice check.
        self.fields["institution"].queryset = Institution.objects.filter(
            pk__in=[i.pk for i in institutions]
        ).order_by("name")
        self.fields["institution"].required = False
        self.fields["key_day"].required = False
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Lưu hoạt động")))


class PeriodForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    deadline = DayMonthYearField(
        label=_("Hạn nộp (để trống: 05/12)"), required=False, placeholder="05/12/yyyy"
    )


class DeadlineForm(forms.Form):
    deadline = DayMonthYearField(label=_("Hạn nộp"))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
