from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from indicators import services
from indicators.models import AuditEntry, Figures, PeriodEvent, SubmissionEvent, SubmissionState
from tests.conftest import kept_changes
from tests.figures.conftest import complete_rows

pytestmark = pytest.mark.django_db


def test_a_draft_saves_partial_figures_and_audits_each_value(year, officer_a):
    sub = year.submission_a
    result = services.figures_save(
        submission=sub, user=officer_a, rows={year.library.pk: {"user_visits": "1.500"}}, version=1
    )
    assert result.created == 1
    fig = Figures.objects.get(institution=year.library, year=2025)
    assert fig.user_visits == 1500 and fig.lll_services is None
    entry = AuditEntry.objects.get(object_type="figures")
    assert entry.changes == [{"field": "user_visits", "old": "", "new": "1500"}]
    assert entry.user == officer_a
    sub.refresh_from_db()
    assert sub.version == 2


def test_an_upload_is_all_or_nothing(year, officer_a):
    rows = complete_rows(year)
    rows[year.museum.pk]["study_visitors"] = "5000"  # > total_visitors 1000
    with pytest.raises(services.FiguresInvalid) as exc:
        services.figures_save(submission=year.submission_a, user=officer_a, rows=rows)
    assert [(p.institution_id, p.field) for p in exc.value.problems] == [
        (year.museum.pk, "study_visitors")
    ]
    assert not Figures.objects.filter(year=2025).exists()
    year.submission_a.refresh_from_db()
    assert year.submission_a.version == 1


def test_a_stale_version_is_refused_and_nothing_is_saved(year, officer_a, officer_b):
    sub = year.submission_a
    services.figures_save(
        submission=sub, user=officer_a, rows={year.library.pk: {"user_visits": "1"}}, version=1
    )
    with pytest.raises(ValidationError) as exc:
        services.figures_save(
            submission=sub, user=officer_a, rows={year.library.pk: {"user_visits": "2"}}, version=1
        )
    assert "vừa được người khác thay đổi" in exc.value.messages[0]
    assert Figures.objects.get(institution=year.library, year=2025).user_visits == 1


def test_rows_of_another_units_or_closed_institution_are_refused(year, officer_a):
    for inst in (year.library_b, year.closed):
        with pytest.raises(services.FiguresInvalid):
            services.figures_save(
                submission=year.submission_a, user=officer_a, rows={inst.pk: {"participants": "1"}}
            )
    assert not Figures.objects.filter(year=2025).exists()


def test_submit_lists_every_missing_answer(year, officer_a):
    services.figures_save(
        submission=year.submission_a,
        user=officer_a,
        rows={year.library.pk: {"user_visits": "1000"}},
    )
    with pytest.raises(services.FiguresInvalid) as exc:
        services.submission_submit(submission=year.submission_a, user=officer_a)
    missing = {(p.institution_id, p.field) for p in exc.value.problems}
    assert (year.library.pk, "lll_services") in missing
    assert (year.museum.pk, "total_visitors") in missing
    assert (year.centre.pk, "regular_activities") in missing
    assert all(p.institution_id != year.closed.pk for p in exc.value.problems)
    year.submission_a.refresh_from_db()
    assert year.submission_a.state == SubmissionState.DRAFT


def _submitted(year, officer_a):
    services.figures_save(submission=year.submission_a, user=officer_a, rows=complete_rows(year))
    return services.submission_submit(submission=year.submission_a, user=officer_a)


