/* The scar texture: a CPU bake of scalp/scar into the scalp chart, its upload and its uniforms. */
#include "render/scar_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void uv_extend(float lo[2], float hi[2], const float uv[2])
{
    for (int k = 0; k < 2; ++k) {
        lo[k] = fminf(lo[k], uv[k]);
        hi[k] = fmaxf(hi[k], uv[k]);
    }
}

/* Rasterises one mesh triangle into the texels of the bake rectangle. A texel's surface point comes from
 * the triangle's own linear uv map, the same interpolation the renderer's v_uv follows, so the relief is
 * where the shader will look for it; triangles that no scar reaches are skipped whole. */
static void triangle_bake(render_scar_bake *b, const scalp_head *head, const scalp_scar_set *set, const uint32_t *tri,
                          float texel)
{
    const scalp_mesh *m = &head->mesh;
    const float *uv[3], *p[3];
    for (int k = 0; k < 3; ++k) {
        uv[k] = m->uvs + 2 * tri[k];
        p[k] = m->positions_mm + 3 * tri[k];
    }
    float lo[2] = {uv[0][0], uv[0][1]}, hi[2] = {uv[0][0], uv[0][1]};
    uv_extend(lo, hi, uv[1]);
    uv_extend(lo, hi, uv[2]);
    if (hi[0] < b->uv0[0] || lo[0] > b->uv1[0] || hi[1] < b->uv0[1] || lo[1] > b->uv1[1]) return;
    float blo[3], bhi[3];
    for (int k = 0; k < 3; ++k) {
        blo[k] = fminf(p[0][k], fminf(p[1][k], p[2][k]));
        bhi[k] = fmaxf(p[0][k], fmaxf(p[1][k], p[2][k]));
    }
    if (!scalp_scar_may_touch_box(set, blo, bhi)) return;
    float e1[2] = {uv[1][0] - uv[0][0], uv[1][1] - uv[0][1]}, e2[2] = {uv[2][0] - uv[0][0], uv[2][1] - uv[0][1]};
    float det = e1[0] * e2[1] - e1[1] * e2[0];
    if (fabsf(det) < 1e-14f) return;
    int x0 = (int)floorf((lo[0] - b->uv0[0]) / texel), x1 = (int)ceilf((hi[0] - b->uv0[0]) / texel);
    int y0 = (int)floorf((lo[1] - b->uv0[1]) / texel), y1 = (int)ceilf((hi[1] - b->uv0[1]) / texel);
    x0 = x0 < 0 ? 0 : x0;
    y0 = y0 < 0 ? 0 : y0;
    x1 = x1 >= b->width ? b->width - 1 : x1;
    y1 = y1 >= b->height ? b->height - 1 : y1;
    /* Texel centres on a shared edge belong to both triangles; a small tolerance leaves no cracks. */
    const float eps = -1e-4f;
    for (int y = y0; y <= y1; ++y)
        for (int x = x0; x <= x1; ++x) {
            float tu = b->uv0[0] + (x + 0.5f) * texel - uv[0][0], tv = b->uv0[1] + (y + 0.5f) * texel - uv[0][1];
            float w1 = (tu * e2[1] - tv * e2[0]) / det, w2 = (e1[0] * tv - e1[1] * tu) / det, w0 = 1.0f - w1 - w2;
            if (w0 < eps || w1 < eps || w2 < eps) continue;
            float q[3];
            for (int k = 0; k < 3; ++k) q[k] = w0 * p[0][k] + w1 * p[1][k] + w2 * p[2][k];
            scalp_scar_sample smp;
            scalp_scar_sample_at(set, q, &smp);
            uint8_t *o = b->texels + 2 * ((size_t)y * b->width + x);
            float hn = b->range_mm > 0.0f ? (b->top_mm - smp.height_mm) / b->range_mm : 0.0f;
            o[0] = (uint8_t)lrintf(255.0f * (hn < 0.0f ? 0.0f : (hn > 1.0f ? 1.0f : hn)));
            o[1] = (uint8_t)lrintf(255.0f * smp.tissue);
        }
}

