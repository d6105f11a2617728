/* optics/mc: Monte Carlo photon transport in layered media with the physics of MCML (Wang, Jacques & Zheng
 * 1995, Comput. Methods Programs Biomed. 47:131-146; MCML 1.0 manual, Wang & Jacques 1992). A pencil beam
 * hits the top of a stack of flat layers, each with its own refractive index, absorption, scattering and
 * Henyey-Greenstein anisotropy; photon packets lose weight at each interaction, scatter, and meet Fresnel
 * reflection at every boundary. Scores the specular and diffuse reflectance, transmittance, absorption (total,
 * per layer, against depth and radius) and the radial and angular profiles of reflectance and transmittance.
 *
 * Plain C11, no GL, no printing, no globals. Deterministic: the photons are split into a fixed number of
 * batches, batch b draws from smp_rng stream b of the seed, and batches are summed in order, so the same
 * seed gives bit-identical numbers whatever the thread count. The spread of the batch means gives the
 * standard errors.
 *
 *     optics_layer skin[2] = {{1.4, 2.0, 200.0, 0.9, 0.01}, {1.4, 0.5, 150.0, 0.9, 1e8}};
 *     optics_mc_input in = optics_mc_input_default();   (then set layers, layer_count, photons, grid)
 *     in.layers = skin; in.layer_count = 2; in.photons = 200000;
 *     optics_mc_options opt = {.seed = 1, .threads = 2};
 *     optics_mc_result res;
 *     if (optics_mc_run(&in, &opt, &res, &err) == SMP_OK) { use res.diffuse_reflectance; }
 *     optics_mc_result_destroy(&res);
 */
#ifndef SMP_OPTICS_MC_H
#define SMP_OPTICS_MC_H

#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"

/* One layer of the stack. A layer with mu_a = mu_s = 0 is "glass": photons cross it without interacting.
 * A semi-infinite layer is written, as in MCML, with a very large thickness (1e8 cm). */
typedef struct optics_layer {
    double n;            /* refractive index, > 0 */
    double mu_a_per_cm;  /* absorption coefficient, >= 0 */
    double mu_s_per_cm;  /* scattering coefficient, >= 0 */
    double g;            /* Henyey-Greenstein anisotropy, [-1, 1] */
    double thickness_cm; /* >= 0 */
} optics_layer;

/* The problem: the layers between two ambient media, the photon count and the scoring grid (MCML's
 * dz, dr, nz, nr, na). The last bin of each grid collects everything beyond it, as in MCML. */
typedef struct optics_mc_input {
    const optics_layer *layers; /* layer_count layers, top first; not owned */
    int layer_count;            /* 1 .. OPTICS_MC_MAX_LAYERS */
    double n_above, n_below;    /* refractive indices of the ambient media, > 0 */
    uint64_t photons;           /* photon packets to launch, >= 1 */
    double dz_cm, dr_cm;        /* depth and radial bin sizes, > 0 */
    int nz, nr, na;             /* bin counts, >= 1; the exit angle [0, 90 deg] is split into na bins */
} optics_mc_input;

#define OPTICS_MC_MAX_LAYERS 256
#define OPTICS_MC_DEFAULT_BATCHES 64
#define OPTICS_MC_MAX_BINS 100000 /* per grid axis */

/* Run options. Zero means "default" for every field. */
typedef struct optics_mc_options {
    uint64_t seed;              /* any value; 0 is a valid seed */
    int threads;                /* worker threads; 0 = 1; more than batches are not used */
    int batches;                /* independent batches for determinism and error bars; 0 = 64; >= 2; capped
                                   by N and so that the batch tallies stay under 256 MiB */
    double weight_threshold;    /* Russian roulette below this weight; 0 = 1e-4 (MCML) */
    double roulette_chance;     /* survival chance in the roulette; 0 = 0.1 (MCML) */
    bool partial_reflection;    /* split packets at the outer surfaces instead of all-or-none (MCML's
                                   PARTIALREFLECTION 1); false = MCML's default */
    bool score_a_rz;            /* also score the 2-D absorption A(r, z) (costs a sqrt per interaction) */
    smp_progress_fn progress;   /* optional; called after each batch with the fraction done, under a lock */
    void *progress_user;
} optics_mc_options;

/* Results, normalised as in MCML's .mco output (fractions of the launched photons; densities per cm, cm²
 * and sr). *_se are standard errors of the mean over the batches (NaN with fewer than 2 batches).
 * Arrays are owned by the result: release them with optics_mc_result_destroy. */
