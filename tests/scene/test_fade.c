/* The contrast the healing and fading model makes over time (scene/fade.h) for the built-in plan: the healing
 * days, the aftercare and ink grade, touch-ups, and the figures of the seed clinic (REFERENCES.md): with
 * medical ink, typical sun and sunscreen most patients are satisfied at five years and many go 3-10 years
 * without a touch-up; people who like it very dark touch up after 1-2 years; sun fades more but won't erase.
 */
#include "test_util.h"

#include "scene/fade.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static scene_model *g_scene;

static int setup(void **state)
{
    plan p;
    plan_init_default(&p);
    smp_error err = {0};
    g_scene = calloc(1, sizeof *g_scene);
    if (!g_scene || scene_create_from_plan(g_scene, &p, "built-in plan", &err) != SMP_OK) return -1;
    return 0;
}

static int teardown(void **state)
{
    scene_destroy(g_scene);
    free(g_scene);
    return 0;
}

/* The scene with another plan's sessions, touch-ups and rates (the dots stay: a plan without touch-ups
 * simply has no touch-up layer to age). */
static scene_model with_plan(const plan *p)
{
    scene_model s = *g_scene;
    s.plan = *p;
    return s;
}

static double contrast(const plan *p, double years, double lab[3])
{
    scene_model s = with_plan(p);
    ageing_params ap;
    ageing_params_from_plan(p, &ap);
    double tmp[3];
    return scene_fade_contrast_at(&s, &ap, years * 365.25, lab ? lab : tmp);
}

static plan no_touch_ups(void)
{
    plan p = g_scene->plan;
    p.touch_up_count = 0;
    return p;
}

static void day_1_should_be_redder_and_darker_than_day_28(void **state)
{
    plan p = g_scene->plan;
    double lab1[3], lab28[3];
    double de1 = contrast(&p, 1.0 / 365.25, lab1), de28 = contrast(&p, 28.0 / 365.25, lab28);
    assert_true(de1 > de28);
    assert_true(lab1[0] < lab28[0] - 1.0);
    assert_true(lab1[1] > lab28[1] + 1.0);
}

static void day_2_should_be_darker_than_day_4_after_the_first_wash(void **state)
{
    plan p = g_scene->plan;
    double lab2[3], lab4[3];
    contrast(&p, 2.0 / 365.25, lab2);
    contrast(&p, 4.0 / 365.25, lab4);
    assert_true(lab2[0] < lab4[0] - 0.5);
}

static void contrast_should_never_rise_after_healing_without_touch_ups(void **state)
{
    plan p = no_touch_ups();
    scene_model s = with_plan(&p);
    scene_fade_curve c;
    smp_error err = {0};
    assert_int_equal(
        scene_fade_compute(&s, &(scene_fade_params){.years_max = 20, .band_samples = -1}, &c, &err), SMP_OK);
    int checked = 0;
    for (int i = 1; i < c.count; ++i) {
        if (c.years[i - 1] < c.healed_years) continue;
        if (c.delta_e[i] > c.delta_e[i - 1] + 1e-9)
            fail_msg("contrast rose from %.4f to %.4f at %.2f years", c.delta_e[i - 1], c.delta_e[i],
                     c.years[i]);
        checked++;
    }
    assert_true(checked > 150);
    scene_fade_curve_free(&c);
}

static void aftercare_and_ink_grade_should_set_the_pace(void **state)
{
    plan p = no_touch_ups();
    double base = contrast(&p, 5.0, NULL);
    plan sun = p;
    sun.aftercare.sun_hours_per_day = 4.0;
    assert_true(contrast(&sun, 5.0, NULL) < base - 0.01); /* through SPF 30: a little */
    plan no_spf = p;
    no_spf.aftercare.spf = 0.0;
    assert_true(contrast(&no_spf, 5.0, NULL) < base - 0.05);
    plan alcohol = p;
    alcohol.aftercare.alcohol_topicals = true;
    assert_true(contrast(&alcohol, 5.0, NULL) < base - 0.05);
    plan inferior = p;
    inferior.pigment.ink_quality = PLAN_INK_INFERIOR; /* the fading rate; the dots' ink load is the scene's */
    assert_true(contrast(&inferior, 5.0, NULL) < base - 0.05);
}

