/* White Monte Carlo for a pure-absorber ink (mc.h, "pure-absorber ink"; Sassaroli & Martelli 2012, Alerstam
 * et al. 2008). The packets follow the engine's hop-drop-spin through the bare stack (mc.c, mc_trace: the
 * same random numbers drawn in the same order), and each records the path length it runs in every cell cut by
 * the configs' own depths (and, for disks, radii). At exit the escaping weight W becomes W exp(-mu_a,ink L)
 * for each config and ink, L the packet's length inside that config; the tallies keep the lost part, W (1 -
 * exp(-mu L)), so that an ink of 0 leaves the bare numbers exactly. */
#include "optics/mc.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "optics/mc_internal.h"

/* ---- path lengths between depth edges ------------------------------------------------------------------ */

/* The depth edges e[0] < ... < e[m-1] (every config's top and bottom) cut the depth axis into regions: region
 * j is [e[j], e[j+1]) with e[-1] = -inf and e[m] = +inf, and regions 0 .. m-2 are the bins whose path lengths
 * are recorded. A packet carries its region, so a move that stays in one region (most moves) costs a few
 * comparisons and one addition. */
static int white_region(const double *edge, int m, double z)
{
    int j = -1;
    while (j + 1 < m && z >= edge[j + 1])
        j++;
    return j;
}

/* Adds the straight move from depth za to zb, of length s, to the bins of row (NULL: only follow it) and
 * moves *region to zb's. A bin gets its share of |zb - za| scaled to s, exact on a straight line; the
 * division is paid only when an edge is crossed. */
static inline void white_walk(const double *edge, int m, double *row, int *region, double za, double zb,
                              double s)
{
    int j = *region;
    if (zb > za && j + 1 < m && zb >= edge[j + 1]) {
        double ratio = s / (zb - za), pos = za;
        do {
            if (row && j >= 0) row[j] += (edge[j + 1] - pos) * ratio;
            pos = edge[++j];
        } while (j + 1 < m && zb >= edge[j + 1]);
        if (row && j < m - 1) row[j] += (zb - pos) * ratio;
    } else if (zb < za && j >= 0 && zb < edge[j]) {
        double ratio = s / (za - zb), pos = za;
        do {
            if (row && j < m - 1) row[j] += (pos - edge[j]) * ratio;
            pos = edge[j--];
        } while (j >= 0 && zb < edge[j]);
        if (row && j >= 0) row[j] += (pos - zb) * ratio;
    } else if (row && j >= 0 && j < m - 1) {
        row[j] += s;
    }
    *region = j;
}

/* Adds the weight w (1 - exp(-mu_k len)) that ink k would have taken to row[k], for every ink. factor[] keeps
 * the factors of the last length *factor_len: neighbouring configs often see the same length (a path wholly
 * inside several cylinders, or one that missed them), and then cost no exp. */
static inline void white_add_lost(const double *mu, int inks, double len, double w, double *row,
                                  double *factor, double *factor_len)
{
    if (len != *factor_len) {
        for (int k = 0; k < inks; ++k)
            factor[k] = -expm1(-mu[k] * len);
        *factor_len = len;
    }
    for (int k = 0; k < inks; ++k)
        row[k] += w * factor[k];
}

/* ---- batches and threads ------------------------------------------------------------------------------- */

/* ---- checks shared by the scans ------------------------------------------------------------------------ */

static smp_status white_check_common(int config_count, const void *configs, const double *mu, int ink_count,
                                     const void *out, const void *out_se, smp_error *err)
{
    if (!configs || config_count < 1 || config_count > OPTICS_MC_SCAN_MAX_CONFIGS)
        return smp_error_set(err, SMP_ERR_INPUT,
                             "config_count = %d: must be between 1 and %d, with configs given", config_count,
                             OPTICS_MC_SCAN_MAX_CONFIGS);
    if (!mu || ink_count < 1 || ink_count > OPTICS_MC_SCAN_MAX_INKS)
        return smp_error_set(err, SMP_ERR_INPUT,
                             "ink_count = %d: must be between 1 and %d, with mu_a_ink_per_cm given",
                             ink_count, OPTICS_MC_SCAN_MAX_INKS);
    if ((long long)config_count * ink_count > OPTICS_MC_SCAN_MAX_RESULTS)
        return smp_error_set(err, SMP_ERR_INPUT, "config_count x ink_count = %d x %d: must be at most %d",
                             config_count, ink_count, OPTICS_MC_SCAN_MAX_RESULTS);
    for (int k = 0; k < ink_count; ++k)
        if (!mc_finite_ge(mu[k], 0.0))
            return smp_error_set(err, SMP_ERR_INPUT, "mu_a_ink_per_cm[%d] = %g: must be a finite number >= 0",
                                 k, mu[k]);
    if (!out || !out_se) return smp_error_set(err, SMP_ERR_INPUT, "output arrays: none given");
    return SMP_OK;
}

