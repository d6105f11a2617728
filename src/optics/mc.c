/* Monte Carlo photon transport in layered media, following MCML (Wang, Jacques & Zheng 1995, "MCML - Monte
 * Carlo modeling of light transport in multi-layered tissues"; MCML 1.0 manual, Wang & Jacques 1992, Ch. 3-4).
 * Where a step matches a routine of MCML's mcmlgo.c its name is given, so the two can be read side by side. */
#include "optics/mc.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "optics/mc_internal.h"

/* ---- physics ------------------------------------------------------------------------------------------- */

double optics_fresnel_reflectance(double n1, double n2, double cos_i, double *cos_t)
{
    /* Fresnel equations for unpolarised light, the average of the s and p reflectances (Born & Wolf;
     * MCML's RFresnel writes the same quantity with sums and differences of the two angles). */
    cos_i = smp_clamp(cos_i, 0.0, 1.0);
    double sin_t = n1 / n2 * sqrt(1.0 - cos_i * cos_i);
    if (sin_t >= 1.0) {
        if (cos_t) *cos_t = 0.0;
        return 1.0; /* total internal reflection */
    }
    double ct = sqrt(1.0 - sin_t * sin_t);
    if (cos_t) *cos_t = ct;
    double rs = (n1 * cos_i - n2 * ct) / (n1 * cos_i + n2 * ct);
    double rp = (n1 * ct - n2 * cos_i) / (n1 * ct + n2 * cos_i);
    return 0.5 * (rs * rs + rp * rp);
}

static int mc_layer_is_glass(const optics_layer *l)
{
    return l->mu_a_per_cm == 0.0 && l->mu_s_per_cm == 0.0;
}

double optics_mc_specular_reflectance(const optics_mc_input *in)
{
    /* Manual Eq. 3.2: ((n0-n1)/(n0+n1))²; when layer 1 is glass, the multiple reflections inside it are
     * summed in closed form: r1 + (1-r1)² r2 / (1 - r1 r2). */
    const optics_layer *l = in->layers;
    double r1 = optics_fresnel_reflectance(in->n_above, l[0].n, 1.0, NULL);
    if (in->layer_count < 2 || !mc_layer_is_glass(&l[0])) return r1;
    double r2 = optics_fresnel_reflectance(l[0].n, l[1].n, 1.0, NULL);
    return r1 + (1.0 - r1) * (1.0 - r1) * r2 / (1.0 - r1 * r2);
}

/* A packet leaves through the top (reflectance) or the bottom (transmittance) with weight w: score it by radius
 * and by exit angle in the ambient medium (MCML RecordR/RecordT). */
static inline void mc_score_exit(const mc_sim *sim, double *tally, int top, double x, double y, double cos_exit,
                                 double w)
{
    int ir = mc_bin(sqrt(x * x + y * y) * sim->inv_dr, sim->nr);
    int ia = mc_bin(acos(smp_clamp(cos_exit, -1.0, 1.0)) * sim->inv_da, sim->na);
    tally[(top ? sim->off_rd_r : sim->off_tt_r) + (size_t)ir] += w;
    tally[(top ? sim->off_rd_a : sim->off_tt_a) + (size_t)ia] += w;
}

/* Traces `photons` packets from rng into tally (raw weights). The structure is MCML's HopDropSpin: sample an
 * optical depth, move, and either meet a boundary (Fresnel: reflect or cross; CrossUpOrNot/CrossDnOrNot) with
 * the rest of the optical depth kept for the next layer (StepSizeInTissue/HitBoundary), or interact (deposit
 * mu_a/mu_t of the weight, Drop; scatter, Spin); below the weight threshold, Russian roulette (Roulette). */
static void mc_trace(const mc_sim *sim, smp_rng *rng_state, uint64_t photons, double *tally)
{
    smp_rng rng = *rng_state;
    const mc_layer *layers = sim->layers;
    const int last = sim->layer_count - 1;
    double *t_layer = tally + sim->off_layer;
    double *t_a_z = tally + sim->off_a_z;

    for (uint64_t p = 0; p < photons; ++p) {
        double x = 0.0, y = 0.0, z = sim->launch_z;
        double ux = 0.0, uy = 0.0, uz = 1.0;
        double w = sim->launch_weight;
        double tau = 0.0; /* optical depth left to travel before the next interaction */
        int li = sim->first_layer;

        for (;;) {
            const mc_layer *l = &layers[li];
            if (tau <= 0.0) tau = -log(mc_rng_open(&rng)); /* s = -ln(xi) / mu_t */
            double s = tau * l->step_per_tau;

            int hit = 0; /* +1 bottom boundary, -1 top boundary */
            if (uz > 0.0) {
                if (s * uz >= l->z1 - z) hit = 1;
            } else if (uz < 0.0) {
                if (s * uz <= l->z0 - z) hit = -1;
            }

            if (!hit) {
                x += s * ux;
                y += s * uy;
                z += s * uz;
                tau = 0.0;
                double dw = w * l->absorb_fraction;
                w -= dw;
                t_layer[li] += dw;
                t_a_z[mc_bin(z * sim->inv_dz, sim->nz)] += dw;
                if (sim->score_a_rz) {
                    int ir = mc_bin(sqrt(x * x + y * y) * sim->inv_dr, sim->nr);
                    int iz = mc_bin(z * sim->inv_dz, sim->nz);
                    tally[sim->off_a_rz + (size_t)ir * (size_t)sim->nz + (size_t)iz] += dw;
                }
                mc_spin(l, &rng, &ux, &uy, &uz);
            } else {
                /* Move to the boundary; keep the unused optical depth for the next layer. */
                double zb = hit > 0 ? l->z1 : l->z0;
                double dl = (zb - z) / uz;
                x += dl * ux;
                y += dl * uy;
                z = zb;
                tau -= dl * l->mu_t;

                double n_t = hit > 0 ? l->n_down : l->n_up;
                double cos_i = fabs(uz);
                double cos_tr = cos_i, r = 0.0;
                if (n_t != l->n) {
                    if (cos_i <= (hit > 0 ? l->cos_crit_down : l->cos_crit_up)) {
                        r = 1.0;
                        cos_tr = 0.0;
                    } else {
                        r = optics_fresnel_reflectance(l->n, n_t, cos_i, &cos_tr);
                    }
                }
                int leaving = (hit < 0 && li == 0) || (hit > 0 && li == last);
                if (leaving && sim->partial_reflection) {
                    /* Split the packet: the transmitted part escapes, the rest reflects (MCML with
                     * PARTIALREFLECTION 1). */
                    if (r < 1.0) mc_score_exit(sim, tally, hit < 0, x, y, cos_tr, w * (1.0 - r));
                    w *= r;
                    uz = -uz;
                } else if (mc_rng_open(&rng) > r) {
                    if (leaving) {
                        mc_score_exit(sim, tally, hit < 0, x, y, cos_tr, w);
                        break;
                    }
                    /* Snell's law: tangential components scale by n_i/n_t. */
                    double ratio = l->n / n_t;
                    ux *= ratio;
                    uy *= ratio;
                    uz = hit > 0 ? cos_tr : -cos_tr;
                    li += hit;
                } else {
                    uz = -uz;
                }
            }

            if (w < sim->weight_threshold) {
                if (w == 0.0 || mc_rng_open(&rng) > sim->roulette_chance) break;
                w *= sim->roulette_boost;
            }
        }
    }
    *rng_state = rng;
}

