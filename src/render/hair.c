/* The stubble pass: every hair is one instance, drawn three times from the same buffer.
 *
 * (1) Shadow: the shaft as a ribbon facing the light, at its true width, into the depth map (depth maps
 *     hold no fractions: a thin shaft covers texel centres in proportion to its width, and the 3x3 PCF
 *     lookups average that).
 * (2) Intradermal streak (hair_streak.*): the pigmented shaft inside the skin, seen through it, darkens the
 *     lit skin multiplicatively along its projection behind the exit point, fading and blurring with depth.
 * (3) Stubble (hair.*): a camera-facing ribbon from the root along the shaft, alpha-blended over the skin,
 *     lit with a Kajiya-Kay fibre model under the same key light, shadow map and ambient as the skin.
 *
 * Sub-pixel hairs keep their mean coverage at every distance: the ribbon is widened (and a short one
 * lengthened) to a two-pixel Hann footprint whose opacity is scaled by true area / drawn area. When that
 * opacity (or a streak's darkening) would be too small for a half-float target to accumulate, hairs are
 * thinned stochastically by a hash of their root position (not their index, which a scar elsewhere shifts)
 * and the ones kept are made stronger by the inverse of the keep rate (Cook, Halstead, Planck, Ryu 2007,
 * "Stochastic simplification of aggregate detail"), so the expected tone is unchanged and the choice does
 * not flicker as the camera moves.
 *
 * Only what can show is drawn: the shafts are grouped by root position into patches (render/hair_patch.h),
 * and each draw copies into the instance buffer (16,384 at a time), in key order, only the shafts of the
 * patches whose bounds meet its view's frustum and whose roots can face the camera (the light, for the shadow
 * map) by the shaders' own tests. The copy keeps the draw order of the full set, so the alpha-blended stubble
 * comes out bit-identical. The shafts' data lives once, on the CPU (4 MB for 67,000).
 *
 * Time: every shaft carries the year it is lost and the year it turns grey (scalp/hair.h), and all three
 * draws compare them with the frame's years (u_years): a lost shaft is dropped before rasterising, a grey one
 * drawn with no pigment. Scrubbing the timeline changes one uniform; the hair is uploaded once.
 *
 * The streaks' far path: a streak is a decal in the skin's tangent plane, and once a pixel is wider than its
 * detail only its mean darkening shows. That mean is splatted into a chart texture (streaks_splat) when the
 * hairs alive and pigmented change, and mesh.frag multiplies the albedo by 1 - it, blended with the drawn
 * streaks by the pixel's footprint sigma over two thresholds (STREAK_LOD_NEAR_MM, STREAK_LOD_FAR_MM), as
 * the dots' two paths are: each streak's fragment keeps 1 - t of its darkening, the texture gives t, and the
 * patches and streaks whose every pixel has t = 1 are not drawn at all (about 60 % of the hair pass of the
 * default views at 1280x720; docs/benchmarks.md).
 */
#include "render/hair_internal.h"

#include "render/hair_patch.h"
#include "render/shader.h"
#include "scalp/hair_layer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* root 3, direction 3, normal 3, diameter, length, pigment, bulb depth, lost year, grey year */
#define HAIR_FLOATS 15
/* Lying hair (hair_strand.vert): texture units of its two buffer textures, above the renderer's own. */
#define STRAND_UNIT_POINTS 20
#define STRAND_UNIT_HAIRS 21
/* Level of detail of lying hair: subsets of 1, 1/2, 1/4, 1/8 of the hairs (in key order), each with every
 * point or every other one. A subset is drawn when the hairs' opacity at two pixels would fall below
 * STRAND_MIN_ALPHA: the kept hairs are drawn stronger by the inverse of the share kept. */
#define STRAND_LEVELS 4
#define STRAND_MIN_ALPHA 0.2f
/* Every other point once a segment spans fewer than this many pixels. */
#define STRAND_COARSE_PIXELS 6.0f
/* Below these a blend into the half-float target (11-bit significand) loses too much of each increment:
 * at 0.02 the increment is about 25 units in the last place of a mid-grey, so rounding costs < 2 %. */
#define HAIR_MIN_ALPHA 0.02f
#define STREAK_MIN_DARKENING 0.015f
/* The hair layer's chart texture (scalp/hair_layer.h): texels across the chart, and the skin distance it
 * is read over (the mip level whose texels are about this wide): about the height of a lying layer, over
 * which the sky a point of skin sees through it spreads. */
#define LAYER_SIZE 1024
#define LAYER_READ_MM 3.0f
#define LAYER_BATCH 16384
/* The stubble's instances go to the GPU in pieces of this many (960 kB), each copied into instance_vbo and
 * drawn before the next: the buffer stays small, the whole set lives once, on the CPU (records). */
#define STAGE_INSTANCES 16384
/* The streaks' far path: their mean darkening over the chart, R16F (2.8 MB with its mip levels; texels of
 * 0.44 mm on the built-in head, under a pixel at 1 m at 1280x720), splatted in steps of half a texel along
 * each streak. Per record: root uv, uv per mm along the streak (away from the exit point), uv² per mm². */
#define STREAK_MAP_SIZE 1024
#define STREAK_CHART_FLOATS 5
/* The pixel sigmas (mm; mesh.frag's: half the pixel's larger step on the skin) over which the far path takes
 * the streaks over. A streak is a line far thinner than any pixel but a close-up's, and 1 to 6 mm long; past
 * a pixel of 0.34 mm (about 3/4 of the texture's texel) its mean over the pixel is what shows, and the
 * texture's bilinear read of it differs from the drawn streaks by less than their own sampling noise
 * (docs/benchmarks.md, 2026-12-03: 16x16-block CIEDE2000 under 0.8 in every full-quality view). The default
 * views at 1280x720 (0.6 m: pixels of 0.38 mm and more on the scalp) lie wholly beyond it; close-ups (0.05
 * mm) and 1920x1080 at 0.6 m (0.26 mm) keep the drawn streaks, wholly or in part. */
#define STREAK_LOD_NEAR_MM 0.08f
#define STREAK_LOD_FAR_MM 0.17f

struct render_hair {
    GLuint prog_hair, prog_shadow, prog_streak, prog_strand, prog_strand_shadow;
    GLuint vao, corner_vbo, instance_vbo;
    int count;
    int uploads;
    /* The instances in key order (render_hair_key), their keys ascending, and the widest shaft: the
     * interactive path draws the first share of them (stubble_subset) when every shaft is far thinner than a
     * pixel. records holds them (HAIR_FLOATS each) and patch their patch (render/hair_patch.h): each pass
     * selects those of the patches its view can show, in key order (instances_select), and copies them in
     * pieces into instance_vbo to draw (instances_draw). */
    float *keys_sorted, *records;
    int *patch, *selected;
    render_hair_patches patches;
    uint8_t *visible, *visible_streak;
    long staged, culled; /* instances selected for drawing, and left out by the cull, since creation */
    float max_diameter_mm, max_reach_mm; /* the widest shaft; the farthest tip from the head frame's origin */
    render_boxes *boxes; /* every shaft and strand point, in parts (render_hair_boxes); NULL: no hair */
    float margin; /* the stubble footprint's one-pixel margin: 1 with multisampling, 0 without (hair.vert) */
    /* Lying hair: points and per-hair data as buffer textures, and two index buffers (every point, every
     * other point), each listing the hairs in key order; level_end[stride][level] = indices of the first
     * 1 / 2^level of the hairs. */
    GLuint strand_vao, points_buf, points_tex, hairs_buf, hairs_tex, index_buf[2];
    int strand_count, strand_points;
    GLsizei level_end[2][STRAND_LEVELS];
    float strand_length_mm, strand_diameter_mm;
    /* The layer (scalp/hair_layer.h): its points, splatted into a chart texture (R = tau, G = tau x mean
     * height) when the set of hairs lost by the frame's year changes; lost years sorted to tell. */
    GLuint prog_layer, layer_vao, layer_vbo, layer_tex, layer_fbo;
    int layer_points;
    float *layer_lost_sorted;
    int layer_lost_valid; /* hairs not lost at the splatted texture's year; -1: not splatted */
    int layer_splats;     /* how often the texture was splatted (render_stats.hair_layer_splats) */
    float layer_mm_per_uv;
    /* The streaks' far path (streaks_splat): the texture, each record's place on the chart (key order, NULL
     * without a head), the grey years sorted, and what the texture was splatted for. */
    GLuint streak_tex;
    float *streak_chart, *grey_sorted;
    int streak_alive, streak_brown; /* hairs not lost, and not grey, at the splat's year; -1: not splatted */
    float streak_params[7];         /* contrast, 1/e depths, hair albedo it was splatted with */
    float streak_rgb[3];            /* each channel's whole darkening over green's (the texture's) */
    float streak_texel_mm;          /* the texture's texel on the skin (the chart's scale at its centre) */
    int streak_splats;              /* render_stats.hair_streak_splats */
    bool streak_now;                /* the texture serves this frame (render_hair_streaks_update) */
};

