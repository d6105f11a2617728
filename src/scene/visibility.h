/* visibility: how visible each of a plan's scars is, against the key light's angle above the scalp at the
 * scar and the viewing distance, with and without SMP: what a doctor shows when a patient asks "will people
 * see it?". Measured on rendered images with the same renderer as `smpsim render`.
 *
 * For each scar, a square field of SCENE_VIS_FIELD_MM is seen face on, centred on the scar (a FUT line where
 * it crosses the back midline; the FUE punch nearest to the field's centre of mass), under a white key
 * light that crosses the scar (from above it, perpendicular to a FUT line) at an angle above the local
 * surface from grazing (5 degrees) to flat (90), with a white key as strong as the daylight preset's and a
 * sky fill a sixth of it. Each image is rendered for the nearest distance at SCENE_VIS_PX_PER_DEG pixels per
 * degree of visual angle and box-filtered in linear light for the farther ones (the eye integrates what the
 * renderer would resolve). The same view of the same head without the scar is the reference: the visibility
 * is the 99th percentile over the field of the S-CIELAB difference (analysis/scielab.h: CIEDE2000 after the
 * eye's contrast sensitivity at that distance), so a value above ANALYSIS_JND_DELTA_E00 means a careful
 * observer sees the scar. With SMP the plan's sessions and touch-ups are in both images (the head without the
 * scar has no dots where the scar was treated); without SMP neither has any. Placement is local (pigment/,
 * scalp/): the images differ only near the scar. docs/model.md ("Scar visibility") has the method and its
 * limits.
 */
#ifndef SMP_SCENE_VISIBILITY_H
#define SMP_SCENE_VISIBILITY_H

#include "plan/plan.h"
#include "render/render.h"

#define SCENE_VIS_FIELD_MM 40.0
#define SCENE_VIS_PX_PER_DEG 100.0
#define SCENE_VIS_DISTANCES 3
#define SCENE_VIS_MAX_ANGLES 16
#define SCENE_VIS_PERCENTILE 0.99

typedef struct scene_vis_params {
    int angle_count;                         /* 0: the default angles, 5 10 15 20 30 45 60 90 */
    double angles_deg[SCENE_VIS_MAX_ANGLES]; /* above the local surface, ascending, 1..90 */
    double field_mm;                         /* 0: SCENE_VIS_FIELD_MM */
    double px_per_deg;                       /* at the nearest distance; 0: SCENE_VIS_PX_PER_DEG */
    smp_progress_fn progress; /* may be NULL: scene_visibility_run's share of renders done, after each one */
    void *progress_user;
} scene_vis_params;

extern const double scene_vis_distances_m[SCENE_VIS_DISTANCES]; /* 0.3, 1, 2 */

typedef struct scene_vis_scar {
    int scar; /* plan.scars index */
    plan_scar_type type;
    double depth_mm;                /* the plan's indentation */
    double centre_mm[3], normal[3]; /* where the field is centred */
    double
        world_elevation_deg[SCENE_VIS_MAX_ANGLES]; /* the key light's elevation in the room for each angle */
    double delta_e[2][SCENE_VIS_DISTANCES]
                  [SCENE_VIS_MAX_ANGLES]; /* [0 without SMP, 1 with][distance][angle] */
    /* FUT lines only (0 for FUE): the same after each image is averaged along the line (the image's rows; the
     * field's middle is where the line crosses the midline, and it runs across the field): the contrast of
     * the line itself, which the eye sums along its length, with the random detail of hair that lies over it
     * (strands that differ between the two heads) averaged out. */
    double line_delta_e[2][SCENE_VIS_DISTANCES][SCENE_VIS_MAX_ANGLES];
} scene_vis_scar;

typedef struct scene_vis_result {
    int angle_count;
    double angles_deg[SCENE_VIS_MAX_ANGLES];
    int scar_count;
    scene_vis_scar scars[PLAN_MAX_SCARS];
    int image_px; /* side of the rendered field at the nearest distance */
    int renders;
} scene_vis_result;

/* Checks the plan (at least one scar) and the parameters; SMP_ERR_INPUT naming what is wrong. */
smp_status scene_visibility_check(const plan *pl, const scene_vis_params *params, smp_error *err);

/* The same measurement between two heads: plan a against plan b (both validated, on the same head), on the
 * field of a's scar `scar`, under one light angle; the visibility at each distance into out, and when line is
 * not NULL the line measure of scene_vis_scar.line_delta_e (meaningful for a FUT line). For a scar's relief
 * alone, b is a with that scar's depth 0. */
smp_status scene_visibility_compare(render_context *rc, const plan *a, const plan *b, int scar,
                                    double angle_deg, const scene_vis_params *params,
                                    double out[SCENE_VIS_DISTANCES], double line[SCENE_VIS_DISTANCES],
                                    smp_error *err);

/* The same for several light angles at once (angle_count of them, 1..SCENE_VIS_MAX_ANGLES, each 1..90
 * degrees): each plan's scene is built once and seen under every angle, so this costs two scene builds
 * whatever the count, where a call of scene_visibility_compare per angle costs two each. out[i] (and line[i]
 * when line is not NULL) for angles_deg[i]; the numbers are those scene_visibility_compare gives for each
 * angle. */
smp_status scene_visibility_compare_angles(render_context *rc, const plan *a, const plan *b, int scar,
                                           int angle_count, const double *angles_deg,
                                           const scene_vis_params *params, double (*out)[SCENE_VIS_DISTANCES],
                                           double (*line)[SCENE_VIS_DISTANCES], smp_error *err);

/* The same measurement in small steps, for a window that must stay responsive while it runs (each step builds
 * one of the four scenes of a scar, or renders one image of the field and, after the last of a pair, measures
 * the pair): create, then step until done, drawing between steps. rc must be a renderer of its own (or
 * nothing else may upload to it between steps): a scene stays uploaded from one step to the next. params'
 * progress hears each render as for scene_visibility_run. The job copies pl and params; the caller destroys
 * it. Errors as scene_visibility_run's; after an error the job is only fit for destroying. */
typedef struct scene_vis_job scene_vis_job;
smp_status scene_vis_job_create(scene_vis_job **job, const plan *pl, const scene_vis_params *params,
                                smp_error *err);
smp_status scene_vis_job_step(scene_vis_job *job, render_context *rc, smp_error *err); /* nothing once done */
bool scene_vis_job_done(const scene_vis_job *job);
double scene_vis_job_fraction(const scene_vis_job *job);   /* renders done of all, 0..1 */
const char *scene_vis_job_stage(const scene_vis_job *job); /* what the last step did, or the next will do */
const scene_vis_result *scene_vis_job_result(const scene_vis_job *job); /* the scars measured so far */
void scene_vis_job_destroy(scene_vis_job *job);                         /* NULL is a no-op */

/* Renders and measures every scar of pl (validated) with rc (a current GL renderer): the job's steps run one
 * after the other. One scene is built for the whole run and its plan replaced for each of the four variants
 * per scar (scene_set_plan: the head is built once). */
smp_status scene_visibility_run(render_context *rc, const plan *pl, const scene_vis_params *params,
                                scene_vis_result *out, smp_error *err);

#endif