/* ---- setup and validation ------------------------------------------------------------------------------ */

optics_mc_input optics_mc_input_default(void)
{
    optics_mc_input in = {0};
    in.n_above = 1.0;
    in.n_below = 1.0;
    in.photons = 10000;
    in.dz_cm = 0.01;
    in.dr_cm = 0.01;
    in.nz = 40;
    in.nr = 50;
    in.na = 1;
    return in;
}

smp_status optics_mc_input_validate(const optics_mc_input *in, smp_error *err)
{
    if (!in) return smp_error_set(err, SMP_ERR_INPUT, "no input given");
    if (in->layer_count < 1 || in->layer_count > OPTICS_MC_MAX_LAYERS || !in->layers)
        return smp_error_set(err, SMP_ERR_INPUT, "layer count %d: must be between 1 and %d", in->layer_count,
                             OPTICS_MC_MAX_LAYERS);
    if (!(mc_finite_ge(in->n_above, 0.0) && in->n_above > 0.0))
        return smp_error_set(err, SMP_ERR_INPUT, "n_above = %g: must be a finite number > 0", in->n_above);
    if (!(mc_finite_ge(in->n_below, 0.0) && in->n_below > 0.0))
        return smp_error_set(err, SMP_ERR_INPUT, "n_below = %g: must be a finite number > 0", in->n_below);
    for (int i = 0; i < in->layer_count; ++i) {
        const optics_layer *l = &in->layers[i];
        if (!(mc_finite_ge(l->n, 0.0) && l->n > 0.0))
            return smp_error_set(err, SMP_ERR_INPUT, "layer %d: n = %g: must be a finite number > 0", i + 1, l->n);
        if (!mc_finite_ge(l->mu_a_per_cm, 0.0))
            return smp_error_set(err, SMP_ERR_INPUT, "layer %d: mu_a = %g /cm: must be a finite number >= 0", i + 1,
                                 l->mu_a_per_cm);
        if (!mc_finite_ge(l->mu_s_per_cm, 0.0))
            return smp_error_set(err, SMP_ERR_INPUT, "layer %d: mu_s = %g /cm: must be a finite number >= 0", i + 1,
                                 l->mu_s_per_cm);
        if (!(l->g >= -1.0 && l->g <= 1.0))
            return smp_error_set(err, SMP_ERR_INPUT, "layer %d: g = %g: must be between -1 and 1", i + 1, l->g);
        if (!mc_finite_ge(l->thickness_cm, 0.0))
            return smp_error_set(err, SMP_ERR_INPUT, "layer %d: thickness = %g cm: must be a finite number >= 0",
                                 i + 1, l->thickness_cm);
    }
    if (in->photons < 1 || in->photons > OPTICS_MC_MAX_PHOTONS)
        return smp_error_set(err, SMP_ERR_INPUT, "photons = %" PRIu64 ": must be between 1 and %" PRIu64, in->photons,
                             OPTICS_MC_MAX_PHOTONS);
    if (!(mc_finite_ge(in->dz_cm, 0.0) && in->dz_cm > 0.0))
        return smp_error_set(err, SMP_ERR_INPUT, "dz = %g cm: must be a finite number > 0", in->dz_cm);
    if (!(mc_finite_ge(in->dr_cm, 0.0) && in->dr_cm > 0.0))
        return smp_error_set(err, SMP_ERR_INPUT, "dr = %g cm: must be a finite number > 0", in->dr_cm);
    if (in->nz < 1 || in->nz > OPTICS_MC_MAX_BINS)
        return smp_error_set(err, SMP_ERR_INPUT, "nz = %d: must be between 1 and %d", in->nz, OPTICS_MC_MAX_BINS);
    if (in->nr < 1 || in->nr > OPTICS_MC_MAX_BINS)
        return smp_error_set(err, SMP_ERR_INPUT, "nr = %d: must be between 1 and %d", in->nr, OPTICS_MC_MAX_BINS);
    if (in->na < 1 || in->na > OPTICS_MC_MAX_BINS)
        return smp_error_set(err, SMP_ERR_INPUT, "na = %d: must be between 1 and %d", in->na, OPTICS_MC_MAX_BINS);
    return SMP_OK;
}

