#!/usr/bin/env bash
# A scan's landmarks picked with the mouse in the window (doctor, head tab): under Xvfb a plan whose scanned head
# has no landmarks (estimated, with a warning) is opened; the script starts the pick, clicks the nasion and
# cancels with Esc, starts again and clicks the nasion (front view), the left tragion (left view) and the right
# tragion (right view), each click a mouse press and release at the pixel where the written scan's true point
# is seen ("clickat:", through the window's own picking), saves with Ctrl+S, then goes back to the estimate and
# undoes that. The landmarks at exit and in the saved plan must be within 2 mm of the true ones, in the file's
# centimetres, as one undo step; the head fitted to them prints no estimate warning. Skipped without xvfb-run.
. "$(dirname "$0")/lib.sh" "$@"
command -v xvfb-run >/dev/null || { echo "xvfb-run not installed"; exit 77; }
[ -x "${SMP_SCAN_PLAN_WRITE:-}" ] || { echo "SMP_SCAN_PLAN_WRITE (tests/app/scan_plan_write.c) not built"; exit 77; }
cd "$tmp"
unset SDL_VIDEODRIVER
export SMP_STATE_DIR="$tmp/state" # the autosave's directory, not the user's
mkdir -p scan
"$SMP_SCAN_PLAN_WRITE" "$tmp/scan" >truth || fail "the test scan could not be written"
at() { sed -n "s/^$1 //p" truth | tr ' ' '/'; }
nasion=$(at nasion) left=$(at tragus_left) right=$(at tragus_right)
events="set:plan-tab=0.12,click:landmark-pick,clickat:$nasion,type:escape,click:landmark-pick,clickat:$nasion"
events="$events,set:view1=0.9,clickat:$left,set:view2=0.9,clickat:$right,type:ctrl+s,click:landmark-estimate"
events="$events,type:ctrl+z"
start=$(date +%s.%N)
SMP_WINDOW_FRAMES=46 SMP_WINDOW_EVENTS=$events SMP_WINDOW_SCREENSHOT=${SMP_PICK_SCREENSHOT:-} timeout 300 \
    xvfb-run -a -s "-screen 0 1280x720x24" "$smpsim" --plan "$tmp/scan/plan.json" --view front \
    --width 1000 --height 700 >out 2>err
rc=$?
echo "window run: $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s"
cat out err
[ $rc -eq 0 ] || fail "the window exited $rc"
# The estimate is warned about before the pick and after "estimate them instead", not for the head fitted to
# the picked landmarks, nor after Ctrl+Z brought them back.
[ "$(grep -c 'landmarks estimated' err)" = 2 ] ||
    fail "the estimate should be warned about twice: before the pick and after 'estimate them instead'"
grep -q "^landmarks at exit: nasion " out || fail "no landmarks at exit: $(grep '^landmarks' out)"
grep -q ", 1 undo steps" out ||
    fail "the three landmarks, then the estimate undone, should leave one undo step: $(grep '^plan at exit' out)"
grep -q "^markers at exit: 3, [1-3] on the screen" out || fail "the markers: $(grep '^markers' out)"
python3 - truth out scan/plan.json <<'PY' || fail "the picked landmarks are not the scan's"
import json, math, re, sys
truth = {l.split()[0]: [float(v) for v in l.split()[1:]] for l in open(sys.argv[1])}
line = [l for l in open(sys.argv[2]) if l.startswith("landmarks at exit: ")][0]
shown = {k: [float(v) for v in re.search(k + r" \[([^\]]*)\]", line).group(1).split(",")] for k in truth}
saved = json.load(open(sys.argv[3]))["head"]["landmarks"]
ok = True
for k, want in truth.items():
    for where, got in (("at exit", shown[k]), ("saved", saved[k])):
        d_mm = 10.0 * math.dist(got, want)  # the file is in cm
        print(f"{k} {where}: {d_mm:.2f} mm from the scan's")
        ok = ok and d_mm < 2.0
sys.exit(0 if ok else 1)
PY
echo "1 passed, 0 failed"
