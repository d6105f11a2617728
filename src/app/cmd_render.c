/* smpsim render [options] -o out.png: one image, headless. */
#include "app/app.h"
#include "app/common.h"

#include <stdio.h>
#include <stdlib.h>

static const char render_allowed[] = "--plan --set --years --days --light-azimuth --light-elevation --light-preset "
                                     "--view --distance-m --field-mm --width --height --seed -o --output";

int app_cmd_render(int argc, char **argv)
{
    app_options opts;
    smp_error err = {0};
    if (app_options_parse(&opts, argc, argv, 1, render_allowed, &err) != SMP_OK) return app_fail("render", &err);
    if (opts.help) {
        printf("usage: smpsim render [options] -o out.png\n\nRenders one image headless (no display or GPU "
               "needed).\n\n  -o FILE                 output PNG (required)\n%s",
               app_options_usage);
        return 0;
    }
    if (app_output_png_check(opts.output, &err) != SMP_OK) return app_fail("render", &err);
    app_scene scene;
    if (app_scene_create(&scene, &opts, app_warn, &err) != SMP_OK) return app_fail("render", &err);
    app_headless h;
    uint8_t *rgba = NULL;
    double t = opts.has_time ? opts.time_days : app_scene_default_days(&scene);
    smp_status st = app_headless_create(&h, &scene, &err);
    if (st == SMP_OK) {
        st = app_render_view(h.rc, &scene, &opts, opts.view, t, &rgba, &err);
        app_headless_destroy(&h);
    }
    if (st == SMP_OK) st = app_png_write(opts.output, rgba, opts.width, opts.height, &err);
    free(rgba);
    app_scene_destroy(&scene);
    if (st != SMP_OK) return app_fail("render", &err);
    return 0;
}
