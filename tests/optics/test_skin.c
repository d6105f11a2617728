/* Spectral layered scalp model: component spectra, the layer stack, the ink slab and the diffusion colour. */
#include <math.h>
#include <string.h>

#include "test_util.h"

#include "optics/colour.h"
#include "optics/skin.h"

static void melanin_absorption_should_fall_with_wavelength(void **state)
{
    (void)state;
    const double eu_shares[3] = {0.0, 0.5, 1.0};
    for (int s = 0; s < 3; s++) {
        double previous = optics_melanosome_mu_a_per_cm(400.0, eu_shares[s]);
        for (double nm = 405.0; nm <= 700.0; nm += 5.0) {
            double now = optics_melanosome_mu_a_per_cm(nm, eu_shares[s]);
            assert_true(now < previous);
            previous = now;
        }
    }
    /* Eumelanosome 6.6e11 lambda^-3.33 = 679 /cm at 500 nm (optics.md 2.2 computed table). */
    assert_near(optics_melanosome_mu_a_per_cm(500.0, 1.0), 679.0, 0.5);
    assert_near(optics_skin_baseline_mu_a_per_cm(500.0), 0.70, 0.005);
}

static void epidermal_absorption_should_rise_with_fitzpatrick_type_at_500_nm(void **state)
{
    (void)state;
    double previous = 0.0;
    for (int type = 1; type <= 6; type++) {
        optics_skin_params p;
        optics_layer_props layers[OPTICS_SKIN_MAX_LAYERS];
        assert_int_equal(optics_skin_params_default(type, &p), SMP_OK);
        int count = optics_skin_layers(&p, 500.0, layers, OPTICS_SKIN_MAX_LAYERS);
        assert_int_equal(count, 5);
        assert_int_equal(layers[1].kind, OPTICS_LAYER_EPIDERMIS);
        assert_true(layers[1].mu_a_per_cm > previous);
        previous = layers[1].mu_a_per_cm;
    }
}

/* mu_s' = a (lambda/500)^-b, Jacques 2013 Table 1: epidermis 68.7/1.161, dermis 45.3/1.292 (Salomatina),
 * subcutaneous fat 13.7/0.385 (Simpson); the stack's mu_s (1 - g) must reproduce them. */
static void reduced_scattering_should_match_jacques_power_laws_at_500_and_650_nm(void **state)
{
    (void)state;
    const double nm[2] = {500.0, 650.0};
    const double law[5][2] = {{68.7, 1.161}, {68.7, 1.161}, {45.3, 1.292}, {45.3, 1.292}, {13.7, 0.385}};
    optics_skin_params p;
    optics_skin_params_default(2, &p);
    for (int w = 0; w < 2; w++) {
        optics_layer_props layers[OPTICS_SKIN_MAX_LAYERS];
        int count = optics_skin_layers(&p, nm[w], layers, OPTICS_SKIN_MAX_LAYERS);
        assert_int_equal(count, 5);
        for (int i = 0; i < count; i++) {
            double expected = law[i][0] * pow(nm[w] / 500.0, -law[i][1]);
            assert_near(layers[i].mu_s_per_cm * (1.0 - layers[i].g), expected, 1e-9 * expected);
            assert_near(layers[i].g, 0.9, 0.0);
        }
    }
    /* At 650 nm the dermis gives 45.3 * 1.3^-1.292 = 32.28 /cm. */
    assert_near(optics_layer_mu_s_reduced_per_cm(OPTICS_LAYER_RETICULAR_DERMIS, 650.0), 32.28, 0.005);
}

static double local_peak_nm(double from_nm, double to_nm, bool oxy)
{
    double best_nm = from_nm, best = -1.0;
    for (double nm = from_nm; nm <= to_nm; nm += 0.5) {
        double o, d;
        optics_haemoglobin_epsilon(nm, &o, &d);
        double v = oxy ? o : d;
        if (v > best) {
            best = v;
            best_nm = nm;
        }
    }
    return best_nm;
}

