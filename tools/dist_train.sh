#!/usr/bin/env bash
# Distributed training with torchrun: tools/dist_train.sh CONFIG NGPUS [args]
# On a machine without CUDA it starts NGPUS CPU processes (gloo backend).
# Interpreter: $FTCL_PYTHON, else the project's .venv (tools/setup_env.sh),
# else `python` on PATH.
set -euo pipefail
usage() {
    echo "usage: tools/dist_train.sh CONFIG NGPUS [tools/train.py args...]"
    echo "  env: NNODES (1), NODE_RANK (0), PORT (29500), MASTER_ADDR (127.0.0.1),"
    echo "       FTCL_THREADS (intra-op threads per process; default cores / NGPUS),"
    echo "       FTCL_PYTHON (interpreter; default .venv/bin/python)"
}
if [ $# -ge 1 ] && { [ "$1" = "-h" ] || [ "$1" = "--help" ]; }; then
    usage; exit 0
fi
if [ $# -lt 2 ]; then
    usage >&2
    echo "dist_train.sh: error: expected CONFIG and NGPUS, got $# argument(s)" >&2
    exit 2
fi
CONFIG=$1
GPUS=$2
shift 2
case "$GPUS" in ''|*[!0-9]*|0) echo "dist_train.sh: error: NGPUS must be a positive integer, got '$GPUS'" >&2; exit 2;; esac
if [ ! -f "$CONFIG" ]; then
    echo "dist_train.sh: error: config $CONFIG does not exist" >&2; exit 2
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -n "${FTCL_PYTHON:-}" ]; then PY=$FTCL_PYTHON
elif [ -x "$ROOT/.venv/bin/python" ]; then PY=$ROOT/.venv/bin/python
else PY=python; fi
if ! "$PY" -c 'import torch' >/dev/null 2>&1; then
    echo "dist_train.sh: error: $PY has no torch (no project virtualenv at $ROOT/.venv);" \
        "set it up with bash tools/setup_env.sh, or point FTCL_PYTHON at a Python with the stack" >&2
    exit 2
fi
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-127.0.0.1}

# Intra-op threads per process: the user's FTCL_THREADS or OMP_NUM_THREADS,
# else cores // processes (torchrun would set OMP_NUM_THREADS=1, which
# leaves cores idle when there are more cores than processes).
CORES=$("$PY" -c 'import os; print(len(os.sched_getaffinity(0)))' 2>/dev/null || nproc)
THREADS=$(( CORES / GPUS )); [ "$THREADS" -ge 1 ] || THREADS=1
export FTCL_THREADS="${FTCL_THREADS:-${OMP_NUM_THREADS:-$THREADS}}"

PYTHONPATH="$ROOT:${PYTHONPATH:-}" \
exec "$PY" -m torch.distributed.run \
    --nnodes="$NNODES" --node_rank="$NODE_RANK" --master_addr="$MASTER_ADDR" \
    --nproc_per_node="$GPUS" --master_port="$PORT" \
    "$ROOT/tools/train.py" "$CONFIG" --launcher pytorch "$@"
