/* Shade matching: the SMP tone of a bald scalp against the patient's own #0 stubble (match.h). */
#include "app/match.h"

#include "analysis/analysis.h"
#include "app/common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Shade factors and shades live on a 1e-4 grid, so the shades written to a plan are short numbers and the
 * plan that is saved is exactly the plan that was rendered. Dividing by 1e4 (exact) gives the double nearest
 * to n / 10000, the one a JSON reader makes of "0.2017"; multiplying by 1e-4 (inexact) would not. */
#define FACTOR_STEP 1e-4

static double on_grid(double x)
{
    return round(x * 1e4) / 1e4;
}

static double max_shade(const plan *pl)
{
    double m = 0.0;
    for (int i = 0; i < pl->session_count; ++i)
        m = fmax(m, pl->sessions[i].shade);
    for (int i = 0; i < pl->touch_up_count; ++i)
        m = fmax(m, pl->touch_ups[i].shade);
    return m;
}

/* Pixels per mm at the camera's target (the vertex) in the top view. With a distance given, the camera
 * stands exactly that far from its target whatever the head, so no head needs to be built for this. */
static double px_per_mm_at_target(const app_options *view)
{
    static const scene_model no_head; /* zero landmarks: only the distance and the field of view are used */
    scene_camera cam =
        scene_view_camera(&no_head, SCENE_VIEW_TOP, view->distance_m, (double)view->width / view->height);
    double d = 0.0;
    for (int k = 0; k < 3; ++k)
        d += (cam.eye_mm[k] - cam.target_mm[k]) * (cam.eye_mm[k] - cam.target_mm[k]);
    return view->height / (2.0 * sqrt(d) * tan(0.5 * cam.fov_y_deg * SMP_PI / 180.0));
}

smp_status app_match_check(const plan *pl, const app_options *view, double *radius_px, smp_error *err)
{
    if (pl->session_count == 0 && pl->touch_up_count == 0)
        return smp_error_set(
            err, SMP_ERR_INPUT,
            "sessions: match needs at least one session or touch-up to set the shade of, got none");
    if (max_shade(pl) <= 0.0)
        return smp_error_set(
            err, SMP_ERR_INPUT,
            "sessions[0].shade: match scales the shades, so at least one must be above 0 (0..1)");
    app_options v = *view;
    if (v.distance_m <= 0.0) v.distance_m = APP_MATCH_DISTANCE_M;
    double r = APP_MATCH_REGION_MM * px_per_mm_at_target(&v);
    if (r * r * SMP_PI < APP_MATCH_MIN_PIXELS)
        return smp_error_set(
            err, SMP_ERR_INPUT,
            "--distance-m %g with --height %d: the measured %g mm disc on the vertex covers only "
            "%.1f pixels; it needs at least %d (a shorter distance or a taller image)",
            v.distance_m, v.height, APP_MATCH_REGION_MM, r * r * SMP_PI, APP_MATCH_MIN_PIXELS);
    if (radius_px) *radius_px = r;
    return SMP_OK;
}

static double scaled_shade(double shade, double k)
{
    return fmin(1.0, on_grid(shade * k));
}

void app_match_plan_at(const plan *pl, double k, plan *out)
{
    *out = *pl;
    if (k == 1.0) return;
    for (int i = 0; i < out->session_count; ++i)
        out->sessions[i].shade = scaled_shade(pl->sessions[i].shade, k);
    for (int i = 0; i < out->touch_up_count; ++i)
        out->touch_ups[i].shade = scaled_shade(pl->touch_ups[i].shade, k);
}

typedef struct match_ctx {
    render_context *rc;
    scene_model scene;
    const plan *base; /* the plan as given (norwood and hair length already set for the SMP scene) */
    app_options view; /* top view, size, distance, light */
    double radius_px;
    double reference_lab[3];
    double current_k; /* the shade factor the scene's dots were built with */
    int renders;
} match_ctx;

/* Renders the scene's top view and measures the disc in its middle. */
static smp_status measure(match_ctx *c, double lab[3], int *pixels, smp_error *err)
{
    uint8_t *rgba = NULL;
    scene_shot shot = app_options_shot(&c->view, SCENE_VIEW_TOP);
    smp_status st = scene_render_view(c->rc, &c->scene, &shot, scene_default_days(&c->scene), &rgba, err);
    if (st != SMP_OK) return st;
    c->renders++;
    analysis_region_colour m;
    st = analysis_disc_mean_srgb8(rgba, c->view.width, c->view.height, 0.5 * c->view.width,
                                  0.5 * c->view.height, c->radius_px, &m, err);
    free(rgba);
    if (st != SMP_OK) return st;
    memcpy(lab, m.lab, sizeof m.lab);
    if (pixels) *pixels = m.pixel_count;
    return SMP_OK;
}

