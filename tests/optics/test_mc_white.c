/* The pure-absorber ("white") scans of mc.h against the engine they stand in for: optics_mc_run on a stack
 * whose ink slab is split into its own layers with the ink's absorption added, and optics_mc_disk_run with
 * the ink inside its cylinder. The stack is the scalp of skin.c (type 3, 540 nm) with an ink that does not
 * scatter (albedo 0), so skin.c's inked layers differ from the tissue by mu_a alone.
 *
 * Tolerances: K_SIGMA standard deviations of the difference of two independent estimates, the hypot of their
 * batch standard errors. With about ten comparisons, 4 sigma keeps the chance of a false alarm for a fresh
 * seed below 0.1 %. Photon counts are sized for a Release build on two cores (about 13 CPU-seconds in all,
 * so about 7 s; ASan 3-5 times longer). */
#include "test_util.h"

#include <string.h>

#include "optics/mc.h"
#include "optics/skin.h"

#define K_SIGMA 4.0
#define TEST_NM 540.0
#define TEST_TYPE 3

static void props_to_layers(const optics_layer_props *props, int count, optics_layer *out)
{
    for (int i = 0; i < count; i++)
        out[i] = (optics_layer){props[i].n, props[i].mu_a_per_cm, props[i].mu_s_per_cm, props[i].g,
                                props[i].thickness_cm};
}

/* The bare scalp: one layer per tissue kind, in kind order. */
static int bare_stack(optics_layer *out)
{
    optics_skin_params p;
    optics_skin_params_default(TEST_TYPE, &p);
    optics_layer_props props[OPTICS_SKIN_MAX_LAYERS];
    int count = optics_skin_layers(&p, TEST_NM, props, OPTICS_SKIN_MAX_LAYERS);
    assert_int_equal(count, OPTICS_LAYER_SUBCUTIS + 1);
    props_to_layers(props, count, out);
    return count;
}

/* The scalp with a non-scattering ink in [top, bottom), ink_scale times the default carbon: skin.c splits the
 * tissue layers at the ink and adds its absorption. Returns the layer count; *mu_ink gets the ink's mu_a,
 * *first and *count_inked the inked layers, and tissue[] (may be NULL) the same split stack without the ink
 * (each piece the bare layer of its kind). */
static int inked_stack(double top_cm, double bottom_cm, double ink_scale, optics_layer *out,
                       optics_layer *tissue, double *mu_ink, int *first, int *count_inked)
{
    optics_skin_params p;
    optics_skin_params_default(TEST_TYPE, &p);
    p.ink.scattering_albedo = 0.0;
    p.ink.carbon_volume_fraction *= ink_scale;
    p.ink_top_cm = top_cm;
    p.ink_thickness_cm = bottom_cm - top_cm;
    optics_ink_coefficients(&p.ink, TEST_NM, mu_ink, NULL, NULL);
    optics_layer_props props[OPTICS_SKIN_MAX_LAYERS];
    int count = optics_skin_layers(&p, TEST_NM, props, OPTICS_SKIN_MAX_LAYERS);
    assert_true(count > 0);
    props_to_layers(props, count, out);
    optics_layer bare[OPTICS_SKIN_MAX_LAYERS];
    bare_stack(bare);
    *first = -1;
    *count_inked = 0;
    for (int i = 0; i < count; i++) {
        optics_layer t = bare[props[i].kind];
        t.thickness_cm = props[i].thickness_cm;
        if (tissue) tissue[i] = t;
        if (!props[i].inked) continue;
        if (*first < 0) *first = i;
        (*count_inked)++;
        /* The premise of the white scans: the inked layer is the tissue plus absorption, nothing else. */
        assert_near(out[i].mu_s_per_cm, t.mu_s_per_cm, 0.0);
        assert_near(out[i].g, t.g, 0.0);
        assert_near(out[i].mu_a_per_cm, t.mu_a_per_cm + *mu_ink, 1e-12 * (t.mu_a_per_cm + *mu_ink));
    }
    assert_true(*count_inked >= 1);
    return count;
}

