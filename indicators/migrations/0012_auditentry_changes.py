"""One audit entry per object changed: the per-field columns (field,
old_value, new_value) become a list of changes, [{"field", "old", "new"}].

Each existing row becomes an entry of one change, in one UPDATE, nothing lost
(rows written by one save are not grouped: their time stamps differ). The
historical model carries no append-only manager, so it may update its rows.
Backwards, an entry of several changes becomes one row per change again, with
its who, when and what."""

from django.db import migrations, models
from django.db.models import F, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, JSONArray, JSONObject


def to_changes(apps, schema_editor):
    entries = apps.get_model("indicators", "AuditEntry")._base_manager.using(
        schema_editor.connection.alias
    )
    entries.update(
        changes=JSONArray(JSONObject(field=F("field"), old=F("old_value"), new=F("new_value")))
    )


def to_fields(apps, schema_editor):
    model = apps.get_model("indicators", "AuditEntry")
    entries = model._base_manager.using(schema_editor.connection.alias)
    entries.update(
        **{
            name: Coalesce(KT(f"changes__0__{key}"), Value(""))
            for name, key in (("field", "field"), ("old_value", "old"), ("new_value", "new"))
        }
    )
    several = [entry for entry in entries.iterator() if len(entry.changes) > 1]
    for entry in several:
        extra = entries.bulk_create(
            model(
                submission_id=entry.submission_id,
                object_type=entry.object_type,
                object_id=entry.object_id,
                object_label=entry.object_label,
                field=c["field"],
                old_value=c["old"],
                new_value=c["new"],
                user_id=entry.user_id,
            )
            for c in entry.changes[1:]
        )
        # `at` is set on insert; put the entry's time back.
        entries.filter(pk__in=[e.pk for e in extra]).update(at=entry.at)
    # Check the new rows' foreign keys now: PostgreSQL refuses to alter a table
    # with checks still pending, as removing `changes` next would.
    schema_editor.connection.check_constraints(table_names=[model._meta.db_table])


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0011_attainment_rebuild"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="changes",
            field=models.JSONField(default=list, verbose_name="các trường thay đổi"),
        ),
        migrations.RunPython(to_changes, to_fields),
        # blank=True changes no column; it lets the field be added back to a
        # table that has rows (with "", filled at once by to_fields) when unapplied.
        migrations.AlterField(
            model_name="auditentry",
            name="field",
            field=models.CharField(blank=True, max_length=60, verbose_name="trường"),
        ),
        migrations.RemoveField(model_name="auditentry", name="field"),
        migrations.RemoveField(model_name="auditentry", name="old_value"),
        migrations.RemoveField(model_name="auditentry", name="new_value"),
    ]
