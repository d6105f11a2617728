/* The scan's landmarks picked with the mouse (doctor mode, head tab, a plan with a scanned head): "pick"
 * walks the nasion, the left tragion and the right tragion; each click on the head casts a ray from the eye
 * through the pixel against the head's mesh (scalp_mesh_ray) and converts the point met to the scan file's
 * coordinates and units (scalp_head_to_file), the contract of the plan's head.landmarks. The third click puts
 * the three into the plan as one edit, which the frame loop applies like any other: the head is fitted again
 * in the frame they fix. "estimate" clears them (the frame estimated again, with its warning). The mesh
 * clicked on is the fitted head, within a fraction of a millimetre of the scan where the scan has a surface
 * (docs/scans.md). */
#include "ui/window_internal.h"

#include <cglm/cglm.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

const char *const landmark_names[LANDMARK_COUNT] = {"nasion", "left tragion", "right tragion"};

/* What to click, in words, for the status line and the panel. */
static const char *const landmark_hints[LANDMARK_COUNT] = {
    "the nasion (the deepest point of the nose's root)",
    "the left tragion (the notch above the tragus, in front of the patient's left ear)",
    "the right tragion (in front of the patient's right ear)",
};

/* The name of the file's unit (head.mesh_units, or what was guessed), for showing its coordinates. */
static const char *unit_name(const scalp_head *head)
{
    return head->file_unit_mm >= 999.0 ? "m" : head->file_unit_mm >= 9.0 ? "cm" : "mm";
}

bool landmark_picking(const view_state *vs)
{
    return vs->pick.step >= 0;
}

static void status_next(const view_state *vs, editor *ed)
{
    snprintf(ed->status, sizeof ed->status, "landmarks: click %s on the head; drag turns it, Esc cancels",
             landmark_hints[vs->pick.step]);
}

static void start(view_state *vs, editor *ed, const scene_model *scene)
{
    vs->pick.step = 0;
    vs->pick.picked_on = scene->head.mesh.positions_mm;
    vs->pick.pressed = false;
    status_next(vs, ed);
}

void landmark_cancel(view_state *vs, editor *ed)
{
    if (!landmark_picking(vs)) return;
    vs->pick.step = -1;
    vs->pick.pressed = false;
    snprintf(ed->status, sizeof ed->status, "landmarks: picking cancelled, the plan's are kept");
}

void landmark_section(ui_ctx *ui, view_state *vs, editor *ed, const scene_model *scene, named_rects *names)
{
    if (!scene->head.scanned) return;
    bool open = ui_section(ui, "scan landmarks", true);
    name_last(names, ui, "landmarks");
    if (!open) return;
    const plan_scan_landmarks *lm = &scene->plan.head.landmarks;
    const double *shown[LANDMARK_COUNT] = {lm->nasion, lm->tragus_left, lm->tragus_right};
    const char *unit = unit_name(&scene->head);
    int precision = unit[0] == 'm' && unit[1] == '\0' ? 4 : unit[0] == 'c' ? 2 : 1;
    for (int i = 0; i < LANDMARK_COUNT; ++i) {
        bool picked = landmark_picking(vs) && i < vs->pick.step;
        const double *p = picked ? vs->pick.file[i] : shown[i];
        if (picked || (!landmark_picking(vs) && lm->given))
            ui_label(ui, "%s: %.*f, %.*f, %.*f %s", landmark_names[i], precision, p[0], precision, p[1],
                     precision, p[2], unit);
        else if (landmark_picking(vs))
            ui_label(ui, "%s: %s", landmark_names[i], i == vs->pick.step ? "click it on the head" : "next");
        else
            ui_label(ui, "%s: estimated", landmark_names[i]);
    }
    if (!lm->given && !landmark_picking(vs)) ui_label(ui, "the frame may be 15 mm off: pick them");
    if (landmark_picking(vs)) {
        if (ui_button(ui, "cancel picking (Esc)")) landmark_cancel(vs, ed);
        name_last(names, ui, "landmark-cancel");
        return;
    }
    if (ui_button(ui, "pick them on the head")) start(vs, ed, scene);
    name_last(names, ui, "landmark-pick");
    if (lm->given) {
        if (ui_button(ui, "estimate them instead")) {
            ed->pending.head.landmarks = (plan_scan_landmarks){0};
            snprintf(ed->pending_what, sizeof ed->pending_what, "landmarks estimated");
            ed->pending_edit = (history_edit){ed->pending_what, false, 0, 0, NULL, NULL, 0};
        }
        name_last(names, ui, "landmark-estimate");
    }
}