static void haemoglobin_should_peak_near_415_542_and_577_nm(void **state)
{
    (void)state;
    /* Oxyhaemoglobin: Soret band ~415 nm, Q bands ~542 and ~577 nm (Prahl's table has 414, 542, 576). */
    assert_near(local_peak_nm(400.0, 450.0, true), 415.0, 2.0);
    assert_near(local_peak_nm(530.0, 560.0, true), 542.0, 2.0);
    assert_near(local_peak_nm(562.0, 595.0, true), 577.0, 2.0);
    /* Deoxyhaemoglobin: Soret ~430 nm. */
    assert_near(local_peak_nm(400.0, 450.0, false), 430.0, 2.0);
    /* Whole blood: 0.005358 * eps (Jacques 2013 section 5), e.g. 0.005358 * 20932.8 at 500 nm, SO2 = 1. */
    assert_near(optics_blood_mu_a_per_cm(500.0, 1.0), 0.005358 * 20932.8, 0.01);
    /* Blood is redder when deoxygenated: more absorption at 650 nm. */
    assert_true(optics_blood_mu_a_per_cm(650.0, 0.4) > optics_blood_mu_a_per_cm(650.0, 0.9));
}

static void layers_should_run_top_to_bottom_with_a_scalp_thickness_in_the_published_range(void **state)
{
    (void)state;
    for (int type = 1; type <= 6; type++) {
        optics_skin_params p;
        optics_layer_props layers[OPTICS_SKIN_MAX_LAYERS];
        optics_skin_params_default(type, &p);
        int count = optics_skin_layers(&p, 600.0, layers, OPTICS_SKIN_MAX_LAYERS);
        assert_int_equal(count, 5);
        double epi_dermis_cm = 0.0, epidermis_cm = 0.0;
        for (int i = 0; i < count; i++) {
            assert_int_equal(layers[i].kind, (optics_layer_kind)i);
            assert_true(layers[i].thickness_cm > 0.0);
            assert_in_range_d(layers[i].n, 1.33, 1.55);
            assert_true(layers[i].mu_a_per_cm > 0.0 && layers[i].mu_s_per_cm > 0.0);
            if (layers[i].kind != OPTICS_LAYER_SUBCUTIS) epi_dermis_cm += layers[i].thickness_cm;
            if (layers[i].kind <= OPTICS_LAYER_EPIDERMIS) epidermis_cm += layers[i].thickness_cm;
        }
        /* Scalp epidermis 60-100 um [V]; epidermis + dermis 1.71 +- 0.41 mm (ultrasound) and 1.93 +- 0.47 mm
         * (histometry), Sung et al. 2025: within the union of the two mean +- SD ranges. */
        assert_in_range_d(epidermis_cm, 0.006, 0.010);
        assert_in_range_d(epi_dermis_cm, 0.171 - 0.041, 0.193 + 0.047);
    }
}

