/* dot: skin and pigment-dot appearance from the Monte Carlo engine. Method and limits in
 * docs/optics-model.md, "Pigment dot appearance". */
#include "optics/dot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "optics/colour.h"
#include "optics/mc.h"

/* Radial grid of the point-spread kernel: 25 um bins out to 3 mm. The kernel of ink 1.5 mm deep is ~1 mm
 * wide (RMS), so 3 mm holds nearly all of it; what lies beyond falls in MCML's overflow bin and is counted
 * in the normalisation only. */
#define DOT_DR_CM 0.0025
#define DOT_NR 120
#define DOT_SUBSAMPLES 8 /* sub-radii per kernel bin in the disk convolution */
#define DOT_MIN_PHOTONS 100

typedef struct band_run {
    double rd, rd_se;
} band_run;

static void stack_to_mc(const optics_layer_props *props, int count, optics_layer *out)
{
    for (int i = 0; i < count; i++) {
        out[i].n = props[i].n;
        out[i].mu_a_per_cm = props[i].mu_a_per_cm;
        out[i].mu_s_per_cm = props[i].mu_s_per_cm;
        out[i].g = props[i].g;
        out[i].thickness_cm = props[i].thickness_cm;
    }
}

/* One Monte Carlo run of the stack of p at one wavelength. nz > 0 asks for A(r, z) on nz depth bins of
 * DOT_DR_CM. The ambient below is the last layer's index (it is semi-infinite, so it barely matters). */
static smp_status run_band(const optics_skin_params *p, double wavelength_nm, uint64_t photons, uint64_t seed,
                           int threads, int nz, optics_layer_props *props, int *prop_count,
                           optics_mc_result *res, smp_error *err)
{
    int count = optics_skin_layers(p, wavelength_nm, props, OPTICS_SKIN_MAX_LAYERS);
    if (count < 1) return smp_error_set(err, SMP_ERR_INPUT, "dot: skin parameters: invalid layer stack");
    *prop_count = count;
    optics_layer layers[OPTICS_SKIN_MAX_LAYERS];
    stack_to_mc(props, count, layers);
    optics_mc_input in = optics_mc_input_default();
    in.layers = layers;
    in.layer_count = count;
    in.n_above = 1.0;
    in.n_below = layers[count - 1].n;
    in.photons = photons;
    in.dr_cm = DOT_DR_CM;
    in.dz_cm = DOT_DR_CM;
    in.nr = DOT_NR;
    in.nz = nz > 0 ? nz : 1;
    in.na = 1;
    /* The same seed at every band and for both stacks (common random numbers): the band-to-band and
     * skin-to-ink differences then carry less noise than independent runs would. */
    optics_mc_options opt = {.seed = seed, .threads = threads, .score_a_rz = nz > 0};
    if (photons < 2 * OPTICS_MC_DEFAULT_BATCHES) opt.batches = 2;
    return optics_mc_run(&in, &opt, res, err);
}

static smp_status appearance_finish(const double *refl, const double *refl_se, optics_appearance *out,
                                    smp_error *err)
{
    optics_skin_bands_nm(out->band_nm);
    for (int b = 0; b < OPTICS_SKIN_BAND_COUNT; b++) {
        out->reflectance[b] = refl[b];
        out->reflectance_se[b] = refl_se[b];
    }
    smp_status st =
        optics_reflectance_to_xyz(out->band_nm, out->reflectance, OPTICS_SKIN_BAND_COUNT, out->xyz, err);
    if (st != SMP_OK) return st;
    optics_xyz_to_lab(out->xyz, out->lab);
    optics_xyz_to_linear_rgb(out->xyz, out->linear_rgb);
    out->ita_deg = optics_ita_deg(out->lab);
    return SMP_OK;
}

