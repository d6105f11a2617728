/* The skin's micro-surface (shaders/skin.glsl, scalp/skin.h): a bare-scalp close-up shows fine-scale
 * lightness variation (pores, furrows, mottle) of several tenths of L*, where the flat skin of before showed
 * a few hundredths; and from a metre away, where a pixel is far larger than any of it, the scalp keeps its
 * tone. The same scene is drawn with render_frame.skin_detail 0 (before) and 1 (now). Images are measured for
 * properties, never compared pixel by pixel. Headless through SDL's offscreen driver; no GL context: skipped
 * (exit 77). */
#include "test_util.h"

#include "gl_context.h"

#include "scene/draw.h"
#include "scene/image.h"
#include "ui/headless.h"
#include "scene/scene.h"
#include "optics/colour.h"
#include "ui/ui.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define W 480
#define H 360
/* A bare-skin close-up varies by a few tenths of L* at the finest scales (issue 11 item 2); before the
 * micro-surface the bare scalp's close-up measured 0.06. */
#define SKIN_MICRO_CONTRAST_MIN_L 0.3
/* The relief must not change the tone seen from afar: below one just-noticeable difference. */
#define SKIN_FAR_TONE_MAX_DE 1.0
/* High-pass: each pixel minus the mean of the (2 R + 1)^2 box around it; R = 12 px is 0.375 mm in a 15 mm
 * field 480 px across, about the furrows' spacing. */
#define HIGHPASS_RADIUS_PX 12

typedef struct fixture {
    ui_gl *gl;
    render_context *rc;
    scene_model scene;
} fixture;

static int setup_all(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (test_gl_open(&f->gl, &f->rc) != 0) return -1;
    scene_source opts;
    smp_error err = {0};
    memset(&opts, 0, sizeof opts);
    opts.sets[opts.set_count++] = "sessions=[]";
    opts.sets[opts.set_count++] = "patient.hair_length_mm=0";
    if (scene_load(&f->scene, &opts, NULL, &err) != SMP_OK) fail_msg("%s", err.message);
    if (scene_upload(f->rc, &f->scene, &err) != SMP_OK) fail_msg("%s", err.message);
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

/* CIELAB of every pixel of the view (daylight preset) with the given skin detail; the caller frees it. */
static double *render_lab(fixture *f, scene_view view, double distance_m, double field_mm, float skin_detail)
{
    scene_camera cam = scene_view_camera_field(&f->scene, view, distance_m, field_mm, (double)W / H);
    scene_light light = scene_light_named("daylight");
    render_frame frame;
    scene_frame(&f->scene, &cam, &light, scene_default_days(&f->scene), W, H, &frame);
    frame.skin_detail = skin_detail;
    uint8_t *rgba = malloc((size_t)W * H * 4);
    smp_error err = {0};
    if (render_frame_read_srgb8(f->rc, &frame, rgba, &err) != SMP_OK) fail_msg("%s", err.message);
    double *lab = malloc(sizeof(double) * 3 * W * H);
    for (size_t i = 0; i < (size_t)W * H; ++i) {
        double rgb[3], xyz[3];
        for (int k = 0; k < 3; ++k)
            rgb[k] = optics_srgb8_to_linear(rgba[4 * i + k]);
        optics_linear_rgb_to_xyz(rgb, xyz);
        optics_xyz_to_lab(xyz, lab + 3 * i);
    }
    free(rgba);
    return lab;
}

/* Standard deviation of L* minus its box-blurred copy, over the pixels whose box lies inside the image. */
static double micro_contrast(const double *lab)
{
    const int r = HIGHPASS_RADIUS_PX;
    double sum = 0.0, sum2 = 0.0;
    int count = 0;
    for (int y = r; y < H - r; ++y)
        for (int x = r; x < W - r; ++x) {
            double mean = 0.0;
            for (int dy = -r; dy <= r; ++dy)
                for (int dx = -r; dx <= r; ++dx)
                    mean += lab[3 * ((size_t)(y + dy) * W + x + dx)];
            mean /= (double)((2 * r + 1) * (2 * r + 1));
            double d = lab[3 * ((size_t)y * W + x)] - mean;
            sum += d;
            sum2 += d * d;
            count++;
        }
    double m = sum / count;
    return sqrt(fmax(sum2 / count - m * m, 0.0));
}

static void bare_scalp_close_up_should_show_fine_lightness_variation_of_several_tenths_of_L(void **state)
{
    fixture *f = *state;
    double *flat = render_lab(f, SCENE_VIEW_CLOSEUP_CROWN, 0.0, 15.0, 0.0f);
    double *skin = render_lab(f, SCENE_VIEW_CLOSEUP_CROWN, 0.0, 15.0, 1.0f);
    double before = micro_contrast(flat), after = micro_contrast(skin);
    printf("bare scalp, 15 mm field: fine-scale L* sd %.3f without the micro-surface, %.3f with it\n", before,
           after);
    assert_true(before < SKIN_MICRO_CONTRAST_MIN_L);
    assert_true(after >= SKIN_MICRO_CONTRAST_MIN_L);
    free(flat);
    free(skin);
}

/* Mean CIELAB (averaged in XYZ) of the head's upper third in the image: pixels that differ from the corner's
 * background, between the head's top row and a third of the way to the image's bottom. */
static void scalp_mean_lab(const double *lab, const double *reference, double out[3])
{
    const double *bg = reference;
    int top = -1;
    for (int y = 0; y < H && top < 0; ++y)
        for (int x = 0; x < W; ++x)
            if (fabs(reference[3 * ((size_t)y * W + x)] - bg[0]) > 1.0) {
                top = y;
                break;
            }
    assert_true(top >= 0);
    int bottom = top + (H - top) / 3;
    double xyz_sum[3] = {0}, xyz[3];
    int count = 0;
    for (int y = top; y < bottom; ++y)
        for (int x = 0; x < W; ++x) {
            size_t i = 3 * ((size_t)y * W + x);
            if (fabs(reference[i] - bg[0]) <= 1.0 || fabs(lab[i] - bg[0]) <= 1.0) continue;
            optics_lab_to_xyz(lab + i, xyz);
            for (int k = 0; k < 3; ++k)
                xyz_sum[k] += xyz[k];
            count++;
        }
    assert_true(count > 1000);
    for (int k = 0; k < 3; ++k)
        xyz_sum[k] /= count;
    optics_xyz_to_lab(xyz_sum, out);
}

static void far_view_should_keep_the_scalp_s_tone(void **state)
{
    fixture *f = *state;
    double *flat = render_lab(f, SCENE_VIEW_THREE_QUARTER, 1.0, 0.0, 0.0f);
    double *skin = render_lab(f, SCENE_VIEW_THREE_QUARTER, 1.0, 0.0, 1.0f);
    double a[3], b[3];
    scalp_mean_lab(flat, flat, a);
    scalp_mean_lab(skin, flat, b);
    double de = optics_ciede2000(a, b);
    printf("three-quarter view at 1 m, scalp mean: L*a*b* %.2f %.2f %.2f without, %.2f %.2f %.2f with the "
           "micro-surface: dE00 %.3f\n",
           a[0], a[1], a[2], b[0], b[1], b[2], de);
    assert_true(de < SKIN_FAR_TONE_MAX_DE);
    free(flat);
    free(skin);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bare_scalp_close_up_should_show_fine_lightness_variation_of_several_tenths_of_L),
        cmocka_unit_test(far_view_should_keep_the_scalp_s_tone),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
