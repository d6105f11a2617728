/* The interactive window (window.h): events in, panels and the head out, plan edits through the editor. */
#define _XOPEN_SOURCE 700 /* realpath, strdup */
#include "ui/window.h"
#include "scene/draw.h"
#include "scene/image.h"
#include "scene/fade.h"
#include "ui/autosave.h"
#include "ui/history.h"
#include "ui/widgets.h"

#include <SDL2/SDL.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct orbit {
    float target[3];
    float yaw, pitch, distance, fov_y_deg;
} orbit;

static orbit orbit_from_camera(const scene_camera *c)
{
    orbit o;
    memcpy(o.target, c->target_mm, sizeof o.target);
    float d[3];
    for (int k = 0; k < 3; ++k) d[k] = c->eye_mm[k] - c->target_mm[k];
    o.distance = sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    o.yaw = atan2f(d[0], d[2]);
    o.pitch = asinf(fminf(fmaxf(d[1] / o.distance, -1.0f), 1.0f));
    o.fov_y_deg = c->fov_y_deg;
    return o;
}

static scene_camera orbit_camera(const orbit *o)
{
    scene_camera c;
    memcpy(c.target_mm, o->target, sizeof c.target_mm);
    c.eye_mm[0] = o->target[0] + o->distance * cosf(o->pitch) * sinf(o->yaw);
    c.eye_mm[1] = o->target[1] + o->distance * sinf(o->pitch);
    c.eye_mm[2] = o->target[2] + o->distance * cosf(o->pitch) * cosf(o->yaw);
    c.up[0] = 0.0f, c.up[1] = 1.0f, c.up[2] = 0.0f;
    c.fov_y_deg = o->fov_y_deg;
    return c;
}

/* The play key runs through the timeline (scene_timeline_days) in TIMELINE_PLAY_S seconds. */
#define TIMELINE_PLAY_S 15.0

/* The light sweep (G): the key from overhead to raking and back in LIGHT_SWEEP_S seconds. */
#define LIGHT_SWEEP_S 8.0
/* Progressive refinement: the interactive path until this long after the last input, and the blend from the
 * last interactive image to the full-quality one. */
#define VIEW_SETTLE_S 0.12
#define VIEW_BLEND_S 0.25
/* Panels (logical pixels): each side's width; below WINDOW_PANELS_MIN_W the window shows the status line only. */
#define PANEL_W 330.0f
#define WINDOW_PANELS_MIN_W 1000.0f
#define UNDO_STEPS 256
#define FADE_PLOT_POINTS 120

/* What the window edits: the plan (the scene's), its undo history and autosave, where it is saved, whether
 * it changed since, the last message; pending is what the panels show, applied to the scene once no widget
 * is held (a rebuild costs about a second, so a drag is applied when it ends). */
typedef struct editor {
    char save_path[PLAN_PATH_MAX];
    bool dirty;
    bool quit_warned;
    char status[PLAN_PATH_MAX + 600];
    history *hist;
    autosave *as;
    bool offering;             /* a crashed session's plan waits for recover / discard */
    autosave_recovery offer;
    plan pending;
    history_edit pending_edit; /* what the latest panel change was, for the undo step's description */
    char pending_what[64], pending_unit[16];
    /* The doctor's numbers (scene/fade.h, at about 1 m): the healed contrast and the touch-up date, computed when
     * the plan changes; valid false when the plan puts no dots near the vertex. */
    struct {
        bool valid;
        double healed_delta_e, touch_up_years, threshold;
        char why[600];
        int count; /* the curve, thinned to at most FADE_PLOT_POINTS: years and dE00 */
        double years[FADE_PLOT_POINTS], delta_e[FADE_PLOT_POINTS], max_delta_e;
    } fade;
} editor;

/* The fade curve's numbers for the doctor's panel (no band: the curve alone is a fraction of a second). */
static void editor_fade_update(editor *ed, const scene_model *scene)
{
    scene_fade_curve c = {0};
    smp_error err = {0};
    ed->fade.valid = scene_fade_compute(scene, &(scene_fade_params){.years_max = 20.0, .band_samples = -1}, &c, &err) ==
                     SMP_OK;
    if (ed->fade.valid) {
        ed->fade.healed_delta_e = c.healed_delta_e;
        ed->fade.touch_up_years = c.touch_up_years;
        ed->fade.threshold = c.threshold_fraction;
        int step = (c.count + FADE_PLOT_POINTS - 1) / FADE_PLOT_POINTS;
        ed->fade.count = 0;
        ed->fade.max_delta_e = 0.0;
        for (int i = 0; i < c.count; i += step > 0 ? step : 1) {
            ed->fade.years[ed->fade.count] = c.years[i];
            ed->fade.delta_e[ed->fade.count++] = c.delta_e[i];
            ed->fade.max_delta_e = fmax(ed->fade.max_delta_e, c.delta_e[i]);
        }
    } else {
        snprintf(ed->fade.why, sizeof ed->fade.why, "%s", err.message);
    }
    scene_fade_curve_free(&c);
}

static void editor_autosave(editor *ed, const scene_model *scene)
{
    smp_error err = {0};
    if (autosave_save(ed->as, &scene->plan, &err) != SMP_OK) snprintf(ed->status, sizeof ed->status, "%s", err.message);
}

/* Replaces the scene's plan and re-uploads it; on failure the old plan stays and the status says why. */
static bool editor_apply(editor *ed, scene_model *scene, render_context *rc, const plan *pl)
{
    smp_error err = {0};
    bool ok = scene_set_plan(scene, pl, &err) == SMP_OK && scene_upload(rc, scene, &err) == SMP_OK;
    if (!ok) snprintf(ed->status, sizeof ed->status, "%s", err.message);
    ed->pending = scene->plan;
    if (ok) editor_fade_update(ed, scene);
    return ok;
}

/* An edit: the scene takes pl, the history a step described by edit, the autosave the plan. */
static void editor_commit(editor *ed, scene_model *scene, render_context *rc, const plan *pl, const history_edit *edit)
{
    if (plan_equal(pl, &scene->plan)) return;
    if (!editor_apply(ed, scene, rc, pl)) return;
    history_push(ed->hist, &scene->plan, edit);
    editor_autosave(ed, scene);
    ed->dirty = true;
    ed->quit_warned = false;
    ed->status[0] = '\0';
}

static void editor_undo(editor *ed, scene_model *scene, render_context *rc, bool redo)
{
    const char *what = redo ? history_redo_description(ed->hist) : history_undo_description(ed->hist);
    char done[HISTORY_DESCRIPTION_MAX];
    snprintf(done, sizeof done, "%s", what ? what : "");
    plan p;
    if (!(redo ? history_redo(ed->hist, &p) : history_undo(ed->hist, &p))) {
        snprintf(ed->status, sizeof ed->status, "nothing to %s", redo ? "redo" : "undo");
        return;
    }
    if (!editor_apply(ed, scene, rc, &p)) return;
    editor_autosave(ed, scene);
    ed->dirty = true;
    snprintf(ed->status, sizeof ed->status, "%s: %s", redo ? "redone" : "undone", done);
}

/* The keys' quick edits: D and K step the depth and the shade (Shift: down), F cycles the skin type. */
static void editor_key_edit(editor *ed, scene_model *scene, render_context *rc, SDL_Keycode key, bool shift)
{
    plan pl = scene->plan;
    double sign = shift ? -1.0 : 1.0;
    history_edit edit = {.has_values = true};
    if (key == SDLK_d) {
        pl.pigment.depth_mm = smp_clamp(pl.pigment.depth_mm + 0.05 * sign, 0.1, 3.0);
        edit = (history_edit){"needle depth", true, scene->plan.pigment.depth_mm, pl.pigment.depth_mm, "mm", NULL, 0};
    } else if (key == SDLK_k) {
        pl.pigment.shade = smp_clamp(pl.pigment.shade + 0.05 * sign, 0.0, 1.0);
        edit = (history_edit){"shade", true, scene->plan.pigment.shade, pl.pigment.shade, NULL, NULL, 0};
    } else {
        pl.patient.fitzpatrick = pl.patient.fitzpatrick % 6 + 1;
        edit = (history_edit){"skin type", true, scene->plan.patient.fitzpatrick, pl.patient.fitzpatrick, NULL, NULL, 0};
    }
    editor_commit(ed, scene, rc, &pl, &edit);
}

static void editor_save(editor *ed, const scene_model *scene)
{
    smp_error err = {0};
    if (plan_save(&scene->plan, ed->save_path, &err) != SMP_OK) {
        snprintf(ed->status, sizeof ed->status, "not saved: %s", err.message);
        return;
    }
    ed->dirty = false;
    autosave_set_plan_path(ed->as, ed->save_path, &err);
    char *full = realpath(ed->save_path, NULL);
    snprintf(ed->status, sizeof ed->status, "saved %s", full ? full : ed->save_path);
    free(full);
}

