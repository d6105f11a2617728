#include "test_util.h"

#include "app/scene.h"

#include <cglm/cglm.h>
#include <stdlib.h>
#include <string.h>

static app_scene *g_scene;

static int setup(void **state)
{
    app_options opts;
    smp_error err = {0};
    app_options_parse(&opts, 0, NULL, 0, "", &err);
    g_scene = calloc(1, sizeof *g_scene);
    if (app_scene_create(g_scene, &opts, NULL, &err) != SMP_OK) return -1;
    *state = g_scene;
    return 0;
}

static int teardown(void **state)
{
    app_scene_destroy(g_scene);
    free(g_scene);
    return 0;
}

static void light_azimuth_zero_should_come_from_the_face_and_ninety_from_the_left(void **state)
{
    app_scene *s = *state;
    app_options o;
    smp_error err = {0};
    char *argv[] = {"x", "--light-azimuth", "0", "--light-elevation", "0"};
    assert_int_equal(app_options_parse(&o, 5, argv, 1, "--light-azimuth --light-elevation", &err), SMP_OK);
    app_light l = app_scene_light(NULL, &o);
    app_camera cam = app_scene_view_camera(s, APP_VIEW_FRONT, 0.0, 16.0 / 9.0);
    render_frame f;
    app_scene_frame(s, &cam, &l, 100.0, 64, 64, &f);
    assert_near(f.light_dir[2], 1.0, 1e-6); /* +z: out of the face */
    o.light_azimuth_deg = 90.0;
    l = app_scene_light(NULL, &o);
    app_scene_frame(s, &cam, &l, 100.0, 64, 64, &f);
    assert_near(f.light_dir[0], 1.0, 1e-6); /* +x: the patient's left */
    o.light_elevation_deg = 90.0;
    l = app_scene_light(NULL, &o);
    app_scene_frame(s, &cam, &l, 100.0, 64, 64, &f);
    assert_near(f.light_dir[1], 1.0, 1e-6); /* overhead */
}

static void far_views_should_look_at_the_head_from_their_side(void **state)
{
    app_scene *s = *state;
    struct { app_view view; int axis; float sign; } cases[] = {
        {APP_VIEW_FRONT, 2, 1.0f}, {APP_VIEW_BACK, 2, -1.0f}, {APP_VIEW_LEFT, 0, 1.0f},
        {APP_VIEW_RIGHT, 0, -1.0f}, {APP_VIEW_TOP, 1, 1.0f},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        app_camera c = app_scene_view_camera(s, cases[i].view, 0.0, 16.0 / 9.0);
        float d = (c.eye_mm[cases[i].axis] - c.target_mm[cases[i].axis]) * cases[i].sign;
        float dist = glm_vec3_distance(c.eye_mm, c.target_mm);
        assert_true(d > 0.9f * dist);
        assert_in_range_d(dist, 400.0, 1200.0);
    }
    app_camera far = app_scene_view_camera(s, APP_VIEW_FRONT, 2.0, 16.0 / 9.0);
    assert_near(glm_vec3_distance(far.eye_mm, far.target_mm), 2000.0, 1e-3);
}

static void closeups_should_frame_about_six_centimetres_of_scalp(void **state)
{
    app_scene *s = *state;
    app_view views[] = {APP_VIEW_CLOSEUP_HAIRLINE, APP_VIEW_CLOSEUP_CROWN, APP_VIEW_CLOSEUP_SCAR};
    for (size_t i = 0; i < 3; ++i) {
        double aspect = 16.0 / 9.0;
        app_camera c = app_scene_view_camera(s, views[i], 0.0, aspect);
        float dist = glm_vec3_distance(c.eye_mm, c.target_mm);
        double width_mm = 2.0 * dist * tan(c.fov_y_deg * SMP_PI / 360.0) * aspect;
        assert_near(width_mm, 60.0, 1.0);
        /* The target is on the scalp surface: near a mesh vertex. */
        double best = 1e9;
        for (int v = 0; v < s->head.mesh.vertex_count; ++v)
            best = fmin(best, glm_vec3_distance(c.target_mm, s->head.mesh.positions_mm + 3 * v));
        assert_true(best < 3.0);
    }
    /* The scar close-up looks at the back of the head, the hairline one at the front. */
    app_camera scar = app_scene_view_camera(s, APP_VIEW_CLOSEUP_SCAR, 0.0, 1.0);
    app_camera hair = app_scene_view_camera(s, APP_VIEW_CLOSEUP_HAIRLINE, 0.0, 1.0);
    assert_true(scar.target_mm[2] < -40.0f);
    assert_true(hair.target_mm[2] > 40.0f);
}

static void midline_should_run_from_glabella_over_the_vertex_to_the_nape(void **state)
{
    app_scene *s = *state;
    double len = app_scene_midline_length(&s->head);
    /* Nasion-to-inion arc is ~35 cm in adults; glabella to nape a little longer. */
    assert_in_range_d(len, 300.0, 450.0);
    float p[3], n[3];
    app_scene_midline_point(&s->head, 0.0, p, n);
    assert_true(glm_vec3_distance(p, s->head.landmarks_mm[SCALP_LM_GLABELLA]) < 5.0f);
    app_scene_midline_point(&s->head, 80.0, p, n);
    assert_true(p[2] > 0.0f && n[2] > 0.0f); /* 8 cm up the forehead: still facing forward */
}

static void the_default_time_should_be_sixty_days_after_the_last_session(void **state)
{
    app_scene *s = *state;
    assert_near(app_scene_default_days(s), 35.0 + 60.0, 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(light_azimuth_zero_should_come_from_the_face_and_ninety_from_the_left),
        cmocka_unit_test(far_views_should_look_at_the_head_from_their_side),
        cmocka_unit_test(closeups_should_frame_about_six_centimetres_of_scalp),
        cmocka_unit_test(midline_should_run_from_glabella_over_the_vertex_to_the_nape),
        cmocka_unit_test(the_default_time_should_be_sixty_days_after_the_last_session),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
