/* colour: CIE tables, spectrum -> XYZ, sRGB, CIELAB, CIEDE2000, ITA. Sources per table below and in
 * docs/optics-model.md section "Colour". */
#include "colour.h"

#include <math.h>

/* CIE 1931 2-degree colour matching functions and CIE D65 relative spectral power, 400-700 nm at 10 nm.
 * Source: references/optics.md section 5.1 (CIE 204.xls 5 nm data as embedded in yuhldr/Jmol
 * src/jspecview/common/Visible.java), typed from that table. [P: CIE standard data] */
static const optics_cie_row cie_rows[OPTICS_CIE_COUNT] = {
    {400.0, 0.01431, 0.000396, 0.06785, 82.7549}, {410.0, 0.04351, 0.00121, 0.2074, 91.486},
    {420.0, 0.13438, 0.004, 0.6456, 93.4318},     {430.0, 0.2839, 0.0116, 1.3856, 86.6823},
    {440.0, 0.34828, 0.023, 1.74706, 104.865},    {450.0, 0.3362, 0.038, 1.77211, 117.008},
    {460.0, 0.2908, 0.060, 1.6692, 117.812},      {470.0, 0.19536, 0.09098, 1.28764, 114.861},
    {480.0, 0.09564, 0.13902, 0.81295, 115.923},  {490.0, 0.03201, 0.20802, 0.46518, 108.811},
    {500.0, 0.0049, 0.323, 0.272, 109.354},       {510.0, 0.0093, 0.503, 0.1582, 107.802},
    {520.0, 0.06327, 0.710, 0.07825, 104.79},     {530.0, 0.1655, 0.862, 0.04216, 107.689},
    {540.0, 0.2904, 0.954, 0.0203, 104.405},      {550.0, 0.43345, 0.99495, 0.00875, 104.046},
    {560.0, 0.5945, 0.995, 0.0039, 100.000},      {570.0, 0.7621, 0.952, 0.0021, 96.3342},
    {580.0, 0.9163, 0.870, 0.00165, 95.788},      {590.0, 1.0263, 0.757, 0.0011, 88.6856},
    {600.0, 1.0622, 0.631, 0.0008, 90.0062},      {610.0, 1.0026, 0.503, 0.00034, 89.5991},
    {620.0, 0.85445, 0.381, 0.00019, 87.6987},    {630.0, 0.6424, 0.265, 0.00005, 83.2886},
    {640.0, 0.4479, 0.175, 0.00002, 83.6992},     {650.0, 0.2835, 0.107, 0.0, 80.0268},
    {660.0, 0.1649, 0.061, 0.0, 80.2146},         {670.0, 0.0874, 0.032, 0.0, 82.2778},
    {680.0, 0.04677, 0.017, 0.0, 78.2842},        {690.0, 0.0227, 0.00821, 0.0, 69.7213},
    {700.0, 0.011359, 0.004102, 0.0, 71.6091},
};

/* D65 white, Y = 1: optics.md section 5.2 (XYZ_n = 95.047, 100, 108.883, as used by colour-science). */
static const double white_d65[3] = {0.95047, 1.0, 1.08883};

/* XYZ -> linear sRGB, full precision from the sRGB primaries and D65 (colorjs.io, quoted in optics.md 5.2;
 * rounds to the IEC 61966-2-1 four-digit matrix). */
static const double xyz_to_rgb[3][3] = {
    {3.2409699419, -1.5373831776, -0.4986107603},
    {-0.9692436363, 1.8759675015, 0.0415550574},
    {0.0556300797, -0.2039769589, 1.0569715142},
};
/* Its inverse, computed here in double precision [D]; rounds to the IEC matrix [0.4124 0.3576 0.1805; ...]
 * of optics.md 5.2, and keeps XYZ -> RGB -> XYZ exact to ~1e-10. */
static const double rgb_to_xyz[3][3] = {
    {0.4123907993, 0.3575843394, 0.1804807884},
    {0.2126390059, 0.7151686788, 0.0721923154},
    {0.0193308187, 0.1191947798, 0.9505321523},
};

const optics_cie_row *optics_cie_table(void)
{
    return cie_rows;
}