smp_status optics_mc_options_resolve(const optics_mc_options *opt, optics_mc_options *o, smp_error *err)
{
    *o = opt ? *opt : (optics_mc_options){0};
    if (o->threads < 0) return smp_error_set(err, SMP_ERR_INPUT, "threads = %d: must be >= 0", o->threads);
    if (o->batches < 0 || o->batches == 1)
        return smp_error_set(err, SMP_ERR_INPUT, "batches = %d: must be 0 (default) or >= 2", o->batches);
    if (!(o->weight_threshold >= 0.0 && o->weight_threshold < 1.0))
        return smp_error_set(err, SMP_ERR_INPUT, "weight_threshold = %g: must be in [0, 1)", o->weight_threshold);
    if (!(o->roulette_chance >= 0.0 && o->roulette_chance <= 1.0))
        return smp_error_set(err, SMP_ERR_INPUT, "roulette_chance = %g: must be in [0, 1]", o->roulette_chance);
    if (o->threads == 0) o->threads = 1;
    if (o->batches == 0) o->batches = OPTICS_MC_DEFAULT_BATCHES;
    if (o->weight_threshold == 0.0) o->weight_threshold = 1.0e-4;
    if (o->roulette_chance == 0.0) o->roulette_chance = 0.1;
    return SMP_OK;
}

static double mc_cos_critical(double n_i, double n_t)
{
    return n_i > n_t ? sqrt(1.0 - (n_t / n_i) * (n_t / n_i)) : 0.0;
}

void optics_mc_sim_prepare(mc_sim *sim, const optics_mc_input *in, const optics_mc_options *o)
{
    memset(sim, 0, sizeof *sim);
    sim->layer_count = in->layer_count;
    double z = 0.0;
    for (int i = 0; i < in->layer_count; ++i) {
        const optics_layer *src = &in->layers[i];
        mc_layer *l = &sim->layers[i];
        l->z0 = z;
        z += src->thickness_cm;
        l->z1 = z;
        l->mu_t = src->mu_a_per_cm + src->mu_s_per_cm;
        l->step_per_tau = l->mu_t > 0.0 ? 1.0 / l->mu_t : MC_GLASS_STEP_PER_TAU;
        l->absorb_fraction = l->mu_t > 0.0 ? src->mu_a_per_cm / l->mu_t : 0.0;
        double g = src->g;
        l->isotropic = fabs(g) < MC_G_ISOTROPIC;
        l->hg_num = 1.0 - g * g;
        l->hg_base = 1.0 - g;
        l->hg_slope = 2.0 * g;
        l->hg_sum = 1.0 + g * g;
        l->hg_inv_2g = l->isotropic ? 0.0 : 1.0 / (2.0 * g);
        l->n = src->n;
        l->n_up = i == 0 ? in->n_above : in->layers[i - 1].n;
        l->n_down = i == in->layer_count - 1 ? in->n_below : in->layers[i + 1].n;
        l->cos_crit_up = mc_cos_critical(l->n, l->n_up);
        l->cos_crit_down = mc_cos_critical(l->n, l->n_down);
    }
    /* Launch (MCML LaunchPhoton): weight 1 - Rsp; a glass first layer is crossed analytically, as MCML does. */
    sim->launch_weight = 1.0 - optics_mc_specular_reflectance(in);
    sim->first_layer = (in->layer_count >= 2 && mc_layer_is_glass(&in->layers[0])) ? 1 : 0;
    sim->launch_z = sim->layers[sim->first_layer].z0;

    sim->nz = in->nz;
    sim->nr = in->nr;
    sim->na = in->na;
    sim->inv_dz = 1.0 / in->dz_cm;
    sim->inv_dr = 1.0 / in->dr_cm;
    sim->inv_da = 1.0 / (0.5 * SMP_PI / in->na);
    sim->weight_threshold = o->weight_threshold;
    sim->roulette_chance = o->roulette_chance;
    sim->roulette_boost = 1.0 / o->roulette_chance;
    sim->partial_reflection = o->partial_reflection;
    sim->score_a_rz = o->score_a_rz;

    size_t off = 0;
    sim->off_layer = off, off += (size_t)in->layer_count;
    sim->off_rd_r = off, off += (size_t)in->nr;
    sim->off_tt_r = off, off += (size_t)in->nr;
    sim->off_rd_a = off, off += (size_t)in->na;
    sim->off_tt_a = off, off += (size_t)in->na;
    sim->off_a_z = off, off += (size_t)in->nz;
    sim->off_a_rz = off, off += o->score_a_rz ? (size_t)in->nr * (size_t)in->nz : 0;
    sim->tally_size = off;
}

/* ---- batches and threads ------------------------------------------------------------------------------- */

/* Per-batch statistics: Rd, A, Tt, A per layer, then Rd(r) bins. */
enum { MC_STAT_RD = 0, MC_STAT_A, MC_STAT_TT, MC_STAT_LAYER };

/* Every batch keeps its own tally until all are done; they are then summed in batch order, so the floating-point
 * sums do not depend on which thread traced which batch, and no thread ever waits for another. */
