"""Report draft services: defaults, validation, issuing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from indicators.models import PeriodState
from reports.services import report_draft_for_year, report_draft_update, report_issue

pytestmark = pytest.mark.django_db


def test_a_new_draft_takes_the_plans_recipients_adapted(plan, province) -> None:
    from tests.factories import ReportingPeriodFactory

    ReportingPeriodFactory(year=2024)
    lines = report_draft_for_year(year=2024).recipient_lines
    assert lines[0] == "Bộ Văn hóa, Thể thao và Du lịch (báo cáo);"
    assert lines[1] == "UBND tỉnh (báo cáo);"
    assert "Thường trực Tỉnh ủy;" in lines
    assert not any(line.startswith("CVP") for line in lines)
    assert lines[-1].startswith("Lưu:")


def test_there_is_no_draft_without_a_period(db) -> None:
    with pytest.raises(ValidationError, match="Chưa có kỳ báo cáo năm 2031"):
        report_draft_for_year(year=2031)


def test_it_refuses_to_type_a_figure(report_year, reviewer) -> None:
    with pytest.raises(ValidationError, match="Không thể sửa"):
        report_draft_update(draft=report_year.draft, user=reviewer, data={"numerator": 5})


def test_issuing_needs_number_date_and_signer(all_approved, reviewer) -> None:
    draft = all_approved.draft
    report_draft_update(draft=draft, user=reviewer, data={"number": "", "signer_name": ""})
    with pytest.raises(ValidationError) as exc:
        report_issue(draft=draft, user=reviewer)
    assert set(exc.value.message_dict) == {"number", "signer_name"}
    all_approved.period.refresh_from_db()
    assert all_approved.period.state == PeriodState.OPEN


def test_it_cannot_be_issued_twice(all_approved, reviewer) -> None:
    report_issue(draft=all_approved.draft, user=reviewer)
    with pytest.raises(ValidationError, match="đã được ban hành"):
        report_issue(draft=all_approved.draft, user=reviewer)
    with pytest.raises(ValidationError, match="cần mở lại kỳ báo cáo"):
        report_draft_update(draft=all_approved.draft, user=reviewer, data={"proposals": "x"})
