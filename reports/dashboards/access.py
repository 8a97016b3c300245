"""Who may see which dashboard.

- Reviewers (and administrators): every dashboard, with submitted and approved
  figures, and every drill-down.
- District/commune officers: the province's public figures, and the dashboards
  of the administrative units their reporting units stand in (and the units
  directly under those), with submitted figures and drill-down.
- Sector reporters: their reporting unit stands at province level and covers
  institutions, not an area, so they get the public province dashboard only.
- Anonymous visitors: the public province dashboard (approved figures only,
  province level, no list of institutions).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from institutions.models import AdministrativeUnit, Level
from institutions.roles import User, is_reviewer, reporting_units_for_user


def dashboard_units_for_user(user: User) -> QuerySet[AdministrativeUnit]:
    """The administrative units whose dashboard `user` may open: every unit for
    reviewers; for reporters the (non-provincial) units their reporting units
    stand in and the units directly under them; none for anyone else. One query
    when evaluated."""
    if is_reviewer(user):
        return AdministrativeUnit.objects.all()
    own = (
        reporting_units_for_user(user)
        .exclude(admin_unit__level=Level.PROVINCE)
        .values("admin_unit_id")
    )
    return AdministrativeUnit.objects.filter(Q(pk__in=own) | Q(parent_id__in=own))


def get_dashboard_unit_for_user(user: User, pk: int) -> AdministrativeUnit:
    """The unit `pk` if `user` may see its dashboard; 404 otherwise, so that an
    officer cannot tell another district's unit from one that does not exist."""
    unit = dashboard_units_for_user(user).select_related("parent").filter(pk=pk).first()
    if unit is None:
        raise Http404("No such administrative unit")
    return unit


def own_dashboard_units(user: User) -> list[AdministrativeUnit]:
    """The units whose dashboard is the user's own (where their reporting units
    stand), for the "my dashboard" entry point. One query."""
    ids = (
        reporting_units_for_user(user)
        .filter(members=user)
        .exclude(admin_unit__level=Level.PROVINCE)
        .values("admin_unit_id")
    )
    return list(AdministrativeUnit.objects.filter(pk__in=ids).order_by("level", "code"))
