/* Monte Carlo validation against the published MCML benchmarks (references/optics.md §1.1), energy
 * conservation, determinism and the API contracts.
 *
 * Tolerances: every comparison allows K_SIGMA standard deviations of the difference, where our standard error
 * comes from the spread of the run's own batches and a Monte Carlo reference's error is scaled from ours by
 * the photon counts (same estimator, sigma ~ 1/sqrt(N)); a rounded published value adds half its last digit.
 * With about 25 comparisons, 4 sigma keeps the chance of a false alarm for a fresh seed below 0.2 %. */
#include "test_util.h"

#include <string.h>

#include "optics/mc.h"

#define K_SIGMA 4.0

static optics_mc_result run_case(const optics_layer *layers, int count, double n_above, double n_below,
                                 uint64_t photons, uint64_t seed, int threads)
{
    optics_mc_input in = optics_mc_input_default();
    in.layers = layers;
    in.layer_count = count;
    in.n_above = n_above;
    in.n_below = n_below;
    in.photons = photons;
    optics_mc_options opt = {.seed = seed, .threads = threads};
    optics_mc_result res;
    smp_error err = {0};
    if (optics_mc_run(&in, &opt, &res, &err) != SMP_OK) fail_msg("optics_mc_run failed: %s", err.message);
    return res;
}

/* Sigma of (ours - reference): our batch error, the reference's Monte Carlo error scaled from ours when it
 * was a run of ref_photons (0: exact reference), and the rounding of the published value. */
static double sigma_diff(double se, uint64_t photons, uint64_t ref_photons, double ref_half_digit)
{
    double ref_se = ref_photons ? se * sqrt((double)photons / (double)ref_photons) : 0.0;
    double round_sd = ref_half_digit / sqrt(3.0); /* uniform rounding error */
    return sqrt(se * se + ref_se * ref_se + round_sd * round_sd);
}

static void assert_energy_conserved(const optics_mc_result *r)
{
    double sum = r->specular_reflectance + r->diffuse_reflectance + r->absorbed + r->transmittance;
    assert_near(sum, 1.0, 1e-4);
    double layers = 0.0;
    for (int i = 0; i < r->layer_count; ++i)
        layers += r->absorbed_per_layer[i];
    assert_near(layers, r->absorbed, 1e-12);
}

static void mc_slab_should_match_van_de_hulst(void **state)
{
    /* MCML manual Table 6.1: n = 1 everywhere, mua 10, mus 90, g 0.75, d 0.02 cm. */
    const optics_layer slab = {1.0, 10.0, 90.0, 0.75, 0.02};
    const uint64_t n = 400000;
    optics_mc_result r = run_case(&slab, 1, 1.0, 1.0, n, 11, 2);
    assert_near(r.specular_reflectance, 0.0, 1e-15);
    assert_near(r.diffuse_reflectance, 0.09739, K_SIGMA * sigma_diff(r.diffuse_reflectance_se, n, 0, 5e-6));
    assert_near(r.transmittance, 0.66096, K_SIGMA * sigma_diff(r.transmittance_se, n, 0, 5e-6));
    /* MCML 2.0 sample1a.mco, 1e6 photons: A 0.241819. */
    assert_near(r.absorbed, 0.241819, K_SIGMA * sigma_diff(r.absorbed_se, n, 1000000, 5e-7));
    assert_energy_conserved(&r);
    optics_mc_result_destroy(&r);
}

static void mc_semi_infinite_mismatched_should_match_giovanelli(void **state)
{
    /* MCML manual Table 6.2: n 1.5 under air, mua 10, mus 90, g 0; Giovanelli's 0.2600 includes Rsp. */
    const optics_layer half = {1.5, 10.0, 90.0, 0.0, 1e8};
    const uint64_t n = 100000;
    optics_mc_result r = run_case(&half, 1, 1.0, 1.0, n, 12, 2);
    assert_near(r.specular_reflectance, 0.04, 1e-12);
    assert_near(r.specular_reflectance + r.diffuse_reflectance, 0.2600,
                K_SIGMA * sigma_diff(r.diffuse_reflectance_se, n, 0, 5e-5));
    assert_near(r.transmittance, 0.0, 1e-15);
    assert_energy_conserved(&r);
    optics_mc_result_destroy(&r);
}

