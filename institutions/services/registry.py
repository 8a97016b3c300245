"""The registry of institutions under review: an officer proposes a change for
their own unit, the provincial reviewer approves or rejects it; only an
approved change reaches `Institution`. The `RegistryChange` rows are the
registry's history (who proposed, who decided, when, old → new, why).

Approved reports stay as they were approved: a proposal is judged, when
proposed and again when approved, by the one rule the admin and the import ask
too (`institution_change_problems`, decided by indicators.services.settled),
with its year as the year the change says it applies from. A refusal names the
report that holds the year: the officer picks a later year, or the reviewer
returns the report first. Figures of earlier years stay in the submissions
that hold them.
"""

from __future__ import annotations

import copy

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from institutions.models import (
    AdministrativeUnit,
    Category,
    Institution,
    RegistryChange,
    RegistryChangeKind,
    RegistryChangeState,
    ReportingUnit,
)
from institutions.roles import Account, can_report_for, is_reviewer
from institutions.services.history import (
    InstitutionChange,
    as_sentence,
    institution_change_problems,
    institution_history_record,
    institution_snapshot,
)

ONE_PENDING = (
    "Thiết chế này đang có một đề xuất thay đổi chờ duyệt: "
    "chờ Sở VHTTDL quyết định đề xuất đó trước."
)
NOT_YOURS = "Không có thiết chế này trong các thiết chế mà đơn vị của bạn báo cáo."


def registry_change_propose(
    *,
    user: Account,
    reporting_unit: ReportingUnit,
    kind: str,
    year: int,
    institution: Institution | None = None,
    code: str = "",
    name: str = "",
    category: Category | None = None,
    admin_unit: AdministrativeUnit | None = None,
    target_unit: ReportingUnit | None = None,
    note: str = "",
) -> RegistryChange:
    """Record a pending change to the registry, proposed by an officer of
    `reporting_unit` for one of its institutions (or a new one it will report
    for). Refuses anyone else, an institution of another unit (with the message
    of an unknown one), a result the registry would refuse (the same rules as
    the admin and imports) and a change that would alter an approved report.
    The registry itself is not touched. A handful of queries."""
    if not can_report_for(user, reporting_unit.pk):
        raise ValidationError(
            _("Chỉ cán bộ báo cáo của %(unit)s mới đề xuất thay đổi danh mục của đơn vị này.")
            % {"unit": reporting_unit.name},
            code="not_your_unit",
        )
    if kind not in RegistryChangeKind.values:
        raise ValidationError({"kind": _("Hãy chọn loại thay đổi.")})
    if kind != RegistryChangeKind.NEW:
        if institution is None:
            raise ValidationError({"institution": _("Hãy chọn thiết chế cần thay đổi.")})
        if institution.reporting_unit_id != reporting_unit.pk:
            raise ValidationError({"institution": _(NOT_YOURS)}, code="not_your_institution")
    change = RegistryChange(
        kind=kind,
        reporting_unit=reporting_unit,
        institution=institution if kind != RegistryChangeKind.NEW else None,
        year=year,
        proposed_by=user,
        note=(note or "").strip(),
    )
    if kind == RegistryChangeKind.NEW:
        change.code, change.name = (code or "").strip(), (name or "").strip()
        change.category, change.admin_unit = category, admin_unit
    elif kind == RegistryChangeKind.RENAME:
        change.name = (name or "").strip()
    elif kind == RegistryChangeKind.MOVE:
        change.target_unit = target_unit
        change.admin_unit = admin_unit
    if institution is not None and kind != RegistryChangeKind.NEW:
        change.code = institution.code
        change.old_values = _snapshot(institution)
    _check(change)
    try:
        with transaction.atomic():
            change.save()
    except IntegrityError:
        # Two proposals for one institution at the same moment: the constraint wins.
        raise ValidationError(_(ONE_PENDING)) from None
    return change


def registry_change_approve(*, change: RegistryChange, user: Account) -> RegistryChange:
    """pending → approved, and the change applied to the registry, in one
    transaction. Reviewers only. Checked again at this moment: a report approved
    since the proposal, or another change approved meanwhile, refuses it with
    the same message as at proposal."""
    _require_reviewer(user)
    with transaction.atomic():
        change = _lock_pending(change)
        _check(change)
        institution = _result(change)
        before = (
            institution_snapshot(Institution.objects.get(pk=institution.pk))
            if institution.pk
            else {}
        )
        institution.save()
        # The registry's one history, the same as the admin's and the import's.
        institution_history_record(changes=[(institution, before)], user=user)
        change.institution = institution
        change.state = RegistryChangeState.APPROVED
        change.decided_by = user
        change.decided_at = timezone.now()
        change.save(update_fields=["institution", "state", "decided_by", "decided_at"])
    return change


def registry_change_reject(*, change: RegistryChange, user: Account, reason: str) -> RegistryChange:
    """pending → rejected, with the reviewer's reason (required). The registry
    is not touched. Reviewers only."""
    _require_reviewer(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Hãy ghi lý do từ chối để đơn vị biết vì sao đề xuất không được duyệt.")}
        )
    with transaction.atomic():
        change = _lock_pending(change)
        change.state = RegistryChangeState.REJECTED
        change.reason = reason
        change.decided_by = user
        change.decided_at = timezone.now()
        change.save(update_fields=["state", "reason", "decided_by", "decided_at"])
    return change


