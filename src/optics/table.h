/* optics/table: the baked optics tables the renderer reads, computed once by `smpsim bake` from the
 * Monte Carlo skin model (optics/dot, optics/mc) and stored as JSON in assets/optics/tables.json.
 * What a table holds, per Fitzpatrick type 1..6:
 *   - the bare skin's colour (diffuse reflectance in linear sRGB and CIELAB);
 *   - the skin's own radial diffuse reflectance profile Rd(r) for subsurface scattering, per linear sRGB
 *     channel, as a normalised sum of OPTICS_TABLE_SSS_TERMS Gaussians (d'Eon & Luebke 2007 form);
 *   - per ink depth: the point-spread kernel of the skin above the ink (how far a dot blurs), per channel,
 *     a normalised sum of two Gaussians;
 *   - per ink depth and ink amount: the colour of skin fully covered by the ink, and the gain of a small
 *     dot (its integrated darkening divided by ink area x (skin - covered)), per channel.
 * The real-time form of a dot (what render/ evaluates; optics_table_dot_profile computes the same on the
 * CPU so tests can compare it with the Monte Carlo profile): the ink spot is a Gaussian of peak 1 whose
 * full width at half maximum is the dot diameter, sigma_d^2 = (diameter * 0.4247)^2; per channel
 *     c(r) = gain * sum_k w_k * sigma_d^2 / (sigma_d^2 + s_k^2) * exp(-r^2 / (2 (sigma_d^2 + s_k^2)))
 * is the fraction of the way from the skin colour to the covered colour, and the reflectance is
 *     R(r) = R_skin * exp(-c(r) * ln(R_skin / R_covered))   (overlapping dots add their c * ln terms).
 * Plain C: no GL, no printing.
 *
 *     optics_table *t = malloc(sizeof *t);
 *     if (optics_table_parse_json(t, text, size, "tables.json", &err) != SMP_OK) ...;
 *     optics_dot_look look;
 *     optics_table_dot_look(t, 3, 0.4, 0.7, &look);
 */
#ifndef SMP_OPTICS_TABLE_H
#define SMP_OPTICS_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

#define OPTICS_TABLE_TYPES 6
#define OPTICS_TABLE_MAX_DEPTHS 32
#define OPTICS_TABLE_MAX_INKS 16
#define OPTICS_TABLE_KERNEL_TERMS 2
#define OPTICS_TABLE_SSS_TERMS 3

typedef struct optics_table {
    int version;                              /* 1 */
    uint64_t photons;                         /* photon packets per band and Monte Carlo run */
    uint64_t seed;
    double ink_thickness_mm;                  /* thickness of the ink deposit the table assumes */
    double reference_diameter_mm;             /* dot diameter the gains were measured at */
    int depth_count;
    double depth_mm[OPTICS_TABLE_MAX_DEPTHS]; /* ascending; top of the ink below the surface */
    int ink_count;
    double ink[OPTICS_TABLE_MAX_INKS];        /* ascending ink amounts in (0, 1] (optics_dot_params.ink_amount) */

    double skin_linear_rgb[OPTICS_TABLE_TYPES][3];
    double skin_lab[OPTICS_TABLE_TYPES][3];
    double sss_weight[OPTICS_TABLE_TYPES][3][OPTICS_TABLE_SSS_TERMS];   /* per channel, sum 1 */
    double sss_sigma_mm[OPTICS_TABLE_TYPES][3][OPTICS_TABLE_SSS_TERMS];

    double kernel_weight[OPTICS_TABLE_TYPES][OPTICS_TABLE_MAX_DEPTHS][3][OPTICS_TABLE_KERNEL_TERMS]; /* sum 1 */
    double kernel_sigma_mm[OPTICS_TABLE_TYPES][OPTICS_TABLE_MAX_DEPTHS][3][OPTICS_TABLE_KERNEL_TERMS];

    double covered_linear_rgb[OPTICS_TABLE_TYPES][OPTICS_TABLE_MAX_DEPTHS][OPTICS_TABLE_MAX_INKS][3];
    double gain[OPTICS_TABLE_TYPES][OPTICS_TABLE_MAX_DEPTHS][OPTICS_TABLE_MAX_INKS][3];
} optics_table;

/* One dot's real-time appearance, interpolated from a table (see the formula above). */
typedef struct optics_dot_look {
    double skin_linear_rgb[3];
    double covered_linear_rgb[3];
    double gain[3];
    double kernel_weight[3][OPTICS_TABLE_KERNEL_TERMS];
    double kernel_sigma_mm[3][OPTICS_TABLE_KERNEL_TERMS];
} optics_dot_look;

/* What to bake: the grids (depth_count/ink_count 0 = the defaults: depths 0.1..2.5 mm, inks 0.05..1),
 * photons per band (0 = default), seed, threads (0 = all cores). */
typedef struct optics_bake_params {
    int depth_count;
    double depth_mm[OPTICS_TABLE_MAX_DEPTHS];
    int ink_count;
    double ink[OPTICS_TABLE_MAX_INKS];
    int types[OPTICS_TABLE_TYPES];  /* which Fitzpatrick types to bake (1..6); type_count 0 = all six */
    int type_count;
    uint64_t photons;
    uint64_t seed;
    int threads;
} optics_bake_params;

void optics_bake_params_default(optics_bake_params *p);
/* Bakes the table (caller's storage; about 200 KiB). progress (may be NULL) hears fractions 0..1.
 * Types not baked are left zero. SMP_ERR_INPUT for a bad grid, SMP_ERR_NOMEM. */
smp_status optics_table_bake(optics_table *t, const optics_bake_params *p, smp_progress_fn progress,
                             void *progress_user, smp_error *err);
/* JSON text of a table (caller frees), NULL when out of memory. */
char *optics_table_to_json(const optics_table *t);
/* Parses JSON text (size bytes); source names it in errors: "<source>: <field>: <what>". */
smp_status optics_table_parse_json(optics_table *t, const char *text, size_t size, const char *source,
                                   smp_error *err);
/* Depth (mm) of the top of the healed ink deposit left by a needle that reached needle_depth_mm (the plan's
 * pigment.depth_mm): ink stays along the deepest OPTICS_INK_RETAINED_MM of the needle's track, and none
 * above the dermal-epidermal junction (the epidermis, with the ink in it, is renewed while healing). An
 * opaque deposit is seen by its top, so this is the depth the table's rows are indexed by. The retained
 * length is an assumption (docs/optics-model.md): histology finds healed pigment concentrated just below
 * the junction, to about 0.4 mm. */
#define OPTICS_INK_RETAINED_MM 0.3
double optics_table_ink_top_mm(const optics_table *t, double needle_depth_mm);
/* Interpolates (linearly in depth and ink, clamped to the grid) the look of a dot on skin type 1..6;
 * depth_mm is the top of the ink (optics_table_ink_top_mm). */
void optics_table_dot_look(const optics_table *t, int fitzpatrick, double depth_mm, double ink,
                           optics_dot_look *out);
/* c(r) of the formula above for one channel (0 r, 1 g, 2 b) of a dot of the given diameter. */
double optics_table_dot_profile(const optics_dot_look *look, int channel, double diameter_mm, double r_mm);
/* The formula's integrated darkening of one channel in mm² of fully covered skin,
 * integral (R_skin - R(r)) dA / (R_skin - R_covered); over the dot's area pi D²/4 it is the gain the bake
 * measured by Monte Carlo (docs/optics-model.md). 0 when the ink does not darken the channel. */
double optics_table_dot_darkening_mm2(const optics_dot_look *look, int channel, double diameter_mm);

#endif
