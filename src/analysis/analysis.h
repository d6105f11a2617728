/* analysis: measurements on rendered images. A rendered image is sRGB8 RGBA (render_frame_read_srgb8's
 * rows, top row first); colours are averaged in linear light, because that is how light from neighbouring
 * points mixes in the eye at a distance (averaging the encoded sRGB values would make a fine pattern of
 * dark dots on skin read too dark), then converted to CIELAB (D65) and compared with CIEDE2000. The colour
 * science is optics/colour.h's; this module only decides which pixels count and how they are averaged.
 * Plain C: no GL, no SDL, no printing; depends on core and optics only.
 *
 *     analysis_region_colour c;
 *     if (analysis_disc_mean_srgb8(rgba, w, h, w / 2.0, h / 2.0, 20.0, &c, &err) != SMP_OK) ...;
 *     double de = analysis_delta_e00(c.lab, reference.lab);
 */
#ifndef SMP_ANALYSIS_H
#define SMP_ANALYSIS_H

#include "core/core.h"

/* The mean colour of a region of an image. */
typedef struct analysis_region_colour {
    double linear_rgb[3]; /* mean of the decoded sRGB values: linear light, 0..1 */
    double lab[3];        /* CIELAB of that mean (D65 white; L* 0..100) */
    int pixel_count;      /* pixels averaged */
} analysis_region_colour;

/* Mean colour of the pixels of an sRGB8 RGBA image (width x height, rows of width * 4 bytes, top row first)
 * whose centres lie within radius_px of (centre_x_px, centre_y_px); pixel (x, y) covers [x, x+1) x [y, y+1),
 * so (width / 2, height / 2) is the middle of the image. Alpha is ignored. The disc is clipped to the image;
 * SMP_ERR_INPUT when it covers no pixel centre. rgba must not be NULL and radius_px must be > 0. */
smp_status analysis_disc_mean_srgb8(const uint8_t *rgba, int width, int height, double centre_x_px,
                                    double centre_y_px, double radius_px, analysis_region_colour *out,
                                    smp_error *err);

/* Linear sRGB (IEC 61966-2-1, 0..1) -> CIELAB with the D65 white; values are not clipped. */
void analysis_linear_rgb_to_lab(const double linear_rgb[3], double lab[3]);

/* CIEDE2000 difference (kL = kC = kH = 1) between two CIELAB colours; symmetric, 0 for equal colours. */
double analysis_delta_e00(const double lab1[3], const double lab2[3]);

#endif
