/* scalp/hair: the patient's existing hair as stubble. Follicular units are placed over the hair-bearing
 * scalp at the native density of the plan's hair-loss pattern (miniaturised where it thins), 1-4 hairs per
 * unit; each hair has a root on the skin, an exit direction (angle to the skin by region, azimuth along the
 * scalp's flow with a whorl at the crown), a shaft diameter, a visible length and a pigment (grey or not).
 * Deterministic for the plan's seed. Placement is local to scars: units are placed as if there were no
 * scars and the scars then remove those on their tissue, so adding, removing or resizing a scar changes
 * only the follicles on its tissue; everywhere else they are bit for bit those of the plan without it.
 * Plain C: no GL, no SDL, no printing. docs/model.md "Hair" gives the numbers and their sources.
 *
 * Over the years (plan.progression) hairs are lost and turn grey. Each shaft carries the year it is lost and
 * the year it turns grey, so that a time t is a per-shaft comparison (scalp_hair_shaft_is_lost/_is_grey,
 * which render/ evaluates the same way per frame): the hair is built once and never rebuilt for a new time.
 * Those years come from a random stream of their own, so the hair at year 0 is the same with or without a
 * progression. docs/model.md "Hair loss that goes on, and greying" gives the rule.
 *
 *     scalp_hair hair;
 *     if (scalp_hair_create(&hair, &head, &plan, NULL, &err) != SMP_OK) ...;   // NULL: defaults from plan
 *     for (int i = 0; i < hair.count; ++i) use(hair.shafts[i]);
 *     scalp_hair_destroy(&hair);
 */
#ifndef SMP_SCALP_HAIR_H
#define SMP_SCALP_HAIR_H

#include "core/core.h"
#include "plan/plan.h"
#include "scalp/photo.h"
#include "scalp/scalp.h"
#include "scalp/scar.h"

#include <float.h>

#define SCALP_HAIR_MAX_PER_UNIT 4
/* lost_year and grey_year of a shaft that is never lost or never turns grey: finite, so that it passes
 * through a GPU vertex attribute and compares as "later than any time" there too. */
#define SCALP_HAIR_NEVER FLT_MAX
#define SCALP_HAIR_MAX_COUNT 1000000
/* Scars do not move follicles (scalp_hair_create): a shaft whose root lies farther than this from every
 * scar's reach (its rim) is, bit for bit, the shaft of the same plan without scars. The margin is the
 * largest distance of a root from its unit's centre (UNIT_SPREAD_MM / 2 x the largest Box-Muller normal, 8.6,
 * on both axes: 0.49 mm); a unit is removed only where its centre lies on scar tissue. */
#define SCALP_HAIR_SCAR_MARGIN_MM 0.5f

typedef struct scalp_hair_params {
    double unit_density_per_cm2; /* follicular units per cm² at full native density (100) */
    double hairs_per_unit_p[SCALP_HAIR_MAX_PER_UNIT]; /* probability of 1, 2, 3, 4 hairs in a unit (sum 1) */
    double diameter_mm;                               /* mean terminal shaft diameter (0.07) */
    double diameter_sd_mm;                            /* its spread between hairs (0.012) */
    double vellus_diameter_mm;                        /* diameter of a fully miniaturised hair (0.025) */
    double vellus_max_length_mm; /* a miniaturised hair's short anagen stops it at this length (15) */
    double length_mm;            /* visible length at the cut, along the shaft (plan hair_length_mm) */
    double length_rel_sd;        /* relative spread of the cut length (0.15; clippers lift hairs unevenly) */
    double days_since_cut;       /* growth since the cut, days (0) */
    double growth_mm_per_day;    /* anagen growth rate (0.35) */
    double telogen_fraction;     /* hairs resting, which do not grow (0.1) */
    double grey_fraction;        /* fraction of hairs without pigment (plan grey_fraction) */
    double bulb_depth_mm;        /* depth of a terminal bulb below the surface (3.5) */
    const scalp_scar_set *scars; /* scars have no follicles (NULL: none) */
    /* A photo whose hair is kept (scalp/photo.h, SCALP_PHOTO_HAIR_KEEP): where it sees the head, the photo
     * shows the hair, so none is grown there (the density times 1 - its weight). NULL: none. */
    const scalp_skin_map *photo;
} scalp_hair_params;

