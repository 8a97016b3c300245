"""Writes for the plan, its indicators and targets, and for the yearly figures:
periods, submissions, figures, activities and their audit trail."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import selectors
from indicators.fields import FIELDS
from indicators.models import (
    Activity,
    AuditEntry,
    Figures,
    Indicator,
    Milestone,
    PeriodEvent,
    PeriodState,
    Plan,
    ReportingPeriod,
    Submission,
    SubmissionEvent,
    SubmissionState,
    Target,
)
from indicators.validation import (
    CHANGE_COMMENT,
    Problem,
    submit_problems,
    validate_row,
    values_of,
)
from institutions.models import Category, Institution, ReportingUnit
from institutions.roles import User, is_reviewer

PLAN_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "plan_3632_KH-UBND.json"


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def plan_load(*, path: Path = PLAN_FILE) -> Plan:
    """Load a plan with its indicators, targets and milestones from its JSON file.
    Idempotent: matched on the plan's number and the indicator/target codes."""
    data = json.loads(path.read_text(encoding="utf-8"))
    categories = {c.code: c for c in Category.objects.all()}
    with transaction.atomic():
        plan, _created = Plan.objects.update_or_create(
            number=data["number"],
            defaults={
                "issued_on": dt.date.fromisoformat(data["issued_on"]),
                "title": data["title"],
                "issuer": data["issuer"],
                "province_name": data["province_name"],
                "baseline_year": data["baseline_year"],
                "recipients": "\n".join(data["recipients"]),
            },
        )
        for ind in data["indicators"]:
            indicator, _created = Indicator.objects.update_or_create(
                plan=plan,
                code=ind["code"],
                defaults={
                    "name": ind["name"],
                    "name_en": ind["name_en"],
                    "kind": ind["kind"],
                    "criterion_fields": ind["criterion_fields"],
                    "quantity_field": ind["quantity_field"],
                    "sort_order": ind["sort_order"],
                },
            )
            for tgt in ind["targets"]:
                target, _created = Target.objects.update_or_create(
                    indicator=indicator,
                    code=tgt["code"],
                    defaults={
                        "clause": tgt["clause"],
                        "label": tgt["label"],
                        "label_en": tgt["label_en"],
                        "sort_order": tgt["sort_order"],
                    },
                )
                target.categories.set([categories[c] for c in tgt["categories"]])
                for ms in tgt["milestones"]:
                    Milestone.objects.update_or_create(
                        target=target,
                        year=ms["year"],
                        defaults={
                            "value": _decimal(ms["value"]),
                            "value_max": _decimal(ms["value_max"]),
                        },
                    )
    return plan


# =====================================================================
# Yearly figures: periods, submissions, figures, activities, audit.
#
# Every write below runs in one transaction, refuses a locked period, and bumps
# Submission.version with a conditional UPDATE so that two people editing the
# same submission cannot silently overwrite each other.
#
# `user=None` stands for the system (a management command run by an operator on
# the server); views always pass request.user, so the reviewer checks hold there.
# =====================================================================


@dataclass(frozen=True)
class RowProblem:
    """A problem with one institution's row, before a caller maps it to a cell."""

    institution_id: int | None
    institution: str  # "code – name", for messages
    field: str
    value: str
    message: str
    ref: object = None  # the caller's row reference (an Excel row), passed through


class FiguresInvalid(ValidationError):
    """Nothing was saved; `problems` lists every bad value."""

    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        super().__init__([f"{p.institution}: {p.message}" for p in problems])


@dataclass
class FiguresSaveResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[RowProblem] = field(default_factory=list)


# ---------------------------------------------------------------- helpers
def _require_reviewer(user: User | None) -> None:
    if user is not None and not is_reviewer(user):
        raise ValidationError(_("Chỉ chuyên viên Sở VHTTDL mới được thực hiện thao tác này."))


def _ensure_period_open(period: ReportingPeriod) -> None:
    # Read again inside the transaction: a lock taken a second ago must win.
    state = ReportingPeriod.objects.filter(pk=period.pk).values_list("state", flat=True).first()
    if state == PeriodState.LOCKED:
        raise ValidationError(
            _(
                "Kỳ báo cáo năm %(year)s đã khóa: không thể thay đổi số liệu, hoạt động "
                "hay trạng thái báo cáo. Liên hệ Sở VHTTDL nếu cần mở lại kỳ báo cáo."
            )
            % {"year": period.year},
            code="locked",
        )


