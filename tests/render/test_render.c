/* Headless render tests: SDL's offscreen driver (EGL; Mesa llvmpipe without a GPU). They assert
 * properties of images, never exact pixels. No GL context: skipped (exit 77), never passed. */
#include "test_util.h"

#include "gl_context.h"

#include "analysis/analysis.h"
#include "scene/draw.h"
#include "scene/image.h"
#include "ui/headless.h"
#include "scene/scene.h"
#include "scalp/hair_shape.h"
#include "optics/colour.h"
#include "render/shader.h"
#include "ui/ui.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    ui_gl *gl;
    render_context *rc;
    scene_model scene;
    scene_source opts;
} fixture;

static fixture *g_fixture;

static int setup_all(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    smp_error err = {0};
    if (test_gl_open(&f->gl, &f->rc) != 0) return -1;
    memset(&f->opts, 0, sizeof f->opts);
    if (scene_load(&f->scene, &f->opts, NULL, &err) != SMP_OK ||
        render_scene_set(f->rc, &f->scene.head, &f->scene.field, &err) != SMP_OK) {
        fprintf(stderr, "%s\n", err.message);
        return -1;
    }
    g_fixture = f;
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

typedef struct image {
    uint8_t *rgba;
    int w, h;
} image;

static image render_view_on(fixture *f, scene_view view, const scene_light *light, double t_days, int w,
                            int h, bool interactive)
{
    scene_camera cam = scene_view_camera(&f->scene, view, 0.0, (double)w / h);
    render_frame frame;
    scene_frame(&f->scene, &cam, light, t_days, w, h, &frame);
    frame.interactive = interactive;
    image im = {malloc((size_t)w * h * 4), w, h};
    smp_error err = {0};
    if (render_frame_read_srgb8(f->rc, &frame, im.rgba, &err) != SMP_OK) fail_msg("%s", err.message);
    return im;
}

static image render_view(fixture *f, scene_view view, const scene_light *light, double t_days, int w, int h)
{
    return render_view_on(f, view, light, t_days, w, h, false);
}

/* Uploads the fixture's scene; returns its healed time (days). */
static double scene_uploaded(fixture *f)
{
    smp_error err = {0};
    if (scene_upload(f->rc, &f->scene, &err) != SMP_OK) fail_msg("%s", err.message);
    return scene_default_days(&f->scene);
}

static double luma(const image *im, int x, int y)
{
    const uint8_t *p = im->rgba + 4 * ((size_t)y * im->w + x);
    return 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
}

/* Mean luma over the central fraction of the image. */
static double centre_mean(const image *im, double fraction)
{
    int x0 = (int)(im->w * (0.5 - fraction / 2)), x1 = (int)(im->w * (0.5 + fraction / 2));
    int y0 = (int)(im->h * (0.5 - fraction / 2)), y1 = (int)(im->h * (0.5 + fraction / 2));
    double s = 0;
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x)
            s += luma(im, x, y);
    return s / ((double)(x1 - x0) * (y1 - y0));
}

static void every_shader_program_should_compile_and_link(void **state)
{
    /* Both the embedded copies and the source tree's files (what a debug session reloads). There is no
     * fallback shader: a failure here is a failure of the renderer. */
    for (int disk = 0; disk <= 1; ++disk)
        for (const render_program_info *p = render_programs; p->vert_name; ++p) {
            GLuint prog = 0;
            smp_error err = {0};
            if (render_program_create_defines(&prog, p->vert_name, p->frag_name, p->include_dots, p->defines,
                                              NULL, disk, &err) != SMP_OK)
                fail_msg("%s", err.message);
            assert_true(prog != 0);
            glDeleteProgram(prog);
        }
}

static void front_view_should_show_a_lit_head_on_a_dark_backdrop(void **state)
{
    fixture *f = *state;
    scene_light light = scene_light_named("daylight");
    image im = render_view(f, SCENE_VIEW_FRONT, &light, scene_default_days(&f->scene), 320, 240);
    double corner = luma(&im, 2, 2), centre = centre_mean(&im, 0.2);
    assert_true(corner < 90.0);
    assert_true(centre > corner + 60.0);
    /* Skin, not grey: red above blue at the centre. */
    const uint8_t *p = im.rgba + 4 * ((size_t)120 * 320 + 160);
    assert_true(p[0] > p[2]);
    free(im.rgba);
}

static void pigment_should_darken_the_treated_scalp(void **state)
{
    fixture *f = *state;
    scene_light light = scene_light_named("daylight");
    double healed = scene_default_days(&f->scene);
    image treated = render_view(f, SCENE_VIEW_CLOSEUP_CROWN, &light, healed, 640, 480);
    /* t = -1 day: before the first session, no layer is present; same camera, same light. */
    image before = render_view(f, SCENE_VIEW_CLOSEUP_CROWN, &light, -1.0, 640, 480);
    /* Healed dots of 0.15 mm at ~1 per mm² cover ~2 % of the skin: the mean must drop, and the pixels on
     * dots must be clearly darker than the same pixels before. */
    double lt = centre_mean(&treated, 0.5), lb = centre_mean(&before, 0.5);
    assert_true(lt < lb * 0.995);
    int darker = 0, brighter = 0;
    for (int y = 0; y < 480; ++y)
        for (int x = 0; x < 640; ++x) {
            double a = luma(&treated, x, y), b = luma(&before, x, y);
            darker += a < 0.92 * b;
            brighter += a > b + 1.0;
        }
    print_message("%d pixels more than 8 %% darker\n", darker);
    /* Each healed dot darkens its centre pixels by ~15 % in sRGB (baked optics, ~30 % in linear light). */
    assert_true(darker > 0.004 * 640 * 480);
    assert_int_equal(brighter, 0); /* pigment only ever darkens */
    free(treated.rgba);
    free(before.rgba);
}

static void dots_should_be_resolved_in_the_closeup(void **state)
{
    fixture *f = *state;
    scene_light light = scene_light_named("daylight");
    light.elevation_deg = 80.0;
    image im = render_view(f, SCENE_VIEW_CLOSEUP_CROWN, &light, scene_default_days(&f->scene), 640, 480);
    /* Count local luma minima clearly darker than their surroundings in the central 40 x 30 mm. A 60 mm
     * field at 640 px is ~0.094 mm per pixel, and 100 dots/cm² give ~1 dot/mm²: ~1200 dots there. */
    int minima = 0;
    for (int y = 120; y < 360; y += 1)
        for (int x = 160; x < 480; x += 1) {
            double c = luma(&im, x, y), ring = 0;
            bool lowest = true;
            for (int dy = -2; dy <= 2 && lowest; ++dy)
                for (int dx = -2; dx <= 2; ++dx) {
                    if (!dx && !dy) continue;
                    double v = luma(&im, x + dx, y + dy);
                    if (v < c) lowest = false;
                    if (abs(dx) == 2 || abs(dy) == 2) ring += v;
                }
            if (lowest && ring / 16.0 - c > 12.0) minima++;
        }
    /* Field: 320 x 240 px ~ 30 x 22.5 mm ~ 6.75 cm² ~ 675 dots at 100/cm² (the crown may be sparser). */
    assert_in_range_d(minima, 250, 900);
    free(im.rgba);
}

