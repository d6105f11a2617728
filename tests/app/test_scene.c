#include "test_util.h"

#include "app/common.h"

#include <cglm/cglm.h>
#include <stdlib.h>
#include <string.h>

static scene_model *g_scene;

static int setup(void **state)
{
    scene_source opts;
    smp_error err = {0};
    memset(&opts, 0, sizeof opts);
    g_scene = calloc(1, sizeof *g_scene);
    if (scene_load(g_scene, &opts, NULL, &err) != SMP_OK) return -1;
    *state = g_scene;
    return 0;
}

static int teardown(void **state)
{
    scene_destroy(g_scene);
    free(g_scene);
    return 0;
}

static void light_azimuth_zero_should_come_from_the_face_and_ninety_from_the_left(void **state)
{
    scene_model *s = *state;
    app_options o;
    smp_error err = {0};
    char *argv[] = {"x", "--light-azimuth", "0", "--light-elevation", "0"};
    assert_int_equal(app_options_parse(&o, 5, argv, 1, "--light-azimuth --light-elevation", &err), SMP_OK);
    scene_light l = app_options_light(&o);
    scene_camera cam = scene_view_camera(s, SCENE_VIEW_FRONT, 0.0, 16.0 / 9.0);
    render_frame f;
    scene_frame(s, &cam, &l, 100.0, 64, 64, &f);
    assert_near(f.light_dir[2], 1.0, 1e-6); /* +z: out of the face */
    o.light_azimuth_deg = 90.0;
    l = app_options_light(&o);
    scene_frame(s, &cam, &l, 100.0, 64, 64, &f);
    assert_near(f.light_dir[0], 1.0, 1e-6); /* +x: the patient's left */
    o.light_elevation_deg = 90.0;
    l = app_options_light(&o);
    scene_frame(s, &cam, &l, 100.0, 64, 64, &f);
    assert_near(f.light_dir[1], 1.0, 1e-6); /* overhead */
}

static double luminance(const float rgb[3])
{
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
}

static void every_preset_should_be_named_in_the_usage_and_found_by_its_name(void **state)
{
    (void)state;
    assert_int_equal(scene_light_preset_count(), 8);
    char names[256];
    scene_light_preset_names(names, sizeof names);
    assert_string_equal(names, "daylight, clinic, sun, overcast, bathroom, office, flash, wet");
    char *usage = NULL;
    size_t usage_size = 0;
    FILE *help = open_memstream(&usage, &usage_size);
    assert_non_null(help);
    app_options_help(help, "--light-preset");
    fclose(help);
    for (int i = 0; i < scene_light_preset_count(); ++i) {
        const scene_light_preset *p = scene_light_preset_at(i);
        assert_non_null(strstr(usage, p->name));
        assert_int_equal(scene_light_preset_index(p->name), i);
        scene_light l = scene_light_of_preset(p);
        assert_string_equal(l.preset, p->name);
        /* The key's luminance is the preset's intensity; the white balance keeps it. */
        assert_near(luminance(l.key_radiance), p->key_intensity, 1e-4 * p->key_intensity);
        assert_near(l.film_coverage, p->film_coverage, 0.0);
    }
    free(usage);
    assert_int_equal(scene_light_preset_index("disco"), -1);
    assert_string_equal(scene_light_named(NULL).preset, "daylight");
    assert_true(scene_light_named("wet").film_coverage > 0.0f);
    assert_true(scene_light_named("daylight").film_coverage == 0.0f);
}

static void light_options_should_override_the_presets_key(void **state)
{
    (void)state;
    app_options o;
    smp_error err = {0};
    char *argv[] = {"x", "--light-preset", "bathroom", "--light-intensity", "0.5", "--light-kelvin", "6504"};
    assert_int_equal(
        app_options_parse(&o, 7, argv, 1, "--light-preset --light-intensity --light-kelvin", &err), SMP_OK);
    scene_light base = scene_light_named("bathroom"), l = app_options_light(&o);
    assert_near(luminance(l.key_radiance), 0.5 * luminance(base.key_radiance), 1e-4);
    assert_near(l.key_kelvin, 6504.0, 0.0);
    /* A D65 key renders white: the lamp became daylight. */
    assert_near(l.key_radiance[0] / l.key_radiance[2], 1.0, 0.01);
    assert_true(base.key_radiance[0] > 1.5 * base.key_radiance[2]);
    /* The sky and ground stay the preset's (they are rebalanced to the new key, so only their colour moves).
     */
    assert_near(luminance(l.sky_radiance), luminance(base.sky_radiance), 0.05 * luminance(base.sky_radiance));
    char *bad[] = {"x", "--light-preset", "disco"};
    assert_int_equal(app_options_parse(&o, 3, bad, 1, "--light-preset", &err), SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "daylight, clinic, sun, overcast, bathroom, office, flash, wet"));
}

