/* The scar texture: a CPU bake of scalp/scar into the scalp chart, its upload and its uniforms. */
#include "render/scar_internal.h"

#include "render/shader.h"

#include <cglm/cglm.h>
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
static void triangle_bake(render_scar_bake *b, const scalp_head *head, const scalp_scar_set *set,
                          const uint32_t *tri, float texel)
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
    float e1[2] = {uv[1][0] - uv[0][0], uv[1][1] - uv[0][1]},
          e2[2] = {uv[2][0] - uv[0][0], uv[2][1] - uv[0][1]};
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
            float tu = b->uv0[0] + (x + 0.5f) * texel - uv[0][0],
                  tv = b->uv0[1] + (y + 0.5f) * texel - uv[0][1];
            float w1 = (tu * e2[1] - tv * e2[0]) / det, w2 = (e1[0] * tv - e1[1] * tu) / det,
                  w0 = 1.0f - w1 - w2;
            if (w0 < eps || w1 < eps || w2 < eps) continue;
            float q[3];
            for (int k = 0; k < 3; ++k)
                q[k] = w0 * p[0][k] + w1 * p[1][k] + w2 * p[2][k];
            scalp_scar_sample smp;
            scalp_scar_sample_at(set, q, &smp);
            uint8_t *o = b->texels + 2 * ((size_t)y * b->width + x);
            float hn = b->range_mm > 0.0f ? (b->top_mm - smp.height_mm) / b->range_mm : 0.0f;
            o[0] = (uint8_t)lrintf(255.0f * (hn < 0.0f ? 0.0f : (hn > 1.0f ? 1.0f : hn)));
            o[1] = (uint8_t)lrintf(255.0f * smp.tissue);
        }
}

/* A summed-area table over w x h blocks, (w + 1) x (h + 1): sum holds each block's mark at [y + 1][x + 1] and
 * becomes, at each corner, the marks below and left of it. */
static void blocks_sum(uint32_t *sum, int w, int h)
{
    size_t row = (size_t)w + 1;
    for (int y = 1; y <= h; ++y)
        for (int x = 1; x <= w; ++x)
            sum[y * row + x] += sum[(y - 1) * row + x] + sum[y * row + x - 1] - sum[(y - 1) * row + x - 1];
}

/* The marks of blocks x0..x1, y0..y1 (clamped to the w x h blocks) in a table of blocks_sum. */
static uint32_t blocks_count(const uint32_t *sum, int w, int h, int x0, int y0, int x1, int y1)
{
    x0 = x0 < 0 ? 0 : x0, y0 = y0 < 0 ? 0 : y0;
    x1 = x1 >= w ? w - 1 : x1, y1 = y1 >= h ? h - 1 : y1;
    if (x1 < x0 || y1 < y0) return 0;
    size_t row = (size_t)w + 1;
    return sum[(size_t)(y1 + 1) * row + x1 + 1] - sum[(size_t)y0 * row + x1 + 1] -
           sum[(size_t)(y1 + 1) * row + x0] + sum[(size_t)y0 * row + x0];
}

/* b's near blocks (render_scar_bake.near, and near_sum for render_scar_bake_near_meets): the blocks with a
 * texel that scar.glsl's coarse test would not take for untouched skin, widened by reach blocks (a square).
 */