static void changing_the_light_should_change_the_image(void **state)
{
    fixture *f = *state;
    scene_light a = scene_light_named("daylight"), b = a;
    b.azimuth_deg = a.azimuth_deg + 180.0;
    double healed = scene_default_days(&f->scene);
    image ia = render_view(f, SCENE_VIEW_FRONT, &a, healed, 320, 240);
    image ib = render_view(f, SCENE_VIEW_FRONT, &b, healed, 320, 240);
    double diff = 0;
    for (size_t i = 0; i < (size_t)320 * 240 * 4; ++i)
        diff += abs((int)ia.rgba[i] - (int)ib.rgba[i]);
    diff /= 320.0 * 240.0 * 3.0;
    assert_true(diff > 5.0);
    free(ia.rgba);
    free(ib.rgba);
}

static void far_view_tone_should_not_shimmer_when_the_camera_moves(void **state)
{
    fixture *f = *state;
    scene_light light = scene_light_named("office");
    double healed = scene_default_days(&f->scene);
    scene_camera cam = scene_view_camera(&f->scene, SCENE_VIEW_TOP, 2.0, 4.0 / 3.0);
    double means[4];
    for (int i = 0; i < 4; ++i) {
        scene_camera c = cam;
        c.eye_mm[0] += 0.8f * (float)i; /* sub-pixel steps at 2 m */
        render_frame frame;
        scene_frame(&f->scene, &c, &light, healed, 320, 240, &frame);
        image im = {malloc(320 * 240 * 4), 320, 240};
        smp_error err = {0};
        assert_int_equal(render_frame_read_srgb8(f->rc, &frame, im.rgba, &err), SMP_OK);
        means[i] = centre_mean(&im, 0.1);
        free(im.rgba);
    }
    for (int i = 1; i < 4; ++i)
        assert_near(means[i], means[0], 0.01 * means[0] + 0.5);
}

/* Issue 12: orbiting and moving the light rebuild nothing. With the whole scene uploaded (dots, scars, hair
 * and its layer), frames from other sides under other lights at the same time recompute no dot looks,
 * re-splat neither the density texture nor the hair's layer, and upload nothing. (Moving the time recomputes
 * the looks: test_healing_look.) */
static void moving_the_camera_or_the_light_should_rebuild_nothing(void **state)
{
    fixture *f = *state;
    double healed = scene_uploaded(f);
    scene_light light = scene_light_named("daylight");
    light.on_camera = false;
    image first = render_view(f, SCENE_VIEW_THREE_QUARTER, &light, healed, 160, 120);
    free(first.rgba);
    render_stats before, moved, lit, later;
    render_stats_get(f->rc, &before);
    /* The camera alone: not even the shadow map is drawn again. */
    const scene_view views[] = {SCENE_VIEW_FRONT, SCENE_VIEW_BACK, SCENE_VIEW_TOP, SCENE_VIEW_CLOSEUP_SCAR};
    for (int i = 0; i < 4; ++i) {
        image im = render_view(f, views[i], &light, healed, 160, 120);
        free(im.rgba);
    }
    render_stats_get(f->rc, &moved);
    /* Other sides and other lights. */
    for (int i = 0; i < 4; ++i) {
        scene_light l = scene_light_named(i % 2 ? "office" : "sun");
        l.azimuth_deg += 40.0 * i;
        image im = render_view(f, views[i], &l, healed, 160, 120);
        free(im.rgba);
    }
    render_stats_get(f->rc, &lit);
    /* Another time: the dots' looks follow it, nothing is uploaded again. */
    image im = render_view(f, SCENE_VIEW_THREE_QUARTER, &light, healed + 5.0 * 365.25, 160, 120);
    free(im.rgba);
    render_stats_get(f->rc, &later);
    print_message(
        "4 frames from other sides: shadow draws %d -> %d; then 4 in other lights: looks %d -> %d, "
        "density re-splats %d -> %d, layer splats %d -> %d, hair uploads %d -> %d, shadow draws %d; "
        "5 years later: looks %d, hair uploads %d\n",
        before.shadow_draws, moved.shadow_draws, before.look_updates, lit.look_updates,
        before.coverage_resplats, lit.coverage_resplats, before.hair_layer_splats, lit.hair_layer_splats,
        before.hair_uploads, lit.hair_uploads, lit.shadow_draws, later.look_updates, later.hair_uploads);
    assert_true(before.hair_layer_splats >= 1 && before.hair_uploads >= 1 && before.shadow_draws >= 1);
    assert_int_equal(moved.shadow_draws, before.shadow_draws);
    assert_int_equal(moved.look_updates, before.look_updates);
    assert_int_equal(moved.coverage_resplats, before.coverage_resplats);
    /* The dots' halos: splatted once, when the scar close-up first needs them (the far views do not). */
    assert_true(moved.halo_splats <= before.halo_splats + 1);
    assert_int_equal(lit.halo_splats, moved.halo_splats);
    assert_true(lit.shadow_draws > moved.shadow_draws);
    assert_int_equal(lit.look_updates, before.look_updates);
    assert_int_equal(lit.coverage_resplats, before.coverage_resplats);
    assert_int_equal(lit.hair_layer_splats, before.hair_layer_splats);
    assert_int_equal(lit.hair_uploads, before.hair_uploads);
    assert_true(later.look_updates > lit.look_updates);
    assert_int_equal(later.hair_uploads, before.hair_uploads);
}

/* Issue 12: mesh.frag's variants draw what the whole shader draws. Without the scars it draws the head's
 * triangles whose chart uv cannot reach the scars' rectangle; without the skin's relief, frames whose every
 * pixel is too coarse for it (render/passes.c). The back view (the donor scars, no relief) and the scar close
 * up (both groups of triangles, the relief), each drawn with and without the variants, on the full path and
 * on the interactive one (its coarse triangles are grouped the same way), in daylight (dry skin: the variants
 * without the water film) and the back view wet. */
