"""Benchmark of the dashboard pages on the demo province at scale 1 and 10 (or --scales).

    SECRET_KEY=x .venv/bin/python benchmarks/bench_dashboard.py [--scales 1 10] [--repeat 5]

For each scale, in a fresh process: a scratch SQLite file in /tmp (or
BENCH_DATABASE_URL), `migrate`, `load_reference`, `seed_demo --scale N`, then the
best of `--repeat` full requests through Django's test Client (URL routing,
middleware, session, engine, template rendering) of: the province dashboard as
the reviewer for 2025 (the 77 communes' table, trend 2023-2025) and 2026, the
public province dashboard, the accountability view, an officer's unit
dashboard, a district's dashboard with its communes' table, and the attainment
API (/api/v1/attainment/) as the reviewer and the public; with the number of
queries and the response size. After the scales, the ratio of each measure's
time at the last scale to the first.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import best_of, child_report, child_setup  # noqa: E402
from harness import main as harness_main  # noqa: E402


def measure(label: str, client, url: str, repeat: int) -> dict:
    from django.db import connection, reset_queries

    def get() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    best = best_of(get, repeat)
    reset_queries()
    response = client.get(url)
    return {
        "what": label,
        **best,
        "queries": len(connection.queries),
        "kib": round(len(response.content) / 1024),
    }


def child(scale: int, repeat: int) -> None:
    """Runs inside the fresh process whose DATABASE_URL points at the scratch DB."""
    setup_s = child_setup(scale)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from institutions.models import AdministrativeUnit, Level, ReportingUnit

    settings.ALLOWED_HOSTS = ["testserver"]
    # The hashed manifest exists only after collectstatic; serve names as they are.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    users = get_user_model().objects
    reviewer, officer = Client(), Client()
    reviewer.force_login(users.get(username="sovhttdl"))
    officer_user = users.get(username="canbo_pleiku")
    officer.force_login(officer_user)
    officer_unit = ReportingUnit.objects.filter(members=officer_user).first().admin_unit
    public = Client()
    # A district of 2023-2024 with its communes' table (the officer's new phường has none).
    district = (
        AdministrativeUnit.objects.filter(level=Level.DISTRICT, code="622").first()
        or AdministrativeUnit.objects.filter(level=Level.DISTRICT).order_by("code").first()
    )
    results = [
        measure("province dashboard 2025, reviewer", reviewer, "/dashboard/?year=2025", repeat),
        measure("province dashboard 2026, reviewer", reviewer, "/dashboard/?year=2026", repeat),
        measure("province dashboard 2025, public", public, "/dashboard/?year=2025", repeat),
        measure(
            "accountability 2025, reviewer",
            reviewer,
            "/dashboard/accountability/?year=2025",
            repeat,
        ),
        measure(
            f"{officer_unit.name} 2024, officer",
            officer,
            f"/dashboard/unit/{officer_unit.pk}/?year=2024",
            repeat,
        ),
        measure(
            f"{district.name} 2024, reviewer",
            reviewer,
            f"/dashboard/unit/{district.pk}/?year=2024",
            repeat,
        ),
        measure("API attainment 2025, reviewer", reviewer, "/api/v1/attainment/?year=2025", repeat),
        measure("API attainment 2025, public", public, "/api/v1/attainment/?year=2025", repeat),
    ]
    child_report(scale, setup_s, results)


def main() -> None:
    harness_main(
        __file__,
        doc=__doc__,
        child=child,
        columns=[
            ("page", "what"),
            ("best (ms)", "best_ms"),
            ("best CPU (ms)", "cpu_ms"),
            ("queries", "queries"),
            ("size (KiB)", "kib"),
        ],
    )


if __name__ == "__main__":
    main()
