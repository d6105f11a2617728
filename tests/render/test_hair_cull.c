/* The stubble's patch cull (render/hair_patch.h) is conservative: for the built-in plan's 67,000 shafts and
 * many views (the named ones, random cameras from 12 cm to 2.5 m, random lights with the shadow map's
 * orthographic frustum and tighter ones), every shaft whose quad the shaders would put on screen lies in a
 * patch the cull keeps. The quads are computed here from the shaders' own formulas (hair.vert,
 * hair_streak.vert), corner by corner, independently of the patches' bounds; a quad counts as on screen
 * unless all four corners lie beyond one clip plane. And the cull is worth having: it leaves out a good share
 * of the shafts in far views. CPU only (no GL context). */
#include "test_util.h"

#include "render/hair_patch.h"
#include "scene/scene.h"

#include <cglm/cglm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct fixture {
    scene_model scene;
    render_hair_patches patches;
    render_frame defaults;
} fixture;

static int setup_all(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    scene_source opts;
    memset(&opts, 0, sizeof opts);
    smp_error err = {0};
    if (scene_load(&f->scene, &opts, NULL, &err) != SMP_OK ||
        render_hair_patches_init(&f->patches, &f->scene.hair, &err) != SMP_OK) {
        fprintf(stderr, "%s\n", err.message);
        return -1;
    }
    render_frame_defaults(&f->defaults);
    *state = f;
    return 0;
}

static int teardown_all(void **state)
{
    fixture *f = *state;
    render_hair_patches_deinit(&f->patches);
    scene_destroy(&f->scene);
    free(f);
    return 0;
}

/* Whether a quad with these corners can put a fragment in the view volume of vp: not all four corners beyond
 * the same clip plane. */
static bool quad_in_view(const mat4 vp, const vec3 corners[4])
{
    int out[6] = {0};
    for (int c = 0; c < 4; ++c) {
        vec4 p = {corners[c][0], corners[c][1], corners[c][2], 1.0f}, q;
        glm_mat4_mulv((vec4 *)vp, p, q);
        out[0] += q[0]<-q[3], out[1] += q[0]> q[3], out[2] += q[1] < -q[3];
        out[3] += q[1] > q[3], out[4] += q[2]<-q[3], out[5] += q[2]> q[3];
    }
    for (int k = 0; k < 6; ++k)
        if (out[k] == 4) return false;
    return true;
}

/* hair.vert's quad for shaft s (thinning and lost years left out: they only drop more); false when its
 * facing test drops it. */
static bool stubble_quad(const scalp_hair_shaft *s, const render_hair_view *v, float margin, vec3 corners[4])
{
    bool shadow = v->directional;
    float d = s->diameter_mm / (shadow ? v->subset : 1.0f), len = s->length_mm;
    vec3 dir, root, mid, view, n;
    glm_vec3_copy((float *)s->direction, dir);
    glm_vec3_copy((float *)s->root_mm, root);
    glm_vec3_copy((float *)s->normal, n);
    glm_vec3_copy(root, mid);
    glm_vec3_muladds(dir, 0.5f * len, mid);
    if (shadow) {
        glm_vec3_normalize_to((float *)v->toward, view);
    } else {
        glm_vec3_sub((float *)v->eye_mm, mid, view);
        glm_vec3_normalize(view);
    }
    if (glm_vec3_dot(n, view) < RENDER_HAIR_FACING_CUT) return false;
    vec3 axis, along, side;
    glm_vec3_scale(view, glm_vec3_dot(dir, view), axis);
    glm_vec3_sub(dir, axis, axis);
    float sl = glm_vec3_norm(axis);
    if (sl > 1e-3f) {
        glm_vec3_scale(axis, 1.0f / sl, along);
    } else {
        vec3 helper = {0.0f, 1.0f, 0.0f};
        if (fabsf(view[1]) >= 0.9f) glm_vec3_copy((vec3){1.0f, 0.0f, 0.0f}, helper);
        glm_vec3_cross(helper, view, along);
        glm_vec3_normalize(along);
    }
    glm_vec3_cross(view, along, side);
    float seen = len * sl + 0.5f * d, px = 0.0f;
    if (!shadow) {
        vec4 m4 = {mid[0], mid[1], mid[2], 1.0f}, c4;
        glm_mat4_mulv((vec4 *)v->view_proj, m4, c4);
        px = v->pixel_scale * c4[3];
    }
    float wmin = 2.0f * px, w = fmaxf(d, wmin), l = fmaxf(seen, wmin);
    float tw = fminf(fmaxf(w / d - 1.0f, 0.0f), 1.0f), tl = fminf(fmaxf(l / seen - 1.0f, 0.0f), 1.0f);
    float margin_w = tw * px, margin_l = tl * px, ls = len * sl, yc = 0.5f * seen;
    for (int c = 0; c < 4; ++c) {
        float cx = (c & 1) ? 1.0f : -1.0f, cy = (c & 2) ? 1.0f : 0.0f;
        float x = cx * (0.5f * w + margin * margin_w), y = yc + (cy - 0.5f) * (l + 2.0f * margin * margin_l);
        float yin = fminf(fmaxf(y, 0.0f), ls);
        vec3 p;
        glm_vec3_copy(root, p);
        glm_vec3_muladds(dir, ls > 1e-6f ? len * yin / ls : 0.0f, p);
        glm_vec3_muladds(along, y - yin, p);
        glm_vec3_muladds(side, x, p);
        if (!shadow) {
            vec3 to_eye;
            glm_vec3_sub((float *)v->eye_mm, p, to_eye);
            glm_vec3_normalize(to_eye);
            glm_vec3_muladds(to_eye, 0.5f * w + margin_w + 0.02f, p);
        }
        glm_vec3_copy(p, corners[c]);
    }
    return true;
}