static void the_head_shader_variants_should_draw_what_the_whole_shader_draws(void **state)
{
    fixture *f = *state;
    double healed = scene_uploaded(f);
    scene_light light = scene_light_named("daylight");
    const scene_view views[] = {SCENE_VIEW_BACK, SCENE_VIEW_CLOSEUP_SCAR};
    const int widths[] = {240, 560};
    scene_light wet = scene_light_named("wet"); /* the film's variants */
    for (int run = 0; run < 5; ++run) {
        int v = run % 2, w = widths[v], h = w * 3 / 4;
        bool interactive = run == 2 || run == 3; /* the coarse triangles, ordered the same way */
        const scene_light *lit = run == 4 ? &wet : &light;
        render_mesh_variants_set(f->rc, false);
        image whole = render_view_on(f, views[v], lit, healed, w, h, interactive);
        render_mesh_variants_set(f->rc, true);
        image lean = render_view_on(f, views[v], lit, healed, w, h, interactive);
        render_stats st;
        render_stats_get(f->rc, &st);
        int largest = 0;
        long differing = 0;
        for (int i = 0; i < 4 * w * h; ++i) {
            int d = abs((int)whole.rgba[i] - (int)lean.rgba[i]);
            largest = d > largest ? d : largest;
            differing += d > 0;
        }
        print_message("view %d at %dx%d%s%s: %d of %d head triangles with the scars, relief %d; %ld channels "
                      "differ, by at most %d\n",
                      (int)views[v], w, h, interactive ? ", interactive" : "", run == 4 ? ", wet" : "",
                      st.head_scar_triangles, st.head_triangles, (int)st.head_relief, differing, largest);
        assert_true(st.head_scar_triangles > 0 && st.head_scar_triangles < st.head_triangles);
        if (!interactive) assert_int_equal(st.head_relief, v == 1);
        /* The same arithmetic on every pixel: what the compiler reorders may move a channel by 1. */
        assert_true(largest <= 1);
        free(whole.rgba);
        free(lean.rgba);
    }
}

/* Issue 12: the subsurface passes shade only the rectangle that the head, its hair and the blur can reach
 * (render/sss.c); outside it they copy the backdrop. The three-quarter view at 1 m: its rectangle is a part
 * of the frame; every pixel outside it is the backdrop, and every pixel inside it is what the same camera
 * draws with its projection cut down to that rectangle (a target the rectangle fills, so the passes shade all
 * of it), within the one level that the compiler's reordering may move. Then the camera inside the head's
 * bounds: the whole frame. */
static void the_subsurface_passes_should_shade_the_heads_rectangle_alone(void **state)
{
    fixture *f = *state;
    smp_error err = {0};
    double healed = scene_uploaded(f);
    scene_light light = scene_light_named("daylight");
    const int w = 321, h = 181; /* odd sizes */
    scene_camera cam = scene_view_camera(&f->scene, SCENE_VIEW_THREE_QUARTER, 1.0, (double)w / h);
    /* The head's full triangle list: llvmpipe sets up the simplified list's larger triangles under the two
     * projections differently enough to move a few silhouette pixels (up to 8 levels in 65 channels), which
     * is not what this test is about (the_simplified_head_should_draw_what_the_full_head_draws is). */
    render_head_lods_set(f->rc, false);
    render_frame frame;
    scene_frame(&f->scene, &cam, &light, healed, w, h, &frame);
    image whole = {malloc((size_t)w * h * 4), w, h};
    if (render_frame_read_srgb8(f->rc, &frame, whole.rgba, &err) != SMP_OK) fail_msg("%s", err.message);
    render_stats st;
    render_stats_get(f->rc, &st);
    const int rx = st.sss_rect[0], ry = st.sss_rect[1], rw = st.sss_rect[2], rh = st.sss_rect[3];
    print_message("%dx%d: rectangle x %d..%d, y %d..%d from the bottom (%.0f %% of the frame)\n", w, h, rx,
                  rx + rw, ry, ry + rh, 100.0 * rw * rh / (w * h));
    assert_true(rx >= 0 && ry >= 0 && rw > 0 && rh > 0 && rx + rw <= w && ry + rh <= h);
    assert_true((double)rw * rh < 0.6 * w * h);
    /* Outside: the backdrop, all one colour (image rows run top-down, the rectangle's bottom-up). */
    const uint8_t *bg = NULL;
    long outside = 0;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            int gy = h - 1 - y;
            if (x >= rx && x < rx + rw && gy >= ry && gy < ry + rh) continue;
            const uint8_t *p = whole.rgba + 4 * ((size_t)y * w + x);
            if (!bg) bg = p;
            for (int k = 0; k < 3; ++k)
                assert_int_equal(p[k], bg[k]);
            ++outside;
        }
    assert_true(outside > 0);
    /* Inside: the same camera with clip x and y mapped from the rectangle onto the whole target. */
    render_frame crop = frame;
    crop.width = rw, crop.height = rh;
    double sx = (double)w / rw, tx = (double)(w - 2 * rx - rw) / rw;
    double sy = (double)h / rh, ty = (double)(h - 2 * ry - rh) / rh;
    for (int c = 0; c < 4; ++c) {
        crop.proj[c][0] = (float)(sx * frame.proj[c][0] + tx * frame.proj[c][3]);
        crop.proj[c][1] = (float)(sy * frame.proj[c][1] + ty * frame.proj[c][3]);
    }
    image part = {malloc((size_t)rw * rh * 4), rw, rh};
    if (render_frame_read_srgb8(f->rc, &crop, part.rgba, &err) != SMP_OK) fail_msg("%s", err.message);
    render_stats_get(f->rc, &st);
    assert_true(st.sss_rect[0] == 0 && st.sss_rect[1] == 0 && st.sss_rect[2] == rw && st.sss_rect[3] == rh);
    int largest = 0;
    long differing = 0, head = 0;
    for (int y = 0; y < rh; ++y)
        for (int x = 0; x < rw; ++x) {
            const uint8_t *p = part.rgba + 4 * ((size_t)y * rw + x);
            const uint8_t *q = whole.rgba + 4 * ((size_t)(y + h - ry - rh) * w + x + rx);
            head += abs(q[0] - bg[0]) + abs(q[1] - bg[1]) + abs(q[2] - bg[2]) > 3;
            for (int k = 0; k < 3; ++k) {
                int d = abs((int)p[k] - (int)q[k]);
                largest = d > largest ? d : largest;
                differing += d > 0;
            }
        }
    print_message(
        "%ld head pixels inside; against the cut-down projection %ld channels differ, by at most %d\n", head,
        differing, largest);
    assert_true(head > rw * rh / 4);
    assert_true(largest <= 1);
    free(part.rgba);
    free(whole.rgba);
    /* The eye inside the head's bounds (5 cm from its centre), and a close-up (the bounds fill the frame):
     * the whole frame. */
    for (int i = 0; i < 2; ++i) {
        cam = i == 0 ? scene_view_camera(&f->scene, SCENE_VIEW_THREE_QUARTER, 0.05, 4.0 / 3.0)
                     : scene_view_camera(&f->scene, SCENE_VIEW_CLOSEUP_CROWN, 0.0, 4.0 / 3.0);
        scene_frame(&f->scene, &cam, &light, healed, 80, 60, &frame);
        image im = {malloc((size_t)80 * 60 * 4), 80, 60};
        if (render_frame_read_srgb8(f->rc, &frame, im.rgba, &err) != SMP_OK) fail_msg("%s", err.message);
        render_stats_get(f->rc, &st);
        assert_true(st.sss_rect[0] == 0 && st.sss_rect[1] == 0 && st.sss_rect[2] == 80 &&
                    st.sss_rect[3] == 60);
        free(im.rgba);
    }
    render_head_lods_set(f->rc, true);
}

