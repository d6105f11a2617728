/* match: the ink shade that makes a treated bald scalp read like the patient's own #0 stubble (what clinics
 * do when they "match the shade of pigment to the skin and hair colour"), measured on rendered images with
 * the same renderer as `smpsim render`, so it keeps working whatever the optics tables and the dot model
 * become: it depends on the scene and render APIs only.
 *
 * Two scenes of the plan's patient (skin type, hair colour, grey fraction, head), each at its healed default
 * time, seen from the top at conversation distance (1 m):
 *   reference  Norwood 1 (a full head of hair), clipped to 0.5 mm (#0 guard), no sessions, no touch-ups;
 *   SMP        Norwood 7 (bald), clipped to 0.5 mm, the plan's sessions and touch-ups with every shade x k.
 * The tone of each is the mean colour, in linear light, of a 30 mm disc on the vertex (analysis/), as
 * CIELAB. L* of the SMP scene falls as k grows, so k is found by a bracketed search on
 * L*_smp(k) = L*_stubble in [0, k_max], k_max = 1 / the largest shade (no shade may exceed 1). Between steps
 * only the dots are rebuilt (scene_set_plan_dots); the head, scars and hair are kept.
 * docs/model.md ("Shade matching") has the method and what "reachable" means.
 *
 *     app_match_result r;
 *     if (app_match_run(rc, &plan, &opts, NULL, &r, &err) == SMP_OK) use(r.after.shade_factor, r.adjusted);
 */
#ifndef SMP_APP_MATCH_H
#define SMP_APP_MATCH_H

#include "app/options.h"
#include "plan/plan.h"
#include "render/render.h"

#define APP_MATCH_DISTANCE_M 1.0 /* conversation distance, the default view */
#define APP_MATCH_WIDTH 480      /* default image size: the disc spans about 1250 pixels at 1 m */
#define APP_MATCH_HEIGHT 360
#define APP_MATCH_REGION_MM 30.0  /* radius of the measured disc on the vertex, along the scalp (match.c) */
#define APP_MATCH_MIN_PIXELS 20   /* fewer pixels in the disc: the view is too far or too small */
#define APP_MATCH_MAX_STEPS 10    /* default renders of the search inside the bracket */
#define APP_MATCH_TOLERANCE_L 0.1 /* default: stop when |delta L*| is this small (L* units) */

typedef struct app_match_params {
    int max_steps;      /* renders inside the bracket, after the end points; 0 = APP_MATCH_MAX_STEPS */
    double tolerance_l; /* stop when |L*_smp - L*_stubble| <= this; 0 = APP_MATCH_TOLERANCE_L */
} app_match_params;

/* Why the target was not reached. */
typedef enum app_match_limit {
    APP_MATCH_REACHED = 0,
    APP_MATCH_TOO_LIGHT, /* even the largest shades (k_max) leave the scalp lighter than the stubble */
    APP_MATCH_TOO_DARK,  /* even no ink (k = 0) leaves it darker: the bare scalp is darker than the stubble */
} app_match_limit;

/* One rendered SMP tone. */
typedef struct app_match_sample {
    double shade_factor; /* k: every session's and touch-up's shade times this */
    double lab[3];       /* CIELAB of the disc's mean colour */
    double delta_e00;    /* CIEDE2000 against the stubble reference */
    double delta_l;      /* L*_smp - L*_stubble: > 0 lighter than the stubble, < 0 darker */
} app_match_sample;

typedef struct app_match_result {
    double reference_lab[3]; /* the patient's #0 stubble */
    app_match_sample before; /* k = 1, the plan as given */
    app_match_sample after;  /* the matched k (the best rendered one when unreachable) */
    bool reachable;
    app_match_limit limit;
    double shade_factor_max; /* k_max */
    double region_radius_px; /* the disc, centred in the image */
    int region_pixels;
    int renders;      /* images rendered, the reference included */
    int search_steps; /* renders inside the bracket (at most max_steps: when all were used and
                       * |after.delta_l| is still above the tolerance, the match is reachable but
                       * not converged) */
    plan adjusted;    /* the plan with its shades x after.shade_factor (rounded to 1e-4) */
} app_match_result;

/* Checks the input before anything is built: pl has something to scale (a session or touch-up, a shade
 * above 0), and the view (distance, 0 = APP_MATCH_DISTANCE_M; height) gives the measured disc at least
 * APP_MATCH_MIN_PIXELS pixels; writes the disc's radius in pixels when radius_px is not NULL. SMP_ERR_INPUT
 * naming the field or option otherwise. app_match_run calls it first; the CLI calls it before any GL. */
smp_status app_match_check(const plan *pl, const app_options *view, double *radius_px, smp_error *err);

/* The plan at shade factor k: every session's and touch-up's shade x k, rounded to 1e-4 and at most 1
 * (k = 1 returns pl unchanged). */
void app_match_plan_at(const plan *pl, double shade_factor, plan *out);

/* The tone of pl exactly as app_match_run measures it (the top view of view's distance, size and light, the
 * 30 mm vertex disc), with pl as given: its pattern, hair and shades. For the targets of docs/optics-model.md
 * 8.5 (bald, helmet). SMP_ERR_INPUT (app_match_check's view checks), SMP_ERR_NOMEM, SMP_ERR_GL. */
smp_status app_match_tone(render_context *rc, const plan *pl, const app_options *view, double lab[3],
                          smp_error *err);

/* Runs the match for pl (already loaded and validated; --set and --seed applied) on rc (a renderer on the
 * current GL context; its uploaded scene is replaced). view gives the image size, the distance of the top
 * view (0: APP_MATCH_DISTANCE_M) and the light (preset, azimuth, elevation); its view field is ignored
 * (always the top view). params may be NULL (defaults). Fails with SMP_ERR_INPUT (app_match_check),
 * SMP_ERR_NOMEM or SMP_ERR_GL.
 * Costs two scene builds and 3-6 renders (about 15-30 s on 2 cores with llvmpipe; docs/model.md). */
smp_status app_match_run(render_context *rc, const plan *pl, const app_options *view,
                         const app_match_params *params, app_match_result *out, smp_error *err);

#endif
