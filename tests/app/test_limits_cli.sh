#!/usr/bin/env bash
# Inputs that ask for more than smpsim holds are refused before it allocates for them, with one line naming the
# file (or --set), the field and the limit, exit status 2 and nothing on stdout (issue 15, item 4): a plan
# file larger than a plan is (and an endless one), a plan asking for more dots than the field holds, an .mci
# file too large, with too many photons or too many bins on an axis. No GL needed. Scanned meshes declaring a
# billion vertices are refused in tests/scalp/test_scan_limits.c (no command reads a mesh yet).
. "$(dirname "$0")/lib.sh" "$@"
quiet_stdout=1

# Plans: a file over 1 MiB (sparse: no disk spent), an endless one, and 8 sessions and 8 touch-ups at the
# largest density with every zone tripled: more dots than PIGMENT_MAX_DOTS (2,000,000).
printf '{"version": 1}' >"$tmp/big.json"
truncate -s 1048577 "$tmp/big.json"
expect_fail plan_size "$tmp/big.json: more than 1048576 bytes; a plan file has at most 1048576" bench --placement --plan "$tmp/big.json"
expect_fail plan_endless "/dev/zero: more than 1048576 bytes; a plan file has at most 1048576" bench --placement --plan /dev/zero
layers= ups=
for i in 0 1 2 3 4 5 6 7; do
    layers="$layers${layers:+,}{\"day\": $((i * 14)), \"density_per_cm2\": 200, \"shade\": 0.5}"
    ups="$ups${ups:+,}{\"year\": $((i + 1)), \"density_per_cm2\": 200, \"shade\": 0.5}"
done
expect_fail plan_dots "sessions: the plan asks for" bench --placement --runs 1 --set "sessions=[$layers]" \
    --set "touch_ups=[$ups]" --set 'zones={"front": 3, "mid_scalp": 3, "crown": 3, "temples": 3, "sides": 3}' \
    --set patient.norwood=7
grep -qF "at most 2000000" "$tmp/stderr" || { echo "FAIL plan_dots: no limit in: $(cat "$tmp/stderr")"; fails=$((fails+1)); }

# .mci files: over 16 MiB, endless, 10^16 photons, an axis of 100001 bins.
cp "$root/assets/mci/slab_vandehulst.mci" "$tmp/big.mci"
truncate -s 16777217 "$tmp/big.mci"
expect_fail mci_size "$tmp/big.mci: more than 16777216 bytes; an MCML input file has at most 16777216" mc "$tmp/big.mci"
expect_fail mci_endless "/dev/zero: more than 16777216 bytes" mc /dev/zero
mci() { # photons nz nr na
    printf '1.0\n1\nout.mco A\n%s\n0.01 0.01\n%s %s %s\n1\n1.0\n1.4 1 10 0.9 0.1\n1.0\n' "$@" >"$tmp/grid.mci"
}
mci 10000000000000000 10 10 10
expect_fail mci_photons "line 4: expected number of photons (integer between 1 and 1000000000000000), got '10000000000000000'" mc "$tmp/grid.mci"
mci 100 30000 30000 100001
expect_fail mci_bins "line 6: expected na (integer between 1 and 100000), got '100001'" mc "$tmp/grid.mci"
expect_fail mc_photons "--photons: must be between 1 and 1e+15 photons" mc "$root/assets/mci/slab_vandehulst.mci" --photons 10000000000000000

finish limits
