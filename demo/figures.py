"""Demo figures, submissions and activities for 2023-2026.

The numbers are drawn from a fixed seed per institution, so a second run writes
the same values. What the demo is meant to show:

- shares near the plan's targets, some old districts improving year after
  year, some falling back (their institutions inherit the trend after 2025);
- library visits and museum study visits growing about 8-14 % a year;
- 2023 and 2024 reported by the district People's Committees (commune-level
  institutions through the district that contained their old commune), 2025
  and 2026 by the new commune People's Committees; district-level
  institutions, which closed with the district level in 2025, report their
  last year (2025) through the Department (SVHTTDL), since their districts'
  committees no longer existed when the 2025 report was due;
- every past year approved (one 2025 report sent late, one returned once and
  then approved), and 2026 — open, deadline 05/12/2026 — a mix of approved,
  submitted, returned, draft and not started.

Models are written directly (the figures services validate what people type;
this module writes values it built to be valid: fields that do not apply to a
category stay null, study visitors never exceed total visitors).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractUser
from django.db import transaction

from demo.province import OFFICER_A_UNIT, OFFICER_B_UNIT, SEED
from indicators.fields import FieldSpec, FieldType, fields_for
from indicators.models import (
    Activity,
    Figures,
    KeyDay,
    ReportingPeriod,
    Submission,
    SubmissionEvent,
    SubmissionState,
    TaskGroup,
)
from indicators.validation import CHANGE_COMMENT, change_warnings
from institutions.models import Institution, Level, ReportingUnit, ReportingUnitKind

YEARS = (2023, 2024, 2025, 2026)
CURRENT_YEAR = 2026
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
LATE_UNIT_2025 = "UBND-23941"  # Xã Chư Sê: sent its 2025 report after 05/12/2025

# (share meeting the criterion in 2023, yearly gain), chosen so that the province
# lands near each 2025 target with some categories short of it.
PROPENSITY: dict[str, dict[str, tuple[float, float]]] = {
    "LIB_PROV": {"lll_services": (1.0, 0), "digital_transformation": (1.0, 0)},
    "LIB_DIST": {"lll_services": (0.55, 0.07), "digital_transformation": (0.45, 0.06)},
    "LIB_COMM": {"lll_services": (0.30, 0.05), "digital_transformation": (0.12, 0.045)},
    "LIB_UNIV": {"lll_services": (0.9, 0.05), "digital_transformation": (0.8, 0.05)},
    "LIB_ARMY": {"lll_services": (0.62, 0.08), "digital_transformation": (0.5, 0.08)},
    "LIB_EDU": {"lll_services": (0.58, 0.06), "digital_transformation": (0.5, 0.06)},
    "LIB_COMMUNITY": {"lll_services": (0.5, 0.05), "digital_transformation": (0.25, 0.05)},
    "MUS": {"education_programme": (0.8, 0.05), "digital_exhibitions": (0.4, 0.15)},
    "CC_PROV": {"creative_activities": (1.0, 0)},
    "CC_DIST": {"creative_activities": (0.68, 0.06)},
    "CC_COMM": {"clubs_or_classes": (0.6, 0.06), "regular_activities": (0.65, 0.05)},
    "CC_VILL": {"clubs_or_classes": (0.55, 0.06), "regular_activities": (0.6, 0.05)},
}
# (low, high) yearly users or visitors in the first reported year.
SIZE = {
    "LIB_PROV": (140_000, 160_000),
    "LIB_DIST": (9_000, 26_000),
    "LIB_COMM": (1_200, 4_500),
    "LIB_UNIV": (15_000, 30_000),
    "LIB_ARMY": (2_500, 8_000),
    "LIB_EDU": (2_500, 9_000),
    "LIB_COMMUNITY": (700, 2_200),
    "MUS": (8_000, 65_000),
}
# Old districts whose institutions improve faster or fall back: (share gain, growth).
TRENDS = {"improving": (0.05, 0.03), "steady": (0.0, 0.0), "falling": (-0.06, -0.06)}

ACTIVITIES = (
    (
        TaskGroup.COMMUNICATION,
        "Hưởng ứng Ngày Sách và Văn hóa đọc Việt Nam",
        KeyDay.BOOK_DAY,
        4,
        21,
    ),
    (TaskGroup.COMMUNICATION, "Tuần lễ hưởng ứng học tập suốt đời", KeyDay.LLL_WEEK, 10, 3),
    (
        TaskGroup.COMMUNICATION,
        "Tuyên truyền Ngày Di sản văn hóa Việt Nam",
        KeyDay.HERITAGE_DAY,
        11,
        23,
    ),
    (TaskGroup.COMMUNICATION, "Ngày hội đọc sách cho thiếu nhi", "", 6, 1),
    (
        TaskGroup.INFRASTRUCTURE,
        "Số hóa tài liệu địa chí, cập nhật thư viện số",
        KeyDay.DIGITAL_DAY,
        10,
        10,
    ),
    (TaskGroup.INFRASTRUCTURE, "Trang bị máy tính tra cứu cho phòng đọc", "", 8, 15),
    (TaskGroup.INFRASTRUCTURE, "Trưng bày chuyên đề trên không gian số", KeyDay.MUSEUM_DAY, 5, 18),
    (TaskGroup.STAFF, "Tập huấn nghiệp vụ thư viện cho cán bộ cơ sở", "", 7, 10),
    (TaskGroup.STAFF, "Bồi dưỡng kỹ năng tổ chức hoạt động học tập suốt đời", "", 9, 12),
    (
        TaskGroup.COOPERATION,
        "Phối hợp với trường học tổ chức tiết học tại bảo tàng",
        KeyDay.MUSEUM_DAY,
        5,
        20,
    ),
    (
        TaskGroup.COOPERATION,
        "Luân chuyển sách giữa thư viện tỉnh và thư viện cơ sở",
        KeyDay.WORLD_BOOK_DAY,
        4,
        23,
    ),
    (TaskGroup.SOCIALISATION, "Vận động quyên góp sách cho tủ sách cộng đồng", "", 3, 26),
    (
        TaskGroup.SOCIALISATION,
        "Xây dựng câu lạc bộ cồng chiêng tại nhà văn hóa thôn, làng",
        "",
        8,
        20,
    ),
)


def _outputs(group: str, title: str, participants: int, rng: random.Random) -> dict[str, int]:
    """The countable results a unit records for an activity of its group; the
    people trained are among its participants."""
    if group == TaskGroup.INFRASTRUCTURE and title.startswith("Số hóa"):
        return {"items_digitised": rng.randint(50, 1500)}
    if group == TaskGroup.STAFF:
        courses = rng.randint(1, 4)
        return {
            "courses_held": courses,
            "people_trained": rng.randint(participants // 2, participants),
        }
    if group == TaskGroup.COOPERATION:
        return {"agreements_signed": rng.randint(1, 3)}
    if group == TaskGroup.SOCIALISATION:
        return {"sponsors": rng.randint(2, 15)}
    return {}


@dataclass
class _Plan:
    """What the demo wants for one reporting unit and year."""

    unit: ReportingUnit
    year: int
    state: str
    institutions: list[Institution] = field(default_factory=list)
    events: list[tuple[str, str, dt.datetime, str]] = field(default_factory=list)
    return_reason: str = ""


def _at(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(year, month, day, hour, 0, tzinfo=TZ)


def _old_district(institution: Institution) -> str | None:
    unit = institution.admin_unit
    if unit.level == Level.DISTRICT:
        return unit.code
    if unit.level == Level.COMMUNE and unit.parent and unit.parent.level == Level.DISTRICT:
        return unit.parent.code
    return None


def _submitting_unit(
    institution: Institution, year: int, units: dict[str, ReportingUnit]
) -> ReportingUnit:
    """Who sent the institution's figures for `year`: until the district level
    ended, the district committee for everything standing in the district;
    afterwards the unit responsible for it now."""
    responsible = institution.reporting_unit
    in_a_district = responsible.kind == ReportingUnitKind.COMMUNE_COMMITTEE or (
        institution.admin_unit.level == Level.DISTRICT
    )
    if year <= 2024 and in_a_district:
        return units[f"UBND-{_old_district(institution)}"]
    return responsible


def _values(institution: Institution, trend: tuple[float, float]) -> dict[int, dict[str, object]]:
    """The institution's figures for every year it was open, from its own seed."""
    rng = random.Random(f"{SEED}:{institution.code}")
    category = institution.category.code
    specs = fields_for(category)
    latent = {s.code: rng.random() for s in specs if s.type == FieldType.YES_NO}
    if "regular_activities" in latent:
        # A centre with clubs usually runs regular activities too.
        latent["regular_activities"] = 0.7 * latent["clubs_or_classes"] + 0.3 * rng.random()
    low, high = SIZE.get(category, (0, 0))
    size = rng.randint(low, high) if high else 0
    growth = rng.uniform(0.08, 0.14) + trend[1]
    study_share = rng.uniform(0.28, 0.42)
    # A commune centre keeps about the same clubs from year to year (the portal
    # asks for an explanation of anything that moves more than threefold).
    base_clubs = rng.randint(2, 6)
    audience = rng.randint(25, 90)

    result: dict[int, dict[str, object]] = {}
    for year in YEARS:
        if not institution.is_open_in(year):
            continue
        if result:
            size = round(size * (1 + growth + rng.uniform(-0.02, 0.02)))
        elapsed = year - 2023
        values: dict[str, object] = {}
        for spec in specs:
            if spec.type == FieldType.YES_NO:
                start, gain = PROPENSITY.get(category, {}).get(spec.code, (0.6, 0.05))
                share = min(1.0, max(0.0, start + (gain + trend[0]) * elapsed))
                values[spec.code] = latent[spec.code] < share
        if _asks(specs, "user_visits"):
            values["user_visits"] = size
            values["participants"] = round(size * rng.uniform(0.2, 0.35))
        if category == "MUS":
            study_share = min(0.6, study_share + 0.01)
            values["total_visitors"] = size
            values["study_visitors"] = round(size * study_share)
            values["participants"] = round(values["study_visitors"] * rng.uniform(0.3, 0.6))
        if _asks(specs, "clubs_count"):
            if category == "CC_PROV":
                clubs = 20 + elapsed
            elif category == "CC_DIST":
                clubs = rng.randint(4, 12)
            else:
                clubs = max(1, base_clubs + rng.randint(-1, 1)) if values["clubs_or_classes"] else 0
            values["clubs_count"] = clubs
            values["participants"] = round(clubs * audience * rng.uniform(0.9, 1.1)) + rng.randint(
                150, 250
            )
        result[year] = values
    return result