static smp_status white_check_depths(int i, double top, double bottom, double launch_z, smp_error *err)
{
    if (!(isfinite(top) && top >= launch_z))
        return smp_error_set(err, SMP_ERR_INPUT,
                             "configs[%d].top_cm = %g: must be a finite number >= %g cm (the launch depth)",
                             i, top, launch_z);
    if (!(isfinite(bottom) && bottom > top))
        return smp_error_set(err, SMP_ERR_INPUT,
                             "configs[%d].bottom_cm = %g: must be a finite number > top_cm = %g", i, bottom,
                             top);
    return SMP_OK;
}

/* ---- slabs --------------------------------------------------------------------------------------------- */

typedef struct white_slab {
    const mc_sim *sim;
    const double *edge; /* [m] depth edges */
    int m;
    const int *lo, *hi; /* [configs] edge indices of each slab's top and bottom */
    const double *mu;   /* [inks] */
    int configs, inks;
} white_slab;

/* Tally of one batch: the bare escaping weight, then per (config, ink) the weight the ink would have taken.
 */
enum { WHITE_SLAB_BARE = 0, WHITE_SLAB_LOST };

/* A packet leaves through the top with weight w; path holds its lengths per bin, zero outside [bmin, bmax].
 */
static void white_slab_escape(const white_slab *sl, const double *path, int bmin, int bmax, double *prefix,
                              double *factor, double w, double *tally)
{
    tally[WHITE_SLAB_BARE] += w;
    if (bmin > bmax) return;
    /* prefix[i]: length in the bins above edge i, so a slab's length is one difference. */
    const int m = sl->m;
    for (int i = 0; i <= bmin; ++i)
        prefix[i] = 0.0;
    for (int i = bmin; i <= bmax; ++i)
        prefix[i + 1] = prefix[i] + path[i];
    for (int i = bmax + 2; i < m; ++i)
        prefix[i] = prefix[bmax + 1];
    double *lost = tally + WHITE_SLAB_LOST, factor_len = -1.0;
    for (int c = 0; c < sl->configs; ++c) {
        double len = prefix[sl->hi[c]] - prefix[sl->lo[c]];
        if (len <= 0.0) continue;
        white_add_lost(sl->mu, sl->inks, len, w, lost + (size_t)c * (size_t)sl->inks, factor, &factor_len);
    }
}

/* The regions a packet has visited form one interval (it moves continuously): widen it to the current one. */
static inline void white_widen(int region, int *jmin, int *jmax)
{
    if (region < *jmin) *jmin = region;
    if (region > *jmax) *jmax = region;
}

/* mc_trace (mc.c) step for step (the photon step of mc_internal.h), without its tallies, with the path
 * lengths recorded (x and y play no part in a pencil beam's reflectance). */
