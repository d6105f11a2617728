#include "test_util.h"

#include "ui/history.h"

#include <stdlib.h>
#include <string.h>

/* The default plan with its first session's density set: the field a slider would drag. */
static plan plan_with_density(double density_per_cm2)
{
    plan p;
    plan_init_default(&p);
    p.sessions[0].density_per_cm2 = density_per_cm2;
    return p;
}

static history_edit density_edit(double from, double to, uint32_t gesture)
{
    return (history_edit){.what = "density",
                          .has_values = true,
                          .from = from,
                          .to = to,
                          .unit = "dots/cm2",
                          .coalesce_key = "sessions[0].density_per_cm2",
                          .gesture = gesture};
}

static history *history_at(double density_per_cm2, int capacity)
{
    plan p = plan_with_density(density_per_cm2);
    history *h = NULL;
    smp_error err = {0};
    assert_int_equal(history_create(&h, &p, capacity, &err), SMP_OK);
    return h;
}

static void push_density(history *h, double from, double to, uint32_t gesture)
{
    plan p = plan_with_density(to);
    history_edit e = density_edit(from, to, gesture);
    assert_true(history_push(h, &p, &e));
}

static double undo_density(history *h)
{
    plan p;
    assert_true(history_undo(h, &p));
    assert_true(plan_equal(&p, history_current(h)));
    return p.sessions[0].density_per_cm2;
}

static double redo_density(history *h)
{
    plan p;
    assert_true(history_redo(h, &p));
    assert_true(plan_equal(&p, history_current(h)));
    return p.sessions[0].density_per_cm2;
}

static void undo_and_redo_should_walk_the_edits_in_order(void **state)
{
    history *h = history_at(50, 16);
    assert_false(history_can_undo(h));
    assert_false(history_can_redo(h));
    push_density(h, 50, 55, 0);
    push_density(h, 55, 60, 0);
    push_density(h, 60, 65, 0);
    assert_int_equal(history_undo_count(h), 3);
    assert_near(undo_density(h), 60, 0);
    assert_near(undo_density(h), 55, 0);
    assert_near(undo_density(h), 50, 0);
    assert_false(history_can_undo(h));
    plan untouched = plan_with_density(123);
    assert_false(history_undo(h, &untouched));
    assert_near(untouched.sessions[0].density_per_cm2, 123, 0);
    assert_int_equal(history_redo_count(h), 3);
    assert_near(redo_density(h), 55, 0);
    assert_near(redo_density(h), 60, 0);
    assert_near(redo_density(h), 65, 0);
    assert_false(history_can_redo(h));
    assert_false(history_redo(h, &untouched));
    history_destroy(h);
}

static void a_new_edit_after_undo_should_drop_the_redo_branch(void **state)
{
    history *h = history_at(50, 16);
    push_density(h, 50, 55, 0);
    push_density(h, 55, 60, 0);
    assert_near(undo_density(h), 55, 0);
    assert_true(history_can_redo(h));
    push_density(h, 55, 70, 0);
    assert_false(history_can_redo(h));
    assert_null(history_redo_description(h));
    assert_near(undo_density(h), 55, 0);
    assert_near(redo_density(h), 70, 0);
    history_destroy(h);
}

static void capacity_should_drop_the_oldest_steps(void **state)
{
    history *h = history_at(10, 3);
    for (int d = 11; d <= 20; ++d)
        push_density(h, d - 1, d, 0);
    assert_int_equal(history_undo_count(h), 3);
    assert_near(undo_density(h), 19, 0);
    assert_near(undo_density(h), 18, 0);
    assert_near(undo_density(h), 17, 0); /* the earliest plan kept */
    assert_false(history_can_undo(h));
    /* The ring keeps working after wrapping round, also across a new branch. */
    push_density(h, 17, 30, 0);
    push_density(h, 30, 31, 0);
    push_density(h, 31, 32, 0);
    push_density(h, 32, 33, 0);
    assert_int_equal(history_undo_count(h), 3);
    assert_near(undo_density(h), 32, 0);
    assert_near(undo_density(h), 31, 0);
    assert_near(undo_density(h), 30, 0);
    assert_false(history_can_undo(h));
    history_destroy(h);
}

static void a_drag_should_coalesce_into_one_step(void **state)
{
    history *h = history_at(55, 16);
    for (int d = 56; d <= 60; ++d)
        push_density(h, d - 1, d, 7);
    assert_int_equal(history_undo_count(h), 1);
    assert_string_equal(history_undo_description(h), "density 55 -> 60 dots/cm2");
    /* The next drag (another gesture id) is a step of its own. */
    push_density(h, 60, 61, 8);
    push_density(h, 61, 62, 8);
    assert_int_equal(history_undo_count(h), 2);
    assert_string_equal(history_undo_description(h), "density 60 -> 62 dots/cm2");
    assert_near(undo_density(h), 60, 0);
    assert_near(undo_density(h), 55, 0);
    history_destroy(h);
}

