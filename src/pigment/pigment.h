/* pigment: the dot field. Places every SMP dot of every session and touch-up of a plan on the head's
 * surface: Poisson-disk (blue noise) in true surface distance, at the density the plan and the treatment
 * weight (hairline x pattern x zones) ask for, in follicular-unit style clusters of 1-3 dots, with per-dot
 * jitter of size, depth and ink from needle variation. Sessions layer: a later
 * session fills between the dots of the earlier ones. Deterministic for the plan's seed.
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
    float diameter_mm;    /* healed diameter (full width at half maximum of the ink spot), jittered */
    float depth_mm;       /* depth of the ink below the surface, jittered */
    float ink;            /* ink amount 0..1: the session's shade times the pigment shade, jittered */
    int session;          /* 0..session_count-1 for sessions, then session_count + k for touch-up k */
} pigment_dot;

typedef struct pigment_field {
    int count;
    pigment_dot *dots;    /* owned; sorted by session, then placement order */
    int layer_count;      /* sessions + touch-ups */
    int layer_dot_count[PLAN_MAX_SESSIONS + PLAN_MAX_TOUCH_UPS];
    double layer_day[PLAN_MAX_SESSIONS + PLAN_MAX_TOUCH_UPS]; /* day each layer was tattooed */
    double treated_area_cm2;  /* area-weighted treatment weight over the mesh */
    float min_spacing_mm;     /* smallest distance between two cluster centres that the placement allowed
                               * (between two dots when every cluster is a single dot) */
    float cluster_spacing_mm; /* distance between the dots of one cluster (jittered 15 %); 0 when all single */
} pigment_field;

/* Places the dots of plan's sessions and touch-ups on head. The caller releases with pigment_field_destroy.
 * Fails with SMP_ERR_NOMEM, or SMP_ERR_INPUT when the plan asks for more than PIGMENT_MAX_DOTS dots. */
smp_status pigment_field_create(pigment_field *field, const scalp_head *head, const plan *plan, smp_error *err);
/* The same on a head with scars (may be NULL): scars count as hair lost, so the plan treats them (at the
 * sides zone's factor), and each dot's ink is scaled by the scar tissue's pigment uptake. */
smp_status pigment_field_create_with_scars(pigment_field *field, const scalp_head *head, const plan *plan,
                                           const scalp_scar_set *scars, smp_error *err);
void pigment_field_destroy(pigment_field *field); /* safe on a zeroed or destroyed field */

#define PIGMENT_MAX_DOTS 2000000

/* The Poisson-disk radius factor: cluster centres of a layer whose cumulative cluster density is rho (per
 * mm²) keep at least PIGMENT_SPACING_FACTOR / sqrt(rho * max(w, 1/4)) mm apart, w the treatment weight
 * (random sequential adsorption jams at 0.83 / sqrt(rho)). */
#define PIGMENT_SPACING_FACTOR 0.62f

#endif
