"""Issue 10, item 7: approved stays approved. Moving, closing or editing an
institution (admin or import_institutions) never changes an approved report's
figures nor the attainment computed for its year: a move leaves the figures in
the report that holds them; a change that would alter an approved year is
refused, naming the report."""

from __future__ import annotations

import csv

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from indicators import selectors, services
from indicators.models import Figures, SubmissionState
from indicators.services import FiguresInvalid
from indicators.validation import values_of
from institutions.importing import SourceRow
from institutions.models import Institution
from institutions.services import institutions_import
from reports.selectors import attainment_rows
from tests.conftest import client_for
from tests.figures.conftest import complete_rows

pytestmark = pytest.mark.django_db

APPROVED_BY = "báo cáo năm 2025 của UBND Thành phố Pleiku (đã duyệt)"


@pytest.fixture
def approved(year, officer_a, reviewer):
    """Unit A's 2025 report, complete and approved."""
    sub = year.submission_a
    services.figures_save(
        submission=sub, user=officer_a, rows=complete_rows(year), version=sub.version
    )
    services.submission_submit(submission=sub, user=officer_a, version=sub.version)
    services.submission_approve(submission=sub, user=reviewer, version=sub.version)
    assert sub.state == SubmissionState.APPROVED
    return sub


def picture(year, province):
    """What an approved report is: its figures, and the attainment of its area."""
    figures = {
        f.institution_id: values_of(f) for f in Figures.objects.filter(submission=year.submission_a)
    }
    rows = attainment_rows(year=2025, unit=province.district_a, approved_only=True)
    whole = attainment_rows(year=2025, approved_only=True)
    return figures, rows, whole


def admin_post(administrator, inst: Institution, **changes):
    data = {
        "code": inst.code,
        "name": inst.name,
        "category": inst.category_id,
        "admin_unit": inst.admin_unit_id,
        "reporting_unit": inst.reporting_unit_id,
        "opened_year": inst.opened_year,
        "closed_year": inst.closed_year or "",
        **changes,
    }
    return client_for(administrator).post(
        reverse("admin:institutions_institution_change", args=[inst.pk]), data
    )


def import_row(inst: Institution, **changes: str) -> SourceRow:
    values = {
        "code": inst.code,
        "name": inst.name,
        "category": inst.category.code,
        "admin_unit_code": inst.admin_unit.code,
        "reporting_unit_code": inst.reporting_unit.code,
        "opened_year": str(inst.opened_year),
        "closed_year": str(inst.closed_year or ""),
        **changes,
    }
    return SourceRow(line=2, values=values)


@pytest.mark.parametrize("path", ["admin", "import"])
def test_moving_an_institution_to_another_unit_leaves_the_approved_report_as_it_was(
    approved, year, province, administrator, officer_b, path
):
    before = picture(year, province)
    if path == "admin":
        assert (
            admin_post(administrator, year.library, reporting_unit=province.unit_b.pk).status_code
            == 302
        )
    else:
        institutions_import(rows=[import_row(year.library, reporting_unit_code="UBND-623")])
    year.library.refresh_from_db()
    assert year.library.reporting_unit == province.unit_b  # the move applies...

    # ...but the 2025 figures stay in unit A's approved report, counted as before.
    assert picture(year, province) == before
    sub_b = services.submission_open(
        reporting_unit=province.unit_b, period=year.period, user=officer_b
    )
    assert year.library not in selectors.institutions_for_submission(sub_b)
    with pytest.raises(FiguresInvalid) as exc:
        services.figures_save(
            submission=sub_b,
            user=officer_b,
            rows={year.library.pk: {"user_visits": "9999"}},
            version=sub_b.version,
        )
    assert "UBND Thành phố Pleiku" in exc.value.problems[0].message
    assert picture(year, province) == before


def test_closing_an_institution_before_its_approved_year_is_refused_naming_the_report(
    approved, year, province, administrator
):
    before = picture(year, province)
    response = admin_post(administrator, year.library, closed_year=2024)
    assert response.status_code == 200
    assert APPROVED_BY in response.content.decode()
    year.library.refresh_from_db()
    assert year.library.closed_year is None
    assert picture(year, province) == before


def test_closing_it_from_the_approved_year_on_is_accepted(approved, year, province, administrator):
    before = picture(year, province)
    assert admin_post(administrator, year.library, closed_year=2025).status_code == 302
    assert picture(year, province) == before


def test_an_import_that_would_move_an_institution_out_of_an_approved_area_is_refused(
    approved, year, province
):
    before = picture(year, province)
    with pytest.raises(ValidationError) as exc:
        institutions_import(rows=[import_row(year.library, admin_unit_code="623")])
    (message,) = exc.value.messages
    assert message.startswith("Dòng 2, cột admin_unit_code:") and APPROVED_BY in message
    year.library.refresh_from_db()
    assert year.library.admin_unit == province.district_a
    assert picture(year, province) == before


def test_the_command_by_chunks_refuses_it_in_a_later_chunk_and_saves_nothing(
    approved, year, province, settings, tmp_path
):
    settings.IMPORT_CHUNK_ROWS = 1
    before = picture(year, province)
    rows = [
        import_row(year.library, code="TV-MOI", name="Thư viện mới"),  # chunk 1: saved
        import_row(year.library, admin_unit_code="623"),  # chunk 2: out of the approved area
    ]
    path = tmp_path / "thiet_che.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0].values))
        writer.writeheader()
        writer.writerows(r.values for r in rows)
    with pytest.raises(CommandError) as exc:
        call_command("import_institutions", str(path))
    assert "Dòng 3, cột admin_unit_code:" in str(exc.value) and APPROVED_BY in str(exc.value)
    assert not Institution.objects.filter(code="TV-MOI").exists()
    year.library.refresh_from_db()
    assert year.library.admin_unit == province.district_a
    assert picture(year, province) == before


def test_a_rename_of_an_approved_institution_is_accepted_and_kept(approved, year, province):
    before = picture(year, province)
    institutions_import(rows=[import_row(year.library, name="Thư viện Pleiku")])
    year.library.refresh_from_db()
    assert year.library.name == "Thư viện Pleiku"
    assert picture(year, province) == before


def test_before_approval_the_change_is_free(year, province, administrator):
    assert admin_post(administrator, year.library, closed_year=2024).status_code == 302
