/* Skin and pigment-dot appearance from the Monte Carlo model. Photon counts are sized for ~2 s in the release
 * build; every statistical comparison is made against the Monte Carlo standard errors the runs report. */
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include "optics/colour.h"
#include "optics/dot.h"

/* Standard error of Y from the per-band standard errors (bands treated as independent). */
static double y_se(const optics_appearance *a)
{
    double w[3 * OPTICS_SKIN_BAND_COUNT], s = 0.0;
    assert_int_equal(optics_band_weights_xyz(a->band_nm, OPTICS_SKIN_BAND_COUNT, w, NULL), SMP_OK);
    for (int b = 0; b < OPTICS_SKIN_BAND_COUNT; b++)
        s += pow(w[3 * b + 1] * a->reflectance_se[b], 2.0);
    return sqrt(s);
}

static void skin_appearance_should_darken_from_type_one_to_type_six(void **state)
{
    (void)state;
    optics_appearance light, dark;
    smp_error err;
    assert_int_equal(optics_skin_appearance(1, 1000, 7, 2, &light, &err), SMP_OK);
    assert_int_equal(optics_skin_appearance(6, 1000, 7, 2, &dark, &err), SMP_OK);
    print_message("type I Lab %.1f %.1f %.1f ITA %.1f; type VI Lab %.1f %.1f %.1f ITA %.1f\n", light.lab[0],
                  light.lab[1], light.lab[2], light.ita_deg, dark.lab[0], dark.lab[1], dark.lab[2],
                  dark.ita_deg);
    double se = hypot(y_se(&light), y_se(&dark));
    assert_true(light.xyz[1] - dark.xyz[1] > 5.0 * se);
    assert_true(light.ita_deg > dark.ita_deg);
    /* Skin reflects more red than blue (melanin and blood absorb short wavelengths). */
    for (int t = 0; t < 2; t++) {
        const optics_appearance *a = t ? &dark : &light;
        assert_true(a->reflectance[15] > a->reflectance[0]);
        assert_true(a->linear_rgb[0] > a->linear_rgb[2]);
        assert_true(a->lab[2] > 0.0);
    }
}

static void skin_appearance_should_not_depend_on_the_thread_count(void **state)
{
    (void)state;
    optics_appearance one, two;
    smp_error err;
    assert_int_equal(optics_skin_appearance(3, 300, 11, 1, &one, &err), SMP_OK);
    assert_int_equal(optics_skin_appearance(3, 300, 11, 2, &two, &err), SMP_OK);
    assert_memory_equal(one.reflectance, two.reflectance, sizeof one.reflectance);
    assert_memory_equal(one.lab, two.lab, sizeof one.lab);
}

static void skin_appearance_should_reject_bad_input(void **state)
{
    (void)state;
    optics_appearance a;
    smp_error err;
    assert_int_equal(optics_skin_appearance(7, 1000, 1, 1, &a, &err), SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "fitzpatrick"));
    assert_int_equal(optics_skin_appearance(2, 10, 1, 1, &a, &err), SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "photons"));
    optics_dot_params p = optics_dot_params_default();
    optics_dot_appearance *dot = malloc(sizeof *dot);
    assert_non_null(dot);
    p.depth_mm = -0.1;
    assert_int_equal(optics_dot_appearance_compute(&p, dot, &err), SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "depth_mm"));
    p = optics_dot_params_default();
    p.ink_amount = 1.5;
    assert_int_equal(optics_dot_appearance_compute(&p, dot, &err), SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "ink_amount"));
    free(dot);
}

/* Share of the reflectance the ink removes that lies in the red bands (600-700 nm), and its standard
 * error by first-order propagation of the per-band errors. */
static double red_share_of_loss(const optics_dot_appearance *d, double *se)
{
    double red = 0.0, rest = 0.0, var_red = 0.0, var_rest = 0.0;
    for (int b = 0; b < OPTICS_SKIN_BAND_COUNT; b++) {
        double loss = d->skin.reflectance[b] - d->covered.reflectance[b];
        double v = pow(d->skin.reflectance_se[b], 2.0) + pow(d->covered.reflectance_se[b], 2.0);
        if (d->skin.band_nm[b] >= 600.0) {
            red += loss;
            var_red += v;
        } else {
            rest += loss;
            var_rest += v;
        }
    }
    double total = red + rest;
    *se = sqrt(rest * rest * var_red + red * red * var_rest) / (total * total);
    return red / total;
}

static void check_fit(const optics_dot_appearance *d)
{
    double max_err = 0.0;
    for (int i = 0; i < OPTICS_DOT_PROFILE_COUNT; i++) {
        double r = d->r_mm[i], fit = 0.0;
        for (int k = 0; k < 2; k++)
            fit += d->gauss_weight[k] * exp(-0.5 * r * r / (d->gauss_sigma_mm[k] * d->gauss_sigma_mm[k]));
        max_err = fmax(max_err, fabs(fit - d->profile[i]));
    }
    assert_near(max_err, d->fit_max_abs_error, 1e-12);
    /* Within 8 % of the centre darkening everywhere (measured at 1200 photons with the skin of blood 1.2 % /
     * 0.5 %: 1.4 % at 0.4 mm, 1.5 % at 0.8 mm, 9 % at 1.5 mm, where the profile itself carries several % of
     * noise, hence 2000 photons; 1-2 % at 20000 photons). */
    assert_true(max_err < 0.08 * d->profile[0]);
    assert_true(d->gauss_sigma_mm[0] <= d->gauss_sigma_mm[1]);
    assert_true(d->gauss_weight[0] >= 0.0 && d->gauss_weight[1] >= 0.0);
}

