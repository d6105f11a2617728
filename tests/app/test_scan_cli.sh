#!/usr/bin/env bash
# A plan with a scanned head (issue 14) through the command line: head.mesh relative to the plan file's folder
# renders headless (the estimated landmarks warned about); bad scans, units and landmarks give one line on stderr
# naming the file (or --set) and what was expected, exit status 2, and no output file.
. "$(dirname "$0")/lib.sh" "$@"
outputs="$tmp/out.png"
command -v python3 >/dev/null || { echo "python3 is needed to write the test head"; exit 77; }

# An egg-shaped head, 156 x 220 x 196 mm, +y up, the face towards +z, in centimetres, 64 x 128 lattice.
mkdir -p "$tmp/scans" "$tmp/plans"
python3 - "$tmp/scans/head.obj" <<'EOF'
import math, sys
R, S = 64, 128
with open(sys.argv[1], "w") as f:
    f.write("v 0 11 0\n")
    for i in range(1, R):
        th = math.pi * i / R
        for j in range(S):
            ph = 2 * math.pi * j / S
            d = (math.sin(th) * math.sin(ph), math.cos(th), math.sin(th) * math.cos(ph))
            r = 1 / math.sqrt((d[0] / 7.8) ** 2 + (d[1] / 11.0) ** 2 + (d[2] / (9.8 if d[2] > 0 else 9.8)) ** 2)
            f.write("v %.5f %.5f %.5f\n" % (r * d[0], r * d[1], r * d[2]))
    f.write("v 0 -11 0\n")
    last = 1 + (R - 2) * S
    for j in range(S):
        j1 = (j + 1) % S
        f.write("f 1 %d %d\n" % (2 + j, 2 + j1))
        f.write("f %d %d %d\n" % (last + S + 1, last + 1 + j1, last + 1 + j))
        for i in range(R - 2):
            a, b = 2 + i * S + j, 2 + i * S + j1
            f.write("f %d %d %d\nf %d %d %d\n" % (a, a + S, b + S, a, b + S, b))
EOF
printf '{"version": 1, "head": {"mesh": "../scans/head.obj", "mesh_units": "cm"}, "scars": []}' >"$tmp/plans/scan.json"
printf '{"version": 1, "head": {"mesh": "../scans/nothere.obj"}}' >"$tmp/plans/missing.json"

# The plan file's relative path is found from any working directory, and renders.
if (cd / && "$smpsim" render --plan "$tmp/plans/scan.json" --width 96 --height 72 -o "$tmp/scan.png") \
        >"$tmp/stdout" 2>"$tmp/stderr" && [ -s "$tmp/scan.png" ] && grep -q "estimated" "$tmp/stderr"; then
    passes=$((passes+1))
else
    echo "FAIL scan_render: $(cat "$tmp/stderr")"; fails=$((fails+1))
fi

expect_fail missing_set "head.mesh: missing.obj: cannot open: No such file or directory (expected an OBJ, PLY" \
    render --set head.mesh='"missing.obj"' -o "$tmp/out.png"
expect_fail missing_file "$tmp/plans/missing.json: head.mesh: $tmp/scans/nothere.obj: cannot open" \
    render --plan "$tmp/plans/missing.json" -o "$tmp/out.png"
expect_fail wrong_units "head.mesh: $tmp/scans/head.obj: 22 mm across in mm; a head scan is 100-600 mm across" \
    render --plan "$tmp/plans/scan.json" --set head.mesh_units=mm -o "$tmp/out.png"
expect_fail units_name "head.mesh_units: must be one of mm, cm, m or null, got \"inch\"" \
    render --plan "$tmp/plans/scan.json" --set head.mesh_units=inch -o "$tmp/out.png"
expect_fail landmarks_shape "head.landmarks.nasion: must be [x, y, z]" \
    render --plan "$tmp/plans/scan.json" --set 'head.landmarks={"nasion":[0,1],"tragus_left":[7,0,0],"tragus_right":[-7,0,0]}' -o "$tmp/out.png"
expect_fail landmarks_key "unknown field 'head.landmarks.glabella'" \
    render --plan "$tmp/plans/scan.json" --set 'head.landmarks={"glabella":[0,1,9]}' -o "$tmp/out.png"
expect_fail landmarks_far "head.landmarks: $tmp/scans/head.obj: " \
    render --plan "$tmp/plans/scan.json" --set 'head.landmarks={"nasion":[0,1,9],"tragus_left":[1,0,0],"tragus_right":[-1,0,0]}' -o "$tmp/out.png"
printf 'solid x\nendsolid x\n' >"$tmp/scans/empty.stl"
expect_fail empty_stl "head.mesh: $tmp/scans/empty.stl: " render --set head.mesh="\"$tmp/scans/empty.stl\"" -o "$tmp/out.png"

finish
