/* The healing and fading model on its own: the timeline of one layer, the factors of the aftercare and the
 * ink grade, scar tissue, spreading. The contrast these make (smpsim fade) is tested in tests/app. */
#include "test_util.h"

#include "ageing/ageing.h"
#include "scalp/scar.h"

#include <math.h>
#include <string.h>

static plan built_in(void)
{
    plan p;
    plan_init_default(&p);
    return p;
}

static ageing_layer_state layer(const plan *p, double age_days)
{
    ageing_params ap;
    ageing_params_from_plan(p, &ap);
    return ageing_layer_at(&ap, age_days);
}

/* The ink a healthy-skin dot of the built-in plan's shape shows, and its width, at age_days. */
static optics_deposit deposit(const plan *p, double age_days, double depth_mm, double fade_rate)
{
    ageing_layer_state s = layer(p, age_days);
    optics_deposit d;
    ageing_dot_deposit(&s, 0.3, depth_mm, 1.0, fade_rate, &d);
    return d;
}

static double remaining(const plan *p, double years)
{
    ageing_layer_state s = layer(p, years * 365.25);
    return ageing_ink_remaining(&s, 1.0);
}

static void a_layer_should_be_absent_before_its_day(void **state)
{
    plan p = built_in();
    ageing_params ap;
    ageing_params_from_plan(&p, &ap);
    ageing_layer_state s[AGEING_MAX_LAYERS];
    assert_int_equal(ageing_evaluate(&ap, &p, 10.0, s), 4);
    assert_true(s[0].present);
    assert_false(s[1].present);
    assert_false(s[2].present);
    assert_false(s[3].present);
    optics_deposit d;
    ageing_dot_deposit(&s[1], 0.3, 0.4, 1.0, 1.0, &d);
    assert_true(d.ink_load == 0.0);
}

static void day_1_should_be_redder_darker_and_wider_than_day_28(void **state)
{
    plan p = built_in();
    ageing_layer_state d1 = layer(&p, 1.0), d28 = layer(&p, 28.0);
    assert_true(d1.redness > 0.4);
    assert_true(d28.redness < 1e-6);
    assert_true(d1.swelling > d28.swelling);
    optics_deposit a = deposit(&p, 1.0, 0.4, 1.0), b = deposit(&p, 28.0, 0.4, 1.0);
    assert_true(a.ink_load > 1.5 * b.ink_load);
    assert_true(a.diameter_mm > 1.3 * b.diameter_mm);
}

static void redness_should_fade_in_days_and_return_with_the_next_session(void **state)
{
    plan p = built_in();
    assert_true(layer(&p, 1.0).redness > 0.6); /* "red ... for 24 to 48 hours" */
    assert_true(layer(&p, 2.0).redness < 0.4);
    assert_true(layer(&p, 5.0).redness < 0.05); /* "up to 3-5 days" */
    ageing_params ap;
    ageing_params_from_plan(&p, &ap);
    ageing_layer_state s[AGEING_MAX_LAYERS];
    int n = ageing_evaluate(&ap, &p, 13.0, s);
    assert_true(ageing_skin(s, n).redness < 0.01);
    n = ageing_evaluate(&ap, &p, 14.2, s); /* the second session, on treated skin */
    assert_true(ageing_skin(s, n).redness > 0.8);
}

static void the_first_wash_should_take_the_surface_ink(void **state)
{
    plan p = built_in();
    assert_true(deposit(&p, 2.0, 0.4, 1.0).ink_load > 1.3 * deposit(&p, 4.0, 0.4, 1.0).ink_load);
    /* Washed on day 1: by day 2 it is gone already. */
    plan wet = p;
    wet.aftercare.washed_before_day3 = true;
    assert_true(deposit(&wet, 2.0, 0.4, 1.0).ink_load < 0.8 * deposit(&p, 2.0, 0.4, 1.0).ink_load);
}

static void about_one_third_should_leave_by_the_end_of_healing(void **state)
{
    plan p = built_in();
    double r = remaining(&p, 42.0 / 365.25);
    assert_true(r > 0.6 && r < 0.7);
    /* The scabs take their share between day 7 and 14. */
    double before = remaining(&p, 6.0 / 365.25), after = remaining(&p, 15.0 / 365.25);
    assert_true(before - after > 0.12);
}

static void ink_should_never_rise_and_fade_fast_first_then_slowly(void **state)
{
    plan p = built_in();
    double prev = 2.0;
    for (double d = 0.0; d <= 20 * 365.25; d += 3.0) {
        double r = remaining(&p, d / 365.25);
        assert_true(r <= prev);
        prev = r;
    }
    /* Fast early, slow later: the second year loses more than the tenth. */
    double y2 = remaining(&p, 1.0) - remaining(&p, 2.0), y10 = remaining(&p, 9.0) - remaining(&p, 10.0);
    assert_true(y2 > 1.5 * y10);
    /* It fades without sun too, and sun does not erase it. */
    plan dark = p;
    dark.aftercare.sun_hours_per_day = 0.0;
    assert_true(remaining(&dark, 10.0) < 0.9 * remaining(&dark, 0.2));
    plan beach = p;
    beach.aftercare.sun_hours_per_day = 8.0;
    beach.aftercare.spf = 0.0;
    assert_true(remaining(&beach, 10.0) < remaining(&p, 10.0));
    assert_true(remaining(&beach, 10.0) > 0.15 * remaining(&beach, 0.2)); /* an outdoor worker, unprotected */
}

