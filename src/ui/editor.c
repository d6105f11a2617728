/* The window's plan editor: edits applied to the scene, undo, autosave, saving, loading, the image export,
 * recovery. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "ui/window_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* The fade curve's numbers for the doctor's panel (no band: the curve alone is a fraction of a second, which
 * an edit leaves to the window's next still moment: editor.fade.stale). */
void editor_fade_update(editor *ed, const scene_model *scene)
{
    scene_fade_curve c = {0};
    smp_error err = {0};
    ed->fade.stale = false;
    ed->fade.valid = scene_fade_compute(scene, &(scene_fade_params){.years_max = 20.0, .band_samples = -1},
                                        &c, &err) == SMP_OK;
    if (ed->fade.valid) {
        ed->fade.healed_delta_e = c.healed_delta_e;
        ed->fade.touch_up_years = c.touch_up_years;
        ed->fade.threshold = c.threshold_fraction;
        int step = (c.count + FADE_PLOT_POINTS - 1) / FADE_PLOT_POINTS;
        ed->fade.count = 0;
        ed->fade.max_delta_e = 0.0;
        for (int i = 0; i<c.count; i += step> 0 ? step : 1) {
            ed->fade.years[ed->fade.count] = c.years[i];
            ed->fade.delta_e[ed->fade.count++] = c.delta_e[i];
            ed->fade.max_delta_e = fmax(ed->fade.max_delta_e, c.delta_e[i]);
        }
    } else {
        snprintf(ed->fade.why, sizeof ed->fade.why, "%s", err.message);
    }
    scene_fade_curve_free(&c);
}

void editor_autosave(editor *ed, const scene_model *scene)
{
    smp_error err = {0};
    if (autosave_save(ed->as, &scene->plan, &err) != SMP_OK)
        snprintf(ed->status, sizeof ed->status, "%s", err.message);
}

/* Replaces the scene's plan and re-uploads it; on failure the old plan stays and the status says why. */
bool editor_apply(editor *ed, scene_model *scene, render_context *rc, const plan *pl)
{
    smp_error err = {0};
    bool ok = scene_set_plan(scene, pl, &err) == SMP_OK && scene_upload(rc, scene, &err) == SMP_OK;
    if (!ok) snprintf(ed->status, sizeof ed->status, "%s", err.message);
    ed->pending = scene->plan;
    if (ok) ed->fade.stale = true; /* computed again between frames (window.c) */
    return ok;
}

/* An edit: the scene takes pl, the history a step described by edit, the autosave the plan. */
void editor_commit(editor *ed, scene_model *scene, render_context *rc, const plan *pl,
                   const history_edit *edit)
{
    if (plan_equal(pl, &scene->plan)) return;
    if (!editor_apply(ed, scene, rc, pl)) return;
    history_push(ed->hist, &scene->plan, edit);
    editor_autosave(ed, scene);
    ed->dirty = true;
    ed->quit_warned = false;
    ed->status[0] = '\0';
}

void editor_undo(editor *ed, scene_model *scene, render_context *rc, bool redo)
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
void editor_key_edit(editor *ed, scene_model *scene, render_context *rc, SDL_Keycode key, bool shift)
{
    plan pl = scene->plan;
    double sign = shift ? -1.0 : 1.0;
    history_edit edit = {.has_values = true};
    if (key == SDLK_d) {
        pl.pigment.depth_mm = smp_clamp(pl.pigment.depth_mm + 0.05 * sign, 0.1, 3.0);
        edit = (history_edit){"needle depth", true, scene->plan.pigment.depth_mm, pl.pigment.depth_mm, "mm",
                              NULL,           0};
    } else if (key == SDLK_k) {
        pl.pigment.shade = smp_clamp(pl.pigment.shade + 0.05 * sign, 0.0, 1.0);
        edit = (history_edit){"shade", true, scene->plan.pigment.shade, pl.pigment.shade, NULL, NULL, 0};
    } else {
        pl.patient.fitzpatrick = pl.patient.fitzpatrick % 6 + 1;
        edit = (history_edit){
            "skin type", true, scene->plan.patient.fitzpatrick, pl.patient.fitzpatrick, NULL, NULL, 0};
    }
    editor_commit(ed, scene, rc, &pl, &edit);
}

void editor_save(editor *ed, const scene_model *scene)
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

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcasecmp(s + n - t, tail) == 0;
}

/* A file dropped on the window: a JPEG or PNG becomes the patient's photo (head.photo, with the plan's photo
 * camera), a mesh the patient's scan (head.mesh, units guessed, landmarks estimated until picked), each one
 * undo step; anything else is read as a plan (editor_load). */
void editor_drop(editor *ed, scene_model *scene, render_context *rc, const char *path)
{
    bool photo = ends_with(path, ".jpg") || ends_with(path, ".jpeg") || ends_with(path, ".png");
    bool mesh = ends_with(path, ".obj") || ends_with(path, ".ply") || ends_with(path, ".stl") ||
                ends_with(path, ".gltf") || ends_with(path, ".glb");
    if (!photo && !mesh) {
        editor_load(ed, scene, rc, path);
        return;
    }
    plan p = scene->plan;
    char *target = photo ? p.head.photo : p.head.mesh;
    if (strlen(path) >= sizeof p.head.photo) {
        snprintf(ed->status, sizeof ed->status, "not used: the path is longer than %d characters",
                 PLAN_PATH_MAX - 1);
        return;
    }
    snprintf(target, PLAN_PATH_MAX, "%s", path);
    if (mesh) {
        p.head.mesh_units = PLAN_MESH_UNITS_GUESS;
        p.head.landmarks.given = false;
    }
    const char *slash = strrchr(path, '/');
    char what[HISTORY_DESCRIPTION_MAX];
    snprintf(what, sizeof what, "%s %s", photo ? "photo" : "scan", slash ? slash + 1 : path);
    editor_commit(ed, scene, rc, &p, &(history_edit){.what = what});
    if (plan_equal(&p, &scene->plan))
        snprintf(ed->status, sizeof ed->status, "%s: %s", photo ? "photo" : "scan",
                 photo ? "set its view on the head tab's photo section"
                       : "pick its landmarks on the head tab");
}