# ---------------------------------------------------------------- rules
def _require_reviewer(user: Account | None) -> None:
    if user is None or not is_reviewer(user):
        raise ValidationError(
            _("Chỉ chuyên viên Sở VHTTDL mới duyệt hoặc từ chối đề xuất thay đổi danh mục."),
            code="not_reviewer",
        )


def _lock_pending(change: RegistryChange) -> RegistryChange:
    fresh = (
        RegistryChange.objects.select_for_update(of=("self",))
        .select_related("institution", "reporting_unit", "target_unit", "admin_unit", "category")
        .get(pk=change.pk)
    )
    if not fresh.is_pending:
        raise ValidationError(
            _("Đề xuất này đã được quyết định («%(state)s»).")
            % {"state": fresh.get_state_display()},
            code="decided",
        )
    return fresh


def _snapshot(inst: Institution) -> dict[str, object]:
    """What the registry says of `inst`, as shown in the history."""
    return {
        "institution": str(inst),
        "name": inst.name,
        "reporting_unit": inst.reporting_unit.name,
        "admin_unit": f"{inst.admin_unit.name} ({inst.admin_unit.code})",
        "closed_year": inst.closed_year,
    }


def _result(change: RegistryChange) -> Institution:
    """The institution as the registry would hold it once `change` applies (unsaved)."""
    if change.kind == RegistryChangeKind.NEW:
        return Institution(
            code=change.code,
            name=change.name,
            category=change.category,
            admin_unit=change.admin_unit,
            reporting_unit=change.reporting_unit,
            opened_year=change.year,
        )
    assert change.institution is not None
    inst = copy.copy(
        Institution.objects.select_related("category", "admin_unit").get(pk=change.institution.pk)
    )
    if change.kind == RegistryChangeKind.CLOSE:
        inst.closed_year = change.year
    elif change.kind == RegistryChangeKind.RENAME:
        inst.name = change.name
    else:
        if change.target_unit is not None:
            inst.reporting_unit = change.target_unit
        if change.admin_unit is not None:
            inst.admin_unit = change.admin_unit
    return inst


def _check(change: RegistryChange) -> None:
    """Refuse a change that says nothing new, that the registry would refuse, or
    that would alter an approved report."""
    inst = change.institution
    if change.kind == RegistryChangeKind.CLOSE and inst is not None and inst.closed_year:
        raise ValidationError(
            {
                "year": _("Thiết chế đã ngừng hoạt động từ năm %(year)s.")
                % {"year": inst.closed_year}
            }
        )
    if change.kind == RegistryChangeKind.RENAME and inst is not None:
        if not change.name:
            raise ValidationError({"name": _("Hãy nhập tên mới.")})
        if change.name == inst.name:
            raise ValidationError({"name": _("Tên mới trùng với tên hiện tại.")})
    if change.kind == RegistryChangeKind.MOVE and inst is not None:
        moves_unit = (
            change.target_unit is not None and change.target_unit.pk != inst.reporting_unit_id
        )
        moves_admin = change.admin_unit is not None and change.admin_unit.pk != inst.admin_unit_id
        if not (moves_unit or moves_admin):
            raise ValidationError(
                {
                    "target_unit": _(
                        "Hãy chọn đơn vị báo cáo mới hoặc đơn vị hành chính mới khác hiện tại."
                    )
                }
            )
        if change.target_unit is not None and not moves_unit:
            change.target_unit = None
        if change.admin_unit is not None and not moves_admin:
            change.admin_unit = None
    if change.kind == RegistryChangeKind.NEW and (
        RegistryChange.objects.filter(
            kind=RegistryChangeKind.NEW, state=RegistryChangeState.PENDING, code=change.code
        )
        .exclude(pk=change.pk)
        .exists()
    ):
        raise ValidationError({"code": _("Mã này đang có trong một đề xuất thêm mới chờ duyệt.")})
    pending_elsewhere = RegistryChange.objects.filter(
        institution=inst, state=RegistryChangeState.PENDING
    ).exclude(pk=change.pk)
    if inst is not None and pending_elsewhere.exists():
        raise ValidationError(_(ONE_PENDING))
    result = _result(change)
    try:
        result.full_clean()
    except ValidationError as exc:
        raise ValidationError(
            {_FORM_FIELD.get(k, k): v for k, v in exc.message_dict.items()}
        ) from None
    stored = Institution.objects.get(pk=inst.pk) if inst is not None else None
    problems = institution_change_problems(
        [InstitutionChange(stored, result, from_year=change.year)]
    ).get(0, {})
    if problems:
        errors: dict[str, list[ValidationError]] = {}
        for name, message in problems.items():
            errors.setdefault(_FORM_FIELD.get(name, name), []).append(
                ValidationError(as_sentence(message), code="approved_report")
            )
        raise ValidationError(errors)


# The registry's own names for its fields are the form's names too, except the
# years (the form's one `year`) and the unit a move goes to.
_FORM_FIELD = {
    "opened_year": "year",
    "closed_year": "year",
    "reporting_unit": "target_unit",
}