/* A square chart texture, size texels a side, mip-mapped and clamped, from data (NULL: undefined), unbound.
 */
static GLuint chart_texture(GLenum internal, int size, GLenum format, GLenum type, const void *data)
{
    GLuint t;
    glGenTextures(1, &t);
    glBindTexture(GL_TEXTURE_2D, t);
    glTexImage2D(GL_TEXTURE_2D, 0, (GLint)internal, size, size, 0, format, type, data);
    glGenerateMipmap(GL_TEXTURE_2D);
    render_texture_clamped(GL_LINEAR_MIPMAP_LINEAR, GL_LINEAR);
    glBindTexture(GL_TEXTURE_2D, 0);
    return t;
}

/* The layer's target: a half-float texture over the whole chart, with mip levels for reading it over
 * LAYER_READ_MM. Its sums of many small areas round at 11 bits; against 32-bit floats the images moved by
 * 16x16-block CIEDE2000 0.05 at most (30 mm and 8 mm hair, the built-in plan; docs/benchmarks.md), and the
 * half floats keep the window's peak memory under its budget. */
static smp_status layer_create(render_hair *h, smp_error *err)
{
    glGenVertexArrays(1, &h->layer_vao);
    glGenBuffers(1, &h->layer_vbo);
    glBindVertexArray(h->layer_vao);
    glBindBuffer(GL_ARRAY_BUFFER, h->layer_vbo);
    render_float_attribs(0, (const int[]){2, 3}, 2, SCALP_HAIR_LAYER_FLOATS, 0, 0);
    glBindVertexArray(0);
    glBindBuffer(GL_ARRAY_BUFFER, 0);
    h->layer_tex = chart_texture(GL_RG16F, LAYER_SIZE, GL_RG, GL_FLOAT, NULL);
    glGenFramebuffers(1, &h->layer_fbo);
    glBindFramebuffer(GL_FRAMEBUFFER, h->layer_fbo);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, h->layer_tex, 0);
    GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    if (status != GL_FRAMEBUFFER_COMPLETE)
        return smp_error_set(err, SMP_ERR_GL, "render: the hair layer's target is incomplete (0x%x)", status);
    h->layer_lost_valid = -1;
    return SMP_OK;
}

/* The layer of hair on head into the vertex buffer, once per plan. */
static smp_status layer_upload(render_hair *h, const scalp_hair *hair, const scalp_head *head, smp_error *err)
{
    h->layer_points = 0;
    h->layer_lost_valid = -1;
    free(h->layer_lost_sorted);
    h->layer_lost_sorted = NULL;
    if (!hair || hair->count == 0 || !head) return SMP_OK;
    scalp_hair_layer layer;
    smp_status st = scalp_hair_layer_create(&layer, hair, head, err);
    if (st != SMP_OK) return st;
    h->layer_lost_sorted = malloc(sizeof *h->layer_lost_sorted * (size_t)hair->count);
    if (!h->layer_lost_sorted) {
        scalp_hair_layer_destroy(&layer);
        return smp_error_set(err, SMP_ERR_NOMEM, "render: out of memory for the hair layer");
    }
    for (int i = 0; i < hair->count; ++i)
        h->layer_lost_sorted[i] = hair->shafts[i].lost_year;
    qsort(h->layer_lost_sorted, (size_t)hair->count, sizeof(float), smp_cmp_float);
    size_t points = (size_t)layer.hair_count * (size_t)layer.points_per_hair;
    glBindBuffer(GL_ARRAY_BUFFER, h->layer_vbo);
    glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(sizeof(float) * SCALP_HAIR_LAYER_FLOATS * points),
                 layer.points, GL_STATIC_DRAW);
    glBindBuffer(GL_ARRAY_BUFFER, 0);
    h->layer_points = (int)points;
    h->layer_mm_per_uv = (float)head->uv_scale_mm;
    scalp_hair_layer_destroy(&layer);
    return SMP_OK;
}

/* How many of the n sorted years are above years: the hairs not yet lost (or grey) then. */
static int count_above(const float *sorted, int n, float years)
{
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (sorted[mid] <= years)
            lo = mid + 1;
        else
            hi = mid;
    }
    return n - lo;
}

/* Hairs not yet lost at years. */
static int layer_alive(const render_hair *h, float years)
{
    return count_above(h->layer_lost_sorted, h->count, years);
}

static void strand_lod(const render_hair *h, const render_frame *f, int *stride, int *level);
static float stubble_subset(const render_hair *h, const render_frame *f, int *count);
static float stubble_subset_shadow(const render_hair *h, const render_frame *f, float texel_mm, int *count);

long render_hair_shadow_key(const render_hair *h, const render_frame *f, float texel_mm)
{
    if (!h || h->count == 0 || f->hair_hidden) return -1;
    int stride = 0, level = 0, count;
    if (h->strand_count > 0) strand_lod(h, f, &stride, &level);
    long subset = (long)(1.0f / stubble_subset_shadow(h, f, texel_mm, &count)); /* 1, 2, 4 or 8 */
    return ((long)layer_alive(h, f->years) * 2 * STRAND_LEVELS + level * 2 + stride) * 16 + subset;
}

bool render_hair_layer_update(render_hair *h, const render_frame *f)
{
    if (!h || h->layer_points == 0 || f->hair_hidden) return false;
    int alive = layer_alive(h, f->years);
    if (alive == h->layer_lost_valid) return true;
    h->layer_lost_valid = alive;
    h->layer_splats++;
    GLint viewport[4];
    glGetIntegerv(GL_VIEWPORT, viewport);
    glBindFramebuffer(GL_FRAMEBUFFER, h->layer_fbo);
    glViewport(0, 0, LAYER_SIZE, LAYER_SIZE);
    glClearBufferfv(GL_COLOR, 0, (const float[4]){0.0f, 0.0f, 0.0f, 0.0f});
    glDisable(GL_DEPTH_TEST);
    glEnable(GL_BLEND);
    glBlendFunc(GL_ONE, GL_ONE);
    glUseProgram(h->prog_layer);
    glUniform1f(uloc(h->prog_layer, "u_years"), f->years);
    /* A texel's area in chart uv²: the points' areas over it sum to tau. */
    glUniform1f(uloc(h->prog_layer, "u_texel_uv2"), 1.0f / ((float)LAYER_SIZE * (float)LAYER_SIZE));
    glBindVertexArray(h->layer_vao);
    /* In batches with a flush between them: a software rasteriser (llvmpipe) bins a whole draw before it
     * rasterises it, and one draw of every point held ~55 MB of bins at the frame's peak. */
    for (int first = 0; first < h->layer_points; first += LAYER_BATCH) {
        glDrawArrays(GL_POINTS, first,
                     h->layer_points - first < LAYER_BATCH ? h->layer_points - first : LAYER_BATCH);
        glFlush();
    }
    glBindVertexArray(0);
    glDisable(GL_BLEND);
    glBindTexture(GL_TEXTURE_2D, h->layer_tex);
    glGenerateMipmap(GL_TEXTURE_2D);
    glBindTexture(GL_TEXTURE_2D, 0);
    glViewport(viewport[0], viewport[1], viewport[2], viewport[3]);
    return true;
}