static void white_slab_trace(const void *problem, smp_rng *rng_state, uint64_t photons, double *tally,
                             double *scratch)
{
    const white_slab *sl = problem;
    const mc_sim *sim = sl->sim;
    const int m = sl->m;
    const double *edge = sl->edge;
    double *path = scratch, *prefix = path + (m - 1),
           *factor = prefix + m; /* [m - 1] bins, [m] edges, [inks] */
    const int region0 = white_region(edge, m, sim->launch_z);
    smp_rng rng = *rng_state;

    for (uint64_t n = 0; n < photons; ++n) {
        mc_packet p = mc_packet_launch(sim, 0.0, 0.0);
        int region = region0, jmin = region0, jmax = region0;
        for (;;) {
            const mc_layer *l = &sim->layers[p.li];
            double s = mc_hop(l, &p, &rng);
            int hit = mc_hop_hit(l, &p, s);
            if (!hit) {
                white_walk(edge, m, path, &region, p.z, p.z + s * p.uz, s);
                white_widen(region, &jmin, &jmax);
                mc_drop_spin(l, &p, s, &rng);
            } else {
                double zb = hit > 0 ? l->z1 : l->z0;
                white_walk(edge, m, path, &region, p.z, zb, mc_boundary_distance(l, &p, hit));
                white_widen(region, &jmin, &jmax);
                mc_to_boundary(l, l, &p, hit);
                double cos_tr, r = mc_boundary_fresnel(l, hit, p.uz, &cos_tr);
                int bmin = jmin > 0 ? jmin : 0, bmax = jmax < m - 2 ? jmax : m - 2;
                if (sim->partial_reflection && mc_boundary_leaves(sim, p.li, hit)) {
                    if (hit < 0 && r < 1.0)
                        white_slab_escape(sl, path, bmin, bmax, prefix, factor, p.w * (1.0 - r), tally);
                    p.w *= r;
                    p.uz = -p.uz;
                } else if (mc_boundary_cross(sim, l, &p, hit, r, cos_tr, &rng) == MC_ESCAPED) {
                    if (hit < 0) white_slab_escape(sl, path, bmin, bmax, prefix, factor, p.w, tally);
                    break;
                }
            }
            if (!mc_roulette(sim, &p, &rng)) break;
        }
        /* Clear only the bins this packet reached (its depths form one interval). */
        for (int j = jmin > 0 ? jmin : 0; j <= jmax && j < m - 1; ++j)
            path[j] = 0.0;
    }
    *rng_state = rng;
}

smp_status optics_mc_slab_scan(const optics_mc_input *in, const optics_mc_slab_config *configs,
                               int config_count, const double *mu_a_ink_per_cm, int ink_count,
                               const optics_mc_options *opt, double *out_rd, double *out_rd_se,
                               double *bare_rd, double *bare_rd_se, smp_error *err)
{
    optics_mc_options o;
    if (optics_mc_input_validate(in, err) != SMP_OK) return SMP_ERR_INPUT;
    if (optics_mc_options_resolve(opt, &o, err) != SMP_OK) return SMP_ERR_INPUT;
    if (white_check_common(config_count, configs, mu_a_ink_per_cm, ink_count, out_rd, out_rd_se, err) !=
        SMP_OK)
        return SMP_ERR_INPUT;
    if (!bare_rd || !bare_rd_se) return smp_error_set(err, SMP_ERR_INPUT, "bare_rd: none given");
    o.score_a_rz = false;

    smp_status st = SMP_OK;
    const size_t results = (size_t)config_count * (size_t)ink_count, tally_size = WHITE_SLAB_LOST + results;
    mc_sim *sim = malloc(sizeof *sim);
    double *edge = malloc(2 * (size_t)config_count * sizeof *edge);
    int *lo = malloc((size_t)config_count * sizeof *lo), *hi = malloc((size_t)config_count * sizeof *hi);
    double *total = calloc(tally_size, sizeof *total), *sum = calloc(tally_size, sizeof *sum);
    double *sq = calloc(tally_size, sizeof *sq);
    mc_job job = {0};
    if (!sim || !edge || !lo || !hi || !total || !sum || !sq) {
        st = smp_error_set(err, SMP_ERR_NOMEM, "monte carlo slab scan: out of memory");
        goto done;
    }
    optics_mc_sim_prepare(sim, in, &o);
    for (int c = 0; c < config_count; ++c) {
        st = white_check_depths(c, configs[c].top_cm, configs[c].bottom_cm, sim->launch_z, err);
        if (st != SMP_OK) goto done;
        edge[2 * c] = configs[c].top_cm;
        edge[2 * c + 1] = configs[c].bottom_cm;
    }
    int m = smp_sort_distinct(edge, 2 * config_count, 0.0);
    for (int c = 0; c < config_count; ++c) {
        lo[c] = smp_ascending_find(edge, m, configs[c].top_cm);
        hi[c] = smp_ascending_find(edge, m, configs[c].bottom_cm);
    }
    white_slab sl = {sim, edge, m, lo, hi, mu_a_ink_per_cm, config_count, ink_count};

    job.trace = white_slab_trace;
    job.problem = &sl;
    job.opt = &o;
    job.stage = "slab scan";
    job.seed = o.seed;
    job.photons = in->photons;
    job.batches = optics_mc_batch_count(&o, in->photons);
    job.tally_size = tally_size;
    st = optics_mc_job_run(&job, o.threads, 2 * (size_t)m + (size_t)ink_count, err);
    if (st != SMP_OK) goto done;

    /* Batches in order; the per-batch Rd with ink is (bare - lost) / n, so an ink of 0 repeats the bare value
     * bit for bit, standard error included. */
    for (int b = 0; b < job.batches; ++b) {
        const double *t = job.tallies + (size_t)b * tally_size;
        double inv_n = 1.0 / (double)optics_mc_job_batch_photons(&job, b);
        for (size_t i = 0; i < tally_size; ++i)
            total[i] += t[i];
        double v = t[WHITE_SLAB_BARE] * inv_n;
        sum[WHITE_SLAB_BARE] += v, sq[WHITE_SLAB_BARE] += v * v;
        for (size_t i = WHITE_SLAB_LOST; i < tally_size; ++i) {
            v = (t[WHITE_SLAB_BARE] - t[i]) * inv_n;
            sum[i] += v, sq[i] += v * v;
        }
    }
    double n = (double)in->photons;
    *bare_rd = total[WHITE_SLAB_BARE] / n;
    *bare_rd_se = mc_standard_error(sum[WHITE_SLAB_BARE], sq[WHITE_SLAB_BARE], job.batches);
    for (size_t i = 0; i < results; ++i) {
        out_rd[i] = (total[WHITE_SLAB_BARE] - total[WHITE_SLAB_LOST + i]) / n;
        out_rd_se[i] = mc_standard_error(sum[WHITE_SLAB_LOST + i], sq[WHITE_SLAB_LOST + i], job.batches);
    }

done:
    free(job.tallies);
    free(sim), free(edge), free(lo), free(hi), free(total), free(sum), free(sq);
    return st;
}

