/* optics/mc: Monte Carlo photon transport in layered media with the physics of MCML (Wang, Jacques & Zheng
 * 1995, Comput. Methods Programs Biomed. 47:131-146; MCML 1.0 manual, Wang & Jacques 1992). A pencil beam
 * hits the top of a stack of flat layers, each with its own refractive index, absorption, scattering and
 * Henyey-Greenstein anisotropy; photon packets lose weight at each interaction, scatter, and meet Fresnel
 * reflection at every boundary. Scores the specular and diffuse reflectance, transmittance, absorption
 * (total, per layer, against depth and radius) and the radial and angular profiles of reflectance and
 * transmittance.
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
    uint64_t photons;           /* photon packets to launch, 1 .. OPTICS_MC_MAX_PHOTONS */
    double dz_cm, dr_cm;        /* depth and radial bin sizes, > 0 */
    int nz, nr, na;             /* bin counts, >= 1; the exit angle [0, 90 deg] is split into na bins */
} optics_mc_input;

#define OPTICS_MC_MAX_LAYERS 256
#define OPTICS_MC_DEFAULT_BATCHES 64
#define OPTICS_MC_MAX_BINS 100000 /* per grid axis */
/* Photon packets of one run, the .mci file's count and `smpsim mc --photons` alike: 10^15 is years of work on
 * any machine, so a larger count is a typing error. */
#define OPTICS_MC_MAX_PHOTONS UINT64_C(1000000000000000)