void render_hair_layer_bind(const render_hair *h, GLuint prog, int unit, bool present)
{
    glUniform1i(uloc(prog, "u_hair_layer_enabled"), present ? 1 : 0);
    if (!present) return;
    float texel_mm = h->layer_mm_per_uv / (float)LAYER_SIZE;
    glUniform1f(uloc(prog, "u_hair_layer_lod"), fmaxf(log2f(LAYER_READ_MM / texel_mm), 0.0f));
    glActiveTexture(GL_TEXTURE0 + unit);
    glBindTexture(GL_TEXTURE_2D, h->layer_tex);
}

static float pixel_scale(const render_frame *f);

/* The streaks' far-path texture, cleared (mesh.frag reads it, times 0, before the first splat). */
static smp_status streaks_create(render_hair *h, smp_error *err)
{
    uint16_t *zero = calloc((size_t)STREAK_MAP_SIZE * STREAK_MAP_SIZE, sizeof *zero);
    if (!zero) return smp_error_set(err, SMP_ERR_NOMEM, "render: out of memory for the streaks' chart");
    h->streak_tex = chart_texture(GL_R16F, STREAK_MAP_SIZE, GL_RED, GL_HALF_FLOAT, zero);
    free(zero);
    h->streak_alive = -1;
    return SMP_OK;
}

/* Each record's place on head's chart for the streaks' splat: its root's uv, the uv per mm along its streak
 * (away from the exit point, over hair_streak.vert's tangent t: a central difference over 1 mm each way in
 * the tangent plane) and the chart's uv² per mm² there; and the grey years, sorted. */
static smp_status streaks_chart(render_hair *h, const scalp_hair *hair, const smp_keyed *order,
                                const scalp_head *head, smp_error *err)
{
    h->streak_alive = -1;
    if (!head) return SMP_OK;
    h->streak_texel_mm = (float)head->uv_scale_mm / (float)STREAK_MAP_SIZE;
    h->streak_chart = malloc(sizeof(float) * STREAK_CHART_FLOATS * (size_t)hair->count);
    h->grey_sorted = malloc(sizeof(float) * (size_t)hair->count);
    if (!h->streak_chart || !h->grey_sorted)
        return smp_error_set(err, SMP_ERR_NOMEM, "render: out of memory for the streaks' chart");
    for (int r = 0; r < hair->count; ++r) {
        const scalp_hair_shaft *s = &hair->shafts[order[r].index];
        const float *n = s->normal, *d = s->direction;
        float dn = d[0] * n[0] + d[1] * n[1] + d[2] * n[2];
        float t[3] = {d[0] - n[0] * dn, d[1] - n[1] * dn, d[2] - n[2] * dn};
        float tl = sqrtf(t[0] * t[0] + t[1] * t[1] + t[2] * t[2]);
        if (tl <= 1e-4f) { /* cross(n, x) */
            t[0] = 0.0f, t[1] = n[2], t[2] = -n[1];
            tl = sqrtf(t[1] * t[1] + t[2] * t[2]);
        }
        float back[3], ahead[3], uv0[2], uv1[2], j[4];
        for (int k = 0; k < 3; ++k) {
            back[k] = s->root_mm[k] - t[k] / tl;
            ahead[k] = s->root_mm[k] + t[k] / tl;
        }
        float *o = h->streak_chart + STREAK_CHART_FLOATS * (size_t)r;
        scalp_head_uv(head, s->root_mm, o);
        scalp_head_uv(head, back, uv0);
        scalp_head_uv(head, ahead, uv1);
        o[2] = 0.5f * (uv0[0] - uv1[0]);
        o[3] = 0.5f * (uv0[1] - uv1[1]);
        scalp_head_uv_jacobian(head, s->root_mm, s->normal, j);
        o[4] = fabsf(j[0] * j[3] - j[1] * j[2]);
        h->grey_sorted[r] = s->grey_year;
    }
    qsort(h->grey_sorted, (size_t)hair->count, sizeof(float), smp_cmp_float);
    return SMP_OK;
}

/* Adds value at chart point (u, v) to the four texels of acc around it, by bilinear weights. */
static void splat_bilinear(float *acc, float u, float v, float value)
{
    const int n = STREAK_MAP_SIZE;
    float x = u * (float)n - 0.5f, y = v * (float)n - 0.5f;
    if (!(x > -1.0f && y > -1.0f && x < (float)n && y < (float)n)) return;
    int i = (int)floorf(x), j = (int)floorf(y);
    float fx = x - (float)i, fy = y - (float)j;
    const float w[4] = {(1.0f - fx) * (1.0f - fy), fx * (1.0f - fy), (1.0f - fx) * fy, fx * fy};
    for (int k = 0; k < 4; ++k) {
        int a = i + (k & 1), b = j + (k >> 1);
        if (a >= 0 && b >= 0 && a < n && b < n) acc[(size_t)b * (size_t)n + (size_t)a] += w[k] * value;
    }
}

/* The streaks' mean darkening per unit of skin area, green channel, into acc (STREAK_MAP_SIZE², zeroed), and
 * each channel's whole darkening summed over the hairs into sums. hair_streak.vert's model without what keeps
 * the mean (the pixel's filter, the thinning): a shaft neither lost nor grey by the frame's years darkens
 * contrast x pigment x diameter x (1 - albedo) x exp(-s tan(angle) / D) per mm at s behind its exit point,
 * up to s_end = min(2.5 max D, bulb depth) / tan(angle); its integral over steps of at most half a texel
 * goes to each step's middle. */
static void streaks_splat(const render_hair *h, const render_frame *f, float *acc, double sums[3])
{
    const float *depth = f->hair_dermal_depth_mm, *albedo = f->hair_linear_rgb;
    const float dmax = fmaxf(depth[0], fmaxf(depth[1], depth[2]));
    const float texels = (float)STREAK_MAP_SIZE * (float)STREAK_MAP_SIZE;
    for (int r = 0; r < h->count; ++r) {
        const float *o = h->records + HAIR_FLOATS * (size_t)r;
        const float *c = h->streak_chart + STREAK_CHART_FLOATS * (size_t)r;
        if (o[13] <= f->years || o[14] <= f->years || o[11] <= 0.0f) continue;
        float dn = o[3] * o[6] + o[4] * o[7] + o[5] * o[8];
        float angle = fmaxf(asinf(fminf(fmaxf(dn, 0.0f), 1.0f)), RENDER_HAIR_STREAK_MIN_ANGLE);
        float tan_a = tanf(angle), s_end = fminf(2.5f * dmax, o[12]) / tan_a;
        float amp[3];
        for (int k = 0; k < 3; ++k) {
            amp[k] = f->hair_dermal_contrast * o[11] * o[9] * (1.0f - albedo[k]);
            float lambda = tan_a / depth[k];
            sums[k] += (double)(amp[k] * -expm1f(-lambda * s_end) / lambda);
        }
        float lambda = tan_a / depth[1];
        float texel_steps = s_end * sqrtf(c[2] * c[2] + c[3] * c[3]) * (float)STREAK_MAP_SIZE * 2.0f;
        int steps = texel_steps > 1.0f ? (int)ceilf(texel_steps) : 1;
        float ds = s_end / (float)steps, scale = amp[1] / lambda * c[4] * texels, e0 = 1.0f;
        for (int i = 0; i < steps; ++i) {
            float e1 = expf(-lambda * ds * (float)(i + 1)), sm = ds * ((float)i + 0.5f);
            splat_bilinear(acc, c[0] + sm * c[2], c[1] + sm * c[3], scale * (e0 - e1));
            e0 = e1;
        }
    }
}

