#!/usr/bin/env bash
# Bad values of the hairline, zone, cluster, needle and progression fields give one line on stderr naming the file (or
# --set), the field and the allowed range, and exit status 2 (no GL needed: the plan is checked before anything
# is drawn). Good needle fields load and place dots.
. "$(dirname "$0")/lib.sh" "$@"

printf '{"version": 1, "hairline_points": [{"lateral_cm": 0, "height_cm": 8}]}' >"$tmp/one_point.json"
printf '{"version": 1, "hairline_points": [{"lateral_cm": 2, "height_cm": 8}, {"lateral_cm": 1, "height_cm": 8}]}' >"$tmp/order.json"
printf '{"version": 1, "zones": {"crown": 4}}' >"$tmp/zone.json"
printf '{"version": 1, "clusters": {"double_fraction": 0.7, "triple_fraction": 0.5}}' >"$tmp/clusters.json"
printf '{"version": 1, "pigment": {"pin_diameter_mm": 0.9}}' >"$tmp/pin.json"
printf '{"version": 1, "pigment": {"needle": "7RL", "pin_diameter_mm": 0.35, "dot_diameter_mm": null, "ink_quality": "inferior"}}' >"$tmp/needle.json"

expect_fail one_point "hairline_points: must have no entries or at least 2" bench --placement --plan "$tmp/one_point.json"
expect_fail point_order "hairline_points[1].lateral_cm: must be greater than the entry before" bench --placement --plan "$tmp/order.json"
expect_fail zone_range "zones.crown: must be between 0 and 3" bench --placement --plan "$tmp/zone.json"
expect_fail cluster_sum "clusters.triple_fraction: must be at most 1 - clusters.double_fraction" bench --placement --plan "$tmp/clusters.json"
expect_fail temple_range "hairline.temple_height_cm: must be between 5 and 12 cm" bench --placement --set hairline.temple_height_cm=20
expect_fail spacing_range "clusters.spacing_mm: must be between 0.2 and 1" bench --placement --set clusters.spacing_mm=2
expect_fail point_height "hairline_points[0].height_cm: must be between 2 and 16 cm" bench --placement --set 'hairline_points=[{"lateral_cm": 0, "height_cm": 30}, {"lateral_cm": 1, "height_cm": 8}]'
expect_fail zone_unknown "unknown field 'zones.vertex'" bench --placement --set zones.vertex=1
expect_fail transition_range "zones.transition_mm: must be between 5 and 60 mm" bench --placement --set zones.transition_mm=1
expect_fail pin_range "$tmp/pin.json: pigment.pin_diameter_mm: must be between 0.15 and 0.40 mm, got 0.9" bench --placement --plan "$tmp/pin.json"
expect_fail needle_name "--set pigment.needle=9RL: pigment.needle: must be one of 1RL, 3RL, 5RL, 7RL, got \"9RL\"" bench --placement --set pigment.needle=9RL
expect_fail deposit_range "--set pigment.dot_diameter_mm=2: pigment.dot_diameter_mm: must be between 0.05 and 1.50 mm or null, got 2" bench --placement --set pigment.dot_diameter_mm=2
expect_fail ink_name "pigment.ink_quality: must be one of medical, cosmetic, tattoo, inferior, got \"cheap\"" bench --placement --set pigment.ink_quality=cheap

# Progression (hair loss that goes on, greying): range, scale, direction.
printf '{"version": 1, "patient": {"grey_fraction": 0.5}, "progression": {"grey_fraction": 0.2}}' >"$tmp/grey_below.json"
expect_fail progression_years "--set progression.years=0: progression.years: must be between 1 and 40 years, got 0" bench --placement --set progression.years=0
expect_fail progression_grey_years "progression.grey_years: must be between 1 and 50 years, got 51" bench --placement --set progression.grey_years=51
expect_fail progression_grey_range "progression.grey_fraction: must be between 0 and 1 or null, got 2" bench --placement --set progression.grey_fraction=2
expect_fail progression_grey_below "$tmp/grey_below.json: progression.grey_fraction: must be at least patient.grey_fraction (0.5) or null, got 0.2" bench --placement --plan "$tmp/grey_below.json"
expect_fail progression_scale "progression.ludwig: must be on the patient's scale (patient.norwood is \"6\"" bench --placement --set progression.ludwig=II
expect_fail progression_earlier "progression.norwood: must be patient.norwood (\"6\") or a later class, got \"5\"" bench --placement --set progression.norwood=5
expect_fail progression_bool "progression.treat_future_area: must be true or false" bench --placement --set progression.treat_future_area=yes

# Good needle fields: the plan loads and the dots are placed (exit 0, JSON on stdout).
if "$smpsim" bench --placement --runs 1 --plan "$tmp/needle.json" --set pigment.dot_diameter_mm=null >"$tmp/stdout" 2>"$tmp/stderr" &&
   grep -q '"dots"' "$tmp/stdout"; then
    passes=$((passes+1))
else
    echo "FAIL needle_plan: $(cat "$tmp/stderr")"; fails=$((fails+1))
fi

finish
