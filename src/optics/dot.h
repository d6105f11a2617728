/* optics/dot: what an observer sees of the scalp and of one SMP pigment dot, from the Monte Carlo model.
 * Runs the layered Monte Carlo engine (optics/mc, MCML physics: Wang, Jacques & Zheng 1995) through the
 * spectral skin stack (optics/skin) at the 16 colour bands and turns the diffuse reflectance into colour
 * (optics/colour: XYZ under D65, CIELAB, linear sRGB). For a dot, the engine's flat layers give two things:
 *   1. the "fully covered" colour: the reflectance of the skin with the ink as a full slab at the dot's
 * depth;
 *   2. the lateral blur: the fluence a surface pencil beam leaves at the depth of the ink, which by optical
 *      reciprocity is the surface exit distribution of light from a point of the ink plane (the point-spread
 *      of the skin above the ink). The darkening profile is that kernel convolved with the dot's disk, in
 *      the linear (first-order, Born) perturbation of the reflectance, normalised so that a disk of infinite
 *      diameter gives the fully covered colour (the finite-beam convolution of MCML's CONV program, Wang,
 *      Jacques & Zheng 1997, with the ink disk in place of the beam).
 * The method and its limits are in docs/optics-model.md, "Pigment dot appearance".
 * Plain C11, no printing, no globals; deterministic for a seed whatever the thread count.
 *
 *     optics_dot_params p = optics_dot_params_default();    (type III, 0.3 mm dot at 0.4 mm, full ink)
 *     p.depth_mm = 1.5;
 *     optics_dot_appearance *dot = malloc(sizeof *dot);
 *     if (optics_dot_appearance_compute(&p, dot, &err) == SMP_OK) { use dot->covered.linear_rgb,
 *         dot->profile[], dot->gauss_weight[], dot->gauss_sigma_mm[]; }
 */
#ifndef SMP_OPTICS_DOT_H
#define SMP_OPTICS_DOT_H

#include <stdint.h>

#include "core/core.h"
#include "optics/skin.h"

#define OPTICS_DOT_PROFILE_COUNT 64 /* samples of the radial darkening profile */

/* A reflectance spectrum and its colour. The reflectance is the Monte Carlo diffuse reflectance Rd (no
 * specular part, like a colorimeter in SCE mode), one value per band. */
typedef struct optics_appearance {
    double band_nm[OPTICS_SKIN_BAND_COUNT];        /* 400, 420, ..., 700 */
    double reflectance[OPTICS_SKIN_BAND_COUNT];    /* Rd, fraction of the incident light */
    double reflectance_se[OPTICS_SKIN_BAND_COUNT]; /* its Monte Carlo standard error */
    double xyz[3];                                 /* D65, white Y = 1 */
    double lab[3];                                 /* CIELAB, D65 white */
    double linear_rgb[3];                          /* linear sRGB albedo, unclamped */
    double ita_deg;                                /* individual typology angle of lab */
} optics_appearance;

/* The dot: the skin of a Fitzpatrick type with a disk of ink. Zero photons / threads mean the defaults. */
typedef struct optics_dot_params {
    int fitzpatrick;     /* 1..6 */
    double diameter_mm;  /* dot diameter, 0.01..5 */
    double depth_mm;     /* depth of the top of the ink below the surface, 0..3 */
    double thickness_mm; /* thickness of the ink deposit, 0.005..1 */
    double ink_amount;   /* 0..1, scales the neat ink's carbon volume fraction (and so mu_a, mu_s) */
    uint64_t photons;    /* photon packets per band and stack; 0 = 100000 */
    uint64_t seed;       /* any value */
    int threads;         /* worker threads; 0 = 1 */
} optics_dot_params;

typedef struct optics_dot_appearance {
    optics_appearance skin;    /* bare skin */
    optics_appearance covered; /* ink as a full slab at [depth, depth + thickness] */
    /* Radial darkening profile: at r_mm[i] from the dot centre the reflectance is
     * R(r) = R_skin - c(r) * (R_skin - R_covered) per band; profile[] is c for luminance Y,
     * profile_linear_rgb for each linear sRGB channel. 0 = bare skin, 1 = fully covered. */
    double r_mm[OPTICS_DOT_PROFILE_COUNT];
    double profile[OPTICS_DOT_PROFILE_COUNT];
    double profile_linear_rgb[OPTICS_DOT_PROFILE_COUNT][3];
    double kernel_rms_radius_mm; /* luminance-weighted RMS radius of the point-spread kernel at the ink */
    double half_max_radius_mm;   /* radius where profile falls to half its centre value */
    double centre_linear_rgb[3]; /* the colour seen at the dot's centre */
    double centre_lab[3];
    /* profile(r) ~ w0 exp(-r^2 / (2 s0^2)) + w1 exp(-r^2 / (2 s1^2)), s0 <= s1, weights >= 0. */
    double gauss_weight[2];
    double gauss_sigma_mm[2];
    double fit_max_abs_error; /* max |fit - profile| over the samples */
} optics_dot_appearance;

/* The bare skin of a Fitzpatrick type (1..6, default parameters of optics/skin) by Monte Carlo: photons per
 * band (>= 100), threads 0 = 1. SMP_ERR_INPUT on a bad type or photon count, SMP_ERR_NOMEM. */
smp_status optics_skin_appearance(int fitzpatrick, uint64_t photons, uint64_t seed, int threads,
                                  optics_appearance *out, smp_error *err);
/* The same for any skin parameters (an ink slab included when set). */
smp_status optics_stack_appearance(const optics_skin_params *p, uint64_t photons, uint64_t seed, int threads,
                                   optics_appearance *out, smp_error *err);
/* Type III, 0.3 mm diameter, 0.4 mm deep, 0.1 mm thick, full ink, 100000 photons, seed 1, 1 thread. */
optics_dot_params optics_dot_params_default(void);
/* The dot's covered colour and darkening profile (caller's storage; the struct is about 4 KiB). Costs
 * 2 x 16 Monte Carlo runs of p->photons. SMP_ERR_INPUT naming the field and range, SMP_ERR_NOMEM. */
smp_status optics_dot_appearance_compute(const optics_dot_params *p, optics_dot_appearance *out,
                                         smp_error *err);
/* Fits c(r) sampled at count radii (mm) to two Gaussians as above (least squares, grid search over the
 * sigmas); returns the max abs error. weight, sigma_mm: 2 entries each. */
double optics_dot_fit_two_gaussians(const double *r_mm, const double *c, int count, double weight[2],
                                    double sigma_mm[2]);

#endif