/* One dialect for every command (issue 15): --name value or --name=value, one positional FILE where a command
 * takes one, the same limits for the same option (the seed is a whole number up to 2^53 for mc, bake and the
 * rest), and one line naming the option and its range on a bad value. */
static void every_command_should_parse_its_options_in_one_dialect(void **state)
{
    (void)state;
    const char *mc = "FILE --photons --seed --threads --partial-reflection";
    app_options o;
    smp_error err = {0};
    char *ok[] = {
        "x", "in.mci", "--photons=2000", "--seed", "9007199254740992", "--threads=2", "--partial-reflection"};
    assert_int_equal(app_options_parse(&o, 7, ok, 1, mc, &err), SMP_OK);
    assert_string_equal(o.input, "in.mci");
    assert_true(o.photons == 2000 && o.threads == 2 && o.partial_reflection && o.has_seed);
    assert_true(o.seed == UINT64_C(9007199254740992));
    struct {
        int argc;
        char *argv[4];
        const char *allowed, *message;
    } bad[] = {
        {3, {"x", "--seed", "9007199254740994"}, mc, "--seed: must be between 0 and 9.0072e+15"},
        {3, {"x", "--seed", "1.5"}, "--seed", "--seed: must be a whole number"},
        {3, {"x", "--threads", "0"}, mc, "--threads: must be between 1 and 1024 threads, got 0"},
        {3, {"x", "a.mci", "b.mci"}, mc, "unexpected argument 'b.mci'"},
        {2, {"x", "--partial-reflection=1"}, mc, "--partial-reflection: takes no value"},
        {2, {"x", "--photons"}, mc, "--photons: needs a value"},
        {3, {"x", "--frames", "2.5"}, "--frames", "--frames: must be a whole number between 1 and 100000"},
        {3, {"x", "--runs", "0"}, "--runs", "--runs: must be between 1 and 1000 runs, got 0"},
        {2,
         {"x", "--interactive-scale=2"},
         "--interactive-scale",
         "--interactive-scale: must be between 0.125"},
        {2, {"x", "--frobnicate"}, mc, "--frobnicate: unknown option for this command"},
        {2, {"x", "in.mci"}, "--seed", "unexpected argument 'in.mci'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
        smp_error e = {0};
        if (app_options_parse(&o, bad[i].argc, bad[i].argv, 1, bad[i].allowed, &e) != SMP_ERR_INPUT)
            fail_msg("case %zu: accepted", i);
        if (!strstr(e.message, bad[i].message))
            fail_msg("case %zu: '%s' lacks '%s'", i, e.message, bad[i].message);
        assert_null(strchr(e.message, '\n'));
    }
}

static void flash_should_follow_the_camera_until_given_a_direction(void **state)
{
    scene_model *s = *state;
    scene_light l = scene_light_named("flash");
    assert_true(l.on_camera);
    scene_view views[] = {SCENE_VIEW_FRONT, SCENE_VIEW_LEFT, SCENE_VIEW_TOP, SCENE_VIEW_THREE_QUARTER};
    for (size_t i = 0; i < sizeof views / sizeof views[0]; ++i) {
        scene_camera cam = scene_view_camera(s, views[i], 0.0, 4.0 / 3.0);
        render_frame f;
        scene_frame(s, &cam, &l, 100.0, 64, 48, &f);
        vec3 d;
        glm_vec3_sub(cam.eye_mm, cam.target_mm, d);
        glm_vec3_normalize(d);
        assert_near(glm_vec3_dot(d, f.light_dir), 1.0, 1e-5);
    }
    app_options o;
    smp_error err = {0};
    char *argv[] = {"x", "--light-azimuth", "90"};
    assert_int_equal(app_options_parse(&o, 3, argv, 1, "--light-azimuth", &err), SMP_OK);
    o.light_preset = "flash";
    l = app_options_light(&o);
    assert_false(l.on_camera);
    assert_near(l.azimuth_deg, 90.0, 0.0);
}

static void sweep_should_step_from_overhead_to_raking_and_the_window_back(void **state)
{
    (void)state;
    for (int n = 2; n <= 360; n += 179) {
        assert_near(scene_light_sweep_elevation_deg(0, n), 90.0, 1e-12);
        assert_near(scene_light_sweep_elevation_deg(n - 1, n), 5.0, 1e-12);
        for (int i = 1; i < n; ++i)
            assert_near(scene_light_sweep_elevation_deg(i - 1, n) - scene_light_sweep_elevation_deg(i, n),
                        85.0 / (n - 1), 1e-9);
    }
    assert_near(scene_light_sweep_phase_elevation_deg(0.0), 90.0, 1e-12);
    assert_near(scene_light_sweep_phase_elevation_deg(0.5), 5.0, 1e-12);
    assert_near(scene_light_sweep_phase_elevation_deg(1.0), 90.0, 1e-12);
    app_options o;
    smp_error err = {0};
    char *both[] = {"x", "--light-sweep", "4", "--light-elevation", "20"};
    assert_int_equal(app_options_parse(&o, 5, both, 1, "--light-sweep --light-elevation", &err),
                     SMP_ERR_INPUT);
    char *one[] = {"x", "--light-sweep", "4"};
    assert_int_equal(app_options_parse(&o, 3, one, 1, "--light-sweep", &err), SMP_OK);
    assert_int_equal(o.light_sweep, 4);
}

static void far_views_should_look_at_the_head_from_their_side(void **state)
{
    scene_model *s = *state;
    struct {
        scene_view view;
        int axis;
        float sign;
    } cases[] = {
        {SCENE_VIEW_FRONT, 2, 1.0f},  {SCENE_VIEW_BACK, 2, -1.0f}, {SCENE_VIEW_LEFT, 0, 1.0f},
        {SCENE_VIEW_RIGHT, 0, -1.0f}, {SCENE_VIEW_TOP, 1, 1.0f},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        scene_camera c = scene_view_camera(s, cases[i].view, 0.0, 16.0 / 9.0);
        float d = (c.eye_mm[cases[i].axis] - c.target_mm[cases[i].axis]) * cases[i].sign;
        float dist = glm_vec3_distance(c.eye_mm, c.target_mm);
        assert_true(d > 0.9f * dist);
        assert_in_range_d(dist, 400.0, 1200.0);
    }
    scene_camera far = scene_view_camera(s, SCENE_VIEW_FRONT, 2.0, 16.0 / 9.0);
    assert_near(glm_vec3_distance(far.eye_mm, far.target_mm), 2000.0, 1e-3);
}

static void closeups_should_frame_about_six_centimetres_of_scalp(void **state)
{
    scene_model *s = *state;
    scene_view views[] = {SCENE_VIEW_CLOSEUP_HAIRLINE, SCENE_VIEW_CLOSEUP_CROWN, SCENE_VIEW_CLOSEUP_SCAR};
    for (size_t i = 0; i < 3; ++i) {
        double aspect = 16.0 / 9.0;
        scene_camera c = scene_view_camera(s, views[i], 0.0, aspect);
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
    scene_camera scar = scene_view_camera(s, SCENE_VIEW_CLOSEUP_SCAR, 0.0, 1.0);
    scene_camera hair = scene_view_camera(s, SCENE_VIEW_CLOSEUP_HAIRLINE, 0.0, 1.0);
    assert_true(scar.target_mm[2] < -40.0f);
    assert_true(hair.target_mm[2] > 40.0f);
}

static void the_default_time_should_be_sixty_days_after_the_last_session(void **state)
{
    scene_model *s = *state;
    assert_near(scene_default_days(s), 35.0 + 60.0, 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(light_azimuth_zero_should_come_from_the_face_and_ninety_from_the_left),
        cmocka_unit_test(every_preset_should_be_named_in_the_usage_and_found_by_its_name),
        cmocka_unit_test(light_options_should_override_the_presets_key),
        cmocka_unit_test(every_command_should_parse_its_options_in_one_dialect),
        cmocka_unit_test(flash_should_follow_the_camera_until_given_a_direction),
        cmocka_unit_test(sweep_should_step_from_overhead_to_raking_and_the_window_back),
        cmocka_unit_test(far_views_should_look_at_the_head_from_their_side),
        cmocka_unit_test(closeups_should_frame_about_six_centimetres_of_scalp),
        cmocka_unit_test(the_default_time_should_be_sixty_days_after_the_last_session),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
