/* The ink deposit: the needle's column cut into segments (carbon per length of track conserved, a blowout
 * that widens with depth), and its real-time look from the baked table (exact for a needle that stays in the
 * papillary dermis; merged terms that keep the darkening's integral; a deeper needle wider and bluer). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include "optics/table_asset.h"

#include "core/core.h"
#include "optics/deposit.h"
#include "optics/table.h"

static optics_table *load_asset(void)
{
    return test_table_asset_load();
}

static void segments_should_follow_the_track_and_conserve_the_carbon(void **state)
{
    (void)state;
    double junction = optics_deposit_junction_mm(), papillary = optics_deposit_papillary_bottom_mm();
    assert_near(junction, 0.08, 1e-12);
    assert_near(papillary, 0.35, 1e-12);
    optics_deposit_segment seg[OPTICS_DEPOSIT_MAX_SEGMENTS];
    /* An SMP needle in the papillary dermis: one column from the junction to the tip. */
    optics_deposit smp = {.diameter_mm = 0.3, .needle_depth_mm = 0.3, .ink_load = 0.5};
    assert_int_equal(optics_deposit_segments(&smp, seg), 1);
    assert_near(seg[0].top_mm, junction, 1e-12);
    assert_near(seg[0].bottom_mm, 0.3, 1e-12);
    assert_near(seg[0].diameter_mm, 0.3, 1e-12);
    assert_near(seg[0].ink, 0.5 * OPTICS_DEPOSIT_TRACK_INK * (0.3 - junction) / 0.1, 1e-12);
    /* Too deep: the core, then two blowout pieces, each wider; the carbon per length of track (ink x area per
     * mm) is the same in every piece. */
    optics_deposit deep = {.diameter_mm = 0.3, .needle_depth_mm = 1.5, .ink_load = 0.5};
    assert_int_equal(optics_deposit_segments(&deep, seg), 3);
    assert_near(seg[0].bottom_mm, papillary, 1e-12);
    assert_near(seg[1].top_mm, papillary, 1e-12);
    assert_near(seg[2].bottom_mm, 1.5, 1e-12);
    assert_true(seg[1].diameter_mm > seg[0].diameter_mm && seg[2].diameter_mm > seg[1].diameter_mm);
    double per_mm_area =
        seg[0].ink * seg[0].diameter_mm * seg[0].diameter_mm / (seg[0].bottom_mm - seg[0].top_mm);
    for (int s = 1; s < 3; s++)
        assert_near(seg[s].ink * seg[s].diameter_mm * seg[s].diameter_mm / (seg[s].bottom_mm - seg[s].top_mm),
                    per_mm_area, 1e-12 * per_mm_area);
    /* No ink, no deposit. */
    optics_deposit none = {.diameter_mm = 0.3, .needle_depth_mm = 0.4, .ink_load = 0.0};
    assert_int_equal(optics_deposit_segments(&none, seg), 0);
}

