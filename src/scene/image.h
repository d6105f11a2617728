/* image: the PNG files smpsim writes, each with what it shows in its metadata (tEXt chunks: the plan, the
 * time, the light, the view), written atomically (smp_file_write_atomic: no partial file on failure). */
#ifndef SMP_SCENE_IMAGE_H
#define SMP_SCENE_IMAGE_H

#include "scene/scene.h"

/* Encodes RGBA8 rows (top first) as PNG and writes them atomically: no partial file on failure. */
smp_status scene_png_write_rgba(const char *path, const uint8_t *rgba, int width, int height, smp_error *err);

/* One text entry of a PNG's metadata (a tEXt chunk): a keyword of 1..79 printable Latin-1 characters and its
 * text; image viewers, `exiftool` and `identify -verbose` show them. */
typedef struct scene_png_text {
    const char *key, *text;
} scene_png_text;
/* scene_png_write_rgba with count text entries after the image header. */
smp_status scene_png_write_text(const char *path, const uint8_t *rgba, int width, int height,
                                const scene_png_text *texts, int count, smp_error *err);

/* What smpsim writes into every image it saves, so that an image taken home says what it shows: the software,
 * the plan (its JSON, as a plan file holds it), the time since the first session, the light and the view. */
typedef struct scene_image_meta {
    char *plan_json; /* owned */
    char time[96], light[200], view[64];
    scene_png_text texts[5];
    int count;
} scene_image_meta;
void scene_image_meta_init(scene_image_meta *m, const scene_model *scene, const scene_light *light,
                           double t_days, const char *view);
void scene_image_meta_free(scene_image_meta *m);
/* scene_png_write_text with the metadata of an image of scene at t_days under light from view. */
smp_status scene_png_write(const char *path, const uint8_t *rgba, int width, int height,
                           const scene_model *scene, const scene_light *light, double t_days,
                           const char *view, smp_error *err);

#endif
