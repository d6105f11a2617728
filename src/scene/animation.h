/* animation: one scene as a numbered PNG sequence while the time or the key light moves (smpsim render
 * --timeline and --light-sweep, the window's trainer export), and an MP4 of the frames when ffmpeg is on the
 * PATH (Debian's ffmpeg: detected, never required). The camera stays; only the dots' looks (ageing is a
 * function of t) or the light change between frames, so nothing is rebuilt. Every frame carries the plan, its
 * time, its light and the view in its metadata (scene_png_write). Plain C on the renderer: no SDL, no
 * printing.
 *
 *     scene_animation a = {.kind = SCENE_ANIMATION_TIMELINE, .count = 60, .camera = cam, .light = light,
 *                          .width = 640, .height = 360, .view_name = "top", .output = "anim/top.png"};
 *     st = scene_animation_write(rc, &scene, &a, &err);            // anim/top-000.png .. top-059.png
 *     st = scene_animation_mp4(a.output, 10, mp4, sizeof mp4, &err); // anim/top.mp4, or SMP_ERR_UNAVAILABLE
 */
#ifndef SMP_SCENE_ANIMATION_H
#define SMP_SCENE_ANIMATION_H

#include "scene/scene.h"

typedef enum scene_animation_kind {
    SCENE_ANIMATION_TIMELINE =
        0,                /* day 0 to 20 years along scene_timeline_days (the healing weeks day by day) */
    SCENE_ANIMATION_FADE, /* healed (plan_healed_day) to 20 years, evenly in time */
    SCENE_ANIMATION_LIGHT_SWEEP, /* the key from overhead to raking (scene_light_sweep_elevation_deg) at
                                    t_days */
    SCENE_ANIMATION_KIND_COUNT
} scene_animation_kind;
extern const char
    *const scene_animation_kind_names[SCENE_ANIMATION_KIND_COUNT]; /* "timeline", "fade", "sweep" */

#define SCENE_ANIMATION_MAX_FRAMES 600

typedef struct scene_animation {
    scene_animation_kind kind;
    int count;           /* frames, 2..SCENE_ANIMATION_MAX_FRAMES */
    scene_camera camera; /* for every frame */
    scene_light light;   /* every frame's; the sweep sets its elevation (and takes a flash off the camera) */
    double t_days;       /* the sweep's time */
    int width, height;   /* pixels */
    bool interactive;    /* the window's cheaper moving frame (render_frame.interactive) */
    float interactive_scale; /* its share of width and height (render_frame.interactive_scale; 0: default) */
    const char *view_name;   /* for the metadata, e.g. "three-quarter" or "window" */
    const char *output;      /* FILE.png: the frames are FILE-000.png .. FILE-(count-1).png */
    /* May be NULL: told after each frame is written (frame index, its path), e.g. to print it or draw a bar.
     */
    void (*frame_written)(void *user, int frame, int count, const char *path);
    void *user;
} scene_animation;

/* FILE.png -> FILE-007.png for frame 7; SMP_ERR_INPUT when it does not fit size or output does not end in
 * .png. */
smp_status scene_animation_frame_path(const char *output, int frame, char *path, size_t size, smp_error *err);
/* The time of frame i of an animation of scene (a->kind, a->count, a->t_days). */
double scene_animation_days(const scene_model *scene, const scene_animation *a, int frame);
/* Renders and writes every frame (each PNG atomically). Errors: the renderer's, SMP_ERR_IO naming the file,
 * SMP_ERR_NOMEM, SMP_ERR_INPUT for a count or size out of range. */
smp_status scene_animation_write(render_context *rc, const scene_model *scene, const scene_animation *a,
                                 smp_error *err);
/* Whether an executable ffmpeg is on the PATH. */
bool scene_ffmpeg_found(void);
/* output's frames (FILE-000.png ..) into FILE.mp4 (H.264, yuv420p, sizes padded to even) at fps, its path
 * into mp4 (size bytes). SMP_ERR_UNAVAILABLE when ffmpeg is not on the PATH, SMP_ERR_IO when it fails; the
 * frames stay either way. Waits for ffmpeg. */
smp_status scene_animation_mp4(const char *output, int fps, char *mp4, size_t size, smp_error *err);

#endif