typedef struct optics_mc_result {
    uint64_t photons;
    uint64_t seed;
    int threads, batches;
    int layer_count, nz, nr, na;
    double dz_cm, dr_cm, da_rad;
    double wall_seconds;

    double specular_reflectance;                    /* Rsp, Fresnel at launch (exact, no error) */
    double diffuse_reflectance, diffuse_reflectance_se; /* Rd */
    double absorbed, absorbed_se;                   /* A */
    double transmittance, transmittance_se;         /* Tt, ballistic included */
    double *absorbed_per_layer, *absorbed_per_layer_se; /* [layer_count], fractions */

    double *rd_r, *rd_r_se; /* [nr] diffuse reflectance per unit area at bin centre (ir+0.5)dr, 1/cm² */
    double *tt_r;           /* [nr] transmittance per unit area, 1/cm² */
    double *rd_a;           /* [na] reflectance per solid angle at exit angle (ia+0.5)da, 1/sr */
    double *tt_a;           /* [na] transmittance per solid angle, 1/sr */
    double *a_z;            /* [nz] absorbed fraction per unit depth, 1/cm */
    double *a_rz;           /* [nr*nz] (r outer, z inner) absorbed per unit volume, 1/cm³; NULL unless
                               score_a_rz */
} optics_mc_result;

/* An input with MCML's template grid and no layers: n_above = n_below = 1, photons 10000, dz = dr = 0.01 cm,
 * nz = 40, nr = 50, na = 1. */
optics_mc_input optics_mc_input_default(void);
/* Checks every field; SMP_ERR_INPUT with a message naming the field and its allowed range. */
smp_status optics_mc_input_validate(const optics_mc_input *in, smp_error *err);
/* Specular reflectance at launch (MCML manual Eq. 3.2; two-interface form if layer 1 is glass). */
double optics_mc_specular_reflectance(const optics_mc_input *in);
/* Runs the simulation; out is filled (and must be destroyed) only on SMP_OK. opt may be NULL (defaults).
 * Fails with SMP_ERR_INPUT for an invalid input or option, SMP_ERR_NOMEM when memory runs out. */
smp_status optics_mc_run(const optics_mc_input *in, const optics_mc_options *opt, optics_mc_result *out,
                         smp_error *err);
/* Frees the arrays of a result and zeroes it; a zeroed or destroyed result is a no-op. */
void optics_mc_result_destroy(optics_mc_result *res);

/* Unpolarised Fresnel reflectance for light going from index n1 to n2 with cos(incidence) cos_i in [0,1];
 * *cos_t (may be NULL) gets cos(refraction), 0 on total internal reflection (Born & Wolf; MCML RFresnel). */
double optics_fresnel_reflectance(double n1, double n2, double cos_i, double *cos_t);

/* ---- a disk of ink inside the stack (SMP dot) ------------------------------------------------------------
 * A cylinder x^2 + y^2 < radius^2 through whole layers [first_layer, first_layer + layer_count) of the stack
 * holds other coefficients (the ink plus the tissue) than the rest of those layers (the tissue); its index is
 * the layer's, so its wall refracts nothing. The stack is lit by a uniform unit irradiance over the disk of
 * launch_radius_cm about the cylinder's axis (normal incidence). Each photon is traced twice with the same
 * random numbers, once with and once without the cylinder (correlated sampling): the paths are the same until
 * the photon first enters the cylinder, so only photons that touch it add to the difference, and the
 * darkening the dot causes, R_bare(r) - R_disk(r), carries only their noise. The irradiance covers the whole
 * surface: launch distances rho from the axis are drawn from an even mixture of two exponentials of means
 * launch_core_cm and launch_tail_cm (importance sampling, weight 2 pi rho / pdf(rho)), so photons start mostly
 * where they can reach the dot. All-or-none reflection at the outer surfaces (MCML's default); the options'
 * partial_reflection and score_a_rz are ignored. */
#define OPTICS_MC_DISK_MAX_LAYERS 8

typedef struct optics_mc_disk {
    double radius_cm;                               /* > 0 */
    int first_layer, layer_count;                   /* 0-based first layer; 1 .. OPTICS_MC_DISK_MAX_LAYERS */
    optics_layer inside[OPTICS_MC_DISK_MAX_LAYERS]; /* mu_a, mu_s, g inside, per spanned layer (n and
                                                       thickness are the layer's) */
    double launch_core_cm;                          /* > 0; about the depth of the disk */
    double launch_tail_cm;                          /* > 0; about the diffusion length of the tissue */
} optics_mc_disk;

typedef struct optics_mc_disk_result {
    uint64_t photons;
    int threads, batches, nr;
    double dr_cm, wall_seconds;
    double deficit_cm2, deficit_se_cm2;           /* integral over the surface of R_bare - R_disk, cm² */
    double touched_fraction;                      /* share of the photons that entered the cylinder */
    double *deficit_r, *deficit_r_se;             /* [nr] R_bare(r) - R_disk(r) at bin centres (ir+0.5)dr
                                                     from the axis; the last bin takes the overflow */
} optics_mc_disk_result;

/* Runs the disk problem (in: layers, photons, dr_cm, nr; nz, na unused). Deterministic for a seed whatever
 * the thread count, like optics_mc_run. SMP_ERR_INPUT for a bad input, disk or option; SMP_ERR_NOMEM. */
smp_status optics_mc_disk_run(const optics_mc_input *in, const optics_mc_disk *disk, const optics_mc_options *opt,
                              optics_mc_disk_result *out, smp_error *err);
void optics_mc_disk_result_destroy(optics_mc_disk_result *res); /* no-op on a zeroed result */

#endif