def _asks(specs: tuple[FieldSpec, ...], code: str) -> bool:
    return any(s.code == code for s in specs)


def _mix_2026(codes: list[str]) -> dict[str, str | None]:
    """The state of each unit's 2026 report (None: not started)."""
    fixed = {
        OFFICER_A_UNIT: SubmissionState.DRAFT,
        OFFICER_B_UNIT: SubmissionState.RETURNED,
        "SGDDT": SubmissionState.DRAFT,
        "SVHTTDL": SubmissionState.APPROVED,
        "BCHQS": SubmissionState.SUBMITTED,
        "PHDH": SubmissionState.APPROVED,
    }
    rng = random.Random(f"{SEED}:2026")
    mix: dict[str, str | None] = {}
    for code in sorted(codes):
        if code in fixed:
            mix[code] = fixed[code]
            continue
        draw = rng.random()
        mix[code] = (
            SubmissionState.APPROVED
            if draw < 0.25
            else SubmissionState.SUBMITTED
            if draw < 0.6
            else SubmissionState.DRAFT
            if draw < 0.8
            else None
        )
    return mix


def _history(plan: _Plan, rng: random.Random) -> None:
    """The events that led to the plan's state, with plausible dates."""
    year = plan.year
    if plan.state == SubmissionState.DRAFT:
        return
    if year == CURRENT_YEAR:
        sent = _at(year, 11, rng.randint(9, 18))
    elif plan.unit.code == LATE_UNIT_2025 and year == 2025:
        sent = _at(year, 12, 12)
    else:
        sent = _at(year, 11, rng.randint(12, 30))
    plan.events.append((SubmissionState.DRAFT, SubmissionState.SUBMITTED, sent, ""))
    if plan.state == SubmissionState.RETURNED:
        returned = sent + dt.timedelta(days=3)
        plan.events.append(
            (SubmissionState.SUBMITTED, SubmissionState.RETURNED, returned, plan.return_reason)
        )
        return
    if plan.unit.code == OFFICER_B_UNIT and year == 2025:
        # Returned once, corrected and approved: a history worth reading.
        back = sent + dt.timedelta(days=2)
        plan.events.append(
            (
                SubmissionState.SUBMITTED,
                SubmissionState.RETURNED,
                back,
                "Thiếu số liệu lượt người tham gia của các nhà văn hóa thôn, đề nghị bổ sung.",
            )
        )
        sent = back + dt.timedelta(days=2)
        plan.events.append((SubmissionState.RETURNED, SubmissionState.SUBMITTED, sent, ""))
    if plan.state == SubmissionState.APPROVED:
        approved = sent + dt.timedelta(days=rng.randint(2, 6))
        plan.events.append((SubmissionState.SUBMITTED, SubmissionState.APPROVED, approved, ""))


