"""Time and peak memory of the annual report's PDF and Excel, for the demo
province and one ten times larger, or for a database you already have.

    SECRET_KEY=x .venv/bin/python benchmarks/bench_report.py [--scales 1 10] [--year 2025]
    SECRET_KEY=x .venv/bin/python benchmarks/bench_report.py \\
        --database-url postgres://postgres@127.0.0.1:5432/NAME [--year 2025]

Each scale gets a scratch SQLite database in /tmp (migrate, load_reference,
seed_demo --scale N); with --database-url the given database is used as it is
(nothing seeded), over connections that PostgreSQL holds read-only, so the
benchmark cannot write to it. Each format is then built (--repeat times) from
the year's draft, figures computed now, in a fresh process; the table gives the
(median) wall time of a build, the peak resident memory of the process that
built it, the size of the file and its pages or rows. Never touches the
project's own db.sqlite3.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("pdf", "xlsx")


def _prepare(scale: int) -> str:
    db = Path(tempfile.gettempdir()) / f"bench_report_scale{scale}.sqlite3"
    if db.exists():
        db.unlink()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "SECRET_KEY": "bench"}
    for args in (
        ["migrate", "-v", "0"],
        ["load_reference"],
        ["seed_demo", "--scale", str(scale), "--no-reports", "--force"],
    ):
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return f"sqlite:///{db}"


def _child(fmt: str, year: int, repeat: int, read_only: bool) -> None:
    """In the child: build one format `repeat` times and print one JSON line.
    Peak memory (ru_maxrss: the Python process with Django, the data and the
    renderer) is read before the file is opened again to count its pages or
    rows. tracemalloc is not used: it slows WeasyPrint several times over."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gialai_lifelong.settings")
    django.setup()
    from django.db import connection

    if read_only:
        options = connection.settings_dict.setdefault("OPTIONS", {})
        if connection.vendor == "postgresql":
            options["options"] = f"{options.get('options', '')} -c default_transaction_read_only=on"
        else:
            options["init_command"] = "PRAGMA query_only = ON"
    from indicators.models import ReportingPeriod
    from institutions.models import Institution
    from reports.annual.build import draft_file
    from reports.models import ReportDraft
    from reports.services import report_draft_for_year

    if read_only:
        # The year's draft as it stands, or one with the defaults, never saved.
        draft = ReportDraft.objects.select_related("period").filter(
            period__year=year
        ).first() or ReportDraft(period=ReportingPeriod.objects.get(year=year))
    else:
        draft = report_draft_for_year(year=year)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        data = draft_file(draft=draft, fmt=fmt)  # type: ignore[arg-type]
        times.append(time.perf_counter() - started)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if fmt == "pdf":
        from pypdf import PdfReader

        extent = f"{len(PdfReader(io.BytesIO(data)).pages)} pages"
    else:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True)
        rows = sum(sum(1 for _ in ws.iter_rows(min_row=2, values_only=True)) for ws in book)
        extent = f"{rows:,} rows"
    result = {
        "fmt": fmt,
        "seconds": statistics.median(times),
        "peak_mb": peak_mb,
        "size_kb": len(data) / 1024,
        "extent": extent,
        "institutions": Institution.objects.open_in(year).count(),
    }
    print(json.dumps(result))


def _measure(database_url: str, year: int, repeat: int, read_only: bool) -> list[dict]:
    """Each format is built in its own child process, so that its peak resident
    memory belongs to that format alone."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench"),
    }
    rows = []
    for fmt in FORMATS:
        command = [sys.executable, __file__, "--child-format", fmt, "--year", str(year)]
        command += ["--repeat", str(repeat)] + (["--child-read-only"] if read_only else [])
        result = subprocess.run(
            command, env=env, cwd=ROOT, check=True, capture_output=True, text=True
        )
        rows.append(json.loads(result.stdout.strip().splitlines()[-1]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument(
        "--database-url",
        help="measure on this database as it is (read-only, nothing seeded) instead of the scales",
    )
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--child-format", choices=FORMATS, help=argparse.SUPPRESS)
    parser.add_argument("--child-read-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_format:
        _child(args.child_format, args.year, args.repeat, args.child_read_only)
        return
    started = time.perf_counter()
    if args.database_url:
        name = args.database_url.rsplit("/", 1)[-1]
        runs = [(f"`{name}`", _measure(args.database_url, args.year, args.repeat, True))]
    else:
        runs = [
            (str(scale), _measure(_prepare(scale), args.year, args.repeat, False))
            for scale in args.scales
        ]
    print(f"| scale | open institutions | file ({args.year}) | time | peak RSS | output |")
    print("|---:|---:|---|---:|---:|---|")
    for label, rows in runs:
        for r in rows:
            print(
                f"| {label} | {r['institutions']:,} | {r['fmt'].upper()} | {r['seconds']:.1f} s "
                f"| {r['peak_mb']:,.0f} MB | {r['size_kb']:,.0f} KB, {r['extent']} |"
            )
    print(f"(total {time.perf_counter() - started:.0f} s including database set-up)")


if __name__ == "__main__":
    main()
