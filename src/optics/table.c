/* table: bakes, stores and reads the optics tables of table.h. Method, numbers and sources in
 * docs/optics-model.md, "Baked optics tables". */
#include "optics/table.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "optics/colour.h"
#include "optics/dot.h"
#include "optics/mc.h"
#include "optics/skin.h"

/* Grid of the bare-skin run: 20 um radial bins out to 6 mm (the red Rd(r) of the scalp reaches a few mm),
 * 25 um depth bins down to the deepest ink. What lies beyond 6 mm is MCML's overflow bin. */
#define TABLE_DR_CM 0.002
#define TABLE_NR 300
#define TABLE_DZ_CM 0.0025
#define TABLE_BANDS OPTICS_SKIN_BAND_COUNT
/* Photons of the skin runs and of the disk runs, as multiples of the per-band count: the skin colour, its
 * Rd(r) and every kernel come from one run per band, and the dot's darkening is a small difference. */
#define TABLE_SKIN_PHOTON_FACTOR 8
#define TABLE_DISK_PHOTON_FACTOR 10
#define TABLE_FIT_RADII 48
/* The ink amount whose darkening spectrum weights the bands of a channel's kernel (the healed default). */
#define TABLE_KERNEL_REFERENCE_INK 0.3
/* Gaussian ink spot of the real-time form: sigma = FWHM / (2 sqrt(2 ln 2)) = 0.4247 diameter (table.h). */
#define TABLE_SPOT_SIGMA_PER_DIAMETER 0.4247

/* Wavelengths at which the dot's gain is measured, one per linear sRGB channel (r, g, b): the band-grid
 * points nearest the dominant wavelengths of the sRGB primaries (611, 549, 464 nm). */
static const double gain_band_nm[3] = {620.0, 540.0, 460.0};

static const double default_depth_mm[] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0, 1.25, 1.5, 2.0, 2.5};
static const double default_ink[] = {0.02, 0.05, 0.1, 0.2, 0.4, 1.0};

void optics_bake_params_default(optics_bake_params *p)
{
    memset(p, 0, sizeof *p);
    p->depth_count = (int)(sizeof default_depth_mm / sizeof default_depth_mm[0]);
    memcpy(p->depth_mm, default_depth_mm, sizeof default_depth_mm);
    p->ink_count = (int)(sizeof default_ink / sizeof default_ink[0]);
    memcpy(p->ink, default_ink, sizeof default_ink);
    p->type_count = OPTICS_TABLE_TYPES;
    for (int t = 0; t < OPTICS_TABLE_TYPES; t++) p->types[t] = t + 1;
    p->photons = 6000;
    p->seed = 1;
    p->threads = 0;
}

/* ---- fits --------------------------------------------------------------------------------------------- */

/* Cumulative mass of a normalised 2-D Gaussian of sigma s within radius r. */
static double gauss_cdf(double r, double s)
{
    return -expm1(-0.5 * r * r / (s * s));
}

/* Non-negative weights summing to 1 that best fit y at the n radii for the given sigmas (least squares),
 * by trying every active set (at most 3 terms: 7 subsets). Returns the sum of squared residuals. */
static double fit_weights_simplex(const double *r, const double *y, int n, int terms, const double *s, double *w)
{
    double best = INFINITY;
    for (int mask = 1; mask < (1 << terms); mask++) {
        int idx[3], m = 0;
        for (int k = 0; k < terms; k++)
            if (mask & (1 << k)) idx[m++] = k;
        double cand[3] = {0, 0, 0};
        if (m == 1) {
            cand[idx[0]] = 1.0;
        } else {
            /* Eliminate the last weight: w_last = 1 - sum(others); least squares in the m - 1 others. */
            double a[2][2] = {{0, 0}, {0, 0}}, b[2] = {0, 0};
            for (int i = 0; i < n; i++) {
                double last = gauss_cdf(r[i], s[idx[m - 1]]);
                double res = y[i] - last, f[2];
                for (int j = 0; j < m - 1; j++) f[j] = gauss_cdf(r[i], s[idx[j]]) - last;
                for (int j = 0; j < m - 1; j++) {
                    b[j] += f[j] * res;
                    for (int k = 0; k < m - 1; k++) a[j][k] += f[j] * f[k];
                }
            }
            double x[2] = {0, 0};
            if (m == 2) {
                if (a[0][0] <= 0.0) continue;
                x[0] = b[0] / a[0][0];
            } else {
                double det = a[0][0] * a[1][1] - a[0][1] * a[1][0];
                if (fabs(det) < 1e-300) continue;
                x[0] = (b[0] * a[1][1] - b[1] * a[0][1]) / det;
                x[1] = (a[0][0] * b[1] - a[1][0] * b[0]) / det;
            }
            double sum = 0.0;
            int ok = 1;
            for (int j = 0; j < m - 1; j++) {
                if (x[j] < 0.0) ok = 0;
                cand[idx[j]] = x[j];
                sum += x[j];
            }
            if (!ok || sum > 1.0) continue;
            cand[idx[m - 1]] = 1.0 - sum;
        }
        double ss = 0.0;
        for (int i = 0; i < n; i++) {
            double e = -y[i];
            for (int k = 0; k < terms; k++) e += cand[k] * gauss_cdf(r[i], s[k]);
            ss += e * e;
        }
        if (ss < best) {
            best = ss;
            for (int k = 0; k < terms; k++) w[k] = cand[k];
        }
    }
    return best;
}

/* Fits the cumulative radial mass y(r) (0 .. ~1) with `terms` (2 or 3) normalised 2-D Gaussians: grid search
 * over ascending log sigmas, then a finer grid around the best. Sigmas in the units of r. */
