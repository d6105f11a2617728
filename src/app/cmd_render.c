/* smpsim render [options] -o out.png: one image, headless; with --light-sweep N, N images as the key light
 * goes from overhead to raking, with --timeline N, N images from day 0 to 20 years (out-000.png ..
 * out-(N-1).png), and out.mp4 of them when ffmpeg is on the PATH (scene/animation.h writes them). */
#include "app/app.h"
#include "app/common.h"
#include "scene/animation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char render_allowed[] =
    "--plan --set --years --days --light-azimuth --light-elevation --light-preset "
    "--light-intensity --light-kelvin --light-sweep --timeline --interactive --interactive-scale "
    "--view --distance-m --field-mm --width --height --seed -o --output";
static const char render_usage[] =
    "usage: smpsim render [options] -o out.png\n\nRenders one image headless (no "
    "display or GPU needed) to FILE, a PNG (-o, required).\n\n";

/* Each frame's path on stdout as it is written. */
static void frame_printed(void *user, int frame, int count, const char *path)
{
    (void)user, (void)frame, (void)count;
    printf("%s\n", path);
    fflush(stdout);
}

/* An animation (render --timeline or --light-sweep, scene/animation.h): the frames, each path printed, then
 * the MP4's path, or one line saying that only the PNG frames were written. */
static smp_status render_animation(ui_headless *h, const scene_model *scene, const app_options *opts,
                                   scene_animation_kind kind, double t_fixed, smp_error *err)
{
    scene_animation a = {
        .kind = kind,
        .count = kind == SCENE_ANIMATION_TIMELINE ? opts->timeline : opts->light_sweep,
        .camera = scene_view_camera_field(scene, opts->view, opts->distance_m, opts->field_mm,
                                          (double)opts->width / opts->height),
        .light = app_options_light(opts),
        .t_days = t_fixed,
        .width = opts->width,
        .height = opts->height,
        .interactive = opts->interactive || opts->interactive_scale > 0.0, /* a share implies the path */
        .interactive_scale = (float)opts->interactive_scale,
        .view_name = scene_view_name(opts->view),
        .output = opts->output,
        .frame_written = frame_printed,
    };
    smp_status st = scene_animation_write(h->rc, scene, &a, err);
    if (st != SMP_OK) return st;
    char mp4[1100];
    smp_error merr = {0};
    st = scene_animation_mp4(opts->output, 10, mp4, sizeof mp4, &merr);
    if (st == SMP_ERR_UNAVAILABLE) {
        fprintf(stderr,
                "smpsim render: ffmpeg is not on the PATH: wrote the PNG frames only (apt-get install "
                "ffmpeg for an MP4 too)\n");
        return SMP_OK;
    }
    if (st != SMP_OK) return *err = merr, st;
    printf("%s\n", mp4);
    return SMP_OK;
}

int app_cmd_render(int argc, char **argv)
{
    app_options opts;
    int begun = app_command_begin(&opts, argc, argv, "render", render_allowed, render_usage);
    if (begun >= 0) return begun;
    smp_error err = {0};
    if (app_output_png_check(opts.output, &err) != SMP_OK) return app_fail("render", &err);
    scene_model scene;
    if (app_scene_load(&scene, &opts, ui_log_stderr, &err) != SMP_OK) return app_fail("render", &err);
    ui_headless h;
    uint8_t *rgba = NULL;
    double t = opts.has_time ? opts.time_days : scene_default_days(&scene);
    smp_status st = ui_headless_create(&h, &scene, &err);
    if (st == SMP_OK && opts.light_sweep) {
        st = render_animation(&h, &scene, &opts, SCENE_ANIMATION_LIGHT_SWEEP, t, &err);
        ui_headless_destroy(&h);
    } else if (st == SMP_OK && opts.timeline) {
        st = render_animation(&h, &scene, &opts, SCENE_ANIMATION_TIMELINE, t, &err);
        ui_headless_destroy(&h);
    } else if (st == SMP_OK) {
        scene_shot shot = app_options_shot(&opts, opts.view);
        st = scene_render_view(h.rc, &scene, &shot, t, &rgba, &err);
        ui_headless_destroy(&h);
        if (st == SMP_OK)
            st = scene_png_write(opts.output, rgba, opts.width, opts.height, &scene, &shot.light, t,
                                 scene_view_name(opts.view), &err);
    }
    free(rgba);
    scene_destroy(&scene);
    if (st != SMP_OK) return app_fail("render", &err);
    return 0;
}
