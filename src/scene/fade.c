/* fade: contrast over time from the ageing model; the method is in fade.h and docs/model.md. */
#include "scene/fade.h"

#include "analysis/analysis.h"
#include "optics/deposit.h"
#include "optics/skin.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DAYS_PER_YEAR 365.25

/* The dots that stand for the disc: up to SCENE_FADE_DOTS_PER_LAYER per layer, evenly through the layer's
 * dots in the disc, each weighted by how many it stands for. */
typedef struct fade_region {
    int count;
    const pigment_dot *dots[SCENE_FADE_DOTS_PER_LAYER * AGEING_MAX_LAYERS];
    double weight[SCENE_FADE_DOTS_PER_LAYER * AGEING_MAX_LAYERS];
    double area_mm2;
    int total;
    float centre[3];
} fade_region;

static float dist2(const float a[3], const float b[3])
{
    float d0 = a[0] - b[0], d1 = a[1] - b[1], d2 = a[2] - b[2];
    return d0 * d0 + d1 * d1 + d2 * d2;
}

/* The disc's centre: the vertex when the plan treats it, else the dot nearest to it (a frontal-only plan). */
static void region_build(const scene_model *s, fade_region *r)
{
    memset(r, 0, sizeof *r);
    const pigment_field *f = &s->field;
    const float *vertex = s->head.landmarks_mm[SCALP_LM_VERTEX];
    memcpy(r->centre, vertex, sizeof r->centre);
    float best = INFINITY;
    int nearest = -1;
    for (int i = 0; i < f->count; ++i) {
        float d = dist2(f->dots[i].position_mm, vertex);
        if (d < best) best = d, nearest = i;
    }
    if (nearest >= 0 && best > 10.0f * 10.0f)
        memcpy(r->centre, f->dots[nearest].position_mm, sizeof r->centre);
    float r2 = (float)(SCENE_FADE_REGION_MM * SCENE_FADE_REGION_MM);
    int in_layer[AGEING_MAX_LAYERS] = {0};
    for (int i = 0; i < f->count; ++i) {
        int l = f->dots[i].session;
        if (l >= 0 && l < AGEING_MAX_LAYERS && dist2(f->dots[i].position_mm, r->centre) <= r2) in_layer[l]++;
    }
    int seen[AGEING_MAX_LAYERS] = {0}, taken[AGEING_MAX_LAYERS] = {0};
    for (int i = 0; i < f->count; ++i) {
        int l = f->dots[i].session;
        if (l < 0 || l >= AGEING_MAX_LAYERS || dist2(f->dots[i].position_mm, r->centre) > r2) continue;
        int n = in_layer[l], want = n < SCENE_FADE_DOTS_PER_LAYER ? n : SCENE_FADE_DOTS_PER_LAYER;
        /* The k-th of want picks the dot at index floor((k + 0.5) n / want) of the layer's n. */
        int k = taken[l];
        if (k < want && seen[l] == (int)(((double)k + 0.5) * n / want)) {
            r->dots[r->count] = &f->dots[i];
            r->weight[r->count++] = (double)n / want;
            taken[l]++;
        }
        seen[l]++;
    }
    r->total = 0;
    for (int l = 0; l < AGEING_MAX_LAYERS; ++l)
        r->total += in_layer[l];
    /* The disc is measured by chord; on the scalp (radius about 90 mm) its cap is within 0.1 % of pi R^2. */
    r->area_mm2 = SMP_PI * SCENE_FADE_REGION_MM * SCENE_FADE_REGION_MM;
}

