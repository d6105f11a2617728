/* table_fit: fits the baked Monte Carlo results to the tables' real-time form (table_internal.h): sums of
 * Gaussians to cumulative radial masses, and the two gains of a dot's form to its darkening. Used by bake.c.
 * Method in docs/optics-model.md §7. */
#include <math.h>

#include "optics/table_internal.h"

/* ---- sums of Gaussians ----------------------------------------------------------------------------------
 */

/* Cumulative mass of a normalised 2-D Gaussian of sigma s within radius r. */
static double gauss_cdf(double r, double s)
{
    return -expm1(-0.5 * r * r / (s * s));
}

/* Non-negative weights summing to 1 that best fit y at the n radii for the given sigmas (least squares),
 * by trying every active set (at most 3 terms: 7 subsets). Returns the sum of squared residuals. */
static double fit_weights_simplex(const double *r, const double *y, int n, int terms, const double *s,
                                  double *w)
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
                for (int j = 0; j < m - 1; j++)
                    f[j] = gauss_cdf(r[i], s[idx[j]]) - last;
                for (int j = 0; j < m - 1; j++) {
                    b[j] += f[j] * res;
                    for (int k = 0; k < m - 1; k++)
                        a[j][k] += f[j] * f[k];
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
            for (int k = 0; k < terms; k++)
                e += cand[k] * gauss_cdf(r[i], s[k]);
            ss += e * e;
        }
        if (ss < best) {
            best = ss;
            for (int k = 0; k < terms; k++)
                w[k] = cand[k];
        }
    }
    return best;
}

void optics_table_fit_cdf(const double *r, const double *y, int n, int terms, double *w, double *s)
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
        for (int k = 0; k < terms; k++)
            total *= span;
        for (int c = 0; c < total; c++) {
            int rem = c;
            for (int k = 0; k < terms; k++)
                i[k] = rem % span, rem /= span;
            double l[3];
            int sorted = 1;
            for (int k = 0; k < terms; k++) {
                l[k] = pass == 0 ? lo + i[k] * step : centre[k] + (i[k] - span / 2) * step;
                if (k > 0 && l[k] < l[k - 1]) sorted = 0;
            }
            if (!sorted) continue;
            for (int k = 0; k < terms; k++)
                cur_s[k] = exp(l[k]);
            double ss = fit_weights_simplex(r, y, n, terms, cur_s, cur_w);
            if (ss < best) {
                best = ss;
                for (int k = 0; k < terms; k++)
                    bl[k] = l[k], w[k] = cur_w[k], s[k] = cur_s[k];
            }
        }
        step /= 4.0;
    }
}

/* ---- gains of the real-time form -------------------------------------------------------------------------
 */

/* The diffuse term's gain in [lo, 1e3] that gives the real-time form the darkening `total` (mm²), the sharp
 * term's gain g0 (or the same as the diffuse one where equal): bisection on the log of the gain. */
static double bisect_gain(const optics_dot_look *look, int c, double diameter_mm, double g0, bool equal,
                          double lo, int iterations, double total)
{
    double hi = 1e3;
    for (int it = 0; it < iterations; it++) {
        double mid = sqrt(lo * hi);
        if (optics_table_formula_deficit_mm2(look, c, diameter_mm, equal ? mid : g0, mid, 0.0) < total)
            lo = mid;
        else
            hi = mid;
    }
    return sqrt(lo * hi);
}

/* The one gain for both terms that gives the real-time form the darkening `total` (mm²). */
static double solve_equal_gain(const optics_dot_look *look, int c, double diameter_mm, double total)
{
    return bisect_gain(look, c, diameter_mm, 0.0, true, 1e-3, 50, total);
}

/* The diffuse term's gain that, with the sharp term's g0, gives the real-time form the darkening `total`
 * (bisection; GAIN_MIN when even that darkens too much). */
#define GAIN_MIN 0.02
static double solve_diffuse_gain(const optics_dot_look *look, int c, double diameter_mm, double g0,
                                 double total)
{
    if (optics_table_formula_deficit_mm2(look, c, diameter_mm, g0, GAIN_MIN, 0.0) >= total) return GAIN_MIN;
    return bisect_gain(look, c, diameter_mm, g0, false, GAIN_MIN, 40, total);
}

