/* A photo of the patient's scalp as the skin's colour (issue 14, item 2; scalp/photo.h). The "photo" is the
 * untreated head drawn by smpsim itself from a known view under one light, with a dark mark painted on it,
 * so what the bake should recover is known:
 * - its shading is removed: the plain skin's luminance varies far less in the map than in the photo;
 * - the mark lands where it was painted on the head (the projection), kept as the photo's hair or removed;
 * - drawn under another light, the head with the photo looks like the head drawn under that light without
 *   it, block by block (the photo's light is not baked in), while the photo's own light would not.
 * And a scan's own colours (a PLY with per-vertex colours) reach the skin the same way.
 * Small images keep it short; no GL context: skipped (exit 77). */
#include "test_util.h"

#include "gl_context.h"
#include "scan_files.h"

#include "analysis/analysis.h"
#include "optics/colour.h"
#include "scene/draw.h"
#include "scene/image.h"
#include "scene/scene.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PHOTO_W 360
#define PHOTO_H 480
#define W 256
#define H 192
#define BLOCK 16

typedef struct photo_state {
    test_gl_fixture gl;
    char dir[64], photo[128];
    float mark_mm[3], plain_mm[3]; /* the painted mark's point, and plain skin 25 mm from it */
} photo_state;

static scene_light light_at(double azimuth, double elevation)
{
    scene_light l = scene_light_named("daylight");
    l.azimuth_deg = azimuth;
    l.elevation_deg = elevation;
    return l;
}

static uint8_t *draw(render_context *rc, const scene_model *s, const scene_camera *cam,
                     const scene_light *light, int w, int h, render_frame *out_frame)
{
    smp_error err = {0};
    render_frame frame;
    scene_frame(s, cam, light, scene_default_days(s), w, h, &frame);
    uint8_t *rgba = malloc((size_t)w * h * 4);
    assert_non_null(rgba);
    if (render_frame_read_srgb8(rc, &frame, rgba, &err) != SMP_OK) fail_msg("%s", err.message);
    if (out_frame) *out_frame = frame;
    return rgba;
}

/* Pixel of head point p in a frame's image (top row first). */
static void project(const render_frame *f, const float p[3], float *x, float *y)
{
    vec4 q = {p[0], p[1], p[2], 1.0f}, v, c;
    glm_mat4_mulv((vec4 *)f->view, q, v);
    glm_mat4_mulv((vec4 *)f->proj, v, c);
    *x = (c[0] / c[3] + 1.0f) * 0.5f * (float)f->width;
    *y = (1.0f - c[1] / c[3]) * 0.5f * (float)f->height;
}

/* The untreated head's plan, with the photo's camera: 0.6 m away, 45 degrees to the patient's left, 20 up. */
static void plan_untreated(plan *p)
{
    plan_init_default(p);
    p->session_count = 0;
    p->touch_up_count = 0;
    p->head.photo_azimuth_deg = 45.0;
    p->head.photo_elevation_deg = 20.0;
    p->head.photo_distance_m = 0.6;
    p->head.photo_fov_deg = 30.0;
}

