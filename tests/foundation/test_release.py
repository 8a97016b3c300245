from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_collectstatic_succeeds_with_the_production_storage(tmp_path: Path) -> None:
    # The release step: DEBUG off selects WhiteNoise's compressed manifest storage,
    # which fails on any asset that references a file we do not ship.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DEBUG"},
        "DEBUG": "false",
        "SECRET_KEY": "release-check",
        "ALLOWED_HOSTS": "portal.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "vendor/bootstrap/bootstrap.min.css" in manifest
    assert "fonts/LiberationSerif-Regular.ttf" in manifest


def _serve(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    return subprocess.run(
        [str(ROOT / "bin" / "serve"), *args],
        cwd=ROOT,
        env={**clean, "DEBUG": "false", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_bin_serve_refuses_to_start_without_its_settings_and_names_them() -> None:
    result = _serve({"ALLOWED_HOSTS": "portal.example"})
    assert result.returncode == 2
    assert "Thiếu biến môi trường bắt buộc khi chạy thật: SECRET_KEY DATABASE_URL" in result.stderr
    assert "ALLOWED_HOSTS" not in result.stderr.splitlines()[0]
    # A worker serves no requests: it needs no host names.
    worker = _serve({"SECRET_KEY": "x", "ALLOWED_HOSTS": ""}, "worker")
    assert worker.returncode == 2
    assert worker.stderr.splitlines()[0].endswith(": DATABASE_URL")


def test_bin_serve_says_how_to_call_it() -> None:
    result = _serve({}, "everything")
    assert result.returncode == 2
    assert "bin/serve [web|worker]" in result.stderr


def _eager_with(env: dict[str, str]) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CELERY_")}
    code = (
        "import django; django.setup(); from gialai_lifelong.celery import app; "
        "print(app.conf.task_always_eager)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "gialai_lifelong.settings", "DEBUG": "true", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_without_a_broker_tasks_run_in_process_so_the_demo_needs_no_redis() -> None:
    assert _eager_with({}) == "True"
    assert _eager_with({"CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"}) == "False"
