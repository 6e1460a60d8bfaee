#!/usr/bin/env bash
# Set up the environment (idempotent) and run the test suite.
#   bash tools/run_tests.sh [pytest args...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/tools/setup_env.sh"
VENV="${FTCL_VENV:-$ROOT/.venv}"
cd "$ROOT"
TMP_DIR="${TMPDIR:-/tmp}"
free_mb=$(df -Pm "$TMP_DIR" | awk 'NR==2 {print $4}')
echo "[run_tests] $(date +%H:%M:%S) pytest tests $* (${free_mb} MB free in $TMP_DIR)"
if [ "${free_mb:-0}" -lt 1500 ]; then
    echo "[run_tests] warning: the tests need ~1 GB in $TMP_DIR (checkpoints);" \
         "free space or point TMPDIR at a larger disk" >&2
fi
start=$(date +%s)
set +e
# The 25 slowest tests close the log: where to look when the suite grows.
"$VENV/bin/python" -m pytest tests -ra --durations=25 "$@"
rc=$?
set -e
echo "[run_tests] finished in $(( $(date +%s) - start ))s (exit code $rc)"
exit $rc
