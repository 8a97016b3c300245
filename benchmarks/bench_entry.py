"""Benchmark of the yearly figures entry page on the demo province at scale 1 and 10.

    SECRET_KEY=x .venv/bin/python benchmarks/bench_entry.py [--scales 1 10] [--repeat 3]

For each scale, in a fresh process: a scratch SQLite file in /tmp (or
BENCH_DATABASE_URL), `migrate`, `load_reference`, `seed_demo --scale N`, then the
best of `--repeat` full GET requests through Django's test Client of the 2026
entry page of Phường Pleiku's officer and of Sở GD&ĐT (the largest unit), and
one draft save of a single field; with the number of queries, the number of
institutions on the page and the response size.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import child_report, child_setup  # noqa: E402
from harness import main as harness_main  # noqa: E402


def measure(label: str, client, url: str, repeat: int, data: dict | None = None) -> dict:
    from django.db import connection, reset_queries

    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.post(url, data()) if data else client.get(url)
        best = min(best, time.perf_counter() - started)
        assert response.status_code in (200, 302), (url, response.status_code)
    reset_queries()
    response = client.post(url, data()) if data else client.get(url)
    return {
        "what": label,
        "best_ms": round(best * 1000, 1),
        "queries": len(connection.queries),
        "kib": round(len(response.content) / 1024),
    }


def child(scale: int, repeat: int) -> None:
    """Runs inside the fresh process whose DATABASE_URL points at the scratch DB."""
    setup_s = child_setup(scale)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from indicators import selectors
    from indicators.forms import field_name
    from indicators.models import Submission

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    users = get_user_model().objects
    results = []
    for username in ("canbo_pleiku", "sogddt"):
        user = users.get(username=username)
        client = Client()
        client.force_login(user)
        submission = (
            selectors.submissions_for_user(user)
            .filter(period__year=2026, reporting_unit__members=user)
            .first()
        )
        url = f"/bao-cao/{submission.pk}/"
        n = len(list(selectors.institutions_for_submission(submission)))
        label = f"{submission.reporting_unit.name} ({n} institutions)"
        results.append(measure(f"GET {label}", client, url, repeat))
        first = selectors.institutions_for_submission(submission).first()

        def one_field(pk=submission.pk, inst=first) -> dict:
            # A new value each time, so that every save writes one change.
            version = Submission.objects.get(pk=pk).version
            return {
                "version": version,
                "save": "1",
                field_name(inst.pk, "participants"): str(100 + version),
            }

        results.append(measure(f"POST one field, {label}", client, url, repeat, one_field))
    child_report(scale, setup_s, results)


def main() -> None:
    harness_main(
        __file__,
        doc=__doc__,
        child=child,
        columns=[
            ("page", "what"),
            ("best (ms)", "best_ms"),
            ("queries", "queries"),
            ("size (KiB)", "kib"),
        ],
    )


if __name__ == "__main__":
    main()
