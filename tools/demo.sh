#!/usr/bin/env bash
# The whole pipeline on generated data in the tiny regime
# (docs/reports/narratives/tiny_regime.md;
# target: <= 10 minutes on 2 cores after set-up):
#   1. set up the environment (idempotent)
#   2. generate the data (10-class shapes at 64 px; the tiny detection
#      benchmark's VOC and COCO of the same classes)
#   3. pretrain (default SimCLR, ResNet-18 width 16; work_dirs/demo/pretrain)
#   4. plot its score statistics (work_dirs/demo/plots)
#   5. convert the checkpoint to a backbone file (work_dirs/demo/backbone.pth)
#   6. the downstream suite on the frozen backbone (docs/downstream.md):
#      kNN top-1 and a linear probe (on features cached once; the full
#      protocol is tools/train.py on the linear config) on the 10,000
#      held-out images and on the colour, rotation and fine-grained tasks,
#      5-way few-shot episodes, and the held-out images under corruptions,
#   7. Faster R-CNN C4 on the tiny detection benchmark's VOC, 8. Mask R-CNN
#      C4 on its COCO (configs/benchmarks/mmdetection/tiny/*_tinydet_*, a
#      short schedule: DEMO_DET_ITERS) -- each from the pretrained backbone
#      and from a random initialisation, one seed, to show what
#      pretraining bought
#   9. work_dirs/demo/summary.md (and .json): every metric and artifact,
#      the detection pairs read against the detector-seed std stored for
#      this setting (docs/reports/runs/demo_det_noise)
# Usage: bash tools/demo.sh [--force] [--help]
# Environment: DEMO_DATA (data/demo), DEMO_WORK_DIR (work_dirs/demo),
#   DEMO_EPOCHS (pretraining epochs, 8; the regime's full schedule is 20),
#   DEMO_DET_ITERS (detector iterations: one number for both, or
#   "voc=N coco=M"; default "voc=160 coco=128", where each detector's
#   lead over random init was larger than its detector-seed std on every
#   measured seed; the benchmark's are 640 for VOC and 480 for COCO),
#   DEMO_CONFIG (configs/selfsup/tiny/simclr_tiny.py; any config of
#   configs/selfsup/tiny/, e.g. mocov2_ft-neg_tiny.py),
#   DEMO_FORCE=1 (same as --force), FTCL_THREADS (intra-op threads,
#   default: all cores).
# Safety: everything is checked before anything is written. The demo only
# ever deletes what its manifest (.ftcl_demo in the work dir) lists as
# written by an earlier demo; a work dir with other files is refused unless
# --force, which writes beside them and keeps them; a file of the user's
# that bears a demo output's name is refused even with --force.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
FORCE="${DEMO_FORCE:-0}"
for arg in "$@"; do
    case "$arg" in
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0;;
        -f|--force) FORCE=1;;
        *) echo "demo.sh: error: unknown argument '$arg'; see bash tools/demo.sh --help" >&2; exit 2;;
    esac
done
fail() { echo "demo.sh: error: $*" >&2; exit 2; }
export FTCL_DEMO_DATA="${DEMO_DATA:-data/demo}"
WORK="${DEMO_WORK_DIR:-work_dirs/demo}"
EPOCHS="${DEMO_EPOCHS:-8}"
DET_ITERS="${DEMO_DET_ITERS:-voc=160 coco=128}"
CONFIG="${DEMO_CONFIG:-configs/selfsup/tiny/simclr_tiny.py}"
DET=configs/benchmarks/mmdetection/tiny
LINEAR=configs/benchmarks/classification/tiny/resnet18w16_linear_tiny.py
MARK=.ftcl_demo
# What the demo writes into $WORK (and the only names it ever deletes).
# (knn_* and linear_*: written by earlier versions of the demo.)
OUTPUTS=(pretrain plots backbone.pth summary.md summary.json
         suite_pretrained suite_random suite_pretrained.log suite_random.log
         knn_pretrained knn_random linear_pretrained linear_random
         voc_pretrained voc_random coco_pretrained coco_random
         knn_pretrained.log knn_random.log linear_pretrained.log
         linear_random.log voc_pretrained.log voc_random.log
         coco_pretrained.log coco_random.log "$MARK")