def _plans(institutions: list[Institution]) -> dict[tuple[str, int], _Plan]:
    units = {u.code: u for u in ReportingUnit.objects.all()}
    plans: dict[tuple[str, int], _Plan] = {}
    for institution in institutions:
        for year in YEARS:
            if institution.is_open_in(year):
                unit = _submitting_unit(institution, year, units)
                plan = plans.setdefault(
                    (unit.code, year), _Plan(unit=unit, year=year, state=SubmissionState.APPROVED)
                )
                plan.institutions.append(institution)
    mix = _mix_2026([code for code, year in plans if year == CURRENT_YEAR])
    for (code, year), plan in list(plans.items()):
        if year == CURRENT_YEAR:
            if mix[code] is None:
                del plans[(code, year)]
                continue
            plan.state = mix[code]
    return plans


def demo_figures_seed(
    *, institutions: list[Institution], users: dict[str, AbstractUser]
) -> dict[str, int]:
    """Periods 2023-2026, submissions, their history, figures and activities for
    the demo institutions. Idempotent: submissions and figures are upserted on
    their natural keys; the seeded submissions' events and activities are
    rebuilt. Returns how many rows of each kind the demo holds."""
    reviewer, admin = users["sovhttdl"], users["admin"]
    trends = _district_trends(institutions)
    values = {
        i.code: _values(i, trends.get(_old_district(i) or "", (0.0, 0.0))) for i in institutions
    }
    plans = _plans(institutions)
    members = defaultdict(list)
    for unit_code, username in ReportingUnit.members.through.objects.filter(
        reportingunit__code__in={c for c, _y in plans}
    ).values_list("reportingunit__code", "user__username"):
        members[unit_code].append(username)

    _explain_large_changes(plans, values)
    returned = plans.get((OFFICER_B_UNIT, CURRENT_YEAR))
    if returned is not None:
        library = next(
            i
            for i in returned.institutions
            if i.category.code == "LIB_COMM" and CURRENT_YEAR - 1 in values[i.code]
        )
        figures = values[library.code][CURRENT_YEAR]
        figures["user_visits"] = round(figures["user_visits"] * 0.35)
        returned.return_reason = (
            f"Số lượt người sử dụng của {library.name} năm {CURRENT_YEAR} giảm gần 2/3 so "
            f"với năm {CURRENT_YEAR - 1}; đề nghị kiểm tra lại số liệu hoặc giải trình."
        )

    with transaction.atomic():
        periods = {}
        for year in YEARS:
            periods[year], _created = ReportingPeriod.objects.get_or_create(
                year=year, defaults={"deadline": ReportingPeriod.default_deadline(year)}
            )
        has_first_submitted = any(
            f.name == "first_submitted_at" for f in Submission._meta.get_fields()
        )
        submissions: dict[tuple[str, int], Submission] = {}
        rng = random.Random(f"{SEED}:history")
        for key in sorted(plans):
            plan = plans[key]
            _history(plan, rng)
            sent = [at for _f, to, at, _r in plan.events if to == SubmissionState.SUBMITTED]
            approved = [at for _f, to, at, _r in plan.events if to == SubmissionState.APPROVED]
            by_user = _by_user(plan, members, users, admin)
            defaults = {
                "state": plan.state,
                "version": 1 + len(plan.events),
                "submitted_at": sent[-1] if sent else None,
                "submitted_by": by_user if sent else None,
                "approved_at": approved[-1] if approved else None,
                "approved_by": reviewer if approved else None,
                "return_reason": plan.return_reason,
            }
            if has_first_submitted:
                defaults["first_submitted_at"] = sent[0] if sent else None
            submissions[key], _created = Submission.objects.update_or_create(
                reporting_unit=plan.unit, period=periods[plan.year], defaults=defaults
            )

        seeded = list(submissions.values())
        # The demo rewrites its own history (append-only everywhere else).
        SubmissionEvent._base_manager.filter(submission__in=seeded).delete()
        Activity.objects.filter(submission__in=seeded).delete()

        events = []
        for key, plan in sorted(plans.items()):
            for from_state, to_state, at, reason in plan.events:
                event = SubmissionEvent(
                    submission=submissions[key],
                    from_state=from_state,
                    to_state=to_state,
                    reason=reason,
                    user=reviewer
                    if to_state in (SubmissionState.APPROVED, SubmissionState.RETURNED)
                    else _by_user(plan, members, users, admin),
                )
                event._demo_at = at
                events.append(event)
        SubmissionEvent.objects.bulk_create(events, batch_size=500)
        # `at` is auto_now_add, which bulk_create overrides; put the history's dates back.
        for event in events:
            event.at = event._demo_at
        SubmissionEvent._base_manager.bulk_update(events, ["at"], batch_size=500)

        figures, activities = _figures_and_activities(plans, submissions, values)
        value_fields = [
            f.name
            for f in Figures._meta.concrete_fields
            if f.name not in {"id", "institution", "year", "updated_at"}
        ]
        Figures.objects.bulk_create(
            figures,
            update_conflicts=True,
            unique_fields=["institution", "year"],
            update_fields=value_fields,
            batch_size=500,
        )
        Activity.objects.bulk_create(activities, batch_size=500)

    return {
        "periods": len(periods),
        "submissions": len(submissions),
        "events": len(events),
        "figures": len(figures),
        "activities": len(activities),
    }


