#include "app/common.h"

#include <stb_image_write.h>
#include <zlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int app_fail(const char *command, const smp_error *err)
{
    fprintf(stderr, "smpsim%s%s: %s\n", command ? " " : "", command ? command : "", err->message);
    return err->status == SMP_ERR_INPUT ? 2 : 1;
}

void app_warn(void *user, smp_log_level level, const char *message)
{
    (void)user;
    fprintf(stderr, "smpsim: %s%s\n", level >= SMP_LOG_WARN ? "warning: " : "", message);
}

smp_status app_output_png_check(const char *path, smp_error *err)
{
    if (!path || !path[0]) return smp_error_set(err, SMP_ERR_INPUT, "-o: an output file is required (e.g. -o out.png)");
    size_t n = strlen(path);
    if (n < 5 || strcmp(path + n - 4, ".png") != 0)
        return smp_error_set(err, SMP_ERR_INPUT, "-o %s: the output must be a .png file", path);
    return app_output_dir_check(path, err);
}

smp_status app_output_dir_check(const char *path, smp_error *err)
{
    if (!path || !path[0]) return smp_error_set(err, SMP_ERR_INPUT, "-o: needs a file name");
    char dir[1024];
    if ((size_t)snprintf(dir, sizeof dir, "%s", path) >= sizeof dir)
        return smp_error_set(err, SMP_ERR_INPUT, "-o: the path is longer than %zu characters",
                             sizeof dir - 1);
    char *slash = strrchr(dir, '/');
    if (slash && slash[1] == '\0')
        return smp_error_set(err, SMP_ERR_INPUT, "-o %s: must name a file, not a directory", path);
    if (!slash) return SMP_OK;
    if (slash == dir) slash[1] = '\0';
    else *slash = '\0';
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return smp_error_set(err, SMP_ERR_INPUT, "-o %s: directory '%s' does not exist", path, dir);
    return SMP_OK;
}

typedef struct png_buffer {
    unsigned char *data;
    size_t size, capacity;
    bool failed;
} png_buffer;

static void png_collect(void *context, void *data, int size)
{
    png_buffer *b = context;
    if (b->failed) return;
    if (b->size + (size_t)size > b->capacity) {
        size_t cap = b->capacity ? b->capacity : 1 << 20;
        while (cap < b->size + (size_t)size) cap *= 2;
        unsigned char *bigger = realloc(b->data, cap);
        if (!bigger) {
            b->failed = true;
            return;
        }
        b->data = bigger;
        b->capacity = cap;
    }
    memcpy(b->data + b->size, data, (size_t)size);
    b->size += (size_t)size;
}

smp_status app_png_write(const char *path, const uint8_t *rgba, int width, int height, smp_error *err)
{
    return app_png_write_text(path, rgba, width, height, NULL, 0, err);
}

/* A PNG chunk's CRC (zlib's crc32 is the PNG one: ISO 3309, over the type and the data). */
static uint32_t chunk_crc(const char *type, const uint8_t *data, size_t size)
{
    uLong c = crc32(0L, (const Bytef *)type, 4);
    return (uint32_t)crc32(c, data, (uInt)size);
}

static void put_be32(uint8_t *o, uint32_t v)
{
    o[0] = (uint8_t)(v >> 24), o[1] = (uint8_t)(v >> 16), o[2] = (uint8_t)(v >> 8), o[3] = (uint8_t)v;
}

smp_status app_png_write_text(const char *path, const uint8_t *rgba, int width, int height, const app_png_text *texts,
                              int count, smp_error *err)
{
    png_buffer b = {0};
    if (!stbi_write_png_to_func(png_collect, &b, width, height, 4, rgba, width * 4) || b.failed) {
        free(b.data);
        return smp_error_set(err, SMP_ERR_NOMEM, "%s: could not encode the PNG", path);
    }
    /* The text chunks go after IHDR, the first chunk: 8 bytes of signature, then 4 + 4 + 13 + 4. */
    size_t head = 8 + 25, extra = 0;
    for (int i = 0; i < count; ++i) extra += 12 + strlen(texts[i].key) + 1 + strlen(texts[i].text);
    uint8_t *out = extra ? malloc(b.size + extra) : NULL;
    if (extra && !out) {
        free(b.data);
        return smp_error_set(err, SMP_ERR_NOMEM, "%s: out of memory for the PNG's metadata", path);
    }
    smp_status st;
    if (out) {
        memcpy(out, b.data, head);
        uint8_t *o = out + head;
        for (int i = 0; i < count; ++i) {
            size_t k = strlen(texts[i].key), t = strlen(texts[i].text);
            put_be32(o, (uint32_t)(k + 1 + t));
            memcpy(o + 4, "tEXt", 4);
            memcpy(o + 8, texts[i].key, k);
            o[8 + k] = 0;
            memcpy(o + 9 + k, texts[i].text, t);
            put_be32(o + 9 + k + t, chunk_crc("tEXt", o + 8, k + 1 + t));
            o += 12 + k + 1 + t;
        }
        memcpy(o, b.data + head, b.size - head);
        st = smp_file_write_atomic(path, out, b.size + extra, err);
        free(out);
    } else {
        st = smp_file_write_atomic(path, b.data, b.size, err);
    }
    free(b.data);
    return st;
}