static double region_contrast(const scene_model *s, const fade_region *r, const ageing_params *ap,
                              double t_days, double lab_out[3])
{
    ageing_layer_state layers[AGEING_MAX_LAYERS];
    int n = ageing_evaluate(ap, &s->plan, t_days, layers);
    int type = s->plan.patient.fitzpatrick;
    double dark[3] = {0.0, 0.0, 0.0}, blood = 0.0;
    for (int i = 0; i < r->count; ++i) {
        const pigment_dot *d = r->dots[i];
        if (d->session >= n || !layers[d->session].present) continue;
        const ageing_layer_state *L = &layers[d->session];
        optics_deposit dep;
        ageing_dot_deposit(L, d->diameter_mm, d->depth_mm, d->ink, d->fade_rate, &dep);
        optics_dot_terms terms;
        optics_deposit_terms(s->optics, type, &dep, &terms);
        for (int c = 0; c < 3; ++c)
            dark[c] += r->weight[i] * optics_dot_terms_darkening_mm2(&terms, c);
        blood += r->weight[i] * L->redness * AGEING_FLARE_AREA_MM2;
    }
    double ery[3] = {0.0, 0.0, 0.0};
    smp_error ignored = {0};
    optics_skin_erythema_density(type, s->plan.fading.redness, ery, &ignored);
    /* As the renderer: the wounds' extra blood is capped at 1.5 x the peak (shaders/mesh.frag). */
    double alpha = fmin(blood / r->area_mm2, 1.5);
    double skin[3], treated[3], lab_skin[3], lab[3];
    for (int c = 0; c < 3; ++c) {
        skin[c] = s->optics->skin_linear_rgb[type - 1][c];
        treated[c] = skin[c] * exp(-dark[c] / r->area_mm2 - alpha * ery[c]);
    }
    analysis_linear_rgb_to_lab(skin, lab_skin);
    analysis_linear_rgb_to_lab(treated, lab);
    if (lab_out) memcpy(lab_out, lab, sizeof lab);
    return analysis_delta_e00(lab, lab_skin);
}

double scene_fade_contrast_at(const scene_model *s, const ageing_params *ap, double t_days, double lab[3])
{
    fade_region *r = malloc(sizeof *r);
    if (!r) return NAN;
    region_build(s, r);
    double de = region_contrast(s, r, ap, t_days, lab);
    free(r);
    return de;
}

/* Times (days) of the plan's sessions and touch-ups. */
static int plan_events(const plan *pl, double *days, bool *touch_up)
{
    int n = 0;
    for (int i = 0; i < pl->session_count; ++i)
        days[n] = pl->sessions[i].day, touch_up[n++] = false;
    for (int i = 0; i < pl->touch_up_count; ++i)
        days[n] = pl->touch_ups[i].year * DAYS_PER_YEAR, touch_up[n++] = true;
    return n;
}

/* A grid of days over [0, end]: `steps` even steps, plus the given offsets after every event. */
static int time_grid(const plan *pl, double end, int steps, const double *offsets, int offset_count,
                     double *out)
{
    double ev[SCENE_FADE_MAX_EVENTS];
    bool tu[SCENE_FADE_MAX_EVENTS];
    int ne = plan_events(pl, ev, tu), n = 0;
    for (int i = 0; i <= steps; ++i)
        out[n++] = end * i / steps;
    for (int e = 0; e < ne; ++e)
        for (int k = 0; k < offset_count; ++k)
            if (ev[e] + offsets[k] >= 0.0 && ev[e] + offsets[k] <= end) out[n++] = ev[e] + offsets[k];
    return smp_sort_distinct(out, n, 0.25); /* within a quarter of a day: one event */
}

/* First time after the healed day that the curve falls below threshold (linear between points); NAN if none.
 */
static double first_below(const double *days, const double *v, int n, double healed_day, double threshold)
{
    for (int i = 1; i < n; ++i) {
        if (days[i] <= healed_day || v[i] >= threshold) continue;
        if (days[i - 1] < healed_day || v[i - 1] < threshold) return days[i] / DAYS_PER_YEAR;
        double f = (v[i - 1] - threshold) / (v[i - 1] - v[i]);
        return (days[i - 1] + f * (days[i] - days[i - 1])) / DAYS_PER_YEAR;
    }
    return NAN;
}

/* Value of (days, v) at day t, linear. */
static double interp(const double *days, const double *v, int n, double t)
{
    if (t <= days[0]) return v[0];
    for (int i = 1; i < n; ++i)
        if (t <= days[i]) {
            double f = (t - days[i - 1]) / (days[i] - days[i - 1]);
            return v[i - 1] + f * (v[i] - v[i - 1]);
        }
    return v[n - 1];
}