/* ---- disks --------------------------------------------------------------------------------------------- */

typedef struct white_disk {
    const mc_sim *sim;
    const double *edge; /* [m] depth edges */
    int m;
    const double
        *ring2; /* [rings] distinct squared radii, ascending: ring i is r² in [ring2[i-1], ring2[i]) */
    int rings;
    const int *lo, *hi, *ring; /* [configs] depth edge indices and the outermost ring of each cylinder */
    const double *mu;          /* [inks] */
    int configs, inks;
    double core_cm, tail_cm;
    bool footprint; /* also tally, after the [configs][inks] totals, the packets leaving within the radius */
} white_disk;

/* Per-thread scratch of a disk scan: path lengths per (ring, bin), their prefix sums per (ring, edge), the
 * cuts of one move and the cached ink factors of white_add_lost. */
typedef struct white_disk_scratch {
    double *path, *prefix, *cut, *factor;
} white_disk_scratch;

static size_t white_disk_scratch_size(const white_disk *d)
{
    return (size_t)d->rings * (size_t)(d->m - 1) + (size_t)d->rings * (size_t)d->m + 2 * (size_t)d->rings +
           2 + (size_t)d->inks;
}

static white_disk_scratch white_disk_scratch_split(const white_disk *d, double *scratch)
{
    white_disk_scratch s;
    s.path = scratch;
    s.prefix = s.path + (size_t)d->rings * (size_t)(d->m - 1);
    s.cut = s.prefix + (size_t)d->rings * (size_t)d->m;
    s.factor = s.cut + 2 * (size_t)d->rings + 2;
    return s;
}

/* The cells a packet has written to: rings [rmin, rmax] x bins [bmin, bmax]; empty when rmin > rmax. */
typedef struct white_box {
    int rmin, rmax, bmin, bmax;
} white_box;

/* Records the straight move from (x, y, za) along (ux, uy, uz) to depth zb, of length s. On the line r²(t) =
 * |(x, y) + t (ux, uy)|² falls to d² at the closest approach t_c and rises again (a = ux² + uy²), so a wall
 * R² is crossed at t_c - sqrt((R² - d²) / a) when r²(0) > R² > r²_min, and at t_c + sqrt(...) when
 * r²(s) > R² > r²_min: only those walls cost a square root, and the cuts come out sorted (entries outermost
 * first, then exits innermost first). Each piece lies in one ring (read at its midpoint), and its depths are
 * shared out as in the slab. */
