"""What the benchmark scripts share: each scale runs in a fresh child process on
a scratch database holding the demo province (`seed_demo --scale N`), and the
parent prints the child's measurements as a Markdown table for README.md."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child_setup(scale: int) -> float:
    """In the child: set Django up on the scratch database, build the demo
    province at `scale`, and switch query recording on. Returns the set-up time."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gialai_lifelong.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    quiet = io.StringIO()
    started = time.perf_counter()
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command("load_reference", stdout=quiet)
    call_command("seed_demo", scale=scale, no_reports=True, force=True, stdout=quiet)
    settings.DEBUG = True  # record queries for the counts
    return time.perf_counter() - started


def child_report(scale: int, setup_s: float, results: list[dict]) -> None:
    """In the child: the measurements, as one JSON line for the parent."""
    from indicators.models import Figures
    from institutions.models import Institution

    payload = {
        "scale": scale,
        "institutions": Institution.objects.count(),
        "figures": Figures.objects.count(),
        "setup_s": round(setup_s, 1),
        "results": results,
    }
    print(json.dumps(payload))


def run_child(command: Sequence[str], env: dict[str, str]) -> dict:
    """Run a benchmark's child process from the project's root and return the
    JSON object its last line of output carries (its measurements)."""
    out = subprocess.run(
        list(command), env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def run_scales(
    script: str, *, scales: Sequence[int], repeat: int, columns: Sequence[tuple[str, str]]
) -> None:
    """In the parent: run `script --child-scale N` for each scale on its own scratch
    SQLite file (or BENCH_DATABASE_URL) and print a table with `columns`
    (header, key of a result) after scale, institutions and figures."""
    headers = ["scale", "institutions", "figures", *(h for h, _ in columns)]
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join("---:" if h not in ("measure", "page") else "---" for h in headers) + "|")
    name = Path(script).stem
    for scale in scales:
        with tempfile.TemporaryDirectory(prefix=f"{name}_", dir="/tmp") as tmp:
            env = dict(os.environ)
            env["DATABASE_URL"] = os.environ.get(
                "BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3"
            )
            env.setdefault("SECRET_KEY", "benchmark-only")
            command = [sys.executable, script, "--child-scale", str(scale), "--repeat", str(repeat)]
            data = run_child(command, env)
            for result in data["results"]:
                cells = [scale, data["institutions"], data["figures"]]
                cells += [result[key] for _, key in columns]
                print("| " + " | ".join(str(c) for c in cells) + " |")
            print(
                f"<!-- scale {scale}: set-up (migrate, load_reference, seed_demo) {data['setup_s']} s -->"
            )


def main(
    script: str, *, doc: str, child: Callable[[int, int], None], columns: Sequence[tuple[str, str]]
) -> None:
    """A benchmark script's command line: the parent runs every scale in a child
    (`--child-scale`), which measures with `child(scale, repeat)`."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child-scale", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_scale:
        child(args.child_scale, args.repeat)
        return
    run_scales(script, scales=args.scales, repeat=args.repeat, columns=columns)
