/* The window's exports that take a while: the consultation report (doctor mode, scene/report.h) and an
 * animation as numbered PNG frames and an MP4 (trainer mode, scene/animation.h). Both run on the window's
 * renderer, between two frames, with a progress bar drawn over the whole window after each step of theirs;
 * the files go next to the plan being edited, or into a folder dropped on the window. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "ui/window_internal.h"

#include "scene/animation.h"
#include "scene/report.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *const export_size_names[EXPORT_SIZE_COUNT] = {"320 x 180", "960 x 540", "1920 x 1080"};
static const int export_sizes[EXPORT_SIZE_COUNT][2] = {{320, 180}, {960, 540}, {1920, 1080}};

void export_size(int index, int *width, int *height)
{
    int i = index >= 0 && index < EXPORT_SIZE_COUNT ? index : 1;
    *width = export_sizes[i][0], *height = export_sizes[i][1];
}

/* Where an export named NAME goes: DIR/STEM-NAME, DIR the folder dropped on the window or else the plan
 * file's, STEM the plan file's name without .json. */
static void export_path(const editor *ed, const char *name, char *out, size_t size)
{
    const char *slash = strrchr(ed->save_path, '/');
    const char *base = slash ? slash + 1 : ed->save_path;
    size_t stem = strlen(base);
    if (stem > 5 && strcmp(base + stem - 5, ".json") == 0) stem -= 5;
    if (ed->export_dir[0])
        snprintf(out, size, "%s/%.*s-%s", ed->export_dir, (int)stem, base, name);
    else if (slash)
        snprintf(out, size, "%.*s/%.*s-%s", (int)(slash - ed->save_path), ed->save_path, (int)stem, base,
                 name);
    else
        snprintf(out, size, "%.*s-%s", (int)stem, base, name);
}

bool export_dir_set(editor *ed, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) return false;
    snprintf(ed->export_dir, sizeof ed->export_dir, "%s", path);
    snprintf(ed->status, sizeof ed->status, "reports and animations go to %s", path);
    return true;
}

/* The progress screen: the whole window shaded, what is being made, a bar, the share, the seconds and the
 * stage. Drawn at most ten times a second; the window's events are pumped so that the desktop sees it alive
 * (the input that comes meanwhile is dropped afterwards, export_screen_end). */
static void screen_draw(export_screen *x, double fraction, const char *stage)
{
    double now = smp_now_s();
    if (fraction < 1.0 && now - x->drawn_s < 0.1) return;
    x->drawn_s = now;
    SDL_PumpEvents();
    static const float bg[4] = {0.10f, 0.11f, 0.12f, 1.0f}, track[4] = {0.26f, 0.27f, 0.29f, 1.0f},
                       bar[4] = {0.18f, 0.42f, 0.75f, 1.0f}, fg[4] = {1.0f, 1.0f, 1.0f, 1.0f},
                       dim[4] = {0.75f, 0.77f, 0.80f, 1.0f};
    float w = (float)x->width, h = (float)x->height, s = x->scale, lh = ui_text_line_height(x->text);
    float bw = fminf(640.0f * s, w - 40.0f * s), bx = 0.5f * (w - bw), by = 0.5f * h - 10.0f * s;
    ui_text_clear(x->text);
    ui_text_panel(x->text, 0.0f, 0.0f, w, h, bg);
    ui_text_print(x->text, bx, by - 2.5f * lh, fg, x->title);
    ui_text_panel(x->text, bx, by, bw, 20.0f * s, track);
    ui_text_panel(x->text, bx, by, bw * (float)fmin(fmax(fraction, 0.0), 1.0), 20.0f * s, bar);
    char line[200];
    snprintf(line, sizeof line, "%.0f %%   %.0f s   %s", 100.0 * fmin(fmax(fraction, 0.0), 1.0),
             now - x->started_s, stage ? stage : "");
    ui_text_print(x->text, bx, by + 20.0f * s + 0.5f * lh, dim, line);
    x->frames++;
    x->last_fraction = fraction;
    render_overlay ov = ui_text_overlay(x->text);
    smp_error err = {0};
    if (render_overlay_draw(x->rc, &ov, x->width, x->height, 0, &err) == SMP_OK) ui_gl_swap(x->gl);
}

static void screen_progress(void *user, double fraction, const char *stage)
{
    screen_draw(user, fraction, stage);
}

static void screen_begin(export_screen *x, const char *title)
{
    snprintf(x->title, sizeof x->title, "%s", title);
    x->started_s = smp_now_s();
    x->drawn_s = -1.0;
    x->frames = 0;
    screen_draw(x, 0.0, "starting");
}

/* The input that came while the export ran was not meant for what the window shows after it. */
static void screen_end(void)
{
    SDL_FlushEvents(SDL_KEYDOWN, SDL_MOUSEWHEEL);
}