static void fit_cdf(const double *r, const double *y, int n, int terms, double *w, double *s)
{
    double lo = log(r[0] * 0.5), hi = log(r[n - 1] * 1.5);
    const int steps = terms == 2 ? 48 : 24;
    double step = (hi - lo) / (steps - 1), best = INFINITY, bl[3] = {lo, lo, lo};
    double cur_s[3] = {0, 0, 0}, cur_w[3] = {0, 0, 0};
    for (int pass = 0; pass < 3; pass++) {
        int span = pass == 0 ? steps : 9;
        double centre[3] = {bl[0], bl[1], bl[2]};
        int i[3] = {0, 0, 0};
        int total = 1;
        for (int k = 0; k < terms; k++) total *= span;
        for (int c = 0; c < total; c++) {
            int rem = c;
            for (int k = 0; k < terms; k++) i[k] = rem % span, rem /= span;
            double l[3];
            int sorted = 1;
            for (int k = 0; k < terms; k++) {
                l[k] = pass == 0 ? lo + i[k] * step : centre[k] + (i[k] - span / 2) * step;
                if (k > 0 && l[k] < l[k - 1]) sorted = 0;
            }
            if (!sorted) continue;
            for (int k = 0; k < terms; k++) cur_s[k] = exp(l[k]);
            double ss = fit_weights_simplex(r, y, n, terms, cur_s, cur_w);
            if (ss < best) {
                best = ss;
                for (int k = 0; k < terms; k++) bl[k] = l[k], w[k] = cur_w[k], s[k] = cur_s[k];
            }
        }
        step /= 4.0;
    }
}

/* Log-spaced radii from first to last (mm) at which the cumulative masses are sampled for the fits. */
static void fit_radii(double first, double last, double *r)
{
    for (int i = 0; i < TABLE_FIT_RADII; i++) r[i] = first * pow(last / first, (double)i / (TABLE_FIT_RADII - 1));
}

/* Cumulative share of mass[] (per radial bin of TABLE_DR_CM, last bin = overflow, counted in the total) within
 * radius r_mm, interpolated linearly inside a bin. */
static double cumulative_at(const double *mass, double total, double r_mm)
{
    double x = r_mm / (TABLE_DR_CM * 10.0), acc = 0.0;
    for (int i = 0; i < TABLE_NR - 1; i++) {
        if (x <= i) break;
        acc += mass[i] * (x >= i + 1 ? 1.0 : x - i);
    }
    return total > 0.0 ? acc / total : 0.0;
}

/* ---- colour helpers ------------------------------------------------------------------------------------ */

/* M[ch][b]: linear sRGB channel ch of a unit reflectance in band b (XYZ band weights, then the sRGB matrix). */
static smp_status band_to_rgb_matrix(double m[3][TABLE_BANDS], smp_error *err)
{
    double band_nm[TABLE_BANDS], w[3 * TABLE_BANDS];
    optics_skin_bands_nm(band_nm);
    smp_status st = optics_band_weights_xyz(band_nm, TABLE_BANDS, w, err);
    if (st != SMP_OK) return st;
    for (int b = 0; b < TABLE_BANDS; b++) {
        double rgb[3];
        optics_xyz_to_linear_rgb(&w[3 * b], rgb);
        for (int c = 0; c < 3; c++) m[c][b] = rgb[c];
    }
    return SMP_OK;
}

static int band_index(double nm)
{
    double band_nm[TABLE_BANDS];
    optics_skin_bands_nm(band_nm);
    int best = 0;
    for (int b = 1; b < TABLE_BANDS; b++)
        if (fabs(band_nm[b] - nm) < fabs(band_nm[best] - nm)) best = b;
    return best;
}

/* ---- Monte Carlo runs ---------------------------------------------------------------------------------- */

static void props_to_layers(const optics_layer_props *props, int count, optics_layer *out)
{
    for (int i = 0; i < count; i++)
        out[i] = (optics_layer){props[i].n, props[i].mu_a_per_cm, props[i].mu_s_per_cm, props[i].g,
                                props[i].thickness_cm};
}

/* Mean absorption of the stack over depths [z0, z1] (cm), by overlap. */
static double mean_mu_a(const optics_layer_props *props, int count, double z0, double z1)
{
    double top = 0.0, sum = 0.0, len = 0.0;
    for (int i = 0; i < count && top < z1; i++) {
        double bottom = top + props[i].thickness_cm;
        double o = fmin(bottom, z1) - fmax(top, z0);
        if (o > 0.0) sum += o * props[i].mu_a_per_cm, len += o;
        top = bottom;
    }
    return len > 0.0 ? sum / len : 0.0;
}

/* The bare skin at one band: Rd, Rd(r) mass per radial bin, and the reciprocity kernel (mass per radial bin
 * of the fluence over the ink's depths, dot.c's method) for each depth. */
typedef struct skin_band {
    double rd, rd_se;
    double rd_mass[TABLE_NR];
    double kernel[OPTICS_TABLE_MAX_DEPTHS][TABLE_NR];
} skin_band;

static smp_status run_skin_band(const optics_skin_params *p, double nm, const optics_bake_params *bp, int threads,
                                double ink_thickness_cm, skin_band *out, smp_error *err)
{
    optics_layer_props props[OPTICS_SKIN_MAX_LAYERS];
    int count = optics_skin_layers(p, nm, props, OPTICS_SKIN_MAX_LAYERS);
    if (count < 1) return smp_error_set(err, SMP_ERR_INPUT, "bake: skin parameters: invalid layer stack");
    optics_layer layers[OPTICS_SKIN_MAX_LAYERS];
    props_to_layers(props, count, layers);
    double deepest_cm = 0.0;
    for (int d = 0; d < bp->depth_count; d++) deepest_cm = fmax(deepest_cm, bp->depth_mm[d] * 0.1 + ink_thickness_cm);
    optics_mc_input in = optics_mc_input_default();
    in.layers = layers;
    in.layer_count = count;
    in.n_below = layers[count - 1].n;
    in.photons = bp->photons * TABLE_SKIN_PHOTON_FACTOR;
    in.dr_cm = TABLE_DR_CM;
    in.dz_cm = TABLE_DZ_CM;
    in.nr = TABLE_NR;
    in.nz = (int)ceil(deepest_cm / TABLE_DZ_CM) + 1;
    in.na = 1;
    optics_mc_options opt = {.seed = bp->seed, .threads = threads, .score_a_rz = true};
    optics_mc_result res;
    smp_status st = optics_mc_run(&in, &opt, &res, err);
    if (st != SMP_OK) return st;
    out->rd = res.diffuse_reflectance;
    out->rd_se = res.diffuse_reflectance_se;
    for (int ir = 0; ir < TABLE_NR; ir++)
        out->rd_mass[ir] = res.rd_r[ir] * 2.0 * SMP_PI * (ir + 0.5) * TABLE_DR_CM * TABLE_DR_CM;
    /* Kernel: fluence phi = A / mu_a (MCML manual 4.4) over the ink's depth bins, weighted by overlap; by
     * reciprocity the surface spread of light that reaches the ink plane (docs/optics-model.md 6). */
    for (int d = 0; d < bp->depth_count; d++) {
        double top = bp->depth_mm[d] * 0.1, bottom = top + ink_thickness_cm, total = 0.0;
        double *k = out->kernel[d];
        memset(k, 0, sizeof out->kernel[d]);
        for (int iz = 0; iz < res.nz; iz++) {
            double z0 = iz * TABLE_DZ_CM, z1 = z0 + TABLE_DZ_CM;
            double overlap = fmin(z1, bottom) - fmax(z0, top);
            double mu_a = mean_mu_a(props, count, z0, z1);
            if (overlap <= 0.0 || mu_a <= 0.0) continue;
            for (int ir = 0; ir < TABLE_NR; ir++) {
                double area = 2.0 * SMP_PI * (ir + 0.5) * TABLE_DR_CM * TABLE_DR_CM;
                double v = res.a_rz[(size_t)ir * (size_t)res.nz + (size_t)iz] / mu_a * area * overlap;
                k[ir] += v;
                total += v;
            }
        }
        if (total > 0.0)
            for (int ir = 0; ir < TABLE_NR; ir++) k[ir] /= total;
    }
    optics_mc_result_destroy(&res);
    return SMP_OK;
}