static int setup(void **state)
{
    if (test_gl_fixture_open(state, &(render_context_desc){.coverage_size = 1024, .shadow_map_size = 1024}) !=
        0)
        return -1;
    photo_state *ps = realloc(*state, sizeof *ps);
    if (!ps) return -1;
    *state = ps;
    snprintf(ps->dir, sizeof ps->dir, "/tmp/smp_photo_XXXXXX");
    if (!mkdtemp(ps->dir)) return -1;
    snprintf(ps->photo, sizeof ps->photo, "%s/photo.png", ps->dir);

    /* The photo: the untreated head under a light from the patient's left front, 40 degrees up. */
    plan p;
    plan_untreated(&p);
    scene_model s;
    smp_error err = {0};
    if (scene_create_from_plan(&s, &p, "photo plan", &err) != SMP_OK ||
        scene_upload(ps->gl.rc, &s, &err) != SMP_OK)
        return fprintf(stderr, "%s\n", err.message), -1;
    scene_camera cam = scene_photo_camera(&s.head, &p.head);
    scene_light a = light_at(70.0, 40.0);
    render_frame frame;
    uint8_t *rgba = draw(ps->gl.rc, &s, &cam, &a, PHOTO_W, PHOTO_H, &frame);
    /* A dark mark 5 px across (about 1.5 mm) on the front of the scalp, 60 mm above the glabella on the
     * midline, and plain skin 25 mm behind it. */
    float n[3];
    scalp_head_midline_point(&s.head, 60.0, ps->mark_mm, n);
    scalp_head_midline_point(&s.head, 85.0, ps->plain_mm, n);
    float mx, my;
    project(&frame, ps->mark_mm, &mx, &my);
    for (int y = 0; y < PHOTO_H; y++)
        for (int x = 0; x < PHOTO_W; x++) {
            float dx = (float)x + 0.5f - mx, dy = (float)y + 0.5f - my;
            if (dx * dx + dy * dy > 2.5f * 2.5f) continue;
            for (int c = 0; c < 3; c++)
                rgba[4 * (y * PHOTO_W + x) + c] = (uint8_t)(rgba[4 * (y * PHOTO_W + x) + c] / 4);
        }
    smp_status st = scene_png_write_rgba(ps->photo, rgba, PHOTO_W, PHOTO_H, &err);
    free(rgba);
    scene_destroy(&s);
    return st == SMP_OK ? 0 : -1;
}

static int teardown(void **state)
{
    photo_state *ps = *state;
    test_dir_remove(ps->dir);
    return test_gl_teardown(state);
}

static scene_model *scene_with_photo(const photo_state *ps, plan_photo_hair hair, scene_model *s)
{
    plan p;
    plan_untreated(&p);
    snprintf(p.head.photo, sizeof p.head.photo, "%s", ps->photo);
    p.head.photo_hair = hair;
    smp_error err = {0};
    if (scene_create_from_plan(s, &p, "photo plan", &err) != SMP_OK) fail_msg("%s", err.message);
    return s;
}

static void at(const scene_model *s, const float p[3], float factor[3], float *hair, float *weight)
{
    float uv[2];
    scalp_head_uv(&s->head, p, uv);
    scalp_skin_map_sample(&s->skin_map, uv, factor, hair, weight);
}

static float lum(const float f[3])
{
    return 0.2126f * f[0] + 0.7152f * f[1] + 0.0722f * f[2];
}