def test_the_full_cycle_records_every_step(year, officer_a, reviewer):
    sub = _submitted(year, officer_a)
    assert sub.state == SubmissionState.SUBMITTED and sub.first_submitted_at
    with pytest.raises(ValidationError):
        services.submission_return(submission=sub, user=reviewer, reason="  ")
    services.submission_return(submission=sub, user=reviewer, reason="Thiếu số liệu bảo tàng")
    assert sub.state == SubmissionState.RETURNED and sub.return_reason == "Thiếu số liệu bảo tàng"
    services.submission_submit(submission=sub, user=officer_a)
    services.submission_approve(submission=sub, user=reviewer)
    # an approved one may still be returned, with a reason
    services.submission_return(submission=sub, user=reviewer, reason="Sai tổng lượt khách")
    steps = list(
        SubmissionEvent.objects.filter(submission=sub).values_list("from_state", "to_state")
    )
    assert steps == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "approved"),
        ("approved", "returned"),
    ]
    assert kept_changes(submission=sub, object_type="submission") == [
        ("state", "draft", "submitted"),
        ("state", "submitted", "returned"),
        ("state", "returned", "submitted"),
        ("state", "submitted", "approved"),
        ("state", "approved", "returned"),
    ]


def test_submitted_figures_are_read_only_and_officers_cannot_review(year, officer_a):
    sub = _submitted(year, officer_a)
    with pytest.raises(ValidationError, match="chỉ xem"):
        services.figures_save(
            submission=sub, user=officer_a, rows={year.library.pk: {"user_visits": "1"}}
        )
    with pytest.raises(ValidationError):
        services.submission_approve(submission=sub, user=officer_a)


def test_a_locked_period_refuses_all_changes_until_reopened_by_a_reviewer(
    year, officer_a, reviewer
):
    with pytest.raises(ValidationError):
        services.period_lock(period=year.period, user=reviewer, reason="")
    services.period_lock(period=year.period, user=reviewer, reason="Đã ban hành báo cáo")
    with pytest.raises(ValidationError, match="đã khóa"):
        services.figures_save(
            submission=year.submission_a,
            user=officer_a,
            rows={year.library.pk: {"user_visits": "1"}},
        )
    with pytest.raises(ValidationError):
        services.period_reopen(period=year.period, user=officer_a, reason="xin mở")
    services.period_reopen(period=year.period, user=reviewer, reason="Bổ sung số liệu")
    services.figures_save(
        submission=year.submission_a, user=officer_a, rows={year.library.pk: {"user_visits": "1"}}
    )
    assert list(PeriodEvent.objects.values_list("action", "reason")) == [
        ("lock", "Đã ban hành báo cáo"),
        ("reopen", "Bổ sung số liệu"),
    ]


def test_the_deadline_defaults_to_5_december_and_can_be_changed(reviewer):
    import datetime as dt

    period = services.period_open(year=2026, user=reviewer)
    assert period.deadline == dt.date(2026, 12, 5)
    services.period_set_deadline(period=period, user=reviewer, deadline=dt.date(2026, 12, 15))
    period.refresh_from_db()
    assert period.deadline == dt.date(2026, 12, 15)


def test_activities_are_soft_deleted_and_audited(year, officer_a):
    import datetime as dt

    activity = services.activity_create(
        submission=year.submission_a,
        user=officer_a,
        data={
            "date": dt.date(2025, 4, 21),
            "title": "Ngày sách",
            "task_group": "III.1",
            "institution": year.library,
            "key_day": "21/4",
            "participants": 300,
            "funding_state_budget": 5_000_000,
        },
        version=year.submission_a.version,
    )
    services.activity_update(
        activity=activity,
        user=officer_a,
        data={"participants": 350},
        version=year.submission_a.version,
    )
    services.activity_delete(activity=activity, user=officer_a, version=year.submission_a.version)
    activity.refresh_from_db()
    assert activity.is_deleted
    fields = [field for field, _old, _new in kept_changes(object_type="activity")]
    assert "participants" in fields and "is_deleted" in fields


def test_an_activity_may_not_name_another_units_institution(year, officer_a):
    import datetime as dt

    with pytest.raises(ValidationError) as exc:
        services.activity_create(
            submission=year.submission_a,
            user=officer_a,
            data={
                "date": dt.date(2025, 5, 18),
                "title": "x",
                "task_group": "III.4",
                "institution": year.library_b,
            },
            version=year.submission_a.version,
        )
    assert "institution" in exc.value.error_dict
