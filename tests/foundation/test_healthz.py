"""/healthz, what a load balancer asks each app server: no sign-in, JSON, 503
when the database or the broker does not answer, and never a secret."""

from __future__ import annotations

import io
import json

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _health() -> tuple[int, dict]:
    response = Client().get("/healthz")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, json.loads(response.content)


def test_healthy_without_a_broker_tasks_run_in_process(settings):
    from indicators.models import AttainmentRebuild

    settings.CELERY_TASK_ALWAYS_EAGER = True
    # The migration's first fill is recorded, unless a transactional test emptied
    # the tables since: start from no rebuild at all, whatever ran before.
    AttainmentRebuild.objects.all().delete()
    status, body = _health()
    assert status == 200
    assert body == {
        "status": "ok",
        "database": {"ok": True, "vendor": body["database"]["vendor"]},
        "broker": {"ok": True, "kind": "in-process"},
        "cache": {"ok": True, "kind": "memory"},
        "last_rebuild": None,
    }


def test_a_cache_that_does_not_answer_is_reported_but_the_portal_stays_up(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CACHE_URL = "redis://127.0.0.1:9/1"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.CACHE_URL,
        }
    }
    status, body = _health()
    assert status == 200
    assert body["cache"] == {"ok": False, "kind": "redis"}


def test_it_reports_the_last_rebuild_of_the_precomputed_attainment():
    from django.core.management import call_command

    from indicators.models import AttainmentCell

    call_command("rebuild_attainment", stdout=io.StringIO())
    _status, body = _health()
    rebuild = body["last_rebuild"]
    assert rebuild["task"] == "rebuild_attainment"
    assert rebuild["cells"] == AttainmentCell.objects.count()
    assert rebuild["finished_at"].startswith(str(timezone.now().year))


def test_a_broker_that_does_not_answer_gives_503_without_its_address(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Port 9 on loopback: nothing listens, the connection is refused at once.
    settings.CELERY_BROKER_URL = "redis://:secret-password@127.0.0.1:9/0"
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "unavailable"
    assert body["broker"] == {"ok": False, "kind": "redis"}
    assert body["database"]["ok"] is True
    assert b"secret-password" not in response.content and b"127.0.0.1" not in response.content


def test_a_database_that_does_not_answer_gives_503(settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    def refuse(*args, **kwargs):
        raise OperationalError("could not connect to server: password=hunter2")

    monkeypatch.setattr("gialai_lifelong.health.connection.cursor", refuse)
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert (body["status"], body["database"]["ok"], body["last_rebuild"]) == (
        "unavailable",
        False,
        None,
    )
    assert b"hunter2" not in response.content


def test_no_sign_in_and_read_only():
    assert Client().post("/healthz").status_code == 405