bool render_hair_streaks_update(render_hair *h, const render_frame *f)
{
    if (h) h->streak_now = false;
    if (!h || h->count == 0 || f->hair_hidden || !h->streak_chart) return false;
    int alive = layer_alive(h, f->years), brown = count_above(h->grey_sorted, h->count, f->years);
    const float params[7] = {f->hair_dermal_contrast,    f->hair_dermal_depth_mm[0],
                             f->hair_dermal_depth_mm[1], f->hair_dermal_depth_mm[2],
                             f->hair_linear_rgb[0],      f->hair_linear_rgb[1],
                             f->hair_linear_rgb[2]};
    /* The interactive path lets up to 1 % of the hairs pass (a splat costs some 30 ms, a frame's budget, and
     * scrubbing a plan whose hairs grey would splat every frame); the full-quality frame that follows splats
     * exactly. */
    int changed = abs(alive - h->streak_alive) + abs(brown - h->streak_brown);
    if (h->streak_alive >= 0 && memcmp(params, h->streak_params, sizeof params) == 0 &&
        (changed == 0 || (f->interactive && changed <= h->count / 100))) {
        h->streak_now = true;
        return true;
    }
    float *acc = calloc((size_t)STREAK_MAP_SIZE * STREAK_MAP_SIZE, sizeof *acc);
    if (!acc) return false; /* out of memory: the drawn streaks alone (render_hair_streaks_bind) */
    double sums[3] = {0.0, 0.0, 0.0};
    streaks_splat(h, f, acc, sums);
    glBindTexture(GL_TEXTURE_2D, h->streak_tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, STREAK_MAP_SIZE, STREAK_MAP_SIZE, GL_RED, GL_FLOAT, acc);
    glGenerateMipmap(GL_TEXTURE_2D);
    glBindTexture(GL_TEXTURE_2D, 0);
    free(acc);
    for (int k = 0; k < 3; ++k)
        h->streak_rgb[k] = sums[1] > 0.0 ? (float)(sums[k] / sums[1]) : 0.0f;
    h->streak_alive = alive;
    h->streak_brown = brown;
    memcpy(h->streak_params, params, sizeof params);
    h->streak_splats++;
    h->streak_now = true;
    return true;
}

/* The pixel sigmas (mm) over which the streaks' far path takes over (0 at the first, 1 at the second), by
 * f->hair_streak_path: the dots' own, or one path alone. */
static void streak_lod(const render_frame *f, float lod[2])
{
    lod[0] = STREAK_LOD_NEAR_MM, lod[1] = STREAK_LOD_FAR_MM;
    if (f->hair_streak_path == RENDER_STREAKS_DRAWN) lod[0] = 1e9f, lod[1] = 2e9f;
    if (f->hair_streak_path == RENDER_STREAKS_CHART) lod[0] = -2.0f, lod[1] = -1.0f;
}

/* Whether the streaks' texture holds this frame's darkening (render_hair_streaks_update ran for it). */
static bool streaks_ready(const render_hair *h, const render_frame *f)
{
    return h && h->streak_now && !f->hair_hidden && h->count > 0;
}

void render_hair_streaks_bind(const render_hair *h, GLuint prog, int unit, const render_frame *f)
{
    bool on = streaks_ready(h, f);
    float lod[2];
    streak_lod(f, lod);
    glUniform2fv(uloc(prog, "u_hair_streak_lod"), 1, lod);
    glUniform3fv(uloc(prog, "u_hair_streak_rgb"), 1, on ? h->streak_rgb : (const float[3]){0.0f, 0.0f, 0.0f});
    glUniform1f(uloc(prog, "u_hair_streak_texels"), on ? pixel_scale(f) / h->streak_texel_mm : 0.0f);
    glActiveTexture(GL_TEXTURE0 + unit);
    glBindTexture(GL_TEXTURE_2D, h ? h->streak_tex : 0);
    glActiveTexture(GL_TEXTURE0);
}

int render_hair_streak_splat_count(const render_hair *h)
{
    return h ? h->streak_splats : 0;
}

static const render_sampler_unit strand_samplers[] = {
    {"u_points", STRAND_UNIT_POINTS}, {"u_hairs", STRAND_UNIT_HAIRS}, {NULL, 0}};

smp_status render_hair_create(render_hair **out, bool disk, bool multisampled, smp_error *err)
{
    *out = NULL;
    render_hair *h = calloc(1, sizeof *h);
    if (!h) return smp_error_set(err, SMP_ERR_NOMEM, "render: out of memory for the hair pass");
    h->margin = multisampled ? 1.0f : 0.0f;
    /* Sampler units are set per draw (the caller names the shadow map's unit). */
    smp_status st;
    if ((st = render_program_create(&h->prog_hair, "hair.vert", "hair.frag", false, NULL, disk, err)) ||
        (st = render_program_create(&h->prog_shadow, "hair.vert", "shadow.frag", false, NULL, disk, err)) ||
        (st = render_program_create(&h->prog_streak, "hair_streak.vert", "hair_streak.frag", false, NULL,
                                    disk, err)) ||
        (st = render_program_create(&h->prog_strand, "hair_strand.vert", "hair.frag", false, strand_samplers,
                                    disk, err)) ||
        (st = render_program_create(&h->prog_strand_shadow, "hair_strand.vert", "shadow.frag", false,
                                    strand_samplers, disk, err)) ||
        (st = render_program_create(&h->prog_layer, "hair_layer.vert", "hair_layer.frag", false, NULL, disk,
                                    err))) {
        render_hair_destroy(h);
        return st;
    }
    static const float corners[] = {-1.0f, 0.0f, 1.0f, 0.0f, -1.0f, 1.0f, 1.0f, 1.0f};
    render_quad_vao_create(&h->vao, &h->corner_vbo, corners);
    glGenBuffers(1, &h->instance_vbo);
    glBindBuffer(GL_ARRAY_BUFFER, h->instance_vbo);
    glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(sizeof(float) * HAIR_FLOATS * STAGE_INSTANCES), NULL,
                 GL_STREAM_DRAW);
    render_float_attribs(1, (const int[]){3, 3, 3, 4, 2}, 5, HAIR_FLOATS, 0, 1);
    glBindVertexArray(0);
    glGenVertexArrays(1, &h->strand_vao);
    glGenBuffers(1, &h->points_buf);
    glGenBuffers(1, &h->hairs_buf);
    glGenBuffers(2, h->index_buf);
    glGenTextures(1, &h->points_tex);
    glGenTextures(1, &h->hairs_tex);
    if ((st = layer_create(h, err)) || (st = streaks_create(h, err))) {
        render_hair_destroy(h);
        return st;
    }
    *out = h;
    return SMP_OK;
}