/* Skin parameters of a type with the ink slab of one grid point. */
static void inked_params(int type, double depth_mm, double thickness_mm, double ink, optics_skin_params *p)
{
    optics_skin_params_default(type, p);
    p->ink_top_cm = depth_mm * 0.1;
    p->ink_thickness_cm = thickness_mm * 0.1;
    p->ink.carbon_volume_fraction *= ink;
}

/* The dot's integrated darkening at one band by the disk Monte Carlo (optics_mc_disk_run): cm² and its
 * standard error. Outside the cylinder the layers the ink spans hold the tissue alone (the ink coefficients
 * taken back out of skin.c's inked layers). */
static smp_status run_disk(const optics_skin_params *inked, double nm, double diameter_mm, uint64_t photons,
                           uint64_t seed, int threads, double *deficit_cm2, double *deficit_se_cm2, smp_error *err)
{
    optics_layer_props props[OPTICS_SKIN_MAX_LAYERS];
    int count = optics_skin_layers(inked, nm, props, OPTICS_SKIN_MAX_LAYERS);
    if (count < 1) return smp_error_set(err, SMP_ERR_INPUT, "bake: skin parameters: invalid layer stack");
    double ink_a, ink_s, ink_g;
    optics_ink_coefficients(&inked->ink, nm, &ink_a, &ink_s, &ink_g);
    optics_layer layers[OPTICS_SKIN_MAX_LAYERS];
    props_to_layers(props, count, layers);
    optics_mc_disk disk = {.radius_cm = 0.05 * diameter_mm, .first_layer = -1};
    for (int i = 0; i < count; i++) {
        if (!props[i].inked) continue;
        if (disk.first_layer < 0) disk.first_layer = i;
        if (disk.layer_count >= OPTICS_MC_DISK_MAX_LAYERS)
            return smp_error_set(err, SMP_ERR_INPUT, "bake: the ink spans too many layers");
        disk.inside[disk.layer_count++] = layers[i];
        double mu_s = props[i].mu_s_per_cm - ink_s;
        layers[i].mu_a_per_cm = fmax(0.0, props[i].mu_a_per_cm - ink_a);
        layers[i].g = mu_s > 0.0 ? (props[i].g * props[i].mu_s_per_cm - ink_g * ink_s) / mu_s : props[i].g;
        layers[i].mu_s_per_cm = fmax(0.0, mu_s);
    }
    if (disk.first_layer < 0) {
        *deficit_cm2 = *deficit_se_cm2 = 0.0;
        return SMP_OK;
    }
    /* Launch distances: half near the dot (mean = its depth), half over the diffusion range (1 mm). */
    disk.launch_core_cm = fmax(inked->ink_top_cm, 0.005);
    disk.launch_tail_cm = 0.1;
    optics_mc_input in = optics_mc_input_default();
    in.layers = layers;
    in.layer_count = count;
    in.n_below = layers[count - 1].n;
    in.photons = photons;
    in.nr = 1;
    in.dr_cm = 1.0;
    optics_mc_options opt = {.seed = seed, .threads = threads};
    optics_mc_disk_result res;
    smp_status st = optics_mc_disk_run(&in, &disk, &opt, &res, err);
    if (st != SMP_OK) return st;
    *deficit_cm2 = res.deficit_cm2;
    *deficit_se_cm2 = res.deficit_se_cm2;
    optics_mc_disk_result_destroy(&res);
    return SMP_OK;
}

/* ---- the real-time form -------------------------------------------------------------------------------- */

double optics_table_dot_profile(const optics_dot_look *look, int channel, double diameter_mm, double r_mm)
{
    if (channel < 0 || channel > 2) return 0.0;
    double sd2 = pow(diameter_mm * TABLE_SPOT_SIGMA_PER_DIAMETER, 2.0), c = 0.0;
    for (int k = 0; k < OPTICS_TABLE_KERNEL_TERMS; k++) {
        double v = sd2 + look->kernel_sigma_mm[channel][k] * look->kernel_sigma_mm[channel][k];
        if (v <= 0.0) continue;
        c += look->kernel_weight[channel][k] * sd2 / v * exp(-r_mm * r_mm / (2.0 * v));
    }
    return look->gain[channel] * c;
}

/* Integrated darkening, mm², of the real-time form with gain g on one channel:
 * int R_skin (1 - exp(-g c1(r) ln(R_skin / R_cov))) dA, c1 the profile at gain 1 (trapezoid on 600 radii). */
static double formula_deficit_mm2(const optics_dot_look *look, int ch, double diameter_mm, double g)
{
    if (ch < 0 || ch > 2) return 0.0;
    double rs = look->skin_linear_rgb[ch], rc = look->covered_linear_rgb[ch];
    if (!(rs > 0.0 && rc > 0.0 && rs > rc)) return 0.0;
    double l = log(rs / rc), smax = 0.0;
    for (int k = 0; k < OPTICS_TABLE_KERNEL_TERMS; k++) smax = fmax(smax, look->kernel_sigma_mm[ch][k]);
    double r_max = 6.0 * hypot(smax, diameter_mm), sum = 0.0;
    const int n = 600;
    optics_dot_look one = *look;
    one.gain[ch] = 1.0;
    for (int i = 0; i <= n; i++) {
        double r = r_max * i / n;
        double f = rs * -expm1(-g * optics_table_dot_profile(&one, ch, diameter_mm, r) * l) * 2.0 * SMP_PI * r;
        sum += (i == 0 || i == n ? 0.5 : 1.0) * f;
    }
    return sum * r_max / n;
}