/* A plan file dropped on the window replaces the plan (unsaved edits are kept in a side file first). */
static void editor_load(editor *ed, scene_model *scene, render_context *rc, const char *path)
{
    plan pl;
    smp_error err = {0};
    if (plan_load(&pl, path, NULL, 0, NULL, NULL, &err) != SMP_OK) {
        snprintf(ed->status, sizeof ed->status, "not loaded: %s", err.message);
        return;
    }
    if (ed->dirty) {
        char side[PLAN_PATH_MAX + 16];
        snprintf(side, sizeof side, "%s.unsaved.json", ed->save_path);
        if (plan_save(&scene->plan, side, &err) != SMP_OK) {
            snprintf(ed->status, sizeof ed->status, "not loaded: unsaved edits could not be kept: %s", err.message);
            return;
        }
    }
    if (!editor_apply(ed, scene, rc, &pl)) return;
    history_reset(ed->hist, &scene->plan);
    snprintf(ed->save_path, sizeof ed->save_path, "%s", path);
    autosave_set_plan_path(ed->as, path, &err);
    editor_autosave(ed, scene);
    ed->dirty = false;
    ed->quit_warned = false;
    snprintf(ed->status, sizeof ed->status, "loaded %s", path);
}

/* Ctrl+E: the full-quality image of what the window shows (without the panels), at the window's size, to
 * smpsim-YYYYMMDD-HHMMSS.png in the working directory, with the plan, the time, the light and the view in its
 * metadata (scene_png_write): the image a patient takes home. */
static void editor_export(editor *ed, const scene_model *scene, render_context *rc, const render_frame *shown,
                          const scene_light *light, double t_days, scene_view view)
{
    smp_error err = {0};
    char path[64];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(path, sizeof path, "smpsim-%Y%m%d-%H%M%S.png", &tm);
    render_frame f = *shown;
    f.interactive = false;
    uint8_t *rgba = malloc((size_t)f.width * (size_t)f.height * 4);
    smp_status st = rgba ? render_frame_read_srgb8(rc, &f, rgba, &err)
                         : smp_error_set(&err, SMP_ERR_NOMEM, "out of memory for a %dx%d image", f.width, f.height);
    if (st == SMP_OK)
        st = scene_png_write(path, rgba, f.width, f.height, scene, light, t_days, scene_view_name(view), &err);
    free(rgba);
    char *full = st == SMP_OK ? realpath(path, NULL) : NULL;
    if (st == SMP_OK) snprintf(ed->status, sizeof ed->status, "image saved: %s", full ? full : path);
    else snprintf(ed->status, sizeof ed->status, "image not saved: %s", err.message);
    free(full);
}

/* The answer to the recovery offer: the crashed session's plan, or the one this session opened. */
static void editor_recover(editor *ed, scene_model *scene, render_context *rc, bool recover)
{
    smp_error err = {0};
    ed->offering = false;
    if (recover && editor_apply(ed, scene, rc, &ed->offer.plan)) {
        history_reset(ed->hist, &scene->plan);
        if (ed->offer.plan_path[0]) snprintf(ed->save_path, sizeof ed->save_path, "%s", ed->offer.plan_path);
        ed->dirty = true;
        if (autosave_create(&ed->as, ed->offer.plan_path, &ed->offer, &err) != SMP_OK)
            snprintf(ed->status, sizeof ed->status, "%s", err.message);
        else
            snprintf(ed->status, sizeof ed->status, "recovered the unsaved plan from %s", ed->offer.saved_local);
        return;
    }
    if (autosave_recovery_discard(&ed->offer, &err) != SMP_OK) snprintf(ed->status, sizeof ed->status, "%s", err.message);
    if (autosave_create(&ed->as, ed->save_path, NULL, &err) != SMP_OK)
        snprintf(ed->status, sizeof ed->status, "%s", err.message);
    else if (!recover)
        snprintf(ed->status, sizeof ed->status, "discarded the unsaved plan from %s", ed->offer.saved_local);
}

/* Who sits at the window: a patient (few large controls, plain words), a doctor (every parameter), a trainer
 * (animations, good and bad technique with what is wrong). */
typedef enum window_mode { MODE_PATIENT = 0, MODE_DOCTOR, MODE_TRAINER, MODE_COUNT } window_mode;
static const char *const mode_names[MODE_COUNT] = {"patient", "doctor", "trainer"};
/* The patient mode's controls are this much larger. */
#define PATIENT_SCALE 1.35f

/* The view panel's state that is not the plan. */
typedef struct view_state {
    orbit o;
    scene_view view;
    scene_light light, before_sweep;
    int preset;
    bool sweeping, playing, help;
    double sweep_u, t_days;
    window_mode mode;
    bool export_requested; /* Ctrl+E, done once the frame is described */
    bool compare;          /* before / after: the untreated head left of the split, the plan's right */
    bool compare_ready;    /* the "before" image is captured for the frame shown, at compare_w x compare_h */
    int compare_w, compare_h;
    float split;           /* 0..1 of the width */
    int technique;        /* trainer: 0 the plan as it was, 1 too deep, 2 the helmet (B of an A | B by plan) */
    /* Side by side A | B: the window's left half shows the scene as set (A), the right half the same camera
     * with one thing changed (B): the time, the light, the needle depth, the shade, or another plan. */
    bool side;
    int side_kind;               /* SIDE_YEAR .. SIDE_PLAN */
    double side_t_days;          /* B's time (SIDE_YEAR) */
    int side_preset;             /* B's light preset (SIDE_LIGHT) */
    float side_depth_mm, side_shade; /* B's needle depth and ink shade (SIDE_DEPTH, SIDE_SHADE) */
    plan side_plan;              /* B's plan (SIDE_PLAN): a dropped plan file or a technique example */
    bool side_plan_set;
    char side_caption[64];       /* what B is, in a few words (SIDE_PLAN) */
    bool side_ready;             /* B's full-quality image is captured for the frame shown */
} view_state;

/* Side by side, each picture is half the window's width: the camera steps back by this much so the head fits. */
#define SIDE_ZOOM_OUT 1.6f

enum { SIDE_YEAR = 0, SIDE_LIGHT, SIDE_DEPTH, SIDE_SHADE, SIDE_PLAN, SIDE_KIND_COUNT };
static const char *const side_kind_names[SIDE_KIND_COUNT] = {"year", "light", "depth", "shade", "plan"};

/* B's plan for the plan-changing kinds (depth, shade, another plan); false for the kinds that share A's scene. */
static bool side_b_plan(const view_state *vs, const plan *a, plan *b)
{
    *b = *a;
    if (vs->side_kind == SIDE_DEPTH) b->pigment.depth_mm = vs->side_depth_mm;
    else if (vs->side_kind == SIDE_SHADE) b->pigment.shade = vs->side_shade;
    else if (vs->side_kind == SIDE_PLAN && vs->side_plan_set) *b = vs->side_plan;
    else return false;
    return true;
}

/* B's caption: "B: +10 years", "B: bathroom", "B: 1.50 mm deep", ... */
static void side_caption(const view_state *vs, char *out, size_t size)
{
    switch (vs->side_kind) {
    case SIDE_YEAR: snprintf(out, size, "B: day %.0f (%.1f years)", vs->side_t_days, vs->side_t_days / 365.25); break;
    case SIDE_LIGHT: snprintf(out, size, "B: %s light", scene_light_preset_at(vs->side_preset)->name); break;
    case SIDE_DEPTH: snprintf(out, size, "B: ink %.2f mm deep", vs->side_depth_mm); break;
    case SIDE_SHADE: snprintf(out, size, "B: shade %.2f", vs->side_shade); break;
    default:
        snprintf(out, size, "B: %s", vs->side_plan_set ? vs->side_caption : "drop a plan file to compare");
        break;
    }
}

/* Named widgets' rectangles in the last frame, for the scripted test input ("click:NAME", "set:NAME=U"). */
#define NAMED_MAX 48
typedef struct named_rects {
    int count;
    char name[NAMED_MAX][24];
    ui_rect rect[NAMED_MAX];
} named_rects;

static void name_last(named_rects *n, const ui_ctx *ui, const char *name)
{
    for (int i = 0; i < n->count; ++i)
        if (strcmp(n->name[i], name) == 0) {
            n->rect[i] = ui_last_rect(ui);
            return;
        }
    if (n->count == NAMED_MAX) return;
    snprintf(n->name[n->count], sizeof n->name[0], "%s", name);
    n->rect[n->count++] = ui_last_rect(ui);
}