/* The vertex nearest to p: its outward normal stands for the surface's there (to hide a marker on the far
 * side). A look over the vertices, done only when a marker moves. */
static void nearest_normal(const scalp_mesh *m, const float p[3], float normal[3])
{
    float best = INFINITY;
    int at = 0;
    for (int v = 0; v < m->vertex_count; ++v) {
        const float *q = &m->positions_mm[3 * v];
        float d =
            (q[0] - p[0]) * (q[0] - p[0]) + (q[1] - p[1]) * (q[1] - p[1]) + (q[2] - p[2]) * (q[2] - p[2]);
        if (d < best) best = d, at = v;
    }
    memcpy(normal, &m->normals[3 * at], sizeof(float[3]));
}

void landmark_update(view_state *vs, editor *ed, const scene_model *scene, const render_frame *frame)
{
    landmark_pick *lp = &vs->pick;
    if (landmark_picking(vs) && (vs->mode != MODE_DOCTOR || vs->plan_tab != PLAN_TAB_HEAD ||
                                 !scene->head.scanned || lp->picked_on != scene->head.mesh.positions_mm))
        landmark_cancel(vs, ed);
    lp->cam = screen_camera_of(frame);
    lp->camera_valid = true;
    /* The markers: the points picked so far, or the plan's, through the head's present frame (after a refit
     * the frame is another: the plan's file coordinates are what stays). */
    const plan_scan_landmarks *lm = &scene->plan.head.landmarks;
    const double *file[LANDMARK_COUNT] = {lm->nasion, lm->tragus_left, lm->tragus_right};
    int count = landmark_picking(vs) ? lp->step : scene->head.scanned && lm->given ? LANDMARK_COUNT : 0;
    bool tab = vs->mode == MODE_DOCTOR && vs->plan_tab == PLAN_TAB_HEAD;
    lp->marker_count = tab ? count : 0;
    for (int i = 0; i < lp->marker_count; ++i) {
        double q[3];
        scalp_head_from_file(&scene->head, landmark_picking(vs) ? lp->file[i] : file[i], q);
        float p[3] = {(float)q[0], (float)q[1], (float)q[2]};
        if (memcmp(p, lp->marker_mm[i], sizeof p) != 0 || lp->marker_mesh != scene->head.mesh.positions_mm) {
            memcpy(lp->marker_mm[i], p, sizeof p);
            nearest_normal(&scene->head.mesh, p, lp->marker_normal[i]);
        }
        float to_eye[3] = {frame->eye_mm[0] - p[0], frame->eye_mm[1] - p[1], frame->eye_mm[2] - p[2]};
        lp->visible[i] = glm_vec3_dot(to_eye, lp->marker_normal[i]) > 0.0f &&
                         screen_camera_project(&lp->cam, p, lp->at[i]);
    }
    lp->marker_mesh = scene->head.mesh.positions_mm;
}

void landmark_press(view_state *vs, float x, float y)
{
    if (!landmark_picking(vs)) return;
    vs->pick.pressed = true;
    vs->pick.press_at[0] = x, vs->pick.press_at[1] = y;
}

