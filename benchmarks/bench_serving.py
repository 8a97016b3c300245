"""Benchmark of the portal as served in production: gunicorn on PostgreSQL, 8
concurrent clients (wrk), side by side at several scales of the demo province.

    BENCH_PG=postgres://postgres@127.0.0.1:5432 SECRET_KEY=x \\
        .venv/bin/python benchmarks/bench_serving.py [--scales 1 30] [--seconds 15]

For each scale: a scratch database `bench_serving_<scale>` on that server
(dropped first), `migrate`, `load_reference`, `seed_demo --scale N --no-reports`,
`ANALYZE`; then `bin/serve web` (gunicorn, DEBUG off, WEB_CONCURRENCY workers)
on a free loopback port, signed-in sessions for the reviewer and an officer, and
`wrk -c 8 -t 2 -d <seconds>s` on each page: the reviewer's province dashboard,
the public dashboard, the accountability view, an officer's unit dashboard, the
API's attainment and the officer's entry page. Prints p50/p95/p99 (ms) and
requests/s per page and scale, and each page's p50 as a multiple of scale 1's:
on a shared machine the ratios mean more than the absolute times.

Needs wrk (`apt-get install wrk`) and a PostgreSQL server; not run by the suite.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")

# wrk reports percentiles in microseconds through its Lua `done` hook.
LUA = """
done = function(summary, latency, requests)
  local out = string.format(
    '{"p50": %d, "p95": %d, "p99": %d, "requests": %d, "seconds": %f, "errors": %d}',
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.requests, summary.duration / 1e6,
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout)
  io.write("BENCH " .. out .. "\\n")
end
"""

# Run inside the scratch database: sign in the two personas, find their pages.
SESSIONS = """
import json
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from indicators.models import Submission
from institutions.models import ReportingUnit

users = get_user_model().objects
out = {}
for role, name in (("reviewer", "sovhttdl"), ("officer", "canbo_pleiku")):
    client = Client()
    client.force_login(users.get(username=name))
    out[role] = client.cookies["sessionid"].value
officer = users.get(username="canbo_pleiku")
unit = ReportingUnit.objects.filter(members=officer).order_by("code").first()
out["unit_dashboard"] = f"/dashboard/unit/{unit.admin_unit_id}/?year=2024"
sub = Submission.objects.filter(reporting_unit=unit, period__year=2026).first()
out["entry"] = reverse("indicators:submission", args=[sub.pk]) if sub else ""
print("BENCH " + json.dumps(out))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout if capture else ""


def _bench_line(text: str) -> dict:
    (line,) = [ln for ln in text.splitlines() if ln.startswith("BENCH ")]
    return json.loads(line.removeprefix("BENCH "))


def _prepare(scale: int, base: str) -> tuple[dict, dict]:
    name = f"bench_serving_{scale}"
    for command in (["dropdb", "--if-exists", name], ["createdb", name]):
        subprocess.run(command + _pg_args(base), check=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"{base.rstrip('/')}/{name}",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only"),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "false",
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }
    started = time.perf_counter()
    _manage(env, "migrate", "--no-input", "-v0")
    _manage(env, "load_reference")
    _manage(env, "seed_demo", "--scale", str(scale), "--no-reports", "--force")
    _manage(env, "dbshell", "--", "-c", "ANALYZE;")
    counts = _bench_line(
        _manage(
            env,
            "shell",
            "-c",
            "import json; from institutions.models import Institution; "
            "from indicators.models import Figures; print('BENCH ' + json.dumps("
            "{'institutions': Institution.objects.count(), 'figures': Figures.objects.count()}))",
            capture=True,
        )
    )
    counts["setup_s"] = round(time.perf_counter() - started, 1)
    return env, counts


def _pg_args(base: str) -> list[str]:
    # postgres://user@host:port  →  -h host -p port -U user
    rest = base.split("://", 1)[1].rstrip("/")
    user, _, hostport = rest.rpartition("@")
    host, _, port = hostport.partition(":")
    return ["-h", host, "-p", port or "5432", "-U", user or "postgres"]


def _serve(env: dict, port: int) -> subprocess.Popen:
    log = open(Path(tempfile.gettempdir()) / f"bench_serving_{port}.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [str(ROOT / "bin" / "serve"), "web"],
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "MIGRATE": "0"},
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer on port {port}: see {log.name}")


def _wrk(url: str, cookie: str, seconds: int, script: Path) -> dict:
    command = ["wrk", "-t", "2", "-c", "8", "-d", f"{seconds}s", "--timeout", "30s"]
    command += ["-s", str(script)]
    if cookie:
        command += ["-H", f"Cookie: sessionid={cookie}"]
    out = subprocess.run(command + [url], check=True, capture_output=True, text=True).stdout
    data = _bench_line(out)
    return {
        "p50_ms": round(data["p50"] / 1000, 1),
        "p95_ms": round(data["p95"] / 1000, 1),
        "p99_ms": round(data["p99"] / 1000, 1),
        "rps": round(data["requests"] / data["seconds"], 1),
        "errors": data["errors"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 30])
    parser.add_argument("--seconds", type=int, default=15)
    args = parser.parse_args()
    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    script = Path(tempfile.gettempdir()) / "bench_serving.lua"
    script.write_text(LUA)
    first: dict[str, float] = {}
    print(
        "| scale | institutions | page | p50 (ms) | p95 (ms) | p99 (ms) | req/s | p50 ÷ scale 1 |"
    )
    print("|---:|---:|---|---:|---:|---:|---:|---:|")
    for scale in args.scales:
        env, counts = _prepare(scale, base)
        sessions = _bench_line(_manage(env, "shell", "-c", SESSIONS, capture=True))
        port = _free_port()
        server = _serve(env, port)
        pages = [
            ("province dashboard 2025, reviewer", "/dashboard/?year=2025", "reviewer"),
            ("public dashboard", "/dashboard/", ""),
            ("accountability 2025", "/dashboard/accountability/?year=2025", "reviewer"),
            ("unit dashboard 2024, officer", sessions["unit_dashboard"], "officer"),
            ("API attainment 2025", "/api/v1/attainment/?year=2025", "reviewer"),
        ]
        if sessions["entry"]:
            pages.append(("entry page 2026, officer", sessions["entry"], "officer"))
        try:
            for label, path, who in pages:
                result = _wrk(
                    f"http://127.0.0.1:{port}{path}",
                    sessions.get(who, ""),
                    args.seconds,
                    script,
                )
                ratio = result["p50_ms"] / first[label] if label in first else 1.0
                first.setdefault(label, result["p50_ms"])
                errors = f" ({result['errors']} errors)" if result["errors"] else ""
                print(
                    f"| {scale} | {counts['institutions']} | {label}{errors} | {result['p50_ms']} "
                    f"| {result['p95_ms']} | {result['p99_ms']} | {result['rps']} | {ratio:.2f} |",
                    flush=True,
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
        print(f"<!-- scale {scale}: set-up {counts['setup_s']} s, {counts['figures']} figures -->")


if __name__ == "__main__":
    sys.exit(main())
