/* The hair field: density against the native fraction, exit angles by region, determinism, the bald top of
 * a Norwood 6, grey hairs, growth. The plan is built by hand (the default: Norwood 6, 0.5 mm, seed 1). */
#include "scalp/hair.h"
#include "test_util.h"

#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    scalp_head head;
    plan plan;
} fixture;

static plan default_plan(void)
{
    plan p;
    memset(&p, 0, sizeof p);
    p.version = 1;
    p.seed = 1;
    p.head = (plan_head){.circumference_cm = 57.0, .length_cm = 19.5, .breadth_cm = 15.5};
    p.patient = (plan_patient){.fitzpatrick = 3, .hair_length_mm = 0.5, .pattern = PLAN_PATTERN_NORWOOD_6};
    p.hairline = (plan_hairline){.style = PLAN_HAIRLINE_SOFT, .height_cm = 8.0, .transition_mm = 8.0};
    return p;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    smp_error err = {0};
    f->plan = default_plan();
    if (!f || scalp_head_create(&f->head, &f->plan.head, f->plan.patient.sex, &err) != SMP_OK) return -1;
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

static float dist3(const float *a, const float *b)
{
    float d[3] = {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
    return sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
}

/* The surface point nearest to p + offset, among mesh vertices. */
static void nearest_vertex(const scalp_head *head, const float p[3], float out[3])
{
    float best = INFINITY;
    for (int v = 0; v < head->mesh.vertex_count; ++v) {
        float d = dist3(head->mesh.positions_mm + 3 * v, p);
        if (d < best) best = d, memcpy(out, head->mesh.positions_mm + 3 * v, sizeof(float[3]));
    }
}

/* Hairs within radius r of c, against the expectation from the density function integrated over the mesh
 * triangles whose centroids lie within r. The unit count in a disc is at most Poisson (the disk condition
 * makes it sub-Poisson) and each unit adds 1-4 hairs: var(hairs) <= E(units) (var_k + mean_k^2). */
static void check_density_in_disc(const fixture *f, const plan *pl, const scalp_hair *hair, const float c[3],
                                  float r)
{
    const scalp_mesh *m = &f->head.mesh;
    double expected_units = 0.0;
    for (int t = 0; t < m->triangle_count; ++t) {
        float centroid[3] = {0, 0, 0};
        for (int v = 0; v < 3; ++v)
            for (int k = 0; k < 3; ++k)
                centroid[k] += m->positions_mm[3 * m->indices[3 * t + v] + k] / 3.0f;
        if (dist3(centroid, c) >= r) continue;
        expected_units += scalp_mesh_triangle_area_mm2(m, t) / 100.0 *
                          scalp_hair_unit_density_per_cm2(&f->head, pl, &hair->params, centroid);
    }
    double mean_k = scalp_hair_mean_per_unit(&hair->params), second = 0.0;
    for (int k = 0; k < SCALP_HAIR_MAX_PER_UNIT; ++k)
        second += (k + 1) * (k + 1) * hair->params.hairs_per_unit_p[k];
    int count = 0;
    for (int i = 0; i < hair->count; ++i)
        count += dist3(hair->shafts[i].root_mm, c) < r;
    double expected = expected_units * mean_k, sigma = sqrt(expected_units * second);
    print_message("disc r %.0f mm: %d hairs, expected %.0f +- %.0f (%.0f hairs/cm2 at full density)\n", r,
                  count, expected, sigma, hair->params.unit_density_per_cm2 * mean_k);
    assert_near(count, expected, 4.0 * sigma);
}

static void density_should_match_the_native_fraction_times_the_density(void **state)
{
    fixture *f = *state;
    smp_error err = {0};
    scalp_hair hair;
    /* Full density on the Norwood 6 horseshoe, 2 cm above the ear. */
    const float *e = f->head.landmarks_mm[SCALP_LM_EAR_TOP_LEFT];
    float side[3], probe[3] = {e[0], e[1] + 20.0f, e[2]};
    nearest_vertex(&f->head, probe, side);
    assert_true(scalp_native_hair_fraction(&f->head, &f->plan.patient, side) > 0.95f);
    assert_int_equal(scalp_hair_create(&hair, &f->head, &f->plan, NULL, &err), SMP_OK);
    check_density_in_disc(f, &f->plan, &hair, side, 12.0f);
    scalp_hair_destroy(&hair);
    /* Partial density: Ludwig II thins the crown to about a third. */
    plan pl = f->plan;
    pl.patient.pattern = PLAN_PATTERN_LUDWIG_II;
    const float *crown = f->head.landmarks_mm[SCALP_LM_CROWN];
    float fc = scalp_native_hair_fraction(&f->head, &pl.patient, crown);
    assert_in_range_d(fc, 0.2, 0.6);
    assert_int_equal(scalp_hair_create(&hair, &f->head, &pl, NULL, &err), SMP_OK);
    check_density_in_disc(f, &pl, &hair, crown, 12.0f);
    scalp_hair_destroy(&hair);
}

static void hairs_per_unit_should_follow_the_distribution(void **state)
{
    fixture *f = *state;
    smp_error err = {0};
    scalp_hair hair;
    assert_int_equal(scalp_hair_create(&hair, &f->head, &f->plan, NULL, &err), SMP_OK);
    double mean = (double)hair.count / hair.unit_count, expected = scalp_hair_mean_per_unit(&hair.params);
    print_message("%d units, %d hairs, %.3f per unit; haired area %.0f cm2\n", hair.unit_count, hair.count,
                  mean, hair.haired_area_cm2);
    /* Standard error of the mean of k over the units: sd(k) about 0.8. */
    assert_near(mean, expected, 4.0 * 0.8 / sqrt(hair.unit_count));
    /* Units: the integral of the density (placement stops there). */
    assert_near(hair.unit_count, hair.haired_area_cm2 * hair.params.unit_density_per_cm2, 1.0);
    scalp_hair_destroy(&hair);
}

/* Exit angles of the hairs within r (chart mm) of chart point (qx, qy). */
static void angles_near(const scalp_head *head, const scalp_hair *hair, double qx, double qy, double r,
                        double *lo, double *hi, double *mean, int *n)
{
    *lo = 1e9, *hi = -1e9, *mean = 0.0, *n = 0;
    for (int i = 0; i < hair->count; ++i) {
        float q[2];
        scalp_head_chart_mm(head, hair->shafts[i].root_mm, q);
        if (hypot(q[0] - qx, q[1] - qy) >= r) continue;
        double a = hair->shafts[i].exit_angle_deg;
        /* The stored angle is the direction's: check they agree. */
        const float *d = hair->shafts[i].direction, *nn = hair->shafts[i].normal;
        double from_dir = asin(d[0] * nn[0] + d[1] * nn[1] + d[2] * nn[2]) * 180.0 / SMP_PI;
        assert_near(from_dir, a, 0.05);
        *lo = fmin(*lo, a), *hi = fmax(*hi, a), *mean += a, ++*n;
    }
    if (*n) *mean /= *n;
}

static void exit_angles_should_lie_in_the_published_ranges_by_region(void **state)
{
    fixture *f = *state;
    smp_error err = {0};
    plan pl = f->plan;
    pl.patient.pattern = PLAN_PATTERN_NONE; /* a full head, so every region has hair */
    scalp_hair hair;
    assert_int_equal(scalp_hair_create(&hair, &f->head, &pl, NULL, &err), SMP_OK);
    const float(*lm)[2] = f->head.landmarks_chart_mm;
    double hy = scalp_head_midline_chart_y(&f->head, 70.0);
    double tx = lm[SCALP_LM_TEMPLE_LEFT][0], ty = lm[SCALP_LM_TEMPLE_LEFT][1];
    double ex = lm[SCALP_LM_EAR_TOP_LEFT][0], ey = lm[SCALP_LM_EAR_TOP_LEFT][1];
    struct {
        const char *name;
        double qx, qy, lo, hi;
    } regions[] = {
        /* clinical.md §5: hairline 10-20°, temples 3-10°, mid-scalp 30° in front rising to 60. */
        {"frontal hairline", 0.0, hy - 5.0, 10.0, 20.0},
        {"temple", tx + 0.8 * (ex - tx), ty - 0.3 * (ty - ey), 3.0, 10.0},
        {"mid-scalp (vertex)", 0.0, lm[SCALP_LM_VERTEX][1], 30.0, 60.0},
    };
    for (size_t k = 0; k < sizeof regions / sizeof regions[0]; ++k) {
        double lo, hi, mean;
        int n;
        angles_near(&f->head, &hair, regions[k].qx, regions[k].qy, 6.0, &lo, &hi, &mean, &n);
        print_message("%s: %d hairs, angle %.1f..%.1f, mean %.1f deg\n", regions[k].name, n, lo, hi, mean);
        assert_true(n > 50);
        assert_in_range_d(lo, regions[k].lo, regions[k].hi);
        assert_in_range_d(hi, regions[k].lo, regions[k].hi);
    }
    scalp_hair_destroy(&hair);
}

static void growth_should_point_forward_at_the_front_and_down_at_the_back(void **state)
{
    fixture *f = *state;
    float angle, dir[3];
    /* The frontal hairline's midline point and the occiput. */
    double hy = scalp_head_midline_chart_y(&f->head, 70.0);
    float front[3] = {0, 0, 0}, back[3], nf[3] = {0, 0, 0}, nb[3] = {0, 0, 0};
    float best = INFINITY;
    for (int v = 0; v < f->head.mesh.vertex_count; ++v) {
        const float *p = f->head.mesh.positions_mm + 3 * v;
        float q[2];
        if (p[2] < 0.0f || fabsf(p[0]) > 2.0f) continue;
        scalp_head_chart_mm(&f->head, p, q);
        float d = fabsf(q[1] - (float)(hy - 5.0));
        if (d < best)
            best = d, memcpy(front, p, sizeof front), memcpy(nf, f->head.mesh.normals + 3 * v, sizeof nf);
    }
    scalp_hair_exit(&f->head, front, nf, &angle, dir);
    assert_true(dir[2] > 0.5f); /* forward */
    nearest_vertex(&f->head, f->head.landmarks_mm[SCALP_LM_OCCIPITAL_PROTUBERANCE], back);
    for (int v = 0; v < f->head.mesh.vertex_count; ++v)
        if (dist3(f->head.mesh.positions_mm + 3 * v, back) == 0.0f)
            memcpy(nb, f->head.mesh.normals + 3 * v, sizeof nb);
    scalp_hair_exit(&f->head, back, nb, &angle, dir);
    assert_true(dir[1] < -0.5f); /* down */
}

static void the_same_seed_should_give_the_same_hair(void **state)
{
    fixture *f = *state;
    smp_error err = {0};
    scalp_hair a, b, c;
    assert_int_equal(scalp_hair_create(&a, &f->head, &f->plan, NULL, &err), SMP_OK);
    assert_int_equal(scalp_hair_create(&b, &f->head, &f->plan, NULL, &err), SMP_OK);
    plan other = f->plan;
    other.seed = 2;
    assert_int_equal(scalp_hair_create(&c, &f->head, &other, NULL, &err), SMP_OK);
    assert_int_equal(a.count, b.count);
    assert_memory_equal(a.shafts, b.shafts, sizeof *a.shafts * (size_t)a.count);
    assert_true(c.count != a.count || memcmp(a.shafts, c.shafts, sizeof *a.shafts * (size_t)a.count) != 0);
    scalp_hair_destroy(&a);
    scalp_hair_destroy(&b);
    scalp_hair_destroy(&c);
}

static void norwood_6_should_leave_the_vertex_bald_but_for_miniaturised_hairs(void **state)
{
    fixture *f = *state;
    smp_error err = {0};
    scalp_hair hair;
    assert_int_equal(scalp_hair_create(&hair, &f->head, &f->plan, NULL, &err), SMP_OK);
    int near = 0, terminal = 0;
    for (int i = 0; i < hair.count; ++i) {
        if (dist3(hair.shafts[i].root_mm, f->head.landmarks_mm[SCALP_LM_VERTEX]) >= 40.0f) continue;
        near++;
        terminal += hair.shafts[i].diameter_mm > 0.04f;
    }
    print_message("within 4 cm of the vertex: %d hairs, %d terminal\n", near, terminal);
    assert_int_equal(terminal, 0);
    assert_true(near < 10);
    scalp_hair_destroy(&hair);
}

static void grey_fraction_should_be_respected(void **state)
{
    fixture *f = *state;
    smp_error err = {0};
    plan pl = f->plan;
    pl.patient.grey_fraction = 0.3;
    scalp_hair hair;
    assert_int_equal(scalp_hair_create(&hair, &f->head, &pl, NULL, &err), SMP_OK);
    int grey = 0;
    for (int i = 0; i < hair.count; ++i)
        grey += hair.shafts[i].pigment == 0.0f;
    double frac = (double)grey / hair.count, sigma = sqrt(0.3 * 0.7 / hair.count);
    print_message("grey %.4f of %d hairs\n", frac, hair.count);
    assert_near(frac, 0.3, 4.0 * sigma);
    scalp_hair_destroy(&hair);
}

/* Everything a shaft is at year 0 (all but its years of loss and greying). */
static bool same_shaft_today(const scalp_hair_shaft *a, const scalp_hair_shaft *b)
{
    return memcmp(a->root_mm, b->root_mm, sizeof a->root_mm) == 0 &&
           memcmp(a->normal, b->normal, sizeof a->normal) == 0 &&
           memcmp(a->direction, b->direction, sizeof a->direction) == 0 &&
           a->exit_angle_deg == b->exit_angle_deg && a->diameter_mm == b->diameter_mm &&
           a->length_mm == b->length_mm && a->bulb_depth_mm == b->bulb_depth_mm && a->pigment == b->pigment &&
           a->unit == b->unit;
}

/* Norwood 6 going on to Norwood 7 in 10 years. Today's hair is the same hair with or without the progression;
 * hairs are lost only where the later class keeps less hair than today's, and there, at each year, each hair
 * is lost with probability min(1, t / years x (1 - w_later / w_now)): the counts are sums of independent
 * Bernoulli draws, checked against their mean within 4 standard deviations. */
static void progression_should_keep_todays_hair_and_lose_it_only_where_the_later_class_has_less(void **state)
{
    fixture *f = *state;
    smp_error err = {0};
    plan later = f->plan;
    later.progression = (plan_progression){
        .pattern = PLAN_PATTERN_NORWOOD_7, .years = 10.0, .grey_fraction = PLAN_NONE, .grey_years = 10.0};
    scalp_hair a, b;
    assert_int_equal(scalp_hair_create(&a, &f->head, &f->plan, NULL, &err), SMP_OK);
    assert_int_equal(scalp_hair_create(&b, &f->head, &later, NULL, &err), SMP_OK);
    assert_int_equal(a.count, b.count);
    int lost_at_0 = 0, changed = 0, never_a = 0;
    for (int i = 0; i < a.count; ++i) {
        changed += !same_shaft_today(&a.shafts[i], &b.shafts[i]);
        lost_at_0 += scalp_hair_shaft_is_lost(&b.shafts[i], 0.0);
        never_a += a.shafts[i].lost_year == SCALP_HAIR_NEVER;
    }
    assert_int_equal(changed, 0);
    assert_int_equal(lost_at_0, 0);
    assert_int_equal(never_a, a.count); /* without a later class nothing is ever lost */

    const double years[] = {5.0, 10.0, 40.0};
    for (int k = 0; k < 3; ++k) {
        double t = years[k], expected = 0.0, var = 0.0;
        int lost = 0, lost_outside = 0, in_band = 0, lost_in_band = 0;
        for (int i = 0; i < b.count; ++i) {
            const scalp_hair_shaft *s = &b.shafts[i];
            double w_now = scalp_native_hair_fraction(&f->head, &f->plan.patient, s->root_mm);
            double w_later = scalp_pattern_hair_fraction(&f->head, PLAN_PATTERN_NORWOOD_7, s->root_mm);
            double r = w_now > 0.0 ? fmin(1.0, w_later / w_now) : 1.0;
            double p = fmin(1.0, fmin(t, 10.0) / 10.0 * (1.0 - r));
            expected += p;
            var += p * (1.0 - p);
            bool gone = scalp_hair_shaft_is_lost(s, t);
            lost += gone;
            lost_outside += gone && !(w_later < w_now);
            /* The band the Norwood 7 takes: full hair today, at most a fifth of it later. */
            if (w_now > 0.9 && w_later < 0.2 * w_now) in_band++, lost_in_band += gone;
        }
        print_message("year %.0f: %d of %d hairs lost (expected %.0f +- %.0f), %d outside the later bald "
                      "area; band %d of %d lost\n",
                      t, lost, b.count, expected, sqrt(var), lost_outside, lost_in_band, in_band);
        assert_int_equal(lost_outside, 0);
        assert_near(lost, expected, 4.0 * sqrt(var) + 0.5);
        assert_true(in_band > 1000);
        /* In the band at least 80 % x t/10 are gone; past the year of the later class, no more than then. */
        assert_true(lost_in_band >= (int)(0.8 * fmin(t, 10.0) / 10.0 * in_band) - 4 * (int)sqrt(in_band));
    }
    scalp_hair_destroy(&a);
    scalp_hair_destroy(&b);
}

/* Greying from 10 % today to 60 % at 20 years: at year t the grey share is 0.1 + 0.5 t / 20 (then kept); each
 * hair is grey independently, so the share is within 4 binomial standard errors. Today's grey hairs are grey
 * from year 0, and the hairs are the same hairs as without greying. */
static void greying_should_reach_the_target_share_linearly_and_then_stop(void **state)
{
    fixture *f = *state;
    smp_error err = {0};
    plan pl = f->plan, plain;
    pl.patient.grey_fraction = 0.1;
    plain = pl;
    pl.progression = (plan_progression){
        .pattern = PLAN_PATTERN_NONE, .years = 10.0, .grey_fraction = 0.6, .grey_years = 20.0};
    scalp_hair a, b;
    assert_int_equal(scalp_hair_create(&a, &f->head, &plain, NULL, &err), SMP_OK);
    assert_int_equal(scalp_hair_create(&b, &f->head, &pl, NULL, &err), SMP_OK);
    assert_int_equal(a.count, b.count);
    for (int i = 0; i < a.count; ++i) {
        assert_true(same_shaft_today(&a.shafts[i], &b.shafts[i]));
        assert_true(scalp_hair_shaft_is_grey(&b.shafts[i], 0.0) == (b.shafts[i].pigment == 0.0f));
        assert_true(b.shafts[i].grey_year == (b.shafts[i].pigment == 0.0f ? 0.0f : b.shafts[i].grey_year));
    }
    const double years[] = {0.0, 10.0, 20.0, 35.0};
    for (int k = 0; k < 4; ++k) {
        double t = years[k], target = 0.1 + 0.5 * fmin(t, 20.0) / 20.0;
        int grey = 0;
        for (int i = 0; i < b.count; ++i)
            grey += scalp_hair_shaft_is_grey(&b.shafts[i], t);
        double frac = (double)grey / b.count, sigma = sqrt(target * (1.0 - target) / b.count);
        print_message("year %.0f: grey %.4f (target %.3f +- %.4f)\n", t, frac, target, sigma);
        assert_near(frac, target, 4.0 * sigma);
    }
    /* Without a target nothing turns grey. */
    for (int i = 0; i < a.count; ++i)
        assert_true(a.shafts[i].grey_year == (a.shafts[i].pigment == 0.0f ? 0.0f : SCALP_HAIR_NEVER));
    scalp_hair_destroy(&a);
    scalp_hair_destroy(&b);
}

static void hairs_should_grow_after_the_cut_except_resting_ones(void **state)
{
    fixture *f = *state;
    smp_error err = {0};
    scalp_hair_params params;
    scalp_hair_params_default(&params, &f->plan.patient);
    params.length_mm = 0.0; /* blade-shaved */
    params.days_since_cut = 4.0;
    scalp_hair hair;
    assert_int_equal(scalp_hair_create(&hair, &f->head, &f->plan, &params, &err), SMP_OK);
    int growing = 0, terminal = 0;
    for (int i = 0; i < hair.count; ++i) {
        if (hair.shafts[i].diameter_mm < 0.04f) continue;
        terminal++;
        if (hair.shafts[i].length_mm > 0.0f) {
            growing++;
            assert_near(hair.shafts[i].length_mm, 0.35 * 4.0, 1e-5);
        }
    }
    double resting = 1.0 - (double)growing / terminal;
    assert_near(resting, params.telogen_fraction, 4.0 * sqrt(0.1 * 0.9 / terminal));
    scalp_hair_destroy(&hair);
}

static void bad_parameters_should_be_refused_with_the_field_named(void **state)
{
    fixture *f = *state;
    smp_error err = {0};
    scalp_hair_params params;
    scalp_hair_params_default(&params, &f->plan.patient);
    params.diameter_mm = -1.0;
    scalp_hair hair;
    assert_int_equal(scalp_hair_create(&hair, &f->head, &f->plan, &params, &err), SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "diameter_mm"));
    assert_int_equal(hair.count, 0);
    scalp_hair_destroy(&hair);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(density_should_match_the_native_fraction_times_the_density),
        cmocka_unit_test(hairs_per_unit_should_follow_the_distribution),
        cmocka_unit_test(exit_angles_should_lie_in_the_published_ranges_by_region),
        cmocka_unit_test(growth_should_point_forward_at_the_front_and_down_at_the_back),
        cmocka_unit_test(the_same_seed_should_give_the_same_hair),
        cmocka_unit_test(norwood_6_should_leave_the_vertex_bald_but_for_miniaturised_hairs),
        cmocka_unit_test(grey_fraction_should_be_respected),
        cmocka_unit_test(hairs_should_grow_after_the_cut_except_resting_ones),
        cmocka_unit_test(progression_should_keep_todays_hair_and_lose_it_only_where_the_later_class_has_less),
        cmocka_unit_test(greying_should_reach_the_target_share_linearly_and_then_stop),
        cmocka_unit_test(bad_parameters_should_be_refused_with_the_field_named),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
