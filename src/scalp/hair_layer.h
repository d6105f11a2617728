/* scalp/hair_layer: the hair above the skin as a layer that shades the skin beneath it.
 *
 * A single shaft's shadow on the skin is a matter for the renderer's shadow map, but a few hundred fibres
 * 70 um thick per cm², lying a millimetre above the skin, are far finer than any shadow map resolves (its
 * depth bias alone is thicker than the layer). What they do to the skin is statistical: a fibre of diameter
 * d whose centreline runs a length l across the skin, seen along the skin's normal, covers d l of it, and
 * randomly placed fibres let through exp(-tau) of what falls on the skin straight down, where tau, the
 * layer's vertical optical depth, is the covered area per area of skin. Light from elevation e crosses
 * tau / sin(e), and a uniform sky through it arrives as about exp(-1.66 tau) (the diffusivity
 * approximation of 2 E3(tau): Elsasser 1942). Dark hair absorbs nearly all of the light it intercepts,
 * so the layer is taken as a pure absorber.
 *
 * This module says where the layer lies: every hair becomes points along it (its strand's points for lying
 * hair, SCALP_HAIR_LAYER_STUBBLE_POINTS along a standing shaft), each with the chart uv of the skin under
 * it, the area of skin it covers in chart uv² (its share of the centreline's length projected onto the
 * skin's tangent plane at the root, times the diameter, times the chart's area scale there) and its height
 * above the skin. Summing the areas over a chart texel and dividing by the texel's area gives tau; the
 * area-weighted mean height says how high the layer stands. render/ splats the points into a chart
 * texture every time the hairs lost by the frame's year change (a point carries its hair's lost year) and
 * evaluates the shading; scalp_hair_layer_tau_at evaluates the same sum on the CPU for tests.
 *
 * Plain C: no GL, no SDL, no printing. Millimetres, head frame of scalp.h.
 *
 *     scalp_hair_layer layer;
 *     if (scalp_hair_layer_create(&layer, &hair, &head, &err) != SMP_OK) ...;
 *     // layer.points[5 * k ..]: u, v, area_uv2, height_mm, lost_year
 *     scalp_hair_layer_destroy(&layer);
 */
#ifndef SMP_SCALP_HAIR_LAYER_H
#define SMP_SCALP_HAIR_LAYER_H

#include "core/core.h"
#include "scalp/hair.h"
#include "scalp/scalp.h"

/* Points along a standing shaft (stubble has no strand): one per equal part of its length, at the part's
 * middle. */
#define SCALP_HAIR_LAYER_STUBBLE_POINTS 4
#define SCALP_HAIR_LAYER_FLOATS 5
/* A uniform sky through an absorbing layer of vertical optical depth tau: exp(-this x tau) (the
 * diffusivity factor; 2 E3(tau) within 10 % of it for tau <= 3). */
#define SCALP_HAIR_LAYER_DIFFUSIVITY 1.66

typedef struct scalp_hair_layer {
    int hair_count;
    int points_per_hair;
    float *points; /* owned: hair_count x points_per_hair x SCALP_HAIR_LAYER_FLOATS: u, v, area (chart uv²),
                    * height above the skin (mm), the hair's lost year (scalp_hair_shaft.lost_year) */
} scalp_hair_layer;

/* The layer of hair (after scalp_hair_shape when the hair lies) on head. Hairs of length 0 cover nothing
 * but keep their points (area 0). SMP_ERR_NOMEM. */
smp_status scalp_hair_layer_create(scalp_hair_layer *layer, const scalp_hair *hair, const scalp_head *head,
                                   smp_error *err);
void scalp_hair_layer_destroy(scalp_hair_layer *layer); /* safe on a zeroed or destroyed layer */

/* The layer's vertical optical depth at the skin around chart point uv at the given years: the area of the
 * points of hairs not yet lost within radius_mm of it (chart millimetres), over the disc's area; and,
 * when mean_height_mm is not NULL, their area-weighted mean height (0 when there are none). A direct sum
 * over all points, for tests and checks. */
double scalp_hair_layer_tau_at(const scalp_hair_layer *layer, const scalp_head *head, const float uv[2],
                               double radius_mm, double years, double *mean_height_mm);

#endif