/* The head's pixels in im: those unlike the backdrop (its colour read at a corner) whose neighbours within
 * margin pixels are all head too (the outline itself, a blend with the backdrop, is left out). */
static unsigned char *head_mask(const image *im, int margin, int *count)
{
    const uint8_t *bg = im->rgba;
    unsigned char *raw = calloc((size_t)im->w * im->h, 1), *mask = calloc((size_t)im->w * im->h, 1);
    assert_non_null(raw);
    assert_non_null(mask);
    for (int i = 0; i < im->w * im->h; ++i) {
        const uint8_t *p = im->rgba + 4 * (size_t)i;
        raw[i] = abs(p[0] - bg[0]) + abs(p[1] - bg[1]) + abs(p[2] - bg[2]) > 3;
    }
    *count = 0;
    for (int y = margin; y < im->h - margin; ++y)
        for (int x = margin; x < im->w - margin; ++x) {
            bool all = true;
            for (int dy = -margin; dy <= margin && all; ++dy)
                for (int dx = -margin; dx <= margin && all; ++dx)
                    all = raw[(y + dy) * im->w + x + dx];
            mask[y * im->w + x] = all;
            *count += all;
        }
    free(raw);
    return mask;
}

/* Mean CIELAB over the mask (averaged in linear light). */
static void mean_lab(const image *im, const unsigned char *mask, double lab[3])
{
    double sum[3] = {0.0, 0.0, 0.0};
    int n = 0;
    for (int i = 0; i < im->w * im->h; ++i) {
        if (!mask[i]) continue;
        for (int k = 0; k < 3; ++k)
            sum[k] += optics_srgb8_to_linear(im->rgba[4 * (size_t)i + k]);
        ++n;
    }
    for (int k = 0; k < 3; ++k)
        sum[k] /= n > 0 ? n : 1;
    analysis_linear_rgb_to_lab(sum, lab);
}

/* The interactive path (fewer pixels, coarse mesh, a subset of the stubble, one shadow tap, no micro-surface)
 * draws the same scene as the full-quality frame: the head's mean colour at 1 m within CIEDE2000 1.5 (issue
 * 12), in three views and two lights. The head is the full frame's, less its outline (3 pixels: the
 * interactive image is upsampled about 3 times, which blends the outline with the backdrop). And the crown's
 * close-up at the smallest share the window adapts to (its shadow map's stubble a subset by the map's texel,
 * not all of it as the camera draws). */
static void the_interactive_path_should_render_the_same_scene(void **state)
{
    fixture *f = *state;
    smp_error err = {0};
    double healed = scene_uploaded(f);
    const scene_view views[] = {SCENE_VIEW_THREE_QUARTER, SCENE_VIEW_TOP, SCENE_VIEW_BACK,
                                SCENE_VIEW_CLOSEUP_CROWN};
    const char *lights[] = {"daylight", "bathroom"};
    const int w = 480, h = 360;
    double worst = 0.0;
    for (int v = 0; v < 4; ++v)
        for (int l = 0; l < 2; ++l) {
            scene_light light = scene_light_named(lights[l]);
            scene_camera cam = scene_view_camera(&f->scene, views[v], 1.0, (double)w / h);
            image im[2];
            for (int path = 0; path < 2; ++path) {
                render_frame frame;
                scene_frame(&f->scene, &cam, &light, healed, w, h, &frame);
                frame.interactive = path == 1;
                if (views[v] == SCENE_VIEW_CLOSEUP_CROWN)
                    frame.interactive_scale = RENDER_INTERACTIVE_SCALE_MIN;
                im[path] = (image){malloc((size_t)w * h * 4), w, h};
                if (render_frame_read_srgb8(f->rc, &frame, im[path].rgba, &err) != SMP_OK)
                    fail_msg("%s", err.message);
            }
            int count = w * h;
            unsigned char *mask = views[v] == SCENE_VIEW_CLOSEUP_CROWN
                                      ? memset(malloc((size_t)count), 1, (size_t)count)
                                      : head_mask(&im[0], 3, &count);
            double lab[2][3];
            for (int path = 0; path < 2; ++path)
                mean_lab(&im[path], mask, lab[path]);
            double de = analysis_delta_e00(lab[0], lab[1]);
            worst = fmax(worst, de);
            print_message(
                "%s, %s, %s, %d px: full L*a*b* %.1f %.1f %.1f, interactive %.1f %.1f %.1f: dE00 %.2f\n",
                scene_view_name(views[v]), lights[l], views[v] == SCENE_VIEW_CLOSEUP_CROWN ? "60 mm" : "1 m",
                count, lab[0][0], lab[0][1], lab[0][2], lab[1][0], lab[1][1], lab[1][2], de);
            assert_true(count > 2000);
            free(mask);
            free(im[0].rgba);
            free(im[1].rgba);
        }
    assert_true(worst <= 1.5);
}

/* CIEDE2000 between a's and b's means over 16 x 16-pixel blocks (in linear light): the mean over the blocks
 * and the largest. */
static void block_delta_e(const image *a, const image *b, double *mean, double *largest)
{
    enum { B = 16 };
    double sum = 0.0;
    int n = 0;
    *largest = 0.0;
    for (int by = 0; by + B <= a->h; by += B)
        for (int bx = 0; bx + B <= a->w; bx += B) {
            double lin[2][3] = {{0.0}}, lab[2][3];
            for (int y = by; y < by + B; ++y)
                for (int x = bx; x < bx + B; ++x)
                    for (int k = 0; k < 3; ++k) {
                        size_t i = 4 * ((size_t)y * a->w + x) + k;
                        lin[0][k] += optics_srgb8_to_linear(a->rgba[i]) / (B * B);
                        lin[1][k] += optics_srgb8_to_linear(b->rgba[i]) / (B * B);
                    }
            analysis_linear_rgb_to_lab(lin[0], lab[0]);
            analysis_linear_rgb_to_lab(lin[1], lab[1]);
            double de = analysis_delta_e00(lab[0], lab[1]);
            *largest = fmax(*largest, de);
            sum += de;
            ++n;
        }
    *mean = n > 0 ? sum / n : 0.0;
}

