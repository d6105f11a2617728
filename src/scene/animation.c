/* animation: numbered PNG frames of a scene as the time or the light moves, and their MP4 (animation.h). */
#define _XOPEN_SOURCE 700 /* fork, execlp, waitpid, access */
#include "scene/animation.h"

#include "scene/draw.h"
#include "scene/image.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char *const scene_animation_kind_names[SCENE_ANIMATION_KIND_COUNT] = {"timeline", "fade", "sweep"};

smp_status scene_animation_frame_path(const char *output, int frame, char *path, size_t size, smp_error *err)
{
    size_t n = strlen(output);
    if (n < 4 || strcmp(output + n - 4, ".png") != 0)
        return smp_error_set(err, SMP_ERR_INPUT, "%s: an animation's name must end in .png", output);
    if ((size_t)snprintf(path, size, "%.*s-%03d.png", (int)(n - 4), output, frame) >= size)
        return smp_error_set(err, SMP_ERR_INPUT, "-o %s: the path is too long for the frames' names", output);
    return SMP_OK;
}

double scene_animation_days(const scene_model *scene, const scene_animation *a, int frame)
{
    double u = a->count > 1 ? (double)frame / (double)(a->count - 1) : 0.0;
    double healed = plan_healed_day(&scene->plan), end = SCENE_TIMELINE_END_YEARS * 365.25;
    if (a->kind == SCENE_ANIMATION_TIMELINE) return scene_timeline_days(u, healed);
    if (a->kind == SCENE_ANIMATION_FADE) return healed + u * (end - healed);
    return a->t_days;
}

smp_status scene_animation_write(render_context *rc, const scene_model *scene, const scene_animation *a,
                                 smp_error *err)
{
    if (a->count < 2 || a->count > SCENE_ANIMATION_MAX_FRAMES)
        return smp_error_set(err, SMP_ERR_INPUT, "animation: %d frames: must be 2..%d", a->count,
                             SCENE_ANIMATION_MAX_FRAMES);
    if (a->width < 16 || a->height < 16 || a->width > 8192 || a->height > 8192)
        return smp_error_set(err, SMP_ERR_INPUT, "animation: %d x %d pixels: must be 16..8192 each", a->width,
                             a->height);
    uint8_t *rgba = malloc((size_t)a->width * a->height * 4);
    if (!rgba)
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory for a %dx%d image", a->width, a->height);
    scene_light light = a->light;
    /* The sweep moves the key: a flash leaves the camera's axis. */
    if (a->kind == SCENE_ANIMATION_LIGHT_SWEEP) light.on_camera = false;
    smp_status st = SMP_OK;
    for (int i = 0; i < a->count && st == SMP_OK; ++i) {
        char path[1100];
        if ((st = scene_animation_frame_path(a->output, i, path, sizeof path, err)) != SMP_OK) break;
        double t = scene_animation_days(scene, a, i);
        if (a->kind == SCENE_ANIMATION_LIGHT_SWEEP)
            light.elevation_deg = scene_light_sweep_elevation_deg(i, a->count);
        render_frame frame;
        scene_frame(scene, &a->camera, &light, t, a->width, a->height, &frame);
        frame.interactive = a->interactive;
        frame.interactive_scale = a->interactive_scale;
        st = render_frame_read_srgb8(rc, &frame, rgba, err);
        if (st == SMP_OK)
            st = scene_png_write(path, rgba, a->width, a->height, scene, &light, t,
                                 a->view_name ? a->view_name : "window", err);
        if (st == SMP_OK && a->frame_written) a->frame_written(a->user, i, a->count, path);
    }
    free(rgba);
    return st;
}

bool scene_ffmpeg_found(void)
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

smp_status scene_animation_mp4(const char *output, int fps, char *mp4, size_t size, smp_error *err)
{
    size_t stem = strlen(output) - 4; /* scene_animation_write checked the .png */
    char in[1100];
    snprintf(in, sizeof in, "%.*s-%%03d.png", (int)stem, output);
    snprintf(mp4, size, "%.*s.mp4", (int)stem, output);
    if (!scene_ffmpeg_found())
        return smp_error_set(err, SMP_ERR_UNAVAILABLE, "ffmpeg is not on the PATH: the PNG frames only");
    char fps_text[16];
    snprintf(fps_text, sizeof fps_text, "%d", fps);
    /* Even sizes for yuv420p (the one H.264 profile every player takes), the frames' own resolution
     * otherwise. */
    pid_t pid = fork();
    if (pid < 0) return smp_error_set(err, SMP_ERR_IO, "%s: cannot start ffmpeg", mp4);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) dup2(null, STDOUT_FILENO), dup2(null, STDERR_FILENO);
        execlp("ffmpeg", "ffmpeg", "-y", "-loglevel", "error", "-framerate", fps_text, "-i", in, "-vf",
               "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-pix_fmt", "yuv420p", mp4, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return smp_error_set(err, SMP_ERR_IO, "%s: ffmpeg failed (exit %d); the PNG frames are written", mp4,
                             WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return SMP_OK;
}
