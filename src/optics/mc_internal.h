/* optics/mc internals: the prepared stack, the random-number and scattering helpers and the run plumbing that
 * the Monte Carlo engines of this module share (mc.c: optics_mc_run and optics_mc_disk_run; mc_white.c: the
 * pure-absorber scans). Private to src/optics/; other modules use mc.h only. Everything inlined here is
 * inlined on purpose: the inner loops call these helpers hundreds of times per photon.
 */
#ifndef SMP_OPTICS_MC_INTERNAL_H
#define SMP_OPTICS_MC_INTERNAL_H

#include <math.h>
#include <pthread.h>
#include <stdbool.h>
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
    double n, n_up, n_down;            /* own index; index beyond the top and beyond the bottom boundary */
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

/* ---- the photon step (MCML's HopDropSpin), shared by every engine --------------------------------------
 * Each engine's loop is the same skeleton around what it scores:
 *     s = mc_hop(medium, &p, rng); hit = mc_hop_hit(layer, &p, s);
 *     no hit:  [score the path] mc_drop_spin(medium, &p, s, rng) -> the weight deposited
 *     hit:     [score the path] mc_to_boundary(layer, medium, &p, hit); r = mc_boundary_fresnel(...);
 *              mc_boundary_cross(...) -> reflected, crossed (refracted into the next layer) or escaped
 *     then mc_roulette (false: the packet is gone).
 * The medium is the layer's own except inside the ink cylinder of optics_mc_disk_run. */

typedef struct mc_packet {
    double x, y, z;    /* position, cm */
    double ux, uy, uz; /* unit direction */
    double w;          /* weight */
    double tau;        /* optical depth left to travel before the next interaction */
    int li;            /* layer */
} mc_packet;

/* A packet entering the stack at (x, y) at normal incidence (after the specular reflection). */
static inline mc_packet mc_packet_launch(const mc_sim *sim, double x, double y)
{
    return (mc_packet){
        .x = x, .y = y, .z = sim->launch_z, .uz = 1.0, .w = sim->launch_weight, .li = sim->first_layer};
}

/* A launch point under unit irradiance over the whole surface, for a problem about the z axis (a disk of
 * ink): the distance rho from the axis from the mixture q(rho) = (exp(-rho/a)/a + exp(-rho/b)/b) / 2 (one of
 * the two exponentials chosen by a coin, a = core_cm, b = tail_cm), the azimuth uniform. Returns the area the
 * packet stands for, 2 pi rho / q(rho), its weight. The exponential tails follow the diffuse fluence, so the
 * weight of the few packets launched far away stays bounded by the wider one (defensive mixture). */
static inline double mc_launch_mixture(smp_rng *rng, double core_cm, double tail_cm, double *x0, double *y0)
{
    double mean = mc_rng_open(rng) < 0.5 ? core_cm : tail_cm;
    double rho = -mean * log(mc_rng_open(rng));
    double phi = 2.0 * SMP_PI * mc_rng_open(rng);
    *x0 = rho * cos(phi);
    *y0 = rho * sin(phi);
    double q = 0.5 * (exp(-rho / core_cm) / core_cm + exp(-rho / tail_cm) / tail_cm);
    return 2.0 * SMP_PI * rho / q;
}

/* The step's length in medium m: s = tau / mu_t, with a fresh optical depth -ln(xi) when the last was used up
 * (MCML StepSizeInTissue). */
static inline double mc_hop(const mc_layer *m, mc_packet *p, smp_rng *rng)
{
    if (p->tau <= 0.0) p->tau = -log(mc_rng_open(rng));
    return p->tau * m->step_per_tau;
}

/* The boundary of layer l a step of length s meets first: +1 the bottom, -1 the top, 0 none (MCML
 * HitBoundary). */
static inline int mc_hop_hit(const mc_layer *l, const mc_packet *p, double s)
{
    if (p->uz > 0.0) return s * p->uz >= l->z1 - p->z ? 1 : 0;
    if (p->uz < 0.0) return s * p->uz <= l->z0 - p->z ? -1 : 0;
    return 0;
}

/* Moves s along the direction, deposits the share mu_a / mu_t of the weight (MCML Drop) and scatters (Spin)
 * in medium m. Returns the weight deposited at the new position. */
static inline double mc_drop_spin(const mc_layer *m, mc_packet *p, double s, smp_rng *rng)
{
    p->x += s * p->ux;
    p->y += s * p->uy;
    p->z += s * p->uz;
    p->tau = 0.0;
    double dw = p->w * m->absorb_fraction;
    p->w -= dw;
    mc_spin(m, rng, &p->ux, &p->uy, &p->uz);
    return dw;
}

/* Distance to boundary `hit` of layer l (mc_hop_hit). */
static inline double mc_boundary_distance(const mc_layer *l, const mc_packet *p, int hit)
{
    return ((hit > 0 ? l->z1 : l->z0) - p->z) / p->uz;
}

