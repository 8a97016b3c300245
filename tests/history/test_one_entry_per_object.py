"""Issue 11, item 7: the audit trail costs what changed. One entry per object
changed, holding each changed field with its old and new value; nothing for
an object left as it was; the entries written before kept, one change each."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from indicators import services
from indicators.models import AuditEntry
from institutions.importing import SourceRow
from institutions.services import institutions_import
from tests.conftest import client_for
from tests.figures.conftest import complete_rows

pytestmark = pytest.mark.django_db


def _edited(year):
    """complete_rows with three fields changed in each of the library and the
    museum; the centre's answers as they were."""
    rows = complete_rows(year)
    rows[year.library.pk].update(lll_services="no", user_visits="1300", participants="260")
    rows[year.museum.pk].update(digital_exhibitions="có", study_visitors="400", participants="70")
    return rows


LIBRARY_CHANGES = [
    {"field": "lll_services", "old": "Có", "new": "Không"},
    {"field": "user_visits", "old": "1200", "new": "1300"},
    {"field": "participants", "old": "250", "new": "260"},
]
MUSEUM_CHANGES = [
    {"field": "digital_exhibitions", "old": "Không", "new": "Có"},
    {"field": "study_visitors", "old": "350", "new": "400"},
    {"field": "participants", "old": "60", "new": "70"},
]


def _new_entries(since: int) -> dict[str, AuditEntry]:
    return {a.object_label: a for a in AuditEntry.objects.filter(pk__gt=since).order_by("pk")}


def test_a_save_changing_three_fields_of_two_institutions_writes_two_entries(year, officer_a):
    services.figures_save(submission=year.submission_a, user=officer_a, rows=complete_rows(year))
    last = AuditEntry.objects.latest("pk").pk

    result = services.figures_save(submission=year.submission_a, user=officer_a, rows=_edited(year))

    assert (result.updated, result.unchanged) == (2, 1)
    entries = _new_entries(last)
    assert sorted(entries) == ["BT-PLK – Bảo tàng Pleiku", "TV-PLK – Thư viện thành phố Pleiku"]
    library = entries["TV-PLK – Thư viện thành phố Pleiku"]
    museum = entries["BT-PLK – Bảo tàng Pleiku"]
    assert library.changes == LIBRARY_CHANGES and museum.changes == MUSEUM_CHANGES
    assert {(a.object_type, a.submission, a.user) for a in entries.values()} == {
        ("figures", year.submission_a, officer_a)
    }


def test_saving_a_row_as_it_is_writes_no_entry(year, officer_a):
    services.figures_save(submission=year.submission_a, user=officer_a, rows=complete_rows(year))
    kept = AuditEntry.objects.count()

    result = services.figures_save(
        submission=year.submission_a, user=officer_a, rows=complete_rows(year)
    )

    assert (result.updated, result.unchanged) == (0, 3)
    assert AuditEntry.objects.count() == kept


def test_an_import_by_chunks_writes_one_entry_per_changed_institution_and_none_for_the_same(
    year, officer_a
):
    services.figures_save(submission=year.submission_a, user=officer_a, rows=complete_rows(year))
    last = AuditEntry.objects.latest("pk").pk
    codes = {year.library.pk: "TV-PLK", year.museum.pk: "BT-PLK", year.centre.pk: "TTVH-YD"}
    rows = [
        services.ImportRow(codes[pk], dict(values), ref=n)
        for n, (pk, values) in enumerate(_edited(year).items(), start=2)
    ]

    stream = services.FiguresImportStream(year=2025, user=officer_a)
    with transaction.atomic():
        stream.add(rows[:1])  # the library alone in a first chunk
        stream.add(rows[1:])
        stream.finish()

    entries = _new_entries(last)
    assert [a.changes for a in entries.values()] == [LIBRARY_CHANGES, MUSEUM_CHANGES]


def test_an_activity_edit_is_one_entry_with_the_fields_it_changed(year, officer_a):
    activity = services.activity_create(
        submission=year.submission_a,
        user=officer_a,
        data={
            "date": dt.date(2025, 4, 21),
            "title": "Ngày sách",
            "task_group": "III.1",
            "participants": 300,
        },
        version=year.submission_a.version,
    )
    year.submission_a.refresh_from_db()
    services.activity_update(
        activity=activity,
        user=officer_a,
        data={"participants": 450, "key_day": "21/4"},
        version=year.submission_a.version,
    )
    created, edited = AuditEntry.objects.filter(object_type="activity").order_by("pk")
    assert [c["field"] for c in created.changes][:4] == [
        "date",
        "title",
        "task_group",
        "participants",
    ]
    assert edited.changes == [
        {"field": "key_day", "old": "", "new": "21/4"},
        {"field": "participants", "old": "300", "new": "450"},
    ]


