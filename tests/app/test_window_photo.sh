#!/usr/bin/env bash
# A photo of the scalp in the window (docs/scans.md): under Xvfb a JPEG or PNG dropped on the window becomes the
# plan's head.photo (one undo step), and the doctor's head tab sets the view it was taken from, with sliders
# moved by synthesised presses (SMP_WINDOW_EVENTS); the state printed at exit says where the photo was taken
# from and how much of the head it covers. Then a plan with a scanned head and a photo renders in the window
# (its image saved with Ctrl+E) as `smpsim render` renders it headless (issue 14, item 3). Skipped without
# xvfb-run or the scan writer (tests/app/scan_plan_write.c, named by SMP_SCAN_PLAN_WRITE).
. "$(dirname "$0")/lib.sh" "$@"
command -v xvfb-run >/dev/null || { echo "xvfb-run not installed"; exit 77; }
[ -x "${SMP_SCAN_PLAN_WRITE:-}" ] || { echo "SMP_SCAN_PLAN_WRITE (tests/app/scan_plan_write.c) not built"; exit 77; }
cd "$tmp"
# The photo: the untreated head drawn from 45 degrees to the patient's left, 20 up, at 0.6 m (30-degree field).
"$smpsim" render --view three-quarter --distance-m 0.6 --set 'sessions=[]' --width 180 --height 240 \
    -o "$tmp/side.png" >/dev/null 2>&1 || fail "the photo was not drawn"
unset SDL_VIDEODRIVER
export SMP_STATE_DIR="$tmp/state"
# The head tab, its photo section opened; azimuth -180..180 at 0.625 is about 45 degrees, elevation -30..90 at
# 0.42 about 20 (a press lands within a slider's step or two of its fraction). The distance and the field of view
# are two more sliders of the same kind (the plan's 0.5 m and 45 degrees stay).
SMP_WINDOW_FRAMES=30 SMP_WINDOW_EVENTS="drop:$tmp/side.png,set:plan-tab=0.12,click:photo,set:photo-azimuth=0.625,\
set:photo-elevation=0.42" \
    timeout 300 xvfb-run -a -s "-screen 0 1280x720x24" "$smpsim" --width 1000 --height 700 >out 2>err
rc=$?
[ $rc -eq 0 ] || { cat out err; fail "window exited $rc"; }
line=$(sed -n 's/^photo at exit: //p' out)
echo "photo at exit: $line"
python3 - "$line" "$tmp/side.png" <<'PY' || fail "the photo's view was not set from the head tab: '$line'"
import re, sys
m = re.match(r"(.*), from azimuth (-?\d+) elevation (-?\d+) deg at ([\d.]+) m, keeping its hair, covering (\d+) cm2$", sys.argv[1])
ok = m and m.group(1) == sys.argv[2] and 35 <= int(m.group(2)) <= 55 and 10 <= int(m.group(3)) <= 30 and \
    abs(float(m.group(4)) - 0.5) < 1e-9 and int(m.group(5)) > 150
sys.exit(0 if ok else 1)
PY
# Three undo steps: the drop and two sliders.
grep -q ', 3 undo steps' out || fail "expected 5 undo steps: $(sed -n 's/^plan at exit: //p' out)"

# The scanned head with the photo: the window's saved image and the headless render, the same view and size.
mkdir -p scan && "$SMP_SCAN_PLAN_WRITE" "$tmp/scan" >/dev/null || fail "the test scan could not be written"
with_photo=(--plan "$tmp/scan/plan.json" --set head.photo="\"$tmp/side.png\"" --set head.photo_azimuth_deg=45
    --set head.photo_elevation_deg=19.47 --set head.photo_distance_m=0.6 --set head.photo_fov_deg=30
    --view three-quarter --width 320 --height 200)
SMP_WINDOW_FRAMES=6 SMP_WINDOW_EVENTS="key:ctrl+e" timeout 300 xvfb-run -a -s "-screen 0 1280x720x24" "$smpsim" \
    "${with_photo[@]}" >out 2>err || { cat out err; fail "the window with the scan and the photo"; }
saved=$(sed -n 's/^status at exit: image saved: //p' out)
SDL_VIDEODRIVER=offscreen "$smpsim" render "${with_photo[@]}" -o "$tmp/headless.png" >/dev/null 2>&1 ||
    fail "the headless render of the scan with the photo"
python3 - "$saved" "$tmp/headless.png" "$root/tests/app" <<'PY' || fail "the window's image is not the headless one"
import sys
sys.path.insert(0, sys.argv[3])
from smp_png import read_png
a, b = read_png(sys.argv[1], True), read_png(sys.argv[2], True)
assert a[:2] == b[:2], "sizes %s and %s" % (a[:2], b[:2])
d = [abs(p - q) for ra, rb in zip(a[2], b[2]) for i, (p, q) in enumerate(zip(ra, rb)) if i % 4 != 3]
mean, worst = sum(d) / len(d), max(d)
print("window vs headless, scan and photo: mean %.4f of 255, largest %d" % (mean, worst))
sys.exit(0 if mean < 0.05 and worst <= 8 else 1)
PY
echo "2 passed, 0 failed"
