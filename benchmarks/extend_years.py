"""Extend the demo province's figures to every year up to `--through` (the plan
runs to 2030), for benchmarks at "institutions × 8 years".

    DATABASE_URL=postgres://... SECRET_KEY=x .venv/bin/python benchmarks/extend_years.py --through 2030

For each year after the demo's last (2026) and up to `--through`: the period,
one approved report per reporting unit with institutions open, and for every institution open that
year a copy of its 2025 figures (all approved in the demo), with visits and
study visitors grown 8 % a year; then `rebuild_attainment` (which ends with
ANALYZE). The figures are written by one INSERT ... SELECT a year, in SQL, which
the precomputed attainment does not watch: hence the full rebuild at the end.
A benchmark's data, never a portal's.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_YEAR = 2025
GROWTH = 1.08


def extend(through: int) -> dict[str, float]:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Q
    from django.utils import timezone

    from indicators.models import Figures, ReportingPeriod, Submission, SubmissionState
    from institutions.models import ReportingUnit

    started = time.perf_counter()
    last = ReportingPeriod.objects.order_by("-year").values_list("year", flat=True).first()
    years = range((last or SOURCE_YEAR) + 1, through + 1)
    fields = [
        f
        for f in Figures._meta.concrete_fields
        if f.column not in ("id", "year", "submission_id", "updated_at")
    ]
    grown = {"user_visits", "study_visitors"}
    now = timezone.now()
    added = 0
    with transaction.atomic():
        for year in years:
            period = ReportingPeriod.objects.create(
                year=year, deadline=ReportingPeriod.default_deadline(year)
            )
            Submission.objects.bulk_create(
                Submission(
                    reporting_unit=unit,
                    period=period,
                    state=SubmissionState.APPROVED,
                    submitted_at=now,
                    first_submitted_at=now,
                    approved_at=now,
                )
                for unit in ReportingUnit.objects.filter(
                    Q(institutions__closed_year__isnull=True)
                    | Q(institutions__closed_year__gte=year),
                    institutions__opened_year__lte=year,
                ).distinct()
            )
            factor = GROWTH ** (year - SOURCE_YEAR)
            columns = ", ".join(f.column for f in fields)
            values = ", ".join(
                f"ROUND(f.{f.column} * {factor})" if f.name in grown else f"f.{f.column}"
                for f in fields
            )
            with connection.cursor() as cursor:
                cursor.execute(
                    f"""
                    INSERT INTO {Figures._meta.db_table} ({columns}, year, submission_id, updated_at)
                    SELECT {values}, %s, s.id, %s
                    FROM {Figures._meta.db_table} f
                    JOIN institutions_institution i ON i.id = f.institution_id
                    JOIN indicators_submission s
                      ON s.reporting_unit_id = i.reporting_unit_id AND s.period_id = %s
                    WHERE f.year = %s AND i.opened_year <= %s
                      AND (i.closed_year IS NULL OR i.closed_year >= %s)
                    """,
                    [year, now, period.pk, SOURCE_YEAR, year, year],
                )
                added += cursor.rowcount
    copied = time.perf_counter()
    call_command("rebuild_attainment", stdout=io.StringIO())
    return {
        "years_added": len(years),
        "figures_added": added,
        "copy_s": round(copied - started, 1),
        "rebuild_s": round(time.perf_counter() - copied, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--through", type=int, default=2030)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gialai_lifelong.settings")
    import django

    django.setup()
    print(extend(args.through))


if __name__ == "__main__":
    main()
