"""Every way figures, submissions and institutions are written keeps the
precomputed attainment exact, in the write's own transaction: the services
(entry page, file import, submit / approve / return, the institutions import),
every ORM path (institutions/changes.py), and nothing writes those tables in
raw SQL behind the watchers' back."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction

from indicators import services, summary
from indicators.models import AttainmentCell, Figures, Submission, SubmissionState
from institutions.importing import SourceRow
from institutions.models import Institution
from institutions.services.institution_import import institutions_import
from reports.selectors import attainment_rows, attainment_table
from tests.factories import InstitutionFactory, ReportingPeriodFactory, UserFactory, category

pytestmark = pytest.mark.django_db


def cells_now() -> list[tuple]:
    fields = [f.attname for f in AttainmentCell._meta.concrete_fields if f.name != "id"]
    return sorted(AttainmentCell.objects.values_list(*fields), key=repr)


def assert_exact(province, year: int = 2025) -> None:
    """The kept summary is what a full rebuild gives, and the engine reads the
    same rows from it as live."""
    kept = cells_now()
    summary.rebuild()
    assert cells_now() == kept
    assert attainment_rows(year=year, source="summary") == attainment_rows(year=year, source="live")
    units = [province.district_a, province.district_b]
    assert attainment_table(year=year, units=units, source="summary") == attainment_table(
        year=year, units=units, source="live"
    )


@pytest.fixture
def reviewer_user(db):
    return UserFactory(username="reviewer_s", roles=["reviewer"])


def test_the_services_keep_the_summary_exact(province, plan) -> None:
    ReportingPeriodFactory(year=2024)
    period = ReportingPeriodFactory(year=2025)
    library = InstitutionFactory(
        code="TV-1",
        category=category("LIB_COMM"),
        admin_unit=province.commune_a,
        reporting_unit=province.unit_a,
    )
    InstitutionFactory(
        code="TV-2",
        category=category("LIB_COMM"),
        admin_unit=province.commune_b,
        reporting_unit=province.unit_a,
    )
    sub = services.submission_open(reporting_unit=province.unit_a, period=period, user=None)
    assert_exact(province)
    values = {
        "lll_services": "có",
        "digital_transformation": "không",
        "user_visits": "120",
        "participants": "40",
    }
    services.figures_save(submission=sub, user=None, rows={library.pk: values})
    assert_exact(province)
    services.figures_import(
        rows=[services.ImportRow("TV-2", {**values, "lll_services": "không"})],
        year=2025,
        user=None,
    )
    assert_exact(province)
    sub.refresh_from_db()
    services.submission_submit(submission=sub, user=None)
    assert_exact(province)
    services.submission_approve(submission=sub, user=None)
    assert AttainmentCell.objects.filter(state=SubmissionState.APPROVED).exists()
    assert_exact(province)
    services.submission_return(submission=sub, user=None, reason="Kiểm tra lại")
    assert not AttainmentCell.objects.filter(kind=AttainmentCell.Kind.FIGURES).exists()
    assert_exact(province)


def test_the_institutions_import_moves_and_closes_institutions_exactly(province, plan) -> None:
    period = ReportingPeriodFactory(year=2025)
    library = InstitutionFactory(
        code="TV-1",
        category=category("LIB_COMM"),
        admin_unit=province.commune_a,
        reporting_unit=province.unit_a,
    )
    # Sent, not approved: an approved year would refuse the move (approved stays approved).
    sub = Submission.objects.create(
        reporting_unit=province.unit_a, period=period, state=SubmissionState.SUBMITTED
    )
    Figures.objects.create(institution=library, year=2025, submission=sub, lll_services=True)
    row = {
        "code": "TV-1",
        "name": "Thư viện",
        "category": "LIB_COMM",
        "admin_unit_code": province.commune_b.code,
        "reporting_unit_code": province.unit_b.code,
        "opened_year": "2010",
        "closed_year": "",
    }
    institutions_import(rows=[SourceRow(line=2, values=row)])
    library.refresh_from_db()
    assert library.admin_unit == province.commune_b
    assert_exact(province)
    # Closed before the year of its figures: refused (they would be a closed
    # institution's), the summary as it was; closed in that year: exact.
    kept = cells_now()
    with pytest.raises(ValidationError, match="cột closed_year"):
        institutions_import(rows=[SourceRow(line=2, values={**row, "closed_year": "2024"})])
    assert cells_now() == kept
    institutions_import(rows=[SourceRow(line=2, values={**row, "closed_year": "2025"})])
    assert_exact(province)
    # One without figures closed before 2025 leaves the 2025 denominators.
    InstitutionFactory(
        code="TV-2",
        category=category("LIB_COMM"),
        admin_unit=province.commune_a,
        reporting_unit=province.unit_a,
    )
    assert_exact(province)
    closed = {**row, "code": "TV-2", "admin_unit_code": province.commune_a.code}
    closed.update(reporting_unit_code=province.unit_a.code, closed_year="2024")
    institutions_import(rows=[SourceRow(line=2, values=closed)])
    assert Institution.objects.get(code="TV-2").closed_year == 2024
    assert_exact(province)


def test_the_institutions_import_by_chunks_keeps_the_summary_exact(
    province, plan, settings, tmp_path
) -> None:
    """import_institutions one row at a time: a new library, a move of an
    existing one (its figures counted where they are) and a closure, each in
    its own chunk, and a refused file that rolls its first chunks back."""
    settings.IMPORT_CHUNK_ROWS = 1
    period = ReportingPeriodFactory(year=2025)
    library = InstitutionFactory(
        code="TV-1",
        category=category("LIB_COMM"),
        admin_unit=province.commune_a,
        reporting_unit=province.unit_a,
    )
    InstitutionFactory(
        code="TV-2",
        category=category("LIB_COMM"),
        admin_unit=province.commune_a,
        reporting_unit=province.unit_a,
    )
    sub = Submission.objects.create(
        reporting_unit=province.unit_a, period=period, state=SubmissionState.SUBMITTED
    )
    Figures.objects.create(institution=library, year=2025, submission=sub, lll_services=True)
    a, b = province.commune_a.code, province.commune_b.code
    ua, ub = province.unit_a.code, province.unit_b.code
    header = "code,name,category,admin_unit_code,reporting_unit_code,opened_year,closed_year\n"
    path = tmp_path / "thiet_che.csv"
    path.write_text(
        header + f"TV-3,Thư viện mới,LIB_COMM,{b},{ub},2020,\n"
        f"TV-1,Thư viện,LIB_COMM,{b},{ub},2010,\n"
        f"TV-2,Thư viện,LIB_COMM,{a},{ua},2010,2024\n",
        encoding="utf-8",
    )
    call_command("import_institutions", str(path), stdout=io.StringIO())
    assert Institution.objects.get(code="TV-1").admin_unit == province.commune_b
    assert Institution.objects.get(code="TV-2").closed_year == 2024
    assert_exact(province)
    kept = cells_now()
    path.write_text(
        header + f"TV-4,Thư viện,LIB_COMM,{b},{ub},2020,\nTV-5,Thư viện,XYZ,{b},{ub},2020,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError):
        call_command("import_institutions", str(path))
    assert cells_now() == kept


def test_a_failed_write_leaves_the_summary_as_it_was(province, plan) -> None:
    period = ReportingPeriodFactory(year=2025)
    library = InstitutionFactory(
        category=category("LIB_COMM"), admin_unit=province.commune_a, reporting_unit=province.unit_a
    )
    sub = Submission.objects.create(
        reporting_unit=province.unit_a, period=period, state=SubmissionState.APPROVED
    )
    Figures.objects.create(institution=library, year=2025, submission=sub, lll_services=True)
    before = cells_now()
    with pytest.raises(RuntimeError), transaction.atomic():
        Submission.objects.filter(pk=sub.pk).update(state=SubmissionState.RETURNED)
        assert cells_now() != before  # refreshed inside the transaction …
        raise RuntimeError
    assert cells_now() == before  # … and rolled back with it


def test_rebuild_attainment_rebuilds_the_whole_table(province, plan) -> None:
    period = ReportingPeriodFactory(year=2025)
    library = InstitutionFactory(
        category=category("LIB_COMM"), admin_unit=province.commune_a, reporting_unit=province.unit_a
    )
    sub = Submission.objects.create(
        reporting_unit=province.unit_a, period=period, state=SubmissionState.APPROVED
    )
    Figures.objects.create(institution=library, year=2025, submission=sub, lll_services=True)
    kept = cells_now()
    AttainmentCell.objects.all().delete()
    call_command("rebuild_attainment", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert cells_now() == kept and kept


# Writes that bypass the ORM (raw SQL) are invisible to the watchers: only the
# summary itself (and its rebuild command) may use them.
RAW_SQL = re.compile(r"\.cursor\(|\.raw\(|RunSQL\(|\.execute\(|\.extra\(")
ALLOWED = {
    "indicators/summary.py",
    "institutions/importing.py",  # ANALYZE after a bulk write: statistics, no rows
    "gialai_lifelong/health.py",  # SELECT 1: reads, writes nothing
    "reports/page_cache.py",  # writes only the data version, its own table
    "reports/selectors/summary.py",  # rolls the summary up: reads, writes nothing
}


def test_no_module_writes_the_base_tables_in_raw_sql() -> None:
    root = Path(settings.BASE_DIR)
    found = {
        str(path.relative_to(root))
        for app in ("institutions", "indicators", "reports", "demo", "gialai_lifelong")
        for path in (root / app).rglob("*.py")
        if RAW_SQL.search(path.read_text(encoding="utf-8"))
    }
    assert found <= ALLOWED


def test_every_watched_model_uses_the_watched_queryset() -> None:
    from institutions.changes import WatchedModel, WatchedQuerySet

    for model in (Institution, Submission, Figures):
        assert issubclass(model, WatchedModel)
        assert isinstance(model.objects.all(), WatchedQuerySet)
        assert isinstance(model._default_manager.all(), WatchedQuerySet)