static void an_ink_slab_should_split_the_dermis_and_add_its_absorption(void **state)
{
    (void)state;
    optics_skin_params p;
    optics_skin_params_default(3, &p);
    p.ink_top_cm = 0.030; /* 0.30-0.40 mm: across the papillary / reticular boundary at 0.35 mm */
    p.ink_thickness_cm = 0.010;
    optics_layer_props layers[OPTICS_SKIN_MAX_LAYERS];
    int count = optics_skin_layers(&p, 550.0, layers, OPTICS_SKIN_MAX_LAYERS);
    assert_int_equal(count, 7);
    double z = 0.0, inked_cm = 0.0, ink_top_cm = -1.0;
    for (int i = 0; i < count - 1; i++) {
        if (layers[i].inked) {
            if (ink_top_cm < 0.0) ink_top_cm = z;
            inked_cm += layers[i].thickness_cm;
        }
        z += layers[i].thickness_cm;
    }
    assert_near(ink_top_cm, 0.030, 1e-12);
    assert_near(inked_cm, 0.010, 1e-12);
    assert_near(z, 0.18, 1e-12); /* the split keeps the total thickness */
    assert_true(layers[3].inked && layers[4].inked);
    assert_int_equal(layers[3].kind, OPTICS_LAYER_PAPILLARY_DERMIS);
    assert_int_equal(layers[4].kind, OPTICS_LAYER_RETICULAR_DERMIS);
    double ink_mu_a, ink_mu_s, ink_g;
    optics_ink_coefficients(&p.ink, 550.0, &ink_mu_a, &ink_mu_s, &ink_g);
    assert_near(layers[3].mu_a_per_cm - layers[2].mu_a_per_cm, ink_mu_a, 1e-9);
    /* The default ink is a pure absorber (docs/optics-model.md 3): the tissue's scattering is unchanged. */
    assert_near(ink_mu_s, 0.0, 0.0);
    assert_near(layers[3].mu_s_per_cm, layers[2].mu_s_per_cm, 1e-9);
    assert_near(layers[3].g, layers[2].g, 1e-12);
    /* An ink that scatters adds its scattering, and the layer's g is the scattering-weighted mean. */
    p.ink.scattering_albedo = 0.15;
    count = optics_skin_layers(&p, 550.0, layers, OPTICS_SKIN_MAX_LAYERS);
    optics_ink_coefficients(&p.ink, 550.0, &ink_mu_a, &ink_mu_s, &ink_g);
    assert_near(layers[3].mu_s_per_cm - layers[2].mu_s_per_cm, ink_mu_s, 1e-9);
    assert_true(layers[3].g < 0.9 && layers[3].g > ink_g);
    p.ink.scattering_albedo = 0.0;
    /* Carbon absorbs across the visible, a little more in the blue (1/lambda, an assumption). */
    double mu_a_450, mu_a_650;
    optics_ink_coefficients(&p.ink, 450.0, &mu_a_450, NULL, NULL);
    optics_ink_coefficients(&p.ink, 650.0, &mu_a_650, NULL, NULL);
    assert_near(mu_a_450 / mu_a_650, 650.0 / 450.0, 1e-12);
    /* A further 25x dilution divides the ink coefficients by 25. */
    optics_ink_params grey = p.ink;
    grey.dilution = p.ink.dilution * 25.0;
    double grey_mu_a;
    optics_ink_coefficients(&grey, 550.0, &grey_mu_a, NULL, NULL);
    assert_near(grey_mu_a * 25.0, ink_mu_a, 1e-9);
}

static void invalid_parameters_should_be_rejected_with_the_field_named(void **state)
{
    (void)state;
    optics_skin_params p;
    optics_layer_props layers[OPTICS_SKIN_MAX_LAYERS];
    assert_int_equal(optics_skin_params_default(7, &p), SMP_ERR_INPUT);
    assert_int_equal(p.fitzpatrick, 6);
    smp_error err = {0};
    p.melanin_volume_fraction = 0.7;
    assert_int_equal(optics_skin_params_validate(&p, &err), SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "melanin_volume_fraction"));
    assert_int_equal(optics_skin_layers(&p, 550.0, layers, OPTICS_SKIN_MAX_LAYERS), -1);
    optics_skin_params_default(2, &p);
    assert_int_equal(optics_skin_layers(&p, 750.0, layers, OPTICS_SKIN_MAX_LAYERS), -1);
    assert_int_equal(optics_skin_layers(&p, 550.0, layers, 3), -1);
    p.ink.dilution = 0.5;
    assert_int_equal(optics_skin_params_validate(&p, &err), SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "ink.dilution"));
}

/* Adding-doubling reference for a semi-infinite medium, albedo 0.9, g = 0 (optics.md 1.1, B2' and B2,
 * computed with iadpython): diffuse part 0.4149 at n = 1 and 0.2785 - 0.0278 = 0.2507 at n = 1.40. Diffusion
 * theory is known to be off by about 10 % at such a low albedo; the check guards the formula, not its
 * accuracy. */
static void diffusion_reflectance_should_be_near_adding_doubling(void **state)
{
    (void)state;
    double matched = optics_diffusion_reflectance(10.0, 90.0, 1.0);
    /* Adding-doubling's diffuse part includes the Fresnel loss on the way in (1 - 0.0278 at n = 1.40). */
    double mismatched = (1.0 - 0.0278) * optics_diffusion_reflectance(10.0, 90.0, 1.40);
    assert_near(matched, 0.4149, 0.12 * 0.4149);
    assert_near(mismatched, 0.2507, 0.12 * 0.2507);
    assert_true(mismatched < matched);
    assert_near(optics_diffusion_reflectance(0.0, 10.0, 1.0), 1.0, 0.01);
}