void render_hair_destroy(render_hair *h)
{
    if (!h) return;
    GLuint progs[] = {h->prog_hair,   h->prog_shadow,        h->prog_streak,
                      h->prog_strand, h->prog_strand_shadow, h->prog_layer};
    for (int i = 0; i < 6; ++i)
        if (progs[i]) glDeleteProgram(progs[i]);
    GLuint vaos[] = {h->vao, h->strand_vao, h->layer_vao};
    for (int i = 0; i < 3; ++i)
        if (vaos[i]) glDeleteVertexArrays(1, &vaos[i]);
    GLuint bufs[] = {h->corner_vbo,   h->instance_vbo, h->points_buf, h->hairs_buf,
                     h->index_buf[0], h->index_buf[1], h->layer_vbo};
    glDeleteBuffers(7, bufs);
    GLuint texs[] = {h->points_tex, h->hairs_tex, h->layer_tex, h->streak_tex};
    glDeleteTextures(4, texs);
    if (h->layer_fbo) glDeleteFramebuffers(1, &h->layer_fbo);
    free(h->layer_lost_sorted);
    free(h->streak_chart);
    free(h->grey_sorted);
    free(h->keys_sorted);
    free(h->records);
    free(h->patch);
    free(h->selected);
    free(h->visible);
    free(h->visible_streak);
    render_hair_patches_deinit(&h->patches);
    free(h->boxes);
    free(h);
}

/* Lying hair: the centrelines of scalp/hair_shape.h into buffer textures, once per plan. */
static smp_status strands_upload(render_hair *h, const scalp_hair *hair, smp_error *err)
{
    h->strand_count = 0;
    h->strand_points = 0;
    if (!hair || hair->count == 0 || hair->strand_points <= 0) return SMP_OK;
    const int n = hair->strand_points, count = hair->count;
    const size_t points = (size_t)n * (size_t)count;
    float *pts = malloc(sizeof *pts * 4 * points);
    float *per = malloc(sizeof *per * 8 * (size_t)count);
    smp_keyed *order = malloc(sizeof *order * (size_t)count);
    /* Indices: two per point plus a restart per hair; the coarse list has at most n / 2 + 1 points. */
    size_t max_fine = (size_t)count * (2 * (size_t)n + 1),
           max_coarse = (size_t)count * (2 * (size_t)(n / 2 + 2) + 1);
    GLuint *fine = malloc(sizeof *fine * max_fine), *coarse = malloc(sizeof *coarse * max_coarse);
    if (!pts || !per || !order || !fine || !coarse) {
        free(pts), free(per), free(order), free(fine), free(coarse);
        return smp_error_set(err, SMP_ERR_NOMEM, "render: out of memory uploading %d hair strands", count);
    }
    double sum_len = 0.0, sum_d = 0.0;
    for (int i = 0; i < count; ++i) {
        const scalp_hair_shaft *s = &hair->shafts[i];
        const float *c = hair->strand_mm + 3 * (size_t)n * (size_t)i;
        for (int k = 0; k < n; ++k) {
            float *o = pts + 4 * ((size_t)n * (size_t)i + (size_t)k);
            memcpy(o, c + 3 * k, 3 * sizeof(float));
            o[3] = (float)i;
        }
        float *q = per + 8 * (size_t)i;
        memcpy(q, s->normal, 3 * sizeof(float));
        q[3] = render_hair_key(s->root_mm);
        q[4] = s->diameter_mm;
        q[5] = s->pigment;
        q[6] = s->lost_year;
        q[7] = s->grey_year;
        order[i] = (smp_keyed){q[3], i};
        sum_len += s->length_mm;
        sum_d += s->diameter_mm;
    }
    qsort(order, (size_t)count, sizeof *order, smp_cmp_keyed);
    size_t nf = 0, nc = 0;
    for (int r = 0; r < count; ++r) {
        GLuint base = (GLuint)((size_t)n * (size_t)order[r].index);
        for (int k = 0; k < n; ++k) {
            fine[nf++] = 2 * (base + (GLuint)k);
            fine[nf++] = 2 * (base + (GLuint)k) + 1;
            if (k % 2 == 0 || k == n - 1) {
                coarse[nc++] = 2 * (base + (GLuint)k);
                coarse[nc++] = 2 * (base + (GLuint)k) + 1;
            }
        }
        fine[nf++] = 0xffffffffu;
        coarse[nc++] = 0xffffffffu;
        /* The end of each level's subset: the first count / 2^level hairs in key order. */
        for (int l = 0; l < STRAND_LEVELS; ++l) {
            int last = (count + (1 << l) - 1) >> l;
            if (r == last - 1) h->level_end[0][l] = (GLsizei)nf, h->level_end[1][l] = (GLsizei)nc;
        }
    }
    glBindBuffer(GL_TEXTURE_BUFFER, h->points_buf);
    glBufferData(GL_TEXTURE_BUFFER, (GLsizeiptr)(sizeof *pts * 4 * points), pts, GL_STATIC_DRAW);
    glBindTexture(GL_TEXTURE_BUFFER, h->points_tex);
    glTexBuffer(GL_TEXTURE_BUFFER, GL_RGBA32F, h->points_buf);
    glBindBuffer(GL_TEXTURE_BUFFER, h->hairs_buf);
    glBufferData(GL_TEXTURE_BUFFER, (GLsizeiptr)(sizeof *per * 8 * (size_t)count), per, GL_STATIC_DRAW);
    glBindTexture(GL_TEXTURE_BUFFER, h->hairs_tex);
    glTexBuffer(GL_TEXTURE_BUFFER, GL_RGBA32F, h->hairs_buf);
    glBindTexture(GL_TEXTURE_BUFFER, 0);
    glBindBuffer(GL_TEXTURE_BUFFER, 0);
    /* The element buffer binding is the vertex array's state: upload both while it is bound. */
    glBindVertexArray(h->strand_vao);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, h->index_buf[1]);
    glBufferData(GL_ELEMENT_ARRAY_BUFFER, (GLsizeiptr)(sizeof *coarse * nc), coarse, GL_STATIC_DRAW);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, h->index_buf[0]);
    glBufferData(GL_ELEMENT_ARRAY_BUFFER, (GLsizeiptr)(sizeof *fine * nf), fine, GL_STATIC_DRAW);
    glBindVertexArray(0);
    free(pts), free(per), free(order), free(fine), free(coarse);
    h->strand_count = count;
    h->strand_points = n;
    h->strand_length_mm = (float)(sum_len / count);
    h->strand_diameter_mm = (float)(sum_d / count);
    return SMP_OK;
}

/* The hair's parts for render_hair_boxes: each shaft as the ball of its length around its root (every point
 * of it, bent or not, lies within), each strand point with its diameter. */
static void hair_boxes_build(render_boxes *b, const scalp_hair *hair, int strand_points)
{
    float lo[3] = {INFINITY, INFINITY, INFINITY}, hi[3] = {-INFINITY, -INFINITY, -INFINITY};
    for (int pass = 0; pass < 2; ++pass) {
        if (pass == 1) render_boxes_init(b, lo, hi);
        for (int i = 0; i < hair->count; ++i) {
            const scalp_hair_shaft *s = &hair->shafts[i];
            float r = s->length_mm + s->diameter_mm;
            for (int k = 0; k < 3 && pass == 0; ++k)
                lo[k] = fminf(lo[k], s->root_mm[k] - r), hi[k] = fmaxf(hi[k], s->root_mm[k] + r);
            if (pass == 1) render_boxes_add(b, s->root_mm, r);
            for (int j = 0; j < strand_points; ++j) {
                const float *p = hair->strand_mm + 3 * ((size_t)strand_points * (size_t)i + (size_t)j);
                for (int k = 0; k < 3 && pass == 0; ++k)
                    lo[k] = fminf(lo[k], p[k] - s->diameter_mm), hi[k] = fmaxf(hi[k], p[k] + s->diameter_mm);
                if (pass == 1) render_boxes_add(b, p, s->diameter_mm);
            }
        }
    }
}

