/* Stable follicles: with the same seed, adding, removing or resizing a scar changes only the follicles on
 * its tissue. Every shaft whose root lies farther than SCALP_HAIR_SCAR_MARGIN_MM from every scar's reach
 * (in both plans) is the same, bit for bit and in the same order, with and without the scar; on the scar
 * there are still no follicles. */
#include "test_util.h"

#include "scalp/hair.h"

#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    scalp_head head;
    plan plan; /* the built-in plan (Norwood 6: hair all over the back and sides) */
} fixture;

static int setup_all(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    smp_error err = {0};
    plan_init_default(&f->plan);
    if (scalp_head_create(&f->head, &f->plan.head, f->plan.patient.sex, &err) != SMP_OK) return -1;
    *state = f;
    return 0;
}

static int teardown_all(void **state)
{
    fixture *f = *state;
    scalp_head_destroy(&f->head);
    free(f);
    return 0;
}

static const plan_scar FUT_20 = {
    .type = PLAN_SCAR_FUT, .length_cm = 20, .width_mm = 2, .depth_mm = 0.4, .height_above_nape_cm = 6};
static const plan_scar FUT_14 = {
    .type = PLAN_SCAR_FUT, .length_cm = 14, .width_mm = 3, .depth_mm = 0.4, .height_above_nape_cm = 6};
static const plan_scar FUE_1500 = {
    .type = PLAN_SCAR_FUE, .count = 1500, .diameter_mm = 0.9, .depth_mm = 0.15};

typedef struct built {
    plan plan;
    scalp_scar_set scars;
    scalp_hair hair;
} built;

static void build(const fixture *f, const plan_scar *scars, int count, built *b)
{
    smp_error err = {0};
    b->plan = f->plan;
    b->plan.scar_count = count;
    for (int i = 0; i < count; ++i)
        b->plan.scars[i] = scars[i];
    if (scalp_scar_set_create(&b->scars, &f->head, &b->plan, &err) != SMP_OK) fail_msg("%s", err.message);
    scalp_hair_params params;
    scalp_hair_params_default(&params, &b->plan.patient);
    params.scars = &b->scars;
    if (scalp_hair_create(&b->hair, &f->head, &b->plan, &params, &err) != SMP_OK) fail_msg("%s", err.message);
}

static void release(built *b)
{
    scalp_hair_destroy(&b->hair);
    scalp_scar_set_destroy(&b->scars);
}

/* True when no scar of a or b reaches within margin of p (the scars' hash: exact to its 1 mm cells, and a
 * box around p holds the ball). */
static bool far_from_scars(const built *a, const built *b, const float p[3], float margin)
{
    float lo[3], hi[3];
    for (int k = 0; k < 3; ++k)
        lo[k] = p[k] - margin, hi[k] = p[k] + margin;
    return !scalp_scar_may_touch_box(&a->scars, lo, hi) && !scalp_scar_may_touch_box(&b->scars, lo, hi);
}

/* The shafts of a and b far from both plans' scars are the same sequence, bit for bit. Returns how many. */
static int assert_same_far_shafts(const built *a, const built *b, const char *what)
{
    int ia = 0, ib = 0, same = 0, near_a = 0, near_b = 0;
    const float margin = SCALP_HAIR_SCAR_MARGIN_MM;
    for (;;) {
        while (ia < a->hair.count && !far_from_scars(a, b, a->hair.shafts[ia].root_mm, margin))
            ia++, near_a++;
        while (ib < b->hair.count && !far_from_scars(a, b, b->hair.shafts[ib].root_mm, margin))
            ib++, near_b++;
        if (ia == a->hair.count || ib == b->hair.count) break;
        if (memcmp(&a->hair.shafts[ia], &b->hair.shafts[ib], sizeof a->hair.shafts[ia]) != 0)
            fail_msg("%s: far shaft %d (of %d) differs: root (%.3f %.3f %.3f) against (%.3f %.3f %.3f)", what,
                     same, a->hair.count, a->hair.shafts[ia].root_mm[0], a->hair.shafts[ia].root_mm[1],
                     a->hair.shafts[ia].root_mm[2], b->hair.shafts[ib].root_mm[0],
                     b->hair.shafts[ib].root_mm[1], b->hair.shafts[ib].root_mm[2]);
        ia++, ib++, same++;
    }
    while (ia < a->hair.count)
        assert_false(far_from_scars(a, b, a->hair.shafts[ia++].root_mm, margin));
    while (ib < b->hair.count)
        assert_false(far_from_scars(a, b, b->hair.shafts[ib++].root_mm, margin));
    print_message("%s: %d shafts far from the scars identical; %d and %d within %.1f mm of them\n", what,
                  same, near_a, near_b, (double)margin);
    return same;
}

