#!/usr/bin/env bash
# Cost of oversubscribed intra-op threads: PROCS training processes side by
# side (as dist_train.sh ranks or ft_study.py jobs run), first with torch's
# default (one thread per core in every process), then with cores / PROCS
# threads each (ftcl_mm/utils/threads.py). Prints the mean step time of
# each setting and their ratio, measured in one run.
#   bash tools/performance/threads_benchmark.sh [CONFIG] [PROCS]
# Environment: FTCL_DEMO_DATA (data/demo, generated if missing),
#   BENCH_DIR (a temporary directory, removed afterwards).
set -euo pipefail
if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
PY="${FTCL_VENV:-$ROOT/.venv}/bin/python"
CONFIG="${1:-configs/selfsup/tiny/simclr_tiny.py}"
PROCS="${2:-2}"
CORES=$(nproc)
export FTCL_DEMO_DATA="${FTCL_DEMO_DATA:-data/demo}"
[ -f "$CONFIG" ] || { echo "threads_benchmark.sh: error: no config $CONFIG" >&2; exit 2; }
"$PY" tools/make_demo_data.py --out "$FTCL_DEMO_DATA" >/dev/null
DIR="${BENCH_DIR:-$(mktemp -d)}"
trap 'rm -rf "$DIR"' EXIT

mean_step() {  # WORK_DIR -> mean 'time' of the logged steps after the first
    "$PY" - "$1" <<'PY'
import glob, json, statistics, sys
rows = [json.loads(l) for f in glob.glob(sys.argv[1] + '/*/vis_data/scalars.json')
        for l in open(f) if l.strip()]
times = [r['time'] for r in rows if 'time' in r][1:]
print(f'{statistics.fmean(times):.3f}')
PY
}

declare -A RESULT
for threads in "$CORES" $(( CORES / PROCS > 0 ? CORES / PROCS : 1 )); do
    echo "[threads_benchmark] $PROCS processes x $threads thread(s), 1 epoch of $(basename "$CONFIG" .py)"
    for p in $(seq "$PROCS"); do
        FTCL_THREADS=$threads "$PY" tools/train.py "$CONFIG" \
            --work-dir "$DIR/t${threads}_p$p" --cfg-options \
            train_cfg.max_epochs=1 train_dataloader.num_workers=0 \
            train_dataloader.persistent_workers=False \
            default_hooks.logger.interval=1 randomness.seed=$p \
            >"$DIR/t${threads}_p$p.log" 2>&1 &
    done
    wait
    steps=""
    for p in $(seq "$PROCS"); do steps="$steps $(mean_step "$DIR/t${threads}_p$p")"; done
    RESULT[$threads]=$(echo $steps | awk '{s=0; for(i=1;i<=NF;i++) s+=$i; print s/NF}')
    echo "  mean step: ${RESULT[$threads]} s (per process:$steps)"
done
one=$(( CORES / PROCS > 0 ? CORES / PROCS : 1 ))
echo "[threads_benchmark] $CORES cores, $PROCS processes: ${RESULT[$CORES]} s/step with $CORES threads each vs ${RESULT[$one]} s/step with $one: ratio $(awk "BEGIN {printf \"%.2f\", ${RESULT[$CORES]} / ${RESULT[$one]}}")"