static optics_mc_input stack_input(const optics_layer *layers, int count, uint64_t photons)
{
    optics_mc_input in = optics_mc_input_default();
    in.layers = layers;
    in.layer_count = count;
    in.n_below = layers[count - 1].n;
    in.photons = photons;
    return in;
}

static void slab_scan_without_ink_should_give_the_bare_run_exactly(void **state)
{
    optics_layer bare[OPTICS_SKIN_MAX_LAYERS];
    int count = bare_stack(bare);
    const optics_mc_slab_config slabs[2] = {{0.008, 0.018}, {0.10, 0.15}};
    const double mu[2] = {0.0, 40.0};
    for (int partial = 0; partial < 2; partial++) {
        optics_mc_input in = stack_input(bare, count, 10000);
        optics_mc_options opt = {.seed = 21, .threads = 2, .partial_reflection = partial};
        double rd[4], rd_se[4], bare_rd, bare_se;
        smp_error err = {0};
        assert_int_equal(optics_mc_slab_scan(&in, slabs, 2, mu, 2, &opt, rd, rd_se, &bare_rd, &bare_se, &err),
                         SMP_OK);
        for (int c = 0; c < 2; c++) {
            assert_true(rd[c * 2] == bare_rd);
            assert_true(rd_se[c * 2] == bare_se);
            assert_true(rd[c * 2 + 1] < bare_rd);
        }
        optics_mc_result run;
        assert_int_equal(optics_mc_run(&in, &opt, &run, &err), SMP_OK);
        assert_near(bare_rd, run.diffuse_reflectance, run.diffuse_reflectance_se);
        /* Closer still: the scan traces the very packets of the run (same streams, same draws), summed in
         * another order, so only rounding separates them. */
        assert_near(bare_rd, run.diffuse_reflectance, 1e-12 * run.diffuse_reflectance);
        assert_near(bare_se, run.diffuse_reflectance_se, 1e-9 * run.diffuse_reflectance_se);
        optics_mc_result_destroy(&run);
    }
}

static void slab_scan_should_match_runs_with_the_ink_in_split_layers(void **state)
{
    optics_layer bare[OPTICS_SKIN_MAX_LAYERS];
    int count = bare_stack(bare);
    /* A shallow slab (0.08-0.18 mm, under the epidermis) and a deep one (1.0-1.5 mm), a weak ink (1/20 of the
     * default carbon, about 40 /cm at 540 nm) and the default one (about 770 /cm). */
    const optics_mc_slab_config slabs[2] = {{0.008, 0.018}, {0.10, 0.15}};
    const double scale[2] = {0.05, 1.0};
    const uint64_t n_scan = 40000, n_ref = 40000;
    double mu[2];
    for (int k = 0; k < 2; k++) {
        optics_layer unused[OPTICS_SKIN_MAX_LAYERS];
        int first, inked;
        inked_stack(0.01, 0.02, scale[k], unused, NULL, &mu[k], &first, &inked);
    }
    optics_mc_input in = stack_input(bare, count, n_scan);
    optics_mc_options opt = {.seed = 31, .threads = 2};
    double rd[4], rd_se[4], bare_rd, bare_se;
    smp_error err = {0};
    assert_int_equal(optics_mc_slab_scan(&in, slabs, 2, mu, 2, &opt, rd, rd_se, &bare_rd, &bare_se, &err),
                     SMP_OK);
    for (int c = 0; c < 2; c++) {
        for (int k = 0; k < 2; k++) {
            optics_layer layers[OPTICS_SKIN_MAX_LAYERS];
            double mu_check;
            int first, inked;
            int n = inked_stack(slabs[c].top_cm, slabs[c].bottom_cm, scale[k], layers, NULL, &mu_check,
                                &first, &inked);
            assert_near(mu_check, mu[k], 0.0);
            optics_mc_input ref_in = stack_input(layers, n, n_ref);
            optics_mc_options ref_opt = {.seed = 100 + (uint64_t)(2 * c + k), .threads = 2};
            optics_mc_result ref;
            assert_int_equal(optics_mc_run(&ref_in, &ref_opt, &ref, &err), SMP_OK);
            double sigma = hypot(rd_se[c * 2 + k], ref.diffuse_reflectance_se);
            assert_near(rd[c * 2 + k], ref.diffuse_reflectance, K_SIGMA * sigma);
            optics_mc_result_destroy(&ref);
        }
    }
    /* The ink darkens, more when stronger and when shallower. */
    assert_true(rd[1] < rd[0] && rd[0] < bare_rd);
    assert_true(rd[3] < rd[2] && rd[2] < bare_rd);
    assert_true(rd[1] < rd[3]);
}

