"""Time and peak memory of the annual report's PDF and Excel, for the demo
province and one ten times larger.

    SECRET_KEY=x .venv/bin/python benchmarks/bench_report.py [--scales 1 10] [--year 2025]

Each scale gets a scratch SQLite database in /tmp (migrate, load_reference,
seed_demo --scale N), then each format is built (--repeat times) in a fresh process; the
table gives the (median) wall time of a build, the peak resident memory of the
process that built it, the size of the file and its pages or rows. Never touches the
project's own db.sqlite3.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _prepare(scale: int) -> Path:
    db = Path(tempfile.gettempdir()) / f"bench_report_scale{scale}.sqlite3"
    if db.exists():
        db.unlink()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "SECRET_KEY": "bench"}
    for args in (
        ["migrate", "-v", "0"],
        ["load_reference"],
        ["seed_demo", "--scale", str(scale), "--no-reports"],
    ):
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return db


def _measure(scale: int, year: int, repeat: int) -> list[dict[str, object]]:
    """Each format is built in its own child process, so that its peak resident
    memory (ru_maxrss: the Python process with Django, the data and the renderer)
    belongs to that format alone. tracemalloc is not used: it slows WeasyPrint
    several times over."""
    db = _prepare(scale)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench"),
        "DJANGO_SETTINGS_MODULE": "gialai_lifelong.settings",
        "PYTHONPATH": str(ROOT),
    }
    rows = []
    for fmt in ("pdf", "xlsx"):
        code = f"""
import io, json, resource, statistics, time
import django
django.setup()
from institutions.models import Institution
from reports.annual.build import report_file
from reports.services import report_draft_for_year
draft = report_draft_for_year(year={year})
times = []
for _ in range({repeat}):
    t0 = time.perf_counter()
    data = report_file(draft=draft, fmt={fmt!r})
    times.append(time.perf_counter() - t0)
if {fmt!r} == "pdf":
    from pypdf import PdfReader
    extent = f"{{len(PdfReader(io.BytesIO(data)).pages)}} trang"
else:
    from openpyxl import load_workbook
    wb = load_workbook(io.BytesIO(data), read_only=True)
    extent = f"{{sum(ws.max_row - 1 for ws in wb.worksheets):,}} dòng".replace(",", ".")
print(json.dumps(dict(fmt={fmt!r}, seconds=statistics.median(times),
    peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    size_kb=len(data) / 1024, extent=extent,
    institutions=Institution.objects.open_in({year}).count())))
"""
        result = subprocess.run(
            [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
        )
        row = json.loads(result.stdout.strip().splitlines()[-1])
        row["scale"] = scale
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    rows = [r for scale in args.scales for r in _measure(scale, args.year, args.repeat)]
    print("| benchmark | scale | open institutions | time | peak memory (process RSS) | output |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| annual report {args.year} {r['fmt'].upper()} | ×{r['scale']} "
            f"| {r['institutions']:,} | {r['seconds']:.2f} s | {r['peak_mb']:.0f} MB "
            f"| {r['size_kb']:,.0f} KB, {r['extent']} |"
        )
    print(f"(total {time.perf_counter() - started:.0f} s including database set-up)")


if __name__ == "__main__":
    main()