def test_an_institution_renamed_moved_and_closed_by_an_import_is_one_entry(year):
    institutions_import(
        rows=[
            SourceRow(
                line=2,
                values={
                    "code": "TV-PLK",
                    "name": "Thư viện Pleiku (mới)",
                    "category": "LIB_DIST",
                    "admin_unit_code": "622",
                    "reporting_unit_code": "UBND-623",
                    "opened_year": "2010",
                    "closed_year": "2030",
                },
            )
        ]
    )
    (entry,) = AuditEntry.objects.filter(object_type="institution", object_id=year.library.pk)
    assert [c["field"] for c in entry.changes] == ["name", "reporting_unit", "closed_year"]


def test_the_reports_page_shows_each_entry_once_with_its_fields_by_their_labels(year, officer_a):
    services.figures_save(submission=year.submission_a, user=officer_a, rows=complete_rows(year))
    services.figures_save(submission=year.submission_a, user=officer_a, rows=_edited(year))
    page = client_for(officer_a).get(reverse("indicators:submission", args=[year.submission_a.pk]))
    (table,) = lxml.html.fromstring(page.content.decode()).xpath("//*[@data-testid='audit']")
    entries = table.xpath("./tbody")
    # Newest first: the edit's two entries, then the first save's three.
    assert len(entries) == 5
    rows = [
        [cell.text_content().strip() for cell in row.xpath("./td")]
        for row in entries[0].xpath("./tr") + entries[1].xpath("./tr")
    ]
    labels = {row[-3]: (row[-2], row[-1]) for row in rows}
    assert labels["Lượt người sử dụng thư viện"] == ("1200", "1300")
    assert labels["Lượt khách nghiên cứu, học tập"] == ("350", "400")
    # Who, when and which institution once per entry, across its rows.
    assert [len(row) for row in rows] == [6, 3, 3, 6, 3, 3]


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_each_old_row_as_an_entry_of_one_change_and_back(officer_a):
    before, after = (
        ("indicators", "0011_attainment_rebuild"),
        ("indicators", "0012_auditentry_changes"),
    )
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        old = executor.loader.project_state([before]).apps.get_model("indicators", "AuditEntry")
        for field, old_value, new_value in [
            ("user_visits", "", "1500"),
            ("deadline", "05/12/2025", "20/12/2025"),
            ("deleted", "TV-XOA · Thư viện đã xóa", ""),
        ]:
            old.objects.create(
                object_type="figures",
                object_id=7,
                object_label="TV-PLK",
                field=field,
                old_value=old_value,
                new_value=new_value,
                user_id=officer_a.pk,
            )
        kept = list(old.objects.order_by("pk").values_list("pk", "at", "user_id"))

        executor = MigrationExecutor(connection)
        executor.migrate([after])
        new = executor.loader.project_state([after]).apps.get_model("indicators", "AuditEntry")
        assert list(new.objects.order_by("pk").values_list("pk", "at", "user_id")) == kept
        assert [e.changes for e in new.objects.order_by("pk")] == [
            [{"field": "user_visits", "old": "", "new": "1500"}],
            [{"field": "deadline", "old": "05/12/2025", "new": "20/12/2025"}],
            [{"field": "deleted", "old": "TV-XOA · Thư viện đã xóa", "new": ""}],
        ]
        two = new.objects.create(
            object_type="reportingperiod",
            object_id=1,
            object_label="2025",
            changes=[
                {"field": "deadline", "old": "05/12/2025", "new": "10/12/2025"},
                {"field": "state", "old": "Đang mở", "new": "Đã khóa"},
            ],
        )

        executor = MigrationExecutor(connection)
        executor.migrate([before])
        old = executor.loader.project_state([before]).apps.get_model("indicators", "AuditEntry")
        assert list(
            old.objects.filter(object_type="reportingperiod")
            .order_by("pk")
            .values_list("field", "old_value", "new_value", "at")
        ) == [
            ("deadline", "05/12/2025", "10/12/2025", two.at),
            ("state", "Đang mở", "Đã khóa", two.at),
        ]
        assert old.objects.count() == 5
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_admin_lists_and_finds_an_entry_by_the_fields_it_changed(year, reviewer):
    from tests.factories import UserFactory

    services.period_set_deadline(period=year.period, user=reviewer, deadline=dt.date(2025, 12, 20))
    entry = AuditEntry.objects.get(object_type="reportingperiod")
    client = client_for(UserFactory(username="root", is_staff=True, is_superuser=True))
    changelist = reverse("admin:indicators_auditentry_changelist")
    found = client.get(changelist, {"q": "deadline"}).content.decode()
    assert "hạn nộp: 05/12/2025 → 20/12/2025" in found
    assert "hạn nộp" not in client.get(changelist, {"q": "no-such-field"}).content.decode()
    page = client.get(reverse("admin:indicators_auditentry_change", args=[entry.pk]))
    assert page.status_code == 200
    assert "hạn nộp: 05/12/2025 → 20/12/2025" in page.content.decode()