/* Moves onto boundary `hit` of layer l; the optical depth left (in medium m) is kept for the next hop. */
static inline void mc_to_boundary(const mc_layer *l, const mc_layer *m, mc_packet *p, int hit)
{
    double zb = hit > 0 ? l->z1 : l->z0;
    double dl = (zb - p->z) / p->uz;
    p->x += dl * p->ux;
    p->y += dl * p->uy;
    p->z = zb;
    p->tau -= dl * m->mu_t;
}

/* Reflectance at boundary `hit` of layer l for the packet's direction, and the cosine of the refracted angle
 * (1 and 0 beyond the critical angle; 0 and the incident cosine where the index does not change). */
static inline double mc_boundary_fresnel(const mc_layer *l, int hit, double uz, double *cos_tr)
{
    double n_t = hit > 0 ? l->n_down : l->n_up;
    double cos_i = fabs(uz);
    *cos_tr = cos_i;
    if (n_t == l->n) return 0.0;
    if (cos_i <= (hit > 0 ? l->cos_crit_down : l->cos_crit_up)) {
        *cos_tr = 0.0;
        return 1.0;
    }
    return optics_fresnel_reflectance(l->n, n_t, cos_i, cos_tr);
}

/* True when crossing boundary `hit` of layer li leaves the stack. */
static inline bool mc_boundary_leaves(const mc_sim *sim, int li, int hit)
{
    return (hit < 0 && li == 0) || (hit > 0 && li == sim->layer_count - 1);
}

enum { MC_REFLECTED, MC_CROSSED, MC_ESCAPED };

/* All-or-none at boundary `hit` of layer l with reflectance r (MCML CrossUpOrNot / CrossDnOrNot): reflected
 * (uz turned), crossed into the next layer (Snell's law: the tangential components scale by n_i / n_t), or
 * escaped from the stack (direction unchanged; cos_tr is the exit angle's cosine). */
static inline int mc_boundary_cross(const mc_sim *sim, const mc_layer *l, mc_packet *p, int hit, double r,
                                    double cos_tr, smp_rng *rng)
{
    if (mc_rng_open(rng) > r) {
        if (mc_boundary_leaves(sim, p->li, hit)) return MC_ESCAPED;
        double ratio = l->n / (hit > 0 ? l->n_down : l->n_up);
        p->ux *= ratio;
        p->uy *= ratio;
        p->uz = hit > 0 ? cos_tr : -cos_tr;
        p->li += hit;
        return MC_CROSSED;
    }
    p->uz = -p->uz;
    return MC_REFLECTED;
}

/* Russian roulette below the weight threshold (MCML Roulette); false when the packet is gone. */
static inline bool mc_roulette(const mc_sim *sim, mc_packet *p, smp_rng *rng)
{
    if (p->w >= sim->weight_threshold) return true;
    if (p->w == 0.0 || mc_rng_open(rng) > sim->roulette_chance) return false;
    p->w *= sim->roulette_boost;
    return true;
}

/* ---- batches and threads, shared by every engine ---------------------------------------------------------
 * Batch b draws from stream b of the seed and keeps its own tally until all are done; the caller then sums
 * them in batch order, so the numbers do not depend on which thread traced which batch, and no thread ever
 * waits for another. */

/* Traces `photons` packets of one batch from rng into tally (raw weights); scratch is the thread's own. */
typedef void (*mc_trace_fn)(const void *problem, smp_rng *rng, uint64_t photons, double *tally,
                            double *scratch);

typedef struct mc_job {
    mc_trace_fn trace;
    const void *problem;
    const optics_mc_options *opt; /* progress */
    const char *stage;            /* named in the progress and in the out-of-memory message */
    uint64_t seed, photons;
    int batches;
    size_t tally_size; /* doubles per batch */
    /* filled by optics_mc_job_run */
    double *tallies; /* [batches][tally_size]; the caller frees it */
    int threads_run; /* threads that traced, the caller's included */
    int next_batch, finished;
    pthread_mutex_t lock;
} mc_job;

/* The options' batch count for a run of photons packets: never more batches than packets. */
static inline int optics_mc_batch_count(const optics_mc_options *o, uint64_t photons)
{
    return photons < (uint64_t)o->batches ? (int)photons : o->batches;
}
/* Photons of batch b: the count split as evenly as it goes, the first batches one more. */
uint64_t optics_mc_job_batch_photons(const mc_job *job, int b);
/* Runs every batch of job on up to `threads` threads (the caller's included), each with scratch_size doubles
 * of zeroed scratch. A thread that cannot be started only makes the run slower: the batches, so the numbers,
 * stay. SMP_ERR_NOMEM (job->tallies NULL) when memory runs out. */
smp_status optics_mc_job_run(mc_job *job, int threads, size_t scratch_size, smp_error *err);

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
