"""Issue 10, item 7, one rule for every path: the same change to an institution
tried through the admin's form, import_institutions on a tiny file and the
registry (an officer's proposal, then the reviewer's approval) gets the same
answer from each: accepted, or refused on the same field with the same message
naming the same report. Nothing is saved when it is refused.

The world (made by hand, the states known):
- 2023 is locked (its report issued);
- unit A's (Pleiku) 2025 report is approved and holds its library's figures;
  its 2026 report is a draft holding the library's 2026 figures;
- unit B's (An Khê) 2025 report is approved and holds B's library's figures;
- A also reports for a museum (open since 2010, no figures) and a commune
  centre opened in 2025 (no figures)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Figures, PeriodState, Submission, SubmissionState
from institutions.models import Institution, RegistryChange, RegistryChangeKind, RegistryChangeState
from institutions.services import registry, registry_change_approve, registry_change_propose
from institutions.services.history import InstitutionChange, institution_change_problems
from tests.conftest import client_for
from tests.factories import InstitutionFactory, ReportingPeriodFactory, category

pytestmark = pytest.mark.django_db

A_2025 = "báo cáo năm 2025 của UBND Thành phố Pleiku (đã duyệt)"
A_2026_DRAFT = "báo cáo năm 2026 của UBND Thành phố Pleiku (đang nhập)"
B_2025 = "báo cáo năm 2025 của UBND Thị xã An Khê (đã duyệt)"
LOCKED_2023 = "kỳ báo cáo năm 2023 (đã khóa)"


@dataclass
class World:
    province: object
    library: Institution
    museum: Institution
    centre: Institution
    library_b: Institution


@pytest.fixture
def world(province, reviewer) -> World:
    ReportingPeriodFactory(year=2023, state=PeriodState.LOCKED)
    p2025, p2026 = ReportingPeriodFactory(year=2025), ReportingPeriodFactory(year=2026)
    w = World(
        province=province,
        library=InstitutionFactory(
            code="TV-PLK",
            name="Thư viện thành phố Pleiku",
            category=category("LIB_DIST"),
            admin_unit=province.district_a,
            reporting_unit=province.unit_a,
            opened_year=2024,
        ),
        museum=InstitutionFactory(
            code="BT-PLK",
            name="Bảo tàng Pleiku",
            category=category("MUS"),
            admin_unit=province.district_a,
            reporting_unit=province.unit_a,
            opened_year=2010,
        ),
        centre=InstitutionFactory(
            code="TTVH-YD",
            name="Trung tâm văn hóa phường Yên Đỗ",
            category=category("CC_COMM"),
            admin_unit=province.commune_a,
            reporting_unit=province.unit_a,
            opened_year=2025,
        ),
        library_b=InstitutionFactory(
            code="TV-AK",
            name="Thư viện thị xã An Khê",
            category=category("LIB_DIST"),
            admin_unit=province.district_b,
            reporting_unit=province.unit_b,
            opened_year=2010,
        ),
    )
    for unit, period, state, inst in [
        (province.unit_a, p2025, SubmissionState.APPROVED, w.library),
        (province.unit_b, p2025, SubmissionState.APPROVED, w.library_b),
        (province.unit_a, p2026, SubmissionState.DRAFT, w.library),
    ]:
        sub = Submission.objects.create(reporting_unit=unit, period=period, state=state)
        Figures.objects.create(
            institution=inst, year=period.year, submission=sub, lll_services=True, user_visits=10
        )
    return w


@dataclass(frozen=True)
class Case:
    """One change: to `institution` (a World attribute; None: a new one), the
    model's fields as changed (values: World/province attribute names for
    objects, or plain values), the registry's proposal of it (None: the
    registry has no such kind), and the expected answer (None: accepted;
    else the refused field and the report named)."""

    id: str
    institution: str | None
    changes: dict[str, object]
    registry: dict[str, object] | None
    refused: tuple[str, str] | None
    after: Callable[[World], None] | None = field(default=None)


NEW = {
    "code": "TV-MOI",
    "name": "Thư viện xã mới",
    "category": "LIB_COMM",
    "admin_unit": "commune_a",
    "reporting_unit": "unit_a",
    "opened_year": 2024,
    "closed_year": None,
}


def _figures_stay_in_a_2025(w: World) -> None:
    fig = Figures.objects.select_related("submission").get(institution=w.library, year=2025)
    assert fig.submission.reporting_unit == w.province.unit_a
    assert fig.submission.state == SubmissionState.APPROVED and fig.user_visits == 10


CASES = [
    Case(
        "new institution into a unit with an approved year",
        None,
        NEW,
        {
            "kind": RegistryChangeKind.NEW,
            "code": "TV-MOI",
            "name": "Thư viện xã mới",
            "category": "LIB_COMM",
            "admin_unit": "commune_a",
            "year": 2024,
        },
        ("opened_year", A_2025),
    ),
    Case(
        "new institution opened after every settled year",
        None,
        {**NEW, "opened_year": 2026},
        {
            "kind": RegistryChangeKind.NEW,
            "code": "TV-MOI",
            "name": "Thư viện xã mới",
            "category": "LIB_COMM",
            "admin_unit": "commune_a",
            "year": 2026,
        },
        None,
    ),
    Case(
        "move of administrative unit over an approved year",
        "library",
        {"admin_unit": "district_b"},
        {"kind": RegistryChangeKind.MOVE, "admin_unit": "district_b", "year": 2026},
        ("admin_unit", A_2025),
    ),
    Case(
        "closure before a year holding draft figures",
        "library",
        {"closed_year": 2025},
        {"kind": RegistryChangeKind.CLOSE, "year": 2025},
        ("closed_year", A_2026_DRAFT),
    ),
    Case(
        "closure in the last year holding figures",
        "library",
        {"closed_year": 2026},
        {"kind": RegistryChangeKind.CLOSE, "year": 2026},
        None,
    ),
    Case(
        "category change in a locked year",
        "museum",
        {"category": "LIB_COMMUNITY"},
        None,  # the registry offers no change of category
        ("category", LOCKED_2023),
    ),
    Case(
        "harmless rename, in an approved year",
        "library",
        {"name": "Thư viện Pleiku"},
        {"kind": RegistryChangeKind.RENAME, "name": "Thư viện Pleiku", "year": 2025},
        None,
    ),
    Case(
        "move into a unit whose report of a year it is open in is approved",
        "centre",
        {"reporting_unit": "unit_b"},
        {"kind": RegistryChangeKind.MOVE, "target_unit": "unit_b", "year": 2026},
        ("reporting_unit", B_2025),
    ),
    Case(
        "move whose approved year stays with the report holding it",
        "library",
        {"reporting_unit": "unit_b"},
        {"kind": RegistryChangeKind.MOVE, "target_unit": "unit_b", "year": 2026},
        None,
        after=_figures_stay_in_a_2025,
    ),
]

MODEL_OF = {"admin_unit", "reporting_unit", "target_unit"}
COLUMN_OF = {"admin_unit": "admin_unit_code", "reporting_unit": "reporting_unit_code"}


def _object(w: World, name: str, value: object) -> object:
    if name == "category" and isinstance(value, str):
        return category(value)
    if name in MODEL_OF and isinstance(value, str):
        return getattr(w.province, value)
    return value


def _values(w: World, case: Case) -> dict[str, object]:
    """The institution's fields once changed, objects resolved."""
    values: dict[str, object] = {}
    if case.institution is not None:
        inst = getattr(w, case.institution)
        values = {name: getattr(inst, name) for name in NEW}
    values.update(case.changes)
    return {name: _object(w, name, value) for name, value in values.items()}