/* The SMP tone at shade factor k: only the dots are rebuilt and uploaded when k changes. */
static smp_status sample_at(match_ctx *c, double k, app_match_sample *out, smp_error *err)
{
    smp_status st;
    if (k != c->current_k) {
        plan p;
        app_match_plan_at(c->base, k, &p);
        if ((st = scene_set_plan_dots(&c->scene, &p, err)) != SMP_OK) return st;
        if ((st = scene_upload(c->rc, &c->scene, err)) != SMP_OK) return st; /* the dots alone */
        c->current_k = k;
    }
    out->shade_factor = k;
    if ((st = measure(c, out->lab, NULL, err)) != SMP_OK) return st;
    out->delta_e00 = analysis_delta_e00(out->lab, c->reference_lab);
    out->delta_l = out->lab[0] - c->reference_lab[0];
    return SMP_OK;
}

/* Regula falsi with the Illinois modification (Dowell & Jarratt, BIT 11 (1971) 168) on f(k) = L*(k) - L*_ref
 * inside a bracket lo < hi with f(lo) > 0 > f(hi). Like bisection it never leaves the bracket, so it
 * converges for any monotonic f; where f is nearly linear in k (it is: the far-field tone is an area average
 * of dot darkening) it needs 2-4 renders where bisection needs 8-10 for the same |delta L*|, and each
 * render costs a dot rebuild and a re-splat (seconds on llvmpipe). Steps that would land within one grid
 * step of an end fall back to the midpoint. Returns the sample with the smallest |delta L*|. */
static smp_status search(match_ctx *c, app_match_sample lo, app_match_sample hi, int max_steps, double tol,
                         app_match_sample *best, int *steps, smp_error *err)
{
    double f_lo = lo.delta_l, f_hi = hi.delta_l;
    int side = 0;
    for (*steps = 0; *steps < max_steps; ++*steps) {
        if (hi.shade_factor - lo.shade_factor < 2.5 * FACTOR_STEP) break;
        double k = lo.shade_factor + (hi.shade_factor - lo.shade_factor) * f_lo / (f_lo - f_hi);
        k = on_grid(k);
        if (!(k > lo.shade_factor + 0.5 * FACTOR_STEP && k < hi.shade_factor - 0.5 * FACTOR_STEP))
            k = on_grid(0.5 * (lo.shade_factor + hi.shade_factor));
        app_match_sample s;
        smp_status st = sample_at(c, k, &s, err);
        if (st != SMP_OK) return st;
        if (fabs(s.delta_l) < fabs(best->delta_l)) *best = s;
        if (fabs(s.delta_l) <= tol) {
            ++*steps;
            break;
        }
        if (s.delta_l > 0.0) {
            lo = s;
            f_lo = s.delta_l;
            if (side == +1) f_hi *= 0.5;
            side = +1;
        } else {
            hi = s;
            f_hi = s.delta_l;
            if (side == -1) f_lo *= 0.5;
            side = -1;
        }
    }
    return SMP_OK;
}

/* A context on rc with the measuring view: view's size, light and distance (0: APP_MATCH_DISTANCE_M), top. */
static void ctx_init(match_ctx *c, render_context *rc, const app_options *view)
{
    memset(c, 0, sizeof *c);
    c->rc = rc;
    c->view = *view;
    c->view.view = SCENE_VIEW_TOP;
    if (c->view.distance_m <= 0.0) c->view.distance_m = APP_MATCH_DISTANCE_M;
}

smp_status app_match_tone(render_context *rc, const plan *pl, const app_options *view, double lab[3],
                          smp_error *err)
{
    match_ctx c;
    ctx_init(&c, rc, view);
    /* The view checks only: a plan without sessions (the bald scalp) is a fair thing to measure. */
    plan probe = *pl;
    if (probe.session_count == 0 && probe.touch_up_count == 0) {
        probe.session_count = 1;
        probe.sessions[0] = (plan_session){.day = 0.0, .density_per_cm2 = 1.0, .shade = 1.0};
        probe.pigment.shade = 1.0;
    }
    smp_status st = app_match_check(&probe, &c.view, &c.radius_px, err);
    if (st != SMP_OK) return st;
    if ((st = scene_create_from_plan(&c.scene, pl, "match tone", err)) != SMP_OK) return st;
    if ((st = scene_upload(rc, &c.scene, err)) == SMP_OK) st = measure(&c, lab, NULL, err);
    scene_destroy(&c.scene);
    return st;
}