void app_image_meta_init(app_image_meta *m, const app_scene *scene, const app_light *light, double t_days,
                         const char *view)
{
    memset(m, 0, sizeof *m);
    m->plan_json = plan_to_json(&scene->plan);
    snprintf(m->time, sizeof m->time, "day %.1f after the first session (%.2f years)", t_days, t_days / 365.25);
    if (light->on_camera)
        snprintf(m->light, sizeof m->light, "%s, %.0f K, intensity %.2f, on the camera's axis", light->preset,
                 light->key_kelvin, light->intensity);
    else
        snprintf(m->light, sizeof m->light, "%s, %.0f K, intensity %.2f, azimuth %.0f deg, elevation %.0f deg",
                 light->preset, light->key_kelvin, light->intensity, light->azimuth_deg, light->elevation_deg);
    snprintf(m->view, sizeof m->view, "%s", view ? view : "");
    m->texts[m->count++] = (app_png_text){"Software", "smpsim"};
    m->texts[m->count++] = (app_png_text){"smpsim:time", m->time};
    m->texts[m->count++] = (app_png_text){"smpsim:light", m->light};
    if (m->view[0]) m->texts[m->count++] = (app_png_text){"smpsim:view", m->view};
    if (m->plan_json) m->texts[m->count++] = (app_png_text){"smpsim:plan", m->plan_json};
}

void app_image_meta_free(app_image_meta *m)
{
    free(m->plan_json);
    memset(m, 0, sizeof *m);
}

smp_status app_png_write_scene(const char *path, const uint8_t *rgba, int width, int height, const app_scene *scene,
                               const app_light *light, double t_days, const char *view, smp_error *err)
{
    app_image_meta m;
    app_image_meta_init(&m, scene, light, t_days, view);
    smp_status st = app_png_write_text(path, rgba, width, height, m.texts, m.count, err);
    app_image_meta_free(&m);
    return st;
}

smp_status app_headless_create(app_headless *h, const app_scene *scene, smp_error *err)
{
    return app_headless_create_profiled(h, scene, false, err);
}

smp_status app_headless_create_profiled(app_headless *h, const app_scene *scene, bool profile, smp_error *err)
{
    memset(h, 0, sizeof *h);
    smp_status st = ui_gl_create(&h->gl, false, 64, 64, "smpsim", err);
    if (st != SMP_OK) return st;
    render_context_desc desc = {0};
    desc.shaders_from_disk = getenv("SMP_SHADERS_FROM_DISK") != NULL;
    desc.profile = profile;
    st = render_context_create(&h->rc, &desc, err);
    if (st == SMP_OK && scene) st = app_scene_upload(h->rc, scene, err);
    if (st != SMP_OK) app_headless_destroy(h);
    return st;
}

smp_status app_scene_upload(render_context *rc, const app_scene *scene, smp_error *err)
{
    smp_status st = render_scene_set(rc, &scene->head, &scene->field, err);
    if (st == SMP_OK) st = render_scene_set_scars(rc, &scene->head, &scene->scars, err);
    if (st == SMP_OK) st = render_scene_set_hair(rc, &scene->head, &scene->hair, err);
    return st;
}

void app_headless_destroy(app_headless *h)
{
    render_context_destroy(h->rc);
    ui_gl_destroy(h->gl);
    memset(h, 0, sizeof *h);
}

smp_status app_render_view(render_context *rc, const app_scene *scene, const app_options *opts, app_view view,
                           double t_days, uint8_t **out_rgba, smp_error *err)
{
    *out_rgba = NULL;
    app_camera cam = app_scene_view_camera_field(scene, view, opts->distance_m, opts->field_mm,
                                                 (double)opts->width / opts->height);
    app_light light = app_scene_light(opts->light_preset, opts);
    render_frame frame;
    app_scene_frame(scene, &cam, &light, t_days, opts->width, opts->height, &frame);
    frame.interactive = opts->interactive;
    uint8_t *rgba = malloc((size_t)opts->width * opts->height * 4);
    if (!rgba) return smp_error_set(err, SMP_ERR_NOMEM, "out of memory for a %dx%d image", opts->width, opts->height);
    smp_status st = render_frame_read_srgb8(rc, &frame, rgba, err);
    if (st != SMP_OK) {
        free(rgba);
        return st;
    }
    *out_rgba = rgba;
    return SMP_OK;
}
