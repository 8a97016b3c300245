"""Writes for the annual report: the draft a reviewer edits and its issuing.

Figures are never written here: they are computed from the attainment engine
whenever the report is built (reports/annual/context.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Plan, ReportingPeriod, SubmissionState
from indicators.services import period_lock
from indicators.services.audit import audit_changes, audit_snapshot
from indicators.summary import lock_writers
from institutions.roles import Account
from reports import page_cache
from reports.dashboards.selectors import two_tier_on
from reports.models import IssuedReport, ReportDraft

if TYPE_CHECKING:
    from reports.annual.build import ReportFiles

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

DRAFT_AUDITED: tuple[str, ...] = (*EDITABLE_FIELDS, "issued_at")

# The plan's "Nơi nhận" addresses the province's own offices (the plan is issued
# by the People's Committee); the department's report goes *to* the Committee, so
# those lines become one "UBND tỉnh (báo cáo)" and the archive line is the
# department's own.
_COMMITTEE_OWN_LINES = ("Chủ tịch, các PCT UBND tỉnh", "CVP, các PCVP", "Lưu:")
_DEPARTMENT_LINES = ("Giám đốc, các PGĐ Sở;", "Lưu: VT, QLVH.")
_DISTRICT_COMMITTEES = "UBND các huyện, thị xã, thành phố"


def default_recipients(*, plan: Plan | None, two_tier: bool = False) -> str:
    """The plan's "Nơi nhận", adapted for a report sent by the department and,
    once the district level is gone (`two_tier`), to the units of today: the
    plan's "UBND các huyện, thị xã, thành phố" become "UBND các xã, phường".
    Pure: no queries."""
    lines: list[str] = []
    plan_lines = [ln.strip() for ln in (plan.recipients if plan else "").splitlines()]
    for line in plan_lines:
        if not line or line.startswith(_COMMITTEE_OWN_LINES):
            continue
        if two_tier and line.startswith(_DISTRICT_COMMITTEES):
            line = "UBND các xã, phường;"
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
            period=period,
            defaults={
                "recipients": default_recipients(plan=plan, two_tier=two_tier_on(period.deadline))
            },
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
        # Every saved version is kept: one audit entry, each changed field old and new.
        before = audit_snapshot(draft, DRAFT_AUDITED)
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
        date_problem = _report_date_problem(draft)
        if date_problem:
            errors.setdefault("report_date", []).append(date_problem)
        if errors:
            raise ValidationError(errors)
        draft.updated_by = user
        draft.full_clean()
        draft.save()
        audit_changes(
            obj=draft, before=before, after=audit_snapshot(draft, DRAFT_AUDITED), user=user
        )
    return draft


# What an official report cannot be issued without, each named in the refusal.
REQUIRED_TO_ISSUE: tuple[tuple[str, str], ...] = (
    ("number", "số văn bản"),
    ("report_date", "ngày báo cáo"),
    ("signer_title", "chức vụ người ký"),
    ("signer_name", "họ tên người ký"),
    ("difficulties", "nội dung mục V (Khó khăn, vướng mắc)"),
    ("proposals", "nội dung mục VI (Đề xuất, kiến nghị)"),
)


def _report_date_problem(draft: ReportDraft) -> str | None:
    """A report cannot be dated before its figures were taken as final."""
    cutoff = draft.period.cutoff
    if draft.report_date is None or draft.report_date >= cutoff:
        return None
    return _(
        "Ngày báo cáo %(date)s sớm hơn ngày chốt số liệu %(cutoff)s: báo cáo không thể "
        "ghi ngày trước khi số liệu được chốt. Chọn ngày từ %(cutoff)s trở đi, hoặc đổi "
        "ngày chốt số liệu của kỳ báo cáo."
    ) % {"date": draft.report_date.strftime("%d/%m/%Y"), "cutoff": cutoff.strftime("%d/%m/%Y")}


def issue_problems(draft: ReportDraft) -> dict[str, list[str]]:
    """Everything that stops the draft from being issued, by field ("submissions"
    for the units' reports still awaiting review): the page lists these and keeps
    its button off, and `report_issue` refuses with the same list. One query."""
    problems: dict[str, list[str]] = {}
    for name, words in REQUIRED_TO_ISSUE:
        value = getattr(draft, name)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems[name] = [_("Cần có %(what)s trước khi ban hành.") % {"what": _(words)}]
    date_problem = _report_date_problem(draft)
    if date_problem:
        problems["report_date"] = [date_problem]
    waiting = draft.period.submissions.filter(state=SubmissionState.SUBMITTED).count()
    if waiting:
        problems["submissions"] = [
            _(
                "Còn %(count)s báo cáo của đơn vị đang chờ duyệt: hãy duyệt hoặc trả lại "
                "trước khi ban hành báo cáo chính thức."
            )
            % {"count": waiting}
        ]
    return problems


ISSUE_ATTEMPTS = 3


def report_issue(*, draft: ReportDraft, user: Account) -> IssuedReport:
    """Issue the final report: lock the period, build the PDF (signed when a
    certificate is configured) and the workbook once, and keep them byte for
    byte as a new version with their SHA-256, who issued them and when.

    Refused, naming each problem, while the draft lacks a required part
    (`REQUIRED_TO_ISSUE`), while any unit's submission still awaits approval (a
    final report never carries provisional figures), or when it was already
    issued and the period is still locked (after a recorded reopening it may be
    issued again, as a new version).

    The files are built first, writing nothing (minutes for a large province:
    no other writer waits meanwhile); then one short transaction takes the
    writers' lock and writes only if the data's version is still the one the
    files were built from: otherwise they are built again (a few times, then
    refused). A failure while building or signing leaves the period and the
    draft as they were."""
    from reports.annual.build import build_files

    for _attempt in range(ISSUE_ATTEMPTS):
        _issue_check(draft, lock=False)
        version = page_cache.data_version()
        files = build_files(draft=draft, sign=True)
        with transaction.atomic():
            lock_writers()
            if page_cache.data_version() != version:
                continue  # the data changed while the files were built
            draft = _issue_check(draft, lock=True)
            return _issue_write(draft=draft, user=user, files=files)
    raise ValidationError(
        _(
            "Số liệu thay đổi liên tục trong lúc dựng báo cáo; "
            "hãy ban hành lại khi không còn ai đang cập nhật."
        ),
        code="busy",
    )


def _issue_check(draft: ReportDraft, *, lock: bool) -> ReportDraft:
    """The draft as stored (`lock`: locked to the end of the transaction), or
    the ValidationError that names why it cannot be issued."""
    drafts = ReportDraft.objects.select_related("period")
    draft = (drafts.select_for_update() if lock else drafts).get(pk=draft.pk)
    if draft.is_issued and draft.period.is_locked:
        raise ValidationError(
            _("Báo cáo năm %(year)s đã được ban hành.") % {"year": draft.period.year},
            code="issued",
        )
    errors = issue_problems(draft)
    if errors:
        raise ValidationError(errors)
    return draft


def _issue_write(*, draft: ReportDraft, user: Account, files: ReportFiles) -> IssuedReport:
    period = draft.period
    reason = _("Ban hành báo cáo số %(number)s.") % {"number": draft.number_and_symbol}
    if not period.is_locked:
        period_lock(period=period, user=user, reason=reason)
    draft.issued_at = timezone.now()
    draft.issued_by = user
    draft.updated_by = user
    draft.save(update_fields=["issued_at", "issued_by", "updated_by", "updated_at"])
    assert draft.report_date is not None  # required to issue
    version = (IssuedReport.objects.filter(period=period).aggregate(n=Max("version"))["n"] or 0) + 1
    return IssuedReport.objects.create(
        period=period,
        version=version,
        number_and_symbol=draft.number_and_symbol,
        report_date=draft.report_date,
        signer_name=draft.signer_name,
        data_cutoff=period.cutoff,
        issued_at=draft.issued_at,
        issued_by=user,
        pdf=files.pdf,
        pdf_sha256=hashlib.sha256(files.pdf).hexdigest(),
        xlsx=files.xlsx,
        xlsx_sha256=hashlib.sha256(files.xlsx).hexdigest(),
        signed_by=files.signed_by,
    )
