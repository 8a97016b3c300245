"""Importing institutions from a file's rows (`import_institutions`, seed_demo):
every cell checked, every problem named by line and column, all or nothing;
a file by chunks (`InstitutionsImportStream`), a list at once
(`institutions_import`)."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from institutions.importing import CellProblem, Layout, SourceRow, Table, cell_text, table_read
from institutions.models import AdministrativeUnit, Category, Institution, ReportingUnit
from institutions.parsing import parse_day
from institutions.roles import Account
from institutions.services.history import (
    InstitutionChange,
    institution_change_problems,
    institution_history_record,
    institution_snapshot,
)

IMPORT_COLUMNS = (
    "code",
    "name",
    "category",
    "admin_unit_code",
    "reporting_unit_code",
    "opened_year",
    "closed_year",
)
REQUIRED_COLUMNS = IMPORT_COLUMNS[:6]
# Optional: a day on which the intended administrative unit was valid, for the
# rare code that two units share in the same year (see `_resolve_admin_unit`).
VALID_ON_COLUMN = "admin_unit_valid_on"
# The file's column for each field the approved-stays-approved rule may refuse.
_COLUMN_OF = {"admin_unit": "admin_unit_code", "reporting_unit": "reporting_unit_code"}
_UPDATED_FIELDS = ["name", "category", "admin_unit", "reporting_unit", "opened_year", "closed_year"]


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def _cell_error(line: int, column: str, message: str) -> str:
    return _("Dòng %(line)s, cột %(column)s: %(message)s") % {
        "line": line,
        "column": column,
        "message": message,
    }


def _year(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _resolve_admin_unit(
    candidates: list[AdministrativeUnit],
    *,
    code: str,
    opened_year: int | None,
    valid_on: dt.date | None,
    today: dt.date,
) -> tuple[AdministrativeUnit | None, str]:
    """Pick the unit a code means for one institution, or say why it cannot.

    Codes are reused across reorganisations, so a code alone is not enough:
    1. with `admin_unit_valid_on`, the unit valid on that day;
    2. otherwise the unit valid in the institution's opened year;
    3. if none was valid then (a unit created later), the unit valid today.
    Two units left at any step is an ambiguity the file must settle.
    """
    if not candidates:
        return None, _("không có đơn vị hành chính mã '%(code)s'") % {"code": code}
    if valid_on is not None:
        chosen = [u for u in candidates if u.is_valid_on(valid_on)]
        if not chosen:
            return None, _("không có đơn vị hành chính mã '%(code)s' còn hiệu lực ngày %(day)s") % {
                "code": code,
                "day": f"{valid_on:%d/%m/%Y}",
            }
    else:
        chosen = []
        if opened_year is not None:
            chosen = [u for u in candidates if u.is_valid_in_year(opened_year)]
        if not chosen:
            chosen = [u for u in candidates if u.is_valid_on(today)]
        if not chosen:
            return None, _(
                "đơn vị hành chính mã '%(code)s' không còn hiệu lực trong năm hoạt động "
                "%(year)s cũng như hiện nay; ghi rõ ngày ở cột %(column)s"
            ) % {"code": code, "year": opened_year, "column": VALID_ON_COLUMN}
    if len(chosen) > 1:
        return None, _(
            "mã '%(code)s' ứng với nhiều đơn vị hành chính (%(units)s); ghi ở cột %(column)s "
            "một ngày đơn vị cần chọn còn hiệu lực"
        ) % {
            "code": code,
            "units": "; ".join(u.validity_text for u in chosen),
            "column": VALID_ON_COLUMN,
        }
    return chosen[0], ""


@dataclass
class _Reference:
    """What one chunk's rows are checked against."""

    categories: dict[str, Category]
    reporting_units: dict[str, ReportingUnit]
    units_by_code: dict[str, list[AdministrativeUnit]]
    existing: dict[str, Institution]
    today: dt.date
    # Line of every code met so far in the file, earlier chunks included.
    seen: dict[str, int]
    # As stored before this file: for the history and the approved-stays-approved rule.
    stored: dict[str, Institution] = field(default_factory=dict)


