"""Benchmark of the portal as served in production: gunicorn on PostgreSQL, 8
concurrent clients (wrk), side by side at several scales of the demo province.

    BENCH_PG=postgres://postgres@127.0.0.1:5432 SECRET_KEY=x \\
        .venv/bin/python benchmarks/bench_serving.py [--scales 1 30] [--seconds 15] \\
        [--through-year 2030] [--keep]

For each scale: a scratch database `bench_serving_<scale>` on that server
(dropped first, unless `--keep` finds it already built: then it is only
migrated to this commit's tables), `migrate`, `load_reference`,
`seed_demo --scale N --no-reports`, with `--through-year` the figures carried
to that year (benchmarks/extend_years.py: 8 years with 2030), `ANALYZE`; then `bin/serve web` (gunicorn, DEBUG off, WEB_CONCURRENCY
workers, the cache in Redis as in production) on a free loopback port,
signed-in sessions for the reviewer and an officer, and for each page: one
request timed alone right after the data changed (the page builds its cached
part: "first"), then `wrk -c 8 -t 2 -d <seconds>s` (steady state). Pages: the
reviewer's province dashboard, the public dashboard, the accountability view,
an officer's unit dashboard, the API's attainment, the list behind a province
number (its first page of 100) and the officer's entry page (never cached). Prints
first request, p50/p95/p99 (ms) and requests/s per page and scale, and each
page's p95 as a multiple of scale 1's: on a shared machine the ratios mean more
than the absolute times.

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


def _prepare(scale: int, base: str, *, through: int | None, keep: bool) -> tuple[dict, dict]:
    name = f"bench_serving_{scale}" + (f"_to{through}" if through else "")
    env = {
        **os.environ,
        "DATABASE_URL": f"{base.rstrip('/')}/{name}",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only"),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "false",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        # wrk asks far more than a person: no throttle in the way.
        "API_ANON_RATE": "100000000/minute",
        "API_USER_RATE": "100000000/minute",
    }
    started = time.perf_counter()
    exists = (
        name
        in subprocess.run(
            ["psql", *_pg_args(base), "-Atc", "SELECT datname FROM pg_database"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
    )
    if not (keep and exists):
        for command in (["dropdb", "--if-exists", name], ["createdb", name]):
            subprocess.run(command + _pg_args(base), check=True)
        _manage(env, "migrate", "--no-input", "-v0")
        _manage(env, "load_reference")
        _manage(env, "seed_demo", "--scale", str(scale), "--no-reports", "--force")
        if through:
            subprocess.run(
                [PYTHON, str(ROOT / "benchmarks" / "extend_years.py"), "--through", str(through)],
                env=env,
                cwd=ROOT,
                check=True,
            )
        _manage(env, "dbshell", "--", "-c", "ANALYZE;")
    else:  # a database built by an earlier commit: bring it to this one's tables
        _manage(env, "migrate", "--no-input", "-v0")
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


def _new_version(env: dict) -> None:
    """Give the data a new version, as any write does: every cached part is
    built again at its next request."""
    _manage(env, "shell", "-c", "from reports.page_cache import replace_token; replace_token()")


def _first(url: str, cookie: str) -> float:
    """One request alone, in ms."""
    request = urllib.request.Request(
        url, headers={"Cookie": f"sessionid={cookie}"} if cookie else {}
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=300) as response:
        response.read()
    return round((time.perf_counter() - started) * 1000, 1)


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
    parser.add_argument("--through-year", type=int, help="carry the figures to this year")
    parser.add_argument("--keep", action="store_true", help="reuse a database already built")
    args = parser.parse_args()
    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    script = Path(tempfile.gettempdir()) / "bench_serving.lua"
    script.write_text(LUA)
    first_p95: dict[str, float] = {}
    print(
        "| scale | institutions | page | first (ms) | p50 (ms) | p95 (ms) | p99 (ms) | req/s "
        "| p95 ÷ scale 1 |"
    )
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    for scale in args.scales:
        env, counts = _prepare(scale, base, through=args.through_year, keep=args.keep)
        sessions = _bench_line(_manage(env, "shell", "-c", SESSIONS, capture=True))
        year = 2030 if args.through_year and args.through_year >= 2030 else 2025
        port = _free_port()
        server = _serve(env, port)
        pages = [
            (f"province dashboard {year}, reviewer", f"/dashboard/?year={year}", "reviewer"),
            ("public dashboard", "/dashboard/", ""),
            (f"accountability {year}", f"/dashboard/accountability/?year={year}", "reviewer"),
            ("unit dashboard 2024, officer", sessions["unit_dashboard"], "officer"),
            (f"API attainment {year}", f"/api/v1/attainment/?year={year}", "reviewer"),
            (
                f"list behind a province number {year}, reviewer",
                f"/dashboard/behind/?target=LIB_LLL_SERVICE:LIB_COMM&year={year}&which=meeting",
                "reviewer",
            ),
        ]
        if sessions["entry"]:
            pages.append(("entry page 2026, officer", sessions["entry"], "officer"))
        try:
            for label, path, who in pages:
                url = f"http://127.0.0.1:{port}{path}"
                _new_version(env)
                first = _first(url, sessions.get(who, ""))
                result = _wrk(url, sessions.get(who, ""), args.seconds, script)
                key = label.replace(str(year), "")
                ratio = result["p95_ms"] / first_p95[key] if key in first_p95 else 1.0
                first_p95.setdefault(key, result["p95_ms"])
                errors = f" ({result['errors']} errors)" if result["errors"] else ""
                print(
                    f"| {scale} | {counts['institutions']} | {label}{errors} | {first} "
                    f"| {result['p50_ms']} | {result['p95_ms']} | {result['p99_ms']} "
                    f"| {result['rps']} | {ratio:.2f} |",
                    flush=True,
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
        print(f"<!-- scale {scale}: set-up {counts['setup_s']} s, {counts['figures']} figures -->")


if __name__ == "__main__":
    sys.exit(main())
