"""The portal's personas, as Django groups, and what each may reach.

Every view that shows scoped data goes through `reporting_units_for_user` (or a
helper built on it), so that an officer never learns another unit's data exists.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as Account
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from institutions.models import ReportingUnit, ReportingUnitQuerySet


class Role(models.TextChoices):
    # The value is the Django group's name: stable, never translated.
    DISTRICT_OFFICER = "district_officer", _("Cán bộ văn hóa cấp huyện/xã")
    SECTOR_REPORTER = "sector_reporter", _("Cán bộ báo cáo của sở, ngành")
    PROVINCIAL_REVIEWER = "provincial_reviewer", _("Chuyên viên Sở VHTTDL")
    ADMINISTRATOR = "administrator", _("Quản trị hệ thống")


# Who makes a request (signed in or not); services act for an `Account`.
User = Account | AnonymousUser


def roles_of(user: User) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(Role.ADMINISTRATOR)
        user._portal_roles = cached  # type: ignore[attr-defined]
    return cached


def is_reviewer(user: User) -> bool:
    """Reviewers (and administrators) see and act on every reporting unit."""
    return bool(roles_of(user) & {Role.PROVINCIAL_REVIEWER, Role.ADMINISTRATOR})


def is_reporter(user: User) -> bool:
    return bool(roles_of(user) & {Role.DISTRICT_OFFICER, Role.SECTOR_REPORTER})


def primary_role(user: User) -> Role | None:
    for role in (
        Role.ADMINISTRATOR,
        Role.PROVINCIAL_REVIEWER,
        Role.SECTOR_REPORTER,
        Role.DISTRICT_OFFICER,
    ):
        if role in roles_of(user):
            return role
    return None


def reporting_units_for_user(user: User) -> ReportingUnitQuerySet:
    """The reporting units whose data `user` may see: all for reviewers, their own
    for officers and sector reporters, none for anyone else. One query when
    evaluated."""
    if is_reviewer(user):
        return ReportingUnit.objects.select_related("admin_unit")
    if is_reporter(user):
        return ReportingUnit.objects.filter(members=user.pk).select_related("admin_unit")
    return ReportingUnit.objects.none()


def get_reporting_unit_for_user(user: User, code: str) -> ReportingUnit:
    """The reporting unit `code` if `user` may see it; 404 otherwise, so that an
    officer cannot tell another unit's code from one that does not exist."""
    unit = reporting_units_for_user(user).filter(code=code).first()
    if unit is None:
        raise Http404("No such reporting unit")
    return unit


def can_report_for(user: User, unit_id: int) -> bool:
    """Whether `user` reports for the unit (a member officer or sector reporter):
    who may enter its figures and propose changes to its institutions. One query."""
    if not is_reporter(user):
        return False
    return reporting_units_for_user(user).filter(pk=unit_id, members=user.pk).exists()


View = Callable[..., HttpResponse]


def reviewer_required(view: View | None = None, *, hidden: bool = False) -> View:
    """Decorate a view for reviewers (and administrators) only: an anonymous
    visitor is sent to log in; any other user gets 403, or 404 with
    `hidden=True` for pages that should not announce themselves. Use as
    `@reviewer_required` or `@reviewer_required(hidden=True)`."""

    def decorate(inner: View) -> View:
        @wraps(inner)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not is_reviewer(request.user):
                if hidden:
                    raise Http404
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return wrapped

    return decorate(view) if view is not None else decorate  # type: ignore[return-value]
