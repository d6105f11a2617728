#!/usr/bin/env bash
# smpsim match as a user meets it: bad input gives exit 2, one line on stderr naming the file, field or option
# and the allowed range, and no -o file; a good run prints JSON with the documented fields and saves a plan
# that smpsim render accepts and whose shades are the JSON's. One small match (160x120) keeps it short.
. "$(dirname "$0")/lib.sh" "$@"
command_prefix=(match)
outputs="$tmp/plan.json"
quiet_stdout=1

printf '{"version": 1, "patient": {"fitzpatrick": 7}}' >"$tmp/range.json"

expect_fail missing_plan "nope.json" --plan "$tmp/nope.json" -o "$tmp/plan.json"
expect_fail plan_out_of_range "patient.fitzpatrick" --plan "$tmp/range.json" -o "$tmp/plan.json"
expect_fail set_out_of_range "patient.fitzpatrick" --set patient.fitzpatrick=9 -o "$tmp/plan.json"
expect_fail set_range_named "6" --set patient.fitzpatrick=9 -o "$tmp/plan.json"
expect_fail set_shade_out_of_range "sessions[0].shade" --set 'sessions=[{"day": 0, "density_per_cm2": 30, "shade": 2}]' -o "$tmp/plan.json"
expect_fail unknown_option "--colour" --colour red -o "$tmp/plan.json"
expect_fail view_not_taken "--view" --view front -o "$tmp/plan.json"
expect_fail nothing_to_scale "sessions" --set 'sessions=[]' --set 'touch_ups=[]' -o "$tmp/plan.json"
expect_fail all_shades_zero "shade" --set 'sessions=[{"day": 0, "density_per_cm2": 30, "shade": 0}]' --set 'touch_ups=[]' -o "$tmp/plan.json"
expect_fail disc_too_small "--distance-m" --distance-m 20 --width 64 --height 48 -o "$tmp/plan.json"
expect_fail output_dir_missing "does not exist" -o "$tmp/no/such/dir/plan.json"
expect_fail bad_light "--light-preset" --light-preset candle -o "$tmp/plan.json"

"$smpsim" match --help | grep -q -- '--distance-m' && passes=$((passes+1)) || { echo "FAIL match --help"; fails=$((fails+1)); }
"$smpsim" --help | grep -q '^  match ' && passes=$((passes+1)) || { echo "FAIL match missing from smpsim --help"; fails=$((fails+1)); }

# A good run: a patient whose stubble is partly grey (reachable with the dot model of 2026-12-02: the shades change).
"$smpsim" match --width 160 --height 120 --set patient.grey_fraction=0.6 -o "$tmp/plan.json" >"$tmp/out.json" 2>"$tmp/stderr"
rc=$?
if [ $rc -eq 1 ] && grep -q "OpenGL\|video" "$tmp/stderr"; then
    echo "no GL context: $(cat "$tmp/stderr")"; echo "$passes passed, $fails failed"; exit 77
fi
if [ $rc -ne 0 ]; then
    echo "FAIL good match: exit $rc"; cat "$tmp/stderr"; fails=$((fails+1))
elif python3 - "$tmp/out.json" "$tmp/plan.json" <<'PY'
import json, math, sys
out = json.load(open(sys.argv[1]))
plan = json.load(open(sys.argv[2]))
def lab(v):
    assert isinstance(v, list) and len(v) == 3 and all(isinstance(x, (int, float)) for x in v), v
    assert 0 <= v[0] <= 100, v
for key in ("reference", "before", "after"):
    lab(out[key]["lab"])
assert out["before"]["shade_factor"] == 1
for key in ("before", "after"):
    assert out[key]["delta_e00"] >= 0
assert isinstance(out["after"]["delta_l"], (int, float))
assert isinstance(out["reachable"], bool)
k = out["after"]["shade_factor"]
assert 0 <= k <= out["shade_factor_max"] + 1e-9, k
assert out["fitzpatrick"] == 3 and out["hair_color"] == "#2b1e16" and out["grey_fraction"] == 0.6, out
# the saved plan is the plan as given (--set included) with the JSON's shades
assert plan["patient"]["grey_fraction"] == 0.6 and plan["patient"]["norwood"] == "6", plan["patient"]
assert [s["shade"] for s in plan["sessions"]] == out["sessions_shade"], (plan["sessions"], out["sessions_shade"])
assert [t["shade"] for t in plan["touch_ups"]] == out["touch_ups_shade"]
assert all(0 <= s <= 1 for s in out["sessions_shade"] + out["touch_ups_shade"])
# the shades are the built-in plan's (0.6, 0.75, 0.8; touch-up 0.8) times k, to 1e-4
for s, s0 in zip(out["sessions_shade"] + out["touch_ups_shade"], [0.6, 0.75, 0.8, 0.8]):
    assert abs(s - min(1, s0 * k)) <= 0.6e-4, (s, s0, k)
# matched: |delta L*| within the default tolerance, or an honest "unreachable" with the reason
if out["reachable"]:
    assert abs(out["after"]["delta_l"]) <= 0.1 + 1e-9, out["after"]
    assert out["limit"] is None
else:
    assert out["limit"] in ("too light at the largest shades", "too dark with no ink"), out["limit"]
assert out["after"]["delta_e00"] <= out["before"]["delta_e00"] + 1e-9, out
PY
then
    passes=$((passes+1))
else
    echo "FAIL good match output:"; cat "$tmp/out.json"; fails=$((fails+1))
fi

# The saved plan renders.
if [ -s "$tmp/plan.json" ] && "$smpsim" render --plan "$tmp/plan.json" --width 64 --height 48 -o "$tmp/adjusted.png" 2>"$tmp/stderr"; then
    passes=$((passes+1))
else
    echo "FAIL render of the adjusted plan:"; cat "$tmp/stderr"; fails=$((fails+1))
fi

finish
