"""Reference data: categories, administrative units of both generations and
their succession, reporting units, and the persona groups."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from institutions.models import (
    AdministrativeUnit,
    Category,
    Level,
    ReportingUnit,
    ReportingUnitKind,
    UnitSuccession,
)
from institutions.roles import Role

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "reference"
REORGANISATION_DAY = dt.date(2025, 7, 1)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _upsert_unit(
    *,
    code: str,
    name: str,
    level: str,
    parent: AdministrativeUnit | None,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
) -> AdministrativeUnit:
    unit, _created = AdministrativeUnit.objects.update_or_create(
        code=code,
        valid_from=valid_from,
        defaults={"name": name, "level": level, "parent": parent, "valid_to": valid_to},
    )
    return unit


def _load_units(
    rows: list[dict[str, str]], *, valid_from: dt.date | None, valid_to: dt.date | None
) -> dict[str, AdministrativeUnit]:
    """Parents are listed before their children in the files; keep that order."""
    by_code: dict[str, AdministrativeUnit] = {}
    for row in rows:
        parent = by_code[row["parent_code"]] if row["parent_code"] else None
        by_code[row["code"]] = _upsert_unit(
            code=row["code"],
            name=row["name"],
            level=row["level"],
            parent=parent,
            valid_from=_date(row.get("valid_from", "")) or valid_from,
            valid_to=_date(row.get("valid_to", "")) or valid_to,
        )
    return by_code


def categories_load(*, data_dir: Path = REFERENCE_DIR) -> dict[str, Category]:
    """The twelve institution categories of DESIGN section 2, from the reference
    file, matched on their code. Idempotent. Two queries a category."""
    categories = {}
    for row in _rows(data_dir / "categories.csv"):
        categories[row["code"]], _created = Category.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_en": row["name_en"],
                "family": row["family"],
                "admin_level": row["admin_level"],
                "sort_order": int(row["sort_order"]),
            },
        )
    return categories


def reference_load(*, data_dir: Path = REFERENCE_DIR) -> dict[str, int]:
    """Load the categories, both generations of Gia Lai's administrative units,
    the succession between them and the reporting units. Idempotent: rows are
    matched on their natural keys and a second run changes nothing.

    Returns how many rows of each kind the reference holds.
    """
    with transaction.atomic():
        categories_load(data_dir=data_dir)

        old = _load_units(
            _rows(data_dir / "gialai_units_2023_2025.csv"), valid_from=None, valid_to=None
        )
        new = _load_units(
            _rows(data_dir / "gialai_units_from_2025_07_01.csv"), valid_from=None, valid_to=None
        )

        successions = [
            (old[r["old_code"]], new[r["new_code"]], REORGANISATION_DAY, r)
            for r in _rows(data_dir / "gialai_succession_2025_07_01.csv")
        ] + [
            (old[r["old_code"]], new[r["new_code"]], _date(r["effective_on"]), r)
            for r in _rows(data_dir / "provinces_succession.csv")
        ]
        for predecessor, successor, effective_on, row in successions:
            UnitSuccession.objects.update_or_create(
                predecessor=predecessor,
                successor=successor,
                defaults={
                    "effective_on": effective_on,
                    "source": row["source"],
                    "source_line": row["source_line"],
                    "confidence": row.get("confidence", "high"),
                },
            )

        # District People's Committees reported until the district level ended;
        # from 01/07/2025 the commune People's Committees report.
        for unit in old.values():
            if unit.level == Level.DISTRICT:
                _upsert_reporting_unit(
                    code=f"UBND-{unit.code}",
                    name=f"UBND {unit.name}",
                    kind=ReportingUnitKind.DISTRICT_COMMITTEE,
                    admin_unit=unit,
                    valid_from=None,
                    valid_to=unit.valid_to,
                )
        for unit in new.values():
            if unit.level == Level.COMMUNE:
                _upsert_reporting_unit(
                    code=f"UBND-{unit.code}",
                    name=f"UBND {unit.name}",
                    kind=ReportingUnitKind.COMMUNE_COMMITTEE,
                    admin_unit=unit,
                    valid_from=unit.valid_from,
                    valid_to=None,
                )
        for row in _rows(data_dir / "sector_reporting_units.csv"):
            _upsert_reporting_unit(
                code=row["code"],
                name=row["name"],
                kind=row["kind"],
                admin_unit=new[row["admin_unit_code"]],
                valid_from=None,
                valid_to=None,
            )
        roles_ensure()

    return {
        "categories": Category.objects.count(),
        "administrative_units": AdministrativeUnit.objects.count(),
        "successions": UnitSuccession.objects.count(),
        "reporting_units": ReportingUnit.objects.count(),
    }


def _upsert_reporting_unit(
    *,
    code: str,
    name: str,
    kind: str,
    admin_unit: AdministrativeUnit,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
) -> ReportingUnit:
    unit, _created = ReportingUnit.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "kind": kind,
            "admin_unit": admin_unit,
            "valid_from": valid_from,
            "valid_to": valid_to,
        },
    )
    return unit


def roles_ensure() -> None:
    """Create one group per persona; administrators may manage all reference data
    in the Django admin, and read and lift login lock-outs. Idempotent."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    admin_group = Group.objects.get(name=Role.ADMINISTRATOR)
    # django-axes' records: an administrator reads them and lifts a lock-out by
    # deleting its attempt; the logs themselves are kept.
    lockouts = ["view_accessattempt", "delete_accessattempt", "view_accesslog"]
    lockouts.append("view_accessfailurelog")
    admin_group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["institutions", "indicators", "reports", "auth"]
        )
        | Permission.objects.filter(content_type__app_label="axes", codename__in=lockouts)
    )