typedef struct mc_shared {
    const mc_sim *sim;
    const optics_mc_options *opt;
    uint64_t seed, photons;
    int batches;
    pthread_mutex_t lock;
    int next_batch, finished;
    double *batch_tallies;      /* [batches][tally_size], raw weights */
    double *total;              /* summed raw tallies [tally_size] */
    double *stat_sum, *stat_sq; /* sums of per-batch fractions and their squares [stat_count] */
    size_t stat_count;
} mc_shared;

/* Upper bound on the memory of the per-batch tallies; a larger grid gets fewer batches. */
#define MC_BATCH_MEMORY_BYTES ((size_t)256 << 20)

static uint64_t mc_batch_photons(const mc_shared *sh, int b)
{
    uint64_t base = sh->photons / (uint64_t)sh->batches;
    uint64_t extra = sh->photons % (uint64_t)sh->batches;
    return base + ((uint64_t)b < extra ? 1u : 0u);
}

/* Adds one finished batch into the totals and the batch statistics. */
static void mc_merge(mc_shared *sh, const double *t, uint64_t n)
{
    const mc_sim *sim = sh->sim;
    for (size_t i = 0; i < sim->tally_size; ++i) sh->total[i] += t[i];

    double inv_n = 1.0 / (double)n;
    double rd = 0.0, tt = 0.0, a = 0.0;
    for (int i = 0; i < sim->nr; ++i) rd += t[sim->off_rd_r + (size_t)i], tt += t[sim->off_tt_r + (size_t)i];
    for (int i = 0; i < sim->layer_count; ++i) a += t[sim->off_layer + (size_t)i];

    double *s = sh->stat_sum, *q = sh->stat_sq;
    double v[3] = {rd * inv_n, a * inv_n, tt * inv_n};
    for (int i = 0; i < 3; ++i) s[i] += v[i], q[i] += v[i] * v[i];
    size_t k = MC_STAT_LAYER;
    for (int i = 0; i < sim->layer_count; ++i, ++k) {
        double f = t[sim->off_layer + (size_t)i] * inv_n;
        s[k] += f, q[k] += f * f;
    }
    for (int i = 0; i < sim->nr; ++i, ++k) {
        double f = t[sim->off_rd_r + (size_t)i] * inv_n;
        s[k] += f, q[k] += f * f;
    }
}

static void *mc_worker_main(void *arg)
{
    mc_shared *sh = arg;
    const mc_sim *sim = sh->sim;
    for (;;) {
        pthread_mutex_lock(&sh->lock);
        int b = sh->next_batch < sh->batches ? sh->next_batch++ : -1;
        pthread_mutex_unlock(&sh->lock);
        if (b < 0) break;

        smp_rng rng;
        smp_rng_init(&rng, sh->seed, (uint64_t)b);
        mc_trace(sim, &rng, mc_batch_photons(sh, b), sh->batch_tallies + (size_t)b * sim->tally_size);

        pthread_mutex_lock(&sh->lock);
        sh->finished++;
        if (sh->opt->progress)
            sh->opt->progress(sh->opt->progress_user, (double)sh->finished / sh->batches, "monte carlo");
        pthread_mutex_unlock(&sh->lock);
    }
    return NULL;
}

/* Scales the raw totals to MCML's units (MCML SumScaleResult; scaling listed in references/optics.md §1.3). */
static smp_status mc_result_fill(const mc_sim *sim, const mc_shared *sh, const optics_mc_input *in,
                                 optics_mc_result *out, smp_error *err)
{
    double n = (double)in->photons;
    int L = sim->layer_count, nr = sim->nr, nz = sim->nz, na = sim->na;
    out->absorbed_per_layer = calloc((size_t)L, sizeof(double));
    out->absorbed_per_layer_se = calloc((size_t)L, sizeof(double));
    out->rd_r = calloc((size_t)nr, sizeof(double));
    out->rd_r_se = calloc((size_t)nr, sizeof(double));
    out->tt_r = calloc((size_t)nr, sizeof(double));
    out->rd_a = calloc((size_t)na, sizeof(double));
    out->tt_a = calloc((size_t)na, sizeof(double));
    out->a_z = calloc((size_t)nz, sizeof(double));
    if (sim->score_a_rz) out->a_rz = calloc((size_t)nr * (size_t)nz, sizeof(double));
    if (!out->absorbed_per_layer || !out->absorbed_per_layer_se || !out->rd_r || !out->rd_r_se || !out->tt_r ||
        !out->rd_a || !out->tt_a || !out->a_z || (sim->score_a_rz && !out->a_rz))
        return smp_error_set(err, SMP_ERR_NOMEM, "monte carlo: out of memory for the results");

    const double *t = sh->total;
    const double *s = sh->stat_sum, *q = sh->stat_sq;
    int b = sh->batches;
    double dr = in->dr_cm, dz = in->dz_cm, da = 0.5 * SMP_PI / na;
    double rd = 0.0, tt = 0.0, a = 0.0;
    for (int i = 0; i < L; ++i) {
        a += t[sim->off_layer + (size_t)i];
        out->absorbed_per_layer[i] = t[sim->off_layer + (size_t)i] / n;
        out->absorbed_per_layer_se[i] = mc_standard_error(s[MC_STAT_LAYER + i], q[MC_STAT_LAYER + i], b);
    }
    for (int i = 0; i < nr; ++i) {
        double area = 2.0 * SMP_PI * (i + 0.5) * dr * dr; /* area of the annulus */
        size_t k = MC_STAT_LAYER + (size_t)L + (size_t)i;
        rd += t[sim->off_rd_r + (size_t)i];
        tt += t[sim->off_tt_r + (size_t)i];
        out->rd_r[i] = t[sim->off_rd_r + (size_t)i] / (n * area);
        out->rd_r_se[i] = mc_standard_error(s[k], q[k], b) / area;
        out->tt_r[i] = t[sim->off_tt_r + (size_t)i] / (n * area);
        if (out->a_rz)
            for (int j = 0; j < nz; ++j) {
                size_t idx = (size_t)i * (size_t)nz + (size_t)j;
                out->a_rz[idx] = t[sim->off_a_rz + idx] / (n * area * dz);
            }
    }
    for (int i = 0; i < na; ++i) {
        double solid = 2.0 * SMP_PI * sin((i + 0.5) * da) * da; /* solid angle of the cone ring */
        out->rd_a[i] = t[sim->off_rd_a + (size_t)i] / (n * solid);
        out->tt_a[i] = t[sim->off_tt_a + (size_t)i] / (n * solid);
    }
    for (int j = 0; j < nz; ++j) out->a_z[j] = t[sim->off_a_z + (size_t)j] / (n * dz);

    out->diffuse_reflectance = rd / n;
    out->transmittance = tt / n;
    out->absorbed = a / n;
    out->diffuse_reflectance_se = mc_standard_error(s[MC_STAT_RD], q[MC_STAT_RD], b);
    out->absorbed_se = mc_standard_error(s[MC_STAT_A], q[MC_STAT_A], b);
    out->transmittance_se = mc_standard_error(s[MC_STAT_TT], q[MC_STAT_TT], b);
    out->da_rad = da;
    return SMP_OK;
}

