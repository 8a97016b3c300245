"""Issue 10, item 1: every change is kept (who, when, old value, new value),
one test per kind of change, and history cannot be changed or deleted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators import services
from indicators.models import Activity, AuditEntry, PeriodEvent, ReportingPeriod, SubmissionEvent
from institutions.importing import SourceRow
from institutions.models import Institution, ReportingUnit
from institutions.roles import Role
from institutions.services import institutions_import
from reports.services import report_draft_for_year, report_draft_update
from tests.conftest import client_for, kept_change, kept_changes
from tests.factories import UserFactory, category

pytestmark = pytest.mark.django_db


def lines(object_type: str, obj_id: int | None = None) -> list[tuple[str, str, str]]:
    if obj_id is None:
        return kept_changes(object_type=object_type)
    return kept_changes(object_type=object_type, object_id=obj_id)


def activity_data(year, **overrides):
    data = {
        "date": dt.date(2025, 4, 21),
        "title": "Ngày sách",
        "task_group": "III.1",
        "institution": year.library,
        "key_day": "21/4",
        "participants": 300,
        "funding_state_budget": 5_000_000,
    }
    return {**data, **overrides}


# ------------------------------------------------------------------ activities
def test_creating_an_activity_keeps_every_given_field(year, officer_a):
    activity = services.activity_create(
        submission=year.submission_a,
        user=officer_a,
        data=activity_data(year),
        version=year.submission_a.version,
    )
    kept = lines("activity", activity.pk)
    assert ("participants", "", "300") in kept and ("date", "", "21/04/2025") in kept
    assert AuditEntry.objects.filter(object_type="activity", user=officer_a).exists()


def test_editing_an_activity_through_its_page_keeps_the_old_and_the_new_value(year, officer_a):
    activity = services.activity_create(
        submission=year.submission_a,
        user=officer_a,
        data=activity_data(year),
        version=year.submission_a.version,
    )
    year.submission_a.refresh_from_db()
    created = AuditEntry.objects.latest("pk").pk
    response = client_for(officer_a).post(
        reverse("indicators:activity_edit", args=[activity.pk]),
        {
            "version": year.submission_a.version,
            "date": "21/04/2025",
            "title": "Ngày sách",
            "task_group": "III.1",
            "institution": year.library.pk,
            "key_day": "21/4",
            "participants": "450",
            "funding_state_budget": "5000000",
            "funding_programmes": "0",
            "funding_contributions": "0",
        },
    )
    assert response.status_code == 302
    entry, edit = kept_change("participants", object_type="activity", pk__gt=created)
    assert (edit["old"], edit["new"], entry.user) == ("300", "450", officer_a)


def test_deleting_an_activity_is_kept(year, officer_a):
    activity = services.activity_create(
        submission=year.submission_a,
        user=officer_a,
        data=activity_data(year),
        version=year.submission_a.version,
    )
    services.activity_delete(activity=activity, user=officer_a, version=year.submission_a.version)
    assert lines("activity", activity.pk)[-1] == ("is_deleted", "Không", "Có")


@pytest.mark.parametrize("posted", [{}, {"version": ""}, {"version": "abc"}])
def test_deleting_an_activity_without_a_valid_version_is_refused_in_vietnamese(
    year, officer_a, posted
):
    activity = services.activity_create(
        submission=year.submission_a,
        user=officer_a,
        data=activity_data(year),
        version=year.submission_a.version,
    )
    response = client_for(officer_a).post(
        reverse("indicators:activity_delete", args=[activity.pk]), posted, follow=True
    )
    activity.refresh_from_db()
    assert not activity.is_deleted
    assert "thiếu phiên bản" in response.content.decode()


# ------------------------------------------------------------------ periods
def test_opening_a_period_is_kept(reviewer):
    period = services.period_open(year=2026, user=reviewer)
    assert ("deadline", "", "05/12/2026") in lines("reportingperiod", period.pk)


def test_moving_a_deadline_keeps_the_old_and_the_new_date(year, reviewer):
    services.period_set_deadline(period=year.period, user=reviewer, deadline=dt.date(2025, 12, 20))
    entry, change = kept_change("deadline", object_type="reportingperiod")
    assert (change["old"], change["new"], entry.user) == ("05/12/2025", "20/12/2025", reviewer)


def test_locking_and_reopening_are_kept_with_old_and_new_state(year, reviewer):
    services.period_lock(period=year.period, user=reviewer, reason="Đã ban hành")
    services.period_reopen(period=year.period, user=reviewer, reason="Sửa số liệu")
    states = [(f, o, n) for f, o, n in lines("reportingperiod", year.period.pk) if f == "state"]
    assert states == [("state", "Đang mở", "Đã khóa"), ("state", "Đã khóa", "Đang mở")]


def test_changing_the_data_cutoff_in_the_admin_keeps_the_old_and_the_new_date(year, administrator):
    response = client_for(administrator).post(
        reverse("admin:indicators_reportingperiod_change", args=[year.period.pk]),
        {
            "year": 2025,
            "deadline": "05/12/2025",
            "data_cutoff": "30/11/2025",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry, change = kept_change("data_cutoff", object_type="reportingperiod")
    assert (change["old"], change["new"], entry.user) == ("", "30/11/2025", administrator)


# ------------------------------------------------------------------ report drafts
def test_every_saved_version_of_a_report_draft_is_kept(year, reviewer):
    draft = report_draft_for_year(year=2025)
    report_draft_update(draft=draft, user=reviewer, data={"difficulties": "Thiếu kinh phí"})
    report_draft_update(
        draft=draft,
        user=reviewer,
        data={"difficulties": "Thiếu kinh phí và nhân lực", "signer_name": "Nguyễn Văn A"},
    )
    kept = lines("reportdraft", draft.pk)
    assert kept == [
        ("difficulties", "", "Thiếu kinh phí"),
        ("signer_name", "", "Nguyễn Văn A"),
        ("difficulties", "Thiếu kinh phí", "Thiếu kinh phí và nhân lực"),
    ]


# ------------------------------------------------------------------ institutions and units
def _row(line: int, **values: str) -> SourceRow:
    base = {
        "code": "TV-PLK",
        "name": "Thư viện thành phố Pleiku",
        "category": "LIB_DIST",
        "admin_unit_code": "622",
        "reporting_unit_code": "UBND-622",
        "opened_year": "2010",
        "closed_year": "",
    }
    return SourceRow(line=line, values={**base, **values})


def test_an_import_keeps_renames_moves_and_closures(year):
    institutions_import(
        rows=[
            _row(
                2, name="Thư viện Pleiku (mới)", reporting_unit_code="UBND-623", closed_year="2030"
            )
        ]
    )
    kept = lines("institution", year.library.pk)
    assert ("name", "Thư viện thành phố Pleiku", "Thư viện Pleiku (mới)") in kept
    assert ("reporting_unit", "UBND Thành phố Pleiku", "UBND Thị xã An Khê") in kept
    assert ("closed_year", "", "2030") in kept
    assert AuditEntry.objects.filter(object_type="institution", user__isnull=True).exists()


def test_an_import_keeps_a_new_institution(year):
    institutions_import(rows=[_row(2, code="TV-MOI", name="Thư viện mới")])
    new = Institution.objects.get(code="TV-MOI")
    assert ("name", "", "Thư viện mới") in lines("institution", new.pk)


def test_an_admin_edit_of_an_institution_keeps_old_and_new(year, administrator):
    lib = year.library
    response = client_for(administrator).post(
        reverse("admin:institutions_institution_change", args=[lib.pk]),
        {
            "code": lib.code,
            "name": "Thư viện tổng hợp Pleiku",
            "category": lib.category_id,
            "admin_unit": lib.admin_unit_id,
            "reporting_unit": lib.reporting_unit_id,
            "opened_year": lib.opened_year,
            "closed_year": "",
        },
    )
    assert response.status_code == 302
    entry, change = kept_change("name", object_type="institution")
    assert (change["old"], change["new"], entry.user) == (
        "Thư viện thành phố Pleiku",
        "Thư viện tổng hợp Pleiku",
        administrator,
    )


def test_an_admin_delete_of_an_institution_is_kept(province, administrator):
    from tests.factories import InstitutionFactory

    inst = InstitutionFactory(
        code="XOA",
        category=category("LIB_COMM"),
        admin_unit=province.commune_a,
        reporting_unit=province.unit_a,
    )
    response = client_for(administrator).post(
        reverse("admin:institutions_institution_delete", args=[inst.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Institution.objects.filter(pk=inst.pk).exists()
    (entry,) = AuditEntry.objects.filter(object_type="institution", object_id=inst.pk)
    ((field, old, new),) = [(c["field"], c["old"], c["new"]) for c in entry.changes]
    assert field == "deleted" and "XOA" in old and new == "" and entry.user == administrator


def _unit_form(unit: ReportingUnit, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "admin_unit": unit.admin_unit_id,
        "valid_from": "",
        "valid_to": "",
        "members": [u.pk for u in unit.members.all()],
    }
    return {**data, **overrides}


def test_a_reporting_units_rename_and_its_officers_scope_are_kept(
    province, officer_a, officer_b, administrator
):
    unit = province.unit_a
    response = client_for(administrator).post(
        reverse("admin:institutions_reportingunit_change", args=[unit.pk]),
        _unit_form(unit, name="UBND TP Pleiku", members=[officer_a.pk, officer_b.pk]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    kept = lines("reportingunit", unit.pk)
    assert ("name", "UBND Thành phố Pleiku", "UBND TP Pleiku") in kept
    assert ("members", "officer_a", "officer_a, officer_b") in kept


def test_a_users_roles_changed_in_the_admin_are_kept(administrator):
    user = UserFactory(username="can_bo", roles=[Role.DISTRICT_OFFICER])
    reviewer_group = Group.objects.get(name=Role.PROVINCIAL_REVIEWER)
    response = client_for(administrator).post(
        reverse("admin:auth_user_change", args=[user.pk]),
        {
            "username": "can_bo",
            "first_name": "",
            "last_name": "",
            "email": "",
            "is_active": "on",
            "groups": [reviewer_group.pk],
            "user_permissions": [],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "01/01/2025",
            "date_joined_1": "08:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry, change = kept_change("groups", object_type="user", object_id=user.pk)
    assert (change["old"], change["new"], entry.user) == (
        "district_officer",
        "provincial_reviewer",
        administrator,
    )


# ------------------------------------------------------------------ append-only
def _history(year, officer_a, reviewer):
    services.period_lock(period=year.period, user=reviewer, reason="Khóa")
    services.period_reopen(period=year.period, user=reviewer, reason="Mở lại")
    return {
        "audit": AuditEntry.objects.first(),
        "period_event": PeriodEvent.objects.first(),
        "submission_event": SubmissionEvent.objects.create(
            submission=year.submission_a, to_state="draft", user=officer_a
        ),
    }


@pytest.mark.parametrize("kind", ["audit", "period_event", "submission_event"])
def test_a_history_row_cannot_be_changed_or_deleted(year, officer_a, reviewer, kind):
    row = _history(year, officer_a, reviewer)[kind]
    model = type(row)
    with pytest.raises(ValidationError):
        row.save()
    with pytest.raises(ValidationError):
        row.delete()
    with pytest.raises(ValidationError):
        model.objects.filter(pk=row.pk).update(at=row.at)
    with pytest.raises(ValidationError):
        model.objects.filter(pk=row.pk).delete()
    with pytest.raises(ValidationError):
        model.objects.bulk_update([row], ["at"])
    assert model.objects.filter(pk=row.pk).exists()


def test_a_period_with_lock_history_cannot_be_deleted_even_by_the_superuser(year, reviewer):
    from django.db.models import ProtectedError

    services.period_lock(period=year.period, user=reviewer, reason="Khóa")
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = client_for(superuser)
    url = reverse("admin:indicators_reportingperiod_delete", args=[year.period.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    with pytest.raises(ProtectedError):
        ReportingPeriod.objects.filter(pk=year.period.pk).delete()
    assert PeriodEvent.objects.filter(period=year.period).exists()


@pytest.mark.parametrize("name", ["indicators_auditentry"])
def test_the_admin_shows_history_read_only_even_to_the_superuser(year, officer_a, reviewer, name):
    _history(year, officer_a, reviewer)
    entry = AuditEntry.objects.first()
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = client_for(superuser)
    assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{name}_add")).status_code == 403
    assert (
        client.post(reverse(f"admin:{name}_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    kept = entry.changes
    response = client.post(
        reverse(f"admin:{name}_change", args=[entry.pk]),
        {"changes": '[{"field": "x", "old": "x", "new": "y"}]', "object_label": "x"},
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.changes == kept and entry.object_label != "x"


def test_the_period_page_in_the_admin_shows_its_events_read_only(year, reviewer):
    services.period_lock(period=year.period, user=reviewer, reason="Khóa kỳ")
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    page = (
        client_for(superuser)
        .get(reverse("admin:indicators_reportingperiod_change", args=[year.period.pk]))
        .content.decode()
    )
    assert "Khóa kỳ" in page
    assert 'name="events-0-reason"' not in page and 'name="events-0-DELETE"' not in page


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_writes_nothing(year, reviewer, method):
    client = client_for(reviewer)
    before = AuditEntry.objects.count()
    for url in [
        "/api/v1/institutions/",
        f"/api/v1/institutions/{year.library.code}/",
        "/api/v1/indicators/",
    ]:
        response = getattr(client, method)(url, {}, content_type="application/json")
        assert response.status_code in (403, 404, 405), (url, response.status_code)
    assert AuditEntry.objects.count() == before
    assert Activity.objects.count() == 0


def test_a_period_with_history_can_still_be_edited_in_the_admin_and_its_events_stay(
    year, reviewer, administrator
):
    services.period_lock(period=year.period, user=reviewer, reason="Khóa")
    services.period_reopen(period=year.period, user=reviewer, reason="Mở lại")
    events = list(PeriodEvent.objects.filter(period=year.period).order_by("pk"))
    data = {
        "year": 2025,
        "deadline": "10/12/2025",
        "data_cutoff": "",
        "events-TOTAL_FORMS": str(len(events)),
        "events-INITIAL_FORMS": str(len(events)),
    }
    for i, event in enumerate(events):
        data[f"events-{i}-id"] = str(event.pk)
        data[f"events-{i}-period"] = str(year.period.pk)
    response = client_for(administrator).post(
        reverse("admin:indicators_reportingperiod_change", args=[year.period.pk]), data
    )
    assert response.status_code == 302
    assert list(PeriodEvent.objects.filter(period=year.period).order_by("pk")) == events
    _entry, change = kept_change("deadline", object_type="reportingperiod")
    assert (change["old"], change["new"]) == ("05/12/2025", "10/12/2025")


def test_a_succession_added_beside_an_administrative_unit_in_the_admin_is_kept(
    province, administrator
):
    from institutions.models import UnitSuccession

    old = province.commune_a
    response = client_for(administrator).post(
        reverse("admin:institutions_administrativeunit_change", args=[old.pk]),
        {
            "code": old.code,
            "name": old.name,
            "level": old.level,
            "parent": old.parent_id,
            "valid_from": "",
            "valid_to": "30/06/2025",
            "succession_to-TOTAL_FORMS": "1",
            "succession_to-INITIAL_FORMS": "0",
            "succession_to-0-successor": province.commune_b.pk,
            "succession_to-0-effective_on": "01/07/2025",
            "succession_to-0-source": "NQ 1664",
            "succession_to-0-confidence": "",
            "succession_from-TOTAL_FORMS": "0",
            "succession_from-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    line = UnitSuccession.objects.get()
    assert ("effective_on", "", "01/07/2025") in lines("unitsuccession", line.pk)
    assert ("valid_to", "", "30/06/2025") in lines("administrativeunit", old.pk)
