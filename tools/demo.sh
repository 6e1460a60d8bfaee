#!/usr/bin/env bash
# The demo pipeline on generated data, CPU-sized:
#   1. set up the environment (idempotent)
#   2. generate the demo dataset (ImageNet-style, VOC, COCO) in data/demo
#   3. pretrain MoCo v2 + Feature Transformation on it (work_dirs/demo/pretrain)
#   4. plot its score statistics (work_dirs/demo/plots)
# Environment: DEMO_EPOCHS (default 20), DEMO_DATA (data/demo),
#              DEMO_WORK_DIR (work_dirs/demo),
#              DEMO_CONFIG (configs/selfsup/demo/mocov2_ft_demo.py)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash tools/setup_env.sh
PY="${FTCL_VENV:-$ROOT/.venv}/bin/python"
DATA="${DEMO_DATA:-data/demo}"
WORK="${DEMO_WORK_DIR:-work_dirs/demo}"
EPOCHS="${DEMO_EPOCHS:-20}"
CONFIG="${DEMO_CONFIG:-configs/selfsup/demo/mocov2_ft_demo.py}"
start=$(date +%s)
step() { echo "[demo $(date +%H:%M:%S)] $*"; }

step "1/3 generating demo data in $DATA"
"$PY" tools/make_demo_data.py --out "$DATA"

step "2/3 pretraining $(basename "$CONFIG" .py) for $EPOCHS epochs -> $WORK/pretrain"
"$PY" tools/train.py "$CONFIG" \
    --work-dir "$WORK/pretrain" \
    --cfg-options "train_dataloader.dataset.data_root=$DATA/imagenet/" \
    "train_cfg.max_epochs=$EPOCHS" "param_scheduler.0.T_max=$EPOCHS" \
    "param_scheduler.0.end=$EPOCHS"

step "3/3 plotting score statistics -> $WORK/plots"
"$PY" tools/analysis/plot_scores.py "$WORK/pretrain" --out "$WORK/plots" \
    --labels "$(basename "$CONFIG" .py)" --smooth 10

ckpt=$(cat "$WORK/pretrain/last_checkpoint" 2>/dev/null || true)
step "done in $(( $(date +%s) - start ))s; checkpoint: ${ckpt:-none}"
