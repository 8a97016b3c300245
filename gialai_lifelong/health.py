"""/healthz: what a load balancer or a monitor asks each app server. No sign-in,
no secrets (never a URL, a password or an exception's text): the database answers
a SELECT 1, the broker a PING (or tasks run in-process), the cache a write and a
read, and when the summaries were last rebuilt. 200 when the database and the
broker answer, 503 otherwise: a cache that does not answer only slows pages down."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

# A health check must answer before the balancer gives up on it.
BROKER_TIMEOUT = 2  # seconds


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def broker_state() -> dict[str, Any]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "kind": "in-process"}
    import redis

    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL,
            socket_connect_timeout=BROKER_TIMEOUT,
            socket_timeout=BROKER_TIMEOUT,
        )
        ok = bool(client.ping())
    except (redis.RedisError, OSError, ValueError):
        ok = False
    return {"ok": ok, "kind": "redis"}


def cache_state() -> dict[str, Any]:
    """Whether the cache answers a write and a read back (informational: pages
    are built without it, only slower)."""
    from django.core.cache import cache

    kind = "redis" if settings.CACHE_URL else "memory"
    try:
        cache.set("healthz", "ok", 10)
        ok = cache.get("healthz") == "ok"
    except Exception:  # the backend's own errors (redis...)
        ok = False
    return {"ok": ok, "kind": kind}


def last_rebuild() -> dict[str, Any] | None:
    """The last full rebuild of the precomputed attainment (rebuild_attainment,
    or a bulk write that rebuilds), or None if none ran since the database was made."""
    from indicators.models import AttainmentRebuild

    run = AttainmentRebuild.objects.first()
    if run is None:
        return None
    return {
        "task": "rebuild_attainment",
        "finished_at": run.finished_at.isoformat(),
        "cells": run.cells,
    }


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    database = database_ok()
    broker = broker_state()
    rebuild = None
    if database:
        try:
            rebuild = last_rebuild()
        except DatabaseError:  # e.g. before migrate
            rebuild = None
    healthy = database and broker["ok"]
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "database": {"ok": database, "vendor": connection.vendor},
            "broker": broker,
            "cache": cache_state(),
            "last_rebuild": rebuild,
        },
        status=200 if healthy else 503,
    )