/* A plan field as a slider in the plan panel; a change is recorded in the editor for the undo step. */
static void field_slider(ui_ctx *ui, editor *ed, named_rects *names, const char *name, const char *label,
                         double *value, double before, float min, float max, float step, const char *format,
                         const char *unit)
{
    float v = (float)*value;
    if (ui_slider(ui, label, &v, min, max, step, format)) {
        *value = v;
        snprintf(ed->pending_what, sizeof ed->pending_what, "%s", label);
        snprintf(ed->pending_unit, sizeof ed->pending_unit, "%s", unit ? unit : "");
        ed->pending_edit = (history_edit){ed->pending_what, true, before, *value, ed->pending_unit, NULL, 0};
    }
    name_last(names, ui, name);
}

static void mode_row(ui_ctx *ui, view_state *vs, named_rects *names);

static void plan_panel(ui_ctx *ui, view_state *vs, editor *ed, const scene_model *scene, named_rects *names, float x,
                       float y, float w, float h, double t_days)
{
    plan *p = &ed->pending;
    const plan *now = &scene->plan;
    ui_panel_begin(ui, "plan", x, y, w, h);
    mode_row(ui, vs, names);
    ui_layout_columns(ui, true);
    if (ui_section(ui, "patient", false)) {
        int fitz = p->patient.fitzpatrick;
        if (ui_slider_int(ui, "skin type", &fitz, 1, 6)) {
            snprintf(ed->pending_what, sizeof ed->pending_what, "skin type");
            ed->pending_edit = (history_edit){ed->pending_what, true, now->patient.fitzpatrick, fitz, NULL, NULL, 0};
            p->patient.fitzpatrick = fitz;
        }
        name_last(names, ui, "skin");
        field_slider(ui, ed, names, "grey", "grey hair", &p->patient.grey_fraction, now->patient.grey_fraction, 0.0f,
                     1.0f, 0.05f, "%.2f", NULL);
        field_slider(ui, ed, names, "length", "hair length", &p->patient.hair_length_mm, now->patient.hair_length_mm,
                     0.0f, 30.0f, 0.5f, "%.1f mm", "mm");
    }
    if (ui_section(ui, "pigment and needle", true)) {
        field_slider(ui, ed, names, "shade", "shade", &p->pigment.shade, now->pigment.shade, 0.0f, 1.0f, 0.05f,
                     "%.2f", NULL);
        field_slider(ui, ed, names, "depth", "needle depth", &p->pigment.depth_mm, now->pigment.depth_mm, 0.1f, 3.0f,
                     0.05f, "%.2f mm", "mm");
        static const char *const needles[] = {"1RL", "3RL", "5RL", "7RL"};
        int n = ui_choice(ui, "needle", needles, 4, (int)p->pigment.needle);
        if (n != (int)p->pigment.needle) {
            snprintf(ed->pending_what, sizeof ed->pending_what, "needle %s", needles[n]);
            ed->pending_edit = (history_edit){ed->pending_what, false, 0, 0, NULL, NULL, 0};
            p->pigment.needle = (plan_needle)n;
        }
        name_last(names, ui, "needle");
    }
    if (ui_section(ui, "sessions", true)) {
        for (int i = 0; i < p->session_count; ++i) {
            char label[48];
            snprintf(label, sizeof label, "session %d (day %.0f)", i + 1, p->sessions[i].day);
            ui_push_id_int(ui, i);
            field_slider(ui, ed, names, i == 0 ? "density1" : "densityN", label, &p->sessions[i].density_per_cm2,
                         now->sessions[i].density_per_cm2, 0.0f, 100.0f, 1.0f, "%.0f dots/cm2", "dots/cm2");
            ui_pop_id(ui);
        }
        if (p->session_count == 0) ui_label(ui, "no sessions");
    }
    if (ui_section(ui, "aftercare", false)) {
        field_slider(ui, ed, names, "sun", "sun a day", &p->aftercare.sun_hours_per_day,
                     now->aftercare.sun_hours_per_day, 0.0f, 8.0f, 0.5f, "%.1f h", "h");
        field_slider(ui, ed, names, "spf", "sunscreen SPF", &p->aftercare.spf, now->aftercare.spf, 0.0f, 50.0f, 5.0f,
                     "%.0f", NULL);
        bool hat = p->aftercare.hat;
        if (ui_checkbox(ui, "hat outdoors", &hat)) {
            snprintf(ed->pending_what, sizeof ed->pending_what, hat ? "hat outdoors" : "no hat");
            ed->pending_edit = (history_edit){ed->pending_what, false, 0, 0, NULL, NULL, 0};
            p->aftercare.hat = hat;
        }
    }
    if (ui_section(ui, "fading, seen from 1 m", true)) {
        if (!ed->fade.valid) {
            ui_label(ui, "%.40s", ed->fade.why);
        } else {
            ageing_params ap;
            ageing_params_from_plan(&scene->plan, &ap);
            double lab[3], current = scene_fade_contrast_at(scene, &ap, t_days, lab);
            ui_label(ui, "contrast healed  dE00 %.1f", ed->fade.healed_delta_e);
            ui_label(ui, "contrast now     dE00 %.1f (%.0f%%)", current,
                     ed->fade.healed_delta_e > 0.0 ? 100.0 * current / ed->fade.healed_delta_e : 0.0);
            if (isnan(ed->fade.touch_up_years))
                ui_label(ui, "touch-up: not within 20 years");
            else
                ui_label(ui, "touch-up at %.0f%%: year %.1f", 100.0 * ed->fade.threshold, ed->fade.touch_up_years);
            ui_layout_columns(ui, false);
            /* The fresh wounds' spike goes off the top: the years after healing are what the plot is for. */
            ui_plot(ui, ed->fade.years, ed->fade.delta_e, ed->fade.count, 0.0, 20.0, 0.0,
                    fmin(1.5 * ed->fade.healed_delta_e, ed->fade.max_delta_e), t_days / 365.25,
                    ed->fade.threshold * ed->fade.healed_delta_e, 2);
            name_last(names, ui, "fade-plot");
            ui_tooltip(ui, "contrast (dE00) from day 0 to 20 years; the line is the time shown, the dashes the "
                           "touch-up threshold");
        }
    }
    ui_layout_columns(ui, false);
    ui_label(ui, "%d dots placed", scene->field.count);
    ui_panel_end(ui);
}


static void view_set(view_state *vs, const scene_model *scene, const ui_window_desc *opts, scene_view view, int w, int h)
{
    vs->view = view;
    scene_camera cam = scene_view_camera(scene, view, opts->distance_m, (double)w / (h > 0 ? h : 1));
    vs->o = orbit_from_camera(&cam);
}

static void light_preset_set(view_state *vs, editor *ed, int preset)
{
    vs->preset = preset;
    const scene_light_preset *p = scene_light_preset_at(preset);
    vs->light = scene_light_of_preset(p);
    vs->sweeping = false;
    snprintf(ed->status, sizeof ed->status, "light %s: %s", p->name, p->summary);
}

static void sweep_toggle(view_state *vs)
{
    if (vs->sweeping) {
        vs->light = vs->before_sweep;
        vs->sweeping = false;
        return;
    }
    vs->before_sweep = vs->light;
    vs->light.on_camera = false;
    vs->sweeping = true;
    vs->sweep_u = 0.0;
    vs->light.elevation_deg = scene_light_sweep_phase_elevation_deg(0.0);
}

/* The before / after split: a box to turn it on, and the split's place. */
static void compare_controls(ui_ctx *ui, view_state *vs, named_rects *names)
{
    if (ui_checkbox(ui, "before | after", &vs->compare)) vs->compare_ready = false, vs->side = false;
    name_last(names, ui, "compare");
    if (vs->compare) {
        ui_slider(ui, "##split", &vs->split, 0.0f, 1.0f, 0.0f, "split %.2f");
        name_last(names, ui, "split");
    }
}

/* Side by side A | B: what B changes, and by how much. */
static void side_controls(ui_ctx *ui, view_state *vs, const scene_model *scene, named_rects *names)
{
    if (!vs->side) return;
    int k = ui_choice(ui, "##side-kind", side_kind_names, SIDE_KIND_COUNT, vs->side_kind);
    name_last(names, ui, "side-kind");
    if (k != vs->side_kind && k >= 0) vs->side_kind = k, vs->side_ready = false;
    double healed = plan_healed_day(&scene->plan);
    if (vs->side_kind == SIDE_YEAR) {
        float u = (float)scene_timeline_position(vs->side_t_days, healed);
        char format[64];
        snprintf(format, sizeof format, "B: day %.0f (%.1f years)", vs->side_t_days, vs->side_t_days / 365.25);
        if (ui_slider(ui, "##side-b", &u, 0.0f, 1.0f, 0.0f, format))
            vs->side_t_days = scene_timeline_days(u, healed), vs->side_ready = false;
    } else if (vs->side_kind == SIDE_LIGHT) {
        float u = (float)vs->side_preset;
        char format[64];
        snprintf(format, sizeof format, "B: %s light", scene_light_preset_at(vs->side_preset)->name);
        if (ui_slider(ui, "##side-b", &u, 0.0f, (float)(scene_light_preset_count() - 1), 1.0f, format))
            vs->side_preset = (int)lrintf(u), vs->side_ready = false;
    } else if (vs->side_kind == SIDE_DEPTH) {
        if (ui_slider(ui, "##side-b", &vs->side_depth_mm, 0.2f, 2.0f, 0.05f, "B: ink %.2f mm deep")) vs->side_ready = false;
    } else if (vs->side_kind == SIDE_SHADE) {
        if (ui_slider(ui, "##side-b", &vs->side_shade, 0.1f, 1.0f, 0.05f, "B: shade %.2f")) vs->side_ready = false;
    }
    if (vs->side_kind != SIDE_PLAN) name_last(names, ui, "side-b");
    else ui_label(ui, "B: %s", vs->side_plan_set ? vs->side_caption : "drop a plan file here");
}