static inline void white_disk_move(const white_disk *d, white_disk_scratch *sc, white_box *box, int *region,
                                   double x, double y, double ux, double uy, double uz, double za, double zb,
                                   double s)
{
    const int m = d->m, bins = m - 1, rings = d->rings;
    /* Beside the depths of the cylinders, or never within the widest: the move only carries its region. */
    if ((za < d->edge[0] && zb < d->edge[0]) || (za >= d->edge[m - 1] && zb >= d->edge[m - 1])) return;
    double a = ux * ux + uy * uy, b = x * ux + y * uy;
    double tc = a > 0.0 ? -b / a : 0.0;
    double tn = tc < 0.0 ? 0.0 : (tc > s ? s : tc);
    double xn = x + tn * ux, yn = y + tn * uy, near2 = xn * xn + yn * yn;
    if (near2 >= d->ring2[rings - 1]) {
        white_walk(d->edge, m, NULL, region, za, zb, s);
        return;
    }

    double *cut = sc->cut;
    int n = 0;
    cut[n++] = 0.0;
    if (a > 1.0e-20) { /* otherwise the move is along z and stays in one ring */
        double xc = x + tc * ux, yc = y + tc * uy, d2 = xc * xc + yc * yc;
        double xe = x + s * ux, ye = y + s * uy, start2 = x * x + y * y, end2 = xe * xe + ye * ye;
        for (int i = rings - 1; i >= 0; --i) {
            double r2 = d->ring2[i];
            if (!(r2 < start2 && r2 > near2)) continue;
            double t = tc - sqrt(fmax(r2 - d2, 0.0) / a);
            if (t > 0.0 && t < s) cut[n++] = t;
        }
        for (int i = 0; i < rings; ++i) {
            double r2 = d->ring2[i];
            if (!(r2 < end2 && r2 > near2)) continue;
            double t = tc + sqrt(fmax(r2 - d2, 0.0) / a);
            if (t > 0.0 && t < s) cut[n++] = t;
        }
    }
    cut[n++] = s;

    double z0 = za;
    for (int k = 0; k + 1 < n; ++k) {
        double t0 = cut[k], t1 = cut[k + 1];
        double z1 = k + 2 == n ? zb : za + t1 * uz;
        double tm = 0.5 * (t0 + t1), xm = x + tm * ux, ym = y + tm * uy, r2 = xm * xm + ym * ym;
        int ring = 0;
        while (ring < rings && r2 >= d->ring2[ring])
            ring++;
        int before = *region;
        if (ring < rings) {
            white_walk(d->edge, m, sc->path + (size_t)ring * (size_t)bins, region, z0, z1, t1 - t0);
            int jlo = before < *region ? before : *region, jhi = before < *region ? *region : before;
            if (jlo < 0) jlo = 0;
            if (jhi > bins - 1) jhi = bins - 1;
            if (jlo <= jhi) {
                if (ring < box->rmin) box->rmin = ring;
                if (ring > box->rmax) box->rmax = ring;
                if (jlo < box->bmin) box->bmin = jlo;
                if (jhi > box->bmax) box->bmax = jhi;
            }
        } else {
            white_walk(d->edge, m, NULL, region, z0, z1, t1 - t0);
        }
        z0 = z1;
    }
}

/* A packet that entered a cylinder leaves through the top at exit2 = x² + y² from the axis with weight w
 * (launch weight included). prefix[r][i] is the length in rings 0..r above edge i, so a cylinder's length is
 * one difference. The footprint tally gets the very terms of the total (w times the same cached factor), so
 * it is a subset of the total's, packet by packet. */
static void white_disk_escape(const white_disk *d, white_disk_scratch *sc, const white_box *box, double w,
                              double exit2, double *tally)
{
    const int m = d->m, bins = m - 1;
    for (int r = 0; r <= box->rmax; ++r) {
        double *p = sc->prefix + (size_t)r * (size_t)m;
        const double *above = r > 0 ? p - m : NULL;
        const double *row = sc->path + (size_t)r * (size_t)bins;
        double acc = 0.0;
        for (int i = 0; i < m; ++i) {
            p[i] = above ? above[i] + acc : acc;
            if (i < bins) acc += row[i];
        }
    }
    double factor_len = -1.0;
    for (int c = 0; c < d->configs; ++c) {
        if (d->ring[c] < box->rmin) continue;
        int r = d->ring[c] < box->rmax ? d->ring[c] : box->rmax;
        const double *p = sc->prefix + (size_t)r * (size_t)m;
        double len = p[d->hi[c]] - p[d->lo[c]];
        if (len <= 0.0) continue;
        white_add_lost(d->mu, d->inks, len, w, tally + (size_t)c * (size_t)d->inks, sc->factor, &factor_len);
        if (d->footprint && exit2 < d->ring2[d->ring[c]]) {
            double *row = tally + ((size_t)d->configs + (size_t)c) * (size_t)d->inks;
            for (int k = 0; k < d->inks; ++k)
                row[k] += w * sc->factor[k];
        }
    }
}

