/* Monte Carlo photon transport in layered media, following MCML (Wang, Jacques & Zheng 1995, "MCML - Monte
 * Carlo modeling of light transport in multi-layered tissues"; MCML 1.0 manual, Wang & Jacques 1992, Ch.
 * 3-4). Where a step matches a routine of MCML's mcmlgo.c its name is given, so the two can be read side by
 * side. */
#include "optics/mc.h"

#include <assert.h>
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

/* A packet leaves through the top (reflectance) or the bottom (transmittance) with weight w: score it by
 * radius and by exit angle in the ambient medium (MCML RecordR/RecordT). */
static inline void mc_score_exit(const mc_sim *sim, double *tally, int top, double x, double y,
                                 double cos_exit, double w)
{
    int ir = mc_bin(sqrt(x * x + y * y) * sim->inv_dr, sim->nr);
    int ia = mc_bin(acos(smp_clamp(cos_exit, -1.0, 1.0)) * sim->inv_da, sim->na);
    tally[(top ? sim->off_rd_r : sim->off_tt_r) + (size_t)ir] += w;
    tally[(top ? sim->off_rd_a : sim->off_tt_a) + (size_t)ia] += w;
}

/* Traces `photons` packets from rng into tally (raw weights): MCML's HopDropSpin (mc_internal.h's step),
 * scoring the weight deposited by layer, depth (and radius) and the weight that leaves by radius and angle.
 * With partial_reflection a packet meeting an outer surface is split (MCML's PARTIALREFLECTION 1): the
 * transmitted part escapes, the rest reflects. */
