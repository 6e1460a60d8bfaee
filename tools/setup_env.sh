#!/usr/bin/env bash
# Create (or reuse) the project's virtualenv with the pinned OpenMMLab stack.
#
#   bash tools/setup_env.sh            # idempotent; seconds when up to date
#
# Environment:
#   FTCL_VENV      virtualenv path (default: <repo>/.venv)
#   FTCL_PYTHON    interpreter used to create it (default: python3; 3.10/3.11)
#   PIP_FIND_LINKS extra wheel folders; a prebuilt mmcv wheel found there
#                  is used instead of the ~11-minute source build
#   FTCL_WHEEL_CACHE  where an mmcv wheel built from source is kept and
#                  found again by the next virtualenv or clone (default:
#                  ${XDG_CACHE_HOME:-~/.cache}/ftcl_mm/wheels)
#   FTCL_FORCE_SETUP=1  redo every step even if the stamp says up to date
#
# Versions: constraints.txt (the one place they are written; why each pin:
# docs/environment.md). Every pip call below is constrained by it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${FTCL_VENV:-$ROOT/.venv}"
PYTHON="${FTCL_PYTHON:-python3}"
STAMP="$VENV/.ftcl_env_stamp"

CONSTRAINTS="$ROOT/constraints.txt"
MMCV_VERSION=$(sed -n 's/^mmcv==//p' "$CONSTRAINTS")
[ -n "$MMCV_VERSION" ] || { echo "setup_env: error: constraints.txt has no mmcv==VERSION line" >&2; exit 1; }
TORCH_PKGS=(torch torchvision)
BUILD_PKGS=(setuptools wheel numpy)
MM_PKGS=(mmengine mmpretrain mmdet numpy opencv-python pycocotools matplotlib
         tensorboard pytest ruff)
CACHE_ROOT="${FTCL_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ftcl_mm/wheels}"

log() { printf '[setup_env %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf 'setup_env: error: %s\n' "$*" >&2; exit 1; }

# The stamp covers everything that decides what gets installed.
want_stamp() {
    cat "$ROOT/tools/setup_env.sh" "$ROOT/setup.py" "$CONSTRAINTS" | sha256sum | cut -c1-16
}

check_python() {
    command -v "$1" >/dev/null 2>&1 || die "'$1' not found; install Python 3.10 or 3.11 or set FTCL_PYTHON"
    local v
    v=$("$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    case "$v" in
        3.10|3.11) ;;
        *) die "Python $v found ('$1'); the pinned stack needs Python 3.10 or 3.11 (set FTCL_PYTHON to one)";;
    esac
}

stack_imports() {
    "$VENV/bin/python" - <<'EOF' >/dev/null 2>&1
import warnings
warnings.filterwarnings('ignore')
import torch, torchvision, mmengine, mmpretrain, mmdet, ftcl_mm
from mmcv.ops import RoIAlign, nms  # compiled ops must be present
EOF
}

if [ -z "${FTCL_FORCE_SETUP:-}" ] && [ -f "$STAMP" ] && \
   [ "$(cat "$STAMP")" = "$(want_stamp)" ] && stack_imports; then
    log "environment up to date: $VENV"
    exit 0
fi

START=$(date +%s)
if [ ! -x "$VENV/bin/python" ]; then
    check_python "$PYTHON"
    log "creating virtualenv $VENV"
    "$PYTHON" -m venv "$VENV" || die "could not create the virtualenv $VENV (is the python venv module installed?)"
fi
check_python "$VENV/bin/python"
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)
# pip warns about every unreachable extra index folder; keep the log readable.
pip_q() { "${PIP[@]}" install -q -c "$CONSTRAINTS" "$@" 2> >(grep -v 'is ignored: it is neither' >&2); }

log "step 1/5: build tools (${BUILD_PKGS[*]})"
pip_q "${BUILD_PKGS[@]}" || die "installing build tools failed"

log "step 2/5: ${TORCH_PKGS[*]} (a few GB on a fresh machine; ~3 min)"
pip_q "${TORCH_PKGS[@]}" || die "installing torch/torchvision failed"
# mmcv imports mmengine and cv2: install them first so a wheel can be
# checked with 'import mmcv.ops' and a source build finds them.
pip_q mmengine opencv-python addict yapf packaging pyyaml \
    || die "installing mmcv's dependencies failed"
# A built mmcv links against this exact torch and Python: cache per pair.
TORCH_TAG=$("$VENV/bin/python" -c 'import sys, torch; print("torch%s-py%d%d" % (torch.__version__.split("+")[0], *sys.version_info[:2]))')
WHEEL_CACHE="$CACHE_ROOT/$TORCH_TAG"

