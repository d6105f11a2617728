/* smpsim render [options] -o out.png: one image, headless; with --light-sweep N, N images as the key light
 * goes from overhead to raking, with --timeline N, N images from day 0 to 20 years (out-000.png ..
 * out-(N-1).png), and out.mp4 of them when ffmpeg is on the PATH. */
#define _XOPEN_SOURCE 700 /* fork, execlp, waitpid, access */
#include "app/app.h"
#include "app/common.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char render_allowed[] =
    "--plan --set --years --days --light-azimuth --light-elevation --light-preset "
    "--light-intensity --light-kelvin --light-sweep --timeline --interactive "
    "--view --distance-m --field-mm --width --height --seed -o --output";

/* out.png -> out-007.png for frame 7. */
static smp_status sweep_path(const char *output, int frame, char *path, size_t size, smp_error *err)
{
    size_t stem = strlen(output) - 4; /* app_output_png_check: ends in .png */
    if ((size_t)snprintf(path, size, "%.*s-%03d.png", (int)stem, output, frame) >= size)
        return smp_error_set(err, SMP_ERR_INPUT, "-o %s: the path is too long for the sweep's names", output);
    return SMP_OK;
}

/* ffmpeg on the PATH (Debian's ffmpeg; never required): whether an executable of that name is found. */
static bool ffmpeg_found(void)
{
    const char *path = getenv("PATH");
    if (!path) return false;
    char dir[4096];
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, ":");
        if (n > 0 && n + 8 < sizeof dir) {
            snprintf(dir, sizeof dir, "%.*s/ffmpeg", (int)n, p);
            if (access(dir, X_OK) == 0) return true;
        }
        p += n + (p[n] == ':');
    }
    return false;
}

/* out-000.png .. out-(N-1).png into out.mp4 at fps frames a second, when ffmpeg is on the PATH: prints the MP4's
 * path, or one line saying that only the PNG frames were written. The frames stay either way. */
static smp_status frames_to_mp4(const char *output, int fps, smp_error *err)
{
    size_t stem = strlen(output) - 4;
    if (!ffmpeg_found()) {
        fprintf(stderr, "smpsim render: ffmpeg is not on the PATH: wrote the PNG frames only (apt-get install "
                        "ffmpeg for an MP4 too)\n");
        return SMP_OK;
    }
    char in[1100], out[1100];
    snprintf(in, sizeof in, "%.*s-%%03d.png", (int)stem, output);
    snprintf(out, sizeof out, "%.*s.mp4", (int)stem, output);
    char fps_text[16];
    snprintf(fps_text, sizeof fps_text, "%d", fps);
    /* Even sizes for yuv420p (the one H.264 profile every player takes), the frames' own resolution otherwise. */
    pid_t pid = fork();
    if (pid < 0) return smp_error_set(err, SMP_ERR_IO, "%s: cannot start ffmpeg", out);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) dup2(null, STDOUT_FILENO), dup2(null, STDERR_FILENO);
        execlp("ffmpeg", "ffmpeg", "-y", "-loglevel", "error", "-framerate", fps_text, "-i", in, "-vf",
               "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-pix_fmt", "yuv420p", out, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return smp_error_set(err, SMP_ERR_IO, "%s: ffmpeg failed (exit %d); the PNG frames are written", out,
                             WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    printf("%s\n", out);
    return SMP_OK;
}

/* An animation (render --timeline or --light-sweep): the same camera for every frame; the light and the time
 * of frame i of count come from the animation; only the light or the dots' looks change between frames, so
 * nothing is rebuilt. Writes FILE-000.png .. with each frame's metadata, prints each path, then the MP4. */
typedef enum animation { ANIMATION_TIMELINE, ANIMATION_LIGHT_SWEEP } animation;

static smp_status render_animation(ui_headless *h, const scene_model *scene, const app_options *opts, animation kind,
                                   double t_fixed, smp_error *err)
{
    scene_light light = app_options_light(opts);
    /* The sweep moves the key: a flash leaves the camera's axis. */
    if (kind == ANIMATION_LIGHT_SWEEP) light.on_camera = false;
    scene_camera cam = scene_view_camera_field(scene, opts->view, opts->distance_m, opts->field_mm,
                                                 (double)opts->width / opts->height);
    uint8_t *rgba = malloc((size_t)opts->width * opts->height * 4);
    if (!rgba)
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory for a %dx%d image", opts->width, opts->height);
    smp_status st = SMP_OK;
    int count = kind == ANIMATION_TIMELINE ? opts->timeline : opts->light_sweep;
    double healed = plan_healed_day(&scene->plan);
    for (int i = 0; i < count && st == SMP_OK; ++i) {
        char path[1100];
        if ((st = sweep_path(opts->output, i, path, sizeof path, err)) != SMP_OK) break;
        double t = t_fixed;
        if (kind == ANIMATION_TIMELINE) t = scene_timeline_days((double)i / (double)(count - 1), healed);
        else light.elevation_deg = scene_light_sweep_elevation_deg(i, count);
        render_frame frame;
        scene_frame(scene, &cam, &light, t, opts->width, opts->height, &frame);
        frame.interactive = opts->interactive;
        st = render_frame_read_srgb8(h->rc, &frame, rgba, err);
        if (st == SMP_OK)
            st = scene_png_write(path, rgba, opts->width, opts->height, scene, &light, t, scene_view_name(opts->view),
                                     err);
        if (st == SMP_OK) {
            printf("%s\n", path);
            fflush(stdout);
        }
    }
    free(rgba);
    return st == SMP_OK ? frames_to_mp4(opts->output, 10, err) : st;
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
            "needed) to FILE, a PNG (-o, required).\n\n");
        app_options_help(stdout, render_allowed);
        return 0;
    }
    if (app_output_png_check(opts.output, &err) != SMP_OK) return app_fail("render", &err);
    scene_model scene;
    if (app_scene_load(&scene, &opts, ui_log_stderr, &err) != SMP_OK) return app_fail("render", &err);
    ui_headless h;
    uint8_t *rgba = NULL;
    double t = opts.has_time ? opts.time_days : scene_default_days(&scene);
    smp_status st = ui_headless_create(&h, &scene, &err);
    if (st == SMP_OK && opts.light_sweep) {
        st = render_animation(&h, &scene, &opts, ANIMATION_LIGHT_SWEEP, t, &err);
        ui_headless_destroy(&h);
    } else if (st == SMP_OK && opts.timeline) {
        st = render_animation(&h, &scene, &opts, ANIMATION_TIMELINE, t, &err);
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