static void disk_scan_should_match_disk_runs_with_a_pure_absorber_inside(void **state)
{
    optics_layer bare[OPTICS_SKIN_MAX_LAYERS];
    int count = bare_stack(bare);
    /* Two depths (0.1-0.2 mm, 0.5-0.7 mm) x two radii (0.2 mm, 0.5 mm), the default ink. One scan per depth
     * so each launches as the bake would (core = the ink's depth, tail = 1 mm). */
    const double top[2] = {0.01, 0.05}, bottom[2] = {0.02, 0.07}, radius[2] = {0.02, 0.05};
    const double tail_cm = 0.1;
    const uint64_t n_scan = 30000, n_ref = 40000;
    for (int zi = 0; zi < 2; zi++) {
        optics_layer layers[OPTICS_SKIN_MAX_LAYERS], tissue[OPTICS_SKIN_MAX_LAYERS];
        double mu;
        int first, inked;
        int n = inked_stack(top[zi], bottom[zi], 1.0, layers, tissue, &mu, &first, &inked);
        optics_mc_disk_config configs[2];
        for (int ri = 0; ri < 2; ri++)
            configs[ri] = (optics_mc_disk_config){top[zi], bottom[zi], radius[ri]};
        optics_mc_input in = stack_input(bare, count, n_scan);
        optics_mc_options opt = {.seed = 41 + (uint64_t)zi, .threads = 2};
        double deficit[2], deficit_se[2];
        smp_error err = {0};
        assert_int_equal(optics_mc_disk_scan(&in, configs, 2, &mu, 1, top[zi], tail_cm, &opt, deficit,
                                             deficit_se, NULL, NULL, &err),
                         SMP_OK);
        for (int ri = 0; ri < 2; ri++) {
            optics_mc_disk disk = {.radius_cm = radius[ri],
                                   .first_layer = first,
                                   .layer_count = inked,
                                   .launch_core_cm = top[zi],
                                   .launch_tail_cm = tail_cm};
            for (int i = 0; i < inked; i++)
                disk.inside[i] = layers[first + i];
            optics_mc_input ref_in = stack_input(tissue, n, n_ref);
            ref_in.nr = 1;
            ref_in.dr_cm = 1.0;
            optics_mc_options ref_opt = {.seed = 200 + (uint64_t)(2 * zi + ri), .threads = 2};
            optics_mc_disk_result ref;
            assert_int_equal(optics_mc_disk_run(&ref_in, &disk, &ref_opt, &ref, &err), SMP_OK);
            double sigma = hypot(deficit_se[ri], ref.deficit_se_cm2);
            assert_near(deficit[ri], ref.deficit_cm2, K_SIGMA * sigma);
            /* Not a vacuous pass: the darkening is resolved. */
            assert_true(deficit[ri] > K_SIGMA * sigma);
            optics_mc_disk_result_destroy(&ref);
        }
        /* Same packets: a wider cylinder holds every path of a narrower one, so it darkens at least as much.
         */
        assert_true(deficit[1] >= deficit[0]);
    }
}

