#!/usr/bin/env bash
# smpsim fade as a user meets it: bad input (negative SPF, unknown ink quality, out-of-range --years-max, a
# missing output folder) gives exit 2, one line on stderr naming the field and its range, nothing on stdout
# and no PNG; --csv prints years,delta_e,low,high with low <= delta_e <= high; -o writes a PNG plot.
. "$(dirname "$0")/lib.sh" "$@"
command_prefix=(fade)
outputs="$tmp/fade.png"
quiet_stdout=1

expect_fail negative_spf "aftercare.spf" --set aftercare.spf=-5 -o "$tmp/fade.png"
expect_fail negative_spf_range "0 and 100" --set aftercare.spf=-5 -o "$tmp/fade.png"
expect_fail unknown_ink "pigment.ink_quality" --set pigment.ink_quality=cheap -o "$tmp/fade.png"
expect_fail unknown_ink_lists "inferior" --set pigment.ink_quality=cheap -o "$tmp/fade.png"
expect_fail fading_out_of_range "fading.touch_up_fraction" --set fading.touch_up_fraction=2 --csv
expect_fail years_max "--years-max" --years-max 100 --csv
expect_fail output_dir_missing "does not exist" -o "$tmp/no/such/dir/fade.png"
expect_fail unknown_option "--frames" --frames 3

# CSV: the header, then rows in time order with low <= delta_e <= high, to --years-max.
if "$smpsim" fade --years-max 3 --csv >"$tmp/fade.csv" 2>"$tmp/stderr" &&
   python3 - "$tmp/fade.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
assert rows[0] == ["years", "delta_e", "low", "high"], rows[0]
v = [[float(x) for x in r] for r in rows[1:]]
assert len(v) > 50
assert all(a[0] < b[0] for a, b in zip(v, v[1:]))
assert abs(v[-1][0] - 3.0) < 1e-3 and v[0][0] == 0.0
assert all(r[2] <= r[1] + 1e-9 <= r[3] + 2e-9 for r in v)
assert all(r[1] > 0 for r in v if r[0] > 0)
PY
then passes=$((passes+1)); else echo "FAIL csv"; cat "$tmp/stderr"; fails=$((fails+1)); fi

# JSON summary with a touch-up date; a PNG plot with -o.
if "$smpsim" fade --years-max 20 -o "$tmp/fade.png" >"$tmp/fade.json" 2>"$tmp/stderr" &&
   python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['healed_delta_e'] > 1; assert 'touch_up_years' in d" "$tmp/fade.json" &&
   [ "$(head -c 8 "$tmp/fade.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; then
    passes=$((passes+1))
else
    echo "FAIL json + png"; cat "$tmp/stderr"; fails=$((fails+1))
fi

finish
