"""Writes for the annual report: the draft a reviewer edits and its issuing.

Figures are never written here: they are computed from the attainment engine
whenever the report is built (reports/annual/context.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Plan, ReportingPeriod, SubmissionState
from indicators.services import period_lock
from institutions.roles import Account
from reports.models import ReportDraft

# What a reviewer may change on the report page; everything else is computed.
EDITABLE_FIELDS: tuple[str, ...] = (
    "number",
    "symbol",
    "report_date",
    "place",
    "issuing_parent",
    "issuing_body",
    "signer_authority",
    "signer_title",
    "signer_name",
    "recipients",
    "other_results",
    "difficulties",
    "proposals",
)

# The plan's "Nơi nhận" addresses the province's own offices (the plan is issued
# by the People's Committee); the department's report goes *to* the Committee, so
# those lines become one "UBND tỉnh (báo cáo)" and the archive line is the
# department's own.
_COMMITTEE_OWN_LINES = ("Chủ tịch, các PCT UBND tỉnh", "CVP, các PCVP", "Lưu:")
_DEPARTMENT_LINES = ("Giám đốc, các PGĐ Sở;", "Lưu: VT, QLVH.")


def default_recipients(*, plan: Plan | None) -> str:
    """The plan's "Nơi nhận", adapted for a report sent by the department.
    Pure: no queries."""
    lines: list[str] = []
    plan_lines = [ln.strip() for ln in (plan.recipients if plan else "").splitlines()]
    for line in plan_lines:
        if not line or line.startswith(_COMMITTEE_OWN_LINES):
            continue
        lines.append(line)
        if line.startswith("Bộ Văn hóa"):
            lines.append("UBND tỉnh (báo cáo);")
    if "UBND tỉnh (báo cáo);" not in lines:
        lines.insert(0, "UBND tỉnh (báo cáo);")
    lines.extend(_DEPARTMENT_LINES)
    return "\n".join(lines)


def _period_for_year(year: int) -> ReportingPeriod:
    period = ReportingPeriod.objects.filter(year=year).first()
    if period is None:
        raise ValidationError(
            _("Chưa có kỳ báo cáo năm %(year)s.") % {"year": year}, code="no_period"
        )
    return period


def report_draft_for_year(*, year: int) -> ReportDraft:
    """The year's draft, created with the plan's defaults on first use.
    Raises ValidationError when the year has no reporting period. Two or three
    queries."""
    period = _period_for_year(year)
    draft = ReportDraft.objects.select_related("period", "issued_by").filter(period=period).first()
    if draft is not None:
        return draft
    plan = Plan.objects.order_by("-issued_on").first()
    with transaction.atomic():
        draft, _created = ReportDraft.objects.get_or_create(
            period=period, defaults={"recipients": default_recipients(plan=plan)}
        )
    return draft


def report_draft_update(
    *, draft: ReportDraft, user: Account, data: Mapping[str, object]
) -> ReportDraft:
    """Change the human-written parts of a draft that has not been issued.

    Only EDITABLE_FIELDS are taken from `data`; unknown keys are refused so that
    a figure can never be typed in. Validates with full_clean; one UPDATE.
    """
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Không thể sửa các trường: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            code="not_editable",
        )
    with transaction.atomic():
        draft = ReportDraft.objects.select_for_update().select_related("period").get(pk=draft.pk)
        if draft.is_issued and draft.period.is_locked:
            raise ValidationError(
                _(
                    "Báo cáo năm %(year)s đã được ban hành và kỳ báo cáo đã khóa; "
                    "cần mở lại kỳ báo cáo trước khi sửa."
                )
                % {"year": draft.period.year},
                code="issued",
            )
        if draft.is_issued:
            # The period was reopened (recorded by indicators.services): the
            # report changes, so it must be issued again.
            draft.issued_at = None
            draft.issued_by = None
        for field, value in data.items():
            if isinstance(value, str):
                value = value.strip()
            setattr(draft, field, value)
        errors: dict[str, list[str]] = {}
        for required in ("symbol", "place", "issuing_body", "signer_title"):
            if not getattr(draft, required):
                errors.setdefault(required, []).append(_("Trường này không được để trống."))
        if draft.number and not draft.number.isdigit():
            errors.setdefault("number", []).append(
                _("Số văn bản chỉ gồm chữ số (ví dụ 125); ký hiệu ghi ở ô bên cạnh.")
            )
        if errors:
            raise ValidationError(errors)
        draft.updated_by = user
        draft.full_clean()
        draft.save()
    return draft


def report_issue(*, draft: ReportDraft, user: Account) -> ReportDraft:
    """Issue the final report: record who issued it and when, and lock the period.

    Refused while the draft lacks its number, date or signer, while any unit's
    submission still awaits approval (a final report never carries provisional
    figures), or when it was already issued and the period is still locked (after
    a recorded reopening it may be issued again). Locks the period through
    indicators.services.period_lock, inside the same transaction. Queries: the
    draft locked for update, a count of submissions awaiting approval, the
    period's lock and its event, the draft's UPDATE.
    """
    with transaction.atomic():
        draft = ReportDraft.objects.select_for_update().select_related("period").get(pk=draft.pk)
        period = draft.period
        if draft.is_issued and period.is_locked:
            raise ValidationError(
                _("Báo cáo năm %(year)s đã được ban hành.") % {"year": period.year},
                code="issued",
            )
        errors: dict[str, list[str]] = {}
        if not draft.number:
            errors["number"] = [_("Cần có số văn bản trước khi ban hành.")]
        if not draft.report_date:
            errors["report_date"] = [_("Cần có ngày báo cáo trước khi ban hành.")]
        if not draft.signer_name:
            errors["signer_name"] = [_("Cần có họ tên người ký trước khi ban hành.")]
        if errors:
            raise ValidationError(errors)
        waiting = period.submissions.filter(state=SubmissionState.SUBMITTED).count()
        if waiting:
            raise ValidationError(
                _(
                    "Còn %(count)s báo cáo của đơn vị đang chờ duyệt: hãy duyệt hoặc trả lại "
                    "trước khi ban hành báo cáo chính thức."
                )
                % {"count": waiting},
                code="awaiting_approval",
            )
        reason = _("Ban hành báo cáo số %(number)s.") % {"number": draft.number_and_symbol}
        if not period.is_locked:
            period_lock(period=period, user=user, reason=reason)
        draft.issued_at = timezone.now()
        draft.issued_by = user
        draft.updated_by = user
        draft.save(update_fields=["issued_at", "issued_by", "updated_by", "updated_at"])
    return draft
