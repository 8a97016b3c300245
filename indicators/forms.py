"""Forms for the figures pages. They collect raw input only: every rule about a
value lives in indicators/validation.py, applied by the services, and the
problems it finds are put back on the fields here."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from indicators.fields import FieldType, fields_for
from indicators.models import ACTIVITY_OUTPUTS, FUNDING_FIELDS, Activity, Figures
from indicators.selectors import DirectoryEntry
from indicators.services import ACTIVITY_FIELDS, RowProblem
from indicators.validation import CHANGE_COMMENT, missing_for_submit, values_of
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


@dataclass(frozen=True)
class FieldCell:
    """What the entry page needs to draw one input, known before binding."""

    name: str
    label: str
    kind: str  # "select" (yes/no), "count" or "text"
    help: str


@dataclass
class CellView:
    """One input as drawn: the cell, its current text and its errors."""

    cell: FieldCell
    value: str
    errors: list[str]

    @property
    def id(self) -> str:
        return f"id_{self.cell.name}"


@dataclass
class BlockGroup:
    """The institutions of one category on the entry page (a slice of them on a
    large unit's page); `unit_total` and `unit_complete` count the category over
    the whole unit, set by the page."""

    category: object
    blocks: list[dict[str, object]]
    unit_total: int = 0
    unit_complete: int = 0

    @property
    def complete(self) -> int:
        return sum(1 for b in self.blocks if b["complete"])


class FiguresForm(forms.Form):
    """The figures of some institutions of one submission (the entry page's
    slice, or every institution a post carries): one group of fields per
    institution, named i<id>__<field code>, plus the version the page was built
    from. An institution is anything with pk, code, name and category (a model
    instance or a `selectors.DirectoryEntry`).

    The fields hold raw text only (validation.py judges it). The page draws
    them from `grouped_blocks()` in a plain template loop rather than widget
    by widget: 2,000 fields through crispy-forms took 95 % of a 10 s page."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: object,
        institutions: Iterable[Institution | DirectoryEntry],
        figures: Mapping[int, Figures],
        last_year: Mapping[int, Mapping[str, object]],
        read_only: bool = False,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.institutions = list(institutions)
        self.blocks: list[dict[str, object]] = []
        self.marked: dict[str | None, list[str]] = {}
        comment_label = str(_("Giải trình biến động (nếu số liệu thay đổi nhiều so với năm trước)"))
        for inst in self.institutions:
            fig = figures.get(inst.pk)
            current = values_of(fig)
            previous = last_year.get(inst.pk, {})
            cells = []
            specs = fields_for(inst.category.code)
            for spec in specs:
                name = field_name(inst.pk, spec.code)
                last_text = show_value(previous.get(spec.code)) if previous else "—"
                kind = {FieldType.YES_NO: "select", FieldType.COUNT: "count"}.get(spec.type, "text")
                cells.append(
                    FieldCell(
                        name,
                        str(spec.label),
                        kind,
                        str(_("Năm trước: %(value)s") % {"value": last_text}),
                    )
                )
                # A CharField whatever the type, so that validation.py judges the value.
                self.fields[name] = forms.CharField(
                    required=False,
                    label=spec.label,
                    initial=_as_text(current.get(spec.code)),
                    disabled=read_only,
                )
            comment = field_name(inst.pk, CHANGE_COMMENT)
            self.fields[comment] = forms.CharField(
                label=comment_label,
                required=False,
                initial=fig.change_comment if fig else "",
                disabled=read_only,
            )
            cells.append(FieldCell(comment, comment_label, "text", ""))
            self.blocks.append(
                {
                    "institution": inst,
                    "cells": cells,
                    "has_last_year": bool(previous),
                    "complete": bool(fig) and not missing_for_submit(inst.category.code, current),
                }
            )

    def rows(self) -> dict[int, dict[str, object]]:
        """Raw values by institution id, for figures_save (after is_valid).

        Only the inputs the request carried: a field left out of the POST keeps
        its stored value (figures_save's contract); it is not a blank answer."""
        rows: dict[int, dict[str, object]] = {}
        for name, value in self.cleaned_data.items():
            m = _NAME.match(name)
            if m and name in self.data:
                rows.setdefault(int(m.group(1)), {})[m.group(2)] = value
        return rows

    def add_problems(self, problems: Iterable[RowProblem]) -> None:
        """Put each problem on its input. On a page built from what is stored
        (a refused submit), the inputs are marked without binding the form."""
        for p in problems:
            name = field_name(p.institution_id, p.field) if p.institution_id and p.field else None
            name = name if name in self.fields else None
            if self.is_bound:
                self.add_error(name, p.message)
            else:
                self.marked.setdefault(name, []).append(p.message)

    def _text(self, name: str) -> str:
        field = self.fields[name]
        if self.is_bound and not field.disabled and name in self.data:
            return str(self.data.get(name) or "")
        return str(field.initial or "")

    @property
    def complete_count(self) -> int:
        """Institutions whose stored figures answer every required field."""
        return sum(1 for b in self.blocks if b["complete"])

    def grouped_blocks(self) -> list[BlockGroup]:
        """Blocks grouped by category, each with the inputs to draw, for the template."""
        errors = self.errors if self.is_bound else self.marked
        groups: list[BlockGroup] = []
        for block in self.blocks:
            inst = block["institution"]
            views = [
                CellView(c, self._text(c.name), list(errors.get(c.name, ())))
                for c in block["cells"]
            ]
            bound = {**block, "fields": views, "has_errors": any(v.errors for v in views)}
            if not groups or groups[-1].category != inst.category:
                groups.append(BlockGroup(inst.category, []))
            groups[-1].blocks.append(bound)
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


_WHOLE_NUMBER = _("Nhập một số nguyên từ 0 trở lên, chỉ gồm chữ số (ví dụ 120).")
_AMOUNT = _("Nhập số tiền bằng đồng, chỉ gồm chữ số, không dấu chấm (ví dụ 5000000).")
_AMOUNT_ERRORS = {
    "invalid": _AMOUNT,
    "max_decimal_places": _("Số tiền tính bằng đồng, không có phần lẻ."),
    "max_digits": _("Số tiền quá lớn: tối đa 15 chữ số."),
    "max_whole_digits": _("Số tiền quá lớn: tối đa 15 chữ số."),
}
_COUNT_ERRORS = {
    "invalid": _WHOLE_NUMBER,
    "min_value": _("Số lượng không được là số âm: để trống nếu không có."),
}


class ActivityForm(forms.ModelForm):
    """An activity; the rules on amounts live in the model's constraints, whose
    messages land on their fields (FieldCheckConstraint)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    date = DayMonthYearField(label=_("Ngày tổ chức"))

    class Meta:
        model = Activity
        fields = ACTIVITY_FIELDS
        error_messages = {
            "participants": {
                "invalid": _WHOLE_NUMBER,
                "min_value": _("Số lượt người tham gia không được là số âm."),
            },
            **dict.fromkeys(FUNDING_FIELDS, _AMOUNT_ERRORS),
            **dict.fromkeys(ACTIVITY_OUTPUTS, _COUNT_ERRORS),
        }

    def __init__(self, *args: object, institutions: Iterable[Institution] = (), **kwargs: object):
        super().__init__(*args, **kwargs)
        # Only the unit's own institutions are offered; a tampered id fails the choice check.
        self.fields["institution"].queryset = Institution.objects.filter(
            pk__in=[i.pk for i in institutions]
        ).order_by("name")
        self.fields["institution"].required = False
        self.fields["key_day"].required = False
        for name in ("participants", *FUNDING_FIELDS, *ACTIVITY_OUTPUTS):
            self.fields[name].widget.attrs.update({"min": 0, "step": 1, "inputmode": "numeric"})
        # static/js/activity.js shows an output only under its own task group.
        for name, group in ACTIVITY_OUTPUTS.items():
            self.fields[name].widget.attrs["data-task-group"] = group.value
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