static void mc_three_layers_should_match_gardner_and_mcml(void **state)
{
    /* MCML manual Table 6.7 (Gardner et al. 1992); reference: MCML's example.mco, 1e6 photons. */
    const optics_layer layers[3] = {
        {1.37, 1.0, 100.0, 0.9, 0.1}, {1.37, 1.0, 10.0, 0.0, 0.1}, {1.37, 2.0, 10.0, 0.7, 0.2}};
    const uint64_t n = 80000, ref_n = 1000000;
    optics_mc_result r = run_case(layers, 3, 1.0, 1.0, n, 13, 2);
    assert_near(r.specular_reflectance, 0.0243729, 5e-7);
    assert_near(r.diffuse_reflectance, 0.237544,
                K_SIGMA * sigma_diff(r.diffuse_reflectance_se, n, ref_n, 5e-7));
    assert_near(r.transmittance, 0.0964896, K_SIGMA * sigma_diff(r.transmittance_se, n, ref_n, 5e-8));
    assert_near(r.absorbed, 0.641594, K_SIGMA * sigma_diff(r.absorbed_se, n, ref_n, 5e-7));
    const double a_l[3] = {0.2612, 0.1488, 0.2316};
    for (int i = 0; i < 3; ++i)
        assert_near(r.absorbed_per_layer[i], a_l[i],
                    K_SIGMA * sigma_diff(r.absorbed_per_layer_se[i], n, ref_n, 5e-5));
    assert_energy_conserved(&r);
    optics_mc_result_destroy(&r);
}

static void mc_two_layers_should_match_mcml_of_the_mccl_comparison(void **state)
{
    /* Virtual Photonics MCML/MCCL comparison, converted from mm to cm; MCML run of 1e6 photons. */
    const optics_layer layers[2] = {{1.3, 20.0, 200.0, 0.7, 0.01}, {1.4, 10.0, 200.0, 0.9, 1e8}};
    const uint64_t n = 50000, ref_n = 1000000;
    optics_mc_result r = run_case(layers, 2, 1.0, 1.0, n, 14, 2);
    assert_near(r.specular_reflectance, 0.0170, 5e-5);
    assert_near(r.diffuse_reflectance, 0.1050,
                K_SIGMA * sigma_diff(r.diffuse_reflectance_se, n, ref_n, 5e-5));
    assert_near(r.absorbed, 0.8780, K_SIGMA * sigma_diff(r.absorbed_se, n, ref_n, 5e-5));
    assert_near(r.transmittance, 0.0, 1e-15);
    assert_energy_conserved(&r);
    optics_mc_result_destroy(&r);
}

static void mc_partial_reflection_should_agree_with_all_or_none(void **state)
{
    /* Both are unbiased estimators of the same Rd (Wang et al. 1995); only their variance differs. */
    const optics_layer half = {1.5, 10.0, 90.0, 0.0, 1e8};
    optics_mc_input in = optics_mc_input_default();
    in.layers = &half;
    in.layer_count = 1;
    in.photons = 40000;
    optics_mc_options opt = {.seed = 5, .threads = 2, .partial_reflection = true};
    optics_mc_result split, whole;
    assert_int_equal(optics_mc_run(&in, &opt, &split, NULL), SMP_OK);
    opt.partial_reflection = false;
    assert_int_equal(optics_mc_run(&in, &opt, &whole, NULL), SMP_OK);
    double sigma = hypot(split.diffuse_reflectance_se, whole.diffuse_reflectance_se);
    assert_near(split.diffuse_reflectance, whole.diffuse_reflectance, K_SIGMA * sigma);
    assert_energy_conserved(&split);
    optics_mc_result_destroy(&split);
    optics_mc_result_destroy(&whole);
}

static void mc_energy_should_be_conserved_with_glass_and_mismatched_layers(void **state)
{
    const optics_layer layers[4] = {
        {1.52, 0.0, 0.0, 0.0, 0.1}, /* glass: crossed analytically at launch */
        {1.40, 5.0, 150.0, 0.85, 0.05},
        {1.33, 0.0, 0.0, 0.0, 0.02},  /* glass inside the stack */
        {1.45, 0.3, 80.0, -0.3, 0.3}, /* back-scattering */
    };
    optics_mc_result r = run_case(layers, 4, 1.0, 1.2, 20000, 3, 2);
    assert_energy_conserved(&r);
    assert_near(r.absorbed_per_layer[0], 0.0, 0.0);
    assert_near(r.absorbed_per_layer[2], 0.0, 0.0);
    /* Two-interface specular reflectance (MCML manual Eq. 3.2). */
    double r1 = pow((1.0 - 1.52) / 2.52, 2.0), r2 = pow((1.52 - 1.40) / 2.92, 2.0);
    assert_near(r.specular_reflectance, r1 + (1 - r1) * (1 - r1) * r2 / (1 - r1 * r2), 1e-12);
    optics_mc_result_destroy(&r);
}

