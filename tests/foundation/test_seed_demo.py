"""seed_demo: a realistic, deterministic demonstration province."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import F
from django.test import RequestFactory

from demo.models import DemoMarker
from demo.province import DEMO_PASSWORD
from indicators.fields import FIELDS
from indicators.models import Activity, Figures, Submission, SubmissionEvent, SubmissionState
from institutions.models import Institution, ReportingUnitKind
from institutions.roles import Role, reporting_units_for_user

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def _fresh_planner_statistics(django_db_setup, django_db_blocker) -> None:
    """On PostgreSQL, vacuum and analyse once before these tests, outside any
    test's transaction. Hundreds of earlier tests each rolled back their rows;
    with autovacuum off (as on this machine's server) the dead rows stay, and the
    planner's nested loops over them turned seed_demo's summary refreshes from
    seconds into minutes. A production server keeps autovacuum on (README)."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")


@pytest.fixture(autouse=True)
def _debug_on(settings) -> None:
    # As bin/demo runs it; with DEBUG off seed_demo wants --force (tested below).
    settings.DEBUG = True


def _login(username: str):
    # django-axes checks every sign-in against the request's address.
    return authenticate(
        RequestFactory().post("/accounts/login/"), username=username, password=DEMO_PASSWORD
    )


def _seed(*args: str, reports: bool = False) -> str:
    """seed_demo; without issuing the 2023-2025 reports unless `reports`
    (issuing builds six files: tested once, below)."""
    out = StringIO()
    call_command("seed_demo", *args, *([] if reports else ["--no-reports"]), stdout=out)
    return out.getvalue()


def _state() -> dict[str, object]:
    return {
        "institutions": sorted(
            Institution.objects.values_list(
                "code",
                "name",
                "category__code",
                "admin_unit_id",
                "reporting_unit__code",
                "opened_year",
                "closed_year",
            )
        ),
        "figures": sorted(
            Figures.objects.values_list(
                "institution__code",
                "year",
                "submission__reporting_unit__code",
                *[f.code for f in FIELDS],
            )
        ),
        "submissions": sorted(
            Submission.objects.values_list(
                "reporting_unit__code", "period__year", "state", "submitted_at", "return_reason"
            )
        ),
        "events": SubmissionEvent.objects.count(),
        "activities": Activity.objects.count(),
        "users": sorted(get_user_model().objects.values_list("username", flat=True)),
    }


def test_seed_demo_refuses_without_reference_data() -> None:
    with pytest.raises(CommandError, match="load_reference"):
        _seed()


def test_seed_demo_twice_leaves_the_same_data(reference) -> None:
    _seed()
    first = _state()
    _seed()
    assert _state() == first
    assert len(first["institutions"]) > 500


