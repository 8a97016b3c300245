"""Each submission keeps how many institutions it holds figures for and how
many of them are complete (indicators/submission_counts.py): the review
queue's expected counts and the freshness score read them. They follow every
kind of write: an officer's save, a partial save, figures moved to another
unit's report or deleted, an institution changing category (which changes
what it must answer). `tests/attainment/test_summary_property.py` checks them
against the figures after random writes too."""

from __future__ import annotations

import pytest

from indicators import selectors, services
from indicators.models import Figures, Submission
from tests.factories import category
from tests.figures.conftest import complete_rows

pytestmark = pytest.mark.django_db


def counts(submission: Submission) -> tuple[int, int]:
    submission.refresh_from_db()
    return submission.figures_count, submission.complete_count


def test_an_officers_saves_keep_the_counts(year, officer_a) -> None:
    sub = year.submission_a
    assert counts(sub) == (0, 0)
    rows = complete_rows(year)
    del rows[year.museum.pk]["total_visitors"]  # a required answer left out
    services.figures_save(submission=sub, user=officer_a, rows=rows, version=sub.version)
    assert counts(sub) == (3, 2)

    services.figures_save(
        submission=sub,
        user=officer_a,
        rows={year.museum.pk: {"total_visitors": "1000"}},
        version=Submission.objects.get(pk=sub.pk).version,
    )
    assert counts(sub) == (3, 3)


def test_a_change_of_category_recounts_what_is_complete(year, officer_a) -> None:
    sub = year.submission_a
    services.figures_save(
        submission=sub, user=officer_a, rows=complete_rows(year), version=sub.version
    )
    assert counts(sub) == (3, 3)
    # A library's answers do not answer what a museum must.
    year.library.category = category("MUS")
    year.library.save()
    assert counts(sub) == (3, 2)


def test_figures_moved_or_deleted_leave_both_reports_counted(province, year, officer_a) -> None:
    sub = year.submission_a
    services.figures_save(
        submission=sub, user=officer_a, rows=complete_rows(year), version=sub.version
    )
    other = Submission.objects.create(reporting_unit=province.unit_b, period=year.period)
    Figures.objects.filter(institution=year.library, year=2025).update(submission=other)
    assert counts(sub) == (2, 2)
    assert counts(other) == (1, 1)

    Figures.objects.filter(submission=sub).delete()
    assert counts(sub) == (0, 0)
    assert counts(other) == (1, 1)


def test_the_review_queue_counts_the_kept_figures(province, year, officer_a) -> None:
    """A unit that holds figures for more institutions than it has open (those
    it reported before they moved) is expected with the larger count."""
    sub = year.submission_a
    services.figures_save(
        submission=sub, user=officer_a, rows=complete_rows(year), version=sub.version
    )
    expected = {u.pk: u.institution_count for u in selectors.expected_reporting_units(2025)}
    assert expected[province.unit_a.pk] == 3
    # Unit B's one library moves to unit A: A has 4 open, B still its report's 0.
    year.library_b.reporting_unit = province.unit_a
    year.library_b.save()
    b_report = Submission.objects.create(reporting_unit=province.unit_b, period=year.period)
    Figures.objects.filter(institution=year.library, year=2025).update(submission=b_report)
    expected = {u.pk: u.institution_count for u in selectors.expected_reporting_units(2025)}
    assert expected[province.unit_a.pk] == 4  # open institutions: more than its 2 figures
    assert expected[province.unit_b.pk] == 1  # no open institution, one figure held
