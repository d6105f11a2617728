/* Colour science: CIE tables, spectrum -> XYZ, sRGB, CIELAB, CIEDE2000 (Sharma's test data), ITA. */
#include <string.h>

#include "test_util.h"

#include "optics/colour.h"

/* The 34 CIEDE2000 test pairs of Sharma, Wu & Dalal (2005), Table 1, as listed in sumtype/CIEDE2000
 * tests.py (the implementation optics.md 5.4 cites); expected values are rounded to 4 decimals. */
static const double sharma_pairs[34][7] = {
    {50.0000, 2.6772, -79.7751, 50.0000, 0.0000, -82.7485, 2.0425},
    {50.0000, 3.1571, -77.2803, 50.0000, 0.0000, -82.7485, 2.8615},
    {50.0000, 2.8361, -74.0200, 50.0000, 0.0000, -82.7485, 3.4412},
    {50.0000, -1.3802, -84.2814, 50.0000, 0.0000, -82.7485, 1.0000},
    {50.0000, -1.1848, -84.8006, 50.0000, 0.0000, -82.7485, 1.0000},
    {50.0000, -0.9009, -85.5211, 50.0000, 0.0000, -82.7485, 1.0000},
    {50.0000, 0.0000, 0.0000, 50.0000, -1.0000, 2.0000, 2.3669},
    {50.0000, -1.0000, 2.0000, 50.0000, 0.0000, 0.0000, 2.3669},
    {50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0009, 7.1792},
    {50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0010, 7.1792},
    {50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0011, 7.2195},
    {50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0012, 7.2195},
    {50.0000, -0.0010, 2.4900, 50.0000, 0.0009, -2.4900, 4.8045},
    {50.0000, -0.0010, 2.4900, 50.0000, 0.0010, -2.4900, 4.8045},
    {50.0000, -0.0010, 2.4900, 50.0000, 0.0011, -2.4900, 4.7461},
    {50.0000, 2.5000, 0.0000, 50.0000, 0.0000, -2.5000, 4.3065},
    {50.0000, 2.5000, 0.0000, 73.0000, 25.0000, -18.0000, 27.1492},
    {50.0000, 2.5000, 0.0000, 61.0000, -5.0000, 29.0000, 22.8977},
    {50.0000, 2.5000, 0.0000, 56.0000, -27.0000, -3.0000, 31.9030},
    {50.0000, 2.5000, 0.0000, 58.0000, 24.0000, 15.0000, 19.4535},
    {50.0000, 2.5000, 0.0000, 50.0000, 3.1736, 0.5854, 1.0000},
    {50.0000, 2.5000, 0.0000, 50.0000, 3.2972, 0.0000, 1.0000},
    {50.0000, 2.5000, 0.0000, 50.0000, 1.8634, 0.5757, 1.0000},
    {50.0000, 2.5000, 0.0000, 50.0000, 3.2592, 0.3350, 1.0000},
    {60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644},
    {63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.2630},
    {61.2901, 3.7196, -5.3901, 61.4292, 2.2480, -4.9620, 1.8731},
    {35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645},
    {22.7233, 20.0904, -46.6940, 23.0331, 14.9730, -42.5619, 2.0373},
    {36.4612, 47.8580, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146},
    {90.8027, -2.0831, 1.4410, 91.1528, -1.6435, 0.0447, 1.4441},
    {90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381},
    {6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377},
    {2.0776, 0.0795, -1.1350, 0.9033, -0.0636, -0.5514, 0.9082},
};

/* The published values carry 4 decimals, so a correct implementation is within 5e-5 of each. */
static void ciede2000_should_match_all_34_sharma_test_pairs(void **state)
{
    (void)state;
    for (int i = 0; i < 34; i++) {
        const double *p = sharma_pairs[i];
        assert_near(optics_ciede2000(p, p + 3), p[6], 5.0001e-5);
        assert_near(optics_ciede2000(p + 3, p), p[6], 5.0001e-5); /* symmetric */
    }
}

static void ciede2000_should_be_zero_for_identical_colours(void **state)
{
    (void)state;
    double lab[3] = {41.0, 12.0, -7.0};
    assert_near(optics_ciede2000(lab, lab), 0.0, 1e-12);
}

static void cie_table_should_cover_400_to_700_nm_in_10_nm_steps(void **state)
{
    (void)state;
    const optics_cie_row *t = optics_cie_table();
    for (int i = 0; i < OPTICS_CIE_COUNT; i++)
        assert_near(t[i].wavelength_nm, 400.0 + 10.0 * i, 0.0);
    /* y-bar peaks at 555 nm (1.0): the tabulated maximum is at 550-560 nm. */
    double cmf[3], d65;
    optics_cie_at(560.0, cmf, &d65);
    assert_near(cmf[1], 0.995, 0.0);
    assert_near(d65, 100.0, 0.0);
    optics_cie_at(555.0, cmf, NULL);
    assert_near(cmf[1], 0.5 * (0.99495 + 0.995), 1e-12);
    optics_cie_at(720.0, cmf, &d65);
    assert_near(cmf[0] + cmf[1] + cmf[2] + d65, 0.0, 0.0);
}