def _explain_large_changes(
    plans: dict[tuple[str, int], _Plan], values: dict[str, dict[int, dict[str, object]]]
) -> None:
    """Follow the portal's own rule: a report that has been sent explains every
    figure that moved more than threefold from last year (a centre that closed
    or opened its clubs), as an officer would have had to before sending."""
    for (_code, year), plan in plans.items():
        if plan.state == SubmissionState.DRAFT:
            continue
        for institution in plan.institutions:
            now, before = values[institution.code][year], values[institution.code].get(year - 1)
            if before and change_warnings(institution.category.code, now, before):
                now[CHANGE_COMMENT] = (
                    "Năm nay thiết chế ngừng sinh hoạt câu lạc bộ, lớp năng khiếu."
                    if before.get("clubs_or_classes") and not now.get("clubs_or_classes")
                    else "Năm nay thiết chế mở lại câu lạc bộ, lớp năng khiếu."
                    if now.get("clubs_or_classes") and not before.get("clubs_or_classes")
                    else "Số lượt thay đổi theo số buổi sinh hoạt, hoạt động thực tế trong năm."
                )


def _by_user(
    plan: _Plan, members: dict[str, list[str]], users: dict[str, AbstractUser], admin: AbstractUser
) -> AbstractUser:
    """The unit's demo officer if it has one; otherwise the administrator, who in
    the demo keyed in the other units' reports."""
    for username in members.get(plan.unit.code, []):
        if username in users:
            return users[username]
    return admin


