#!/usr/bin/env bash
# Renders docs/scans.md's images of a photo of the scalp on the head: a stand-in photo (no patient's photo can
# ship here) -- the untreated built-in patient (Norwood 6, 3 mm hair) drawn by smpsim from the plan's default
# photo camera (0.5 m above the head's centre, here a 30-degree field), with freckles, a mole and a reddish
# birthmark painted on -- then the head with that photo before SMP and healed, from the three-quarter view, in
# daylight and under the bathroom light, and the same healed head without the photo.
# Usage: bash scripts/docs-images-photo.sh [path/to/smpsim]   (default build/smpsim)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
smpsim=${1:-$repo/build/smpsim}
out=$repo/docs/images
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
patient=(--set patient.hair_length_mm=3)
# The top view stands 385 mm above the vertex with a 30-degree field: the photo camera 500 mm above the head's
# centre, which lies 115 mm below the vertex (scene_photo_camera).
"$smpsim" render --width 600 --height 800 --view top --distance-m 0.385 "${patient[@]}" --set 'sessions=[]' \
    --set 'touch_ups=[]' -o "$tmp/plain.png" >/dev/null
python3 - "$tmp/plain.png" "$out/photo-input.png" "$repo/tests/app" <<'PY'
import random, struct, sys, zlib
sys.path.insert(0, sys.argv[3])
from smp_png import read_png
w, h, rows, _ = read_png(sys.argv[1], True)
px = [bytearray(r) for r in rows]
def tint(cx, cy, r, mul, soft=1.0):
    for y in range(max(0, int(cy - r - 2)), min(h, int(cy + r + 3))):
        for x in range(max(0, int(cx - r - 2)), min(w, int(cx + r + 3))):
            d = ((x - cx) ** 2 + (y - cy) ** 2) ** 0.5
            a = max(0.0, min(1.0, (r - d) / soft + 0.5))
            if a <= 0:
                continue
            for c in range(3):
                v = px[y][4 * x + c]
                px[y][4 * x + c] = int(round(v * (1 - a + a * mul[c])))
random.seed(7)
# Freckles over the front of the scalp, a mole on the crown's left, a port-wine-like patch behind the right temple.
for _ in range(60):
    tint(random.gauss(300, 70), random.gauss(250, 60), random.uniform(1.2, 2.6), (0.80, 0.72, 0.66))
tint(360, 470, 4.5, (0.45, 0.35, 0.30))
tint(200, 330, 38, (0.97, 0.82, 0.84), soft=14.0)
raw = b"".join(b"\0" + bytes(v for i in range(w) for v in r[4 * i:4 * i + 3]) for r in px)
def chunk(k, b):
    return struct.pack(">I", len(b)) + k + b + struct.pack(">I", zlib.crc32(k + b) & 0xFFFFFFFF)
open(sys.argv[2], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
                              chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
PY
photo=(--set head.photo="\"$out/photo-input.png\"" --set head.photo_fov_deg=30)
r() { "$smpsim" render --width 640 --height 480 --view three-quarter --distance-m 0.6 "${patient[@]}" "$@"; }
r "${photo[@]}" --set 'sessions=[]' --set 'touch_ups=[]' -o "$out/photo-before.png"
r "${photo[@]}" -o "$out/photo-healed.png"
r "${photo[@]}" --light-preset bathroom -o "$out/photo-healed-bathroom.png"
r -o "$out/photo-healed-without.png"
echo "images in $out"
