"""Reads for periods, submissions, figures and activities.

Every object a user asks for comes through one helper per kind built on
`institutions.roles.reporting_units_for_user`, which answers 404 where the user
has no access: an officer never learns that another unit's data exists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from indicators.changes import change_counts
from indicators.fields import ALL_CATEGORIES, fields_for
from indicators.models import (
    APPROVABLE_STATES,
    EDITABLE_STATES,
    RETURNABLE_STATES,
    Activity,
    AuditEntry,
    Figures,
    PeriodState,
    Plan,
    ReportingPeriod,
    Submission,
    SubmissionEvent,
    SubmissionState,
    UploadedFile,
)
from indicators.states import state_style
from indicators.validation import values_of
from institutions.models import Category, Institution, ReportingUnit
from institutions.roles import User, is_reviewer, reporting_units_for_user
from institutions.roles import can_report_for as roles_can_report_for
from institutions.selectors import pending_registry_changes_by_unit


# ---------------------------------------------------------------- periods
def current_plan() -> Plan | None:
    """The plan in force (the latest issued), annotated with `horizon`, its last
    milestone year: the plan's years run from `baseline_year` to `horizon`.
    None when no plan is loaded. One query."""
    return (
        Plan.objects.annotate(horizon=Max("indicators__targets__milestones__year"))
        .order_by("-issued_on", "-pk")
        .first()
    )


def open_periods() -> QuerySet[ReportingPeriod]:
    """Periods still open for entry, newest first."""
    return ReportingPeriod.objects.filter(state=PeriodState.OPEN).order_by("-year")


def get_period(year: int) -> ReportingPeriod:
    """The period of `year`; 404 when there is none. One query."""
    period = ReportingPeriod.objects.filter(year=year).first()
    if period is None:
        raise Http404("No such period")
    return period


def today() -> dt.date:
    return timezone.localdate()


def days_left(period: ReportingPeriod, *, on: dt.date | None = None) -> int:
    """Days from `on` (today) to the deadline; negative once it has passed."""
    return (period.deadline - (on or today())).days


# ---------------------------------------------------------------- submissions
def submissions_for_user(user: User) -> QuerySet[Submission]:
    """Submissions of the units `user` may see, with unit and period joined."""
    return Submission.objects.filter(
        reporting_unit__in=reporting_units_for_user(user)
    ).select_related("reporting_unit", "period", "submitted_by", "approved_by")


def get_submission_for_user(user: User, pk: int) -> Submission:
    """The submission `pk` if `user` may see it; 404 otherwise. One query."""
    submission = submissions_for_user(user).filter(pk=pk).first()
    if submission is None:
        raise Http404("No such submission")
    return submission


def is_late(
    submission: Submission | None, period: ReportingPeriod, *, on: dt.date | None = None
) -> bool:
    """Late when first sent after the deadline, or not yet sent and the deadline passed."""
    if submission is not None and submission.first_submitted_at is not None:
        return timezone.localtime(submission.first_submitted_at).date() > period.deadline
    return (on or today()) > period.deadline


def institutions_for_submission(submission: Submission) -> QuerySet[Institution]:
    """The institutions a submission reports for: those of its unit open in its year,
    and any whose figures it already holds (a past year's submission keeps showing
    what it reported after institutions moved to another unit in 2025), ordered by
    category then name (the entry page's grouping)."""
    year, unit = submission.period.year, submission.reporting_unit_id
    assigned = Institution.objects.filter(reporting_unit_id=unit).open_in(year)
    # Figures another unit's report has sent or had approved stay in that report
    # (only the unit's own institutions' matter: not the whole year's figures).
    settled_elsewhere = (
        Figures.objects.filter(year=year, institution__reporting_unit_id=unit)
        .exclude(submission=submission)
        .exclude(submission__state__in=[SubmissionState.DRAFT, SubmissionState.RETURNED])
        .values("institution_id")
    )
    assigned = assigned.exclude(pk__in=settled_elsewhere)
    held = Figures.objects.filter(submission=submission).values("institution_id")
    return (
        Institution.objects.filter(Q(pk__in=assigned.values("pk")) | Q(pk__in=held))
        .select_related("category")
        .order_by("category__sort_order", "name", "pk")
    )


def figures_by_institution(
    submission: Submission, *, institution_ids: Iterable[int] | None = None
) -> dict[int, Figures]:
    """The submission's figures keyed by institution id, of `institution_ids`
    only when given (a slice of the entry page). One query."""
    figures = Figures.objects.filter(submission=submission)
    if institution_ids is not None:
        figures = figures.filter(institution_id__in=list(institution_ids))
    return {f.institution_id: f for f in figures}


@dataclass(frozen=True)
class DirectoryEntry:
    """One institution of a submission, as the entry page's navigation needs it."""

    pk: int
    code: str
    name: str
    category: Category
    complete: bool  # its stored figures answer every required field


def institution_directory(submission: Submission) -> list[DirectoryEntry]:
    """Every institution of `institutions_for_submission`, in its order, with
    whether the submission's stored figures answer every required field
    (`complete_figures_q`, the database form of `validation.missing_for_submit`).
    Only the columns a list of names needs, so a unit of thousands costs
    little. One query."""
    complete = Figures.objects.filter(submission=submission, institution=OuterRef("pk")).filter(
        complete_figures_q()
    )
    rows = (
        institutions_for_submission(submission)
        .annotate(complete=Exists(complete))
        .values_list(
            "pk",
            "code",
            "name",
            "complete",
            "category_id",
            "category__code",
            "category__name",
            "category__name_en",
            "category__sort_order",
        )
    )
    categories: dict[int, Category] = {}
    entries = []
    for pk, code, name, done, category_id, cat_code, cat_name, cat_name_en, sort_order in rows:
        if category_id not in categories:
            categories[category_id] = Category(
                pk=category_id,
                code=cat_code,
                name=cat_name,
                name_en=cat_name_en,
                sort_order=sort_order,
            )
        entries.append(DirectoryEntry(pk, code, name, categories[category_id], bool(done)))
    return entries


def last_year_values(
    institution_ids: list[int] | QuerySet, year: int
) -> dict[int, dict[str, object]]:
    """Last year's figures of these institutions, whatever unit reported them
    (an institution keeps its history across the 2025 reorganisation). One query."""
    return {
        f.institution_id: values_of(f)
        for f in Figures.objects.filter(institution_id__in=institution_ids, year=year - 1)
    }


def submission_history(submission: Submission, *, limit: int = 100) -> dict[str, list]:
    """State changes and the `limit` latest audit entries of a submission (one
    per object changed, each with its fields), newest first. Two queries."""
    events = list(
        SubmissionEvent.objects.filter(submission=submission)
        .select_related("user")
        .order_by("-at", "-pk")
    )
    audit = list(
        AuditEntry.objects.filter(submission=submission)
        .select_related("user")
        .order_by("-at", "-pk")[:limit]
    )
    return {"events": events, "audit": audit}


def uploads_for_submission(submission: Submission) -> QuerySet[UploadedFile]:
    """The files uploaded into `submission`, newest first, without their bytes,
    uploader joined. One query."""
    return (
        UploadedFile.objects.filter(submission=submission)
        .defer("content")
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-pk")
    )


def get_upload_for_user(user: User, pk: int) -> UploadedFile:
    """The uploaded file `pk`, bytes included, if `user` may see its submission
    (its unit's officers, reviewers: `reporting_units_for_user`); 404 otherwise.
    One query."""
    upload = (
        UploadedFile.objects.filter(
            pk=pk, submission__reporting_unit__in=reporting_units_for_user(user)
        )
        .select_related("submission__reporting_unit", "submission__period")
        .first()
    )
    if upload is None:
        raise Http404("No such file")
    return upload


def activities_for_submission(submission: Submission) -> QuerySet[Activity]:
    """The submission's activities not deleted, by date, institution joined."""
    return (
        Activity.objects.filter(submission=submission, is_deleted=False)
        .select_related("institution")
        .order_by("date", "pk")
    )


def get_activity_for_user(user: User, pk: int) -> Activity:
    """An activity (not deleted) of a submission `user` may see; 404 otherwise."""
    activity = (
        Activity.objects.filter(
            pk=pk,
            is_deleted=False,
            submission__reporting_unit__in=reporting_units_for_user(user),
        )
        .select_related("submission__period", "submission__reporting_unit", "institution")
        .first()
    )
    if activity is None:
        raise Http404("No such activity")
    return activity


def activity_totals(
    year: int, *, units: QuerySet[ReportingUnit] | None = None
) -> dict[str, object]:
    """Activities of `year` (submitted or approved submissions) summed by task group:
    {task_group: {count, participants, state_budget, programmes, contributions}}.
    One aggregate query; for the report and dashboards."""
    qs = Activity.objects.filter(
        is_deleted=False,
        submission__period__year=year,
        submission__state__in=[SubmissionState.SUBMITTED, SubmissionState.APPROVED],
    )
    if units is not None:
        qs = qs.filter(submission__reporting_unit__in=units)
    rows = qs.values("task_group").annotate(
        count=Count("pk"),
        participants=Sum("participants"),
        state_budget=Sum("funding_state_budget"),
        programmes=Sum("funding_programmes"),
        contributions=Sum("funding_contributions"),
    )
    return {r["task_group"]: r for r in rows}


def complete_figures_q(prefix: str = "") -> Q:
    """Figures (reached through `prefix`, e.g. "figures__") with every answer
    their institution's category requires: the database form of
    `validation.missing_for_submit`, from the same data dictionary."""
    by_category = Q(pk__in=[])
    for code in sorted(ALL_CATEGORIES):
        required = [spec.code for spec in fields_for(code) if spec.required]
        by_category |= Q(
            **{f"{prefix}institution__category__code": code},
            **{f"{prefix}{field}__isnull": False for field in required},
        )
    return by_category


# ---------------------------------------------------------------- review
def expected_reporting_units(
    year: int, *, among: Iterable[int] | None = None
) -> QuerySet[ReportingUnit]:
    """Units expected to report for `year`, each with `institution_count`.

    A unit is expected when it still exists on the year's deadline and has
    institutions open that year assigned to it, or when it holds figures for the
    year in a submission. So across the 01/07/2025 reorganisation the district
    committees (gone on 30/06/2025) are not expected for 2025, while 2023-2024
    stay theirs through the figures they sent. `institution_count` is the larger
    of the two counts.

    Three queries: each count once for every unit, by one GROUP BY (asked per
    unit in a subquery, they cost 1.7 s at 140,000 institutions: a unit with
    no institution made PostgreSQL scan them all), then the units, with the
    deadline read in the same query. `among`: only those of these units (an
    officer's own), counted over their rows alone."""
    institutions = Institution.objects.open_in(year)
    # A year's figures sit in that year's submissions, which keep their count.
    submissions = Submission.objects.filter(period__year=year, figures_count__gt=0)
    units = ReportingUnit.objects.all()
    if among is not None:
        ids = sorted(set(among))
        institutions = institutions.filter(reporting_unit_id__in=ids)
        submissions = submissions.filter(reporting_unit_id__in=ids)
        units = units.filter(pk__in=ids)
    assigned = _count_by_unit(institutions, "reporting_unit")
    reported = dict(submissions.values_list("reporting_unit_id", "figures_count"))
    deadline = Coalesce(
        Subquery(ReportingPeriod.objects.filter(year=year).values("deadline")[:1]),
        Value(ReportingPeriod.default_deadline(year)),
        output_field=DateField(),
    )
    valid_on_deadline = (Q(valid_from__isnull=True) | Q(valid_from__lte=F("deadline"))) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=F("deadline"))
    )
    counts = {
        pk: max(assigned.get(pk, 0), reported.get(pk, 0)) for pk in assigned.keys() | reported
    }
    return (
        units.alias(deadline=deadline)
        .filter((valid_on_deadline & Q(pk__in=sorted(assigned))) | Q(pk__in=sorted(reported)))
        .annotate(
            institution_count=Case(
                *(When(pk=pk, then=Value(n)) for pk, n in sorted(counts.items())),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("code")
    )


def _count_by_unit(queryset: QuerySet, unit_field: str) -> dict[int, int]:
    """How many rows of `queryset` each reporting unit has (those with none left out)."""
    return dict(
        queryset.order_by().values(unit_field).annotate(n=Count("pk")).values_list(unit_field, "n")
    )


@dataclass
class QueueRow:
    unit: ReportingUnit
    submission: Submission | None
    late: bool
    # Set when asked for (review_queue(with_changes=True), completeness(registry=True)).
    changes_since_review: int | None = None
    pending_registry_changes: int = 0

    @property
    def state(self) -> str:
        return self.submission.state if self.submission else ""

    @property
    def sent(self) -> bool:
        """Submitted or approved: sent, whatever the review said since."""
        return self.state in (SubmissionState.SUBMITTED, SubmissionState.APPROVED)

    @property
    def approved(self) -> bool:
        return self.state == SubmissionState.APPROVED

    @property
    def state_label(self) -> str:
        return str(state_style(self.state).label)


# What the reviewer has to act on first: reports awaiting review, then those
# sent back (about to return), drafts, units not started, and approved ones last.
QUEUE_ORDER = {
    SubmissionState.SUBMITTED: 0,
    SubmissionState.RETURNED: 1,
    SubmissionState.DRAFT: 2,
    "": 3,  # no submission yet
    SubmissionState.APPROVED: 4,
}


def review_queue(
    period: ReportingPeriod, *, on: dt.date | None = None, with_changes: bool = False
) -> list[QueueRow]:
    """One row per expected unit (and per unexpected unit that still submitted),
    in `QUEUE_ORDER` and by unit code within a state.
    Two queries whatever the number of units or institutions; `with_changes`
    adds each report sent again's count of changes since its last review
    (indicators.changes.change_counts: two more at most)."""
    submissions = {
        s.reporting_unit_id: s
        for s in Submission.objects.filter(period=period).select_related(
            "submitted_by", "approved_by"
        )
    }
    rows = []
    seen = set()
    for unit in expected_reporting_units(period.year):
        sub = submissions.get(unit.pk)
        seen.add(unit.pk)
        rows.append(QueueRow(unit, sub, _late(sub, period, on)))
    extra_ids = [uid for uid in submissions if uid not in seen]
    if extra_ids:
        for unit in ReportingUnit.objects.filter(pk__in=extra_ids).order_by("code"):
            unit.institution_count = 0
            sub = submissions[unit.pk]
            rows.append(QueueRow(unit, sub, _late(sub, period, on)))
    rows.sort(key=lambda row: (QUEUE_ORDER.get(row.state, len(QUEUE_ORDER)), row.unit.code))
    if with_changes:
        counts = change_counts(submissions.values())
        for row in rows:
            if row.submission is not None:
                row.changes_since_review = counts.get(row.submission.pk)
    return rows


def _late(sub: Submission | None, period: ReportingPeriod, on: dt.date | None) -> bool:
    return is_late(sub, period, on=on)


@dataclass
class Completeness:
    expected: int
    submitted: int  # submitted or approved (sent, whatever the review said since)
    approved: int
    waiting: int  # submitted and not yet reviewed
    returned: int
    late: int
    days_left: int
    rows: list[QueueRow]
    # Registry changes awaiting the reviewer (completeness(registry=True)).
    pending_registry: int = 0

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)

    @property
    def percent_submitted(self) -> float:
        return 100 * self.submitted / self.expected if self.expected else 0.0


def completeness(
    period: ReportingPeriod, *, on: dt.date | None = None, registry: bool = False
) -> Completeness:
    """The review queue's rows with their counts (expected, sent, approved,
    waiting, returned, late): the one count of who was expected and who sent,
    read by the review pages, the dashboards and the annual report. The queries of `review_queue`;
    `registry` adds, per unit, its changes to the registry awaiting the
    reviewer (they move its denominators): one more query."""
    rows = review_queue(period, on=on)
    pending = pending_registry_changes_by_unit() if registry else {}
    for row in rows:
        row.pending_registry_changes = pending.get(row.unit.pk, 0)
    expected_rows = [r for r in rows if getattr(r.unit, "institution_count", 0)]
    return Completeness(
        expected=len(expected_rows),
        submitted=sum(1 for r in expected_rows if r.sent),
        approved=sum(1 for r in expected_rows if r.approved),
        waiting=sum(1 for r in expected_rows if r.state == SubmissionState.SUBMITTED),
        returned=sum(1 for r in expected_rows if r.state == SubmissionState.RETURNED),
        late=sum(1 for r in expected_rows if r.late),
        days_left=days_left(period, on=on),
        rows=rows,
        pending_registry=sum(pending.values()),
    )


def units_for_entry(user: User, year: int) -> list[tuple[ReportingUnit, Submission | None]]:
    """The units `user` reports for that are valid in `year`, with their submission."""
    units = list(
        reporting_units_for_user(user).filter(members=user.pk).valid_in_year(year).order_by("code")
    )
    subs = {
        s.reporting_unit_id: s
        for s in Submission.objects.filter(period__year=year, reporting_unit__in=units)
    }
    return [(u, subs.get(u.pk)) for u in units]


__all__ = [
    "Completeness",
    "DirectoryEntry",
    "SubmissionActions",
    "activities_for_submission",
    "activity_totals",
    "complete_figures_q",
    "completeness",
    "current_plan",
    "days_left",
    "expected_reporting_units",
    "figures_by_institution",
    "get_activity_for_user",
    "get_period",
    "get_submission_for_user",
    "get_upload_for_user",
    "institution_directory",
    "institutions_for_submission",
    "is_late",
    "last_year_values",
    "open_periods",
    "review_queue",
    "submission_actions",
    "submission_history",
    "submissions_for_user",
    "units_for_entry",
    "uploads_for_submission",
]


# Who reports for a unit is one rule, institutions.roles.can_report_for.
can_report_for = roles_can_report_for


@dataclass(frozen=True)
class SubmissionActions:
    """What a user may do with one submission now. Pages and templates read it;
    the services enforce the same rules (same state sets) on every write."""

    edit: bool  # figures, the Excel upload, activities
    submit: bool
    review: bool  # the reviewer's panel is shown
    approve: bool
    send_back: bool  # return to the unit with a reason

    @property
    def any_review_step(self) -> bool:
        return self.approve or self.send_back


def submission_actions(user: User, submission: Submission) -> SubmissionActions:
    """The steps open to `user` on `submission`: a member reporter edits and sends a
    draft or returned report; a reviewer approves a sent one and returns a sent or
    approved one; nobody does anything in a locked year. One query (membership)."""
    open_year = not submission.period.is_locked
    reporter = open_year and can_report_for(user, submission.reporting_unit_id)
    editable = reporter and submission.state in EDITABLE_STATES
    reviewer = open_year and is_reviewer(user)
    return SubmissionActions(
        edit=editable,
        submit=editable,
        review=reviewer,
        approve=reviewer and submission.state in APPROVABLE_STATES,
        send_back=reviewer and submission.state in RETURNABLE_STATES,
    )
