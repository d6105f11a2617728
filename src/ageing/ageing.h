/* ageing: the state of every dot layer (a session or a touch-up) and of the skin at time t since the first
 * session, from the day of the needle to decades later. Closed-form in t, cheap enough to evaluate every
 * frame, so scrubbing the timeline never rebuilds the dot field. Plain C: no GL, no SDL, no printing.
 * Every rate, its source or the assumption behind it, and its uncertainty: docs/model.md "Healing and
 * fading"; the rates a clinic can change are the plan's "fading" object (plan_fading).
 *
 * What happens to a layer tattooed `age` days ago (healing: ../shared/references/clinical.md §2; fading §3):
 *   day 0-3   the wound is red and swollen (erythema fading over 1-2 days, gone by 3-5); excess ink on and
 *             in its surface makes every dot darker and wider until the first wash at day 3;
 *   day 3-14  the surface flakes; what is left of the surface ink sits in the scabs, which keep the dots
 *             darker and wider until they shed (days 7-14), "taking pigment with them"; a milky new
 *             epidermis veils the ink (its contrast "blooms back" at 2-6 weeks); macrophages clear more over
 *             the following weeks: by the end of healing about a third of the injected ink is gone;
 *   years     the healed ink clears slowly: a loosely held share in the first years (release and recapture
 *             by macrophages, lymphatic drainage of the smallest particles), the rest over decades; sun,
 *             alcohol-based topicals and poor ink make it faster, sunscreen and a hat slower; scar tissue
 *             holds ink less well (its rate x the dot's fade-rate factor); dots widen slowly (more when
 *             deep: the "blob") and sink deeper, so their colour drifts through the optics tables.
 * Ink loss is a cumulative hazard H(t): a dot keeps exp(-m H) of its ink, m >= 1 its tissue's rate factor.
 *
 *     ageing_params ap;
 *     ageing_params_from_plan(&plan, &ap);
 *     ageing_layer_state layers[AGEING_MAX_LAYERS];
 *     int n = ageing_evaluate(&ap, &plan, t_days, layers);
 *     optics_deposit dep;
 *     ageing_dot_deposit(&layers[dot.session], dot.diameter_mm, dot.depth_mm, dot.ink, dot.fade_rate, &dep);
 */
#ifndef SMP_AGEING_H
#define SMP_AGEING_H

#include "core/core.h"
#include "optics/deposit.h"
#include "plan/plan.h"

#define AGEING_MAX_LAYERS (PLAN_MAX_SESSIONS + PLAN_MAX_TOUCH_UPS)

/* Fixed parts of the healing timeline (days after a session): clinical.md §2 [C], named assumptions where a
 * source gives only a range. */
#define AGEING_WASH_DAY 3.0        /* first wash: "Dry days 1-3", first wash day 4 */
#define AGEING_EARLY_WASH_DAY 1.0  /* washed or sweated before day 3: the excess goes on day 1 */
#define AGEING_SCAB_DAY 10.5       /* scabs shed days 7-14: the middle of a logistic ... */
#define AGEING_SCAB_WIDTH_DAYS 1.2 /* ... this wide (10 % to 90 % over days 7.9-13.1) */
#define AGEING_CLEARANCE_DAYS 14.0 /* the early clearance by macrophages over the first weeks */
/* Erythema holds about a day, then fades: exp(-(age / 2 days)^1.5) is 70 % at 24 h, 37 % at 48 h, 2 % at
 * day 5 ("red and slightly tender for 24 to 48 hours", "redness for between 2-5 days"). Swelling the same
 * with 1.5 days ("mild swelling possible", days 1-2). */
#define AGEING_REDNESS_DAYS 2.0
#define AGEING_SWELLING_DAYS 1.5
#define AGEING_VEIL 0.3           /* the milky new epidermis hides this share of the ink's contrast at ... */
#define AGEING_VEIL_PEAK_DAY 10.0 /* ... its peak (rising from day 3 with the flaking), clearing with */
#define AGEING_VEIL_DAYS 8.0      /* ... this time constant: 11 % of the peak at day 28, 2 % at day 42 */
#define AGEING_HEALED_DAYS 42.0   /* the slow clearance starts once healed: true colour at 3-6 weeks */
#define AGEING_SPREAD_REF_DEPTH_MM 0.4 /* depth at which plan_fading.spread_mm2_per_year applies */
/* Where a session's redness shows: each puncture's flare (the axon-reflex redness around a wound) adds extra
 * blood over about a millimetre; a first session's density (30 dots/cm²) then reaches the peak,
 * plan_fading.redness, and a light touch-up less. ASSUMPTIONS (no measurement of SMP erythema found). */
