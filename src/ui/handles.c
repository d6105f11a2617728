/* Handles dragged on the head (doctor mode, head tab): the hairline's mid-frontal point, moved along the
 * midline to set the plan's hairline.height_cm (the height above the glabella along the surface), and the
 * left frontotemporal point (the hairline's corner), moved up and down the temple to set
 * hairline.temple_height_cm (which moves both corners: the plan's hairline is symmetric). Both 5..12 cm; a
 * release is one plan edit. */
#include "ui/window_internal.h"

#include <cglm/cglm.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static double sample_cm(int i)
{
    return HAIRLINE_MIN_CM + (HAIRLINE_MAX_CM - HAIRLINE_MIN_CM) * i / (HANDLE_SAMPLES - 1);
}

static int sample_of(double cm)
{
    int i = (int)lround((cm - HAIRLINE_MIN_CM) / (HAIRLINE_MAX_CM - HAIRLINE_MIN_CM) * (HANDLE_SAMPLES - 1));
    return i < 0 ? 0 : i >= HANDLE_SAMPLES ? HANDLE_SAMPLES - 1 : i;
}

/* The left corner's track on the surface: for each height sample, the mesh vertex nearest (in the scalp
 * chart) to where the designed line (scalp_hairline_chart_point) crosses the left frontotemporal landmark's
 * chart x. The chart of every vertex is found once per head; the track again only when the hairline changes.
 */
static void temple_track(hairline_handle *hh, const scene_model *scene, const plan_hairline *hl)
{
    const scalp_head *head = &scene->head;
    /* The head is rebuilt in place (the same address) when its measures change: they are part of the key. */
    if (hh->track_head == head && memcmp(&hh->track_for, hl, sizeof *hl) == 0 &&
        memcmp(&hh->track_measures, &scene->plan.head, sizeof scene->plan.head) == 0 &&
        hh->track_sex == scene->plan.patient.sex)
        return;
    const scalp_mesh *m = &head->mesh;
    double x = head->landmarks_chart_mm[SCALP_LM_TEMPLE_LEFT][0];
    for (int i = 0; i < HANDLE_SAMPLES; ++i) {
        plan_hairline h = *hl;
        h.temple_height_cm = sample_cm(i);
        double y;
        scalp_hairline_chart_point(head, &h, x, &y);
        float best = INFINITY;
        for (int v = 0; v < m->vertex_count; ++v) {
            const float *p = m->positions_mm + 3 * v;
            if ((p[0] > 0.0f) != (x > 0.0))
                continue; /* the left side only (chart x and head x agree in sign) */
            float q[2];
            scalp_head_chart_mm(head, p, q);
            float d = (q[0] - (float)x) * (q[0] - (float)x) + (q[1] - (float)y) * (q[1] - (float)y);
            if (d < best) {
                best = d;
                memcpy(hh->points[i], p, sizeof hh->points[i]);
                memcpy(hh->normals[i], m->normals + 3 * v, sizeof hh->normals[i]);
            }
        }
    }
    hh->track_head = head;
    hh->track_for = *hl;
    hh->track_measures = scene->plan.head;
    hh->track_sex = scene->plan.patient.sex;
}

/* Where the handle and its track land on the screen for this frame; visible only from the side it faces. */
static void place(hairline_handle *hh, const render_frame *frame, const float (*points)[3],
                  const float (*normals)[3], const float at[3], const float at_normal[3])
{
    float to_eye[3] = {frame->eye_mm[0] - at[0], frame->eye_mm[1] - at[1], frame->eye_mm[2] - at[2]};
    screen_camera cam = screen_camera_of(frame);
    if (glm_vec3_dot(to_eye, (float *)at_normal) <= 0.0f || !screen_camera_project(&cam, at, hh->at)) return;
    hh->visible = true;
    for (int i = 0; i < HANDLE_SAMPLES; ++i) {
        float e[3] = {frame->eye_mm[0] - points[i][0], frame->eye_mm[1] - points[i][1],
                      frame->eye_mm[2] - points[i][2]};
        hh->ok[i] = glm_vec3_dot(e, (float *)normals[i]) > 0.0f &&
                    screen_camera_project(&cam, points[i], hh->track[i]);
    }
}

void handle_update(view_state *vs, const editor *ed, const scene_model *scene, const render_frame *frame)
{
    hairline_handle *hh = &vs->hairline, *th = &vs->temples;
    hh->visible = th->visible = false;
    const plan *p = &ed->pending;
    if (vs->mode != MODE_DOCTOR || vs->plan_tab != PLAN_TAB_HEAD || p->hairline.point_count >= 2 ||
        landmark_picking(vs))
        return; /* while the landmarks are picked, a click on the head is a landmark's */
    /* The hairline: the handle (last) and the points of the allowed range on the midline (built once with the
     * head: a look-up each). */
    double arcs[HANDLE_SAMPLES + 1];
    float q[HANDLE_SAMPLES + 1][3], n[HANDLE_SAMPLES + 1][3];
    for (int i = 0; i < HANDLE_SAMPLES; ++i)
        arcs[i] = 10.0 * sample_cm(i);
    arcs[HANDLE_SAMPLES] = 10.0 * (hh->dragging ? hh->height_cm : p->hairline.height_cm);
    for (int i = 0; i <= HANDLE_SAMPLES; ++i)
        scalp_head_midline_point(&scene->head, arcs[i], q[i], n[i]);
    place(hh, frame, (const float(*)[3])q, (const float(*)[3])n, q[HANDLE_SAMPLES], n[HANDLE_SAMPLES]);
    /* The temples: the left corner, on the track of the scene's hairline (its height does not move the
     * track). */
    temple_track(th, scene, &scene->plan.hairline);
    int k = sample_of(th->dragging ? th->height_cm : p->hairline.temple_height_cm);
    place(th, frame, (const float(*)[3])th->points, (const float(*)[3])th->normals, th->points[k],
          th->normals[k]);
}

