#!/usr/bin/env bash
# The window's panels, undo, crash recovery and exports, for real: under Xvfb smpsim opens its window and a
# script of synthesised input (SMP_WINDOW_EVENTS: mouse presses at named widgets and handles, keys) drives it;
# the state it prints at exit, a screenshot of the whole window (SMP_WINDOW_SCREENSHOT) and the files it wrote
# (a report, an animation's frames) are checked. Skipped without xvfb-run.
. "$(dirname "$0")/lib.sh" "$@"
command -v xvfb-run >/dev/null || { echo "xvfb-run not installed"; exit 77; }
cd "$tmp"
unset SDL_VIDEODRIVER
export SMP_STATE_DIR="$tmp/state" # the autosave's directory, not the user's
failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
# window FRAMES EVENTS [SCREENSHOT]: one run at 1000x700 (room for both panels), with the options in window_args
# (none unless set); output in $tmp/out.
window_args=()
window() {
    SMP_WINDOW_FRAMES=$1 SMP_WINDOW_EVENTS=$2 SMP_WINDOW_SCREENSHOT=${3:-} timeout 300 \
        xvfb-run -a -s "-screen 0 1280x720x24" "$smpsim" --width 1000 --height 700 "${window_args[@]}" \
        >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ $rc -ne 0 ]; then echo "window run failed with exit $rc:"; cat "$tmp/out" "$tmp/err"; return 1; fi
}
at_exit() { sed -n "s/^$1 at exit: //p" "$tmp/out"; }

# 1. The panels: dragging the time slider to its end, a light preset, a view, each by a mouse press at the
#    widget; a screenshot before and after. Then the doctor's scars tab: the scar visibility starts to be
#    measured between the frames (a step a frame at most). The still window's run also saves the image with
#    Ctrl+E (checked in 2; the status line it writes is not where the screenshots are compared): one start of
#    smpsim fewer.
window 4 "key:ctrl+e" "$tmp/before.png" || fail "the still window"
depth0=$(at_exit plan | sed 's/^depth \([0-9.]*\) mm.*/\1/') status0=$(at_exit status)
window 18 "set:time=0.98,set:preset2=0.125,set:view2=0.3,set:plan-tab=0.88" "$tmp/after.png" ||
    fail "the scripted window"
vis=$(at_exit visibility)
# A step has run between the frames (the first builds the scene; how many render after it depends on the speed).
[[ "$vis" =~ ^measuring,\ [0-9]+\ %\ after\ [0-9.]+\ s,\ longest\ step\ ([0-9.]+)\ s ]] &&
    python3 -c "import sys; sys.exit(0 if float('${BASH_REMATCH[1]}') > 0 else 1)" ||
    fail "the scars tab did not start measuring the scar visibility: '$vis'"
echo "scar visibility, measured between frames: $vis"
days=$(at_exit timeline | sed 's/ days//')
python3 -c "import sys; sys.exit(0 if float('${days:-0}') > 7000 else 1)" ||
    fail "the time slider at its end did not go to 20 years: '$days' days"
