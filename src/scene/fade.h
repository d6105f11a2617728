/* fade: the predicted contrast of the treated scalp against untreated skin over the years, from the ageing
 * model (ageing/) and the optics (optics/deposit), without rendering, so that a curve of hundreds of times
 * and a band of parameter variations take seconds.
 *
 * At conversation distance (about 1 m) a healed SMP dot (0.1-0.3 mm, under an arc minute) is at or below
 * the eye's resolution, so the treated scalp is seen as its mean colour. The mean reflectance of a field of
 * dots placed at random with n dots per area, each darkening the skin as R_skin exp(-D_i(x)), is
 *     R = R_skin exp(-n <integral of (1 - exp(-D_i)) dA>)
 * (the mean of a product over a Poisson field), per linear sRGB channel; the fresh wounds' redness
 * multiplies in as the renderer applies it (render_frame.erythema_density). The dots are the scene's own,
 * on a disc of SCENE_FADE_REGION_MM around the vertex (the disc `smpsim match` measures), each aged by its
 * layer's state and its tissue's fade rate. The contrast is CIEDE2000 between that mean colour and the
 * untreated skin (D65). The band varies the uncertain rates (ageing_params_vary) and gives, per time, the
 * 10th and 90th percentile; each variation's own touch-up date gives the date's spread. docs/model.md
 * ("Healing and fading") has the method and its limits.
 *
 *     scene_fade_curve c;
 *     if (scene_fade_compute(&scene, &(scene_fade_params){.years_max = 20}, &c, &err) == SMP_OK) use(c);
 *     scene_fade_curve_free(&c);
 */
#ifndef SMP_SCENE_FADE_H
#define SMP_SCENE_FADE_H

#include "ageing/ageing.h"
#include "scene/scene.h"

#define SCENE_FADE_REGION_MM 30.0    /* radius of the disc, around the vertex (match.c's region) */
#define SCENE_FADE_DOTS_PER_LAYER 24 /* dots of each layer in the disc that stand for all of them */
#define SCENE_FADE_BAND_SAMPLES 16   /* variations of the uncertain rates */
#define SCENE_FADE_MAX_EVENTS (PLAN_MAX_SESSIONS + PLAN_MAX_TOUCH_UPS)

typedef struct scene_fade_params {
    double years_max; /* end of the curve, 0.5..50 years (0 = 20) */
    int band_samples; /* 0 = SCENE_FADE_BAND_SAMPLES; < 0: no band (low = high = the curve) */
} scene_fade_params;

typedef struct scene_fade_curve {
    int count;
    double *years, *delta_e, *low, *high; /* owned, count each: time, CIEDE2000, band */
    double healed_years;                  /* plan_healed_day: the last session + 60 days */
    double healed_delta_e;                /* the contrast then */
    double threshold_fraction;            /* plan fading.touch_up_fraction */
    double touch_up_years; /* first time after healing that the contrast falls below threshold x healed
                            * (the plan's own touch-ups included); NAN when not before years_max */
    double touch_up_early_years, touch_up_late_years; /* the 10th and 90th percentile of the band's dates;
                                                       * NAN: beyond years_max */
    int event_count;
    double event_years[SCENE_FADE_MAX_EVENTS];
    bool event_is_touch_up[SCENE_FADE_MAX_EVENTS];
    int region_dots; /* dots in the disc (before the per-layer selection) */
    double region_centre_mm[3];
} scene_fade_curve;

/* The contrast of the scene's treated scalp at t_days under rates ap (see above), and its mean CIELAB. */
double scene_fade_contrast_at(const scene_model *scene, const ageing_params *ap, double t_days,
                              double lab[3]);

/* The curve from day 0 to years_max. SMP_ERR_INPUT when years_max is out of range or the plan puts no dots
 * near the vertex; SMP_ERR_NOMEM. */
smp_status scene_fade_compute(const scene_model *scene, const scene_fade_params *params,
                              scene_fade_curve *out, smp_error *err);
void scene_fade_curve_free(scene_fade_curve *curve); /* safe on a zeroed curve */

#endif