smp_status optics_stack_appearance(const optics_skin_params *p, uint64_t photons, uint64_t seed, int threads,
                                   optics_appearance *out, smp_error *err)
{
    smp_status st = optics_skin_params_validate(p, err);
    if (st != SMP_OK) return st;
    if (photons < DOT_MIN_PHOTONS)
        return smp_error_set(err, SMP_ERR_INPUT, "dot: photons: %llu, must be >= %d",
                             (unsigned long long)photons, DOT_MIN_PHOTONS);
    double band_nm[OPTICS_SKIN_BAND_COUNT], refl[OPTICS_SKIN_BAND_COUNT], refl_se[OPTICS_SKIN_BAND_COUNT];
    optics_skin_bands_nm(band_nm);
    for (int b = 0; b < OPTICS_SKIN_BAND_COUNT; b++) {
        optics_layer_props props[OPTICS_SKIN_MAX_LAYERS];
        int count = 0;
        optics_mc_result res;
        st = run_band(p, band_nm[b], photons, seed, threads, 0, props, &count, &res, err);
        if (st != SMP_OK) return st;
        refl[b] = res.diffuse_reflectance;
        refl_se[b] = res.diffuse_reflectance_se;
        optics_mc_result_destroy(&res);
    }
    return appearance_finish(refl, refl_se, out, err);
}

smp_status optics_skin_appearance(int fitzpatrick, uint64_t photons, uint64_t seed, int threads,
                                  optics_appearance *out, smp_error *err)
{
    if (fitzpatrick < 1 || fitzpatrick > 6)
        return smp_error_set(err, SMP_ERR_INPUT, "dot: fitzpatrick: %d, must be 1..6", fitzpatrick);
    optics_skin_params p;
    optics_skin_params_default(fitzpatrick, &p);
    return optics_stack_appearance(&p, photons, seed, threads, out, err);
}

optics_dot_params optics_dot_params_default(void)
{
    optics_dot_params p = {.fitzpatrick = 3,
                           .diameter_mm = 0.3,
                           .depth_mm = 0.4,
                           .thickness_mm = 0.1,
                           .ink_amount = 1.0,
                           .photons = 100000,
                           .seed = 1,
                           .threads = 1};
    return p;
}