double optics_table_dot_darkening_mm2(const optics_dot_look *look, int channel, double diameter_mm)
{
    if (channel < 0 || channel > 2) return 0.0;
    double d = look->skin_linear_rgb[channel] - look->covered_linear_rgb[channel];
    return d > 0.0 ? formula_deficit_mm2(look, channel, diameter_mm, look->gain[channel]) / d : 0.0;
}

/* ---- bake ---------------------------------------------------------------------------------------------- */

static smp_status check_grid(const optics_bake_params *p, smp_error *err)
{
    if (p->depth_count < 1 || p->depth_count > OPTICS_TABLE_MAX_DEPTHS)
        return smp_error_set(err, SMP_ERR_INPUT, "bake: depth_count: %d, must be 1..%d", p->depth_count,
                             OPTICS_TABLE_MAX_DEPTHS);
    if (p->ink_count < 1 || p->ink_count > OPTICS_TABLE_MAX_INKS)
        return smp_error_set(err, SMP_ERR_INPUT, "bake: ink_count: %d, must be 1..%d", p->ink_count,
                             OPTICS_TABLE_MAX_INKS);
    for (int i = 0; i < p->depth_count; i++)
        if (!(p->depth_mm[i] >= 0.0 && p->depth_mm[i] <= 3.0) || (i > 0 && !(p->depth_mm[i] > p->depth_mm[i - 1])))
            return smp_error_set(err, SMP_ERR_INPUT, "bake: depth_mm[%d]: %g, must ascend within 0..3 mm", i,
                                 p->depth_mm[i]);
    for (int i = 0; i < p->ink_count; i++)
        if (!(p->ink[i] > 0.0 && p->ink[i] <= 1.0) || (i > 0 && !(p->ink[i] > p->ink[i - 1])))
            return smp_error_set(err, SMP_ERR_INPUT, "bake: ink[%d]: %g, must ascend within (0, 1]", i, p->ink[i]);
    if (p->type_count < 0 || p->type_count > OPTICS_TABLE_TYPES)
        return smp_error_set(err, SMP_ERR_INPUT, "bake: type_count: %d, must be 0..6", p->type_count);
    for (int i = 0; i < p->type_count; i++)
        if (p->types[i] < 1 || p->types[i] > 6)
            return smp_error_set(err, SMP_ERR_INPUT, "bake: types[%d]: %d, must be 1..6", i, p->types[i]);
    if (p->photons < 100 && p->photons != 0)
        return smp_error_set(err, SMP_ERR_INPUT, "bake: photons: %llu, must be 0 (default) or >= 100",
                             (unsigned long long)p->photons);
    if (p->threads < 0) return smp_error_set(err, SMP_ERR_INPUT, "bake: threads: %d, must be >= 0", p->threads);
    return SMP_OK;
}

/* The physical gain used: the measurement shrunk toward the linear-limit value 1 by its noise,
 * 1 + x^3 / (x^2 + se^2) with x = G - 1 (a measurement many standard errors above 1 is kept; one within its
 * noise of 1 goes to 1). Below 1 the estimate is noise: a small dot cannot darken less than its ink area's
 * share of the slab in the linear limit (superposition), so it is clamped to 1. */
static double measured_gain(double g, double se)
{
    double x = g - 1.0;
    if (!(x > 0.0)) return 1.0;
    return 1.0 + x * x * x / (x * x + se * se);
}

typedef struct bake_progress {
    smp_progress_fn fn;
    void *user;
    double done, total;
} bake_progress;

static void bake_step(bake_progress *bp, double units)
{
    bp->done += units;
    if (bp->fn) bp->fn(bp->user, fmin(1.0, bp->done / bp->total), "bake");
}

/* Physical gain per depth, ink and channel on one skin type: the disk's integrated darkening over
 * pi R^2 (R_skin - R_covered) at the channel's band (docs/optics-model.md 7.3). */
typedef struct gain_measure {
    double g[OPTICS_TABLE_MAX_DEPTHS][OPTICS_TABLE_MAX_INKS][3];
    double se[OPTICS_TABLE_MAX_DEPTHS][OPTICS_TABLE_MAX_INKS][3];
} gain_measure;

