#!/usr/bin/env bash
# `smpsim bake` the way a user runs it: a tiny bake (one type, one depth, one ink, one diameter, few photons) to a temporary
# file that parses as a table, the same numbers with another thread count, and exit 2 with one line on
# stderr for bad options, without leaving an output file behind.
. "$(dirname "$0")/lib.sh" "$@"

tiny=(--photons 100 --types 3 --depths 0.4 --inks 0.3 --diameters 0.3 --seed 5)
"$smpsim" bake "${tiny[@]}" --threads 2 -o "$tmp/t2.json" 2>"$tmp/err" ||
    fail "tiny bake exited $?: $(cat "$tmp/err")"
[ -s "$tmp/t2.json" ] || fail "tiny bake wrote no file"
grep -q "wrote $tmp/t2.json" "$tmp/err" || fail "no completion line: $(cat "$tmp/err")"
# Not a terminal: plain percentage lines, no carriage returns.
grep -q "smpsim bake: 100%" "$tmp/err" || fail "no plain progress line: $(cat "$tmp/err")"
if grep -q $'\r' "$tmp/err"; then fail "progress bar drawn on a non-terminal"; fi
if command -v python3 >/dev/null; then
    python3 - "$tmp/t2.json" <<'PY' || fail "the table does not parse or has the wrong shape"
import json, sys
t = json.load(open(sys.argv[1]))
assert t["version"] == 2 and t["photons"] == 100 and t["seed"] == 5
assert t["depth_mm"] == [0.4] and t["ink"] == [0.3] and t["diameter_mm"] == [0.3]
assert len(t["types"]) == 6
iii = t["types"][2]
assert iii["skin_lab"][0] > 40 and len(iii["depths"]) == 1
assert all(v > 0 for v in iii["depths"][0]["covered_linear_rgb"][0])
assert t["types"][0]["skin_lab"] == [0, 0, 0]
PY
fi
"$smpsim" bake "${tiny[@]}" --threads 1 -o "$tmp/t1.json" 2>/dev/null || fail "1-thread bake failed"
cmp -s "$tmp/t1.json" "$tmp/t2.json" || fail "1 and 2 threads give different tables for the same seed"

expect_exit2() {
    local expect=$1
    shift
    "$smpsim" bake "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
    [ $rc -eq 2 ] || fail "'bake $*' exited $rc, expected 2"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "'bake $*': expected one line on stderr, got: $(cat "$tmp/err")"
    grep -q -- "$expect" "$tmp/err" || fail "'bake $*': expected '$expect' in: $(cat "$tmp/err")"
}
expect_exit2 "--photons: must be between 100 and 100000000 photons per band, got 10" --photons 10 -o "$tmp/x.json"
expect_exit2 "--photons: must be a number" --photons abc -o "$tmp/x.json"
expect_exit2 "--threads: must be between 1 and 1024 threads, got 0" --threads 0 -o "$tmp/x.json"
expect_exit2 "--seed: must be between 0 and" --seed -1 -o "$tmp/x.json"
expect_exit2 "--frobnicate: unknown option" --frobnicate -o "$tmp/x.json"
expect_exit2 "unexpected argument 'extra'" extra
expect_exit2 "--depths: expected" --depths 0.4,0.2 -o "$tmp/x.json"
expect_exit2 "--inks: expected" --inks 0,0.5 -o "$tmp/x.json"
expect_exit2 "--types: expected" --types 7 -o "$tmp/x.json"
expect_exit2 "--inks: expected" --inks 0.5,65 -o "$tmp/x.json"
expect_exit2 "--diameters: expected" --diameters 0.5,0.2 -o "$tmp/x.json"
expect_exit2 "-o $tmp/no/such/dir/x.json: the directory does not exist" "${tiny[@]}" -o "$tmp/no/such/dir/x.json"
[ ! -e "$tmp/x.json" ] || fail "a failed bake left an output file"
echo "bake CLI: ok"