static void a_drag_should_not_coalesce_across_an_undo_or_another_field(void **state)
{
    history *h = history_at(55, 16);
    push_density(h, 55, 56, 7);
    push_density(h, 56, 57, 7);
    assert_near(undo_density(h), 55, 0);
    assert_near(redo_density(h), 57, 0);
    push_density(h, 57, 58, 7); /* same gesture id, but after an undo and a redo: a new step */
    assert_int_equal(history_undo_count(h), 2);
    plan p = plan_with_density(58);
    p.pigment.depth_mm = 1.0;
    history_edit depth = {.what = "depth",
                          .has_values = true,
                          .from = 0.6,
                          .to = 1.0,
                          .unit = "mm",
                          .coalesce_key = "pigment.depth_mm",
                          .gesture = 7};
    assert_true(history_push(h, &p, &depth));
    assert_int_equal(history_undo_count(h), 3);
    assert_string_equal(history_undo_description(h), "depth 0.6 -> 1 mm");
    history_destroy(h);
}

static void a_drag_back_to_its_start_should_leave_no_step(void **state)
{
    history *h = history_at(50, 16);
    push_density(h, 50, 55, 0);
    push_density(h, 55, 58, 9);
    push_density(h, 58, 55, 9);
    assert_int_equal(history_undo_count(h), 1);
    assert_string_equal(history_undo_description(h), "density 50 -> 55 dots/cm2");
    push_density(h, 55, 57, 9); /* the drag goes on: a step again */
    assert_int_equal(history_undo_count(h), 2);
    assert_near(undo_density(h), 55, 0);
    history_destroy(h);
}

static void pushing_the_current_plan_should_be_a_no_op(void **state)
{
    history *h = history_at(55, 16);
    plan same = plan_with_density(55);
    history_edit e = density_edit(55, 55, 0);
    assert_false(history_push(h, &same, &e));
    assert_false(history_can_undo(h));
    push_density(h, 55, 60, 0);
    assert_near(undo_density(h), 55, 0);
    /* Equal to the current plan after an undo: the redo branch stays. */
    assert_false(history_push(h, &same, &e));
    assert_true(history_can_redo(h));
    /* Fields plan_equal ignores (past the session count) do not make a step either. */
    plan ignored = same;
    ignored.sessions[PLAN_MAX_SESSIONS - 1].shade = 0.123;
    assert_false(history_push(h, &ignored, NULL));
    history_destroy(h);
}

static void descriptions_should_say_what_undo_and_redo_would_do(void **state)
{
    history *h = history_at(55, 16);
    assert_null(history_undo_description(h));
    assert_null(history_redo_description(h));
    push_density(h, 55, 60, 0);
    plan p = plan_with_density(60);
    p.scar_count = 1;
    p.scars[0] = (plan_scar){.type = PLAN_SCAR_FUE, .count = 300, .diameter_mm = 0.8, .depth_mm = 0.1};
    assert_true(history_push(h, &p, &(history_edit){.what = "add scar"}));
    p.pigment.shade = 0.4;
    assert_true(history_push(h, &p, NULL));
    assert_string_equal(history_undo_description(h), "edit");
    assert_near(undo_density(h), 60, 0);
    assert_string_equal(history_undo_description(h), "add scar");
    assert_string_equal(history_redo_description(h), "edit");
    assert_near(undo_density(h), 60, 0);
    assert_string_equal(history_undo_description(h), "density 55 -> 60 dots/cm2");
    assert_string_equal(history_redo_description(h), "add scar");
    history_destroy(h);
}

static void clear_should_keep_the_current_plan_and_reset_should_replace_it(void **state)
{
    history *h = history_at(50, 4);
    push_density(h, 50, 55, 0);
    push_density(h, 55, 60, 0);
    assert_near(undo_density(h), 55, 0);
    history_clear(h);
    assert_false(history_can_undo(h));
    assert_false(history_can_redo(h));
    assert_near(history_current(h)->sessions[0].density_per_cm2, 55, 0);
    push_density(h, 55, 56, 0);
    assert_near(undo_density(h), 55, 0);
    assert_false(history_can_undo(h));
    plan other = plan_with_density(90);
    history_reset(h, &other);
    assert_false(history_can_undo(h));
    assert_false(history_can_redo(h));
    assert_true(plan_equal(history_current(h), &other));
    history_destroy(h);
    history_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(undo_and_redo_should_walk_the_edits_in_order),
        cmocka_unit_test(a_new_edit_after_undo_should_drop_the_redo_branch),
        cmocka_unit_test(capacity_should_drop_the_oldest_steps),
        cmocka_unit_test(a_drag_should_coalesce_into_one_step),
        cmocka_unit_test(a_drag_should_not_coalesce_across_an_undo_or_another_field),
        cmocka_unit_test(a_drag_back_to_its_start_should_leave_no_step),
        cmocka_unit_test(pushing_the_current_plan_should_be_a_no_op),
        cmocka_unit_test(descriptions_should_say_what_undo_and_redo_would_do),
        cmocka_unit_test(clear_should_keep_the_current_plan_and_reset_should_replace_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