static smp_status dot_params_validate(const optics_dot_params *p, smp_error *err)
{
    if (p->fitzpatrick < 1 || p->fitzpatrick > 6)
        return smp_error_set(err, SMP_ERR_INPUT, "dot: fitzpatrick: %d, must be 1..6", p->fitzpatrick);
    const struct {
        const char *name;
        double value, lo, hi;
    } f[] = {
        {"diameter_mm", p->diameter_mm, 0.01, 5.0},
        {"depth_mm", p->depth_mm, 0.0, 3.0},
        {"thickness_mm", p->thickness_mm, 0.005, 1.0},
        {"ink_amount", p->ink_amount, 0.0, 1.0},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (!(f[i].value >= f[i].lo && f[i].value <= f[i].hi))
            return smp_error_set(err, SMP_ERR_INPUT, "dot: %s: %g, must be %g..%g", f[i].name, f[i].value,
                                 f[i].lo, f[i].hi);
    if (p->photons != 0 && p->photons < DOT_MIN_PHOTONS)
        return smp_error_set(err, SMP_ERR_INPUT, "dot: photons: %llu, must be 0 (default) or >= %d",
                             (unsigned long long)p->photons, DOT_MIN_PHOTONS);
    if (p->threads < 0)
        return smp_error_set(err, SMP_ERR_INPUT, "dot: threads: %d, must be >= 0", p->threads);
    return SMP_OK;
}

/* Mean over the stack of the absorption coefficient in the depth interval [z0, z1] (cm), by overlap. */
static double stack_mean_mu_a(const optics_layer_props *props, int count, double z0, double z1)
{
    double top = 0.0, sum = 0.0, len = 0.0;
    for (int i = 0; i < count && top < z1; i++) {
        double bottom = top + props[i].thickness_cm;
        double o = fmin(bottom, z1) - fmax(top, z0);
        if (o > 0.0) {
            sum += o * props[i].mu_a_per_cm;
            len += o;
        }
        top = bottom;
    }
    return len > 0.0 ? sum / len : 0.0;
}

/* The point-spread kernel of the skin above the ink, from the bare-skin A(r, z) of a surface pencil beam:
 * fluence phi = A / mu_a (MCML manual §4.4), summed over the depth bins the ink slab covers (weighted by
 * overlap), per radial bin as a fraction of the total (overflow bin included, so kernel[DOT_NR - 1] is the
 * share beyond the grid). Reciprocity (the fluence at x' from a source at x equals the exit flux at x from a
 * source at x', Case & Zweifel) makes it the surface spread of light that reaches the ink. */
static void kernel_from_arz(const optics_mc_result *res, const optics_layer_props *props, int count,
                            double ink_top_cm, double ink_bottom_cm, double *kernel)
{
    double total = 0.0;
    for (int ir = 0; ir < res->nr; ir++)
        kernel[ir] = 0.0;
    for (int iz = 0; iz < res->nz; iz++) {
        double z0 = iz * res->dz_cm, z1 = z0 + res->dz_cm;
        double overlap = fmin(z1, ink_bottom_cm) - fmax(z0, ink_top_cm);
        if (overlap <= 0.0) continue;
        double mu_a = stack_mean_mu_a(props, count, z0, z1);
        if (mu_a <= 0.0) continue;
        for (int ir = 0; ir < res->nr; ir++) {
            double area = 2.0 * SMP_PI * (ir + 0.5) * res->dr_cm * res->dr_cm;
            double w = res->a_rz[(size_t)ir * (size_t)res->nz + (size_t)iz] / mu_a * area * overlap;
            kernel[ir] += w;
            total += w;
        }
    }
    if (total > 0.0)
        for (int ir = 0; ir < res->nr; ir++)
            kernel[ir] /= total;
}

/* Fraction of the circle of radius rho centred at distance r from the centre of a disk of radius R that
 * lies inside the disk (law of cosines for the arc). */
static double circle_in_disk(double r, double rho, double radius)
{
    if (rho <= 0.0) return r <= radius ? 1.0 : 0.0;
    if (r + rho <= radius) return 1.0;
    if (rho >= r + radius || r >= rho + radius) return 0.0;
    double c = (r * r + rho * rho - radius * radius) / (2.0 * r * rho);
    return acos(smp_clamp(c, -1.0, 1.0)) / SMP_PI;
}

/* c(r) = integral over the disk of the kernel, as a sum over the kernel's annuli (sub-sampled in radius,
 * area-weighted). The overflow bin is taken as lying outside any disk. */
static double disk_convolve(const double *kernel, double dr_mm, double r_mm, double radius_mm)
{
    double c = 0.0;
    for (int ir = 0; ir < DOT_NR - 1; ir++) {
        if (kernel[ir] == 0.0) continue;
        double f = 0.0, wsum = 0.0;
        for (int s = 0; s < DOT_SUBSAMPLES; s++) {
            double rho = (ir + (s + 0.5) / DOT_SUBSAMPLES) * dr_mm;
            f += rho * circle_in_disk(r_mm, rho, radius_mm);
            wsum += rho;
        }
        c += kernel[ir] * f / wsum;
    }
    return c;
}

static double gauss(double r, double sigma)
{
    return exp(-0.5 * r * r / (sigma * sigma));
}

/* Least-squares weights for two fixed sigmas, constrained to >= 0; returns the sum of squared residuals. */
static double fit_weights(const double *r, const double *c, int n, double s0, double s1, double w[2])
{
    double a00 = 0, a01 = 0, a11 = 0, b0 = 0, b1 = 0;
    for (int i = 0; i < n; i++) {
        double g0 = gauss(r[i], s0), g1 = gauss(r[i], s1);
        a00 += g0 * g0, a01 += g0 * g1, a11 += g1 * g1, b0 += g0 * c[i], b1 += g1 * c[i];
    }
    double det = a00 * a11 - a01 * a01;
    double cand[3][2] = {
        {0, 0}, {a00 > 0 ? fmax(0.0, b0 / a00) : 0.0, 0.0}, {0.0, a11 > 0 ? fmax(0.0, b1 / a11) : 0.0}};
    int ncand = 3;
    if (fabs(det) > 1e-12 * a00 * a11) {
        cand[0][0] = (b0 * a11 - b1 * a01) / det;
        cand[0][1] = (b1 * a00 - b0 * a01) / det;
        if (cand[0][0] < 0.0 || cand[0][1] < 0.0) cand[0][0] = cand[0][1] = 0.0;
    }
    double best = INFINITY;
    w[0] = w[1] = 0.0;
    for (int k = 0; k < ncand; k++) {
        double ss = 0.0;
        for (int i = 0; i < n; i++) {
            double e = cand[k][0] * gauss(r[i], s0) + cand[k][1] * gauss(r[i], s1) - c[i];
            ss += e * e;
        }
        if (ss < best) {
            best = ss;
            w[0] = cand[k][0];
            w[1] = cand[k][1];
        }
    }
    return best;
}

/* Grid search over log sigma (both sigmas), then two refinements around the best pair. */
double optics_dot_fit_two_gaussians(const double *r_mm, const double *c, int count, double weight[2],
                                    double sigma_mm[2])
{
    double r_max = r_mm[count - 1] > 0.0 ? r_mm[count - 1] : 1.0;
    double lo = log(r_max / 400.0), hi = log(r_max * 2.0);
    double best = INFINITY, bs0 = exp(lo), bs1 = exp(hi), w[2] = {0, 0};
    enum { STEPS = 48 };
    double step = (hi - lo) / (STEPS - 1);
    for (int pass = 0; pass < 3; pass++) {
        double c0 = log(bs0), c1 = log(bs1);
        for (int i = 0; i < STEPS; i++) {
            for (int j = 0; j < STEPS; j++) {
                double l0 = pass == 0 ? lo + i * step : c0 + (i - STEPS / 2) * step;
                double l1 = pass == 0 ? lo + j * step : c1 + (j - STEPS / 2) * step;
                if (l0 > l1) continue;
                double s0 = exp(l0), s1 = exp(l1), wt[2] = {0.0, 0.0};
                double ss = fit_weights(r_mm, c, count, s0, s1, wt);
                if (ss < best) {
                    best = ss, bs0 = s0, bs1 = s1;
                    w[0] = wt[0], w[1] = wt[1];
                }
            }
        }
        step *= 2.0 / STEPS * 2.0;
    }
    weight[0] = w[0], weight[1] = w[1];
    sigma_mm[0] = bs0, sigma_mm[1] = bs1;
    double max_err = 0.0;
    for (int i = 0; i < count; i++) {
        double e = fabs(w[0] * gauss(r_mm[i], bs0) + w[1] * gauss(r_mm[i], bs1) - c[i]);
        if (e > max_err) max_err = e;
    }
    return max_err;
}

static double darkening(double skin, double here, double covered)
{
    double d = skin - covered;
    return fabs(d) > 1e-12 ? (skin - here) / d : 0.0;
}

smp_status optics_dot_appearance_compute(const optics_dot_params *p, optics_dot_appearance *out,
                                         smp_error *err)
{
    smp_status st = dot_params_validate(p, err);
    if (st != SMP_OK) return st;
    memset(out, 0, sizeof *out);
    uint64_t photons = p->photons ? p->photons : 100000;
    int threads = p->threads ? p->threads : 1;

    optics_skin_params skin, inked;
    optics_skin_params_default(p->fitzpatrick, &skin);
    inked = skin;
    inked.ink_top_cm = p->depth_mm * 0.1;
    inked.ink_thickness_cm = p->thickness_mm * 0.1;
    inked.ink.carbon_volume_fraction *= p->ink_amount;
    double ink_bottom_cm = inked.ink_top_cm + inked.ink_thickness_cm;
    int nz = (int)ceil(ink_bottom_cm / DOT_DR_CM) + 1;

    double band_nm[OPTICS_SKIN_BAND_COUNT];
    double r_skin[OPTICS_SKIN_BAND_COUNT], se_skin[OPTICS_SKIN_BAND_COUNT];
    double r_cov[OPTICS_SKIN_BAND_COUNT], se_cov[OPTICS_SKIN_BAND_COUNT];
    optics_skin_bands_nm(band_nm);
    double(*kernel)[DOT_NR] = calloc(OPTICS_SKIN_BAND_COUNT, sizeof *kernel);
    if (!kernel) return smp_error_set(err, SMP_ERR_NOMEM, "dot: out of memory");

    for (int b = 0; b < OPTICS_SKIN_BAND_COUNT && st == SMP_OK; b++) {
        optics_layer_props props[OPTICS_SKIN_MAX_LAYERS];
        int count = 0;
        optics_mc_result res;
        st = run_band(&skin, band_nm[b], photons, p->seed, threads, nz, props, &count, &res, err);
        if (st != SMP_OK) break;
        r_skin[b] = res.diffuse_reflectance;
        se_skin[b] = res.diffuse_reflectance_se;
        kernel_from_arz(&res, props, count, inked.ink_top_cm, ink_bottom_cm, kernel[b]);
        optics_mc_result_destroy(&res);
        st = run_band(&inked, band_nm[b], photons, p->seed, threads, 0, props, &count, &res, err);
        if (st != SMP_OK) break;
        r_cov[b] = res.diffuse_reflectance;
        se_cov[b] = res.diffuse_reflectance_se;
        optics_mc_result_destroy(&res);
    }
    if (st == SMP_OK) st = appearance_finish(r_skin, se_skin, &out->skin, err);
    if (st == SMP_OK) st = appearance_finish(r_cov, se_cov, &out->covered, err);
    double weights[3 * OPTICS_SKIN_BAND_COUNT];
    if (st == SMP_OK) st = optics_band_weights_xyz(band_nm, OPTICS_SKIN_BAND_COUNT, weights, err);
    if (st != SMP_OK) {
        free(kernel);
        return st;
    }

    /* Kernel RMS radius, each band weighted by its share of the luminance difference skin - covered. */
    double dr_mm = DOT_DR_CM * 10.0, wsum = 0.0, msum = 0.0;
    for (int b = 0; b < OPTICS_SKIN_BAND_COUNT; b++) {
        double wb = weights[3 * b + 1] * (r_skin[b] - r_cov[b]);
        double m2 = 0.0;
        for (int ir = 0; ir < DOT_NR - 1; ir++)
            m2 += kernel[b][ir] * pow((ir + 0.5) * dr_mm, 2.0);
        wsum += wb;
        msum += wb * m2;
    }
    out->kernel_rms_radius_mm = wsum > 0.0 ? sqrt(msum / wsum) : 0.0;

    /* Profile: per band c_b(r), the spectrum at r, its colour, and the darkening per channel. */
    double radius_mm = 0.5 * p->diameter_mm;
    double r_max_mm = radius_mm + 2.0;
    for (int i = 0; i < OPTICS_DOT_PROFILE_COUNT; i++) {
        double r = r_max_mm * i / (OPTICS_DOT_PROFILE_COUNT - 1);
        double spectrum[OPTICS_SKIN_BAND_COUNT], xyz[3] = {0, 0, 0}, rgb[3];
        for (int b = 0; b < OPTICS_SKIN_BAND_COUNT; b++) {
            double c = disk_convolve(kernel[b], dr_mm, r, radius_mm);
            spectrum[b] = r_skin[b] - c * (r_skin[b] - r_cov[b]);
            for (int k = 0; k < 3; k++)
                xyz[k] += weights[3 * b + k] * spectrum[b];
        }
        optics_xyz_to_linear_rgb(xyz, rgb);
        out->r_mm[i] = r;
        out->profile[i] = darkening(out->skin.xyz[1], xyz[1], out->covered.xyz[1]);
        for (int k = 0; k < 3; k++)
            out->profile_linear_rgb[i][k] =
                darkening(out->skin.linear_rgb[k], rgb[k], out->covered.linear_rgb[k]);
        if (i == 0) {
            for (int k = 0; k < 3; k++)
                out->centre_linear_rgb[k] = rgb[k];
            optics_xyz_to_lab(xyz, out->centre_lab);
        }
    }
    free(kernel);

    out->half_max_radius_mm = r_max_mm;
    double half = 0.5 * out->profile[0];
    for (int i = 1; i < OPTICS_DOT_PROFILE_COUNT; i++) {
        if (out->profile[i] <= half) {
            double a = out->profile[i - 1], b = out->profile[i];
            double t = a > b ? (a - half) / (a - b) : 0.0;
            out->half_max_radius_mm = out->r_mm[i - 1] + t * (out->r_mm[i] - out->r_mm[i - 1]);
            break;
        }
    }
    out->fit_max_abs_error = optics_dot_fit_two_gaussians(out->r_mm, out->profile, OPTICS_DOT_PROFILE_COUNT,
                                                          out->gauss_weight, out->gauss_sigma_mm);
    return SMP_OK;
}