static void view_panel(ui_ctx *ui, view_state *vs, editor *ed, const scene_model *scene, const ui_window_desc *opts,
                       named_rects *names, float x, float y, float w, float h, int width, int height)
{
    ui_panel_begin(ui, "time, light, view", x, y, w, h);
    double healed = scene_default_days(scene);
    if (ui_section(ui, "time", true)) {
        /* The slider says the day, the years and the phase (its own position, 0..1, is not worth a row). */
        double latest = -1.0;
        for (int i = 0; i < scene->field.layer_count; ++i)
            if (scene->field.layer_day[i] <= vs->t_days) latest = fmax(latest, scene->field.layer_day[i]);
        const char *phase = latest >= 0.0 ? ageing_phase_name(vs->t_days - latest) : "before the first session";
        char format[96];
        snprintf(format, sizeof format, "day %.0f (%.2f y): %s", vs->t_days, vs->t_days / 365.25, phase ? phase : "");
        for (char *c = format; *c; ++c)
            if (*c == '%') *c = ' '; /* the text goes to the slider as its format */
        float u = (float)scene_timeline_position(vs->t_days, plan_healed_day(&scene->plan));
        if (ui_slider(ui, "##time", &u, 0.0f, 1.0f, 0.0f, format)) {
            vs->t_days = scene_timeline_days(u, plan_healed_day(&scene->plan));
            vs->playing = false;
        }
        name_last(names, ui, "time");
        const char *const buttons[] = {vs->playing ? "pause" : "play the years", "healed (+60 days)"};
        int b = ui_choice(ui, "##time-buttons", buttons, 2, -1); /* two buttons in one row */
        name_last(names, ui, "time-buttons");
        if (b == 0) {
            vs->playing = !vs->playing;
            if (vs->playing && scene_timeline_position(vs->t_days, plan_healed_day(&scene->plan)) >= 1.0)
                vs->t_days = 0.0;
        } else if (b == 1) {
            vs->t_days = healed;
            vs->playing = false;
        }
    }
    if (ui_section(ui, "light", true)) {
        const char *rows[2][4];
        int n = scene_light_preset_count();
        for (int i = 0; i < 8; ++i) rows[i / 4][i % 4] = i < n ? scene_light_preset_at(i)->name : "";
        for (int r = 0; r < 2; ++r) {
            int count = n - 4 * r < 4 ? n - 4 * r : 4;
            if (count <= 0) break;
            int cur = vs->preset >= 4 * r && vs->preset < 4 * r + count ? vs->preset - 4 * r : -1;
            char label[16];
            snprintf(label, sizeof label, "##presets%d", r);
            int c = ui_choice(ui, label, rows[r], count, cur);
            if (c != cur && c >= 0) light_preset_set(vs, ed, 4 * r + c);
            name_last(names, ui, r == 0 ? "preset1" : "preset2");
        }
        ui_layout_columns(ui, true);
        float az = (float)vs->light.azimuth_deg, el = (float)vs->light.elevation_deg;
        float in = (float)vs->light.intensity, k = (float)vs->light.key_kelvin;
        bool moved = ui_slider(ui, "azimuth", &az, 0.0f, 360.0f, 5.0f, "%.0f deg");
        name_last(names, ui, "azimuth");
        moved |= ui_slider(ui, "elevation", &el, 0.0f, 90.0f, 1.0f, "%.0f deg");
        name_last(names, ui, "elevation");
        if (moved) {
            vs->light.on_camera = false;
            vs->light.azimuth_deg = az;
            vs->light.elevation_deg = el;
            vs->sweeping = false;
        }
        bool keyed = ui_slider(ui, "intensity", &in, 0.1f, 5.0f, 0.05f, "%.2f");
        keyed |= ui_slider(ui, "colour", &k, 1500.0f, 12000.0f, 50.0f, "%.0f K");
        if (keyed) scene_light_set_key(&vs->light, in, k);
        ui_layout_columns(ui, false);
        if (ui_button(ui, vs->sweeping ? "stop the sweep" : "sweep: overhead to raking")) sweep_toggle(vs);
        name_last(names, ui, "sweep");
        if (vs->light.on_camera) ui_label(ui, "key light on the camera's axis");
    }
    if (ui_section(ui, "view", true)) {
        static const scene_view rows[2][5] = {
            {SCENE_VIEW_FRONT, SCENE_VIEW_THREE_QUARTER, SCENE_VIEW_TOP, SCENE_VIEW_BACK, SCENE_VIEW_LEFT},
            {SCENE_VIEW_CLOSEUP_HAIRLINE, SCENE_VIEW_CLOSEUP_CROWN, SCENE_VIEW_CLOSEUP_SCAR, SCENE_VIEW_CLOSEUP_SIDE,
             SCENE_VIEW_RIGHT}};
        static const char *const labels[2][5] = {{"front", "3/4", "top", "back", "left"},
                                                 {"hairline", "crown", "scar", "side", "right"}};
        for (int r = 0; r < 2; ++r) {
            int cur = -1;
            for (int i = 0; i < 5; ++i)
                if (rows[r][i] == vs->view) cur = i;
            char label[16];
            snprintf(label, sizeof label, "##views%d", r);
            int c = ui_choice(ui, label, labels[r], 5, cur);
            if (c != cur && c >= 0) view_set(vs, scene, opts, rows[r][c], width, height);
            name_last(names, ui, r == 0 ? "view1" : "view2");
        }
        static const char *const compares[] = {"one image", "before | after", "A | B"};
        int cur = vs->side ? 2 : vs->compare ? 1 : 0;
        int c = ui_choice(ui, "##compare-kind", compares, 3, cur);
        name_last(names, ui, "compare-kind");
        if (c != cur && c >= 0) {
            vs->compare = c == 1, vs->compare_ready = false;
            vs->side = c == 2, vs->side_ready = false;
        }
        if (vs->compare) {
            ui_slider(ui, "##split", &vs->split, 0.0f, 1.0f, 0.0f, "split %.2f");
            name_last(names, ui, "split");
        }
        side_controls(ui, vs, scene, names);
    }
    ui_panel_end(ui);
}

static void mode_row(ui_ctx *ui, view_state *vs, named_rects *names)
{
    ui_layout_columns(ui, false);
    vs->mode = (window_mode)ui_choice(ui, "##mode", mode_names, MODE_COUNT, (int)vs->mode);
    name_last(names, ui, "mode");
}

static int preset_by_name(const char *name)
{
    int i = scene_light_preset_index(name);
    return i < 0 ? 0 : i;
}

/* Patient mode: when, which light, from where, and what it means, in plain words. */
static void patient_panel(ui_ctx *ui, view_state *vs, editor *ed, const scene_model *scene, const ui_window_desc *opts,
                          named_rects *names, float x, float y, float w, float h, int width, int height)
{
    ui_panel_begin(ui, "your result", x, y, w, h);
    mode_row(ui, vs, names);
    double healed = scene_default_days(scene);
    static const char *const whens[] = {"before", "healed", "+5 years", "+10 years"};
    const double when_days[] = {-1.0, healed, healed + 5.0 * 365.25, healed + 10.0 * 365.25};
    int when = -1;
    for (int i = 0; i < 4; ++i)
        if (fabs(vs->t_days - when_days[i]) < 0.5) when = i;
    ui_label(ui, "when");
    int c = ui_choice(ui, "##when", whens, 4, when);
    if (c != when && c >= 0) {
        vs->t_days = when_days[c];
        vs->playing = false;
        when = c;
    }
    name_last(names, ui, "when");
    static const char *const lights[] = {"daylight", "office", "bathroom"};
    int light = -1;
    for (int i = 0; i < 3; ++i)
        if (vs->preset == preset_by_name(lights[i])) light = i;
    ui_label(ui, "light");
    c = ui_choice(ui, "##light", lights, 3, light);
    if (c != light && c >= 0) light_preset_set(vs, ed, preset_by_name(lights[c]));
    name_last(names, ui, "light");
    static const char *const views[] = {"front", "top", "back", "side"};
    static const scene_view view_of[] = {SCENE_VIEW_FRONT, SCENE_VIEW_TOP, SCENE_VIEW_BACK, SCENE_VIEW_LEFT};
    int view = -1;
    for (int i = 0; i < 4; ++i)
        if (vs->view == view_of[i]) view = i;
    ui_label(ui, "look from");
    c = ui_choice(ui, "##look", views, 4, view);
    if (c != view && c >= 0) view_set(vs, scene, opts, view_of[c], width, height);
    name_last(names, ui, "look");
    compare_controls(ui, vs, names);
    static const char *const words[4][2] = {
        {"Before: the scalp as it is today,", "without any pigment."},
        {"Healed: two months after the last", "session, as it is meant to look."},
        {"Five years on: the dots have faded", "and softened, as your plan ages them."},
        {"Ten years on: lighter again; a", "touch-up brings the density back."},
    };
    if (when >= 0) {
        ui_label(ui, "%s", words[when][0]);
        ui_label(ui, "%s", words[when][1]);
    }
    ui_label(ui, "SMP is not hair: from a normal");
    ui_label(ui, "distance it reads as a shaved head.");
    ui_label(ui, "Drag the head to turn it.");
    ui_panel_end(ui);
}

