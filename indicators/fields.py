"""The data dictionary of DESIGN section 4: which yearly figure is asked of which
category. One place, read by forms, Excel, imports, the API, the attainment
engine and the report."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

LIBRARIES = frozenset(
    {"LIB_PROV", "LIB_DIST", "LIB_COMM", "LIB_UNIV", "LIB_ARMY", "LIB_EDU", "LIB_COMMUNITY"}
)
MUSEUMS = frozenset({"MUS"})
UPPER_CENTRES = frozenset({"CC_PROV", "CC_DIST"})
GRASSROOTS_CENTRES = frozenset({"CC_COMM", "CC_VILL"})
CENTRES = UPPER_CENTRES | GRASSROOTS_CENTRES
ALL_CATEGORIES = LIBRARIES | MUSEUMS | CENTRES


class FieldType(StrEnum):
    YES_NO = "yes_no"
    COUNT = "count"
    TEXT = "text"


@dataclass(frozen=True)
class FieldSpec:
    code: str
    type: FieldType
    label: Promise
    categories: frozenset[str]
    # Required once the submission is sent (yes/no must be answered; counts given).
    required: bool = True

    def applies_to(self, category_code: str) -> bool:
        return category_code in self.categories


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "lll_services",
        FieldType.YES_NO,
        _("Có cung cấp dịch vụ phục vụ học tập suốt đời"),
        LIBRARIES,
    ),
    FieldSpec(
        "digital_transformation",
        FieldType.YES_NO,
        _("Có ứng dụng CNTT và chuyển đổi số"),
        LIBRARIES,
    ),
    FieldSpec("user_visits", FieldType.COUNT, _("Lượt người sử dụng thư viện"), LIBRARIES),
    FieldSpec(
        "education_programme",
        FieldType.YES_NO,
        _("Có chương trình giáo dục lịch sử, văn hóa, khoa học, nghệ thuật"),
        MUSEUMS,
    ),
    FieldSpec(
        "digital_exhibitions",
        FieldType.YES_NO,
        _("Có trưng bày chuyên đề trên không gian số"),
        MUSEUMS,
    ),
    FieldSpec("study_visitors", FieldType.COUNT, _("Lượt khách nghiên cứu, học tập"), MUSEUMS),
    FieldSpec("total_visitors", FieldType.COUNT, _("Tổng lượt khách tham quan"), MUSEUMS),
    FieldSpec(
        "creative_activities",
        FieldType.YES_NO,
        _("Tổ chức, hỗ trợ hoạt động sáng tạo, hưởng thụ văn hóa"),
        UPPER_CENTRES,
    ),
    FieldSpec(
        "clubs_or_classes",
        FieldType.YES_NO,
        _("Có lớp năng khiếu, câu lạc bộ, nhóm sở thích"),
        GRASSROOTS_CENTRES,
    ),
    FieldSpec(
        "regular_activities",
        FieldType.YES_NO,
        _("Thường xuyên tổ chức hoạt động"),
        GRASSROOTS_CENTRES,
    ),
    FieldSpec("clubs_count", FieldType.COUNT, _("Số câu lạc bộ, lớp, nhóm"), CENTRES),
    FieldSpec("participants", FieldType.COUNT, _("Lượt người tham gia"), ALL_CATEGORIES),
    FieldSpec("note", FieldType.TEXT, _("Ghi chú"), ALL_CATEGORIES, required=False),
)

FIELDS_BY_CODE: dict[str, FieldSpec] = {f.code: f for f in FIELDS}


def fields_for(category_code: str) -> tuple[FieldSpec, ...]:
    """The fields asked of an institution of `category_code`, in template order."""
    return tuple(f for f in FIELDS if f.applies_to(category_code))
