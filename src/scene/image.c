#include "scene/image.h"

#include <stb_image_write.h>
#include <zlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void png_collect(void *context, void *data, int size)
{
    smp_buffer_append(context, data, (size_t)size);
}

smp_status scene_png_write_rgba(const char *path, const uint8_t *rgba, int width, int height, smp_error *err)
{
    return scene_png_write_text(path, rgba, width, height, NULL, 0, err);
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

smp_status scene_png_write_text(const char *path, const uint8_t *rgba, int width, int height,
                                const scene_png_text *texts, int count, smp_error *err)
{
    smp_buffer b = {0};
    if (!stbi_write_png_to_func(png_collect, &b, width, height, 4, rgba, width * 4) || b.failed) {
        smp_buffer_deinit(&b);
        return smp_error_set(err, SMP_ERR_NOMEM, "%s: could not encode the PNG", path);
    }
    /* The text chunks go after IHDR, the first chunk: 8 bytes of signature, then 4 + 4 + 13 + 4. */
    size_t head = 8 + 25, extra = 0;
    for (int i = 0; i < count; ++i)
        extra += 12 + strlen(texts[i].key) + 1 + strlen(texts[i].text);
    uint8_t *out = extra ? malloc(b.size + extra) : NULL;
    if (extra && !out) {
        smp_buffer_deinit(&b);
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
    smp_buffer_deinit(&b);
    return st;
}

void scene_image_meta_init(scene_image_meta *m, const scene_model *scene, const scene_light *light,
                           double t_days, const char *view)
{
    memset(m, 0, sizeof *m);
    m->plan_json = plan_to_json(&scene->plan);
    snprintf(m->time, sizeof m->time, "day %.1f after the first session (%.2f years)", t_days,
             t_days / 365.25);
    if (light->on_camera)
        snprintf(m->light, sizeof m->light, "%s, %.0f K, intensity %.2f, on the camera's axis", light->preset,
                 light->key_kelvin, light->intensity);
    else
        snprintf(m->light, sizeof m->light,
                 "%s, %.0f K, intensity %.2f, azimuth %.0f deg, elevation %.0f deg", light->preset,
                 light->key_kelvin, light->intensity, light->azimuth_deg, light->elevation_deg);
    snprintf(m->view, sizeof m->view, "%s", view ? view : "");
    m->texts[m->count++] = (scene_png_text){"Software", "smpsim"};
    m->texts[m->count++] = (scene_png_text){"smpsim:time", m->time};
    m->texts[m->count++] = (scene_png_text){"smpsim:light", m->light};
    if (m->view[0]) m->texts[m->count++] = (scene_png_text){"smpsim:view", m->view};
    if (m->plan_json) m->texts[m->count++] = (scene_png_text){"smpsim:plan", m->plan_json};
}

void scene_image_meta_free(scene_image_meta *m)
{
    free(m->plan_json);
    memset(m, 0, sizeof *m);
}

smp_status scene_png_write(const char *path, const uint8_t *rgba, int width, int height,
                           const scene_model *scene, const scene_light *light, double t_days,
                           const char *view, smp_error *err)
{
    scene_image_meta m;
    scene_image_meta_init(&m, scene, light, t_days, view);
    smp_status st = scene_png_write_text(path, rgba, width, height, m.texts, m.count, err);
    scene_image_meta_free(&m);
    return st;
}