smp_status optics_table_bake(optics_table *t, const optics_bake_params *params, smp_progress_fn progress,
                             void *progress_user, smp_error *err)
{
    optics_bake_params p = *params;
    optics_bake_params def;
    optics_bake_params_default(&def);
    if (p.depth_count == 0) {
        p.depth_count = def.depth_count;
        memcpy(p.depth_mm, def.depth_mm, sizeof p.depth_mm);
    }
    if (p.ink_count == 0) {
        p.ink_count = def.ink_count;
        memcpy(p.ink, def.ink, sizeof p.ink);
    }
    if (p.type_count == 0) {
        p.type_count = def.type_count;
        memcpy(p.types, def.types, sizeof p.types);
    }
    smp_status st = check_grid(&p, err);
    if (st != SMP_OK) return st;
    if (p.photons == 0) p.photons = def.photons;
    int threads = p.threads;
    if (threads == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cpus < 1 ? 1 : (cpus > 256 ? 256 : (int)cpus);
    }

    memset(t, 0, sizeof *t);
    t->version = 1;
    t->photons = p.photons;
    t->seed = p.seed;
    t->ink_thickness_mm = 0.1;
    t->reference_diameter_mm = 0.15;
    t->depth_count = p.depth_count;
    memcpy(t->depth_mm, p.depth_mm, sizeof t->depth_mm);
    t->ink_count = p.ink_count;
    memcpy(t->ink, p.ink, sizeof t->ink);

    double m[3][TABLE_BANDS], band_nm[TABLE_BANDS];
    if ((st = band_to_rgb_matrix(m, err)) != SMP_OK) return st;
    optics_skin_bands_nm(band_nm);
    /* Gains are measured on type III when it is baked (else the first type baked) and shared by the types:
     * they are ratios in which the epidermal filter cancels (docs/optics-model.md 7.3). */
    int gain_type = p.types[0];
    for (int i = 0; i < p.type_count; i++)
        if (p.types[i] == 3) gain_type = 3;

    double dd = p.depth_count, di = p.ink_count;
    bake_progress prog = {progress, progress_user, 0.0, 0.0};
    double unit_skin = TABLE_SKIN_PHOTON_FACTOR * 1.5, unit_cov = 1.0, unit_disk = TABLE_DISK_PHOTON_FACTOR * 0.5;
    prog.total = p.type_count * TABLE_BANDS * (unit_skin + dd * di * unit_cov) + dd * di * 3 * unit_disk;

    skin_band *bands = calloc(TABLE_BANDS, sizeof *bands);
    double(*cov)[OPTICS_TABLE_MAX_INKS][TABLE_BANDS] = calloc(OPTICS_TABLE_MAX_DEPTHS, sizeof *cov);
    gain_measure *gm = calloc(1, sizeof *gm);
    double(*cov_type)[OPTICS_TABLE_MAX_DEPTHS][OPTICS_TABLE_MAX_INKS][TABLE_BANDS] =
        calloc(OPTICS_TABLE_TYPES, sizeof *cov_type);
    double(*skin_type)[TABLE_BANDS] = calloc(OPTICS_TABLE_TYPES, sizeof *skin_type);
    if (!bands || !cov || !gm || !cov_type || !skin_type) {
        st = smp_error_set(err, SMP_ERR_NOMEM, "bake: out of memory");
        goto done;
    }

    for (int ti = 0; ti < p.type_count && st == SMP_OK; ti++) {
        int type = p.types[ti], tx = type - 1;
        optics_skin_params skin;
        optics_skin_params_default(type, &skin);
        /* 1. Bare skin: colour, Rd(r) and every depth's kernel from one run per band. The runs draw the same
         * random numbers as optics_skin_appearance(type, 8 photons, seed), so the colour is exactly the one
         * it gives. */
        for (int b = 0; b < TABLE_BANDS && st == SMP_OK; b++) {
            st = run_skin_band(&skin, band_nm[b], &p, threads, t->ink_thickness_mm * 0.1, &bands[b], err);
            skin_type[tx][b] = bands[b].rd;
            bake_step(&prog, unit_skin);
        }
        if (st != SMP_OK) break;
        double xyz[3];
        if ((st = optics_reflectance_to_xyz(band_nm, skin_type[tx], TABLE_BANDS, xyz, err)) != SMP_OK) break;
        optics_xyz_to_lab(xyz, t->skin_lab[tx]);
        optics_xyz_to_linear_rgb(xyz, t->skin_linear_rgb[tx]);

        /* 2. SSS: per channel, the cumulative Rd(r) mass fitted with 3 normalised Gaussians. */
        double fr[TABLE_FIT_RADII];
        fit_radii(0.01, TABLE_NR * TABLE_DR_CM * 10.0, fr);
        for (int c = 0; c < 3; c++) {
            double mass[TABLE_NR], total = 0.0, y[TABLE_FIT_RADII];
            for (int ir = 0; ir < TABLE_NR; ir++) {
                mass[ir] = 0.0;
                for (int b = 0; b < TABLE_BANDS; b++) mass[ir] += m[c][b] * bands[b].rd_mass[ir];
                total += mass[ir];
            }
            for (int i = 0; i < TABLE_FIT_RADII; i++) y[i] = cumulative_at(mass, total, fr[i]);
            fit_cdf(fr, y, TABLE_FIT_RADII, OPTICS_TABLE_SSS_TERMS, t->sss_weight[tx][c], t->sss_sigma_mm[tx][c]);
        }

        /* 3. Covered colour per depth and ink: the stack with the ink as a full slab. */
        for (int d = 0; d < p.depth_count && st == SMP_OK; d++) {
            for (int k = 0; k < p.ink_count && st == SMP_OK; k++) {
                optics_skin_params inked;
                inked_params(type, p.depth_mm[d], t->ink_thickness_mm, p.ink[k], &inked);
                optics_appearance a;
                st = optics_stack_appearance(&inked, p.photons, p.seed, threads, &a, err);
                if (st != SMP_OK) break;
                memcpy(cov[d][k], a.reflectance, sizeof cov[d][k]);
                memcpy(cov_type[tx][d][k], a.reflectance, sizeof cov[d][k]);
                for (int c = 0; c < 3; c++) t->covered_linear_rgb[tx][d][k][c] = a.linear_rgb[c];
                bake_step(&prog, TABLE_BANDS * unit_cov);
            }
        }
        if (st != SMP_OK) break;

        /* 4. Kernel per depth and channel: the band kernels weighted by the channel's share of the darkening
         * of the reference ink, fitted (cumulative mass) with 2 normalised Gaussians. */
        int kref = 0;
        for (int k = 1; k < p.ink_count; k++)
            if (fabs(p.ink[k] - TABLE_KERNEL_REFERENCE_INK) < fabs(p.ink[kref] - TABLE_KERNEL_REFERENCE_INK)) kref = k;
        fit_radii(0.005, TABLE_NR * TABLE_DR_CM * 10.0, fr);
        for (int d = 0; d < p.depth_count; d++) {
            for (int c = 0; c < 3; c++) {
                /* Band weights: the channel's (non-negative part of the) colour matching times the darkening
                 * the reference ink causes in that band, which is never below 2 % of the skin's reflectance
                 * so that deep ink, whose darkening is within the noise, still weights the bands sensibly. */
                double band_weight[TABLE_BANDS];
                for (int b = 0; b < TABLE_BANDS; b++)
                    band_weight[b] = fmax(0.0, m[c][b]) * fmax(bands[b].rd - cov[d][kref][b], 0.02 * bands[b].rd);
                double mass[TABLE_NR], total = 0.0, y[TABLE_FIT_RADII];
                for (int ir = 0; ir < TABLE_NR; ir++) {
                    mass[ir] = 0.0;
                    for (int b = 0; b < TABLE_BANDS; b++)
                        mass[ir] += band_weight[b] * bands[b].kernel[d][ir];
                    total += mass[ir];
                }
                for (int i = 0; i < TABLE_FIT_RADII; i++) y[i] = cumulative_at(mass, total, fr[i]);
                fit_cdf(fr, y, TABLE_FIT_RADII, OPTICS_TABLE_KERNEL_TERMS, t->kernel_weight[tx][d][c],
                        t->kernel_sigma_mm[tx][d][c]);
            }
        }
    }

    /* 5. Gains: the physical gain on the gain type, then per type the gain of the real-time form that gives
     * the same integrated darkening at the reference diameter. */
    for (int d = 0; d < p.depth_count && st == SMP_OK; d++) {
        for (int k = 0; k < p.ink_count && st == SMP_OK; k++) {
            optics_skin_params inked;
            inked_params(gain_type, p.depth_mm[d], t->ink_thickness_mm, p.ink[k], &inked);
            for (int c = 0; c < 3 && st == SMP_OK; c++) {
                int b = band_index(gain_band_nm[c]);
                double deficit = 0.0, deficit_se = 0.0;
                st = run_disk(&inked, band_nm[b], t->reference_diameter_mm,
                              p.photons * TABLE_DISK_PHOTON_FACTOR, p.seed, threads, &deficit, &deficit_se, err);
                if (st != SMP_OK) break;
                double slab = skin_type[gain_type - 1][b] - cov_type[gain_type - 1][d][k][b];
                double area = SMP_PI * pow(0.05 * t->reference_diameter_mm, 2.0);
                gm->g[d][k][c] = slab > 0.0 ? deficit / (area * slab) : 1.0;
                gm->se[d][k][c] = slab > 0.0 ? deficit_se / (area * slab) : 0.0;
                bake_step(&prog, unit_disk);
            }
        }
    }
    for (int ti = 0; ti < p.type_count && st == SMP_OK; ti++) {
        int tx = p.types[ti] - 1;
        for (int d = 0; d < p.depth_count; d++) {
            for (int k = 0; k < p.ink_count; k++) {
                optics_dot_look look;
                memcpy(look.skin_linear_rgb, t->skin_linear_rgb[tx], sizeof look.skin_linear_rgb);
                memcpy(look.covered_linear_rgb, t->covered_linear_rgb[tx][d][k], sizeof look.covered_linear_rgb);
                memcpy(look.kernel_weight, t->kernel_weight[tx][d], sizeof look.kernel_weight);
                memcpy(look.kernel_sigma_mm, t->kernel_sigma_mm[tx][d], sizeof look.kernel_sigma_mm);
                for (int c = 0; c < 3; c++) {
                    /* Below 1 the measurement is noise (a small dot cannot darken less than its share of the
                     * slab in the linear limit); the physical gain is clamped at 1 before the matching. */
                    double g_phys = measured_gain(gm->g[d][k][c], gm->se[d][k][c]);
                    double rs = look.skin_linear_rgb[c], rc = look.covered_linear_rgb[c];
                    double area_mm2 = SMP_PI * pow(0.5 * t->reference_diameter_mm, 2.0);
                    double target = g_phys * area_mm2 * (rs - rc);
                    double g = 1.0;
                    if (rs > rc && rc > 0.0 && target > 0.0) {
                        double lo = 1e-3, hi = 1e3;
                        for (int it = 0; it < 60; it++) {
                            double mid = sqrt(lo * hi);
                            if (formula_deficit_mm2(&look, c, t->reference_diameter_mm, mid) < target) lo = mid;
                            else hi = mid;
                        }
                        g = sqrt(lo * hi);
                    }
                    t->gain[tx][d][k][c] = g;
                }
            }
        }
    }
done:
    free(bands);
    free(cov);
    free(gm);
    free(cov_type);
    free(skin_type);
    if (st == SMP_OK && progress) progress(progress_user, 1.0, "bake");
    return st;
}

