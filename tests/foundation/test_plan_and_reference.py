"""The plan's targets against the seed text, and the reference data loader."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from indicators.models import Indicator, Milestone, Plan, Target
from institutions.models import AdministrativeUnit, Level, ReportingUnit, UnitSuccession

pytestmark = pytest.mark.django_db

# Transcribed by hand from seed section II.2 ("Phấn đấu đến năm 2025: Thư viện cấp
# tỉnh, 70% thư viện công cộng cấp huyện, ... Đến năm 2030, đạt 100%, 90%, ...").
# "Thư viện cấp tỉnh" without a percentage is the provincial library itself: 100 %.
# target code: (clause, categories, 2025 value, 2030 value, 2030 upper band or None)
SEED_TARGETS = {
    "LIB_LLL_SERVICE:LIB_PROV": ("II.2.1 gạch đầu dòng 1", {"LIB_PROV"}, 100, 100, None),
    "LIB_LLL_SERVICE:LIB_DIST": ("II.2.1 gạch đầu dòng 1", {"LIB_DIST"}, 70, 90, None),
    "LIB_LLL_SERVICE:LIB_COMM": ("II.2.1 gạch đầu dòng 1", {"LIB_COMM"}, 40, 60, None),
    "LIB_LLL_SERVICE:LIB_UNIV": ("II.2.1 gạch đầu dòng 1", {"LIB_UNIV"}, 90, 100, None),
    "LIB_LLL_SERVICE:LIB_ARMY": ("II.2.1 gạch đầu dòng 1", {"LIB_ARMY"}, 80, 100, None),
    "LIB_LLL_SERVICE:LIB_EDU": ("II.2.1 gạch đầu dòng 1", {"LIB_EDU"}, 70, 90, None),
    "LIB_DIGITAL:LIB_PROV": ("II.2.1 gạch đầu dòng 2", {"LIB_PROV"}, 100, 100, None),
    "LIB_DIGITAL:LIB_DIST": ("II.2.1 gạch đầu dòng 2", {"LIB_DIST"}, 60, 70, None),
    "LIB_DIGITAL:LIB_COMM": ("II.2.1 gạch đầu dòng 2", {"LIB_COMM"}, 20, 30, None),
    "LIB_DIGITAL:LIB_UNIV": ("II.2.1 gạch đầu dòng 2", {"LIB_UNIV"}, 90, 100, None),
    "LIB_DIGITAL:LIB_ARMY": ("II.2.1 gạch đầu dòng 2", {"LIB_ARMY"}, 80, 100, None),
    "LIB_DIGITAL:LIB_EDU": ("II.2.1 gạch đầu dòng 2", {"LIB_EDU"}, 70, 80, None),
    "LIB_VISITS_GROWTH:LIB": (
        "II.2.1 gạch đầu dòng 3",
        {"LIB_PROV", "LIB_DIST", "LIB_COMM", "LIB_UNIV", "LIB_ARMY", "LIB_EDU"},
        10,
        10,
        15,
    ),
    "MUS_EDU_PROGRAM:MUS": ("II.2.2 gạch đầu dòng 1", {"MUS"}, 70, 100, None),
    "MUS_STUDY_VISITS_GROWTH:MUS": ("II.2.2 gạch đầu dòng 2", {"MUS"}, 10, 10, 15),
    "CC_UPPER_ACTIVITIES:CC_PROV_DIST": (
        "II.2.3 gạch đầu dòng 1",
        {"CC_PROV", "CC_DIST"},
        80,
        100,
        None,
    ),
    "CC_GRASSROOTS_CLUBS:CC_COMM_VILL": (
        "II.2.3 gạch đầu dòng 2",
        {"CC_COMM", "CC_VILL"},
        70,
        100,
        None,
    ),
}


def test_every_target_and_milestone_matches_the_seed_text(plan: Plan) -> None:
    assert (plan.number, plan.issued_on.isoformat(), plan.baseline_year) == (
        "3632/KH-UBND",
        "2023-12-25",
        2023,
    )
    targets = Target.objects.filter(indicator__plan=plan).prefetch_related(
        "categories", "milestones"
    )
    assert {t.code for t in targets} == set(SEED_TARGETS)
    for target in targets:
        clause, categories, v2025, v2030, band = SEED_TARGETS[target.code]
        assert target.clause == clause, target.code
        assert {c.code for c in target.categories.all()} == categories, target.code
        milestones = {m.year: m for m in target.milestones.all()}
        assert set(milestones) == {2025, 2030}, target.code
        assert milestones[2025].value == Decimal(v2025), target.code
        assert milestones[2025].value_max is None, target.code
        assert milestones[2030].value == Decimal(v2030), target.code
        assert milestones[2030].value_max == (None if band is None else Decimal(band)), target.code
    assert Milestone.objects.filter(target__indicator__plan=plan).count() == 17 * 2


def test_the_seven_indicators_have_their_kind_and_criterion(plan: Plan) -> None:
    kinds = dict(Indicator.objects.filter(plan=plan).values_list("code", "kind"))
    assert kinds == {
        "LIB_LLL_SERVICE": "share",
        "LIB_DIGITAL": "share",
        "LIB_VISITS_GROWTH": "growth",
        "MUS_EDU_PROGRAM": "share",
        "MUS_STUDY_VISITS_GROWTH": "growth",
        "CC_UPPER_ACTIVITIES": "share",
        "CC_GRASSROOTS_CLUBS": "share",
    }
    assert Indicator.objects.get(code="MUS_EDU_PROGRAM").criterion_fields == [
        "education_programme",
        "digital_exhibitions",
    ]
    assert Indicator.objects.get(code="LIB_VISITS_GROWTH").quantity_field == "user_visits"


def _snapshot() -> dict[str, list[tuple]]:
    return {
        "units": list(
            AdministrativeUnit.objects.order_by("pk").values_list(
                "pk", "code", "name", "level", "parent_id", "valid_from", "valid_to"
            )
        ),
        "successions": list(
            UnitSuccession.objects.order_by("pk").values_list(
                "pk", "predecessor_id", "successor_id", "effective_on", "source_line"
            )
        ),
        "reporting_units": list(
            ReportingUnit.objects.order_by("pk").values_list(
                "pk", "code", "name", "kind", "admin_unit_id", "valid_from", "valid_to"
            )
        ),
        "targets": list(
            Milestone.objects.order_by("pk").values_list("pk", "target__code", "year", "value")
        ),
    }


def test_load_reference_twice_changes_nothing(db: None) -> None:
    call_command("load_reference", stdout=StringIO())
    first = _snapshot()
    call_command("load_reference", stdout=StringIO())
    assert _snapshot() == first
    assert len(first["units"]) == 1 + 17 + 218 + 1 + 135
    assert len(first["successions"]) == 218 + 1
    # 17 district committees, 135 commune committees, 4 provincial bodies.
    assert len(first["reporting_units"]) == 17 + 135 + 4
    assert len(first["targets"]) == 34


def test_a_reused_code_stays_two_units(reference) -> None:
    units = AdministrativeUnit.objects.filter(code="23563").order_by("valid_from")
    old, new = sorted(units, key=lambda u: u.valid_from is not None)
    assert (old.name, old.valid_from, str(old.valid_to)) == ("Phường Ia Kring", None, "2025-06-30")
    assert old.parent.code == "622"
    assert (new.name, str(new.valid_from), new.valid_to) == ("Phường Diên Hồng", "2025-07-01", None)
    assert new.parent.code == "52"
    # The old Ia Kring is succeeded by the new Diên Hồng, not by itself.
    assert list(old.successors.all()) == [new]


def test_succession_maps_several_old_communes_onto_one_new_one(reference) -> None:
    pleiku = AdministrativeUnit.objects.get(code="23575", valid_from__isnull=False)
    old_names = set(pleiku.predecessors.values_list("name", flat=True))
    assert old_names == {
        "Phường Tây Sơn",
        "Phường Hội Thương",
        "Phường Hoa Lư",
        "Phường Phù Đổng",
        "Xã Trà Đa",
    }
    every_old_commune = AdministrativeUnit.objects.filter(
        level=Level.COMMUNE, valid_to__isnull=False
    )
    assert every_old_commune.count() == 218
    assert not every_old_commune.filter(successors__isnull=True).exists()
    line = UnitSuccession.objects.filter(successor=pleiku).first().source_line
    assert "phường Pleiku" in line
