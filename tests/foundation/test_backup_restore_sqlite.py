"""bin/backup and bin/restore on SQLite, end to end in subprocesses (the suite's
own SQLite database is in memory): a portal's file is backed up while another
connection is half-way through a write, restored into a new file, and the portal
opened on the restored file answers with the data. PostgreSQL: tests/stack."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PORTAL_SMOKE = """
import json
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
call_command("migrate", check_unapplied=True, verbosity=0)
client = Client()
health = client.get("/healthz")
client.force_login(User.objects.get(username="reviewer"))
print(json.dumps({
    "health": health.status_code,
    "users": sorted(User.objects.values_list("username", flat=True)),
    "groups": sorted(Group.objects.values_list("name", flat=True)),
    "queue": client.get("/ky-bao-cao/").status_code,
}))
"""


def _env(database: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": "backup-test-only",
        "DEBUG": "true",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "ALLOWED_HOSTS": "testserver",  # the test client's host
    }
    env.pop("CELERY_BROKER_URL", None)
    return env


def _run(command: list[str], database: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=cwd, env=_env(database), capture_output=True, text=True, timeout=300
    )


def _django(database: Path, code: str) -> str:
    done = _run([sys.executable, "manage.py", "shell", "-c", code], database)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_sqlite_portal_backed_up_mid_write_restores_into_a_new_file(tmp_path: Path) -> None:
    live = tmp_path / "live.sqlite3"
    _django(
        live,
        "from django.core.management import call_command;"
        "call_command('migrate', verbosity=0);"
        "from django.contrib.auth.models import User, Group;"
        "u = User.objects.create_user('reviewer', password='x');"
        "u.groups.add(Group.objects.create(name='provincial_reviewer'))",
    )
    # Another connection is half-way through a write when the backup runs.
    writer = sqlite3.connect(live, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO auth_group (name) VALUES ('chưa lưu')")
    try:
        backup = _run([str(ROOT / "bin" / "backup"), "saved.sqlite3"], live, cwd=tmp_path)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert backup.returncode == 0, backup.stderr
    copy = tmp_path / "saved.sqlite3"  # relative to where the command ran
    assert "SECRET_KEY" in backup.stdout

    restored = tmp_path / "restored" / "portal.sqlite3"
    done = _run([str(ROOT / "bin" / "restore"), str(copy)], restored)
    assert done.returncode == 0, done.stderr

    opened = json.loads(_django(restored, PORTAL_SMOKE).strip().splitlines()[-1])
    assert opened == {
        "health": 200,
        "users": ["reviewer"],
        "groups": ["provincial_reviewer"],  # what was committed, not the write in progress
        "queue": 200,
    }

    # The restored file is not overwritten by a second restore, nor the backup by a second backup.
    again = _run([str(ROOT / "bin" / "restore"), str(copy)], restored)
    assert again.returncode == 1 and "--replace" in again.stderr
    again = _run([str(ROOT / "bin" / "backup"), str(copy)], live)
    assert again.returncode == 1 and "không ghi đè" in again.stderr


def test_restore_refuses_a_file_that_is_not_a_backup_of_that_kind(tmp_path: Path) -> None:
    dump = tmp_path / "portal.dump"
    dump.write_bytes(b"PGDMP\x01\x0f\x00" + b"\x00" * 64)
    done = _run([str(ROOT / "bin" / "restore"), str(dump)], tmp_path / "new.sqlite3")
    assert done.returncode == 1
    assert "không phải bản sao lưu" in done.stderr
    assert not (tmp_path / "new.sqlite3").exists()


@pytest.fixture(autouse=True)
def categories():
    """These tests run their portal in subprocesses: none of the suite's fixtures."""