/* The trainer's technique examples: the plan as it was, and two faults made on it. */
static const char *const technique_names[] = {"as planned", "too deep", "helmet"};
static const char *const technique_words[3][3] = {
    {"The plan as it was: 1RL, shallow,", "three sessions of moderate density,", "a soft hairline."},
    {"Too deep: at 1.5 mm the ink sits", "in the deep dermis and spreads into", "wide blue-grey blobs."},
    {"The helmet: full-strength ink, a 3RL", "needle, 180 dots/cm2 and a hard line:", "a painted cap, not stubble."},
};

static plan technique_plan(const plan *base, int technique)
{
    plan p = *base;
    if (technique == 1) p.pigment.depth_mm = 1.5; /* assets/plans/bad-practice-too-deep.json */
    if (technique == 2) {                         /* assets/plans/bad-practice-helmet.json */
        p.pigment.shade = 1.0;
        p.pigment.needle = PLAN_NEEDLE_3RL;
        for (int i = 0; i < p.session_count; ++i) p.sessions[i].density_per_cm2 = 60.0, p.sessions[i].shade = 1.0;
        p.hairline.style = PLAN_HAIRLINE_LINEAR;
        p.hairline.transition_mm = 0.0;
    }
    return p;
}

/* Trainer mode: the animations and the technique examples. */
static void trainer_panel(ui_ctx *ui, view_state *vs, const scene_model *scene, named_rects *names, float x, float y,
                          float w, float h)
{
    ui_panel_begin(ui, "teaching", x, y, w, h);
    mode_row(ui, vs, names);
    if (ui_section(ui, "animations", true)) {
        if (ui_button(ui, "healing: day 0 onwards")) vs->t_days = 0.0, vs->playing = true;
        name_last(names, ui, "healing");
        if (ui_button(ui, "fading: healed to 20 years")) vs->t_days = scene_default_days(scene), vs->playing = true;
        name_last(names, ui, "fading");
        if (ui_button(ui, vs->sweeping ? "stop the light sweep" : "light sweep: overhead to raking")) sweep_toggle(vs);
        name_last(names, ui, "trainer-sweep");
    }
    if (ui_section(ui, "technique", true)) {
        /* A fault is shown beside the plan as it is (A | B by plan); the plan itself is not edited. */
        int c = ui_choice(ui, "##technique", technique_names, 3, vs->technique);
        name_last(names, ui, "technique");
        if (c != vs->technique && c >= 0) {
            vs->technique = c;
            vs->side = c > 0;
            vs->compare = false;
            vs->side_kind = SIDE_PLAN;
            vs->side_plan = technique_plan(&scene->plan, c);
            vs->side_plan_set = c > 0;
            snprintf(vs->side_caption, sizeof vs->side_caption, "%s", technique_names[c]);
            vs->side_ready = false;
        }
        for (int i = 0; i < 3; ++i) ui_label(ui, "%s", technique_words[vs->technique][i]);
        if (vs->technique > 0) ui_label(ui, "A (left): as planned; B (right): %s.", technique_names[vs->technique]);
    }
    ui_panel_end(ui);
}

static const ui_shortcut shortcuts[] = {
    {"drag, wheel", "orbit, zoom (over the head)"},
    {"arrows", "move the key light"},
    {"Space", "play the years"},
    {", .  [ ]", "a day, a month back or on (Shift: a year)"},
    {"H", "healed: 60 days after the last session"},
    {"1-9", "views"},
    {"L / G", "next light preset / light sweep"},
    {"I / T (+Shift)", "key light intensity / colour temperature"},
    {"D / K (+Shift)", "needle depth / shade"},
    {"F", "next skin type"},
    {"Ctrl+Z / Ctrl+Y", "undo / redo a plan edit"},
    {"Ctrl+S", "save the plan"},
    {"Ctrl+E", "save the image (the plan and time inside)"},
    {"drop a file", "open a plan"},
    {"F1 or ?", "this help"},
    {"Esc", "quit (twice with unsaved edits)"},
};

/* SMP_WINDOW_EVENTS (window.h): key and drop events go into SDL's queue now; click and set wait in script. */
typedef struct script {
    char *items[64];
    int count, next, phase;
} script;

static void script_load(script *s, const char *spec)
{
    memset(s, 0, sizeof *s);
    char *copy = strdup(spec), *save = NULL;
    if (!copy) return;
    for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        SDL_Event e;
        memset(&e, 0, sizeof e);
        if (strncmp(item, "drop:", 5) == 0) {
            e.type = SDL_DROPFILE;
            e.drop.file = SDL_strdup(item + 5);
        } else if (strncmp(item, "key:", 4) == 0) {
            const char *k = item + 4;
            e.type = SDL_KEYDOWN;
            if (strncmp(k, "shift+", 6) == 0) e.key.keysym.mod = KMOD_LSHIFT, k += 6;
            if (strncmp(k, "ctrl+", 5) == 0) e.key.keysym.mod = KMOD_LCTRL, k += 5;
            e.key.keysym.sym = SDL_GetKeyFromName(k);
        } else {
            if ((strncmp(item, "click:", 6) == 0 || strncmp(item, "set:", 4) == 0) && s->count < 64)
                s->items[s->count++] = strdup(item);
            continue;
        }
        SDL_PushEvent(&e);
    }
    free(copy);
}

static void script_free(script *s)
{
    for (int i = 0; i < s->count; ++i) free(s->items[i]);
    memset(s, 0, sizeof *s);
}

/* One step of the script a frame: a press at the named widget, its release the next frame, and a frame to let
 * what it changed be drawn (a mode's panels appear a frame after the click) before the next press. */
static void script_step(script *s, const named_rects *names, float scale)
{
    if (s->next >= s->count) return;
    const char *item = s->items[s->next];
    const char *name = strchr(item, ':') + 1;
    float u = 0.5f;
    char key[24];
    snprintf(key, sizeof key, "%.*s", (int)strcspn(name, "="), name);
    const char *eq = strchr(name, '=');
    if (eq) u = strtof(eq + 1, NULL);
    const ui_rect *r = NULL;
    for (int i = 0; i < names->count; ++i)
        if (strcmp(names->name[i], key) == 0) r = &names->rect[i];
    if (!r) return; /* not drawn yet (or never): wait */
    SDL_Event e;
    memset(&e, 0, sizeof e);
    int x = (int)lrintf((r->x + u * r->w) / scale), y = (int)lrintf((r->y + 0.5f * r->h) / scale);
    if (s->phase == 0) {
        e.type = SDL_MOUSEMOTION;
        e.motion.x = x, e.motion.y = y;
        SDL_PushEvent(&e);
        memset(&e, 0, sizeof e);
        e.type = SDL_MOUSEBUTTONDOWN;
        e.button.button = SDL_BUTTON_LEFT, e.button.x = x, e.button.y = y;
        SDL_PushEvent(&e);
        s->phase = 1;
    } else if (s->phase == 1) {
        e.type = SDL_MOUSEBUTTONUP;
        e.button.button = SDL_BUTTON_LEFT, e.button.x = x, e.button.y = y;
        SDL_PushEvent(&e);
        s->phase = 2;
    } else {
        s->phase = 0;
        s->next++;
    }
}