static void photo_shading_removed_and_mark_placed(void **state)
{
    photo_state *ps = *state;
    scene_model keep, removed;
    scene_with_photo(ps, PLAN_PHOTO_HAIR_KEEP, &keep);
    scene_with_photo(ps, PLAN_PHOTO_HAIR_REMOVE, &removed);
    const scalp_skin_map *m = &keep.skin_map;
    printf(
        "photo: covers %.0f cm2, hair %.1f cm2; skin luminance spread %.3f in the photo, %.3f in the map\n",
        m->covered_cm2, m->hair_cm2, m->shading_spread, m->residual_spread);
    /* The photo from 45 degrees sees about a quarter of the head's 1,500 cm2. */
    assert_in_range_d(m->covered_cm2, 250, 900);
    assert_true(m->residual_spread < 0.3 * m->shading_spread);

    float f[3], hair, w;
    at(&keep, ps->mark_mm, f, &hair, &w);
    printf("mark, kept: factor %.2f %.2f %.2f, hair %.2f, weight %.2f\n", f[0], f[1], f[2], hair, w);
    assert_true(w > 0.9f);
    assert_true(hair > 0.5f);
    assert_true(lum(f) < 0.5f);
    at(&keep, ps->plain_mm, f, &hair, &w);
    printf("plain skin: factor %.2f %.2f %.2f, hair %.2f, weight %.2f\n", f[0], f[1], f[2], hair, w);
    assert_true(w > 0.9f && hair < 0.05f);
    for (int c = 0; c < 3; c++)
        assert_in_range_d(f[c], 0.9, 1.1);
    at(&removed, ps->mark_mm, f, &hair, &w);
    printf("mark, removed: factor %.2f %.2f %.2f, hair %.2f\n", f[0], f[1], f[2], hair);
    assert_true(hair == 0.0f);
    assert_in_range_d(lum(f), 0.85, 1.15);
    /* Kept, the photo's hair replaces the plan's where the photo sees the head: fewer shafts grown. */
    printf("shafts: %d with the photo's hair kept, %d removed\n", keep.hair.count, removed.hair.count);
    assert_true(keep.hair.count < removed.hair.count);
    /* A plan that changes only the photo's fields keeps the head and bakes the map again: the same map and
     * hair as a scene built afresh. */
    smp_error err = {0};
    scalp_head *head_before = &keep.head;
    float *positions_before = keep.head.mesh.positions_mm;
    uint64_t head_id = keep.head_id, map_id = keep.skin_map_id;
    if (scene_set_plan(&keep, &removed.plan, &err) != SMP_OK) fail_msg("%s", err.message);
    assert_true(head_before->mesh.positions_mm == positions_before);    /* not rebuilt */
    assert_true(keep.head_id == head_id && keep.skin_map_id != map_id); /* what scene_upload uploads again */
    assert_int_equal(keep.skin_map.size, removed.skin_map.size);
    assert_memory_equal(keep.skin_map.rgba, removed.skin_map.rgba,
                        (size_t)removed.skin_map.size * removed.skin_map.size * 4);
    assert_int_equal(keep.hair.count, removed.hair.count);
    scene_destroy(&keep);
    scene_destroy(&removed);
}

static void lab_of(const uint8_t *p, double lab[3])
{
    double rgb[3] = {optics_srgb8_to_linear(p[0]), optics_srgb8_to_linear(p[1]),
                     optics_srgb8_to_linear(p[2])};
    analysis_linear_rgb_to_lab(rgb, lab); /* the one sRGB-to-Lab of the project's measures */
}

/* Over BLOCK x BLOCK blocks that are mostly head in both images (background: the corner pixel's colour),
 * the CIEDE2000 between the blocks' mean colours: the largest and the mean. */
static void block_de(const uint8_t *a, const uint8_t *b, double *worst, double *mean)
{
    const uint8_t *bg = a;
    *worst = 0.0;
    double sum = 0.0;
    int blocks = 0;
    for (int by = 0; by + BLOCK <= H; by += BLOCK)
        for (int bx = 0; bx + BLOCK <= W; bx += BLOCK) {
            double la[3] = {0}, lb[3] = {0};
            int n = 0;
            for (int y = by; y < by + BLOCK; y++)
                for (int x = bx; x < bx + BLOCK; x++) {
                    const uint8_t *pa = a + 4 * (y * W + x), *pb = b + 4 * (y * W + x);
                    if (memcmp(pa, bg, 3) == 0 || memcmp(pb, bg, 3) == 0) continue;
                    double qa[3], qb[3];
                    lab_of(pa, qa);
                    lab_of(pb, qb);
                    for (int c = 0; c < 3; c++)
                        la[c] += qa[c], lb[c] += qb[c];
                    n++;
                }
            if (n < BLOCK * BLOCK * 3 / 4) continue;
            for (int c = 0; c < 3; c++)
                la[c] /= n, lb[c] /= n;
            double de = analysis_delta_e00(la, lb);
            sum += de;
            blocks++;
            if (de > *worst) *worst = de;
        }
    assert_true(blocks > 20);
    *mean = sum / blocks;
}