mmcv_ok() { "$VENV/bin/python" -c "import mmcv, mmcv.ops; assert mmcv.__version__ == '$MMCV_VERSION'" >/dev/null 2>&1; }

if mmcv_ok; then
    log "step 3/5: mmcv $MMCV_VERSION with ops already installed"
elif "${PIP[@]}" install -q --only-binary=mmcv --no-deps "mmcv==$MMCV_VERSION" \
        >/dev/null 2>&1 && mmcv_ok; then
    log "step 3/5: mmcv $MMCV_VERSION installed from a prebuilt wheel"
elif [ -d "$WHEEL_CACHE" ] && "${PIP[@]}" install -q --no-index --no-deps \
        --find-links "$WHEEL_CACHE" "mmcv==$MMCV_VERSION" >/dev/null 2>&1 && mmcv_ok; then
    log "step 3/5: mmcv $MMCV_VERSION installed from the wheel cache $WHEEL_CACHE"
else
    log "step 3/5: no usable mmcv $MMCV_VERSION wheel; building from source (~11 min on 2 cores)"
    "${PIP[@]}" uninstall -y -q mmcv >/dev/null 2>&1 || true
    BUILD_DIR=$(mktemp -d)
    trap 'rm -rf "$BUILD_DIR"' EXIT
    "${PIP[@]}" download -q --no-deps --no-binary=:all: -d "$BUILD_DIR" \
        "mmcv==$MMCV_VERSION" 2> >(grep -v 'is ignored' >&2) \
        || die "could not download the mmcv $MMCV_VERSION source distribution"
    tar -xzf "$BUILD_DIR"/mmcv-$MMCV_VERSION.tar.gz -C "$BUILD_DIR"
    SRC="$BUILD_DIR/mmcv-$MMCV_VERSION"
    # torch 2.14 headers need C++20; mmcv 2.1.0 hard-codes C++17.
    sed -i 's/-std=c++17/-std=c++20/g' "$SRC/setup.py"
    grep -q 'c++20' "$SRC/setup.py" || die "mmcv setup.py no longer has the -std flag to patch"
    BUILD_LOG="$BUILD_DIR/build.log"
    # Build a wheel (kept in the cache for the next virtualenv), then
    # install it.
    ( cd "$SRC" && MMCV_WITH_OPS=1 MAX_JOBS="$(nproc)" \
      "${PIP[@]}" wheel -v --no-build-isolation --no-deps -w "$BUILD_DIR/wheel" . \
      >"$BUILD_LOG" 2>&1 ) &
    BUILD_PID=$!
    BUILD_START=$(date +%s)
    while kill -0 "$BUILD_PID" 2>/dev/null; do
        sleep 30
        n=$(grep -c -- '-c .*\.cpp' "$BUILD_LOG" 2>/dev/null || true)
        log "  mmcv build running for $(( ($(date +%s) - BUILD_START) / 60 )) min, ${n:-0} C++ sources compiled so far"
    done
    if ! wait "$BUILD_PID"; then
        tail -n 30 "$BUILD_LOG" >&2
        die "mmcv source build failed (log above)"
    fi
    "${PIP[@]}" install -q --no-deps "$BUILD_DIR"/wheel/mmcv-*.whl \
        || die "installing the built mmcv wheel failed"
    mmcv_ok || die "mmcv built but 'import mmcv.ops' fails"
    # Into the cache atomically (a half-copied wheel is never found).
    if mkdir -p "$WHEEL_CACHE" 2>/dev/null; then
        for w in "$BUILD_DIR"/wheel/mmcv-*.whl; do
            cp "$w" "$WHEEL_CACHE/.$(basename "$w").tmp$$" &&
                mv "$WHEEL_CACHE/.$(basename "$w").tmp$$" "$WHEEL_CACHE/$(basename "$w")"
        done
        log "  mmcv $MMCV_VERSION built from source; wheel cached in $WHEEL_CACHE"
    else
        log "  mmcv $MMCV_VERSION built from source (cache $WHEEL_CACHE not writable: not cached)"
    fi
fi

log "step 4/5: ${MM_PKGS[*]} mmcv"
pip_q "${MM_PKGS[@]}" mmcv || die "installing the OpenMMLab stack failed"

log "step 5/5: ftcl_mm (editable)"
pip_q --no-deps --no-build-isolation -e "$ROOT" || die "installing ftcl_mm failed"

stack_imports || die "the stack installed but does not import; run: $VENV/bin/python -c 'import mmcv.ops, mmpretrain, mmdet, ftcl_mm'"
want_stamp >"$STAMP"
log "environment ready in $(( $(date +%s) - START ))s: $VENV"
