#!/usr/bin/env bash
# A plan with a photo of the scalp (issue 14, item 2) through the command line: head.photo relative to the plan
# file's folder renders headless, and says what the photo covers and how much shading it removed; bad photos
# (missing, not an image, a header of 100000 x 100000 pixels, a damaged file) and bad camera fields give one
# line on stderr naming the file or the field and what was expected, exit status 2, and no output file.
. "$(dirname "$0")/lib.sh" "$@"
outputs="$tmp/out.png"
command -v python3 >/dev/null || { echo "python3 is needed to write the test images"; exit 77; }

# The photo: the untreated head drawn by smpsim from 45 degrees to the patient's left, 19.5 up, 0.6 m, a
# 30-degree field (the three-quarter view's direction), small.
mkdir -p "$tmp/photos" "$tmp/plans"
"$smpsim" render --view three-quarter --distance-m 0.6 --set 'sessions=[]' --width 240 --height 320 \
    -o "$tmp/photos/side.png" >/dev/null 2>&1 || fail "the photo was not drawn"
camera='"photo_azimuth_deg": 45, "photo_elevation_deg": 19.47, "photo_distance_m": 0.6, "photo_fov_deg": 30'
printf '{"version": 1, "head": {"photo": "../photos/side.png", %s}}' "$camera" >"$tmp/plans/photo.json"
printf '{"version": 1, "head": {"photo": "../photos/nothere.jpg", %s}}' "$camera" >"$tmp/plans/missing.json"

if (cd / && "$smpsim" render --plan "$tmp/plans/photo.json" --width 96 --height 72 -o "$tmp/photo.png") \
        >"$tmp/stdout" 2>"$tmp/stderr" && [ -s "$tmp/photo.png" ] &&
        grep -q "head.photo: $tmp/photos/side.png covers [0-9]* cm2 of the head" "$tmp/stderr"; then
    passes=$((passes+1))
else
    echo "FAIL photo_render: $(cat "$tmp/stderr")"; fails=$((fails+1))
fi

expect_fail missing_file "$tmp/plans/missing.json: head.photo: $tmp/photos/nothere.jpg: cannot open" \
    render --plan "$tmp/plans/missing.json" -o "$tmp/out.png"
printf 'not a photo\n' >"$tmp/photos/text.jpg"
expect_fail not_an_image "head.photo: $tmp/photos/text.jpg: not a JPEG or PNG image" \
    render --set head.photo="\"$tmp/photos/text.jpg\"" -o "$tmp/out.png"
python3 - "$tmp/photos/side.png" "$tmp/photos/huge.png" "$tmp/photos/cut.png" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
# IHDR's width and height (bytes 16..23) say 100000 x 100000; stb_image would refuse it as "unknown".
open(sys.argv[2], "wb").write(data[:16] + struct.pack(">II", 100000, 100000) + data[24:])
open(sys.argv[3], "wb").write(data[:len(data) // 3])
PY
expect_fail huge_header "head.photo: $tmp/photos/huge.png: 100000 x 100000 pixels in its header; an image has at most 16384 on a side" \
    render --set head.photo="\"$tmp/photos/huge.png\"" -o "$tmp/out.png"
expect_fail damaged "head.photo: $tmp/photos/cut.png: damaged PNG: " \
    render --set head.photo="\"$tmp/photos/cut.png\"" -o "$tmp/out.png"
expect_fail fov_range "head.photo_fov_deg: must be between 5 and 120 degrees, got 200" \
    render --plan "$tmp/plans/photo.json" --set head.photo_fov_deg=200 -o "$tmp/out.png"
expect_fail hair_name "head.photo_hair: must be one of keep, remove" \
    render --plan "$tmp/plans/photo.json" --set head.photo_hair='"shave"' -o "$tmp/out.png"

finish
