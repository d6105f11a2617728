/* pigment: the dot field. Places every SMP dot of every session and touch-up of a plan on the head's
 * surface: Poisson-disk (blue noise) in true surface distance, at the density the plan and the treatment
 * weight (hairline x pattern x zones) ask for, in follicular-unit style clusters of 1-3 dots, with per-dot
 * jitter of size, depth and ink from needle variation. Sessions layer: a later
 * session fills between the dots of the earlier ones. Deterministic for the plan's seed, and local to
 * scars: adding, removing or resizing a scar places dots again only within scar_margin_mm of it (a few mm);
 * every other dot is, bit for bit, the dot of the plan without it. The same holds between two plans
 * (pigment_field_create_stable): where plan B asks for what plan A asks for, B's field keeps A's dots.
 *
 * A dot here is the ink DEPOSIT the needle leaves (DESIGN.md, "The ink deposit"): a column of ink along the
 * needle's track from the dermal-epidermal junction down to the needle's tip, as wide as the needle cluster
 * makes it, with an ink load set by shade, dilution and ink grade. What is SEEN of it (the 0.1-0.17 mm grey
 * mark of the clinics' "dot size") is the optics' business, not this module's.
 * Plain C: no GL, no SDL, no printing. Ageing and shading of dots belong to ageing/ and render/.
 *
 *     pigment_field field;
 *     if (pigment_field_create(&field, &head, &plan, &err) != SMP_OK) ...;
 *     for (int i = 0; i < field.count; ++i) use(field.dots[i]);
 *     pigment_field_destroy(&field);
 */
#ifndef SMP_PIGMENT_H
#define SMP_PIGMENT_H

#include "core/core.h"
#include "plan/plan.h"
#include "scalp/scalp.h"
#include "scalp/scar.h"

typedef struct pigment_dot {
    float position_mm[3]; /* on the mesh surface, head frame */
    float normal[3];      /* unit surface normal at the dot */
    float uv[2];          /* scalp chart coordinates */
    float diameter_mm;    /* width of the ink deposit at its top (the dermal-epidermal junction), mm:
                           * pigment_deposit_diameter_mm(&plan.pigment) jittered by 12 % (x 0.6..1.5) */
    float depth_mm;       /* needle depth, the tip of the track and bottom of the ink column, mm below the
                           * surface: plan.pigment.depth_mm jittered by 15 % (x 0.5..1.6), within 0.05..3 */
    float ink;            /* ink load, 1 = the darkest SMP working dilution (carbon black diluted 25x):
                           * pigment shade x session shade x pigment_ink_load_factor(ink_quality), jittered by
                           * 10 % (x 0.7..1.3), within 0..PIGMENT_INK_MAX, times the scar tissue's uptake.
                           * Not a fraction: undiluted tattoo ink at shade 1 is about 25 */
    float fade_rate;      /* >= 1: how much faster than normal skin its tissue loses ink (scar tissue:
                           * scalp_scar_fade_rate_factor); ageing/ multiplies the ink-loss hazard by it */
    int session;          /* 0..session_count-1 for sessions, then session_count + k for touch-up k */
} pigment_dot;

typedef struct pigment_field {
    int count;
    pigment_dot *dots; /* owned; sorted by session, then placement order */
    int layer_count;   /* sessions + touch-ups */
    int layer_dot_count[PLAN_MAX_SESSIONS + PLAN_MAX_TOUCH_UPS];
    double layer_day[PLAN_MAX_SESSIONS + PLAN_MAX_TOUCH_UPS]; /* day each layer was tattooed */
    double treated_area_cm2; /* area-weighted treatment weight over the mesh */
    float min_spacing_mm;    /* smallest distance between two cluster centres that the placement allowed
                              * (between two dots when every cluster is a single dot) */
    float
        cluster_spacing_mm; /* distance between the dots of one cluster (jittered 15 %); 0 when all single */
    float scar_margin_mm;   /* scars placed dots again only this near their reach (the rim of the widest
                             * profile): every dot farther from all of them is, bit for bit, a dot of the
                             * same plan without scars. 0 when no scar changed the field. For a field of
                             * pigment_field_create_stable: that of the base plan's placement */
    float stable_margin_mm; /* pigment_field_create_stable: every dot farther than this from each mesh
                             * vertex where a layer's target (density x w, or the Poisson-disk radius)
                             * differs from the base plan's is, in position and jitter, a dot of the base
                             * plan's field. 0 when no target differs, or the field is not such a change */
    int stable_kept_count;  /* pigment_field_create_stable: dots kept from the base plan's field (0
                             * elsewhere) */
} pigment_field;

/* Places the dots of plan's sessions and touch-ups on head. The caller releases with pigment_field_destroy.
 * Fails with SMP_ERR_NOMEM, or SMP_ERR_INPUT when the plan asks for more than PIGMENT_MAX_DOTS dots. */
smp_status pigment_field_create(pigment_field *field, const scalp_head *head, const plan *plan,
                                smp_error *err);
