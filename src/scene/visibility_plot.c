/* visibility_plot: a scar's visibility drawn with analysis/plot. */
#include "scene/visibility_plot.h"

#include "analysis/plot.h"
#include "analysis/scielab.h"

#include <assert.h>
#include <stdio.h>

/* One scar's plot: a line per distance, solid with SMP and dashed without, the JND marked. */
static smp_status plot_scar(const scene_vis_result *r, const scene_vis_scar *s, const char *path,
                            uint8_t **rgba, int *width, int *height, smp_error *err)
{
    static const plot_rgba colours[SCENE_VIS_DISTANCES] = {
        {0.80f, 0.25f, 0.10f, 1.0f}, {0.12f, 0.35f, 0.65f, 1.0f}, {0.20f, 0.55f, 0.25f, 1.0f}};
    plot_series series[2 * SCENE_VIS_DISTANCES];
    char labels[2 * SCENE_VIS_DISTANCES][48];
    int n = 0;
    for (int smp = 1; smp >= 0; --smp)
        for (int d = 0; d < SCENE_VIS_DISTANCES; ++d) {
            snprintf(labels[n], sizeof labels[n], "%g m, %s", scene_vis_distances_m[d],
                     smp ? "with SMP" : "no SMP");
            series[n] = (plot_series){.label = labels[n],
                                      .x = r->angles_deg,
                                      .y = s->delta_e[smp][d],
                                      .count = r->angle_count,
                                      .color = colours[d],
                                      .width_px = smp ? 3.0f : 2.0f,
                                      .dash = smp ? PLOT_SOLID : PLOT_DASHED};
            n++;
        }
    plot_marker jnd = {.value = ANALYSIS_JND_DELTA_E00,
                       .label = "just noticeable (ΔE₀₀ 1)",
                       .color = {0.3f, 0.3f, 0.3f, 1.0f},
                       .dash = PLOT_DOTTED};
    char title[160];
    snprintf(title, sizeof title, "Scar %d (%s, %.1f mm deep): visibility against the light's angle",
             s->scar + 1, s->type == PLAN_SCAR_FUT ? "FUT line" : "FUE punches", s->depth_mm);
    char x_label[200];
    snprintf(
        x_label, sizeof x_label,
        "key light's angle above the scalp at the scar (degrees; room elevation %.0f° at 5°, %.0f° at 90°)",
        s->world_elevation_deg[0], s->world_elevation_deg[r->angle_count - 1]);
    plot_figure fig = {.title = title,
                       .x_label = x_label,
                       .y_label = "S-CIELAB ΔE₀₀ against the head without it (99th pct.)",
                       .x_min = 0.0,
                       .x_max = 90.0,
                       .series = series,
                       .series_count = n,
                       .y_markers = &jnd,
                       .y_marker_count = 1};
    return path ? plot_write_png(&fig, path, err) : plot_render_rgba(&fig, rgba, width, height, err);
}

smp_status scene_visibility_plot_write(const scene_vis_result *r, int index, const char *path, smp_error *err)
{
    assert(index >= 0 && index < r->scar_count);
    return plot_scar(r, &r->scars[index], path, NULL, NULL, NULL, err);
}

smp_status scene_visibility_plot_render(const scene_vis_result *r, int index, uint8_t **rgba, int *width,
                                        int *height, smp_error *err)
{
    assert(index >= 0 && index < r->scar_count);
    return plot_scar(r, &r->scars[index], NULL, rgba, width, height, err);
}
