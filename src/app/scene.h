/* scene: turns a plan and the shared options into what the renderer draws: the head, the dot field, and
 * per-frame descriptions (camera from a named view, the light of app/light.h, colours, ageing).
 * Pure C on top of the simulation modules: no GL, no SDL, so it is tested on the CPU. */
#ifndef SMP_APP_SCENE_H
#define SMP_APP_SCENE_H

#include "ageing/ageing.h"
#include "app/light.h"
#include "app/options.h"
#include "pigment/pigment.h"
#include "plan/plan.h"
#include "render/render.h"
#include "scalp/hair.h"
#include "scalp/scalp.h"

typedef struct app_camera {
    float eye_mm[3], target_mm[3], up[3];
    float fov_y_deg;
} app_camera;

typedef struct app_scene {
    plan plan;
    scalp_head head;
    pigment_field field;
    scalp_scar_set scars;
    scalp_hair hair;         /* the patient's stubble */
    optics_table *optics; /* the baked optics tables (owned; the embedded copy of assets/optics/tables.json) */
    double placement_s;   /* wall seconds the last dot placement took (smpsim bench) */
    smp_log_fn warn;      /* hears what building the head reports (a scan's landmarks estimated); may be NULL */
} app_scene;

/* Loads the plan (file, --set, --seed), builds the head, places the dots and reads the optics tables. */
smp_status app_scene_create(app_scene *scene, const app_options *opts, smp_log_fn warn, smp_error *err);
/* The same from a plan in memory (validated here; source names it in errors, e.g. the file it came from); no
 * warnings are reported. */
smp_status app_scene_create_from_plan(app_scene *scene, const plan *pl, const char *source, smp_error *err);
void app_scene_destroy(app_scene *scene); /* safe on a zeroed scene */

/* Rebuilds the scene for a new plan (head, dots). On failure the scene is left as it was and err says why. */
smp_status app_scene_set_plan(app_scene *scene, const plan *pl, smp_error *err);

/* Rebuilds only the dot field, for a plan that differs from the scene's in what only the dots depend on
 * (sessions' and touch-ups' shades, the pigment's fields): the head, scars and hair are kept, so this costs
 * one dot placement (about half a second for a full scalp). On failure the scene is left as it was. */
smp_status app_scene_set_plan_dots(app_scene *scene, const plan *pl, smp_error *err);

/* The optics tables built into the binary, parsed (caller frees with free()); NULL with err set if the
 * embedded copy is missing or malformed (a build defect). */
optics_table *app_optics_table_load(smp_error *err);

/* Camera for a named view: far views frame the head (or stand distance_m away when > 0, with the
 * 30-degree vertical field of a normal lens); close-ups frame a field 60 mm across. */
app_camera app_scene_view_camera(const app_scene *scene, app_view view, double distance_m, double aspect);
/* The same with the close-ups' field (mm across the wider image side; <= 0: 60 mm). */
app_camera app_scene_view_camera_field(const app_scene *scene, app_view view, double distance_m, double field_mm,
                                       double aspect);

/* The default time: healed, 60 days after the last session. */
double app_scene_default_days(const app_scene *scene);

/* The timeline that animations and the window's time slider run along, u = 0..1: its first APP_TIMELINE_HEALING
 * share covers day 0 to a month after healing (healed_day + 30) day by day, the rest the years to
 * APP_TIMELINE_END_YEARS. app_timeline_position is its inverse (clamped to 1). */
#define APP_TIMELINE_HEALING 0.35
#define APP_TIMELINE_END_YEARS 20.0
double app_timeline_days(double u, double healed_day);
double app_timeline_position(double days, double healed_day);

/* Fills a frame description: the camera, the light (a key on the camera's axis when light->on_camera), the
 * skin, the ink and the hair at t_days. */
void app_scene_frame(const app_scene *scene, const app_camera *camera, const app_light *light, double t_days,
                     int width, int height, render_frame *frame);

/* Midline surface point at arc length arc_mm from the glabella, over the vertex and down to the nape
 * (used to aim close-ups); writes the point and its outward normal. */
void app_scene_midline_point(const scalp_head *head, double arc_mm, float point[3], float normal[3]);
double app_scene_midline_length(const scalp_head *head);

#endif