static void shallow_needle_terms_should_equal_the_tables_dot(void **state)
{
    (void)state;
    optics_table *t = load_asset();
    optics_deposit d = {.diameter_mm = 0.3, .needle_depth_mm = 0.3, .ink_load = 0.6};
    optics_deposit_segment seg[OPTICS_DEPOSIT_MAX_SEGMENTS];
    assert_int_equal(optics_deposit_segments(&d, seg), 1);
    optics_dot_terms terms;
    optics_deposit_terms(t, 3, &d, &terms);
    optics_dot_look look;
    optics_table_dot_look(t, 3, seg[0].top_mm, seg[0].ink, seg[0].diameter_mm, &look);
    for (int c = 0; c < 3; c++) {
        double l = log(look.skin_linear_rgb[c] / look.covered_linear_rgb[c]);
        for (double r = 0.0; r < 1.0; r += 0.05)
            assert_near(optics_dot_terms_density(&terms, c, r),
                        optics_table_dot_profile(&look, c, 0.3, r) * l, 1e-9);
        /* The integrated darkening is what the bake matched to the Monte Carlo disk. */
        double want = optics_table_dot_darkening_mm2(&look, c, 0.3) *
                      (look.skin_linear_rgb[c] - look.covered_linear_rgb[c]) / look.skin_linear_rgb[c];
        assert_near(optics_dot_terms_darkening_mm2(&terms, c), want, 0.01 * want);
    }
    assert_true(terms.reach_mm > 0.3 && terms.reach_mm < 10.0);
    /* At the reach the dot is invisible in every channel, and just inside it is not in at least one. */
    double outside = 0.0, inside = 0.0;
    for (int c = 0; c < 3; c++) {
        outside = fmax(outside, optics_dot_terms_density(&terms, c, terms.reach_mm));
        inside = fmax(inside, optics_dot_terms_density(&terms, c, 0.95 * terms.reach_mm));
    }
    assert_true(outside <= OPTICS_DOT_DENSITY_VISIBLE * 1.000001);
    assert_true(inside > OPTICS_DOT_DENSITY_VISIBLE);
    /* Each term's own reach: the sharp core's is the shorter, the larger of the two is the dot's. */
    assert_true(terms.term_reach_mm[0] > 0.0 && terms.term_reach_mm[0] < terms.term_reach_mm[1]);
    assert_near(terms.reach_mm, fmax(terms.term_reach_mm[0], terms.term_reach_mm[1]), 0.0);
    for (int k = 0; k < 2; k++) {
        double at = 0.0, near = 0.0;
        for (int c = 0; c < 3; c++) {
            double r = terms.term_reach_mm[k], a = terms.amplitude[c][k], v = terms.variance_mm2[c][k];
            at = fmax(at, a * exp(-0.5 * r * r / v));
            near = fmax(near, a * exp(-0.5 * 0.9025 * r * r / v));
        }
        assert_true(at <= OPTICS_DOT_DENSITY_VISIBLE * 1.000001 && near > OPTICS_DOT_DENSITY_VISIBLE);
    }
    optics_deposit none = {.diameter_mm = 0.3, .needle_depth_mm = 0.3, .ink_load = 0.0};
    optics_deposit_terms(t, 3, &none, &terms);
    assert_near(terms.reach_mm, 0.0, 0.0);
    assert_near(terms.term_reach_mm[0] + terms.term_reach_mm[1], 0.0, 0.0);
    assert_near(optics_dot_terms_density(&terms, 1, 0.0), 0.0, 0.0);
    free(t);
}

/* Width of the darkening: the radius holding half of its integral. */
static double half_darkening_radius_mm(const optics_dot_terms *terms, int c)
{
    double total = optics_dot_terms_darkening_mm2(terms, c), acc = 0.0, dr = 0.002;
    for (double r = 0.5 * dr; r < 20.0; r += dr) {
        acc += -expm1(-optics_dot_terms_density(terms, c, r)) * 2.0 * SMP_PI * r * dr;
        if (acc >= 0.5 * total) return r;
    }
    return 20.0;
}

static void deeper_needle_should_give_a_wider_bluer_visible_blob(void **state)
{
    (void)state;
    optics_table *t = load_asset();
    optics_deposit smp = {.diameter_mm = 0.3, .needle_depth_mm = 0.4, .ink_load = 0.5};
    optics_deposit deep = smp;
    deep.needle_depth_mm = 1.5;
    optics_dot_terms a, b;
    optics_deposit_terms(t, 3, &smp, &a);
    optics_deposit_terms(t, 3, &deep, &b);
    double ra = half_darkening_radius_mm(&a, 1), rb = half_darkening_radius_mm(&b, 1);
    /* Bluer: per unit of the blue channel's darkening the deep blob takes more red away. */
    double ratio_a = optics_dot_terms_darkening_mm2(&a, 0) / optics_dot_terms_darkening_mm2(&a, 2);
    double ratio_b = optics_dot_terms_darkening_mm2(&b, 0) / optics_dot_terms_darkening_mm2(&b, 2);
    print_message("half-darkening radius (green) %.3f -> %.3f mm; red/blue darkening %.2f -> %.2f; green "
                  "darkening %.4f -> %.4f mm2\n",
                  ra, rb, ratio_a, ratio_b, optics_dot_terms_darkening_mm2(&a, 1),
                  optics_dot_terms_darkening_mm2(&b, 1));
    assert_true(rb > 1.5 * ra);
    assert_true(ratio_b > ratio_a);
    assert_true(optics_dot_terms_darkening_mm2(&b, 1) > optics_dot_terms_darkening_mm2(&a, 1));
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(segments_should_follow_the_track_and_conserve_the_carbon),
        cmocka_unit_test(shallow_needle_terms_should_equal_the_tables_dot),
        cmocka_unit_test(deeper_needle_should_give_a_wider_bluer_visible_blob),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
