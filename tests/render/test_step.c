/* The step (issue 10 items 2 and 7): where stubble stops at a hairless scar, low light across the scar leaves
 * the side of the scar floor next to the hair's edge in the stubble's shadow, so the edge reads as a line. A
 * scar level with the skin on a blade-shaved head (hair 0 mm) has no such edge: its pale floor stays even
 * under the same light. Looking straight at the FUT line's middle from 25 cm (12 mm field), light 8, 25 and
 * 45 degrees above the skin from the top side of the line, no dots. Headless through SDL's offscreen driver;
 * no GL context: skipped (exit 77). */
#include "test_util.h"

#include "gl_context.h"
#include "scar_view.h"

#include "scene/draw.h"
#include "scene/image.h"
#include "ui/headless.h"
#include "scene/scene.h"
#include "scalp/scalp.h"
#include "optics/colour.h"

#include <cglm/cglm.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { W = 240, H = 240 };
#define FIELD_MM 12.0

/* Row profile of a scene (uploaded) seen by cam under light: per row, the mean linear luminance of the middle
 * fifth of the columns. */
static void row_profile(render_context *rc, const scene_model *scene, const scene_camera *cam,
                        const scene_light *light, const char *dump, double profile[H])
{
    smp_error err = {0};
    render_frame f;
    scene_frame(scene, cam, light, scene_default_days(scene), W, H, &f);
    uint8_t *rgba = malloc((size_t)W * H * 4);
    if (render_frame_read_srgb8(rc, &f, rgba, &err) != SMP_OK) fail_msg("%s", err.message);
    if (dump) { /* a PPM of the picture, to look at */
        FILE *fp = fopen(dump, "wb");
        fprintf(fp, "P6 %d %d 255\n", W, H);
        for (size_t i = 0; i < (size_t)W * H; ++i)
            fwrite(rgba + 4 * i, 1, 3, fp);
        fclose(fp);
    }
    for (int y = 0; y < H; ++y) {
        double s = 0.0;
        for (int x = 2 * W / 5; x < 3 * W / 5; ++x) {
            const uint8_t *q = rgba + 4 * ((size_t)y * W + x);
            s += 0.2126 * optics_srgb8_to_linear(q[0]) + 0.7152 * optics_srgb8_to_linear(q[1]) +
                 0.0722 * optics_srgb8_to_linear(q[2]);
        }
        profile[y] = s / (W / 5);
    }
    free(rgba);
}

enum { ANGLES = 3 };

/* The evenness of the scar floor against the same head without the scar, under light grazing_deg[i] above the
 * skin: per row, the luminance with the scar over that without (so the head's own shading, which a curved
 * scalp makes steep under grazing light, cancels); the darkest over the brightest of those ratios across the
 * band's middle (within 0.6 of its half-width of the centreline) into evenness[i]. One scene: the head with
 * the scar, seen under every light, then the same head without it (scene_set_plan keeps the head). */
static void floor_evenness(render_context *rc, double hair_mm, const double grazing_deg[ANGLES],
                           double evenness[ANGLES])
{
    plan p;
    plan_init_default(&p);
    p.scar_count = 1; /* the built-in FUT line, level with the skin */
    p.scars[0].depth_mm = 0.0;
    p.patient.hair_length_mm = hair_mm;
    p.patient.pattern = PLAN_PATTERN_NONE; /* hair all round it */
    p.session_count = p.touch_up_count = 0;
    plan none = p;
    none.scar_count = 0;
    scene_model scene;
    smp_error err = {0};
    if (scene_create_from_plan(&scene, &p, "step", &err) != SMP_OK) fail_msg("%s", err.message);
    /* The camera and the light from the scar's own frame. */
    float n[3], up[3], along[3];
    const scalp_scar_fut_point *m = scar_view_frame(&scene.scars, n, up, along);
    scene_camera cam = scar_view_camera(m->position_mm, n, up, 250.0, FIELD_MM);
    double half_px = 0.5 * m->width_mm * H / FIELD_MM;
    scene_light light[ANGLES];
    for (int i = 0; i < ANGLES; ++i) {
        float e = (float)(grazing_deg[i] * SMP_PI / 180.0), l[3];
        for (int k = 0; k < 3; ++k)
            l[k] = cosf(e) * up[k] + sinf(e) * n[k];
        light[i] = scar_view_light("overcast", l);
        for (int k = 0; k < 3; ++k)
            light[i].sky_radiance[k] = light[i].ground_radiance[k] = 0.05f; /* the key rules */
    }
    static double profile[2][ANGLES][H];
    const char *base = getenv("SMP_TEST_DUMP");
    for (int s = 0; s < 2; ++s) {
        uint64_t head_id = scene.head_id, scars_id = scene.scars_id;
        if (s == 1 && scene_set_plan(&scene, &none, &err) != SMP_OK) fail_msg("%s", err.message);
        render_stats before, after;
        render_stats_get(rc, &before);
        if (scene_upload(rc, &scene, &err) != SMP_OK) fail_msg("%s", err.message);
        render_stats_get(rc, &after);
        if (s == 1) { /* the scars rebuilt and uploaded again, the head kept and not */
            assert_true(scene.head_id == head_id && scene.scars_id != scars_id);
            assert_int_equal(after.head_uploads, before.head_uploads);
            assert_int_equal(after.scar_uploads, before.scar_uploads + 1);
        }
        for (int i = 0; i < ANGLES; ++i) {
            char dump[512];
            snprintf(dump, sizeof dump, "%s-%s-%.0f-%.0f.ppm", base ? base : "", s ? "none" : "scar", hair_mm,
                     grazing_deg[i]);
            row_profile(rc, &scene, &cam, &light[i], base ? dump : NULL, profile[s][i]);
        }
    }
    scene_destroy(&scene);
    for (int i = 0; i < ANGLES; ++i) {
        double lo = INFINITY, hi = 0.0;
        for (int y = (int)(H / 2 - 0.6 * half_px); y <= (int)(H / 2 + 0.6 * half_px); ++y) {
            double r = profile[0][i][y] / fmax(profile[1][i][y], 1e-6);
            lo = fmin(lo, r), hi = fmax(hi, r);
        }
        evenness[i] = lo / hi;
    }
}

static void a_level_scar_should_show_a_step_only_where_stubble_stops_at_it(void **state)
{
    ui_gl *gl = NULL;
    render_context *rc = NULL;
    render_context_desc desc = {.shadow_map_size = 1024, .coverage_size = 1024, .samples = 4};
    if (test_gl_open_desc(&gl, &rc, &desc) != 0) fail_msg("no renderer");
    const double angles[ANGLES] = {8.0, 25.0, 45.0};
    double shaved[ANGLES], clipped[ANGLES];
    floor_evenness(rc, 0.0, angles, shaved);
    floor_evenness(rc, 3.0, angles, clipped);
    for (int i = 0; i < ANGLES; ++i) {
        print_message(
            "light %2.0f deg above the skin: scar floor's darkest / brightest row %.2f blade-shaved, %.2f "
            "beside 3 mm stubble\n",
            angles[i], shaved[i], clipped[i]);
        assert_true(shaved[i] > 0.9); /* no step: the pale floor alone, even under any light */
    }
    /* Beside stubble, the line along the hair's edge: measured 0.83 against 0.95 at 25 degrees. Under light
     * lower still the stubble's shadow reaches across the whole floor (its height over tan(elevation)), which
     * is then evenly dark. */
    assert_true(1.0 - clipped[1] > 2.0 * (1.0 - shaved[1]));
    test_gl_close(gl, rc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_level_scar_should_show_a_step_only_where_stubble_stops_at_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