# 1. Validate everything before anything is written or deleted.
[ -f "$CONFIG" ] || fail "DEMO_CONFIG $CONFIG does not exist; pick one of configs/selfsup/tiny/"
case "$EPOCHS" in ''|*[!0-9]*|0) fail "DEMO_EPOCHS must be a positive integer, got '$EPOCHS'";; esac
# iters DET: the detector's iterations from DET_ITERS (N, or voc=N coco=M).
iters() {
    case "$DET_ITERS" in
        *=*) sed -nE "s/(^|.* )$1=([0-9]+)( .*|$)/\2/p" <<<"$DET_ITERS";;
        *) echo "$DET_ITERS";;
    esac
}
for det in voc coco; do
    n=$(iters "$det")
    case "$n" in ''|*[!0-9]*|0*)
        fail "DEMO_DET_ITERS must be a positive integer or \"voc=N coco=M\", got '$DET_ITERS'";;
    esac
done
for word in $DET_ITERS; do  # per detector: nothing but voc=N and coco=N
    case "$DET_ITERS:$word" in *=*:voc=*|*=*:coco=*|[1-9]*) ;;
        *) fail "DEMO_DET_ITERS must be a positive integer or \"voc=N coco=M\", got '$DET_ITERS'";;
    esac
done
[ "$FORCE" = 0 ] || [ "$FORCE" = 1 ] || fail "DEMO_FORCE must be 0 or 1, got '$FORCE'"
case "${FTCL_THREADS:-1}" in ''|*[!0-9]*|0) fail "FTCL_THREADS must be a positive integer, got '$FTCL_THREADS'";; esac
if [ -e "$WORK" ] && [ ! -d "$WORK" ]; then
    fail "DEMO_WORK_DIR $WORK is a file; point DEMO_WORK_DIR at a directory"
fi
# The manifest $WORK/$MARK lists what the demo wrote (one name a line; an
# empty mark is an older demo's: all OUTPUTS). Only names it lists are ever
# deleted; an entry it does not list is the user's, and an entry of the user
# with a demo output's name makes the demo refuse, --force or not.
ours() {
    [ -f "$WORK/$MARK" ] || return 0
    if [ -s "$WORK/$MARK" ]; then cat "$WORK/$MARK"; else printf '%s\n' "${OUTPUTS[@]}"; fi
}
OURS=$(ours)
foreign() {  # entries of $WORK the manifest does not list
    local entry name
    for entry in "$WORK"/* "$WORK"/.[!.]*; do
        [ -e "$entry" ] || continue
        name=$(basename "$entry")
        [ "$name" = "$MARK" ] && continue
        grep -qxF -- "$name" <<<"$OURS" && continue
        echo "$name"
    done
}
if [ -d "$WORK" ]; then
    FOREIGN=$(foreign)
    clash=$(grep -xF -f <(printf '%s\n' "${OUTPUTS[@]}") <<<"$FOREIGN" | head -n 3 | paste -sd, - || true)
    if [ -n "$clash" ]; then
        fail "DEMO_WORK_DIR $WORK holds $clash, which the demo did not write" \
            "(not in its manifest $MARK) but would overwrite; move them away or" \
            "choose another DEMO_WORK_DIR (--force never deletes files the demo did not write)"
    fi
    others=$(head -n 3 <<<"$FOREIGN" | paste -sd, -)
    if [ -n "$others" ] && [ "$FORCE" != 1 ]; then
        fail "DEMO_WORK_DIR $WORK holds files the demo did not create" \
            "(e.g. $others); choose another DEMO_WORK_DIR, or pass --force" \
            "(DEMO_FORCE=1) to write the demo's outputs beside them (they are kept)"
    fi
fi

bash tools/setup_env.sh
PY="${FTCL_VENV:-$ROOT/.venv}/bin/python"
# Every step may use all cores (utils/threads.py); the pairs below split
# them.
export FTCL_THREADS="${FTCL_THREADS:-$(nproc)}"
start=$(date +%s)
# step KEY MESSAGE: print the step and close the previous one; each step's
# wall time goes to the summary (--stage KEY=SECONDS), so the demo page
# says where the minutes went.
STAGES=()
stage_key='' stage_start=$start
step() {
    local now
    now=$(date +%s)
    [ -z "$stage_key" ] || STAGES+=(--stage "$stage_key=$(( now - stage_start ))")
    stage_key=$1 stage_start=$now
    shift
    echo "[demo $(date +%H:%M:%S) +$(( now - start ))s] $*"
}

# An earlier demo's outputs go first: only what the manifest lists
# (checked above: nothing foreign is named so).
mkdir -p "$WORK"
while IFS= read -r name; do
    case "$name" in ''|*/*|.|..) continue;; esac
    [ "$name" = "$MARK" ] || rm -rf "${WORK:?}/$name"