static void photo_relit_like_the_head_under_the_new_light(void **state)
{
    photo_state *ps = *state;
    scene_model with, without;
    scene_with_photo(ps, PLAN_PHOTO_HAIR_REMOVE, &with);
    plan p;
    plan_untreated(&p);
    smp_error err = {0};
    if (scene_create_from_plan(&without, &p, "plain plan", &err) != SMP_OK) fail_msg("%s", err.message);
    /* From the photo's side, under a light from the patient's right, high. */
    scene_camera cam = scene_view_camera(&with, SCENE_VIEW_THREE_QUARTER, 0.0, (double)W / H);
    scene_light b = light_at(-40.0, 60.0), a = light_at(70.0, 40.0);
    if (scene_upload(ps->gl.rc, &with, &err) != SMP_OK) fail_msg("%s", err.message);
    uint8_t *photo_b = draw(ps->gl.rc, &with, &cam, &b, W, H, NULL);
    if (scene_upload(ps->gl.rc, &without, &err) != SMP_OK) fail_msg("%s", err.message);
    uint8_t *plain_b = draw(ps->gl.rc, &without, &cam, &b, W, H, NULL);
    uint8_t *plain_a = draw(ps->gl.rc, &without, &cam, &a, W, H, NULL);
    double worst, mean, worst_a, mean_a;
    block_de(photo_b, plain_b, &worst, &mean);
    block_de(plain_a, plain_b, &worst_a, &mean_a);
    printf("under another light, with the photo vs without: blocks' dE00 mean %.2f, worst %.2f; "
           "the photo's light instead: mean %.2f, worst %.2f\n",
           mean, worst, mean_a, worst_a);
    if (getenv("SMP_TEST_KEEP_IMAGES")) {
        scene_png_write_rgba("/tmp/photo_relit.png", photo_b, W, H, &err);
        scene_png_write_rgba("/tmp/plain_relit.png", plain_b, W, H, &err);
    }
    assert_true(mean < 1.5);
    assert_true(worst < 4.0);
    /* The test tells shading apart: the photo's light would be far off. */
    assert_true(mean_a > 4.0 * mean);
    free(photo_b);
    free(plain_b);
    free(plain_a);
    scene_destroy(&with);
    scene_destroy(&without);
}

/* The procedural head written as a binary PLY whose vertices carry a colour: skin-like, with a red patch
 * 25 mm across on the left side of the scalp. */
static void write_coloured_ply(const char *path, const scalp_head *head, const float patch_mm[3])
{
    scan_mesh m = scan_mesh_of_head(head, true);
    FILE *fp = scan_file_open(path);
    fprintf(fp,
            "ply\nformat binary_little_endian 1.0\nelement vertex %d\nproperty float x\nproperty float y\n"
            "property float z\nproperty uchar red\nproperty uchar green\nproperty uchar blue\n"
            "element face %d\nproperty list uchar uint vertex_indices\nend_header\n",
            m.nv, m.nt);
    for (int v = 0; v < m.nv; v++) {
        const float *q = m.p + 3 * v;
        float d2 = 0.0f;
        for (int k = 0; k < 3; k++)
            d2 += (q[k] - patch_mm[k]) * (q[k] - patch_mm[k]);
        uint8_t rgb[3] = {200, 160, 140};
        if (d2 < 12.5f * 12.5f) rgb[1] = 90, rgb[2] = 90;
        fwrite(q, sizeof(float), 3, fp);
        fwrite(rgb, 1, 3, fp);
    }
    for (int t = 0; t < m.nt; t++) {
        uint8_t three = 3;
        fwrite(&three, 1, 1, fp);
        fwrite(m.t + 3 * t, sizeof(uint32_t), 3, fp);
    }
    fclose(fp);
    scan_mesh_free(&m);
}

