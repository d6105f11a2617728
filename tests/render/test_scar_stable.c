/* Stable placement in the image (SDL offscreen, Mesa llvmpipe): at the closeup-scar view, adding a FUT scar
 * to the plan, or resizing it, changes the picture only in a band around the scar; elsewhere the same seed
 * gives the same dots and stubble, so a before/after comparison of the scar is possible. The band is the
 * scars' reach plus the placement margin (pigment_field.scar_margin_mm, docs/model.md "Dots") plus 1 mm for
 * what the renderer spreads (subsurface scattering, the dots' optical blur), measured in the image at the
 * framed point's scale. No GL context: skipped (exit 77), never passed. */
#include "test_util.h"

#include "gl_context.h"

#include "scene/draw.h"
#include "scene/image.h"
#include "ui/headless.h"
#include "scene/scene.h"
#include "ui/ui.h"

#include <cglm/cglm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { W = 480, H = 360 };
/* A pixel "differs" when a channel moves by more than this many 8-bit levels. */
#define LEVELS 3

#define FUT_20                                                                                               \
    "scars=[{\"type\":\"fut\",\"length_cm\":20,\"width_mm\":2,\"height_above_nape_cm\":6,\"depth_mm\":0.4}]"
#define FUE_ONLY "scars=[{\"type\":\"fue\",\"count\":1500,\"diameter_mm\":0.9,\"depth_mm\":0.15}]"
#define FUT_FUE                                                                                              \
    "scars=[{\"type\":\"fut\",\"length_cm\":20,\"width_mm\":2,\"height_above_nape_cm\":6,\"depth_mm\":0.4}," \
    "{\"type\":\"fue\",\"count\":1500,\"diameter_mm\":0.9,\"depth_mm\":0.15}]"
#define FUT_14                                                                                               \
    "scars=[{\"type\":\"fut\",\"length_cm\":14,\"width_mm\":3,\"height_above_nape_cm\":6,\"depth_mm\":0.4}]"

typedef test_gl_fixture fixture; /* gl_context.h: a context and a renderer for the group */

/* The built-in plan with scars set to scars_set ("scars=[...]"), rendered at the closeup-scar view under the
 * default light and time; the frame comes back for projecting points. */
static uint8_t *render_scars(fixture *f, const char *scars_set, scene_model *scene, render_frame *frame)
{
    scene_source opts = {.sets = {scars_set}, .set_count = 1};
    smp_error err = {0};
    if (scene_load(scene, &opts, NULL, &err) != SMP_OK || scene_upload(f->rc, scene, &err) != SMP_OK)
        fail_msg("%s", err.message);
    scene_camera cam = scene_view_camera(scene, SCENE_VIEW_CLOSEUP_SCAR, 0.0, (double)W / H);
    scene_light light = scene_light_named(NULL);
    scene_frame(scene, &cam, &light, scene_default_days(scene), W, H, frame);
    uint8_t *rgba = malloc((size_t)W * H * 4);
    if (render_frame_read_srgb8(f->rc, frame, rgba, &err) != SMP_OK) fail_msg("%s", err.message);
    return rgba;
}

/* Marks in band[] every pixel within band_px of the projection of a FUT line of scars. */
static void mark_band(const scalp_scar_set *scars, const render_frame *frame, float band_px, uint8_t *band)
{
    mat4 vp;
    glm_mat4_mul((vec4 *)frame->proj, (vec4 *)frame->view, vp);
    for (int i = 0; i < scars->point_count; ++i) {
        vec4 p = {scars->points[i].position_mm[0], scars->points[i].position_mm[1],
                  scars->points[i].position_mm[2], 1.0f},
             c;
        glm_mat4_mulv(vp, p, c);
        if (c[3] <= 0.0f) continue;
        float x = (c[0] / c[3] * 0.5f + 0.5f) * W, y = (0.5f - c[1] / c[3] * 0.5f) * H;
        for (int py = (int)(y - band_px) - 1; py <= (int)(y + band_px) + 1; ++py)
            for (int px = (int)(x - band_px) - 1; px <= (int)(x + band_px) + 1; ++px) {
                if (px < 0 || py < 0 || px >= W || py >= H) continue;
                float dx = (float)px + 0.5f - x, dy = (float)py + 0.5f - y;
                if (dx * dx + dy * dy <= band_px * band_px) band[py * W + px] = 1;
            }
    }
}

