/* A headless frame small enough to run under valgrind's memcheck (tests/valgrind.sh runs this executable
 * there): a plan with a few dots, a small FUE field and stubble, a renderer with 256-texel shadow and
 * coverage maps, one 96x64 three-quarter frame read back. Natively it checks that the frame shows a lit head
 * on the dark backdrop; under memcheck, that nothing in it reads uninitialised or freed memory or leaks. */
#include "test_util.h"

#include "gl_context.h"

#include "scene/draw.h"
#include "scene/scene.h"

#include <stdlib.h>
#include <string.h>

static void a_tiny_frame_of_a_plan_with_dots_scars_and_hair_should_show_the_head(void **state)
{
    (void)state;
    ui_gl *gl;
    render_context *rc;
    render_context_desc desc = {.shadow_map_size = 256, .coverage_size = 256};
    if (test_gl_open_desc(&gl, &rc, &desc) != 0) fail_msg("no renderer");
    scene_source src = {
        .sets = {"sessions=[{\"day\":0,\"density_per_cm2\":8,\"shade\":0.7}]",
                 "scars=[{\"type\":\"fue\",\"count\":30,\"diameter_mm\":0.9,\"depth_mm\":0.15}]",
                 "patient.hair_length_mm=0.5"},
        .set_count = 3};
    scene_model scene;
    smp_error err = {0};
    if (scene_load(&scene, &src, NULL, &err) != SMP_OK || scene_upload(rc, &scene, &err) != SMP_OK)
        fail_msg("%s", err.message);
    enum { W = 96, H = 64 };
    scene_camera cam = scene_view_camera(&scene, SCENE_VIEW_THREE_QUARTER, 0.0, (double)W / H);
    scene_light light = scene_light_named("daylight");
    render_frame frame;
    scene_frame(&scene, &cam, &light, scene_default_days(&scene), W, H, &frame);
    uint8_t *rgba = malloc((size_t)W * H * 4);
    assert_non_null(rgba);
    if (render_frame_read_srgb8(rc, &frame, rgba, &err) != SMP_OK) fail_msg("%s", err.message);
    /* The corner is backdrop, the centre is skin: brighter, and red above blue. */
    const uint8_t *corner = rgba, *centre = rgba + 4 * ((size_t)(H / 2) * W + W / 2);
    print_message("corner %u %u %u, centre %u %u %u\n", corner[0], corner[1], corner[2], centre[0], centre[1],
                  centre[2]);
    assert_true(centre[0] + centre[1] + centre[2] > corner[0] + corner[1] + corner[2] + 120);
    assert_true(centre[0] > centre[2]);
    free(rgba);
    scene_destroy(&scene);
    test_gl_close(gl, rc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_tiny_frame_of_a_plan_with_dots_scars_and_hair_should_show_the_head),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