void optics_cie_at(double wavelength_nm, double cmf[3], double *d65)
{
    double u = (wavelength_nm - OPTICS_CIE_FIRST_NM) / OPTICS_CIE_STEP_NM;
    cmf[0] = cmf[1] = cmf[2] = 0.0;
    if (d65) *d65 = 0.0;
    if (!(u >= 0.0 && u <= OPTICS_CIE_COUNT - 1)) return;
    int i = (int)u;
    if (i > OPTICS_CIE_COUNT - 2) i = OPTICS_CIE_COUNT - 2;
    double t = u - i;
    const optics_cie_row *a = &cie_rows[i], *b = &cie_rows[i + 1];
    cmf[0] = smp_mix(a->x_bar, b->x_bar, t);
    cmf[1] = smp_mix(a->y_bar, b->y_bar, t);
    cmf[2] = smp_mix(a->z_bar, b->z_bar, t);
    if (d65) *d65 = smp_mix(a->d65, b->d65, t);
}

void optics_white_d65_xyz(double xyz[3])
{
    for (int k = 0; k < 3; k++)
        xyz[k] = white_d65[k];
}

/* Scale per XYZ channel so that a perfect reflector gives the D65 white. k_Y = 1 / sum(S y-bar) is the CIE
 * normalisation (optics.md 5.1: X = k sum R S x-bar, k = 100 / sum S y-bar, here with 1 for 100). X and Z are
 * scaled by the same kind of factor so the 400-700 nm truncation and the 10 nm step, which lose a little of X
 * and Z, do not tint white: a diagonal correction in XYZ that is exact for the perfect reflector and changes
 * other spectra by the same fraction (well under 1 %). */
static void channel_scale(double scale[3])
{
    double sum[3] = {0.0, 0.0, 0.0};
    for (int i = 0; i < OPTICS_CIE_COUNT; i++) {
        sum[0] += cie_rows[i].d65 * cie_rows[i].x_bar;
        sum[1] += cie_rows[i].d65 * cie_rows[i].y_bar;
        sum[2] += cie_rows[i].d65 * cie_rows[i].z_bar;
    }
    for (int k = 0; k < 3; k++)
        scale[k] = white_d65[k] / sum[k];
}

static smp_status check_bands(const double *band_nm, int band_count, smp_error *err)
{
    if (band_count < 2)
        return smp_error_set(err, SMP_ERR_INPUT, "colour: band_count: %d, must be at least 2", band_count);
    for (int b = 0; b < band_count; b++) {
        if (!isfinite(band_nm[b]) || (b > 0 && !(band_nm[b] > band_nm[b - 1])))
            return smp_error_set(
                err, SMP_ERR_INPUT,
                "colour: band_nm[%d]: %g, band centres must be finite and strictly increasing", b,
                band_nm[b]);
    }
    return SMP_OK;
}

/* Integrates over the 10 nm grid with the reflectance interpolated linearly between band centres. Because
 * the interpolation is linear in the band values, the integral is sum_b w_b R_b: with weights != NULL the
 * weights are accumulated, with reflectance != NULL the XYZ itself. */
static void integrate_bands(const double *band_nm, int band_count, const double *reflectance, double *weights,
                            double xyz[3])
{
    double scale[3];
    channel_scale(scale);
    if (weights)
        for (int b = 0; b < 3 * band_count; b++)
            weights[b] = 0.0;
    if (xyz) xyz[0] = xyz[1] = xyz[2] = 0.0;
    int b = 0;
    for (int i = 0; i < OPTICS_CIE_COUNT; i++) {
        const optics_cie_row *row = &cie_rows[i];
        double lam = row->wavelength_nm;
        while (b < band_count - 2 && lam > band_nm[b + 1])
            b++;
        /* Held constant beyond the end bands: t clamped to [0,1]. */
        double t = smp_clamp((lam - band_nm[b]) / (band_nm[b + 1] - band_nm[b]), 0.0, 1.0);
        double c[3] = {row->d65 * row->x_bar * scale[0], row->d65 * row->y_bar * scale[1],
                       row->d65 * row->z_bar * scale[2]};
        for (int k = 0; k < 3; k++) {
            if (weights) {
                weights[3 * b + k] += c[k] * (1.0 - t);
                weights[3 * (b + 1) + k] += c[k] * t;
            }
            if (xyz && reflectance) xyz[k] += c[k] * smp_mix(reflectance[b], reflectance[b + 1], t);
        }
    }
}