static void perfect_white_reflector_should_give_the_d65_white_with_y_one(void **state)
{
    (void)state;
    double band_nm[16], refl[16], xyz[3], white[3];
    for (int b = 0; b < 16; b++) {
        band_nm[b] = 400.0 + 20.0 * b;
        refl[b] = 1.0;
    }
    assert_int_equal(optics_reflectance_to_xyz(band_nm, refl, 16, xyz, NULL), SMP_OK);
    optics_white_d65_xyz(white);
    for (int k = 0; k < 3; k++)
        assert_near(xyz[k], white[k], 1e-12);
    assert_near(xyz[1], 1.0, 1e-12);
}

static void d65_white_should_map_to_srgb_one(void **state)
{
    (void)state;
    double white[3], rgb[3];
    optics_white_d65_xyz(white);
    optics_xyz_to_linear_rgb(white, rgb);
    for (int k = 0; k < 3; k++)
        assert_near(rgb[k], 1.0, 1e-3);
    for (int k = 0; k < 3; k++)
        assert_int_equal(optics_srgb8_from_linear(rgb[k]), 255);
}

static void srgb_primaries_should_match_the_iec_matrix(void **state)
{
    (void)state;
    /* IEC 61966-2-1 four-digit RGB -> XYZ matrix, optics.md 5.2. */
    const double iec[3][3] = {{0.4124, 0.3576, 0.1805}, {0.2126, 0.7152, 0.0722}, {0.0193, 0.1192, 0.9505}};
    for (int c = 0; c < 3; c++) {
        double rgb[3] = {0.0, 0.0, 0.0}, xyz[3];
        rgb[c] = 1.0;
        optics_linear_rgb_to_xyz(rgb, xyz);
        for (int k = 0; k < 3; k++)
            assert_near(xyz[k], iec[k][c], 0.5e-4 + 1e-9);
    }
}

static void xyz_and_linear_rgb_should_round_trip(void **state)
{
    (void)state;
    for (int i = 0; i < 27; i++) {
        double rgb[3] = {(i % 3) * 0.45 + 0.05, ((i / 3) % 3) * 0.45 + 0.05, (i / 9) * 0.45 + 0.05};
        double xyz[3], back[3];
        optics_linear_rgb_to_xyz(rgb, xyz);
        optics_xyz_to_linear_rgb(xyz, back);
        for (int k = 0; k < 3; k++)
            assert_near(back[k], rgb[k], 1e-9);
    }
}

static void srgb_transfer_should_round_trip_and_keep_8_bit_values(void **state)
{
    (void)state;
    for (int v = 0; v <= 255; v++) {
        double lin = optics_srgb8_to_linear((uint8_t)v);
        assert_int_equal(optics_srgb8_from_linear(lin), v);
        assert_near(optics_srgb_encode(lin), v / 255.0, 1e-12);
        assert_near(optics_srgb_encode_f((float)lin), v / 255.0, 1e-5);
        assert_near(optics_srgb_decode_f((float)(v / 255.0)), lin, 1e-5);
    }
    /* Both sides of the linear segment join continuously (IEC thresholds 0.0031308 / 0.04045). */
    assert_near(optics_srgb_encode(0.0031308), 0.04045, 1e-5);
    assert_near(optics_srgb_decode(0.04045), 0.0031308, 1e-6);
    assert_near(optics_srgb_encode(-1.0), 0.0, 0.0);
    assert_near(optics_srgb_encode(2.0), 1.0, 1e-12);
}

static void lab_should_put_white_at_100_and_round_trip(void **state)
{
    (void)state;
    double white[3], lab[3];
    optics_white_d65_xyz(white);
    optics_xyz_to_lab(white, lab);
    assert_near(lab[0], 100.0, 1e-9);
    assert_near(lab[1], 0.0, 1e-9);
    assert_near(lab[2], 0.0, 1e-9);
    const double samples[4][3] = {
        {0.2, 0.3, 0.1}, {0.001, 0.002, 0.0005}, {0.9, 0.8, 1.2}, {0.05, 0.04, 0.3}};
    for (int i = 0; i < 4; i++) {
        double back[3];
        optics_xyz_to_lab(samples[i], lab);
        optics_lab_to_xyz(lab, back);
        for (int k = 0; k < 3; k++)
            assert_near(back[k], samples[i][k], 1e-12);
    }
    /* Y = 0.18 (mid grey) has L* = 49.496 (116 * 0.18^(1/3) - 16). */
    double grey[3] = {0.18 * white[0], 0.18, 0.18 * white[2]};
    optics_xyz_to_lab(grey, lab);
    assert_near(lab[0], 116.0 * cbrt(0.18) - 16.0, 1e-9);
}