/* hair_streak.vert's trapezoid for shaft s (thinning and pigment left out); false when its facing test drops
 * it. */
static bool streak_quad(const scalp_hair_shaft *s, const render_hair_view *v, const render_frame *fr,
                        vec3 corners[4])
{
    vec3 n, t, b, root, to_eye;
    glm_vec3_copy((float *)s->normal, n);
    glm_vec3_copy((float *)s->root_mm, root);
    glm_vec3_sub((float *)v->eye_mm, root, to_eye);
    if (glm_vec3_dot(to_eye, n) < 0.0f) return false;
    glm_vec3_scale(n, glm_vec3_dot((float *)s->direction, n), t);
    glm_vec3_sub((float *)s->direction, t, t);
    if (glm_vec3_norm(t) <= 1e-4f) glm_vec3_cross(n, (vec3){1.0f, 0.0f, 0.0f}, t);
    glm_vec3_normalize(t);
    glm_vec3_cross(n, t, b);
    float angle = fmaxf(asinf(fminf(fmaxf(glm_vec3_dot((float *)s->direction, n), 0.0f), 1.0f)),
                        RENDER_HAIR_STREAK_MIN_ANGLE);
    float tan_a = tanf(angle), d = s->diameter_mm;
    vec4 r4 = {root[0], root[1], root[2], 1.0f}, c4;
    glm_mat4_mulv((vec4 *)v->view_proj, r4, c4);
    float px = v->pixel_scale * c4[3];
    float sigma_px = 0.6f * px, sigma_d = d * 0.42466090f;
    float sigma0 = sqrtf(sigma_d * sigma_d + sigma_px * sigma_px);
    const float *depth = fr->hair_dermal_depth_mm;
    float dmax = fmaxf(depth[0], fmaxf(depth[1], depth[2]));
    float s_end = fminf(2.5f * dmax, s->bulb_depth_mm) / tan_a;
    float s0 = -3.0f * sigma0, s1 = s_end + 3.0f * sigma_px;
    for (int c = 0; c < 4; ++c) {
        float cx = (c & 1) ? 1.0f : -1.0f, cy = (c & 2) ? 1.0f : 0.0f;
        float sv = s0 + (s1 - s0) * cy, z = fmaxf(sv, 0.0f) * tan_a;
        float bz = fr->hair_dermal_blur * z;
        float half_w = 3.0f * sqrtf(sigma0 * sigma0 + bz * bz);
        vec3 p, e;
        glm_vec3_copy(root, p);
        glm_vec3_muladds(t, -sv, p);
        glm_vec3_muladds(b, cx * half_w, p);
        glm_vec3_sub((float *)v->eye_mm, p, e);
        glm_vec3_normalize(e);
        glm_vec3_muladds(e, 0.05f + 0.03f * s1, p);
        glm_vec3_copy(p, corners[c]);
    }
    return true;
}

typedef struct tally {
    long on_screen, missed, culled, hairs, views, streaks_culled;
    double cull_us;
} tally;

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec * 1e-3;
}

/* Whether a corner of quad q lies nearer than clip w far_w (0: no cut): the streaks' far path (render/hair.c)
 * leaves out only the streaks whose every point lies beyond it. */
