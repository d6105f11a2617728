/* optics/deposit: the ink a needle leaves in the skin, as a physical object of its own, and what the eye sees
 * of it. The clinics' "dot size" is what is seen; the deposit under it is a column of ink along the needle's
 * track, from the dermal-epidermal junction (the epidermis sheds its ink while healing) down to the tip, as
 * wide as the needle cluster makes it in the papillary dermis and widening below it ("blowout": ink pushed
 * into the looser reticular dermis spreads sideways), with a carbon load per length of track set by the ink
 * and its dilution. Light scattering in the skin above turns each piece of the column into a soft mark
 * (optics/table: colour, blur and gain baked from the Monte Carlo skin model); this module cuts the column
 * into segments, looks each up in the table, lets the upper ink shade the lower, and returns the per-channel
 * optical-density terms the renderer evaluates (shaders/dots.glsl): D(r) = sum_k a_k exp(-r^2 / (2 v_k)),
 * reflectance R_skin exp(-D). Numbers, sources and calibrations: docs/optics-model.md §8.
 * Plain C: no GL, no printing, no allocation, thread-safe.
 *
 *     optics_deposit d = {.diameter_mm = 0.3, .needle_depth_mm = 0.4, .ink_load = 0.5};
 *     optics_dot_terms terms;
 *     optics_deposit_terms(table, 3, &d, &terms);
 *     double r = skin * exp(-optics_dot_terms_density(&terms, 1, 0.1));   (green, 0.1 mm from the centre)
 */
#ifndef SMP_OPTICS_DEPOSIT_H
#define SMP_OPTICS_DEPOSIT_H

#include "optics/table.h"

/* Carbon per 0.1 mm of needle track at ink load 1 (the darkest SMP working dilution, plan shade 1), in the
 * table's ink units (0.101 mg/cm² per slab): a CALIBRATION within Engel et al. 2008's range of tattoo loads,
 * 0.60-9.42 mg/cm² (mean 2.53) of neat ink over a dermal track of about 1.1 mm, diluted 25x: 0.022-0.34 per
 * 0.1 mm (mean 0.09). Chosen so that healed SMP dots read as distinct grey marks close up and a good plan's
 * treated scalp reads like #0 stubble from a metre (docs/optics-model.md §8.3). */
#define OPTICS_DEPOSIT_TRACK_INK 0.2
/* Widening of the column below the papillary dermis, mm of width per mm of depth: an ASSUMPTION (no
 * measurement found): a too-deep needle's ink spreads sideways about half as far as it goes down. */
#define OPTICS_DEPOSIT_BLOWOUT_WIDENING 1.0
#define OPTICS_DEPOSIT_MAX_SEGMENTS 3

typedef struct optics_deposit {
    double diameter_mm;     /* width of the column in the papillary dermis (pigment_dot.diameter_mm), > 0 */
    double needle_depth_mm; /* depth the needle's tip reached (pigment_dot.depth_mm) */
    double ink_load;        /* ink per length of track in units of OPTICS_DEPOSIT_TRACK_INK (pigment_dot.ink
                             * times the share that remains), >= 0 */
    double sink_mm;         /* how far the whole column has moved deeper over the years (ageing/), >= 0 */
} optics_deposit;

/* One piece of the column: a slab of ink [top_mm, bottom_mm] of the given width, holding ink (table units,
 * carbon per area). */
typedef struct optics_deposit_segment {
    double top_mm, bottom_mm, diameter_mm, ink;
} optics_deposit_segment;

/* Optical density below which a dot's term is invisible: 0.1 % of the light, a quarter of one 8-bit step of a
 * mid-grey (and a tenth of the smallest darkening the look tests resolve). */
#define OPTICS_DOT_DENSITY_VISIBLE 1e-3

/* Per linear sRGB channel, two Gaussian terms of optical density (amplitude a, variance v in mm²), and the
 * reach (mm) beyond which every term is below OPTICS_DOT_DENSITY_VISIBLE, of all of them (reach_mm) and of
 * each term k in every channel (term_reach_mm[k]). All zero for no ink. */
typedef struct optics_dot_terms {
    double amplitude[3][2];
    double variance_mm2[3][2];
    double reach_mm;
    double term_reach_mm[2];
} optics_dot_terms;

/* Depth of the dermal-epidermal junction and of the bottom of the papillary dermis (mm) of the skin model. */
double optics_deposit_junction_mm(void);
double optics_deposit_papillary_bottom_mm(void);

/* Cuts the deposit into segments (top to bottom): the core in the papillary dermis, then up to two blowout
 * pieces below it, each wider and its carbon spread over its area; all moved down by sink_mm. Returns the
 * count (0 without ink). */
int optics_deposit_segments(const optics_deposit *d, optics_deposit_segment out[OPTICS_DEPOSIT_MAX_SEGMENTS]);

/* The deposit's look on skin type 1..6 as density terms: each segment is a dot of the table's real-time form
 * (optics/table.h); a lower segment is dimmed where the core above it covers it (by the core's covered
 * reflectance over the skin's, over the overlapping share of its area); the terms are merged into two per
 * channel: the core's sharp term, and one moment-matched term (same integral and second moment) for the rest.
 * Exact (no merging) for a needle that stays in the papillary dermis. */
void optics_deposit_terms(const optics_table *t, int fitzpatrick, const optics_deposit *d,
                          optics_dot_terms *out);

/* Where dots overlap their densities add, but no amount of ink makes the skin darker than an opaque slab of
 * it just below the junction: the light the epidermis scatters back never meets the ink ("there is no true
 * black under the skin"). The summed density D is limited softly to D_max = ln(R_skin / R_floor), R_floor the
 * table's covered colour at its shallowest depth and largest ink:
 *     D_eff = D / (1 + (D / D_max)^4)^(1/4)     (within 1 % of D up to D = D_max / 2; tends to D_max).
 * shaders/dots.glsl (dot_density_saturate) evaluates the law, per pixel, with the D_max given here:
 * D_max per linear sRGB channel for skin type 1..6; 0 (no limit) for a table without ink rows. */
void optics_deposit_density_max(const optics_table *t, int fitzpatrick, double out[3]);

/* Optical density of channel c at r_mm from the centre; the reflectance there is R_skin exp(-density). */
double optics_dot_terms_density(const optics_dot_terms *terms, int channel, double r_mm);
/* Integrated darkening of channel c relative to the skin, integral (1 - exp(-D(r))) dA, mm². */
double optics_dot_terms_darkening_mm2(const optics_dot_terms *terms, int channel);

#endif
