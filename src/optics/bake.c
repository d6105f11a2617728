/* bake: computes the optics tables of table.h from the Monte Carlo skin model, fitted to the real-time form
 * by table_fit.c. The ink is a pure absorber, so one set of photon paths through the bare skin serves every
 * ink slab and every disk of ink ("white" Monte Carlo, optics_mc_slab_scan / optics_mc_disk_scan). Method,
 * numbers and sources in docs/optics-model.md §7. */
#include "optics/table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "optics/colour.h"
#include "optics/dot.h"
#include "optics/mc.h"
#include "optics/skin.h"
#include "optics/table_internal.h"

/* Grid of the bare-skin run: 20 um radial bins out to 6 mm (the red Rd(r) of the scalp reaches a few mm),
 * 25 um depth bins down to the deepest ink. What lies beyond 6 mm is MCML's overflow bin. */
#define TABLE_DR_CM 0.002
#define TABLE_NR 300
#define TABLE_DZ_CM 0.0025
#define TABLE_BANDS OPTICS_SKIN_BAND_COUNT
/* Photons of the skin runs (and of the slab scans that give the covered colours) and of the disk scans, as
 * multiples of the per-band count: the skin colour, its Rd(r) and every kernel come from one run per band;
 * the dot's darkening is a small difference, measured by one scan per channel for every depth, diameter and
 * ink at once. */
#define TABLE_SKIN_PHOTON_FACTOR 8
#define TABLE_DISK_PHOTON_FACTOR 200
#define TABLE_FIT_RADII 48
/* The ink amount whose darkening spectrum weights the bands of a channel's kernel (the healed default). */
#define TABLE_KERNEL_REFERENCE_INK 0.3

/* Wavelengths at which the dot's gain is measured, one per linear sRGB channel (r, g, b): the band-grid
 * points nearest the dominant wavelengths of the sRGB primaries (611, 549, 464 nm). */
static const double gain_band_nm[3] = {620.0, 540.0, 460.0};

/* Depths of the top of the ink: the dermal-epidermal junction (0.08 mm), through the papillary dermis, down
 * to tattoo depths. Inks: carbon per area from a faint trace to undiluted tattoo ink over a whole track.
 * Diameters: from a single fine pin to a blowout several millimetres wide. */
static const double default_depth_mm[] = {0.08, 0.15, 0.25, 0.35, 0.5, 0.7, 1.0, 1.5, 2.0, 2.5};
static const double default_ink[] = {0.02, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 8.0, 32.0};
static const double default_diameter_mm[] = {0.1, 0.2, 0.3, 0.5, 0.8, 1.3, 2.0};

void optics_bake_params_default(optics_bake_params *p)
{
    memset(p, 0, sizeof *p);
    p->depth_count = (int)(sizeof default_depth_mm / sizeof default_depth_mm[0]);
    memcpy(p->depth_mm, default_depth_mm, sizeof default_depth_mm);
    p->ink_count = (int)(sizeof default_ink / sizeof default_ink[0]);
    memcpy(p->ink, default_ink, sizeof default_ink);
    p->diameter_count = (int)(sizeof default_diameter_mm / sizeof default_diameter_mm[0]);
    memcpy(p->diameter_mm, default_diameter_mm, sizeof default_diameter_mm);
    p->type_count = OPTICS_TABLE_TYPES;
    for (int t = 0; t < OPTICS_TABLE_TYPES; t++)
        p->types[t] = t + 1;
    p->photons = 6000;
    p->seed = 1;
    p->threads = 0;
}

/* ---- fit radii ------------------------------------------------------------------------------------------
 */

/* Log-spaced radii from first to last (mm) at which the cumulative masses are sampled for the fits. */
static void fit_radii(double first, double last, double *r)
{
    for (int i = 0; i < TABLE_FIT_RADII; i++)
        r[i] = first * pow(last / first, (double)i / (TABLE_FIT_RADII - 1));
}

/* Cumulative share of mass[] (per radial bin of TABLE_DR_CM, last bin = overflow, counted in the total)
 * within radius r_mm, interpolated linearly inside a bin. */
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

