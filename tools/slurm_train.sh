#!/usr/bin/env bash
# Slurm training: tools/slurm_train.sh PARTITION JOB_NAME CONFIG [WORK_DIR] [args]
# env: GPUS (8), GPUS_PER_NODE (8), CPUS_PER_TASK (5), SRUN_ARGS (""),
#      FTCL_PYTHON (interpreter; default the project's .venv, else python)
set -euo pipefail
usage() {
    echo "usage: tools/slurm_train.sh PARTITION JOB_NAME CONFIG [WORK_DIR] [tools/train.py args...]"
    echo "  env: GPUS (8), GPUS_PER_NODE (8), CPUS_PER_TASK (5), SRUN_ARGS, FTCL_PYTHON"
}
if [ $# -ge 1 ] && { [ "$1" = "-h" ] || [ "$1" = "--help" ]; }; then
    usage; exit 0
fi
if [ $# -lt 3 ]; then
    usage >&2
    echo "slurm_train.sh: error: expected PARTITION JOB_NAME CONFIG, got $# argument(s)" >&2
    exit 2
fi
if [ ! -f "$3" ]; then
    echo "slurm_train.sh: error: config $3 does not exist" >&2; exit 2
fi
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
shift 3
WORK_ARGS=()
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then WORK_ARGS=(--work-dir "$1"); shift; fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -n "${FTCL_PYTHON:-}" ]; then PY=$FTCL_PYTHON
elif [ -x "$ROOT/.venv/bin/python" ]; then PY=$ROOT/.venv/bin/python
else PY=python; fi
GPUS=${GPUS:-8}
GPUS_PER_NODE=${GPUS_PER_NODE:-8}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
PYTHONPATH="$ROOT:${PYTHONPATH:-}" \
srun -p "$PARTITION" --job-name="$JOB_NAME" --gres=gpu:"$GPUS_PER_NODE" \
    --ntasks="$GPUS" --ntasks-per-node="$GPUS_PER_NODE" \
    --cpus-per-task="$CPUS_PER_TASK" --kill-on-bad-exit=1 ${SRUN_ARGS:-} \
    "$PY" -u "$ROOT/tools/train.py" "$CONFIG" "${WORK_ARGS[@]}" --launcher slurm "$@"