/* mc_trace_disk (mc.c) without the disk: the same launch (mc_launch_mixture) and photon step with all-or-none
 * reflection, the path lengths recorded. */
static void white_disk_trace(const void *problem, smp_rng *rng_state, uint64_t photons, double *tally,
                             double *scratch)
{
    const white_disk *d = problem;
    const mc_sim *sim = d->sim;
    const int bins = d->m - 1;
    white_disk_scratch sc = white_disk_scratch_split(d, scratch);
    const int region0 = white_region(d->edge, d->m, sim->launch_z);
    smp_rng rng = *rng_state;

    for (uint64_t n = 0; n < photons; ++n) {
        double x0, y0, area = mc_launch_mixture(&rng, d->core_cm, d->tail_cm, &x0, &y0);
        mc_packet p = mc_packet_launch(sim, x0, y0);
        int region = region0;
        white_box box = {d->rings, -1, bins, -1};
        for (;;) {
            const mc_layer *l = &sim->layers[p.li];
            double s = mc_hop(l, &p, &rng);
            int hit = mc_hop_hit(l, &p, s);
            if (!hit) {
                white_disk_move(d, &sc, &box, &region, p.x, p.y, p.ux, p.uy, p.uz, p.z, p.z + s * p.uz, s);
                mc_drop_spin(l, &p, s, &rng);
            } else {
                double zb = hit > 0 ? l->z1 : l->z0;
                white_disk_move(d, &sc, &box, &region, p.x, p.y, p.ux, p.uy, p.uz, p.z, zb,
                                mc_boundary_distance(l, &p, hit));
                mc_to_boundary(l, l, &p, hit);
                double cos_tr, r = mc_boundary_fresnel(l, hit, p.uz, &cos_tr);
                if (mc_boundary_cross(sim, l, &p, hit, r, cos_tr, &rng) == MC_ESCAPED) {
                    if (hit < 0 && box.rmin <= box.rmax)
                        white_disk_escape(d, &sc, &box, area * p.w, p.x * p.x + p.y * p.y, tally);
                    break;
                }
            }
            if (!mc_roulette(sim, &p, &rng)) break;
        }
        /* Clear only the cells this packet wrote to. */
        for (int r = box.rmin; r <= box.rmax; ++r)
            memset(sc.path + (size_t)r * (size_t)bins + (size_t)box.bmin, 0,
                   (size_t)(box.bmax - box.bmin + 1) * sizeof(double));
    }
    *rng_state = rng;
}

