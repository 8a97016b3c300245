from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators import selectors
from indicators.models import FUNDING_FIELDS, Activity, AuditEntry
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
    assert AuditEntry.objects.filter(object_type="activity").latest("pk").changes == [
        {"field": "is_deleted", "old": "Không", "new": "Có"}
    ]
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


# ------------------------------------------------------------ refusals in words
def _feedback(response, name: str) -> str:
    """The message drawn beside input `name`, which must be marked invalid."""
    tree = lxml.html.fromstring(response.content.decode())
    (field,) = tree.xpath(f"//*[@name='{name}']")
    assert "is-invalid" in field.classes, name
    (box,) = tree.xpath(f"//*[@id='div_id_{name}']//*[contains(@class, 'invalid-feedback')]")
    return box.text_content().strip()


def test_a_negative_amount_is_refused_in_words_beside_its_field(year, officer_a):
    response = client_for(officer_a).post(
        reverse("indicators:activity_create", args=[year.submission_a.pk]),
        _form(year, funding_programmes="-5000"),
    )
    assert response.status_code == 200
    assert _feedback(response, "funding_programmes") == (
        "Số tiền không được là số âm: ghi 0 nếu không có kinh phí từ nguồn này."
    )
    page = response.content.decode()
    assert "Constraint" not in page and "non_negative" not in page
    assert not Activity.objects.exists()


def test_editing_an_activity_with_bad_numbers_changes_nothing(year, officer_a):
    client = client_for(officer_a)
    client.post(reverse("indicators:activity_create", args=[year.submission_a.pk]), _form(year))
    activity = Activity.objects.get()
    year.submission_a.refresh_from_db()
    audit = AuditEntry.objects.count()
    response = client.post(
        reverse("indicators:activity_edit", args=[activity.pk]),
        _form(year, participants="mười", funding_state_budget="1.5", funding_contributions="-1"),
    )
    assert _feedback(response, "participants") == (
        "Nhập một số nguyên từ 0 trở lên, chỉ gồm chữ số (ví dụ 120)."
    )
    assert _feedback(response, "funding_state_budget") == (
        "Số tiền tính bằng đồng, không có phần lẻ."
    )
    assert "không được là số âm" in _feedback(response, "funding_contributions")
    activity.refresh_from_db()
    assert (activity.participants, activity.funding_state_budget) == (450, 12_000_000)
    assert AuditEntry.objects.count() == audit


def test_the_amount_inputs_take_whole_non_negative_numbers(year, officer_a):
    page = client_for(officer_a).get(
        reverse("indicators:activity_create", args=[year.submission_a.pk])
    )
    tree = lxml.html.fromstring(page.content.decode())
    for name in ("participants", *FUNDING_FIELDS):
        (field,) = tree.xpath(f"//input[@name='{name}']")
        assert (field.get("min"), field.get("step"), field.get("inputmode")) == (
            "0",
            "1",
            "numeric",
        ), name


def test_each_amount_rule_reports_on_its_own_field_outside_forms_too(year):
    activity = Activity(
        submission=year.submission_a,
        date=dt.date(2025, 4, 21),
        title="Ngày hội đọc sách",
        task_group="III.1",
        funding_state_budget=-1,
        funding_programmes=-2,
    )
    with pytest.raises(ValidationError) as exc:
        activity.validate_constraints()
    assert set(exc.value.error_dict) == {"funding_state_budget", "funding_programmes"}
    assert {e.code for errors in exc.value.error_dict.values() for e in errors} == {
        "negative_amount"
    }


def test_outputs_are_recorded_under_their_own_task_group(year, officer_a):
    client = client_for(officer_a)
    url = reverse("indicators:activity_create", args=[year.submission_a.pk])
    training = _form(year, task_group="III.3", key_day="", courses_held="2", people_trained="35")
    assert client.post(url, training).status_code == 302
    activity = Activity.objects.get()
    assert (activity.courses_held, activity.people_trained) == (2, 35)
    assert activity.agreements_signed is None  # not asked: blank, not 0
    page = client.get(reverse("indicators:submission", args=[year.submission_a.pk]))
    assert "Số lớp đào tạo, bồi dưỡng, tập huấn: 2" in page.content.decode()


def test_an_output_of_another_group_is_refused_on_its_field(year, officer_a):
    client = client_for(officer_a)
    url = reverse("indicators:activity_create", args=[year.submission_a.pk])
    response = client.post(url, _form(year, courses_held="4", items_digitised="-1"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "chỉ ghi cho hoạt động nhóm III.3" in " ".join(form.errors["courses_held"])
    assert "số âm" in " ".join(form.errors["items_digitised"])
    assert not Activity.objects.exists()


def test_the_form_tells_which_group_each_output_belongs_to(year, officer_a):
    page = client_for(officer_a).get(
        reverse("indicators:activity_create", args=[year.submission_a.pk])
    )
    doc = lxml.html.fromstring(page.content)
    (field,) = doc.xpath("//input[@name='agreements_signed']")
    assert field.get("data-task-group") == "III.4" and field.get("min") == "0"
    assert "nhóm III.4" in doc.text_content()
    assert doc.xpath("//script[contains(@src, 'js/activity.js')]")