static void scan_colours_reach_the_skin(void **state)
{
    photo_state *ps = *state;
    plan p;
    plan_untreated(&p);
    smp_error err = {0};
    scene_model plain, coloured;
    if (scene_create_from_plan(&plain, &p, "plain plan", &err) != SMP_OK) fail_msg("%s", err.message);
    /* The patch on the left side, 40 mm above the left ear's top. */
    float patch[3];
    const float *ear = plain.head.landmarks_mm[SCALP_LM_EAR_TOP_LEFT];
    memcpy(patch, ear, sizeof patch);
    patch[1] += 40.0f;
    float best = 1e9f;
    for (int v = 0; v < plain.head.mesh.vertex_count; v++) {
        const float *q = plain.head.mesh.positions_mm + 3 * v;
        float d = fabsf(q[1] - patch[1]) + fabsf(q[2] - ear[2]) + (q[0] > 0.0f ? 0.0f : 1e6f) - 0.2f * q[0];
        if (d < best) best = d, memcpy(patch, q, sizeof patch);
    }
    plan q = p;
    snprintf(q.head.mesh, sizeof q.head.mesh, "%s/coloured.ply", ps->dir);
    write_coloured_ply(q.head.mesh, &plain.head, patch);
    q.head.mesh_units = PLAN_MESH_UNITS_MM;
    scan_landmarks_of_head(&plain.head, 1.0, &q.head.landmarks);
    if (scene_create_from_plan(&coloured, &q, "coloured scan", &err) != SMP_OK) fail_msg("%s", err.message);
    const scalp_skin_map *m = &coloured.skin_map;
    print_message("scan colours: cover %.0f cm2; luminance spread %.3f -> %.3f\n", m->covered_cm2,
                  m->shading_spread, m->residual_spread);
    /* The whole head's surface (about 1,500 cm2 with the face and neck) is the scan's. */
    assert_true(m->covered_cm2 > 1000.0);
    float f[3], hair, w, g[3];
    at(&coloured, patch, f, &hair, &w);
    float away[3] = {-patch[0], patch[1], patch[2]}; /* the mirror point on the right side: plain skin */
    at(&coloured, away, g, &hair, &w);
    print_message("patch factor %.2f %.2f %.2f, the right side's %.2f %.2f %.2f\n", f[0], f[1], f[2], g[0],
                  g[1], g[2]);
    /* sRGB 200/90/90 against 200/160/140: green 0.10 / 0.35 of the scan's mean, red equal. */
    assert_true(f[0] / f[1] > 2.0f);
    assert_in_range_d(g[0] / g[1], 0.85, 1.15);
    /* And on screen: seen from the left, the patch is redder than the same pixel without the colours. */
    plan_head left = p.head;
    left.photo_azimuth_deg = 90.0, left.photo_elevation_deg = 20.0;
    scene_camera cam = scene_photo_camera(&plain.head, &left);
    scene_light light = light_at(60.0, 50.0);
    render_frame frame;
    if (scene_upload(ps->gl.rc, &coloured, &err) != SMP_OK) fail_msg("%s", err.message);
    uint8_t *a = draw(ps->gl.rc, &coloured, &cam, &light, W, H, &frame);
    if (scene_upload(ps->gl.rc, &plain, &err) != SMP_OK) fail_msg("%s", err.message);
    uint8_t *b = draw(ps->gl.rc, &plain, &cam, &light, W, H, NULL);
    float x, y;
    project(&frame, patch, &x, &y);
    double la[3], lb[3];
    lab_of(a + 4 * ((int)y * W + (int)x), la);
    lab_of(b + 4 * ((int)y * W + (int)x), lb);
    print_message("at the patch: a* %.1f with the scan's colours, %.1f without\n", la[1], lb[1]);
    assert_true(la[1] > lb[1] + 10.0);
    free(a);
    free(b);
    scene_destroy(&coloured);
    scene_destroy(&plain);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(photo_shading_removed_and_mark_placed),
        cmocka_unit_test(photo_relit_like_the_head_under_the_new_light),
        cmocka_unit_test(scan_colours_reach_the_skin),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