/* One frame from cam at days drawn twice, with set(rc, false) and then set(rc, true) (a renderer's switch
 * such as render_sss_half_set), into im[0] and im[1] (the caller frees them), the counters after each in
 * st[0] and st[1]; the switch is left on. */
static void render_toggled(fixture *f, const scene_camera *cam, const scene_light *light, double days, int w,
                           int h, void (*set)(render_context *, bool), image im[2], render_stats st[2])
{
    smp_error err = {0};
    for (int k = 0; k < 2; ++k) {
        set(f->rc, k == 1);
        render_frame frame;
        scene_frame(&f->scene, cam, light, days, w, h, &frame);
        im[k] = (image){malloc((size_t)w * h * 4), w, h};
        if (render_frame_read_srgb8(f->rc, &frame, im[k].rgba, &err) != SMP_OK) fail_msg("%s", err.message);
        render_stats_get(f->rc, &st[k]);
    }
}

/* Issue 12: where the profile's wide terms span several pixels (close-ups) they are blurred at half the size
 * in x and y and upsampled in the composite, leaving out texels of another surface (render/sss.c). Against
 * the same frame with every term at full size (render_sss_half_set(false)), at the widest terms in pixels
 * (a dermatoscope's 10 mm field, the crown, 24 pixels per mm) and at the head's silhouette (seen from the
 * left through a 0.75-degree lens aimed at the vertex, the highest point: skin below the middle row, backdrop
 * above): 16 x 16-block CIEDE2000 under 0.3 on average and under 1 at most, every backdrop pixel unchanged
 * (no skin colour beyond the edge), and the skin's pixels along the edge (the 6 rows of head below the
 * outline) no darker or lighter than at full size by more than a level or two (no backdrop mixed in). */
static void the_wide_subsurface_terms_at_half_size_should_match_the_full_size(void **state)
{
    fixture *f = *state;
    double healed = scene_uploaded(f);
    scene_light light = scene_light_named("daylight");
    const int w = 241, h = 145; /* odd: the half-size targets are 121 x 73 */
    for (int view = 0; view < 2; ++view) {
        scene_camera cam;
        if (view == 0) {
            cam = scene_view_camera_field(&f->scene, SCENE_VIEW_CLOSEUP_CROWN, 0.0, 10.0, (double)w / h);
        } else {
            cam = scene_view_camera(&f->scene, SCENE_VIEW_LEFT, 1.0, (double)w / h);
            const float *top = f->scene.head.landmarks_mm[SCALP_LM_VERTEX];
            for (int k = 0; k < 3; ++k) {
                cam.eye_mm[k] += top[k] - cam.target_mm[k];
                cam.target_mm[k] = top[k];
            }
            cam.fov_y_deg = 0.75f;
        }
        image im[2];
        render_stats st[2];
        render_toggled(f, &cam, &light, healed, w, h, render_sss_half_set, im, st);
        double mean, largest;
        block_delta_e(&im[0], &im[1], &mean, &largest);
        /* The backdrop (the full frame's top-left pixel's colour) and the head's edge rows below it. */
        const uint8_t *bg = im[0].rgba;
        long backdrop = 0, backdrop_changed = 0, edge = 0;
        int edge_largest = 0;
        for (int x = 0; x < w && view == 1; ++x) {
            int y = 0;
            for (; y < h; ++y) {
                const uint8_t *p = im[0].rgba + 4 * ((size_t)y * w + x),
                              *q = im[1].rgba + 4 * ((size_t)y * w + x);
                if (abs(p[0] - bg[0]) + abs(p[1] - bg[1]) + abs(p[2] - bg[2]) > 3) break;
                ++backdrop;
                backdrop_changed += p[0] != q[0] || p[1] != q[1] || p[2] != q[2];
            }
            for (int e = y + 1; e < y + 7 && e < h && y > 0; ++e) { /* past the outline's blended pixel */
                const uint8_t *p = im[0].rgba + 4 * ((size_t)e * w + x),
                              *q = im[1].rgba + 4 * ((size_t)e * w + x);
                for (int k = 0; k < 3; ++k)
                    edge_largest = abs(p[k] - q[k]) > edge_largest ? abs(p[k] - q[k]) : edge_largest;
                ++edge;
            }
        }
        print_message(
            "%s: half size %d (full-size reference %d); 16x16 blocks dE00 mean %.3f, largest %.3f\n",
            view == 0 ? "crown, 10 mm field" : "left, the vertex's silhouette", (int)st[1].sss_half,
            (int)st[0].sss_half, mean, largest);
        if (view == 1)
            print_message("%ld backdrop pixels, %ld changed; %ld edge pixels, largest channel change %d\n",
                          backdrop, backdrop_changed, edge, edge_largest);
        assert_false(st[0].sss_half);
        assert_true(st[1].sss_half);
        assert_true(mean < 0.3);
        assert_true(largest < 1.0);
        if (view == 1) {
            assert_true(backdrop > w * h / 4 && backdrop < w * h * 3 / 4);
            assert_int_equal(backdrop_changed, 0);
            assert_true(edge > w * 4);
            assert_true(edge_largest <= 2);
        }
        free(im[0].rgba);
        free(im[1].rgba);
    }
}

/* Issue 12: the head's simplified triangle lists (scalp/lod.c, chosen by the pixel at the head's nearest
 * point, render/passes.c) draw what the full list draws. The three-quarter view at 1 m and at 2 m, full
 * quality: a simplified list is drawn, and the head's mean colour agrees with the full list's within
 * CIEDE2000 0.1, no channel of any pixel moving by more than a silhouette pixel can. A close-up draws the
 * full list. */
static void the_simplified_head_should_draw_what_the_full_head_draws(void **state)
{
    fixture *f = *state;
    double healed = scene_uploaded(f);
    scene_light light = scene_light_named("daylight");
    const int w = 480, h = 360;
    for (int d = 1; d <= 2; ++d) {
        scene_camera cam = scene_view_camera(&f->scene, SCENE_VIEW_THREE_QUARTER, (double)d, (double)w / h);
        image im[2];
        render_stats st[2];
        render_toggled(f, &cam, &light, healed, w, h, render_head_lods_set, im, st);
        int count;
        unsigned char *mask = head_mask(&im[0], 3, &count);
        double lab[2][3];
        for (int k = 0; k < 2; ++k)
            mean_lab(&im[k], mask, lab[k]);
        long differing = 0;
        for (int i = 0; i < 4 * w * h; ++i)
            differing += im[0].rgba[i] != im[1].rgba[i];
        double de = analysis_delta_e00(lab[0], lab[1]);
        print_message("%d m: list %d (%d of %d triangles); head %d px, dE00 %.3f, %ld channels differ\n", d,
                      st[1].head_lod, st[1].head_lod_triangles, st[1].head_triangles, count, de, differing);
        assert_int_equal(st[0].head_lod, 0);
        assert_true(st[1].head_lod > 0 && st[1].head_lod_triangles < st[1].head_triangles / 2);
        assert_true(count > 2000 && de < 0.1);
        free(mask);
        free(im[0].rgba);
        free(im[1].rgba);
    }
    image near = render_view(f, SCENE_VIEW_CLOSEUP_CROWN, &light, healed, w, h);
    render_stats st;
    render_stats_get(f->rc, &st);
    assert_int_equal(st.head_lod, 0);
    free(near.rgba);
}