/* One run for each depth: 0.4 mm (typical SMP), 0.8 mm, 1.5 mm (too deep, a "blowout"). */
static void deeper_ink_should_look_wider_paler_and_remove_more_red_but_never_black(void **state)
{
    (void)state;
    enum { DEPTHS = 3 };
    optics_dot_appearance *dot = malloc(DEPTHS * sizeof *dot);
    assert_non_null(dot);
    const double depth_mm[DEPTHS] = {0.4, 0.8, 1.5};
    smp_error err;
    for (int i = 0; i < DEPTHS; i++) {
        optics_dot_params p = optics_dot_params_default();
        p.depth_mm = depth_mm[i];
        p.ink_amount = 0.2; /* a grey that does not saturate (optical depth ~1.5 at 550 nm) */
        p.photons = 2000;
        p.threads = 2;
        p.seed = 5;
        assert_int_equal(optics_dot_appearance_compute(&p, &dot[i], &err), SMP_OK);
        const optics_dot_appearance *d = &dot[i];
        print_message(
            "depth %.1f mm: covered Lab %.1f %.1f %.1f (skin %.1f %.1f %.1f), c(0) %.3f, half-max %.3f mm, "
            "kernel rms %.3f mm, fit w %.4f %.4f sigma %.3f %.3f mm, max err %.5f\n",
            depth_mm[i], d->covered.lab[0], d->covered.lab[1], d->covered.lab[2], d->skin.lab[0],
            d->skin.lab[1], d->skin.lab[2], d->profile[0], d->half_max_radius_mm, d->kernel_rms_radius_mm,
            d->gauss_weight[0], d->gauss_weight[1], d->gauss_sigma_mm[0], d->gauss_sigma_mm[1],
            d->fit_max_abs_error);
        /* Never black: light scattered back above the ink returns at every band. */
        for (int b = 0; b < OPTICS_SKIN_BAND_COUNT; b++)
            assert_true(d->covered.reflectance[b] > 5.0 * d->covered.reflectance_se[b]);
        /* The profile is a darkening between 0 and 1 that falls away from the dot (not bin by bin: the kernel
         * near the axis at 1.5 mm rests on few photons). */
        for (int k = 0; k < OPTICS_DOT_PROFILE_COUNT; k++)
            assert_in_range_d(d->profile[k], 0.0, 1.0);
        assert_true(d->profile[OPTICS_DOT_PROFILE_COUNT - 1] < 0.5 * d->profile[0]);
        check_fit(d);
    }
    /* Wider: the half-max radius and the kernel grow by far more than the 25 um kernel bins. */
    for (int i = 1; i < DEPTHS; i++) {
        assert_true(dot[i].half_max_radius_mm > dot[i - 1].half_max_radius_mm + 0.1);
        assert_true(dot[i].kernel_rms_radius_mm > dot[i - 1].kernel_rms_radius_mm + 0.1);
        assert_true(dot[i].gauss_sigma_mm[1] > dot[i - 1].gauss_sigma_mm[1]);
    }
    /* Paler: less light reaches deeper ink and comes back, so a deep slab changes the colour less. At 1.5 mm
     * the change (Delta L* ~ 1) is below what 1200 photons resolve, so the colour tests use 0.4 and 0.8 mm.
     */
    double se_dy[2];
    for (int i = 0; i < 2; i++) {
        se_dy[i] = hypot(y_se(&dot[i].skin), y_se(&dot[i].covered));
        assert_true(dot[i].skin.xyz[1] - dot[i].covered.xyz[1] > 4.0 * se_dy[i]);
    }
    assert_true(dot[1].covered.xyz[1] - dot[0].covered.xyz[1] >
                4.0 * hypot(y_se(&dot[0].covered), y_se(&dot[1].covered)));
    /* The Tyndall signature: blue light is sent back by the skin above deep ink, red reaches it, so the light
     * deeper ink removes is redder and what is left looks cooler (blue-green) against the skin. */
    double se0, se1;
    double red0 = red_share_of_loss(&dot[0], &se0), red1 = red_share_of_loss(&dot[1], &se1);
    print_message("red share of the removed light: %.3f +- %.3f at 0.4 mm, %.3f +- %.3f at 0.8 mm\n", red0,
                  se0, red1, se1);
    /* At 1200 photons the gap is only about 2 standard errors (measured 0.715 +- 0.015 vs 0.784 +- 0.034), so
     * this is a weak check at the 1.5-sigma level; a 4x longer run would allow 3 sigma. */
    assert_true(red1 - red0 > 1.5 * hypot(se0, se1));
    free(dot);
}

static void two_gaussian_fit_should_recover_an_exact_sum_of_two_gaussians(void **state)
{
    (void)state;
    double r[64], c[64], w[2], s[2];
    for (int i = 0; i < 64; i++) {
        r[i] = 2.0 * i / 63.0;
        c[i] = 0.3 * exp(-0.5 * r[i] * r[i] / (0.1 * 0.1)) + 0.05 * exp(-0.5 * r[i] * r[i] / (0.6 * 0.6));
    }
    double max_err = optics_dot_fit_two_gaussians(r, c, 64, w, s);
    assert_true(max_err < 2e-3);
    assert_near(s[0], 0.1, 0.01);
    assert_near(s[1], 0.6, 0.03);
    assert_near(w[0], 0.3, 0.01);
    assert_near(w[1], 0.05, 0.005);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(skin_appearance_should_darken_from_type_one_to_type_six),
        cmocka_unit_test(skin_appearance_should_not_depend_on_the_thread_count),
        cmocka_unit_test(skin_appearance_should_reject_bad_input),
        cmocka_unit_test(deeper_ink_should_look_wider_paler_and_remove_more_red_but_never_black),
        cmocka_unit_test(two_gaussian_fit_should_recover_an_exact_sum_of_two_gaussians),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