static void disk_scan_footprint_should_match_the_disk_runs_profile_inside_the_radius(void **state)
{
    optics_layer bare[OPTICS_SKIN_MAX_LAYERS];
    int count = bare_stack(bare);
    /* A shallow dot (0.08-0.18 mm deep, radius 0.15 mm), the default ink as a pure absorber, a weaker one and
     * none; a wider and a deeper cylinder beside it for the bounds. */
    const double top = 0.008, bottom = 0.018, radius = 0.015, tail_cm = 0.1;
    const uint64_t n_scan = 30000, n_ref = 40000;
    optics_layer layers[OPTICS_SKIN_MAX_LAYERS], tissue[OPTICS_SKIN_MAX_LAYERS];
    double mu_ink;
    int first, inked;
    int n = inked_stack(top, bottom, 1.0, layers, tissue, &mu_ink, &first, &inked);
    const optics_mc_disk_config configs[3] = {{top, bottom, radius}, {top, bottom, 0.05}, {0.05, 0.07, 0.02}};
    const double mu[3] = {mu_ink, 0.05 * mu_ink, 0.0};
    enum { RESULTS = 9 };
    optics_mc_input in = stack_input(bare, count, n_scan);
    double def[2][RESULTS], def_se[2][RESULTS], foot[2][RESULTS], foot_se[2][RESULTS];
    smp_error err = {0};
    for (int t = 0; t < 2; t++) {
        optics_mc_options opt = {.seed = 51, .threads = t + 1};
        assert_int_equal(optics_mc_disk_scan(&in, configs, 3, mu, 3, top, tail_cm, &opt, def[t], def_se[t],
                                             foot[t], foot_se[t], &err),
                         SMP_OK);
    }
    /* Bit-identical at 1 and 2 threads. */
    assert_memory_equal(def[0], def[1], sizeof def[0]);
    assert_memory_equal(def_se[0], def_se[1], sizeof def_se[0]);
    assert_memory_equal(foot[0], foot[1], sizeof foot[0]);
    assert_memory_equal(foot_se[0], foot_se[1], sizeof foot_se[0]);
    /* Photon by photon the footprint is a subset of the total. */
    for (int i = 0; i < RESULTS; i++) {
        assert_true(foot[0][i] >= 0.0);
        assert_true(foot[0][i] <= def[0][i]);
    }
    assert_true(foot[0][2] == 0.0 && foot_se[0][2] == 0.0); /* no ink, no darkening */

    /* NULL outputs: the footprint changes no bit of the totals, and either footprint array may be left out.
     */
    optics_mc_options opt = {.seed = 51, .threads = 2};
    double d2[RESULTS], d2_se[RESULTS], f2[RESULTS];
    assert_int_equal(
        optics_mc_disk_scan(&in, configs, 3, mu, 3, top, tail_cm, &opt, d2, d2_se, NULL, NULL, &err), SMP_OK);
    assert_memory_equal(d2, def[0], sizeof d2);
    assert_memory_equal(d2_se, def_se[0], sizeof d2_se);
    assert_int_equal(
        optics_mc_disk_scan(&in, configs, 3, mu, 3, top, tail_cm, &opt, d2, d2_se, f2, NULL, &err), SMP_OK);
    assert_memory_equal(f2, foot[0], sizeof f2);

    /* optics_mc_disk_run's radial profile with the ink inside, 5 bins across the radius and one for the rest:
     * deficit_r[i] is per unit area of the annulus 2 pi (i + 0.5) dr², so the footprint is the sum of the
     * first 5 bins times their areas. A pure absorber leaves the bare and the inked packet at the same point,
     * so each packet lands in one bin and the bins' errors add in quadrature. */
    enum { INSIDE_BINS = 5 };
    optics_mc_disk disk = {.radius_cm = radius,
                           .first_layer = first,
                           .layer_count = inked,
                           .launch_core_cm = top,
                           .launch_tail_cm = tail_cm};
    for (int i = 0; i < inked; i++)
        disk.inside[i] = layers[first + i];
    optics_mc_input ref_in = stack_input(tissue, n, n_ref);
    ref_in.nr = INSIDE_BINS + 1;
    ref_in.dr_cm = radius / INSIDE_BINS;
    optics_mc_options ref_opt = {.seed = 300, .threads = 2};
    optics_mc_disk_result ref;
    assert_int_equal(optics_mc_disk_run(&ref_in, &disk, &ref_opt, &ref, &err), SMP_OK);
    double ref_foot = 0.0, ref_var = 0.0;
    for (int i = 0; i < INSIDE_BINS; i++) {
        double area = 2.0 * SMP_PI * (i + 0.5) * ref.dr_cm * ref.dr_cm;
        ref_foot += ref.deficit_r[i] * area;
        ref_var += pow(ref.deficit_r_se[i] * area, 2.0);
    }
    double sigma = hypot(foot_se[0][0], sqrt(ref_var));
    assert_near(foot[0][0], ref_foot, K_SIGMA * sigma);
    assert_true(foot[0][0] > K_SIGMA * sigma); /* resolved, not a vacuous pass */
    assert_true(foot[0][0] < def[0][0]);       /* some of the darkening falls outside the dot */
    optics_mc_disk_result_destroy(&ref);
}