/* ---- look-up ------------------------------------------------------------------------------------------- */

/* Index i and fraction f with grid[i] + f (grid[i+1] - grid[i]) = x, clamped to the grid. */
static void grid_locate(const double *grid, int n, double x, int *i, double *f)
{
    if (n < 2 || x <= grid[0]) {
        *i = 0;
        *f = 0.0;
        return;
    }
    if (x >= grid[n - 1]) {
        *i = n - 2;
        *f = 1.0;
        return;
    }
    int k = 0;
    while (k < n - 2 && x > grid[k + 1]) k++;
    *i = k;
    *f = (x - grid[k]) / (grid[k + 1] - grid[k]);
}

double optics_table_ink_top_mm(const optics_table *t, double needle_depth_mm)
{
    optics_skin_params skin;
    optics_skin_params_default(3, &skin);
    double junction_mm = 10.0 * (skin.stratum_corneum_cm + skin.epidermis_cm);
    (void)t;
    return fmax(needle_depth_mm - OPTICS_INK_RETAINED_MM, junction_mm);
}

void optics_table_dot_look(const optics_table *t, int fitzpatrick, double depth_mm, double ink,
                           optics_dot_look *out)
{
    memset(out, 0, sizeof *out);
    int tx = fitzpatrick < 1 ? 0 : (fitzpatrick > 6 ? 5 : fitzpatrick - 1);
    int di, ki;
    double df, kf;
    grid_locate(t->depth_mm, t->depth_count, depth_mm, &di, &df);
    grid_locate(t->ink, t->ink_count, ink, &ki, &kf);
    int d1 = t->depth_count > 1 ? di + 1 : di, k1 = t->ink_count > 1 ? ki + 1 : ki;
    for (int c = 0; c < 3; c++) {
        out->skin_linear_rgb[c] = t->skin_linear_rgb[tx][c];
        double cov0 = smp_mix(t->covered_linear_rgb[tx][di][ki][c], t->covered_linear_rgb[tx][di][k1][c], kf);
        double cov1 = smp_mix(t->covered_linear_rgb[tx][d1][ki][c], t->covered_linear_rgb[tx][d1][k1][c], kf);
        out->covered_linear_rgb[c] = smp_mix(cov0, cov1, df);
        double g0 = smp_mix(t->gain[tx][di][ki][c], t->gain[tx][di][k1][c], kf);
        double g1 = smp_mix(t->gain[tx][d1][ki][c], t->gain[tx][d1][k1][c], kf);
        out->gain[c] = smp_mix(g0, g1, df);
        for (int k = 0; k < OPTICS_TABLE_KERNEL_TERMS; k++) {
            out->kernel_weight[c][k] = smp_mix(t->kernel_weight[tx][di][c][k], t->kernel_weight[tx][d1][c][k], df);
            out->kernel_sigma_mm[c][k] =
                smp_mix(t->kernel_sigma_mm[tx][di][c][k], t->kernel_sigma_mm[tx][d1][c][k], df);
        }
    }
}

