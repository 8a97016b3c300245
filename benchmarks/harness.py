"""What the benchmark scripts share: each scale runs in a fresh child process on
a scratch database holding the demo province (`seed_demo --scale N`), and the
parent prints the child's measurements as a Markdown table for README.md."""

from __future__ import annotations

import argparse
import contextlib
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
    province at `scale` (unless the parent built it already, BENCH_SEEDED), and
    switch query recording on. Returns the set-up time (0 when built already)."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gialai_lifelong.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    started = time.perf_counter()
    if not os.environ.get("BENCH_SEEDED"):
        quiet = io.StringIO()
        call_command("migrate", verbosity=0, stdout=quiet)
        call_command("load_reference", stdout=quiet)
        call_command("seed_demo", scale=scale, no_reports=True, force=True, stdout=quiet)
    settings.DEBUG = True  # record queries for the counts
    return time.perf_counter() - started


def best_of(fn: Callable[[], object], repeat: int) -> dict[str, float]:
    """The best of `repeat` runs of `fn`, in wall-clock and in CPU milliseconds
    (`best_ms`, `cpu_ms`). On a shared machine the CPU time of this process
    (which, on SQLite, includes the database's work) moves less than the wall
    clock when other sessions run."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        wall = min(wall, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - started_cpu)
    return {"best_ms": round(wall * 1000, 1), "cpu_ms": round(cpu * 1000, 1)}


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


def _child(script: str, scale: int, repeat: int, env: dict[str, str], *more: str) -> dict:
    command = [sys.executable, script, "--child-scale", str(scale), "--repeat", str(repeat), *more]
    return run_child(command, env)


def _best_rounds(payloads: list[dict]) -> list[dict]:
    """The last round's results with each time the best of all rounds."""
    results = [dict(r) for r in payloads[-1]["results"]]
    for result in results:
        for key in [k for k in result if k.endswith("_ms")]:
            result[key] = min(
                r[key] for p in payloads for r in p["results"] if r["what"] == result["what"]
            )
    return results


def run_scales(
    script: str,
    *,
    scales: Sequence[int],
    repeat: int,
    columns: Sequence[tuple[str, str]],
    rounds: int = 1,
) -> None:
    """In the parent: build the demo province at each scale on its own scratch
    SQLite file (or BENCH_DATABASE_URL, one scale at a time), then measure it
    in a fresh child (`script --child-scale N`), and print a table with
    `columns` (header, key of a result) after scale, institutions and figures.
    With `rounds` > 1 (read-only benchmarks), the scales are measured in turn,
    round after round, and each time is the best of the rounds: a burst of
    another session's work then weighs on no scale alone."""
    if rounds > 1 and os.environ.get("BENCH_DATABASE_URL"):
        raise SystemExit("--rounds needs a scratch SQLite file per scale: unset BENCH_DATABASE_URL")
    headers = ["scale", "institutions", "figures", *(h for h, _ in columns)]
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join("---:" if h not in ("measure", "page") else "---" for h in headers) + "|")
    name = Path(script).stem
    by_scale: dict[int, list[dict]] = {}
    with contextlib.ExitStack() as stack:
        envs: dict[int, dict[str, str]] = {}
        setup: dict[int, float] = {}
        payloads: dict[int, list[dict]] = {scale: [] for scale in scales}
        for scale in scales:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix=f"{name}_", dir="/tmp"))
            env = dict(os.environ)
            env["DATABASE_URL"] = os.environ.get(
                "BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3"
            )
            env.setdefault("SECRET_KEY", "benchmark-only")
            if rounds == 1:  # build and measure in one child, one scale after another
                payloads[scale].append(_child(script, scale, repeat, env))
                setup[scale] = payloads[scale][0]["setup_s"]
                continue
            setup[scale] = _child(script, scale, repeat, env, "--seed-only")["setup_s"]
            envs[scale] = {**env, "BENCH_SEEDED": "1"}
        for _round in range(rounds if rounds > 1 else 0):
            for scale in scales:
                payloads[scale].append(_child(script, scale, repeat, envs[scale]))
        for scale in scales:
            data = payloads[scale][-1]
            by_scale[scale] = _best_rounds(payloads[scale])
            for result in by_scale[scale]:
                cells = [scale, data["institutions"], data["figures"]]
                cells += [result[key] for _, key in columns]
                print("| " + " | ".join(str(c) for c in cells) + " |")
            print(
                f"<!-- scale {scale}: set-up (migrate, load_reference, seed_demo) {setup[scale]} s"
                + (f"; best of {rounds} rounds" if rounds > 1 else "")
                + " -->"
            )
    if len(scales) > 1:
        print_ratios(by_scale[scales[0]], by_scale[scales[-1]], scales[0], scales[-1], columns)


def print_ratios(
    first: list[dict],
    last: list[dict],
    low: int,
    high: int,
    columns: Sequence[tuple[str, str]],
) -> None:
    """The cost at the last scale over the cost at the first, measure by
    measure, for every time column: the figures that stay comparable when the
    machine is shared, since both were measured in the same run."""
    times = [(h, k) for h, k in columns if k.endswith("_ms")]
    if not times:
        return
    before = {r["what"]: r for r in first}
    print()
    print(f"| {columns[0][0]} | " + " | ".join(f"{h} ×{high}/×{low}" for h, _ in times) + " |")
    print("|---|" + "---:|" * len(times))
    for result in last:
        base = before.get(result["what"])
        if base is None:
            continue
        ratios = [f"{result[k] / base[k]:.2f}" if base[k] else "–" for _h, k in times]
        print(f"| {result['what']} | " + " | ".join(ratios) + " |")


def main(
    script: str, *, doc: str, child: Callable[[int, int], None], columns: Sequence[tuple[str, str]]
) -> None:
    """A benchmark script's command line: the parent runs every scale in a child
    (`--child-scale`), which measures with `child(scale, repeat)`; `--rounds N`
    builds each scale once and measures the scales in turn N times (for
    benchmarks that only read)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--child-scale", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--seed-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_scale and args.seed_only:
        print(json.dumps({"setup_s": round(child_setup(args.child_scale), 1)}))
        return
    if args.child_scale:
        child(args.child_scale, args.repeat)
        return
    run_scales(script, scales=args.scales, repeat=args.repeat, columns=columns, rounds=args.rounds)
