#!/usr/bin/env bash
# The whole pipeline on generated data, CPU-sized (target: <= 10 minutes on
# 2 cores):
#   1. set up the environment (idempotent)
#   2. generate the demo dataset (ImageNet-style, VOC, COCO)
#   3. pretrain MoCo v2 + Feature Transformation (work_dirs/demo/pretrain)
#   4. plot its score statistics (work_dirs/demo/plots)
#   5. convert the checkpoint to a backbone file (work_dirs/demo/backbone.pth)
#   6. Faster R-CNN C4 on demo VOC, 7. Mask R-CNN C4 on demo COCO,
#   8. linear evaluation on the demo classes -- each from the pretrained
#      backbone and from a random initialisation, to show what pretraining
#      bought
#   9. work_dirs/demo/summary.md (and .json): every metric and artifact
# Environment: DEMO_DATA (data/demo), DEMO_WORK_DIR (work_dirs/demo),
#   DEMO_EPOCHS (pretraining epochs, 20),
#   DEMO_CONFIG (configs/selfsup/demo/mocov2_ft_demo.py)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash tools/setup_env.sh
PY="${FTCL_VENV:-$ROOT/.venv}/bin/python"
export FTCL_DEMO_DATA="${DEMO_DATA:-data/demo}"
WORK="${DEMO_WORK_DIR:-work_dirs/demo}"
EPOCHS="${DEMO_EPOCHS:-20}"
CONFIG="${DEMO_CONFIG:-configs/selfsup/demo/mocov2_ft_demo.py}"
DET=configs/benchmarks/mmdetection/demo
CLS=configs/benchmarks/classification/demo
start=$(date +%s)
step() { echo "[demo $(date +%H:%M:%S) +$(( $(date +%s) - start ))s] $*"; }

step "1/8 demo data in $FTCL_DEMO_DATA"
"$PY" tools/make_demo_data.py --out "$FTCL_DEMO_DATA"

step "2/8 pretraining $(basename "$CONFIG" .py) for $EPOCHS epochs -> $WORK/pretrain"
rm -rf "$WORK"
mkdir -p "$WORK/pretrain"
"$PY" tools/train.py "$CONFIG" --work-dir "$WORK/pretrain" --cfg-options \
    "train_cfg.max_epochs=$EPOCHS" "param_scheduler.0.T_max=$EPOCHS" \
    "param_scheduler.0.end=$EPOCHS" >"$WORK/pretrain/train.log" 2>&1 \
    || { tail -n 30 "$WORK/pretrain/train.log"; exit 1; }
grep -E 'Epoch\(train\)' "$WORK/pretrain/train.log" | tail -n 2 \
    | sed 's/.*Epoch/  Epoch/' 

step "3/8 score plots -> $WORK/plots"
"$PY" tools/analysis/plot_scores.py "$WORK/pretrain" --out "$WORK/plots" \
    --labels "$(basename "$CONFIG" .py)" --smooth 10 | sed 's/^/  /'

step "4/8 converting the checkpoint -> $WORK/backbone.pth"
"$PY" tools/convert_ckpt.py "$(cat "$WORK/pretrain/last_checkpoint")" \
    "$WORK/backbone.pth" | sed 's/^/  /'

# Train one transfer run quietly; show its final metrics line.
transfer() {  # NAME CONFIG PRETRAINED
    local log="$WORK/$1.log"
    "$PY" tools/train.py "$2" --work-dir "$WORK/$1" --pretrained "$3" \
        >"$log" 2>&1 || { tail -n 30 "$log"; exit 1; }
    grep -E '(Iter|Epoch)\(val\)' "$log" | tail -n 1 \
        | sed -E 's/.*\(val\) *(\[[^]]*\])* *//; s/ +data_time.*//; s/^/  /'
}

step "5/8 Faster R-CNN R18-C4 on demo VOC (pretrained, then random init)"
transfer voc_pretrained "$DET/faster-rcnn_r18-c4_demo_voc.py" "$WORK/backbone.pth"
transfer voc_random "$DET/faster-rcnn_r18-c4_demo_voc.py" none

step "6/8 Mask R-CNN R18-C4 on demo COCO (pretrained, then random init)"
transfer coco_pretrained "$DET/mask-rcnn_r18-c4_demo_coco.py" "$WORK/backbone.pth"
transfer coco_random "$DET/mask-rcnn_r18-c4_demo_coco.py" none

step "7/8 linear evaluation on the demo classes (pretrained, then random init)"
transfer linear_pretrained "$CLS/resnet18_linear_demo.py" "$WORK/backbone.pth"
transfer linear_random "$CLS/resnet18_linear_demo.py" none

step "8/8 summary -> $WORK/summary.md"
"$PY" tools/benchmarks/summarize.py --out "$WORK/summary" \
    --title "ftcl_mm demo ($(basename "$CONFIG" .py), $EPOCHS epochs, CPU)" \
    --note "pretraining: $WORK/pretrain (scores: $WORK/pretrain/score_stats.csv, plots: $WORK/plots)" \
    --note "backbone: $WORK/backbone.pth; data: $FTCL_DEMO_DATA" \
    --note "total time: $(( $(date +%s) - start ))s" \
    voc_pretrained="$WORK/voc_pretrained" voc_random="$WORK/voc_random" \
    coco_pretrained="$WORK/coco_pretrained" coco_random="$WORK/coco_random" \
    linear_pretrained="$WORK/linear_pretrained" \
    linear_random="$WORK/linear_random" >/dev/null
cat "$WORK/summary.md"
step "done in $(( $(date +%s) - start ))s"