smp_status optics_mc_run(const optics_mc_input *in, const optics_mc_options *opt, optics_mc_result *out,
                         smp_error *err)
{
    optics_mc_options o;
    if (!out) return smp_error_set(err, SMP_ERR_INPUT, "no result given");
    memset(out, 0, sizeof *out);
    if (optics_mc_input_validate(in, err) != SMP_OK) return SMP_ERR_INPUT;
    if (optics_mc_options_resolve(opt, &o, err) != SMP_OK) return SMP_ERR_INPUT;

    double start = smp_now_s();
    smp_status st = SMP_OK;
    mc_sim *sim = malloc(sizeof *sim);
    mc_shared sh = {0};
    int batches = in->photons < (uint64_t)o.batches ? (int)in->photons : o.batches;
    int threads = o.threads < batches ? o.threads : batches;
    pthread_t *tids = calloc((size_t)threads, sizeof *tids);
    if (!sim || !tids) goto nomem;
    optics_mc_sim_prepare(sim, in, &o);
    size_t max_batches = MC_BATCH_MEMORY_BYTES / (sim->tally_size * sizeof(double));
    if ((size_t)batches > max_batches) batches = max_batches < 2 ? 2 : (int)max_batches;
    if (threads > batches) threads = batches;

    sh.sim = sim;
    sh.opt = &o;
    sh.seed = o.seed;
    sh.photons = in->photons;
    sh.batches = batches;
    sh.stat_count = MC_STAT_LAYER + (size_t)in->layer_count + (size_t)in->nr;
    sh.total = calloc(sim->tally_size, sizeof(double));
    sh.stat_sum = calloc(sh.stat_count, sizeof(double));
    sh.stat_sq = calloc(sh.stat_count, sizeof(double));
    sh.batch_tallies = calloc((size_t)batches * sim->tally_size, sizeof(double));
    if (!sh.total || !sh.stat_sum || !sh.stat_sq || !sh.batch_tallies) goto nomem;
    pthread_mutex_init(&sh.lock, NULL);

    /* The calling thread is worker 0. A thread that cannot be started only makes the run slower: the batches,
     * and so the numbers, stay the same. */
    int started = 0;
    for (int k = 1; k < threads; ++k) {
        if (pthread_create(&tids[k], NULL, mc_worker_main, &sh) != 0) break;
        started = k;
    }
    mc_worker_main(&sh);
    for (int k = 1; k <= started; ++k) pthread_join(tids[k], NULL);
    pthread_mutex_destroy(&sh.lock);
    for (int b = 0; b < batches; ++b)
        mc_merge(&sh, sh.batch_tallies + (size_t)b * sim->tally_size, mc_batch_photons(&sh, b));

    out->photons = in->photons;
    out->seed = o.seed;
    out->threads = started + 1;
    out->batches = batches;
    out->layer_count = in->layer_count;
    out->nz = in->nz;
    out->nr = in->nr;
    out->na = in->na;
    out->dz_cm = in->dz_cm;
    out->dr_cm = in->dr_cm;
    out->specular_reflectance = 1.0 - sim->launch_weight;
    st = mc_result_fill(sim, &sh, in, out, err);
    if (st != SMP_OK) optics_mc_result_destroy(out);
    else out->wall_seconds = smp_now_s() - start;
    goto done;

nomem:
    st = smp_error_set(err, SMP_ERR_NOMEM, "monte carlo: out of memory");
done:
    free(sh.batch_tallies);
    free(sh.total);
    free(sh.stat_sum);
    free(sh.stat_sq);
    free(tids);
    free(sim);
    return st;
}

void optics_mc_result_destroy(optics_mc_result *res)
{
    if (!res) return;
    free(res->absorbed_per_layer);
    free(res->absorbed_per_layer_se);
    free(res->rd_r);
    free(res->rd_r_se);
    free(res->tt_r);
    free(res->rd_a);
    free(res->tt_a);
    free(res->a_z);
    free(res->a_rz);
    memset(res, 0, sizeof *res);
}

/* ---- a disk of ink: correlated sampling with and without it --------------------------------------------- */

