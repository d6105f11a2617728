/* Fields on the head: pattern masks, the designed hairline, the treatment weight and areas. Each plan
 * starts from the built-in default (Norwood 6, soft hairline 8 cm / 8 mm, seed 1) without sessions. */
#include "scalp/scalp.h"
#include "test_util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static plan default_plan(void)
{
    plan p;
    plan_init_default(&p);
    p.session_count = 0;
    return p;
}

static int head_setup(void **state)
{
    scalp_head *head = calloc(1, sizeof *head);
    plan p = default_plan();
    smp_error err = {0};
    if (!head || scalp_head_create(head, &p.head, p.patient.sex, &err) != SMP_OK) return -1;
    *state = head;
    return 0;
}

static int head_teardown(void **state)
{
    scalp_head_destroy(*state);
    free(*state);
    return 0;
}

/* Surface point seen from the head's ray origin in direction (x, y, z): the nearest mesh vertex to the
 * ray, which lies on the surface. */
static void surface_point(const scalp_head *head, double x, double y, double z, float out[3])
{
    double l = sqrt(x * x + y * y + z * z), d[3] = {x / l, y / l, z / l}, best = -2.0;
    const scalp_mesh *m = &head->mesh;
    for (int v = 0; v < m->vertex_count; v++) {
        const float *p = &m->positions_mm[3 * v];
        double r[3] = {p[0] - head->ray_origin_mm[0], p[1] - head->ray_origin_mm[1],
                       p[2] - head->ray_origin_mm[2]};
        double c = (r[0] * d[0] + r[1] * d[1] + r[2] * d[2]) / sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
        if (c > best) best = c, memcpy(out, p, sizeof(float[3]));
    }
}

/* A point on the scalp 2 cm above the left ear top (on the horseshoe). */
static void above_ear(const scalp_head *head, float out[3])
{
    const float *e = head->landmarks_mm[SCALP_LM_EAR_TOP_LEFT];
    surface_point(head, e[0] - head->ray_origin_mm[0], e[1] + 20.0 - head->ray_origin_mm[1],
                  e[2] - head->ray_origin_mm[2], out);
}

/* The frontotemporal recession: on the line from the temple point towards the crown, 2 cm behind it. */
static void temple_recess(const scalp_head *head, float out[3])
{
    const float *t = head->landmarks_mm[SCALP_LM_TEMPLE_LEFT];
    surface_point(head, t[0] - head->ray_origin_mm[0], t[1] + 10.0 - head->ray_origin_mm[1],
                  t[2] - 15.0 - head->ray_origin_mm[2], out);
}

static void norwood_6_should_treat_the_top_and_keep_the_horseshoe(void **state)
{
    const scalp_head *head = *state;
    plan p = default_plan();
    float side[3];
    above_ear(head, side);
    assert_true(scalp_treatment_weight(head, &p, head->landmarks_mm[SCALP_LM_VERTEX]) > 0.95f);
    assert_true(scalp_treatment_weight(head, &p, head->landmarks_mm[SCALP_LM_CROWN]) > 0.95f);
    assert_true(scalp_treatment_weight(head, &p, side) < 0.05f);
    assert_true(scalp_native_hair_fraction(head, &p.patient, side) > 0.95f);
    assert_true(scalp_native_hair_fraction(head, &p.patient, head->landmarks_mm[SCALP_LM_VERTEX]) < 0.05f);
    assert_true(scalp_treatment_weight(head, &p, head->landmarks_mm[SCALP_LM_NAPE]) < 0.05f);
    assert_true(scalp_treatment_weight(head, &p, head->landmarks_mm[SCALP_LM_GLABELLA]) < 0.01f);
}

static void norwood_2_should_treat_the_temples_but_not_the_vertex(void **state)
{
    const scalp_head *head = *state;
    plan p = default_plan();
    p.patient.pattern = PLAN_PATTERN_NORWOOD_2;
    float recess[3];
    temple_recess(head, recess);
    assert_true(scalp_treatment_weight(head, &p, recess) > 0.5f);
    assert_true(scalp_treatment_weight(head, &p, head->landmarks_mm[SCALP_LM_VERTEX]) < 0.01f);
    assert_true(scalp_treatment_weight(head, &p, head->landmarks_mm[SCALP_LM_CROWN]) < 0.01f);
}

