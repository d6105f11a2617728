/* The light presets as a person would tell them apart, measured on small headless renders of the built-in
 * head (no hair, so only the skin and the dots answer): the bathroom lamp is warmer than an overcast sky; an
 * overcast sky leaves less contrast between the lit and the unlit side than the sun; a flash lights whatever
 * side faces the camera; a wet scalp's highlight is brighter and smaller than dry skin's sheen; and the light
 * sweep darkens the top of the head step by step as the key goes from overhead to raking. Properties, not
 * pixels; no GL context: skipped (exit 77). */
#include "test_util.h"

#include "gl_context.h"

#include "scene/scene.h"
#include "optics/colour.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define W 200
#define H 150

typedef struct fixture {
    ui_gl *gl;
    render_context *rc;
    scene_model scene;
} fixture;

static int setup_all(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    smp_error err = {0};
    render_context_desc desc = {.shadow_map_size = 1024, .coverage_size = 1024};
    if (test_gl_open_desc(&f->gl, &f->rc, &desc) != 0) return -1;
    scene_source opts;
    memset(&opts, 0, sizeof opts);
    if (scene_load(&f->scene, &opts, NULL, &err) != SMP_OK ||
        render_scene_set(f->rc, &f->scene.head, &f->scene.field, &err) != SMP_OK) {
        fprintf(stderr, "%s\n", err.message);
        return -1;
    }
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

/* An image in linear light (the sRGB read-back decoded), W x H x 3, top row first. */
typedef struct image {
    double px[W * H * 3];
} image;

/* Renders view under light; with dry_matte the skin reflects no specular light at all (no sheen, no film),
 * so that the difference to the same light with it is the specular light alone. */
static void render(fixture *f, scene_view view, const scene_light *light, bool dry_matte, image *out)
{
    scene_camera cam = scene_view_camera(&f->scene, view, 0.0, (double)W / H);
    render_frame frame;
    scene_frame(&f->scene, &cam, light, scene_default_days(&f->scene), W, H, &frame);
    if (dry_matte) frame.specular_f0 = 0.0f, frame.film_coverage = 0.0f;
    static uint8_t rgba[W * H * 4];
    smp_error err = {0};
    if (render_frame_read_srgb8(f->rc, &frame, rgba, &err) != SMP_OK) fail_msg("%s", err.message);
    for (int i = 0; i < W * H; ++i)
        for (int k = 0; k < 3; ++k)
            out->px[3 * i + k] = optics_srgb8_to_linear(rgba[4 * i + k]);
}

static double luminance(const image *im, int i)
{
    return 0.2126 * im->px[3 * i] + 0.7152 * im->px[3 * i + 1] + 0.0722 * im->px[3 * i + 2];
}

/* The head's pixels in a view: under a uniform white ambient every skin pixel shows its albedo (linear
 * luminance above 0.15), the backdrop stays at its 0.06. */
static void head_mask(fixture *f, scene_view view, bool mask[W * H])
{
    scene_light white = scene_light_named("overcast");
    for (int k = 0; k < 3; ++k)
        white.key_radiance[k] = 0.0f, white.sky_radiance[k] = white.ground_radiance[k] = 1.0f;
    static image im;
    render(f, view, &white, true, &im);
    for (int i = 0; i < W * H; ++i)
        mask[i] = luminance(&im, i) > 0.15;
}

/* The mean linear r / b of the head's pixels. */
static double red_over_blue(const image *im, const bool mask[W * H])
{
    double r = 0.0, b = 0.0;
    for (int i = 0; i < W * H; ++i)
        if (mask[i]) r += im->px[3 * i], b += im->px[3 * i + 2];
    return r / b;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The head's luminance at quantile q (0..1). */
static double quantile(const image *im, const bool mask[W * H], double q)
{
    static double v[W * H];
    int n = 0;
    for (int i = 0; i < W * H; ++i)
        if (mask[i]) v[n++] = luminance(im, i);
    qsort(v, (size_t)n, sizeof v[0], cmp_double);
    return v[(int)(q * (n - 1))];
}

static void bathroom_should_be_warmer_than_overcast(void **state)
{
    fixture *f = *state;
    static bool mask[W * H];
    static image bathroom, overcast;
    head_mask(f, SCENE_VIEW_THREE_QUARTER, mask);
    scene_light lb = scene_light_named("bathroom"), lo = scene_light_named("overcast");
    render(f, SCENE_VIEW_THREE_QUARTER, &lb, false, &bathroom);
    render(f, SCENE_VIEW_THREE_QUARTER, &lo, false, &overcast);
    double rb = red_over_blue(&bathroom, mask), ro = red_over_blue(&overcast, mask);
    print_message("skin r/b: bathroom %.2f, overcast %.2f\n", rb, ro);
    /* A 2900 K lamp against a 6800 K sky, each white-balanced by 0.7: r / b of the light 1.8 against 0.98. */
    assert_true(rb > 1.5 * ro);
}

static void overcast_should_leave_less_contrast_between_lit_and_unlit_sides_than_sun(void **state)
{
    fixture *f = *state;
    static bool mask[W * H];
    static image sun, overcast;
    head_mask(f, SCENE_VIEW_FRONT, mask);
    scene_light ls = scene_light_named("sun"), lo = scene_light_named("overcast");
    render(f, SCENE_VIEW_FRONT, &ls, false, &sun);
    render(f, SCENE_VIEW_FRONT, &lo, false, &overcast);
    /* The brightest tenth of the head against its darkest tenth. */
    double cs = quantile(&sun, mask, 0.9) / quantile(&sun, mask, 0.1);
    double co = quantile(&overcast, mask, 0.9) / quantile(&overcast, mask, 0.1);
    print_message("luminance p90 / p10: sun %.2f, overcast %.2f\n", cs, co);
    assert_true(cs > 1.5 * co);
}

/* The mean luminance of the head's pixels in the middle of its bounding box (the part that faces the
 * camera), and of those on its outline (a pixel off the head within 2 pixels: the part that turns away). */
static void centre_and_rim(const image *im, const bool mask[W * H], double *centre, double *rim)
{
    int x0 = W, x1 = 0, y0 = H, y1 = 0;
    for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x)
            if (mask[y * W + x])
                x0 = x < x0 ? x : x0, x1 = x > x1 ? x : x1, y0 = y < y0 ? y : y0, y1 = y > y1 ? y : y1;
    double sc = 0.0, sr = 0.0;
    int nc = 0, nr = 0;
    for (int y = 2; y < H - 2; ++y)
        for (int x = 2; x < W - 2; ++x) {
            if (!mask[y * W + x]) continue;
            double u = (x - 0.5 * (x0 + x1)) / (x1 - x0 + 1), v = (y - 0.5 * (y0 + y1)) / (y1 - y0 + 1);
            if (fabs(u) < 0.1 && fabs(v) < 0.1) sc += luminance(im, y * W + x), nc++;
            bool edge = false;
            for (int dy = -2; dy <= 2; ++dy)
                for (int dx = -2; dx <= 2; ++dx)
                    edge |= !mask[(y + dy) * W + x + dx];
            if (edge) sr += luminance(im, y * W + x), nr++;
        }
    *centre = sc / nc;
    *rim = sr / nr;
}

static void flash_should_light_the_side_facing_the_camera(void **state)
{
    fixture *f = *state;
    static bool mask[W * H];
    static image im;
    const scene_view views[] = {SCENE_VIEW_LEFT, SCENE_VIEW_RIGHT};
    double centre[2], rim[2], day_centre[2];
    for (int i = 0; i < 2; ++i) {
        head_mask(f, views[i], mask);
        scene_light flash = scene_light_named("flash"), day = scene_light_named("daylight");
        render(f, views[i], &flash, false, &im);
        centre_and_rim(&im, mask, &centre[i], &rim[i]);
        render(f, views[i], &day, false, &im);
        double day_rim;
        centre_and_rim(&im, mask, &day_centre[i], &day_rim);
        print_message("%s: flash centre %.3f rim %.3f; daylight centre %.3f\n", scene_view_name(views[i]),
                      centre[i], rim[i], day_centre[i]);
    }
    for (int i = 0; i < 2; ++i)
        assert_true(centre[i] > 1.5 * rim[i]); /* it faces the light, the outline not */
    /* Either side is lit alike: the key moved with the camera. Daylight's sun, from the patient's left,
     * lights the left side far more than the right. */
    assert_true(fabs(centre[0] / centre[1] - 1.0) < 0.1);
    assert_true(day_centre[0] > 1.5 * day_centre[1]);
}

/* The key light's highlight in a view: the image with specular light less the image without, both under the
 * key alone (no sky or ground, so the film's mirror image of the sky, bright at grazing angles, does not
 * count); its peak (the mean of its five brightest pixels, not one) and the number of pixels above
 * half that peak. */
static void specular_peak(fixture *f, const scene_light *light, const bool mask[W * H], double *peak,
                          int *area)
{
    static image with, without;
    scene_light key = *light;
    for (int k = 0; k < 3; ++k)
        key.sky_radiance[k] = key.ground_radiance[k] = 0.0f;
    render(f, SCENE_VIEW_THREE_QUARTER, &key, false, &with);
    render(f, SCENE_VIEW_THREE_QUARTER, &key, true, &without);
    static double s[W * H];
    int n = 0;
    for (int i = 0; i < W * H; ++i)
        if (mask[i]) s[n++] = luminance(&with, i) - luminance(&without, i);
    static double sorted[W * H];
    memcpy(sorted, s, sizeof s[0] * (size_t)n);
    qsort(sorted, (size_t)n, sizeof sorted[0], cmp_double);
    *peak = 0.0;
    for (int i = n - 5; i < n; ++i)
        *peak += sorted[i] / 5.0;
    *area = 0;
    for (int i = 0; i < n; ++i)
        *area += s[i] > 0.5 * *peak;
}

static void wet_should_have_a_brighter_smaller_specular_peak_than_daylight(void **state)
{
    fixture *f = *state;
    static bool mask[W * H];
    head_mask(f, SCENE_VIEW_THREE_QUARTER, mask);
    scene_light wet = scene_light_named("wet"), day = scene_light_named("daylight");
    double wet_peak, day_peak;
    int wet_area, day_area;
    specular_peak(f, &wet, mask, &wet_peak, &wet_area);
    specular_peak(f, &day, mask, &day_peak, &day_area);
    print_message("specular peak: wet %.3f over %d pixels, daylight %.3f over %d pixels\n", wet_peak,
                  wet_area, day_peak, day_area);
    assert_true(wet_peak > 2.0 * day_peak);
    assert_true(wet_area < day_area / 2);
}

static void sweep_should_darken_the_top_of_the_head_step_by_step(void **state)
{
    fixture *f = *state;
    static bool mask[W * H];
    static image im;
    head_mask(f, SCENE_VIEW_TOP, mask);
    scene_light light = scene_light_named("daylight");
    enum { FRAMES = 4 };
    double mean[FRAMES];
    for (int i = 0; i < FRAMES; ++i) {
        light.elevation_deg = scene_light_sweep_elevation_deg(i, FRAMES);
        render(f, SCENE_VIEW_TOP, &light, false, &im);
        /* The vertex: the middle of the top view. */
        double s = 0.0;
        int n = 0;
        for (int y = H / 2 - 15; y < H / 2 + 15; ++y)
            for (int x = W / 2 - 15; x < W / 2 + 15; ++x)
                if (mask[y * W + x]) s += luminance(&im, y * W + x), n++;
        mean[i] = s / n;
        print_message("elevation %.1f deg: top of the head %.3f\n", light.elevation_deg, mean[i]);
    }
    assert_near(scene_light_sweep_elevation_deg(0, FRAMES), 90.0, 1e-12);
    assert_near(scene_light_sweep_elevation_deg(FRAMES - 1, FRAMES), 5.0, 1e-12);
    for (int i = 1; i < FRAMES; ++i)
        assert_true(mean[i] < 0.97 * mean[i - 1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bathroom_should_be_warmer_than_overcast),
        cmocka_unit_test(overcast_should_leave_less_contrast_between_lit_and_unlit_sides_than_sun),
        cmocka_unit_test(flash_should_light_the_side_facing_the_camera),
        cmocka_unit_test(wet_should_have_a_brighter_smaller_specular_peak_than_daylight),
        cmocka_unit_test(sweep_should_darken_the_top_of_the_head_step_by_step),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