static bool nearer_than(const mat4 vp, vec3 q[4], float far_w)
{
    if (far_w <= 0.0f) return true;
    for (int c = 0; c < 4; ++c)
        if (vp[0][3] * q[c][0] + vp[1][3] * q[c][1] + vp[2][3] * q[c][2] + vp[3][3] < far_w) return true;
    return false;
}

/* Every shaft on screen in view v (stubble, or streak too when not directional; a streak only when nearer
 * than v->streak_far_w) lies in a kept patch. */
static void check_view(fixture *f, const render_hair_view *v, tally *t)
{
    const render_hair_patches *hp = &f->patches;
    uint8_t *stubble = malloc((size_t)hp->patch_count), *streak = malloc((size_t)hp->patch_count);
    const float *depth = f->defaults.hair_dermal_depth_mm;
    double t0 = now_us();
    render_hair_patches_cull_stubble(hp, v, stubble);
    if (!v->directional)
        render_hair_patches_cull_streak(hp, v, fmaxf(depth[0], fmaxf(depth[1], depth[2])),
                                        f->defaults.hair_dermal_blur, streak);
    t->cull_us += now_us() - t0;
    const scalp_hair *hair = &f->scene.hair;
    for (int i = 0; i < hair->count; ++i) {
        const scalp_hair_shaft *s = &hair->shafts[i];
        int p = hp->patch_of[i];
        vec3 q[4];
        for (float margin = 0.0f; margin <= 1.0f; margin += 1.0f)
            if (stubble_quad(s, v, margin, q) && quad_in_view(v->view_proj, q)) {
                t->on_screen++;
                if (!stubble[p] && t->missed++ < 10)
                    fprintf(stderr, "stubble of shaft %d (patch %d) on screen but culled\n", i, p);
            }
        if (!v->directional && streak_quad(s, v, &f->defaults, q) && quad_in_view(v->view_proj, q) &&
            nearer_than(v->view_proj, q, v->streak_far_w)) {
            t->on_screen++;
            if (!streak[p] && t->missed++ < 10)
                fprintf(stderr, "streak of shaft %d (patch %d) on screen but culled\n", i, p);
        }
        t->culled += !stubble[p] && (v->directional || !streak[p]);
        t->streaks_culled += !v->directional && !streak[p];
    }
    t->hairs += hair->count;
    t->views++;
    free(stubble), free(streak);
}

static render_hair_view camera_view(const scene_camera *cam, int width, int height, float subset)
{
    mat4 view, proj;
    glm_lookat((float *)cam->eye_mm, (float *)cam->target_mm, (float *)cam->up, view);
    float dist = glm_vec3_distance((float *)cam->eye_mm, (float *)cam->target_mm);
    glm_perspective(glm_rad(cam->fov_y_deg), (float)width / (float)height, fmaxf(dist * 0.05f, 1.0f),
                    dist * 4.0f + 500.0f, proj);
    render_hair_view v = {.directional = false, .subset = subset};
    glm_mat4_mul(proj, view, v.view_proj);
    memcpy(v.eye_mm, cam->eye_mm, sizeof v.eye_mm);
    v.pixel_scale = 2.0f / (proj[1][1] * (float)height);
    return v;
}

static float frand(uint32_t *state)
{
    *state = *state * 1664525u + 1013904223u;
    return (float)(*state >> 8) * (1.0f / 16777216.0f);
}

static void random_unit(uint32_t *state, vec3 out)
{
    float z = 2.0f * frand(state) - 1.0f, a = 6.2831853f * frand(state), r = sqrtf(1.0f - z * z);
    out[0] = r * cosf(a), out[1] = z, out[2] = r * sinf(a);
}

