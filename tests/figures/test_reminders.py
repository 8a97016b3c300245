"""Reminders before the deadline and the reviewers' daily digest (issue 13,
item 4). The 2025 deadline is 05/12/2025; 14 days before is 21/11/2025.

Unit A (Pleiku) has a draft, unit B (An Khê) was returned, the sector
department has submitted and the Department itself is approved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from indicators.models import ReminderLog, Submission, SubmissionEvent, SubmissionState
from indicators.services.reminders import day_mark, reminders_send
from institutions.roles import Role
from tests.factories import InstitutionFactory, UserFactory, category

pytestmark = pytest.mark.django_db

DEADLINE = dt.date(2025, 12, 5)
MARK_14 = DEADLINE - dt.timedelta(days=14)


@pytest.fixture
def units(year, province, officer_a, officer_b, sector_reporter, reviewer):
    for user, email in (
        (officer_a, "a@pleiku.vn"),
        (officer_b, "b@ankhe.vn"),
        (sector_reporter, "sgd@gialai.vn"),
        (reviewer, "reviewer@svhttdl.vn"),
    ):
        user.email = email
        user.save()
    dept_officer = UserFactory(
        username="dept", email="dept@svhttdl.vn", roles=[Role.SECTOR_REPORTER]
    )
    province.department.members.add(dept_officer)
    InstitutionFactory(
        code="TV-TRUONG",
        category=category("LIB_EDU"),
        admin_unit=province.district_a,
        reporting_unit=province.sector,
    )
    InstitutionFactory(
        code="TV-TINH",
        category=category("LIB_PROV"),
        admin_unit=province.province,
        reporting_unit=province.department,
    )
    for unit, state in (
        (province.unit_b, SubmissionState.RETURNED),
        (province.sector, SubmissionState.SUBMITTED),
        (province.department, SubmissionState.APPROVED),
    ):
        Submission.objects.create(
            reporting_unit=unit,
            period=year.period,
            state=state,
            return_reason="Thiếu số liệu bảo tàng" if state == SubmissionState.RETURNED else "",
        )
    return province


def test_the_day_mark_is_the_smallest_mark_still_ahead(year):
    period = year.period
    assert day_mark(period, DEADLINE - dt.timedelta(days=15)) is None
    assert day_mark(period, MARK_14) == 14
    assert day_mark(period, DEADLINE - dt.timedelta(days=13)) == 14
    assert day_mark(period, DEADLINE - dt.timedelta(days=7)) == 7
    assert day_mark(period, DEADLINE) == 2
    assert day_mark(period, DEADLINE + dt.timedelta(days=1)) is None


def test_14_days_before_officers_of_unsent_and_returned_units_get_one_mail_each(units):
    sent = reminders_send(on=MARK_14)
    assert sorted(m.to[0] for m in mail.outbox) == ["a@pleiku.vn", "b@ankhe.vn"]
    assert sent.reminders == 2
    by_to = {m.to[0]: m for m in mail.outbox}
    draft = by_to["a@pleiku.vn"]
    assert "Nhắc hạn nộp báo cáo năm 2025" in draft.subject and "còn 14 ngày" in draft.subject
    assert "05/12/2025" in draft.body
    assert "/so-lieu/2025/UBND-622/" in draft.body
    assert "Thiếu số liệu bảo tàng" in by_to["b@ankhe.vn"].body
    log = ReminderLog.objects.get(to="a@pleiku.vn")
    assert (log.kind, log.reporting_unit, log.period.year, log.day_mark, log.sent_on) == (
        "reminder",
        units.unit_a,
        2025,
        14,
        MARK_14,
    )


def test_rerunning_the_same_day_or_the_next_sends_nothing_new(units):
    reminders_send(on=MARK_14)
    reminders_send(on=MARK_14)
    reminders_send(on=MARK_14 + dt.timedelta(days=1))
    assert len(mail.outbox) == 2
    assert ReminderLog.objects.filter(kind="reminder").count() == 2
    # The 7-day mark is a new reminder.
    reminders_send(on=DEADLINE - dt.timedelta(days=7))
    assert len(mail.outbox) == 4


def test_before_the_first_mark_nothing_is_sent(units):
    reminders_send(on=MARK_14 - dt.timedelta(days=1))
    assert mail.outbox == []


def test_the_digest_lists_yesterdays_submissions_once(units):
    sector_sub = Submission.objects.get(reporting_unit=units.sector)
    yesterday = MARK_14 - dt.timedelta(days=1)
    event = SubmissionEvent.objects.create(
        submission=sector_sub, from_state="draft", to_state="submitted"
    )
    at = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(15, 30)))
    # Back-dated past the append-only rule, as a test may (SubmissionEvent._base_manager).
    SubmissionEvent._base_manager.filter(pk=event.pk).update(at=at)
    older = SubmissionEvent.objects.create(
        submission=Submission.objects.get(reporting_unit=units.department),
        from_state="draft",
        to_state="submitted",
    )
    SubmissionEvent._base_manager.filter(pk=older.pk).update(at=at - dt.timedelta(days=2))

    sent = reminders_send(on=MARK_14)
    assert sent.digests == 1
    [digest] = [m for m in mail.outbox if m.to == ["reviewer@svhttdl.vn"]]
    assert "Tổng hợp ngày 20/11/2025" in digest.subject and "1 báo cáo" in digest.subject
    assert "Sở Giáo dục và Đào tạo (SGDDT)" in digest.body and "15:30 20/11/2025" in digest.body
    assert "SVHTTDL" not in digest.body.replace("reviewer@svhttdl.vn", "")
    reminders_send(on=MARK_14)
    assert len([m for m in mail.outbox if m.to == ["reviewer@svhttdl.vn"]]) == 1


def test_the_command_takes_a_vietnamese_date_and_refuses_another(units, capsys):
    call_command("send_reminders", "--date", "21/11/2025")
    assert len(mail.outbox) == 2
    assert "đã gửi 2 thư nhắc hạn" in capsys.readouterr().out
    with pytest.raises(CommandError, match="dd/mm/yyyy"):
        call_command("send_reminders", "--date", "2025-11-21")


def test_the_beat_schedules_the_task_daily(settings):
    from gialai_lifelong.celery import app

    assert settings.CELERY_BEAT_SCHEDULE["send-reminders"]["task"] == "indicators.send_reminders"
    app.loader.import_default_modules()  # what a worker does at start
    assert "indicators.send_reminders" in app.tasks


def test_the_reviewer_sets_the_day_marks_on_the_periods_page(year, reviewer, officer_a):
    from django.urls import reverse

    from tests.conftest import client_for

    target = reverse("indicators:period_action", args=[2025])
    client = client_for(reviewer)
    client.post(target, {"action": "reminders", "reminder_days": " 30; 10,1 "})
    year.period.refresh_from_db()
    assert year.period.reminder_days == "30,10,1"
    response = client.post(
        target, {"action": "reminders", "reminder_days": "hai tuần"}, follow=True
    )
    assert "Ngày nhắc hạn phải là các số nguyên không âm" in response.content.decode()
    year.period.refresh_from_db()
    assert year.period.reminder_days == "30,10,1"
    # An officer cannot.
    assert client_for(officer_a).post(
        target, {"action": "reminders", "reminder_days": "1"}
    ).status_code in (403, 404)
    year.period.refresh_from_db()
    assert year.period.reminder_days == "30,10,1"