done <<<"$OURS"
printf '%s\n' "${OUTPUTS[@]}" >"$WORK/$MARK.tmp" && mv "$WORK/$MARK.tmp" "$WORK/$MARK"

step data "1/9 demo data in $FTCL_DEMO_DATA"
"$PY" tools/make_demo_data.py --out "$FTCL_DEMO_DATA"

step pretrain "2/9 pretraining $(basename "$CONFIG" .py) for $EPOCHS epochs -> $WORK/pretrain"
mkdir -p "$WORK/pretrain"
"$PY" tools/train.py "$CONFIG" --work-dir "$WORK/pretrain" --cfg-options \
    "train_cfg.max_epochs=$EPOCHS" "param_scheduler.0.T_max=$EPOCHS" \
    "param_scheduler.0.end=$EPOCHS" "default_hooks.online_knn=None" \
    >"$WORK/pretrain/train.log" 2>&1 \
    || { tail -n 30 "$WORK/pretrain/train.log"; exit 1; }
grep -E 'Epoch\(train\)' "$WORK/pretrain/train.log" | tail -n 2 \
    | sed 's/.*Epoch/  Epoch/' 

# Plotting and converting both read the finished pretraining and are
# mostly interpreter start-up on one core: side by side they take the
# longer one's time (measured: plots 8 s, convert 6 s one after the other).
step plots_convert "3/9 score plots -> $WORK/plots, 4/9 converting the checkpoint -> $WORK/backbone.pth (side by side)"
plots() {
    "$PY" tools/analysis/plot_scores.py "$WORK/pretrain" --out "$WORK/plots" \
        --labels "$(basename "$CONFIG" .py)" --smooth 10
}
convert() {
    "$PY" tools/convert_ckpt.py "$(cat "$WORK/pretrain/last_checkpoint")" \
        "$WORK/backbone.pth"
}
plots >"$WORK/pretrain/plots_step.txt" 2>&1 & jp=$!
convert >"$WORK/pretrain/convert_step.txt" 2>&1 & jc=$!
rc=0
wait "$jp" || rc=1
wait "$jc" || rc=1
sed 's/^/  /' "$WORK/pretrain/plots_step.txt" "$WORK/pretrain/convert_step.txt"
[ "$rc" = 0 ] || exit 1

# Train one detector quietly for its DET_ITERS iterations (lr steps at 5/6
# of them, as the benchmark's); show its final metrics line.
# Each pair of arms (pretrained, random init) runs side by side, each with
# half the threads: measured on the same day on 2 cores, a VOC pair at 160
# iterations took 182 s side by side against ~250 s one after the other
# with 2 threads each (COCO: 229 s against ~300 s); feature extraction of
# the tiny backbone uses 2 threads poorly too. Printed lines come in order.
HALF=$(( FTCL_THREADS > 1 ? FTCL_THREADS / 2 : 1 ))
pair() {  # FN NAME_A PRETRAINED_A NAME_B PRETRAINED_B [ARGS...]
    local fn=$1 a=$2 pa=$3 b=$4 pb=$5 ja jb rc=0
    shift 5
    mkdir -p "$WORK/$a" "$WORK/$b"
    FTCL_THREADS=$HALF "$fn" "$a" "$pa" "$@" >"$WORK/$a/demo_step.txt" 2>&1 & ja=$!
    FTCL_THREADS=$HALF "$fn" "$b" "$pb" "$@" >"$WORK/$b/demo_step.txt" 2>&1 & jb=$!
    wait "$ja" || rc=1
    wait "$jb" || rc=1
    cat "$WORK/$a/demo_step.txt" "$WORK/$b/demo_step.txt"
    return $rc
}
transfer() {  # NAME PRETRAINED CONFIG ITERS
    local log="$WORK/$1.log" n=$4
    "$PY" tools/train.py "$3" --work-dir "$WORK/$1" --pretrained "$2" \
        --cfg-options "train_cfg.max_iters=$n" \
        "train_cfg.val_interval=$n" "param_scheduler.1.end=$n" \
        "param_scheduler.1.milestones=[$(( n * 5 / 6 ))]" \
        "default_hooks.checkpoint.interval=$n" \
        >"$log" 2>&1 || { tail -n 30 "$log"; exit 1; }
    grep -E '(Iter|Epoch)\(val\)' "$log" | tail -n 1 \
        | sed -E 's/.*\(val\) *(\[[^]]*\])* *//; s/ +data_time.*//; s/^/  /'
}