static void cull_should_keep_every_shaft_the_cameras_can_see(void **state)
{
    fixture *f = *state;
    tally named = {0}, all = {0}, far = {0};
    const scene_view views[] = {SCENE_VIEW_FRONT,         SCENE_VIEW_TOP,
                                SCENE_VIEW_BACK,          SCENE_VIEW_LEFT,
                                SCENE_VIEW_THREE_QUARTER, SCENE_VIEW_CLOSEUP_HAIRLINE,
                                SCENE_VIEW_CLOSEUP_CROWN, SCENE_VIEW_CLOSEUP_SIDE};
    for (size_t i = 0; i < sizeof views / sizeof views[0]; ++i) {
        scene_camera cam = scene_view_camera(&f->scene, views[i], 0.0, 1280.0 / 720.0);
        render_hair_view v = camera_view(&cam, 1280, 720, 1.0f);
        check_view(f, &v, &named);
        /* The streaks' far path cutting through the head: at the view depth of the camera's target. */
        v.streak_far_w = glm_vec3_distance(cam.eye_mm, cam.target_mm);
        check_view(f, &v, &far);
    }
    /* Random cameras: 12 cm to 2.5 m from a point near the head, 10 to 60 degrees, small images too (wide
     * pixels: the footprints' widening is largest). */
    uint32_t rng = 12;
    for (int i = 0; i < 16; ++i) {
        scene_camera cam;
        vec3 dir;
        random_unit(&rng, dir);
        for (int k = 0; k < 3; ++k)
            cam.target_mm[k] = 80.0f * (frand(&rng) - 0.5f);
        cam.target_mm[1] += 60.0f;
        float dist = 120.0f * powf(2500.0f / 120.0f, frand(&rng));
        for (int k = 0; k < 3; ++k)
            cam.eye_mm[k] = cam.target_mm[k] + dist * dir[k];
        glm_vec3_copy(fabsf(dir[1]) > 0.95f ? (vec3){0.0f, 0.0f, 1.0f} : (vec3){0.0f, 1.0f, 0.0f}, cam.up);
        cam.fov_y_deg = 10.0f + 50.0f * frand(&rng);
        int height = i % 2 ? 720 : 90;
        render_hair_view v = camera_view(&cam, height * 16 / 9, height, 1.0f);
        check_view(f, &v, &all);
    }
    printf("named views: %ld shaft quads on screen, %ld missed, %.1f %% of shafts culled (both draws); "
           "random: %ld on screen, %ld missed, %.1f %% culled; %.1f us per cull of %d patches\n",
           named.on_screen, named.missed, 100.0 * named.culled / named.hairs, all.on_screen, all.missed,
           100.0 * all.culled / all.hairs, (named.cull_us + all.cull_us) / (named.views + all.views),
           f->patches.patch_count);
    printf(
        "with the streaks' far path cut at each view's target: %ld on screen, %ld missed, streaks of %.1f %% "
        "culled (%.1f %% without)\n",
        far.on_screen, far.missed, 100.0 * far.streaks_culled / far.hairs,
        100.0 * named.streaks_culled / named.hairs);
    assert_int_equal(named.missed + all.missed + far.missed, 0);
    assert_true(far.streaks_culled > named.streaks_culled + far.hairs / 20); /* the cut leaves more out */
    assert_true(named.on_screen > 0 && all.on_screen > 0);
    /* Worth having: the far views face half the head away, the close-ups see a few centimetres of it. */
    assert_true(named.culled > named.hairs / 3);
}

static void cull_should_keep_every_shaft_the_light_can_see(void **state)
{
    fixture *f = *state;
    tally t = {0};
    uint32_t rng = 7;
    for (int i = 0; i < 16; ++i) {
        vec3 l, centre = {0.0f, 60.0f, 0.0f}, eye, up = {0.0f, 1.0f, 0.0f};
        random_unit(&rng, l);
        if (fabsf(l[1]) > 0.99f) glm_vec3_copy((vec3){0.0f, 0.0f, 1.0f}, up);
        /* The shadow map's frustum (render/passes.c: the head's bounding sphere), and every other one a
         * tighter box that cuts through the head. */
        float radius = i % 2 ? 60.0f : 160.0f;
        glm_vec3_scale(l, 2.0f * radius + 200.0f, eye);
        glm_vec3_add(eye, centre, eye);
        mat4 view, proj;
        glm_lookat(eye, centre, up, view);
        glm_ortho(-radius, radius, -radius, radius, 10.0f, 4.0f * radius + 400.0f, proj);
        render_hair_view v = {.directional = true, .pixel_scale = 0.0f, .subset = i % 4 == 1 ? 0.125f : 1.0f};
        glm_mat4_mul(proj, view, v.view_proj);
        glm_vec3_scale(l, 3.0f, v.toward); /* any length */
        check_view(f, &v, &t);
    }
    printf("lights: %ld shaft quads in the map, %ld missed, %.1f %% of shafts culled, %.1f us per cull\n",
           t.on_screen, t.missed, 100.0 * t.culled / t.hairs, t.cull_us / t.views);
    assert_int_equal(t.missed, 0);
    assert_true(t.on_screen > 0);
    assert_true(t.culled > t.hairs / 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cull_should_keep_every_shaft_the_cameras_can_see),
        cmocka_unit_test(cull_should_keep_every_shaft_the_light_can_see),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
