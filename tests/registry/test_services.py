"""The registry under review: who may propose and decide, and what reaches the registry."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from indicators.models import Figures, Submission, SubmissionState
from institutions.models import Institution, RegistryChange, RegistryChangeKind, RegistryChangeState
from institutions.services import (
    registry_change_approve,
    registry_change_propose,
    registry_change_reject,
)
from tests.factories import ReportingPeriodFactory, category

pytestmark = pytest.mark.django_db


def rename(user, unit, inst, name="Thư viện Pleiku mới", year=2026):
    return registry_change_propose(
        user=user,
        reporting_unit=unit,
        kind=RegistryChangeKind.RENAME,
        institution=inst,
        name=name,
        year=year,
    )


def test_a_proposal_waits_for_the_reviewer_and_leaves_the_registry_as_it_was(
    registry, province, officer_a
):
    change = rename(officer_a, province.unit_a, registry.library)
    assert change.state == RegistryChangeState.PENDING
    assert change.proposed_by == officer_a
    assert Institution.objects.get(pk=registry.library.pk).name == "Thư viện thành phố Pleiku"
    assert change.lines() == [("Tên", "Thư viện thành phố Pleiku", "Thư viện Pleiku mới")]


def test_it_refuses_an_officer_proposing_for_another_unit(registry, province, officer_a):
    with pytest.raises(ValidationError, match="Chỉ cán bộ báo cáo của UBND Thị xã An Khê"):
        rename(officer_a, province.unit_b, registry.library_b)
    assert not RegistryChange.objects.exists()


def test_it_refuses_another_units_institution_as_if_unknown(registry, province, officer_a):
    with pytest.raises(ValidationError) as exc:
        rename(officer_a, province.unit_a, registry.library_b)
    assert exc.value.message_dict["institution"] == [
        "Không có thiết chế này trong các thiết chế mà đơn vị của bạn báo cáo."
    ]


def test_a_reviewer_does_not_propose(registry, province, reviewer):
    with pytest.raises(ValidationError):
        rename(reviewer, province.unit_a, registry.library)


def test_only_the_reviewer_approves(registry, province, officer_a, officer_b):
    change = rename(officer_a, province.unit_a, registry.library)
    for someone in (officer_a, officer_b):
        with pytest.raises(ValidationError, match="Chỉ chuyên viên Sở VHTTDL"):
            registry_change_approve(change=change, user=someone)
        with pytest.raises(ValidationError, match="Chỉ chuyên viên Sở VHTTDL"):
            registry_change_reject(change=change, user=someone, reason="Không")
    change.refresh_from_db()
    assert change.state == RegistryChangeState.PENDING
    assert Institution.objects.get(pk=registry.library.pk).name == "Thư viện thành phố Pleiku"


def test_an_approved_rename_reaches_the_registry_with_its_history(
    registry, province, officer_a, reviewer
):
    change = rename(officer_a, province.unit_a, registry.library)
    registry_change_approve(change=change, user=reviewer)
    change.refresh_from_db()
    assert Institution.objects.get(pk=registry.library.pk).name == "Thư viện Pleiku mới"
    assert (change.state, change.decided_by, change.proposed_by) == (
        RegistryChangeState.APPROVED,
        reviewer,
        officer_a,
    )
    assert change.decided_at is not None and change.proposed_at <= change.decided_at
    # A decision is final.
    with pytest.raises(ValidationError, match="đã được quyết định"):
        registry_change_reject(change=change, user=reviewer, reason="Nhầm")


def test_a_rejection_needs_a_reason_and_leaves_the_registry_untouched(
    registry, province, officer_a, reviewer
):
    change = registry_change_propose(
        user=officer_a,
        reporting_unit=province.unit_a,
        kind=RegistryChangeKind.CLOSE,
        institution=registry.centre,
        year=2025,
    )
    with pytest.raises(ValidationError) as exc:
        registry_change_reject(change=change, user=reviewer, reason="  ")
    assert "reason" in exc.value.message_dict
    registry_change_reject(change=change, user=reviewer, reason="Chưa có quyết định giải thể.")
    change.refresh_from_db()
    assert change.state == RegistryChangeState.REJECTED
    assert change.reason == "Chưa có quyết định giải thể."
    assert Institution.objects.get(pk=registry.centre.pk).closed_year is None
    with pytest.raises(ValidationError):
        registry_change_approve(change=change, user=reviewer)
    assert Institution.objects.get(pk=registry.centre.pk).closed_year is None


def test_a_new_institution_exists_only_once_approved(province, officer_a, reviewer):
    change = registry_change_propose(
        user=officer_a,
        reporting_unit=province.unit_a,
        kind=RegistryChangeKind.NEW,
        code="CC-MOI",
        name="Nhà văn hóa làng Mới",
        category=category("CC_VILL"),
        admin_unit=province.commune_a,
        year=2026,
    )
    assert not Institution.objects.filter(code="CC-MOI").exists()
    registry_change_approve(change=change, user=reviewer)
    inst = Institution.objects.get(code="CC-MOI")
    assert (inst.reporting_unit, inst.opened_year, inst.admin_unit) == (
        province.unit_a,
        2026,
        province.commune_a,
    )
    change.refresh_from_db()
    assert change.institution == inst


def test_a_new_institution_follows_the_registrys_own_rules(registry, province, officer_a):
    # A district library must stand in a district, and codes are unique.
    with pytest.raises(ValidationError) as exc:
        registry_change_propose(
            user=officer_a,
            reporting_unit=province.unit_a,
            kind=RegistryChangeKind.NEW,
            code="TV-PLK",
            name="Thư viện",
            category=category("LIB_DIST"),
            admin_unit=province.commune_a,
            year=2026,
        )
    assert set(exc.value.message_dict) >= {"code", "admin_unit"}


def test_a_move_changes_the_unit_only_once_approved(
    registry, province, officer_a, officer_b, reviewer
):
    change = registry_change_propose(
        user=officer_a,
        reporting_unit=province.unit_a,
        kind=RegistryChangeKind.MOVE,
        institution=registry.centre,
        target_unit=province.unit_b,
        year=2026,
    )
    assert Institution.objects.get(pk=registry.centre.pk).reporting_unit == province.unit_a
    # One pending proposal per institution.
    with pytest.raises(ValidationError, match="đang có một đề xuất"):
        rename(officer_a, province.unit_a, registry.centre)
    registry_change_approve(change=change, user=reviewer)
    assert Institution.objects.get(pk=registry.centre.pk).reporting_unit == province.unit_b
    change.refresh_from_db()
    assert change.lines() == [("Đơn vị báo cáo", "UBND Thành phố Pleiku", "UBND Thị xã An Khê")]


def _approved_2025(unit, inst, reviewer):
    period = ReportingPeriodFactory(year=2025)
    sub = Submission.objects.create(
        reporting_unit=unit, period=period, state=SubmissionState.APPROVED, approved_by=reviewer
    )
    if inst is not None:
        Figures.objects.create(institution=inst, year=2025, submission=sub, lll_services=True)
    return sub


def move(user, unit, inst, target, year):
    return registry_change_propose(
        user=user,
        reporting_unit=unit,
        kind=RegistryChangeKind.MOVE,
        institution=inst,
        target_unit=target,
        year=year,
    )


def test_a_change_reaching_an_approved_report_is_refused_naming_it(
    registry, province, officer_a, reviewer
):
    _approved_2025(province.unit_a, registry.library, reviewer)
    with pytest.raises(ValidationError) as exc:
        move(officer_a, province.unit_a, registry.library, province.unit_b, year=2025)
    assert exc.value.message_dict["target_unit"] == [
        "Không đổi được đơn vị báo cáo từ năm 2025: năm 2025 đã chốt trong báo cáo năm 2025 "
        "của UBND Thành phố Pleiku (đã duyệt). Hãy chọn năm áp dụng sau năm 2025."
    ]
    # From the next year on, the approved 2025 report is not reached: it keeps the figures.
    change = move(officer_a, province.unit_a, registry.library, province.unit_b, year=2026)
    registry_change_approve(change=change, user=reviewer)
    assert Institution.objects.get(pk=registry.library.pk).reporting_unit == province.unit_b
    fig = Figures.objects.get(institution=registry.library, year=2025)
    assert fig.submission.reporting_unit == province.unit_a
    assert fig.submission.state == SubmissionState.APPROVED and fig.lll_services is True


def test_a_rename_is_no_figure_and_is_accepted_even_in_an_approved_year(
    registry, province, officer_a, reviewer
):
    # As in the admin and the import: a name is in no figure and no attainment.
    _approved_2025(province.unit_a, registry.library, reviewer)
    registry_change_approve(
        change=rename(officer_a, province.unit_a, registry.library, year=2025), user=reviewer
    )
    assert Institution.objects.get(pk=registry.library.pk).name == "Thư viện Pleiku mới"


def test_a_report_approved_after_the_proposal_still_refuses_the_approval(
    registry, province, officer_a, reviewer
):
    change = registry_change_propose(
        user=officer_a,
        reporting_unit=province.unit_a,
        kind=RegistryChangeKind.NEW,
        code="CC-MOI",
        name="Nhà văn hóa làng Mới",
        category=category("CC_VILL"),
        admin_unit=province.commune_a,
        year=2025,
    )
    _approved_2025(province.unit_a, None, reviewer)
    with pytest.raises(ValidationError, match="báo cáo năm 2025 của UBND Thành phố Pleiku"):
        registry_change_approve(change=change, user=reviewer)
    assert not Institution.objects.filter(code="CC-MOI").exists()
    change.refresh_from_db()
    assert change.state == RegistryChangeState.PENDING


def test_a_closure_before_a_year_with_figures_is_refused(registry, province, officer_a, reviewer):
    _approved_2025(province.unit_a, registry.library, reviewer)
    with pytest.raises(
        ValidationError,
        match=r"đã có số liệu trong báo cáo năm 2025 của UBND Thành phố Pleiku \(đã duyệt\)",
    ):
        registry_change_propose(
            user=officer_a,
            reporting_unit=province.unit_a,
            kind=RegistryChangeKind.CLOSE,
            institution=registry.library,
            year=2024,
        )
    # It still reports for the year it closes: closing in 2025 leaves 2025 as approved.
    change = registry_change_propose(
        user=officer_a,
        reporting_unit=province.unit_a,
        kind=RegistryChangeKind.CLOSE,
        institution=registry.library,
        year=2025,
    )
    registry_change_approve(change=change, user=reviewer)
    assert Institution.objects.get(pk=registry.library.pk).closed_year == 2025


def test_a_move_into_a_unit_whose_report_is_approved_is_refused(
    registry, province, officer_a, reviewer
):
    _approved_2025(province.unit_b, registry.library_b, reviewer)
    with pytest.raises(ValidationError, match="báo cáo năm 2025 của UBND Thị xã An Khê"):
        registry_change_propose(
            user=officer_a,
            reporting_unit=province.unit_a,
            kind=RegistryChangeKind.MOVE,
            institution=registry.centre,
            target_unit=province.unit_b,
            year=2025,
        )