#define AGEING_FLARE_SIGMA_MM 1.0
#define AGEING_FLARE_AREA_MM2 3.3

/* How fast each ink grade fades, relative to medical SMP ink (multiplies every rate): ASSUMPTIONS sized on
 * the only qualitative sources (clinical.md §3 "Ink quality"): refined professional inks "fade less",
 * amateur inks "fade more rapidly". */
#define AGEING_INK_RATE_MEDICAL 1.0
#define AGEING_INK_RATE_COSMETIC 1.15 /* generic cosmetic micropigment, not made for the scalp */
#define AGEING_INK_RATE_TATTOO 0.85   /* refined tattoo ink */
#define AGEING_INK_RATE_INFERIOR 1.6  /* the poorly dispersed inks of inexperienced clinics */

/* The model's rates for one plan: the plan's fading object with its aftercare and ink grade folded in. */
typedef struct ageing_params {
    plan_fading fading;  /* as the plan gives it (or varied within its uncertainty, ageing_params_vary) */
    double early_hazard; /* total hazard of the early loss, -ln(1 - early loss) with wetting and ink grade */
    double rate_factor;  /* long-term rate multiplier: sun through sunscreen and hat, alcohol, ink grade */
    double ink_rate;     /* the ink grade's factor alone */
    bool early_wet;      /* washed or sweated before day 3: the surface ink goes on day 1 */
} ageing_params;

/* The state of one layer at time t. */
typedef struct ageing_layer_state {
    bool present;       /* false before the layer's day: nothing to draw */
    double age_days;    /* since the layer's session */
    double hazard;      /* cumulative ink-loss hazard of normal skin: a dot keeps exp(-m hazard) */
    double veil;        /* 0..1: share of the ink's contrast hidden by the healing epidermis */
    double surface_ink; /* excess ink on the wound's surface, relative to the dot's own */
    double fresh_width; /* >= 1: the fresh dot's width over its healed width */
    double spread_mm2;  /* growth of the squared width at AGEING_SPREAD_REF_DEPTH_MM so far */
    double sink_mm;     /* how far the ink has moved deeper so far */
    double redness;     /* 0..1 of the peak erythema the layer's wounds show now */
    double swelling;    /* 0..1 of the peak swelling */
} ageing_layer_state;

/* The skin's state: the strongest of the layers' (a new session re-reddens treated skin). */
typedef struct ageing_skin_state {
    double redness; /* 0..1 of the peak erythema; the extra blood is redness x plan fading.redness */
    double swelling;
} ageing_skin_state;

/* The plan's rates with its aftercare and ink grade folded in. */
void ageing_params_from_plan(const plan *plan, ageing_params *out);

/* Effective hours of unprotected sun a day: sun hours x 1 / (1 + (SPF - 1) x efficacy) x the hat's share. */
double ageing_effective_sun_hours(const plan_fading *fading, const plan_aftercare *aftercare);

/* The uncertain rates of the model and how far each may be off (docs/model.md); varies p's fading by the
 * quantiles u[0..AGEING_UNCERTAIN_COUNT-1] in [0, 1] (0.5 = the plan's own value) and refolds. */
#define AGEING_UNCERTAIN_COUNT 7
void ageing_params_vary(const plan *plan, const double u[AGEING_UNCERTAIN_COUNT], ageing_params *out);

/* One layer tattooed age_days ago (age_days < 0: not yet). */
ageing_layer_state ageing_layer_at(const ageing_params *params, double age_days);

/* Every layer of plan (sessions, then touch-ups) at t_days after the first session into out (at least
 * AGEING_MAX_LAYERS entries); returns the number of layers. */
int ageing_evaluate(const ageing_params *params, const plan *plan, double t_days, ageing_layer_state *out);
ageing_skin_state ageing_skin(const ageing_layer_state *layers, int count);

/* What a layer tattooed age_days ago looks like, in a few words for the timeline ("fresh: red, surface ink",
 * "flaking", "scabs shedding", "settling", "healed"); NULL before its day. */
const char *ageing_phase_name(double age_days);

/* Share of a dot's ink that remains (exp(-fade_rate x hazard)); fade_rate >= 1 in scar tissue. */
double ageing_ink_remaining(const ageing_layer_state *layer, double fade_rate);

/* The deposit a healed dot (pigment_dot: diameter, needle depth, ink, fade-rate factor) is at the layer's
 * state: the ink that remains and shows (veil), plus the surface excess, over the fresh and spread width
 * (spreading conserves the carbon), sunk deeper. No ink when the layer is not present. */
void ageing_dot_deposit(const ageing_layer_state *layer, double diameter_mm, double depth_mm, double ink,
                        double fade_rate, optics_deposit *out);

#endif
