"""Benchmark of the attainment engine on the demo province at scale 1 and 10 (or --scales).

    SECRET_KEY=x .venv/bin/python benchmarks/bench_attainment.py [--scales 1 10] [--repeat 5]

For each scale, in a fresh process: a scratch SQLite file in /tmp (or
BENCH_DATABASE_URL), `migrate`, `load_reference`, `seed_demo --scale N`, then the
best of `--repeat` runs of: the province's rows for 2025 and 2026, every unit's
rows (`attainment_by_unit`: the 2023-2025 districts and communes for 2025, the
new communes for 2026), what a dashboard asks for (`attainment_overview`: the
trend 2023-2025 and the table of the communes of 2025), and the
`attainment --year 2025 --format json` command;
with the wall-clock and CPU time, the number of queries and the peak Python
memory (tracemalloc) of each; after the scales, the ratio of each time at the
last scale to the first.
Each engine measure runs twice: from the precomputed attainment (the default,
"summary") and from the base tables ("live"), side by side; then the time of
a full `rebuild_attainment`.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import best_of, child_report, child_setup  # noqa: E402
from harness import main as harness_main  # noqa: E402


def measure(label: str, fn, repeat: int) -> dict:
    from django.db import connection, reset_queries

    best = best_of(fn, repeat)
    reset_queries()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "what": label,
        **best,
        "queries": len(connection.queries),
        "peak_mib": round(peak / 2**20, 2),
    }


def child(scale: int, repeat: int) -> None:
    """Runs inside the fresh process whose DATABASE_URL points at the scratch DB."""
    setup_s = child_setup(scale)
    from django.core.management import call_command

    from institutions.models import AdministrativeUnit, Level
    from reports.dashboards.selectors import table_units
    from reports.selectors import attainment_by_unit, attainment_overview, attainment_rows

    units_2025 = list(
        AdministrativeUnit.objects.valid_on(dt.date(2025, 1, 1)).exclude(level=Level.PROVINCE)
    )
    units_2026 = list(
        AdministrativeUnit.objects.valid_on(dt.date(2026, 1, 1)).exclude(level=Level.PROVINCE)
    )
    communes_2025 = table_units(year=2025, unit=None)
    results = []
    for source in ("summary", "live"):
        results += [
            measure(
                f"province 2025 ({source})",
                lambda s=source: attainment_rows(year=2025, source=s),
                repeat,
            ),
            measure(
                f"province 2026 ({source})",
                lambda s=source: attainment_rows(year=2026, source=s),
                repeat,
            ),
            measure(
                f"all {len(units_2025)} units 2025 ({source})",
                lambda s=source: attainment_by_unit(year=2025, units=units_2025, source=s),
                repeat,
            ),
            measure(
                f"all {len(units_2026)} units 2026 ({source})",
                lambda s=source: attainment_by_unit(year=2026, units=units_2026, source=s),
                repeat,
            ),
            measure(
                f"dashboard 2023-2025 + {len(communes_2025)} units ({source})",
                lambda s=source: attainment_overview(
                    years=range(2023, 2026), units=communes_2025, source=s
                ),
                repeat,
            ),
        ]
    results += [
        measure(
            "command --year 2025 --format json",
            lambda: call_command("attainment", year=2025, format="json", stdout=io.StringIO()),
            repeat,
        ),
        measure(
            "rebuild_attainment",
            lambda: call_command("rebuild_attainment", stdout=io.StringIO()),
            1,
        ),
    ]
    child_report(scale, setup_s, results)


def main() -> None:
    harness_main(
        __file__,
        doc=__doc__,
        child=child,
        columns=[
            ("measure", "what"),
            ("best (ms)", "best_ms"),
            ("best CPU (ms)", "cpu_ms"),
            ("queries", "queries"),
            ("peak Python memory (MiB)", "peak_mib"),
        ],
    )


if __name__ == "__main__":
    main()
