/* Shared by the GL tests that render several plans on the same head: one scene whose plan is replaced, so
 * that what the plans share is built once. scene_set_plan keeps the head (the costliest part of a build:
 * about a third of a scene's time) when the measures are the same, and the scars when they are; a plan equal
 * to the one shown is not rebuilt at all. The pictures are those of a scene built afresh for each plan (the
 * builds are deterministic for the plan). */
#ifndef SMP_TEST_SCENE_REUSE_H
#define SMP_TEST_SCENE_REUSE_H

#include "test_util.h"

#include "scene/draw.h"
#include "scene/scene.h"

#include <stdbool.h>
#include <string.h>

typedef struct test_scene {
    scene_model scene;
    bool built;
} test_scene;

/* The scene of plan pl (source names it in errors), uploaded to rc; fails the test when the build fails. The
 * scene stays t's until the next call or test_scene_destroy. A plan equal to the last one is neither rebuilt
 * nor uploaded again: only while nothing else was uploaded to rc in between. */
static inline scene_model *test_scene_show_plan(test_scene *t, render_context *rc, const plan *pl,
                                                const char *source)
{
    smp_error err = {0};
    if (t->built && memcmp(pl, &t->scene.plan, sizeof *pl) == 0) return &t->scene;
    const uint64_t was[5] = {t->scene.head_id, t->scene.dots_id, t->scene.scars_id, t->scene.hair_id,
                             t->scene.skin_map_id};
    bool rebuilt = t->built;
    smp_status st =
        t->built ? scene_set_plan(&t->scene, pl, &err) : scene_create_from_plan(&t->scene, pl, source, &err);
    if (st != SMP_OK) fail_msg("%s", err.message);
    t->built = true;
    render_stats before, after;
    render_stats_get(rc, &before);
    if (scene_upload(rc, &t->scene, &err) != SMP_OK) fail_msg("%s", err.message);
    render_stats_get(rc, &after);
    if (rebuilt) {
        /* Every part the plan rebuilt is uploaded once (render_scene_update), and every part after a new
         * head; the others may be (another scene may have been uploaded in between). */
        bool head = t->scene.head_id != was[0];
        if (head) assert_int_equal(after.head_uploads, before.head_uploads + 1);
        if (head || t->scene.dots_id != was[1]) assert_int_equal(after.dot_uploads, before.dot_uploads + 1);
        if (head || t->scene.scars_id != was[2])
            assert_int_equal(after.scar_uploads, before.scar_uploads + 1);
        if (head || t->scene.hair_id != was[3]) assert_int_equal(after.hair_uploads, before.hair_uploads + 1);
        if (head || t->scene.skin_map_id != was[4])
            assert_int_equal(after.skin_map_uploads, before.skin_map_uploads + 1);
    }
    return &t->scene;
}

/* The same for the plan at path (NULL: the built-in plan) with sets applied; fails the test when the plan
 * does not load. */
static inline scene_model *test_scene_show(test_scene *t, render_context *rc, const char *path,
                                           const char *const *sets, int set_count)
{
    plan pl;
    smp_error err = {0};
    if (plan_load(&pl, path, sets, set_count, NULL, NULL, &err) != SMP_OK) fail_msg("%s", err.message);
    return test_scene_show_plan(t, rc, &pl, path ? path : "built-in plan");
}

static inline void test_scene_destroy(test_scene *t)
{
    if (t->built) scene_destroy(&t->scene);
    t->built = false;
}

#endif
