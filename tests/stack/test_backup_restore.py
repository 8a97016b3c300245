"""bin/backup and bin/restore on PostgreSQL: the suite's test database (with what
this test committed to it) is dumped, restored into a new database, and gunicorn,
started on the restored database, serves the data, the built files byte for byte
and a reviewer's sign-in.

Runs where the suite runs on PostgreSQL (CI sets STACK_REQUIRED=1, which turns the
skip into a failure); it needs no Redis. On SQLite: tests/foundation."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
from django.db import connection
from psycopg2 import sql

from reports.models import ReportDraft, ReportJob
from tests.conftest import PASSWORD
from tests.factories import InstitutionFactory, ReportingPeriodFactory
from tests.stack.test_production_journey import (
    START_WITHIN,
    Browser,
    _database_url,
    _free_port,
    production_password,
)

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
BUILT_FILE = b"%PDF-1.7 " + bytes(range(256)) * 64  # every byte value, 16 KB


@pytest.fixture
def restored_name(transactional_db: None) -> Iterator[str]:
    """A database name that does not exist yet, dropped afterwards."""
    if connection.vendor != "postgresql":
        reason = "backup and restore of PostgreSQL need the suite on PostgreSQL (DATABASE_URL=postgres://…)"
        if os.environ.get("STACK_REQUIRED") == "1":
            pytest.fail(f"STACK_REQUIRED=1 but {reason}")
        pytest.skip(reason)
    name = f"gialai_restored_{uuid.uuid4().hex[:12]}"
    yield name
    s = connection.settings_dict
    admin = psycopg2.connect(
        dbname="postgres",
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"],
        password=s["PASSWORD"] or None,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
    admin.close()


def _run(command: list[str], database_url: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@contextlib.contextmanager
def gunicorn_on(database_url: str, log: Path) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "restore-test-only",
        "DEBUG": "true",  # static files from the finders: no collectstatic needed
        "ALLOWED_HOSTS": "127.0.0.1",
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "gialai_lifelong.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_WITHIN
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start on the restored database:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=5):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        yield url
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def test_a_backup_restored_into_a_new_database_serves_the_portal(
    restored_name: str, reviewer, province, tmp_path: Path
) -> None:
    production_password(reviewer)
    period = ReportingPeriodFactory(year=2025)
    InstitutionFactory(
        code="TV-PLEIKU",
        name="Thư viện thành phố Pleiku",
        admin_unit=province.commune_a,
        reporting_unit=province.unit_a,
    )
    job = ReportJob.objects.create(
        draft=ReportDraft.objects.create(period=period),
        kind="pdf",
        requested_by=reviewer,
        state="done",
        result=BUILT_FILE,
        size=len(BUILT_FILE),
    )
    source_url = _database_url()
    restored_url = source_url.rsplit("/", 1)[0] + f"/{restored_name}"

    backup = _run([str(ROOT / "bin" / "backup"), "portal.dump"], source_url, cwd=tmp_path)
    assert backup.returncode == 0, backup.stderr
    assert (tmp_path / "portal.dump").read_bytes()[:5] == b"PGDMP"
    restore = _run([str(ROOT / "bin" / "restore"), "portal.dump"], restored_url, cwd=tmp_path)
    assert restore.returncode == 0, restore.stderr
    # Restoring over it again is refused: it holds data now.
    again = _run([str(ROOT / "bin" / "restore"), "portal.dump"], restored_url, cwd=tmp_path)
    assert again.returncode == 1 and "--replace" in again.stderr

    check = _run(
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "migrate", "--check"],
        restored_url,
        cwd=ROOT,
    )
    assert check.returncode == 0, check.stdout + check.stderr

    with gunicorn_on(restored_url, tmp_path / "gunicorn.log") as url:
        browser = Browser(url)
        status, _headers, body = browser.get("/healthz")
        assert status == 200 and json.loads(body)["database"]["ok"] is True
        status, _headers, body = browser.get("/api/v1/institutions/TV-PLEIKU/")
        assert status == 200 and json.loads(body)["name"] == "Thư viện thành phố Pleiku"

        status, _headers, html = browser.get("/accounts/login/")
        status, _headers, _html = browser.post(
            "/accounts/login/",
            {
                "username": "reviewer",
                "password": PASSWORD,
                "csrfmiddlewaretoken": browser.csrf_token(html),
            },
        )
        assert status == 200 and any(c.name == "sessionid" for c in browser.jar)
        status, headers, pdf = browser.get(f"/bao-cao-nam/2025/tep/{job.pk}/tai-ve/")
        assert status == 200, pdf[:500]
        assert pdf == BUILT_FILE  # binary columns restored byte for byte
