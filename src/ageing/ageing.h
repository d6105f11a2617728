/* ageing: the state of the pigment at time t, per layer (session or touch-up). A closed-form function of
 * t, cheap enough to evaluate every frame, so scrubbing the timeline never rebuilds the dot field.
 * Plain C: no GL, no SDL, no printing. The model and its sources are in docs/model.md.
 *
 * First model (to be replaced by the full healing and fading model): a layer tattooed on day d is
 *   absent before d; fresh it carries all its ink, looks darker and wider; over the first weeks about one
 *   third of the ink leaves with the scabs and macrophages (REFERENCES.md: "about one third of injected
 *   tattoo pigment leaves the skin within weeks"); after that it fades exponentially with a time constant
 *   that sun exposure shortens, and spreads slowly. Every factor is monotonic in t after healing.
 */
#ifndef SMP_AGEING_H
#define SMP_AGEING_H

#include "core/core.h"
#include "plan/plan.h"

#define AGEING_MAX_LAYERS (PLAN_MAX_SESSIONS + PLAN_MAX_TOUCH_UPS)

typedef struct ageing_layer_state {
    float ink_fraction;   /* 0..1 of the ink the layer was tattooed with that remains visible */
    float diameter_scale; /* >= 1: how much wider the dots are than when healed */
    bool present;         /* false before the layer's day */
} ageing_layer_state;

typedef struct ageing_params {
    double early_loss_fraction;    /* ink lost in the weeks after a session; default 1/3 */
    double early_loss_days;        /* time constant of that loss; default 10 days */
    double fresh_spread;           /* extra width of a fresh dot (swelling, scab); default 0.3 */
    double fade_tau_years;         /* long-term fading time constant with no sun; default 20 years */
    double sun_tau_factor_per_hour;/* each unprotected sun hour a day shortens tau by this fraction; 0.15 */
    double spread_per_year;        /* relative diameter growth per year; default 0.02 */
} ageing_params;

void ageing_params_default(ageing_params *params);

/* Evaluates every layer of plan (sessions, then touch-ups) at t_days after the first session into out
 * (at least AGEING_MAX_LAYERS entries); returns the number of layers. */
int ageing_evaluate(const ageing_params *params, const plan *plan, double t_days, ageing_layer_state *out);

/* One layer tattooed age_days ago (age_days < 0: not yet). */
ageing_layer_state ageing_layer_at(const ageing_params *params, const plan *plan, double age_days);

#endif
