#!/usr/bin/env bash
# Set up the environment (idempotent) and run the test suite.
#   bash tools/run_tests.sh [pytest args...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/tools/setup_env.sh"
VENV="${FTCL_VENV:-$ROOT/.venv}"
cd "$ROOT"
echo "[run_tests] $(date +%H:%M:%S) pytest tests $*"
start=$(date +%s)
set +e
"$VENV/bin/python" -m pytest tests -ra "$@"
rc=$?
set -e
echo "[run_tests] finished in $(( $(date +%s) - start ))s (exit code $rc)"
exit $rc