static smp_status near_build(render_scar_bake *b, float reach)
{
    const int B = RENDER_SCAR_NEAR_BLOCK, w = (b->width + B - 1) / B, h = (b->height + B - 1) / B;
    int r = (int)ceilf(reach);
    size_t row = (size_t)w + 1, corners = row * (size_t)(h + 1);
    uint32_t *marks = calloc(corners, sizeof *marks);
    b->near = calloc((size_t)w * h, 1);
    b->near_sum = calloc(corners, sizeof *b->near_sum);
    if (!marks || !b->near || !b->near_sum) {
        free(marks);
        return SMP_ERR_NOMEM;
    }
    b->near_w = w;
    b->near_h = h;
    /* scar.glsl: untouched skin has R within half a step of top / range, and no tissue. */
    float r_skin = b->range_mm > 0.0f ? 255.0f * b->top_mm / b->range_mm : 0.0f;
    for (int y = 0; y < b->height; ++y)
        for (int x = 0; x < b->width; ++x) {
            const uint8_t *t = b->texels + 2 * ((size_t)y * b->width + x);
            if (fabsf((float)t[0] - r_skin) >= 0.5f || t[1] != 0)
                marks[(size_t)(y / B + 1) * row + x / B + 1] = 1;
        }
    blocks_sum(marks, w, h);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            b->near[(size_t)y * w + x] = blocks_count(marks, w, h, x - r, y - r, x + r, y + r) > 0;
            b->near_sum[(size_t)(y + 1) * row + x + 1] = b->near[(size_t)y * w + x];
        }
    blocks_sum(b->near_sum, w, h);
    free(marks);
    return SMP_OK;
}

bool render_scar_bake_near_meets(const render_scar_bake *b, const float lo[2], const float hi[2])
{
    if (!b->near_sum || b->width <= 0) return false;
    float block = (b->uv1[0] - b->uv0[0]) / (float)b->width * RENDER_SCAR_NEAR_BLOCK;
    /* Widened by a block: the shader finds a pixel's block from its own interpolated uv, in its own rounding.
     */
    int x0 = (int)floorf((lo[0] - b->uv0[0]) / block) - 1, x1 = (int)floorf((hi[0] - b->uv0[0]) / block) + 1;
    int y0 = (int)floorf((lo[1] - b->uv0[1]) / block) - 1, y1 = (int)floorf((hi[1] - b->uv0[1]) / block) + 1;
    return blocks_count(b->near_sum, b->near_w, b->near_h, x0, y0, x1, y1) > 0;
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
    /* Untouched skin where no scar reaches (triangle_bake skips those triangles): relief 0, no tissue. */
    uint8_t skin = (uint8_t)lrintf(255.0f * (b->range_mm > 0.0f ? b->top_mm / b->range_mm : 0.0f));
    for (size_t i = 0; i < (size_t)b->width * b->height; ++i)
        b->texels[2 * i] = skin;
    for (int t = 0; t < head->mesh.triangle_count; ++t)
        triangle_bake(b, head, set, head->mesh.indices + 3 * t, texel);
    if (near_build(b, (RENDER_SCAR_NEAR_MM / 0.45f / head->uv_scale_mm) / (texel * RENDER_SCAR_NEAR_BLOCK)) !=
        SMP_OK) {
        render_scar_bake_destroy(b);
        return smp_error_set(err, SMP_ERR_NOMEM, "render: out of memory for the scars' near blocks");
    }
    return SMP_OK;
}

void render_scar_bake_destroy(render_scar_bake *b)
{
    if (!b) return;
    free(b->texels);
    free(b->near);
    free(b->near_sum);
    memset(b, 0, sizeof *b);
}

/* ---- the displaced patch ---- */

/* A point of triangle (a, b, c) at barycentric (wa, wb, wc) of the mesh arrays src (dim floats per vertex).
 * On an edge (one weight 0) it is interpolated from the edge's lower vertex index to its higher one, so the
 * two triangles that share the edge compute the same bits and the patch has no cracks. */
static void tri_lerp(const float *src, int dim, const uint32_t v[3], const float w[3], float *out)
{
    int zero = w[0] == 0.0f ? 0 : (w[1] == 0.0f ? 1 : (w[2] == 0.0f ? 2 : -1));
    if (zero >= 0) {
        int i = (zero + 1) % 3, j = (zero + 2) % 3;
        if (v[i] > v[j]) {
            int t = i;
            i = j;
            j = t;
        }
        float t = w[j];
        for (int k = 0; k < dim; ++k)
            out[k] = src[dim * v[i] + k] + t * (src[dim * v[j] + k] - src[dim * v[i] + k]);
        return;
    }
    for (int k = 0; k < dim; ++k)
        out[k] = w[0] * src[dim * v[0] + k] + w[1] * src[dim * v[1] + k] + w[2] * src[dim * v[2] + k];
}

