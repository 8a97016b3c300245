from __future__ import annotations

import pytest
from django.urls import reverse

from indicators import selectors
from indicators.models import Activity, AuditEntry
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _form(year, **overrides):
    data = {
        "version": year.submission_a.version,
        "date": "21/04/2025",
        "title": "Hưởng ứng Ngày Sách và Văn hóa đọc",
        "task_group": "III.1",
        "institution": year.library.pk,
        "key_day": "21/4",
        "participants": "450",
        "funding_state_budget": "12000000",
        "funding_programmes": "0",
        "funding_contributions": "3000000",
    }
    return {**data, **overrides}


def test_an_officer_records_edits_and_soft_deletes_an_activity(year, officer_a):
    client = client_for(officer_a)
    response = client.post(
        reverse("indicators:activity_create", args=[year.submission_a.pk]), _form(year)
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.date.isoformat() == "2025-04-21" and activity.funding_state_budget == 12_000_000
    page = client.get(
        reverse("indicators:submission", args=[year.submission_a.pk])
    ).content.decode()
    assert "Hưởng ứng Ngày Sách" in page and "21/04/2025" in page

    year.submission_a.refresh_from_db()
    client.post(
        reverse("indicators:activity_edit", args=[activity.pk]), _form(year, participants="500")
    )
    activity.refresh_from_db()
    assert activity.participants == 500

    year.submission_a.refresh_from_db()
    client.post(
        reverse("indicators:activity_delete", args=[activity.pk]),
        {"version": year.submission_a.version},
    )
    activity.refresh_from_db()
    assert activity.is_deleted  # kept, never deleted silently
    assert AuditEntry.objects.filter(
        object_type="activity", field="is_deleted", new_value="Có"
    ).exists()
    totals = selectors.activity_totals(2025)
    assert totals == {}  # a draft's activities do not count yet


def test_an_activity_naming_another_units_institution_is_refused(year, officer_a):
    response = client_for(officer_a).post(
        reverse("indicators:activity_create", args=[year.submission_a.pk]),
        _form(year, institution=year.library_b.pk),
    )
    assert response.status_code == 200 and response.context["form"].errors["institution"]
    assert not Activity.objects.exists()


def test_another_officer_cannot_see_edit_or_delete_the_activity(year, officer_a, officer_b):
    client_for(officer_a).post(
        reverse("indicators:activity_create", args=[year.submission_a.pk]), _form(year)
    )
    activity = Activity.objects.get()
    other = client_for(officer_b)
    assert other.get(reverse("indicators:activity_edit", args=[activity.pk])).status_code == 404
    assert (
        other.post(
            reverse("indicators:activity_delete", args=[activity.pk]), {"version": 1}
        ).status_code
        == 404
    )
    activity.refresh_from_db()
    assert not activity.is_deleted


def test_an_activity_dated_outside_the_year_is_refused(year, officer_a):
    response = client_for(officer_a).post(
        reverse("indicators:activity_create", args=[year.submission_a.pk]),
        _form(year, date="21/04/2024"),
    )
    assert response.context["form"].errors["date"]


def test_an_activity_can_mark_another_national_or_provincial_anniversary(year, officer_a):
    # Plan III.1 lists five key days "và các ngày lễ, ngày kỷ niệm của đất nước và của tỉnh".
    response = client_for(officer_a).post(
        reverse("indicators:activity_create", args=[year.submission_a.pk]),
        _form(year, title="Kỷ niệm ngày thành lập tỉnh", key_day="other", date="24/05/2025"),
    )
    assert response.status_code == 302
    assert Activity.objects.get().get_key_day_display() == (
        "Ngày lễ, ngày kỷ niệm khác của đất nước và của tỉnh"
    )
