"""What a user may see of attainment: one policy for the dashboards, the
drill-down lists and the API.

- Which figures count (`Visibility`): approved figures always; submitted ones
  (awaiting review) from every reporting unit for reviewers, from their own
  reporting units for officers and sector reporters, from none for the public.
  So an officer's pages never show another reporting unit's figures before the
  Department approves them.
- Which units a user may open (`attainment_access`): reviewers every unit, with
  drill-down; a district or commune officer the territory of their committee's
  unit (its children and the old units it succeeded), with drill-down; everyone
  (signed in or not) the province and district-level units, approved figures
  only, without lists of institutions. Sector reporters (schools, army,
  university) report for institutions, not an area: they get no territory.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from indicators.models import SubmissionState
from institutions.models import AdministrativeUnit, Level, ReportingUnitKind
from institutions.roles import User, is_reporter, is_reviewer, reporting_units_for_user

PUBLIC_LEVELS = frozenset({Level.PROVINCE, Level.DISTRICT})
TERRITORIAL_KINDS = (ReportingUnitKind.DISTRICT_COMMITTEE, ReportingUnitKind.COMMUNE_COMMITTEE)


@dataclass(frozen=True)
class Visibility:
    """Whose submitted (not yet approved) figures count, besides every approved
    one: `None` every reporting unit's, an empty set nobody's."""

    submitted_from: frozenset[int] | None = None

    @property
    def key(self) -> object:
        """What a part of a page built for this visibility is cached by
        (reports/page_cache.py)."""
        return "every" if self.submitted_from is None else self.submitted_from

    @property
    def approved_only(self) -> bool:
        return self.submitted_from is not None and not self.submitted_from

    def counted_q(self, submission: str = "submission") -> Q:
        """Figures (or activities) whose submission, reached through the lookup
        path `submission`, counts."""
        approved = Q(**{f"{submission}__state": SubmissionState.APPROVED})
        if self.approved_only:
            return approved
        return approved | self.waiting_q(submission)

    def waiting_q(self, submission: str = "submission") -> Q:
        """The counted figures still awaiting approval."""
        if self.approved_only:
            return Q(pk__in=[])
        waiting = Q(**{f"{submission}__state": SubmissionState.SUBMITTED})
        if self.submitted_from is None:
            return waiting
        return waiting & Q(**{f"{submission}__reporting_unit_id__in": sorted(self.submitted_from)})


EVERY_SUBMITTED = Visibility(None)
APPROVED_ONLY = Visibility(frozenset())


@dataclass(frozen=True)
class Access:
    visibility: Visibility
    can_drill: bool  # may list the institutions behind a number
    full: bool  # reviewer or own territory (False: the public view)


def visibility_for(user: User) -> Visibility:
    """Which figures count for `user` wherever they look. One query for a
    reporter, none otherwise."""
    if is_reviewer(user):
        return EVERY_SUBMITTED
    if is_reporter(user):
        own = reporting_units_for_user(user).filter(members=user.pk).values_list("pk", flat=True)
        return Visibility(frozenset(own))
    return APPROVED_ONLY


def territory_for(user: User) -> frozenset[int] | None:
    """The administrative units `user` may open in full: None (all) for
    reviewers; for officers, the scope of their committees' units; an empty set
    for everyone else. Three queries for an officer."""
    if is_reviewer(user):
        return None
    if not is_reporter(user):
        return frozenset()
    admin_ids = list(
        reporting_units_for_user(user)
        .filter(members=user.pk, kind__in=TERRITORIAL_KINDS)
        .values_list("admin_unit_id", flat=True)
    )
    if not admin_ids:
        return frozenset()
    from reports.selectors.scope import UnitGraph

    graph = UnitGraph.load()
    return frozenset().union(*(graph.scope(pk) for pk in admin_ids))


def attainment_access(user: User, unit: AdministrativeUnit | None) -> Access | None:
    """How `user` may see the attainment of `unit` (None: the plan's territory),
    or None when they may not see it at all."""
    if is_reviewer(user):
        return Access(EVERY_SUBMITTED, can_drill=True, full=True)
    if unit is not None:
        territory = territory_for(user)
        if territory and unit.pk in territory:
            return Access(visibility_for(user), can_drill=True, full=True)
    if unit is None or unit.level in PUBLIC_LEVELS:
        return Access(APPROVED_ONLY, can_drill=False, full=False)
    return None