STALE_MESSAGE = (
    "Báo cáo này vừa được người khác thay đổi sau khi bạn mở trang. Không có gì được lưu: "
    "hãy tải lại trang để xem phiên bản mới nhất rồi nhập lại thay đổi của bạn."
)


def _bump_version(submission: Submission, version: int | None) -> None:
    """Claim the next version, or refuse when `version` (what the user's page was
    built from) is no longer current. A conditional UPDATE, so it also holds on
    SQLite where SELECT ... FOR UPDATE does nothing."""
    expected = submission.version if version is None else int(version)
    if expected != submission.version:
        raise ValidationError(_(STALE_MESSAGE), code="stale")
    updated = Submission.objects.filter(pk=submission.pk, version=expected).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_(STALE_MESSAGE), code="stale")
    submission.version = expected + 1


@contextmanager
def _submission_write(submission: Submission, version: int | None) -> Iterator[None]:
    """One write to a submission: a transaction that refuses a locked period and
    claims the next version. If anything fails, the in-memory submission is read
    back so that its version and state match the rolled-back database."""
    try:
        with transaction.atomic():
            _ensure_period_open(submission.period)
            _bump_version(submission, version)
            yield
    except Exception:
        submission.refresh_from_db()
        raise


def _ensure_editable(submission: Submission) -> None:
    if not submission.is_editable:
        raise ValidationError(
            _(
                "Báo cáo đang ở trạng thái «%(state)s»: chỉ xem, không sửa được. "
                "Chỉ sửa được khi đang nhập hoặc bị trả lại."
            )
            % {"state": submission.get_state_display()},
            code="read_only",
        )


def _show(value: object) -> str:
    if value is None:
        return ""
    if value is True:
        return "Có"
    if value is False:
        return "Không"
    return str(value)


def _norm(value: object) -> object:
    # A blank note and a missing one are the same answer; 0 and False are not "no change".
    return None if value is None or value == "" else (type(value), value)


def _institution_label(inst: Institution) -> str:
    return f"{inst.code} – {inst.name}"


# ---------------------------------------------------------------- periods
def period_open(
    *, year: int, user: User | None, deadline: dt.date | None = None
) -> ReportingPeriod:
    """The period of `year`, created (open, deadline 05/12 unless given) if missing."""
    _require_reviewer(user)
    period, _created = ReportingPeriod.objects.get_or_create(
        year=year, defaults={"deadline": deadline or ReportingPeriod.default_deadline(year)}
    )
    return period


def period_set_deadline(
    *, period: ReportingPeriod, user: User | None, deadline: dt.date
) -> ReportingPeriod:
    _require_reviewer(user)
    if deadline.year not in (period.year, period.year + 1):
        raise ValidationError(
            {
                "deadline": _("Hạn nộp phải thuộc năm %(year)s hoặc đầu năm sau.")
                % {"year": period.year}
            }
        )
    with transaction.atomic():
        _ensure_period_open(period)
        period.deadline = deadline
        period.full_clean()
        period.save(update_fields=["deadline"])
    return period