static float edge_len(const float *p, uint32_t a, uint32_t b)
{
    float d[3] = {p[3 * b] - p[3 * a], p[3 * b + 1] - p[3 * a + 1], p[3 * b + 2] - p[3 * a + 2]};
    return sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
}

/* Whether the relief reaches into triangle ix: sampled on a grid of 15 points (4 steps a side), under 0.3 mm
 * apart on the head's longest edges (1.9 mm), closer than the reach of the smallest punch scar (0.3 mm
 * x 1.2). */
static bool triangle_has_relief(const scalp_mesh *m, const uint32_t ix[3], const scalp_scar_set *set)
{
    enum { STEPS = 4 };
    for (int i = 0; i <= STEPS; ++i)
        for (int j = 0; j <= STEPS - i; ++j) {
            float w[3] = {(float)(STEPS - i - j) / STEPS, (float)i / STEPS, (float)j / STEPS}, p[3];
            for (int k = 0; k < 3; ++k)
                p[k] = w[0] * m->positions_mm[3 * ix[0] + k] + w[1] * m->positions_mm[3 * ix[1] + k] +
                       w[2] * m->positions_mm[3 * ix[2] + k];
            if (scalp_scar_height_mm(set, p) != 0.0f) return true;
        }
    return false;
}

/* A source triangle of the patch and the chunk cell of its centroid. */
typedef struct patch_source {
    uint64_t cell;
    int triangle;
} patch_source;

static int source_cmp(const void *a, const void *b)
{
    const patch_source *p = a, *q = b;
    if (p->cell != q->cell) return p->cell < q->cell ? -1 : 1;
    return (p->triangle > q->triangle) - (p->triangle < q->triangle);
}

