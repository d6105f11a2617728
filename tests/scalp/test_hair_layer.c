/* The hair as a layer over the skin (scalp/hair_layer.h): its optical depth is the hairs' projected area per
 * area of skin, for standing stubble and for lying hair, its points sit where their hairs are, and hairs lost
 * by a year leave it. A full head of hair (Norwood 1) on the default head. */
#include "scalp/hair_layer.h"
#include "scalp/hair_shape.h"
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    scalp_head head;
    plan plan;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    smp_error err = {0};
    if (!f) return -1;
    plan_init_default(&f->plan);
    f->plan.patient.pattern = PLAN_PATTERN_NORWOOD_1;
    f->plan.scar_count = 0;
    if (scalp_head_create(&f->head, &f->plan.head, f->plan.patient.sex, &err) != SMP_OK) return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    scalp_head_destroy(&f->head);
    free(f);
    return 0;
}

static void build(fixture *f, double length_mm, scalp_hair *hair, scalp_hair_layer *layer)
{
    smp_error err = {0};
    plan p = f->plan;
    p.patient.hair_length_mm = length_mm;
    if (scalp_hair_create(hair, &f->head, &p, NULL, &err) != SMP_OK ||
        scalp_hair_shape(hair, &f->head, &p, NULL, &err) != SMP_OK ||
        scalp_hair_layer_create(layer, hair, &f->head, &err) != SMP_OK)
        fail_msg("%s", err.message);
}

/* A hair's own projected area on the skin: its diameter x the length of its shaft (or centreline) across the
 * skin at its root. */
static double projected_area_mm2(const scalp_hair *hair, int i)
{
    const scalp_hair_shaft *s = &hair->shafts[i];
    double along = 0.0;
    if (hair->strand_points > 0) {
        const float *c = scalp_hair_strand(hair, i);
        for (int k = 1; k < hair->strand_points; ++k) {
            double d[3], dn = 0.0, dd = 0.0;
            for (int m = 0; m < 3; ++m)
                d[m] = c[3 * k + m] - c[3 * k - 3 + m], dn += d[m] * s->normal[m];
            for (int m = 0; m < 3; ++m)
                dd += d[m] * d[m];
            along += sqrt(fmax(dd - dn * dn, 0.0));
        }
    } else {
        along = s->length_mm * cos(s->exit_angle_deg * SMP_PI / 180.0);
    }
    return s->diameter_mm * along;
}

/* Around every 500th root well inside the hair-bearing scalp (within 90 chart mm of the chart's centre, near
 * the vertex), in a disc of 8 mm radius on the skin: the layer's optical depth, and what it must be, the
 * projected area of the hairs rooted in the disc over the disc's area (hairs lying out of it and into it
 * balance), each averaged over the discs. */
static double sampled_mean_tau(const fixture *f, const scalp_hair *hair, const scalp_hair_layer *layer,
                               double years, double *expected, double *mean_height)
{
    const double r_mm = 8.0;
    double *area = malloc(sizeof *area * (size_t)hair->count);
    float *root_q = malloc(sizeof *root_q * 2 * (size_t)hair->count);
    if (!area || !root_q) fail_msg("out of memory");
    for (int j = 0; j < hair->count; ++j) {
        area[j] = projected_area_mm2(hair, j);
        scalp_head_chart_mm(&f->head, hair->shafts[j].root_mm, root_q + 2 * j);
    }
    double sum = 0.0, want = 0.0, height = 0.0;
    int n = 0;
    for (int i = 0; i < hair->count; i += 500) {
        const float *q = root_q + 2 * i;
        if (hypot(q[0], q[1]) > 90.0) continue;
        float uv[2];
        scalp_head_uv(&f->head, hair->shafts[i].root_mm, uv);
        double h, in_disc = 0.0;
        sum += scalp_hair_layer_tau_at(layer, &f->head, uv, r_mm, years, &h);
        for (int j = 0; j < hair->count; ++j)
            if (!scalp_hair_shaft_is_lost(&hair->shafts[j], years) &&
                hypot(root_q[2 * j] - q[0], root_q[2 * j + 1] - q[1]) <= r_mm)
                in_disc += area[j];
        want += in_disc / (SMP_PI * r_mm * r_mm);
        height += h;
        n++;
    }
    free(area);
    free(root_q);
    assert_true(n > 50);
    if (expected) *expected = want / n;
    if (mean_height) *mean_height = height / n;
    return sum / n;
}