static void scans_should_be_identical_for_any_thread_count_and_monotone_in_the_ink(void **state)
{
    optics_layer bare[OPTICS_SKIN_MAX_LAYERS];
    int count = bare_stack(bare);
    optics_mc_input in = stack_input(bare, count, 2001); /* uneven batches */
    const optics_mc_slab_config slabs[3] = {{0.01, 0.02}, {0.01, 0.03}, {0.0, 0.05}};
    const optics_mc_disk_config disks[3] = {{0.01, 0.02, 0.02}, {0.01, 0.03, 0.02}, {0.01, 0.03, 0.05}};
    const double mu[3] = {10.0, 100.0, 1000.0};
    double rd[3][9], rd_se[3][9], bare_rd[3], bare_se[3], def[3][9], def_se[3][9];
    const int threads[3] = {1, 2, 3};
    for (int t = 0; t < 3; t++) {
        optics_mc_options opt = {.seed = 9, .threads = threads[t]};
        assert_int_equal(
            optics_mc_slab_scan(&in, slabs, 3, mu, 3, &opt, rd[t], rd_se[t], &bare_rd[t], &bare_se[t], NULL),
            SMP_OK);
        assert_int_equal(
            optics_mc_disk_scan(&in, disks, 3, mu, 3, 0.01, 0.1, &opt, def[t], def_se[t], NULL, NULL, NULL),
            SMP_OK);
    }
    for (int t = 1; t < 3; t++) {
        assert_memory_equal(rd[0], rd[t], sizeof rd[0]);
        assert_memory_equal(rd_se[0], rd_se[t], sizeof rd_se[0]);
        assert_true(bare_rd[0] == bare_rd[t] && bare_se[0] == bare_se[t]);
        assert_memory_equal(def[0], def[t], sizeof def[0]);
        assert_memory_equal(def_se[0], def_se[t], sizeof def_se[0]);
    }
    /* Per packet the lost weight grows with the ink and with the region (nested configs), so the sums do too.
     */
    for (int c = 0; c < 3; c++)
        for (int k = 1; k < 3; k++) {
            assert_true(rd[0][c * 3 + k] <= rd[0][c * 3 + k - 1]);
            assert_true(def[0][c * 3 + k] >= def[0][c * 3 + k - 1]);
        }
    for (int c = 1; c < 3; c++)
        for (int k = 0; k < 3; k++) {
            assert_true(rd[0][c * 3 + k] <= rd[0][(c - 1) * 3 + k]);
            assert_true(def[0][c * 3 + k] >= def[0][(c - 1) * 3 + k]);
        }
    /* Another seed, other numbers. */
    optics_mc_options other = {.seed = 10, .threads = 2};
    double rd_other[9], se_other[9], b, bse;
    assert_int_equal(optics_mc_slab_scan(&in, slabs, 3, mu, 3, &other, rd_other, se_other, &b, &bse, NULL),
                     SMP_OK);
    assert_true(b != bare_rd[0]);
}