def _check_years(
    v: dict[str, str], problems: list[tuple[str, str]]
) -> tuple[int | None, int | None]:
    opened = _year(v.get("opened_year", ""))
    if opened is None:
        problems.append(
            (
                "opened_year",
                _("năm hoạt động '%(value)s' không phải là số nguyên")
                % {"value": v.get("opened_year", "")},
            )
        )
    elif not 1900 <= opened <= 2100:
        problems.append(("opened_year", _("năm hoạt động phải trong khoảng 1900-2100")))
        opened = None
    closed: int | None = None
    if v.get("closed_year", ""):
        closed = _year(v["closed_year"])
        if closed is None:
            problems.append(
                (
                    "closed_year",
                    _("năm ngừng hoạt động '%(value)s' không phải là số nguyên")
                    % {"value": v["closed_year"]},
                )
            )
        elif opened is not None and closed < opened:
            problems.append(
                (
                    "closed_year",
                    _("năm ngừng hoạt động %(closed)s trước năm hoạt động %(opened)s")
                    % {"closed": closed, "opened": opened},
                )
            )
            closed = None  # already reported; do not cascade into the reporting-unit check
    return opened, closed


def _check_row(row: SourceRow, ref: _Reference) -> tuple[Institution | None, list[CellProblem]]:
    """One row as an unsaved institution, or the (column, message) problems it has."""
    v = row.values
    problems: list[tuple[str, str]] = []

    code = v.get("code", "")
    if not code:
        problems.append(("code", _("thiếu mã thiết chế")))
    elif len(code) > 40:
        problems.append(("code", _("mã dài quá 40 ký tự")))
    elif code in ref.seen:
        problems.append(
            (
                "code",
                _("mã '%(code)s' trùng với dòng %(other)s")
                % {"code": code, "other": ref.seen[code]},
            )
        )
    else:
        ref.seen[code] = row.line

    name = v.get("name", "")
    if not name:
        problems.append(("name", _("thiếu tên thiết chế")))
    elif len(name) > 300:
        problems.append(("name", _("tên dài quá 300 ký tự")))

    category = ref.categories.get(v.get("category", ""))
    if category is None:
        problems.append(
            (
                "category",
                _("loại thiết chế '%(value)s' không tồn tại (các mã hợp lệ: %(codes)s)")
                % {"value": v.get("category", ""), "codes": ", ".join(ref.categories)},
            )
        )

    opened, closed = _check_years(v, problems)

    reporting_unit = ref.reporting_units.get(v.get("reporting_unit_code", ""))
    if reporting_unit is None:
        problems.append(
            (
                "reporting_unit_code",
                _("đơn vị báo cáo '%(value)s' không tồn tại")
                % {"value": v.get("reporting_unit_code", "")},
            )
        )
    elif opened is not None and not any(
        reporting_unit.is_valid_in_year(y)
        for y in range(opened, max(opened, closed or ref.today.year) + 1)
    ):
        problems.append(
            (
                "reporting_unit_code",
                _(
                    "đơn vị báo cáo '%(value)s' không còn hiệu lực trong những năm thiết chế hoạt động"
                )
                % {"value": reporting_unit.code},
            )
        )

    valid_on = None
    if v.get(VALID_ON_COLUMN, ""):
        valid_on = parse_day(v[VALID_ON_COLUMN])
        if valid_on is None:
            problems.append(
                (
                    VALID_ON_COLUMN,
                    _("ngày '%(value)s' không đúng dạng YYYY-MM-DD hoặc DD/MM/YYYY")
                    % {"value": v[VALID_ON_COLUMN]},
                )
            )
    unit_code = v.get("admin_unit_code", "")
    admin_unit, why = _resolve_admin_unit(
        ref.units_by_code.get(unit_code, []),
        code=unit_code,
        opened_year=opened,
        valid_on=valid_on,
        today=ref.today,
    )
    if admin_unit is None:
        problems.append(("admin_unit_code", why))

    institution = ref.existing.get(code) or Institution(code=code)
    institution.name = name
    institution.opened_year = opened  # type: ignore[assignment]  # None only with a problem: dropped below
    institution.closed_year = closed
    if category is not None and admin_unit is not None:
        institution.category = category
        institution.admin_unit = admin_unit
        # The model's own rule (a category's level must match its unit's level),
        # so that the admin and the import can never disagree.
        try:
            institution.clean()
        except ValidationError as exc:
            problems.extend(("admin_unit_code", m) for m in exc.message_dict.get("admin_unit", []))
    if problems:
        return None, [
            CellProblem("", row.line, column, "", message) for column, message in problems
        ]
    institution.reporting_unit = reporting_unit  # type: ignore[assignment]  # not None: no problem above
    return institution, []


