/* smpsim match without GL: the plan at a shade factor (shades x k on a 1e-4 grid, none above 1, k = 1 the
 * plan itself) and the checks made before anything is built (something to scale; a disc with pixels). */
#include "test_util.h"

#include "app/match.h"

#include <string.h>

static void default_view(app_options *view)
{
    smp_error err = {0};
    assert_int_equal(app_options_parse(view, 0, NULL, 0, "", &err), SMP_OK);
    view->width = APP_MATCH_WIDTH, view->height = APP_MATCH_HEIGHT;
}

static void plan_at_should_scale_every_shade_round_to_1e4_and_cap_at_1(void **state)
{
    (void)state;
    plan p, q;
    plan_init_default(&p);
    p.session_count = 2;
    p.sessions[0].shade = 0.6, p.sessions[1].shade = 0.3;
    p.touch_up_count = 1;
    p.touch_ups[0].shade = 0.9;
    app_match_plan_at(&p, 0.33337, &q);
    assert_true(q.sessions[0].shade == 0.2);  /* 0.200022 */
    assert_true(q.sessions[1].shade == 0.1);  /* 0.100011 */
    assert_true(q.touch_ups[0].shade == 0.3); /* 0.300033 */
    app_match_plan_at(&p, 1.2, &q);
    assert_true(q.sessions[0].shade == 0.72);
    assert_true(q.touch_ups[0].shade == 1.0); /* 1.08, capped */
    /* Nothing else changes, and k = 1 is the plan itself, even with shades off the grid. */
    q.sessions[0].shade = p.sessions[0].shade, q.sessions[1].shade = p.sessions[1].shade;
    q.touch_ups[0].shade = p.touch_ups[0].shade;
    assert_true(plan_equal(&p, &q));
    p.sessions[0].shade = 0.123456789;
    app_match_plan_at(&p, 1.0, &q);
    assert_true(q.sessions[0].shade == 0.123456789);
    assert_true(plan_equal(&p, &q));
    /* k = 0: no ink. */
    app_match_plan_at(&p, 0.0, &q);
    assert_true(q.sessions[0].shade == 0.0 && q.touch_ups[0].shade == 0.0);
}

static void check_should_refuse_a_plan_with_nothing_to_scale(void **state)
{
    (void)state;
    app_options view;
    default_view(&view);
    plan p;
    plan_init_default(&p);
    smp_error err = {0};
    double r = 0.0;
    assert_int_equal(app_match_check(&p, &view, &r, &err), SMP_OK);
    p.session_count = 0;
    p.touch_up_count = 0;
    assert_int_equal(app_match_check(&p, &view, NULL, &err), SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "sessions"));
    p.session_count = 1;
    p.sessions[0].shade = 0.0;
    assert_int_equal(app_match_check(&p, &view, NULL, &err), SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "shade"));
}

/* At 1 m a 360-pixel-high image with the 30-degree lens spans 536 mm, so the 30 mm disc is 20.2 pixels in
 * radius; at 20 m in 48 pixels it covers well under one pixel and is refused before any work. */
static void check_should_size_the_disc_from_distance_and_height(void **state)
{
    (void)state;
    app_options view;
    default_view(&view);
    plan p;
    plan_init_default(&p);
    smp_error err = {0};
    double r = 0.0;
    assert_int_equal(app_match_check(&p, &view, &r, &err), SMP_OK);
    assert_near(r, APP_MATCH_REGION_MM * 360.0 / (2000.0 * tan(15.0 * SMP_PI / 180.0)), 1e-3);
    view.distance_m = 2.0;
    double r2 = 0.0;
    assert_int_equal(app_match_check(&p, &view, &r2, &err), SMP_OK);
    assert_near(r2, 0.5 * r, 1e-3);
    view.distance_m = 20.0;
    view.height = 48;
    assert_int_equal(app_match_check(&p, &view, NULL, &err), SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "--distance-m"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plan_at_should_scale_every_shade_round_to_1e4_and_cap_at_1),
        cmocka_unit_test(check_should_refuse_a_plan_with_nothing_to_scale),
        cmocka_unit_test(check_should_size_the_disc_from_distance_and_height),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