/* The q-quantile of n sorted values, linear between ranks. */
static double quantile(const double *sorted, int n, double q)
{
    double at = q * (n - 1);
    int i = (int)floor(at);
    if (i >= n - 1) return sorted[n - 1];
    return sorted[i] + (at - i) * (sorted[i + 1] - sorted[i]);
}

/* The k-th point of the radical-inverse (Halton) sequence in the given prime base, in (0, 1). */
static double halton(int k, int base)
{
    double f = 1.0, r = 0.0;
    for (int i = k + 1; i > 0; i /= base) {
        f /= base;
        r += f * (i % base);
    }
    return r;
}

void scene_fade_curve_free(scene_fade_curve *c)
{
    free(c->years);
    free(c->delta_e);
    free(c->low);
    free(c->high);
    memset(c, 0, sizeof *c);
}

smp_status scene_fade_compute(const scene_model *s, const scene_fade_params *params, scene_fade_curve *out,
                              smp_error *err)
{
    memset(out, 0, sizeof *out);
    double years_max = params && params->years_max > 0.0 ? params->years_max : 20.0;
    if (!(years_max >= 0.5 && years_max <= 50.0))
        return smp_error_set(err, SMP_ERR_INPUT, "--years-max: must be between 0.5 and 50 years, got %g",
                             years_max);
    int samples = params && params->band_samples != 0 ? params->band_samples : SCENE_FADE_BAND_SAMPLES;
    if (samples < 0) samples = 0;
    fade_region *r = malloc(sizeof *r);
    if (!r) return smp_error_set(err, SMP_ERR_NOMEM, "fade: out of memory");
    region_build(s, r);
    if (r->total == 0) {
        free(r);
        return smp_error_set(
            err, SMP_ERR_INPUT,
            "plan: sessions: no dots within %g mm of the vertex or of the treated area to measure",
            SCENE_FADE_REGION_MM);
    }
    double end = years_max * DAYS_PER_YEAR;
    /* Fine grid for the curve (the healing days of every session), coarser for the band. */
    static const double fine_offsets[] = {-0.5, 0.25, 0.5, 1,  1.5, 2,  2.5, 3,  3.5, 4,  5,  6,
                                          7,    8,    9,   10, 11,  12, 13,  14, 16,  18, 21, 24,
                                          28,   32,   36,  42, 49,  56, 63,  70, 80,  90};
    static const double coarse_offsets[] = {-0.5, 1, 3, 5, 7, 10, 14, 21, 28, 42, 60, 90};
    int nf_max = 201 + SCENE_FADE_MAX_EVENTS * (int)(sizeof fine_offsets / sizeof fine_offsets[0]);
    int nc_max = 81 + SCENE_FADE_MAX_EVENTS * (int)(sizeof coarse_offsets / sizeof coarse_offsets[0]);
    double *fine = malloc(sizeof(double) * (size_t)nf_max), *coarse = malloc(sizeof(double) * (size_t)nc_max);
    out->years = malloc(sizeof(double) * (size_t)nf_max);
    out->delta_e = malloc(sizeof(double) * (size_t)nf_max);
    out->low = malloc(sizeof(double) * (size_t)nf_max);
    out->high = malloc(sizeof(double) * (size_t)nf_max);
    double *band = malloc(sizeof(double) * (size_t)nc_max * (size_t)(samples > 0 ? samples : 1));
    double *lo_c = malloc(sizeof(double) * (size_t)nc_max), *hi_c = malloc(sizeof(double) * (size_t)nc_max);
    double *dates = malloc(sizeof(double) * (size_t)(samples > 0 ? samples : 1));
    smp_status st = SMP_OK;
    if (!fine || !coarse || !out->years || !out->delta_e || !out->low || !out->high || !band || !lo_c ||
        !hi_c || !dates) {
        st = smp_error_set(err, SMP_ERR_NOMEM, "fade: out of memory");
        goto done;
    }
    int nf = time_grid(&s->plan, end, 200, fine_offsets, (int)(sizeof fine_offsets / sizeof fine_offsets[0]),
                       fine);
    int nc = time_grid(&s->plan, end, 80, coarse_offsets,
                       (int)(sizeof coarse_offsets / sizeof coarse_offsets[0]), coarse);

    ageing_params ap;
    ageing_params_from_plan(&s->plan, &ap);
    for (int i = 0; i < nf; ++i) {
        out->years[i] = fine[i] / DAYS_PER_YEAR;
        out->delta_e[i] = region_contrast(s, r, &ap, fine[i], NULL);
    }
    out->count = nf;
    double healed_day = plan_healed_day(&s->plan);
    out->healed_years = healed_day / DAYS_PER_YEAR;
    out->healed_delta_e = region_contrast(s, r, &ap, healed_day, NULL);
    out->threshold_fraction = s->plan.fading.touch_up_fraction;
    double threshold = out->threshold_fraction * out->healed_delta_e;
    out->touch_up_years = first_below(fine, out->delta_e, nf, healed_day, threshold);

    /* The band: each variation's curve on the coarse grid and its own touch-up date (against its own healed
     * contrast); per time the 10th and 90th percentiles. */
    out->touch_up_early_years = out->touch_up_late_years = out->touch_up_years;
    if (samples > 0) {
        for (int k = 0; k < samples; ++k) {
            static const int primes[AGEING_UNCERTAIN_COUNT] = {2, 3, 5, 7, 11, 13, 17};
            double u[AGEING_UNCERTAIN_COUNT];
            for (int j = 0; j < AGEING_UNCERTAIN_COUNT; ++j)
                u[j] = halton(k, primes[j]);
            ageing_params vp;
            ageing_params_vary(&s->plan, u, &vp);
            double *v = band + (size_t)k * nc;
            for (int i = 0; i < nc; ++i)
                v[i] = region_contrast(s, r, &vp, coarse[i], NULL);
            double healed = region_contrast(s, r, &vp, healed_day, NULL);
            double d = first_below(coarse, v, nc, healed_day, out->threshold_fraction * healed);
            dates[k] = isnan(d) ? INFINITY : d;
        }
        double *col = malloc(sizeof(double) * (size_t)samples);
        if (!col) {
            st = smp_error_set(err, SMP_ERR_NOMEM, "fade: out of memory");
            goto done;
        }
        for (int i = 0; i < nc; ++i) {
            for (int k = 0; k < samples; ++k)
                col[k] = band[(size_t)k * nc + i];
            qsort(col, (size_t)samples, sizeof *col, smp_cmp_double);
            lo_c[i] = quantile(col, samples, 0.1);
            hi_c[i] = quantile(col, samples, 0.9);
        }
        free(col);
        qsort(dates, (size_t)samples, sizeof *dates, smp_cmp_double);
        double early = quantile(dates, samples, 0.1), late = quantile(dates, samples, 0.9);
        out->touch_up_early_years = isfinite(early) ? early : NAN;
        out->touch_up_late_years = isfinite(late) ? late : NAN;
    }
    for (int i = 0; i < nf; ++i) {
        double lo = samples > 0 ? interp(coarse, lo_c, nc, fine[i]) : out->delta_e[i];
        double hi = samples > 0 ? interp(coarse, hi_c, nc, fine[i]) : out->delta_e[i];
        out->low[i] = fmin(lo, out->delta_e[i]);
        out->high[i] = fmax(hi, out->delta_e[i]);
    }
    out->event_count = plan_events(&s->plan, out->event_years, out->event_is_touch_up);
    for (int e = 0; e < out->event_count; ++e)
        out->event_years[e] /= DAYS_PER_YEAR;
    out->region_dots = r->total;
    for (int k = 0; k < 3; ++k)
        out->region_centre_mm[k] = r->centre[k];
done:
    free(r);
    free(fine);
    free(coarse);
    free(band);
    free(lo_c);
    free(hi_c);
    free(dates);
    if (st != SMP_OK) scene_fade_curve_free(out);
    return st;
}
