"""The yearly figures: save a unit's rows from the page, import a file."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import selectors
from indicators.fields import FIELDS
from indicators.models import AuditEntry, Figures, ReportingPeriod, Submission
from indicators.services.audit import FieldDiff, audit_entry, norm
from indicators.services.common import (
    FiguresInvalid,
    RowProblem,
    ensure_editable,
    institution_label,
    submission_write,
)
from indicators.services.submissions import submission_approve, submission_open, submission_submit
from indicators.validation import CHANGE_COMMENT, validate_row, values_of
from institutions.models import Institution, ReportingUnit
from institutions.roles import Account


@dataclass
class FiguresSaveResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[RowProblem] = field(default_factory=list)


FIGURE_FIELDS = [spec.code for spec in FIELDS]


def figures_save(
    *,
    submission: Submission,
    user: Account | None,
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
    with submission_write(submission, version):
        ensure_editable(submission)
        institutions = {i.pk: i for i in selectors.institutions_for_submission(submission)}
        existing = selectors.figures_by_institution(submission)
        last = selectors.last_year_values(list(rows), submission.period.year)
        # Figures of the year that another submission holds (an institution moved
        # between units): taken over by this one, never duplicated.
        # Only from a submission still editable: figures sent or approved stay
        # where they are (an approved report never changes behind its back).
        elsewhere = {
            f.institution_id: f
            for f in Figures.objects.filter(
                year=submission.period.year, institution_id__in=list(rows)
            )
            .exclude(submission=submission)
            .select_related("submission__reporting_unit", "institution")
        }
        problems: list[RowProblem] = []
        result = FiguresSaveResult()
        to_create: list[Figures] = []
        to_update: list[Figures] = []
        changes: list[tuple[Figures, Institution, list[FieldDiff]]] = []
        for inst_id, raw in rows.items():
            held = elsewhere.get(inst_id)
            if held is not None and not held.submission.is_editable:
                problems.append(
                    RowProblem(
                        inst_id,
                        institution_label(held.institution),
                        "",
                        "",
                        _(
                            "Số liệu năm %(year)s của thiết chế này thuộc báo cáo của %(unit)s "
                            "(%(state)s): không chuyển sang báo cáo này được."
                        )
                        % {
                            "year": submission.period.year,
                            "unit": held.submission.reporting_unit.name,
                            "state": held.submission.get_state_display(),
                        },
                        refs.get(inst_id),
                    )
                )
                continue
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
            label, ref = institution_label(inst), refs.get(inst_id)
            problems += [
                RowProblem(inst_id, label, p.field, p.value, p.message, ref) for p in checked.errors
            ]
            result.warnings += [
                RowProblem(inst_id, label, p.field, p.value, p.message, ref)
                for p in checked.warnings
            ]
            if checked.errors:
                continue
            new_values = dict(checked.values)
            if "note" in new_values and new_values["note"] is None:
                new_values["note"] = ""
            if fig is None:
                fig = Figures(institution=inst, year=submission.period.year, submission=submission)
                diff: list[FieldDiff] = [
                    (k, None, v) for k, v in new_values.items() if v not in (None, "")
                ]
                for k, v in new_values.items():
                    setattr(fig, k, "" if v is None and k in ("note", CHANGE_COMMENT) else v)
                to_create.append(fig)
                changes.append((fig, inst, diff))
                continue
            old_comment = fig.change_comment
            diff = []  # the same list type as above
            for k, v in new_values.items():
                old = old_comment if k == CHANGE_COMMENT else getattr(fig, k)
                if norm(old) != norm(v):
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
        # One entry per institution whose figures changed, with all its fields.
        AuditEntry.objects.bulk_create(
            [
                entry
                for fig, inst, diff in changes
                if (
                    entry := audit_entry(
                        submission=submission,
                        object_type="figures",
                        object_id=fig.pk,
                        object_label=institution_label(inst),
                        changes=diff,
                        user=user,
                    )
                )
                is not None
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


@dataclass
class FiguresImportStream:
    """An import fed chunk by chunk (`add`), for the command's province-wide
    files: memory for one chunk, not the file. Call it inside one transaction
    and end with `finish`, which refuses everything on any problem, so the
    whole file is still all or nothing. Each chunk goes through
    `figures_import`, the web upload's rules; an institution code met twice
    anywhere in the file is refused as in one chunk. With `on_warning`, each
    chunk's warnings are handed over as they come instead of kept (a file whose
    every row warns would otherwise keep them all)."""

    year: int
    user: Account | None
    on_warning: Callable[[RowProblem], None] | None = None
    results: dict[int, FiguresSaveResult] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    def add(self, rows: Sequence[ImportRow]) -> None:
        fresh = []
        for row in rows:
            code = row.institution_code
            if code and code in self.seen:
                self.problems.append(
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
            if code:
                self.seen.add(code)
            fresh.append(row)
        try:
            saved = figures_import(rows=fresh, year=self.year, user=self.user)
        except FiguresInvalid as exc:
            self.problems.extend(exc.problems)
            return
        for unit_id, result in saved.items():
            total = self.results.setdefault(unit_id, FiguresSaveResult())
            total.created += result.created
            total.updated += result.updated
            total.unchanged += result.unchanged
            if self.on_warning is None:
                total.warnings.extend(result.warnings)
            else:
                for warning in result.warnings:
                    self.on_warning(warning)

    def finish(
        self, *, submit: bool = False, approve: bool = False
    ) -> dict[int, FiguresSaveResult]:
        """Submit (and approve) each unit the file touched; raise FiguresInvalid
        with every problem of every chunk, if any, for the caller's transaction
        to roll back."""
        if submit and not self.problems:
            for sub in Submission.objects.filter(
                period__year=self.year, reporting_unit_id__in=list(self.results)
            ):
                try:
                    submission_submit(submission=sub, user=self.user)
                    if approve:
                        submission_approve(submission=sub, user=self.user)
                except FiguresInvalid as exc:
                    self.problems.extend(exc.problems)
        if self.problems:
            raise FiguresInvalid(self.problems)
        return self.results


def figures_import(
    *,
    rows: Iterable[ImportRow],
    year: int,
    user: Account | None,
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
                    institution_label(inst),
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
                # Opening a year is the reviewer's decision (periods page or
                # `import_figures --open-period`), never a side effect of a file.
                raise ValidationError(
                    _("Chưa mở kỳ báo cáo năm %(year)s: hãy mở kỳ báo cáo trước khi nhập.")
                    % {"year": year}
                )
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