def test_the_demo_province_looks_real_and_keeps_the_rules(reference) -> None:
    _seed()
    by_category = {
        code: Institution.objects.filter(category__code=code) for code in ("LIB_DIST", "CC_DIST")
    }
    assert Institution.objects.get(code="TV-TINH").name == "Thư viện tỉnh Gia Lai"
    assert Institution.objects.get(code="BT-TINH").name == "Bảo tàng tỉnh Gia Lai"
    for qs in by_category.values():
        # One per old district, closed with the district level.
        assert qs.count() == 17
        assert set(qs.values_list("closed_year", flat=True)) == {2025}
        # Their district committees ended on 30/06/2025, before the 2025 deadline:
        # the Department reports their last year.
        assert set(qs.values_list("reporting_unit__code", flat=True)) == {"SVHTTDL"}
    communes_with_library = (
        Institution.objects.filter(category__code="LIB_COMM", admin_unit__valid_to__isnull=False)
        .values("admin_unit")
        .distinct()
        .count()
    )
    assert 0.4 * 218 <= communes_with_library <= 0.65 * 218
    assert set(
        Institution.objects.filter(category__code="LIB_EDU").values_list(
            "reporting_unit__code", flat=True
        )
    ) == {"SGDDT"}
    # Commune-level institutions still open report to the new commune committee.
    open_commune_level = Institution.objects.filter(
        category__code__in=["LIB_COMM", "CC_COMM", "CC_VILL"], closed_year__isnull=True
    )
    assert not open_commune_level.exclude(
        reporting_unit__kind=ReportingUnitKind.COMMUNE_COMMITTEE
    ).exists()

    # Fields that do not apply stay null; yes/no that apply are answered.
    for figures in Figures.objects.select_related("institution__category"):
        category = figures.institution.category.code
        for spec in FIELDS:
            value = getattr(figures, spec.code)
            if spec.code == "note":
                continue
            if spec.applies_to(category):
                assert value is not None, (figures, spec.code)
            else:
                assert value is None, (figures, spec.code)
    assert not Figures.objects.filter(study_visitors__gt=F("total_visitors")).exists()

    states_2026 = set(Submission.objects.filter(period__year=2026).values_list("state", flat=True))
    assert states_2026 == set(SubmissionState.values)
    returned = Submission.objects.get(period__year=2026, state=SubmissionState.RETURNED)
    assert returned.return_reason
    assert (
        not Submission.objects.filter(period__year__lt=2026)
        .exclude(state=SubmissionState.APPROVED)
        .exists()
    )
    # 2023-2024 through the district committees, 2025 through the new communes.
    kinds = set(
        Submission.objects.filter(period__year=2024).values_list("reporting_unit__kind", flat=True)
    )
    assert ReportingUnitKind.COMMUNE_COMMITTEE not in kinds
    assert ReportingUnitKind.DISTRICT_COMMITTEE not in set(
        Submission.objects.filter(period__year=2025).values_list("reporting_unit__kind", flat=True)
    )
    assert Activity.objects.values("task_group").distinct().count() == 5


def test_demo_accounts_log_in_and_see_their_scope(reference) -> None:
    _seed()
    officer = _login("canbo_pleiku")
    assert officer is not None
    assert [u.code for u in reporting_units_for_user(officer)] == ["UBND-23575"]
    assert Institution.objects.filter(reporting_unit__code="UBND-23575").count() >= 5
    sector = _login("sogddt")
    assert [u.code for u in reporting_units_for_user(sector)] == ["SGDDT"]
    admin = _login("admin")
    assert admin.is_staff and admin.groups.filter(name=Role.ADMINISTRATOR).exists()
    assert _login("sovhttdl").groups.filter(name=Role.PROVINCIAL_REVIEWER).exists()


def test_scale_multiplies_the_commune_level_institutions(reference) -> None:
    # Each scale on an empty portal: over the scale-1 demo, the scale-2 villages
    # would open years ago in units whose 2023-2025 reports are approved, which
    # the approved-stays-approved rule refuses (indicators.services.settled).
    with transaction.atomic():
        _seed()
        single = Institution.objects.filter(category__code="CC_VILL").count()
        transaction.set_rollback(True)
    assert not Institution.objects.exists()
    _seed("--scale", "2")
    assert Institution.objects.filter(category__code="CC_VILL").count() == 2 * single
    assert Institution.objects.filter(category__code="LIB_DIST").count() == 17


def test_the_demo_expects_district_committees_until_2024_and_communes_from_2025(
    reference,
) -> None:
    from indicators.selectors import expected_reporting_units

    _seed()

    def district_committees(year: int) -> set[str]:
        codes = {u.code for u in expected_reporting_units(year)}
        return {c for c in codes if c.startswith("UBND-6")}

    # 17 district committees sent 2023 and 2024; by 05/12/2025 they no longer existed.
    assert len(district_committees(2023)) == 17
    assert len(district_committees(2024)) == 17
    assert district_committees(2025) == set()
    expected_2025 = {u.code for u in expected_reporting_units(2025)}
    assert "SVHTTDL" in expected_2025
    assert any(c.startswith("UBND-2") for c in expected_2025)