/* Share of the pixels that differ, over the whole image and outside the band. */
static void differing_shares(const uint8_t *a, const uint8_t *b, const uint8_t *band, double *all,
                             double *outside, double *band_share)
{
    long n_diff = 0, n_out = 0, n_out_diff = 0, n_band = 0, n_any = 0, n_out_any = 0;
    for (int i = 0; i < W * H; ++i) {
        int d = 0;
        for (int k = 0; k < 3; ++k) {
            int e = abs((int)a[4 * i + k] - (int)b[4 * i + k]);
            if (e > d) d = e;
        }
        bool differs = d > LEVELS;
        n_diff += differs;
        n_any += d > 0;
        n_out_any += d > 0 && !band[i];
        if (band[i]) {
            n_band++;
        } else {
            n_out++;
            n_out_diff += differs;
        }
    }
    *all = (double)n_diff / (W * H);
    *outside = n_out ? (double)n_out_diff / n_out : 0.0;
    *band_share = (double)n_band / (W * H);
    print_message("  (any change at all: %.1f %% of the image, %.2f %% outside the band)\n",
                  100.0 * n_any / (W * H), n_out ? 100.0 * n_out_any / n_out : 0.0);
}

/* The band's half-width in pixels: the widest scar's reach plus the dots' and the follicles' margins plus
 * 1 mm, at the framed point (the close-up's field is 60 mm across the image's width). */
static float band_px_for(const scene_model *a, const scene_model *b)
{
    float reach = fmaxf(a->scars.max_reach_mm, b->scars.max_reach_mm);
    float margin = fmaxf(fmaxf(a->field.scar_margin_mm, b->field.scar_margin_mm), SCALP_HAIR_SCAR_MARGIN_MM);
    return (reach + margin + 1.0f) * (float)W / 60.0f;
}

static void compare(fixture *f, const char *set_a, const char *set_b, const char *what)
{
    scene_model sa, sb;
    render_frame fa, fb;
    uint8_t *a = render_scars(f, set_a, &sa, &fa);
    uint8_t *b = render_scars(f, set_b, &sb, &fb);
    /* The same view: the close-up aims at the FUT line's height, which both plans share. */
    assert_memory_equal(fa.view, fb.view, sizeof fa.view);
    uint8_t *band = calloc((size_t)W * H, 1);
    float band_px = band_px_for(&sa, &sb);
    mark_band(&sa.scars, &fa, band_px, band);
    mark_band(&sb.scars, &fb, band_px, band);
    double all, outside, band_share;
    differing_shares(a, b, band, &all, &outside, &band_share);
    print_message(
        "%s: %.1f %% of the pixels differ by more than %d levels; %.2f %% outside the band of +-%.1f mm "
        "(%.0f %% of the image)\n",
        what, 100.0 * all, LEVELS, 100.0 * outside, band_px * 60.0 / W, 100.0 * band_share);
    /* Outside the band nothing was placed differently; what is left is the renderer's own reach (a shadow
     * or a blur that crosses the band's edge). */
    assert_true(band_share < 0.6);
    assert_true(outside < 0.02);
    free(band);
    free(a);
    free(b);
    scene_destroy(&sa);
    scene_destroy(&sb);
}

static void adding_a_fut_scar_should_change_the_closeup_only_in_a_band_around_it(void **state)
{
    compare(*state, "scars=[]", FUT_20, "no scar against a 20 cm FUT");
}

static void resizing_a_fut_scar_should_change_the_closeup_only_in_a_band_around_it(void **state)
{
    compare(*state, FUT_20, FUT_14, "a 20 cm x 2 mm FUT against 14 cm x 3 mm");
}

static void
adding_a_fut_scar_to_a_fue_field_should_change_the_closeup_only_in_a_band_around_the_line(void **state)
{
    /* The built-in plan's scars against its FUE field alone: the punches are all over the close-up, the band
     * is the line's. */
    compare(*state, FUE_ONLY, FUT_FUE, "a FUE field against the FUT line and the FUE field");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(adding_a_fut_scar_should_change_the_closeup_only_in_a_band_around_it),
        cmocka_unit_test(resizing_a_fut_scar_should_change_the_closeup_only_in_a_band_around_it),
        cmocka_unit_test(
            adding_a_fut_scar_to_a_fue_field_should_change_the_closeup_only_in_a_band_around_the_line),
    };
    return cmocka_run_group_tests(tests, test_gl_setup, test_gl_teardown);
}
