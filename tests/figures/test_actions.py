"""What each user may do with a submission, as one rule: selectors.submission_actions
decides, the entry page shows exactly those buttons, and the services refuse the rest."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators import services
from indicators.models import PeriodState, SubmissionState
from indicators.selectors import submission_actions
from tests.conftest import client_for
from tests.figures.conftest import complete_rows

pytestmark = pytest.mark.django_db

STATES = [
    SubmissionState.DRAFT,
    SubmissionState.SUBMITTED,
    SubmissionState.RETURNED,
    SubmissionState.APPROVED,
]

# (edit, submit, review, approve, send_back) by persona and state, in an open year.
EXPECTED = {
    ("officer_a", SubmissionState.DRAFT): (True, True, False, False, False),
    ("officer_a", SubmissionState.SUBMITTED): (False, False, False, False, False),
    ("officer_a", SubmissionState.RETURNED): (True, True, False, False, False),
    ("officer_a", SubmissionState.APPROVED): (False, False, False, False, False),
    ("officer_b", SubmissionState.DRAFT): (False, False, False, False, False),
    ("reviewer", SubmissionState.DRAFT): (False, False, True, False, False),
    ("reviewer", SubmissionState.SUBMITTED): (False, False, True, True, True),
    ("reviewer", SubmissionState.RETURNED): (False, False, True, False, False),
    ("reviewer", SubmissionState.APPROVED): (False, False, True, False, True),
}


def _put_in(submission, state):
    submission.state = state
    submission.save(update_fields=["state"])


@pytest.mark.parametrize(("persona", "state"), list(EXPECTED))
def test_actions_follow_role_and_state(request, year, persona, state):
    user = request.getfixturevalue(persona)
    _put_in(year.submission_a, state)
    actions = submission_actions(user, year.submission_a)
    assert (
        actions.edit,
        actions.submit,
        actions.review,
        actions.approve,
        actions.send_back,
    ) == EXPECTED[(persona, state)]


@pytest.mark.parametrize("state", STATES)
def test_nobody_acts_in_a_locked_year(year, officer_a, reviewer, state):
    _put_in(year.submission_a, state)
    year.period.state = PeriodState.LOCKED
    year.period.save(update_fields=["state"])
    for user in (officer_a, reviewer):
        actions = submission_actions(user, year.submission_a)
        assert not (actions.edit or actions.submit or actions.review)
        assert not actions.any_review_step


def test_services_refuse_what_the_actions_hide(year, reviewer, officer_a):
    """The page and the service agree: a reviewer cannot approve a draft, nor an
    officer submit a report already sent."""
    assert not submission_actions(reviewer, year.submission_a).approve
    with pytest.raises(ValidationError):
        services.submission_approve(submission=year.submission_a, user=reviewer)
    services.figures_save(submission=year.submission_a, user=officer_a, rows=complete_rows(year))
    services.submission_submit(submission=year.submission_a, user=officer_a)
    assert not submission_actions(officer_a, year.submission_a).submit
    with pytest.raises(ValidationError):
        services.submission_submit(submission=year.submission_a, user=officer_a)


def _page(user, submission) -> str:
    response = client_for(user).get(reverse("indicators:submission", args=[submission.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_page_shows_only_the_allowed_buttons(year, officer_a, reviewer):
    page = _page(officer_a, year.submission_a)
    assert 'name="submit"' in page and 'name="approve"' not in page

    services.figures_save(submission=year.submission_a, user=officer_a, rows=complete_rows(year))
    services.submission_submit(submission=year.submission_a, user=officer_a)
    page = _page(officer_a, year.submission_a)
    assert 'name="submit"' not in page and 'name="save"' not in page
    assert "chỉ xem" in page
    page = _page(reviewer, year.submission_a)
    assert 'name="approve"' in page and 'name="return"' in page

    services.submission_approve(submission=year.submission_a, user=reviewer)
    page = _page(reviewer, year.submission_a)
    assert 'name="approve"' not in page and 'name="return"' in page
    assert 'data-badge-state="approved"' in page