def test_the_demo_history_holds_the_issued_2023_2025_reports(reference, tmp_path, settings) -> None:
    from indicators.models import PeriodState, ReportingPeriod
    from reports.models import IssuedReport

    settings.REPORT_SIGNING_P12 = str(tmp_path / "demo.p12")
    settings.REPORT_SIGNING_PASSPHRASE = "hoctap-gialai-2026"
    _seed(reports=True)
    issued = {r.period.year: r for r in IssuedReport.objects.select_related("period")}
    assert sorted(issued) == [2023, 2024, 2025]
    for year, report in issued.items():
        assert ReportingPeriod.objects.get(year=year).state == PeriodState.LOCKED
        assert report.signed_by and report.file("pdf").startswith(b"%PDF")
    assert ReportingPeriod.objects.get(year=2026).state == PeriodState.OPEN
    first = {y: r.pdf_sha256 for y, r in issued.items()}
    _seed(reports=True)  # a second run keeps what was issued
    assert {r.period.year: r.pdf_sha256 for r in IssuedReport.objects.all()} == first


def test_seed_demo_refuses_a_portal_holding_real_data(reference) -> None:
    from tests.factories import UserFactory

    UserFactory(username="admin", password="mat-khau-that-cua-so")
    with pytest.raises(CommandError, match="không phải tỉnh minh họa") as refused:
        _seed()
    assert "1 tài khoản" in str(refused.value)
    assert "--reset-demo" in str(refused.value)
    # Nothing written: the real admin keeps its password, no demo institution.
    assert not Institution.objects.filter(code="TV-TINH").exists()
    assert _login("admin") is None
    assert not DemoMarker.objects.exists()


def test_reset_demo_says_what_it_overwrites_then_seeds(reference) -> None:
    from tests.factories import UserFactory

    UserFactory(username="admin", password="mat-khau-that-cua-so")
    UserFactory(username="mot_nguoi_that")
    output = _seed("--reset-demo")
    assert "--reset-demo: ghi đè" in output
    assert "2 tài khoản" in output
    assert "mật khẩu của admin bị đặt lại" in output
    assert _login("admin") is not None
    assert DemoMarker.objects.exists()
    # Now a demo database: a plain re-run (bin/demo again) is allowed.
    assert "ghi đè" not in _seed()


def test_seed_demo_runs_again_on_a_demo_database_made_before_the_marker(reference) -> None:
    _seed()
    DemoMarker.objects.all().delete()  # a demo database from before the marker
    _seed()
    assert DemoMarker.objects.exists()


def test_seed_demo_refuses_with_debug_off_unless_forced(reference, settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG tắt"):
        _seed()
    assert not get_user_model().objects.exists()
    _seed("--force")
    assert Institution.objects.filter(code="TV-TINH").exists()


def test_every_sent_demo_report_passes_the_portals_own_submit_check(reference) -> None:
    # A report the demo shows as sent (or returned, or approved) could have been
    # sent through the portal: every answer given, every change of more than
    # threefold from last year explained (officer B's returned report included).
    from indicators.validation import submit_problems, values_of

    _seed()
    figures = {
        (f.institution_id, f.year): f
        for f in Figures.objects.select_related("institution__category", "submission")
    }
    sent = [f for f in figures.values() if f.submission.state != SubmissionState.DRAFT]
    assert sent
    refused = []
    for f in sent:
        before = figures.get((f.institution_id, f.year - 1))
        problems = submit_problems(
            f.institution.category.code,
            values_of(f),
            last_year=values_of(before) if before else None,
            change_comment=f.change_comment,
        )
        if problems:
            refused.append((f.submission.reporting_unit.code, f.year, f.institution.code, problems))
    assert not refused, refused[:5]


def test_the_demo_load_ends_with_a_full_rebuild_of_the_precomputed_attainment(reference) -> None:
    from indicators.models import AttainmentCell, AttainmentRebuild

    _seed()
    last = AttainmentRebuild.objects.first()
    assert last is not None and last.cells == AttainmentCell.objects.count() > 0
