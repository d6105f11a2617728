/* The patient's hair over the years, drawn (SMP's "plan for the worst case"): a Norwood 6 with a 1 mm shaved
 * fringe going on to a Norwood 7 in 10 years loses the stubble of the band the Norwood 7 takes (the top of
 * the fringe, widest at the back), so that band reads lighter at year 10 than at year 0, close up; greying
 * makes the stubble that stays lighter and less saturated. Time is a frame field: scrubbing it never uploads
 * the hair again. Properties of images, never exact pixels. No GL context: skipped (exit 77). */
#include "test_util.h"

#include "gl_context.h"
#include "scene_reuse.h"

#include "scene/draw.h"
#include "scene/image.h"
#include "ui/headless.h"
#include "scene/scene.h"

#include <cglm/cglm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define W 480
#define H 360

typedef struct fixture {
    ui_gl *gl;
    render_context *rc;
    test_scene
        scene; /* one scene, its plan replaced for each progression (scene_reuse.h: the head is kept) */
} fixture;

static int setup_all(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    /* Small textures: the close-up needs no 4096 chart. */
    render_context_desc desc = {.coverage_size = 2048, .shadow_map_size = 2048};
    if (test_gl_open_desc(&f->gl, &f->rc, &desc) != 0) return -1;
    *state = f;
    return 0;
}

static int teardown_all(void **state)
{
    fixture *f = *state;
    test_scene_destroy(&f->scene);
    test_gl_close(f->gl, f->rc);
    free(f);
    return 0;
}

/* The built-in plan with a 1 mm shaved fringe and the given progression, built and uploaded. */
static scene_model *scene_with(fixture *f, const plan_progression *progression)
{
    plan pl;
    plan_init_default(&pl);
    pl.patient.hair_length_mm = 1.0;
    pl.progression = *progression;
    return test_scene_show_plan(&f->scene, f->rc, &pl, "test");
}

/* A close-up (60 mm field from 250 mm, as the named close-ups) looking straight at surface point p. */
static scene_camera closeup_at(const float p[3], const float n[3])
{
    scene_camera cam;
    for (int k = 0; k < 3; ++k) {
        cam.target_mm[k] = p[k];
        cam.eye_mm[k] = p[k] + 250.0f * n[k];
    }
    cam.up[0] = 0.0f, cam.up[1] = 1.0f, cam.up[2] = 0.0f;
    cam.fov_y_deg = 2.0f * atanf(0.5f * 60.0f / (float)(W / (double)H) / 250.0f) * 180.0f / (float)SMP_PI;
    return cam;
}

/* The surface point whose close-up centre (a 20 mm square around it) lies deepest in the band the Norwood 7
 * takes from a Norwood 6: the largest loss w_now - w_later at the worst of 25 points of the square. That is
 * at the back, where the fringe drops from 30 mm above the inion to it (at the sides it drops by 17 mm only,
 * less than the soft edges of the pattern zones). */
static void band_point(const scene_model *s, float p[3], float n[3])
{
    const scalp_head *head = &s->head;
    float best = -INFINITY;
    for (int v = 0; v < head->mesh.vertex_count; v += 3) {
        const float *q = head->mesh.positions_mm + 3 * v, *qn = head->mesh.normals + 3 * v;
        if (qn[1] > 0.5f) continue;
        float t1[3], t2[3];
        glm_vec3_cross((float[3]){0.0f, 1.0f, 0.0f}, (float *)qn, t1);
        glm_vec3_normalize(t1);
        glm_vec3_cross((float *)qn, t1, t2);
        float worst = INFINITY;
        for (int i = -2; i <= 2; ++i)
            for (int j = -2; j <= 2; ++j) {
                float r[3];
                for (int k = 0; k < 3; ++k)
                    r[k] = q[k] + 5.0f * ((float)i * t1[k] + (float)j * t2[k]);
                float now = scalp_native_hair_fraction(head, &s->plan.patient, r);
                worst = fminf(worst, now - scalp_pattern_hair_fraction(head, PLAN_PATTERN_NORWOOD_7, r));
            }
        if (worst > best) best = worst, memcpy(p, q, sizeof(float[3])), memcpy(n, qn, sizeof(float[3]));
    }
    print_message("band: worst loss %.2f at (%.0f, %.0f, %.0f)\n", best, p[0], p[1], p[2]);
    assert_true(best > 0.6f);
}