static void mc_profiles_should_integrate_to_the_totals(void **state)
{
    const optics_layer layers[2] = {{1.37, 1.0, 100.0, 0.9, 0.1}, {1.37, 2.0, 10.0, 0.7, 0.2}};
    optics_mc_input in = optics_mc_input_default();
    in.layers = layers;
    in.layer_count = 2;
    in.photons = 5000;
    in.na = 9;
    optics_mc_options opt = {.seed = 2, .threads = 2, .score_a_rz = true};
    optics_mc_result r;
    assert_int_equal(optics_mc_run(&in, &opt, &r, NULL), SMP_OK);
    double rd = 0, tt = 0, rd_a = 0, a_z = 0, a_rz = 0;
    for (int i = 0; i < r.nr; ++i) {
        double area = 2.0 * SMP_PI * (i + 0.5) * r.dr_cm * r.dr_cm;
        rd += r.rd_r[i] * area;
        tt += r.tt_r[i] * area;
        for (int j = 0; j < r.nz; ++j)
            a_rz += r.a_rz[i * r.nz + j] * area * r.dz_cm;
    }
    for (int i = 0; i < r.na; ++i)
        rd_a += r.rd_a[i] * 2.0 * SMP_PI * sin((i + 0.5) * r.da_rad) * r.da_rad;
    for (int j = 0; j < r.nz; ++j)
        a_z += r.a_z[j] * r.dz_cm;
    assert_near(rd, r.diffuse_reflectance, 1e-12);
    assert_near(tt, r.transmittance, 1e-12);
    assert_near(rd_a, r.diffuse_reflectance, 1e-12);
    assert_near(a_z, r.absorbed, 1e-12);
    assert_near(a_rz, r.absorbed, 1e-12);
    optics_mc_result_destroy(&r);
}

static int results_identical(const optics_mc_result *a, const optics_mc_result *b)
{
    return a->diffuse_reflectance == b->diffuse_reflectance && a->absorbed == b->absorbed &&
           a->transmittance == b->transmittance && a->diffuse_reflectance_se == b->diffuse_reflectance_se &&
           memcmp(a->rd_r, b->rd_r, (size_t)a->nr * sizeof(double)) == 0 &&
           memcmp(a->a_z, b->a_z, (size_t)a->nz * sizeof(double)) == 0 &&
           memcmp(a->absorbed_per_layer, b->absorbed_per_layer, (size_t)a->layer_count * sizeof(double)) == 0;
}

static void mc_same_seed_should_give_identical_numbers_for_any_thread_count(void **state)
{
    const optics_layer layers[2] = {{1.3, 20.0, 200.0, 0.7, 0.01}, {1.4, 10.0, 200.0, 0.9, 1e8}};
    optics_mc_result one = run_case(layers, 2, 1.0, 1.0, 3000, 99, 1);
    optics_mc_result two = run_case(layers, 2, 1.0, 1.0, 3000, 99, 2);
    optics_mc_result again = run_case(layers, 2, 1.0, 1.0, 3000, 99, 2);
    optics_mc_result seven = run_case(layers, 2, 1.0, 1.0, 3000, 99, 7);
    optics_mc_result other = run_case(layers, 2, 1.0, 1.0, 3000, 100, 2);
    assert_true(results_identical(&two, &again));
    assert_true(results_identical(&one, &two));
    assert_true(results_identical(&one, &seven));
    assert_true(one.diffuse_reflectance != other.diffuse_reflectance);
    assert_true(memcmp(one.rd_r, other.rd_r, (size_t)one.nr * sizeof(double)) != 0);
    optics_mc_result_destroy(&one);
    optics_mc_result_destroy(&two);
    optics_mc_result_destroy(&again);
    optics_mc_result_destroy(&seven);
    optics_mc_result_destroy(&other);
}

static void mc_run_should_handle_fewer_photons_than_batches(void **state)
{
    const optics_layer slab = {1.0, 10.0, 90.0, 0.75, 0.02};
    optics_mc_result r = run_case(&slab, 1, 1.0, 1.0, 5, 1, 2);
    assert_int_equal(r.batches, 5);
    assert_true(r.diffuse_reflectance >= 0.0 && r.transmittance <= 1.0);
    optics_mc_result_destroy(&r);
    r = run_case(&slab, 1, 1.0, 1.0, 1, 1, 2);
    assert_int_equal(r.batches, 1);
    assert_true(isnan(r.diffuse_reflectance_se));
    optics_mc_result_destroy(&r);
}

typedef struct progress_log {
    int calls;
    double last;
} progress_log;

