/* ageing: healing and fading of the dot layers. The model, its rates and their sources: docs/model.md
 * "Healing and fading"; the header gives the timeline. */
#include "ageing/ageing.h"

#include <math.h>

#define DAYS_PER_YEAR 365.25

static double clamp01(double x)
{
    return x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x;
}

static double smoothstep(double a, double b, double x)
{
    double t = clamp01((x - a) / (b - a));
    return t * t * (3.0 - 2.0 * t);
}

static double ink_rate(plan_ink_quality q)
{
    switch (q) {
    case PLAN_INK_COSMETIC:
        return AGEING_INK_RATE_COSMETIC;
    case PLAN_INK_TATTOO:
        return AGEING_INK_RATE_TATTOO;
    case PLAN_INK_INFERIOR:
        return AGEING_INK_RATE_INFERIOR;
    case PLAN_INK_MEDICAL:
    default:
        return AGEING_INK_RATE_MEDICAL;
    }
}

double ageing_effective_sun_hours(const plan_fading *f, const plan_aftercare *a)
{
    double h = a->sun_hours_per_day;
    /* SPF s passes 1/s of the erythemal dose when applied as tested (2 mg/cm²); people apply less and miss
     * reapplications, so the achieved factor is 1 + (s - 1) x efficacy (an assumption, docs/model.md). */
    if (a->spf > 1.0) h /= 1.0 + (a->spf - 1.0) * f->sunscreen_efficacy;
    if (a->hat) h *= f->hat_transmission;
    return h;
}

/* Folds the aftercare and the ink grade into the rates. */
static void fold(const plan *pl, ageing_params *p)
{
    const plan_fading *f = &p->fading;
    p->ink_rate = ink_rate(pl->pigment.ink_quality);
    double early = f->early_loss;
    if (pl->aftercare.washed_before_day3) early += f->wet_early_loss;
    if (pl->aftercare.sauna_before_day3) early += f->wet_early_loss;
    early = fmin(early, 0.9);
    p->early_wet = pl->aftercare.washed_before_day3 || pl->aftercare.sauna_before_day3;
    p->early_hazard = -log(1.0 - early) * p->ink_rate;
    p->rate_factor = p->ink_rate * (1.0 + f->sun_factor * ageing_effective_sun_hours(f, &pl->aftercare)) *
                     (pl->aftercare.alcohol_topicals ? f->alcohol_factor : 1.0);
}

void ageing_params_from_plan(const plan *pl, ageing_params *out)
{
    out->fading = pl->fading;
    fold(pl, out);
}

/* A factor spread log-uniformly over [1 / r, r] (u = 0.5: 1), or linearly over [lo, hi] around 1. */
static double log_factor(double u, double r)
{
    return exp((2.0 * clamp01(u) - 1.0) * log(r));
}

static double lin_factor(double u, double lo, double hi)
{
    u = clamp01(u);
    return u < 0.5 ? 1.0 + (lo - 1.0) * (1.0 - 2.0 * u) : 1.0 + (hi - 1.0) * (2.0 * u - 1.0);
}

void ageing_params_vary(const plan *pl, const double u[AGEING_UNCERTAIN_COUNT], ageing_params *out)
{
    out->fading = pl->fading;
    plan_fading *f = &out->fading;
    /* The uncertainty of each rate (docs/model.md, "How uncertain"): early loss "about one-third" from one
     * animal study, 0.25-0.45; the rest are assumptions a factor of 1.5-3 either way. */
    f->early_loss = fmin(0.8, f->early_loss * lin_factor(u[0], 0.75, 1.35));
    f->mobile_fraction = fmin(0.8, f->mobile_fraction * lin_factor(u[1], 0.5, 1.5));
    f->mobile_years *= log_factor(u[2], 2.0);
    f->fixed_years *= log_factor(u[3], 2.0);
    f->sun_factor *= log_factor(u[4], 3.0);
    f->sunscreen_efficacy = fmin(1.0, f->sunscreen_efficacy * log_factor(u[5], 2.0));
    f->spread_mm2_per_year *= log_factor(u[6], 2.0);
    fold(pl, out);
}