typedef struct tone {
    double luma;       /* mean luma of the centre, sRGB 0..255 */
    double saturation; /* (max - min) / max of the centre's mean linear colour */
} tone;

static double decode(uint8_t c)
{
    double x = c / 255.0;
    return x <= 0.04045 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4);
}

/* The frame at the healed day with the hair at `years` (dots and skin unchanged: only the hair's time moves);
 * the centre third of the image. */
static tone render_tone(fixture *f, const scene_model *s, const scene_camera *cam, double years, bool hidden)
{
    scene_light light = scene_light_named("office");
    render_frame frame;
    scene_frame(s, cam, &light, scene_default_days(s), W, H, &frame);
    frame.years = (float)years;
    frame.hair_hidden = hidden;
    uint8_t *rgba = malloc((size_t)W * H * 4);
    smp_error err = {0};
    if (render_frame_read_srgb8(f->rc, &frame, rgba, &err) != SMP_OK) fail_msg("%s", err.message);
    double l = 0.0, lin[3] = {0, 0, 0};
    int n = 0;
    for (int y = H / 3; y < 2 * H / 3; ++y)
        for (int x = W / 3; x < 2 * W / 3; ++x, ++n) {
            const uint8_t *px = rgba + 4 * ((size_t)y * W + x);
            l += 0.2126 * px[0] + 0.7152 * px[1] + 0.0722 * px[2];
            for (int k = 0; k < 3; ++k)
                lin[k] += decode(px[k]);
        }
    free(rgba);
    double mx = fmax(lin[0], fmax(lin[1], lin[2])), mn = fmin(lin[0], fmin(lin[1], lin[2]));
    return (tone){l / n, (mx - mn) / mx};
}

static void lost_hair_should_leave_the_band_a_norwood_7_takes_lighter_at_year_10(void **state)
{
    fixture *f = *state;
    scene_model *s = scene_with(
        f, &(plan_progression){
               .pattern = PLAN_PATTERN_NORWOOD_7, .years = 10, .grey_fraction = PLAN_NONE, .grey_years = 10});
    float p[3], n[3];
    band_point(s, p, n);
    scene_camera cam = closeup_at(p, n);
    tone y0 = render_tone(f, s, &cam, 0.0, false), y5 = render_tone(f, s, &cam, 5.0, false);
    tone y10 = render_tone(f, s, &cam, 10.0, false), bare = render_tone(f, s, &cam, 10.0, true);
    print_message("band: luma year 0 %.1f, year 5 %.1f, year 10 %.1f, no hair %.1f\n", y0.luma, y5.luma,
                  y10.luma, bare.luma);
    /* The 1 mm stubble darkens the skin (by about 8 of 94 at the back, which the office light reaches from
     * above); by year 10 most of it is gone, about half of that by year 5. */
    assert_true(bare.luma - y0.luma > 4.0);
    assert_true(y10.luma > y0.luma + 0.7 * (bare.luma - y0.luma));
    assert_true(y5.luma > y0.luma + 0.25 * (bare.luma - y0.luma));
    assert_true(y5.luma < y10.luma);
    /* The fringe a Norwood 7 keeps keeps its stubble (the named side close-up, 25 mm above the ear top). */
    cam = scene_view_camera(s, SCENE_VIEW_CLOSEUP_SIDE, 0.0, (double)W / H);
    tone k0 = render_tone(f, s, &cam, 0.0, false), k10 = render_tone(f, s, &cam, 10.0, false);
    print_message("kept fringe: luma year 0 %.1f, year 10 %.1f\n", k0.luma, k10.luma);
    assert_near(k10.luma, k0.luma, 0.5);
}

