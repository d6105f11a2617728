/* Text with stb_truetype's baked-atlas API (ASCII 32..126), as overlay triangles. */
#include "ui/ui.h"

#include "core/embed.h"

#include <stb_truetype.h>
#include <stdlib.h>
#include <string.h>

extern const smp_embedded_file smp_embedded_fonts[];

#define ATLAS_W 512
#define ATLAS_H 512
#define FIRST_CHAR 32
#define CHAR_COUNT 95

struct ui_text {
    unsigned char atlas[ATLAS_W * ATLAS_H];
    stbtt_bakedchar chars[CHAR_COUNT];
    float pixel_height;
    float ascent;
    float *verts;
    int count, capacity;
};

smp_status ui_text_create(ui_text **out, float pixel_height, smp_error *err)
{
    *out = NULL;
    const smp_embedded_file *font = smp_embedded_find(smp_embedded_fonts, "DejaVuSans.ttf");
    if (!font) return smp_error_set(err, SMP_ERR_UNAVAILABLE, "ui: the embedded font is missing");
    ui_text *t = calloc(1, sizeof *t);
    if (!t) return smp_error_set(err, SMP_ERR_NOMEM, "ui: out of memory");
    t->pixel_height = pixel_height;
    if (stbtt_BakeFontBitmap(font->data, 0, pixel_height, t->atlas, ATLAS_W, ATLAS_H, FIRST_CHAR, CHAR_COUNT,
                             t->chars) <= 0) {
        free(t);
        return smp_error_set(err, SMP_ERR_UNAVAILABLE, "ui: font atlas too small for %.0f px text", pixel_height);
    }
    stbtt_fontinfo info;
    int ascent = 0, descent = 0, gap = 0;
    if (stbtt_InitFont(&info, font->data, 0)) {
        stbtt_GetFontVMetrics(&info, &ascent, &descent, &gap);
        t->ascent = (float)ascent * stbtt_ScaleForPixelHeight(&info, pixel_height);
    } else {
        t->ascent = 0.8f * pixel_height;
    }
    *out = t;
    return SMP_OK;
}

void ui_text_destroy(ui_text *t)
{
    if (!t) return;
    free(t->verts);
    free(t);
}

void ui_text_clear(ui_text *t)
{
    t->count = 0;
}

static void push(ui_text *t, float x, float y, float u, float v, const float c[4])
{
    if (t->count == t->capacity) {
        int cap = t->capacity ? 2 * t->capacity : 1024;
        float *bigger = realloc(t->verts, sizeof(float) * 8 * (size_t)cap);
        if (!bigger) return; /* out of memory: the text is dropped, the frame still draws */
        t->verts = bigger;
        t->capacity = cap;
    }
    float *o = t->verts + 8 * t->count++;
    o[0] = x, o[1] = y, o[2] = u, o[3] = v;
    memcpy(o + 4, c, 4 * sizeof(float));
}

static void quad(ui_text *t, float x0, float y0, float x1, float y1, float u0, float v0, float u1, float v1,
                 const float c[4])
{
    push(t, x0, y0, u0, v0, c);
    push(t, x1, y0, u1, v0, c);
    push(t, x1, y1, u1, v1, c);
    push(t, x0, y0, u0, v0, c);
    push(t, x1, y1, u1, v1, c);
    push(t, x0, y1, u0, v1, c);
}

void ui_text_panel(ui_text *t, float x, float y, float w, float h, const float rgba[4])
{
    quad(t, x, y, x + w, y + h, -1.0f, -1.0f, -1.0f, -1.0f, rgba);
}

float ui_text_print(ui_text *t, float x, float y, const float rgba[4], const char *text)
{
    float px = x, py = y + t->ascent;
    for (const unsigned char *c = (const unsigned char *)text; *c; ++c) {
        int ch = *c;
        if (ch < FIRST_CHAR || ch >= FIRST_CHAR + CHAR_COUNT) ch = '?';
        stbtt_aligned_quad q;
        stbtt_GetBakedQuad(t->chars, ATLAS_W, ATLAS_H, ch - FIRST_CHAR, &px, &py, &q, 1);
        quad(t, q.x0, q.y0, q.x1, q.y1, q.s0, q.t0, q.s1, q.t1, rgba);
    }
    return px - x;
}

float ui_text_line_height(const ui_text *t)
{
    return t->pixel_height * 1.25f;
}

render_overlay ui_text_overlay(const ui_text *t)
{
    return (render_overlay){
        .vertices = t->verts,
        .vertex_count = t->count,
        .atlas_r8 = t->atlas,
        .atlas_width = ATLAS_W,
        .atlas_height = ATLAS_H,
        .atlas_version = 1,
    };
}