ageing_layer_state ageing_layer_at(const ageing_params *p, double a)
{
    ageing_layer_state s = {0};
    s.fresh_width = 1.0;
    if (!(a >= 0.0)) return s;
    const plan_fading *f = &p->fading;
    s.present = true;
    s.age_days = a;
    double years = a / DAYS_PER_YEAR;

    /* Early loss: the scabs' share as they shed (a logistic step over days 7-14), the rest cleared over the
     * first weeks; both reach early_hazard in total. */
    double scab = 1.0 / (1.0 + exp(-(a - AGEING_SCAB_DAY) / AGEING_SCAB_WIDTH_DAYS));
    double scab0 = 1.0 / (1.0 + exp(AGEING_SCAB_DAY / AGEING_SCAB_WIDTH_DAYS));
    scab = (scab - scab0) / (1.0 - scab0);
    double clearance = 1.0 - exp(-a / AGEING_CLEARANCE_DAYS);
    double early = p->early_hazard * (f->scab_share * scab + (1.0 - f->scab_share) * clearance);
    /* Long term, once healed: a loosely held share clears with mobile_years, the rest with fixed_years, both
     * sped up by the rate factor (sun, topicals, ink grade). */
    double k = p->rate_factor * fmax(a - AGEING_HEALED_DAYS, 0.0) / DAYS_PER_YEAR;
    double kept = f->mobile_fraction * exp(-k / f->mobile_years) +
                  (1.0 - f->mobile_fraction) * exp(-k / f->fixed_years);
    s.hazard = early - log(fmax(kept, 1e-300));

    /* The milky new epidermis: rises as the surface flakes (from day 3), clears over weeks. */
    s.veil = AGEING_VEIL * (a <= AGEING_VEIL_PEAK_DAY ? smoothstep(AGEING_WASH_DAY, AGEING_VEIL_PEAK_DAY, a)
                                                      : exp(-(a - AGEING_VEIL_PEAK_DAY) / AGEING_VEIL_DAYS));
    /* The wound's surface ink: most goes with the first wash, the rest stays in the scabs until they shed.
     * Washing or sweating before day 3 takes it on day 1 (and more of the dermal ink: early loss). */
    double wash = p->early_wet ? AGEING_EARLY_WASH_DAY : AGEING_WASH_DAY;
    double washed = smoothstep(wash - 0.5, wash + 0.5, a);
    s.surface_ink = f->surface_excess * (0.7 * (1.0 - washed) + 0.3 * (1.0 - scab));
    /* Fresh dots are wider (wound, swelling), and their scabs "much larger than the eventual dot size", until
     * the scabs shed. */
    s.fresh_width = 1.0 + (f->fresh_width - 1.0) * (1.0 - scab);

    s.spread_mm2 = f->spread_mm2_per_year * years;
    s.sink_mm = f->sink_mm_per_year * years;
    s.redness = exp(-pow(a / AGEING_REDNESS_DAYS, 1.5));
    s.swelling = exp(-pow(a / AGEING_SWELLING_DAYS, 1.5));
    return s;
}

int ageing_evaluate(const ageing_params *p, const plan *pl, double t_days, ageing_layer_state *out)
{
    int n = 0;
    for (int i = 0; i < pl->session_count; ++i)
        out[n++] = ageing_layer_at(p, t_days - pl->sessions[i].day);
    for (int i = 0; i < pl->touch_up_count; ++i)
        out[n++] = ageing_layer_at(p, t_days - pl->touch_ups[i].year * DAYS_PER_YEAR);
    return n;
}

ageing_skin_state ageing_skin(const ageing_layer_state *layers, int count)
{
    ageing_skin_state s = {0};
    for (int i = 0; i < count; ++i) {
        if (!layers[i].present) continue;
        s.redness = fmax(s.redness, layers[i].redness);
        s.swelling = fmax(s.swelling, layers[i].swelling);
    }
    return s;
}

const char *ageing_phase_name(double a)
{
    if (!(a >= 0.0)) return NULL;
    if (a < AGEING_WASH_DAY) return "fresh: red, darker with surface ink";
    if (a < 7.0) return "washed, flaking, scabs holding ink";
    if (a < 14.0) return "scabs shedding, milky new skin";
    if (a < 42.0) return "settling: true colour by 3-6 weeks";
    return "healed";
}

double ageing_ink_remaining(const ageing_layer_state *layer, double fade_rate)
{
    if (!layer->present) return 0.0;
    return exp(-fmax(fade_rate, 1.0) * layer->hazard);
}

void ageing_dot_deposit(const ageing_layer_state *L, double diameter_mm, double depth_mm, double ink,
                        double fade_rate, optics_deposit *out)
{
    *out = (optics_deposit){.diameter_mm = diameter_mm, .needle_depth_mm = depth_mm, .ink_load = 0.0};
    if (!L->present || !(diameter_mm > 0.0)) return;
    /* Spreading: the squared width grows, faster for deeper ink, and the same carbon covers the wider area.
     */
    double z = depth_mm / AGEING_SPREAD_REF_DEPTH_MM;
    double spread_d2 = diameter_mm * diameter_mm + L->spread_mm2 * z * z;
    double dilution = diameter_mm * diameter_mm / spread_d2;
    double dermal = ageing_ink_remaining(L, fade_rate) * (1.0 - L->veil);
    out->ink_load = ink * (dermal + L->surface_ink) * dilution;
    out->diameter_mm = sqrt(spread_d2) * L->fresh_width;
    out->sink_mm = L->sink_mm;
}