[[ "$(at_exit light)" == bathroom* ]] || fail "the preset row did not pick bathroom: '$(at_exit light)'"
[ "$(at_exit view)" = "closeup-crown" ] || fail "the view row did not pick the crown close-up: '$(at_exit view)'"
# The image changed where the head is, the way a warm bathroom light and a close-up change it: the centre is
# redder relative to blue than under daylight on the far view, and differs by more than the panels' hover.
python3 - "$tmp/before.png" "$tmp/after.png" <<'PY' || fail "the screenshot did not change as expected"
import struct, sys, zlib
def read(path):
    data = open(path, 'rb').read()
    pos, idat, w, h = 8, b'', 0, 0
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR': w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
        if kind == b'IDAT': idat += body
        pos += 12 + n
    raw, bpp, rows, prev = zlib.decompress(idat), 4 if ctype == 6 else 3, [], bytearray(w * (4 if ctype == 6 else 3))
    stride = w * bpp
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            p = a + b - c
            pred = [0, a, b, (a + b) // 2, a if abs(p - a) <= abs(p - b) and abs(p - a) <= abs(p - c) else (b if abs(p - b) <= abs(p - c) else c)][f]
            line[i] = (line[i] + pred) & 255
        rows.append(line); prev = line
    return w, h, bpp, rows
def centre(path):
    w, h, bpp, rows = read(path)
    s = [0, 0, 0]; n = 0
    for y in range(h * 3 // 10, h * 7 // 10):
        for x in range(w * 4 // 10, w * 6 // 10):
            for k in range(3): s[k] += rows[y][x * bpp + k]
            n += 1
    return [v / n for v in s]
a, b = centre(sys.argv[1]), centre(sys.argv[2])
print('centre before', [round(v) for v in a], 'after', [round(v) for v in b])
sys.exit(0 if b[0] / max(b[2], 1) > a[0] / max(a[2], 1) * 1.05 and sum(abs(x - y) for x, y in zip(a, b)) > 15 else 1)
PY

# 2. Undo and redo of plan edits: D twice deepens the needle by 0.10 mm, Ctrl+Z takes one step back, Ctrl+Y
#    does it again; the panel's slider edits the same plan.
# Ctrl+E (in the still window's run) saved the image with the plan and the time in it.
shot=$(ls "$tmp"/smpsim-*.png 2>/dev/null | head -1)
[ -n "$shot" ] && python3 "$repo/tests/app/png_meta.py" "$shot" | python3 -c "
import json, sys
m = json.load(sys.stdin)
assert json.loads(m['smpsim:plan'])['pigment']['depth_mm'] == float('$depth0') and m['smpsim:time'].startswith('day 95')
" || fail "Ctrl+E did not save the image with its plan and time: '$shot' $status0"
window 4 "key:d,key:d,key:ctrl+z" || fail "the undo run"
depth1=$(at_exit plan | sed 's/^depth \([0-9.]*\) mm.*/\1/')
python3 -c "import sys; sys.exit(0 if abs(float('$depth1') - float('$depth0') - 0.05) < 1e-6 else 1)" ||
    fail "D, D, Ctrl+Z did not leave the depth one step deeper: $depth0 -> $depth1 mm"
grep -q ', 1 undo steps' "$tmp/out" || fail "one undo step should remain: $(at_exit plan)"
window 34 "set:depth=0.5,set:plan-tab=0.62,set:touch-actions=0.25,set:plan-tab=0.88,set:scar-actions=0.5,\
set:plan-tab=0.12,drag:hairline-handle=-20,drag:temples-handle=-20,set:distance=0.83,set:hair-colour=0.75" ||
    fail "the slider run"
depth2=$(at_exit plan | sed 's/^depth \([0-9.]*\) mm.*/\1/')
python3 -c "import sys; sys.exit(0 if 1.4 <= float('${depth2:-0}') <= 1.7 else 1)" ||
    fail "a press half way along the needle depth slider (0.1..3 mm) did not set about 1.55 mm: '$depth2'"
# The sessions tab adds a touch-up to the built-in plan's one, the scars tab an FUE field to its two scars; on
# the head tab the hairline's handle, dragged 20 pixels up the forehead, raises the hairline (8 cm before), and
# the temples' handle, dragged 20 pixels up the left temple, the hairline's corners (8 cm before); the hair colour
# row picks blond.
[[ "$(at_exit plan)" == *", 6 undo steps, 3 scars, 2 touch-ups" ]] ||
    fail "the tabs' buttons, the two handles and the hair colour did not make one edit each: '$(at_exit plan)'"
[ "$(at_exit hair)" = "#b89565" ] || fail "the hair colour row did not pick blond (#b89565): '$(at_exit hair)'"
heights=$(at_exit hairline | sed 's/ cm, temples / /; s/ cm$//')
python3 -c "import sys; h, t = map(float, '$heights'.split()); sys.exit(0 if 8.3 <= h <= 12 and 8.3 <= t <= 12 else 1)" ||
    fail "dragging the hairline and temples handles up did not raise them: '$(at_exit hairline)'"
# The view panel's distance row: "from 2 m" stands the camera 2 m from the head.
[ "$(at_exit distance)" = "2.00 m" ] || fail "the distance row did not set 2 m: '$(at_exit distance)'"

# 3. Crash recovery: an edit is autosaved at once; after kill -9 the next start offers it and Enter takes it.
SMP_WINDOW_FRAMES=100000 SMP_WINDOW_EVENTS=key:d,key:d,key:d xvfb-run -a -s "-screen 0 1280x720x24" \
    "$smpsim" --width 320 --height 180 >"$tmp/killed.out" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
    [ -f "$SMP_STATE_DIR/recovery.json" ] && grep -q '"depth_mm": 0.55' "$SMP_STATE_DIR/recovery.json" && break
    sleep 0.1
done
# The process to kill is the one that wrote the file (its sidecar names it), not xvfb-run around it.
victim=$(python3 -c "import json; print(json.load(open('$SMP_STATE_DIR/recovery.json.meta'))['pid'])" 2>/dev/null)
[ -n "$victim" ] && kill -9 "$victim"
wait $pid 2>/dev/null
grep -q '"depth_mm": 0.55' "$SMP_STATE_DIR/recovery.json" 2>/dev/null ||
    fail "the edits were not autosaved before the kill: $(cat "$SMP_STATE_DIR/recovery.json" 2>&1 | head -c 300)"
window 3 "" || fail "the run after the kill"
grep -q 'recovery offered' "$tmp/out" || fail "the next start did not offer the recovery: $(at_exit plan)"
# (That run's exit was clean but the offer was not answered: it stays for the next start.)
window 3 "key:return" || fail "the recovering run"
[ "$(at_exit plan | sed 's/^depth \([0-9.]*\) mm.*/\1/')" = "0.55" ] ||
    fail "Enter did not recover the plan: $(at_exit plan)"
[ ! -f "$SMP_STATE_DIR/recovery.json" ] || fail "a clean exit left the recovery file"

# 4. Modes: the doctor's and the trainer's exports, each with a progress screen (the doctor's quick report of a
#    plan without scars, 320 x 180 images; the trainer's light sweep in 6 frames of 320 x 180, both next to the
#    plan file, here ./smpsim-plan.json), then the patient's panel (+10 years, the office light); and the
#    trainer's technique examples (too deep is shown as B beside the plan as it is, A, which stays unedited: from
#    the top, B's scalp is darker and bluer).
window_args=(--set 'scars=[]')
window 28 "set:export-actions=0.83,set:mode=0.83,set:export-size=0.17,set:anim-frames=0,set:anim-kinds=0.83,\
set:mode=0.17,set:when=0.875,set:light=0.5" || fail "the exports and patient mode run"
window_args=()
[[ "$(at_exit exports)" =~ ^2,\ ([0-9]+)\ progress ]] && [ "${BASH_REMATCH[1]}" -ge 4 ] ||
    fail "the two exports did not draw their progress: '$(at_exit exports)'"
python3 "$repo/tests/app/report_check.py" "$tmp/smpsim-plan-report" >"$tmp/check" 2>&1 ||
    { cat "$tmp/check"; fail "the window's report is not a whole report"; }
grep -q 'smpsim-plan.json' "$tmp/smpsim-plan-report/index.html" 2>/dev/null ||
    fail "the window's report does not name the plan file"
frames=$(ls "$tmp"/smpsim-plan-sweep-*.png 2>/dev/null | wc -l)
[ "$frames" -eq 6 ] || fail "the light sweep did not write 6 frames: $frames"
# Each frame carries the plan and its light: the key goes from overhead to raking.
python3 - "$repo/tests/app/png_meta.py" "$tmp/smpsim-plan-sweep-000.png" "$tmp/smpsim-plan-sweep-005.png" <<'PY' ||
import json, re, subprocess, sys
def meta(path): return json.loads(subprocess.check_output([sys.executable, sys.argv[1], path]))
a, b = meta(sys.argv[2]), meta(sys.argv[3])
el = [float(re.search(r'elevation (-?[0-9.]+)', m['smpsim:light']).group(1)) for m in (a, b)]
print('sweep: key elevation', el[0], 'to', el[1], 'degrees')
assert json.loads(a['smpsim:plan'])['scars'] == [] and el[0] > 80 and el[1] < 10
PY
    fail "the sweep's frames do not carry the plan and the light going from overhead to raking"
# The MP4 when ffmpeg is installed (never required).
if command -v ffmpeg >/dev/null; then [ -s "$tmp/smpsim-plan-sweep.mp4" ]; else [ ! -e "$tmp/smpsim-plan-sweep.mp4" ]; fi ||
    fail "the MP4 does not follow ffmpeg's presence ($(command -v ffmpeg || echo none))"
[ "$(at_exit mode)" = "patient" ] || fail "the mode row did not switch to patient: '$(at_exit mode)'"
[[ "$(at_exit light)" == office* ]] || fail "the patient's light row did not pick the office: '$(at_exit light)'"
days=$(at_exit timeline | sed 's/ days//')
python3 -c "import sys; sys.exit(0 if 3700 < float('${days:-0}') < 3800 else 1)" ||
    fail "+10 years did not set ten years after healing: '$days' days"
window 10 "key:2,set:mode=0.83,set:technique=0.5" "$tmp/technique.png" || fail "the trainer mode run"
[ "$(at_exit mode)" = "trainer" ] || fail "the mode row did not switch to trainer: '$(at_exit mode)'"
[ "$(at_exit compare)" = "side by side, plan: B: too deep" ] ||
    fail "the trainer's 'too deep' is not shown side by side: '$(at_exit compare)'"
[[ "$(at_exit plan)" == "depth 0.40 mm"*", 0 undo steps"* ]] || fail "the technique example edited the plan: '$(at_exit plan)'"
# The scalp just left and right of the line between A and B (the panels cover the rest at 1000 px).
# side_check FILE CONDITION: CONDITION is Python on a = (r, g, b) of A and b = (r, g, b) of B.
side_check() {
    python3 "$repo/tests/app/png_mean.py" "$1" 0.38 0.48 0.4 0.6 0.52 0.62 0.4 0.6 >"$tmp/means" &&
        python3 -c "import sys; a, b = [tuple(map(float, l.split())) for l in open('$tmp/means')]; print('A', a, 'B', b); sys.exit(0 if $2 else 1)"
}
side_check "$tmp/technique.png" "sum(b) < sum(a) - 15 and b[2] - b[0] > a[2] - a[0] + 10" ||
    fail "too deep (B) is not darker and bluer than the plan (A)"

# 5. Before | after: the patient's box turns the split on; from the top, the scalp left of the split (before the
#    first session) is lighter than right of it (the healed dots).
window 11 "key:2,set:mode=0.17,click:compare" "$tmp/compare.png" || fail "the compare run"
[ "$(at_exit compare)" = "split 0.50" ] || fail "the before | after box did not turn the split on: '$(at_exit compare)'"
python3 "$repo/tests/app/png_mean.py" "$tmp/compare.png" 0.46 0.495 0.4 0.6 0.505 0.54 0.4 0.6 >"$tmp/means" &&
    python3 -c "import sys; l, r = [sum(map(float, x.split())) / 3 for x in open('$tmp/means')]; print('before (left) %.1f, after (right) %.1f' % (l, r)); sys.exit(0 if l > r + 10 else 1)" ||
    fail "the split did not show the untreated scalp left of the treated"

# 6. A | B by year in the doctor's view panel: B (healed + 10 years) beside A (healed) is lighter, faded.
window 9 "key:2,set:compare-kind=0.83,set:side-kind=0.1" "$tmp/years.png" || fail "the A | B run"
[[ "$(at_exit compare)" == "side by side, year: B: day 37"* ]] || fail "A | B by year is not on: '$(at_exit compare)'"
side_check "$tmp/years.png" "sum(b) > sum(a) + 15" || fail "B ten years on is not lighter than A healed"

if [ $failed -ne 0 ]; then echo "$failed failed"; exit 1; fi
echo "6 passed, 0 failed"