smp_status render_hair_upload(render_hair *h, const scalp_hair *hair, const scalp_head *head, smp_error *err)
{
    h->count = 0;
    h->strand_count = 0;
    h->layer_points = 0;
    free(h->keys_sorted), free(h->records), free(h->patch), free(h->selected), free(h->visible),
        free(h->visible_streak), free(h->streak_chart), free(h->grey_sorted);
    h->streak_chart = h->grey_sorted = NULL;
    h->streak_alive = -1;
    h->streak_now = false;
    h->keys_sorted = h->records = NULL;
    h->patch = h->selected = NULL;
    h->visible = h->visible_streak = NULL;
    render_hair_patches_deinit(&h->patches);
    if (!hair || hair->count == 0) return SMP_OK;
    smp_status st = render_hair_patches_init(&h->patches, hair, err);
    if (st != SMP_OK) return st;
    float *data = malloc(sizeof(float) * HAIR_FLOATS * (size_t)hair->count);
    smp_keyed *order = malloc(sizeof *order * (size_t)hair->count);
    h->keys_sorted = malloc(sizeof *h->keys_sorted * (size_t)hair->count);
    h->patch = malloc(sizeof *h->patch * (size_t)hair->count);
    h->selected = malloc(sizeof *h->selected * (size_t)hair->count);
    h->visible = malloc((size_t)h->patches.patch_count);
    h->visible_streak = malloc((size_t)h->patches.patch_count);
    if (!h->boxes) h->boxes = malloc(sizeof *h->boxes);
    if (!data || !order || !h->keys_sorted || !h->patch || !h->selected || !h->visible ||
        !h->visible_streak || !h->boxes) {
        free(data), free(order);
        return smp_error_set(err, SMP_ERR_NOMEM, "render: out of memory uploading %d hairs", hair->count);
    }
    for (int i = 0; i < hair->count; ++i)
        order[i] = (smp_keyed){render_hair_key(hair->shafts[i].root_mm), i};
    qsort(order, (size_t)hair->count, sizeof *order, smp_cmp_keyed);
    h->max_diameter_mm = 0.0f;
    h->max_reach_mm = 0.0f;
    for (int r = 0; r < hair->count; ++r) {
        const scalp_hair_shaft *s = &hair->shafts[order[r].index];
        h->keys_sorted[r] = order[r].key;
        h->patch[r] = h->patches.patch_of[order[r].index];
        h->max_diameter_mm = fmaxf(h->max_diameter_mm, s->diameter_mm);
        float rr = sqrtf(s->root_mm[0] * s->root_mm[0] + s->root_mm[1] * s->root_mm[1] +
                         s->root_mm[2] * s->root_mm[2]);
        h->max_reach_mm = fmaxf(h->max_reach_mm, rr + s->length_mm);
        float *o = data + HAIR_FLOATS * (size_t)r;
        memcpy(o, s->root_mm, 3 * sizeof(float));
        memcpy(o + 3, s->direction, 3 * sizeof(float));
        memcpy(o + 6, s->normal, 3 * sizeof(float));
        o[9] = s->diameter_mm;
        o[10] = s->length_mm;
        o[11] = s->pigment;
        o[12] = s->bulb_depth_mm;
        o[13] = s->lost_year;
        o[14] = s->grey_year;
    }
    h->records = data;
    st = streaks_chart(h, hair, order, head, err);
    free(order);
    if (st != SMP_OK) return st;
    hair_boxes_build(h->boxes, hair, hair->strand_points > 0 ? hair->strand_points : 0);
    h->count = hair->count;
    h->uploads++;
    st = strands_upload(h, hair, err);
    return st == SMP_OK ? layer_upload(h, hair, head, err) : st;
}

const render_boxes *render_hair_boxes(const render_hair *h)
{
    return h && h->count > 0 ? h->boxes : NULL;
}

int render_hair_upload_count(const render_hair *h)
{
    return h ? h->uploads : 0;
}

int render_hair_layer_splat_count(const render_hair *h)
{
    return h ? h->layer_splats : 0;
}

void render_hair_frame_defaults(render_frame *f)
{
    /* The default plan's hair colour, #2b1e16, in linear sRGB; unpigmented hair is a slightly yellowish
     * white (assumption). The intradermal numbers are assumptions (docs/model.md "Hair"): a shaft just under
     * the surface removes 60 % of the light over its width; the contrast falls with depth z as exp(-z / D)
     * with D per channel near 1 / (2 mu_eff) of dermis (red sees deepest; shortened by eye), and blurs by
     * 0.4 mm per mm of depth. */
    const float hair[3] = {0.0242f, 0.0130f, 0.0080f}, grey[3] = {0.60f, 0.58f, 0.52f};
    const float depth[3] = {0.60f, 0.42f, 0.30f};
    memcpy(f->hair_linear_rgb, hair, sizeof hair);
    memcpy(f->hair_grey_linear_rgb, grey, sizeof grey);
    memcpy(f->hair_dermal_depth_mm, depth, sizeof depth);
    f->hair_dermal_contrast = 0.6f;
    f->hair_dermal_blur = 0.4f;
    f->hair_hidden = false;
    f->hair_streak_path = RENDER_STREAKS_AUTO;
}

/* Millimetres of a pixel per millimetre of view depth: 2 / (P[1][1] * height) for a perspective camera. */
static float pixel_scale(const render_frame *f)
{
    float p11 = f->proj[1][1];
    return p11 > 0.0f ? 2.0f / (p11 * (float)f->height) : 0.0f;
}

/* The level of detail of lying hair for this frame: which index list (0 every point, 1 every other) and
 * which subset (the first 1 / 2^level of the hairs in key order). */
static void strand_lod(const render_hair *h, const render_frame *f, int *stride, int *level)
{
    /* Pixel size at the head (the head frame's origin lies between the ear canals). */
    float dist =
        sqrtf(f->eye_mm[0] * f->eye_mm[0] + f->eye_mm[1] * f->eye_mm[1] + f->eye_mm[2] * f->eye_mm[2]);
    float px = pixel_scale(f) * dist;
    float alpha = px > 0.0f ? fminf(1.0f, h->strand_diameter_mm / (2.0f * px)) : 1.0f;
    *level = 0;
    while (*level < STRAND_LEVELS - 1 && alpha * (float)(1 << (*level + 1)) <= 1.0f &&
           alpha * (float)(1 << *level) < STRAND_MIN_ALPHA)
        ++*level;
    float segment_px = px > 0.0f ? h->strand_length_mm / (float)(h->strand_points - 1) / px : 1e9f;
    *stride = segment_px < STRAND_COARSE_PIXELS ? 1 : 0;
}

/* The interactive path's subset of the stubble: the share q of the hairs (the first in key order) drawn with
 * opacity, darkening or shadow width raised by 1 / q, which keeps the expected tone (as the shaders' own
 * thinning does). Only when even the widest shaft is at most q / 2 of px_mm, the pixel (or the shadow map's
 * texel) at the nearest point of the hair, so no raised opacity exceeds 1. Returns q and sets *count; the
 * full path draws every hair. */
static float stubble_subset_at(const render_hair *h, const render_frame *f, float px_mm, int *count)
{
    *count = h->count;
    if (!f->interactive || !h->keys_sorted) return 1.0f;
    float width = px_mm > 0.0f ? h->max_diameter_mm / (2.0f * px_mm) : 1.0f;
    float q = 1.0f;
    while (q > 0.125f && width <= 0.5f * q)
        q *= 0.5f;
    if (q == 1.0f) return q;
    int lo = 0, hi = h->count;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (h->keys_sorted[mid] < q)
            lo = mid + 1;
        else
            hi = mid;
    }
    *count = lo;
    return q;
}

/* The subset the camera sees: by the pixel at the hair's nearest point. */
static float stubble_subset(const render_hair *h, const render_frame *f, int *count)
{
    float dist =
        sqrtf(f->eye_mm[0] * f->eye_mm[0] + f->eye_mm[1] * f->eye_mm[1] + f->eye_mm[2] * f->eye_mm[2]);
    return stubble_subset_at(h, f, pixel_scale(f) * fmaxf(dist - h->max_reach_mm, 10.0f), count);
}