smp_status app_match_run(render_context *rc, const plan *pl, const app_options *view,
                         const app_match_params *params, app_match_result *out, smp_error *err)
{
    memset(out, 0, sizeof *out);
    double radius_px = 0.0;
    smp_status st = app_match_check(pl, view, &radius_px, err);
    if (st != SMP_OK) return st;
    int max_steps = params && params->max_steps > 0 ? params->max_steps : APP_MATCH_MAX_STEPS;
    double tol = params && params->tolerance_l > 0.0 ? params->tolerance_l : APP_MATCH_TOLERANCE_L;

    match_ctx c;
    ctx_init(&c, rc, view);

    /* The reference: the same patient with a full head of hair clipped with a #0 guard, never tattooed. */
    plan ref = *pl;
    ref.patient.pattern = PLAN_PATTERN_NORWOOD_1; /* replaces a Ludwig class too */
    ref.progression.pattern = PLAN_PATTERN_NONE;  /* the tone of today's hair: no loss to come */
    ref.patient.hair_length_mm = 0.5;
    ref.session_count = 0;
    ref.touch_up_count = 0;
    /* The SMP scene: bald (Norwood 7), the fringe clipped the same way, the plan's sessions. */
    plan smp = *pl;
    smp.patient.pattern = PLAN_PATTERN_NORWOOD_7;
    smp.progression.pattern = PLAN_PATTERN_NONE; /* bald already: a later class would be an earlier one */
    smp.patient.hair_length_mm = 0.5;
    c.base = &smp;

    if ((st = scene_create_from_plan(&c.scene, &ref, "match reference", err)) != SMP_OK) return st;
    /* The disc: 30 mm around the vertex. A Norwood 7 keeps only a horseshoe fringe below the parietal
     * ridges, about 60-70 mm from the vertex along the scalp on a 15.5 cm-broad head, and the frontal
     * hairline and crown are farther still, so the disc lies on bald, fully treated scalp in the SMP scene
     * and on stubble in the reference, clear of the feathered hairline and of the fringe. Within 30 mm of the
     * vertex the scalp (radius of curvature about 90 mm) tilts less than 20 degrees from the view direction,
     * so the tone is that of a nearly frontal patch, and both scenes share the head, so its shading cancels
     * in the comparison. */
    c.radius_px = radius_px;
    int pixels = 0;
    if ((st = scene_upload(rc, &c.scene, err)) != SMP_OK) goto done;
    if ((st = measure(&c, c.reference_lab, &pixels, err)) != SMP_OK) goto done;
    memcpy(out->reference_lab, c.reference_lab, sizeof c.reference_lab);

    /* Switch to the SMP scene at k = 1: the head is kept, scars, dots and hair are rebuilt. */
    if ((st = scene_set_plan(&c.scene, &smp, err)) != SMP_OK) goto done;
    if ((st = scene_upload(rc, &c.scene, err)) != SMP_OK) goto done;
    c.current_k = 1.0;
    double k_max = floor(1e4 / max_shade(pl) + 1e-6) / 1e4;
    if (k_max < 1.0) k_max = 1.0; /* every shade <= 1, so 1 / max >= 1; this only guards the rounding */
    out->shade_factor_max = k_max;
    if ((st = sample_at(&c, 1.0, &out->before, err)) != SMP_OK) goto done;

    app_match_sample best = out->before, lo, hi;
    out->reachable = true;
    if (fabs(out->before.delta_l) <= tol) {
        /* Already matched. */
    } else if (out->before.delta_l > 0.0) {
        /* Too light: more ink, up to k_max. */
        lo = out->before;
        if (k_max - 1.0 < 0.5 * FACTOR_STEP)
            hi = lo;
        else if ((st = sample_at(&c, k_max, &hi, err)) != SMP_OK)
            goto done;
        if (fabs(hi.delta_l) < fabs(best.delta_l)) best = hi;
        if (hi.delta_l > tol) {
            out->reachable = false;
            out->limit = APP_MATCH_TOO_LIGHT;
        } else if (hi.delta_l < -tol &&
                   (st = search(&c, lo, hi, max_steps, tol, &best, &out->search_steps, err)) != SMP_OK) {
            goto done;
        }
    } else {
        /* Too dark: less ink, down to none. */
        hi = out->before;
        if ((st = sample_at(&c, 0.0, &lo, err)) != SMP_OK) goto done;
        if (fabs(lo.delta_l) < fabs(best.delta_l)) best = lo;
        if (lo.delta_l < -tol) {
            out->reachable = false;
            out->limit = APP_MATCH_TOO_DARK;
        } else if (lo.delta_l > tol &&
                   (st = search(&c, lo, hi, max_steps, tol, &best, &out->search_steps, err)) != SMP_OK) {
            goto done;
        }
    }
    out->after = best;
    out->region_radius_px = c.radius_px;
    out->region_pixels = pixels;
    out->renders = c.renders;
    /* The plan as given (not the bald, clipped SMP scene's patient) with the matched shades. */
    app_match_plan_at(pl, best.shade_factor, &out->adjusted);
done:
    scene_destroy(&c.scene);
    return st;
}