smp_status optics_reflectance_to_xyz(const double *band_nm, const double *reflectance, int band_count,
                                     double xyz[3], smp_error *err)
{
    smp_status s = check_bands(band_nm, band_count, err);
    if (s != SMP_OK) return s;
    integrate_bands(band_nm, band_count, reflectance, NULL, xyz);
    return SMP_OK;
}

smp_status optics_band_weights_xyz(const double *band_nm, int band_count, double *weights, smp_error *err)
{
    smp_status s = check_bands(band_nm, band_count, err);
    if (s != SMP_OK) return s;
    integrate_bands(band_nm, band_count, NULL, weights, NULL);
    return SMP_OK;
}

static void mat3_apply(const double m[3][3], const double in[3], double out[3])
{
    double r[3];
    for (int k = 0; k < 3; k++)
        r[k] = m[k][0] * in[0] + m[k][1] * in[1] + m[k][2] * in[2];
    for (int k = 0; k < 3; k++)
        out[k] = r[k];
}

void optics_xyz_to_linear_rgb(const double xyz[3], double rgb[3])
{
    mat3_apply(xyz_to_rgb, xyz, rgb);
}

void optics_linear_rgb_to_xyz(const double rgb[3], double xyz[3])
{
    mat3_apply(rgb_to_xyz, rgb, xyz);
}

/* sRGB transfer curve, IEC 61966-2-1 (optics.md 5.2): linear segment below 0.0031308 (encoded 0.04045). */
double optics_srgb_encode(double linear)
{
    double l = smp_clamp(linear, 0.0, 1.0);
    return l <= 0.0031308 ? 12.92 * l : 1.055 * pow(l, 1.0 / 2.4) - 0.055;
}

