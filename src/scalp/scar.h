/* scalp/scar: the plan's donor scars laid on the head, and what they do to the skin at any surface point.
 * A FUT strip scar is a curved line across the occipital donor band (a section of the scalp by a plane
 * through the midline point height_above_nape_cm above the nape, tilted to rise towards the ear tops),
 * with a slightly irregular width, a wandering centreline and tapered ends. FUE scars are count punch
 * scars scattered as a Poisson disk over the donor band (back and sides, between the nape and the ear
 * tops). Each scar is a relief of the plan's depth by its form (a rounded trough or cup a little below the
 * skin; a steep-walled hollow when atrophic; a broad shallow floor when stretched; a raised ridge or dome
 * when hypertrophic) of pale, smooth, follicle-free tissue that takes ink less well. docs/model.md ("Scars")
 * gives the numbers and sources. Plain C: no GL, no SDL, no printing. Millimetres, head frame of scalp.h.
 *
 *     scalp_scar_set scars;
 *     if (scalp_scar_set_create(&scars, &head, &plan, &err) != SMP_OK) ...;
 *     scalp_scar_sample s;
 *     scalp_scar_sample_at(&scars, p, &s);              // height, tissue, hair and ink factors at p
 *     float hair = scalp_scar_hair_factor(&scars, p);   // stubble: multiply the follicle density
 *     float ink = scalp_scar_pigment_uptake(&scars, p); // dots: multiply the ink a dot keeps
 *     scalp_scar_set_destroy(&scars);
 *
 * Queries go through a spatial hash of the scars' reach (1 mm cells): one hash lookup and a handful of
 * distance tests, about 0.1-0.3 us, safe from many threads at once (the set is read-only after create).
 */
#ifndef SMP_SCALP_SCAR_H
#define SMP_SCALP_SCAR_H

#include "core/core.h"
#include "core/grid.h"
#include "plan/plan.h"
#include "scalp/scalp.h"

/* Surface changes of scar tissue (assumptions, docs/model.md "Scars"): chromophores (melanin, blood)
 * scaled by this fraction, so albedo_scar = albedo^fraction (Beer-Lambert: absorbance scales with the
 * concentration); GGX roughness scaled by this factor (smooth, tightly packed collagen looks shiny). */
#define SCALP_SCAR_ABSORBER_FRACTION 0.55f
#define SCALP_SCAR_ROUGHNESS_SCALE 0.55f
/* Pigment the tissue of each form of scar keeps, as a fraction of a normal dot's ink: clinics promise a
 * flat scar "100 %", a hypertrophic (raised) one 80 % and a hollow (atrophic) one "not beyond 50 %"
 * (clinical.md section 4). We read those results as uptake; a normal fine line or punch counts as flat, a
 * stretched (widened, thinned) scar as atrophic (an assumption: no source rates stretched scars). */
#define SCALP_SCAR_UPTAKE_NORMAL 1.0f
#define SCALP_SCAR_UPTAKE_ATROPHIC 0.5f
#define SCALP_SCAR_UPTAKE_HYPERTROPHIC 0.8f
#define SCALP_SCAR_UPTAKE_STRETCHED 0.5f
/* How much faster ink fades in scar tissue, as a multiplier on the ink-loss hazard (ageing/): scarring
 * alopecia lost 1.6 / 0.9 = 1.78 times the visual density of androgenetic alopecia by 6 months (Liu 2025,
 * clinical.md section 4); with the built-in fading rates a dot in scar tissue loses 1.78 times the ink of a
 * dot in normal skin by 6 months at a hazard x 2.3 (tests/ageing checks the ratio). */
#define SCALP_SCAR_FADE_RATE_FACTOR 2.3f

/* One point of a FUT centreline (the lines are resampled every SCALP_SCAR_FUT_STEP_MM along the surface). */
#define SCALP_SCAR_FUT_STEP_MM 0.5f
typedef struct scalp_scar_fut_point {
    float position_mm[3]; /* on the surface */
    float normal[3];      /* unit, out of the skin */
    float s_mm;           /* arc length from the line's first point */
    float width_mm;       /* full width of the scar tissue here (tapers to 0 at the ends) */
    float depth_mm;       /* relief at the centre here, mm >= 0 (tapers with the width): below the skin,
                           * above it for a hypertrophic scar */
} scalp_scar_fut_point;

typedef struct scalp_scar_line {
    int first, count;    /* points[first .. first + count - 1] */
    int scar;            /* index into plan.scars */
    float length_mm;     /* along the surface */
    float midline_mm[3]; /* where the line crosses the back midline (height_above_nape_cm above the nape) */
} scalp_scar_line;

typedef struct scalp_scar_fue {
    float center_mm[3];             /* on the surface */
    float normal[3];                /* unit */
    float axis[3];                  /* unit tangent: the direction of radius_a */
    float radius_a_mm, radius_b_mm; /* semi-axes of the slightly oval punch scar */
    float depth_mm;
    int scar; /* index into plan.scars */
} scalp_scar_fue;

