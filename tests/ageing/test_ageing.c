#include "test_util.h"

#include "ageing/ageing.h"

#include <string.h>

static plan three_sessions(void)
{
    plan p;
    memset(&p, 0, sizeof p);
    p.session_count = 3;
    p.sessions[0] = (plan_session){0, 30, 0.6};
    p.sessions[1] = (plan_session){14, 40, 0.75};
    p.sessions[2] = (plan_session){35, 30, 0.8};
    p.aftercare.sun_hours_per_day = 1.0;
    p.aftercare.spf = 30;
    return p;
}

static void a_layer_should_be_absent_before_its_day(void **state)
{
    plan p = three_sessions();
    ageing_params ap;
    ageing_params_default(&ap);
    ageing_layer_state s[AGEING_MAX_LAYERS];
    assert_int_equal(ageing_evaluate(&ap, &p, 10.0, s), 3);
    assert_true(s[0].present);
    assert_false(s[1].present);
    assert_false(s[2].present);
    assert_near(s[1].ink_fraction, 0.0, 0.0);
}

static void ink_should_fall_monotonically_with_time(void **state)
{
    plan p = three_sessions();
    ageing_params ap;
    ageing_params_default(&ap);
    double prev = 2.0;
    for (double day = 0.0; day < 30 * 365.25; day += 7.0) {
        ageing_layer_state s = ageing_layer_at(&ap, &p, day);
        assert_true(s.ink_fraction <= prev);
        prev = s.ink_fraction;
    }
}

static void about_one_third_should_leave_in_the_first_weeks(void **state)
{
    plan p = three_sessions();
    ageing_params ap;
    ageing_params_default(&ap);
    ageing_layer_state s = ageing_layer_at(&ap, &p, 60.0);
    /* After 6 time constants of the early loss, what remains is 2/3 times a few weeks of slow fading. */
    assert_in_range_d(s.ink_fraction, 0.60, 0.67);
}

static void sun_without_protection_should_fade_faster(void **state)
{
    plan shaded = three_sessions(), sunny = three_sessions();
    shaded.aftercare.sun_hours_per_day = 0.0;
    sunny.aftercare.sun_hours_per_day = 6.0;
    sunny.aftercare.spf = 0.0;
    ageing_params ap;
    ageing_params_default(&ap);
    double ten_years = 10 * 365.25;
    assert_true(ageing_layer_at(&ap, &sunny, ten_years).ink_fraction <
                ageing_layer_at(&ap, &shaded, ten_years).ink_fraction - 0.05);
}

static void dots_should_spread_slowly_after_healing(void **state)
{
    plan p = three_sessions();
    ageing_params ap;
    ageing_params_default(&ap);
    float healed = ageing_layer_at(&ap, &p, 90.0).diameter_scale;
    float later = ageing_layer_at(&ap, &p, 10 * 365.25).diameter_scale;
    assert_true(later > healed);
    assert_in_range_d(later / healed, 1.1, 1.3);
    /* A fresh dot is wider than the healed one (swelling). */
    assert_true(ageing_layer_at(&ap, &p, 0.0).diameter_scale > healed);
}

static void touch_ups_should_follow_the_sessions(void **state)
{
    plan p = three_sessions();
    p.touch_up_count = 1;
    p.touch_ups[0] = (plan_touch_up){4.0, 10, 0.8};
    ageing_params ap;
    ageing_params_default(&ap);
    ageing_layer_state s[AGEING_MAX_LAYERS];
    assert_int_equal(ageing_evaluate(&ap, &p, 3 * 365.25, s), 4);
    assert_false(s[3].present);
    ageing_evaluate(&ap, &p, 5 * 365.25, s);
    assert_true(s[3].present);
    assert_true(s[3].ink_fraction > s[0].ink_fraction);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_layer_should_be_absent_before_its_day),
        cmocka_unit_test(ink_should_fall_monotonically_with_time),
        cmocka_unit_test(about_one_third_should_leave_in_the_first_weeks),
        cmocka_unit_test(sun_without_protection_should_fade_faster),
        cmocka_unit_test(dots_should_spread_slowly_after_healing),
        cmocka_unit_test(touch_ups_should_follow_the_sessions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
