/* optics/table: the baked optics tables the renderer reads, computed once by `smpsim bake` from the
 * Monte Carlo skin model (optics/dot, optics/mc) and stored as JSON in assets/optics/tables.json.
 * What a table holds, per Fitzpatrick type 1..6:
 *   - the bare skin's colour (diffuse reflectance in linear sRGB and CIELAB);
 *   - the skin's own radial diffuse reflectance profile Rd(r) for subsurface scattering, per linear sRGB
 *     channel, as a normalised sum of OPTICS_TABLE_SSS_TERMS Gaussians (d'Eon & Luebke 2007 form);
 *   - per ink depth: the point-spread kernel of the skin above the ink (how far a dot blurs), per channel,
 *     a normalised sum of two Gaussians;
 *   - per ink depth and ink amount: the colour of skin fully covered by the ink (a slab of ink_thickness_mm),
 *   - per ink depth, ink amount and deposit diameter: the gains of a dot of that diameter, one per kernel
 *     term, per channel: they make the real-time form's integrated darkening and its darkening within the
 *     dot's own footprint those of the Monte Carlo disk (a small deposit darkens more than its area; a large
 *     one tends to the slab's covered colour).
 * A whole ink deposit (a column along the needle track, optics/deposit.h) is a sum of such dots, one per
 * segment of the column.
 * The real-time form of a dot (what render/ evaluates; optics_table_dot_profile computes the same on the
 * CPU so tests can compare it with the Monte Carlo profile): the ink spot is a Gaussian of peak 1 with the
 * area of the disk of ink, 2 pi sigma_d^2 = pi D^2 / 4, so sigma_d = D / (2 sqrt 2) = 0.3536 D (a Gaussian
 * as wide at half maximum as the disk, 0.4247 D, puts too little ink at the centre: its centre falls
 * 0.26 of the slab's darkening short of the Monte Carlo disk at the junction, this one 0.17); per channel
 *     c(r) = sum_k gain_k * w_k * sigma_d^2 / (sigma_d^2 + s_k^2) * exp(-r^2 / (2 (sigma_d^2 + s_k^2)))
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
#define OPTICS_TABLE_MAX_DIAMETERS 10
#define OPTICS_TABLE_MAX_INK 64.0 /* largest ink amount a table may hold (undiluted tattoo ink is ~25) */
#define OPTICS_TABLE_KERNEL_TERMS 2
#define OPTICS_TABLE_SSS_TERMS 3
#define OPTICS_TABLE_SPOT_SIGMA_PER_DIAMETER 0.35355339059327373 /* sigma of the real-time ink spot / D */

typedef struct optics_table {
    int version;      /* 2 */
    uint64_t photons; /* photon packets per band and Monte Carlo run */
    uint64_t seed;
    double ink_thickness_mm; /* thickness of the ink deposit the table assumes */
    int depth_count;
    double depth_mm[OPTICS_TABLE_MAX_DEPTHS]; /* ascending; top of the ink below the surface */
    int ink_count;
    double
        ink[OPTICS_TABLE_MAX_INKS]; /* ascending ink amounts in (0, OPTICS_TABLE_MAX_INK]: carbon per area
                                       of the slab in units of 0.101 mg/cm² (optics_dot_params.ink_amount) */
    int diameter_count;
    double
        diameter_mm[OPTICS_TABLE_MAX_DIAMETERS]; /* ascending deposit diameters the gains were measured at */

    double skin_linear_rgb[OPTICS_TABLE_TYPES][3];
    double skin_lab[OPTICS_TABLE_TYPES][3];
    double sss_weight[OPTICS_TABLE_TYPES][3][OPTICS_TABLE_SSS_TERMS]; /* per channel, sum 1 */
    double sss_sigma_mm[OPTICS_TABLE_TYPES][3][OPTICS_TABLE_SSS_TERMS];

    double kernel_weight[OPTICS_TABLE_TYPES][OPTICS_TABLE_MAX_DEPTHS][3]
                        [OPTICS_TABLE_KERNEL_TERMS]; /* sum 1 */
    double kernel_sigma_mm[OPTICS_TABLE_TYPES][OPTICS_TABLE_MAX_DEPTHS][3][OPTICS_TABLE_KERNEL_TERMS];

    double covered_linear_rgb[OPTICS_TABLE_TYPES][OPTICS_TABLE_MAX_DEPTHS][OPTICS_TABLE_MAX_INKS][3];
    /* per channel, one gain per kernel term (the sharp term, then the diffuse one) */
    double gain[OPTICS_TABLE_TYPES][OPTICS_TABLE_MAX_DEPTHS][OPTICS_TABLE_MAX_INKS]
               [OPTICS_TABLE_MAX_DIAMETERS][3][OPTICS_TABLE_KERNEL_TERMS];
} optics_table;

/* One dot's real-time appearance, interpolated from a table (see the formula above). */
typedef struct optics_dot_look {
    double skin_linear_rgb[3];
    double covered_linear_rgb[3];
    double gain[3][OPTICS_TABLE_KERNEL_TERMS];
    double kernel_weight[3][OPTICS_TABLE_KERNEL_TERMS];
    double kernel_sigma_mm[3][OPTICS_TABLE_KERNEL_TERMS];
} optics_dot_look;

/* What to bake: the grids (a count of 0 = the defaults: depths 0.08..2.5 mm, inks 0.02..32, diameters
 * 0.1..2 mm),
 * photons per band (0 = default), seed, threads (0 = all cores). */
typedef struct optics_bake_params {
    int depth_count;
    double depth_mm[OPTICS_TABLE_MAX_DEPTHS];
    int ink_count;
    double ink[OPTICS_TABLE_MAX_INKS];
    int diameter_count;
    double diameter_mm[OPTICS_TABLE_MAX_DIAMETERS];
    int types[OPTICS_TABLE_TYPES]; /* which Fitzpatrick types to bake (1..6); type_count 0 = all six */
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
/* Interpolates the look of a dot on skin type 1..6 whose ink slab's top is depth_mm below the surface, with
 * ink amount ink and diameter diameter_mm: linearly in depth and ink, in log diameter for the gain, clamped
 * to the grid. Below the smallest ink of the grid the look is that of the smallest ink with gain scaled down
 * in proportion (the linear, first-order limit), so a dot fades smoothly to nothing. */
void optics_table_dot_look(const optics_table *t, int fitzpatrick, double depth_mm, double ink,
                           double diameter_mm, optics_dot_look *out);
/* c(r) of the formula above for one channel (0 r, 1 g, 2 b) of a dot of the given diameter. */
double optics_table_dot_profile(const optics_dot_look *look, int channel, double diameter_mm, double r_mm);
/* The formula's integrated darkening of one channel in mm² of fully covered skin,
 * integral (R_skin - R(r)) dA / (R_skin - R_covered), over the whole surface (radius_mm <= 0) or within
 * radius_mm of the centre; over the dot's area pi D²/4 the whole is the gain the bake measured by Monte Carlo
 * (docs/optics-model.md 7.3). 0 when the ink does not darken the channel. */
double optics_table_dot_darkening_mm2(const optics_dot_look *look, int channel, double diameter_mm);
double optics_table_dot_darkening_within_mm2(const optics_dot_look *look, int channel, double diameter_mm,
                                             double radius_mm);

#endif
