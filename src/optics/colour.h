/* colour: the colour science the optics tables, the renderer and the analysis share.
 * CIE 1931 2-degree colour matching functions and the CIE D65 illuminant (10 nm tables, 400-700 nm),
 * reflectance spectrum -> XYZ under D65, XYZ <-> linear sRGB (IEC 61966-2-1), the sRGB transfer curve,
 * CIELAB and LCh (D65 white), CIEDE2000 (Sharma, Wu & Dalal 2005) and the individual typology angle (ITA)
 * used to classify skin tones. Every table is cited where it is entered, in colour.c and
 * docs/optics-model.md. Plain C on doubles: no state, no allocation, no printing; depends on libc and libm
 * only.
 *
 * Conventions: XYZ is scaled so that a perfect white reflector under D65 has Y = 1; CIELAB uses the D65 white
 * (0.95047, 1, 1.08883); hue angles are in degrees in [0, 360).
 *
 *     double band_nm[16], refl[16], xyz[3], lab[3];
 *     ... fill band_nm (increasing, within 400-700) and refl ...
 *     if (optics_reflectance_to_xyz(band_nm, refl, 16, xyz, &err) == SMP_OK) optics_xyz_to_lab(xyz, lab);
 */
#ifndef SMP_OPTICS_COLOUR_H
#define SMP_OPTICS_COLOUR_H

#include <stdint.h>

#include "core/core.h"

/* The tabulated range: 400-700 nm at 10 nm. The CIE tables run 360/380-780/830 nm; optics.md section 5.1
 * gives D65 only over 400-700 nm, so the integral is truncated there and the resulting white is corrected to
 * the D65 white point (see optics_reflectance_to_xyz). */
#define OPTICS_CIE_FIRST_NM 400.0
#define OPTICS_CIE_STEP_NM 10.0
#define OPTICS_CIE_COUNT 31

/* One row of the CIE table: colour matching functions x-bar, y-bar, z-bar and the D65 relative power. */
typedef struct optics_cie_row {
    double wavelength_nm;
    double x_bar, y_bar, z_bar;
    double d65;
} optics_cie_row;

/* The ITA skin-tone classes with the limits given in issue 3 (the Chardon et al. 1991 classification; not
 * re-verified in references/): 1 very light (ITA > 55),
 * 2 light (41..55), 3 intermediate (28..41), 4 tan (10..28), 5 brown (-30..10), 6 dark (< -30). */
typedef enum optics_ita_class {
    OPTICS_ITA_VERY_LIGHT = 1,
    OPTICS_ITA_LIGHT,
    OPTICS_ITA_INTERMEDIATE,
    OPTICS_ITA_TAN,
    OPTICS_ITA_BROWN,
    OPTICS_ITA_DARK,
} optics_ita_class;

const optics_cie_row *optics_cie_table(void); /* OPTICS_CIE_COUNT rows, static, read-only */
void optics_cie_at(double wavelength_nm, double cmf[3],
                   double *d65);          /* linear interpolation; 0 outside 400-700; d65 may be NULL */
void optics_white_d65_xyz(double xyz[3]); /* (0.95047, 1, 1.08883) */

/* Reflectance sampled at band_count increasing band centres (nm) -> XYZ under D65, perfect white -> the D65
 * white. The reflectance is interpolated linearly onto the 10 nm grid (held constant beyond the first and
 * last band). SMP_ERR_INPUT if band_count < 2 or the centres do not increase. */
smp_status optics_reflectance_to_xyz(const double *band_nm, const double *reflectance, int band_count,
                                     double xyz[3], smp_error *err);
/* The same integral as per-band weights: xyz = sum_b weights[3*b + k] * reflectance[b]; weights holds
 * 3 * band_count doubles (caller's storage). Precompute once when many spectra share the bands. */
smp_status optics_band_weights_xyz(const double *band_nm, int band_count, double *weights, smp_error *err);

void optics_xyz_to_linear_rgb(const double xyz[3], double rgb[3]); /* IEC 61966-2-1, no clipping */
void optics_linear_rgb_to_xyz(const double rgb[3], double xyz[3]); /* exact inverse of the above */
double optics_srgb_encode(double linear);  /* sRGB transfer curve; input clamped to [0,1] */
double optics_srgb_decode(double encoded); /* inverse curve; input clamped to [0,1] */
float optics_srgb_encode_f(float linear);  /* single-precision versions of the above */
float optics_srgb_decode_f(float encoded);
uint8_t optics_srgb8_from_linear(double linear); /* encode and round to 0..255 */
double optics_srgb8_to_linear(uint8_t value);    /* decode an 8-bit sRGB value */

void optics_xyz_to_lab(const double xyz[3], double lab[3]);          /* CIE 1976 L*a*b*, D65 white */
void optics_lab_to_xyz(const double lab[3], double xyz[3]);          /* inverse of the above */
void optics_lab_to_lch(const double lab[3], double lch[3]);          /* L*, C*ab, h in degrees [0,360) */
double optics_ciede2000(const double lab1[3], const double lab2[3]); /* Delta E 2000, kL = kC = kH = 1 */

/* The colour of a light of correlated colour temperature kelvin (clamped to 1000..25000 K), as a lamp or the
 * sky is described. Below OPTICS_CCT_DAYLIGHT_MIN_K a black body (Planck's law integrated against the CIE
 * table above), from there up CIE daylight (the CIE 15 daylight locus: x_D from the cubic in 1/T, y_D from
 * x_D): the convention CIE 13.3 uses for the reference illuminant of a lamp's colour rendering index. Lamps
 * below 5000 K (halogen, warm and neutral white LEDs) sit near the black-body locus, daylight above it. */
#define OPTICS_CCT_DAYLIGHT_MIN_K 5000.0
void optics_cct_to_xy(double kelvin, double xy[2]);
/* The same as linear sRGB with luminance Y = 1 (0.2126 r + 0.7152 g + 0.0722 b = 1): 6504 K is (1, 1, 1)
 * within 0.5 %. Below about 1900 K the black-body colour leaves the sRGB gamut: negative components are
 * clipped to 0 and the luminance restored. */
void optics_cct_to_linear_rgb(double kelvin, double rgb[3]);
/* Per-channel gains that white-balance a picture lit by a light of white_kelvin towards D65 by degree (0:
 * none, a camera fixed on daylight; 1: that light renders white): gains[k] = w[k]^-degree with w the light's
 * optics_cct_to_linear_rgb, scaled so that the light keeps its luminance. A von Kries-type diagonal taken in
 * linear sRGB rather than in cone space: where every colour is a light times a reflectance per channel (the
 * renderer), scaling the lights by it scales the picture by it. */
void optics_white_balance_gains(double white_kelvin, double degree, double gains[3]);

double optics_ita_deg(const double lab[3]); /* atan((L*-50)/b*) in degrees; +-90 when b* = 0 */
optics_ita_class
optics_ita_classify(double ita_deg); /* the class above; a value on a limit goes to the darker class */

#endif