static bool grab(hairline_handle *hh, float x, float y, float scale, double height_cm)
{
    float r = HANDLE_GRAB_PX * scale;
    if (!hh->visible || fabsf(x - hh->at[0]) > r || fabsf(y - hh->at[1]) > r) return false;
    hh->dragging = true;
    hh->height_cm = height_cm;
    return true;
}

bool handle_press(view_state *vs, const editor *ed, float x, float y, float scale)
{
    return grab(&vs->hairline, x, y, scale, ed->pending.hairline.height_cm) ||
           grab(&vs->temples, x, y, scale, ed->pending.hairline.temple_height_cm);
}

/* The height of the track's sample nearest to the mouse. */
static void drag(hairline_handle *hh, float x, float y)
{
    if (!hh->dragging) return;
    double best = 1e30;
    for (int i = 0; i < HANDLE_SAMPLES; ++i) {
        if (!hh->ok[i]) continue;
        double dx = x - hh->track[i][0], dy = y - hh->track[i][1], d = dx * dx + dy * dy;
        if (d < best) best = d, hh->height_cm = sample_cm(i);
    }
}

void handle_drag(view_state *vs, float x, float y)
{
    drag(&vs->hairline, x, y);
    drag(&vs->temples, x, y);
}

bool handle_dragging(const view_state *vs)
{
    return vs->hairline.dragging || vs->temples.dragging;
}

/* A release: the new height, rounded to a millimetre, as one plan edit (applied by the frame loop). */
static void release(hairline_handle *hh, editor *ed, double *field, const char *what)
{
    if (!hh->dragging) return;
    hh->dragging = false;
    double before = *field, cm = round(hh->height_cm * 10.0) / 10.0;
    if (fabs(cm - before) < 1e-9) return;
    snprintf(ed->pending_what, sizeof ed->pending_what, "%s", what);
    snprintf(ed->pending_unit, sizeof ed->pending_unit, "cm");
    ed->pending_edit = (history_edit){ed->pending_what, true, before, cm, ed->pending_unit, NULL, 0};
    *field = cm;
}

void handle_release(view_state *vs, editor *ed)
{
    release(&vs->hairline, ed, &ed->pending.hairline.height_cm, "hairline height");
    release(&vs->temples, ed, &ed->pending.hairline.temple_height_cm, "temples' height");
}

/* The handle, and its label beside it: left of it (left_label) or right. */
static void draw(ui_text *text, const hairline_handle *hh, const char *name, double shown_cm, bool left_label,
                 float scale)
{
    if (!hh->visible) return;
    static const float ring[4] = {1.0f, 1.0f, 1.0f, 0.95f}, core[4] = {0.18f, 0.42f, 0.75f, 1.0f},
                       bg[4] = {0.0f, 0.0f, 0.0f, 0.55f}, fg[4] = {1.0f, 1.0f, 1.0f, 1.0f};
    float r = 6.0f * scale, x = hh->at[0], y = hh->at[1];
    ui_text_panel(text, x - r, y - r, 2.0f * r, 2.0f * r, ring);
    ui_text_panel(text, x - r + 2.0f * scale, y - r + 2.0f * scale, 2.0f * r - 4.0f * scale,
                  2.0f * r - 4.0f * scale, core);
    char label[48];
    snprintf(label, sizeof label, "%s %.1f cm", name, hh->dragging ? hh->height_cm : shown_cm);
    float w = ui_text_width(text, label), lh = ui_text_line_height(text);
    float lx = left_label ? x - 2.0f * r - w - 8.0f * scale : x + 2.0f * r;
    ui_text_panel(text, lx, y - 0.5f * lh - 2.0f * scale, w + 8.0f * scale, lh + 4.0f * scale, bg);
    ui_text_print(text, lx + 4.0f * scale, y - 0.5f * lh, fg, label);
}

void handle_draw(ui_text *text, const view_state *vs, float scale)
{
    /* The temples' handle is on the patient's left, the picture's right when seen from the front: the
     * hairline's label goes to the other side. */
    bool temples_right =
        vs->temples.visible && vs->hairline.visible && vs->temples.at[0] > vs->hairline.at[0];
    draw(text, &vs->hairline, "hairline", vs->hairline_shown_cm, temples_right, scale);
    draw(text, &vs->temples, "temples", vs->temples_shown_cm, !temples_right && vs->hairline.visible, scale);
}
