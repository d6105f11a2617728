/* scalp/hair_shape: the shape of each hair above the skin, as a centreline. Stubble stands straight along its
 * exit direction (scalp/hair.h draws it that way, and nothing here changes it); a hair long enough lies
 * down: it rises from the follicle at its exit angle through the hair beneath it, bends over (radius a few
 * millimetres) and lies along the groomed flow on the layer of hair beneath it, a small height above the
 * skin that grows with the local hair volume (density x length); where the head curves away beneath it (an
 * overhang: the occiput, the brows, below the widest part of the head) it leaves the layer and hangs as a
 * cantilever under its own weight (elasto-gravity length (E I / (rho g A))^(1/3), about 45 mm for a 70 um
 * hair, Goldstein, Warren & Ball 2012). Neighbouring hairs gather into clumps whose tips converge, and a
 * parting (plan patient.parting) sends the hair on either side of a line away from it. docs/model.md
 * "Hair" gives the numbers, their sources and the assumptions.
 *
 * Plain C: no GL, no SDL, no printing. Millimetres, head frame of scalp.h (+y up: gravity is -y).
 * Deterministic for the plan's seed: each hair's random numbers come from a PCG32 stream keyed by its
 * follicular unit's id (scalp_hair_shaft.unit), so a scar that removes follicles changes the shapes of
 * the hairs near it only (those that clumped with a removed unit), never the others'.
 *
 *     scalp_hair hair;                         // scalp_hair_create(&hair, &head, &plan, ...)
 *     if (scalp_hair_shape(&hair, &head, &plan, NULL, &err) != SMP_OK) ...;   // NULL: defaults
 *     if (hair.strand_points > 0) {           // lying hair: strand_points points per shaft
 *         const float *p = scalp_hair_strand(&hair, i);   // shaft i: p[0..2] root ... tip
 *     }
 *
 * Cost: about strand_points x 10 support look-ups per hair (bilinear in a 1-degree radial map of the head);
 * a full head of 30 mm hair (127,000 hairs) takes well under a second.
 */
#ifndef SMP_SCALP_HAIR_SHAPE_H
#define SMP_SCALP_HAIR_SHAPE_H

#include "core/core.h"
#include "plan/plan.h"
#include "scalp/hair.h"
#include "scalp/scalp.h"

#include <assert.h>

#define SCALP_HAIR_STRAND_MAX_POINTS 17

typedef struct scalp_hair_shape_params {
    double stand_length_mm; /* up to this plan length hair stands straight (stubble): 4 */
    double lie_length_mm;   /* from this length on it lies fully; in between it bends part of the way: 12 */
    double youngs_modulus_gpa; /* bending modulus of a hair fibre: 3.9 (Robbins) */
    double density_g_per_cm3;  /* keratin: 1.32 */
    double packing_fraction;   /* share of the lying layer's volume that is hair: 0.08 (assumption) */
    double layer_max_mm;       /* the layer's height above the skin is capped here: 8 (assumption) */
    double bend_radius_mm; /* radius at which a hair turns over at the top of the layer: 2.5 (assumption) */
    double clump_units;    /* follicular units per clump: 6 (assumption) */
    double clump_strength; /* how far a hair's tip is drawn to its clump's centre hair, 0..1: 0.65 */
    double segment_mm;     /* target length of a centreline segment: 5 (the first ones are shorter) */
} scalp_hair_shape_params;

void scalp_hair_shape_params_default(scalp_hair_shape_params *params);

/* 0..1: how far hair of this length lies down (0 stands, 1 lies), smooth between stand and lie length. */
double scalp_hair_lay_fraction(const scalp_hair_shape_params *params, double length_mm);

/* The elasto-gravity length (mm) of a hair of this diameter: (E I / (rho g A))^(1/3). A free hair much
 * shorter than it barely droops (tip deflection / length = (L / l)^3 / 8 for a horizontal one). */
double scalp_hair_gravity_length_mm(const scalp_hair_shape_params *params, double diameter_mm);

/* Points per centreline for hair of this plan length (0 when it stands: no strands). */
int scalp_hair_strand_point_count(const scalp_hair_shape_params *params, double length_mm);

/* Shapes every shaft of hair (built by scalp_hair_create on head for pl): fills hair->strand_points,
 * hair->strand_mm (owned by hair, freed by scalp_hair_destroy); stubble that stands gets no strands
 * (strand_points 0). Replaces an earlier shape.
 * params NULL: defaults. SMP_ERR_INPUT for parameters out of range, SMP_ERR_NOMEM. */
smp_status scalp_hair_shape(scalp_hair *hair, const scalp_head *head, const plan *pl,
                            const scalp_hair_shape_params *params, smp_error *err);

/* Shaft i's centreline: strand_points points of 3 floats, root first, along the hair to its tip. Only when
 * hair->strand_points > 0. */
static inline const float *scalp_hair_strand(const scalp_hair *hair, int i)
{
    assert(hair->strand_mm && i >= 0 && i < hair->count);
    return hair->strand_mm + (size_t)3 * (size_t)hair->strand_points * (size_t)i;
}

/* Height (mm) of point p above the head's outer surface, measured from the centre the shape uses (negative
 * inside), from the same radial map of the mesh that the shapes lie on. For tests and tools; builds the map
 * each call (about 30 ms). */
smp_status scalp_hair_support_heights(const scalp_head *head, const float *points_mm, int count,
                                      float *heights_mm, smp_error *err);

#endif