class InstitutionsInvalid(ValidationError):
    """Nothing was saved; `problems` lists every problem, by line and column."""

    def __init__(self, problems: list[CellProblem]) -> None:
        super().__init__([problem_text(p) for p in problems])
        self.problems = problems


def problem_text(problem: CellProblem) -> str:
    """`Dòng 5, cột category: …`, as the command lists a problem."""
    if problem.row is None:
        return problem.message
    if not problem.column:
        return _("Dòng %(line)s: %(message)s") % {"line": problem.row, "message": problem.message}
    return _cell_error(problem.row, problem.column, problem.message)


@dataclass
class InstitutionsImportStream:
    """An import fed chunk by chunk (`add`), for import_institutions'
    province-wide files: memory for one chunk, not the file. Call it inside one
    transaction and end with `finish`, which refuses everything on any problem,
    so that the whole file is still all or nothing.

    Each chunk is checked row by row as a whole file would be, then upserted by
    code with its history (`institution_history_record`) and under the
    approved-stays-approved rule (`institution_change_problems`); a code met
    again, in this chunk or a later one, is refused on its row. Once any row is
    refused, later chunks are still checked (every problem is listed) but no
    longer saved. Queries per chunk: one for its administrative units, one for
    its existing institutions, at most three for the approved-stays-approved
    rule (none when no row changes what it watches), one bulk upsert,
    one to read the new ids back, one bulk INSERT of audit lines; the
    categories and reporting units once for the file."""

    user: Account | None = None
    today: dt.date = field(default_factory=dt.date.today)
    problems: list[CellProblem] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    rows_seen: int = 0
    seen: dict[str, int] = field(default_factory=dict)
    _categories: dict[str, Category] | None = None
    _reporting_units: dict[str, ReportingUnit] | None = None
    _columns_missing: bool = False

    def add(self, rows: Sequence[SourceRow]) -> None:
        if not rows or self._columns_missing:
            return
        first = self.rows_seen == 0
        self.rows_seen += len(rows)
        if first:
            present = set().union(*(r.values.keys() for r in rows))
            missing = [c for c in REQUIRED_COLUMNS if c not in present]
            if missing:
                self._columns_missing = True
                self.problems.append(
                    CellProblem(
                        "",
                        None,
                        "",
                        "",
                        _("Thiếu cột: %(columns)s. Các cột cần có: %(expected)s.")
                        % {"columns": ", ".join(missing), "expected": ", ".join(IMPORT_COLUMNS)},
                    )
                )
                return
        ref = self._reference_for(rows)
        ready: list[Institution] = []
        line_of: dict[str, int] = {}
        for row in rows:
            institution, row_problems = _check_row(row, ref)
            self.problems.extend(row_problems)
            if institution is not None:
                ready.append(institution)
                line_of[institution.code] = row.line
        # Approved stays approved, for new rows as for changed ones.
        refused = institution_change_problems(
            [InstitutionChange(ref.stored.get(i.code), i) for i in ready]
        )
        for index, by_field in sorted(refused.items()):
            institution = ready[index]
            for name, message in by_field.items():
                self.problems.append(
                    CellProblem(
                        "", line_of[institution.code], _COLUMN_OF.get(name, name), "", message
                    )
                )
        if self.problems:
            return  # the caller's transaction rolls back whatever was saved
        self._save(ready, ref)

    def _reference_for(self, rows: Sequence[SourceRow]) -> _Reference:
        if self._categories is None or self._reporting_units is None:
            self._categories = {c.code: c for c in Category.objects.all()}
            self._reporting_units = {u.code: u for u in ReportingUnit.objects.all()}
        units_by_code: dict[str, list[AdministrativeUnit]] = {}
        unit_codes = {r.values.get("admin_unit_code", "") for r in rows}
        for unit in AdministrativeUnit.objects.filter(code__in=unit_codes):
            units_by_code.setdefault(unit.code, []).append(unit)
        codes = [r.values.get("code", "") for r in rows]
        existing = {
            i.code: i
            for i in Institution.objects.filter(code__in=codes).select_related(
                "category", "admin_unit", "reporting_unit"
            )
        }
        return _Reference(
            categories=self._categories,
            reporting_units=self._reporting_units,
            units_by_code=units_by_code,
            existing=existing,
            today=self.today,
            seen=self.seen,
            stored={code: copy.copy(i) for code, i in existing.items()},
        )

    def _save(self, ready: list[Institution], ref: _Reference) -> None:
        with transaction.atomic():
            Institution.objects.bulk_create(
                ready,
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=_UPDATED_FIELDS,
                batch_size=500,
            )
            ids = dict(
                Institution.objects.filter(code__in=[i.code for i in ready]).values_list(
                    "code", "pk"
                )
            )
            for institution in ready:
                institution.pk = ids[institution.code]
            institution_history_record(
                changes=[
                    (
                        institution,
                        institution_snapshot(ref.stored[institution.code])
                        if institution.code in ref.stored
                        else {},
                    )
                    for institution in ready
                ],
                user=self.user,
            )
        created = sum(1 for i in ready if i.code not in ref.existing)
        self.created += created
        self.updated += len(ready) - created

    def finish(self) -> ImportResult:
        """The counts; raises InstitutionsInvalid with every problem of every
        chunk, if any, for the caller's transaction to roll back."""
        if not self.rows_seen and not self.problems:
            self.problems.append(CellProblem("", None, "", "", _("Tệp không có dòng dữ liệu nào.")))
        if self.problems:
            raise InstitutionsInvalid(self.problems)
        return ImportResult(created=self.created, updated=self.updated)


