/* table: the optics tables' real-time dot form and their look-up (table.h). The tables are read and written
 * in table_json.c, baked in bake.c from the Monte Carlo, with the fits of table_fit.c. Method, numbers and
 * sources in docs/optics-model.md, "Baked optics tables". */
#include "optics/table.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "optics/table_internal.h"

/* ---- the real-time form -------------------------------------------------------------------------------- */

double optics_table_dot_profile(const optics_dot_look *look, int channel, double diameter_mm, double r_mm)
{
    assert(look && channel >= 0 && channel <= 2);
    if (channel < 0 || channel > 2) return 0.0;
    double sd2 = pow(diameter_mm * OPTICS_TABLE_SPOT_SIGMA_PER_DIAMETER, 2.0), c = 0.0;
    for (int k = 0; k < OPTICS_TABLE_KERNEL_TERMS; k++) {
        double v = sd2 + look->kernel_sigma_mm[channel][k] * look->kernel_sigma_mm[channel][k];
        if (v <= 0.0) continue;
        c += look->gain[channel][k] * look->kernel_weight[channel][k] * sd2 / v *
             exp(-r_mm * r_mm / (2.0 * v));
    }
    return c;
}

/* Darkening, mm², of the real-time form with gains g0 (sharp term) and g1 (diffuse term) on one channel
 * within radius_mm of the centre (<= 0: everywhere): int R_skin (1 - exp(-c(r) ln(R_skin / R_cov))) dA
 * (trapezoid on 400 radii). */
double optics_table_formula_deficit_mm2(const optics_dot_look *look, int ch, double diameter_mm, double g0,
                                        double g1, double radius_mm)
{
    if (ch < 0 || ch > 2) return 0.0;
    double rs = look->skin_linear_rgb[ch], rc = look->covered_linear_rgb[ch];
    if (!(rs > 0.0 && rc > 0.0 && rs > rc)) return 0.0;
    double l = log(rs / rc), smax = 0.0;
    for (int k = 0; k < OPTICS_TABLE_KERNEL_TERMS; k++)
        smax = fmax(smax, look->kernel_sigma_mm[ch][k]);
    double r_max = radius_mm > 0.0 ? radius_mm : 6.0 * hypot(smax, diameter_mm), sum = 0.0;
    const int n = 400;
    optics_dot_look one = *look;
    one.gain[ch][0] = g0;
    one.gain[ch][1] = g1;
    for (int i = 0; i <= n; i++) {
        double r = r_max * i / n;
        double f = rs * -expm1(-optics_table_dot_profile(&one, ch, diameter_mm, r) * l) * 2.0 * SMP_PI * r;
        sum += (i == 0 || i == n ? 0.5 : 1.0) * f;
    }
    return sum * r_max / n;
}

double optics_table_dot_darkening_within_mm2(const optics_dot_look *look, int channel, double diameter_mm,
                                             double radius_mm)
{
    if (channel < 0 || channel > 2) return 0.0;
    double d = look->skin_linear_rgb[channel] - look->covered_linear_rgb[channel];
    return d > 0.0 ? optics_table_formula_deficit_mm2(look, channel, diameter_mm, look->gain[channel][0],
                                                      look->gain[channel][1], radius_mm) /
                         d
                   : 0.0;
}

double optics_table_dot_darkening_mm2(const optics_dot_look *look, int channel, double diameter_mm)
{
    return optics_table_dot_darkening_within_mm2(look, channel, diameter_mm, 0.0);
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
    while (k < n - 2 && x > grid[k + 1])
        k++;
    *i = k;
    *f = (x - grid[k]) / (grid[k + 1] - grid[k]);
}

/* Index and fraction of x on an ascending grid in log space (for positive grids such as diameters). */
static void grid_locate_log(const double *grid, int n, double x, int *i, double *f)
{
    double lg[OPTICS_TABLE_MAX_DIAMETERS];
    for (int k = 0; k < n; ++k)
        lg[k] = log(grid[k]);
    grid_locate(lg, n, log(fmax(x, 1e-9)), i, f);
}

void optics_table_dot_look(const optics_table *t, int fitzpatrick, double depth_mm, double ink,
                           double diameter_mm, optics_dot_look *out)
{
    assert(t && out); /* a skin type outside 1..6 is clamped */
    memset(out, 0, sizeof *out);
    if (t->ink_count < 1 || t->depth_count < 1 || t->diameter_count < 1) return;
    int tx = fitzpatrick < 1 ? 0 : (fitzpatrick > 6 ? 5 : fitzpatrick - 1);
    int di, ki, si;
    double df, kf, sf;
    /* Below the grid's smallest ink the dot is the smallest ink's, its gain scaled down linearly. */
    double below = ink < t->ink[0] ? fmax(ink, 0.0) / t->ink[0] : 1.0;
    grid_locate(t->depth_mm, t->depth_count, depth_mm, &di, &df);
    grid_locate(t->ink, t->ink_count, ink, &ki, &kf);
    grid_locate_log(t->diameter_mm, t->diameter_count, diameter_mm, &si, &sf);
    int d1 = t->depth_count > 1 ? di + 1 : di, k1 = t->ink_count > 1 ? ki + 1 : ki;
    int s1 = t->diameter_count > 1 ? si + 1 : si;
    for (int c = 0; c < 3; c++) {
        out->skin_linear_rgb[c] = t->skin_linear_rgb[tx][c];
        double cov0 = smp_mix(t->covered_linear_rgb[tx][di][ki][c], t->covered_linear_rgb[tx][di][k1][c], kf);
        double cov1 = smp_mix(t->covered_linear_rgb[tx][d1][ki][c], t->covered_linear_rgb[tx][d1][k1][c], kf);
        out->covered_linear_rgb[c] = smp_mix(cov0, cov1, df);
        for (int term = 0; term < OPTICS_TABLE_KERNEL_TERMS; ++term) {
            double g[2][2];
            for (int a = 0; a < 2; ++a) {
                int d = a ? d1 : di;
                for (int b = 0; b < 2; ++b) {
                    int k = b ? k1 : ki;
                    g[a][b] = smp_mix(t->gain[tx][d][k][si][c][term], t->gain[tx][d][k][s1][c][term], sf);
                }
            }
            out->gain[c][term] =
                below * smp_mix(smp_mix(g[0][0], g[0][1], kf), smp_mix(g[1][0], g[1][1], kf), df);
        }
        for (int k = 0; k < OPTICS_TABLE_KERNEL_TERMS; k++) {
            out->kernel_weight[c][k] =
                smp_mix(t->kernel_weight[tx][di][c][k], t->kernel_weight[tx][d1][c][k], df);
            out->kernel_sigma_mm[c][k] =
                smp_mix(t->kernel_sigma_mm[tx][di][c][k], t->kernel_sigma_mm[tx][d1][c][k], df);
        }
    }
}
