/* Healing and fading as the renderer draws them, on the crown close-up of the built-in plan: day 1 is redder
 * and darker than day 28, day 2 darker than day 4 (the first wash at day 3 takes the surface ink), the
 * contrast falls from the healed day to 10 years as the fade model (scene/fade.h) predicts, and scrubbing the
 * time recomputes the dots' looks without rebuilding the dot field. Properties, not pixels. Headless through
 * SDL's offscreen driver; no GL context: skipped (exit 77). */
#include "test_util.h"

#include "gl_context.h"

#include "scene/draw.h"
#include "scene/image.h"
#include "ui/headless.h"
#include "scene/fade.h"
#include "scene/scene.h"
#include "optics/colour.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define W 200
#define H 200

typedef struct fixture {
    ui_gl *gl;
    render_context *rc;
    scene_model scene;
} fixture;

static int setup_all(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    render_context_desc desc = {.shadow_map_size = 1024, .coverage_size = 2048, .samples = 1};
    if (test_gl_open_desc(&f->gl, &f->rc, &desc) != 0) return -1;
    plan p;
    plan_init_default(&p);
    p.touch_up_count = 0;
    smp_error err = {0};
    if (scene_create_from_plan(&f->scene, &p, "built-in plan", &err) != SMP_OK) return -1;
    if (scene_upload(f->rc, &f->scene, &err) != SMP_OK) return -1;
    *state = f;
    return 0;
}

static int teardown_all(void **state)
{
    fixture *f = *state;
    scene_destroy(&f->scene);
    test_gl_close(f->gl, f->rc);
    free(f);
    return 0;
}

/* Mean CIELAB of the central half of the 20 mm crown close-up at t_days under a uniform white light (the
 * pixels show the albedo), and of its brightest half (the skin between the dots). */
static void look_at(fixture *f, double t_days, double mean[3], double skin[3])
{
    scene_camera cam = scene_view_camera_field(&f->scene, SCENE_VIEW_CLOSEUP_CROWN, 0.0, 20.0, 1.0);
    scene_light light = scene_light_named("office");
    for (int k = 0; k < 3; ++k)
        light.key_radiance[k] = 0.0f, light.sky_radiance[k] = light.ground_radiance[k] = 1.0f;
    render_frame frame;
    scene_frame(&f->scene, &cam, &light, t_days, W, H, &frame);
    frame.exposure = 1.0f;
    uint8_t *rgba = malloc((size_t)W * H * 4);
    smp_error err = {0};
    if (render_frame_read_srgb8(f->rc, &frame, rgba, &err) != SMP_OK) fail_msg("%s", err.message);
    int n = (W / 2) * (H / 2), m = 0;
    double *lum = malloc(sizeof *lum * (size_t)n), sum[3] = {0}, xyz[3];
    for (int y = H / 4; y < 3 * H / 4; ++y)
        for (int x = W / 4; x < 3 * W / 4; ++x) {
            const uint8_t *p = rgba + 4 * ((size_t)y * W + x);
            double c[3] = {optics_srgb8_to_linear(p[0]), optics_srgb8_to_linear(p[1]),
                           optics_srgb8_to_linear(p[2])};
            for (int k = 0; k < 3; ++k)
                sum[k] += c[k] / n;
            lum[m++] = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
        }
    /* The skin: pixels brighter than the median luminance. */
    double *sorted = malloc(sizeof *sorted * (size_t)n);
    memcpy(sorted, lum, sizeof *sorted * (size_t)n);
    for (int i = 1; i < n; ++i) /* insertion sort is fine for 10,000 values once per image */
        for (int j = i; j > 0 && sorted[j - 1] > sorted[j]; --j) {
            double t = sorted[j];
            sorted[j] = sorted[j - 1], sorted[j - 1] = t;
        }
    double median = sorted[n / 2], bright[3] = {0};
    int count = 0;
    m = 0;
    for (int y = H / 4; y < 3 * H / 4; ++y)
        for (int x = W / 4; x < 3 * W / 4; ++x)
            if (lum[m++] > median) {
                const uint8_t *p = rgba + 4 * ((size_t)y * W + x);
                for (int k = 0; k < 3; ++k)
                    bright[k] += optics_srgb8_to_linear(p[k]);
                count++;
            }
    for (int k = 0; k < 3; ++k)
        bright[k] /= count > 0 ? count : 1;
    optics_linear_rgb_to_xyz(sum, xyz);
    optics_xyz_to_lab(xyz, mean);
    optics_linear_rgb_to_xyz(bright, xyz);
    optics_xyz_to_lab(xyz, skin);
    free(sorted);
    free(lum);
    free(rgba);
}

static void day_1_should_be_redder_and_darker_than_day_28(void **state)
{
    fixture *f = *state;
    double m1[3], s1[3], m28[3], s28[3];
    look_at(f, 1.0, m1, s1);
    look_at(f, 28.0, m28, s28);
    print_message("day 1: L* %.1f, skin a* %.2f; day 28: L* %.1f, skin a* %.2f\n", m1[0], s1[1], m28[0],
                  s28[1]);
    assert_true(s1[1] > s28[1] + 1.0); /* the skin between the dots is pink */
    assert_true(m1[0] < m28[0] - 1.0);
}

static void day_2_should_be_darker_than_day_4(void **state)
{
    fixture *f = *state;
    double m2[3], s2[3], m4[3], s4[3];
    look_at(f, 2.0, m2, s2);
    look_at(f, 4.0, m4, s4);
    print_message("day 2: L* %.1f; day 4: L* %.1f\n", m2[0], m4[0]);
    assert_true(m2[0] < m4[0] - 0.5);
}

static void the_renderer_should_fade_as_the_model_predicts(void **state)
{
    fixture *f = *state;
    double bare[3], skin[3], healed[3], aged[3];
    look_at(f, -1.0, bare, skin);
    double t_healed = scene_default_days(&f->scene), t_aged = 10 * 365.25;
    look_at(f, t_healed, healed, skin);
    render_stats before;
    render_stats_get(f->rc, &before);
    look_at(f, t_aged, aged, skin);
    render_stats after;
    render_stats_get(f->rc, &after);
    double rendered = optics_ciede2000(aged, bare) / optics_ciede2000(healed, bare);
    ageing_params ap;
    ageing_params_from_plan(&f->scene.plan, &ap);
    double lab[3];
    double model = scene_fade_contrast_at(&f->scene, &ap, t_aged, lab) /
                   scene_fade_contrast_at(&f->scene, &ap, t_healed, lab);
    print_message("contrast at 10 years over healed: rendered %.3f, model %.3f\n", rendered, model);
    assert_true(rendered < 0.95);
    assert_true(fabs(rendered - model) < 0.12);
    /* Scrubbing recomputed the looks once and kept the dots and their count. */
    assert_int_equal(after.look_updates, before.look_updates + 1);
    assert_int_equal(after.dot_count, before.dot_count);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(day_1_should_be_redder_and_darker_than_day_28),
        cmocka_unit_test(day_2_should_be_darker_than_day_4),
        cmocka_unit_test(the_renderer_should_fade_as_the_model_predicts),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
