"""The one place where a row of yearly figures is checked (DESIGN section 4).

Forms, the Excel/CSV upload and `import_figures` all pass raw values (strings
from a form or a CSV, ints/floats/bools from openpyxl) through `validate_row`,
so a rule changes in one place. Messages are Vietnamese and name the field;
callers that know a cell (sheet, row, column) add it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from indicators.fields import FIELDS, FIELDS_BY_CODE, FieldSpec, FieldType, fields_for
from institutions.models import Category

# How far a quantity may move from last year before the officer must explain it.
CHANGE_FACTOR = 3
CHANGE_COMMENT = "change_comment"

_YES = {"yes", "có", "co", "1", "true", "x"}
_NO = {"no", "không", "khong", "0", "false"}
# "1.234" or "1 234 567": Vietnamese thousands grouping typed into a CSV.
_GROUPED = re.compile(r"^\d{1,3}([.\s\u00a0]\d{3})+$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a second look) with one field of one row."""

    field: str  # a field code, "change_comment", or "" for the whole row
    message: str
    value: str = ""
    warning: bool = False


@dataclass
class RowResult:
    # Cleaned values for every field the row gave, by field code.
    values: dict[str, bool | int | str | None] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _category_name(code: str) -> str:
    """A category as users know it (“Thư viện cấp xã”), not its code."""
    category = Category.objects.filter(code=code).first()
    return category.display_name if category else code


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def display(raw: object) -> str:
    """A raw value as the user typed it, for messages."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def parse_yes_no(raw: object) -> bool | None:
    """yes/no, có/không, 1/0 in any case; None when blank. ValueError otherwise."""
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float):
        if raw in (0, 1):
            return bool(raw)
        raise ValueError(raw)
    text = str(raw).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(raw)


def parse_count(raw: object) -> int | None:
    """A whole number ≥ 0; None when blank. ValueError otherwise."""
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float):
        if not raw.is_integer():
            raise ValueError(raw)
        value = int(raw)
    else:
        text = str(raw).strip()
        if _GROUPED.match(text):
            text = re.sub(r"[.\s\u00a0]", "", text)
        if not re.fullmatch(r"[+]?\d+", text):
            raise ValueError(raw)
        value = int(text)
    if value < 0 or value > 2_147_483_647:
        raise ValueError(raw)
    return value


def field_label(code: str) -> str:
    if code == CHANGE_COMMENT:
        return str(_("Giải trình biến động"))
    # The label only: the officer never sees field codes (a file's column
    # header is added by the caller that knows the cell).
    spec = FIELDS_BY_CODE.get(code)
    return f"«{spec.label}»" if spec else code


def validate_row(
    category_code: str,
    raw: Mapping[str, object],
    *,
    last_year: Mapping[str, object] | None = None,
    current: Mapping[str, object] | None = None,
) -> RowResult:
    """Check one institution's raw values.

    `raw` holds only the fields the caller was given (a form posts the fields of
    the category; a file has every column). `current` is what is stored now, so
    that rules across fields (study ≤ total) and warnings see the row as it will
    be after saving. Blank answers are allowed here: a draft may be partial; the
    submit check (`missing_for_submit`) asks for them.
    """
    result = RowResult()
    applicable = {f.code for f in fields_for(category_code)}
    for code, value in raw.items():
        if code == CHANGE_COMMENT:
            result.values[code] = "" if is_blank(value) else str(value).strip()
            continue
        spec = FIELDS_BY_CODE.get(code)
        if spec is None:
            continue
        if code not in applicable:
            if not is_blank(value):
                result.errors.append(
                    Problem(
                        code,
                        _(
                            "%(field)s không áp dụng cho thiết chế loại %(category)s: "
                            "ô này phải để trống."
                        )
                        % {"field": field_label(code), "category": _category_name(category_code)},
                        display(value),
                    )
                )
            continue
        try:
            result.values[code] = _parse(spec, value)
        except ValueError:
            result.errors.append(Problem(code, _bad_value_message(spec), display(value)))

    merged: dict[str, object] = dict(current or {})
    merged.update(result.values)
    study, total = merged.get("study_visitors"), merged.get("total_visitors")
    if (
        "study_visitors" in applicable
        and isinstance(study, int)
        and isinstance(total, int)
        and study > total
    ):
        result.errors.append(
            Problem(
                "study_visitors",
                _("%(study)s (%(s)s) không được lớn hơn %(total)s (%(t)s).")
                % {
                    "study": field_label("study_visitors"),
                    "s": study,
                    "total": field_label("total_visitors"),
                    "t": total,
                },
                display(raw.get("study_visitors", study)),
            )
        )
    if last_year:
        result.warnings.extend(change_warnings(category_code, merged, last_year))
    return result


def _parse(spec: FieldSpec, value: object) -> bool | int | str | None:
    if spec.type == FieldType.YES_NO:
        return parse_yes_no(value)
    if spec.type == FieldType.COUNT:
        return parse_count(value)
    return "" if is_blank(value) else str(value).strip()


def _bad_value_message(spec: FieldSpec) -> str:
    if spec.type == FieldType.YES_NO:
        return _("%(field)s: chỉ nhận Có/Không (có, không, yes, no, 1, 0).") % {
            "field": field_label(spec.code)
        }
    return _("%(field)s: phải là số nguyên không âm.") % {"field": field_label(spec.code)}


def change_warnings(
    category_code: str, values: Mapping[str, object], last_year: Mapping[str, object]
) -> list[Problem]:
    """Quantities that moved by more than CHANGE_FACTOR either way from last year.
    A zero last year gives no factor to compare with, so it never warns."""
    warnings = []
    for spec in fields_for(category_code):
        if spec.type != FieldType.COUNT:
            continue
        new, old = values.get(spec.code), last_year.get(spec.code)
        if not isinstance(new, int) or not isinstance(old, int) or old <= 0:
            continue
        if new > CHANGE_FACTOR * old or new * CHANGE_FACTOR < old:
            warnings.append(
                Problem(
                    spec.code,
                    _(
                        "%(field)s thay đổi hơn %(factor)s lần so với năm trước "
                        "(%(old)s → %(new)s): hãy kiểm tra và ghi giải trình."
                    )
                    % {
                        "field": field_label(spec.code),
                        "factor": CHANGE_FACTOR,
                        "old": f"{old:,}".replace(",", "."),
                        "new": f"{new:,}".replace(",", "."),
                    },
                    str(new),
                    warning=True,
                )
            )
    return warnings


def missing_for_submit(category_code: str, values: Mapping[str, object]) -> list[FieldSpec]:
    """Required fields of the category still without an answer."""
    return [
        spec
        for spec in fields_for(category_code)
        if spec.required and values.get(spec.code) is None
    ]


def submit_problems(
    category_code: str,
    values: Mapping[str, object],
    *,
    last_year: Mapping[str, object] | None,
    change_comment: str,
) -> list[Problem]:
    """What stops this row from being submitted: missing answers, and a large
    change that the officer has not explained."""
    problems = [
        Problem(spec.code, _("Chưa nhập %(field)s.") % {"field": field_label(spec.code)})
        for spec in missing_for_submit(category_code, values)
    ]
    if last_year and not change_comment.strip():
        for warning in change_warnings(category_code, values, last_year):
            problems.append(
                Problem(
                    CHANGE_COMMENT,
                    _("Cần ghi giải trình biến động: %(message)s") % {"message": warning.message},
                    warning.value,
                )
            )
    return problems


def values_of(obj: object) -> dict[str, object]:
    """The data-dictionary values of a Figures instance (or None → {})."""
    if obj is None:
        return {}
    return {spec.code: getattr(obj, spec.code) for spec in FIELDS}
