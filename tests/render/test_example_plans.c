/* The example plans of assets/plans: each loads, builds its scene and renders; and they show what they are
 * meant to show from a conversational distance: the helmet plan (too dark, too dense) reads darker than the
 * good full-scalp plan, which reads darker than the untreated scalp; the scar plans put dots on their scars;
 * and no view of any of them holds a value that is not a number (which the subsurface blur spreads into a
 * block of the image).
 * Headless through SDL's offscreen driver; no GL context: skipped (exit 77). */
#include "test_util.h"

#include "gl_context.h"

#include "scene/draw.h"
#include "scene/image.h"
#include "ui/headless.h"
#include "scene/scene.h"
#include "ui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PLANS SMP_SHADER_DIR "/../assets/plans/"
#define W 240
#define H 180

static const char *const plan_files[] = {
    "default.json", "norwood6-shaved-full-scalp.json", "norwood3v-density-under-3mm-hair.json",
    "ludwig2-woman.json", "fut-scar-camouflage.json", "fue-donor-scars.json", "bad-practice-helmet.json",
    "bad-practice-too-deep.json",
};

typedef test_gl_fixture fixture; /* gl_context.h: a context and a renderer for the group */

static smp_status scene_of(scene_model *scene, const char *file, const char *set, smp_error *err)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s%s", PLANS, file);
    scene_source opts;
    memset(&opts, 0, sizeof opts);
    opts.plan_path = path;
    if (set) opts.sets[opts.set_count++] = set;
    return scene_load(scene, &opts, NULL, err);
}

/* Mean luma of the top-of-head region of the top view (a centred disc of a fifth of the height). */
static double top_luma(fixture *f, scene_model *scene)
{
    smp_error err = {0};
    if (scene_upload(f->rc, scene, &err) != SMP_OK) fail_msg("%s", err.message);
    scene_camera cam = scene_view_camera(scene, SCENE_VIEW_TOP, 0.0, (double)W / H);
    scene_light light = scene_light_named("office");
    render_frame frame;
    scene_frame(scene, &cam, &light, scene_default_days(scene), W, H, &frame);
    uint8_t *rgba = malloc((size_t)W * H * 4);
    if (render_frame_read_srgb8(f->rc, &frame, rgba, &err) != SMP_OK) fail_msg("%s", err.message);
    double sum = 0;
    int n = 0;
    for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) {
            double dx = x - W / 2.0, dy = y - H / 2.0;
            if (dx * dx + dy * dy > (H / 5.0) * (H / 5.0)) continue;
            const uint8_t *p = rgba + 4 * ((size_t)y * W + x);
            sum += 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
            n++;
        }
    free(rgba);
    return sum / n;
}

static void every_example_plan_should_load_and_place_dots(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof plan_files / sizeof plan_files[0]; ++i) {
        scene_model scene;
        smp_error err = {0};
        if (scene_of(&scene, plan_files[i], NULL, &err) != SMP_OK) fail_msg("%s: %s", plan_files[i], err.message);
        print_message("%-40s %6d dots, %6d hairs, %4d FUE scars\n", plan_files[i], scene.field.count,
                      scene.hair.count, scene.scars.fue_count);
        assert_true(scene.field.count > 100);
        scene_destroy(&scene);
    }
}

static void helmet_should_read_darker_than_good_practice_which_reads_darker_than_untreated(void **state)
{
    fixture *f = *state;
    scene_model helmet, good, untreated;
    smp_error err = {0};
    assert_int_equal(scene_of(&helmet, "bad-practice-helmet.json", NULL, &err), SMP_OK);
    assert_int_equal(scene_of(&good, "norwood6-shaved-full-scalp.json", NULL, &err), SMP_OK);
    assert_int_equal(scene_of(&untreated, "norwood6-shaved-full-scalp.json", "sessions=[]", &err), SMP_OK);
    double lh = top_luma(f, &helmet), lg = top_luma(f, &good), lu = top_luma(f, &untreated);
    print_message("top of the head, mean luma: helmet %.1f, good %.1f, untreated %.1f\n", lh, lg, lu);
    assert_true(lg < lu - 1.0);
    assert_true(lh < lg - 5.0);
    scene_destroy(&helmet);
    scene_destroy(&good);
    scene_destroy(&untreated);
}

/* Every example plan, and the built-in plan on a Norwood 7 (stubble only at the fringe, FUE scars in it: where
 * a NaN once came from an almost empty hair layer), from three-quarter at 1 m and close to its scars. */
static void no_view_should_hold_a_value_that_is_not_a_number(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i <= sizeof plan_files / sizeof plan_files[0]; ++i) {
        bool norwood7 = i == sizeof plan_files / sizeof plan_files[0];
        const char *file = norwood7 ? "default.json" : plan_files[i];
        scene_model scene;
        smp_error err = {0};
        if (scene_of(&scene, file, norwood7 ? "patient.norwood=\"7\"" : NULL, &err) != SMP_OK ||
            scene_upload(f->rc, &scene, &err) != SMP_OK)
            fail_msg("%s: %s", file, err.message);
        const scene_view views[] = {SCENE_VIEW_THREE_QUARTER, SCENE_VIEW_CLOSEUP_SCAR};
        for (int v = 0; v < 2; ++v) {
            scene_camera cam = scene_view_camera(&scene, views[v], v == 0 ? 1.0 : 0.0, (double)W / H);
            scene_light light = scene_light_named("daylight");
            render_frame frame;
            scene_frame(&scene, &cam, &light, scene_default_days(&scene), W, H, &frame);
            uint8_t *rgba = malloc((size_t)W * H * 4);
            if (render_frame_read_srgb8(f->rc, &frame, rgba, &err) != SMP_OK) fail_msg("%s", err.message);
            free(rgba);
            long bad = render_last_frame_nonfinite(f->rc, &err);
            if (bad != 0) fail_msg("%s%s, %s: %ld values not finite", file, norwood7 ? " (Norwood 7)" : "",
                                   v == 0 ? "three-quarter at 1 m" : "scar close-up", bad);
        }
        scene_destroy(&scene);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_example_plan_should_load_and_place_dots),
        cmocka_unit_test(helmet_should_read_darker_than_good_practice_which_reads_darker_than_untreated),
        cmocka_unit_test(no_view_should_hold_a_value_that_is_not_a_number),
    };
    return cmocka_run_group_tests(tests, test_gl_setup, test_gl_teardown);
}
