/* The ink deposit: the needle cluster's footprint, the deposit's width (the needle's, or the plan's
 * dot_diameter_mm when given), the ink load per ink grade, and that the dots of a field carry them. Two
 * fields of one seed draw the same random numbers, so their dots differ only by what the plan changed: the
 * tests compare dot by dot, exactly up to float rounding, instead of comparing means. */
#include "test_util.h"

#include "pigment/pigment.h"

#include <stdlib.h>
#include <string.h>

/* Float rounding of a product of a few factors: a few units in the last place of a float. */
#define FLOAT_REL_TOL 1e-6

static plan_pigment pigment_of(plan_needle needle, double pin_mm, double dot_mm)
{
    plan p;
    plan_init_default(&p);
    p.pigment.needle = needle;
    p.pigment.pin_diameter_mm = pin_mm;
    p.pigment.dot_diameter_mm = dot_mm;
    return p.pigment;
}

static void needle_footprint_should_be_the_round_liner_circle_packing(void **state)
{
    (void)state;
    const double d = 0.30;
    plan_pigment p1 = pigment_of(PLAN_NEEDLE_1RL, d, 0), p3 = pigment_of(PLAN_NEEDLE_3RL, d, 0);
    plan_pigment p5 = pigment_of(PLAN_NEEDLE_5RL, d, 0), p7 = pigment_of(PLAN_NEEDLE_7RL, d, 0);
    /* Closed forms ... */
    assert_near(pigment_needle_footprint_mm(&p1), d, 1e-15);
    assert_near(pigment_needle_footprint_mm(&p3), d * (1.0 + 2.0 / sqrt(3.0)), 1e-15);
    assert_near(pigment_needle_footprint_mm(&p5), d * (1.0 + 1.0 / sin(36.0 * SMP_PI / 180.0)), 1e-15);
    assert_near(pigment_needle_footprint_mm(&p7), 3.0 * d, 1e-15);
    /* ... and the ratios to pin diameter of the packing tables, 2.155 and 2.701, to their 4 digits. */
    assert_near(pigment_needle_footprint_mm(&p3) / d, 2.155, 5e-4);
    assert_near(pigment_needle_footprint_mm(&p5) / d, 2.701, 5e-4);
    /* The footprint scales with the pin gauge (#04 0.18 mm against #12 0.35 mm). */
    plan_pigment thin = pigment_of(PLAN_NEEDLE_7RL, 0.18, 0), thick = pigment_of(PLAN_NEEDLE_7RL, 0.35, 0);
    assert_near(pigment_needle_footprint_mm(&thin), 0.54, 1e-15);
    assert_near(pigment_needle_footprint_mm(&thick), 1.05, 1e-15);
}

static void deposit_diameter_should_follow_the_needle_when_dot_diameter_is_null(void **state)
{
    (void)state;
    for (int n = PLAN_NEEDLE_1RL; n <= PLAN_NEEDLE_7RL; ++n) {
        plan_pigment p = pigment_of((plan_needle)n, 0.25, 0);
        assert_near(pigment_deposit_diameter_mm(&p), pigment_needle_footprint_mm(&p) * PIGMENT_WOUND_SPREAD,
                    0);
    }
    /* The built-in default: a 1RL of #12 pins, 0.35 mm. */
    plan d;
    plan_init_default(&d);
    assert_near(pigment_deposit_diameter_mm(&d.pigment), 0.35 * PIGMENT_WOUND_SPREAD, 1e-15);
}

static void deposit_diameter_should_equal_dot_diameter_when_it_is_given(void **state)
{
    (void)state;
    const double widths[] = {0.05, 0.15, 0.6, 1.5};
    for (int n = PLAN_NEEDLE_1RL; n <= PLAN_NEEDLE_7RL; ++n)
        for (int i = 0; i < 4; ++i) {
            plan_pigment p = pigment_of((plan_needle)n, 0.40, widths[i]);
            assert_near(pigment_deposit_diameter_mm(&p), widths[i], 0);
        }
}

static void ink_load_factor_should_be_one_for_smp_inks_25_for_tattoo_and_0_6_for_inferior(void **state)
{
    (void)state;
    assert_near(pigment_ink_load_factor(PLAN_INK_MEDICAL), 1.0, 0);
    assert_near(pigment_ink_load_factor(PLAN_INK_COSMETIC), 1.0, 0);
    assert_near(pigment_ink_load_factor(PLAN_INK_TATTOO), 25.0, 0);
    assert_near(pigment_ink_load_factor(PLAN_INK_INFERIOR), 0.6, 0);
}

/* ---- the dots of a field ---- */

