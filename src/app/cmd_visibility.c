/* smpsim visibility [--plan F] [--set PATH=VALUE ...] [-o vis.png]: each scar's visibility against the
 * light's angle above the scalp and the viewing distance, with and without SMP (scene/visibility.h); JSON on
 * stdout, a plot per scar with -o. */
#include "analysis/scielab.h"
#include "app/app.h"
#include "app/common.h"
#include "scene/visibility.h"
#include "scene/visibility_plot.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char vis_allowed[] = "--plan --set --seed -o --output";

static const char vis_usage[] =
    "usage: smpsim visibility [options] [-o vis.png]\n\n"
    "How visible each scar of the plan is to a person 0.3, 1 and 2 m away, against the angle of the\n"
    "key light above the scalp at the scar (5 degrees: grazing, 90: flat), with and without the plan's\n"
    "SMP: rendered face on, compared with the same head without the scar after the eye's contrast\n"
    "sensitivity at that distance (S-CIELAB, CIEDE2000; 99th percentile over a 40 mm field). Above 1\n"
    "(the just-noticeable difference) a careful observer sees it. Prints JSON on stdout; with -o, writes\n"
    "the plot (one file per scar: NAME-scar1.png ... when the plan has several). docs/model.md,\n"
    "'Scar visibility', has the method. Renders 4 x 8 images per scar: about a minute each without a "
    "GPU.\n\n";

static cJSON *rounded(double v)
{
    return cJSON_CreateNumber(round(v * 1000.0) / 1000.0);
}

static char *result_json(const scene_vis_result *r, const plan *pl)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "jnd_delta_e00", ANALYSIS_JND_DELTA_E00);
    cJSON *ang = cJSON_AddArrayToObject(o, "angles_deg");
    for (int a = 0; a < r->angle_count; ++a)
        cJSON_AddItemToArray(ang, rounded(r->angles_deg[a]));
    cJSON *dist = cJSON_AddArrayToObject(o, "distances_m");
    for (int d = 0; d < SCENE_VIS_DISTANCES; ++d)
        cJSON_AddItemToArray(dist, rounded(scene_vis_distances_m[d]));
    cJSON *scars = cJSON_AddArrayToObject(o, "scars");
    for (int i = 0; i < r->scar_count; ++i) {
        const scene_vis_scar *s = &r->scars[i];
        cJSON *j = cJSON_CreateObject();
        cJSON_AddNumberToObject(j, "scar", s->scar);
        cJSON_AddStringToObject(j, "type", s->type == PLAN_SCAR_FUT ? "fut" : "fue");
        cJSON_AddNumberToObject(j, "depth_mm", pl->scars[s->scar].depth_mm);
        cJSON *we = cJSON_AddArrayToObject(j, "world_elevation_deg");
        for (int a = 0; a < r->angle_count; ++a)
            cJSON_AddItemToArray(we, rounded(s->world_elevation_deg[a]));
        for (int smp = 0; smp < 2; ++smp) {
            cJSON *m = cJSON_AddArrayToObject(j, smp ? "delta_e00_with_smp" : "delta_e00_without_smp");
            for (int d = 0; d < SCENE_VIS_DISTANCES; ++d) {
                cJSON *row = cJSON_CreateArray();
                for (int a = 0; a < r->angle_count; ++a)
                    cJSON_AddItemToArray(row, rounded(s->delta_e[smp][d][a]));
                cJSON_AddItemToArray(m, row);
            }
        }
        for (int smp = 0; smp < 2 && s->type == PLAN_SCAR_FUT; ++smp) {
            cJSON *m =
                cJSON_AddArrayToObject(j, smp ? "line_delta_e00_with_smp" : "line_delta_e00_without_smp");
            for (int d = 0; d < SCENE_VIS_DISTANCES; ++d) {
                cJSON *row = cJSON_CreateArray();
                for (int a = 0; a < r->angle_count; ++a)
                    cJSON_AddItemToArray(row, rounded(s->line_delta_e[smp][d][a]));
                cJSON_AddItemToArray(m, row);
            }
        }
        cJSON_AddItemToArray(scars, j);
    }
    cJSON_AddNumberToObject(o, "image_px", r->image_px);
    cJSON_AddNumberToObject(o, "renders", r->renders);
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    return text;
}

int app_cmd_visibility(int argc, char **argv)
{
    app_options opts;
    int begun = app_command_begin(&opts, argc, argv, "visibility", vis_allowed, vis_usage);
    if (begun >= 0) return begun;
    smp_error err = {0};
    if (opts.output && app_output_png_check(opts.output, &err) != SMP_OK) return app_fail("visibility", &err);
    plan pl;
    if (plan_load(&pl, opts.plan_path, opts.sets, opts.set_count, ui_log_stderr, NULL, &err) != SMP_OK)
        return app_fail("visibility", &err);
    app_options_apply_seed(&opts, &pl);
    if (scene_visibility_check(&pl, NULL, &err) != SMP_OK) {
        smp_error_prefix(&err, opts.plan_path ? opts.plan_path : "built-in plan");
        return app_fail("visibility", &err);
    }
    ui_headless h;
    scene_vis_result *r = malloc(sizeof *r);
    if (!r) return app_fail("visibility", &(smp_error){SMP_ERR_NOMEM, "out of memory"});
    smp_status st = ui_headless_create(&h, NULL, &err);
    if (st == SMP_OK) {
        st = scene_visibility_run(h.rc, &pl, NULL, r, &err);
        ui_headless_destroy(&h);
    }
    for (int i = 0; st == SMP_OK && opts.output && i < r->scar_count; ++i) {
        char path[PLAN_PATH_MAX + 32];
        if (r->scar_count == 1) {
            snprintf(path, sizeof path, "%s", opts.output);
        } else {
            size_t len = strlen(opts.output) - 4; /* app_output_png_check: it ends in .png */
            snprintf(path, sizeof path, "%.*s-scar%d.png", (int)len, opts.output, i + 1);
        }
        st = scene_visibility_plot_write(r, i, path, &err);
        if (st == SMP_OK) fprintf(stderr, "smpsim visibility: wrote %s\n", path);
    }
    char *text = st == SMP_OK ? result_json(r, &pl) : NULL;
    free(r);
    if (st != SMP_OK) return app_fail("visibility", &err);
    if (text) printf("%s\n", text);
    free(text);
    return 0;
}
