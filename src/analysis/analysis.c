/* Image measurements: the mean colour of a disc, in linear light (analysis.h says why). */
#include "analysis/analysis.h"

#include "optics/colour.h"

#include <assert.h>
#include <math.h>

smp_status analysis_disc_mean_srgb8(const uint8_t *rgba, int width, int height, double centre_x_px,
                                    double centre_y_px, double radius_px, analysis_region_colour *out,
                                    smp_error *err)
{
    assert(rgba && out && width > 0 && height > 0 && radius_px > 0.0);
    assert(isfinite(centre_x_px) && isfinite(centre_y_px) && isfinite(radius_px));
    /* Decoding each byte through the table keeps the sums exact to the table's values; the sums are in
     * double, so a full 8192 x 8192 image loses nothing to rounding that matters at 8 bits. */
    double decode[256];
    for (int v = 0; v < 256; ++v)
        decode[v] = optics_srgb8_to_linear((uint8_t)v);
    /* The bounding box of the disc, clamped to the image in double before the conversion to int. */
    int y0 = (int)smp_clamp(floor(centre_y_px - radius_px), 0.0, height);
    int y1 = (int)smp_clamp(ceil(centre_y_px + radius_px), -1.0, height - 1);
    int x0 = (int)smp_clamp(floor(centre_x_px - radius_px), 0.0, width);
    int x1 = (int)smp_clamp(ceil(centre_x_px + radius_px), -1.0, width - 1);
    double sum[3] = {0.0, 0.0, 0.0}, r2 = radius_px * radius_px;
    int n = 0;
    for (int y = y0; y <= y1; ++y) {
        double dy = y + 0.5 - centre_y_px;
        for (int x = x0; x <= x1; ++x) {
            double dx = x + 0.5 - centre_x_px;
            if (dx * dx + dy * dy > r2) continue;
            const uint8_t *p = rgba + 4 * ((size_t)y * (size_t)width + (size_t)x);
            for (int k = 0; k < 3; ++k)
                sum[k] += decode[p[k]];
            ++n;
        }
    }
    if (n == 0)
        return smp_error_set(
            err, SMP_ERR_INPUT,
            "analysis: the disc of radius %g pixels at (%g, %g) covers no pixel of the %dx%d image",
            radius_px, centre_x_px, centre_y_px, width, height);
    for (int k = 0; k < 3; ++k)
        out->linear_rgb[k] = sum[k] / n;
    out->pixel_count = n;
    analysis_linear_rgb_to_lab(out->linear_rgb, out->lab);
    return SMP_OK;
}

void analysis_linear_rgb_to_lab(const double linear_rgb[3], double lab[3])
{
    double xyz[3];
    optics_linear_rgb_to_xyz(linear_rgb, xyz);
    optics_xyz_to_lab(xyz, lab);
}

double analysis_delta_e00(const double lab1[3], const double lab2[3])
{
    return optics_ciede2000(lab1, lab2);
}
