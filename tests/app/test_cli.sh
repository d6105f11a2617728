#!/usr/bin/env bash
# The command line as a user meets it: bad input gives one line on stderr naming the file, the field and
# the allowed range, exit status 2, and no output file; good input writes the PNG.
. "$(dirname "$0")/lib.sh" "$@"
outputs="$tmp/out.png"

printf '{"version": 1, "pigment": {"depth_mm": -1}}' >"$tmp/range.json"
printf '{"version": 1,\n  "pigment": {"depth_mm": 0.4,,}\n}' >"$tmp/malformed.json"

expect_fail missing_plan "nope.json" render --plan "$tmp/nope.json" -o "$tmp/out.png"
expect_fail timeline_with_time "--timeline" render --timeline 3 --years 2 -o "$tmp/out.png"
expect_fail timeline_range "2" render --timeline 1 -o "$tmp/out.png"
expect_fail out_of_range "pigment.depth_mm" render --plan "$tmp/range.json" -o "$tmp/out.png"
expect_fail out_of_range_names_range "0.1" render --plan "$tmp/range.json" -o "$tmp/out.png"
expect_fail malformed_plan "line 2" render --plan "$tmp/malformed.json" -o "$tmp/out.png"
expect_fail unknown_set_path "pigment.dpth_mm" render --set pigment.dpth_mm=1 -o "$tmp/out.png"
expect_fail set_out_of_range "patient.fitzpatrick" render --set patient.fitzpatrick=9 -o "$tmp/out.png"
expect_fail bad_view "--view" render --view sideways -o "$tmp/out.png"
expect_fail bad_light "--light-elevation" render --light-elevation 120 -o "$tmp/out.png"
expect_fail bad_width "--width" render --width 0 -o "$tmp/out.png"
expect_fail bad_field "--field-mm: must be between 5" render --view closeup-crown --field-mm 2 -o "$tmp/out.png"
expect_fail unknown_option "--colour" render --colour red -o "$tmp/out.png"
expect_fail missing_output "-o" render
expect_fail output_dir_missing "does not exist" render -o "$tmp/no/such/dir/out.png"
expect_fail not_png "png" render -o "$tmp/out.jpg"
expect_fail unknown_command "unknown command" frobnicate
expect_fail visibility_no_scars "scars" visibility --set 'scars=[]' -o "$tmp/out.png"
expect_fail visibility_not_png "png" visibility -o "$tmp/out.jpg"
expect_fail report_no_output "-o: an output directory is required" report

"$smpsim" --version | grep -q '^smpsim ' && passes=$((passes+1)) || { echo "FAIL --version"; fails=$((fails+1)); }
"$smpsim" render --help | grep -q -- '--light-azimuth' && passes=$((passes+1)) || { echo "FAIL render --help"; fails=$((fails+1)); }

# A good render writes a PNG of the asked size (skipped, not passed, without a GL context).
"$smpsim" render --width 160 --height 120 --set 'sessions=[]' -o "$tmp/before.png" 2>"$tmp/stderr"
rc=$?
if [ $rc -eq 1 ] && grep -q "OpenGL\|video" "$tmp/stderr"; then
    echo "no GL context: $(cat "$tmp/stderr")"; echo "$passes passed, $fails failed"; exit 77