/* Issue 12: the head's lists are drawn by clusters (render/head.c), leaving out those outside the frustum or
 * facing away from the camera (and, in the shadow map, from the light): the same image, byte for byte, as
 * every cluster drawn (render_head_clusters_set(false)). The crown close-up submits under a quarter of its
 * list's triangles; the three-quarter view at 1 m, in a light from low on the left, under 70 %. */
static void the_head_should_draw_only_the_clusters_it_can_show(void **state)
{
    fixture *f = *state;
    double healed = scene_uploaded(f);
    scene_light light = scene_light_named("daylight");
    light.on_camera = false;
    light.azimuth_deg = -80.0;
    light.elevation_deg = 15.0;
    const int w = 200, h = 150;
    for (int v = 0; v < 2; ++v) {
        scene_camera cam =
            scene_view_camera(&f->scene, v == 0 ? SCENE_VIEW_CLOSEUP_CROWN : SCENE_VIEW_THREE_QUARTER,
                              v == 0 ? 0.0 : 1.0, (double)w / h);
        image im[2];
        render_stats st[2];
        render_toggled(f, &cam, &light, healed, w, h, render_head_clusters_set, im, st);
        long differing = 0;
        for (int i = 0; i < 4 * w * h; ++i)
            differing += im[0].rgba[i] != im[1].rgba[i];
        print_message("%s: list %d, %d of %d triangles drawn (all: %d); %ld channels differ\n",
                      v == 0 ? "crown close-up" : "three-quarter, 1 m", st[1].head_lod,
                      st[1].head_drawn_triangles, st[1].head_lod_triangles, st[0].head_drawn_triangles,
                      differing);
        assert_int_equal(st[0].head_drawn_triangles, st[0].head_lod_triangles);
        assert_true(v == 0 ? st[1].head_drawn_triangles < st[1].head_lod_triangles / 4
                           : st[1].head_drawn_triangles < st[1].head_lod_triangles * 7 / 10);
        assert_int_equal(differing, 0);
        free(im[0].rgba);
        free(im[1].rgba);
    }
}

/* Frames i = 0 .. n - 1 from one camera and light at days[i], on the interactive path where interactive[i],
 * into im[i] (the caller frees them), with the renderer's counters after each in st[i]. */
static void render_sequence(fixture *f, const scene_camera *cam, const scene_light *light, const double *days,
                            const bool *interactive, int n, int w, int h, image *im, render_stats *st)
{
    smp_error err = {0};
    for (int i = 0; i < n; ++i) {
        render_frame frame;
        scene_frame(&f->scene, cam, light, days[i], w, h, &frame);
        frame.interactive = interactive[i];
        im[i] = (image){malloc((size_t)w * h * 4), w, h};
        if (render_frame_read_srgb8(f->rc, &frame, im[i].rgba, &err) != SMP_OK) fail_msg("%s", err.message);
        render_stats_get(f->rc, &st[i]);
    }
}

/* Scrubbing the time on the interactive path splats each layer's dots once, at the first frame of the drag,
 * and then sums the layers' textures scaled by the ink each holds now (render.c, coverage_from_layers).
 * Fifteen years after healing, reached from five years by that sum, the head's mean colour at 1 m agrees with
 * an exact splat at fifteen years within CIEDE2000 0.5, where the five-year image is more than twice as far
 * from it: the sum follows the fading. The dots' looks are not recomputed for that frame. */
static void scrubbing_the_time_should_follow_the_fading_without_splatting(void **state)
{
    fixture *f = *state;
    double healed = scene_uploaded(f);
    scene_light light = scene_light_named("daylight");
    const int w = 320, h = 240;
    scene_camera cam = scene_view_camera(&f->scene, SCENE_VIEW_TOP, 1.0, (double)w / h);
    /* full at healing, interactive at 5 and then 15 years (the drag; the built-in plan's touch-up at 4 years
     * is there at both), full and interactive at 15 years; then interactive at 15 years after a full frame at
     * 5, dragged back to 5 (the dots' own looks' time) */
    const double days[] = {healed,
                           healed + 5 * 365.25,
                           healed + 15 * 365.25,
                           healed + 15 * 365.25,
                           healed + 15 * 365.25,
                           healed + 5 * 365.25,
                           healed + 15 * 365.25,
                           healed + 5 * 365.25};
    const bool interactive[] = {false, true, true, false, true, false, true, true};
    image im[8];
    render_stats st[8];
    render_sequence(f, &cam, &light, days, interactive, 8, w, h, im, st);
    int count;
    unsigned char *mask = head_mask(&im[4], 3, &count);
    double lab[8][3];
    for (int i = 0; i < 8; ++i)
        mean_lab(&im[i], mask, lab[i]);
    double de_sum = analysis_delta_e00(lab[2], lab[4]), de_before = analysis_delta_e00(lab[1], lab[4]);
    /* Dragged back to the looks' own time, the picture is that time's again, not the 15 years it came from.
     */
    double de_back = analysis_delta_e00(lab[7], lab[1]);
    print_message(
        "layer splats %d -> %d -> %d, sums %d -> %d, re-splats %d -> %d; 15 years by the sum L*a*b* "
        "%.2f %.2f %.2f, splatted %.2f %.2f %.2f: dE00 %.2f (5 years: %.2f)\n",
        st[0].coverage_layer_splats, st[1].coverage_layer_splats, st[2].coverage_layer_splats,
        st[1].coverage_layer_sums, st[2].coverage_layer_sums, st[1].coverage_resplats,
        st[2].coverage_resplats, lab[2][0], lab[2][1], lab[2][2], lab[4][0], lab[4][1], lab[4][2], de_sum,
        de_before);
    assert_true(st[1].coverage_layer_splats > st[0].coverage_layer_splats);
    assert_int_equal(st[2].coverage_layer_splats, st[1].coverage_layer_splats);
    assert_int_equal(st[2].coverage_layer_sums, st[1].coverage_layer_sums + 1);
    assert_int_equal(st[2].coverage_resplats, st[0].coverage_resplats);
    /* From 1 m at a third of 320 x 240 every pixel is too coarse for the close-up path: the layers' ink
     * follows the time from a sample of the dots, and the dots' own looks wait for the full frame. */
    assert_int_equal(st[2].look_updates, st[1].look_updates);
    assert_true(count > 2000);
    assert_true(de_sum <= 0.5);
    assert_true(de_before > 2.0 * de_sum);
    print_message("dragged back to 5 years: dE00 %.2f from the 5-year image\n", de_back);
    assert_true(de_back <= 0.5 * de_before);
    free(mask);
    for (int i = 0; i < 8; ++i)
        free(im[i].rgba);
}

