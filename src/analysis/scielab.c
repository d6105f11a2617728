/* scielab: the eye's spatial filter, then CIEDE2000; method and numbers in scielab.h. */
#include "analysis/scielab.h"

#include "analysis/analysis.h"
#include "optics/colour.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* XYZ (CIE 1931 2 degree) -> opponent channels, and back (ISET cmatrix 'xyz2opp'). */
static const double xyz2opp[3][3] = {
    {0.2787336, 0.7218031, -0.1065520},
    {-0.4487736, 0.2898056, 0.0771569},
    {0.0859513, -0.5899859, 0.5011089},
};

/* The 1996 spreads (degrees) and weights per channel; the third term of the chromatic channels is absent. */
static const double spread_deg[3][3] = {{0.0283, 0.133, 4.336}, {0.0392, 0.494, 0.0}, {0.0536, 0.386, 0.0}};
static const double weight[3][3] = {{0.921, 0.105, -0.108}, {0.531, 0.330, 0.0}, {0.488, 0.371, 0.0}};

static void invert3(const double m[3][3], double out[3][3])
{
    double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
                 m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
                 m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    out[0][0] = (m[1][1] * m[2][2] - m[1][2] * m[2][1]) / det;
    out[0][1] = (m[0][2] * m[2][1] - m[0][1] * m[2][2]) / det;
    out[0][2] = (m[0][1] * m[1][2] - m[0][2] * m[1][1]) / det;
    out[1][0] = (m[1][2] * m[2][0] - m[1][0] * m[2][2]) / det;
    out[1][1] = (m[0][0] * m[2][2] - m[0][2] * m[2][0]) / det;
    out[1][2] = (m[0][2] * m[1][0] - m[0][0] * m[1][2]) / det;
    out[2][0] = (m[1][0] * m[2][1] - m[1][1] * m[2][0]) / det;
    out[2][1] = (m[0][1] * m[2][0] - m[0][0] * m[2][1]) / det;
    out[2][2] = (m[0][0] * m[1][1] - m[0][1] * m[1][0]) / det;
}

double analysis_pixels_per_degree(double mm_per_px, double distance_mm)
{
    return distance_mm * tan(SMP_PI / 180.0) / mm_per_px;
}

/* The image in opponent channels, planar: 3 x w x h. */
static void to_opponent(const uint8_t *rgba, int w, int h, float *opp)
{
    size_t n = (size_t)w * h;
    for (size_t i = 0; i < n; ++i) {
        double rgb[3], xyz[3];
        for (int c = 0; c < 3; ++c)
            rgb[c] = optics_srgb8_to_linear(rgba[4 * i + c]);
        optics_linear_rgb_to_xyz(rgb, xyz);
        for (int k = 0; k < 3; ++k)
            opp[k * n + i] =
                (float)(xyz2opp[k][0] * xyz[0] + xyz2opp[k][1] * xyz[1] + xyz2opp[k][2] * xyz[2]);
    }
}

/* A 1-D Gaussian exp(-x^2 / s^2) over [-r, r] pixels, normalised to sum 1. */
static void gaussian(double s_px, int r, double *k)
{
    double sum = 0.0;
    for (int i = -r; i <= r; ++i)
        sum += k[i + r] = exp(-(double)(i * i) / (s_px * s_px));
    for (int i = 0; i <= 2 * r; ++i)
        k[i] /= sum;
}

/* dst = src (w x h) convolved with k (2r+1 taps) along x, or along y; edges clamped. */
static void blur_1d(const float *src, float *dst, int w, int h, const double *k, int r, bool along_y)
{
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            double s = 0.0;
            for (int i = -r; i <= r; ++i) {
                int xx = x, yy = y;
                if (along_y)
                    yy = y + i < 0 ? 0 : (y + i >= h ? h - 1 : y + i);
                else
                    xx = x + i < 0 ? 0 : (x + i >= w ? w - 1 : x + i);
                s += k[i + r] * src[(size_t)yy * w + xx];
            }
            dst[(size_t)y * w + x] = (float)s;
        }
}

