/* smpsim [options]: the interactive window on the plan (default: the built-in one). With no display, the
 * default views are rendered to PNG files instead and their paths printed. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "app/app.h"
#include "app/common.h"
#include "ui/window.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>

static const char view_allowed[] =
    "--plan --set --years --days --light-azimuth --light-elevation --light-preset "
    "--light-intensity --light-kelvin "
    "--view --distance-m --field-mm --width --height --seed -o --output";
static const char view_usage[] = "usage: smpsim [options]\n\nOpens the window on the plan; with no display, "
                                 "renders the default views to PNG "
                                 "files\n(in -o DIR, default ./smpsim-views) and prints their paths.\n\n";

/* The views written when there is no display. */
static const scene_view default_views[] = {
    SCENE_VIEW_FRONT,       SCENE_VIEW_THREE_QUARTER,    SCENE_VIEW_TOP,
    SCENE_VIEW_BACK,        SCENE_VIEW_CLOSEUP_HAIRLINE, SCENE_VIEW_CLOSEUP_CROWN,
    SCENE_VIEW_CLOSEUP_SCAR};

static int render_default_views(const scene_model *scene, app_options *opts)
{
    const char *dir = opts->output ? opts->output : "smpsim-views";
    smp_error err = {0};
    struct stat sb;
    if (stat(dir, &sb) != 0 && mkdir(dir, 0777) != 0) {
        smp_error_set(&err, SMP_ERR_INPUT, "-o %s: cannot create the output directory", dir);
        return app_fail(NULL, &err);
    }
    ui_headless h;
    if (ui_headless_create(&h, scene, &err) != SMP_OK) return app_fail(NULL, &err);
    double t = opts->has_time ? opts->time_days : scene_default_days(scene);
    printf("No display: rendering the default views of the built-in plan instead of opening a window.\n");
    int status = 0;
    for (size_t i = 0; i < sizeof default_views / sizeof default_views[0]; ++i) {
        char path[1200];
        snprintf(path, sizeof path, "%s/%s.png", dir, scene_view_name(default_views[i]));
        uint8_t *rgba = NULL;
        scene_shot shot = app_options_shot(opts, default_views[i]);
        smp_status st = scene_render_view(h.rc, scene, &shot, t, &rgba, &err);
        if (st == SMP_OK)
            st = scene_png_write(path, rgba, opts->width, opts->height, scene, &shot.light, t,
                                 scene_view_name(default_views[i]), &err);
        free(rgba);
        if (st != SMP_OK) {
            status = app_fail(NULL, &err);
            break;
        }
        char *full = realpath(path, NULL);
        printf("  %s\n", full ? full : path);
        free(full);
        fflush(stdout);
    }
    ui_headless_destroy(&h);
    return status;
}

int app_cmd_view(int argc, char **argv)
{
    app_options opts;
    int begun = app_command_begin(&opts, argc, argv, NULL, view_allowed, view_usage);
    if (begun >= 0) return begun;
    smp_error err = {0};
    scene_model scene;
    if (app_scene_load(&scene, &opts, ui_log_stderr, &err) != SMP_OK) return app_fail(NULL, &err);
    int status;
    if (ui_display_available()) {
        ui_window_desc desc = {.plan_path = opts.plan_path,
                               .width = opts.width,
                               .height = opts.height,
                               .view = opts.view,
                               .distance_m = opts.distance_m,
                               .light = app_options_light(&opts),
                               .has_time = opts.has_time,
                               .time_days = opts.time_days,
                               .frames = getenv("SMP_WINDOW_FRAMES") ? atoi(getenv("SMP_WINDOW_FRAMES")) : 0};
        status = ui_window_run(&scene, &desc);
    } else {
        status = render_default_views(&scene, &opts);
    }
    scene_destroy(&scene);
    return status;
}
