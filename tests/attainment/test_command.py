"""The `attainment` management command."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from indicators.models import SubmissionState
from tests.factories import AdministrativeUnitFactory, InstitutionFactory, category

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("attainment", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def reported(province, plan, report):
    libs = [
        InstitutionFactory(
            category=category("LIB_COMM"),
            admin_unit=province.commune_a,
            reporting_unit=province.unit_a,
        )
        for _ in range(3)
    ]
    for i, inst in enumerate(libs):
        report(inst, 2024, SubmissionState.APPROVED, lll_services=i == 0, user_visits=100)
    return province


def test_json_prints_every_target_with_numbers_as_numbers(reported):
    rows = json.loads(run("--year", "2024"))
    assert len(rows) == 17
    comm = next(r for r in rows if r["target_code"] == "LIB_LLL_SERVICE:LIB_COMM")
    # 1 of 3 meets: 33.33 (2025 target 40)
    assert comm["value"] == 33.33
    assert comm["target"] == 40 and comm["target_2030"] == 60
    assert (comm["numerator"], comm["denominator"], comm["not_reported"]) == (1, 3, 0)
    assert comm["categories"] == ["LIB_COMM"] and comm["unit"] is None
    assert comm["status"] == "off_track" and comm["kind"] == "share"
    growth = next(r for r in rows if r["kind"] == "growth")
    for name in (
        "indicator",
        "year",
        "unit",
        "yoy_growth",
        "average_growth",
        "phase_start_year",
        "matched_institutions",
        "target",
        "status",
    ):
        assert name in growth
    assert growth["status"] == "no_data"
    # 2024 is judged against the 2025 target (10 %/year), and the 2030 band is the
    # plan's "10% - 15% mỗi năm" whichever year is asked.
    assert (growth["target"], growth["target_max"]) == (10, None)
    assert (growth["target_2030"], growth["target_2030_max"]) == (10, 15)


def test_csv_has_one_header_and_a_line_per_target(reported):
    lines = list(csv.DictReader(io.StringIO(run("--year", "2024", "--format", "csv"))))
    assert len(lines) == 17
    comm = next(r for r in lines if r["target_code"] == "LIB_LLL_SERVICE:LIB_COMM")
    assert (comm["value"], comm["denominator"], comm["categories"]) == ("33.33", "3", "LIB_COMM")
    cc = next(r for r in lines if r["target_code"] == "CC_GRASSROOTS_CLUBS:CC_COMM_VILL")
    assert cc["categories"] == "CC_COMM CC_VILL" and cc["value"] == ""


def test_unit_codes_are_resolved_in_the_year_asked(reported):
    old = reported.commune_a
    old.valid_to = dt.date(2025, 6, 30)
    old.save()
    AdministrativeUnitFactory(code="23557", name="Phường mới", valid_from=dt.date(2025, 7, 1))
    rows = json.loads(run("--year", "2024", "--unit", "23557", "--approved-only"))
    comm = next(r for r in rows if r["target_code"] == "LIB_LLL_SERVICE:LIB_COMM")
    # 2024 means the old Yên Đỗ, where the three libraries stand
    assert (comm["unit"], comm["denominator"]) == ("23557", 3)
    rows = json.loads(run("--year", "2026", "--unit", "23557"))
    comm = next(r for r in rows if r["target_code"] == "LIB_LLL_SERVICE:LIB_COMM")
    assert comm["denominator"] == 0  # the new unit took nothing in this test
    assert comm["status"] == "not_applicable"


def test_a_code_naming_two_units_in_the_year_is_refused_with_both(reported):
    old = reported.commune_a
    old.valid_to = dt.date(2025, 6, 30)
    old.save()
    AdministrativeUnitFactory(code="23557", name="Phường mới", valid_from=dt.date(2025, 7, 1))
    with pytest.raises(CommandError) as error:
        run("--year", "2025", "--unit", "23557")
    message = str(error.value)
    assert "Mã 23557 ứng với 2 đơn vị trong năm 2025" in message
    assert "Phường Yên Đỗ (23557, … – 30/06/2025)" in message
    assert "Phường mới (23557, 01/07/2025 – …)" in message
    # --valid-on settles it: the new unit, whose territory is the old Yên Đỗ's
    # only if the succession says so (it does not here).
    rows = json.loads(run("--year", "2025", "--unit", "23557", "--valid-on", "01/07/2025"))
    assert {r["unit"] for r in rows} == {"23557"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2024", "--unit", "99999"], "Không có đơn vị hành chính nào mang mã 99999"),
        (["--year", "2024", "--unit", "23557", "--valid-on", "31/02/2024"], "--valid-on"),
        (["--year", "1999"], "Năm 1999 ngoài phạm vi"),
        (["--year", "2031"], "Năm 2031 ngoài phạm vi"),
    ],
)
def test_bad_input_fails_with_a_clear_message(reported, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_without_a_plan_it_says_what_to_do(province):
    with pytest.raises(CommandError, match="load_reference"):
        run("--year", "2024")