/* The crude colour check of issue 3: L* falls from type I to VI, type I lands in the very light ITA class
 * (> 55) and type VI in the brown or dark class. The numbers are reported in docs/optics-model.md. */
static void diffusion_colour_should_darken_from_type_1_to_6_with_matching_ita(void **state)
{
    (void)state;
    double previous_l = 101.0, ita[7] = {0};
    for (int type = 1; type <= 6; type++) {
        optics_skin_params p;
        double xyz[3], lab[3];
        optics_skin_params_default(type, &p);
        assert_int_equal(optics_skin_xyz_diffusion(&p, xyz, NULL), SMP_OK);
        optics_xyz_to_lab(xyz, lab);
        assert_true(lab[0] < previous_l);
        previous_l = lab[0];
        ita[type] = optics_ita_deg(lab);
        assert_true(lab[1] > 0.0 && lab[2] > 0.0); /* skin is reddish-yellow */
        double r450 = optics_skin_reflectance_diffusion(&p, 450.0);
        double r650 = optics_skin_reflectance_diffusion(&p, 650.0);
        assert_true(r650 > r450 && r450 >= 0.0 && r650 < 1.0);
    }
    assert_true(ita[1] > 55.0); /* class I */
    /* The melanin per type is calibrated on the Monte Carlo colour (docs/optics-model.md section 2); the
     * crude diffusion sketch puts type VI in the brown class or darker. */
    assert_true(optics_ita_classify(ita[6]) >= OPTICS_ITA_BROWN);
}

/* A fresh wound's redness (ageing/, docs/model.md "Healing and fading"): more blood absorbs green and blue
 * more than red, so the skin turns redder and darker, and less so on dark skin, whose melanin hides the
 * dermis ("more on light skin"). */
static void erythema_should_redden_and_show_more_on_light_skin(void **state)
{
    double da[7] = {0};
    for (int t = 1; t <= 6; ++t) {
        double d[3], xyz[3], rgb[3], lab0[3], lab1[3];
        smp_error err = {0};
        assert_int_equal(optics_skin_erythema_density(t, 2.0, d, &err), SMP_OK);
        assert_true(d[1] > d[0] && d[2] > d[0] && d[1] > 0.1);
        optics_skin_params p;
        optics_skin_params_default(t, &p);
        assert_int_equal(optics_skin_xyz_diffusion(&p, xyz, &err), SMP_OK);
        optics_xyz_to_lab(xyz, lab0);
        optics_xyz_to_linear_rgb(xyz, rgb);
        for (int c = 0; c < 3; ++c)
            rgb[c] *= exp(-d[c]);
        optics_linear_rgb_to_xyz(rgb, xyz);
        optics_xyz_to_lab(xyz, lab1);
        da[t] = lab1[1] - lab0[1];
        assert_true(lab1[0] < lab0[0]);
    }
    assert_true(da[2] > 3.5);         /* "slightly pink, similar to a sunburn" */
    assert_true(da[2] > da[6] + 1.0); /* more on light skin */
    smp_error err = {0};
    double d[3];
    assert_int_equal(optics_skin_erythema_density(9, 2.0, d, &err), SMP_ERR_INPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(melanin_absorption_should_fall_with_wavelength),
        cmocka_unit_test(epidermal_absorption_should_rise_with_fitzpatrick_type_at_500_nm),
        cmocka_unit_test(reduced_scattering_should_match_jacques_power_laws_at_500_and_650_nm),
        cmocka_unit_test(haemoglobin_should_peak_near_415_542_and_577_nm),
        cmocka_unit_test(layers_should_run_top_to_bottom_with_a_scalp_thickness_in_the_published_range),
        cmocka_unit_test(an_ink_slab_should_split_the_dermis_and_add_its_absorption),
        cmocka_unit_test(invalid_parameters_should_be_rejected_with_the_field_named),
        cmocka_unit_test(diffusion_reflectance_should_be_near_adding_doubling),
        cmocka_unit_test(diffusion_colour_should_darken_from_type_1_to_6_with_matching_ita),
        cmocka_unit_test(erythema_should_redden_and_show_more_on_light_skin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
