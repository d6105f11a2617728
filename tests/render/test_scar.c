/* Scars in the renderer, headless (SDL offscreen, Mesa llvmpipe): the chart bake holds the relief where
 * the scars are, and at the closeup-scar view a FUT line shows far more under raking light across it
 * than under light along the skin's normal, and is paler than the skin around it under diffuse light.
 * No GL context: skipped (exit 77), never passed. */
#include "test_util.h"

#include "gl_context.h"

#include "scene/scene.h"
#include "render/scar_internal.h"
#include "scar_view.h"
#include "ui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { W = 320, H = 240 };

typedef struct fixture {
    ui_gl *gl;
    render_context *rc;
    scene_model scene;
    scene_source opts;
} fixture;

static int setup_all(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    smp_error err = {0};
    if (test_gl_open(&f->gl, &f->rc) != 0) return -1;
    /* One FUT line, 8 cm above the nape (above the inion, where the skin faces back and up), no dots. */
    f->opts = (scene_source){.sets = {"scars=[{\"type\":\"fut\",\"length_cm\":20,\"width_mm\":2,\"depth_mm\":"
                                      "0.4,\"height_above_nape_cm\":8}]",
                                      "sessions=[]", "touch_ups=[]"},
                             .set_count = 3};
    if (scene_load(&f->scene, &f->opts, NULL, &err) != SMP_OK ||
        render_scene_set(f->rc, &f->scene.head, &f->scene.field, &err) != SMP_OK ||
        render_scene_set_scars(f->rc, &f->scene.head, &f->scene.scars, &err) != SMP_OK) {
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

/* The luma profile down the image's middle fifth of columns (rows top to bottom). */
static void render_profile(fixture *f, const scene_light *light, double profile[H])
{
    scene_camera cam = scene_view_camera(&f->scene, SCENE_VIEW_CLOSEUP_SCAR, 0.0, (double)W / H);
    render_frame frame;
    scene_frame(&f->scene, &cam, light, scene_default_days(&f->scene), W, H, &frame);
    uint8_t *rgba = malloc((size_t)W * H * 4);
    smp_error err = {0};
    if (render_frame_read_srgb8(f->rc, &frame, rgba, &err) != SMP_OK) fail_msg("%s", err.message);
    for (int y = 0; y < H; ++y) {
        double s = 0.0;
        for (int x = 2 * W / 5; x < 3 * W / 5; ++x) {
            const uint8_t *p = rgba + 4 * ((size_t)y * W + x);
            s += 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
        }
        profile[y] = s / (W / 5);
    }
    free(rgba);
}

/* The scar's visibility: the largest departure of the profile from its straight-line trend over the
 * central rows (+-8 mm: the field is 60 mm across 320 px), relative to that trend (Weber contrast: what
 * the eye judges), so the head's own shading gradient and brightness (both differ a lot between raking
 * and high light) do not count. */
static double band_visibility(const double profile[H])
{
    const int half = (int)(8.0 / (60.0 / W));
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int n = 0;
    for (int y = H / 2 - half; y <= H / 2 + half; ++y, ++n) {
        sx += y, sy += profile[y], sxx += (double)y * y, sxy += y * profile[y];
    }
    double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx), icpt = (sy - slope * sx) / n, worst = 0.0;
    for (int y = H / 2 - half; y <= H / 2 + half; ++y) {
        double trend = fmax(slope * y + icpt, 1.0);
        worst = fmax(worst, fabs(profile[y] - trend) / trend);
    }
    return worst;
}

static void scar_frame(const fixture *f, float n[3], float up[3], float along[3])
{
    scar_view_frame(&f->scene.scars, n, up, along);
}

static void bake_should_hold_the_relief_and_tissue_where_the_scar_is(void **state)
{
    fixture *f = *state;
    render_scar_bake b;
    smp_error err = {0};
    assert_int_equal(render_scar_bake_create(&b, &f->scene.head, &f->scene.scars, 1024, &err), SMP_OK);
    assert_true(b.width > 0 && b.height > 0 && b.width <= 1024 && b.height <= 1024);
    const scalp_scar_set *s = &f->scene.scars;
    const scalp_scar_line *line = &s->lines[0];
    /* At the middle of the line: full depth and tissue; the texel under any point within 0.2 mm. */
    for (int i = line->first + line->count / 4; i < line->first + 3 * line->count / 4; i += 40) {
        float uv[2];
        scalp_head_uv(&f->scene.head, s->points[i].position_mm, uv);
        int x = (int)((uv[0] - b.uv0[0]) / (b.uv1[0] - b.uv0[0]) * b.width);
        int y = (int)((uv[1] - b.uv0[1]) / (b.uv1[1] - b.uv0[1]) * b.height);
        const uint8_t *t = b.texels + 2 * ((size_t)y * b.width + x);
        assert_true(t[0] > 200 && t[1] > 200);
    }
    /* Far from it (the vertex is outside the rectangle or zero). */
    float uv[2];
    scalp_head_uv(&f->scene.head, f->scene.head.landmarks_mm[SCALP_LM_VERTEX], uv);
    if (uv[0] > b.uv0[0] && uv[0] < b.uv1[0] && uv[1] > b.uv0[1] && uv[1] < b.uv1[1]) {
        int x = (int)((uv[0] - b.uv0[0]) / (b.uv1[0] - b.uv0[0]) * b.width);
        int y = (int)((uv[1] - b.uv0[1]) / (b.uv1[1] - b.uv0[1]) * b.height);
        assert_int_equal(b.texels[2 * ((size_t)y * b.width + x)], 0);
    }
    render_scar_bake_destroy(&b);
    render_scar_bake_destroy(&b);
}

/* The displaced patch: split finely, carrying the relief, and meeting the undisplaced head without a step
 * (every edge used by one patch triangle only, its rim, has zero offset) or a crack (every other edge is
 * shared by exactly two triangles with the same bits at both ends). */
typedef struct patch_edge {
    float a[3], b[3];
    float offset_a, offset_b;
} patch_edge;

static int edge_cmp(const void *x, const void *y)
{
    const patch_edge *p = x, *q = y;
    int c = memcmp(p->a, q->a, sizeof p->a);
    return c ? c : memcmp(p->b, q->b, sizeof p->b);
}

static void patch_should_carry_the_relief_and_meet_the_head_without_a_step(void **state)
{
    fixture *f = *state;
    render_scar_patch patch;
    smp_error err = {0};
    assert_int_equal(render_scar_patch_create(&patch, &f->scene.head, &f->scene.scars, 0.0f, &err), SMP_OK);
    print_message("patch: %d vertices, %d triangles, relief %.3f mm\n", patch.vertex_count,
                  patch.triangle_count, patch.relief_mm);
    assert_true(patch.triangle_count > 1000);
    assert_near(patch.relief_mm, f->scene.scars.max_depth_mm, 0.02);
    size_t ne = 3 * (size_t)patch.triangle_count;
    patch_edge *e = malloc(sizeof *e * ne);
    double longest = 0.0;
    for (int t = 0; t < patch.triangle_count; ++t)
        for (int k = 0; k < 3; ++k) {
            const float *va = patch.vertices + RENDER_SCAR_PATCH_FLOATS * patch.indices[3 * t + k];
            const float *vb = patch.vertices + RENDER_SCAR_PATCH_FLOATS * patch.indices[3 * t + (k + 1) % 3];
            if (memcmp(va, vb, 3 * sizeof(float)) > 0) {
                const float *tmp = va;
                va = vb, vb = tmp;
            }
            patch_edge *x = &e[3 * (size_t)t + (size_t)k];
            memcpy(x->a, va, sizeof x->a);
            memcpy(x->b, vb, sizeof x->b);
            x->offset_a = va[8], x->offset_b = vb[8];
            longest =
                fmax(longest, sqrt(pow(va[0] - vb[0], 2) + pow(va[1] - vb[1], 2) + pow(va[2] - vb[2], 2)));
        }
    qsort(e, ne, sizeof *e, edge_cmp);
    int rim = 0, shared = 0;
    for (size_t i = 0; i < ne;) {
        size_t j = i + 1;
        while (j < ne && edge_cmp(&e[i], &e[j]) == 0)
            ++j;
        assert_true(j - i <= 2); /* manifold */
        if (j - i == 1) {
            ++rim;
            assert_true(e[i].offset_a == 0.0f && e[i].offset_b == 0.0f);
        } else {
            ++shared;
        }
        i = j;
    }
    print_message("patch: longest edge %.3f mm, %d rim edges, %d shared\n", longest, rim, shared);
    assert_true(longest <= RENDER_SCAR_PATCH_EDGE_MM * 1.5); /* the diagonal of a split cell */
    assert_true(rim > 100 && shared > 10 * rim);
    free(e);
    render_scar_patch_destroy(&patch);
    render_scar_patch_destroy(&patch);
}

/* A silhouette across the trough: looking along the FUT line at its middle from 12 cm, with the skin's normal
 * up in the image, the head's outline dips by the scar's depth where the line crosses it (a height field
 * alone would leave the outline straight). */
static void scar_should_notch_the_silhouette_by_its_depth(void **state)
{
    fixture *f = *state;
    float n[3], up[3], along[3];
    const scalp_scar_fut_point *m = scar_view_frame(&f->scene.scars, n, up, along);
    const double field_mm = 8.0, dist_mm = 120.0, mm_per_px = field_mm / W;
    const float back[3] = {-along[0], -along[1], -along[2]};
    scene_camera cam = scar_view_camera(m->position_mm, back, n, dist_mm, field_mm * H / W);
    scene_light light = scene_light_named("overcast");
    render_frame frame;
    scene_frame(&f->scene, &cam, &light, scene_default_days(&f->scene), W, H, &frame);
    uint8_t *rgba = malloc((size_t)W * H * 4);
    smp_error err = {0};
    if (render_frame_read_srgb8(f->rc, &frame, rgba, &err) != SMP_OK) fail_msg("%s", err.message);
    render_stats stats;
    render_stats_get(f->rc, &stats);
    assert_true(stats.scar_patch_drawn);
    /* The outline: per column, the first row from the top that is not the backdrop. */
    const uint8_t *bg = rgba;
    double edge[W];
    for (int x = 0; x < W; ++x) {
        edge[x] = H;
        for (int y = 0; y < H; ++y) {
            const uint8_t *p = rgba + 4 * ((size_t)y * W + x);
            if (abs(p[0] - bg[0]) + abs(p[1] - bg[1]) + abs(p[2] - bg[2]) > 24) {
                edge[x] = y;
                break;
            }
        }
    }
    /* The outline's own curve from the columns more than 2 mm from the line (beyond the trough's rim at 1.35
     * half-widths), a least-squares parabola, and the dip below it in the middle. */
    double a[3][4] = {{0}};
    for (int x = 0; x < W; ++x) {
        double u = (x - W / 2.0) / W;
        if (fabs(u) * field_mm < 2.0) continue;
        double b[3] = {1.0, u, u * u};
        for (int i = 0; i < 3; ++i) {
            for (int j = 0; j < 3; ++j)
                a[i][j] += b[i] * b[j];
            a[i][3] += b[i] * edge[x];
        }
    }
    for (int i = 0; i < 3; ++i) /* Gauss-Jordan on the 3 x 3 normal equations */
        for (int r = 0; r < 3; ++r) {
            if (r == i) continue;
            double q = a[r][i] / a[i][i];
            for (int c = 0; c < 4; ++c)
                a[r][c] -= q * a[i][c];
        }
    double coef[3] = {a[0][3] / a[0][0], a[1][3] / a[1][1], a[2][3] / a[2][2]};
    double dip = 0.0, l = edge[0], r = edge[W - 1];
    for (int x = W / 3; x < 2 * W / 3; ++x) {
        double u = (x - W / 2.0) / W;
        dip = fmax(dip, edge[x] - (coef[0] + coef[1] * u + coef[2] * u * u));
    }
    if (getenv("SMP_TEST_DUMP")) {
        FILE *fp = fopen(getenv("SMP_TEST_DUMP"), "wb");
        fprintf(fp, "P6 %d %d 255\n", W, H);
        for (size_t i = 0; i < (size_t)W * H; ++i)
            fwrite(rgba + 4 * i, 1, 3, fp);
        fclose(fp);
    }
    print_message("silhouette: outline %.0f..%.0f px, dip %.0f px = %.2f mm for a %.2f mm deep scar\n", l, r,
                  dip, dip * mm_per_px, m->depth_mm);
    assert_true(l > 10 && l < H - 10 && r > 10 && r < H - 10); /* the outline is in the picture */
    assert_in_range_d(dip * mm_per_px, 0.65 * m->depth_mm, 1.35 * m->depth_mm);
    free(rgba);
}

/* The fixture's scene with another plan seed (the FUT line's irregular edge is drawn from it), uploaded. */
static void scene_reseed(fixture *f, uint64_t seed)
{
    plan pl = f->scene.plan;
    pl.seed = seed;
    smp_error err = {0};
    if (scene_set_plan(&f->scene, &pl, &err) != SMP_OK ||
        render_scene_set(f->rc, &f->scene.head, &f->scene.field, &err) != SMP_OK ||
        render_scene_set_scars(f->rc, &f->scene.head, &f->scene.scars, &err) != SMP_OK)
        fail_msg("%s", err.message);
}

static void scar_should_show_more_under_raking_light_across_it_than_under_light_along_the_normal(void **state)
{
    fixture *f = *state;
    /* Raking: 7 degrees above the skin, across the line. High: 60 degrees above the skin, leaning along
     * the line (not straight down the camera's axis, where the shiny tissue would flash a mirror
     * highlight that is a different effect). One line's irregular edge moves its raking visibility by
     * about +-0.03 (seeds 1-5 gave 0.40-0.47 on the same head), so the claim is tested on the mean of five
     * lines, not on one draw. */
    enum { SEEDS = 5 };
    const uint64_t seed0 = f->scene.plan.seed;
    double visibility[2] = {0.0, 0.0};
    const double elevations_deg[2] = {7.0, 60.0};
    for (int i = 0; i < SEEDS; ++i) {
        scene_reseed(f, seed0 + (uint64_t)i);
        float n[3], up[3], along[3];
        scar_frame(f, n, up, along);
        for (int k = 0; k < 2; ++k) {
            double e = elevations_deg[k] * SMP_PI / 180.0;
            const float *dir = k == 0 ? up : along;
            float l[3];
            for (int c = 0; c < 3; ++c)
                l[c] = (float)(cos(e) * dir[c] + sin(e) * n[c]);
            scene_light light = scar_view_light("daylight", l);
            double profile[H];
            render_profile(f, &light, profile);
            double v = band_visibility(profile);
            print_message("seed %llu: scar visibility %s %.3f\n", (unsigned long long)(seed0 + (uint64_t)i),
                          k == 0 ? "raking" : "high", v);
            visibility[k] += v / SEEDS;
        }
    }
    scene_reseed(f, seed0);
    print_message("scar visibility, mean of %d lines: raking %.3f, high %.3f\n", SEEDS, visibility[0],
                  visibility[1]);
    /* The trough's step (one lit wall, a shadowed floor) is far stronger than the pale band alone. */
    assert_true(visibility[0] > 2.0 * visibility[1]);
    /* Subsurface scattering carries light from the lit wall into the shadowed floor (measured 0.47 on one
     * line of the old head, 0.433 on the mean of five on this one). */
    assert_true(visibility[0] > 0.4);
}

static void scar_should_be_paler_than_the_skin_around_it_under_diffuse_light(void **state)
{
    fixture *f = *state;
    float n[3], up[3], along[3];
    scar_frame(f, n, up, along);
    float l[3];
    for (int c = 0; c < 3; ++c)
        l[c] = 0.5f * along[c] + 0.866f * n[c];
    scene_light light = scar_view_light("office", l);
    double profile[H];
    render_profile(f, &light, profile);
    /* The brightest row near the middle (the scar is within 3 mm of the framed point) against the skin
     * 4-7 mm above and below it. */
    const double px_per_mm = W / 60.0;
    int best = H / 2;
    for (int y = H / 2 - (int)(3 * px_per_mm); y <= H / 2 + (int)(3 * px_per_mm); ++y)
        if (profile[y] > profile[best]) best = y;
    double skin = 0.0;
    int count = 0;
    for (int d = (int)(4 * px_per_mm); d <= (int)(7 * px_per_mm); ++d, count += 2)
        skin += profile[best - d] + profile[best + d];
    skin /= count;
    assert_true(profile[best] > skin + 8.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bake_should_hold_the_relief_and_tissue_where_the_scar_is),
        cmocka_unit_test(patch_should_carry_the_relief_and_meet_the_head_without_a_step),
        cmocka_unit_test(scar_should_notch_the_silhouette_by_its_depth),
        cmocka_unit_test(
            scar_should_show_more_under_raking_light_across_it_than_under_light_along_the_normal),
        cmocka_unit_test(scar_should_be_paler_than_the_skin_around_it_under_diffuse_light),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
