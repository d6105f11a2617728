/* The compare views: side by side A | B (B's plan, scene and captured image, the lens shift, captions). */
#include "ui/window_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const side_kind_names[SIDE_KIND_COUNT] = {"year", "light", "depth", "shade", "plan"};

/* Whether B is drawn from A's scene (a time or a light of its own, or no plan B given yet). */
bool side_shares_scene(const view_state *vs)
{
    return vs->side_kind == SIDE_YEAR || vs->side_kind == SIDE_LIGHT ||
           (vs->side_kind == SIDE_PLAN && !vs->side_plan_set);
}

/* B's plan for the plan-changing kinds (depth, shade, another plan); false for the kinds that share A's
 * scene. */
bool side_b_plan(const view_state *vs, const plan *a, plan *b)
{
    *b = *a;
    if (vs->side_kind == SIDE_DEPTH)
        b->pigment.depth_mm = vs->side_depth_mm;
    else if (vs->side_kind == SIDE_SHADE)
        b->pigment.shade = vs->side_shade;
    else if (vs->side_kind == SIDE_PLAN && vs->side_plan_set)
        *b = vs->side_plan;
    else
        return false;
    return true;
}

/* B's caption: "B: +10 years", "B: bathroom", "B: 1.50 mm deep", ... */
void side_caption(const view_state *vs, char *out, size_t size)
{
    switch (vs->side_kind) {
    case SIDE_YEAR:
        snprintf(out, size, "B: day %.0f (%.1f years)", vs->side_t_days, vs->side_t_days / 365.25);
        break;
    case SIDE_LIGHT:
        snprintf(out, size, "B: %s light", scene_light_preset_at(vs->side_preset)->name);
        break;
    case SIDE_DEPTH:
        snprintf(out, size, "B: ink %.2f mm deep", vs->side_depth_mm);
        break;
    case SIDE_SHADE:
        snprintf(out, size, "B: shade %.2f", vs->side_shade);
        break;
    default:
        snprintf(out, size, "B: %s", vs->side_plan_set ? vs->side_caption : "drop a plan file to compare");
        break;
    }
}

/* A plan file dropped while the A | B compare is by plan: it becomes B (A stays the plan being edited). */
void side_load(view_state *vs, editor *ed, const char *path)
{
    smp_error err = {0};
    if (plan_load(&vs->side_plan, path, NULL, 0, NULL, NULL, &err) != SMP_OK) {
        snprintf(ed->status, sizeof ed->status, "B not loaded: %s", err.message);
        return;
    }
    const char *name = strrchr(path, '/');
    snprintf(vs->side_caption, sizeof vs->side_caption, "%s", name ? name + 1 : path);
    vs->side_plan_set = true;
    vs->side_ready = false;
    snprintf(ed->status, sizeof ed->status, "B is %s", path);
}

/* Captures B's full-quality image (frame b describes it, at the right half's size): with A's scene for the
 * kinds that share it, else with B's scene uploaded for the capture and A's uploaded again after. */
smp_status side_capture(view_state *vs, side_scene *sb, scene_model *scene, render_context *rc,
                        const scene_camera *cam, int width, int height, float shift, smp_error *err)
{
    plan pb;
    scene_light light = vs->light;
    double t = vs->t_days;
    if (vs->side_kind == SIDE_YEAR) t = vs->side_t_days;
    if (vs->side_kind == SIDE_LIGHT) light = scene_light_of_preset(scene_light_preset_at(vs->side_preset));
    render_frame fb;
    if (!side_b_plan(vs, &scene->plan, &pb)) {
        scene_frame(scene, cam, &light, t, width, height, &fb);
        lens_shift(&fb, shift);
        return render_compare_capture(rc, &fb, err);
    }
    if (!sb->scene && !(sb->scene = calloc(1, sizeof *sb->scene)))
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory for plan B");
    /* B's dots are placed as a change of A's: where the plans ask for the same, the halves show the same dots
     * (so B is built again when A changes too). */
    if (!sb->built || !plan_equal(&sb->built_from, &pb) || !plan_equal(&sb->built_base, &scene->plan)) {
        if (sb->built) scene_destroy(sb->scene);
        sb->built = false;
        smp_status st = scene_create_from_plan_like(sb->scene, &pb, scene, "plan B", err);
        if (st != SMP_OK) return st;
        sb->built = true;
        sb->built_from = pb;
        sb->built_base = scene->plan;
    }
    scene_frame(sb->scene, cam, &light, t, width, height, &fb);
    lens_shift(&fb, shift);
    smp_status st = scene_upload(rc, sb->scene, err);
    if (st == SMP_OK) st = render_compare_capture(rc, &fb, err);
    smp_status back = scene_upload(rc, scene, err); /* A's scene again, whatever happened */
    return st != SMP_OK ? st : back;
}

/* Moves the picture sideways by dx of its own width (a lens shift: the camera's direction stays), so that the
 * head of each half of a side-by-side compare sits in the part of the half that the panels leave free. */
void lens_shift(render_frame *f, float dx)
{
    for (int c = 0; c < 4; ++c)
        f->proj[c][0] += 2.0f * dx * f->proj[c][3];
}

/* The shares of their width by which A's and B's pictures move (A right, B left) to the middle of the space
 * between the side panels; none when the panels are hidden. */
float side_shift(const view_state *vs, int w, float s, bool panels)
{
    if (!panels || vs->mode == MODE_PATIENT) return 0.0f;
    float left = (10.0f + PANEL_W) * s, right = (float)w - (10.0f + PANEL_W) * s, half = 0.5f * (float)w;
    float free_a = fmaxf(half - left, 0.0f); /* the part of A's half right of the panel */
    float free_b = fmaxf(right - half, 0.0f);
    /* A's centre moves from half/2 to the middle of its free part, the same for B mirrored. */
    float da = (half - 0.5f * free_a) - 0.5f * half, db = 0.5f * half - 0.5f * free_b;
    return 0.5f * (da + db) / half;
}

/* The captions over the two halves of a side-by-side compare, beside the line between them. */
void side_captions(ui_text *text, const view_state *vs, int half, float s)
{
    char b[96];
    side_caption(vs, b, sizeof b);
    const char *a = vs->side_kind == SIDE_PLAN ? "A: the plan" : "A: as set in the panels";
    static const float bg[4] = {0.0f, 0.0f, 0.0f, 0.55f}, fg[4] = {1.0f, 1.0f, 1.0f, 1.0f};
    float lh = ui_text_line_height(text), pad = 6.0f * s;
    float wa = ui_text_width(text, a), wb = ui_text_width(text, b);
    ui_text_panel(text, (float)half - wa - 3.0f * pad, pad, wa + 2.0f * pad, lh + pad, bg);
    ui_text_print(text, (float)half - wa - 2.0f * pad, 1.5f * pad, fg, a);
    ui_text_panel(text, (float)half + pad, pad, wb + 2.0f * pad, lh + pad, bg);
    ui_text_print(text, (float)half + 2.0f * pad, 1.5f * pad, fg, b);
}