double optics_srgb_decode(double encoded)
{
    double v = smp_clamp(encoded, 0.0, 1.0);
    return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

float optics_srgb_encode_f(float linear)
{
    float l = linear < 0.0f ? 0.0f : (linear > 1.0f ? 1.0f : linear);
    return l <= 0.0031308f ? 12.92f * l : 1.055f * powf(l, 1.0f / 2.4f) - 0.055f;
}

float optics_srgb_decode_f(float encoded)
{
    float v = encoded < 0.0f ? 0.0f : (encoded > 1.0f ? 1.0f : encoded);
    return v <= 0.04045f ? v / 12.92f : powf((v + 0.055f) / 1.055f, 2.4f);
}

uint8_t optics_srgb8_from_linear(double linear)
{
    return (uint8_t)lround(255.0 * optics_srgb_encode(linear));
}

double optics_srgb8_to_linear(uint8_t value)
{
    return optics_srgb_decode(value / 255.0);
}

/* CIELAB, CIE 1976 (optics.md 5.3): the cube root with a linear segment below (6/29)^3. */
static const double lab_delta = 6.0 / 29.0;

static double lab_f(double t)
{
    return t > lab_delta * lab_delta * lab_delta ? cbrt(t) : t / (3.0 * lab_delta * lab_delta) + 4.0 / 29.0;
}

static double lab_f_inverse(double f)
{
    return f > lab_delta ? f * f * f : 3.0 * lab_delta * lab_delta * (f - 4.0 / 29.0);
}

void optics_xyz_to_lab(const double xyz[3], double lab[3])
{
    double fx = lab_f(xyz[0] / white_d65[0]);
    double fy = lab_f(xyz[1] / white_d65[1]);
    double fz = lab_f(xyz[2] / white_d65[2]);
    lab[0] = 116.0 * fy - 16.0;
    lab[1] = 500.0 * (fx - fy);
    lab[2] = 200.0 * (fy - fz);
}

void optics_lab_to_xyz(const double lab[3], double xyz[3])
{
    double fy = (lab[0] + 16.0) / 116.0;
    double fx = fy + lab[1] / 500.0;
    double fz = fy - lab[2] / 200.0;
    xyz[0] = white_d65[0] * lab_f_inverse(fx);
    xyz[1] = white_d65[1] * lab_f_inverse(fy);
    xyz[2] = white_d65[2] * lab_f_inverse(fz);
}

static double hue_deg(double b, double a)
{
    if (a == 0.0 && b == 0.0) return 0.0;
    double h = atan2(b, a) * 180.0 / SMP_PI;
    return h < 0.0 ? h + 360.0 : h;
}

void optics_lab_to_lch(const double lab[3], double lch[3])
{
    double l = lab[0], a = lab[1], b = lab[2];
    lch[0] = l;
    lch[1] = sqrt(a * a + b * b);
    lch[2] = hue_deg(b, a);
}

static double deg_to_rad(double d)
{
    return d * SMP_PI / 180.0;
}

/* CIEDE2000, Sharma, Wu & Dalal, Color Res. Appl. 30(1):21-30 (2005), equations 1-22, as summarised in
 * optics.md 5.4; the hue mean and difference follow the paper's rules for C' = 0 and the 180-degree wrap. */
double optics_ciede2000(const double lab1[3], const double lab2[3])
{
    const double pow25_7 = 6103515625.0; /* 25^7 */
    double c1 = hypot(lab1[1], lab1[2]), c2 = hypot(lab2[1], lab2[2]);
    double c_mean7 = pow(0.5 * (c1 + c2), 7.0);
    double g = 0.5 * (1.0 - sqrt(c_mean7 / (c_mean7 + pow25_7)));
    double a1p = (1.0 + g) * lab1[1], a2p = (1.0 + g) * lab2[1];
    double c1p = hypot(a1p, lab1[2]), c2p = hypot(a2p, lab2[2]);
    double h1p = hue_deg(lab1[2], a1p), h2p = hue_deg(lab2[2], a2p);

    double dlp = lab2[0] - lab1[0];
    double dcp = c2p - c1p;
    double dhp = 0.0;
    if (c1p * c2p != 0.0) {
        dhp = h2p - h1p;
        if (dhp > 180.0)
            dhp -= 360.0;
        else if (dhp < -180.0)
            dhp += 360.0;
    }
    double dHp = 2.0 * sqrt(c1p * c2p) * sin(deg_to_rad(0.5 * dhp));

    double lp_mean = 0.5 * (lab1[0] + lab2[0]);
    double cp_mean = 0.5 * (c1p + c2p);
    double hp_mean = h1p + h2p;
    if (c1p * c2p != 0.0) {
        if (fabs(h1p - h2p) <= 180.0)
            hp_mean = 0.5 * (h1p + h2p);
        else if (h1p + h2p < 360.0)
            hp_mean = 0.5 * (h1p + h2p + 360.0);
        else
            hp_mean = 0.5 * (h1p + h2p - 360.0);
    }

    double t = 1.0 - 0.17 * cos(deg_to_rad(hp_mean - 30.0)) + 0.24 * cos(deg_to_rad(2.0 * hp_mean)) +
               0.32 * cos(deg_to_rad(3.0 * hp_mean + 6.0)) - 0.20 * cos(deg_to_rad(4.0 * hp_mean - 63.0));
    double l50 = (lp_mean - 50.0) * (lp_mean - 50.0);
    double sl = 1.0 + 0.015 * l50 / sqrt(20.0 + l50);
    double sc = 1.0 + 0.045 * cp_mean;
    double sh = 1.0 + 0.015 * cp_mean * t;
    double dtheta = 30.0 * exp(-((hp_mean - 275.0) / 25.0) * ((hp_mean - 275.0) / 25.0));
    double cp_mean7 = pow(cp_mean, 7.0);
    double rc = 2.0 * sqrt(cp_mean7 / (cp_mean7 + pow25_7));
    double rt = -sin(deg_to_rad(2.0 * dtheta)) * rc;

    double tl = dlp / sl, tc = dcp / sc, th = dHp / sh;
    return sqrt(tl * tl + tc * tc + th * th + rt * tc * th);
}

/* Planck's law: a black body's spectral exitance at wavelength_nm, up to a constant (c1 cancels in the
 * chromaticity). c2 = 1.4388e-2 m K (CIE 15:2004, the value ITS-90 uses). */
static double planck_relative(double wavelength_nm, double kelvin)
{
    const double c2_nm_k = 1.4388e7;
    double l = wavelength_nm * 1e-3; /* in um, to keep the power in range */
    return 1.0 / (l * l * l * l * l * expm1(c2_nm_k / (wavelength_nm * kelvin)));
}

void optics_cct_to_xy(double kelvin, double xy[2])
{
    double t = smp_clamp(kelvin, 1000.0, 25000.0);
    if (t >= OPTICS_CCT_DAYLIGHT_MIN_K) {
        /* CIE 15:2004 eq. 3.3-3.4: the chromaticity of CIE daylight at correlated colour temperature T (valid
         * 4000-25000 K; D65 is T = 6504 K, x 0.3127, y 0.3290). */
        double t1 = 1e3 / t, t2 = t1 * t1, t3 = t2 * t1;
        double x = t <= 7000.0 ? -4.6070 * t3 + 2.9678 * t2 + 0.09911 * t1 + 0.244063
                               : -2.0064 * t3 + 1.9018 * t2 + 0.24748 * t1 + 0.237040;
        xy[0] = x;
        xy[1] = -3.000 * x * x + 2.870 * x - 0.275;
        return;
    }
    /* A black body integrated against the colour matching functions of the table (400-700 nm at 10 nm; the
     * CMFs outside carry under 0.5 % of X, Y and Z for these temperatures). */
    double xyz[3] = {0.0, 0.0, 0.0};
    for (int i = 0; i < OPTICS_CIE_COUNT; i++) {
        double m = planck_relative(cie_rows[i].wavelength_nm, t);
        xyz[0] += m * cie_rows[i].x_bar;
        xyz[1] += m * cie_rows[i].y_bar;
        xyz[2] += m * cie_rows[i].z_bar;
    }
    double sum = xyz[0] + xyz[1] + xyz[2];
    xy[0] = xyz[0] / sum;
    xy[1] = xyz[1] / sum;
}

void optics_cct_to_linear_rgb(double kelvin, double rgb[3])
{
    double xy[2];
    optics_cct_to_xy(kelvin, xy);
    double xyz[3] = {xy[0] / xy[1], 1.0, (1.0 - xy[0] - xy[1]) / xy[1]};
    optics_xyz_to_linear_rgb(xyz, rgb);
    double y = 0.0;
    for (int k = 0; k < 3; k++) {
        if (rgb[k] < 0.0) rgb[k] = 0.0;
        y += rgb_to_xyz[1][k] * rgb[k];
    }
    for (int k = 0; k < 3; k++)
        rgb[k] /= y;
}

void optics_white_balance_gains(double white_kelvin, double degree, double gains[3])
{
    double w[3], y = 0.0;
    optics_cct_to_linear_rgb(white_kelvin, w);
    for (int k = 0; k < 3; k++) {
        /* A channel the light lacks (below ~1900 K) is not amplified without bound: 1 % of the white. */
        gains[k] = pow(w[k] > 0.01 ? w[k] : 0.01, -degree);
        y += rgb_to_xyz[1][k] * w[k] * gains[k];
    }
    for (int k = 0; k < 3; k++)
        gains[k] /= y;
}

/* Individual typology angle, ITA = atan((L* - 50) / b*) * 180 / pi (issue 3; Chardon et al. 1991). */
double optics_ita_deg(const double lab[3])
{
    double num = lab[0] - 50.0, b = lab[2];
    if (b == 0.0) return num > 0.0 ? 90.0 : (num < 0.0 ? -90.0 : 0.0);
    return atan(num / b) * 180.0 / SMP_PI;
}

optics_ita_class optics_ita_classify(double ita_deg)
{
    if (ita_deg > 55.0) return OPTICS_ITA_VERY_LIGHT;
    if (ita_deg > 41.0) return OPTICS_ITA_LIGHT;
    if (ita_deg > 28.0) return OPTICS_ITA_INTERMEDIATE;
    if (ita_deg > 10.0) return OPTICS_ITA_TAN;
    if (ita_deg > -30.0) return OPTICS_ITA_BROWN;
    return OPTICS_ITA_DARK;
}