smp_status render_scar_patch_create(render_scar_patch *patch, const scalp_head *head,
                                    const scalp_scar_set *set, float edge_mm, smp_error *err)
{
    memset(patch, 0, sizeof *patch);
    if (!set || (set->point_count == 0 && set->fue_count == 0)) return SMP_OK;
    if (edge_mm <= 0.0f) edge_mm = RENDER_SCAR_PATCH_EDGE_MM;
    const scalp_mesh *m = &head->mesh;
    /* First the triangles a scar's relief reaches, sorted by chunk, and one split for all of them (k pieces a
     * side, from the scalp's longest edge). */
    patch_source *src = malloc(sizeof *src * (size_t)m->triangle_count);
    if (!src) return smp_error_set(err, SMP_ERR_NOMEM, "render: out of memory for the scar patch");
    float longest = 0.0f;
    size_t touched = 0;
    for (int t = 0; t < m->triangle_count; ++t) {
        const uint32_t *ix = m->indices + 3 * t;
        float lo[3], hi[3], c[3];
        for (int k = 0; k < 3; ++k) {
            float a = m->positions_mm[3 * ix[0] + k], b = m->positions_mm[3 * ix[1] + k],
                  d = m->positions_mm[3 * ix[2] + k];
            lo[k] = fminf(a, fminf(b, d));
            hi[k] = fmaxf(a, fmaxf(b, d));
            c[k] = (a + b + d) / 3.0f;
        }
        /* One split for the whole scalp (its longest edge), so that a scar does not change how another is
         * split. */
        if (scalp_scalp_weight(head, c) > 0.0f)
            longest = fmaxf(longest, fmaxf(edge_len(m->positions_mm, ix[0], ix[1]),
                                           fmaxf(edge_len(m->positions_mm, ix[1], ix[2]),
                                                 edge_len(m->positions_mm, ix[2], ix[0]))));
        if (scalp_scar_box_relief_mm(set, lo, hi) <= 0.0f || !triangle_has_relief(m, ix, set)) continue;
        uint64_t cell = 0;
        for (int k = 0; k < 3; ++k)
            cell = cell << 21 | (uint64_t)((int64_t)floorf(c[k] / RENDER_SCAR_PATCH_CELL_MM) & 0x1fffff);
        src[touched++] = (patch_source){cell, t};
    }
    int ks = (int)ceilf(longest / edge_mm);
    ks = ks < 1 ? 1 : ks;
    size_t per_v = (size_t)(ks + 1) * (size_t)(ks + 2) / 2, per_t = (size_t)ks * (size_t)ks;
    size_t nv = touched * per_v, nt = touched * per_t;
    if (touched == 0 || nv > UINT32_MAX) {
        free(src);
        return SMP_OK;
    }
    qsort(src, touched, sizeof *src, source_cmp);
    size_t chunks = 1;
    for (size_t i = 1; i < touched; ++i)
        chunks += src[i].cell != src[i - 1].cell;
    patch->vertices = malloc(sizeof *patch->vertices * RENDER_SCAR_PATCH_FLOATS * nv);
    patch->indices = malloc(sizeof *patch->indices * 3 * nt);
    patch->chunks = calloc(chunks, sizeof *patch->chunks);
    if (!patch->vertices || !patch->indices || !patch->chunks) {
        free(src);
        render_scar_patch_destroy(patch);
        return smp_error_set(err, SMP_ERR_NOMEM, "render: out of memory for a scar patch of %zu triangles",
                             nt);
    }
    uint32_t base = 0;
    size_t ti = 0;
    render_scar_chunk *ch = NULL;
    for (size_t s_i = 0; s_i < touched; ++s_i) {
        if (s_i == 0 || src[s_i].cell != src[s_i - 1].cell) {
            ch = &patch->chunks[patch->chunk_count++];
            ch->first_index = (uint32_t)(3 * ti);
            for (int k = 0; k < 3; ++k)
                ch->lo_mm[k] = INFINITY, ch->hi_mm[k] = -INFINITY;
        }
        const uint32_t *ix = m->indices + 3 * src[s_i].triangle;
        int k = ks;
        /* Vertex (i, j): i steps from corner 0 towards corner 1, j towards corner 2; rows of k + 1 - i. */
        uint32_t row_start = base;
        for (int i = 0; i <= k; ++i) {
            for (int j = 0; j <= k - i; ++j) {
                float w[3] = {(float)(k - i - j) / (float)k, (float)i / (float)k, (float)j / (float)k};
                float *o = patch->vertices + RENDER_SCAR_PATCH_FLOATS * (size_t)(row_start + (uint32_t)j);
                tri_lerp(m->positions_mm, 3, ix, w, o);
                tri_lerp(m->normals, 3, ix, w, o + 3);
                tri_lerp(m->uvs, 2, ix, w, o + 6);
                float len = sqrtf(o[3] * o[3] + o[4] * o[4] + o[5] * o[5]);
                for (int c = 3; c < 6; ++c)
                    o[c] /= len;
                o[8] = scalp_scar_height_mm(set, o);
                ch->relief_mm = fmaxf(ch->relief_mm, fabsf(o[8]));
                for (int c = 0; c < 3; ++c) {
                    float moved = o[c] + o[8] * o[3 + c];
                    ch->lo_mm[c] = fminf(ch->lo_mm[c], fminf(o[c], moved));
                    ch->hi_mm[c] = fmaxf(ch->hi_mm[c], fmaxf(o[c], moved));
                }
            }
            uint32_t next = row_start + (uint32_t)(k + 1 - i);
            /* The triangles between row i and row i + 1, wound as the mesh triangle (0, 1, 2) is. */
            for (int j = 0; i < k && j < k - i; ++j) {
                uint32_t a = row_start + (uint32_t)j, b = next + (uint32_t)j, c = a + 1;
                uint32_t *q = patch->indices + 3 * ti++;
                q[0] = a, q[1] = b, q[2] = c;
                if (j + 1 < k - i) {
                    q = patch->indices + 3 * ti++;
                    q[0] = c, q[1] = b, q[2] = b + 1;
                }
            }
            row_start = next;
        }
        base = row_start;
        ch->index_count = (uint32_t)(3 * ti) - ch->first_index;
        patch->relief_mm = fmaxf(patch->relief_mm, ch->relief_mm);
    }
    free(src);
    patch->vertex_count = (int)base;
    patch->triangle_count = (int)ti;
    return SMP_OK;
}

