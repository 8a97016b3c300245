"""One journey through the real components: `bin/serve` (gunicorn and a Celery
worker) as subprocesses on PostgreSQL and Redis, driven over HTTP.

How they share the test's data: the test runs with `transactional_db`, so what it
creates is committed to pytest-django's PostgreSQL test database, which the
subprocesses are pointed at by DATABASE_URL; they are stopped before pytest-django
empties the tables after the test. (A test in a rolled-back transaction would
hide its data from them; SQLite's in-memory test database cannot be shared at all.)
The worker listens on a queue of its own, so no other worker on the same Redis
takes the job.

Runs where the suite runs on PostgreSQL and Redis answers (CI: .ci/run makes sure
of both and sets STACK_REQUIRED=1, which turns a skip into a failure); skipped
with the reason otherwise.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import io
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from pypdf import PdfReader

from indicators.services import plan_load
from institutions.models import AdministrativeUnit, Level
from reports.models import ReportJob
from tests.conftest import PASSWORD
from tests.factories import InstitutionFactory, ReportingPeriodFactory, category

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("STACK_REDIS_URL", "redis://127.0.0.1:6379/0")
YEAR = 2025
# Deadlines, not timings: how long to wait before declaring the stack broken.
START_WITHIN = 180
BUILD_WITHIN = 300


def _unavailable() -> str | None:
    if connection.vendor != "postgresql":
        return (
            "the stack journey needs the suite on PostgreSQL (DATABASE_URL=postgres://…), "
            "so that gunicorn and the worker can read the test's data"
        )
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis does not answer at {REDIS_URL} ({exc}); start it with redis-server"
    return None


def _database_url() -> str:
    s = connection.settings_dict
    auth = urllib.parse.quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        auth += ":" + urllib.parse.quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Stack:
    url: str
    log: Path
    process: subprocess.Popen[bytes]

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@pytest.fixture
def stack(transactional_db: None, tmp_path: Path) -> Iterator[Stack]:
    reason = _unavailable()
    if reason:
        if os.environ.get("STACK_REQUIRED") == "1":
            pytest.fail(f"STACK_REQUIRED=1 but {reason}")
        pytest.skip(reason)
    port = _free_port()
    queue = f"stack-journey-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "stack-journey-only",
        "DATABASE_URL": _database_url(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "false",  # plain HTTP on loopback
        "STATIC_ROOT": str(tmp_path / "static"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_QUEUE": queue,
        "CELERY_CONCURRENCY": "1",
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(ROOT / "bin" / "serve")],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as one below
        )
    running = Stack(url=f"http://127.0.0.1:{port}", log=log, process=process)
    try:
        _wait_until_serving(running)
        yield running
    finally:
        _stop(process)
        _forget_queue(queue)


def _wait_until_serving(stack: Stack) -> None:
    deadline = time.monotonic() + START_WITHIN
    while time.monotonic() < deadline:
        if stack.process.poll() is not None:
            pytest.fail(f"bin/serve stopped ({stack.process.returncode}):\n{stack.log_tail()}")
        try:
            with urllib.request.urlopen(f"{stack.url}/accounts/login/", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    pytest.fail(f"gunicorn did not answer within {START_WITHIN} s:\n{stack.log_tail()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # bin/serve stops gunicorn and the worker
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=60)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # anything of ours left in its group
    process.wait()


def _forget_queue(queue: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


class Browser:
    """A client over real HTTP with a cookie jar, as a reviewer's browser."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
        return self._send(urllib.request.Request(self.base + path, headers=headers))

    def post(self, path: str, data: dict[str, str], **headers: str):
        body = urllib.parse.urlencode(data).encode()
        return self._send(urllib.request.Request(self.base + path, body, headers=headers))

    def _send(self, request: urllib.request.Request) -> tuple[int, dict[str, str], bytes]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def csrf_token(self, html: bytes) -> str:
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert found, html[:500]
        return found.group(1).decode()


def production_password(user) -> None:
    """Tests hash passwords with MD5 (tests/conftest.py); gunicorn runs the
    production settings, which know PBKDF2 only."""
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])


def test_a_reviewer_gets_the_report_pdf_built_by_the_worker(stack: Stack, reviewer) -> None:
    production_password(reviewer)
    plan_load()
    ReportingPeriodFactory(year=YEAR)
    browser = Browser(stack.url)

    status, _headers, health = browser.get("/healthz")
    assert status == 200, health[:500]
    assert json.loads(health)["broker"] == {"ok": True, "kind": "redis"}
    assert json.loads(health)["cache"] == {"ok": True, "kind": "redis"}

    status, _headers, html = browser.get("/accounts/login/")
    assert status == 200
    status, _headers, html = browser.post(
        "/accounts/login/",
        {
            "username": "reviewer",
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.csrf_token(html),
        },
    )
    assert status == 200 and any(c.name == "sessionid" for c in browser.jar), stack.log_tail()

    # The dashboard's computed part is kept in Redis and follows the data: a
    # province library opened (committed by this test, in another process)
    # makes its targets applicable at the next request, whichever worker answers.
    idle = b'data-idle-target="LIB_LLL_SERVICE:LIB_PROV"'
    for _ in range(3):
        status, _headers, page = browser.get(f"/dashboard/?year={YEAR}")
        assert status == 200 and idle in page, stack.log_tail()
    province = AdministrativeUnit.objects.get(code="64", level=Level.PROVINCE)
    InstitutionFactory(category=category("LIB_PROV"), admin_unit=province, opened_year=2000)
    for _ in range(3):
        status, _headers, page = browser.get(f"/dashboard/?year={YEAR}")
        assert status == 200 and idle not in page
        assert b'data-target="LIB_LLL_SERVICE:LIB_PROV"' in page

    status, _headers, page = browser.get(f"/bao-cao-nam/{YEAR}/")
    assert status == 200 and b'data-testid="build-pdf"' in page
    status, _headers, body = browser.post(
        f"/bao-cao-nam/{YEAR}/tao-tep.pdf",
        {"csrfmiddlewaretoken": browser.csrf_token(page)},
        Accept="application/json",
    )
    assert status == 202, body[:500]
    job = json.loads(body)
    # The request answered before the file was built: the worker builds it.
    assert job["state"] in {"queued", "running"}, job

    deadline = time.monotonic() + BUILD_WITHIN
    while job["active"] and time.monotonic() < deadline:
        time.sleep(0.5)
        status, _headers, body = browser.get(job["status_url"], Accept="application/json")
        assert status == 200, body[:500]
        job = json.loads(body)
    assert job["state"] == "done", f"{job}\n{stack.log_tail()}"

    status, headers, pdf = browser.get(job["download_url"])
    assert status == 200
    assert headers["Content-Type"] == "application/pdf"
    assert f"bao-cao-ke-hoach-3632-nam-{YEAR}.pdf" in headers["Content-Disposition"]
    assert pdf.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert f"năm {YEAR}" in text

    stored = ReportJob.objects.get(pk=job["id"])
    assert (stored.requested_by, stored.attempts, stored.size) == (reviewer, 1, len(pdf))
    log = stack.log.read_text(errors="replace")
    assert "reports.build_report_file" in log  # by the worker
    # gunicorn's access log: one line per request, with its status.
    assert re.search(r'"GET /healthz HTTP/1\.1" 200 \d+ \d+ms', log), log[-4000:]
