#!/usr/bin/env bash
# `smpsim mc` the way a user runs it: JSON keys on a small .mci, exit 2 with the line number on a malformed
# file, a missing file, a bad option value and an unknown option.
. "$(dirname "$0")/lib.sh" "$@"

out=$("$smpsim" mc "$root/assets/mci/gardner_3layer.mci" --photons 2000 --seed 7 --threads 2 2>"$tmp/err") ||
    fail "mc exited $? on a valid file: $(cat "$tmp/err")"
for key in file runs output_name photons seed threads wall_seconds photons_per_second specular_reflectance \
           diffuse_reflectance diffuse_reflectance_se absorbed_fraction absorbed_fraction_se transmittance \
           transmittance_se absorbed_per_layer absorbed_per_layer_se rd_r r_cm per_cm2 standard_error tt_r \
           rd_alpha tt_alpha a_z; do
    grep -q "\"$key\":" <<<"$out" || fail "key '$key' missing from the JSON"
done
grep -q '"photons":[[:space:]]*2000' <<<"$out" || fail "--photons did not override the file"
if command -v python3 >/dev/null; then
    python3 -c 'import json,sys; r=json.load(sys.stdin)["runs"][0]; assert len(r["rd_r"]["r_cm"])==50 and len(r["absorbed_per_layer"])==3; s=r["specular_reflectance"]+r["diffuse_reflectance"]+r["absorbed_fraction"]+r["transmittance"]; assert abs(s-1)<1e-3, s' <<<"$out" ||
        fail "JSON does not parse or has the wrong shape"
fi
# Same seed, different thread counts: the same numbers (wall time aside).
a=$("$smpsim" mc "$root/assets/mci/gardner_3layer.mci" --photons 2000 --seed 7 --threads 1 | grep -v -e wall_seconds -e photons_per_second -e '"threads"')
b=$(grep -v -e wall_seconds -e photons_per_second -e '"threads"' <<<"$out")
[ "$a" = "$b" ] || fail "results differ between 1 and 2 threads for the same seed"

# A malformed file: exit 2, one line naming the file and the line.
sed 's/^1\.37  2     10    0\.7   0\.2/1.37 2 10 0.7/' "$root/assets/mci/gardner_3layer.mci" >"$tmp/bad.mci"
"$smpsim" mc "$tmp/bad.mci" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || fail "malformed file exited $rc, expected 2"
grep -q "bad.mci: line 16: expected layer 3: n mua mus g d (5 numbers), got '1.37 2 10 0.7'" "$tmp/err" ||
    fail "unexpected message: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "expected one line on stderr, got: $(cat "$tmp/err")"
[ ! -s "$tmp/out" ] || fail "malformed file printed on stdout"

expect_exit2() {
    "$smpsim" mc "$@" >/dev/null 2>"$tmp/err"; local rc=$?
    [ $rc -eq 2 ] || fail "'mc $*' exited $rc, expected 2"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "'mc $*': expected one line on stderr, got: $(cat "$tmp/err")"
}
expect_exit2 "$tmp/missing.mci"
expect_exit2 "$root/assets/mci/slab_vandehulst.mci" --photons 0
expect_exit2 "$root/assets/mci/slab_vandehulst.mci" --threads -1
expect_exit2 "$root/assets/mci/slab_vandehulst.mci" --seed abc
expect_exit2 "$root/assets/mci/slab_vandehulst.mci" --photons
expect_exit2 "$root/assets/mci/slab_vandehulst.mci" --frobnicate
expect_exit2
"$smpsim" mc --help | grep -q 'usage: smpsim mc FILE.mci' || fail "--help does not print the usage"
echo "smpsim mc: ok"
