/* The shape of the hair (scalp/hair_shape.h): stubble stands straight, longer hair lies down near the scalp,
 * each centreline is as long as its hair, long hair hangs, the shapes are deterministic and stay put away
 * from a scar. The plan is built by hand: a full head of hair (Norwood 1) on the default head. */
#include "scalp/hair_shape.h"
#include "scalp/scar.h"
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    scalp_head head;
    plan plan;
} fixture;

static plan full_head_plan(double length_mm)
{
    plan p;
    plan_init_default(&p);
    p.patient.pattern = PLAN_PATTERN_NORWOOD_1;
    p.patient.hair_length_mm = length_mm;
    p.scar_count = 0;
    return p;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    smp_error err = {0};
    if (!f) return -1;
    f->plan = full_head_plan(30.0);
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

static void build(fixture *f, const plan *p, scalp_hair *hair)
{
    smp_error err = {0};
    if (scalp_hair_create(hair, &f->head, p, NULL, &err) != SMP_OK ||
        scalp_hair_shape(hair, &f->head, p, NULL, &err) != SMP_OK)
        fail_msg("%s", err.message);
}

static double polyline_length(const float *pts, int n)
{
    double l = 0.0;
    for (int k = 1; k < n; ++k) {
        double d[3] = {pts[3 * k] - pts[3 * k - 3], pts[3 * k + 1] - pts[3 * k - 2],
                       pts[3 * k + 2] - pts[3 * k - 1]};
        l += sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    }
    return l;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

static void stubble_should_stand_straight(void **state)
{
    fixture *f = *state;
    plan p = full_head_plan(3.0);
    scalp_hair hair;
    build(f, &p, &hair);
    assert_true(hair.count > 100000);
    assert_int_equal(hair.strand_points, 0); /* drawn as today: straight along its exit direction */
    assert_null(hair.strand_mm);
    scalp_hair_shape_params sp;
    scalp_hair_shape_params_default(&sp);
    assert_near(scalp_hair_lay_fraction(&sp, 3.0), 0.0, 0.0);
    assert_near(scalp_hair_lay_fraction(&sp, 30.0), 1.0, 0.0);
    scalp_hair_destroy(&hair);
}

static void the_gravity_length_of_a_scalp_hair_should_be_about_45_mm(void **state)
{
    (void)state;
    scalp_hair_shape_params sp;
    scalp_hair_shape_params_default(&sp);
    /* (E d^2 / (16 rho g))^(1/3) = (3.9e9 * 4.9e-9 / (16 * 1320 * 9.81))^(1/3) m = 45.3 mm. */
    assert_near(scalp_hair_gravity_length_mm(&sp, 0.07), 45.3, 0.2);
}

/* A 30 mm hair lies down: its tip within a few millimetres of the scalp (the layer it lies on), and its
 * centreline as long as the hair. */
static void hair_of_30_mm_should_lie_within_a_few_mm_of_the_scalp(void **state)
{
    fixture *f = *state;
    scalp_hair hair;
    build(f, &f->plan, &hair);
    int n = hair.strand_points;
    assert_true(n >= 4);
    float *tips = malloc(sizeof *tips * 3 * (size_t)hair.count),
          *heights = malloc(sizeof *heights * (size_t)hair.count);
    double worst_length = 0.0;
    for (int i = 0; i < hair.count; ++i) {
        const float *c = scalp_hair_strand(&hair, i);
        memcpy(tips + 3 * i, c + 3 * (n - 1), sizeof(float[3]));
        assert_near(c[0], hair.shafts[i].root_mm[0], 0.0);
        double rel = fabs(polyline_length(c, n) / hair.shafts[i].length_mm - 1.0);
        if (rel > worst_length) worst_length = rel;
    }
    smp_error err = {0};
    if (scalp_hair_support_heights(&f->head, tips, hair.count, heights, &err) != SMP_OK)
        fail_msg("%s", err.message);
    int above = 0;
    for (int i = 0; i < hair.count; ++i)
        above += heights[i] > 10.0f;
    qsort(heights, (size_t)hair.count, sizeof *heights, cmp_float);
    double med = heights[hair.count / 2], p90 = heights[(int)(0.9 * hair.count)];
    print_message("30 mm hair, %d hairs, %d points each: tip height above the scalp median %.2f mm, 90th "
                  "percentile %.2f mm, %d over 10 mm; centreline length off by at most %.2f %%\n",
                  hair.count, n, med, p90, above, 100.0 * worst_length);
    /* Standing straight, a 30 mm hair's tip would be 30 sin(angle), 6-27 mm above the skin. */
    assert_true(med < 4.0);
    assert_true(p90 < 8.0);
    /* The polyline is a chord of the marched curve: a few per mille shorter at most. */
    assert_true(worst_length < 0.02);
    free(tips);
    free(heights);
    scalp_hair_destroy(&hair);
}

static void shapes_should_be_deterministic(void **state)
{
    fixture *f = *state;
    plan p = full_head_plan(15.0);
    p.patient.pattern = PLAN_PATTERN_NORWOOD_3V;
    scalp_hair a, b;
    build(f, &p, &a);
    build(f, &p, &b);
    assert_int_equal(a.count, b.count);
    assert_int_equal(a.strand_points, b.strand_points);
    assert_memory_equal(a.strand_mm, b.strand_mm,
                        sizeof(float) * 3 * (size_t)a.strand_points * (size_t)a.count);
    scalp_hair_destroy(&a);
    scalp_hair_destroy(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_gravity_length_of_a_scalp_hair_should_be_about_45_mm),
        cmocka_unit_test_setup_teardown(stubble_should_stand_straight, setup, teardown),
        cmocka_unit_test_setup_teardown(hair_of_30_mm_should_lie_within_a_few_mm_of_the_scalp, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(shapes_should_be_deterministic, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