def _district_trends(institutions: list[Institution]) -> dict[str, tuple[float, float]]:
    rng = random.Random(f"{SEED}:trends")
    codes = sorted({c for c in (_old_district(i) for i in institutions) if c})
    names = ["improving", "improving", "steady", "steady", "steady", "falling"]
    return {code: TRENDS[rng.choice(names)] for code in codes}


def _figures_and_activities(
    plans: dict[tuple[str, int], _Plan],
    submissions: dict[tuple[str, int], Submission],
    values: dict[str, dict[int, dict[str, object]]],
) -> tuple[list[Figures], list[Activity]]:
    rng = random.Random(f"{SEED}:activities")
    figures: list[Figures] = []
    activities: list[Activity] = []
    for key in sorted(plans):
        plan, submission = plans[key], submissions[key]
        reported = plan.institutions
        if plan.state == SubmissionState.DRAFT:
            # A draft is half keyed in: the first ~60 % of its institutions.
            reported = reported[: max(1, round(len(reported) * 0.6))]
        for institution in reported:
            figures.append(
                Figures(
                    institution=institution,
                    year=plan.year,
                    submission=submission,
                    **values[institution.code][plan.year],
                )
            )
        count = 1 if plan.state == SubmissionState.DRAFT else rng.randint(2, 4)
        for group, title, key_day, month, day in rng.sample(ACTIVITIES, count):
            participants = rng.randint(30, 600)
            activities.append(
                Activity(
                    submission=submission,
                    date=dt.date(plan.year, month, day),
                    title=title,
                    task_group=group,
                    institution=rng.choice(reported) if rng.random() < 0.8 else None,
                    key_day=key_day,
                    participants=participants,
                    funding_state_budget=Decimal(rng.randint(5, 60) * 1_000_000),
                    funding_programmes=Decimal(rng.choice((0, 0, 5, 10, 20)) * 1_000_000),
                    funding_contributions=Decimal(rng.choice((0, 2, 5, 8)) * 1_000_000),
                    **_outputs(group, title, participants, rng),
                )
            )
    return figures, activities
