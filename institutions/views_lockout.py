"""django-axes' two hooks: the page a locked-out login gets (AXES_LOCKOUT_CALLABLE),
on the portal's login and the admin's alike, in Vietnamese with the time to
retry; and the client's address it counts failures by (AXES_CLIENT_IP_CALLABLE)."""

from __future__ import annotations

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    # Each attempt during the lock-out restarts the cool-off
    # (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so it ends a cool-off from now.
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    context = {
        "minutes": minutes,
        "retry_at": timezone.localtime(timezone.now() + cool_off) if cool_off else None,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "registration/locked_out.html", context, status=429)


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind PROXY_COUNT trusted proxies the address the first
    of them appended to X-Forwarded-For; entries to its left are the client's
    own claims, which anyone can forge, so they are never used."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not settings.PROXY_COUNT:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if len(forwarded) < settings.PROXY_COUNT:
        return remote
    return forwarded[-settings.PROXY_COUNT]
