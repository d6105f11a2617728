/* deposit: the ink column of a needle and its real-time look. Method and numbers: docs/optics-model.md §8. */
#include "optics/deposit.h"

#include <math.h>
#include <string.h>

#include "optics/skin.h"

double optics_deposit_junction_mm(void)
{
    optics_skin_params p;
    optics_skin_params_default(3, &p);
    return 10.0 * (p.stratum_corneum_cm + p.epidermis_cm);
}

double optics_deposit_papillary_bottom_mm(void)
{
    optics_skin_params p;
    optics_skin_params_default(3, &p);
    return 10.0 * (p.stratum_corneum_cm + p.epidermis_cm + p.papillary_dermis_cm);
}

static int column_segments(const optics_deposit *d, optics_deposit_segment out[OPTICS_DEPOSIT_MAX_SEGMENTS])
{
    if (!(d->ink_load > 0.0) || !(d->diameter_mm > 0.0)) return 0;
    double junction = optics_deposit_junction_mm(), papillary = optics_deposit_papillary_bottom_mm();
    /* Even a needle that barely enters the dermis leaves a thin column: at least 0.02 mm of track. */
    double tip = fmax(d->needle_depth_mm, junction + 0.02);
    double per_mm = d->ink_load * OPTICS_DEPOSIT_TRACK_INK / 0.1; /* table ink units per mm of track */
    double core_bottom = fmin(tip, papillary);
    out[0] =
        (optics_deposit_segment){junction, core_bottom, d->diameter_mm, per_mm * (core_bottom - junction)};
    if (tip <= papillary + 1e-9) return 1;
    /* Blowout: below the papillary dermis the column widens linearly with depth; the same carbon per length
     * of track is spread over the wider area. Two pieces follow the cone. */
    int n = 1;
    double half = 0.5 * (tip - papillary);
    for (int k = 0; k < 2; ++k) {
        double top = papillary + k * half, mid = top + 0.5 * half;
        double width = d->diameter_mm + OPTICS_DEPOSIT_BLOWOUT_WIDENING * (mid - papillary);
        double ink = per_mm * half * pow(d->diameter_mm / width, 2.0);
        out[n++] = (optics_deposit_segment){top, top + half, width, ink};
    }
    return n;
}

int optics_deposit_segments(const optics_deposit *d, optics_deposit_segment out[OPTICS_DEPOSIT_MAX_SEGMENTS])
{
    int n = column_segments(d, out);
    /* Over the years the whole column moves deeper (ageing/); its shape is the one the needle left. */
    double sink = d->sink_mm > 0.0 ? d->sink_mm : 0.0;
    for (int s = 0; s < n; ++s)
        out[s].top_mm += sink, out[s].bottom_mm += sink;
    return n;
}

