/* fade_plot: the fade curve drawn with analysis/plot. */
#include "scene/fade_plot.h"

#include "analysis/plot.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Draws the plot to path (a PNG, atomically) or, with path NULL, into *rgba. */
static smp_status fade_plot(const scene_fade_curve *c, const plan *pl, const char *path, uint8_t **rgba,
                            int *width, int *height, smp_error *err)
{
    static const plot_rgba line = {0.12f, 0.35f, 0.65f, 1.0f}, band_colour = {0.12f, 0.35f, 0.65f, 0.18f};
    static const plot_rgba session = {0.35f, 0.35f, 0.35f, 1.0f}, touch_up = {0.15f, 0.55f, 0.25f, 1.0f};
    static const plot_rgba advised = {0.8f, 0.25f, 0.1f, 1.0f}, threshold = {0.8f, 0.25f, 0.1f, 0.8f};
    /* The healing days (redness, surface ink) are several times the healed contrast; the axis is set for the
     * years, and those days run off its top. */
    double y_top = 0.0;
    for (int i = 0; i < c->count; ++i)
        if (c->years[i] >= c->healed_years) y_top = fmax(y_top, c->high[i]);
    y_top = fmax(1.35 * y_top, 1.0);
    plot_series series = {.label = "predicted contrast (the first days, red and dark, run off the top)",
                          .x = c->years,
                          .y = c->delta_e,
                          .count = c->count,
                          .color = line,
                          .width_px = 3.0f};
    plot_band band = {.label = "uncertain rates, 10th-90th percentile",
                      .x = c->years,
                      .low = c->low,
                      .high = c->high,
                      .count = c->count,
                      .color = band_colour};
    plot_marker xm[SCENE_FADE_MAX_EVENTS + 1];
    char labels[SCENE_FADE_MAX_EVENTS + 1][48];
    int nx = 0, sessions = 0, touch_ups = 0;
    for (int e = 0; e < c->event_count; ++e) {
        bool tu = c->event_is_touch_up[e];
        if (tu)
            snprintf(labels[nx], sizeof labels[nx], "T%d", ++touch_ups);
        else
            snprintf(labels[nx], sizeof labels[nx], "S%d", ++sessions);
        xm[nx] = (plot_marker){.value = c->event_years[e],
                               .label = labels[nx],
                               .legend = tu ? "planned touch-up" : "session",
                               .color = tu ? touch_up : session,
                               .dash = PLOT_DOTTED};
        nx++;
    }
    if (isfinite(c->touch_up_years)) {
        double end = c->count > 0 ? c->years[c->count - 1] : 0.0;
        if (isfinite(c->touch_up_early_years) && isfinite(c->touch_up_late_years))
            snprintf(labels[nx], sizeof labels[nx], "touch-up advised %.1f y (%.1f-%.1f)", c->touch_up_years,
                     c->touch_up_early_years, c->touch_up_late_years);
        else if (isfinite(c->touch_up_early_years))
            snprintf(labels[nx], sizeof labels[nx], "touch-up advised %.1f y (%.1f to after %.0f)",
                     c->touch_up_years, c->touch_up_early_years, end);
        else
            snprintf(labels[nx], sizeof labels[nx], "touch-up advised %.1f y", c->touch_up_years);
        xm[nx] = (plot_marker){.value = c->touch_up_years,
                               .label = labels[nx],
                               .legend = "touch-up advised",
                               .color = advised,
                               .width_px = 2.0f,
                               .dash = PLOT_DASHED};
        nx++;
    }
    char threshold_label[64];
    snprintf(threshold_label, sizeof threshold_label, "%.0f %% of healed (%.2f)",
             100.0 * c->threshold_fraction, c->threshold_fraction * c->healed_delta_e);
    plot_marker ym = {.value = c->threshold_fraction * c->healed_delta_e,
                      .label = threshold_label,
                      .legend = "touch-up threshold",
                      .color = threshold,
                      .dash = PLOT_DASHED};
    char title[160];
    snprintf(title, sizeof title, "Treated scalp against untreated skin, at about 1 m (skin type %d, %s ink)",
             pl->patient.fitzpatrick,
             pl->pigment.ink_quality == PLAN_INK_TATTOO     ? "tattoo"
             : pl->pigment.ink_quality == PLAN_INK_COSMETIC ? "cosmetic"
             : pl->pigment.ink_quality == PLAN_INK_INFERIOR ? "inferior"
                                                            : "medical");
    plot_figure fig = {.title = title,
                       .x_label = "time since the first session (years)",
                       .y_label = "contrast ΔE₀₀ (CIEDE2000 of the mean colour)",
                       .x_min = 0.0,
                       .x_max = c->count > 0 ? c->years[c->count - 1] : 1.0,
                       .y_min = 0.0,
                       .y_max = y_top,
                       .series = &series,
                       .series_count = 1,
                       .bands = &band,
                       .band_count = 1,
                       .x_markers = xm,
                       .x_marker_count = nx,
                       .y_markers = &ym,
                       .y_marker_count = 1};
    return path ? plot_write_png(&fig, path, err) : plot_render_rgba(&fig, rgba, width, height, err);
}

smp_status scene_fade_plot_write(const scene_fade_curve *c, const plan *pl, const char *path, smp_error *err)
{
    return fade_plot(c, pl, path, NULL, NULL, NULL, err);
}

smp_status scene_fade_plot_render(const scene_fade_curve *c, const plan *pl, uint8_t **rgba, int *width,
                                  int *height, smp_error *err)
{
    return fade_plot(c, pl, NULL, rgba, width, height, err);
}
