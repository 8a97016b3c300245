"""A small province with known numbers, built by hand (DESIGN: known answers).

Plan 3632 is loaded for real (`plan_load`). Two districts from tests/conftest.py:
A = 622 Pleiku (reported by unit_a / officer_a), B = 623 An Khê (unit_b /
officer_b). Figures for 2023 (the baseline) and 2024; lll_services only, every
other yes/no False.

Commune libraries (LIB_COMM, targets 40 % in 2025, 60 % in 2030):
    A: 4 libraries. 2023: 1 yes, 3 no.      2024: 1 yes, 2 no, 1 not reported.
    B: 2 libraries. 2023: 1 yes, 1 no.      2024: 2 yes.
    Province 2024: 3 / 6 = 50 %        → achieved (≥ 40).
    A 2024: 1 / 4 = 25 %; baseline 25 % → line to 40 in 2025 gives 32.5 in 2024
            → off_track, catch-up 15 points in the one year left.
    B 2024: 100 % → achieved.
District libraries (LIB_DIST, 70 % in 2025):
    A: 1 library: 2023 no, 2024 no.   B: 1 library: 2023 no, 2024 not reported.
    Province 2024: 0 / 2 = 0 %; baseline 0 % → line to 70 gives 35 in 2024
            → off_track (the red card of the browser journey).
Submissions: 2023 both approved; 2024 unit_a submitted (awaiting approval),
unit_b approved. The approved-only (public) province figures for 2024 therefore
count only B's figures: commune libraries 2 / 6 = 33.3 %.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from indicators.models import Figures, Submission, SubmissionState
from indicators.services import plan_load
from institutions.models import Institution, ReportingUnit
from tests.conftest import Province
from tests.factories import InstitutionFactory, ReportingPeriodFactory, category


def submission(unit: ReportingUnit, year: int, state: str, **extra: object) -> Submission:
    period = ReportingPeriodFactory(year=year)
    return Submission.objects.update_or_create(
        reporting_unit=unit, period=period, defaults={"state": state, **extra}
    )[0]


def figures(inst: Institution, sub: Submission, year: int, *, lll: bool) -> Figures:
    return Figures.objects.create(
        institution=inst,
        year=year,
        submission=sub,
        lll_services=lll,
        digital_transformation=False,
        user_visits=100,
    )


@dataclass
class KnownProvince:
    p: Province
    comm_a: list[Institution]
    comm_b: list[Institution]
    dist_a: Institution
    dist_b: Institution


def build_known_province(p: Province) -> KnownProvince:
    plan_load()

    def libs(n: int, code: str, commune, unit, prefix: str) -> list[Institution]:
        return [
            InstitutionFactory(
                code=f"{prefix}-{i}",
                name=f"Thư viện {prefix} {i}",
                category=category(code),
                admin_unit=commune,
                reporting_unit=unit,
                opened_year=2015,
            )
            for i in range(1, n + 1)
        ]

    comm_a = libs(4, "LIB_COMM", p.commune_a, p.unit_a, "TVX-A")
    comm_b = libs(2, "LIB_COMM", p.commune_b, p.unit_b, "TVX-B")
    dist_a = libs(1, "LIB_DIST", p.district_a, p.unit_a, "TVH-A")[0]
    dist_b = libs(1, "LIB_DIST", p.district_b, p.unit_b, "TVH-B")[0]

    a23 = submission(p.unit_a, 2023, SubmissionState.APPROVED)
    b23 = submission(p.unit_b, 2023, SubmissionState.APPROVED)
    a24 = submission(p.unit_a, 2024, SubmissionState.SUBMITTED)
    b24 = submission(p.unit_b, 2024, SubmissionState.APPROVED)
    for inst, yes in zip(comm_a, (True, False, False, False), strict=True):
        figures(inst, a23, 2023, lll=yes)
    for inst, yes in zip(comm_a[:3], (True, False, False), strict=True):
        figures(inst, a24, 2024, lll=yes)
    figures(comm_b[0], b23, 2023, lll=True)
    figures(comm_b[1], b23, 2023, lll=False)
    for inst in comm_b:
        figures(inst, b24, 2024, lll=True)
    figures(dist_a, a23, 2023, lll=False)
    figures(dist_a, a24, 2024, lll=False)
    figures(dist_b, b23, 2023, lll=False)
    return KnownProvince(p, comm_a, comm_b, dist_a, dist_b)


@pytest.fixture
def known(province: Province) -> KnownProvince:
    return build_known_province(province)