smp_status optics_mc_disk_scan(const optics_mc_input *in, const optics_mc_disk_config *configs,
                               int config_count, const double *mu_a_ink_per_cm, int ink_count,
                               double launch_core_cm, double launch_tail_cm, const optics_mc_options *opt,
                               double *out_deficit_cm2, double *out_deficit_se_cm2, double *out_footprint_cm2,
                               double *out_footprint_se_cm2, smp_error *err)
{
    optics_mc_options o;
    if (optics_mc_input_validate(in, err) != SMP_OK) return SMP_ERR_INPUT;
    if (optics_mc_options_resolve(opt, &o, err) != SMP_OK) return SMP_ERR_INPUT;
    if (white_check_common(config_count, configs, mu_a_ink_per_cm, ink_count, out_deficit_cm2,
                           out_deficit_se_cm2, err) != SMP_OK)
        return SMP_ERR_INPUT;
    if (!(isfinite(launch_core_cm) && launch_core_cm > 0.0))
        return smp_error_set(err, SMP_ERR_INPUT, "launch_core_cm = %g: must be a finite number > 0",
                             launch_core_cm);
    if (!(isfinite(launch_tail_cm) && launch_tail_cm > 0.0))
        return smp_error_set(err, SMP_ERR_INPUT, "launch_tail_cm = %g: must be a finite number > 0",
                             launch_tail_cm);
    o.partial_reflection = false;
    o.score_a_rz = false;

    smp_status st = SMP_OK;
    const size_t results = (size_t)config_count * (size_t)ink_count;
    const bool footprint = out_footprint_cm2 || out_footprint_se_cm2;
    const size_t tally_size = footprint ? 2 * results : results; /* totals, then footprints */
    mc_sim *sim = malloc(sizeof *sim);
    double *edge = malloc(2 * (size_t)config_count * sizeof *edge);
    double *ring2 = malloc((size_t)config_count * sizeof *ring2);
    int *lo = malloc((size_t)config_count * sizeof *lo), *hi = malloc((size_t)config_count * sizeof *hi);
    int *ring = malloc((size_t)config_count * sizeof *ring);
    double *total = calloc(tally_size, sizeof *total), *sum = calloc(tally_size, sizeof *sum);
    double *sq = calloc(tally_size, sizeof *sq);
    mc_job job = {0};
    if (!sim || !edge || !ring2 || !lo || !hi || !ring || !total || !sum || !sq) {
        st = smp_error_set(err, SMP_ERR_NOMEM, "monte carlo disk scan: out of memory");
        goto done;
    }
    optics_mc_sim_prepare(sim, in, &o);
    for (int c = 0; c < config_count; ++c) {
        const optics_mc_disk_config *cf = &configs[c];
        st = white_check_depths(c, cf->top_cm, cf->bottom_cm, sim->launch_z, err);
        if (st != SMP_OK) goto done;
        if (!(isfinite(cf->radius_cm) && cf->radius_cm > 0.0)) {
            st = smp_error_set(err, SMP_ERR_INPUT, "configs[%d].radius_cm = %g: must be a finite number > 0",
                               c, cf->radius_cm);
            goto done;
        }
        edge[2 * c] = cf->top_cm;
        edge[2 * c + 1] = cf->bottom_cm;
        ring2[c] = cf->radius_cm * cf->radius_cm;
    }
    int m = smp_sort_distinct(edge, 2 * config_count, 0.0),
        rings = smp_sort_distinct(ring2, config_count, 0.0);
    for (int c = 0; c < config_count; ++c) {
        lo[c] = smp_ascending_find(edge, m, configs[c].top_cm);
        hi[c] = smp_ascending_find(edge, m, configs[c].bottom_cm);
        ring[c] = smp_ascending_find(ring2, rings, configs[c].radius_cm * configs[c].radius_cm);
    }
    white_disk d = {sim,
                    edge,
                    m,
                    ring2,
                    rings,
                    lo,
                    hi,
                    ring,
                    mu_a_ink_per_cm,
                    config_count,
                    ink_count,
                    launch_core_cm,
                    launch_tail_cm,
                    footprint};

    job.trace = white_disk_trace;
    job.problem = &d;
    job.opt = &o;
    job.stage = "disk scan";
    job.seed = o.seed;
    job.photons = in->photons;
    job.batches = optics_mc_batch_count(&o, in->photons);
    job.tally_size = tally_size;
    st = optics_mc_job_run(&job, o.threads, white_disk_scratch_size(&d), err);
    if (st != SMP_OK) goto done;

    for (int b = 0; b < job.batches; ++b) {
        const double *t = job.tallies + (size_t)b * tally_size;
        double inv_n = 1.0 / (double)optics_mc_job_batch_photons(&job, b);
        for (size_t i = 0; i < tally_size; ++i) {
            double v = t[i] * inv_n;
            total[i] += t[i];
            sum[i] += v, sq[i] += v * v;
        }
    }
    for (size_t i = 0; i < results; ++i) {
        out_deficit_cm2[i] = total[i] / (double)in->photons;
        out_deficit_se_cm2[i] = mc_standard_error(sum[i], sq[i], job.batches);
    }
    for (size_t i = 0; footprint && i < results; ++i) {
        size_t f = results + i;
        if (out_footprint_cm2) out_footprint_cm2[i] = total[f] / (double)in->photons;
        if (out_footprint_se_cm2) out_footprint_se_cm2[i] = mc_standard_error(sum[f], sq[f], job.batches);
    }

done:
    free(job.tallies);
    free(sim), free(edge), free(ring2), free(lo), free(hi), free(ring), free(total), free(sum), free(sq);
    return st;
}
