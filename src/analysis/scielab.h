/* analysis/scielab: how different two images look to a person at a given viewing distance, S-CIELAB style
 * (Zhang & Wandell 1996; ../shared/references/optics.md §5.5). Each image goes from sRGB to CIE XYZ and to
 * the three opponent channels (luminance, red-green, blue-yellow); each channel is blurred by the eye's
 * spatial sensitivity, a weighted sum of Gaussians whose spreads are given in degrees of visual angle (the
 * published 1996 values), so that detail finer than the eye resolves at that distance cancels; then back to
 * XYZ and CIELAB (D65), and the two images are compared pixel by pixel with CIEDE2000. The filters' support
 * is half a degree on each side, as in the reference implementation; each Gaussian is normalised over it and
 * the sum of a channel's Gaussians to 1, so flat areas keep their colour.
 * Plain C: no GL, no printing.
 *
 *     double px_per_deg = analysis_pixels_per_degree(mm_per_px, distance_mm);
 *     float *de = malloc(sizeof *de * w * h);
 *     if (analysis_scielab_delta_e00(a, b, w, h, px_per_deg, de, &err) != SMP_OK) ...;
 */
#ifndef SMP_ANALYSIS_SCIELAB_H
#define SMP_ANALYSIS_SCIELAB_H

#include "core/core.h"

/* CIEDE2000 difference that an observer just notices between two patches side by side (ΔE00 of 1 is the
 * usual just-noticeable difference; Sharma 2005 and the colour-science convention). */
#define ANALYSIS_JND_DELTA_E00 1.0

/* Pixels per degree of visual angle of an image whose pixels span mm_per_px on an object distance_mm away
 * (seen face on): distance x tan(1 degree) / mm_per_px. */
double analysis_pixels_per_degree(double mm_per_px, double distance_mm);

/* Per-pixel S-CIELAB difference (CIEDE2000 after the eye's spatial filtering) of two sRGB8 RGBA images of
 * width x height (rows top first), sampled at px_per_deg pixels per degree (2..1000), into delta_e (width x
 * height floats). SMP_ERR_INPUT on bad sizes or sampling, SMP_ERR_NOMEM. */
smp_status analysis_scielab_delta_e00(const uint8_t *rgba_a, const uint8_t *rgba_b, int width, int height,
                                      double px_per_deg, float *delta_e, smp_error *err);

#endif
