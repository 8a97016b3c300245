"""A report sent again: the reviewer sees what changed since the last version
sent or approved, per institution and field, and the queue counts it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from indicators import services
from indicators.changes import change_counts, changes_since_review
from tests.conftest import client_for
from tests.figures.conftest import complete_rows

pytestmark = pytest.mark.django_db


def _sent_returned(year, officer_a, reviewer):
    sub = year.submission_a
    services.figures_save(submission=sub, user=officer_a, rows=complete_rows(year))
    services.submission_submit(submission=sub, user=officer_a)
    services.submission_return(submission=sub, user=reviewer, reason="Kiểm tra lại lượt khách.")
    return sub


def test_the_reviewer_sees_the_two_changes_since_the_report_was_first_sent(
    year, officer_a, reviewer
):
    sub = _sent_returned(year, officer_a, reviewer)
    services.figures_save(
        submission=sub,
        user=officer_a,
        rows={
            year.library.pk: {"user_visits": "1300"},
            year.museum.pk: {"study_visitors": "400"},
        },
    )
    services.submission_submit(submission=sub, user=officer_a)

    client = client_for(reviewer)
    page = client.get(reverse("indicators:submission", args=[sub.pk]))
    changes = page.context["changes_since"].changes
    assert [(c.object_label, c.field, c.old, c.new, c.users) for c in changes] == [
        ("BT-PLK – Bảo tàng Pleiku", "study_visitors", "350", "400", ["Người dùng"]),
        ("TV-PLK – Thư viện thành phố Pleiku", "user_visits", "1200", "1300", ["Người dùng"]),
    ]
    html = page.content.decode()
    assert "Thay đổi kể từ lần gửi/duyệt trước" in html and "2 thay đổi" in html
    assert "Lượt khách nghiên cứu, học tập" in html

    queue = client.get(reverse("indicators:review_queue", args=[2025]))
    rows = {r.unit.code: r for r in queue.context["rows"]}
    assert rows["UBND-622"].changes_since_review == 2
    assert rows["UBND-623"].changes_since_review is None


def test_a_report_sent_once_has_no_changes_to_show(year, officer_a, reviewer):
    sub = year.submission_a
    services.figures_save(submission=sub, user=officer_a, rows=complete_rows(year))
    services.submission_submit(submission=sub, user=officer_a)
    assert changes_since_review(sub) is None
    page = client_for(reviewer).get(reverse("indicators:submission", args=[sub.pk]))
    assert "Thay đổi kể từ lần gửi/duyệt trước" not in page.content.decode()


def test_a_value_edited_back_is_no_change_and_the_officer_does_not_see_the_panel(
    year, officer_a, reviewer
):
    sub = _sent_returned(year, officer_a, reviewer)
    lib = year.library.pk
    services.figures_save(submission=sub, user=officer_a, rows={lib: {"user_visits": "9"}})
    services.figures_save(submission=sub, user=officer_a, rows={lib: {"user_visits": "1200"}})
    services.figures_save(submission=sub, user=officer_a, rows={lib: {"participants": "251"}})
    services.submission_submit(submission=sub, user=officer_a)
    assert [(c.field, c.old, c.new) for c in changes_since_review(sub).changes] == [
        ("participants", "250", "251")
    ]
    assert change_counts([sub]) == {sub.pk: 1}
    page = client_for(officer_a).get(reverse("indicators:submission", args=[sub.pk]))
    assert page.context["changes_since"] is None


def test_a_reopened_approved_report_is_compared_with_its_approved_version(
    year, officer_a, reviewer
):
    sub = _sent_returned(year, officer_a, reviewer)
    lib = year.library.pk
    # Changed before the approval: not a change since the approved version.
    services.figures_save(submission=sub, user=officer_a, rows={lib: {"user_visits": "1250"}})
    services.submission_submit(submission=sub, user=officer_a)
    services.submission_approve(submission=sub, user=reviewer)
    services.submission_return(submission=sub, user=reviewer, reason="Mở lại để bổ sung.")
    services.figures_save(submission=sub, user=officer_a, rows={lib: {"participants": "300"}})
    services.submission_submit(submission=sub, user=officer_a)
    result = changes_since_review(sub)
    assert result.window.since.to_state == "approved"
    assert [(c.field, c.old, c.new) for c in result.changes] == [("participants", "250", "300")]