void render_scar_patch_destroy(render_scar_patch *patch)
{
    if (!patch) return;
    free(patch->vertices);
    free(patch->indices);
    free(patch->chunks);
    memset(patch, 0, sizeof *patch);
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
    render_texture_clamped(GL_LINEAR_MIPMAP_LINEAR, GL_LINEAR);
    glGenerateMipmap(GL_TEXTURE_2D);
    if (!rs->near_tex) glGenTextures(1, &rs->near_tex);
    glBindTexture(GL_TEXTURE_2D, rs->near_tex);
    const uint8_t none = 0;
    bool near = rs->present && b->near;
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, near ? b->near_w : 1, near ? b->near_h : 1, 0, GL_RED,
                 GL_UNSIGNED_BYTE, near ? b->near : &none);
    render_texture_clamped(GL_NEAREST, GL_NEAREST);
    rs->near_scale[0] = near ? (float)b->width / RENDER_SCAR_NEAR_BLOCK : 0.0f;
    rs->near_scale[1] = near ? (float)b->height / RENDER_SCAR_NEAR_BLOCK : 0.0f;
    glBindTexture(GL_TEXTURE_2D, 0);
    GLenum e = glGetError();
    if (e != GL_NO_ERROR)
        return smp_error_set(err, SMP_ERR_GL, "render: OpenGL error 0x%x uploading the %dx%d scar texture", e,
                             b->width, b->height);
    return SMP_OK;
}

static void patch_buffers_release(render_scar *rs)
{
    if (rs->patch_vao) glDeleteVertexArrays(1, &rs->patch_vao);
    GLuint bufs[2] = {rs->patch_vbo, rs->patch_ibo};
    if (rs->patch_vbo) glDeleteBuffers(2, bufs);
    rs->patch_vao = rs->patch_vbo = rs->patch_ibo = 0;
    rs->patch_triangles = 0;
    rs->patch_ready = false;
}

/* The patch's vertices and indices into GL buffers (its chunks are already in rs). */
static smp_status patch_buffers_upload(render_scar *rs, const render_scar_patch *patch, smp_error *err)
{
    if (!rs->patch_vao) {
        glGenVertexArrays(1, &rs->patch_vao);
        glGenBuffers(1, &rs->patch_vbo);
        glGenBuffers(1, &rs->patch_ibo);
    }
    glBindVertexArray(rs->patch_vao);
    glBindBuffer(GL_ARRAY_BUFFER, rs->patch_vbo);
    glBufferData(GL_ARRAY_BUFFER,
                 (GLsizeiptr)(sizeof(float) * RENDER_SCAR_PATCH_FLOATS * (size_t)patch->vertex_count),
                 patch->vertices, GL_STATIC_DRAW);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, rs->patch_ibo);
    glBufferData(GL_ELEMENT_ARRAY_BUFFER, (GLsizeiptr)(sizeof(uint32_t) * 3 * (size_t)patch->triangle_count),
                 patch->indices, GL_STATIC_DRAW);
    render_float_attribs(0, (const int[]){3, 3, 2, 1}, 4, RENDER_SCAR_PATCH_FLOATS, 0, 0);
    glBindVertexArray(0);
    rs->patch_triangles = patch->triangle_count;
    GLenum e = glGetError();
    if (e != GL_NO_ERROR)
        return smp_error_set(err, SMP_ERR_GL,
                             "render: OpenGL error 0x%x uploading the scar patch (%d triangles)", e,
                             patch->triangle_count);
    return SMP_OK;
}