static void stubble_layer_should_be_its_shafts_projected_area(void **state)
{
    fixture *f = *state;
    scalp_hair hair;
    scalp_hair_layer layer;
    build(f, 3.0, &hair, &layer);
    assert_int_equal(hair.strand_points, 0);
    assert_int_equal(layer.points_per_hair, SCALP_HAIR_LAYER_STUBBLE_POINTS);
    double h, expected, tau = sampled_mean_tau(f, &hair, &layer, 0.0, &expected, &h);
    print_message(
        "3 mm stubble: layer tau %.3f around the roots, the hairs' projected area per area %.3f; mean "
        "height %.2f mm\n",
        tau, expected, h);
    /* 2.15 hairs/mm² x 0.07 mm x 3 mm x cos(exit angle): about 0.35. */
    assert_true(expected > 0.2 && expected < 0.5);
    assert_true(fabs(tau / expected - 1.0) < 0.05);
    /* Standing at 10-55 degrees, the shafts' midpoints are 0.1-1.2 mm up. */
    assert_true(h > 0.2 && h < 1.3);
    scalp_hair_layer_destroy(&layer);
    scalp_hair_destroy(&hair);
}

static void lying_layer_should_be_its_centrelines_projected_area(void **state)
{
    fixture *f = *state;
    scalp_hair hair;
    scalp_hair_layer layer;
    build(f, 15.0, &hair, &layer);
    assert_true(hair.strand_points > 0);
    assert_int_equal(layer.points_per_hair, hair.strand_points);
    double h, expected, tau = sampled_mean_tau(f, &hair, &layer, 0.0, &expected, &h);
    print_message(
        "15 mm lying hair: layer tau %.3f around the roots, the hairs' projected area per area %.3f; mean "
        "height %.2f mm\n",
        tau, expected, h);
    assert_true(expected > 1.0 && expected < 3.5);
    /* Lying hair flows away from the whorl and the parting, so the discs there hold less than their roots
     * grew: measured 7 % less on average. */
    assert_true(tau < expected && tau > 0.9 * expected);
    assert_true(h > 0.3 && h < 4.0);
    /* Every point sits over its hair: the first at the root's place on the chart, all at or above the skin.
     */
    for (int i = 0; i < hair.count; i += 97) {
        float uv[2];
        scalp_head_uv(&f->head, hair.shafts[i].root_mm, uv);
        const float *p = layer.points + SCALP_HAIR_LAYER_FLOATS * (size_t)layer.points_per_hair * (size_t)i;
        assert_float_equal(p[0], uv[0], 1e-6);
        assert_float_equal(p[1], uv[1], 1e-6);
        for (int k = 0; k < layer.points_per_hair; ++k) {
            const float *q = p + SCALP_HAIR_LAYER_FLOATS * k;
            assert_true(q[2] >= 0.0f && q[3] >= 0.0f);
            assert_true(q[4] == hair.shafts[i].lost_year);
        }
    }
    scalp_hair_layer_destroy(&layer);
    scalp_hair_destroy(&hair);
}

/* Half the hairs lost by year 2 (every other one): the layer around the roots thins to about half then, and
 * not before. */
static void lost_hairs_should_leave_the_layer(void **state)
{
    fixture *f = *state;
    scalp_hair hair;
    scalp_hair_layer layer;
    build(f, 3.0, &hair, &layer);
    scalp_hair_layer_destroy(&layer);
    for (int i = 0; i < hair.count; i += 2)
        hair.shafts[i].lost_year = 2.0f;
    smp_error err = {0};
    if (scalp_hair_layer_create(&layer, &hair, &f->head, &err) != SMP_OK) fail_msg("%s", err.message);
    double before = sampled_mean_tau(f, &hair, &layer, 1.9, NULL, NULL),
           after = sampled_mean_tau(f, &hair, &layer, 2.0, NULL, NULL);
    print_message("half the hairs lost at year 2: tau %.3f at 1.9 years, %.3f at 2\n", before, after);
    assert_true(fabs(after / before - 0.5) < 0.05);
    scalp_hair_layer_destroy(&layer);
    scalp_hair_destroy(&hair);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stubble_layer_should_be_its_shafts_projected_area),
        cmocka_unit_test(lying_layer_should_be_its_centrelines_projected_area),
        cmocka_unit_test(lost_hairs_should_leave_the_layer),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
