#!/usr/bin/env bash
# Renders the images docs/ shows (docs/gallery.md) with the current build: natural #0 stubble beside SMP at the
# shade `smpsim match` finds, at 1 m and 2 m, for skin types I, III and VI; dermatoscope-like close-ups (10 mm)
# at 0.3, 0.5, 0.8 and 1.5 mm needles and with tattoo ink; the depth series of 60 mm close-ups; the example
# plans, the timeline; every light preset, and a FUT scar under the wet preset in flat, oblique and grazing light;
# the forms a scar heals in;
# a plan that ignores further hair loss beside one that planned for it; both default heads at four hair lengths,
# and thinning hair with and without SMP.
# Usage: bash scripts/docs-images.sh [path/to/smpsim]   (default build/smpsim; run scripts/build.sh first)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
smpsim=${1:-$repo/build/smpsim}
out=$repo/docs/images
mkdir -p "$out"
r() { "$smpsim" render --width 640 --height 480 "$@"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for t in 1 3 6; do
    "$smpsim" match --set patient.fitzpatrick=$t -o "$tmp/matched-$t.json" >"$out/matched-type-$t.json"
    for m in 1 2; do
        r --set patient.fitzpatrick=$t --set 'patient.norwood="1"' --set 'sessions=[]' --set 'touch_ups=[]' \
            --view three-quarter --distance-m $m -o "$out/stubble-type-$t-${m}m.png"
        r --plan "$tmp/matched-$t.json" --set 'patient.norwood="7"' --view three-quarter --distance-m $m \
            -o "$out/smp-type-$t-${m}m.png"
    done
done
for d in 0.3 0.5 0.8 1.5; do
    r --view closeup-crown --field-mm 10 --set pigment.depth_mm=$d --light-preset office -o "$out/derm-$d-mm.png"
done
r --view closeup-crown --field-mm 10 --set 'pigment.ink_quality="tattoo"' --set pigment.shade=1 \
    --set pigment.depth_mm=1.0 --light-preset office -o "$out/derm-tattoo.png"

for d in 0.3 0.8 1.5 2.5; do
    r --view closeup-crown --set pigment.depth_mm=$d --light-preset office -o "$out/depth-$d-mm.png"
done
r --view closeup-crown --set 'sessions=[]' --light-preset office -o "$out/depth-none.png"

plans=$repo/assets/plans
r --plan "$plans/norwood6-shaved-full-scalp.json" --view three-quarter -o "$out/plan-norwood6.png"
r --plan "$plans/norwood6-shaved-full-scalp.json" --view closeup-hairline -o "$out/plan-norwood6-hairline.png"
r --plan "$plans/norwood3v-density-under-3mm-hair.json" --view top -o "$out/plan-norwood3v.png"
r --plan "$plans/ludwig2-woman.json" --view top -o "$out/plan-ludwig2.png"
r --plan "$plans/fut-scar-camouflage.json" --view closeup-scar --light-preset bathroom -o "$out/plan-fut.png"
r --plan "$plans/fut-scar-camouflage.json" --view closeup-scar --set 'sessions=[]' --set 'touch_ups=[]' \
    --light-preset bathroom -o "$out/plan-fut-before.png"
r --plan "$plans/fue-donor-scars.json" --view closeup-scar --light-preset bathroom -o "$out/plan-fue.png"
r --plan "$plans/bad-practice-helmet.json" --view three-quarter -o "$out/plan-helmet.png"
r --plan "$plans/bad-practice-too-deep.json" --view closeup-crown --light-preset office -o "$out/plan-too-deep.png"

r --view closeup-hairline --days 1 -o "$out/timeline-day1.png"
r --view closeup-hairline -o "$out/timeline-healed.png"
r --view closeup-hairline --years 5 -o "$out/timeline-5y.png"
r --view closeup-hairline --years 10 -o "$out/timeline-10y.png"
# Healing and fading: the same 20 mm crown close-up from the day of the first session to 20 years (the plan
# without its touch-up), and the fade curves under three aftercare profiles.
for d in 0 1 3 7 14 28 365 1096 1826 3652 7305; do
    "$smpsim" render --width 320 --height 320 --view closeup-crown --field-mm 20 --light-preset office \
        --set 'touch_ups=[]' --days "$d" -o "$out/healing-day-$d.png"
done
"$smpsim" fade --set aftercare.sun_hours_per_day=0.5 --set aftercare.spf=50 --set aftercare.hat=true \
    -o "$out/fade-aftercare-careful.png" >/dev/null
"$smpsim" fade -o "$out/fade-aftercare-typical.png" >/dev/null
"$smpsim" fade --set aftercare.sun_hours_per_day=3 --set aftercare.spf=0 --set aftercare.alcohol_topicals=true \
    --set aftercare.washed_before_day3=true -o "$out/fade-aftercare-careless.png" >/dev/null
# The light presets: the built-in plan, healed, three-quarter view, one image per preset.
for p in daylight clinic sun overcast bathroom office flash wet; do
    r --view three-quarter --light-preset $p -o "$out/light-$p.png"
done
# A FUT scar (fut-scar-camouflage.json, 7.5 cm above the nape, where the skin faces back and 18 degrees up)
# under the wet preset, lit along the skin's normal (flat), 45 degrees off it across the scar (oblique) and
# 25 degrees above the skin (grazing), from behind and above; before SMP and after.
for smp in before after; do
    untreated=(); [ $smp = after ] || untreated=(--set 'sessions=[]' --set 'touch_ups=[]')
    r --plan "$plans/fut-scar-camouflage.json" --view closeup-scar --light-preset wet "${untreated[@]}" \
        --light-azimuth 180 --light-elevation 18 -o "$out/wet-scar-flat-$smp.png"
    r --plan "$plans/fut-scar-camouflage.json" --view closeup-scar --light-preset wet "${untreated[@]}" \
        --light-azimuth 180 --light-elevation 63 -o "$out/wet-scar-oblique-$smp.png"
    r --plan "$plans/fut-scar-camouflage.json" --view closeup-scar --light-preset wet "${untreated[@]}" \
        --light-azimuth 180 --light-elevation 83 -o "$out/wet-scar-grazing-$smp.png"
done
# The forms a FUT scar heals in (scars[0].form), 0.5 mm of relief, under light from behind and above that
# grazes the scar (25 degrees above the skin), before SMP: a normal trough, a hollow, a raised ridge, a
# stretched 6 mm scar.
for form in normal atrophic hypertrophic stretched; do
    width=(); [ $form = stretched ] && width=(--set 'scars[0].width_mm=6')
    r --plan "$plans/fut-scar-camouflage.json" --view closeup-scar --field-mm 30 --set 'sessions=[]' \
        --set 'touch_ups=[]' --set "scars[0].form=$form" --set 'scars[0].depth_mm=0.5' "${width[@]}" \
        --light-azimuth 180 --light-elevation 83 -o "$out/scar-form-$form.png"
done
# Hair loss that goes on: the built-in plan (Norwood 6) reaching a Norwood 7 at 10 years, ignored by the plan and
# planned for (treat_future_area), healed and at 10 years; the left side lit from the left, where the fringe
# recedes.
for tf in false true; do
    name=$([ $tf = true ] && echo planned || echo ignored)
    for y in 0 10; do
        when=(); [ $y = 0 ] || when=(--years $y)
        r --view closeup-side --field-mm 170 --light-preset daylight --light-azimuth 90 --light-elevation 45 \
            --set progression.norwood=7 --set progression.treat_future_area=$tf "${when[@]}" \
            -o "$out/progression-$name-y$y.png"
    done
done
# Both default heads (patient.sex) with a full head of hair (Norwood 1 / Ludwig I, no SMP) shaved with a blade,
# at 3 mm (a #1 guard), 30 mm and 100 mm, from the front, three-quarter and top; and thinning hair (the Norwood
# 3V and Ludwig II example plans) from the top, without SMP and with it.
for sex in male female; do
    pattern=(--set 'patient.norwood="1"'); [ $sex = female ] && pattern=(--set 'patient.ludwig="I"')
    for len in 0 3 30 100; do
        for view in front three-quarter top; do
            "$smpsim" render --width 400 --height 300 --set "patient.sex=\"$sex\"" "${pattern[@]}" \
                --set patient.hair_length_mm=$len --set 'sessions=[]' --set 'touch_ups=[]' --set 'scars=[]' \
                --view $view -o "$out/head-$sex-$len-mm-$view.png"
        done
    done
done
for plan in norwood3v-density-under-3mm-hair ludwig2-woman; do
    "$smpsim" render --width 400 --height 300 --plan "$plans/$plan.json" --set 'sessions=[]' --view top \
        -o "$out/thinning-$plan-without.png"
    "$smpsim" render --width 400 --height 300 --plan "$plans/$plan.json" --view top -o "$out/thinning-$plan-with.png"
done
# Scar visibility of the built-in plan (a plot per scar and the JSON; a few minutes without a GPU).
"$smpsim" visibility -o "$out/visibility.png" >"$out/visibility.json"
# A photo of the scalp on the head (docs/scans.md).
bash "$repo/scripts/docs-images-photo.sh" "$smpsim" >/dev/null
echo "images in $out"
