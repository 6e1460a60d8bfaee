#!/usr/bin/env bash
# Lint and format check with the pinned ruff (constraints.txt, installed by
# tools/setup_env.sh); the rules are in ruff.toml. Fails on any violation.
#   bash tools/lint.sh          # check (what CI runs)
#   bash tools/lint.sh --fix    # fix imports/unused names and reformat
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUFF="${FTCL_VENV:-$ROOT/.venv}/bin/ruff"
[ -x "$RUFF" ] || { echo "lint.sh: error: $RUFF not found; run: bash tools/setup_env.sh" >&2; exit 2; }
cd "$ROOT"
if [ "${1:-}" = "--fix" ]; then
    "$RUFF" check --fix . && "$RUFF" format .
else
    echo "[lint] $("$RUFF" --version): ruff check + ruff format --check"
    "$RUFF" check . && "$RUFF" format --check .
fi
