#!/usr/bin/env bash
# smpsim report as a user meets it: bad input (no -o, a missing parent folder, a folder with other files in it, a
# file, a bad plan value, an option report does not take) gives exit 2, one line on stderr naming what is wrong,
# nothing on stdout, and leaves nothing behind (no report, no hidden temporary folder, the other files intact).
# A good report (small images, a plan without scars and with one session, written over an earlier report, which it replaces) prints
# DIR/index.html; report_check.py checks every image the page shows (it exists, a valid PNG with smpsim's
# metadata) and that they differ where they should; headless Chromium loads the page without a console message
# and with every image decoded. Without a GL context: skipped (77), as without chromium.
. "$(dirname "$0")/lib.sh" "$@"
command_prefix=(report)
quiet_stdout=1

# Nothing but what the test made itself may be in $tmp after a refused run.
left_behind() {
    ls -A "$tmp" | grep -v -e '^stdout$' -e '^stderr$' -e '^notes$' -e '^afile$'
}

mkdir "$tmp/notes"; echo "keep me" >"$tmp/notes/patient.txt"
echo "a file" >"$tmp/afile"
expect_fail no_output "-o" --width 64
expect_fail missing_parent "does not exist" -o "$tmp/no/such/report"
expect_fail not_empty "not empty" -o "$tmp/notes"
expect_fail a_file "not a directory" -o "$tmp/afile"
expect_fail bad_plan_value "pigment.depth_mm" --set pigment.depth_mm=9 -o "$tmp/rep"
expect_fail bad_width "--width" --width 3 -o "$tmp/rep"
expect_fail unknown_option "--light-preset" --light-preset office -o "$tmp/rep"
if [ "$(cat "$tmp/notes/patient.txt")" = "keep me" ] && [ "$(ls -A "$tmp/notes")" = "patient.txt" ]; then
    passes=$((passes+1))
else
    echo "FAIL the refused folder was changed"; fails=$((fails+1))
fi

# An earlier report in the way (smpsim's generator tag, PNG files): replaced, its old image gone.
mkdir "$tmp/rep"
printf '<!DOCTYPE html>\n<meta name="generator" content="smpsim report 0.0.1">\n' >"$tmp/rep/index.html"
cp "$tmp/rep/index.html" "$tmp/rep/old-image.png"
start=$(date +%s%N)
# One session and no touch-up: a fade curve of one layer (a quarter of the built-in plan's cost, which matters
# with sanitizers), and +10 years visibly lighter than healed.
"$smpsim" report --set 'scars=[]' --set 'touch_ups=[]' --set 'sessions=[{"day":0,"density_per_cm2":60,"shade":0.7}]' \
    --width 240 --height 136 -o "$tmp/rep/" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
echo "report: $(( ($(date +%s%N) - start) / 1000000 )) ms"
if [ $rc -eq 1 ] && grep -q "OpenGL\|video" "$tmp/stderr"; then
    echo "no GL context: $(tail -1 "$tmp/stderr")"; echo "$passes passed, $fails failed"
    [ $fails -eq 0 ] && exit 77 || exit 1
fi
if [ $rc -eq 0 ] && [ "$(cat "$tmp/stdout")" = "$tmp/rep/index.html" ] && [ ! -e "$tmp/rep/old-image.png" ] &&
   [ -z "$(ls -A "$tmp" | grep smpsim)" ] && grep -q "smpsim report: 100%" "$tmp/stderr" &&
   ! grep -q $'\r' "$tmp/stderr"; then
    passes=$((passes+1))
else
    echo "FAIL report: exit $rc, stdout '$(cat "$tmp/stdout")', in $tmp: $(ls -A "$tmp" "$tmp/rep" | tr '\n' ' ')"
    cat "$tmp/stderr"; fails=$((fails+1))
fi
if [ $rc -eq 0 ] && python3 "$repo/tests/app/report_check.py" "$tmp/rep"; then
    passes=$((passes+1))
else
    echo "FAIL report_check.py"; fails=$((fails+1))
fi
if grep -q "The plan has no scars" "$tmp/rep/index.html" 2>/dev/null; then
    passes=$((passes+1))
else
    echo "FAIL the page does not say the plan has no scars"; fails=$((fails+1))
fi

# The page in a browser: every image decoded (the page's inline check marks the body), no console message (a
# script error or a blocked load would print one).
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "chromium not installed (scripts/setup.sh installs it)"; echo "$passes passed, $fails failed"
    [ $fails -eq 0 ] && exit 77 || exit 1
fi
home=$tmp/chromium-home; mkdir -p "$home"
HOME=$home timeout 60 "$browser" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$home/profile" \
    --enable-logging=stderr --v=0 --virtual-time-budget=5000 --dump-dom "file://$tmp/rep/index.html" \
    >"$tmp/dom.html" 2>"$tmp/chromium.log"
if grep -q 'data-images="all-loaded"' "$tmp/dom.html" && ! grep -q "CONSOLE" "$tmp/chromium.log"; then
    passes=$((passes+1))
else
    echo "FAIL chromium: $(grep -o 'data-images="[^"]*"' "$tmp/dom.html"); $(grep CONSOLE "$tmp/chromium.log")"
    fails=$((fails+1))
fi

finish