bool landmark_release(view_state *vs, editor *ed, const scene_model *scene, float x, float y, float scale)
{
    landmark_pick *lp = &vs->pick;
    if (!landmark_picking(vs) || !lp->pressed) return false;
    lp->pressed = false;
    if (fabsf(x - lp->press_at[0]) > LANDMARK_CLICK_PX * scale ||
        fabsf(y - lp->press_at[1]) > LANDMARK_CLICK_PX * scale || !lp->camera_valid)
        return false; /* a drag: it turned the head */
    const screen_camera *c = &lp->cam;
    if (x < (float)c->output_x || x >= (float)(c->output_x + c->width) || y < 0.0f || y >= (float)c->height) {
        snprintf(ed->status, sizeof ed->status, "landmarks: click %s on the head of the picture on the left",
                 landmark_hints[lp->step]);
        return true;
    }
    double o[3], d[3];
    screen_camera_ray(&lp->cam, x, y, o, d);
    double t = scalp_mesh_ray(&scene->head.mesh, o, d, NULL);
    if (t < 0.0) {
        snprintf(ed->status, sizeof ed->status, "landmarks: no head under the pointer; click %s on the head",
                 landmark_hints[lp->step]);
        return true;
    }
    double hit[3] = {o[0] + t * d[0], o[1] + t * d[1], o[2] + t * d[2]};
    scalp_head_to_file(&scene->head, hit, lp->file[lp->step]);
    if (++lp->step < LANDMARK_COUNT) {
        status_next(vs, ed);
        return true;
    }
    /* All three: one plan edit, applied (the head fitted again) by the frame loop. */
    plan_scan_landmarks *out = &ed->pending.head.landmarks;
    out->given = true;
    memcpy(out->nasion, lp->file[LANDMARK_NASION], sizeof out->nasion);
    memcpy(out->tragus_left, lp->file[LANDMARK_LEFT], sizeof out->tragus_left);
    memcpy(out->tragus_right, lp->file[LANDMARK_RIGHT], sizeof out->tragus_right);
    snprintf(ed->pending_what, sizeof ed->pending_what, "landmarks picked");
    ed->pending_edit = (history_edit){ed->pending_what, false, 0, 0, NULL, NULL, 0};
    lp->step = -1;
    snprintf(ed->status, sizeof ed->status, "landmarks: fitting the head to them");
    return true;
}

void landmark_draw(ui_text *text, const view_state *vs, float scale)
{
    static const float ring[4] = {1.0f, 1.0f, 1.0f, 0.95f}, core[4] = {0.92f, 0.55f, 0.1f, 1.0f},
                       bg[4] = {0.0f, 0.0f, 0.0f, 0.55f}, fg[4] = {1.0f, 1.0f, 1.0f, 1.0f};
    const landmark_pick *lp = &vs->pick;
    for (int i = 0; i < lp->marker_count; ++i) {
        if (!lp->visible[i]) continue;
        float r = 5.0f * scale, x = lp->at[i][0], y = lp->at[i][1];
        ui_text_panel(text, x - r, y - r, 2.0f * r, 2.0f * r, ring);
        ui_text_panel(text, x - r + 2.0f * scale, y - r + 2.0f * scale, 2.0f * r - 4.0f * scale,
                      2.0f * r - 4.0f * scale, core);
        /* The label right of the marker, or left of it for the patient's right tragion (the picture's left
         * seen from the front), so that the nasion's and the tragia's labels point away from the face. */
        float w = ui_text_width(text, landmark_names[i]), lh = ui_text_line_height(text);
        bool left = i == LANDMARK_RIGHT;
        float lx = left ? x - 2.0f * r - w - 8.0f * scale : x + 2.0f * r;
        ui_text_panel(text, lx, y - 0.5f * lh - 2.0f * scale, w + 8.0f * scale, lh + 4.0f * scale, bg);
        ui_text_print(text, lx + 4.0f * scale, y - 0.5f * lh, fg, landmark_names[i]);
    }
}

bool landmark_screen_point(const view_state *vs, const scene_model *scene, const double file[3], float out[2])
{
    if (!vs->pick.camera_valid) return false;
    double q[3];
    scalp_head_from_file(&scene->head, file, q);
    float p[3] = {(float)q[0], (float)q[1], (float)q[2]};
    return screen_camera_project(&vs->pick.cam, p, out);
}
