/* smpsim fade [--plan F] [--set PATH=VALUE ...] [--years-max Y] [-o fade.png] [--csv]: the predicted contrast
 * of the treated scalp against untreated skin over the years (scene/fade.h), as a plot, a CSV or a summary.
 */
#include "app/app.h"
#include "app/common.h"
#include "scene/fade.h"
#include "scene/fade_plot.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const char fade_allowed[] = "--plan --set --seed --years-max --csv -o --output";

static const char fade_usage[] =
    "usage: smpsim fade [options] [-o fade.png] [--csv]\n\n"
    "Predicts how the treated scalp's contrast against untreated skin (CIEDE2000 of the mean colour\n"
    "at conversation distance, about 1 m) changes from the first session to --years-max, from the\n"
    "healing and fading model and the optics: redness and darker fresh ink in the first days, the\n"
    "early loss while healing, then the slow fading that sun, topicals and ink grade speed up. The\n"
    "band spans the uncertain rates (10th to 90th percentile). A touch-up is advised when the\n"
    "contrast falls below the plan's fading.touch_up_fraction of its healed value.\n"
    "-o FILE writes the plot (PNG) there, atomically; without -o or --csv it prints a JSON summary.\n"
    "docs/model.md, 'Healing and fading', has the model.\n\n";

static cJSON *number_or_null(double v)
{
    return isfinite(v) ? cJSON_CreateNumber(round(v * 1e3) / 1e3) : cJSON_CreateNull();
}

static char *summary_json(const scene_fade_curve *c, double years_max)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "healed_years", number_or_null(c->healed_years));
    cJSON_AddItemToObject(o, "healed_delta_e", number_or_null(c->healed_delta_e));
    cJSON_AddNumberToObject(o, "touch_up_fraction", c->threshold_fraction);
    cJSON_AddItemToObject(o, "touch_up_years", number_or_null(c->touch_up_years));
    cJSON_AddItemToObject(o, "touch_up_years_early", number_or_null(c->touch_up_early_years));
    cJSON_AddItemToObject(o, "touch_up_years_late", number_or_null(c->touch_up_late_years));
    cJSON_AddNumberToObject(o, "years_max", years_max);
    static const double at[] = {1.0 / 365.25, 28.0 / 365.25, 1, 2, 5, 10, 20};
    cJSON *pts = cJSON_AddArrayToObject(o, "at");
    for (size_t k = 0; k < sizeof at / sizeof at[0]; ++k) {
        if (at[k] > years_max) break;
        int best = 0;
        for (int i = 0; i < c->count; ++i)
            if (fabs(c->years[i] - at[k]) < fabs(c->years[best] - at[k])) best = i;
        cJSON *p = cJSON_CreateObject();
        cJSON_AddItemToObject(p, "years", number_or_null(c->years[best]));
        cJSON_AddItemToObject(p, "delta_e", number_or_null(c->delta_e[best]));
        cJSON_AddItemToObject(p, "low", number_or_null(c->low[best]));
        cJSON_AddItemToObject(p, "high", number_or_null(c->high[best]));
        cJSON_AddItemToArray(pts, p);
    }
    cJSON *ev = cJSON_AddArrayToObject(o, "events");
    for (int e = 0; e < c->event_count; ++e) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "kind", c->event_is_touch_up[e] ? "touch-up" : "session");
        cJSON_AddItemToObject(p, "years", number_or_null(c->event_years[e]));
        cJSON_AddItemToArray(ev, p);
    }
    cJSON *region = cJSON_AddObjectToObject(o, "region");
    cJSON_AddNumberToObject(region, "radius_mm", SCENE_FADE_REGION_MM);
    cJSON_AddNumberToObject(region, "dots", c->region_dots);
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    return text;
}

int app_cmd_fade(int argc, char **argv)
{
    app_options opts;
    int begun = app_command_begin(&opts, argc, argv, "fade", fade_allowed, fade_usage);
    if (begun >= 0) return begun;
    smp_error err = {0};
    if (opts.output && app_output_dir_check(opts.output, &err) != SMP_OK) return app_fail("fade", &err);
    scene_model scene;
    if (app_scene_load(&scene, &opts, ui_log_stderr, &err) != SMP_OK) return app_fail("fade", &err);
    scene_fade_params params = {.years_max = opts.years_max > 0.0 ? opts.years_max : 20.0};
    scene_fade_curve curve;
    smp_status st = scene_fade_compute(&scene, &params, &curve, &err);
    if (st == SMP_OK && opts.output) st = scene_fade_plot_write(&curve, &scene.plan, opts.output, &err);
    scene_destroy(&scene);
    if (st != SMP_OK) {
        scene_fade_curve_free(&curve);
        return app_fail("fade", &err);
    }
    if (opts.csv) {
        printf("years,delta_e,low,high\n");
        for (int i = 0; i < curve.count; ++i)
            printf("%.5f,%.4f,%.4f,%.4f\n", curve.years[i], curve.delta_e[i], curve.low[i], curve.high[i]);
    } else {
        char *text = summary_json(&curve, params.years_max);
        if (text) printf("%s\n", text);
        free(text);
        if (opts.output) fprintf(stderr, "smpsim fade: wrote %s\n", opts.output);
    }
    scene_fade_curve_free(&curve);
    return 0;
}
