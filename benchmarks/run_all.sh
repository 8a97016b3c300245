#!/usr/bin/env bash
# Every benchmark, one after the other; figures go to README.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
export SECRET_KEY="${SECRET_KEY:-benchmark-only}"
for bench in bench_figures bench_attainment bench_dashboard bench_report; do
  echo "=== $bench"
  .venv/bin/python "benchmarks/$bench.py"
done
