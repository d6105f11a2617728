#!/usr/bin/env bash
# The interactive window, for real: under Xvfb (an X server without a screen) smpsim opens its window,
# draws a few frames with the on-screen text, and exits cleanly. Skipped without xvfb-run.
. "$(dirname "$0")/lib.sh" "$@"
command -v xvfb-run >/dev/null || { echo "xvfb-run not installed"; exit 77; }
cd "$tmp"
unset SDL_VIDEODRIVER
export SMP_STATE_DIR="$tmp/state" # the autosave's directory, not the user's
SMP_WINDOW_FRAMES=5 timeout 300 xvfb-run -a -s "-screen 0 1280x720x24" "$smpsim" --width 640 --height 360 \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
cat "$tmp/err"
if [ $rc -ne 0 ]; then echo "window run failed with exit $rc"; exit 1; fi
# With a display it must open the window, not fall back to writing PNGs.
if [ -d "$tmp/smpsim-views" ]; then echo "wrote PNGs although a display was available"; exit 1; fi
# Nothing moves: one full-quality frame, then the window presents it again (with the HUD) without drawing.
grep -q '^frames at exit: 0 interactive, 1 full quality, 4 presented again$' "$tmp/out" ||
    { echo "a still window did not draw one full frame and present it again:"; cat "$tmp/out"; exit 1; }
# Space plays the timeline: the time moves on from the healed default (95 days) frame by frame (playing,
# the frames take the interactive path: 30 of them are about a second under Xvfb).
SMP_WINDOW_FRAMES=30 SMP_WINDOW_EVENTS=key:space timeout 300 xvfb-run -a -s "-screen 0 1280x720x24" "$smpsim" \
    --width 320 --height 180 >"$tmp/out" 2>"$tmp/err"
rc=$?
days=$(sed -n 's/^timeline at exit: \([0-9.]*\) days$/\1/p' "$tmp/out")
if [ $rc -ne 0 ] || [ -z "$days" ] || ! python3 -c "import sys; sys.exit(0 if float('$days') > 96 else 1)"; then
    echo "play did not move the timeline: exit $rc, '$days' days"; cat "$tmp/out" "$tmp/err"; exit 1
fi
# While the timeline plays the frames take the interactive path (progressive refinement).
grep -q '^frames at exit: [1-9][0-9]* interactive' "$tmp/out" ||
    { echo "playing did not take the interactive path:"; cat "$tmp/out"; exit 1; }
# L steps to the next light preset (daylight, then clinic); G starts the light sweep from overhead down.
SMP_WINDOW_FRAMES=3 SMP_WINDOW_EVENTS=key:l,key:g timeout 300 xvfb-run -a -s "-screen 0 1280x720x24" "$smpsim" \
    --width 320 --height 180 >"$tmp/out" 2>"$tmp/err"
rc=$?
light=$(sed -n 's/^light at exit: \(.*\)$/\1/p' "$tmp/out")
elevation=$(sed -n 's/.* elevation \([0-9.]*\) deg.*/\1/p' <<<"$light")
if [ $rc -ne 0 ] || [[ "$light" != clinic*sweeping ]] || \
   ! python3 -c "import sys; sys.exit(0 if 5 < float('$elevation') < 90 else 1)"; then
    echo "L and G did not change the light: exit $rc, '$light'"; cat "$tmp/out" "$tmp/err"; exit 1
fi
echo "3 passed, 0 failed"