static void on_progress(void *user, double fraction, const char *stage)
{
    progress_log *p = user;
    assert_true(fraction >= p->last);
    p->calls++;
    p->last = fraction;
}

static void mc_progress_should_reach_one_once_per_batch(void **state)
{
    const optics_layer slab = {1.0, 10.0, 90.0, 0.75, 0.02};
    optics_mc_input in = optics_mc_input_default();
    in.layers = &slab;
    in.layer_count = 1;
    in.photons = 1000;
    progress_log log = {0, 0.0};
    optics_mc_options opt = {.threads = 2, .batches = 10, .progress = on_progress, .progress_user = &log};
    optics_mc_result r;
    assert_int_equal(optics_mc_run(&in, &opt, &r, NULL), SMP_OK);
    assert_int_equal(log.calls, 10);
    assert_near(log.last, 1.0, 0.0);
    optics_mc_result_destroy(&r);
    optics_mc_result_destroy(&r); /* a destroyed result is a no-op */
}

static void mc_run_should_reject_invalid_input_naming_the_field(void **state)
{
    optics_layer bad = {1.4, 1.0, 100.0, 1.5, 0.1};
    optics_mc_input in = optics_mc_input_default();
    in.layers = &bad;
    in.layer_count = 1;
    optics_mc_result r;
    smp_error err = {0};
    assert_int_equal(optics_mc_run(&in, NULL, &r, &err), SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "layer 1: g = 1.5"));
    bad.g = 0.9;
    bad.mu_a_per_cm = -1.0;
    assert_int_equal(optics_mc_run(&in, NULL, &r, &err), SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "mu_a"));
    bad.mu_a_per_cm = 1.0;
    in.nr = 0;
    assert_int_equal(optics_mc_run(&in, NULL, &r, &err), SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "nr = 0"));
    in.nr = 10;
    optics_mc_options opt = {.roulette_chance = 2.0};
    assert_int_equal(optics_mc_run(&in, &opt, &r, &err), SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "roulette_chance"));
}

static void fresnel_should_match_the_limiting_cases(void **state)
{
    double ct = -1.0;
    assert_near(optics_fresnel_reflectance(1.0, 1.5, 1.0, &ct), 0.04, 1e-15);
    assert_near(ct, 1.0, 1e-15);
    assert_near(optics_fresnel_reflectance(1.4, 1.4, 0.3, &ct), 0.0, 1e-15);
    assert_near(ct, 0.3, 1e-15);
    /* Beyond the critical angle, asin(1/1.5) = 41.8 deg: total internal reflection. */
    assert_near(optics_fresnel_reflectance(1.5, 1.0, cos(45.0 * SMP_PI / 180.0), &ct), 1.0, 0.0);
    assert_near(ct, 0.0, 0.0);
    assert_near(optics_fresnel_reflectance(1.0, 1.5, 0.0, NULL), 1.0, 1e-15); /* grazing */
    /* Brewster's angle: tan(theta_B) = n2/n1, where the p reflectance vanishes; Rs there for 1 -> 1.5 is
     * ((n1 cos i - n2 cos t)/(n1 cos i + n2 cos t))² with cos i = 1/sqrt(1+2.25), cos t = sin i = 1.5 cos i.
     */
    double ci = 1.0 / sqrt(1.0 + 2.25), ctb = 1.5 * ci;
    double rs = (ci - 1.5 * ctb) / (ci + 1.5 * ctb);
    assert_near(optics_fresnel_reflectance(1.0, 1.5, ci, NULL), 0.5 * rs * rs, 1e-14);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mc_slab_should_match_van_de_hulst),
        cmocka_unit_test(mc_semi_infinite_mismatched_should_match_giovanelli),
        cmocka_unit_test(mc_three_layers_should_match_gardner_and_mcml),
        cmocka_unit_test(mc_two_layers_should_match_mcml_of_the_mccl_comparison),
        cmocka_unit_test(mc_partial_reflection_should_agree_with_all_or_none),
        cmocka_unit_test(mc_energy_should_be_conserved_with_glass_and_mismatched_layers),
        cmocka_unit_test(mc_profiles_should_integrate_to_the_totals),
        cmocka_unit_test(mc_same_seed_should_give_identical_numbers_for_any_thread_count),
        cmocka_unit_test(mc_run_should_handle_fewer_photons_than_batches),
        cmocka_unit_test(mc_progress_should_reach_one_once_per_batch),
        cmocka_unit_test(mc_run_should_reject_invalid_input_naming_the_field),
        cmocka_unit_test(fresnel_should_match_the_limiting_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