/* Issue 12: scrubbing the time close up on the interactive path recomputes the looks of the dots the frame
 * may show (and of those that stand for their layer's ink) alone (render/dots.c): the crown close-up at 10
 * years after the healed frame computes under a quarter of the 30,340 looks; turning the camera then computes
 * only dots that came into view, at the same ageing state (no new update); the full-quality frame after it
 * recomputes every look and draws, byte for byte, what a full-quality frame at 10 years draws after another
 * time. */
static void scrubbing_the_time_close_up_should_compute_the_looks_in_view(void **state)
{
    fixture *f = *state;
    smp_error err = {0};
    if (scene_upload(f->rc, &f->scene, &err) != SMP_OK) fail_msg("%s", err.message);
    double healed = scene_default_days(&f->scene), later = 10.0 * 365.25;
    scene_light light = scene_light_named("daylight");
    const int w = 200, h = 150;
    scene_camera cam = scene_view_camera(&f->scene, SCENE_VIEW_CLOSEUP_CROWN, 0.0, (double)w / h);
    scene_camera turned = cam;
    turned.eye_mm[0] += 40.0f; /* the close-up moved sideways by most of its field */
    turned.target_mm[0] += 40.0f;
    const struct {
        const scene_camera *cam;
        double days;
        bool interactive;
    } steps[] = {{&cam, healed, false}, {&cam, later, true},   {&turned, later, true},
                 {&cam, later, false},  {&cam, healed, false}, {&cam, later, false}};
    image im[6];
    render_stats st[6];
    for (int i = 0; i < 6; ++i) {
        render_frame frame;
        scene_frame(&f->scene, steps[i].cam, &light, steps[i].days, w, h, &frame);
        frame.interactive = steps[i].interactive;
        im[i] = (image){malloc((size_t)w * h * 4), w, h};
        if (render_frame_read_srgb8(f->rc, &frame, im[i].rgba, &err) != SMP_OK) fail_msg("%s", err.message);
        render_stats_get(f->rc, &st[i]);
    }
    long differing = 0;
    for (int i = 0; i < 4 * w * h; ++i)
        differing += im[3].rgba[i] != im[5].rgba[i];
    print_message(
        "looks computed: healed %d, 10 years interactive %d, turned %d (updates %d -> %d), full %d; "
        "%ld channels differ from a full frame after another time\n",
        st[0].looks_computed, st[1].looks_computed, st[2].looks_computed, st[1].look_updates,
        st[2].look_updates, st[3].looks_computed, differing);
    assert_int_equal(st[0].looks_computed, st[0].dot_count);
    assert_true(st[1].looks_computed > 0 && st[1].looks_computed < st[1].dot_count / 4);
    assert_true(st[2].looks_computed > 0 && st[2].looks_computed < st[1].looks_computed);
    assert_int_equal(st[2].look_updates, st[1].look_updates);
    assert_int_equal(st[3].looks_computed, st[3].dot_count);
    assert_int_equal(differing, 0);
    for (int i = 0; i < 6; ++i)
        free(im[i].rgba);
}

/* The close-up path reads the dots' wide terms (their halos) from a chart texture splatted when the looks
 * change (render/dots.c). Scrubbing the time in a close-up on the interactive path scales the halos splatted
 * at another time by the ink of the wide terms instead of splatting them each frame: the crown at 15 years so
 * drawn is within CIEDE2000 0.5 of the same frame with the halos splatted at 15 years, where the healed image
 * is more than twice as far; the full-quality frame splats them anew. */
static void scrubbing_the_time_close_up_should_scale_the_halos(void **state)
{
    fixture *f = *state;
    double healed = scene_uploaded(f);
    scene_light light = scene_light_named("daylight");
    const int w = 320, h = 240;
    scene_camera cam = scene_view_camera(&f->scene, SCENE_VIEW_CLOSEUP_CROWN, 0.0, (double)w / h);
    /* full healed; interactive at 5 and 15 years (the drag); full at 15 years; interactive at 15 years */
    const double days[] = {healed, healed + 5 * 365.25, healed + 15 * 365.25, healed + 15 * 365.25,
                           healed + 15 * 365.25};
    const bool interactive[] = {false, true, true, false, true};
    image im[5];
    render_stats st[5];
    render_sequence(f, &cam, &light, days, interactive, 5, w, h, im, st);
    unsigned char *all = malloc((size_t)w * h);
    assert_non_null(all);
    memset(all, 1, (size_t)w * h);
    double lab[5][3];
    for (int i = 0; i < 5; ++i)
        mean_lab(&im[i], all, lab[i]);
    double de_scaled = analysis_delta_e00(lab[2], lab[4]), de_healed = analysis_delta_e00(lab[0], lab[4]);
    print_message("halo splats %d %d %d %d %d; 15 years with scaled halos against splatted: dE00 %.2f "
                  "(healed: %.2f)\n",
                  st[0].halo_splats, st[1].halo_splats, st[2].halo_splats, st[3].halo_splats,
                  st[4].halo_splats, de_scaled, de_healed);
    assert_true(st[0].halo_splats >= 1);
    assert_int_equal(st[1].halo_splats, st[0].halo_splats);
    assert_int_equal(st[2].halo_splats, st[0].halo_splats);
    assert_int_equal(st[3].halo_splats, st[0].halo_splats + 1);
    assert_int_equal(st[4].halo_splats, st[3].halo_splats);
    assert_true(st[2].look_updates > st[0].look_updates); /* the sharp terms do follow the time */
    assert_true(de_scaled <= 0.5);
    assert_true(de_healed > 2.0 * de_scaled);
    free(all);
    for (int i = 0; i < 5; ++i)
        free(im[i].rgba);
}

/* Channels of a and b that differ, and by how many levels at most. */
static long channels_differing(const image *a, const image *b, int *largest)
{
    long n = 0;
    *largest = 0;
    for (int i = 0; i < 4 * a->w * a->h; ++i) {
        int d = abs((int)a->rgba[i] - (int)b->rgba[i]);
        *largest = d > *largest ? d : *largest;
        n += d > 0;
    }
    return n;
}

