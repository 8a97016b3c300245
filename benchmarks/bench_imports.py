"""Time and memory of the bulk imports (import_institutions, import_figures) by size.

    SECRET_KEY=x BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gialai_bench_imports \\
        .venv/bin/python benchmarks/bench_imports.py [--rows 5000 50000] \\
        [--imports institutions figures] [--format csv|xlsx]

For each import and size, a scratch database (a SQLite file in /tmp, or the
PostgreSQL database BENCH_DATABASE_URL names, created and dropped here, with a
`_base` copy beside it): `migrate`, `load_reference`; for the figures also N
institutions spread over the new communes' reporting units (in blocks, as a
province-wide export lists them), their 2024 figures and an open 2025 period.
Then two files of N rows: a create (every row new) and an update (every row
changed: institutions renamed, figures' values moved).

Each pass is the real management command, in a fresh process started after
the database is ready, run twice from the same state: once as it runs (wall
time of the command, the process's peak RSS, and its RSS once Django is set up
before the command), once under tracemalloc (peak Python memory; slower, so
not timed). Prints a Markdown table for README.md. Never touches db.sqlite3.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import ROOT, run_child  # noqa: E402

sys.path.insert(0, str(ROOT))

COMMANDS = {"institutions": "import_institutions", "figures": "import_figures"}
HEADER = "code,name,category,admin_unit_code,reporting_unit_code,opened_year,closed_year"
# Commune-level categories, as a province-wide registry mostly holds.
CATEGORIES = ("LIB_COMM", "CC_COMM", "CC_VILL")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[5_000, 50_000])
    parser.add_argument("--imports", nargs="+", choices=list(COMMANDS), default=list(COMMANDS))
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--child-setup", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--child-pass", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_setup:
        kind, rows, folder = args.child_setup
        child_setup(kind, int(rows), Path(folder), args.format)
        return
    if args.child_pass:
        child_pass(*args.child_pass, trace=args.trace)
        return

    print(
        "| import | rows | pass | time (s) | peak Python memory (MiB) "
        "| peak RSS (MiB) | RSS before the command (MiB) |"
    )
    print("|---|---:|---|---:|---:|---:|---:|")
    for kind in args.imports:
        for rows in args.rows:
            for line in measure(kind, rows, args.format):
                print(line, flush=True)


def measure(kind: str, rows: int, fmt: str) -> list[str]:
    """The create and update passes of one import at one size, as table lines."""
    with tempfile.TemporaryDirectory(prefix="bench_imports_", dir="/tmp") as tmp:
        folder = Path(tmp)
        with scratch_databases(folder) as (work, base, copy):
            env = {**os.environ, "DATABASE_URL": work, "DEBUG": "false"}
            env.setdefault("SECRET_KEY", "benchmark-only")
            script = str(Path(__file__).resolve())
            started = time.perf_counter()
            run_child(
                [sys.executable, script, "--child-setup", kind, str(rows), tmp, "--format", fmt],
                env,
            )
            setup_s = time.perf_counter() - started
            copy(work, base)
            measured: dict[str, dict] = {}
            for trace in (False, True):
                if trace:
                    copy(base, work)
                for name in ("create", "update"):
                    command = [
                        script,
                        "--child-pass",
                        COMMANDS[kind],
                        str(folder / f"{name}.{fmt}"),
                    ]
                    result = run_child(
                        [sys.executable, *command, *(["--trace"] if trace else [])], env
                    )
                    measured.setdefault(name, {}).update(result)
    lines = []
    for name, r in measured.items():
        lines.append(
            f"| {COMMANDS[kind]} | {rows:,} | {name} | {r['seconds']:.1f} "
            f"| {r['traced_peak_mib']:.1f} | {r['rss_peak_mib']:.0f} | {r['rss_before_mib']:.0f} |"
        )
    lines.append(f"<!-- {COMMANDS[kind]} {rows:,} rows ({fmt}): set-up {setup_s:.0f} s -->")
    return lines


@contextlib.contextmanager
def scratch_databases(folder: Path) -> Iterator[tuple[str, str, object]]:
    """(work URL, base URL, copy(from_url, to_url)): SQLite files in `folder`, or
    the PostgreSQL database BENCH_DATABASE_URL names and its `_base` twin
    (copied as templates), dropped at the end."""
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url.startswith("postgres"):
        work, base = folder / "work.sqlite3", folder / "base.sqlite3"

        def copy_file(source: str, target: str) -> None:
            shutil.copyfile(source.removeprefix("sqlite:///"), target.removeprefix("sqlite:///"))

        yield f"sqlite:///{work}", f"sqlite:///{base}", copy_file
        return
    import psycopg2

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = psycopg2.connect(url.replace(parsed.path, "/postgres"))
    admin.autocommit = True

    def run(sql: str) -> None:
        with admin.cursor() as cursor:
            cursor.execute(sql)

    def copy_db(source: str, target: str) -> None:
        run(f'DROP DATABASE IF EXISTS "{urlparse(target).path.lstrip("/")}"')
        run(
            f'CREATE DATABASE "{urlparse(target).path.lstrip("/")}" '
            f'TEMPLATE "{urlparse(source).path.lstrip("/")}"'
        )

    base_url = url.replace(parsed.path, f"/{name}_base")
    for db in (name, f"{name}_base"):
        run(f'DROP DATABASE IF EXISTS "{db}"')
    run(f'CREATE DATABASE "{name}"')
    try:
        yield url, base_url, copy_db
    finally:
        for db in (name, f"{name}_base"):
            run(f'DROP DATABASE IF EXISTS "{db}"')
        admin.close()


# ------------------------------------------------------------------ children
def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gialai_lifelong.settings")
    import django

    django.setup()


def child_setup(kind: str, rows: int, folder: Path, fmt: str) -> None:
    """Migrate, load the reference data and write the two files; for figures
    also the institutions, their 2024 figures and the open 2025 period."""
    _django()
    from django.core.management import call_command

    quiet = io.StringIO()
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command("load_reference", stdout=quiet)
    from institutions.models import AdministrativeUnit, Level, ReportingUnit

    communes = list(
        AdministrativeUnit.objects.filter(level=Level.COMMUNE, valid_to__isnull=True).order_by(
            "code"
        )
    )
    units = {u.code: u for u in ReportingUnit.objects.filter(code__startswith="UBND-")}
    communes = [c for c in communes if f"UBND-{c.code}" in units]
    per_commune = -(-rows // len(communes))
    placed = [
        (f"BI{i:06d}", CATEGORIES[i % len(CATEGORIES)], communes[i // per_commune])
        for i in range(rows)
    ]
    if kind == "institutions":
        for name, suffix in (("create", ""), ("update", " (đổi tên)")):
            lines = [HEADER] + [
                f"{code},Thiết chế thử {code}{suffix},{cat},{c.code},UBND-{c.code},2026,"
                for code, cat, c in placed
            ]
            write(folder / f"{name}.{fmt}", lines, fmt)
        print(json.dumps({"rows": rows}))
        return

    from bench_figures import workbook

    from indicators.models import Figures, ReportingPeriod, Submission
    from institutions.models import Category, Institution

    categories = {c.code: c for c in Category.objects.all()}
    Institution.objects.bulk_create(
        [
            Institution(
                code=code,
                name=f"Thiết chế thử {code}",
                category=categories[cat],
                admin_unit=commune,
                reporting_unit=units[f"UBND-{commune.code}"],
                opened_year=2020,
            )
            for code, cat, commune in placed
        ],
        batch_size=2000,
    )
    institutions = list(Institution.objects.select_related("category").order_by("code"))
    last = ReportingPeriod.objects.create(year=2024, deadline="2024-12-05")
    submissions = {
        u: Submission.objects.create(reporting_unit_id=u, period=last)
        for u in {i.reporting_unit_id for i in institutions}
    }
    Figures.objects.bulk_create(
        [
            Figures(
                institution=i,
                year=2024,
                submission=submissions[i.reporting_unit_id],
                participants=100,
                user_visits=1000 if i.category.family == "library" else None,
            )
            for i in institutions
        ],
        batch_size=2000,
    )
    ReportingPeriod.objects.create(year=2025, deadline="2025-12-05")
    data = {"institutions": institutions}
    (folder / f"create.{fmt}").write_bytes(workbook(data, fmt))
    (folder / f"update.{fmt}").write_bytes(workbook(data, fmt, bump=7))
    print(json.dumps({"rows": rows}))


def write(path: Path, lines: list[str], fmt: str) -> None:
    if fmt == "csv":
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    for row in csv.reader(lines):
        ws.append(row)
    wb.save(path)


def child_pass(command: str, path: str, *, trace: bool) -> None:
    """One run of the command, in this fresh process: its measurements as JSON."""
    _django()
    from django.core.management import call_command

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    args = [path, "--year", "2025"] if command == "import_figures" else [path]
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    # Output thrown away, not kept in memory (a warning per row, in the worst case).
    with open(os.devnull, "w") as out:
        call_command(command, *args, stdout=out, stderr=out)
    seconds = time.perf_counter() - started
    result: dict[str, float] = {}
    if trace:
        result["traced_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    else:
        result["seconds"] = seconds
        result["rss_peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        result["rss_before_mib"] = before
    print(json.dumps(result))


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
