/* report: the consultation report (smpsim report, and the window's doctor mode; issue 13): one folder with
 * index.html and its images, to hand to a patient or open on any computer. It holds the head before
 * treatment, healed, and 5 and 10 years later under daylight, office, bathroom and raking light
 * (SCENE_REPORT_TIMES x SCENE_REPORT_LIGHTS); the before / after pair from above; the fade curve with the
 * touch-up date (scene/fade.h); each scar's close-up under overhead and raking light and its visibility plot
 * (scene/visibility.h), or a plain sentence when the plan has no scars; the plan in words with units; the
 * model's limits; the date and the version. The page needs nothing outside its folder (inline CSS, no fonts,
 * no network; a few lines of inline script only mark the page once every image has loaded, for the test).
 * Every PNG carries what it shows in its metadata (scene_png_write; the plots carry the plan). docs/report.md
 * has the layout and the choices.
 *
 * The builder takes the caller's renderer and scene, so the window (ui/) makes a report with its own GL
 * context and shows the progress in a bar of its own; smpsim report (app/cmd_report.c) draws a bar on the
 * terminal. It lives in scene/ (plain C on the renderer, no SDL) so that both can call it.
 *
 *     scene_report_params p = {.plan_source = "plan.json", .progress = app_progress_update,
 *                              .progress_user = &bar};
 *     if (scene_report_output_check("report", &err) == SMP_OK)
 *         st = scene_report_write(rc, &scene, &p, "report", &err);
 *
 * Cost: 4 x 4 + 2 images (+ 4 per scar), the fade curve (a few seconds), and with scars the visibility
 * measurement, 32 renders of a 40 mm field per scar (about 2-3 minutes per scar without a GPU). With SDL's
 * offscreen driver at 960 x 540 and no scar: about 30 s on two cores.
 */
#ifndef SMP_SCENE_REPORT_H
#define SMP_SCENE_REPORT_H

#include "scene/scene.h"
#include "scene/visibility.h"

#define SCENE_REPORT_WIDTH 960 /* each rendered image's default size */
#define SCENE_REPORT_HEIGHT 540
#define SCENE_REPORT_TIMES 4  /* before, healed, +5 years, +10 years (after healing) */
#define SCENE_REPORT_LIGHTS 4 /* daylight, office, bathroom, raking */
/* the raking key's angle above the horizon (far views) or the skin (close-ups) */
#define SCENE_REPORT_RAKING_DEG 8.0
/* the raking column's light: a low sun, hard shadows, little fill */
#define SCENE_REPORT_RAKING_PRESET "sun"

typedef struct scene_report_params {
    int width, height; /* each rendered image, 16..8192 pixels; 0: SCENE_REPORT_WIDTH x SCENE_REPORT_HEIGHT */
    bool has_view;     /* false: the grid is seen from three-quarter */
    scene_view view;   /* the grid's view */
    scene_vis_params vis; /* the scar measurement; zeros: smpsim visibility's own (the same numbers) */
    const scene_vis_result *vis_result; /* this plan's scars measured already (the window's measurement, made
                                         * with its own vis params): shown instead of measuring again; NULL:
                                         * measure */
    const char *plan_source;            /* the plan's file, named in the report; NULL: "the built-in plan" */
    smp_progress_fn progress; /* may be NULL: fraction done and what is being computed, from this thread */
    void *progress_user;
} scene_report_params;

/* Checks that dir can take a report before any work is done: its parent exists and dir is absent, an empty
 * directory or an earlier smpsim report (index.html made by smpsim and PNG files, nothing else), which is
 * then replaced. SMP_ERR_INPUT with one line naming -o and what is wrong. */
smp_status scene_report_output_check(const char *dir, smp_error *err);

/* Writes the report of scene (a validated plan, uploaded to rc or not) into dir. It is built in a hidden
 * temporary folder beside dir and renamed onto it at the end, so dir holds either the old content or the
 * whole new report; on failure nothing new is left. rc draws other scenes meanwhile (the untreated head, the
 * scar measurement) and holds scene again when this returns, success or not. Errors: dir as
 * scene_report_output_check, the renderer's, SMP_ERR_IO naming a file, SMP_ERR_NOMEM. */
smp_status scene_report_write(render_context *rc, const scene_model *scene, const scene_report_params *params,
                              const char *dir, smp_error *err);

#endif