/* On full scar tissue of b there are next to no roots, where a (without that scar) has many. */
static void assert_no_follicles_on_tissue(const built *a, const built *b)
{
    int on_a = 0, on_b = 0;
    for (int i = 0; i < a->hair.count; ++i)
        on_a += scalp_scar_tissue(&b->scars, a->hair.shafts[i].root_mm) >= 1.0f;
    for (int i = 0; i < b->hair.count; ++i)
        on_b += scalp_scar_tissue(&b->scars, b->hair.shafts[i].root_mm) >= 1.0f;
    print_message("roots on full scar tissue: %d without the scar, %d with it\n", on_a, on_b);
    assert_true(on_a > 100);
    /* Only hairs of units just off the tissue whose roots spread (0.04 mm sd) onto it. */
    assert_true(on_b < on_a / 20);
}

static void adding_a_fut_scar_should_change_only_the_follicles_on_it(void **state)
{
    built none, fut;
    build(*state, NULL, 0, &none);
    build(*state, &FUT_20, 1, &fut);
    assert_true(assert_same_far_shafts(&none, &fut, "no scar / FUT") > 50000);
    assert_no_follicles_on_tissue(&none, &fut);
    release(&none);
    release(&fut);
}

static void adding_a_fue_field_should_change_only_the_follicles_on_its_punches(void **state)
{
    built none, fue;
    build(*state, NULL, 0, &none);
    build(*state, &FUE_1500, 1, &fue);
    /* The punches are 3 mm apart over the band: far from all of them lies the rest of the head. */
    assert_true(assert_same_far_shafts(&none, &fue, "no scar / FUE") > 20000);
    assert_no_follicles_on_tissue(&none, &fue);
    release(&none);
    release(&fue);
}

static void resizing_a_fut_scar_should_change_only_the_follicles_on_either_line(void **state)
{
    built a, b;
    build(*state, &FUT_20, 1, &a);
    build(*state, &FUT_14, 1, &b);
    assert_true(assert_same_far_shafts(&a, &b, "FUT 20 cm x 2 mm / 14 cm x 3 mm") > 50000);
    assert_no_follicles_on_tissue(&a, &b);
    release(&a);
    release(&b);
}

static void adding_a_fut_scar_beside_a_fue_field_should_change_only_the_follicles_on_the_line(void **state)
{
    /* The built-in plan's [FUT, FUE] against [FUE]: the FUE field is the same (scalp/scar.h), so only the
     * line's tissue differs. */
    const plan_scar both[] = {FUT_20, FUE_1500};
    built fue, all, fut;
    build(*state, &FUE_1500, 1, &fue);
    build(*state, both, 2, &all);
    build(*state, &FUT_20, 1, &fut);
    /* Far from the line only: compare against the FUT-only set's reach. */
    int ia = 0, ib = 0, same = 0;
    const float margin = SCALP_HAIR_SCAR_MARGIN_MM;
    for (;;) {
        while (ia < fue.hair.count && !far_from_scars(&fut, &fut, fue.hair.shafts[ia].root_mm, margin))
            ia++;
        while (ib < all.hair.count && !far_from_scars(&fut, &fut, all.hair.shafts[ib].root_mm, margin))
            ib++;
        if (ia == fue.hair.count || ib == all.hair.count) break;
        assert_memory_equal(&fue.hair.shafts[ia], &all.hair.shafts[ib], sizeof fue.hair.shafts[ia]);
        ia++, ib++, same++;
    }
    assert_true(ia == fue.hair.count && ib == all.hair.count);
    print_message("FUE / FUT + FUE: %d shafts away from the line identical\n", same);
    assert_true(same > 50000);
    release(&fue);
    release(&all);
    release(&fut);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(adding_a_fut_scar_should_change_only_the_follicles_on_it),
        cmocka_unit_test(adding_a_fue_field_should_change_only_the_follicles_on_its_punches),
        cmocka_unit_test(resizing_a_fut_scar_should_change_only_the_follicles_on_either_line),
        cmocka_unit_test(adding_a_fut_scar_beside_a_fue_field_should_change_only_the_follicles_on_the_line),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
