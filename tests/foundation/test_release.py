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