def _source_row(line: int, values: dict[str, object]) -> SourceRow:
    return SourceRow(line=line, values={k: cell_text(v) for k, v in values.items()})


# Any columns (others are ignored); the header row is the one with a `code` column.
LAYOUT = Layout(key="code", make_row=_source_row)


def institutions_read(
    source: bytes | IO[bytes],
    filename: str,
    *,
    max_rows: int | None = None,
    on_rows: Callable[[Table[SourceRow]], None] | None = None,
    chunk_size: int | None = None,
) -> Table[SourceRow]:
    """The rows of an institutions file (.csv in UTF-8 or .xlsx, its first sheet
    with a `code` column), by `institutions.importing.table_read`: by chunks
    with `on_rows`, every cell as text, blank lines skipped but counted."""
    return table_read(
        source, filename, LAYOUT, max_rows=max_rows, on_rows=on_rows, chunk_size=chunk_size
    )


def institutions_import(
    *, rows: Sequence[SourceRow], today: dt.date | None = None, user: Account | None = None
) -> ImportResult:
    """Validate every row, then upsert all of them by code in one transaction,
    keeping every change (creation, rename, move, closure) in the audit trail
    with `user` (None: the system): the rows as one chunk of an
    `InstitutionsImportStream` (import_institutions feeds one by chunks).

    Guarantees: either every row is written or none is; on any problem raises
    `InstitutionsInvalid` (a `ValidationError`) whose messages name the line
    and column of every problem (not only the first). A change that would
    alter the attainment of a year already approved or locked
    (`indicators.services.settled`) is such a problem. Queries: those of one
    chunk (see the stream) and two for the categories and reporting units.
    """
    stream = InstitutionsImportStream(user=user, today=today or dt.date.today())
    with transaction.atomic():
        stream.add(rows)
        return stream.finish()