/* M[ch][b]: linear sRGB channel ch of a unit reflectance in band b (XYZ band weights, then the sRGB matrix).
 */
static smp_status band_to_rgb_matrix(double m[3][TABLE_BANDS], smp_error *err)
{
    double band_nm[TABLE_BANDS], w[3 * TABLE_BANDS];
    optics_skin_bands_nm(band_nm);
    smp_status st = optics_band_weights_xyz(band_nm, TABLE_BANDS, w, err);
    if (st != SMP_OK) return st;
    for (int b = 0; b < TABLE_BANDS; b++) {
        double rgb[3];
        optics_xyz_to_linear_rgb(&w[3 * b], rgb);
        for (int c = 0; c < 3; c++)
            m[c][b] = rgb[c];
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

static smp_status run_skin_band(const optics_skin_params *p, double nm, const optics_bake_params *bp,
                                int threads, double ink_thickness_cm, skin_band *out, smp_error *err)
{
    optics_layer_props props[OPTICS_SKIN_MAX_LAYERS];
    int count = optics_skin_layers(p, nm, props, OPTICS_SKIN_MAX_LAYERS);
    if (count < 1) return smp_error_set(err, SMP_ERR_INPUT, "bake: skin parameters: invalid layer stack");
    optics_layer layers[OPTICS_SKIN_MAX_LAYERS];
    props_to_layers(props, count, layers);
    double deepest_cm = 0.0;
    for (int d = 0; d < bp->depth_count; d++)
        deepest_cm = fmax(deepest_cm, bp->depth_mm[d] * 0.1 + ink_thickness_cm);
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
            for (int ir = 0; ir < TABLE_NR; ir++)
                k[ir] /= total;
    }
    optics_mc_result_destroy(&res);
    return SMP_OK;
}

/* Absorption of the ink at one band for a table ink amount a in a slab of the table's thickness: carbon
 * per area a x 0.101 mg/cm² (docs/optics-model.md §3) spread over thickness_cm. */
static double ink_mu_a_per_cm(double ink, double thickness_mm, double nm)
{
    optics_ink_params neat;
    optics_ink_params_default(&neat);
    double mu_a = 0.0;
    optics_ink_coefficients(&neat, nm, &mu_a, NULL, NULL);
    return mu_a * ink * 0.1 / thickness_mm;
}

/* The bare stack of a skin type at one band as engine layers. */
static int bare_layers(const optics_skin_params *skin, double nm, optics_layer *layers, smp_error *err)
{
    optics_layer_props props[OPTICS_SKIN_MAX_LAYERS];
    int count = optics_skin_layers(skin, nm, props, OPTICS_SKIN_MAX_LAYERS);
    if (count < 1)
        smp_error_set(err, SMP_ERR_INPUT, "bake: skin parameters: invalid layer stack");
    else
        props_to_layers(props, count, layers);
    return count;
}

/* Covered reflectance per depth and ink at one band by one slab scan of the bare skin (same photons and
 * seed as the skin run). out[d * ink_count + k]. */
static smp_status scan_covered(const optics_skin_params *skin, double nm, const optics_bake_params *p,
                               double thickness_mm, int threads, double *out, smp_error *err)
{
    optics_layer layers[OPTICS_SKIN_MAX_LAYERS];
    int count = bare_layers(skin, nm, layers, err);
    if (count < 1) return SMP_ERR_INPUT;
    optics_mc_slab_config cfg[OPTICS_TABLE_MAX_DEPTHS];
    for (int d = 0; d < p->depth_count; d++)
        cfg[d] = (optics_mc_slab_config){0.1 * p->depth_mm[d], 0.1 * (p->depth_mm[d] + thickness_mm)};
    double mu[OPTICS_TABLE_MAX_INKS];
    for (int k = 0; k < p->ink_count; k++)
        mu[k] = ink_mu_a_per_cm(p->ink[k], thickness_mm, nm);
    optics_mc_input in = optics_mc_input_default();
    in.layers = layers;
    in.layer_count = count;
    in.n_below = layers[count - 1].n;
    in.photons = p->photons * TABLE_SKIN_PHOTON_FACTOR;
    optics_mc_options opt = {.seed = p->seed + 1, .threads = threads};
    double se[OPTICS_TABLE_MAX_DEPTHS * OPTICS_TABLE_MAX_INKS], bare = 0.0, bare_se = 0.0;
    return optics_mc_slab_scan(&in, cfg, p->depth_count, mu, p->ink_count, &opt, out, se, &bare, &bare_se,
                               err);
}

static smp_status check_grid(const optics_bake_params *p, smp_error *err)
{
    if (p->depth_count < 1 || p->depth_count > OPTICS_TABLE_MAX_DEPTHS)
        return smp_error_set(err, SMP_ERR_INPUT, "bake: depth_count: %d, must be 1..%d", p->depth_count,
                             OPTICS_TABLE_MAX_DEPTHS);
    if (p->ink_count < 1 || p->ink_count > OPTICS_TABLE_MAX_INKS)
        return smp_error_set(err, SMP_ERR_INPUT, "bake: ink_count: %d, must be 1..%d", p->ink_count,
                             OPTICS_TABLE_MAX_INKS);
    if (p->diameter_count < 1 || p->diameter_count > OPTICS_TABLE_MAX_DIAMETERS)
        return smp_error_set(err, SMP_ERR_INPUT, "bake: diameter_count: %d, must be 1..%d", p->diameter_count,
                             OPTICS_TABLE_MAX_DIAMETERS);
    for (int i = 0; i < p->depth_count; i++)
        if (!(p->depth_mm[i] >= 0.0 && p->depth_mm[i] <= 3.0) ||
            (i > 0 && !(p->depth_mm[i] > p->depth_mm[i - 1])))
            return smp_error_set(err, SMP_ERR_INPUT, "bake: depth_mm[%d]: %g, must ascend within 0..3 mm", i,
                                 p->depth_mm[i]);
    for (int i = 0; i < p->ink_count; i++)
        if (!(p->ink[i] > 0.0 && p->ink[i] <= OPTICS_TABLE_MAX_INK) ||
            (i > 0 && !(p->ink[i] > p->ink[i - 1])))
            return smp_error_set(err, SMP_ERR_INPUT, "bake: ink[%d]: %g, must ascend within (0, %g]", i,
                                 p->ink[i], OPTICS_TABLE_MAX_INK);
    for (int i = 0; i < p->diameter_count; i++)
        if (!(p->diameter_mm[i] > 0.0 && p->diameter_mm[i] <= 5.0) ||
            (i > 0 && !(p->diameter_mm[i] > p->diameter_mm[i - 1])))
            return smp_error_set(err, SMP_ERR_INPUT,
                                 "bake: diameter_mm[%d]: %g, must ascend within (0, 5] mm", i,
                                 p->diameter_mm[i]);
    if (p->type_count < 0 || p->type_count > OPTICS_TABLE_TYPES)
        return smp_error_set(err, SMP_ERR_INPUT, "bake: type_count: %d, must be 0..6", p->type_count);
    for (int i = 0; i < p->type_count; i++)
        if (p->types[i] < 1 || p->types[i] > 6)
            return smp_error_set(err, SMP_ERR_INPUT, "bake: types[%d]: %d, must be 1..6", i, p->types[i]);
    if (p->photons < 100 && p->photons != 0)
        return smp_error_set(err, SMP_ERR_INPUT, "bake: photons: %llu, must be 0 (default) or >= 100",
                             (unsigned long long)p->photons);
    if (p->threads < 0)
        return smp_error_set(err, SMP_ERR_INPUT, "bake: threads: %d, must be >= 0", p->threads);
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

/* Physical gain per depth, ink, diameter and channel on one skin type: the disk's integrated darkening over
 * pi R^2 (R_skin - R_covered) at the channel's band (docs/optics-model.md 7.3). */
typedef struct gain_measure {
    double g[OPTICS_TABLE_MAX_DEPTHS][OPTICS_TABLE_MAX_INKS][OPTICS_TABLE_MAX_DIAMETERS][3];
    double se[OPTICS_TABLE_MAX_DEPTHS][OPTICS_TABLE_MAX_INKS][OPTICS_TABLE_MAX_DIAMETERS][3];
    /* the same for the darkening of the surface within the disk's own radius (its footprint) */
    double f[OPTICS_TABLE_MAX_DEPTHS][OPTICS_TABLE_MAX_INKS][OPTICS_TABLE_MAX_DIAMETERS][3];
    double f_se[OPTICS_TABLE_MAX_DEPTHS][OPTICS_TABLE_MAX_INKS][OPTICS_TABLE_MAX_DIAMETERS][3];
} gain_measure;

/* One disk scan per channel band on the gain type: every depth x diameter as a cylinder of the table's slab
 * thickness, every ink at once. */
static smp_status measure_gains(const optics_bake_params *p, int type, const double *skin_rd_band,
                                const double *cov_band /* [band][d][k] */, double thickness_mm, int threads,
                                gain_measure *gm, bake_progress *prog, smp_error *err)
{
    optics_skin_params skin;
    optics_skin_params_default(type, &skin);
    int nc = p->depth_count * p->diameter_count;
    optics_mc_disk_config *cfg = malloc(sizeof *cfg * (size_t)nc);
    double *deficit = malloc(sizeof(double) * (size_t)nc * (size_t)p->ink_count);
    double *deficit_se = malloc(sizeof(double) * (size_t)nc * (size_t)p->ink_count);
    double *foot = malloc(sizeof(double) * (size_t)nc * (size_t)p->ink_count);
    double *foot_se = malloc(sizeof(double) * (size_t)nc * (size_t)p->ink_count);
    smp_status st = SMP_OK;
    if (!cfg || !deficit || !deficit_se || !foot || !foot_se) {
        st = smp_error_set(err, SMP_ERR_NOMEM, "bake: out of memory");
        goto done;
    }
    for (int d = 0; d < p->depth_count; d++)
        for (int s = 0; s < p->diameter_count; s++)
            cfg[d * p->diameter_count + s] = (optics_mc_disk_config){
                0.1 * p->depth_mm[d], 0.1 * (p->depth_mm[d] + thickness_mm), 0.05 * p->diameter_mm[s]};
    double band_nm[TABLE_BANDS];
    optics_skin_bands_nm(band_nm);
    for (int c = 0; c < 3 && st == SMP_OK; c++) {
        int b = band_index(gain_band_nm[c]);
        optics_layer layers[OPTICS_SKIN_MAX_LAYERS];
        int count = bare_layers(&skin, band_nm[b], layers, err);
        if (count < 1) {
            st = SMP_ERR_INPUT;
            break;
        }
        double mu[OPTICS_TABLE_MAX_INKS];
        for (int k = 0; k < p->ink_count; k++)
            mu[k] = ink_mu_a_per_cm(p->ink[k], thickness_mm, band_nm[b]);
        optics_mc_input in = optics_mc_input_default();
        in.layers = layers;
        in.layer_count = count;
        in.n_below = layers[count - 1].n;
        in.photons = p->photons * TABLE_DISK_PHOTON_FACTOR;
        optics_mc_options opt = {.seed = p->seed + 2 + (uint64_t)c, .threads = threads};
        /* Launch distances: half near the dots (0.3 mm), half over the diffusion range (1 mm). */
        st = optics_mc_disk_scan(&in, cfg, nc, mu, p->ink_count, 0.03, 0.1, &opt, deficit, deficit_se, foot,
                                 foot_se, err);
        if (st != SMP_OK) break;
        for (int d = 0; d < p->depth_count; d++)
            for (int s = 0; s < p->diameter_count; s++)
                for (int k = 0; k < p->ink_count; k++) {
                    size_t i = ((size_t)(d * p->diameter_count + s)) * (size_t)p->ink_count + (size_t)k;
                    double slab =
                        skin_rd_band[b] -
                        cov_band[((size_t)b * OPTICS_TABLE_MAX_DEPTHS + (size_t)d) * OPTICS_TABLE_MAX_INKS +
                                 (size_t)k];
                    double area = SMP_PI * pow(0.05 * p->diameter_mm[s], 2.0);
                    gm->g[d][k][s][c] = slab > 0.0 ? deficit[i] / (area * slab) : 1.0;
                    gm->se[d][k][s][c] = slab > 0.0 ? deficit_se[i] / (area * slab) : 0.0;
                    gm->f[d][k][s][c] = slab > 0.0 ? foot[i] / (area * slab) : 0.0;
                    gm->f_se[d][k][s][c] = slab > 0.0 ? foot_se[i] / (area * slab) : 0.0;
                }
        bake_step(prog, 1.0);
    }
done:
    free(cfg);
    free(deficit);
    free(deficit_se);
    free(foot);
    free(foot_se);
    return st;
}

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
    if (p.diameter_count == 0) {
        p.diameter_count = def.diameter_count;
        memcpy(p.diameter_mm, def.diameter_mm, sizeof p.diameter_mm);
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
    t->version = 2;
    t->photons = p.photons;
    t->seed = p.seed;
    t->ink_thickness_mm = 0.1;
    t->depth_count = p.depth_count;
    memcpy(t->depth_mm, p.depth_mm, sizeof t->depth_mm);
    t->ink_count = p.ink_count;
    memcpy(t->ink, p.ink, sizeof t->ink);
    t->diameter_count = p.diameter_count;
    memcpy(t->diameter_mm, p.diameter_mm, sizeof t->diameter_mm);

    double m[3][TABLE_BANDS], band_nm[TABLE_BANDS];
    if ((st = band_to_rgb_matrix(m, err)) != SMP_OK) return st;
    optics_skin_bands_nm(band_nm);
    /* Gains are measured on type III when it is baked (else the first type baked) and shared by the types:
     * they are ratios in which the epidermal filter cancels (docs/optics-model.md 7.3). */
    int gain_type = p.types[0];
    for (int i = 0; i < p.type_count; i++)
        if (p.types[i] == 3) gain_type = 3;

    bake_progress prog = {progress, progress_user, 0.0, 0.0};
    /* Progress units: a skin run with its slab scan per band and type, and a disk scan (about 25 of them). */
    prog.total = p.type_count * TABLE_BANDS * 1.0 + 3.0 * 25.0;

    skin_band *bands = calloc(TABLE_BANDS, sizeof *bands);
    /* Covered reflectance per type, band, depth, ink. */
    double *cov =
        calloc((size_t)OPTICS_TABLE_TYPES * TABLE_BANDS * OPTICS_TABLE_MAX_DEPTHS * OPTICS_TABLE_MAX_INKS,
               sizeof(double));
    gain_measure *gm = calloc(1, sizeof *gm);
    double(*skin_type)[TABLE_BANDS] = calloc(OPTICS_TABLE_TYPES, sizeof *skin_type);
    if (!bands || !cov || !gm || !skin_type) {
        st = smp_error_set(err, SMP_ERR_NOMEM, "bake: out of memory");
        goto done;
    }
#define COV(tx, b, d, k)                                                                                     \
    cov[(((size_t)(tx)*TABLE_BANDS + (size_t)(b)) * OPTICS_TABLE_MAX_DEPTHS + (size_t)(d)) *                 \
            OPTICS_TABLE_MAX_INKS +                                                                          \
        (size_t)(k)]

    for (int ti = 0; ti < p.type_count && st == SMP_OK; ti++) {
        int type = p.types[ti], tx = type - 1;
        optics_skin_params skin;
        optics_skin_params_default(type, &skin);
        /* 1. Bare skin: colour, Rd(r) and every depth's kernel from one run per band. The runs draw the same
         * random numbers as optics_skin_appearance(type, 8 photons, seed), so the colour is exactly the one
         * it gives. 2. The covered colours of every depth and ink from one slab scan per band. */
        for (int b = 0; b < TABLE_BANDS && st == SMP_OK; b++) {
            st = run_skin_band(&skin, band_nm[b], &p, threads, t->ink_thickness_mm * 0.1, &bands[b], err);
            if (st != SMP_OK) break;
            skin_type[tx][b] = bands[b].rd;
            double out[OPTICS_TABLE_MAX_DEPTHS * OPTICS_TABLE_MAX_INKS];
            st = scan_covered(&skin, band_nm[b], &p, t->ink_thickness_mm, threads, out, err);
            if (st != SMP_OK) break;
            for (int d = 0; d < p.depth_count; d++)
                for (int k = 0; k < p.ink_count; k++)
                    COV(tx, b, d, k) = out[d * p.ink_count + k];
            bake_step(&prog, 1.0);
        }
        if (st != SMP_OK) break;
        double xyz[3];
        if ((st = optics_reflectance_to_xyz(band_nm, skin_type[tx], TABLE_BANDS, xyz, err)) != SMP_OK) break;
        optics_xyz_to_lab(xyz, t->skin_lab[tx]);
        optics_xyz_to_linear_rgb(xyz, t->skin_linear_rgb[tx]);
        for (int d = 0; d < p.depth_count && st == SMP_OK; d++)
            for (int k = 0; k < p.ink_count && st == SMP_OK; k++) {
                double r[TABLE_BANDS];
                for (int b = 0; b < TABLE_BANDS; b++)
                    r[b] = COV(tx, b, d, k);
                st = optics_reflectance_to_xyz(band_nm, r, TABLE_BANDS, xyz, err);
                optics_xyz_to_linear_rgb(xyz, t->covered_linear_rgb[tx][d][k]);
            }
        if (st != SMP_OK) break;

        /* 3. SSS: per channel, the cumulative Rd(r) mass fitted with 3 normalised Gaussians. */
        double fr[TABLE_FIT_RADII];
        fit_radii(0.01, TABLE_NR * TABLE_DR_CM * 10.0, fr);
        for (int c = 0; c < 3; c++) {
            double mass[TABLE_NR], total = 0.0, y[TABLE_FIT_RADII];
            for (int ir = 0; ir < TABLE_NR; ir++) {
                mass[ir] = 0.0;
                for (int b = 0; b < TABLE_BANDS; b++)
                    mass[ir] += m[c][b] * bands[b].rd_mass[ir];
                total += mass[ir];
            }
            for (int i = 0; i < TABLE_FIT_RADII; i++)
                y[i] = cumulative_at(mass, total, fr[i]);
            optics_table_fit_cdf(fr, y, TABLE_FIT_RADII, OPTICS_TABLE_SSS_TERMS, t->sss_weight[tx][c],
                                 t->sss_sigma_mm[tx][c]);
        }

        /* 4. Kernel per depth and channel: the band kernels weighted by the channel's share of the darkening
         * of the reference ink, fitted (cumulative mass) with 2 normalised Gaussians. */
        int kref = 0;
        for (int k = 1; k < p.ink_count; k++)
            if (fabs(log(p.ink[k] / TABLE_KERNEL_REFERENCE_INK)) <
                fabs(log(p.ink[kref] / TABLE_KERNEL_REFERENCE_INK)))
                kref = k;
        fit_radii(0.005, TABLE_NR * TABLE_DR_CM * 10.0, fr);
        for (int d = 0; d < p.depth_count; d++) {
            for (int c = 0; c < 3; c++) {
                /* Band weights: the channel's (non-negative part of the) colour matching times the darkening
                 * the reference ink causes in that band, which is never below 2 % of the skin's reflectance
                 * so that deep ink, whose darkening is within the noise, still weights the bands sensibly. */
                double band_weight[TABLE_BANDS];
                for (int b = 0; b < TABLE_BANDS; b++)
                    band_weight[b] =
                        fmax(0.0, m[c][b]) * fmax(bands[b].rd - COV(tx, b, d, kref), 0.02 * bands[b].rd);
                double mass[TABLE_NR], total = 0.0, y[TABLE_FIT_RADII];
                for (int ir = 0; ir < TABLE_NR; ir++) {
                    mass[ir] = 0.0;
                    for (int b = 0; b < TABLE_BANDS; b++)
                        mass[ir] += band_weight[b] * bands[b].kernel[d][ir];
                    total += mass[ir];
                }
                for (int i = 0; i < TABLE_FIT_RADII; i++)
                    y[i] = cumulative_at(mass, total, fr[i]);
                optics_table_fit_cdf(fr, y, TABLE_FIT_RADII, OPTICS_TABLE_KERNEL_TERMS,
                                     t->kernel_weight[tx][d][c], t->kernel_sigma_mm[tx][d][c]);
            }
        }
    }
    if (st != SMP_OK) goto done;

    /* 5. Gains: the physical gain on the gain type, then per type the gain of the real-time form that gives
     * the same integrated darkening at each diameter. */
    {
        double cov_g[TABLE_BANDS * OPTICS_TABLE_MAX_DEPTHS * OPTICS_TABLE_MAX_INKS];
        for (int b = 0; b < TABLE_BANDS; b++)
            for (int d = 0; d < OPTICS_TABLE_MAX_DEPTHS; d++)
                for (int k = 0; k < OPTICS_TABLE_MAX_INKS; k++)
                    cov_g[((size_t)b * OPTICS_TABLE_MAX_DEPTHS + (size_t)d) * OPTICS_TABLE_MAX_INKS +
                          (size_t)k] = COV(gain_type - 1, b, d, k);
        prog.total = prog.done + 3.0;
        st = measure_gains(&p, gain_type, skin_type[gain_type - 1], cov_g, t->ink_thickness_mm, threads, gm,
                           &prog, err);
    }
    for (int ti = 0; ti < p.type_count && st == SMP_OK; ti++) {
        int tx = p.types[ti] - 1;
        for (int d = 0; d < p.depth_count; d++) {
            for (int k = 0; k < p.ink_count; k++) {
                optics_dot_look look;
                memcpy(look.skin_linear_rgb, t->skin_linear_rgb[tx], sizeof look.skin_linear_rgb);
                memcpy(look.covered_linear_rgb, t->covered_linear_rgb[tx][d][k],
                       sizeof look.covered_linear_rgb);
                memcpy(look.kernel_weight, t->kernel_weight[tx][d], sizeof look.kernel_weight);
                memcpy(look.kernel_sigma_mm, t->kernel_sigma_mm[tx][d], sizeof look.kernel_sigma_mm);
                for (int s = 0; s < p.diameter_count; s++) {
                    for (int c = 0; c < 3; c++) {
                        /* Below 1 the measurement is noise (a small dot cannot darken less than its share of
                         * the slab in the linear limit); the physical gain is clamped at 1 before matching.
                         * The footprint's share of the darkening is kept as measured. */
                        double g_phys = measured_gain(gm->g[d][k][s][c], gm->se[d][k][s][c]);
                        double share = gm->g[d][k][s][c] > 0.0 ? gm->f[d][k][s][c] / gm->g[d][k][s][c] : 0.0;
                        double share_se =
                            gm->g[d][k][s][c] > 0.0 ? gm->f_se[d][k][s][c] / gm->g[d][k][s][c] : 0.0;
                        double rs = look.skin_linear_rgb[c], rc = look.covered_linear_rgb[c];
                        double area_mm2 = SMP_PI * pow(0.5 * p.diameter_mm[s], 2.0);
                        double target = g_phys * area_mm2 * (rs - rc);
                        double g[2] = {1.0, 1.0};
                        if (rs > rc && rc > 0.0 && target > 0.0)
                            optics_table_gains_solve(&look, c, p.diameter_mm[s], target, share * target,
                                                     share_se * target, g);
                        t->gain[tx][d][k][s][c][0] = g[0];
                        t->gain[tx][d][k][s][c][1] = g[1];
                    }
                }
            }
        }
    }
#undef COV
done:
    free(bands);
    free(cov);
    free(gm);
    free(skin_type);
    if (st == SMP_OK && progress) progress(progress_user, 1.0, "bake");
    return st;
}