/* Along the curve where the total darkening is right, the footprint's share grows with the sharp term's gain:
 * bisection on g0 in [GAIN_MIN, the g0 that alone gives the total] for the footprint, clamped to the ends
 * when the footprint cannot be reached (the closest the form can come). */
static void solve_gains_on_total(const optics_dot_look *look, int c, double diameter_mm, double total,
                                 double foot, double g[2])
{
    double radius = 0.5 * diameter_mm, lo = GAIN_MIN, hi = 1e3;
    /* The largest g0: the one that gives the whole total with the diffuse term at its floor. */
    for (int it = 0; it < 40; it++) {
        double mid = sqrt(lo * hi);
        if (optics_table_formula_deficit_mm2(look, c, diameter_mm, mid, GAIN_MIN, 0.0) < total)
            lo = mid;
        else
            hi = mid;
    }
    double g0_max = sqrt(lo * hi);
    lo = GAIN_MIN, hi = g0_max;
    for (int it = 0; it < 30; it++) {
        double mid = sqrt(lo * hi), g1 = solve_diffuse_gain(look, c, diameter_mm, mid, total);
        if (optics_table_formula_deficit_mm2(look, c, diameter_mm, mid, g1, radius) < foot)
            lo = mid;
        else
            hi = mid;
    }
    g[0] = sqrt(lo * hi);
    g[1] = solve_diffuse_gain(look, c, diameter_mm, g[0], total);
}

/* Newton on the two equations from the equal-gain solution, with a numerical Jacobian; where it does not
 * converge to 0.1 % (a footprint share beyond what the form's shape can give) the closest solution along the
 * total's curve (solve_gains_on_total). */
void optics_table_gains_solve(const optics_dot_look *look, int c, double diameter_mm, double total,
                              double foot, double foot_se, double g[2])
{
    double ge = solve_equal_gain(look, c, diameter_mm, total), radius = 0.5 * diameter_mm;
    g[0] = g[1] = ge;
    if (!(foot > 4.0 * foot_se && foot < total)) return;
    double x[2] = {ge, ge};
    for (int it = 0; it < 20; it++) {
        double r[2] = {optics_table_formula_deficit_mm2(look, c, diameter_mm, x[0], x[1], 0.0) - total,
                       optics_table_formula_deficit_mm2(look, c, diameter_mm, x[0], x[1], radius) - foot};
        if (fabs(r[0]) < 1e-3 * total && fabs(r[1]) < 1e-3 * foot) {
            g[0] = x[0], g[1] = x[1];
            return;
        }
        double j[2][2];
        for (int k = 0; k < 2; k++) {
            double y[2] = {x[0], x[1]}, h = 1e-4 * fmax(x[k], 0.1);
            y[k] += h;
            j[0][k] =
                (optics_table_formula_deficit_mm2(look, c, diameter_mm, y[0], y[1], 0.0) - total - r[0]) / h;
            j[1][k] =
                (optics_table_formula_deficit_mm2(look, c, diameter_mm, y[0], y[1], radius) - foot - r[1]) /
                h;
        }
        double det = j[0][0] * j[1][1] - j[0][1] * j[1][0];
        if (!(fabs(det) > 0.0)) break;
        double dx0 = (r[0] * j[1][1] - r[1] * j[0][1]) / det, dx1 = (j[0][0] * r[1] - j[1][0] * r[0]) / det;
        /* Damped: no gain falls by more than half or rises by more than double in one step. */
        double step = 1.0;
        if (x[0] - dx0 < 0.5 * x[0]) step = fmin(step, 0.5 * x[0] / dx0);
        if (x[1] - dx1 < 0.5 * x[1]) step = fmin(step, 0.5 * x[1] / dx1);
        if (x[0] - dx0 > 2.0 * x[0]) step = fmin(step, -x[0] / dx0);
        if (x[1] - dx1 > 2.0 * x[1]) step = fmin(step, -x[1] / dx1);
        x[0] = fmax(x[0] - step * dx0, GAIN_MIN);
        x[1] = fmax(x[1] - step * dx1, GAIN_MIN);
    }
    solve_gains_on_total(look, c, diameter_mm, total, foot, g);
}