void optics_deposit_terms(const optics_table *t, int fitzpatrick, const optics_deposit *d,
                          optics_dot_terms *out)
{
    memset(out, 0, sizeof *out);
    optics_deposit_segment seg[OPTICS_DEPOSIT_MAX_SEGMENTS];
    int n = t->ink_count > 0 ? optics_deposit_segments(d, seg) : 0;
    if (n == 0) return;
    /* Collect every segment's two terms per channel. */
    double a[3][2 * OPTICS_DEPOSIT_MAX_SEGMENTS] = {{0}}, v[3][2 * OPTICS_DEPOSIT_MAX_SEGMENTS] = {{0}};
    double core_transmit[3] = {1.0, 1.0, 1.0};
    int m = 0;
    for (int s = 0; s < n; ++s) {
        /* The table's slab is ink_thickness_mm thick with its top at the segment's top; the carbon per area
         * is what sets the optical depth (docs/optics-model.md §3), so a thicker segment is looked up by its
         * total ink. */
        optics_dot_look look;
        optics_table_dot_look(t, fitzpatrick, seg[s].top_mm, seg[s].ink, seg[s].diameter_mm, &look);
        double sd = seg[s].diameter_mm * OPTICS_TABLE_SPOT_SIGMA_PER_DIAMETER, sd2 = sd * sd;
        double overlap = s == 0 ? 0.0 : fmin(1.0, pow(seg[0].diameter_mm / seg[s].diameter_mm, 2.0));
        for (int c = 0; c < 3; ++c) {
            double skin = fmax(look.skin_linear_rgb[c], 1e-6),
                   covered = fmax(look.covered_linear_rgb[c], 1e-6);
            double ln_ratio = fmax(log(skin / covered), 0.0);
            if (s == 0) core_transmit[c] = fmin(1.0, covered / skin);
            /* Light that reaches a lower piece under the core has crossed the core's ink. */
            double shade = 1.0 - overlap * (1.0 - core_transmit[c]);
            for (int k = 0; k < OPTICS_TABLE_KERNEL_TERMS && k < 2; ++k) {
                double sk = look.kernel_sigma_mm[c][k];
                double var = sd2 + sk * sk;
                a[c][m + k] = look.gain[c][k] * look.kernel_weight[c][k] * sd2 / var * ln_ratio * shade;
                v[c][m + k] = var;
            }
        }
        m += 2;
    }
    double vmax[2] = {0.0, 0.0};
    for (int c = 0; c < 3; ++c) {
        out->amplitude[c][0] = a[c][0];
        out->variance_mm2[c][0] = v[c][0];
        /* The rest merged by moments: integral ~ a v and second moment ~ a v^2 conserved. */
        double i1 = 0.0, i2 = 0.0;
        for (int j = 1; j < m; ++j) {
            i1 += a[c][j] * v[c][j];
            i2 += a[c][j] * v[c][j] * v[c][j];
        }
        if (i1 > 0.0) {
            out->variance_mm2[c][1] = i2 / i1;
            out->amplitude[c][1] = i1 / out->variance_mm2[c][1];
        } else {
            out->variance_mm2[c][1] = v[c][1];
        }
        /* Reach: where every term has fallen below OPTICS_DOT_DENSITY_VISIBLE (a weak wide term reaches
         * less far than a strong one of the same width). */
        for (int k = 0; k < 2; ++k) {
            double a_k = out->amplitude[c][k];
            if (a_k > OPTICS_DOT_DENSITY_VISIBLE)
                vmax[k] =
                    fmax(vmax[k], 2.0 * out->variance_mm2[c][k] * log(a_k / OPTICS_DOT_DENSITY_VISIBLE));
        }
    }
    out->term_reach_mm[0] = sqrt(vmax[0]);
    out->term_reach_mm[1] = sqrt(vmax[1]);
    out->reach_mm = fmax(out->term_reach_mm[0], out->term_reach_mm[1]);
}

void optics_deposit_density_max(const optics_table *t, int fitzpatrick, double out[3])
{
    out[0] = out[1] = out[2] = 0.0;
    if (t->ink_count < 1 || t->depth_count < 1) return;
    int tx = fitzpatrick < 1 ? 0 : (fitzpatrick > 6 ? 5 : fitzpatrick - 1);
    for (int c = 0; c < 3; ++c) {
        double skin = t->skin_linear_rgb[tx][c], floor = t->covered_linear_rgb[tx][0][t->ink_count - 1][c];
        if (skin > 0.0 && floor > 0.0 && skin > floor) out[c] = log(skin / floor);
    }
}

double optics_dot_terms_density(const optics_dot_terms *terms, int channel, double r_mm)
{
    if (channel < 0 || channel > 2) return 0.0;
    double d = 0.0;
    for (int k = 0; k < 2; ++k)
        if (terms->variance_mm2[channel][k] > 0.0)
            d += terms->amplitude[channel][k] * exp(-0.5 * r_mm * r_mm / terms->variance_mm2[channel][k]);
    return d;
}

double optics_dot_terms_darkening_mm2(const optics_dot_terms *terms, int channel)
{
    if (channel < 0 || channel > 2) return 0.0;
    double vmax = fmax(terms->variance_mm2[channel][0], terms->variance_mm2[channel][1]);
    if (!(vmax > 0.0)) return 0.0;
    /* Simpson's rule over r in [0, 7 sigma of the wider term]; the integrand is smooth, and 160 intervals
     * keep the narrow term (at least a fifth of the range for the tables' profiles) within 1e-4. */
    double r_max = 7.0 * sqrt(vmax), sum = 0.0;
    const int steps = 160;
    for (int i = 0; i <= steps; ++i) {
        double r = r_max * i / steps;
        double f = -expm1(-optics_dot_terms_density(terms, channel, r)) * 2.0 * SMP_PI * r;
        sum += (i == 0 || i == steps ? 1.0 : (i % 2 ? 4.0 : 2.0)) * f;
    }
    return sum * r_max / steps / 3.0;
}
