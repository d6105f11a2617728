/* Handles dragged on the head: the hairline's mid-frontal point, moved along the midline to set the plan's
 * hairline.height_cm (the height above the glabella along the surface, 5..12 cm). */
#include "ui/window_internal.h"

#include <cglm/cglm.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Screen pixels (origin top left) of head point p under the frame's camera; false behind the camera. */
static bool project(const render_frame *f, const float p[3], float out[2])
{
    vec4 h = {p[0], p[1], p[2], 1.0f}, v, c;
    glm_mat4_mulv((vec4 *)f->view, h, v);
    glm_mat4_mulv((vec4 *)f->proj, v, c);
    if (c[3] <= 1e-6f) return false;
    out[0] = (0.5f + 0.5f * c[0] / c[3]) * (float)f->width + (float)f->output_x;
    out[1] = (0.5f - 0.5f * c[1] / c[3]) * (float)f->height;
    return true;
}

void handle_update(view_state *vs, const editor *ed, const scene_model *scene, const render_frame *frame)
{
    hairline_handle *hh = &vs->hairline;
    hh->visible = false;
    const plan *p = &ed->pending;
    if (vs->mode != MODE_DOCTOR || vs->plan_tab != PLAN_TAB_HEAD || p->hairline.point_count >= 2) return;
    /* The handle (last) and the points of the allowed range, where they land on the screen for the drag (the
     * head's midline is built once with the head: a look-up each). */
    double arcs[HANDLE_SAMPLES + 1];
    float q[HANDLE_SAMPLES + 1][3], n[HANDLE_SAMPLES + 1][3];
    for (int i = 0; i < HANDLE_SAMPLES; ++i)
        arcs[i] = 10.0 * (HAIRLINE_MIN_CM + (HAIRLINE_MAX_CM - HAIRLINE_MIN_CM) * i / (HANDLE_SAMPLES - 1));
    arcs[HANDLE_SAMPLES] = 10.0 * (hh->dragging ? hh->height_cm : p->hairline.height_cm);
    for (int i = 0; i <= HANDLE_SAMPLES; ++i) scalp_head_midline_point(&scene->head, arcs[i], q[i], n[i]);
    const float *at = q[HANDLE_SAMPLES];
    /* Seen only from the side it faces. */
    float to_eye[3] = {frame->eye_mm[0] - at[0], frame->eye_mm[1] - at[1], frame->eye_mm[2] - at[2]};
    if (glm_vec3_dot(to_eye, n[HANDLE_SAMPLES]) <= 0.0f || !project(frame, at, hh->at)) return;
    hh->visible = true;
    for (int i = 0; i < HANDLE_SAMPLES; ++i) hh->ok[i] = project(frame, q[i], hh->track[i]);
}

bool handle_press(view_state *vs, const editor *ed, float x, float y, float scale)
{
    hairline_handle *hh = &vs->hairline;
    float r = HANDLE_GRAB_PX * scale;
    if (!hh->visible || fabsf(x - hh->at[0]) > r || fabsf(y - hh->at[1]) > r) return false;
    hh->dragging = true;
    hh->height_cm = ed->pending.hairline.height_cm;
    return true;
}

void handle_drag(view_state *vs, float x, float y)
{
    hairline_handle *hh = &vs->hairline;
    if (!hh->dragging) return;
    double best = 1e30;
    for (int i = 0; i < HANDLE_SAMPLES; ++i) {
        if (!hh->ok[i]) continue;
        double dx = x - hh->track[i][0], dy = y - hh->track[i][1], d = dx * dx + dy * dy;
        if (d < best) best = d, hh->height_cm = HAIRLINE_MIN_CM + (HAIRLINE_MAX_CM - HAIRLINE_MIN_CM) * i / (HANDLE_SAMPLES - 1);
    }
}

void handle_release(view_state *vs, editor *ed)
{
    hairline_handle *hh = &vs->hairline;
    if (!hh->dragging) return;
    hh->dragging = false;
    double before = ed->pending.hairline.height_cm, cm = round(hh->height_cm * 10.0) / 10.0;
    if (fabs(cm - before) < 1e-9) return;
    snprintf(ed->pending_what, sizeof ed->pending_what, "hairline height");
    snprintf(ed->pending_unit, sizeof ed->pending_unit, "cm");
    ed->pending_edit = (history_edit){ed->pending_what, true, before, cm, ed->pending_unit, NULL, 0};
    ed->pending.hairline.height_cm = cm; /* applied by the frame loop: one undo step */
}

void handle_draw(ui_text *text, const view_state *vs, float scale)
{
    const hairline_handle *hh = &vs->hairline;
    if (!hh->visible) return;
    static const float ring[4] = {1.0f, 1.0f, 1.0f, 0.95f}, core[4] = {0.18f, 0.42f, 0.75f, 1.0f},
                       bg[4] = {0.0f, 0.0f, 0.0f, 0.55f}, fg[4] = {1.0f, 1.0f, 1.0f, 1.0f};
    float r = 6.0f * scale, x = hh->at[0], y = hh->at[1];
    ui_text_panel(text, x - r, y - r, 2.0f * r, 2.0f * r, ring);
    ui_text_panel(text, x - r + 2.0f * scale, y - r + 2.0f * scale, 2.0f * r - 4.0f * scale, 2.0f * r - 4.0f * scale,
                  core);
    char label[48];
    snprintf(label, sizeof label, "hairline %.1f cm", hh->dragging ? hh->height_cm : vs->hairline_shown_cm);
    float w = ui_text_width(text, label), lh = ui_text_line_height(text);
    ui_text_panel(text, x + 2.0f * r, y - 0.5f * lh - 2.0f * scale, w + 8.0f * scale, lh + 4.0f * scale, bg);
    ui_text_print(text, x + 2.0f * r + 4.0f * scale, y - 0.5f * lh, fg, label);
}
