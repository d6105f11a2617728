/* optics/mc internals: the prepared stack, the random-number and scattering helpers and the run plumbing that
 * the Monte Carlo engines of this module share (mc.c: optics_mc_run and optics_mc_disk_run; mc_white.c: the
 * pure-absorber scans). Private to src/optics/; other modules use mc.h only. Everything inlined here is
 * inlined on purpose: the inner loops call these helpers hundreds of times per photon.
 */
#ifndef SMP_OPTICS_MC_INTERNAL_H
#define SMP_OPTICS_MC_INTERNAL_H

#include <math.h>
#include <time.h>

#include "core/rng.h"
#include "optics/mc.h"

/* Directions closer than this to the z axis use the special form of the direction update (MCML's COSZERO). */
#define MC_COS_ZERO (1.0 - 1.0e-12)
/* Anisotropies smaller than this are sampled as isotropic: the HG inversion divides by 2g. */
#define MC_G_ISOTROPIC 1.0e-6
/* A step length standing for "no interaction" in a glass layer (mu_t = 0): the packet always meets a boundary
 * first unless it runs exactly parallel to the layers. */
#define MC_GLASS_STEP_PER_TAU 1.0e30

/* One layer with everything the inner loop needs precomputed, so a step costs no divisions but the
 * Henyey-Greenstein one and the boundary distance when a boundary is hit. */
typedef struct mc_layer {
    double z0, z1;             /* top and bottom, cm */
    double mu_t, step_per_tau; /* mu_a + mu_s; 1/mu_t (MC_GLASS_STEP_PER_TAU for glass) */
    double absorb_fraction;    /* mu_a / mu_t: weight deposited per interaction (MCML Drop) */
    double hg_num, hg_base, hg_slope, hg_sum, hg_inv_2g; /* 1-g², 1-g, 2g, 1+g², 1/(2g) */
    int isotropic;
    double n, n_up, n_down;         /* own index; index beyond the top and beyond the bottom boundary */
    double cos_crit_up, cos_crit_down; /* cos of the critical angle at each boundary; 0 without TIR */
} mc_layer;

/* The prepared problem, shared read-only by the workers. */
typedef struct mc_sim {
    mc_layer layers[OPTICS_MC_MAX_LAYERS];
    int layer_count, first_layer;
    double launch_weight, launch_z;
    double inv_dz, inv_dr, inv_da;
    int nz, nr, na;
    double weight_threshold, roulette_chance, roulette_boost;
    int partial_reflection, score_a_rz;
    /* Offsets of each score in one batch's tally buffer (doubles). */
    size_t off_layer, off_rd_r, off_tt_r, off_rd_a, off_tt_a, off_a_z, off_a_rz, tally_size;
} mc_sim;

/* ---- random numbers ------------------------------------------------------------------------------------ */

/* The PCG32 XSH-RR step of core/rng.c, inlined: a step draws four to six numbers and a call across
 * translation units costs as much as the generator itself. Same sequence as smp_rng_u32 on the same state. */
static inline uint32_t mc_rng_u32(smp_rng *rng)
{
    uint64_t old = rng->state;
    rng->state = old * 6364136223846793005ULL + rng->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31u));
}

/* Uniform on the open interval (0,1) with 32 random bits: safe for log() and never exactly 0 or 1. */
static inline double mc_rng_open(smp_rng *rng)
{
    return ((double)mc_rng_u32(rng) + 0.5) * (1.0 / 4294967296.0);
}

/* ---- scattering ---------------------------------------------------------------------------------------- */

/* Henyey-Greenstein deflection cosine by inversion of its cumulative distribution (Wang et al. 1995;
 * MCML SpinTheta): cos = (1 + g² - ((1 - g²) / (1 - g + 2 g xi))²) / (2g). */
static inline double mc_sample_cos_theta(const mc_layer *l, double xi)
{
    if (l->isotropic) return 2.0 * xi - 1.0;
    double t = l->hg_num / (l->hg_base + l->hg_slope * xi);
    double c = (l->hg_sum - t * t) * l->hg_inv_2g;
    return c < -1.0 ? -1.0 : (c > 1.0 ? 1.0 : c);
}

/* New direction after a deflection by theta and azimuth phi, in the lab frame (MCML Spin; the formulas go
 * back to Witt 1977 via Prahl et al. 1989). The azimuth comes from a
 * point uniform in the unit disc (von Neumann's trick): its doubled polar angle is uniform on [0, 2pi), which
 * gives cos(phi) and sin(phi) without calling sin and cos. */
static inline void mc_spin(const mc_layer *l, smp_rng *rng, double *ux, double *uy, double *uz)
{
    double cos_t = mc_sample_cos_theta(l, mc_rng_open(rng));
    double a, b, q;
    do {
        a = 2.0 * mc_rng_open(rng) - 1.0;
        b = 2.0 * mc_rng_open(rng) - 1.0;
        q = a * a + b * b;
    } while (q >= 1.0);
    double inv_q = 1.0 / q;
    double cos_p = (a * a - b * b) * inv_q;
    double sin_p = 2.0 * a * b * inv_q;

    double x = *ux, y = *uy, z = *uz;
    double sin2_t = 1.0 - cos_t * cos_t;
    if (fabs(z) > MC_COS_ZERO) {
        double sin_t = sqrt(sin2_t);
        *ux = sin_t * cos_p;
        *uy = sin_t * sin_p;
        *uz = z >= 0.0 ? cos_t : -cos_t;
    } else {
        /* With k = sin(theta) / sqrt(1 - uz²) the usual update needs one square root instead of two:
         * sin(theta) sqrt(1 - uz²) = k (1 - uz²). */
        double one_minus_z2 = 1.0 - z * z;
        double k = sqrt(sin2_t / one_minus_z2);
        *ux = k * (x * z * cos_p - y * sin_p) + x * cos_t;
        *uy = k * (y * z * cos_p + x * sin_p) + y * cos_t;
        *uz = -k * one_minus_z2 * cos_p + z * cos_t;
    }
}

/* Bin index of a non-negative coordinate already divided by the bin size; the last bin takes the overflow. */
static inline int mc_bin(double scaled, int count)
{
    return scaled < (double)count ? (int)scaled : count - 1;
}

/* ---- small helpers ------------------------------------------------------------------------------------- */

static inline int mc_finite_ge(double v, double lo)
{
    return isfinite(v) && v >= lo;
}

/* Standard error of the mean of B batch values from their sum and sum of squares. */
static inline double mc_standard_error(double sum, double sq, int batches)
{
    if (batches < 2) return NAN;
    double mean = sum / batches;
    double var = (sq / batches - mean * mean) * batches / (batches - 1.0);
    return var > 0.0 ? sqrt(var / batches) : 0.0;
}

/* ---- setup shared by the engines ----------------------------------------------------------------------- */

/* Fills o from opt (NULL = all defaults) and checks it; SMP_ERR_INPUT naming the option. */
smp_status optics_mc_options_resolve(const optics_mc_options *opt, optics_mc_options *o, smp_error *err);
/* Precomputes the stack of a validated input for the inner loops (launch weight and depth included). */
void optics_mc_sim_prepare(mc_sim *sim, const optics_mc_input *in, const optics_mc_options *o);

#endif