# An answer: None (accepted), or the refused (field, message) pairs in the
# guard's words: the model's field names, the message as a clause.
Answer = frozenset[tuple[str, str]] | None


def _clause(sentence: str) -> str:
    return sentence[:1].lower() + sentence[1:].removesuffix(".")


def through_admin(w: World, case: Case, administrator, tmp_path) -> Answer:
    values = _values(w, case)
    data = {k: (v.pk if hasattr(v, "pk") else ("" if v is None else v)) for k, v in values.items()}
    if case.institution is None:
        url = reverse("admin:institutions_institution_add")
    else:
        url = reverse(
            "admin:institutions_institution_change", args=[getattr(w, case.institution).pk]
        )
    response = client_for(administrator).post(url, data)
    if response.status_code == 302:
        return None
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    return frozenset((name, _clause(m)) for name, messages in errors.items() for m in messages)


def through_import(w: World, case: Case, administrator, tmp_path) -> Answer:
    values = _values(w, case)
    row = {
        "code": values["code"],
        "name": values["name"],
        "category": values["category"].code,
        "admin_unit_code": values["admin_unit"].code,
        "reporting_unit_code": values["reporting_unit"].code,
        "opened_year": values["opened_year"],
        "closed_year": values["closed_year"] or "",
    }
    path = tmp_path / "thiet_che.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    try:
        call_command("import_institutions", str(path), stdout=io.StringIO())
    except CommandError as exc:
        field_of = {column: name for name, column in COLUMN_OF.items()}
        lines = re.findall(r"^- Dòng 2, cột (\S+): (.*)$", str(exc), re.MULTILINE)
        assert lines, str(exc)
        return frozenset((field_of.get(column, column), message) for column, message in lines)
    return None


