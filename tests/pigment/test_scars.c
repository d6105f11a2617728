/* Scar camouflage in the dot field: with hair all around (Norwood 2) the plan treats a FUT strip scar as
 * hair lost, so the dots go on and beside the scar and nowhere else on the back; scar tissue keeps less ink.
 */
#include "test_util.h"

#include "pigment/pigment.h"

#include <stdlib.h>
#include <string.h>

static void a_fut_scar_on_a_haired_head_should_be_treated_and_nothing_else_behind_the_ears(void **state)
{
    (void)state;
    plan p;
    plan_init_default(&p);
    smp_error err = {0};
    assert_true(plan_pattern_from_name("2", false, &p.patient.pattern));
    p.scar_count = 1;
    p.scars[0] = (plan_scar){.type = PLAN_SCAR_FUT,
                             .form = PLAN_SCAR_FORM_ATROPHIC,
                             .length_cm = 20,
                             .width_mm = 2,
                             .depth_mm = 0.4,
                             .height_above_nape_cm = 7};
    scalp_head head;
    assert_int_equal(scalp_head_create(&head, &p.head, p.patient.sex, &err), SMP_OK);
    scalp_scar_set scars;
    assert_int_equal(scalp_scar_set_create(&scars, &head, &p, &err), SMP_OK);
    pigment_field with, without;
    assert_int_equal(pigment_field_create_with_scars(&with, &head, &p, &scars, &err), SMP_OK);
    assert_int_equal(pigment_field_create(&without, &head, &p, &err), SMP_OK);
    /* Behind the ears (z below the ear canals' plane by 20 mm) only scar dots exist. */
    int back_with = 0, back_without = 0, near_scar = 0;
    double ink_in_scar = 0, ink_elsewhere = 0;
    int n_in = 0, n_else = 0;
    for (int i = 0; i < with.count; ++i) {
        const pigment_dot *d = &with.dots[i];
        if (d->position_mm[2] > -20.0f) {
            ink_elsewhere += d->ink, n_else++;
            continue;
        }
        back_with++;
        scalp_scar_sample s;
        scalp_scar_sample_at(&scars, d->position_mm, &s);
        /* Within the 2 mm disk of the hair-loss average around the scar's reach. */
        float lo[3], hi[3];
        for (int k = 0; k < 3; ++k)
            lo[k] = d->position_mm[k] - 3.5f, hi[k] = d->position_mm[k] + 3.5f;
        near_scar += scalp_scar_may_touch_box(&scars, lo, hi);
        if (s.tissue > 0.9f) ink_in_scar += d->ink, n_in++;
    }
    for (int i = 0; i < without.count; ++i)
        back_without += without.dots[i].position_mm[2] <= -20.0f;
    print_message("back: %d dots with the scar, %d without; %d near it; %d on scar tissue\n", back_with,
                  back_without, near_scar, n_in);
    assert_int_equal(back_without, 0);
    /* A 20 cm line about 4 mm wide treated at ~100 per cm² over its loss: on the order of 10^3 dots. */
    assert_in_range(back_with, 200, 4000);
    assert_int_equal(near_scar, back_with);
    /* Atrophic tissue keeps about half the ink (scalp/scar.h). */
    assert_true(n_in > 20 && n_else > 100);
    assert_true(ink_in_scar / n_in < 0.75 * (ink_elsewhere / n_else));
    pigment_field_destroy(&with);
    pigment_field_destroy(&without);
    scalp_scar_set_destroy(&scars);
    scalp_head_destroy(&head);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_fut_scar_on_a_haired_head_should_be_treated_and_nothing_else_behind_the_ears),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