static void norwood_1_should_treat_almost_nothing(void **state)
{
    const scalp_head *head = *state;
    plan p = default_plan();
    p.patient.pattern = PLAN_PATTERN_NORWOOD_1;
    double n1 = scalp_treated_area_cm2(head, &p);
    p.patient.pattern = PLAN_PATTERN_NORWOOD_6;
    double n6 = scalp_treated_area_cm2(head, &p);
    print_message("treated area: Norwood 1 %.1f cm^2, Norwood 6 %.1f cm^2, mesh %.0f cm^2\n", n1, n6,
                  scalp_mesh_area_cm2(&head->mesh));
    assert_true(n1 < 15.0);
    assert_in_range_d(n6, 150.0, 350.0);
}

static double midline_walk(const scalp_head *head, const plan_hairline *hl, uint64_t seed, double target_mm,
                           float out[3]);

static void patterns_should_lose_more_hair_as_the_class_rises(void **state)
{
    const scalp_head *head = *state;
    const plan_pattern order[] = {PLAN_PATTERN_NORWOOD_1, PLAN_PATTERN_NORWOOD_2, PLAN_PATTERN_NORWOOD_3,
                                  PLAN_PATTERN_NORWOOD_4, PLAN_PATTERN_NORWOOD_5, PLAN_PATTERN_NORWOOD_6};
    plan p = default_plan();
    p.hairline.height_cm = 7.0;
    double prev = -1.0;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        p.patient.pattern = order[i];
        double a = scalp_treated_area_cm2(head, &p);
        print_message("pattern %d: treated %.1f cm^2\n", (int)order[i], a);
        assert_true(a > prev);
        prev = a;
    }
    /* Vertex classes thin the crown; Ludwig thins the crown and keeps the frontal hairline. */
    p.patient.pattern = PLAN_PATTERN_NORWOOD_3V;
    assert_true(scalp_native_hair_fraction(head, &p.patient, head->landmarks_mm[SCALP_LM_CROWN]) < 0.3f);
    p.patient.pattern = PLAN_PATTERN_NORWOOD_3;
    assert_true(scalp_native_hair_fraction(head, &p.patient, head->landmarks_mm[SCALP_LM_CROWN]) > 0.95f);
    const plan_pattern ludwig[3] = {PLAN_PATTERN_LUDWIG_I, PLAN_PATTERN_LUDWIG_II, PLAN_PATTERN_LUDWIG_III};
    double last = 2.0;
    float front[3];
    midline_walk(head, NULL, 0, 85.0, front); /* 1.5 cm behind the natural hairline */
    for (int i = 0; i < 3; i++) {
        p.patient.pattern = ludwig[i];
        double crown = scalp_native_hair_fraction(head, &p.patient, head->landmarks_mm[SCALP_LM_VERTEX]);
        assert_true(crown < last && crown > 0.0);
        last = crown;
        assert_true(scalp_native_hair_fraction(head, &p.patient, front) > 0.9f);
    }
}

static void hairline_should_be_open_in_front_and_full_behind(void **state)
{
    const scalp_head *head = *state;
    plan p = default_plan();
    assert_true(scalp_hairline_weight(head, &p.hairline, p.seed, head->landmarks_mm[SCALP_LM_GLABELLA]) <
                0.01f);
    assert_true(scalp_hairline_weight(head, &p.hairline, p.seed, head->landmarks_mm[SCALP_LM_VERTEX]) >
                0.99f);
    assert_true(scalp_hairline_weight(head, &p.hairline, p.seed, head->landmarks_mm[SCALP_LM_NAPE]) > 0.99f);
}

/* Walks up the midline from the glabella over the mesh (nearest vertices to rays in the plane x = 0).
 * With hl given: returns the arc length at which the hairline weight first crosses 0.5 (interpolated).
 * Without: stops at arc target_mm and stores that point in out. */