static void srgb_red_should_have_the_published_lab(void **state)
{
    (void)state;
    /* sRGB (1,0,0) under D65 is L*a*b* = (53.24, 80.09, 67.20) in every reference calculator. */
    double rgb[3] = {1.0, 0.0, 0.0}, xyz[3], lab[3], lch[3];
    optics_linear_rgb_to_xyz(rgb, xyz);
    optics_xyz_to_lab(xyz, lab);
    assert_near(lab[0], 53.24, 0.01);
    assert_near(lab[1], 80.09, 0.02);
    assert_near(lab[2], 67.20, 0.02);
    optics_lab_to_lch(lab, lch);
    assert_near(lch[1], hypot(lab[1], lab[2]), 1e-12);
    assert_near(lch[2], atan2(lab[2], lab[1]) * 180.0 / SMP_PI, 1e-9);
    double blueish[3] = {50.0, 0.0, -10.0};
    optics_lab_to_lch(blueish, lch);
    assert_near(lch[2], 270.0, 1e-9);
}

static void band_weights_should_reproduce_the_direct_integral(void **state)
{
    (void)state;
    double band_nm[16], refl[16], w[48], xyz[3];
    for (int b = 0; b < 16; b++) {
        band_nm[b] = 400.0 + 20.0 * b;
        refl[b] = 0.2 + 0.5 * b / 15.0;
    }
    assert_int_equal(optics_reflectance_to_xyz(band_nm, refl, 16, xyz, NULL), SMP_OK);
    assert_int_equal(optics_band_weights_xyz(band_nm, 16, w, NULL), SMP_OK);
    for (int k = 0; k < 3; k++) {
        double sum = 0.0;
        for (int b = 0; b < 16; b++)
            sum += w[3 * b + k] * refl[b];
        assert_near(sum, xyz[k], 1e-12);
    }
}

static void a_constant_reflectance_should_scale_y_and_keep_the_white_chromaticity(void **state)
{
    (void)state;
    /* Bands need not be equally spaced nor cover the whole range: the ends are held constant. */
    double band_nm[3] = {450.0, 520.0, 650.0}, refl[3] = {0.3, 0.3, 0.3}, xyz[3], white[3];
    assert_int_equal(optics_reflectance_to_xyz(band_nm, refl, 3, xyz, NULL), SMP_OK);
    optics_white_d65_xyz(white);
    for (int k = 0; k < 3; k++)
        assert_near(xyz[k], 0.3 * white[k], 1e-12);
}

static void reflectance_to_xyz_should_reject_bands_that_do_not_increase(void **state)
{
    (void)state;
    double band_nm[3] = {400.0, 500.0, 500.0}, refl[3] = {0.5, 0.5, 0.5}, xyz[3];
    smp_error err = {0};
    assert_int_equal(optics_reflectance_to_xyz(band_nm, refl, 3, xyz, &err), SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "band_nm[2]"));
    assert_int_equal(optics_reflectance_to_xyz(band_nm, refl, 1, xyz, &err), SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "band_count"));
}

static void ita_should_follow_its_definition_and_classes(void **state)
{
    (void)state;
    double lab[3] = {70.0, 8.0, 14.0};
    assert_near(optics_ita_deg(lab), atan(20.0 / 14.0) * 180.0 / SMP_PI, 1e-12);
    double flat[3] = {60.0, 0.0, 0.0};
    assert_near(optics_ita_deg(flat), 90.0, 0.0);
    assert_int_equal(optics_ita_classify(60.0), OPTICS_ITA_VERY_LIGHT);
    assert_int_equal(optics_ita_classify(55.0), OPTICS_ITA_LIGHT);
    assert_int_equal(optics_ita_classify(41.0), OPTICS_ITA_INTERMEDIATE);
    assert_int_equal(optics_ita_classify(20.0), OPTICS_ITA_TAN);
    assert_int_equal(optics_ita_classify(0.0), OPTICS_ITA_BROWN);
    assert_int_equal(optics_ita_classify(-30.0), OPTICS_ITA_DARK);
}

static double luminance(const double rgb[3])
{
    double xyz[3];
    optics_linear_rgb_to_xyz(rgb, xyz);
    return xyz[1];
}