void editor_report(editor *ed, scene_model *scene, export_screen *x, int size)
{
    char dir[PLAN_PATH_MAX + 64], title[PLAN_PATH_MAX + 128];
    export_path(ed, "report", dir, sizeof dir);
    smp_error err = {0};
    if (scene_report_output_check(dir, &err) != SMP_OK) {
        snprintf(ed->status, sizeof ed->status, "report not written: %s", err.message);
        return;
    }
    snprintf(title, sizeof title, "writing the consultation report to %s", dir);
    screen_begin(x, title);
    /* The scars' visibility as the doctor's panel measures it: finished here first when it is not yet. */
    vis_update(ed, scene, true);
    while (ed->vis.job) {
        double f = scene_vis_job_fraction(ed->vis.job);
        char stage[128];
        snprintf(stage, sizeof stage, "%s", scene_vis_job_stage(ed->vis.job));
        vis_step(ed);
        screen_draw(x, 0.8 * f, stage);
    }
    scene_report_params p = {.progress = screen_progress, .progress_user = x};
    export_size(size, &p.width, &p.height);
    char source[PLAN_PATH_MAX + 32];
    snprintf(source, sizeof source, "%s%s", ed->save_path, ed->dirty ? " (with unsaved edits)" : "");
    p.plan_source = source;
    p.vis.angle_count = VIS_WINDOW_ANGLES;
    memcpy(p.vis.angles_deg, vis_window_angles_deg, sizeof vis_window_angles_deg);
    p.vis.px_per_deg = VIS_WINDOW_PX_PER_DEG;
    if (ed->vis.valid && plan_equal(&ed->vis.of, &scene->plan)) p.vis_result = &ed->vis.result;
    smp_status st = scene_report_write(x->rc, scene, &p, dir, &err);
    screen_end();
    if (st != SMP_OK) {
        snprintf(ed->status, sizeof ed->status, "report not written: %s", err.message);
        return;
    }
    char *full = realpath(dir, NULL);
    snprintf(ed->status, sizeof ed->status, "report written in %.0f s: %s/index.html",
             smp_now_s() - x->started_s, full ? full : dir);
    free(full);
}

static void frame_done(void *user, int frame, int count, const char *path)
{
    export_screen *x = user;
    char stage[PLAN_PATH_MAX + 64];
    const char *name = strrchr(path, '/');
    snprintf(stage, sizeof stage, "frame %d of %d: %s", frame + 1, count, name ? name + 1 : path);
    screen_draw(x, (double)(frame + 1) / (count + 1), stage); /* the MP4 is the last share */
}

void editor_animation(editor *ed, const scene_model *scene, export_screen *x, int kind, int frames, int size,
                      const scene_camera *cam, const scene_light *light, double t_days)
{
    char out[PLAN_PATH_MAX + 64], title[PLAN_PATH_MAX + 128];
    export_path(ed, scene_animation_kind_names[kind], out, sizeof out);
    size_t n = strlen(out);
    snprintf(out + n, sizeof out - n, ".png");
    scene_animation a = {.kind = (scene_animation_kind)kind,
                         .count = frames,
                         .camera = *cam,
                         .light = *light,
                         .t_days = t_days,
                         .view_name = "window",
                         .output = out,
                         .frame_written = frame_done,
                         .user = x};
    export_size(size, &a.width, &a.height);
    snprintf(title, sizeof title, "writing the %s animation: %d frames of %d x %d",
             scene_animation_kind_names[kind], frames, a.width, a.height);
    screen_begin(x, title);
    smp_error err = {0};
    smp_status st = scene_animation_write(x->rc, scene, &a, &err);
    char first[PLAN_PATH_MAX + 80] = "", mp4[PLAN_PATH_MAX + 80] = "";
    scene_animation_frame_path(out, 0, first, sizeof first, &err);
    if (st == SMP_OK) {
        screen_draw(x, (double)frames / (frames + 1), "the MP4 (ffmpeg)");
        smp_error merr = {0};
        smp_status ms = scene_animation_mp4(out, 10, mp4, sizeof mp4, &merr);
        if (ms == SMP_ERR_UNAVAILABLE)
            snprintf(mp4, sizeof mp4, "no MP4: ffmpeg is not on the PATH");
        else if (ms != SMP_OK)
            snprintf(mp4, sizeof mp4, "no MP4: %s", merr.message);
    }
    screen_end();
    if (st != SMP_OK)
        snprintf(ed->status, sizeof ed->status, "animation not written: %s", err.message);
    else
        snprintf(ed->status, sizeof ed->status, "%s animation: %d frames from %.600s; %.600s",
                 scene_animation_kind_names[kind], frames, first, mp4);
}
