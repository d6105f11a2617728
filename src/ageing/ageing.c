#include "ageing/ageing.h"

#include <math.h>

void ageing_params_default(ageing_params *params)
{
    *params = (ageing_params){
        .early_loss_fraction = 1.0 / 3.0,
        .early_loss_days = 10.0,
        .fresh_spread = 0.3,
        .fade_tau_years = 20.0,
        .sun_tau_factor_per_hour = 0.15,
        .spread_per_year = 0.02,
    };
}

/* Sun shortens the fading time constant; sunscreen and a hat divide the effective exposure
 * (SPF s transmits about 1/s of the erythemal dose; a hat is taken as blocking half). Assumption,
 * documented in docs/model.md, calibratable through the plan. */
static double effective_sun_hours(const plan *pl)
{
    double h = pl->aftercare.sun_hours_per_day;
    if (pl->aftercare.spf > 1.0) h /= pl->aftercare.spf;
    if (pl->aftercare.hat) h *= 0.5;
    return h;
}

ageing_layer_state ageing_layer_at(const ageing_params *params, const plan *pl, double age_days)
{
    ageing_layer_state s = {0.0f, 1.0f, false};
    if (age_days < 0.0) return s;
    double early = params->early_loss_fraction * (1.0 - exp(-age_days / params->early_loss_days));
    double tau_years = params->fade_tau_years / (1.0 + params->sun_tau_factor_per_hour * effective_sun_hours(pl));
    double years = age_days / 365.25;
    double remaining = (1.0 - early) * exp(-years / tau_years);
    double fresh = params->fresh_spread * exp(-age_days / params->early_loss_days);
    s.present = true;
    s.ink_fraction = (float)remaining;
    s.diameter_scale = (float)((1.0 + fresh) * (1.0 + params->spread_per_year * years));
    return s;
}

int ageing_evaluate(const ageing_params *params, const plan *pl, double t_days, ageing_layer_state *out)
{
    int n = 0;
    for (int i = 0; i < pl->session_count; ++i)
        out[n++] = ageing_layer_at(params, pl, t_days - pl->sessions[i].day);
    for (int i = 0; i < pl->touch_up_count; ++i)
        out[n++] = ageing_layer_at(params, pl, t_days - pl->touch_ups[i].year * 365.25);
    return n;
}
