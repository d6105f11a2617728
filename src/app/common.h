/* Helpers shared by the subcommands: error reporting with the exit status, PNG output, the headless
 * GL session. */
#ifndef SMP_APP_COMMON_H
#define SMP_APP_COMMON_H

#include "app/scene.h"
#include "render/render.h"
#include "ui/ui.h"

/* Prints "smpsim CMD: message" on stderr; returns the exit status (2 for bad input, 1 otherwise). */
int app_fail(const char *command, const smp_error *err);

/* Checks that path's directory exists and that it ends in .png, before any work is done. */
smp_status app_output_png_check(const char *path, smp_error *err);
/* Checks that path names a file in a directory that exists, before any work is done. */
smp_status app_output_dir_check(const char *path, smp_error *err);
/* Encodes RGBA8 rows (top first) as PNG and writes them atomically: no partial file on failure. */
smp_status app_png_write(const char *path, const uint8_t *rgba, int width, int height, smp_error *err);

/* One text entry of a PNG's metadata (a tEXt chunk): a keyword of 1..79 printable Latin-1 characters and its
 * text; image viewers, `exiftool` and `identify -verbose` show them. */
typedef struct app_png_text {
    const char *key, *text;
} app_png_text;
/* app_png_write with count text entries after the image header. */
smp_status app_png_write_text(const char *path, const uint8_t *rgba, int width, int height, const app_png_text *texts,
                              int count, smp_error *err);

/* What smpsim writes into every image it saves, so that an image taken home says what it shows: the software,
 * the plan (its JSON, as a plan file holds it), the time since the first session, the light and the view. */
typedef struct app_image_meta {
    char *plan_json; /* owned */
    char time[96], light[200], view[64];
    app_png_text texts[5];
    int count;
} app_image_meta;
void app_image_meta_init(app_image_meta *m, const app_scene *scene, const app_light *light, double t_days,
                         const char *view);
void app_image_meta_free(app_image_meta *m);
/* app_png_write_text with the metadata of an image of scene at t_days under light from view. */
smp_status app_png_write_scene(const char *path, const uint8_t *rgba, int width, int height, const app_scene *scene,
                               const app_light *light, double t_days, const char *view, smp_error *err);

/* Logs plan warnings on stderr. */
void app_warn(void *user, smp_log_level level, const char *message);

/* A headless GL context and a renderer with the scene uploaded (scene NULL: nothing uploaded yet). */
typedef struct app_headless {
    ui_gl *gl;
    render_context *rc;
} app_headless;
smp_status app_headless_create(app_headless *h, const app_scene *scene, smp_error *err);
/* The same, with every pass finished and timed (render_context_desc.profile): for smpsim bench --profile. */
smp_status app_headless_create_profiled(app_headless *h, const app_scene *scene, bool profile, smp_error *err);
/* Uploads everything the scene draws (head and dots, scars, hair) to the renderer, after any plan change. */
smp_status app_scene_upload(render_context *rc, const app_scene *scene, smp_error *err);
void app_headless_destroy(app_headless *h);

/* Renders scene with a named view at time t into an RGBA8 buffer the caller frees. */
smp_status app_render_view(render_context *rc, const app_scene *scene, const app_options *opts, app_view view,
                           double t_days, uint8_t **out_rgba, smp_error *err);

#endif
