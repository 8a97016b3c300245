from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from institutions.roles import Role, is_reporter, is_reviewer, primary_role


def portal(request: HttpRequest) -> dict[str, object]:
    """Who the user is, for the navigation bar (no query for anonymous users)."""
    # A request refused before AuthenticationMiddleware (a bad Host header gives a
    # 400) has no user; the error page must still render, as Django's own auth
    # context processor allows.
    user = getattr(request, "user", None) or AnonymousUser()
    role = primary_role(user)
    return {
        "portal_role": role,
        "portal_role_label": Role(role).label if role else "",
        "portal_is_reviewer": is_reviewer(user),
        "portal_is_reporter": is_reporter(user),
    }