/* Run options. Zero means "default" for every field. */
typedef struct optics_mc_options {
    uint64_t seed;            /* any value; 0 is a valid seed */
    int threads;              /* worker threads; 0 = 1; more than batches are not used */
    int batches;              /* independent batches for determinism and error bars; 0 = 64; >= 2; capped
                                 by N and so that the batch tallies stay under 256 MiB */
    double weight_threshold;  /* Russian roulette below this weight; 0 = 1e-4 (MCML) */
    double roulette_chance;   /* survival chance in the roulette; 0 = 0.1 (MCML) */
    bool partial_reflection;  /* split packets at the outer surfaces instead of all-or-none (MCML's
                                 PARTIALREFLECTION 1); false = MCML's default */
    bool score_a_rz;          /* also score the 2-D absorption A(r, z) (costs a sqrt per interaction) */
    smp_progress_fn progress; /* optional; called after each batch with the fraction done, under a lock */
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

    double specular_reflectance;                        /* Rsp, Fresnel at launch (exact, no error) */
    double diffuse_reflectance, diffuse_reflectance_se; /* Rd */
    double absorbed, absorbed_se;                       /* A */
    double transmittance, transmittance_se;             /* Tt, ballistic included */
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
 * launch_core_cm and launch_tail_cm (importance sampling, weight 2 pi rho / pdf(rho)), so photons start
 * mostly where they can reach the dot. All-or-none reflection at the outer surfaces (MCML's default); the
 * options' partial_reflection and score_a_rz are ignored. */
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
    double deficit_cm2, deficit_se_cm2; /* integral over the surface of R_bare - R_disk, cm² */
    double touched_fraction;            /* share of the photons that entered the cylinder */
    double *deficit_r, *deficit_r_se;   /* [nr] R_bare(r) - R_disk(r) at bin centres (ir+0.5)dr
                                           from the axis; the last bin takes the overflow */
} optics_mc_disk_result;

/* Runs the disk problem (in: layers, photons, dr_cm, nr; nz, na unused). Deterministic for a seed whatever
 * the thread count, like optics_mc_run. SMP_ERR_INPUT for a bad input, disk or option; SMP_ERR_NOMEM. */
smp_status optics_mc_disk_run(const optics_mc_input *in, const optics_mc_disk *disk,
                              const optics_mc_options *opt, optics_mc_disk_result *out, smp_error *err);
void optics_mc_disk_result_destroy(optics_mc_disk_result *res); /* no-op on a zeroed result */

/* ---- pure-absorber ink: one bare trace for every slab or disk of ink ("white" Monte Carlo) ----------------
 * An ink that only absorbs changes no photon path. A packet traced once through the BARE stack, with the path
 * length L it runs inside an ink region recorded, stands for the same packet in the inked stack with its exit
 * weight W times exp(-mu_a,ink L): the free flight through tissue plus a pure absorber is the tissue's free
 * flight times that survival factor (microscopic Beer-Lambert law; Sassaroli & Martelli 2012, JOSA A
 * 29:2110, "Equivalence of four Monte Carlo methods for photon migration in turbid media"; Alerstam,
 * Andersson-Engels & Svensson 2008, J. Biomed. Opt. 13:041304, "White Monte Carlo for time-resolved photon
 * migration"). This is exact, not an approximation: the tissue's absorption, roulette and Fresnel events are
 * the engine's, only the exit weight is multiplied. One trace then serves every ink region and every ink
 * absorption at once, and the results for different regions and inks come from the same photons (their
 * differences carry far less noise than separate runs). The regions are bounded by the configs' own depths
 * and radii, so the recorded lengths are exact (no bin error).
 *
 * Same batches (64 by default), streams and determinism as optics_mc_run: bit-identical numbers for a seed
 * whatever the thread count. Ink may not lie above the launch depth (a glass first layer is crossed
 * analytically). A scattering ink changes the paths: use optics_mc_run / optics_mc_disk_run for it.
 *
 *     optics_mc_slab_config slab[2] = {{0.01, 0.02}, {0.10, 0.11}};   (ink 0.1-0.2 mm and 1.0-1.1 mm deep)
 *     double mu_ink[3] = {5.0, 20.0, 80.0}, rd[6], rd_se[6], bare, bare_se;
 *     optics_mc_slab_scan(&in, slab, 2, mu_ink, 3, &opt, rd, rd_se, &bare, &bare_se, &err);
 *     (rd[c * 3 + k]: Rd with ink k in slab c)
 */
#define OPTICS_MC_SCAN_MAX_CONFIGS 4096
#define OPTICS_MC_SCAN_MAX_INKS 256
#define OPTICS_MC_SCAN_MAX_RESULTS 65536 /* config_count * ink_count */

/* An ink slab: the ink fills depths [top_cm, bottom_cm) below the surface of the stack, across every layer
 * there. 0 <= launch depth <= top < bottom, finite (cm). */
typedef struct optics_mc_slab_config {
    double top_cm, bottom_cm;
} optics_mc_slab_config;

/* Pencil beam at normal incidence on the bare stack `in` (layers, photons, n_above, n_below; dz, dr, nz, nr,
 * na are ignored), options as optics_mc_run (partial_reflection honoured, score_a_rz ignored; opt may be
 * NULL). For config c and ink absorption mu_a_ink_per_cm[k] (>= 0, added uniformly to the slab):
 * out_rd[c * ink_count + k] = diffuse reflectance of the stack with that ink, out_rd_se[...] its standard
 * error over the batches (NaN with one batch); *bare_rd and *bare_rd_se the same without ink. An ink of 0
 * gives exactly *bare_rd, and *bare_rd is optics_mc_run's Rd for the same seed and batches (the same packets,
 * summed in another order). Arrays are the caller's (config_count * ink_count entries each). Cost: the bare
 * run plus, per reflected packet, one exp per (config, ink) whose slab the packet entered; memory
 * batches x config_count x ink_count doubles. SMP_ERR_INPUT naming the field (configs[i].top_cm, ...),
 * SMP_ERR_NOMEM. */
smp_status optics_mc_slab_scan(const optics_mc_input *in, const optics_mc_slab_config *configs,
                               int config_count, const double *mu_a_ink_per_cm, int ink_count,
                               const optics_mc_options *opt, double *out_rd, double *out_rd_se,
                               double *bare_rd, double *bare_rd_se, smp_error *err);

/* A cylinder of ink about the z axis: x^2 + y^2 < radius^2, depths [top_cm, bottom_cm) (cm). */
typedef struct optics_mc_disk_config {
    double top_cm, bottom_cm, radius_cm; /* launch depth <= top < bottom, radius > 0, finite */
} optics_mc_disk_config;

/* Uniform unit irradiance over the whole surface of the bare stack, launched as optics_mc_disk_run does
 * (distances from the axis importance-sampled from an even mixture of two exponentials of means
 * launch_core_cm and launch_tail_cm, > 0; all-or-none reflection at the outer surfaces, partial_reflection
 * and score_a_rz ignored). in: layers, photons, n_above, n_below; the grid is ignored. For cylinder c and ink
 * k: out_deficit_cm2[c * ink_count + k] = integral over the surface of R_bare - R_with_ink (cm²), the
 * darkening the cylinder of ink causes, and out_deficit_se_cm2[...] its standard error over the batches.
 * Packets that never enter a cylinder add exactly 0 (correlated sampling, as optics_mc_disk_run). Optional
 * (either may be NULL; same layout): out_footprint_cm2[c * ink_count + k] = the part of that deficit carried
 * by packets that leave the surface inside the cylinder's own footprint (exit point x² + y² < radius_cm² of
 * config c), the darkening seen within the dot itself, and out_footprint_se_cm2[...] its standard error over
 * the batches. It sums a subset of the very terms of the total, so 0 <= footprint <= deficit exactly, and
 * asking for it changes no bit of the other outputs. Arrays are the caller's. Cost: the bare trace plus, per
 * reflected packet that entered a cylinder, one exp per (config, ink) it entered (and one comparison per such
 * config for the footprint); memory batches x config_count x ink_count doubles, twice that with the
 * footprint. SMP_ERR_INPUT naming the field, SMP_ERR_NOMEM. */
smp_status optics_mc_disk_scan(const optics_mc_input *in, const optics_mc_disk_config *configs,
                               int config_count, const double *mu_a_ink_per_cm, int ink_count,
                               double launch_core_cm, double launch_tail_cm, const optics_mc_options *opt,
                               double *out_deficit_cm2, double *out_deficit_se_cm2, double *out_footprint_cm2,
                               double *out_footprint_se_cm2, smp_error *err);

#endif
