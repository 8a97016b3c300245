# Shared by bin/demo, bin/serve and bin/test: a virtual environment with the project's
# Python dependencies, made on first use and refreshed when pyproject.toml changes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Cần Python 3.11 trở lên / Python 3.11+ is required (found: $("$PYTHON" --version 2>&1))." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "→ Tạo môi trường ảo .venv / creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)-${EXTRAS:-base}"
# The test extras include the base packages: a venv set up by bin/test serves bin/serve too.
if [ ! -f "$stamp" ] && ! { [ -z "${EXTRAS:-}" ] && [ -f "${stamp%-base}-test" ]; }; then
  echo "→ Cài thư viện Python / installing Python packages"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".${EXTRAS:+[$EXTRAS]}"
  touch "$stamp"
fi
export PATH="$ROOT/.venv/bin:$PATH"