/* Uploads every part of the fixture's scene anew, as scene_upload did before the parts had identities. */
static void upload_everything(fixture *f)
{
    smp_error err = {0};
    if (render_scene_set(f->rc, &f->scene.head, &f->scene.field, &err) != SMP_OK ||
        render_scene_set_scars(f->rc, &f->scene.head, &f->scene.scars, &err) != SMP_OK ||
        render_scene_set_hair(f->rc, &f->scene.head, &f->scene.hair, &err) != SMP_OK ||
        render_scene_set_skin_map(f->rc, &f->scene.skin_map, &err) != SMP_OK)
        fail_msg("%s", err.message);
}

/* A plan edit in the window re-uploads only what it rebuilt (scene_upload, render_scene_update). A deeper
 * needle rebuilds the dots alone (scene_set_plan keeps the head, the scars, the skin map and the hair, which
 * is the hair built afresh for the new plan): uploaded, nothing else is uploaded again, and the frame (the
 * back view, with the donor scar, the stubble and the dots, at 96x64) is the one every part uploaded anew
 * draws, within the level that the head's lists in another order may move. (A new head uploads every part:
 * scene_reuse.h checks it wherever a test's plans change the head.) */
static void a_depth_edit_should_upload_the_dots_alone(void **state)
{
    fixture *f = *state;
    smp_error err = {0};
    double healed = scene_uploaded(f);
    scene_light light = scene_light_named("daylight");
    image shallow = render_view(f, SCENE_VIEW_BACK, &light, healed, 96, 64);
    plan deeper = f->scene.plan;
    deeper.pigment.depth_mm += 0.6;
    uint64_t head_id = f->scene.head_id, scars_id = f->scene.scars_id, map_id = f->scene.skin_map_id,
             hair_id = f->scene.hair_id;
    if (scene_set_plan(&f->scene, &deeper, &err) != SMP_OK) fail_msg("%s", err.message);
    assert_true(f->scene.head_id == head_id && f->scene.scars_id == scars_id &&
                f->scene.skin_map_id == map_id && f->scene.hair_id == hair_id);
    scalp_hair afresh;
    if (scalp_hair_create(&afresh, &f->scene.head, &deeper, &f->scene.hair.params, &err) != SMP_OK ||
        scalp_hair_shape(&afresh, &f->scene.head, &deeper, NULL, &err) != SMP_OK)
        fail_msg("%s", err.message);
    assert_int_equal(afresh.count, f->scene.hair.count);
    assert_memory_equal(afresh.shafts, f->scene.hair.shafts, sizeof *afresh.shafts * (size_t)afresh.count);
    scalp_hair_destroy(&afresh);
    render_stats before, after;
    render_stats_get(f->rc, &before);
    if (scene_upload(f->rc, &f->scene, &err) != SMP_OK) fail_msg("%s", err.message);
    render_stats_get(f->rc, &after);
    image kept = render_view(f, SCENE_VIEW_BACK, &light, healed, 96, 64);
    upload_everything(f);
    image fresh = render_view(f, SCENE_VIEW_BACK, &light, healed, 96, 64);
    int largest, largest_edit;
    long differing = channels_differing(&kept, &fresh, &largest);
    long edited = channels_differing(&shallow, &kept, &largest_edit);
    print_message("depth edit: uploads head %d, dots %d, scars %d, hair %d, skin map %d; against every part "
                  "uploaded anew %ld channels differ, by at most %d; against the shallower dots %ld, by %d\n",
                  after.head_uploads - before.head_uploads, after.dot_uploads - before.dot_uploads,
                  after.scar_uploads - before.scar_uploads, after.hair_uploads - before.hair_uploads,
                  after.skin_map_uploads - before.skin_map_uploads, differing, largest, edited, largest_edit);
    assert_int_equal(after.head_uploads, before.head_uploads);
    assert_int_equal(after.scar_uploads, before.scar_uploads);
    assert_int_equal(after.skin_map_uploads, before.skin_map_uploads);
    assert_int_equal(after.dot_uploads, before.dot_uploads + 1);
    assert_int_equal(after.hair_uploads, before.hair_uploads);
    assert_true(largest <= 1);
    assert_true(edited > 0); /* the deeper dots show: the frame is not the old one */
    free(shallow.rgba), free(kept.rgba), free(fresh.rgba);
}

/* Last: it takes the fixture's renderer. The tests before made no GL error; one made on purpose is counted,
 * with the driver's message, which is what fails a GL test in test_gl_close. */
static void a_gl_error_should_be_counted_with_the_drivers_message(void **state)
{
    fixture *f = *state;
    const char *first = NULL;
    assert_int_equal(render_gl_error_count(f->rc, &first), 0);
    assert_string_equal(first, "");
    render_context_destroy(f->rc);
    f->rc = NULL;
    render_context *rc = NULL;
    smp_error err = {0};
    if (render_context_create(&rc, &(render_context_desc){.gl_debug = true}, &err) != SMP_OK)
        fail_msg("%s", err.message);
    assert_int_equal(render_gl_error_count(rc, NULL), 0);
    glBindTexture(GL_TEXTURE_2D,
                  0xdeadbeefu); /* not a texture name: GL_INVALID_OPERATION in a core context */
    assert_int_equal(render_gl_error_count(rc, &first), 1);
    print_message("the driver said: %s\n", first);
    assert_true(strlen(first) > 0);
    render_context_destroy(rc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_shader_program_should_compile_and_link),
        cmocka_unit_test(front_view_should_show_a_lit_head_on_a_dark_backdrop),
        cmocka_unit_test(pigment_should_darken_the_treated_scalp),
        cmocka_unit_test(dots_should_be_resolved_in_the_closeup),
        cmocka_unit_test(changing_the_light_should_change_the_image),
        cmocka_unit_test(far_view_tone_should_not_shimmer_when_the_camera_moves),
        cmocka_unit_test(moving_the_camera_or_the_light_should_rebuild_nothing),
        cmocka_unit_test(the_head_shader_variants_should_draw_what_the_whole_shader_draws),
        cmocka_unit_test(the_subsurface_passes_should_shade_the_heads_rectangle_alone),
        cmocka_unit_test(the_wide_subsurface_terms_at_half_size_should_match_the_full_size),
        cmocka_unit_test(the_interactive_path_should_render_the_same_scene),
        cmocka_unit_test(the_simplified_head_should_draw_what_the_full_head_draws),
        cmocka_unit_test(the_head_should_draw_only_the_clusters_it_can_show),
        cmocka_unit_test(scrubbing_the_time_should_follow_the_fading_without_splatting),
        cmocka_unit_test(scrubbing_the_time_close_up_should_scale_the_halos),
        cmocka_unit_test(scrubbing_the_time_close_up_should_compute_the_looks_in_view),
        cmocka_unit_test(a_depth_edit_should_upload_the_dots_alone),
        cmocka_unit_test(a_gl_error_should_be_counted_with_the_drivers_message),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
