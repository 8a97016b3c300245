"""One truth: for four years and three scopes, the `attainment` command, the
API, the dashboard and the annual report give the same numbers and statuses,
because they all read the one engine through the one unit resolution."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command

from indicators.models import SubmissionState
from reports.annual.context import build_report_context
from reports.services import report_draft_for_year
from tests.conftest import client_for
from tests.factories import InstitutionFactory, ReportingPeriodFactory, category

pytestmark = pytest.mark.django_db
YEARS = (2023, 2024, 2025, 2026)


@pytest.fixture
def built(province, plan, report):
    """Commune and district libraries, museums and village houses in both
    districts, with figures 2023-2026 in a mix of states."""
    p = province
    kinds = [
        ("LIB_COMM", p.commune_a, p.unit_a),
        ("LIB_COMM", p.commune_b, p.unit_b),
        ("LIB_DIST", p.district_a, p.unit_a),
        ("MUS", p.province, p.department),
        ("CC_VILL", p.commune_a, p.unit_a),
        ("LIB_EDU", p.commune_b, p.sector),
    ]
    insts = [
        InstitutionFactory(category=category(code), admin_unit=unit, reporting_unit=ru)
        for i in range(3)
        for code, unit, ru in kinds
    ]
    for year in YEARS:
        ReportingPeriodFactory(year=year)
        state = SubmissionState.APPROVED if year < 2026 else SubmissionState.SUBMITTED
        for i, inst in enumerate(insts):
            if (i + year) % 5 == 0:
                continue  # some never report a year
            code = inst.category.code
            fields = {"participants": 10}
            if code.startswith("LIB"):
                fields |= {
                    "lll_services": (i + year) % 3 != 0,
                    "digital_transformation": (i * year) % 4 == 0,
                    "user_visits": 1000 + 150 * (year - 2023) * (i % 3),
                }
            elif code == "MUS":
                fields |= {
                    "education_programme": year > 2023,
                    "digital_exhibitions": i % 2 == 0,
                    "study_visitors": 100 + 20 * (year - 2023),
                    "total_visitors": 500,
                }
            else:
                fields |= {"clubs_or_classes": True, "regular_activities": (i + year) % 2 == 0}
            report(inst, year, state, **fields)
    return p


def key(r: dict) -> tuple:
    if r["kind"] == "share":
        return (r["target_code"], r["numerator"], r["denominator"], r["status"])
    return (r["target_code"], r["average_growth"], r["matched_institutions"], r["status"])


def command_rows(year: int, code: str | None) -> list[tuple]:
    args = ["attainment", "--year", str(year), "--format", "json"]
    if code:
        args += ["--unit", code]
    out = io.StringIO()
    call_command(*args, stdout=out)
    return [key(r) for r in json.loads(out.getvalue())]


def dashboard_statuses(html: str) -> list[tuple[str, str]]:
    """The cards' statuses, then the targets folded away as not applicable."""
    cards = re.findall(r'<article[^>]*data-target="([^"]+)" data-status="([^"]+)"', html)
    idle = re.findall(r'data-idle-target="([^"]+)"', html)
    return cards + [(code, "not_applicable") for code in idle]


@pytest.mark.parametrize("year", YEARS)
def test_command_api_dashboard_and_report_agree(built, reviewer, year):
    client = client_for(reviewer)
    for code, unit in ((None, None), ("622", built.district_a), ("23557", built.commune_a)):
        from_command = command_rows(year, code)
        params = {"year": year} | ({"unit": code} if code else {})
        api = client.get("/api/v1/attainment/", params).json()["results"]
        from_api = [key({**r, "average_growth": r.get("average_growth")}) for r in api]
        # the command prints Decimals as floats, the API as numbers: compare as floats
        assert [tuple(map(_norm, k)) for k in from_command] == [
            tuple(map(_norm, k)) for k in from_api
        ], (year, code)
        url = "/dashboard/" if unit is None else f"/dashboard/unit/{unit.pk}/"
        html = client.get(url, {"year": year}).content.decode()
        expected = [(k[0], k[3]) for k in from_command]
        expected = [e for e in expected if e[1] != "not_applicable"] + [
            e for e in expected if e[1] == "not_applicable"
        ]
        assert dashboard_statuses(html) == expected, (year, code)
        if unit is None:
            context = build_report_context(draft=report_draft_for_year(year=year))
            from_report = [
                key(
                    {
                        "kind": line.row.kind,
                        "target_code": line.row.target_code,
                        "numerator": getattr(line.row, "numerator", None),
                        "denominator": getattr(line.row, "denominator", None),
                        "average_growth": getattr(line.row, "average_growth", None),
                        "matched_institutions": getattr(line.row, "matched_institutions", None),
                        "status": str(line.row.status),
                    }
                )
                for line in context.lines
            ]
            assert [tuple(map(_norm, k)) for k in from_report] == [
                tuple(map(_norm, k)) for k in from_command
            ], year
    # the data are not trivial: several statuses occur across the years
    assert len({k[3] for k in command_rows(year, None)}) >= 2


def _norm(value):
    if value is None or isinstance(value, str):
        return value
    return round(float(value), 2)
