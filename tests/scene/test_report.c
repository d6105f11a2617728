/* The consultation report's scar part (scene_report_write; the CLI test, test_report_cli.sh, covers a plan
 * without scars and the page in Chromium): for a plan with one FUT scar, the scar's close-ups under overhead
 * and raking light before treatment and healed, and its visibility plot, exist, are referenced by index.html,
 * carry metadata, and differ where they should (healed, the SMP dots darken the scar's pale line; raking
 * light differs from overhead). Kept short for CI: 160 x 90 images, the visibility at two light angles and 20
 * pixels per degree (the CLI's: 8 angles, 100), a renderer with 1024-texel textures; the report's own code
 * paths are the same. No GL context: skipped (exit 77). */
#include "test_util.h"

#include "render/gl_context.h"

#include "scene/report.h"
#include "core/core.h"

#include <stb_image.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int setup_all(void **state)
{
    render_context_desc desc = {.coverage_size = 1024, .shadow_map_size = 1024};
    return test_gl_fixture_open(state, &desc);
}

typedef struct rgba_image {
    unsigned char *px;
    int w, h;
} rgba_image;

static rgba_image load(const char *dir, const char *name)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    rgba_image im = {0};
    int n = 0;
    im.px = stbi_load(path, &im.w, &im.h, &n, 4);
    if (!im.px) fail_msg("%s: not a readable PNG", path);
    return im;
}

/* Mean absolute difference of two images of one size, per channel, 0..255. */
static double mean_difference(rgba_image a, rgba_image b)
{
    assert_int_equal(a.w, b.w);
    assert_int_equal(a.h, b.h);
    double d = 0.0;
    for (int i = 0; i < a.w * a.h; ++i)
        for (int k = 0; k < 3; ++k)
            d += abs((int)a.px[4 * i + k] - (int)b.px[4 * i + k]);
    return d / (3.0 * a.w * a.h);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The mean luma (0..255) of the brightest 5 % of an image's pixels: in a scar close-up, the scar's pale line.
 */
static double brightest_luma(rgba_image im)
{
    int n = im.w * im.h, k = n / 20;
    double *l = malloc(sizeof *l * (size_t)n);
    assert_non_null(l);
    for (int i = 0; i < n; ++i)
        l[i] = 0.2126 * im.px[4 * i] + 0.7152 * im.px[4 * i + 1] + 0.0722 * im.px[4 * i + 2];
    qsort(l, (size_t)n, sizeof *l, cmp_double);
    double s = 0.0;
    for (int i = n - k; i < n; ++i)
        s += l[i];
    free(l);
    return s / k;
}

/* Whether the PNG file holds a tEXt chunk (the metadata scene_png_write writes). */
static bool has_text_chunk(const char *dir, const char *name)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *data = NULL;
    size_t size = 0;
    smp_error err = {0};
    if (smp_file_read(path, &data, &size, &err) != SMP_OK) return false;
    bool found = false;
    for (size_t i = 0; i + 4 <= size && !found; ++i)
        found = memcmp(data + i, "tEXt", 4) == 0;
    free(data);
    return found;
}

static void the_report_should_show_each_scar_before_and_healed_and_its_visibility(void **state)
{
    test_gl_fixture *f = *state;
    smp_error err = {0};
    const char *sets[] = {
        "scars=[{\"type\":\"fut\",\"length_cm\":12,\"width_mm\":2.5,\"height_above_nape_cm\":7,"
        "\"depth_mm\":0.4}]"};
    plan pl;
    if (plan_load(&pl, NULL, sets, 1, NULL, NULL, &err) != SMP_OK) fail_msg("%s", err.message);
    scene_model scene;
    if (scene_create_from_plan(&scene, &pl, "test", &err) != SMP_OK) fail_msg("%s", err.message);
    char dir[] = "/tmp/smp_report_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char out[1100];
    snprintf(out, sizeof out, "%s/report", dir);
    scene_report_params p = {.width = 160, .height = 90, .plan_source = "test"};
    p.vis.angle_count = 2;
    p.vis.angles_deg[0] = 10.0;
    p.vis.angles_deg[1] = 60.0;
    p.vis.px_per_deg = 20.0;
    if (scene_report_write(f->rc, &scene, &p, out, &err) != SMP_OK) fail_msg("%s", err.message);

    const char *scar_images[] = {"scar-before-daylight.png", "scar-before-raking.png",
                                 "scar-healed-daylight.png", "scar-healed-raking.png",
                                 "visibility-scar1.png"};
    char html_path[1200];
    snprintf(html_path, sizeof html_path, "%s/index.html", out);
    char *html = NULL;
    if (smp_file_read(html_path, &html, NULL, &err) != SMP_OK) fail_msg("%s", err.message);
    for (int i = 0; i < 5; ++i) {
        if (!strstr(html, scar_images[i])) fail_msg("index.html does not show %s", scar_images[i]);
        if (!has_text_chunk(out, scar_images[i])) fail_msg("%s carries no metadata", scar_images[i]);
    }
    rgba_image before = load(out, "scar-before-daylight.png"), healed = load(out, "scar-healed-daylight.png");
    rgba_image raking = load(out, "scar-healed-raking.png"), plot = load(out, "visibility-scar1.png");
    double line_before = brightest_luma(before), line_healed = brightest_luma(healed);
    double lit = mean_difference(healed, raking);
    print_message(
        "scar close-up: the pale line's luma %.1f before, %.1f healed; raking against daylight %.1f of "
        "255; plot %dx%d\n",
        line_before, line_healed, lit, plot.w, plot.h);
    if (getenv("SMP_TEST_KEEP")) print_message("kept %s\n", out);
    assert_true(line_healed < line_before - 4.0); /* the SMP dots over the scar darken its pale line */
    assert_true(lit > 5.0);                       /* the light from the side */
    assert_true(plot.w >= 200 && plot.h >= 150);
    /* The plot is a drawing, not a blank page: more than one colour in it. */
    int colours = 0;
    for (int i = 1; i < plot.w * plot.h && colours < 2; ++i)
        colours += memcmp(plot.px + 4 * i, plot.px, 3) != 0;
    assert_true(colours >= 1);
    stbi_image_free(before.px);
    stbi_image_free(healed.px);
    stbi_image_free(raking.px);
    stbi_image_free(plot.px);
    free(html);
    scene_destroy(&scene);
    if (!getenv("SMP_TEST_KEEP")) assert_int_equal(test_dir_remove(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_report_should_show_each_scar_before_and_healed_and_its_visibility),
    };
    return cmocka_run_group_tests(tests, setup_all, test_gl_teardown);
}