static void scans_should_reject_invalid_input_naming_the_field(void **state)
{
    optics_layer bare[OPTICS_SKIN_MAX_LAYERS];
    int count = bare_stack(bare);
    optics_mc_input in = stack_input(bare, count, 100);
    optics_mc_slab_config slabs[2] = {{0.01, 0.02}, {0.03, 0.03}};
    double mu[2] = {1.0, 2.0}, rd[4], se[4], b, bse;
    smp_error err = {0};
    assert_int_equal(optics_mc_slab_scan(&in, slabs, 2, mu, 2, NULL, rd, se, &b, &bse, &err), SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "configs[1].bottom_cm"));
    slabs[1].bottom_cm = 0.04;
    mu[1] = -1.0;
    assert_int_equal(optics_mc_slab_scan(&in, slabs, 2, mu, 2, NULL, rd, se, &b, &bse, &err), SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "mu_a_ink_per_cm[1]"));
    mu[1] = 2.0;
    assert_int_equal(optics_mc_slab_scan(&in, slabs, 0, mu, 2, NULL, rd, se, &b, &bse, &err), SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "config_count"));
    assert_int_equal(optics_mc_slab_scan(&in, slabs, 2, mu, 2, NULL, rd, se, NULL, &bse, &err),
                     SMP_ERR_INPUT);
    optics_mc_options bad_opt = {.batches = 1};
    assert_int_equal(optics_mc_slab_scan(&in, slabs, 2, mu, 2, &bad_opt, rd, se, &b, &bse, &err),
                     SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "batches"));
    assert_int_equal(optics_mc_slab_scan(&in, slabs, 2, mu, 2, NULL, rd, se, &b, &bse, &err), SMP_OK);

    /* A glass first layer is crossed at launch, so no ink may lie in it. */
    optics_layer glass[2] = {{1.5, 0.0, 0.0, 0.0, 0.015}, bare[3]};
    optics_mc_input glass_in = stack_input(glass, 2, 100);
    assert_int_equal(optics_mc_slab_scan(&glass_in, slabs, 2, mu, 2, NULL, rd, se, &b, &bse, &err),
                     SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "configs[0].top_cm"));

    optics_mc_disk_config disks[1] = {{0.01, 0.02, 0.0}};
    assert_int_equal(optics_mc_disk_scan(&in, disks, 1, mu, 2, 0.01, 0.1, NULL, rd, se, NULL, NULL, &err),
                     SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "configs[0].radius_cm"));
    disks[0].radius_cm = 0.02;
    assert_int_equal(optics_mc_disk_scan(&in, disks, 1, mu, 2, 0.01, 0.0, NULL, rd, se, NULL, NULL, &err),
                     SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "launch_tail_cm"));
    assert_int_equal(optics_mc_disk_scan(&in, disks, 1, mu, 2, 0.01, 0.1, NULL, NULL, se, NULL, NULL, &err),
                     SMP_ERR_INPUT);
    in.layer_count = 0;
    assert_int_equal(optics_mc_disk_scan(&in, disks, 1, mu, 2, 0.01, 0.1, NULL, rd, se, NULL, NULL, &err),
                     SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "layer count"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(slab_scan_without_ink_should_give_the_bare_run_exactly),
        cmocka_unit_test(slab_scan_should_match_runs_with_the_ink_in_split_layers),
        cmocka_unit_test(disk_scan_should_match_disk_runs_with_a_pure_absorber_inside),
        cmocka_unit_test(disk_scan_footprint_should_match_the_disk_runs_profile_inside_the_radius),
        cmocka_unit_test(scans_should_be_identical_for_any_thread_count_and_monotone_in_the_ink),
        cmocka_unit_test(scans_should_reject_invalid_input_naming_the_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