static void mc_trace(const void *problem, smp_rng *rng_state, uint64_t photons, double *tally,
                     double *scratch)
{
    const mc_sim *sim = problem;
    smp_rng rng = *rng_state;
    double *t_layer = tally + sim->off_layer;
    double *t_a_z = tally + sim->off_a_z;

    for (uint64_t n = 0; n < photons; ++n) {
        mc_packet p = mc_packet_launch(sim, 0.0, 0.0);
        for (;;) {
            const mc_layer *l = &sim->layers[p.li];
            double s = mc_hop(l, &p, &rng);
            int hit = mc_hop_hit(l, &p, s);
            if (!hit) {
                double dw = mc_drop_spin(l, &p, s, &rng);
                t_layer[p.li] += dw;
                t_a_z[mc_bin(p.z * sim->inv_dz, sim->nz)] += dw;
                if (sim->score_a_rz) {
                    int ir = mc_bin(sqrt(p.x * p.x + p.y * p.y) * sim->inv_dr, sim->nr);
                    int iz = mc_bin(p.z * sim->inv_dz, sim->nz);
                    tally[sim->off_a_rz + (size_t)ir * (size_t)sim->nz + (size_t)iz] += dw;
                }
            } else {
                mc_to_boundary(l, l, &p, hit);
                double cos_tr, r = mc_boundary_fresnel(l, hit, p.uz, &cos_tr);
                if (sim->partial_reflection && mc_boundary_leaves(sim, p.li, hit)) {
                    if (r < 1.0) mc_score_exit(sim, tally, hit < 0, p.x, p.y, cos_tr, p.w * (1.0 - r));
                    p.w *= r;
                    p.uz = -p.uz;
                } else if (mc_boundary_cross(sim, l, &p, hit, r, cos_tr, &rng) == MC_ESCAPED) {
                    mc_score_exit(sim, tally, hit < 0, p.x, p.y, cos_tr, p.w);
                    break;
                }
            }
            if (!mc_roulette(sim, &p, &rng)) break;
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
            return smp_error_set(err, SMP_ERR_INPUT, "layer %d: n = %g: must be a finite number > 0", i + 1,
                                 l->n);
        if (!mc_finite_ge(l->mu_a_per_cm, 0.0))
            return smp_error_set(err, SMP_ERR_INPUT, "layer %d: mu_a = %g /cm: must be a finite number >= 0",
                                 i + 1, l->mu_a_per_cm);
        if (!mc_finite_ge(l->mu_s_per_cm, 0.0))
            return smp_error_set(err, SMP_ERR_INPUT, "layer %d: mu_s = %g /cm: must be a finite number >= 0",
                                 i + 1, l->mu_s_per_cm);
        if (!(l->g >= -1.0 && l->g <= 1.0))
            return smp_error_set(err, SMP_ERR_INPUT, "layer %d: g = %g: must be between -1 and 1", i + 1,
                                 l->g);
        if (!mc_finite_ge(l->thickness_cm, 0.0))
            return smp_error_set(err, SMP_ERR_INPUT,
                                 "layer %d: thickness = %g cm: must be a finite number >= 0", i + 1,
                                 l->thickness_cm);
    }
    if (in->photons < 1 || in->photons > OPTICS_MC_MAX_PHOTONS)
        return smp_error_set(err, SMP_ERR_INPUT, "photons = %" PRIu64 ": must be between 1 and %" PRIu64,
                             in->photons, OPTICS_MC_MAX_PHOTONS);
    if (!(mc_finite_ge(in->dz_cm, 0.0) && in->dz_cm > 0.0))
        return smp_error_set(err, SMP_ERR_INPUT, "dz = %g cm: must be a finite number > 0", in->dz_cm);
    if (!(mc_finite_ge(in->dr_cm, 0.0) && in->dr_cm > 0.0))
        return smp_error_set(err, SMP_ERR_INPUT, "dr = %g cm: must be a finite number > 0", in->dr_cm);
    if (in->nz < 1 || in->nz > OPTICS_MC_MAX_BINS)
        return smp_error_set(err, SMP_ERR_INPUT, "nz = %d: must be between 1 and %d", in->nz,
                             OPTICS_MC_MAX_BINS);
    if (in->nr < 1 || in->nr > OPTICS_MC_MAX_BINS)
        return smp_error_set(err, SMP_ERR_INPUT, "nr = %d: must be between 1 and %d", in->nr,
                             OPTICS_MC_MAX_BINS);
    if (in->na < 1 || in->na > OPTICS_MC_MAX_BINS)
        return smp_error_set(err, SMP_ERR_INPUT, "na = %d: must be between 1 and %d", in->na,
                             OPTICS_MC_MAX_BINS);
    return SMP_OK;
}

smp_status optics_mc_options_resolve(const optics_mc_options *opt, optics_mc_options *o, smp_error *err)
{
    *o = opt ? *opt : (optics_mc_options){0};
    if (o->threads < 0) return smp_error_set(err, SMP_ERR_INPUT, "threads = %d: must be >= 0", o->threads);
    if (o->batches < 0 || o->batches == 1)
        return smp_error_set(err, SMP_ERR_INPUT, "batches = %d: must be 0 (default) or >= 2", o->batches);
    if (!(o->weight_threshold >= 0.0 && o->weight_threshold < 1.0))
        return smp_error_set(err, SMP_ERR_INPUT, "weight_threshold = %g: must be in [0, 1)",
                             o->weight_threshold);
    if (!(o->roulette_chance >= 0.0 && o->roulette_chance <= 1.0))
        return smp_error_set(err, SMP_ERR_INPUT, "roulette_chance = %g: must be in [0, 1]",
                             o->roulette_chance);
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

/* The coefficients of l's medium from src (mu_a, mu_s, g), precomputed for the inner loops. */
static void mc_medium_set(mc_layer *l, const optics_layer *src)
{
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
        mc_medium_set(l, src);
        l->n = src->n;
        l->n_up = i == 0 ? in->n_above : in->layers[i - 1].n;
        l->n_down = i == in->layer_count - 1 ? in->n_below : in->layers[i + 1].n;
        l->cos_crit_up = mc_cos_critical(l->n, l->n_up);
        l->cos_crit_down = mc_cos_critical(l->n, l->n_down);
    }
    /* Launch (MCML LaunchPhoton): weight 1 - Rsp; a glass first layer is crossed analytically, as MCML does.
     */
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

/* The run's sums over its batches (in batch order). */
typedef struct mc_shared {
    const mc_sim *sim;
    int batches;
    double *total;              /* summed raw tallies [tally_size] */
    double *stat_sum, *stat_sq; /* sums of per-batch fractions and their squares [stat_count] */
    size_t stat_count;
} mc_shared;

/* Upper bound on the memory of the per-batch tallies; a larger grid gets fewer batches. */
#define MC_BATCH_MEMORY_BYTES ((size_t)256 << 20)

uint64_t optics_mc_job_batch_photons(const mc_job *job, int b)
{
    uint64_t base = job->photons / (uint64_t)job->batches, extra = job->photons % (uint64_t)job->batches;
    return base + ((uint64_t)b < extra ? 1u : 0u);
}

typedef struct mc_worker {
    mc_job *job;
    double *scratch;
} mc_worker;

static void *mc_worker_main(void *arg)
{
    mc_worker *wk = arg;
    mc_job *job = wk->job;
    for (;;) {
        pthread_mutex_lock(&job->lock);
        int b = job->next_batch < job->batches ? job->next_batch++ : -1;
        pthread_mutex_unlock(&job->lock);
        if (b < 0) break;
        smp_rng rng;
        smp_rng_init(&rng, job->seed, (uint64_t)b);
        job->trace(job->problem, &rng, optics_mc_job_batch_photons(job, b),
                   job->tallies + (size_t)b * job->tally_size, wk->scratch);
        pthread_mutex_lock(&job->lock);
        job->finished++;
        if (job->opt->progress)
            job->opt->progress(job->opt->progress_user, (double)job->finished / job->batches, job->stage);
        pthread_mutex_unlock(&job->lock);
    }
    return NULL;
}

smp_status optics_mc_job_run(mc_job *job, int threads, size_t scratch_size, smp_error *err)
{
    if (threads > job->batches) threads = job->batches;
    job->next_batch = job->finished = 0;
    job->tallies = calloc((size_t)job->batches * job->tally_size, sizeof(double));
    double *scratch = scratch_size ? calloc((size_t)threads * scratch_size, sizeof(double)) : NULL;
    mc_worker *workers = calloc((size_t)threads, sizeof *workers);
    pthread_t *tids = calloc((size_t)threads, sizeof *tids);
    if (!job->tallies || (scratch_size && !scratch) || !workers || !tids) {
        free(job->tallies), free(scratch), free(workers), free(tids);
        job->tallies = NULL;
        return smp_error_set(err, SMP_ERR_NOMEM, "monte carlo %s: out of memory", job->stage);
    }
    pthread_mutex_init(&job->lock, NULL);
    for (int k = 0; k < threads; ++k)
        workers[k] = (mc_worker){job, scratch ? scratch + (size_t)k * scratch_size : NULL};
    /* The calling thread is worker 0. */
    int started = 0;
    for (int k = 1; k < threads; ++k) {
        if (pthread_create(&tids[k], NULL, mc_worker_main, &workers[k]) != 0) break;
        started = k;
    }
    mc_worker_main(&workers[0]);
    for (int k = 1; k <= started; ++k)
        pthread_join(tids[k], NULL);
    pthread_mutex_destroy(&job->lock);
    job->threads_run = started + 1;
    free(scratch), free(workers), free(tids);
    return SMP_OK;
}

/* Adds one finished batch into the totals and the batch statistics. */
static void mc_merge(mc_shared *sh, const double *t, uint64_t n)
{
    const mc_sim *sim = sh->sim;
    for (size_t i = 0; i < sim->tally_size; ++i)
        sh->total[i] += t[i];

    double inv_n = 1.0 / (double)n;
    double rd = 0.0, tt = 0.0, a = 0.0;
    for (int i = 0; i < sim->nr; ++i)
        rd += t[sim->off_rd_r + (size_t)i], tt += t[sim->off_tt_r + (size_t)i];
    for (int i = 0; i < sim->layer_count; ++i)
        a += t[sim->off_layer + (size_t)i];

    double *s = sh->stat_sum, *q = sh->stat_sq;
    double v[3] = {rd * inv_n, a * inv_n, tt * inv_n};
    for (int i = 0; i < 3; ++i)
        s[i] += v[i], q[i] += v[i] * v[i];
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

/* Scales the raw totals to MCML's units (MCML SumScaleResult; scaling listed in references/optics.md §1.3).
 */
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
    if (!out->absorbed_per_layer || !out->absorbed_per_layer_se || !out->rd_r || !out->rd_r_se ||
        !out->tt_r || !out->rd_a || !out->tt_a || !out->a_z || (sim->score_a_rz && !out->a_rz))
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
    for (int j = 0; j < nz; ++j)
        out->a_z[j] = t[sim->off_a_z + (size_t)j] / (n * dz);

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
    assert(in && out); /* opt may be NULL: the defaults */
    optics_mc_options o;
    if (!out) return smp_error_set(err, SMP_ERR_INPUT, "no result given");
    memset(out, 0, sizeof *out);
    if (optics_mc_input_validate(in, err) != SMP_OK) return SMP_ERR_INPUT;
    if (optics_mc_options_resolve(opt, &o, err) != SMP_OK) return SMP_ERR_INPUT;

    double start = smp_now_s();
    smp_status st = SMP_OK;
    mc_sim *sim = malloc(sizeof *sim);
    mc_shared sh = {0};
    mc_job job = {0};
    int batches = optics_mc_batch_count(&o, in->photons);
    if (!sim) goto nomem;
    optics_mc_sim_prepare(sim, in, &o);
    size_t max_batches = MC_BATCH_MEMORY_BYTES / (sim->tally_size * sizeof(double));
    if ((size_t)batches > max_batches) batches = max_batches < 2 ? 2 : (int)max_batches;

    sh.sim = sim;
    sh.batches = batches;
    sh.stat_count = MC_STAT_LAYER + (size_t)in->layer_count + (size_t)in->nr;
    sh.total = calloc(sim->tally_size, sizeof(double));
    sh.stat_sum = calloc(sh.stat_count, sizeof(double));
    sh.stat_sq = calloc(sh.stat_count, sizeof(double));
    if (!sh.total || !sh.stat_sum || !sh.stat_sq) goto nomem;
    job = (mc_job){.trace = mc_trace,
                   .problem = sim,
                   .opt = &o,
                   .stage = "monte carlo",
                   .seed = o.seed,
                   .photons = in->photons,
                   .batches = batches,
                   .tally_size = sim->tally_size};
    if ((st = optics_mc_job_run(&job, o.threads, 0, err)) != SMP_OK) goto done;
    for (int b = 0; b < batches; ++b)
        mc_merge(&sh, job.tallies + (size_t)b * sim->tally_size, optics_mc_job_batch_photons(&job, b));

    out->photons = in->photons;
    out->seed = o.seed;
    out->threads = job.threads_run;
    out->batches = batches;
    out->layer_count = in->layer_count;
    out->nz = in->nz;
    out->nr = in->nr;
    out->na = in->na;
    out->dz_cm = in->dz_cm;
    out->dr_cm = in->dr_cm;
    out->specular_reflectance = 1.0 - sim->launch_weight;
    st = mc_result_fill(sim, &sh, in, out, err);
    if (st != SMP_OK)
        optics_mc_result_destroy(out);
    else
        out->wall_seconds = smp_now_s() - start;
    goto done;

nomem:
    st = smp_error_set(err, SMP_ERR_NOMEM, "monte carlo: out of memory");
done:
    free(job.tallies);
    free(sh.total);
    free(sh.stat_sum);
    free(sh.stat_sq);
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

/* ---- a disk of ink: correlated sampling with and without it ---------------------------------------------
 */

/* The disk problem prepared for the workers: the stack of mc_sim plus the coefficients inside the cylinder.
 */
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

/* Whether the packet is inside the cylinder (which spans layers first..last). */
static inline int mc_disk_inside(const mc_disk_sim *d, const mc_packet *p)
{
    return p->li >= d->first && p->li <= d->last && p->x * p->x + p->y * p->y < d->radius2;
}

/* One photon from (x0, y0) on the surface: the photon step of mc_internal.h, in the cylinder's medium inside
 * its wall when use_disk is set, where the wall (same index: no reflection) is one more boundary. Returns the
 * weight that leaves through the top (0 if none) and its exit point; *touched is set when the photon enters
 * the cylinder (only with use_disk). All-or-none reflection at the outer surfaces. */
static double mc_trace_disk_photon(const mc_disk_sim *d, smp_rng *rng, double x0, double y0, int use_disk,
                                   int *touched, double *exit_x, double *exit_y)
{
    const mc_sim *sim = d->sim;
    mc_packet p = mc_packet_launch(sim, x0, y0);
    int inside = use_disk && mc_disk_inside(d, &p);
    if (inside) *touched = 1;

    for (;;) {
        const mc_layer *l = &sim->layers[p.li];
        const mc_layer *m = inside ? &d->inside[p.li - d->first] : l; /* the medium the photon is in */
        double s = mc_hop(m, &p, rng);
        int hit = mc_hop_hit(l, &p, s);
        if (use_disk && p.li >= d->first && p.li <= d->last) {
            double s_w = mc_wall_distance(p.x, p.y, p.ux, p.uy, d->radius2, inside);
            if (s_w < (hit ? mc_boundary_distance(l, &p, hit) : s)) {
                /* Cross the wall: same index, so no reflection; the optical depth left carries over. */
                p.x += s_w * p.ux;
                p.y += s_w * p.uy;
                p.z += s_w * p.uz;
                p.tau -= s_w * m->mu_t;
                inside = !inside;
                if (inside) *touched = 1;
                continue;
            }
        }
        if (!hit) {
            mc_drop_spin(m, &p, s, rng);
        } else {
            mc_to_boundary(l, m, &p, hit);
            double cos_tr, r = mc_boundary_fresnel(l, hit, p.uz, &cos_tr);
            int event = mc_boundary_cross(sim, l, &p, hit, r, cos_tr, rng);
            if (event == MC_ESCAPED) {
                if (hit > 0) return 0.0;
                *exit_x = p.x;
                *exit_y = p.y;
                return p.w;
            }
            if (event == MC_CROSSED) {
                inside = use_disk && mc_disk_inside(d, &p);
                if (inside) *touched = 1;
            }
        }
        if (!mc_roulette(sim, &p, rng)) return 0.0;
    }
}

/* Tally of one batch: deficit per radial bin, then the totals. */
enum { MC_DISK_DEFICIT = 0, MC_DISK_TOUCHED, MC_DISK_TOTALS };

static void mc_trace_disk(const void *problem, smp_rng *rng_state, uint64_t photons, double *tally,
                          double *scratch)
{
    const mc_disk_sim *d = problem;
    smp_rng rng = *rng_state;
    double *totals = tally + d->nr;
    for (uint64_t p = 0; p < photons; ++p) {
        double x0, y0, weight = mc_launch_mixture(&rng, d->core_cm, d->tail_cm, &x0, &y0);
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

static smp_status mc_disk_validate(const optics_mc_input *in, const optics_mc_disk *disk, smp_error *err)
{
    if (!disk) return smp_error_set(err, SMP_ERR_INPUT, "disk: none given");
    if (!(isfinite(disk->radius_cm) && disk->radius_cm > 0.0))
        return smp_error_set(err, SMP_ERR_INPUT, "disk: radius = %g cm: must be a finite number > 0",
                             disk->radius_cm);
    if (disk->layer_count < 1 || disk->layer_count > OPTICS_MC_DISK_MAX_LAYERS || disk->first_layer < 0 ||
        disk->first_layer + disk->layer_count > in->layer_count)
        return smp_error_set(err, SMP_ERR_INPUT,
                             "disk: layers %d..%d: must be 1..%d layers within the %d of the stack",
                             disk->first_layer + 1, disk->first_layer + disk->layer_count,
                             OPTICS_MC_DISK_MAX_LAYERS, in->layer_count);
    for (int i = 0; i < disk->layer_count; ++i) {
        const optics_layer *l = &disk->inside[i];
        if (!mc_finite_ge(l->mu_a_per_cm, 0.0) || !mc_finite_ge(l->mu_s_per_cm, 0.0) ||
            !(l->g >= -1.0 && l->g <= 1.0))
            return smp_error_set(err, SMP_ERR_INPUT,
                                 "disk: inside layer %d: mu_a, mu_s must be finite >= 0 and g in [-1, 1]",
                                 i + 1);
    }
    if (!(isfinite(disk->launch_core_cm) && disk->launch_core_cm > 0.0 && isfinite(disk->launch_tail_cm) &&
          disk->launch_tail_cm > 0.0))
        return smp_error_set(err, SMP_ERR_INPUT,
                             "disk: launch core %g cm, tail %g cm: must be finite numbers > 0",
                             disk->launch_core_cm, disk->launch_tail_cm);
    return SMP_OK;
}

smp_status optics_mc_disk_run(const optics_mc_input *in, const optics_mc_disk *disk,
                              const optics_mc_options *opt, optics_mc_disk_result *out, smp_error *err)
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
    int batches = optics_mc_batch_count(&o, in->photons);
    if (batches < 2) batches = 2;
    if (!sim || !d) {
        free(sim), free(d);
        return smp_error_set(err, SMP_ERR_NOMEM, "monte carlo disk: out of memory");
    }
    optics_mc_sim_prepare(sim, in, &o);
    memset(d, 0, sizeof *d);
    d->sim = sim;
    d->first = disk->first_layer;
    d->last = disk->first_layer + disk->layer_count - 1;
    for (int i = 0; i < disk->layer_count; ++i) {
        /* The inside medium: the layer's geometry and index with the disk's coefficients. */
        d->inside[i] = sim->layers[d->first + i];
        mc_medium_set(&d->inside[i], &disk->inside[i]);
    }
    d->radius2 = disk->radius_cm * disk->radius_cm;
    d->core_cm = disk->launch_core_cm;
    d->tail_cm = disk->launch_tail_cm;
    d->nr = in->nr;
    d->inv_dr = 1.0 / in->dr_cm;

    mc_job job = {.trace = mc_trace_disk,
                  .problem = d,
                  .opt = &o,
                  .stage = "monte carlo disk",
                  .seed = o.seed,
                  .photons = in->photons,
                  .batches = batches,
                  .tally_size = (size_t)in->nr + MC_DISK_TOTALS};
    if (optics_mc_job_run(&job, o.threads, 0, err) != SMP_OK) {
        free(sim), free(d);
        return SMP_ERR_NOMEM;
    }

    smp_status st = SMP_OK;
    int nr = in->nr;
    out->deficit_r = calloc((size_t)nr, sizeof(double));
    out->deficit_r_se = calloc((size_t)nr, sizeof(double));
    double *sum = calloc(job.tally_size, sizeof(double)), *sq = calloc(job.tally_size, sizeof(double));
    double *total = calloc(job.tally_size, sizeof(double));
    if (!out->deficit_r || !out->deficit_r_se || !sum || !sq || !total) {
        st = smp_error_set(err, SMP_ERR_NOMEM, "monte carlo disk: out of memory for the results");
    } else {
        /* Batches summed in order (thread-count independent); per-batch means give the standard errors. */
        for (int b = 0; b < batches; ++b) {
            const double *t = job.tallies + (size_t)b * job.tally_size;
            double inv_n = 1.0 / (double)optics_mc_job_batch_photons(&job, b);
            for (size_t i = 0; i < job.tally_size; ++i) {
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
        out->threads = job.threads_run;
        out->batches = batches;
        out->nr = nr;
        out->dr_cm = dr;
        out->wall_seconds = smp_now_s() - start;
    }
    if (st != SMP_OK) optics_mc_disk_result_destroy(out);
    free(sum), free(sq), free(total);
    free(job.tallies), free(sim), free(d);
    return st;
}

void optics_mc_disk_result_destroy(optics_mc_disk_result *res)
{
    if (!res) return;
    free(res->deficit_r);
    free(res->deficit_r_se);
    memset(res, 0, sizeof *res);
}
