/* scene: turns a plan into what the renderer draws: the head, the dot field, the scars and the stubble, and
 * per-frame descriptions (camera from a named view of scene/view.h, the light of scene/light.h, colours,
 * ageing).
 * Pure C on top of the simulation modules: no GL, no SDL, so it is tested on the CPU. */
#ifndef SMP_SCENE_SCENE_H
#define SMP_SCENE_SCENE_H

#include "ageing/ageing.h"
#include "scene/light.h"
#include "scene/view.h"
#include "pigment/pigment.h"
#include "plan/plan.h"
#include "render/render.h"
#include "scalp/hair.h"
#include "scalp/scalp.h"

typedef struct scene_camera {
    float eye_mm[3], target_mm[3], up[3];
    float fov_y_deg;
} scene_camera;

typedef struct scene_model {
    plan plan;
    scalp_head head;
    pigment_field field;
    scalp_scar_set scars;
    scalp_hair hair;         /* the patient's stubble */
    scalp_skin_map skin_map; /* the patient's photo on the chart (plan head.photo); empty without one */
    optics_table
        *optics;        /* the baked optics tables (owned; the embedded copy of assets/optics/tables.json) */
    double placement_s; /* wall seconds the last dot placement took (smpsim bench) */
    smp_log_fn warn;    /* hears what building the head reports (a scan's landmarks estimated); may be NULL */
    /* Each part's identity (render_scene_parts): a number new whenever the part is built, so that
     * scene_upload uploads only what an edit rebuilt. Never 0; one counter for the whole process, so that
     * scenes sharing a renderer never share a number (a pointer would: a scene destroyed and another built
     * at its address). */
    uint64_t head_id, dots_id, scars_id, hair_id, skin_map_id;
} scene_model;

/* Where a scene's plan comes from: a file (NULL: the built-in plan), --set overrides (PATH=VALUE, a JSON
 * literal, in order) and a seed that replaces the plan's. */
#define SCENE_MAX_SETS 64
typedef struct scene_source {
    const char *plan_path;
    const char *sets[SCENE_MAX_SETS];
    int set_count;
    bool has_seed;
    uint64_t seed;
} scene_source;
/* Loads the plan of source (warnings through warn, may be NULL) and builds its scene. */
smp_status scene_load(scene_model *scene, const scene_source *source, smp_log_fn warn, smp_error *err);

/* Builds the scene of a plan (validated here; source names it in errors, e.g. the file it came from): the
 * head, the dots, the scars, the stubble, the optics tables. */
smp_status scene_create_from_plan(scene_model *scene, const plan *pl, const char *source, smp_error *err);
/* The same for a plan shown beside base's (A | B by plan): the dots are placed as a change of base's
 * (pigment_field_create_stable), so where the two plans ask for the same dots the two pictures are the same
 * and they differ only where the plans differ (one zone's density, a scar). When the plans do not share a
 * placement (another seed or head: pigment_plans_share_placement) it is scene_create_from_plan. Costs one
 * more dot placement (base's). base is only read, and may be destroyed afterwards. */
smp_status scene_create_from_plan_like(scene_model *scene, const plan *pl, const scene_model *base,
                                       const char *source, smp_error *err);
void scene_destroy(scene_model *scene); /* safe on a zeroed scene */

/* Rebuilds the scene for a new plan: the dots always, the head, the skin map, the scars and the hair only
 * when what they are built from changed (each rebuilt part gets a new identity, and scene_upload uploads only
 * those). On failure the scene is left as it was and err says why. */
smp_status scene_set_plan(scene_model *scene, const plan *pl, smp_error *err);

/* Rebuilds only the dot field, for a plan that differs from the scene's in what only the dots depend on
 * (sessions' and touch-ups' shades, the pigment's fields): the head, scars and hair are kept, so this costs
 * one dot placement (about half a second for a full scalp). On failure the scene is left as it was. */
smp_status scene_set_plan_dots(scene_model *scene, const plan *pl, smp_error *err);

/* The optics tables built into the binary, parsed (caller frees with free()); NULL with err set if the
 * embedded copy is missing or malformed (a build defect). */
optics_table *scene_optics_table_load(smp_error *err);

/* Camera for a named view: far views frame the head (or stand distance_m away when > 0, with the
 * 30-degree vertical field of a normal lens); close-ups frame a field 60 mm across. */
scene_camera scene_view_camera(const scene_model *scene, scene_view view, double distance_m, double aspect);
/* The same with the close-ups' field (mm across the wider image side; <= 0: 60 mm). */
scene_camera scene_view_camera_field(const scene_model *scene, scene_view view, double distance_m,
                                     double field_mm, double aspect);

/* The camera a plan's photo was taken with (head.photo_*, plan.h) on head: photo_distance_m from the head's
 * centre (scene_view_camera's far views aim there too) at the plan's azimuth and elevation, looking at the
 * centre, with +y up in the image (the face, +z, when looking along y). */
scene_camera scene_photo_camera(const scalp_head *head, const plan_head *ph);

/* The default time: healed, 60 days after the last session. */
double scene_default_days(const scene_model *scene);

/* The timeline that animations and the window's time slider run along, u = 0..1: its first
 * SCENE_TIMELINE_HEALING share covers day 0 to a month after healing (healed_day + 30) day by day, the rest
 * the years to SCENE_TIMELINE_END_YEARS. scene_timeline_position is its inverse (clamped to 1). */
#define SCENE_TIMELINE_HEALING 0.35
#define SCENE_TIMELINE_END_YEARS 20.0
double scene_timeline_days(double u, double healed_day);
double scene_timeline_position(double days, double healed_day);

/* Fills a frame description: the camera, the light (a key on the camera's axis when light->on_camera), the
 * skin, the ink and the hair at t_days. */
void scene_frame(const scene_model *scene, const scene_camera *camera, const scene_light *light,
                 double t_days, int width, int height, render_frame *frame);

#endif