static void a_touch_up_should_raise_the_contrast_at_its_date(void **state)
{
    plan p = g_scene->plan; /* a touch-up at year 4 */
    assert_true(contrast(&p, 4.05, NULL) > contrast(&p, 3.99, NULL) + 0.05);
}

static void sun_should_fade_more_but_not_erase(void **state)
{
    plan p = no_touch_ups();
    double healed = contrast(&p, plan_healed_day(&p) / 365.25, NULL);
    plan dark = p;
    dark.aftercare.sun_hours_per_day = 0.0;
    assert_true(contrast(&dark, 10.0, NULL) < 0.85 * healed); /* "will fade with or without sun" */
    plan beach = p;
    beach.aftercare.sun_hours_per_day = 8.0;
    beach.aftercare.spf = 0.0;
    double b10 = contrast(&beach, 10.0, NULL);
    assert_true(b10 < contrast(&p, 10.0, NULL));
    assert_true(b10 > 0.3 * healed); /* "it won't erase" */
}

static void the_seed_clinics_figures_should_hold_for_the_built_in_plan(void **state)
{
    plan p = no_touch_ups();
    scene_model s = with_plan(&p);
    scene_fade_curve c;
    smp_error err = {0};
    assert_int_equal(scene_fade_compute(&s, &(scene_fade_params){.years_max = 20}, &c, &err), SMP_OK);
    print_message("touch-up advised at %.2f years (10-90 %%: %.2f-%.2f), healed dE00 %.2f\n",
                  c.touch_up_years, c.touch_up_early_years, c.touch_up_late_years, c.healed_delta_e);
    /* Most satisfied at five years, many 3-10 years without a touch-up. */
    assert_true(c.touch_up_years >= 5.0 && c.touch_up_years <= 10.0);
    assert_true(c.touch_up_early_years >= 3.0);
    assert_true(isnan(c.touch_up_late_years) || c.touch_up_late_years >= 10.0);
    scene_fade_curve_free(&c);
    /* Those who like it very dark (a 10 % loss is too much) touch up after 1-2 years. */
    p.fading.touch_up_fraction = 0.9;
    s = with_plan(&p);
    assert_int_equal(
        scene_fade_compute(&s, &(scene_fade_params){.years_max = 20, .band_samples = -1}, &c, &err), SMP_OK);
    print_message("very dark: touch-up at %.2f years\n", c.touch_up_years);
    assert_true(c.touch_up_years >= 1.0 && c.touch_up_years <= 2.0);
    scene_fade_curve_free(&c);
}

static void the_band_should_contain_the_curve(void **state)
{
    scene_fade_curve c;
    smp_error err = {0};
    assert_int_equal(
        scene_fade_compute(g_scene, &(scene_fade_params){.years_max = 10, .band_samples = 8}, &c, &err),
        SMP_OK);
    double width = 0.0;
    for (int i = 0; i < c.count; ++i) {
        assert_true(c.low[i] <= c.delta_e[i] && c.delta_e[i] <= c.high[i]);
        if (c.years[i] > 5.0) width = fmax(width, c.high[i] - c.low[i]);
    }
    assert_true(width > 0.1); /* the uncertain rates matter */
    assert_int_equal(c.event_count, 4);
    assert_true(c.event_is_touch_up[3]);
    scene_fade_curve_free(&c);
    assert_int_equal(scene_fade_compute(g_scene, &(scene_fade_params){.years_max = 60}, &c, &err),
                     SMP_ERR_INPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(day_1_should_be_redder_and_darker_than_day_28),
        cmocka_unit_test(day_2_should_be_darker_than_day_4_after_the_first_wash),
        cmocka_unit_test(contrast_should_never_rise_after_healing_without_touch_ups),
        cmocka_unit_test(aftercare_and_ink_grade_should_set_the_pace),
        cmocka_unit_test(a_touch_up_should_raise_the_contrast_at_its_date),
        cmocka_unit_test(sun_should_fade_more_but_not_erase),
        cmocka_unit_test(the_seed_clinics_figures_should_hold_for_the_built_in_plan),
        cmocka_unit_test(the_band_should_contain_the_curve),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
