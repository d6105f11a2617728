#!/usr/bin/env bash
# The lights on the command line: --light-preset takes exactly the presets' names and refuses any other with
# one stderr line listing them all (exit 2); --light-intensity, --light-kelvin and --light-sweep are range
# checked; --light-sweep N writes N PNGs named after -o (out-000.png ..) and prints their paths.
. "$(dirname "$0")/lib.sh" "$@"
outputs="$tmp/*.png"
names="daylight, clinic, sun, overcast, bathroom, office, flash, wet"

expect_fail unknown_preset "must be one of $names, got 'disco'" render --light-preset disco -o "$tmp/out.png"
expect_fail unknown_preset_window "must be one of $names" --light-preset disco
expect_fail unknown_preset_match "must be one of $names" match --light-preset disco
expect_fail intensity_range "--light-intensity: must be between 0 and 10" render --light-intensity 11 -o "$tmp/out.png"
expect_fail intensity_number "--light-intensity" render --light-intensity bright -o "$tmp/out.png"
expect_fail kelvin_range "--light-kelvin: must be between 1500 and 12000" render --light-kelvin 1000 -o "$tmp/out.png"
expect_fail sweep_too_few "--light-sweep: must be between 2 and 360" render --light-sweep 1 -o "$tmp/out.png"
expect_fail sweep_too_many "--light-sweep: must be between 2 and 360" render --light-sweep 361 -o "$tmp/out.png"
expect_fail sweep_not_whole "--light-sweep: must be a whole number" render --light-sweep 2.5 -o "$tmp/out.png"
expect_fail sweep_not_number "--light-sweep" render --light-sweep many -o "$tmp/out.png"
expect_fail sweep_and_elevation "drop --light-elevation" render --light-sweep 3 --light-elevation 30 -o "$tmp/out.png"
expect_fail sweep_dir_missing "does not exist" render --light-sweep 3 -o "$tmp/no/such/dir/out.png"
expect_fail sweep_only_render "--light-sweep: unknown option" bench --light-sweep 3

# Every preset is named in the help of the commands that take it.
for cmd in render match; do
    help=$("$smpsim" $cmd --help)
    ok=1
    for p in ${names//,/}; do grep -q -- "$p" <<<"$help" || ok=0; done
    grep -q -- "--light-kelvin" <<<"$help" || ok=0
    [ $ok = 1 ] && passes=$((passes+1)) || { echo "FAIL $cmd --help does not list every preset"; fails=$((fails+1)); }
done
"$smpsim" render --help | grep -q -- "--light-sweep N" && passes=$((passes+1)) || { echo "FAIL render --help: --light-sweep"; fails=$((fails+1)); }

# The sweep writes N frames named after -o and prints their paths (skipped, not passed, without a GL context).
mkdir -p "$tmp/sweep"
"$smpsim" render --light-sweep 3 --light-preset bathroom --width 64 --height 48 -o "$tmp/sweep/scar.png" \
    >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
if [ $rc -eq 1 ] && grep -q "OpenGL\|video" "$tmp/stderr"; then
    echo "no GL context: $(cat "$tmp/stderr")"; echo "$passes passed, $fails failed"; exit 77
fi
want=$(printf '%s\n' "$tmp/sweep/scar-000.png" "$tmp/sweep/scar-001.png" "$tmp/sweep/scar-002.png")
if [ $rc -eq 0 ] && [ "$(ls "$tmp/sweep")" = "$(printf 'scar-000.png\nscar-001.png\nscar-002.png')" ] \
   && [ "$(cat "$tmp/stdout")" = "$want" ]; then
    passes=$((passes+1))
else
    echo "FAIL sweep: exit $rc, files: $(ls "$tmp/sweep" | tr '\n' ' '), stdout:"; cat "$tmp/stdout" "$tmp/stderr"
    fails=$((fails+1))
fi
for f in "$tmp"/sweep/scar-00[0-2].png; do
    if [ "$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; then passes=$((passes+1))
    else echo "FAIL $f is not a PNG"; fails=$((fails+1)); fi
done
# The frames differ: the light moved from overhead to raking.
cmp -s "$tmp/sweep/scar-000.png" "$tmp/sweep/scar-002.png" && { echo "FAIL the sweep's first and last frames are the same"; fails=$((fails+1)); } || passes=$((passes+1))
# --light-intensity and --light-kelvin are taken (tests/render/test_lights.c renders the presets themselves).
"$smpsim" render --light-preset wet --light-intensity 0.5 --light-kelvin 3000 --width 32 --height 24 \
    -o "$tmp/k.png" 2>"$tmp/stderr" \
    && passes=$((passes+1)) || { echo "FAIL --light-intensity/--light-kelvin"; cat "$tmp/stderr"; fails=$((fails+1)); }

finish