/* The disk problem prepared for the workers: the stack of mc_sim plus the coefficients inside the cylinder. */
typedef struct mc_disk_sim {
    const mc_sim *sim;
    mc_layer inside[OPTICS_MC_DISK_MAX_LAYERS];
    int first, last; /* spanned layers, inclusive */
    double radius2, core_cm, tail_cm;
    int nr;
    double inv_dr;
} mc_disk_sim;

/* Distance along (ux, uy) from (x, y) to the cylinder wall, or INFINITY when the path does not reach it.
 * inside says which side the photon is on (kept as state, so a photon sitting on the wall after a crossing
 * takes the far root and never re-hits the wall it just crossed). */
static inline double mc_wall_distance(double x, double y, double ux, double uy, double radius2, int inside)
{
    double a = ux * ux + uy * uy;
    if (a < 1.0e-24) return INFINITY;
    double b = x * ux + y * uy; /* half of the linear coefficient */
    double c = x * x + y * y - radius2;
    double disc = b * b - a * c;
    if (disc < 0.0) return inside ? 0.0 : INFINITY;
    double root = sqrt(disc);
    double t = inside ? (-b + root) / a : (-b - root) / a;
    return t > 1.0e-12 ? t : (inside ? 0.0 : INFINITY);
}

/* One photon from (x0, y0) on the surface: MCML's hop-drop-spin as in mc_trace, with the cylinder's medium
 * inside the wall when use_disk is set. Returns the weight that leaves through the top (0 if none) and its
 * exit point; *touched is set when the photon enters the cylinder (only with use_disk). */
static double mc_trace_disk_photon(const mc_disk_sim *d, smp_rng *rng, double x0, double y0, int use_disk,
                                   int *touched, double *exit_x, double *exit_y)
{
    const mc_sim *sim = d->sim;
    const int last = sim->layer_count - 1;
    double x = x0, y = y0, z = sim->launch_z;
    double ux = 0.0, uy = 0.0, uz = 1.0;
    double w = sim->launch_weight;
    double tau = 0.0;
    int li = sim->first_layer;
    int inside = use_disk && li >= d->first && li <= d->last && x * x + y * y < d->radius2;
    if (inside) *touched = 1;

    for (;;) {
        const mc_layer *l = &sim->layers[li];
        const mc_layer *m = inside ? &d->inside[li - d->first] : l; /* the medium the photon is in */
        if (tau <= 0.0) tau = -log(mc_rng_open(rng));
        double s = tau * m->step_per_tau;

        double s_z = INFINITY; /* distance to the layer boundary along the path */
        int hit = 0;
        if (uz > 0.0) {
            s_z = (l->z1 - z) / uz;
            if (s >= s_z) hit = 1;
        } else if (uz < 0.0) {
            s_z = (l->z0 - z) / uz;
            if (s >= s_z) hit = -1;
        }
        if (use_disk && li >= d->first && li <= d->last) {
            double s_w = mc_wall_distance(x, y, ux, uy, d->radius2, inside);
            if (s_w < s && s_w < s_z) {
                /* Cross the wall: same index, so no reflection; the optical depth left carries over. */
                x += s_w * ux;
                y += s_w * uy;
                z += s_w * uz;
                tau -= s_w * m->mu_t;
                inside = !inside;
                if (inside) *touched = 1;
                continue;
            }
        }

        if (!hit) {
            x += s * ux;
            y += s * uy;
            z += s * uz;
            tau = 0.0;
            w -= w * m->absorb_fraction;
            mc_spin(m, rng, &ux, &uy, &uz);
        } else {
            double zb = hit > 0 ? l->z1 : l->z0;
            double dl = (zb - z) / uz;
            x += dl * ux;
            y += dl * uy;
            z = zb;
            tau -= dl * m->mu_t;

            double n_t = hit > 0 ? l->n_down : l->n_up;
            double cos_i = fabs(uz);
            double cos_tr = cos_i, r = 0.0;
            if (n_t != l->n) {
                if (cos_i <= (hit > 0 ? l->cos_crit_down : l->cos_crit_up)) {
                    r = 1.0;
                    cos_tr = 0.0;
                } else {
                    r = optics_fresnel_reflectance(l->n, n_t, cos_i, &cos_tr);
                }
            }
            int leaving = (hit < 0 && li == 0) || (hit > 0 && li == last);
            if (mc_rng_open(rng) > r) {
                if (leaving) {
                    if (hit < 0) {
                        *exit_x = x;
                        *exit_y = y;
                        return w;
                    }
                    return 0.0;
                }
                double ratio = l->n / n_t;
                ux *= ratio;
                uy *= ratio;
                uz = hit > 0 ? cos_tr : -cos_tr;
                li += hit;
                inside = use_disk && li >= d->first && li <= d->last && x * x + y * y < d->radius2;
                if (inside) *touched = 1;
            } else {
                uz = -uz;
            }
        }

        if (w < sim->weight_threshold) {
            if (w == 0.0 || mc_rng_open(rng) > sim->roulette_chance) return 0.0;
            w *= sim->roulette_boost;
        }
    }
}

/* Tally of one batch: deficit per radial bin, then the totals. */
enum { MC_DISK_DEFICIT = 0, MC_DISK_TOUCHED, MC_DISK_TOTALS };