/* The subset the key light's map takes on the interactive path: by its texel (texel_mm, the same everywhere
 * in an orthographic map), or the camera's where that is the smaller share. A close-up's camera draws every
 * hair, but a map's texel of about 0.66 mm (512 texels over the head) resolves no single shaft. */
static float stubble_subset_shadow(const render_hair *h, const render_frame *f, float texel_mm, int *count)
{
    int camera_count;
    float camera = stubble_subset(h, f, &camera_count);
    float q = stubble_subset_at(h, f, texel_mm, count);
    if (camera < q) {
        *count = camera_count;
        return camera;
    }
    return q;
}

/* The light, the hair's colours and the shadow map, as the stubble and the strands (one fragment shader) read
 * them; prog is in use. */
static void hair_lit_uniforms_set(GLuint prog, const render_frame *f, int shadow_size, int shadow_unit)
{
    render_light_uniforms_set(prog, f);
    glUniform3fv(uloc(prog, "u_hair_albedo"), 1, f->hair_linear_rgb);
    glUniform3fv(uloc(prog, "u_grey_albedo"), 1, f->hair_grey_linear_rgb);
    glUniform1f(uloc(prog, "u_shadow_texel"), 1.0f / (float)shadow_size);
    glUniform1i(uloc(prog, "u_shadow_map"), shadow_unit);
}

static void strands_draw(render_hair *h, const render_frame *f, GLuint p, const mat4 view_proj, bool shadow)
{
    int stride, level;
    strand_lod(h, f, &stride, &level);
    glUseProgram(p);
    glUniformMatrix4fv(uloc(p, "u_view_proj"), 1, GL_FALSE, (const float *)view_proj);
    glUniform1i(uloc(p, "u_shadow_pass"), shadow ? 1 : 0);
    glUniform3fv(uloc(p, "u_shadow_view_dir"), 1, f->light_dir);
    glUniform3fv(uloc(p, "u_eye_mm"), 1, f->eye_mm);
    glUniform1f(uloc(p, "u_pixel_scale"), pixel_scale(f));
    glUniform1f(uloc(p, "u_margin"), h->margin);
    glUniform1f(uloc(p, "u_keep"), 1.0f / (float)(1 << level));
    /* Roots turned away hide their hair behind the head unless it is long enough to hang past the outline. */
    glUniform1f(uloc(p, "u_cull"), -0.2f - h->strand_length_mm / 60.0f);
    glUniform1f(uloc(p, "u_years"), f->years);
    glUniform1i(uloc(p, "u_strand_points"), h->strand_points);
    glActiveTexture(GL_TEXTURE0 + STRAND_UNIT_POINTS);
    glBindTexture(GL_TEXTURE_BUFFER, h->points_tex);
    glActiveTexture(GL_TEXTURE0 + STRAND_UNIT_HAIRS);
    glBindTexture(GL_TEXTURE_BUFFER, h->hairs_tex);
    glActiveTexture(GL_TEXTURE0);
    glBindVertexArray(h->strand_vao);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, h->index_buf[stride]);
    glEnable(GL_PRIMITIVE_RESTART);
    glPrimitiveRestartIndex(0xffffffffu);
    glDrawElements(GL_TRIANGLE_STRIP, h->level_end[stride][level], GL_UNSIGNED_INT, (void *)0);
    glDisable(GL_PRIMITIVE_RESTART);
    glBindVertexArray(0);
}

/* Selects the first count instances (in key order) that lie in patches marked visible, in the same order (the
 * stubble is alpha-blended: its order shows where shafts overlap); returns how many. */
static int instances_select(render_hair *h, const uint8_t *visible, int count)
{
    int n = 0;
    for (int r = 0; r < count; ++r)
        if (visible[h->patch[r]]) h->selected[n++] = r;
    h->staged += n;
    h->culled += count - n;
    return n;
}

/* Draws the n selected instances (the quad's vertex array bound): STAGE_INSTANCES at a time, copied into
 * instance_vbo. Its old contents are discarded at each copy, so a GPU still reading them does not stall it
 * (on llvmpipe a draw has read its vertices when it returns). */
static void instances_draw(render_hair *h, int n)
{
    const size_t bytes = sizeof(float) * HAIR_FLOATS;
    glBindBuffer(GL_ARRAY_BUFFER, h->instance_vbo);
    for (int first = 0; first < n; first += STAGE_INSTANCES) {
        int k = n - first < STAGE_INSTANCES ? n - first : STAGE_INSTANCES;
        float *dst = glMapBufferRange(GL_ARRAY_BUFFER, 0, (GLsizeiptr)(bytes * (size_t)k),
                                      GL_MAP_WRITE_BIT | GL_MAP_INVALIDATE_BUFFER_BIT);
        if (!dst) break; /* a GL error, which the debug output reports */
        for (int i = 0; i < k; ++i)
            memcpy(dst + (size_t)HAIR_FLOATS * (size_t)i,
                   h->records + (size_t)HAIR_FLOATS * (size_t)h->selected[first + i], bytes);
        glUnmapBuffer(GL_ARRAY_BUFFER);
        glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, k);
    }
    glBindBuffer(GL_ARRAY_BUFFER, 0);
}

void render_hair_cull_counts(const render_hair *h, long *staged, long *culled)
{
    *staged = h ? h->staged : 0;
    *culled = h ? h->culled : 0;
}

void render_hair_draw_shadow(render_hair *h, const render_frame *f, const mat4 light_view_proj,
                             float texel_mm)
{
    if (!h || h->count == 0 || f->hair_hidden) return;
    if (h->strand_count > 0) {
        glDisable(GL_CULL_FACE);
        glEnable(GL_POLYGON_OFFSET_FILL);
        glPolygonOffset(1.5f, 2.0f);
        strands_draw(h, f, h->prog_strand_shadow, light_view_proj, true);
        glDisable(GL_POLYGON_OFFSET_FILL);
        return;
    }
    GLuint p = h->prog_shadow;
    glUseProgram(p);
    glUniformMatrix4fv(uloc(p, "u_view_proj"), 1, GL_FALSE, (const float *)light_view_proj);
    glUniform1i(uloc(p, "u_shadow_pass"), 1);
    glUniform3fv(uloc(p, "u_shadow_view_dir"), 1, f->light_dir);
    glUniform1f(uloc(p, "u_pixel_scale"), 0.0f);
    glUniform1f(uloc(p, "u_min_alpha"), 0.0f);
    glUniform1f(uloc(p, "u_years"), f->years);
    glUniform1f(uloc(p, "u_facing_cut"), RENDER_HAIR_FACING_CUT);
    int count;
    float subset = stubble_subset_shadow(h, f, texel_mm, &count);
    glUniform1f(uloc(p, "u_subset"), subset);
    /* Seen from the light: its orthographic frustum, and the roots facing it. */
    render_hair_view v = {.directional = true, .pixel_scale = 0.0f, .subset = subset};
    glm_mat4_copy((vec4 *)light_view_proj, v.view_proj);
    memcpy(v.toward, f->light_dir, sizeof v.toward);
    render_hair_patches_cull_stubble(&h->patches, &v, h->visible);
    count = instances_select(h, h->visible, count);
    glDisable(GL_CULL_FACE);
    glEnable(GL_POLYGON_OFFSET_FILL);
    glPolygonOffset(1.5f, 2.0f);
    glBindVertexArray(h->vao);
    instances_draw(h, count);
    glBindVertexArray(0);
    glDisable(GL_POLYGON_OFFSET_FILL);
}