static void greying_should_make_the_stubble_lighter_and_less_saturated(void **state)
{
    fixture *f = *state;
    scene_model *s =
        scene_with(f, &(plan_progression){
                          .pattern = PLAN_PATTERN_NONE, .years = 10, .grey_fraction = 1.0, .grey_years = 10});
    scene_camera cam = scene_view_camera(s, SCENE_VIEW_CLOSEUP_SIDE, 0.0, (double)W / H);
    tone y0 = render_tone(f, s, &cam, 0.0, false), y5 = render_tone(f, s, &cam, 5.0, false);
    tone y10 = render_tone(f, s, &cam, 10.0, false);
    print_message("fringe: luma %.1f -> %.1f -> %.1f, saturation %.3f -> %.3f -> %.3f over 0, 5, 10 years\n",
                  y0.luma, y5.luma, y10.luma, y0.saturation, y5.saturation, y10.saturation);
    assert_true(y5.luma > y0.luma + 2.0);
    assert_true(y10.luma > y5.luma + 2.0);
    assert_true(y10.saturation < y0.saturation - 0.02);
}

/* The frame's years follow the scene's days, and moving them costs no upload of the hair. The hair's layer
 * over the skin (scalp/hair_layer.h) is splatted again only when the hairs lost by then change: moving the
 * camera or staying at a year does not. */
static void scrubbing_time_should_not_upload_the_hair_again(void **state)
{
    fixture *f = *state;
    scene_model *s = scene_with(
        f, &(plan_progression){
               .pattern = PLAN_PATTERN_NORWOOD_7, .years = 10, .grey_fraction = 0.5, .grey_years = 10});
    render_stats before, after;
    render_stats_get(f->rc, &before);
    scene_camera cam = scene_view_camera(s, SCENE_VIEW_LEFT, 0.0, (double)W / H);
    scene_light light = scene_light_named("office");
    uint8_t *rgba = malloc((size_t)W * H * 4);
    int splats[4];
    for (int year = 0; year <= 12; year += 4) {
        render_frame frame;
        scene_frame(s, &cam, &light, year * 365.25, W, H, &frame);
        assert_near(frame.years, year, 1e-5);
        smp_error err = {0};
        if (render_frame_read_srgb8(f->rc, &frame, rgba, &err) != SMP_OK) fail_msg("%s", err.message);
        render_stats mid;
        render_stats_get(f->rc, &mid);
        splats[year / 4] = mid.hair_layer_splats;
    }
    /* The same year from another side: nothing to splat. */
    render_frame frame;
    cam = scene_view_camera(s, SCENE_VIEW_RIGHT, 0.0, (double)W / H);
    scene_frame(s, &cam, &light, 12 * 365.25, W, H, &frame);
    smp_error err = {0};
    if (render_frame_read_srgb8(f->rc, &frame, rgba, &err) != SMP_OK) fail_msg("%s", err.message);
    free(rgba);
    render_stats_get(f->rc, &after);
    assert_true(before.hair_uploads >= 1);
    assert_int_equal(after.hair_uploads, before.hair_uploads);
    print_message("layer splats after years 0, 4, 8, 12: %d %d %d %d, then from the other side %d\n",
                  splats[0], splats[1], splats[2], splats[3], after.hair_layer_splats);
    /* A Norwood 7 takes hair in every 4-year step here. */
    for (int k = 1; k < 4; ++k)
        assert_int_equal(splats[k], splats[k - 1] + 1);
    assert_int_equal(after.hair_layer_splats, splats[3]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lost_hair_should_leave_the_band_a_norwood_7_takes_lighter_at_year_10),
        cmocka_unit_test(greying_should_make_the_stubble_lighter_and_less_saturated),
        cmocka_unit_test(scrubbing_time_should_not_upload_the_hair_again),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
