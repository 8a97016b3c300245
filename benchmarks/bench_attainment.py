"""Benchmark of the attainment engine on the demo province at scale 1 and 10.

    SECRET_KEY=x .venv/bin/python benchmarks/bench_attainment.py [--scales 1 10] [--repeat 5]

For each scale, in a fresh process: a scratch SQLite file in /tmp (or
BENCH_DATABASE_URL), `migrate`, `load_reference`, `seed_demo --scale N`, then the
best of `--repeat` runs of: the province's rows for 2025 and 2026, every unit's
rows (`attainment_by_unit`: the 2023-2025 districts and communes for 2025, the
new communes for 2026), and the `attainment --year 2025 --format json` command;
with the number of queries and the peak Python memory (tracemalloc) of each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(label: str, fn, repeat: int) -> dict:
    from django.db import connection, reset_queries

    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    reset_queries()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "what": label,
        "best_ms": round(best * 1000, 1),
        "queries": len(connection.queries),
        "peak_mib": round(peak / 2**20, 2),
    }


def child(scale: int, repeat: int) -> None:
    """Runs inside the fresh process whose DATABASE_URL points at the scratch DB."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gialai_lifelong.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from indicators.models import Figures
    from institutions.models import AdministrativeUnit, Institution, Level
    from reports.selectors import attainment_by_unit, attainment_rows

    quiet = io.StringIO()
    started = time.perf_counter()
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command("load_reference", stdout=quiet)
    call_command("seed_demo", scale=scale, stdout=quiet)
    setup_s = time.perf_counter() - started
    settings.DEBUG = True  # record queries for the counts

    units_2025 = list(
        AdministrativeUnit.objects.valid_on(dt.date(2025, 1, 1)).exclude(level=Level.PROVINCE)
    )
    units_2026 = list(
        AdministrativeUnit.objects.valid_on(dt.date(2026, 1, 1)).exclude(level=Level.PROVINCE)
    )
    results = [
        measure("province 2025", lambda: attainment_rows(year=2025), repeat),
        measure("province 2026", lambda: attainment_rows(year=2026), repeat),
        measure(
            f"all {len(units_2025)} units 2025",
            lambda: attainment_by_unit(year=2025, units=units_2025),
            repeat,
        ),
        measure(
            f"all {len(units_2026)} units 2026",
            lambda: attainment_by_unit(year=2026, units=units_2026),
            repeat,
        ),
        measure(
            "command --year 2025 --format json",
            lambda: call_command("attainment", year=2025, format="json", stdout=io.StringIO()),
            repeat,
        ),
    ]
    print(
        json.dumps(
            {
                "scale": scale,
                "institutions": Institution.objects.count(),
                "figures": Figures.objects.count(),
                "setup_s": round(setup_s, 1),
                "results": results,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child-scale", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_scale:
        child(args.child_scale, args.repeat)
        return
    print(
        "| scale | institutions | figures | measure | best (ms) | queries | peak Python memory (MiB) |"
    )
    print("|---:|---:|---:|---|---:|---:|---:|")
    for scale in args.scales:
        with tempfile.TemporaryDirectory(prefix="bench_attainment_", dir="/tmp") as tmp:
            env = dict(os.environ)
            env["DATABASE_URL"] = os.environ.get(
                "BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3"
            )
            env.setdefault("SECRET_KEY", "benchmark-only")
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child-scale",
                    str(scale),
                    "--repeat",
                    str(args.repeat),
                ],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            data = json.loads(out.strip().splitlines()[-1])
            for r in data["results"]:
                print(
                    f"| {scale} | {data['institutions']} | {data['figures']} | {r['what']} "
                    f"| {r['best_ms']} | {r['queries']} | {r['peak_mib']} |"
                )
            print(
                f"<!-- scale {scale}: setup (migrate, load_reference, seed_demo) {data['setup_s']} s -->"
            )


if __name__ == "__main__":
    main()