static void mc_trace_disk(const mc_disk_sim *d, smp_rng *rng_state, uint64_t photons, double *tally)
{
    smp_rng rng = *rng_state;
    double *totals = tally + d->nr;
    for (uint64_t p = 0; p < photons; ++p) {
        /* Launch distance from the mixture q(rho) = (exp(-rho/a)/a + exp(-rho/b)/b) / 2 (one of the two
         * exponentials chosen by a coin), azimuth uniform; under unit irradiance a photon stands for
         * 2 pi rho / q(rho) of area (the weight). The exponential tails follow the diffuse fluence, so the
         * weight of the few photons launched far away stays bounded by the wider one (defensive mixture). */
        double mean = mc_rng_open(&rng) < 0.5 ? d->core_cm : d->tail_cm;
        double rho = -mean * log(mc_rng_open(&rng));
        double phi = 2.0 * SMP_PI * mc_rng_open(&rng);
        double x0 = rho * cos(phi), y0 = rho * sin(phi);
        double q = 0.5 * (exp(-rho / d->core_cm) / d->core_cm + exp(-rho / d->tail_cm) / d->tail_cm);
        double weight = 2.0 * SMP_PI * rho / q;

        smp_rng start = rng;
        int touched = 0, unused = 0;
        double xd = 0.0, yd = 0.0, xb = 0.0, yb = 0.0;
        double wd = mc_trace_disk_photon(d, &rng, x0, y0, 1, &touched, &xd, &yd);
        double wb = wd;
        xb = xd, yb = yd;
        if (touched) {
            smp_rng again = start;
            wb = mc_trace_disk_photon(d, &again, x0, y0, 0, &unused, &xb, &yb);
            totals[MC_DISK_TOUCHED] += 1.0;
            if (wb > 0.0) tally[mc_bin(sqrt(xb * xb + yb * yb) * d->inv_dr, d->nr)] += weight * wb;
            if (wd > 0.0) tally[mc_bin(sqrt(xd * xd + yd * yd) * d->inv_dr, d->nr)] -= weight * wd;
            totals[MC_DISK_DEFICIT] += weight * (wb - wd);
        }
    }
    *rng_state = rng;
}

typedef struct mc_disk_shared {
    const mc_disk_sim *d;
    const optics_mc_options *opt;
    uint64_t seed, photons;
    int batches, next_batch, finished;
    size_t tally_size;
    double *tallies; /* [batches][tally_size] */
    pthread_mutex_t lock;
} mc_disk_shared;

static uint64_t mc_disk_batch_photons(const mc_disk_shared *sh, int b)
{
    uint64_t base = sh->photons / (uint64_t)sh->batches, extra = sh->photons % (uint64_t)sh->batches;
    return base + ((uint64_t)b < extra ? 1u : 0u);
}

static void *mc_disk_worker(void *arg)
{
    mc_disk_shared *sh = arg;
    for (;;) {
        pthread_mutex_lock(&sh->lock);
        int b = sh->next_batch < sh->batches ? sh->next_batch++ : -1;
        pthread_mutex_unlock(&sh->lock);
        if (b < 0) break;
        smp_rng rng;
        smp_rng_init(&rng, sh->seed, (uint64_t)b);
        mc_trace_disk(sh->d, &rng, mc_disk_batch_photons(sh, b), sh->tallies + (size_t)b * sh->tally_size);
        pthread_mutex_lock(&sh->lock);
        sh->finished++;
        if (sh->opt->progress)
            sh->opt->progress(sh->opt->progress_user, (double)sh->finished / sh->batches, "monte carlo disk");
        pthread_mutex_unlock(&sh->lock);
    }
    return NULL;
}

static smp_status mc_disk_validate(const optics_mc_input *in, const optics_mc_disk *disk, smp_error *err)
{
    if (!disk) return smp_error_set(err, SMP_ERR_INPUT, "disk: none given");
    if (!(isfinite(disk->radius_cm) && disk->radius_cm > 0.0))
        return smp_error_set(err, SMP_ERR_INPUT, "disk: radius = %g cm: must be a finite number > 0", disk->radius_cm);
    if (disk->layer_count < 1 || disk->layer_count > OPTICS_MC_DISK_MAX_LAYERS || disk->first_layer < 0 ||
        disk->first_layer + disk->layer_count > in->layer_count)
        return smp_error_set(err, SMP_ERR_INPUT, "disk: layers %d..%d: must be 1..%d layers within the %d of the stack",
                             disk->first_layer + 1, disk->first_layer + disk->layer_count, OPTICS_MC_DISK_MAX_LAYERS,
                             in->layer_count);
    for (int i = 0; i < disk->layer_count; ++i) {
        const optics_layer *l = &disk->inside[i];
        if (!mc_finite_ge(l->mu_a_per_cm, 0.0) || !mc_finite_ge(l->mu_s_per_cm, 0.0) || !(l->g >= -1.0 && l->g <= 1.0))
            return smp_error_set(err, SMP_ERR_INPUT,
                                 "disk: inside layer %d: mu_a, mu_s must be finite >= 0 and g in [-1, 1]", i + 1);
    }
    if (!(isfinite(disk->launch_core_cm) && disk->launch_core_cm > 0.0 && isfinite(disk->launch_tail_cm) &&
          disk->launch_tail_cm > 0.0))
        return smp_error_set(err, SMP_ERR_INPUT, "disk: launch core %g cm, tail %g cm: must be finite numbers > 0",
                             disk->launch_core_cm, disk->launch_tail_cm);
    return SMP_OK;
}