/* ---- JSON ---------------------------------------------------------------------------------------------- */

static cJSON *json_numbers(const double *v, int n)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; a && i < n; i++) cJSON_AddItemToArray(a, cJSON_CreateNumber(v[i]));
    return a;
}

static cJSON *json_rows(const double *v, int rows, int cols)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; a && i < rows; i++) cJSON_AddItemToArray(a, json_numbers(v + (size_t)i * cols, cols));
    return a;
}

char *optics_table_to_json(const optics_table *t)
{
    cJSON *root = cJSON_CreateObject();
    if (!root) return NULL;
    cJSON_AddNumberToObject(root, "version", t->version);
    cJSON_AddNumberToObject(root, "photons", (double)t->photons);
    cJSON_AddNumberToObject(root, "seed", (double)t->seed);
    cJSON_AddNumberToObject(root, "ink_thickness_mm", t->ink_thickness_mm);
    cJSON_AddNumberToObject(root, "reference_diameter_mm", t->reference_diameter_mm);
    cJSON_AddItemToObject(root, "depth_mm", json_numbers(t->depth_mm, t->depth_count));
    cJSON_AddItemToObject(root, "ink", json_numbers(t->ink, t->ink_count));
    cJSON *types = cJSON_AddArrayToObject(root, "types");
    for (int tx = 0; types && tx < OPTICS_TABLE_TYPES; tx++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(types, o);
        cJSON_AddNumberToObject(o, "fitzpatrick", tx + 1);
        cJSON_AddItemToObject(o, "skin_linear_rgb", json_numbers(t->skin_linear_rgb[tx], 3));
        cJSON_AddItemToObject(o, "skin_lab", json_numbers(t->skin_lab[tx], 3));
        cJSON_AddItemToObject(o, "sss_weight", json_rows(&t->sss_weight[tx][0][0], 3, OPTICS_TABLE_SSS_TERMS));
        cJSON_AddItemToObject(o, "sss_sigma_mm", json_rows(&t->sss_sigma_mm[tx][0][0], 3, OPTICS_TABLE_SSS_TERMS));
        cJSON *depths = cJSON_AddArrayToObject(o, "depths");
        for (int d = 0; depths && d < t->depth_count; d++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddItemToArray(depths, e);
            cJSON_AddItemToObject(e, "kernel_weight",
                                  json_rows(&t->kernel_weight[tx][d][0][0], 3, OPTICS_TABLE_KERNEL_TERMS));
            cJSON_AddItemToObject(e, "kernel_sigma_mm",
                                  json_rows(&t->kernel_sigma_mm[tx][d][0][0], 3, OPTICS_TABLE_KERNEL_TERMS));
            cJSON_AddItemToObject(e, "covered_linear_rgb", json_rows(&t->covered_linear_rgb[tx][d][0][0], t->ink_count, 3));
            cJSON_AddItemToObject(e, "gain", json_rows(&t->gain[tx][d][0][0], t->ink_count, 3));
        }
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}

/* Strict readers: each names the field path in its error. */
typedef struct json_ctx {
    const char *source;
    smp_error *err;
} json_ctx;

static smp_status json_fail(const json_ctx *j, const char *field, const char *what)
{
    return smp_error_set(j->err, SMP_ERR_INPUT, "%s: %s: %s", j->source, field, what);
}

static smp_status json_number(const json_ctx *j, const cJSON *obj, const char *key, const char *path, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    char field[160];
    snprintf(field, sizeof field, "%s%s", path, key);
    if (!v) return json_fail(j, field, "missing");
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) return json_fail(j, field, "must be a number");
    *out = v->valuedouble;
    return SMP_OK;
}

/* An array of exactly n finite numbers at item (field names it). */
static smp_status json_vector(const json_ctx *j, const cJSON *item, const char *field, int n, double *out)
{
    char what[64];
    snprintf(what, sizeof what, "must be an array of %d numbers", n);
    if (!item) return json_fail(j, field, "missing");
    if (!cJSON_IsArray(item) || cJSON_GetArraySize(item) != n) return json_fail(j, field, what);
    int i = 0;
    for (const cJSON *e = item->child; e; e = e->next, i++) {
        if (!cJSON_IsNumber(e) || !isfinite(e->valuedouble)) return json_fail(j, field, what);
        out[i] = e->valuedouble;
    }
    return SMP_OK;
}

/* rows x cols numbers (row-major into out, row stride cols). */
static smp_status json_matrix(const json_ctx *j, const cJSON *obj, const char *key, const char *path, int rows,
                              int cols, double *out)
{
    char field[160];
    snprintf(field, sizeof field, "%s%s", path, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    char what[64];
    snprintf(what, sizeof what, "must be an array of %d arrays of %d numbers", rows, cols);
    if (!v) return json_fail(j, field, "missing");
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != rows) return json_fail(j, field, what);
    int r = 0;
    for (const cJSON *e = v->child; e; e = e->next, r++) {
        char sub[192];
        snprintf(sub, sizeof sub, "%s[%d]", field, r);
        smp_status st = json_vector(j, e, sub, cols, out + (size_t)r * cols);
        if (st != SMP_OK) return st;
    }
    return SMP_OK;
}

static smp_status json_grid(const json_ctx *j, const cJSON *root, const char *key, int max, double lo, double hi,
                            bool open_low, double *out, int *count)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
    char what[128];
    snprintf(what, sizeof what, "must be an array of 1..%d ascending numbers in %s%g, %g]", max, open_low ? "(" : "[",
             lo, hi);
    if (!v) return json_fail(j, key, "missing");
    int n = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : -1;
    if (n < 1 || n > max) return json_fail(j, key, what);
    smp_status st = json_vector(j, v, key, n, out);
    if (st != SMP_OK) return st;
    for (int i = 0; i < n; i++)
        if (out[i] > hi || out[i] < lo || (open_low && out[i] <= lo) || (i > 0 && !(out[i] > out[i - 1])))
            return json_fail(j, key, what);
    *count = n;
    return SMP_OK;
}