/* dst = src convolved with k along x, then along y. tmp holds w x h. */
static void blur(const float *src, float *dst, float *tmp, int w, int h, const double *k, int r)
{
    blur_1d(src, tmp, w, h, k, r, false);
    blur_1d(tmp, dst, w, h, k, r, true);
}

/* Filters the opponent planes in place with each channel's sum of Gaussians (each separable). */
static smp_status filter(float *opp, int w, int h, double px_per_deg)
{
    size_t n = (size_t)w * h;
    int r = (int)ceil(px_per_deg / 2.0); /* half a degree */
    double *k = malloc(sizeof *k * (size_t)(2 * r + 1));
    float *acc = malloc(sizeof *acc * n), *part = malloc(sizeof *part * n), *tmp = malloc(sizeof *tmp * n);
    if (!k || !acc || !part || !tmp) {
        free(k), free(acc), free(part), free(tmp);
        return SMP_ERR_NOMEM;
    }
    for (int c = 0; c < 3; ++c) {
        float *plane = opp + c * n;
        double wsum = 0.0;
        for (int g = 0; g < 3; ++g)
            wsum += weight[c][g];
        memset(acc, 0, sizeof *acc * n);
        for (int g = 0; g < 3; ++g) {
            if (weight[c][g] == 0.0) continue;
            /* A 2-D Gaussian exp(-(x^2 + y^2) / s^2) is the product of two 1-D ones of the same s. */
            gaussian(spread_deg[c][g] * px_per_deg, r, k);
            blur(plane, part, tmp, w, h, k, r);
            for (size_t i = 0; i < n; ++i)
                acc[i] += (float)(weight[c][g] / wsum) * part[i];
        }
        memcpy(plane, acc, sizeof *acc * n);
    }
    free(k), free(acc), free(part), free(tmp);
    return SMP_OK;
}

smp_status analysis_scielab_delta_e00(const uint8_t *a, const uint8_t *b, int w, int h, double px_per_deg,
                                      float *delta_e, smp_error *err)
{
    if (!a || !b || !delta_e || w < 1 || h < 1 || (size_t)w * h > (size_t)1 << 26)
        return smp_error_set(err, SMP_ERR_INPUT, "scielab: images of %d x %d pixels: need 1..2^26 pixels", w,
                             h);
    if (!(px_per_deg >= 2.0 && px_per_deg <= 1000.0))
        return smp_error_set(err, SMP_ERR_INPUT, "scielab: %g pixels per degree: must be 2..1000",
                             px_per_deg);
    size_t n = (size_t)w * h;
    float *oa = malloc(sizeof *oa * 3 * n), *ob = malloc(sizeof *ob * 3 * n);
    smp_status st = oa && ob ? SMP_OK : SMP_ERR_NOMEM;
    if (st == SMP_OK) {
        to_opponent(a, w, h, oa);
        to_opponent(b, w, h, ob);
        st = filter(oa, w, h, px_per_deg);
        if (st == SMP_OK) st = filter(ob, w, h, px_per_deg);
    }
    if (st != SMP_OK) {
        free(oa), free(ob);
        return smp_error_set(err, st, "scielab: out of memory for %d x %d pixels", w, h);
    }
    double opp2xyz[3][3];
    invert3(xyz2opp, opp2xyz);
    for (size_t i = 0; i < n; ++i) {
        double lab[2][3];
        for (int m = 0; m < 2; ++m) {
            const float *o = m == 0 ? oa : ob;
            double xyz[3];
            for (int k = 0; k < 3; ++k)
                xyz[k] = opp2xyz[k][0] * o[i] + opp2xyz[k][1] * o[n + i] + opp2xyz[k][2] * o[2 * n + i];
            optics_xyz_to_lab(xyz, lab[m]);
        }
        delta_e[i] = (float)analysis_delta_e00(lab[0], lab[1]);
    }
    free(oa), free(ob);
    return SMP_OK;
}
