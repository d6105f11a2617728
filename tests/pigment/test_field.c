#include "test_util.h"

#include "pigment/pigment.h"

#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    plan plan;
    scalp_head head;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    smp_error err = {0};
    plan_init_default(&f->plan);
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

static double dist(const float *a, const float *b)
{
    double x = a[0] - b[0], y = a[1] - b[1], z = a[2] - b[2];
    return sqrt(x * x + y * y + z * z);
}

static void dot_count_should_match_density_times_treated_area(void **state)
{
    fixture *f = *state;
    pigment_field field;
    smp_error err = {0};
    assert_int_equal(pigment_field_create(&field, &f->head, &f->plan, &err), SMP_OK);
    double area = scalp_treated_area_cm2(&f->head, &f->plan);
    double density = 0.0;
    for (int i = 0; i < f->plan.session_count; ++i)
        density += f->plan.sessions[i].density_per_cm2;
    for (int i = 0; i < f->plan.touch_up_count; ++i)
        density += f->plan.touch_ups[i].density_per_cm2;
    double expected = density * area;
    assert_true(area > 50.0);
    assert_near(field.count, expected, 0.05 * expected);
    pigment_field_destroy(&field);
}

/* The local density where the weight is 1 (the vertex of a Norwood 6) equals the sum of the sessions. */
static void density_at_the_vertex_should_be_the_sum_of_the_sessions(void **state)
{
    fixture *f = *state;
    f->plan.touch_up_count = 0;
    pigment_field field;
    smp_error err = {0};
    assert_int_equal(pigment_field_create(&field, &f->head, &f->plan, &err), SMP_OK);
    const float *v = f->head.landmarks_mm[SCALP_LM_VERTEX];
    assert_in_range_d(scalp_treatment_weight(&f->head, &f->plan, v), 0.95, 1.0);
    const double r_mm = 15.0; /* a 7 cm² cap: ~700 dots, Poisson error ~4 % but blue noise is far tighter */
    int inside = 0;
    for (int i = 0; i < field.count; ++i)
        inside += dist(field.dots[i].position_mm, v) < r_mm;
    double cap_cm2 = SMP_PI * r_mm * r_mm / 100.0; /* flat-disk area; the cap's curvature adds < 1 % */
    double density = inside / cap_cm2;
    assert_near(density, 100.0, 0.08 * 100.0);
    pigment_field_destroy(&field);
}

static void no_two_dots_should_be_closer_than_the_minimum_spacing(void **state)
{
    fixture *f = *state;
    pigment_field field;
    smp_error err = {0};
    assert_int_equal(pigment_field_create(&field, &f->head, &f->plan, &err), SMP_OK);
    assert_true(field.min_spacing_mm > 0.3f);
    /* Brute force on a sample of dots against all others. */
    for (int i = 0; i < field.count; i += 401)
        for (int j = 0; j < field.count; ++j)
            if (i != j)
                assert_true(dist(field.dots[i].position_mm, field.dots[j].position_mm) >=
                            field.min_spacing_mm);
    pigment_field_destroy(&field);
}

static void same_seed_should_give_identical_dots_and_another_seed_different_ones(void **state)
{
    fixture *f = *state;
    pigment_field a, b, c;
    smp_error err = {0};
    assert_int_equal(pigment_field_create(&a, &f->head, &f->plan, &err), SMP_OK);
    assert_int_equal(pigment_field_create(&b, &f->head, &f->plan, &err), SMP_OK);
    plan other = f->plan;
    other.seed = f->plan.seed + 1;
    assert_int_equal(pigment_field_create(&c, &f->head, &other, &err), SMP_OK);
    assert_int_equal(a.count, b.count);
    assert_memory_equal(a.dots, b.dots, sizeof *a.dots * (size_t)a.count);
    int n = a.count < c.count ? a.count : c.count;
    int same = 0;
    for (int i = 0; i < n; ++i)
        same += memcmp(&a.dots[i], &c.dots[i], sizeof a.dots[i]) == 0;
    assert_true(same < n / 100 + 1);
    pigment_field_destroy(&a);
    pigment_field_destroy(&b);
    pigment_field_destroy(&c);
}

static void later_sessions_should_fill_between_earlier_dots(void **state)
{
    fixture *f = *state;
    pigment_field field;
    smp_error err = {0};
    assert_int_equal(pigment_field_create(&field, &f->head, &f->plan, &err), SMP_OK);
    /* Layer counts follow the session densities 30 : 40 : 30. */
    double per = field.layer_dot_count[0] / 30.0;
    assert_near(field.layer_dot_count[1] / 40.0, per, 0.05 * per);
    assert_near(field.layer_dot_count[2] / 30.0, per, 0.05 * per);
    /* Every dot of session 2 keeps the cumulative spacing from the dots of session 1. */
    for (int i = 0; i < field.count; i += 211) {
        if (field.dots[i].session != 1) continue;
        for (int j = 0; j < field.count; ++j)
            if (field.dots[j].session == 0)
                assert_true(dist(field.dots[i].position_mm, field.dots[j].position_mm) >=
                            field.min_spacing_mm);
    }
    pigment_field_destroy(&field);
}