void render_hair_draw(render_hair *h, const render_frame *f, const mat4 view_proj, const mat4 light_view_proj,
                      GLuint shadow_tex, int shadow_size, int shadow_unit)
{
    if (!h || h->count == 0 || f->hair_hidden) return;
    float px = pixel_scale(f);
    int count;
    float subset = stubble_subset(h, f, &count);
    /* The patches the camera can show: the streaks' and (unless the hair lies down) the stubble's, one
     * selection for both draws (each shader drops what its own test drops). */
    render_hair_view view = {.directional = false, .pixel_scale = px, .subset = subset};
    /* The streaks' far path: no pixel of a streak whose every point lies beyond view depth far_w needs it
     * drawn. mesh.frag's pixel sigma, half the larger of a pixel's two steps on the surface, is at least half
     * the vertical step, and that is at least the distance from the point to the next row's ray: the pixel's
     * height at the point's view depth w times the cosine of the steepest vertical angle of a ray in the
     * frustum (|tan| up to (1 + |P[2][1]|) / P[1][1]: a cut-down, off-centre projection too); 1 % is kept
     * for rounding. */
    float lod[2];
    streak_lod(f, lod);
    bool far_path = streaks_ready(h, f);
    if (!far_path) lod[0] = 1e9f, lod[1] = 2e9f; /* no texture: the drawn streaks everywhere */
    float far_w = 0.0f;                          /* 0: no cut */
    if (far_path && px > 0.0f && lod[1] < 1e9f) {
        float tan_v = (1.0f + fabsf(f->proj[2][1])) / f->proj[1][1];
        far_w = lod[1] > 0.0f ? lod[1] / (0.99f * 0.5f * px / sqrtf(1.0f + tan_v * tan_v)) : 1e-6f;
    }
    view.streak_far_w = far_w;
    glm_mat4_copy((vec4 *)view_proj, view.view_proj);
    memcpy(view.eye_mm, f->eye_mm, sizeof view.eye_mm);
    const float *depth = f->hair_dermal_depth_mm;
    int streak_patches =
        render_hair_patches_cull_streak(&h->patches, &view, fmaxf(depth[0], fmaxf(depth[1], depth[2])),
                                        f->hair_dermal_blur, h->visible_streak);
    /* One selection for both draws (each shader drops what its own test drops) unless the far path leaves
     * streaks out: then each draw its own, and none for streaks that are all left out. */
    const bool shared = far_w <= 0.0f;
    int all = count, streaks = 0;
    if (h->strand_count > 0) {
        memcpy(h->visible, h->visible_streak, (size_t)h->patches.patch_count);
    } else {
        render_hair_patches_cull_stubble(&h->patches, &view, h->visible);
        if (shared)
            for (int i = 0; i < h->patches.patch_count; ++i)
                h->visible[i] |= h->visible_streak[i];
    }
    if (shared)
        streaks = count = instances_select(h, h->visible, all);
    else if (streak_patches > 0)
        streaks = instances_select(h, h->visible_streak, all);
    glEnable(GL_DEPTH_TEST);
    glDepthFunc(GL_LEQUAL);
    glDepthMask(GL_FALSE);
    glDisable(GL_CULL_FACE);
    glEnable(GL_BLEND);
    glBindVertexArray(h->vao);

    /* Intradermal shafts: skin colour times (1 - darkening). */
    GLuint p = h->prog_streak;
    glUseProgram(p);
    glUniformMatrix4fv(uloc(p, "u_view_proj"), 1, GL_FALSE, (const float *)view_proj);
    glUniform3fv(uloc(p, "u_eye_mm"), 1, f->eye_mm);
    glUniform1f(uloc(p, "u_pixel_scale"), px);
    glUniform3fv(uloc(p, "u_depth_mm"), 1, f->hair_dermal_depth_mm);
    glUniform1f(uloc(p, "u_blur"), f->hair_dermal_blur);
    glUniform1f(uloc(p, "u_contrast"), f->hair_dermal_contrast);
    glUniform3fv(uloc(p, "u_hair_albedo"), 1, f->hair_linear_rgb);
    glUniform1f(uloc(p, "u_min_darkening"), STREAK_MIN_DARKENING);
    glUniform1f(uloc(p, "u_years"), f->years);
    glUniform1f(uloc(p, "u_subset"), subset);
    glUniform1f(uloc(p, "u_min_angle"), RENDER_HAIR_STREAK_MIN_ANGLE);
    glUniform2fv(uloc(p, "u_lod"), 1, lod);
    glUniform1f(uloc(p, "u_far_w"), far_w);
    /* The scene pass has three targets (irradiance, albedo, unscattered: mesh.frag); the shaft darkens only
     * the albedo's rgb. */
    glColorMaski(0, GL_FALSE, GL_FALSE, GL_FALSE, GL_FALSE);
    glColorMaski(1, GL_TRUE, GL_TRUE, GL_TRUE, GL_FALSE);
    glColorMaski(2, GL_FALSE, GL_FALSE, GL_FALSE, GL_FALSE);
    glBlendFuncSeparate(GL_DST_COLOR, GL_ZERO, GL_ZERO, GL_ONE);
    if (streaks > 0) instances_draw(h, streaks);

    /* Stubble above the skin. */
    p = h->prog_hair;
    glUseProgram(p);
    glUniformMatrix4fv(uloc(p, "u_view_proj"), 1, GL_FALSE, (const float *)view_proj);
    glUniformMatrix4fv(uloc(p, "u_light_view_proj"), 1, GL_FALSE, (const float *)light_view_proj);
    glUniform1i(uloc(p, "u_shadow_pass"), 0);
    glUniform3fv(uloc(p, "u_shadow_view_dir"), 1, f->light_dir);
    glUniform1f(uloc(p, "u_pixel_scale"), px);
    glUniform1f(uloc(p, "u_min_alpha"), HAIR_MIN_ALPHA);
    glUniform1f(uloc(p, "u_margin"), h->margin);
    glUniform1f(uloc(p, "u_years"), f->years);
    glUniform1f(uloc(p, "u_subset"), subset);
    glUniform1f(uloc(p, "u_facing_cut"), RENDER_HAIR_FACING_CUT);
    glUniform3fv(uloc(p, "u_eye_mm"), 1, f->eye_mm);
    hair_lit_uniforms_set(p, f, shadow_size, shadow_unit);
    glActiveTexture(GL_TEXTURE0 + shadow_unit);
    glBindTexture(GL_TEXTURE_2D, shadow_tex);
    glActiveTexture(GL_TEXTURE0);
    /* Stubble adds its colour to the unscattered light and scales that target's alpha, the skin's
     * visibility, by 1 - its coverage (sss_y.frag hides the skin's scattered light with it). */
    glColorMaski(0, GL_FALSE, GL_FALSE, GL_FALSE, GL_FALSE);
    glColorMaski(1, GL_FALSE, GL_FALSE, GL_FALSE, GL_FALSE);
    glColorMaski(2, GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
    glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ZERO, GL_ONE_MINUS_SRC_ALPHA);
    if (h->strand_count > 0) {
        /* Lying hair: the strands, lit like the stubble (same fragment shader and uniforms). */
        GLuint q = h->prog_strand;
        glUseProgram(q);
        glUniformMatrix4fv(uloc(q, "u_light_view_proj"), 1, GL_FALSE, (const float *)light_view_proj);
        hair_lit_uniforms_set(q, f, shadow_size, shadow_unit);
        strands_draw(h, f, q, view_proj, false);
    } else {
        if (!shared) count = instances_select(h, h->visible, all);
        instances_draw(h, count);
    }
    for (GLuint i = 0; i < 3; ++i)
        glColorMaski(i, GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);

    glBindVertexArray(0);
    glDisable(GL_BLEND);
    glDepthMask(GL_TRUE);
    glDepthFunc(GL_LESS);
}