static double midline_walk(const scalp_head *head, const plan_hairline *hl, uint64_t seed, double target_mm,
                           float out[3])
{
    enum { STEPS = 500 };
    double prev[3] = {0}, arc = 0.0, w_prev = 0.0;
    const float *o = head->ray_origin_mm;
    const float *g = head->landmarks_mm[SCALP_LM_GLABELLA];
    double a0 = atan2(g[1] - o[1], g[2] - o[2]);
    for (int i = 0; i <= STEPS; i++) {
        double a = a0 + (SMP_PI / 2.0 - a0) * i / STEPS;
        float p[3];
        surface_point(head, 0.0, sin(a), cos(a), p);
        double w = hl ? scalp_hairline_weight(head, hl, seed, p) : 0.0;
        if (i > 0) {
            double step = sqrt((p[0] - prev[0]) * (p[0] - prev[0]) + (p[1] - prev[1]) * (p[1] - prev[1]) +
                               (p[2] - prev[2]) * (p[2] - prev[2]));
            if (hl && w >= 0.5 && w_prev < 0.5) return arc + step * (0.5 - w_prev) / (w - w_prev);
            arc += step;
            if (!hl && arc >= target_mm) {
                memcpy(out, p, sizeof(float[3]));
                return arc;
            }
        }
        for (int k = 0; k < 3; k++)
            prev[k] = p[k];
        w_prev = w;
    }
    return -1.0;
}

static double hairline_midline_arc_mm(const scalp_head *head, const plan_hairline *hl, uint64_t seed)
{
    return midline_walk(head, hl, seed, 0.0, NULL);
}

static void hairline_should_sit_its_height_above_the_glabella_along_the_surface(void **state)
{
    const scalp_head *head = *state;
    plan_hairline linear = {.style = PLAN_HAIRLINE_LINEAR, .height_cm = 8.0, .transition_mm = 2.0};
    double arc = hairline_midline_arc_mm(head, &linear, 1);
    print_message("linear 8 cm hairline crosses 0.5 at %.1f mm above the glabella\n", arc);
    /* Mesh vertices are ~1.2 mm apart and the walk snaps to them: 3 mm. */
    assert_near(arc, 80.0, 3.0);
    linear.height_cm = 10.0;
    assert_near(hairline_midline_arc_mm(head, &linear, 1), 100.0, 3.0);
    /* A soft line wanders by its irregularity, a few mm. */
    plan_hairline soft = {.style = PLAN_HAIRLINE_SOFT, .height_cm = 8.0, .transition_mm = 8.0};
    assert_near(hairline_midline_arc_mm(head, &soft, 1), 80.0, 6.0);
}

static void soft_hairline_should_be_deterministic_for_a_seed_and_differ_between_seeds(void **state)
{
    const scalp_head *head = *state;
    plan_hairline soft = {.style = PLAN_HAIRLINE_SOFT, .height_cm = 8.0, .transition_mm = 8.0};
    const scalp_mesh *m = &head->mesh;
    int differ = 0, band = 0;
    for (int v = 0; v < m->vertex_count; v += 7) {
        const float *p = &m->positions_mm[3 * v];
        float a = scalp_hairline_weight(head, &soft, 1, p), b = scalp_hairline_weight(head, &soft, 1, p);
        assert_true(a == b);
        if (a > 0.05f && a < 0.95f) {
            band++;
            differ += fabsf(a - scalp_hairline_weight(head, &soft, 2, p)) > 0.05f;
        }
    }
    assert_true(band > 50);
    assert_true(differ > band / 4);
}

static void treatment_weight_should_be_cheap(void **state)
{
    const scalp_head *head = *state;
    plan p = default_plan();
    const scalp_mesh *m = &head->mesh;
    struct timespec t0, t1;
    double sum = 0.0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int v = 0; v < m->vertex_count; v++)
        sum += scalp_treatment_weight(head, &p, &m->positions_mm[3 * v]);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double us = ((t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) * 1e-3) / m->vertex_count;
    print_message("scalp_treatment_weight: %.3f us per call (sum %.0f)\n", us, sum);
    assert_true(sum > 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(norwood_6_should_treat_the_top_and_keep_the_horseshoe),
        cmocka_unit_test(norwood_2_should_treat_the_temples_but_not_the_vertex),
        cmocka_unit_test(norwood_1_should_treat_almost_nothing),
        cmocka_unit_test(patterns_should_lose_more_hair_as_the_class_rises),
        cmocka_unit_test(hairline_should_be_open_in_front_and_full_behind),
        cmocka_unit_test(hairline_should_sit_its_height_above_the_glabella_along_the_surface),
        cmocka_unit_test(soft_hairline_should_be_deterministic_for_a_seed_and_differ_between_seeds),
        cmocka_unit_test(treatment_weight_should_be_cheap),
    };
    return cmocka_run_group_tests(tests, head_setup, head_teardown);
}