step suite "5/9 downstream suite on the frozen backbone: kNN top-1 (k=20) and linear probe on cached features for the coarse, colour, rotation and fine-grained tasks, few-shot episodes, corruptions (pretrained and random init, side by side)"
suite() {  # NAME PRETRAINED
    mkdir -p "$WORK/$1"
    "$PY" tools/benchmarks/downstream_suite.py "$LINEAR" --pretrained "$2" \
        --out "$WORK/$1/suite.json" >"$WORK/$1.log" 2>&1 \
        || { tail -n 30 "$WORK/$1.log"; exit 1; }
    echo "  $1:"
    grep -E '^\[suite\] [a-z]' "$WORK/$1.log" | sed 's/^/    /'
}
pair suite suite_pretrained "$WORK/backbone.pth" suite_random none

step voc "6/9 Faster R-CNN R18w16-C4 on the tiny detection VOC, $(iters voc) iterations (pretrained and random init, side by side)"
pair transfer voc_pretrained "$WORK/backbone.pth" voc_random none "$DET/faster-rcnn_r18w16-c4_tinydet_voc.py" "$(iters voc)"

step coco "7/9 Mask R-CNN R18w16-C4 on the tiny detection COCO, $(iters coco) iterations (pretrained and random init, side by side)"
pair transfer coco_pretrained "$WORK/backbone.pth" coco_random none "$DET/mask-rcnn_r18w16-c4_tinydet_coco.py" "$(iters coco)"

step summary "8/9 summary -> $WORK/summary.md"
# The detection rows beside the detector-seed std of this very setting
# (tools/studies/tiny_det_table.py --epochs E --det-iters N), if stored.
NOISE=docs/reports/runs/demo_det_noise/results.json
NOISE_ARGS=()
if [ "$CONFIG" = configs/selfsup/tiny/simclr_tiny.py ] && [ -f "$NOISE" ]; then
    NOISE_ARGS=(--noise "$NOISE" --noise-row simclr)
fi
"$PY" tools/benchmarks/summarize.py --out "$WORK/summary" \
    --title "ftcl_mm demo ($(basename "$CONFIG" .py), $EPOCHS epochs, CPU, $FTCL_THREADS threads)" \
    --note "pretraining: $WORK/pretrain (scores: $WORK/pretrain/score_stats.csv, plots: $WORK/plots)" \
    --note "backbone: $WORK/backbone.pth; data: $FTCL_DEMO_DATA" \
    --note "total time: $(( $(date +%s) - start ))s" \
    --wall-s "$(( $(date +%s) - start ))" --epochs "$EPOCHS" --det-iters $DET_ITERS \
    "${STAGES[@]}" \
    suite_pretrained="$WORK/suite_pretrained" suite_random="$WORK/suite_random" \
    voc_pretrained="$WORK/voc_pretrained" voc_random="$WORK/voc_random" \
    coco_pretrained="$WORK/coco_pretrained" coco_random="$WORK/coco_random" \
    "${NOISE_ARGS[@]}" >/dev/null
cat "$WORK/summary.md"
step done "9/9 done in $(( $(date +%s) - start ))s"