typedef struct scalp_hair_shaft {
    float root_mm[3];     /* where the shaft leaves the skin, head frame */
    float normal[3];      /* outward unit surface normal at the root */
    float direction[3];   /* unit direction of growth above the skin */
    float exit_angle_deg; /* angle between the shaft and the skin's tangent plane */
    float diameter_mm;
    float length_mm;     /* visible length above the skin, along the shaft (0: cut flush) */
    float bulb_depth_mm; /* depth of the bulb below the surface (the shaft runs there at the exit angle) */
    float pigment;       /* 1 = the patient's hair colour, 0 = white; miniaturised hairs are paler */
    float lost_year;     /* years after the first session at which it is lost (> 0), or SCALP_HAIR_NEVER */
    float grey_year;     /* years after the first session from which it is white (0 when pigment is 0 from
                          * the start), or SCALP_HAIR_NEVER */
    int unit;            /* its follicular unit: the unit's index in the placement before scars thin it, so
                          * the same with and without scars (the ids of units a scar removed are missing) */
} scalp_hair_shaft;

typedef struct scalp_hair {
    int count;
    scalp_hair_shaft *shafts; /* owned; grouped by unit */
    int unit_count;           /* units kept (off scar tissue) */
    double haired_area_cm2;   /* area weighted by the native fraction */
    scalp_hair_params params; /* what it was built with */
    /* The shape of each hair above the skin (scalp_hair_shape, scalp/hair_shape.h); 0 / NULL until it is
     * shaped and for stubble, which stands straight along its direction. */
    int strand_points; /* points per shaft, root to tip */
    float *strand_mm;  /* owned: count x strand_points x 3, head frame */
} scalp_hair;

/* Defaults (the numbers above) with the patient's length and grey fraction. */
void scalp_hair_params_default(scalp_hair_params *params, const plan_patient *patient);

/* Places the hair of plan->patient on head (params NULL = scalp_hair_params_default). The caller releases it
 * with scalp_hair_destroy. SMP_ERR_INPUT for parameters out of range (the message names the field),
 * SMP_ERR_NOMEM. */
smp_status scalp_hair_create(scalp_hair *hair, const scalp_head *head, const plan *plan,
                             const scalp_hair_params *params, smp_error *err);
void scalp_hair_destroy(scalp_hair *hair); /* safe on a zeroed or destroyed field */
/* Whether plans a and b give the same hair, bit for bit, on the same head with the same params (scars,
 * photo): scalp_hair_create and scalp_hair_shape read only the plan's patient, progression and seed. The
 * scene keeps its hair over an edit of anything else (the pigment, the sessions, the aftercare). */
bool scalp_hair_plans_share(const plan *a, const plan *b);

/* Follicular units per cm² at surface point p: the native density times scalp_native_hair_fraction. This is
 * the one place that decides where hair grows: a scar mask multiplies in here. */
double scalp_hair_unit_density_per_cm2(const scalp_head *head, const plan *plan,
                                       const scalp_hair_params *params, const float p[3]);

/* Whether shaft s is gone, or white, at years after the first session (years >= 0). */
static inline bool scalp_hair_shaft_is_lost(const scalp_hair_shaft *s, double years)
{
    return (double)s->lost_year <= years;
}
static inline bool scalp_hair_shaft_is_grey(const scalp_hair_shaft *s, double years)
{
    return s->pigment <= 0.0f || (double)s->grey_year <= years;
}

/* Mean hairs per follicular unit of params. */
double scalp_hair_mean_per_unit(const scalp_hair_params *params);

/* The anatomical exit pattern at surface point p (normal n): the angle to the skin in degrees and the unit
 * growth direction, before per-hair jitter. Smooth over the head. */
void scalp_hair_exit(const scalp_head *head, const float p[3], const float n[3], float *angle_deg,
                     float direction[3]);

#endif