/* The patch's chunks into rs, and its buffers emptied. */
static smp_status patch_chunks_set(render_scar *rs, const render_scar_patch *patch, smp_error *err)
{
    free(rs->chunks);
    free(rs->draw_counts);
    free(rs->draw_offsets);
    rs->chunks = NULL, rs->draw_counts = NULL, rs->draw_offsets = NULL;
    rs->chunk_count = rs->draw_count = rs->patch_triangles = 0;
    if (patch->chunk_count > 0) {
        rs->chunks = malloc(sizeof *rs->chunks * (size_t)patch->chunk_count);
        rs->draw_counts = malloc(sizeof *rs->draw_counts * (size_t)patch->chunk_count);
        rs->draw_offsets = malloc(sizeof *rs->draw_offsets * (size_t)patch->chunk_count);
        if (!rs->chunks || !rs->draw_counts || !rs->draw_offsets)
            return smp_error_set(err, SMP_ERR_NOMEM, "render: out of memory for the scar patch's %d chunks",
                                 patch->chunk_count);
        memcpy(rs->chunks, patch->chunks, sizeof *rs->chunks * (size_t)patch->chunk_count);
        rs->chunk_count = patch->chunk_count;
    }
    /* No buffers until a frame needs them (render_scar_patch_prepare). */
    patch_buffers_release(rs);
    return SMP_OK;
}

smp_status render_scar_patch_set(render_scar *rs, const scalp_head *head, const scalp_scar_set *set,
                                 smp_error *err)
{
    rs->head = NULL;
    rs->set = NULL;
    render_scar_patch patch;
    smp_status st = render_scar_patch_create(&patch, head, set, 0.0f, err);
    if (st == SMP_OK) st = patch_chunks_set(rs, &patch, err);
    render_scar_patch_destroy(&patch);
    if (st == SMP_OK && rs->chunk_count > 0) {
        rs->head = head;
        rs->set = set;
    }
    return st;
}

smp_status render_scar_patch_prepare(render_scar *rs, const float view[4][4], const float proj[4][4],
                                     int height, smp_error *err)
{
    if (rs->patch_ready || !rs->head || render_scar_patch_select(rs, view, proj, height) == 0) return SMP_OK;
    render_scar_patch patch;
    smp_status st = render_scar_patch_create(&patch, rs->head, rs->set, 0.0f, err);
    if (st == SMP_OK) st = patch_chunks_set(rs, &patch, err); /* the same chunks: the same head and scars */
    if (st == SMP_OK) st = patch_buffers_upload(rs, &patch, err);
    render_scar_patch_destroy(&patch);
    rs->patch_ready = st == SMP_OK;
    return st;
}

int render_scar_patch_select(render_scar *rs, const float view[4][4], const float proj[4][4], int height)
{
    rs->draw_count = 0;
    if (rs->chunk_count == 0 || height <= 0) return 0;
    /* The eye in the head frame: view maps it to the origin, so it is -R^T t. */
    float eye[3];
    for (int k = 0; k < 3; ++k)
        eye[k] = -(view[k][0] * view[3][0] + view[k][1] * view[3][1] + view[k][2] * view[3][2]);
    mat4 vp;
    glm_mat4_mul((vec4 *)proj, (vec4 *)view, vp);
    float nearest2 = INFINITY;
    for (int c = 0; c < rs->chunk_count; ++c) {
        const render_scar_chunk *ch = &rs->chunks[c];
        /* Outside the frustum when all eight corners lie beyond one of its planes (in clip space). */
        int outside[6] = {0, 0, 0, 0, 0, 0};
        for (int corner = 0; corner < 8; ++corner) {
            vec4 p = {corner & 1 ? ch->hi_mm[0] : ch->lo_mm[0], corner & 2 ? ch->hi_mm[1] : ch->lo_mm[1],
                      corner & 4 ? ch->hi_mm[2] : ch->lo_mm[2], 1.0f},
                 q;
            glm_mat4_mulv(vp, p, q);
            for (int k = 0; k < 3; ++k) {
                outside[2 * k] += q[k] < -q[3];
                outside[2 * k + 1] += q[k] > q[3];
            }
        }
        bool culled = false;
        for (int k = 0; k < 6; ++k)
            culled = culled || outside[k] == 8;
        if (culled) continue;
        float d2 = 0.0f;
        for (int k = 0; k < 3; ++k) {
            float q = fminf(fmaxf(eye[k], ch->lo_mm[k]), ch->hi_mm[k]);
            d2 += (eye[k] - q) * (eye[k] - q);
        }
        nearest2 = fminf(nearest2, d2);
        rs->draw_counts[rs->draw_count] = (GLsizei)ch->index_count;
        rs->draw_offsets[rs->draw_count] = (void *)(sizeof(uint32_t) * (size_t)ch->first_index);
        rs->draw_count++;
    }
    /* A pixel's size at the nearest chunk in view: 2 d / (proj[1][1] height) in perspective (proj[2][3] =
     * -1), 2 / (proj[1][1] height) in an orthographic projection. One threshold for every scar, so that what
     * one scar looks like does not depend on another (and the head's fragments in every indentation give way,
     * scar.glsl). */
    bool ortho = proj[2][3] == 0.0f;
    float pixel_mm = 2.0f * (ortho ? 1.0f : sqrtf(nearest2)) / (proj[1][1] * (float)height);
    if (!(pixel_mm < RENDER_SCAR_PATCH_PIXEL_MM)) rs->draw_count = 0;
    return rs->draw_count;
}