smp_status optics_table_parse_json(optics_table *t, const char *text, size_t size, const char *source,
                                   smp_error *err)
{
    json_ctx j = {source ? source : "optics table", err};
    memset(t, 0, sizeof *t);
    cJSON *root = cJSON_ParseWithLength(text, size);
    if (!root) return smp_error_set(err, SMP_ERR_INPUT, "%s: not valid JSON", j.source);
    smp_status st = SMP_OK;
    double v = 0.0;
    if (!cJSON_IsObject(root)) {
        st = json_fail(&j, "(top level)", "must be an object");
        goto out;
    }
    if ((st = json_number(&j, root, "version", "", &v)) != SMP_OK) goto out;
    if (v != 1.0) {
        st = json_fail(&j, "version", "must be 1");
        goto out;
    }
    t->version = 1;
    if ((st = json_number(&j, root, "photons", "", &v)) != SMP_OK) goto out;
    if (!(v >= 1.0 && v <= 9007199254740992.0 && v == floor(v))) {
        st = json_fail(&j, "photons", "must be a whole number >= 1");
        goto out;
    }
    t->photons = (uint64_t)v;
    if ((st = json_number(&j, root, "seed", "", &v)) != SMP_OK) goto out;
    if (!(v >= 0.0 && v <= 9007199254740992.0 && v == floor(v))) {
        st = json_fail(&j, "seed", "must be a whole number >= 0");
        goto out;
    }
    t->seed = (uint64_t)v;
    if ((st = json_number(&j, root, "ink_thickness_mm", "", &t->ink_thickness_mm)) != SMP_OK) goto out;
    if (!(t->ink_thickness_mm > 0.0 && t->ink_thickness_mm <= 1.0)) {
        st = json_fail(&j, "ink_thickness_mm", "must be in (0, 1]");
        goto out;
    }
    if ((st = json_number(&j, root, "reference_diameter_mm", "", &t->reference_diameter_mm)) != SMP_OK) goto out;
    if (!(t->reference_diameter_mm > 0.0 && t->reference_diameter_mm <= 5.0)) {
        st = json_fail(&j, "reference_diameter_mm", "must be in (0, 5]");
        goto out;
    }
    if ((st = json_grid(&j, root, "depth_mm", OPTICS_TABLE_MAX_DEPTHS, 0.0, 3.0, false, t->depth_mm,
                        &t->depth_count)) != SMP_OK)
        goto out;
    if ((st = json_grid(&j, root, "ink", OPTICS_TABLE_MAX_INKS, 0.0, 1.0, true, t->ink, &t->ink_count)) != SMP_OK)
        goto out;

    const cJSON *types = cJSON_GetObjectItemCaseSensitive(root, "types");
    if (!types) {
        st = json_fail(&j, "types", "missing");
        goto out;
    }
    if (!cJSON_IsArray(types) || cJSON_GetArraySize(types) != OPTICS_TABLE_TYPES) {
        st = json_fail(&j, "types", "must be an array of 6 objects (Fitzpatrick I..VI)");
        goto out;
    }
    int tx = 0;
    for (const cJSON *o = types->child; o; o = o->next, tx++) {
        char path[64];
        snprintf(path, sizeof path, "types[%d].", tx);
        if (!cJSON_IsObject(o)) {
            st = json_fail(&j, path, "must be an object");
            goto out;
        }
        if ((st = json_number(&j, o, "fitzpatrick", path, &v)) != SMP_OK) goto out;
        if (v != tx + 1) {
            char field[80];
            snprintf(field, sizeof field, "%sfitzpatrick", path);
            char what[32];
            snprintf(what, sizeof what, "must be %d", tx + 1);
            st = json_fail(&j, field, what);
            goto out;
        }
        char vfield[96];
        snprintf(vfield, sizeof vfield, "%sskin_linear_rgb", path);
        if ((st = json_vector(&j, cJSON_GetObjectItemCaseSensitive(o, "skin_linear_rgb"), vfield, 3,
                              t->skin_linear_rgb[tx])) != SMP_OK)
            goto out;
        snprintf(vfield, sizeof vfield, "%sskin_lab", path);
        if ((st = json_vector(&j, cJSON_GetObjectItemCaseSensitive(o, "skin_lab"), vfield, 3, t->skin_lab[tx])) !=
            SMP_OK)
            goto out;
        if ((st = json_matrix(&j, o, "sss_weight", path, 3, OPTICS_TABLE_SSS_TERMS, &t->sss_weight[tx][0][0])) != SMP_OK)
            goto out;
        if ((st = json_matrix(&j, o, "sss_sigma_mm", path, 3, OPTICS_TABLE_SSS_TERMS, &t->sss_sigma_mm[tx][0][0])) !=
            SMP_OK)
            goto out;
        const cJSON *depths = cJSON_GetObjectItemCaseSensitive(o, "depths");
        char field[96];
        snprintf(field, sizeof field, "%sdepths", path);
        if (!depths) {
            st = json_fail(&j, field, "missing");
            goto out;
        }
        if (!cJSON_IsArray(depths) || cJSON_GetArraySize(depths) != t->depth_count) {
            char what[80];
            snprintf(what, sizeof what, "must be an array of %d objects (one per depth_mm)", t->depth_count);
            st = json_fail(&j, field, what);
            goto out;
        }
        int d = 0;
        for (const cJSON *e = depths->child; e; e = e->next, d++) {
            char dpath[96];
            snprintf(dpath, sizeof dpath, "%sdepths[%d].", path, d);
            if (!cJSON_IsObject(e)) {
                st = json_fail(&j, dpath, "must be an object");
                goto out;
            }
            if ((st = json_matrix(&j, e, "kernel_weight", dpath, 3, OPTICS_TABLE_KERNEL_TERMS,
                                  &t->kernel_weight[tx][d][0][0])) != SMP_OK ||
                (st = json_matrix(&j, e, "kernel_sigma_mm", dpath, 3, OPTICS_TABLE_KERNEL_TERMS,
                                  &t->kernel_sigma_mm[tx][d][0][0])) != SMP_OK ||
                (st = json_matrix(&j, e, "covered_linear_rgb", dpath, t->ink_count, 3,
                                  &t->covered_linear_rgb[tx][d][0][0])) != SMP_OK ||
                (st = json_matrix(&j, e, "gain", dpath, t->ink_count, 3, &t->gain[tx][d][0][0])) != SMP_OK)
                goto out;
        }
    }
out:
    cJSON_Delete(root);
    if (st != SMP_OK) memset(t, 0, sizeof *t);
    return st;
}
