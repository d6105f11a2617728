#!/usr/bin/env bash
# Renders docs/scans.md's images of an imported head: a stand-in scan (no patient's scan can ship here) written by
# build/tests/demo_scan -- the procedural head made unlike itself (6 % larger, the occiput flattened, the crown
# raised), coloured per vertex as a scanner records skin, a binary PLY in metres standing +z up, with the plan
# that imports it -- beside the built-in procedural head, before SMP and healed, from three sides.
# Usage: bash scripts/docs-images-scan.sh [path/to/build]   (default build/; run scripts/build.sh first)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build}
smpsim=$build/smpsim
out=$repo/docs/images
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --build "$build" --target demo_scan >/dev/null
"$build/tests/demo_scan" "$tmp"
r() { "$smpsim" render --width 480 --height 360 --distance-m 0.6 "$@"; }
untreated=(--set 'sessions=[]' --set 'touch_ups=[]')
for view in three-quarter left top; do
    r --view $view "${untreated[@]}" -o "$out/scan-procedural-$view.png"
    r --plan "$tmp/plan.json" --view $view "${untreated[@]}" -o "$out/scan-before-$view.png"
    r --plan "$tmp/plan.json" --view $view -o "$out/scan-healed-$view.png"
done
echo "images in $out"