void render_scar_patch_draw(const render_scar *rs)
{
    if (!rs->draw_count) return;
    glBindVertexArray(rs->patch_vao);
    /* The patch has no skin weights of its own (mesh.vert's a_skin, location 4, is not an array here): the
     * donor area is hair-bearing scalp, which carries full sebum (scalp/skin.h). */
    glVertexAttrib2f(4, 1.0f, 1.0f);
    glMultiDrawElements(GL_TRIANGLES, rs->draw_counts, GL_UNSIGNED_INT, (const void *const *)rs->draw_offsets,
                        rs->draw_count);
    glBindVertexArray(0);
}

void render_scar_bind(const render_scar *rs, GLuint prog, int unit, int near_unit, const float skin_rgb[3])
{
    glActiveTexture(GL_TEXTURE0 + (GLenum)unit);
    glBindTexture(GL_TEXTURE_2D, rs->tex);
    glActiveTexture(GL_TEXTURE0 + (GLenum)near_unit);
    glBindTexture(GL_TEXTURE_2D, rs->near_tex);
    glActiveTexture(GL_TEXTURE0);
    float scar_rgb[3], scale[3];
    scalp_scar_albedo_linear_rgb(skin_rgb, scar_rgb);
    for (int k = 0; k < 3; ++k)
        scale[k] = skin_rgb[k] > 1e-4f ? scar_rgb[k] / skin_rgb[k] : 1.0f;
    glUniform1i(glGetUniformLocation(prog, "u_scar_enabled"), rs->present && rs->tex ? 1 : 0);
    glUniform4fv(glGetUniformLocation(prog, "u_scar_rect"), 1, rs->rect);
    glUniform2fv(glGetUniformLocation(prog, "u_scar_size"), 1, rs->size);
    glUniform2fv(glGetUniformLocation(prog, "u_scar_near_scale"), 1, rs->near_scale);
    glUniform3fv(glGetUniformLocation(prog, "u_scar_albedo_scale"), 1, scale);
    glUniform1f(glGetUniformLocation(prog, "u_scar_roughness_scale"), SCALP_SCAR_ROUGHNESS_SCALE);
    glUniform1f(glGetUniformLocation(prog, "u_scar_top_mm"), rs->top_mm);
    glUniform1f(glGetUniformLocation(prog, "u_scar_range_mm"), rs->range_mm);
}

void render_scar_release(render_scar *rs)
{
    if (rs->tex) glDeleteTextures(1, &rs->tex);
    if (rs->near_tex) glDeleteTextures(1, &rs->near_tex);
    patch_buffers_release(rs);
    free(rs->chunks);
    free(rs->draw_counts);
    free(rs->draw_offsets);
    memset(rs, 0, sizeof *rs);
}