static unsigned ui_key_of(SDL_Keycode k)
{
    switch (k) {
    case SDLK_TAB: return UI_KEY_TAB;
    case SDLK_RETURN: return UI_KEY_ENTER;
    case SDLK_ESCAPE: return UI_KEY_ESCAPE;
    case SDLK_LEFT: return UI_KEY_LEFT;
    case SDLK_RIGHT: return UI_KEY_RIGHT;
    case SDLK_UP: return UI_KEY_UP;
    case SDLK_DOWN: return UI_KEY_DOWN;
    case SDLK_HOME: return UI_KEY_HOME;
    case SDLK_END: return UI_KEY_END;
    default: return 0;
    }
}

/* The window's own keys (those the widgets do not take). */
static void window_key(SDL_Keycode k, bool shift, bool ctrl, view_state *vs, editor *ed, scene_model *scene,
                       render_context *rc, const ui_window_desc *opts, int w, int h, bool *running)
{
    double step_days = shift ? 365.25 : 30.0;
    if (ed->offering) {
        if (k == SDLK_RETURN || k == SDLK_r) editor_recover(ed, scene, rc, true);
        else if (k == SDLK_n || k == SDLK_ESCAPE) editor_recover(ed, scene, rc, false);
        return;
    }
    if (k == SDLK_ESCAPE || k == SDLK_q) {
        if (vs->help) {
            vs->help = false;
        } else if (ed->dirty && !ed->quit_warned) { /* never lose work silently: the first Esc only warns */
            ed->quit_warned = true;
            snprintf(ed->status, sizeof ed->status,
                     "unsaved changes: Ctrl+S saves to %s, Esc again quits without saving", ed->save_path);
        } else {
            *running = false;
        }
    } else if (k == SDLK_F1 || (k == SDLK_SLASH && shift) || k == SDLK_QUESTION) vs->help = !vs->help;
    else if (k == SDLK_s && ctrl) editor_save(ed, scene);
    else if (k == SDLK_e && ctrl) vs->export_requested = true;
    else if (k == SDLK_z && ctrl) editor_undo(ed, scene, rc, shift);
    else if (k == SDLK_y && ctrl) editor_undo(ed, scene, rc, true);
    else if (k == SDLK_d || k == SDLK_k || k == SDLK_f) editor_key_edit(ed, scene, rc, k, shift);
    else if (k == SDLK_LEFT || k == SDLK_RIGHT || k == SDLK_UP || k == SDLK_DOWN) {
        scene_light *light = &vs->light;
        if (light->on_camera) { /* a flash taken off the camera starts where the camera is */
            light->on_camera = false;
            light->azimuth_deg = fmod(vs->o.yaw * 180.0 / SMP_PI + 360.0, 360.0);
            light->elevation_deg = fmax(vs->o.pitch * 180.0 / SMP_PI, 0.0);
        }
        if (k == SDLK_LEFT) light->azimuth_deg = fmod(light->azimuth_deg - 5.0 + 360.0, 360.0);
        else if (k == SDLK_RIGHT) light->azimuth_deg = fmod(light->azimuth_deg + 5.0, 360.0);
        else if (k == SDLK_UP) light->elevation_deg = fmin(light->elevation_deg + 5.0, 90.0);
        else light->elevation_deg = fmax(light->elevation_deg - 5.0, 0.0);
        vs->sweeping = false;
    } else if (k == SDLK_g) sweep_toggle(vs);
    else if (k == SDLK_i) scene_light_set_key(&vs->light, vs->light.intensity * (shift ? 0.8 : 1.25), vs->light.key_kelvin);
    else if (k == SDLK_t) scene_light_set_key(&vs->light, vs->light.intensity, vs->light.key_kelvin + (shift ? -250.0 : 250.0));
    else if (k == SDLK_RIGHTBRACKET) vs->t_days = fmin(vs->t_days + step_days, 50.0 * 365.25);
    else if (k == SDLK_LEFTBRACKET) vs->t_days = fmax(vs->t_days - step_days, 0.0);
    else if (k == SDLK_PERIOD) vs->t_days = fmin(vs->t_days + 1.0, 50.0 * 365.25);
    else if (k == SDLK_COMMA) vs->t_days = fmax(vs->t_days - 1.0, 0.0);
    else if (k == SDLK_SPACE) {
        vs->playing = !vs->playing;
        /* From the end, play starts again at day 0. */
        if (vs->playing && scene_timeline_position(vs->t_days, plan_healed_day(&scene->plan)) >= 1.0) vs->t_days = 0.0;
    } else if (k == SDLK_h) vs->t_days = scene_default_days(scene);
    else if (k == SDLK_l) light_preset_set(vs, ed, (vs->preset + 1) % scene_light_preset_count());
    else if (k >= SDLK_1 && k <= SDLK_9) view_set(vs, scene, opts, (scene_view)(k - SDLK_1), w, h);
}

/* The panels, the recovery offer, the status line and the help: this frame's overlay. */
static void window_ui(ui_ctx *ui, view_state *vs, editor *ed, scene_model *scene, render_context *rc,
                      const ui_window_desc *opts, named_rects *names, int w, int h, float s, const char *timing)
{
    if (ed->offering) {
        float pw = fminf(560.0f * s, (float)w - 20.0f), ph = 5.0f * ui_row_height(ui) + 40.0f * s;
        ui_panel_begin(ui, "recover unsaved work", 0.5f * ((float)w - pw), 0.3f * (float)h, pw, ph);
        ui_label(ui, "smpsim stopped on %s with a plan not yet saved", ed->offer.saved_local);
        ui_label(ui, "(%s).", ed->offer.plan_path[0] ? ed->offer.plan_path : "a plan never saved");
        if (ui_button(ui, "recover it (Enter)")) editor_recover(ed, scene, rc, true);
        name_last(names, ui, "recover");
        if (ui_button(ui, "discard it (N)")) editor_recover(ed, scene, rc, false);
        name_last(names, ui, "discard");
        ui_panel_end(ui);
    } else if ((float)w >= WINDOW_PANELS_MIN_W * s) {
        float ph = (float)h - 3.0f * ui_row_height(ui), pw = PANEL_W * s;
        if (vs->mode == MODE_PATIENT) {
            patient_panel(ui, vs, ed, scene, opts, names, 10.0f * s, 10.0f * s, pw * PATIENT_SCALE, ph, w, h);
        } else {
            if (vs->mode == MODE_TRAINER) trainer_panel(ui, vs, scene, names, 10.0f * s, 10.0f * s, pw, ph);
            else plan_panel(ui, vs, ed, scene, names, 10.0f * s, 10.0f * s, pw, ph, vs->t_days);
            view_panel(ui, vs, ed, scene, opts, names, (float)w - (PANEL_W + 10.0f) * s, 10.0f * s, pw, ph, w, h);
        }
    }
    char left[2 * PLAN_PATH_MAX + 900];
    const char *undo = history_undo_description(ed->hist);
    snprintf(left, sizeof left, "%s%s   %s%s%s", ed->save_path, ed->dirty ? " (unsaved changes)" : "", ed->status,
             ed->status[0] || !undo ? "" : "   Ctrl+Z undoes: ", ed->status[0] || !undo ? "" : undo);
    ui_status_line(ui, left, timing);
    ui_help(ui, &vs->help, "smpsim: keys", shortcuts, (int)(sizeof shortcuts / sizeof shortcuts[0]));
}

static void lens_shift(render_frame *f, float dx);

/* A plan file dropped while the A | B compare is by plan: it becomes B (A stays the plan being edited). */
static void side_load(view_state *vs, editor *ed, const char *path)
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

/* B of a side-by-side compare, for the kinds that change the plan: its own scene, built when B's plan changes
 * (a dot placement and the head, about a second) and uploaded only while B's image is captured. */
typedef struct side_scene {
    scene_model *scene; /* NULL until first needed */
    plan built_from;
    bool built;
} side_scene;

/* Captures B's full-quality image (frame b describes it, at the right half's size): with A's scene for the
 * kinds that share it, else with B's scene uploaded for the capture and A's uploaded again after. */
