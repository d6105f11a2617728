/* smpsim match [--plan F] [--set PATH=VALUE ...] [-o plan.json]: the ink shade whose healed tone reads like
 * the patient's own #0 stubble (app/match.h); JSON on stdout, the adjusted plan with -o. */
#include "app/app.h"
#include "app/common.h"
#include "app/match.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const char match_allowed[] = "--plan --set --seed --light-azimuth --light-elevation --light-preset "
                                    "--light-intensity --light-kelvin "
                                    "--distance-m --width --height -o --output";

static const char match_usage[] =
    "usage: smpsim match [options] [-o plan.json]\n\n"
    "Finds the factor k on every session's and touch-up's ink shade that makes the healed, treated\n"
    "bald scalp read like the patient's own #0 stubble (0.5 mm) for their skin type, hair colour and\n"
    "grey fraction: both rendered from the top at conversation distance and compared on a 30 mm disc\n"
    "on the vertex (CIELAB, CIEDE2000). Prints JSON on stdout; with -o, saves the plan with the\n"
    "matched shades (-o FILE, atomically). The comparison is seen from 1 m (--distance-m) at 480x360\n"
    "pixels (--width, --height). docs/model.md, 'Shade matching', has the method.\n\n";

static double round4(double v)
{
    return round(v * 1e4) / 1e4;
}

static cJSON *lab_json(const double lab[3])
{
    cJSON *a = cJSON_CreateArray();
    for (int k = 0; a && k < 3; ++k)
        cJSON_AddItemToArray(a, cJSON_CreateNumber(round4(lab[k])));
    return a;
}

static cJSON *sample_json(const app_match_sample *s, bool with_delta_l)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "shade_factor", s->shade_factor);
    cJSON_AddItemToObject(o, "lab", lab_json(s->lab));
    cJSON_AddNumberToObject(o, "delta_e00", round4(s->delta_e00));
    if (with_delta_l) cJSON_AddNumberToObject(o, "delta_l", round4(s->delta_l));
    return o;
}

static char *result_json(const app_match_result *r, const app_options *view)
{
    const plan *p = &r->adjusted;
    cJSON *o = cJSON_CreateObject();
    cJSON *ref = cJSON_AddObjectToObject(o, "reference");
    cJSON_AddItemToObject(ref, "lab", lab_json(r->reference_lab));
    cJSON_AddItemToObject(o, "before", sample_json(&r->before, false));
    cJSON_AddItemToObject(o, "after", sample_json(&r->after, true));
    cJSON_AddBoolToObject(o, "reachable", r->reachable);
    if (r->limit == APP_MATCH_REACHED)
        cJSON_AddNullToObject(o, "limit");
    else
        cJSON_AddStringToObject(o, "limit",
                                r->limit == APP_MATCH_TOO_LIGHT ? "too light at the largest shades"
                                                                : "too dark with no ink");
    cJSON_AddNumberToObject(o, "shade_factor_max", r->shade_factor_max);
    cJSON *s = cJSON_AddArrayToObject(o, "sessions_shade");
    for (int i = 0; i < p->session_count; ++i)
        cJSON_AddItemToArray(s, cJSON_CreateNumber(p->sessions[i].shade));
    cJSON *t = cJSON_AddArrayToObject(o, "touch_ups_shade");
    for (int i = 0; i < p->touch_up_count; ++i)
        cJSON_AddItemToArray(t, cJSON_CreateNumber(p->touch_ups[i].shade));
    cJSON_AddNumberToObject(o, "fitzpatrick", p->patient.fitzpatrick);
    char hex[8];
    snprintf(hex, sizeof hex, "#%02x%02x%02x", p->patient.hair_color_srgb8[0], p->patient.hair_color_srgb8[1],
             p->patient.hair_color_srgb8[2]);
    cJSON_AddStringToObject(o, "hair_color", hex);
    cJSON_AddNumberToObject(o, "grey_fraction", p->patient.grey_fraction);
    cJSON *region = cJSON_AddObjectToObject(o, "region");
    cJSON_AddStringToObject(region, "view", "top");
    cJSON_AddNumberToObject(region, "distance_m", view->distance_m);
    cJSON_AddNumberToObject(region, "radius_mm", APP_MATCH_REGION_MM);
    cJSON_AddNumberToObject(region, "radius_px", round4(r->region_radius_px));
    cJSON_AddNumberToObject(region, "pixels", r->region_pixels);
    cJSON_AddNumberToObject(region, "width", view->width);
    cJSON_AddNumberToObject(region, "height", view->height);
    cJSON_AddStringToObject(region, "light_preset", view->light_preset ? view->light_preset : "daylight");
    cJSON_AddNumberToObject(o, "renders", r->renders);
    cJSON_AddNumberToObject(o, "search_steps", r->search_steps);
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    return text;
}

int app_cmd_match(int argc, char **argv)
{
    app_options opts;
    int begun = app_command_begin(&opts, argc, argv, "match", match_allowed, match_usage);
    if (begun >= 0) return begun;
    smp_error err = {0};
    if (opts.output && app_output_dir_check(opts.output, &err) != SMP_OK) return app_fail("match", &err);
    plan pl;
    if (plan_load(&pl, opts.plan_path, opts.sets, opts.set_count, ui_log_stderr, NULL, &err) != SMP_OK)
        return app_fail("match", &err);
    app_options_apply_seed(&opts, &pl);
    if (!opts.has_width) opts.width = APP_MATCH_WIDTH;
    if (!opts.has_height) opts.height = APP_MATCH_HEIGHT;
    if (opts.distance_m <= 0.0) opts.distance_m = APP_MATCH_DISTANCE_M;
    if (app_match_check(&pl, &opts, NULL, &err) != SMP_OK) {
        if (err.message[0] != '-') smp_error_prefix(&err, opts.plan_path ? opts.plan_path : "built-in plan");
        return app_fail("match", &err);
    }

    ui_headless h;
    app_match_result *r = malloc(sizeof *r);
    if (!r) return app_fail("match", &(smp_error){SMP_ERR_NOMEM, "out of memory"});
    smp_status st = ui_headless_create(&h, NULL, &err);
    if (st == SMP_OK) {
        st = app_match_run(h.rc, &pl, &opts, NULL, r, &err);
        ui_headless_destroy(&h);
    }
    /* The plan first: if it cannot be saved, nothing is printed and nothing is left behind. */
    if (st == SMP_OK && opts.output) st = plan_save(&r->adjusted, opts.output, &err);
    char *text = st == SMP_OK ? result_json(r, &opts) : NULL;
    free(r);
    if (st != SMP_OK) return app_fail("match", &err);
    if (!text) return app_fail("match", &(smp_error){SMP_ERR_NOMEM, "out of memory writing the JSON"});
    printf("%s\n", text);
    free(text);
    return 0;
}