smp_status optics_mc_disk_run(const optics_mc_input *in, const optics_mc_disk *disk, const optics_mc_options *opt,
                              optics_mc_disk_result *out, smp_error *err)
{
    optics_mc_options o;
    if (!out) return smp_error_set(err, SMP_ERR_INPUT, "no result given");
    memset(out, 0, sizeof *out);
    if (optics_mc_input_validate(in, err) != SMP_OK) return SMP_ERR_INPUT;
    if (mc_disk_validate(in, disk, err) != SMP_OK) return SMP_ERR_INPUT;
    if (optics_mc_options_resolve(opt, &o, err) != SMP_OK) return SMP_ERR_INPUT;
    o.partial_reflection = false;
    o.score_a_rz = false;

    double start = smp_now_s();
    mc_sim *sim = malloc(sizeof *sim);
    mc_disk_sim *d = malloc(sizeof *d);
    mc_disk_shared sh = {0};
    int batches = in->photons < (uint64_t)o.batches ? (int)in->photons : o.batches;
    if (batches < 2) batches = 2;
    int threads = o.threads < batches ? o.threads : batches;
    pthread_t *tids = calloc((size_t)threads, sizeof *tids);
    sh.tally_size = (size_t)in->nr + MC_DISK_TOTALS;
    sh.tallies = calloc((size_t)batches * sh.tally_size, sizeof(double));
    if (!sim || !d || !tids || !sh.tallies) {
        free(sim), free(d), free(tids), free(sh.tallies);
        return smp_error_set(err, SMP_ERR_NOMEM, "monte carlo disk: out of memory");
    }
    optics_mc_sim_prepare(sim, in, &o);
    memset(d, 0, sizeof *d);
    d->sim = sim;
    d->first = disk->first_layer;
    d->last = disk->first_layer + disk->layer_count - 1;
    for (int i = 0; i < disk->layer_count; ++i) {
        /* The inside medium: the layer's geometry and index with the disk's coefficients. */
        mc_layer *m = &d->inside[i];
        const optics_layer *src = &disk->inside[i];
        *m = sim->layers[d->first + i];
        m->mu_t = src->mu_a_per_cm + src->mu_s_per_cm;
        m->step_per_tau = m->mu_t > 0.0 ? 1.0 / m->mu_t : MC_GLASS_STEP_PER_TAU;
        m->absorb_fraction = m->mu_t > 0.0 ? src->mu_a_per_cm / m->mu_t : 0.0;
        double g = src->g;
        m->isotropic = fabs(g) < MC_G_ISOTROPIC;
        m->hg_num = 1.0 - g * g;
        m->hg_base = 1.0 - g;
        m->hg_slope = 2.0 * g;
        m->hg_sum = 1.0 + g * g;
        m->hg_inv_2g = m->isotropic ? 0.0 : 1.0 / (2.0 * g);
    }
    d->radius2 = disk->radius_cm * disk->radius_cm;
    d->core_cm = disk->launch_core_cm;
    d->tail_cm = disk->launch_tail_cm;
    d->nr = in->nr;
    d->inv_dr = 1.0 / in->dr_cm;

    sh.d = d;
    sh.opt = &o;
    sh.seed = o.seed;
    sh.photons = in->photons;
    sh.batches = batches;
    pthread_mutex_init(&sh.lock, NULL);
    int started = 0;
    for (int k = 1; k < threads; ++k) {
        if (pthread_create(&tids[k], NULL, mc_disk_worker, &sh) != 0) break;
        started = k;
    }
    mc_disk_worker(&sh);
    for (int k = 1; k <= started; ++k) pthread_join(tids[k], NULL);
    pthread_mutex_destroy(&sh.lock);

    smp_status st = SMP_OK;
    int nr = in->nr;
    out->deficit_r = calloc((size_t)nr, sizeof(double));
    out->deficit_r_se = calloc((size_t)nr, sizeof(double));
    double *sum = calloc(sh.tally_size, sizeof(double)), *sq = calloc(sh.tally_size, sizeof(double));
    double *total = calloc(sh.tally_size, sizeof(double));
    if (!out->deficit_r || !out->deficit_r_se || !sum || !sq || !total) {
        st = smp_error_set(err, SMP_ERR_NOMEM, "monte carlo disk: out of memory for the results");
    } else {
        /* Batches summed in order (thread-count independent); per-batch means give the standard errors. */
        for (int b = 0; b < batches; ++b) {
            const double *t = sh.tallies + (size_t)b * sh.tally_size;
            double inv_n = 1.0 / (double)mc_disk_batch_photons(&sh, b);
            for (size_t i = 0; i < sh.tally_size; ++i) {
                double f = t[i] * inv_n;
                total[i] += t[i];
                sum[i] += f;
                sq[i] += f * f;
            }
        }
        double n = (double)in->photons, dr = in->dr_cm;
        for (int i = 0; i < nr; ++i) {
            double area = 2.0 * SMP_PI * (i + 0.5) * dr * dr;
            out->deficit_r[i] = total[i] / (n * area);
            out->deficit_r_se[i] = mc_standard_error(sum[i], sq[i], batches) / area;
        }
        const double *tt = total + nr;
        out->deficit_cm2 = tt[MC_DISK_DEFICIT] / n;
        out->deficit_se_cm2 = mc_standard_error(sum[nr + MC_DISK_DEFICIT], sq[nr + MC_DISK_DEFICIT], batches);
        out->touched_fraction = tt[MC_DISK_TOUCHED] / n;
        out->photons = in->photons;
        out->threads = started + 1;
        out->batches = batches;
        out->nr = nr;
        out->dr_cm = dr;
        out->wall_seconds = smp_now_s() - start;
    }
    if (st != SMP_OK) optics_mc_disk_result_destroy(out);
    free(sum), free(sq), free(total);
    free(sh.tallies), free(tids), free(sim), free(d);
    return st;
}

void optics_mc_disk_result_destroy(optics_mc_disk_result *res)
{
    if (!res) return;
    free(res->deficit_r);
    free(res->deficit_r_se);
    memset(res, 0, sizeof *res);
}
