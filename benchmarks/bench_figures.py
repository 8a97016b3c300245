"""Time and peak memory of uploading 2,000 rows of yearly figures.

    SECRET_KEY=x .venv/bin/python benchmarks/bench_figures.py [--rows 2000] [--format xlsx|csv]

(The command's import by chunks, at 5,000 and 50,000 rows: bench_imports.py.)

Builds its own data in a scratch SQLite file in /tmp (or BENCH_DATABASE_URL):
`migrate`, the twelve categories, one reporting unit with N institutions of
mixed categories, last year's figures for all of them (so the threefold-change
warnings are computed), then an .xlsx filled like the downloadable template.
It measures, as the web upload does it, reading the file and validating and
saving every row in one transaction (services.figures_import), first as new
rows, then as an update of all of them; wall time, peak Python memory
(tracemalloc), the process's peak RSS and the number of queries, and what each
pass added to the audit trail: its rows and the bytes of its table and indexes
(SQLite's dbstat pages, PostgreSQL's pg_total_relation_size). Never touches
the project's db.sqlite3.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench_figures_")) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{scratch}")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gialai_lifelong.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    data = build(args.rows)
    content = workbook(data, args.format)

    from indicators import services
    from indicators.excel import read_table

    print(
        f"{args.rows} dòng / rows, tệp {args.format} {len(content) / 1024:.0f} KiB, DB {connection.vendor}"
    )
    # Time is measured without tracemalloc (which slows Python several times);
    # a third pass, an update again, runs under tracemalloc for the peak memory.
    passes = (
        ("tạo mới / create", 0, False),
        ("cập nhật / update", 7, False),
        ("cập nhật (bộ nhớ)", 3, True),
    )
    for label, bump, traced in passes:
        if bump:
            content = workbook(data, args.format, bump=bump)
        data["submission"].refresh_from_db()
        audit_before = audit_size()
        if traced:
            tracemalloc.start()
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            table = read_table(content, f"bench.{args.format}", max_rows=None)
            assert not table.problems, table.problems[:3]
            read = time.perf_counter() - start
            results = services.figures_import(
                rows=table.rows,
                year=2025,
                user=data["user"],
                submission=data["submission"],
                version=data["submission"].version,
            )
        elapsed = time.perf_counter() - start
        saved = sum(r.created + r.updated for r in results.values())
        line = (
            f"  {label:18} {elapsed:6.2f} s (đọc tệp / read {read:5.2f} s), "
            f"{saved} thiết chế, {len(queries)} truy vấn / queries"
        )
        if traced:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            line += f", bộ nhớ đỉnh / peak tracemalloc {peak / 2**20:.1f} MiB (thời gian chậm hơn do đo)"
        print(line)
        audit_after = audit_size()
        print(
            f"    nhật ký / audit: +{audit_after[0] - audit_before[0]} dòng / rows, "
            f"+{(audit_after[1] - audit_before[1]) / 2**20:.1f} MiB "
            f"(bảng và chỉ mục / table and indexes: {audit_after[1] / 2**20:.1f} MiB)"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  RSS đỉnh của tiến trình / process peak RSS {rss:.0f} MiB")


def audit_size() -> tuple[int, int]:
    """The audit trail's rows and the bytes of its table, TOAST and indexes."""
    from django.db import connection

    from indicators.models import AuditEntry

    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size(%s)", [table])
        else:
            cursor.execute(
                "SELECT SUM(pgsize) FROM dbstat WHERE name IN "
                "(SELECT name FROM sqlite_master WHERE tbl_name = %s)",
                [table],
            )
        (size,) = cursor.fetchone()
    return AuditEntry.objects.count(), size or 0


def build(n: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from indicators.models import Figures, ReportingPeriod, Submission
    from institutions.models import AdministrativeUnit, Category, Institution, Level, ReportingUnit
    from institutions.roles import Role
    from institutions.services import REFERENCE_DIR, _rows

    for row in _rows(REFERENCE_DIR / "categories.csv"):
        Category.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_en": row["name_en"],
                "family": row["family"],
                "admin_level": "",
                "sort_order": int(row["sort_order"]),
            },
        )
    cats = list(Category.objects.all())
    province = AdministrativeUnit.objects.create(
        code="64", name="Tỉnh Gia Lai", level=Level.PROVINCE
    )
    unit = ReportingUnit.objects.create(
        code="UBND-BENCH", name="UBND thử tải", kind="district_committee", admin_unit=province
    )
    user = get_user_model().objects.create_user("bench", password="x")
    user.groups.add(Group.objects.get_or_create(name=Role.DISTRICT_OFFICER)[0])
    unit.members.add(user)
    Institution.objects.bulk_create(
        Institution(
            code=f"B{i:05d}",
            name=f"Thiết chế thử {i}",
            category=cats[i % len(cats)],
            admin_unit=province,
            reporting_unit=unit,
            opened_year=2010,
        )
        for i in range(n)
    )
    last = Submission.objects.create(
        reporting_unit=unit, period=ReportingPeriod.objects.create(year=2024, deadline="2024-12-05")
    )
    institutions = list(Institution.objects.select_related("category").order_by("code"))
    Figures.objects.bulk_create(
        Figures(
            institution=i,
            year=2024,
            submission=last,
            participants=100,
            user_visits=1000 if i.category.family == "library" else None,
        )
        for i in institutions
    )
    period = ReportingPeriod.objects.create(year=2025, deadline="2025-12-05")
    submission = Submission.objects.create(reporting_unit=unit, period=period)
    return {"user": user, "submission": submission, "institutions": institutions}


def workbook(data: dict, fmt: str, bump: int = 0) -> bytes:
    """A filled file with every applicable field answered."""
    from openpyxl import Workbook

    from indicators.excel import ALL_COLUMNS, DATA_SHEET
    from indicators.fields import FieldType, fields_for

    rows = [ALL_COLUMNS]
    for n, inst in enumerate(data["institutions"]):
        values = {
            "institution_code": inst.code,
            "institution_name": inst.name,
            "category": inst.category.code,
        }
        for spec in fields_for(inst.category.code):
            if spec.type == FieldType.YES_NO:
                values[spec.code] = "Có" if (n + bump) % 2 else "Không"
            elif spec.type == FieldType.COUNT:
                values[spec.code] = 900 + (n + bump) % 200 if spec.code != "study_visitors" else 100
            else:
                values[spec.code] = f"Ghi chú {n + bump}"
        rows.append([values.get(c) for c in ALL_COLUMNS])
    if fmt == "csv":
        import csv

        buffer = io.StringIO()
        csv.writer(buffer).writerows([["" if v is None else v for v in r] for r in rows])
        return buffer.getvalue().encode()
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    for r in rows:
        ws.append(r)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


if __name__ == "__main__":
    main()