static void aftercare_and_ink_grade_should_set_the_pace(void **state)
{
    plan p = built_in();
    double base = remaining(&p, 5.0);
    plan more_sun = p;
    more_sun.aftercare.sun_hours_per_day = 4.0;
    assert_true(remaining(&more_sun, 5.0) < base);
    plan no_spf = p;
    no_spf.aftercare.spf = 0.0;
    assert_true(remaining(&no_spf, 5.0) < base);
    plan hat = no_spf;
    hat.aftercare.hat = true;
    assert_true(remaining(&hat, 5.0) > remaining(&no_spf, 5.0));
    plan alcohol = p;
    alcohol.aftercare.alcohol_topicals = true;
    assert_true(remaining(&alcohol, 5.0) < base);
    plan inferior = p;
    inferior.pigment.ink_quality = PLAN_INK_INFERIOR;
    assert_true(remaining(&inferior, 5.0) < base);
    plan tattoo = p;
    tattoo.pigment.ink_quality = PLAN_INK_TATTOO;
    assert_true(remaining(&tattoo, 5.0) > base);
    plan sauna = p;
    sauna.aftercare.sauna_before_day3 = true;
    assert_true(remaining(&sauna, 0.2) < remaining(&p, 0.2));
}

static void scar_tissue_should_lose_more_by_six_months(void **state)
{
    /* REFERENCES.md: scarring alopecia faded more, delta VDS 1.6 against 0.9 at 6 months (ratio 1.78). */
    plan p = built_in();
    ageing_layer_state s = layer(&p, 182.6);
    double normal = 1.0 - ageing_ink_remaining(&s, 1.0);
    double scar = 1.0 - ageing_ink_remaining(&s, SCALP_SCAR_FADE_RATE_FACTOR);
    double ratio = scar / normal;
    assert_true(ratio > 1.6 && ratio < 2.0);
}

static void deeper_ink_should_spread_more(void **state)
{
    plan p = built_in();
    double shallow0 = deposit(&p, 60.0, 0.4, 1.0).diameter_mm,
           shallow = deposit(&p, 10 * 365.25, 0.4, 1.0).diameter_mm;
    double deep0 = deposit(&p, 60.0, 1.5, 1.0).diameter_mm, deep = deep0;
    deep = deposit(&p, 10 * 365.25, 1.5, 1.0).diameter_mm;
    assert_true(shallow > shallow0 && shallow < 1.4 * shallow0); /* good SMP keeps its dots small */
    assert_true(deep / deep0 > 1.5 * (shallow / shallow0));      /* the blob */
    /* Spreading conserves the carbon: ink per area x area stays. */
    optics_deposit a = deposit(&p, 10 * 365.25, 1.5, 1.0);
    ageing_layer_state s = layer(&p, 10 * 365.25);
    double carbon = a.ink_load * a.diameter_mm * a.diameter_mm;
    double expect = ageing_ink_remaining(&s, 1.0) * 1.0 * 0.3 * 0.3;
    assert_near(carbon, expect, 1e-9);
    assert_true(a.sink_mm > 0.03);
}

static void touch_ups_should_add_a_layer_at_their_date(void **state)
{
    plan p = built_in();
    ageing_params ap;
    ageing_params_from_plan(&p, &ap);
    ageing_layer_state s[AGEING_MAX_LAYERS];
    ageing_evaluate(&ap, &p, 3.9 * 365.25, s);
    assert_false(s[3].present);
    ageing_evaluate(&ap, &p, 4.5 * 365.25, s);
    assert_true(s[3].present);
    assert_true(ageing_ink_remaining(&s[3], 1.0) > ageing_ink_remaining(&s[0], 1.0));
}

static void the_uncertainty_should_bracket_the_plan(void **state)
{
    plan p = built_in();
    double mid[AGEING_UNCERTAIN_COUNT], lo[AGEING_UNCERTAIN_COUNT], hi[AGEING_UNCERTAIN_COUNT];
    for (int i = 0; i < AGEING_UNCERTAIN_COUNT; ++i)
        mid[i] = 0.5, lo[i] = 0.0, hi[i] = 1.0;
    ageing_params a, b, c;
    ageing_params_from_plan(&p, &a);
    ageing_params_vary(&p, mid, &b);
    assert_near(a.early_hazard, b.early_hazard, 1e-12);
    assert_near(a.rate_factor, b.rate_factor, 1e-12);
    ageing_params_vary(&p, lo, &b);
    ageing_params_vary(&p, hi, &c);
    assert_true(b.fading.early_loss < a.fading.early_loss && c.fading.early_loss > a.fading.early_loss);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_layer_should_be_absent_before_its_day),
        cmocka_unit_test(day_1_should_be_redder_darker_and_wider_than_day_28),
        cmocka_unit_test(redness_should_fade_in_days_and_return_with_the_next_session),
        cmocka_unit_test(the_first_wash_should_take_the_surface_ink),
        cmocka_unit_test(about_one_third_should_leave_by_the_end_of_healing),
        cmocka_unit_test(ink_should_never_rise_and_fade_fast_first_then_slowly),
        cmocka_unit_test(aftercare_and_ink_grade_should_set_the_pace),
        cmocka_unit_test(scar_tissue_should_lose_more_by_six_months),
        cmocka_unit_test(deeper_ink_should_spread_more),
        cmocka_unit_test(touch_ups_should_add_a_layer_at_their_date),
        cmocka_unit_test(the_uncertainty_should_bracket_the_plan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