smp_status render_scar_bake_create(render_scar_bake *b, const scalp_head *head, const scalp_scar_set *set,
                                   int max_size, smp_error *err)
{
    memset(b, 0, sizeof *b);
    if (!set || (set->point_count == 0 && set->fue_count == 0)) return SMP_OK;
    if (max_size <= 0) max_size = RENDER_SCAR_MAX_SIZE;
    /* The chart rectangle around every scar, with room for its reach: the chart shrinks surface lengths
     * by as much as 0.47 (docs/head.md), so the margin is the reach plus 2 mm, over 0.45. */
    float lo[2] = {1.0f, 1.0f}, hi[2] = {0.0f, 0.0f}, uv[2];
    for (int i = 0; i < set->point_count; ++i) {
        scalp_head_uv(head, set->points[i].position_mm, uv);
        uv_extend(lo, hi, uv);
    }
    for (int i = 0; i < set->fue_count; ++i) {
        scalp_head_uv(head, set->fue[i].center_mm, uv);
        uv_extend(lo, hi, uv);
    }
    float margin = (set->max_reach_mm + 2.0f) / 0.45f / head->uv_scale_mm;
    for (int k = 0; k < 2; ++k) {
        b->uv0[k] = fmaxf(0.0f, lo[k] - margin);
        b->uv1[k] = fminf(1.0f, hi[k] + margin);
    }
    /* Square texels of RENDER_SCAR_TEXEL_MM chart mm, coarser if a side would pass max_size. */
    float texel = RENDER_SCAR_TEXEL_MM / head->uv_scale_mm;
    float span = fmaxf(b->uv1[0] - b->uv0[0], b->uv1[1] - b->uv0[1]);
    if (span / texel > (float)max_size) texel = span / (float)max_size;
    b->width = (int)ceilf((b->uv1[0] - b->uv0[0]) / texel);
    b->height = (int)ceilf((b->uv1[1] - b->uv0[1]) / texel);
    b->width = b->width < 1 ? 1 : (b->width > max_size ? max_size : b->width);
    b->height = b->height < 1 ? 1 : (b->height > max_size ? max_size : b->height);
    b->uv1[0] = b->uv0[0] + texel * b->width;
    b->uv1[1] = b->uv0[1] + texel * b->height;
    b->top_mm = set->max_raise_mm;
    b->range_mm = set->max_raise_mm + set->max_depth_mm;
    b->texels = calloc((size_t)b->width * b->height * 2, 1);
    if (!b->texels) {
        smp_status st = smp_error_set(err, SMP_ERR_NOMEM, "render: out of memory for a %dx%d scar texture",
                                      b->width, b->height);
        memset(b, 0, sizeof *b);
        return st;
    }
    for (int t = 0; t < head->mesh.triangle_count; ++t) triangle_bake(b, head, set, head->mesh.indices + 3 * t, texel);
    return SMP_OK;
}

void render_scar_bake_destroy(render_scar_bake *b)
{
    if (!b) return;
    free(b->texels);
    memset(b, 0, sizeof *b);
}

smp_status render_scar_upload(render_scar *rs, const render_scar_bake *b, smp_error *err)
{
    rs->present = b->width > 0 && b->height > 0;
    rs->top_mm = b->top_mm;
    rs->range_mm = b->range_mm;
    if (!rs->tex) glGenTextures(1, &rs->tex);
    glBindTexture(GL_TEXTURE_2D, rs->tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    if (rs->present) {
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RG8, b->width, b->height, 0, GL_RG, GL_UNSIGNED_BYTE, b->texels);
        rs->rect[0] = b->uv0[0];
        rs->rect[1] = b->uv0[1];
        rs->rect[2] = 1.0f / (b->uv1[0] - b->uv0[0]);
        rs->rect[3] = 1.0f / (b->uv1[1] - b->uv0[1]);
        rs->size[0] = (float)b->width;
        rs->size[1] = (float)b->height;
    } else {
        const uint8_t zero[4] = {0, 0, 0, 0};
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RG8, 1, 1, 0, GL_RG, GL_UNSIGNED_BYTE, zero);
        memset(rs->rect, 0, sizeof rs->rect);
        rs->size[0] = rs->size[1] = 1.0f;
    }
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR_MIPMAP_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glGenerateMipmap(GL_TEXTURE_2D);
    glBindTexture(GL_TEXTURE_2D, 0);
    GLenum e = glGetError();
    if (e != GL_NO_ERROR)
        return smp_error_set(err, SMP_ERR_GL, "render: OpenGL error 0x%x uploading the %dx%d scar texture", e, b->width,
                             b->height);
    return SMP_OK;
}

void render_scar_bind(const render_scar *rs, GLuint prog, int unit, const float skin_rgb[3],
                      const float stubble[2])
{
    glActiveTexture(GL_TEXTURE0 + (GLenum)unit);
    glBindTexture(GL_TEXTURE_2D, rs->tex);
    glActiveTexture(GL_TEXTURE0);
    float scar_rgb[3], scale[3];
    scalp_scar_albedo_linear_rgb(skin_rgb, scar_rgb);
    for (int k = 0; k < 3; ++k) scale[k] = skin_rgb[k] > 1e-4f ? scar_rgb[k] / skin_rgb[k] : 1.0f;
    glUniform1i(glGetUniformLocation(prog, "u_scar_enabled"), rs->present && rs->tex ? 1 : 0);
    glUniform4fv(glGetUniformLocation(prog, "u_scar_rect"), 1, rs->rect);
    glUniform2fv(glGetUniformLocation(prog, "u_scar_size"), 1, rs->size);
    glUniform3fv(glGetUniformLocation(prog, "u_scar_albedo_scale"), 1, scale);
    glUniform1f(glGetUniformLocation(prog, "u_scar_roughness_scale"), SCALP_SCAR_ROUGHNESS_SCALE);
    glUniform1f(glGetUniformLocation(prog, "u_scar_top_mm"), rs->top_mm);
    glUniform1f(glGetUniformLocation(prog, "u_scar_range_mm"), rs->range_mm);
    glUniform1f(glGetUniformLocation(prog, "u_stubble_height_mm"), stubble[0]);
    glUniform1f(glGetUniformLocation(prog, "u_stubble_sigma_per_mm"), stubble[1]);
}

void render_scar_release(render_scar *rs)
{
    if (rs->tex) glDeleteTextures(1, &rs->tex);
    memset(rs, 0, sizeof *rs);
}
