"""Section I's countable outputs (plan III.2-III.5): what the activity form asks
for where it applies, and what the report and the workbook sum from it."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from indicators.models import Activity, TaskGroup
from reports.annual.build import report_file
from reports.annual.context import build_report_context
from reports.annual.pdf import render_report_html

pytestmark = pytest.mark.django_db


@pytest.fixture
def outputs(report_year):
    """Known answers: III.3 3 courses and 40 people (approved report), III.4 two
    agreements (a report sent, not yet approved: counted), III.5 sponsors only
    on a deleted activity (not counted), III.2 nothing recorded."""
    Activity.objects.filter(task_group=TaskGroup.STAFF).update(courses_held=3, people_trained=40)
    Activity.objects.filter(task_group=TaskGroup.COOPERATION).update(agreements_signed=2)
    Activity.objects.filter(task_group=TaskGroup.SOCIALISATION, is_deleted=True).update(sponsors=50)
    return report_year


def _lines(draft):
    return {t.code: t for t in build_report_context(draft=draft).task_groups}


def test_each_group_sums_its_own_outputs(outputs) -> None:
    lines = _lines(outputs.draft)
    staff = {o.field: (o.value, o.recorded_by) for o in lines[TaskGroup.STAFF].outputs}
    assert staff == {"courses_held": (3, 1), "people_trained": (40, 1)}
    cooperation = {o.field: o.value for o in lines[TaskGroup.COOPERATION].outputs}
    assert cooperation == {"agreements_signed": 2}
    infrastructure = lines[TaskGroup.INFRASTRUCTURE].outputs
    assert [(o.field, o.recorded_by) for o in infrastructure] == [("items_digitised", 0)]
    assert lines[TaskGroup.COMMUNICATION].outputs == []


def test_socialisation_counts_live_sponsors_and_every_contribution(outputs) -> None:
    social = {o.field: o.value for o in _lines(outputs.draft)[TaskGroup.SOCIALISATION].outputs}
    # The 50 sponsors sit on a deleted activity; contributions 10 + 2 million come
    # from III.1 and III.4 activities: mobilised society money, whatever the group.
    assert social == {"sponsors": 0, "funding_contributions": Decimal(12_000_000)}


def test_the_report_prints_the_outputs_in_section_one(outputs) -> None:
    html = render_report_html(build_report_context(draft=outputs.draft))
    section_one = html.split("II. KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU")[0]
    assert "số lớp đào tạo, bồi dưỡng, tập huấn: 3;" in section_one
    assert "số người được đào tạo, bồi dưỡng: 40;" in section_one
    assert "số chương trình, thỏa thuận phối hợp được ký kết: 2;" in section_one
    assert "kinh phí xã hội hóa huy động được (đồng, mọi hoạt động): 12.000.000;" in section_one
    assert "số tài liệu, hiện vật được số hóa: chưa hoạt động nào ghi;" in section_one


def test_the_workbook_has_the_outputs_as_numbers(outputs) -> None:
    wb = load_workbook(io.BytesIO(report_file(draft=outputs.draft, fmt="xlsx")))
    rows = list(wb["Kết quả hoạt động"].iter_rows(values_only=True))
    assert rows[0] == ("Nhóm nhiệm vụ", "Kết quả", "Số lượng", "Số hoạt động có ghi")
    by_output = {row[1]: row[2] for row in rows[1:]}
    assert by_output["Số lớp đào tạo, bồi dưỡng, tập huấn"] == 3
    assert by_output["Số chương trình, thỏa thuận phối hợp được ký kết"] == 2
    assert by_output["Kinh phí xã hội hóa huy động được (đồng, mọi hoạt động)"] == 12_000_000
    listed = list(wb["Hoạt động"].iter_rows(values_only=True))
    header = listed[0]
    column = header.index("Số người được đào tạo, bồi dưỡng")
    assert sorted(r[column] for r in listed[1:] if r[column] is not None) == [40]
