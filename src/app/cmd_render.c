/* smpsim render [options] -o out.png: one image, headless; with --light-sweep N, N images as the key light
 * goes from overhead to raking (out-000.png .. out-(N-1).png). */
#include "app/app.h"
#include "app/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char render_allowed[] =
    "--plan --set --years --days --light-azimuth --light-elevation --light-preset "
    "--light-intensity --light-kelvin --light-sweep --interactive "
    "--view --distance-m --field-mm --width --height --seed -o --output";

/* out.png -> out-007.png for frame 7. */
static smp_status sweep_path(const char *output, int frame, char *path, size_t size, smp_error *err)
{
    size_t stem = strlen(output) - 4; /* app_output_png_check: ends in .png */
    if ((size_t)snprintf(path, size, "%.*s-%03d.png", (int)stem, output, frame) >= size)
        return smp_error_set(err, SMP_ERR_INPUT, "-o %s: the path is too long for the sweep's names", output);
    return SMP_OK;
}

/* The light sweep: the preset's light (its azimuth, intensity and colour) with the elevation stepping from
 * overhead to raking; only the light changes between frames, so nothing is rebuilt. Prints each path. */
static smp_status render_sweep(app_headless *h, const app_scene *scene, const app_options *opts, double t,
                               smp_error *err)
{
    app_light light = app_scene_light(opts->light_preset, opts);
    light.on_camera = false; /* the sweep moves the key: a flash leaves the camera's axis */
    app_camera cam = app_scene_view_camera_field(scene, opts->view, opts->distance_m, opts->field_mm,
                                                 (double)opts->width / opts->height);
    uint8_t *rgba = malloc((size_t)opts->width * opts->height * 4);
    if (!rgba)
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory for a %dx%d image", opts->width,
                             opts->height);
    smp_status st = SMP_OK;
    for (int i = 0; i < opts->light_sweep && st == SMP_OK; ++i) {
        char path[1100];
        if ((st = sweep_path(opts->output, i, path, sizeof path, err)) != SMP_OK) break;
        light.elevation_deg = app_light_sweep_elevation_deg(i, opts->light_sweep);
        render_frame frame;
        app_scene_frame(scene, &cam, &light, t, opts->width, opts->height, &frame);
        frame.interactive = opts->interactive;
        st = render_frame_read_srgb8(h->rc, &frame, rgba, err);
        if (st == SMP_OK)
            st = app_png_write_scene(path, rgba, opts->width, opts->height, scene, &light, t, app_view_name(opts->view), err);
        if (st == SMP_OK) {
            printf("%s\n", path);
            fflush(stdout);
        }
    }
    free(rgba);
    return st;
}

int app_cmd_render(int argc, char **argv)
{
    app_options opts;
    smp_error err = {0};
    if (app_options_parse(&opts, argc, argv, 1, render_allowed, &err) != SMP_OK)
        return app_fail("render", &err);
    if (opts.help) {
        printf(
            "usage: smpsim render [options] -o out.png\n\nRenders one image headless (no display or GPU "
            "needed).\n\n  -o FILE                 output PNG (required)\n"
            "  --light-sweep N         N images (2..360) as the key light goes from overhead (90 degrees)\n"
            "                          to raking (5): FILE's name with -000 .. -(N-1) before .png; prints\n"
            "                          their paths\n"
            "  --interactive           draw it on the interactive path, as the window does while the\n"
            "                          camera, light or time moves (fewer pixels, a coarser head and\n"
            "                          stubble; docs/benchmarks.md)\n%s",
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
    if (st == SMP_OK && opts.light_sweep) {
        st = render_sweep(&h, &scene, &opts, t, &err);
        app_headless_destroy(&h);
    } else if (st == SMP_OK) {
        st = app_render_view(h.rc, &scene, &opts, opts.view, t, &rgba, &err);
        app_headless_destroy(&h);
        app_light light = app_scene_light(opts.light_preset, &opts);
        if (st == SMP_OK)
            st = app_png_write_scene(opts.output, rgba, opts.width, opts.height, &scene, &light, t,
                                     app_view_name(opts.view), &err);
    }
    free(rgba);
    app_scene_destroy(&scene);
    if (st != SMP_OK) return app_fail("render", &err);
    return 0;
}