static smp_status side_capture(view_state *vs, side_scene *sb, scene_model *scene, render_context *rc,
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
    if (!sb->built || !plan_equal(&sb->built_from, &pb)) {
        if (sb->built) scene_destroy(sb->scene);
        sb->built = false;
        smp_status st = scene_create_from_plan(sb->scene, &pb, "plan B", err);
        if (st != SMP_OK) return st;
        sb->built = true;
        sb->built_from = pb;
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
static void lens_shift(render_frame *f, float dx)
{
    for (int c = 0; c < 4; ++c) f->proj[c][0] += 2.0f * dx * f->proj[c][3];
}

/* The shares of their width by which A's and B's pictures move (A right, B left) to the middle of the space
 * between the side panels; none when the panels are hidden. */
static float side_shift(const view_state *vs, int w, float s, bool panels)
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
static void side_captions(ui_text *text, const view_state *vs, int half, float s)
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

static int window_fail(const smp_error *err)
{
    fprintf(stderr, "smpsim: %s\n", err->message);
    return smp_error_exit_status(err);
}

int ui_window_run(scene_model *scene, const ui_window_desc *opts)
{
    smp_error err = {0};
    int frames_left = opts->frames;
    ui_gl *gl = NULL;
    render_context *rc = NULL;
    ui_text *text = NULL;
    ui_ctx *ui = NULL;
    editor ed = {0};
    script scr = {0};
    side_scene sb = {0};
    int status = 0;
    if (ui_gl_create(&gl, true, opts->width, opts->height, "smpsim", &err) != SMP_OK ||
        render_context_create(&rc, NULL, &err) != SMP_OK || scene_upload(rc, scene, &err) != SMP_OK ||
        ui_text_create(&text, 16.0f, &err) != SMP_OK || ui_ctx_create(&ui, text, NULL, &err) != SMP_OK ||
        history_create(&ed.hist, &scene->plan, UNDO_STEPS, &err) != SMP_OK) {
        status = window_fail(&err);
        goto done;
    }
    snprintf(ed.save_path, sizeof ed.save_path, "%s", opts->plan_path ? opts->plan_path : "smpsim-plan.json");
    ed.pending = scene->plan;
    editor_fade_update(&ed, scene);
    /* A plan a crashed session left is offered first; autosave starts once it is answered. */
    ed.offering = autosave_pending(&ed.offer, ui_log_stderr, NULL);
    if (!ed.offering && autosave_create(&ed.as, opts->plan_path, NULL, &err) != SMP_OK)
        snprintf(ed.status, sizeof ed.status, "%s", err.message);

    view_state vs = {0};
    vs.mode = MODE_DOCTOR;
    vs.split = 0.5f;
    view_set(&vs, scene, opts, opts->view, opts->width, opts->height);
    vs.preset = scene_light_preset_index(opts->light.preset);
    if (vs.preset < 0) vs.preset = 0;
    vs.light = opts->light;
    vs.before_sweep = vs.light;
    vs.t_days = opts->has_time ? opts->time_days : scene_default_days(scene);
    vs.side_t_days = scene_default_days(scene) + 10.0 * 365.25;
    vs.side_preset = preset_by_name("bathroom");
    vs.side_depth_mm = 1.5f; /* a tattoo's depth (assets/plans/bad-practice-too-deep.json) */
    vs.side_shade = (float)fmin(scene->plan.pigment.shade + 0.2, 1.0);
    const char *test_events = getenv("SMP_WINDOW_EVENTS");
    if (test_events) script_load(&scr, test_events);
    SDL_EventState(SDL_DROPFILE, SDL_ENABLE);
    bool dragging = false, running = true;
    Uint64 last = SDL_GetPerformanceCounter();
    double frame_ms = 0.0;
    named_rects names = {0};
    ui_input in = {0};
    /* Progressive refinement: while anything moves (input in the last VIEW_SETTLE_S, a light sweep, the
     * timeline playing) the frames take the renderer's interactive path; once it stops, one full-quality
     * frame, blended in from the interactive image over VIEW_BLEND_S; then the window only presents it again
     * (with the panels) until the next input. */
    double moving_until = 0.0, blend_start = -1.0;
    bool full_shown = false, frame_was_interactive = false;
    int drawn[3] = {0, 0, 0}; /* interactive frames, full-quality frames, presentations only */
    long frame_index = 0;
    while (running) {
        int w, h, ww, wh;
        ui_gl_drawable_size(gl, &w, &h);
        SDL_GetWindowSize(ui_gl_window(gl), &ww, &wh);
        float s = ww > 0 ? (float)w / (float)ww : 1.0f; /* drawable pixels per window point (high DPI) */
        if (frame_index++ > 0) script_step(&scr, &names, s);
        SDL_Event e;
        if (full_shown && blend_start < 0.0 && !vs.sweeping && !vs.playing && !test_events)
            SDL_WaitEventTimeout(NULL, 250); /* nothing moves: wait for input instead of spinning */
        in.buttons_pressed = in.buttons_released = 0;
        in.keys_pressed = 0;
        in.wheel_y = 0.0f;
        bool over_ui = ui_wants_mouse(ui), keys_to_ui = ui_wants_keyboard(ui);
        while (SDL_PollEvent(&e)) {
            /* What moves the camera, the light, the time or the view keeps the frames interactive for a moment
             * (moving_until); the panels' hover and clicks only redraw the overlay over the image. */
            if (e.type == SDL_QUIT) running = false;
            else if (e.type == SDL_DROPFILE) {
                if (vs.side && vs.side_kind == SIDE_PLAN && vs.technique == 0) side_load(&vs, &ed, e.drop.file);
                else editor_load(&ed, scene, rc, e.drop.file);
                SDL_free(e.drop.file);
            } else if (e.type == SDL_MOUSEMOTION) {
                in.mouse_x = (float)e.motion.x * s, in.mouse_y = (float)e.motion.y * s;
                if (dragging) {
                    vs.o.yaw -= (float)e.motion.xrel * 0.006f;
                    vs.o.pitch = fminf(fmaxf(vs.o.pitch + (float)e.motion.yrel * 0.006f, -1.45f), 1.45f);
                    moving_until = smp_now_s() + VIEW_SETTLE_S;
                }
            } else if (e.type == SDL_MOUSEBUTTONDOWN && e.button.button == SDL_BUTTON_LEFT) {
                in.mouse_x = (float)e.button.x * s, in.mouse_y = (float)e.button.y * s;
                in.buttons_pressed |= UI_MOUSE_LEFT;
                in.buttons_down |= UI_MOUSE_LEFT;
                over_ui = over_ui || ed.offering || vs.help;
                if (!over_ui) dragging = true;
            } else if (e.type == SDL_MOUSEBUTTONUP && e.button.button == SDL_BUTTON_LEFT) {
                in.buttons_released |= UI_MOUSE_LEFT;
                in.buttons_down &= ~(unsigned)UI_MOUSE_LEFT;
                dragging = false;
            } else if (e.type == SDL_MOUSEWHEEL) {
                in.wheel_y += (float)e.wheel.y;
                if (!over_ui) {
                    vs.o.distance = fminf(fmaxf(vs.o.distance * powf(0.9f, (float)e.wheel.y), 60.0f), 20000.0f);
                    moving_until = smp_now_s() + VIEW_SETTLE_S;
                }
            } else if (e.type == SDL_KEYDOWN) {
                SDL_Keycode k = e.key.keysym.sym;
                bool shift = (e.key.keysym.mod & KMOD_SHIFT) != 0, ctrl = (e.key.keysym.mod & KMOD_CTRL) != 0;
                unsigned uk = ui_key_of(k);
                /* Tab always, and the arrows, Enter, Home, End and Escape while a widget has the focus, go to
                 * the widgets; every other key is the window's. */
                if (uk && (k == SDLK_TAB || keys_to_ui) && !ed.offering) in.keys_pressed |= uk;
                else window_key(k, shift, ctrl, &vs, &ed, scene, rc, opts, w, h, &running);
                moving_until = smp_now_s() + VIEW_SETTLE_S;
            } else if (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
                moving_until = smp_now_s() + VIEW_SETTLE_S;
            }
        }
        if (w <= 0 || h <= 0) continue;
        in.display_width = w, in.display_height = h;
        in.scale = vs.mode == MODE_PATIENT ? s * PATIENT_SCALE : s;
        in.shift = (SDL_GetModState() & KMOD_SHIFT) != 0;

        /* The panels first: what they change this frame is in this frame's image. */
        char timing[96];
        snprintf(timing, sizeof timing, "%s %.0f ms", frame_was_interactive ? "interactive" : "full quality",
                 frame_ms);
        if (ui_begin_frame(ui, &in, &err) != SMP_OK) {
            status = window_fail(&err);
            break;
        }
        scene_light light_before = vs.light;
        double t_before = vs.t_days;
        scene_view view_before = vs.view;
        bool compare_before = vs.compare;
        names.count = 0; /* the widgets this frame draws */
        bool side_before = vs.side, side_ready_before = vs.side_ready;
        window_ui(ui, &vs, &ed, scene, rc, opts, &names, w, h, s, timing);
        int half = vs.side ? w / 2 : w; /* side by side: A left of half, B right */
        if (vs.side && (float)w >= WINDOW_PANELS_MIN_W * s) side_captions(text, &vs, half, s);
        ui_end_frame(ui);
        if (vs.compare && !compare_before) full_shown = false;
        if (vs.side != side_before || (side_ready_before && !vs.side_ready)) full_shown = false;
        if (memcmp(&light_before, &vs.light, sizeof light_before) != 0 || t_before != vs.t_days ||
            view_before != vs.view)
            moving_until = smp_now_s() + VIEW_SETTLE_S;
        /* Plan edits in the panels are applied once no widget is held (a drag applies when it ends). */
        if (!plan_equal(&ed.pending, &scene->plan) && ui_active_id(ui) == 0) {
            history_edit edit = ed.pending_edit;
            plan next = ed.pending;
            editor_commit(&ed, scene, rc, &next, &edit);
            full_shown = false;
        }

        orbit seen = vs.o;
        if (vs.side) seen.distance *= SIDE_ZOOM_OUT; /* each half is half as wide: the head must still fit */
        scene_camera c = orbit_camera(&seen);
        render_frame frame;
        scene_frame(scene, &c, &vs.light, vs.t_days, half, h, &frame);
        float shift = vs.side ? side_shift(&vs, w, s, (float)w >= WINDOW_PANELS_MIN_W * s) : 0.0f;
        if (shift != 0.0f) lens_shift(&frame, shift);
        if (vs.export_requested) {
            vs.export_requested = false;
            editor_export(&ed, scene, rc, &frame, &vs.light, vs.t_days, vs.view);
            full_shown = false; /* the export drew into the full-quality targets: draw them again */
        }
        render_overlay ov = ui_text_overlay(text);
        bool moving = vs.sweeping || vs.playing || smp_now_s() < moving_until;
        smp_status st = SMP_OK;
        double start = smp_now_s();
        if (moving) {
            frame.interactive = true;
            if (vs.side && !side_b_plan(&vs, &scene->plan, &(plan){0})) {
                /* B shares A's scene: drawn live beside it (at half the width each, a frame's cost in all). */
                render_frame fb;
                scene_light lb = vs.side_kind == SIDE_LIGHT
                                     ? scene_light_of_preset(scene_light_preset_at(vs.side_preset))
                                     : vs.light;
                scene_frame(scene, &c, &lb, vs.side_kind == SIDE_YEAR ? vs.side_t_days : vs.t_days, w - half, h, &fb);
                fb.interactive = true;
                fb.output_x = half;
                lens_shift(&fb, -shift);
                st = render_frame_draw(rc, &fb, 0, &err);
                vs.side_ready = false;
            } else if (vs.side && vs.side_ready) {
                st = render_compare_beside(rc, half, h, 0, &err); /* B's own scene: its last image until A stops */
            }
            if (st == SMP_OK) st = render_frame_draw(rc, &frame, 0, &err);
            full_shown = false;
            drawn[0]++;
            frame_ms = 1000.0 * (smp_now_s() - start);
        } else if (!full_shown) {
            drawn[1]++;
            if (vs.side) {
                st = side_capture(&vs, &sb, scene, rc, &c, w - half, h, -shift, &err);
                vs.side_ready = st == SMP_OK;
                if (st != SMP_OK) { /* B could not be built (a bad plan B): A alone, and the status says why */
                    snprintf(ed.status, sizeof ed.status, "B not shown: %s", err.message);
                    vs.side = false;
                    half = w;
                    scene_frame(scene, &c, &vs.light, vs.t_days, w, h, &frame);
                    st = SMP_OK;
                }
            }
            if (vs.compare) { /* before: the same camera and light before the first session */
                render_frame before;
                scene_frame(scene, &c, &vs.light, -1.0, w, h, &before);
                st = render_compare_capture(rc, &before, &err);
                vs.compare_ready = st == SMP_OK;
                vs.compare_w = w, vs.compare_h = h;
            }
            if (st == SMP_OK) st = render_frame_draw(rc, &frame, 0, &err);
            /* The first full frame after motion is blended in from the interactive image it replaces. */
            blend_start = frame_was_interactive && !vs.compare && !vs.side ? smp_now_s() : -1.0;
            if (st == SMP_OK && blend_start >= 0.0) st = render_frame_present(rc, &frame, 0.0f, 0, &err);
            if (st == SMP_OK && vs.compare) st = render_compare_overlay(rc, w, h, vs.split, 0, &err);
            if (st == SMP_OK && vs.side && vs.side_ready) st = render_compare_beside(rc, half, h, 0, &err);
            full_shown = true;
            frame_ms = 1000.0 * (smp_now_s() - start);
        } else {
            float share = 1.0f;
            if (blend_start >= 0.0) {
                share = (float)fmin((smp_now_s() - blend_start) / VIEW_BLEND_S, 1.0);
                if (share >= 1.0f) blend_start = -1.0;
            }
            st = render_frame_present(rc, &frame, share, 0, &err);
            /* A window resized without a size event to say so: the before image is captured again next frame. */
            if (vs.compare && (vs.compare_w != w || vs.compare_h != h)) vs.compare_ready = false, full_shown = false;
            if (st == SMP_OK && vs.compare && vs.compare_ready) st = render_compare_overlay(rc, w, h, vs.split, 0, &err);
            if (vs.side && (!vs.side_ready || frame.width != half)) full_shown = false; /* resized: capture B again */
            else if (st == SMP_OK && vs.side) st = render_compare_beside(rc, half, h, 0, &err);
            drawn[2]++;
        }
        frame_was_interactive = moving;
        if (st != SMP_OK || render_overlay_draw(rc, &ov, w, h, 0, &err) != SMP_OK) {
            status = window_fail(&err);
            break;
        }
        /* A screenshot of the whole window for tests and the docs (SMP_WINDOW_SCREENSHOT=FILE.png): the last
         * frame before the exit that SMP_WINDOW_FRAMES asks for. */
        const char *shot = getenv("SMP_WINDOW_SCREENSHOT");
        if (opts->frames > 0 && shot && shot[0] && frames_left == 1) {
            uint8_t *rgba = malloc((size_t)w * (size_t)h * 4);
            st = rgba ? render_window_read_rgba8(rc, w, h, rgba, &err)
                      : smp_error_set(&err, SMP_ERR_NOMEM, "window: out of memory for a screenshot");
            if (st == SMP_OK)
                st = scene_png_write(shot, rgba, w, h, scene, &vs.light, vs.t_days, scene_view_name(vs.view), &err);
            free(rgba);
            if (st != SMP_OK) {
                status = window_fail(&err);
                break;
            }
        }
        ui_gl_swap(gl);
        Uint64 now = SDL_GetPerformanceCounter();
        double dt = (double)(now - last) / (double)SDL_GetPerformanceFrequency();
        last = now;
        if (vs.sweeping) { /* only the light moves: no rebuild */
            vs.sweep_u += fmin(dt, 0.5) / LIGHT_SWEEP_S;
            if (vs.sweep_u >= 1.0) {
                vs.light = vs.before_sweep;
                vs.sweeping = false;
            } else {
                vs.light.elevation_deg = scene_light_sweep_phase_elevation_deg(vs.sweep_u);
            }
        }
        if (vs.playing) { /* the ageing state is a function of t: no rebuild, only the dots' looks change */
            double healed = plan_healed_day(&scene->plan);
            double u = scene_timeline_position(vs.t_days, healed) + fmin(dt, 0.5) / TIMELINE_PLAY_S;
            if (u >= 1.0) u = 1.0, vs.playing = false;
            vs.t_days = scene_timeline_days(u, healed);
        }
        if (opts->frames > 0 && --frames_left <= 0) { /* for tests under Xvfb */
            running = false;
            printf("timeline at exit: %.2f days\n", vs.t_days);
            printf("frames at exit: %d interactive, %d full quality, %d presented again\n", drawn[0], drawn[1],
                   drawn[2]);
            printf("light at exit: %s %.0f K intensity %.2f elevation %.1f deg%s\n", vs.light.preset,
                   vs.light.key_kelvin, vs.light.intensity, vs.light.elevation_deg, vs.sweeping ? " sweeping" : "");
            printf("plan at exit: depth %.2f mm shade %.2f skin type %d, %d undo steps%s\n",
                   scene->plan.pigment.depth_mm, scene->plan.pigment.shade, scene->plan.patient.fitzpatrick,
                   history_undo_count(ed.hist), ed.offering ? ", recovery offered" : "");
            printf("view at exit: %s\n", scene_view_name(vs.view));
            printf("mode at exit: %s\n", mode_names[vs.mode]);
            if (vs.compare) printf("compare at exit: split %.2f\n", vs.split);
            if (vs.side) {
                char b[96];
                side_caption(&vs, b, sizeof b);
                printf("compare at exit: side by side, %s: %s\n", side_kind_names[vs.side_kind], b);
            }
            if (ed.status[0]) printf("status at exit: %s\n", ed.status);
        }
    }
    /* A clean exit removes the recovery file (its work is saved, or the person chose to quit without it); a
     * failure leaves it for the next start. */
    if (status == 0) autosave_finish(ed.as);
done:
    if (sb.built) scene_destroy(sb.scene);
    free(sb.scene);
    script_free(&scr);
    history_destroy(ed.hist);
    ui_ctx_destroy(ui);
    ui_text_destroy(text);
    render_context_destroy(rc);
    ui_gl_destroy(gl);
    return status;
}