fi
if [ $rc -eq 0 ] && [ "$(head -c 8 "$tmp/before.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; then
    passes=$((passes+1))
else
    echo "FAIL good render: exit $rc"; cat "$tmp/stderr"; fails=$((fails+1))
fi

# Every image says what it shows: its metadata holds the software, the time, the light, the view and the plan
# (whose JSON loads as the plan rendered: here with no sessions).
if python3 "$repo/tests/app/png_meta.py" "$tmp/before.png" >"$tmp/meta.json" 2>"$tmp/stderr" &&
   python3 - "$tmp/meta.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
assert m["Software"] == "smpsim", m
assert m["smpsim:time"].startswith("day "), m["smpsim:time"]
assert m["smpsim:light"].startswith("daylight"), m["smpsim:light"]
assert m["smpsim:view"] == "front", m["smpsim:view"]
plan = json.loads(m["smpsim:plan"])
assert plan["sessions"] == [] and "pigment" in plan, plan
PY
then
    passes=$((passes+1))
else
    echo "FAIL the render's PNG metadata:"; cat "$tmp/meta.json" "$tmp/stderr"; fails=$((fails+1))
fi

# --timeline N: N frames from day 0 to 20 years, each with its time in its metadata; with ffmpeg on the PATH (here
# a stand-in that records how it was called) they also become out.mp4, without it the frames alone and one line.
mkdir -p "$tmp/bin" && cat >"$tmp/bin/ffmpeg" <<'SH'
#!/bin/sh
echo "$@" >"$(dirname "$0")/args"
for a; do last=$a; done
: >"$last"
SH
chmod +x "$tmp/bin/ffmpeg"
if PATH="$tmp/bin:$PATH" "$smpsim" render --timeline 3 --width 96 --height 64 -o "$tmp/tl.png" >"$tmp/tl.out" 2>"$tmp/stderr" &&
   [ -f "$tmp/tl.mp4" ] && grep -q -- "-i $tmp/tl-%03d.png .*-pix_fmt yuv420p $tmp/tl.mp4" "$tmp/bin/args" &&
   python3 - "$repo" "$tmp" <<'PY'
import json, subprocess, sys
repo, tmp = sys.argv[1], sys.argv[2]
days = []
for i in range(3):
    m = json.loads(subprocess.check_output(["python3", repo + "/tests/app/png_meta.py", "%s/tl-%03d.png" % (tmp, i)]))
    days.append(float(m["smpsim:time"].split()[1]))
assert days[0] == 0 and days[0] < days[1] < days[2] and abs(days[2] - 20 * 365.25) < 1, days
PY
then
    passes=$((passes+1))
else
    echo "FAIL --timeline with ffmpeg:"; cat "$tmp/tl.out" "$tmp/stderr" "$tmp/bin/args"; fails=$((fails+1))
fi
rm -f "$tmp/tl.mp4"
if PATH="/usr/bin:/bin" "$smpsim" render --timeline 2 --width 96 --height 64 -o "$tmp/tl.png" >"$tmp/tl.out" 2>"$tmp/stderr" &&
   [ ! -f "$tmp/tl.mp4" ] && [ -f "$tmp/tl-001.png" ] && grep -q "ffmpeg is not on the PATH" "$tmp/stderr"; then
    passes=$((passes+1))
elif command -v ffmpeg >/dev/null; then
    passes=$((passes+1)) # a real ffmpeg in /usr/bin: the MP4 is made, nothing to check here
else
    echo "FAIL --timeline without ffmpeg:"; cat "$tmp/tl.out" "$tmp/stderr"; fails=$((fails+1))
fi

# smpsim bench --profile: JSON with the full-quality and the interactive frame times, the yardstick of one
# trivial pass, the scene's build and placement, and every pass's time on each path.
if "$smpsim" bench --frames 2 --width 160 --height 120 --profile >"$tmp/bench.json" 2>"$tmp/stderr" &&
   python3 - "$tmp/bench.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("trivial_pass_ms", "scene_build_s", "placement_s", "renderer", "peak_rss_mb", "full", "interactive"):
    assert k in d, k
assert d["trivial_pass_ms"] > 0 and 0 < d["placement_s"] < d["scene_build_s"]
for path in ("full", "interactive"):
    s = d[path]
    for k in ("ms_median", "ms_p95", "ms_median_per_trivial_pass", "passes_ms_median"):
        assert k in s, (path, k)
    assert s["ms_p95"] >= s["ms_median"] > d["trivial_pass_ms"], path
    p = s["passes_ms_median"]
    assert set(p) == {"shadow", "textures", "head", "hair", "resolve", "sss", "tonemap"}, p
    assert all(v >= 0 for v in p.values()) and p["head"] > 0
assert 0.25 <= d["interactive"]["scale_min"] <= d["interactive"]["scale_median"] <= 0.5
PY
then
    passes=$((passes+1))
else
    echo "FAIL bench --profile:"; cat "$tmp/bench.json" "$tmp/stderr"; fails=$((fails+1))
fi

finish