def _proposal(w: World, case: Case) -> dict[str, object]:
    assert case.registry is not None
    kwargs = {k: _object(w, k, v) for k, v in case.registry.items()}
    if case.institution is not None:
        kwargs["institution"] = getattr(w, case.institution)
    return kwargs


def through_registry(w: World, case: Case, officer_a, reviewer, monkeypatch, *, at: str) -> Answer:
    """`at` "proposal": the officer proposes (and, accepted, the reviewer
    approves); "approval": the proposal went in before the years were settled
    (the guard let through once), the reviewer approves now."""
    kwargs = _proposal(w, case)
    year_field = "opened_year" if case.registry["kind"] == RegistryChangeKind.NEW else "closed_year"
    field_of = {"year": year_field, "target_unit": "reporting_unit"}
    try:
        if at == "approval":
            with monkeypatch.context() as m:
                m.setattr(registry, "institution_change_problems", lambda changes: {})
                change = registry_change_propose(
                    user=officer_a, reporting_unit=w.province.unit_a, **kwargs
                )
        else:
            change = registry_change_propose(
                user=officer_a, reporting_unit=w.province.unit_a, **kwargs
            )
        registry_change_approve(change=change, user=reviewer)
    except ValidationError as exc:
        if at == "approval":
            change.refresh_from_db()
            assert change.state == RegistryChangeState.PENDING
        return frozenset(
            (field_of.get(name, name), _clause(m))
            for name, messages in exc.message_dict.items()
            for m in messages
        )
    assert RegistryChange.objects.get(pk=change.pk).state == RegistryChangeState.APPROVED
    return None


def _stored() -> tuple[list[tuple], list[tuple]]:
    return (
        list(Institution.objects.order_by("pk").values_list()),
        list(Figures.objects.order_by("pk").values_list()),
    )


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_same_change_gets_the_same_answer_through_every_path(
    case, world, administrator, officer_a, reviewer, monkeypatch, tmp_path
):
    paths: dict[str, Callable[[], Answer]] = {
        "admin": lambda: through_admin(world, case, administrator, tmp_path),
        "import": lambda: through_import(world, case, administrator, tmp_path),
    }
    if case.registry is not None:
        for at in ("proposal", "approval"):
            paths[f"registry {at}"] = lambda at=at: through_registry(
                world, case, officer_a, reviewer, monkeypatch, at=at
            )
    answers: dict[str, Answer] = {}
    for name, path in paths.items():
        before = _stored()
        # Each path starts from the same world: what an accepted one saved is undone.
        with transaction.atomic():
            answers[name] = path()
            if answers[name] is None:
                assert _stored() != before or case.changes == {}, name
                if case.after is not None:
                    case.after(world)
            else:
                assert _stored() == before, f"{name} saved something it refused"
            transaction.set_rollback(True)

    assert len(set(answers.values())) == 1, answers
    answer = next(iter(answers.values()))
    if case.refused is None:
        assert answer is None
    else:
        refused_field, report = case.refused
        assert answer is not None and len(answer) == 1, answer
        ((name, message),) = answer
        assert name == refused_field and report in message, message


def test_the_rule_costs_the_same_queries_for_one_change_or_many(world):
    """The import asks per chunk of 2,000 rows: a fixed number of queries per
    batch, whatever the number of institutions."""

    def changes(n: int) -> list[InstitutionChange]:
        out = []
        for i in range(n):
            new = Institution(
                code=f"N{i}",
                category=world.library.category,
                admin_unit=world.province.district_a,
                reporting_unit=world.province.unit_a,
                opened_year=2024,
            )
            out.append(InstitutionChange(None, new))
        for inst in (world.library, world.museum, world.centre):
            moved = Institution.objects.get(pk=inst.pk)
            moved.reporting_unit = world.province.unit_b
            moved.closed_year = 2025
            out.append(InstitutionChange(Institution.objects.get(pk=inst.pk), moved))
        return out

    small, large = changes(1), changes(200)
    counts = []
    for batch in (small, large):
        with CaptureQueriesContext(transaction.get_connection()) as queries:
            problems = institution_change_problems(batch)
        counts.append(len(queries))
        assert len(problems) == len(batch)
    assert counts == [3, 3]
    # Nothing watched changes (a rename, a row imported again as it stands): no query.
    renamed = Institution.objects.get(pk=world.library.pk)
    renamed.name = "Thư viện Pleiku"
    with CaptureQueriesContext(transaction.get_connection()) as queries:
        assert institution_change_problems([InstitutionChange(world.library, renamed)]) == {}
    assert len(queries) == 0
