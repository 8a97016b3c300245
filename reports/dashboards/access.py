"""Who may open which dashboard: the one policy of reports/visibility.py, read
for pages (the API reads the same).

- Reviewers (and administrators): every dashboard, submitted and approved
  figures, and every drill-down.
- District/commune officers: the units of their committees' territory (their
  unit, everything under it and the old units it succeeded), with approved
  figures and their own submitted ones, and drill-down; elsewhere what the
  public sees.
- Everyone, signed in or not (sector reporters too: they report for
  institutions, not an area): the province and the district-level units,
  approved figures only, no list of institutions.
"""

from __future__ import annotations

from django.http import Http404

from institutions.models import AdministrativeUnit, Level
from institutions.roles import User, reporting_units_for_user
from reports.visibility import Access, attainment_access


def get_dashboard_unit_for_user(user: User, pk: int) -> tuple[AdministrativeUnit, Access]:
    """The unit `pk` and how `user` may see it; 404 when they may not, so that
    an officer cannot tell another commune's unit from one that does not exist."""
    unit = AdministrativeUnit.objects.select_related("parent").filter(pk=pk).first()
    access = attainment_access(user, unit) if unit is not None else None
    if unit is None or access is None:
        raise Http404("No such administrative unit")
    return unit, access


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
