#!/usr/bin/env bash
# Smoke test of the frozen build (make installer; CI after make test):
#   scripts/frozen_smoke.sh [dist/photocheck | dist/PhotoCheck.app/Contents/MacOS]
# 1. the frozen `photocheck --self-test` (a photo and a material through the whole pipeline);
# 2. the frozen `photocheck photo fix` on a copy of the sample under a folder and file name with
#    Chinese characters and spaces, run from another directory, output re-checked by the frozen
#    `photocheck photo check`;
# 3. the frozen `photocheck-gui` starts on Qt's offscreen platform, opens the same photo and is still
#    running after GUI_SECONDS (default 5): a missing module, library or plugin ends it sooner.
# Every step runs with a scratch HOME and no network variables; any failure exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
DIST=$(cd "${1:-dist/photocheck}" && pwd)
GUI_SECONDS=${GUI_SECONDS:-5}
EXE=""
[ -f "$DIST/photocheck.exe" ] && EXE=".exe"  # Windows (Git Bash on the release workflow)
CLI="$DIST/photocheck$EXE"
GUI="$DIST/photocheck-gui$EXE"
for exe in "$CLI" "$GUI"; do
  [ -x "$exe" ] || { echo "frozen-smoke: $exe missing: build first (make installer)" >&2; exit 1; }
done

SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
export HOME="$SCRATCH/home"
mkdir -p "$HOME"
step() { printf '\n== frozen-smoke: %s\n' "$*"; }

step "photocheck --self-test"
"$CLI" --self-test

step "photocheck photo fix under a Chinese path with spaces"
WORK_DIR="$SCRATCH/测试 目录"
mkdir -p "$WORK_DIR"
cp resources/samples/grace_hopper.jpg "$WORK_DIR/照片 1.jpg"
(cd "$SCRATCH" && "$CLI" photo fix "$WORK_DIR/照片 1.jpg" -o "$WORK_DIR/报名 照片.jpg" \
  --original "$WORK_DIR/高分辨率 原图.jpg")
for f in "报名 照片.jpg" "高分辨率 原图.jpg"; do
  [ -s "$WORK_DIR/$f" ] || { echo "frozen-smoke: $WORK_DIR/$f was not written" >&2; exit 1; }
done
(cd "$WORK_DIR" && "$CLI" photo check "报名 照片.jpg")

step "photocheck-gui starts (offscreen, ${GUI_SECONDS} s)"
set +e
QT_QPA_PLATFORM=offscreen timeout "$GUI_SECONDS" "$GUI" "$WORK_DIR/照片 1.jpg" >"$SCRATCH/gui.log" 2>&1
rc=$?
set -e
if [ "$rc" -ne 124 ] || grep -q "Traceback" "$SCRATCH/gui.log"; then
  echo "frozen-smoke: photocheck-gui ended with code $rc before ${GUI_SECONDS} s (124 = still running):" >&2
  cat "$SCRATCH/gui.log" >&2
  exit 1
fi
echo "photocheck-gui was still running after ${GUI_SECONDS} s"
printf '\nfrozen-smoke: 3 passed, 0 failed\n'
