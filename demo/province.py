"""The demonstration province: institutions and one account per persona.

Everything is generated from a fixed random seed over the reference data, then
written through `institutions_import`, so the demo passes the same validation a
real file does and a second run upserts the same rows by code.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from institutions.importing import SourceRow
from institutions.models import AdministrativeUnit, Category, Institution, Level, ReportingUnit
from institutions.roles import Role
from institutions.services import ImportResult, institutions_import, roles_ensure

SEED = 3632
OLD_PROVINCE = "64"
# Set directly (not through the password validators); documented in the README.
DEMO_PASSWORD = "hoctap-gialai-2026"
# The two officers' units: wards that absorbed several old communes, so each
# officer reports for institutions that stood in different old units.
OFFICER_A_UNIT = "UBND-23575"  # Phường Pleiku
OFFICER_B_UNIT = "UBND-23617"  # Phường An Khê

_OLD_DAY = "2024-01-01"  # a day on which the 2023-2025 units were valid
_NEW_DAY = "2025-07-01"

VILLAGES = [
    "làng Plei Ơi",
    "làng Plei Bông",
    "làng Plei Ngol",
    "làng Plei Rơng",
    "làng Plei Kly",
    "làng Kép",
    "làng Đê Kjiêng",
    "làng Kon Brung",
    "làng Bông Phun",
    "làng Tơ Drăh",
    "làng Mơ Nang",
    "làng Chuet",
    "buôn Ma Rai",
    "buôn Ơi Nu",
    "thôn Hòa Bình",
    "thôn Thanh Bình",
    "thôn Tân Lập",
    "thôn Đoàn Kết",
]
SCHOOL_NAMES = [
    "Kim Đồng",
    "Lê Lợi",
    "Nguyễn Du",
    "Trần Hưng Đạo",
    "Lý Thường Kiệt",
    "Quang Trung",
    "Hùng Vương",
    "Nguyễn Trãi",
    "Chu Văn An",
    "Lê Quý Đôn",
    "Phan Bội Châu",
    "Ngô Mây",
    "Anh hùng Núp",
    "Kpă Klơng",
    "Võ Thị Sáu",
    "Nguyễn Văn Trỗi",
    "Trần Phú",
    "Phan Chu Trinh",
    "Nguyễn Bỉnh Khiêm",
    "Lê Văn Tám",
]
SCHOOL_LEVELS = ["Trường Tiểu học", "Trường THCS", "Trường TH và THCS", "Trường THPT"]


@dataclass(frozen=True)
class Persona:
    username: str
    first_name: str
    last_name: str
    role: Role
    unit_code: str | None
    is_staff: bool = False


PERSONAS = (
    Persona("admin", "Quản trị", "viên", Role.ADMINISTRATOR, None, is_staff=True),
    Persona("sovhttdl", "Nguyễn Thị", "Lan", Role.PROVINCIAL_REVIEWER, None),
    Persona("canbo_pleiku", "Rơ Châm", "H'Nhung", Role.DISTRICT_OFFICER, OFFICER_A_UNIT),
    Persona("canbo_ankhe", "Trần Văn", "Minh", Role.DISTRICT_OFFICER, OFFICER_B_UNIT),
    Persona("sogddt", "Lê Thị", "Thu", Role.SECTOR_REPORTER, "SGDDT"),
)


def _short(unit: AdministrativeUnit) -> str:
    """ "Xã Ia Kha" → "xã Ia Kha", as it reads inside a longer name."""
    return unit.name[:1].lower() + unit.name[1:]


def _row(
    code: str,
    name: str,
    category: str,
    unit: AdministrativeUnit,
    reporting_unit: str,
    opened: int,
    closed: int | None = None,
) -> dict[str, str]:
    return {
        "code": code,
        "name": name,
        "category": category,
        "admin_unit_code": unit.code,
        "admin_unit_valid_on": _NEW_DAY if unit.valid_from else _OLD_DAY,
        "reporting_unit_code": reporting_unit,
        "opened_year": str(opened),
        "closed_year": "" if closed is None else str(closed),
    }


def reference_check() -> None:
    """Refuse to build a demo over a database without the reference data."""
    missing = [
        what
        for what, ok in (
            ("loại thiết chế", Category.objects.exists()),
            ("đơn vị hành chính", AdministrativeUnit.objects.filter(code=OLD_PROVINCE).exists()),
            ("đơn vị báo cáo", ReportingUnit.objects.filter(code="SVHTTDL").exists()),
        )
        if not ok
    ]
    if missing:
        raise ValidationError(
            _(
                "Chưa có dữ liệu tham chiếu (%(missing)s). Hãy chạy "
                "'python manage.py load_reference' trước 'seed_demo'."
            )
            % {"missing": ", ".join(missing)}
        )


def _provincial_rows(province: AdministrativeUnit, pleiku: AdministrativeUnit) -> list[dict]:
    return [
        _row("TV-TINH", "Thư viện tỉnh Gia Lai", "LIB_PROV", province, "SVHTTDL", 1976),
        _row("BT-TINH", "Bảo tàng tỉnh Gia Lai", "MUS", province, "SVHTTDL", 1976),
        _row(
            "BT-HCM-GLKT",
            "Bảo tàng Hồ Chí Minh - Chi nhánh Gia Lai - Kon Tum",
            "MUS",
            province,
            "SVHTTDL",
            1992,
        ),
        _row(
            "TTVH-TINH",
            "Trung tâm Văn hóa, Điện ảnh và Du lịch tỉnh Gia Lai",
            "CC_PROV",
            province,
            "SVHTTDL",
            1990,
        ),
        _row(
            "TV-BCHQS",
            "Thư viện Bộ Chỉ huy Quân sự tỉnh Gia Lai",
            "LIB_ARMY",
            province,
            "BCHQS",
            1985,
        ),
        _row("TV-TQS", "Thư viện Trường Quân sự tỉnh Gia Lai", "LIB_ARMY", province, "BCHQS", 1998),
        _row("TV-TD991", "Thư viện Trung đoàn 991", "LIB_ARMY", province, "BCHQS", 2002),
        _row(
            "TV-BCHQS-PK",
            "Thư viện Ban Chỉ huy Quân sự thành phố Pleiku",
            "LIB_ARMY",
            pleiku,
            "BCHQS",
            2008,
        ),
        _row(
            "TV-PHDH",
            "Thư viện Phân hiệu Trường Đại học Nông Lâm TP. Hồ Chí Minh tại Gia Lai",
            "LIB_UNIV",
            province,
            "PHDH",
            2000,
        ),
        _row(
            "TV-PHDH-KTX",
            "Phòng đọc Khu ký túc xá Phân hiệu Trường Đại học Nông Lâm TP. Hồ Chí Minh",
            "LIB_UNIV",
            province,
            "PHDH",
            2016,
        ),
    ]


def _district_rows(districts: list[AdministrativeUnit], rng: random.Random) -> list[dict]:
    rows = []
    for district in districts:
        # The district level ended on 30/06/2025: these institutions still report
        # for 2025, the year they closed, through the Department (their district
        # committee no longer exists by the deadline); 2023-2024 went through the
        # district committee (see demo.figures._submitting_unit).
        rows.append(
            _row(
                f"TVH-{district.code}",
                f"Thư viện {_short(district)}",
                "LIB_DIST",
                district,
                "SVHTTDL",
                rng.randint(1995, 2008),
                closed=2025,
            )
        )
        rows.append(
            _row(
                f"TTVH-{district.code}",
                f"Trung tâm Văn hóa - Thông tin và Thể thao {_short(district)}",
                "CC_DIST",
                district,
                "SVHTTDL",
                rng.randint(1998, 2012),
                closed=2025,
            )
        )
    return rows


def _opened_closed(rng: random.Random, first: int, last: int) -> tuple[int, int | None]:
    """Most commune institutions are long established; a few open in 2024 (they
    join the growth panel late) and a few closed in 2024."""
    draw = rng.random()
    if draw < 0.06:
        return 2024, None
    if draw < 0.09:
        return rng.randint(first, last), 2024
    return rng.randint(first, last), None


def _commune_rows(
    communes: list[AdministrativeUnit],
    successor_ru: dict[int, str],
    forced: set[int],
    rng: random.Random,
    replica: int,
) -> list[dict]:
    """Commune libraries and centres, village houses, school and community
    libraries, standing in the old communes; `replica` > 0 builds the extra
    copies of `--scale` with distinct codes."""
    suffix = f"-N{replica + 1}" if replica else ""
    place = f" (điểm {replica + 1})" if replica else ""
    rows = []
    for commune in communes:
        ru = successor_ru[commune.pk]
        short = _short(commune)
        must = commune.pk in forced
        # One closed before the reorganisation never had a new commune above it:
        # its district's committee stays responsible for it.
        district_ru = f"UBND-{commune.parent.code}"
        if must or rng.random() < 0.5:
            opened, closed = _opened_closed(rng, 2003, 2022)
            rows.append(
                _row(
                    f"TVX-{commune.code}{suffix}",
                    f"Thư viện {short}{place}",
                    "LIB_COMM",
                    commune,
                    district_ru if closed else ru,
                    opened,
                    closed,
                )
            )
        if must or rng.random() < 0.55:
            opened, closed = _opened_closed(rng, 2005, 2022)
            rows.append(
                _row(
                    f"TTVHTT-{commune.code}{suffix}",
                    f"Trung tâm Văn hóa - Thể thao {short}{place}",
                    "CC_COMM",
                    commune,
                    district_ru if closed else ru,
                    opened,
                    closed,
                )
            )
        if must or rng.random() < 0.4:
            is_ward = commune.name.startswith(("Phường", "Thị trấn"))
            for k in range(rng.randint(2, 5)):
                village = (
                    f"tổ dân phố {k + 1}"
                    if is_ward
                    else VILLAGES[(commune.pk * 7 + k * 5) % len(VILLAGES)]
                )
                rows.append(
                    _row(
                        f"NVH-{commune.code}-{k + 1:02d}{suffix}",
                        f"Nhà văn hóa {village}, {short}{place}",
                        "CC_VILL",
                        commune,
                        ru,
                        rng.randint(2000, 2021),
                    )
                )
        for k in range(rng.choice((0, 0, 1, 1, 1, 2))):
            level = rng.choice(SCHOOL_LEVELS)
            person = rng.choice(SCHOOL_NAMES)
            rows.append(
                _row(
                    f"TVTH-{commune.code}-{k + 1}{suffix}",
                    f"Thư viện {level} {person}, {short}{place}",
                    "LIB_EDU",
                    commune,
                    "SGDDT",
                    rng.randint(1995, 2020),
                )
            )
    return rows


def _community_rows(
    communes: list[AdministrativeUnit], successor_ru: dict[int, str], rng: random.Random
) -> list[dict]:
    picks = rng.sample(communes, 3)
    names = [
        "Thư viện cộng đồng",
        "Tủ sách cộng đồng",
        "Thư viện tư nhân phục vụ cộng đồng",
    ]
    return [
        _row(
            f"TVCD-{c.code}",
            f"{name} {VILLAGES[i * 3]}, {_short(c)}",
            "LIB_COMMUNITY",
            c,
            successor_ru[c.pk],
            rng.randint(2015, 2022),
        )
        for i, (name, c) in enumerate(zip(names, picks, strict=True))
    ] + [
        _row(
            "BT-TN-JRAI",
            f"Bảo tàng tư nhân Văn hóa Jrai - Bahnar, {_short(picks[0])}",
            "MUS",
            picks[0],
            "SVHTTDL",
            2019,
        )
    ]


def _new_unit_rows() -> list[dict]:
    """A few institutions opened after the reorganisation, in the new units."""
    rows = []
    for code, ru in (("23575", OFFICER_A_UNIT), ("23617", OFFICER_B_UNIT)):
        unit = AdministrativeUnit.objects.get(code=code, valid_from__isnull=False)
        rows.append(
            _row(
                f"TVX-{code}-2026",
                f"Thư viện {_short(unit)} (cơ sở mới)",
                "LIB_COMM",
                unit,
                ru,
                2026,
            )
        )
    return rows


def demo_institution_rows(*, scale: int = 1) -> list[SourceRow]:
    """Every demo institution as an import row; the same rows for the same scale."""
    rng = random.Random(SEED)
    province = AdministrativeUnit.objects.get(code=OLD_PROVINCE, level=Level.PROVINCE)
    districts = list(province.children.filter(level=Level.DISTRICT).order_by("code"))
    communes = list(
        AdministrativeUnit.objects.filter(parent__in=districts, level=Level.COMMUNE)
        .select_related("parent")
        .order_by("code")
    )
    successor_ru = {
        c.pk: f"UBND-{min(s.code for s in c.successors.all())}"
        for c in AdministrativeUnit.objects.filter(pk__in=[c.pk for c in communes])
        .prefetch_related("successors")
        .order_by("code")
    }
    forced = {pk for pk, ru in successor_ru.items() if ru in {OFFICER_A_UNIT, OFFICER_B_UNIT}}

    rows = _provincial_rows(province, districts[0])
    rows += _district_rows(districts, rng)
    for replica in range(scale):
        # Each replica draws the same choices, so --scale N gives exactly N times
        # the commune-level institutions (with distinct codes).
        replica_rng = random.Random(f"{SEED}:communes")
        rows += _commune_rows(communes, successor_ru, forced, replica_rng, replica)
    rows += _community_rows(communes, successor_ru, rng)
    rows += _new_unit_rows()
    return [SourceRow(line=i, values=v) for i, v in enumerate(rows, start=2)]


def demo_users_ensure() -> dict[str, AbstractUser]:
    """One account per persona, bound to its reporting unit. Idempotent."""
    roles_ensure()
    User = get_user_model()
    users = {}
    for p in PERSONAS:
        user, _created = User.objects.update_or_create(
            username=p.username,
            defaults={
                "first_name": p.first_name,
                "last_name": p.last_name,
                "is_staff": p.is_staff,
                "is_superuser": False,
                "is_active": True,
            },
        )
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.set([Group.objects.get(name=p.role.value)])
        if p.unit_code:
            ReportingUnit.objects.get(code=p.unit_code).members.add(user)
        users[p.username] = user
    return users


@dataclass
class DemoProvince:
    result: ImportResult
    institutions: list[Institution]
    users: dict[str, AbstractUser]


def demo_province_seed(*, scale: int = 1) -> DemoProvince:
    """The demo institutions and accounts, in one transaction."""
    if scale < 1:
        raise ValidationError(_("--scale phải là số nguyên dương."))
    reference_check()
    rows = demo_institution_rows(scale=scale)
    with transaction.atomic():
        result = institutions_import(rows=rows, today=dt.date.today())
        users = demo_users_ensure()
    institutions = list(
        Institution.objects.filter(code__in=[r.values["code"] for r in rows])
        .select_related("category", "admin_unit__parent", "reporting_unit")
        .order_by("code")
    )
    return DemoProvince(result=result, institutions=institutions, users=users)