/* The same on a head with scars (may be NULL): scars count as hair lost, so the plan treats them (at the
 * sides zone's factor), and each dot's ink is scaled by the scar tissue's pigment uptake. The field is
 * placed as without scars, then each scar (FUE fields first, then FUT lines) takes out the dots on the
 * triangles whose weight it raises and places them again (field.c "scars: local re-placement"). */
smp_status pigment_field_create_with_scars(pigment_field *field, const scalp_head *head, const plan *plan,
                                           const scalp_scar_set *scars, smp_error *err);
/* Plan pl's field placed as a change of plan base (both on head, with their scars, either may be NULL), for
 * comparing the two side by side: where pl's target for a layer (session or touch-up) - density x treatment
 * weight, with zones, hairline, pattern and scars, and the Poisson-disk radius - equals base's within
 * PIGMENT_STABLE_TOLERANCE, the dots of base's field (pigment_field_create_with_scars) stay, bit for bit in
 * position; only the triangles where it differs, for that layer and the later ones, are placed again, at
 * pl's density, with the spacing kept across the seam (field.c "plan against plan"). Every dot's deposit
 * width, depth, ink and scar tissue follow pl. When the plans do not share a placement
 * (pigment_plans_share_placement) it is pigment_field_create_with_scars(pl). Costs a placement of base more.
 * Fails as pigment_field_create does, for either plan. */
smp_status pigment_field_create_stable(pigment_field *field, const scalp_head *head, const plan *pl,
                                       const scalp_scar_set *scars, const plan *base,
                                       const scalp_scar_set *base_scars, smp_error *err);
/* Whether b can be placed as a change of a: the global fields that move every dot are the same (seed, head
 * measures and mesh, patient sex, clusters) and both plans ask for some density. Pigment (depth, shade,
 * needle, dot size, ink grade), session shades and days never move a dot. */
bool pigment_plans_share_placement(const plan *a, const plan *b);
void pigment_field_destroy(pigment_field *field); /* safe on a zeroed or destroyed field */

#define PIGMENT_MAX_DOTS 2000000
/* Two plans' targets at a vertex are the same when they differ by at most this share: float rounding, far
 * below the count noise of any region a change makes (1 / sqrt(N) > 0.3 % for N < 100,000 dots). */
#define PIGMENT_STABLE_TOLERANCE 1e-3

/* ---- The deposit: what one needle stroke leaves ---- */

/* How much wider the deposit is than the pins' footprint: ink spreads a little beyond the pins and the
 * practitioner's pressure widens the wound. A calibration against what people see, documented with the
 * deposit-to-look model in docs/optics-model.md; 1 until that calibration is made. */
#define PIGMENT_WOUND_SPREAD 1.0

/* Optical ink load per unit of shade, by ink grade, in units of the SMP working dilution (carbon black
 * diluted 25x with water, docs/optics-model.md §3, where ink amount 1 is that load). */
#define PIGMENT_INK_LOAD_MEDICAL 1.0  /* SMP ink, diluted to the working dilution */
#define PIGMENT_INK_LOAD_COSMETIC 1.0 /* the same carbon at the same dilution */
/* Undiluted tattoo ink: 25x the working dilution (optics-model.md §3: "neat ink would be a = 25"). */
#define PIGMENT_INK_LOAD_TATTOO 25.0
/* Cheap, poorly dispersed ink: its carbon sits in aggregates, which absorb less light per unit mass than
 * dispersed particles (the "packaging" effect, optics-model.md §3). 0.6 is an ASSUMPTION, not a measured
 * value; a clinic that knows its ink better changes it here (or lowers the plan's shade). */
#define PIGMENT_INK_LOAD_INFERIOR 0.6
/* The largest ink load a dot carries after jitter (undiluted tattoo ink at shade 1 jittered up is 32.5). */
#define PIGMENT_INK_MAX 40.0f

/* Width of the needle cluster, mm: its round-liner pins (diameter d = p->pin_diameter_mm) packed in a
 * circle; 1 pin d, 3 pins d(1 + 2/sqrt 3) = 2.155 d, 5 pins d(1 + 1/sin 36 deg) = 2.701 d, 7 pins 3 d. */
double pigment_needle_footprint_mm(const plan_pigment *p);
/* Width of the ink deposit at its top, mm: p->dot_diameter_mm when given (non-zero), else the needle's
 * footprint x PIGMENT_WOUND_SPREAD. */
double pigment_deposit_diameter_mm(const plan_pigment *p);
/* Ink load per unit of shade for an ink grade (the PIGMENT_INK_LOAD_* above); 1 for an unknown grade. */
double pigment_ink_load_factor(plan_ink_quality q);

/* The Poisson-disk radius factor: cluster centres of a layer whose cumulative cluster density is rho (per
 * mm²) keep at least PIGMENT_SPACING_FACTOR / sqrt(rho * max(w, 1/4)) mm apart, w the treatment weight
 * (random sequential adsorption jams at 0.83 / sqrt(rho)). */
#define PIGMENT_SPACING_FACTOR 0.62f

#endif
