"""Reads of the registry under review, scoped through institutions.roles."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import Http404

from institutions.models import RegistryChange, RegistryChangeState
from institutions.roles import User, reporting_units_for_user


def registry_changes_for_user(user: User) -> QuerySet[RegistryChange]:
    """Changes proposed by the units `user` may see (every unit for reviewers),
    newest first, with what their history lines read joined."""
    return RegistryChange.objects.filter(
        reporting_unit__in=reporting_units_for_user(user)
    ).select_related(
        "reporting_unit",
        "institution",
        "category",
        "admin_unit",
        "target_unit",
        "proposed_by",
        "decided_by",
    )


def get_registry_change_for_user(user: User, pk: int) -> RegistryChange:
    """The change `pk` if `user` may see it; 404 otherwise. One query."""
    change = registry_changes_for_user(user).filter(pk=pk).first()
    if change is None:
        raise Http404("No such registry change")
    return change


def pending_registry_changes_by_unit() -> dict[int, int]:
    """{reporting unit id: number of its changes awaiting the reviewer}: what
    may still move a unit's denominators. One query."""
    return dict(
        RegistryChange.objects.filter(state=RegistryChangeState.PENDING)
        .order_by()
        .values("reporting_unit")
        .annotate(n=Count("pk"))
        .values_list("reporting_unit", "n")
    )