/* A plan file dropped on the window replaces the plan (unsaved edits are kept in a side file first). */
void editor_load(editor *ed, scene_model *scene, render_context *rc, const char *path)
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
            snprintf(ed->status, sizeof ed->status, "not loaded: unsaved edits could not be kept: %s",
                     err.message);
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
void editor_export(editor *ed, const scene_model *scene, render_context *rc, const render_frame *shown,
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
    smp_status st =
        rgba ? render_frame_read_srgb8(rc, &f, rgba, &err)
             : smp_error_set(&err, SMP_ERR_NOMEM, "out of memory for a %dx%d image", f.width, f.height);
    if (st == SMP_OK)
        st =
            scene_png_write(path, rgba, f.width, f.height, scene, light, t_days, scene_view_name(view), &err);
    free(rgba);
    char *full = st == SMP_OK ? realpath(path, NULL) : NULL;
    if (st == SMP_OK)
        snprintf(ed->status, sizeof ed->status, "image saved: %s", full ? full : path);
    else
        snprintf(ed->status, sizeof ed->status, "image not saved: %s", err.message);
    free(full);
}

/* The answer to the recovery offer: the crashed session's plan, or the one this session opened. */
void editor_recover(editor *ed, scene_model *scene, render_context *rc, bool recover)
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
            snprintf(ed->status, sizeof ed->status, "recovered the unsaved plan from %s",
                     ed->offer.saved_local);
        return;
    }
    if (autosave_recovery_discard(&ed->offer, &err) != SMP_OK)
        snprintf(ed->status, sizeof ed->status, "%s", err.message);
    if (autosave_create(&ed->as, ed->save_path, NULL, &err) != SMP_OK)
        snprintf(ed->status, sizeof ed->status, "%s", err.message);
    else if (!recover)
        snprintf(ed->status, sizeof ed->status, "discarded the unsaved plan from %s", ed->offer.saved_local);
}

const double vis_window_angles_deg[VIS_WINDOW_ANGLES] = {5.0, 15.0, 30.0, 60.0, 90.0};

void vis_stop(editor *ed)
{
    scene_vis_job_destroy(ed->vis.job);
    ed->vis.job = NULL;
    render_context_destroy(ed->vis.rc);
    ed->vis.rc = NULL;
}

void vis_update(editor *ed, const scene_model *scene, bool want)
{
    const plan *pl = &scene->plan;
    if (pl->scar_count == 0) {
        vis_stop(ed);
        ed->vis.valid = false;
        ed->vis.of = *pl;
        return;
    }
    bool current = plan_equal(&ed->vis.of, pl);
    if (current && (ed->vis.job || ed->vis.valid || ed->vis.why[0]))
        return;  /* measured, measuring, or failed */
    if (!want) { /* not shown: a measurement of an older plan stops; the new one starts when the tab is shown
                  */
        vis_stop(ed);
        return;
    }
    vis_stop(ed);
    ed->vis.valid = false;
    ed->vis.why[0] = '\0';
    ed->vis.of = *pl;
    ed->vis.scar = 0;
    ed->vis.longest_step_s = 0.0;
    smp_error err = {0};
    scene_vis_params params = {.angle_count = VIS_WINDOW_ANGLES, .px_per_deg = VIS_WINDOW_PX_PER_DEG};
    memcpy(params.angles_deg, vis_window_angles_deg, sizeof vis_window_angles_deg);
    /* Its own renderer: the job's scenes stay uploaded between steps while the window draws the plan's. */
    if (render_context_create(&ed->vis.rc, NULL, &err) != SMP_OK ||
        scene_vis_job_create(&ed->vis.job, pl, &params, &err) != SMP_OK) {
        snprintf(ed->vis.why, sizeof ed->vis.why, "not measured: %s", err.message);
        vis_stop(ed);
        return;
    }
    ed->vis.started_s = smp_now_s();
}

bool vis_step(editor *ed)
{
    if (!ed->vis.job) return false;
    smp_error err = {0};
    double t0 = smp_now_s();
    smp_status st = scene_vis_job_step(ed->vis.job, ed->vis.rc, &err);
    ed->vis.longest_step_s = fmax(ed->vis.longest_step_s, smp_now_s() - t0);
    if (st != SMP_OK) {
        snprintf(ed->vis.why, sizeof ed->vis.why, "not measured: %s", err.message);
        vis_stop(ed);
    } else if (scene_vis_job_done(ed->vis.job)) {
        ed->vis.result = *scene_vis_job_result(ed->vis.job);
        ed->vis.valid = true;
        ed->vis.took_s = smp_now_s() - ed->vis.started_s;
        vis_stop(ed);
    }
    return true;
}

double vis_worst(const scene_vis_result *r)
{
    double worst = 0.0;
    for (int i = 0; i < r->scar_count; ++i)
        for (int d = 0; d < SCENE_VIS_DISTANCES; ++d)
            for (int a = 0; a < r->angle_count; ++a)
                worst = fmax(worst, r->scars[i].delta_e[1][d][a]);
    return worst;
}
