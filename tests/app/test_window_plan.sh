#!/usr/bin/env bash
# The window loads a plan dropped on it and saves the one being edited: under Xvfb, events are pushed as if
# from the user (SMP_WINDOW_EVENTS): a malformed plan is dropped (refused, the window goes on), then a good
# one; the depth is raised once (D) and saved (Ctrl+S) to the dropped file; a second edit is left unsaved.
. "$(dirname "$0")/lib.sh" "$@"
command -v xvfb-run >/dev/null || { echo "xvfb-run not installed"; exit 77; }
cd "$tmp"
unset SDL_VIDEODRIVER
printf '{ "version": 1, "pigment": { "depth_mm": 0.4 }, "patient": { "fitzpatrick": 5 } ' >bad.json
printf '{ "version": 1, "pigment": { "depth_mm": 0.4 }, "patient": { "fitzpatrick": 5 } }\n' >good.json
cp bad.json bad.orig
fail=0
SMP_WINDOW_FRAMES=6 SMP_WINDOW_EVENTS="drop:$tmp/bad.json,drop:$tmp/good.json,key:d,key:ctrl+s,key:d,key:escape" \
    timeout 300 xvfb-run -a -s "-screen 0 1280x720x24" "$smpsim" --width 480 --height 270 >out 2>err
rc=$?
cat err
[ $rc -eq 0 ] || { echo "FAIL: window exited $rc"; fail=1; }
# Saved once, with the first edit only, as a complete plan that loads again.
python3 - "$tmp/good.json" <<'PY' || fail=1
import json, sys
p = json.load(open(sys.argv[1]))
ok = abs(p["pigment"]["depth_mm"] - 0.45) < 1e-9 and p["patient"]["fitzpatrick"] == 5 and "sessions" in p
print("saved plan:", "ok" if ok else "FAIL", p["pigment"]["depth_mm"], p["patient"]["fitzpatrick"])
sys.exit(0 if ok else 1)
PY
cmp -s bad.json bad.orig || { echo "FAIL: the malformed plan was modified"; fail=1; }
ls "$tmp"/*.tmp* >/dev/null 2>&1 && { echo "FAIL: temporary files left behind"; fail=1; }
"$smpsim" render --plan good.json --width 64 --height 48 -o check.png >/dev/null 2>&1 ||
    { echo "FAIL: the saved plan does not render"; fail=1; }
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || exit 1