static void dots_should_carry_jittered_size_depth_and_ink_around_the_plan(void **state)
{
    fixture *f = *state;
    pigment_field field;
    smp_error err = {0};
    assert_int_equal(pigment_field_create(&field, &f->head, &f->plan, &err), SMP_OK);
    double sum_d = 0, sum_depth = 0;
    for (int i = 0; i < field.count; ++i) {
        const pigment_dot *d = &field.dots[i];
        sum_d += d->diameter_mm;
        sum_depth += d->depth_mm;
        assert_true(d->ink > 0.0f && d->ink <= PIGMENT_INK_MAX);
        assert_true(d->uv[0] >= 0.0f && d->uv[0] <= 1.0f && d->uv[1] >= 0.0f && d->uv[1] <= 1.0f);
        double nl =
            sqrt(d->normal[0] * d->normal[0] + d->normal[1] * d->normal[1] + d->normal[2] * d->normal[2]);
        assert_near(nl, 1.0, 1e-4);
    }
    double deposit_mm = pigment_deposit_diameter_mm(&f->plan.pigment); /* the default's: the needle's */
    assert_near(sum_d / field.count, deposit_mm, 0.03 * deposit_mm);
    assert_near(sum_depth / field.count, f->plan.pigment.depth_mm, 0.05 * f->plan.pigment.depth_mm);
    pigment_field_destroy(&field);
}

static void a_plan_without_sessions_should_place_no_dots(void **state)
{
    fixture *f = *state;
    plan before = f->plan;
    before.session_count = 0;
    before.touch_up_count = 0;
    pigment_field field;
    smp_error err = {0};
    assert_int_equal(pigment_field_create(&field, &f->head, &before, &err), SMP_OK);
    assert_int_equal(field.count, 0);
    pigment_field_destroy(&field);
}

/* "Plan for the worst-case balding scenario": a Norwood 6 going on to a Norwood 7. The band the Norwood 7
 * takes (full hair today, at most a fifth of it later) gets the full density of the sessions when the plan
 * treats the future area, and next to nothing (its weight is at most 1 - 0.9) when it does not. */
static void treat_future_area_should_put_dots_where_the_later_class_loses_hair(void **state)
{
    fixture *f = *state;
    plan plain = f->plan, planned;
    plain.progression.pattern = PLAN_PATTERN_NORWOOD_7;
    planned = plain;
    planned.progression.treat_future_area = true;
    const scalp_mesh *m = &f->head.mesh;
    double band_cm2 = 0.0;
    for (int t = 0; t < m->triangle_count; ++t) {
        float c[3] = {0, 0, 0};
        for (int v = 0; v < 3; ++v)
            for (int k = 0; k < 3; ++k)
                c[k] += m->positions_mm[3 * m->indices[3 * t + v] + k] / 3.0f;
        float now = scalp_native_hair_fraction(&f->head, &f->plan.patient, c);
        float later = scalp_pattern_hair_fraction(&f->head, PLAN_PATTERN_NORWOOD_7, c);
        if (now > 0.9f && later < 0.2f * now) band_cm2 += scalp_mesh_triangle_area_mm2(m, t) / 100.0;
    }
    double density = 0.0;
    for (int i = 0; i < f->plan.session_count; ++i)
        density += f->plan.sessions[i].density_per_cm2;
    for (int i = 0; i < f->plan.touch_up_count; ++i)
        density += f->plan.touch_ups[i].density_per_cm2;
    int counts[2];
    const plan *plans[2] = {&plain, &planned};
    for (int k = 0; k < 2; ++k) {
        pigment_field field;
        smp_error err = {0};
        assert_int_equal(pigment_field_create(&field, &f->head, plans[k], &err), SMP_OK);
        counts[k] = 0;
        for (int i = 0; i < field.count; ++i) {
            const float *p = field.dots[i].position_mm;
            float now = scalp_native_hair_fraction(&f->head, &f->plan.patient, p);
            float later = scalp_pattern_hair_fraction(&f->head, PLAN_PATTERN_NORWOOD_7, p);
            counts[k] += now > 0.9f && later < 0.2f * now;
        }
        pigment_field_destroy(&field);
    }
    double full = density * band_cm2;
    print_message("band %.1f cm2 (full density %.0f dots): %d dots ignoring the loss, %d planned for it\n",
                  band_cm2, full, counts[0], counts[1]);
    assert_true(band_cm2 > 20.0);
    assert_true(counts[1] > 0.75 * full);
    assert_true(counts[0] < 0.12 * full);
    /* Without a later class the flag changes nothing. */
    plan flag_only = f->plan;
    flag_only.progression.treat_future_area = true;
    double with_flag = scalp_treated_area_cm2(&f->head, &flag_only);
    assert_near(with_flag, scalp_treated_area_cm2(&f->head, &f->plan), 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(dot_count_should_match_density_times_treated_area, setup, teardown),
        cmocka_unit_test_setup_teardown(density_at_the_vertex_should_be_the_sum_of_the_sessions, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(no_two_dots_should_be_closer_than_the_minimum_spacing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(same_seed_should_give_identical_dots_and_another_seed_different_ones,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(later_sessions_should_fill_between_earlier_dots, setup, teardown),
        cmocka_unit_test_setup_teardown(dots_should_carry_jittered_size_depth_and_ink_around_the_plan, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_plan_without_sessions_should_place_no_dots, setup, teardown),
        cmocka_unit_test_setup_teardown(treat_future_area_should_put_dots_where_the_later_class_loses_hair,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