static void colour_temperature_6504_k_should_be_the_d65_white(void **state)
{
    (void)state;
    double rgb[3], xy[2];
    optics_cct_to_linear_rgb(6504.0, rgb);
    for (int k = 0; k < 3; k++)
        assert_near(rgb[k], 1.0, 0.005);
    optics_cct_to_xy(6504.0, xy); /* D65: x 0.3127, y 0.3290 (CIE 15) */
    assert_near(xy[0], 0.3127, 0.0005);
    assert_near(xy[1], 0.3290, 0.0005);
}

static void colour_temperature_should_give_a_black_body_below_5000_k(void **state)
{
    (void)state;
    /* CIE illuminant A is a black body at 2856 K: x 0.44757, y 0.40745 (CIE 15). The table's 10 nm steps over
     * 400-700 nm keep it within 0.001. */
    double xy[2];
    optics_cct_to_xy(2856.0, xy);
    assert_near(xy[0], 0.44757, 0.001);
    assert_near(xy[1], 0.40745, 0.001);
}

static void colour_temperature_should_be_warm_below_and_bluish_above_d65_at_luminance_1(void **state)
{
    (void)state;
    double warm[3], blue[3], hot[3];
    optics_cct_to_linear_rgb(2700.0, warm);
    assert_true(warm[0] > warm[1] && warm[1] > warm[2]);
    assert_true(warm[0] > 1.5 * warm[2]);
    optics_cct_to_linear_rgb(10000.0, blue);
    assert_true(blue[2] > blue[1] && blue[1] > blue[0]);
    optics_cct_to_linear_rgb(1500.0, hot); /* outside the sRGB gamut: clipped, never negative */
    for (int k = 0; k < 3; k++)
        assert_true(hot[k] >= 0.0);
    assert_near(luminance(warm), 1.0, 1e-9);
    assert_near(luminance(blue), 1.0, 1e-9);
    assert_near(luminance(hot), 1.0, 1e-9);
    /* Warmer at every step down the scale: r / b falls as the temperature rises, across the switch (from
     * 2000 K: below, the black body has no blue left in sRGB). */
    double prev = 1e9;
    for (double t = 2000.0; t <= 12000.0; t += 250.0) {
        double c[3];
        optics_cct_to_linear_rgb(t, c);
        assert_true(c[0] / c[2] < prev);
        prev = c[0] / c[2];
    }
}

static void white_balance_should_render_its_white_neutral_at_degree_1_and_change_nothing_at_0(void **state)
{
    (void)state;
    double w[3], g[3];
    optics_cct_to_linear_rgb(2900.0, w);
    optics_white_balance_gains(2900.0, 1.0, g);
    for (int k = 0; k < 3; k++)
        assert_near(w[k] * g[k], 1.0, 1e-9);
    optics_white_balance_gains(2900.0, 0.0, g);
    for (int k = 0; k < 3; k++)
        assert_near(g[k], 1.0, 1e-9);
    /* In between the light stays warm, less so, at its own luminance. */
    optics_white_balance_gains(2900.0, 0.7, g);
    double b[3] = {w[0] * g[0], w[1] * g[1], w[2] * g[2]};
    assert_true(b[0] > b[1] && b[1] > b[2] && b[0] / b[2] < w[0] / w[2]);
    assert_near(luminance(b), 1.0, 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ciede2000_should_match_all_34_sharma_test_pairs),
        cmocka_unit_test(ciede2000_should_be_zero_for_identical_colours),
        cmocka_unit_test(cie_table_should_cover_400_to_700_nm_in_10_nm_steps),
        cmocka_unit_test(perfect_white_reflector_should_give_the_d65_white_with_y_one),
        cmocka_unit_test(d65_white_should_map_to_srgb_one),
        cmocka_unit_test(srgb_primaries_should_match_the_iec_matrix),
        cmocka_unit_test(xyz_and_linear_rgb_should_round_trip),
        cmocka_unit_test(srgb_transfer_should_round_trip_and_keep_8_bit_values),
        cmocka_unit_test(lab_should_put_white_at_100_and_round_trip),
        cmocka_unit_test(srgb_red_should_have_the_published_lab),
        cmocka_unit_test(band_weights_should_reproduce_the_direct_integral),
        cmocka_unit_test(a_constant_reflectance_should_scale_y_and_keep_the_white_chromaticity),
        cmocka_unit_test(reflectance_to_xyz_should_reject_bands_that_do_not_increase),
        cmocka_unit_test(ita_should_follow_its_definition_and_classes),
        cmocka_unit_test(colour_temperature_6504_k_should_be_the_d65_white),
        cmocka_unit_test(colour_temperature_should_give_a_black_body_below_5000_k),
        cmocka_unit_test(colour_temperature_should_be_warm_below_and_bluish_above_d65_at_luminance_1),
        cmocka_unit_test(white_balance_should_render_its_white_neutral_at_degree_1_and_change_nothing_at_0),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