typedef struct scalp_scar_set {
    int line_count;
    scalp_scar_line lines[PLAN_MAX_SCARS];
    int point_count;
    scalp_scar_fut_point *points; /* owned; every line's points in order */
    int fue_count;
    scalp_scar_fue *fue;                 /* owned */
    plan_scar_form form[PLAN_MAX_SCARS]; /* the plan's form of each scar (its profile and pigment uptake) */
    float max_depth_mm; /* deepest indentation of the set, >= 0 (0 when none is below the skin) */
    float max_raise_mm; /* highest hypertrophic ridge of the set, >= 0 (0 when none is raised) */
    float max_reach_mm; /* farthest any scar's effect reaches from its line or centre */
    /* owned: every scar's box in the 1 mm cells it overlaps; an entry's id is a FUT segment (index of its
     * first point) or, with the top bit set, a FUE scar */
    smp_box_grid grid;
} scalp_scar_set;

/* What the scars do at one surface point. */
typedef struct scalp_scar_sample {
    float height_mm;      /* offset of the skin along its normal: negative inside an indentation, positive on
                           * a raised (hypertrophic) scar, 0 outside */
    float tissue;         /* 0..1: how much the skin here is scar tissue */
    float hair_factor;    /* 0..1: fraction of the follicles left (0 in scar tissue: scars have none) */
    float pigment_uptake; /* 0..1: fraction of a normal dot's ink the skin here keeps */
    int scar;             /* plan.scars index of the scar that dominates here; -1 outside every scar */
} scalp_scar_sample;

/* Lays out plan->scars on head (deterministic for plan->seed). Each scar's layout draws from a random stream
 * of its type and its place among the scars of that type, so adding or removing another scar (of the other
 * type, or a later one of its own) does not move it. A plan without scars gives an empty set.
 * The caller releases it with scalp_scar_set_destroy. Fails with SMP_ERR_NOMEM, or SMP_ERR_INPUT naming
 * the scar when a FUT line does not fit on the head (e.g. "scars[0].length_cm: ..."). */
smp_status scalp_scar_set_create(scalp_scar_set *set, const scalp_head *head, const plan *plan,
                                 smp_error *err);
void scalp_scar_set_destroy(scalp_scar_set *set); /* safe on a zeroed or destroyed set */

/* Everything at surface point p_mm (head frame). */
void scalp_scar_sample_at(const scalp_scar_set *set, const float p_mm[3], scalp_scar_sample *out);
/* The same as if the plan had only the scars whose bit (1 << plan.scars index) is set in scar_mask: what
 * the set's first scars do, without the others (pigment/ adds scars one at a time to keep placement local).
 * SCALP_SCAR_MASK_ALL gives scalp_scar_sample_at's result bit for bit. */
#define SCALP_SCAR_MASK_ALL 0xffffffffu
void scalp_scar_sample_at_masked(const scalp_scar_set *set, const float p_mm[3], uint32_t scar_mask,
                                 scalp_scar_sample *out);
/* Shorthands: relief (mm, < 0 below the skin), tissue 0..1, follicle factor 0..1, ink uptake 0..1. */
float scalp_scar_height_mm(const scalp_scar_set *set, const float p_mm[3]);
float scalp_scar_tissue(const scalp_scar_set *set, const float p_mm[3]);
float scalp_scar_hair_factor(const scalp_scar_set *set, const float p_mm[3]);
float scalp_scar_pigment_uptake(const scalp_scar_set *set, const float p_mm[3]);
/* Multiplier (>= 1) on the rate at which ink fades at p: SCALP_SCAR_FADE_RATE_FACTOR in scar tissue. */
float scalp_scar_fade_rate_factor(const scalp_scar_set *set, const float p_mm[3]);

/* False when no scar reaches into the box lo..hi (mm): a cheap test to skip work (exact to 1 mm cells). */
bool scalp_scar_may_touch_box(const scalp_scar_set *set, const float lo_mm[3], const float hi_mm[3]);
/* Which scars may reach into the box lo..hi: bit i set for plan.scars[i] (to 1 mm cells, as above). */
uint32_t scalp_scar_box_mask(const scalp_scar_set *set, const float lo_mm[3], const float hi_mm[3]);

/* The largest relief (mm, >= 0: depth or ridge height) of the scars whose reach overlaps the box lo..hi (mm),
 * tested against each scar segment's or punch's own bounds; 0 when none does. */
float scalp_scar_box_relief_mm(const scalp_scar_set *set, const float lo_mm[3], const float hi_mm[3]);

/* Pigment uptake of the tissue of a scar of this form (SCALP_SCAR_UPTAKE_*). */
float scalp_scar_form_uptake(plan_scar_form form);
/* Linear RGB albedo of scar tissue on skin of albedo skin_rgb (components in (0, 1]). */
void scalp_scar_albedo_linear_rgb(const float skin_rgb[3], float scar_rgb[3]);

/* 0..1: how much p lies in the occipital donor band where FUE scars are placed (back and sides, from
 * 15 mm above the nape up to 70 mm above it at the back, from just above the ear tops up 50 mm at the
 * sides), times the hair-bearing skin weight. */
float scalp_scar_donor_weight(const scalp_head *head, const float p_mm[3]);

#endif
