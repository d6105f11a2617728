/* Text with stb_truetype's baked-atlas API (ASCII 32..126), as overlay triangles. */
#include "ui/ui.h"

#include "core/embed.h"

#include <stb_truetype.h>
#include <stdlib.h>
#include <string.h>

extern const smp_embedded_file smp_embedded_fonts[];

#define FIRST_CHAR 32
#define CHAR_COUNT 95
/* The atlas side starts here and doubles until the glyphs fit (512 holds text up to about 90 px). */
#define ATLAS_MIN 512
#define ATLAS_MAX 4096

struct ui_text {
    unsigned char *atlas;
    int atlas_side, atlas_version;
    stbtt_bakedchar chars[CHAR_COUNT];
    float pixel_height;
    float ascent;
    float clip[4]; /* x0, y0, x1, y1 in pixels; x1 < x0 when nothing is clipped */
    float *verts;
    int count, capacity;
};

/* Bakes the font at pixel_height into t; on failure t is left as it was. */
static smp_status bake(ui_text *t, float pixel_height, smp_error *err)
{
    const smp_embedded_file *font = smp_embedded_find(smp_embedded_fonts, "DejaVuSans.ttf");
    if (!font) return smp_error_set(err, SMP_ERR_UNAVAILABLE, "ui: the embedded font is missing");
    stbtt_bakedchar chars[CHAR_COUNT];
    unsigned char *atlas = NULL;
    int side = ATLAS_MIN;
    for (; side <= ATLAS_MAX; side *= 2) {
        atlas = malloc((size_t)side * (size_t)side);
        if (!atlas) return smp_error_set(err, SMP_ERR_NOMEM, "ui: out of memory");
        if (stbtt_BakeFontBitmap(font->data, 0, pixel_height, atlas, side, side, FIRST_CHAR, CHAR_COUNT,
                                 chars) > 0)
            break;
        free(atlas);
        atlas = NULL;
    }
    if (!atlas)
        return smp_error_set(err, SMP_ERR_UNAVAILABLE, "ui: font atlas too small for %.0f px text",
                             pixel_height);
    stbtt_fontinfo info;
    int ascent = 0, descent = 0, gap = 0;
    if (stbtt_InitFont(&info, font->data, 0)) {
        stbtt_GetFontVMetrics(&info, &ascent, &descent, &gap);
        t->ascent = (float)ascent * stbtt_ScaleForPixelHeight(&info, pixel_height);
    } else {
        t->ascent = 0.8f * pixel_height;
    }
    free(t->atlas);
    t->atlas = atlas;
    t->atlas_side = side;
    t->atlas_version++;
    memcpy(t->chars, chars, sizeof chars);
    t->pixel_height = pixel_height;
    return SMP_OK;
}

smp_status ui_text_create(ui_text **out, float pixel_height, smp_error *err)
{
    *out = NULL;
    ui_text *t = calloc(1, sizeof *t);
    if (!t) return smp_error_set(err, SMP_ERR_NOMEM, "ui: out of memory");
    smp_status st = bake(t, pixel_height, err);
    if (st != SMP_OK) {
        free(t);
        return st;
    }
    ui_text_clip_reset(t);
    *out = t;
    return SMP_OK;
}

void ui_text_destroy(ui_text *t)
{
    if (!t) return;
    free(t->atlas);
    free(t->verts);
    free(t);
}

smp_status ui_text_set_pixel_height(ui_text *t, float pixel_height, smp_error *err)
{
    if (pixel_height == t->pixel_height) return SMP_OK;
    return bake(t, pixel_height, err);
}

float ui_text_pixel_height(const ui_text *t)
{
    return t->pixel_height;
}

void ui_text_clear(ui_text *t)
{
    t->count = 0;
    ui_text_clip_reset(t);
}

void ui_text_clip_set(ui_text *t, float x, float y, float w, float h)
{
    t->clip[0] = x, t->clip[1] = y, t->clip[2] = x + (w > 0.0f ? w : 0.0f),
    t->clip[3] = y + (h > 0.0f ? h : 0.0f);
}

void ui_text_clip_reset(ui_text *t)
{
    t->clip[0] = t->clip[1] = 0.0f;
    t->clip[2] = t->clip[3] = -1.0f;
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

/* An axis-aligned quad, cut to the clip rectangle with its texture coordinates (glyphs are cut, not
 * squeezed); a quad wholly outside adds nothing. */
static void quad(ui_text *t, float x0, float y0, float x1, float y1, float u0, float v0, float u1, float v1,
                 const float c[4])
{
    if (t->clip[2] >= t->clip[0]) {
        float cx0 = x0 > t->clip[0] ? x0 : t->clip[0], cy0 = y0 > t->clip[1] ? y0 : t->clip[1];
        float cx1 = x1 < t->clip[2] ? x1 : t->clip[2], cy1 = y1 < t->clip[3] ? y1 : t->clip[3];
        if (cx1 <= cx0 || cy1 <= cy0) return;
        float du = (u1 - u0) / (x1 - x0), dv = (v1 - v0) / (y1 - y0);
        u1 = u0 + (cx1 - x0) * du, u0 += (cx0 - x0) * du;
        v1 = v0 + (cy1 - y0) * dv, v0 += (cy0 - y0) * dv;
        x0 = cx0, y0 = cy0, x1 = cx1, y1 = cy1;
    }
    push(t, x0, y0, u0, v0, c);
    push(t, x1, y0, u1, v0, c);
    push(t, x1, y1, u1, v1, c);
    push(t, x0, y0, u0, v0, c);
    push(t, x1, y1, u1, v1, c);
    push(t, x0, y1, u0, v1, c);
}

void ui_text_panel(ui_text *t, float x, float y, float w, float h, const float rgba[4])
{
    if (w <= 0.0f || h <= 0.0f) return;
    quad(t, x, y, x + w, y + h, -1.0f, -1.0f, -1.0f, -1.0f, rgba);
}

/* Walks text as stb_truetype places it (whole-pixel glyph origins), drawing when t may be written. */
static float layout(const ui_text *t, ui_text *draw, float x, float y, const float rgba[4], const char *text)
{
    float px = x, py = y + t->ascent;
    for (const unsigned char *c = (const unsigned char *)text; *c; ++c) {
        int ch = *c;
        if (ch < FIRST_CHAR || ch >= FIRST_CHAR + CHAR_COUNT) ch = '?';
        stbtt_aligned_quad q;
        stbtt_GetBakedQuad(t->chars, t->atlas_side, t->atlas_side, ch - FIRST_CHAR, &px, &py, &q, 1);
        if (draw) quad(draw, q.x0, q.y0, q.x1, q.y1, q.s0, q.t0, q.s1, q.t1, rgba);
    }
    return px - x;
}

float ui_text_print(ui_text *t, float x, float y, const float rgba[4], const char *text)
{
    return layout(t, t, x, y, rgba, text);
}

float ui_text_width(const ui_text *t, const char *text)
{
    return layout(t, NULL, 0.0f, 0.0f, NULL, text);
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
        .atlas_width = t->atlas_side,
        .atlas_height = t->atlas_side,
        .atlas_version = t->atlas_version,
    };
}