typedef struct fixture {
    plan plan;
    scalp_head head;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    smp_error err = {0};
    if (!f) return -1;
    plan_init_default(&f->plan);
    /* One session and no touch-up keep the field small; no scars, so no uptake scales the ink. */
    f->plan.session_count = 1;
    f->plan.touch_up_count = 0;
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

/* Fields of plans a and b (same seed) must have the same dots in the same places. */
static void fields_of(fixture *f, const plan *a, const plan *b, pigment_field *fa, pigment_field *fb)
{
    smp_error err = {0};
    assert_int_equal(pigment_field_create(fa, &f->head, a, &err), SMP_OK);
    assert_int_equal(pigment_field_create(fb, &f->head, b, &err), SMP_OK);
    assert_true(fa->count > 1000);
    assert_int_equal(fa->count, fb->count);
    for (int i = 0; i < fa->count; ++i)
        assert_memory_equal(fa->dots[i].position_mm, fb->dots[i].position_mm, sizeof fa->dots[i].position_mm);
}

static void ink_ratio_should_be(fixture *f, plan_ink_quality quality, double ratio)
{
    plan medical = f->plan, other = f->plan;
    medical.pigment.ink_quality = PLAN_INK_MEDICAL;
    other.pigment.ink_quality = quality;
    pigment_field a, b;
    fields_of(f, &medical, &other, &a, &b);
    for (int i = 0; i < a.count; ++i) {
        assert_true(a.dots[i].ink > 0.0f);
        assert_near(b.dots[i].ink / a.dots[i].ink, ratio, FLOAT_REL_TOL * ratio);
        assert_true(b.dots[i].ink <= PIGMENT_INK_MAX);
    }
    pigment_field_destroy(&a);
    pigment_field_destroy(&b);
}

static void tattoo_ink_should_give_dots_25_times_the_ink_of_medical_ink_at_the_same_shade(void **state)
{
    ink_ratio_should_be(*state, PLAN_INK_TATTOO, 25.0);
}

static void inferior_ink_should_give_dots_0_6_times_the_ink_of_medical_ink(void **state)
{
    ink_ratio_should_be(*state, PLAN_INK_INFERIOR, 0.6);
}

/* Undiluted tattoo ink at full shade: a load far above 1, which the dots keep (no clamp to 1). */
static void dots_of_undiluted_tattoo_ink_at_full_shade_should_carry_about_25(void **state)
{
    fixture *f = *state;
    plan p = f->plan;
    p.pigment.ink_quality = PLAN_INK_TATTOO;
    p.pigment.shade = 1.0;
    p.sessions[0].shade = 1.0;
    pigment_field field;
    smp_error err = {0};
    assert_int_equal(pigment_field_create(&field, &f->head, &p, &err), SMP_OK);
    double sum = 0.0, sum2 = 0.0;
    for (int i = 0; i < field.count; ++i) {
        /* The jitter's clamp: 0.7 .. 1.3 times the load. */
        assert_in_range_d(field.dots[i].ink, 0.7 * 25.0 * (1 - FLOAT_REL_TOL),
                          1.3 * 25.0 * (1 + FLOAT_REL_TOL));
        sum += field.dots[i].ink;
        sum2 += (double)field.dots[i].ink * field.dots[i].ink;
    }
    double n = field.count, mean = sum / n, sd = sqrt(fmax(sum2 / n - mean * mean, 0.0));
    /* The jitter is symmetric (10 %, clamped at 3 sigma both ways): the mean is 25 within 4 standard errors.
     */
    assert_near(mean, 25.0, 4.0 * sd / sqrt(n));
    pigment_field_destroy(&field);
}

/* The dots' width is the deposit's, jittered: the needle's when dot_diameter_mm is null, the plan's number
 * when given; dot by dot, the two fields' widths are in the ratio of the two deposits. */
static void dot_widths_should_follow_the_deposit_diameter(void **state)
{
    fixture *f = *state;
    plan needle = f->plan, given = f->plan;
    needle.pigment.needle = PLAN_NEEDLE_7RL;
    needle.pigment.pin_diameter_mm = 0.35;
    needle.pigment.dot_diameter_mm = 0;
    given.pigment.dot_diameter_mm = 1.5; /* the largest width a plan may give */
    pigment_field a, b;
    fields_of(f, &needle, &given, &a, &b);
    double ratio = 1.5 / pigment_deposit_diameter_mm(&needle.pigment);
    double sum_a = 0.0, sum_b = 0.0;
    float widest = 0.0f;
    for (int i = 0; i < a.count; ++i) {
        assert_near(b.dots[i].diameter_mm / a.dots[i].diameter_mm, ratio, FLOAT_REL_TOL * ratio);
        sum_a += a.dots[i].diameter_mm;
        sum_b += b.dots[i].diameter_mm;
        widest = fmaxf(widest, b.dots[i].diameter_mm);
    }
    /* Means: 12 % jitter, so the standard error is 0.12 / sqrt(n) of the width; 4 of them. */
    double se = 0.12 / sqrt((double)a.count);
    double needle_mm = pigment_deposit_diameter_mm(&needle.pigment); /* 3 x 0.35 mm x the wound spread */
    assert_near(sum_a / a.count, needle_mm, 4.0 * se * needle_mm);
    assert_near(sum_b / b.count, 1.5, 4.0 * se * 1.5);
    assert_true(widest > 1.5f); /* nothing caps the jitter of a wide deposit */
    pigment_field_destroy(&a);
    pigment_field_destroy(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(needle_footprint_should_be_the_round_liner_circle_packing),
        cmocka_unit_test(deposit_diameter_should_follow_the_needle_when_dot_diameter_is_null),
        cmocka_unit_test(deposit_diameter_should_equal_dot_diameter_when_it_is_given),
        cmocka_unit_test(ink_load_factor_should_be_one_for_smp_inks_25_for_tattoo_and_0_6_for_inferior),
        cmocka_unit_test_setup_teardown(
            tattoo_ink_should_give_dots_25_times_the_ink_of_medical_ink_at_the_same_shade, setup, teardown),
        cmocka_unit_test_setup_teardown(inferior_ink_should_give_dots_0_6_times_the_ink_of_medical_ink, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(dots_of_undiluted_tattoo_ink_at_full_shade_should_carry_about_25,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(dot_widths_should_follow_the_deposit_diameter, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