def period_lock(*, period: ReportingPeriod, user: User, reason: str) -> ReportingPeriod:
    """Lock a period (after the report is issued); recorded with who, when, why."""
    _require_reviewer(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do khóa kỳ báo cáo.")})
    with transaction.atomic():
        period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        if period.is_locked:
            raise ValidationError(_("Kỳ báo cáo năm %(year)s đã khóa rồi.") % {"year": period.year})
        period.state = PeriodState.LOCKED
        period.locked_at = timezone.now()
        period.locked_by = user
        period.lock_reason = reason
        period.save(update_fields=["state", "locked_at", "locked_by", "lock_reason"])
        PeriodEvent.objects.create(
            period=period, action=PeriodEvent.Action.LOCK, reason=reason, user=user
        )
    return period


def period_reopen(*, period: ReportingPeriod, user: User, reason: str) -> ReportingPeriod:
    """Reopen a locked period: reviewers only, with a reason, recorded."""
    if user is None or not is_reviewer(user):
        raise ValidationError(_("Chỉ chuyên viên Sở VHTTDL mới được mở lại kỳ báo cáo."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do mở lại kỳ báo cáo.")})
    with transaction.atomic():
        period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        if not period.is_locked:
            raise ValidationError(_("Kỳ báo cáo năm %(year)s đang mở.") % {"year": period.year})
        period.state = PeriodState.OPEN
        period.save(update_fields=["state"])
        PeriodEvent.objects.create(
            period=period, action=PeriodEvent.Action.REOPEN, reason=reason, user=user
        )
    return period


# ---------------------------------------------------------------- submissions
def submission_open(
    *, reporting_unit: ReportingUnit, period: ReportingPeriod, user: User | None
) -> Submission:
    """The unit's submission for the period, created as a draft the first time.
    The caller has checked that `user` may report for `reporting_unit`."""
    existing = Submission.objects.filter(reporting_unit=reporting_unit, period=period).first()
    if existing:
        return existing
    if not reporting_unit.is_valid_in_year(period.year):
        raise ValidationError(
            _("%(unit)s không còn hiệu lực trong năm %(year)s.")
            % {"unit": reporting_unit.name, "year": period.year}
        )
    with transaction.atomic():
        _ensure_period_open(period)
        submission, created = Submission.objects.get_or_create(
            reporting_unit=reporting_unit, period=period
        )
        if created:
            SubmissionEvent.objects.create(
                submission=submission, from_state="", to_state=SubmissionState.DRAFT, user=user
            )
    return submission


def _change_state(submission: Submission, *, user: User | None, to: str, reason: str = "") -> None:
    old = submission.state
    submission.state = to
    SubmissionEvent.objects.create(
        submission=submission, from_state=old, to_state=to, reason=reason, user=user
    )
    AuditEntry.objects.create(
        submission=submission,
        object_type="submission",
        object_id=submission.pk,
        object_label=str(submission),
        field="state",
        old_value=old,
        new_value=to,
        user=user,
    )


def submission_check(submission: Submission) -> list[RowProblem]:
    """What stops `submission` from being sent: every required answer still missing
    and every large change not yet explained, institution by institution. Three queries."""
    institutions = list(selectors.institutions_for_submission(submission))
    figures = selectors.figures_by_institution(submission)
    last = selectors.last_year_values([i.pk for i in institutions], submission.period.year)
    problems = []
    for inst in institutions:
        fig = figures.get(inst.pk)
        for p in submit_problems(
            inst.category.code,
            values_of(fig),
            last_year=last.get(inst.pk),
            change_comment=fig.change_comment if fig else "",
        ):
            problems.append(
                RowProblem(inst.pk, _institution_label(inst), p.field, p.value, p.message)
            )
    return problems


def submission_submit(
    *, submission: Submission, user: User | None, version: int | None = None
) -> Submission:
    """draft/returned → submitted, once every required answer is there."""
    with _submission_write(submission, version):
        if submission.state not in (SubmissionState.DRAFT, SubmissionState.RETURNED):
            raise ValidationError(
                _("Báo cáo đang ở trạng thái «%(state)s», không gửi được.")
                % {"state": submission.get_state_display()}
            )
        problems = submission_check(submission)
        if problems:
            raise FiguresInvalid(problems)
        now = timezone.now()
        _change_state(submission, user=user, to=SubmissionState.SUBMITTED)
        submission.submitted_at = now
        submission.submitted_by = user
        submission.first_submitted_at = submission.first_submitted_at or now
        submission.save(
            update_fields=[
                "state",
                "submitted_at",
                "submitted_by",
                "first_submitted_at",
                "updated_at",
            ]
        )
    return submission


def submission_return(
    *, submission: Submission, user: User | None, reason: str, version: int | None = None
) -> Submission:
    """submitted/approved → returned, with the reviewer's reason (required)."""
    _require_reviewer(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do trả lại để đơn vị biết cần sửa gì.")})
    with _submission_write(submission, version):
        if submission.state not in (SubmissionState.SUBMITTED, SubmissionState.APPROVED):
            raise ValidationError(
                _("Chỉ trả lại được báo cáo đã gửi hoặc đã duyệt (hiện: «%(state)s»).")
                % {"state": submission.get_state_display()}
            )
        _change_state(submission, user=user, to=SubmissionState.RETURNED, reason=reason)
        submission.return_reason = reason
        submission.approved_at = None
        submission.approved_by = None
        submission.save(
            update_fields=["state", "return_reason", "approved_at", "approved_by", "updated_at"]
        )
    return submission


def submission_approve(
    *, submission: Submission, user: User | None, version: int | None = None
) -> Submission:
    """submitted → approved."""
    _require_reviewer(user)
    with _submission_write(submission, version):
        if submission.state != SubmissionState.SUBMITTED:
            raise ValidationError(
                _("Chỉ duyệt được báo cáo đã gửi (hiện: «%(state)s»).")
                % {"state": submission.get_state_display()}
            )
        _change_state(submission, user=user, to=SubmissionState.APPROVED)
        submission.approved_at = timezone.now()
        submission.approved_by = user
        submission.save(update_fields=["state", "approved_at", "approved_by", "updated_at"])
    return submission


# ---------------------------------------------------------------- figures
FIGURE_FIELDS = [spec.code for spec in FIELDS]


def figures_save(
    *,
    submission: Submission,
    user: User | None,
    rows: Mapping[int, Mapping[str, object]],
    version: int | None = None,
    refs: Mapping[int, object] | None = None,
) -> FiguresSaveResult:
    """Validate and save the raw values of many institutions at once, all or nothing.

    `rows` maps an institution id to raw values by field code (and
    "change_comment"); a field left out keeps its stored value. Any institution
    not among the submission's (another unit's, or closed that year) is refused.
    Raises FiguresInvalid listing every problem; returns the warnings otherwise.
    Queries: a fixed handful plus bulk writes, whatever the number of rows.
    """
    refs = refs or {}
    with _submission_write(submission, version):
        _ensure_editable(submission)
        institutions = {i.pk: i for i in selectors.institutions_for_submission(submission)}
        existing = selectors.figures_by_institution(submission)
        last = selectors.last_year_values(list(rows), submission.period.year)
        # Figures of the year that another submission holds (an institution moved
        # between units): taken over by this one, never duplicated.
        elsewhere = {
            f.institution_id: f
            for f in Figures.objects.filter(
                year=submission.period.year, institution_id__in=list(rows)
            ).exclude(submission=submission)
        }
        problems: list[RowProblem] = []
        result = FiguresSaveResult()
        to_create: list[Figures] = []
        to_update: list[Figures] = []
        changes: list[tuple[Figures, Institution, list[tuple[str, object, object]]]] = []
        for inst_id, raw in rows.items():
            inst = institutions.get(inst_id)
            if inst is None:
                problems.append(
                    RowProblem(
                        inst_id,
                        str(inst_id),
                        "",
                        "",
                        _(
                            "Thiết chế này không thuộc đơn vị báo cáo hoặc không hoạt động trong năm."
                        ),
                        refs.get(inst_id),
                    )
                )
                continue
            fig = existing.get(inst_id) or elsewhere.get(inst_id)
            current = values_of(fig)
            checked = validate_row(
                inst.category.code, raw, last_year=last.get(inst_id), current=current
            )
            for p in checked.errors:
                problems.append(
                    RowProblem(
                        inst_id,
                        _institution_label(inst),
                        p.field,
                        p.value,
                        p.message,
                        refs.get(inst_id),
                    )
                )
            for p in checked.warnings:
                result.warnings.append(
                    RowProblem(
                        inst_id,
                        _institution_label(inst),
                        p.field,
                        p.value,
                        p.message,
                        refs.get(inst_id),
                    )
                )
            if checked.errors:
                continue
            new_values = dict(checked.values)
            if "note" in new_values and new_values["note"] is None:
                new_values["note"] = ""
            if fig is None:
                fig = Figures(institution=inst, year=submission.period.year, submission=submission)
                diff = [(k, None, v) for k, v in new_values.items() if v not in (None, "")]
                for k, v in new_values.items():
                    setattr(fig, k, "" if v is None and k in ("note", CHANGE_COMMENT) else v)
                to_create.append(fig)
                changes.append((fig, inst, diff))
                continue
            old_comment = fig.change_comment
            diff = []
            for k, v in new_values.items():
                old = old_comment if k == CHANGE_COMMENT else getattr(fig, k)
                if _norm(old) != _norm(v):
                    diff.append((k, old, v))
                    setattr(fig, k, v)
            if fig.submission_id != submission.pk:
                diff.append(("submission", fig.submission_id, submission.pk))
                fig.submission = submission
            if diff:
                to_update.append(fig)
                changes.append((fig, inst, diff))
            else:
                result.unchanged += 1
        if problems:
            raise FiguresInvalid(problems)
        if to_create:
            Figures.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            # An upsert on (institution, year) rather than bulk_update: one INSERT ...
            # ON CONFLICT DO UPDATE per batch instead of a CASE per row and field,
            # which took most of the time of a 2,000-row upload.
            Figures.objects.bulk_create(
                to_update,
                update_conflicts=True,
                unique_fields=["institution", "year"],
                update_fields=[*FIGURE_FIELDS, CHANGE_COMMENT, "submission", "updated_at"],
                batch_size=500,
            )
        result.created, result.updated = len(to_create), len(to_update)
        AuditEntry.objects.bulk_create(
            [
                AuditEntry(
                    submission=submission,
                    object_type="figures",
                    object_id=fig.pk,
                    object_label=_institution_label(inst),
                    field=k,
                    old_value=_show(old),
                    new_value=_show(new),
                    user=user,
                )
                for fig, inst, diff in changes
                for k, old, new in diff
            ],
            batch_size=1000,
        )
        Submission.objects.filter(pk=submission.pk).update(updated_at=timezone.now())
    return result


@dataclass
class ImportRow:
    """One row read from a file: its institution code, raw values and where it was."""

    institution_code: str
    values: dict[str, object]
    ref: object = None


def figures_import(
    *,
    rows: Iterable[ImportRow],
    year: int,
    user: User | None,
    units: Iterable[ReportingUnit] | None = None,
    submission: Submission | None = None,
    version: int | None = None,
    submit: bool = False,
    approve: bool = False,
) -> dict[int, FiguresSaveResult]:
    """Save figures read from a file, all or nothing across every unit it touches.

    With `submission` (a web upload), every row must be one of its institutions.
    Otherwise (the command) rows go to the submission of each institution's unit,
    restricted to `units` when given. Rows of institutions outside scope are
    refused with the same message as unknown codes, so an upload cannot probe
    another unit's institutions. Raises FiguresInvalid listing every problem.
    """
    rows = list(rows)
    problems: list[RowProblem] = []
    codes = [r.institution_code for r in rows]
    institutions = Institution.objects.filter(code__in=codes).select_related(
        "category", "reporting_unit"
    )
    if submission is not None:
        institutions = institutions.filter(reporting_unit_id=submission.reporting_unit_id)
    elif units is not None:
        institutions = institutions.filter(reporting_unit__in=list(units))
    by_code = {i.code: i for i in institutions}
    grouped: dict[int, dict[int, dict[str, object]]] = {}
    refs: dict[int, dict[int, object]] = {}
    unit_of: dict[int, ReportingUnit] = {}
    seen: dict[str, object] = {}
    for row in rows:
        code = row.institution_code
        if not code:
            problems.append(
                RowProblem(None, "", "institution_code", "", _("Thiếu mã thiết chế."), row.ref)
            )
            continue
        if code in seen:
            problems.append(
                RowProblem(
                    None,
                    code,
                    "institution_code",
                    code,
                    _("Mã thiết chế bị lặp lại trong tệp."),
                    row.ref,
                )
            )
            continue
        seen[code] = row.ref
        inst = by_code.get(code)
        if inst is None:
            problems.append(
                RowProblem(
                    None,
                    code,
                    "institution_code",
                    code,
                    _(
                        "Không có thiết chế mã «%(code)s» trong đơn vị báo cáo mà bạn được nhập số liệu."
                    )
                    % {"code": code},
                    row.ref,
                )
            )
            continue
        if not inst.is_open_in(year):
            problems.append(
                RowProblem(
                    inst.pk,
                    _institution_label(inst),
                    "institution_code",
                    code,
                    _("Thiết chế không hoạt động trong năm %(year)s nên không báo cáo.")
                    % {"year": year},
                    row.ref,
                )
            )
            continue
        unit_of[inst.reporting_unit_id] = inst.reporting_unit
        grouped.setdefault(inst.reporting_unit_id, {})[inst.pk] = row.values
        refs.setdefault(inst.reporting_unit_id, {})[inst.pk] = row.ref
    results: dict[int, FiguresSaveResult] = {}
    try:
        with transaction.atomic():
            period = submission.period if submission is not None else None
            if period is None:
                period = ReportingPeriod.objects.filter(year=year).first()
            if period is None:
                if user is not None and not is_reviewer(user):
                    raise ValidationError(_("Chưa có kỳ báo cáo năm %(year)s.") % {"year": year})
                period = period_open(year=year, user=user)
            for unit_id, unit_rows in grouped.items():
                target = submission or submission_open(
                    reporting_unit=unit_of[unit_id], period=period, user=user
                )
                try:
                    results[unit_id] = figures_save(
                        submission=target,
                        user=user,
                        rows=unit_rows,
                        version=version if submission is not None else None,
                        refs=refs[unit_id],
                    )
                except FiguresInvalid as exc:
                    problems.extend(exc.problems)
                    continue
                if submit and not problems:
                    try:
                        submission_submit(submission=target, user=user)
                        if approve:
                            submission_approve(submission=target, user=user)
                    except FiguresInvalid as exc:
                        problems.extend(exc.problems)
            if problems:
                # Roll back everything this import wrote, in every unit.
                raise FiguresInvalid(problems)
    except Exception:
        if submission is not None:
            submission.refresh_from_db()
        raise
    return results


# ---------------------------------------------------------------- activities
ACTIVITY_FIELDS = [
    "date",
    "title",
    "task_group",
    "institution",
    "key_day",
    "participants",
    "funding_state_budget",
    "funding_programmes",
    "funding_contributions",
]


def _activity_check(activity: Activity, submission: Submission) -> None:
    errors = {}
    if (
        activity.institution_id
        and activity.institution.reporting_unit_id != submission.reporting_unit_id
    ):
        errors["institution"] = _("Thiết chế này không thuộc đơn vị báo cáo.")
    if activity.date and activity.date.year != submission.period.year:
        errors["date"] = _("Ngày tổ chức phải thuộc năm %(year)s.") % {
            "year": submission.period.year
        }
    if errors:
        raise ValidationError(errors)
    activity.full_clean()


def _audit_activity(
    activity: Activity, submission: Submission, user: User | None, diff: list
) -> None:
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                submission=submission,
                object_type="activity",
                object_id=activity.pk,
                object_label=activity.title[:300],
                field=k,
                old_value=_show(old),
                new_value=_show(new),
                user=user,
            )
            for k, old, new in diff
        ]
    )


def activity_create(
    *,
    submission: Submission,
    user: User | None,
    data: Mapping[str, object],
    version: int | None = None,
) -> Activity:
    with _submission_write(submission, version):
        _ensure_editable(submission)
        activity = Activity(
            submission=submission, **{k: v for k, v in data.items() if k in ACTIVITY_FIELDS}
        )
        _activity_check(activity, submission)
        activity.save()
        diff = [
            (k, None, getattr(activity, k))
            for k in ACTIVITY_FIELDS
            if getattr(activity, k) not in (None, "")
        ]
        _audit_activity(activity, submission, user, diff)
    return activity


def activity_update(
    *, activity: Activity, user: User | None, data: Mapping[str, object], version: int | None = None
) -> Activity:
    submission = activity.submission
    with _submission_write(submission, version):
        _ensure_editable(submission)
        before = {k: getattr(activity, k) for k in ACTIVITY_FIELDS}
        for k, v in data.items():
            if k in ACTIVITY_FIELDS:
                setattr(activity, k, v)
        _activity_check(activity, submission)
        activity.save()
        diff = [
            (k, before[k], getattr(activity, k))
            for k in ACTIVITY_FIELDS
            if before[k] != getattr(activity, k)
        ]
        _audit_activity(activity, submission, user, diff)
    return activity


def activity_delete(
    *, activity: Activity, user: User | None, version: int | None = None
) -> Activity:
    """Soft delete: the row stays, marked deleted, with an audit entry."""
    submission = activity.submission
    with _submission_write(submission, version):
        _ensure_editable(submission)
        activity.is_deleted = True
        activity.save(update_fields=["is_deleted"])
        _audit_activity(activity, submission, user, [("is_deleted", False, True)])
    return activity


__all__ = [
    "FiguresInvalid",
    "FiguresSaveResult",
    "ImportRow",
    "Problem",
    "RowProblem",
    "activity_create",
    "activity_delete",
    "activity_update",
    "figures_import",
    "figures_save",
    "period_lock",
    "period_open",
    "period_reopen",
    "period_set_deadline",
    "plan_load",
    "submission_approve",
    "submission_check",
    "submission_open",
    "submission_return",
    "submission_submit",
]
