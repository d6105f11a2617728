/* The stubble's patches and their cull (render/hair_patch.h). The bounds follow the shaders' own geometry:
 * every number added to a radius below names the term of hair.vert or hair_streak.vert it covers. */
#include "render/hair_patch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The PCG output permutation (O'Neill 2014), as the shaders' hair_hash. */
static uint32_t pcg_hash(uint32_t x)
{
    uint32_t state = x * 747796405u + 2891336453u;
    uint32_t word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
    return (word >> 22u) ^ word;
}

static uint32_t float_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

float render_hair_key(const float root_mm[3])
{
    uint32_t k = pcg_hash(float_bits(root_mm[0]) ^
                          pcg_hash(float_bits(root_mm[1]) ^ pcg_hash(float_bits(root_mm[2]))));
    return (float)(k >> 8) * (1.0f / 16777216.0f);
}

/* Splits idx[0..n) at the median of its roots' widest coordinate until a part holds at most
 * RENDER_HAIR_PATCH_HAIRS; appends each leaf's size to sizes (in leaf order, idx reordered to match). */
static void kd_split(const scalp_hair *hair, int *idx, int n, smp_keyed *scratch, int *sizes, int *leaves)
{
    if (n <= RENDER_HAIR_PATCH_HAIRS) {
        sizes[(*leaves)++] = n;
        return;
    }
    float lo[3] = {INFINITY, INFINITY, INFINITY}, hi[3] = {-INFINITY, -INFINITY, -INFINITY};
    for (int i = 0; i < n; ++i)
        for (int k = 0; k < 3; ++k) {
            lo[k] = fminf(lo[k], hair->shafts[idx[i]].root_mm[k]);
            hi[k] = fmaxf(hi[k], hair->shafts[idx[i]].root_mm[k]);
        }
    int axis = 0;
    for (int k = 1; k < 3; ++k)
        if (hi[k] - lo[k] > hi[axis] - lo[axis]) axis = k;
    for (int i = 0; i < n; ++i)
        scratch[i] = (smp_keyed){hair->shafts[idx[i]].root_mm[axis], idx[i]};
    qsort(scratch, (size_t)n, sizeof *scratch, smp_cmp_keyed);
    for (int i = 0; i < n; ++i)
        idx[i] = scratch[i].index;
    int half = n / 2;
    kd_split(hair, idx, half, scratch, sizes, leaves);
    kd_split(hair, idx + half, n - half, scratch, sizes, leaves);
}

static float len3(const float v[3])
{
    return sqrtf(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
}

/* The bounds of one patch's shafts (hairs idx[0..n)). */
static void patch_bounds(render_hair_patch *p, const scalp_hair *hair, const int *idx, int n)
{
    double c[3] = {0.0, 0.0, 0.0}, a[3] = {0.0, 0.0, 0.0};
    for (int i = 0; i < n; ++i) {
        const scalp_hair_shaft *s = &hair->shafts[idx[i]];
        float nl = len3(s->normal);
        for (int k = 0; k < 3; ++k) {
            c[k] += s->root_mm[k];
            if (nl > 0.0f) a[k] += s->normal[k] / nl;
        }
    }
    for (int k = 0; k < 3; ++k)
        p->center_mm[k] = (float)(c[k] / n);
    double al = sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
    for (int k = 0; k < 3; ++k)
        p->axis[k] = al > 1e-6 * n ? (float)(a[k] / al) : 0.0f;
    float r = 0.0f, cos_min = 1.0f;
    const float tan_min = tanf(RENDER_HAIR_STREAK_MIN_ANGLE);
    p->reach_mm = p->diameter_mm = p->bulb_mm = p->normal_max = 0.0f;
    p->normal_min = INFINITY;
    p->streak_tan = tan_min;
    for (int i = 0; i < n; ++i) {
        const scalp_hair_shaft *s = &hair->shafts[idx[i]];
        float d[3] = {s->root_mm[0] - p->center_mm[0], s->root_mm[1] - p->center_mm[1],
                      s->root_mm[2] - p->center_mm[2]};
        r = fmaxf(r, len3(d));
        p->reach_mm = fmaxf(p->reach_mm, len3(s->direction) * fabsf(s->length_mm));
        p->diameter_mm = fmaxf(p->diameter_mm, s->diameter_mm);
        p->bulb_mm = fmaxf(p->bulb_mm, s->bulb_depth_mm);
        float nl = len3(s->normal);
        p->normal_max = fmaxf(p->normal_max, nl);
        p->normal_min = fminf(p->normal_min, nl);
        float cs = nl > 0.0f ? glm_vec3_dot((float *)p->axis, (float *)s->normal) / nl : -1.0f;
        cos_min = fminf(cos_min, cs);
        /* hair_streak.vert: angle = max(asin(clamp(dot(direction, normal), 0, 1)), MIN_ANGLE). */
        float sn = glm_vec3_dot((float *)s->direction, (float *)s->normal);
        float ang = fmaxf(asinf(fminf(fmaxf(sn, 0.0f), 1.0f)), RENDER_HAIR_STREAK_MIN_ANGLE);
        p->streak_tan = fmaxf(p->streak_tan, ang < 1.5707f ? tanf(ang) : INFINITY);
    }
    /* Rounding: a relative slack on the sphere, a milliradian on the cone. */
    p->radius_mm = r * 1.0001f + 1e-3f;
    p->normal_max *= 1.0001f;
    p->normal_min *= 0.9999f;
    float half = al > 1e-6 * n ? acosf(fminf(fmaxf(cos_min, -1.0f), 1.0f)) + 1e-3f : 4.0f;
    p->cos_half = half < 3.14159f ? cosf(half) : -1.0f;
    p->sin_half = half < 3.14159f ? sinf(half) : 0.0f;
}

smp_status render_hair_patches_init(render_hair_patches *out, const scalp_hair *hair, smp_error *err)
{
    memset(out, 0, sizeof *out);
    const int n = hair->count;
    int *idx = malloc(sizeof *idx * (size_t)n);
    int *sizes = malloc(sizeof *sizes * (size_t)n);
    smp_keyed *scratch = malloc(sizeof *scratch * (size_t)n);
    out->patch_of = malloc(sizeof *out->patch_of * (size_t)n);
    if (!idx || !sizes || !scratch || !out->patch_of) {
        free(idx), free(sizes), free(scratch), free(out->patch_of);
        out->patch_of = NULL;
        return smp_error_set(err, SMP_ERR_NOMEM, "render: out of memory for %d hairs' patches", n);
    }
    for (int i = 0; i < n; ++i)
        idx[i] = i;
    int leaves = 0;
    kd_split(hair, idx, n, scratch, sizes, &leaves);
    out->patches = calloc((size_t)leaves, sizeof *out->patches);
    if (!out->patches) {
        free(idx), free(sizes), free(scratch), free(out->patch_of);
        out->patch_of = NULL;
        return smp_error_set(err, SMP_ERR_NOMEM, "render: out of memory for %d hairs' patches", n);
    }
    for (int l = 0, at = 0; l < leaves; at += sizes[l], ++l) {
        patch_bounds(&out->patches[l], hair, idx + at, sizes[l]);
        for (int i = 0; i < sizes[l]; ++i)
            out->patch_of[idx[at + i]] = l;
    }
    free(idx), free(sizes), free(scratch);
    out->hair_count = n;
    out->patch_count = leaves;
    return SMP_OK;
}

void render_hair_patches_deinit(render_hair_patches *p)
{
    free(p->patch_of);
    free(p->patches);
    memset(p, 0, sizeof *p);
}

/* The largest dot product of unit vector u with a root normal of the patch: the largest over the cone of
 * unit directions (cos(phi - half), phi the angle from the axis to u), times the normals' longest length
 * where it is positive and their shortest where it is negative. */
static float cone_max_dot(const render_hair_patch *p, const float u[3])
{
    float m = 1.0f;
    if (p->cos_half > -1.0f) {
        float c = glm_vec3_dot((float *)p->axis, (float *)u);
        if (c < p->cos_half) m = c * p->cos_half + sqrtf(fmaxf(0.0f, 1.0f - c * c)) * p->sin_half;
    }
    return m * (m >= 0.0f ? p->normal_max : p->normal_min);
}

/* Whether a sphere around the patch's centre of radius geom_mm + k_px pixels (at the sphere's farthest clip
 * w) can meet the frustum of vp. */
static bool sphere_in_frustum(const vec4 planes[6], const mat4 vp, const float c[3], float geom_mm,
                              float k_px, float pixel_scale)
{
    float radius = geom_mm;
    if (pixel_scale > 0.0f && k_px > 0.0f) {
        /* w = row 3 of vp; the largest w on a sphere of radius R is w(c) + |row3.xyz| R, and R itself grows
         * with it: R = geom + k_px * pixel_scale * w_max. */
        float g = sqrtf(vp[0][3] * vp[0][3] + vp[1][3] * vp[1][3] + vp[2][3] * vp[2][3]);
        float wc = vp[0][3] * c[0] + vp[1][3] * c[1] + vp[2][3] * c[2] + vp[3][3];
        float denom = 1.0f - k_px * pixel_scale * g;
        if (!(denom > 0.5f)) return true;
        float w_max = fmaxf((wc + g * geom_mm) / denom, 0.0f);
        radius = geom_mm + k_px * pixel_scale * w_max * 1.001f;
    }
    if (!isfinite(radius)) return true;
    for (int i = 0; i < 6; ++i)
        if (planes[i][0] * c[0] + planes[i][1] * c[1] + planes[i][2] * c[2] + planes[i][3] < -radius)
            return false;
    return true;
}

int render_hair_patches_cull_stubble(const render_hair_patches *hp, const render_hair_view *v,
                                     uint8_t *visible)
{
    vec4 planes[6];
    mat4 vp;
    glm_mat4_copy((vec4 *)v->view_proj, vp);
    glm_frustum_planes(vp, planes);
    const float cut = RENDER_HAIR_FACING_CUT;
    const float subset = v->subset > 0.0f ? v->subset : 1.0f;
    int shown = 0;
    for (int i = 0; i < hp->patch_count; ++i) {
        const render_hair_patch *p = &hp->patches[i];
        bool keep;
        if (v->directional) {
            /* hair.vert, shadow pass: dropped when dot(normal, normalize(toward)) < cut. */
            float tl = len3(v->toward), u[3];
            for (int k = 0; k < 3; ++k)
                u[k] = tl > 0.0f ? v->toward[k] / tl : 0.0f;
            keep = tl <= 0.0f || cone_max_dot(p, u) >= cut;
        } else {
            /* hair.vert: dropped when dot(normal, eye - mid) < cut |eye - mid|, mid = root + direction x
             * length / 2 within r_mid of the centre; dot(normal, eye - mid) <= max over the cone of
             * dot(normal, eye - c) + |normal| r_mid, and cut |eye - mid| >= cut (|eye - c| + r_mid). */
            float r_mid = p->radius_mm + 0.5f * p->reach_mm;
            float d[3] = {v->eye_mm[0] - p->center_mm[0], v->eye_mm[1] - p->center_mm[1],
                          v->eye_mm[2] - p->center_mm[2]};
            float dl = len3(d);
            if (dl <= r_mid) {
                keep = true;
            } else {
                float u[3] = {d[0] / dl, d[1] / dl, d[2] / dl};
                float upper = dl * cone_max_dot(p, u) + p->normal_max * r_mid;
                keep = upper >= cut * (dl + r_mid) - 1e-4f * dl;
            }
        }
        if (keep) {
            /* Every corner of the quad lies within 1.5 d + 6 px + 0.02 mm of its shaft (d widened by
             * 1 / subset in the shadow pass): half the drawn width (max(d, 2 px) / 2) plus a pixel of
             * margin across, the cut end's half disc and up to two pixels beyond either end along, and half
             * the drawn width plus the margin plus 0.02 mm towards the eye. */
            float geom = p->radius_mm + p->reach_mm + 1.5f * p->diameter_mm / subset + 0.02f + 0.01f;
            keep = sphere_in_frustum((const vec4 *)planes, vp, p->center_mm, geom, 6.0f, v->pixel_scale);
        }
        visible[i] = keep ? 1 : 0;
        shown += keep;
    }
    return shown;
}

int render_hair_patches_cull_streak(const render_hair_patches *hp, const render_hair_view *v,
                                    float depth_max_mm, float blur, uint8_t *visible)
{
    vec4 planes[6];
    mat4 vp;
    glm_mat4_copy((vec4 *)v->view_proj, vp);
    glm_frustum_planes(vp, planes);
    const float tan_min = tanf(RENDER_HAIR_STREAK_MIN_ANGLE) * 0.999f;
    blur = fabsf(blur);
    int shown = 0;
    for (int i = 0; i < hp->patch_count; ++i) {
        const render_hair_patch *p = &hp->patches[i];
        /* hair_streak.vert: dropped when dot(eye - root, normal) < 0. */
        float d[3] = {v->eye_mm[0] - p->center_mm[0], v->eye_mm[1] - p->center_mm[1],
                      v->eye_mm[2] - p->center_mm[2]};
        float dl = len3(d);
        bool keep = true;
        if (dl > p->radius_mm) {
            float u[3] = {d[0] / dl, d[1] / dl, d[2] / dl};
            keep = dl * cone_max_dot(p, u) + p->normal_max * p->radius_mm >= -1e-4f * dl;
        }
        if (keep) {
            /* The trapezoid: s from -3 sigma0 to s_end + 3 sigma_px along, half width 3 sqrt(sigma0^2 +
             * (blur z)^2) across with z up to s1 tan_a, pushed 0.05 + 0.03 s1 towards the eye; sigma0 <=
             * sigma_d + 0.6 px, s_end <= min(2.5 depth, bulb) / tan(min angle). In pixels: 1.8 along, 1.8
             * across, 5.4 blur tan_a across from z, 0.054 from the push. */
            float zmax = fminf(2.5f * depth_max_mm, p->bulb_mm);
            float sd = 0.42466090f * p->diameter_mm;
            float s_len = zmax / tan_min + 3.0f * sd;
            float half_w = 3.0f * sd + 3.0f * blur * zmax;
            float geom = p->radius_mm + 1.03f * s_len + half_w + 0.05f + 0.01f;
            float k_px = 3.66f + 5.4f * blur * p->streak_tan * 1.01f;
            keep = sphere_in_frustum((const vec4 *)planes, vp, p->center_mm, geom, k_px, v->pixel_scale);
            /* The far path: the least w on the sphere, less the pixel-sized parts (k_px pixels, each at
             * most pixel_scale w_far; sigma_px beyond the end is a pixel's 0.6 and 3 of them) beyond it. */
            if (keep && v->streak_far_w > 0.0f) {
                float g = sqrtf(vp[0][3] * vp[0][3] + vp[1][3] * vp[1][3] + vp[2][3] * vp[2][3]);
                float wc = vp[0][3] * p->center_mm[0] + vp[1][3] * p->center_mm[1] +
                           vp[2][3] * p->center_mm[2] + vp[3][3];
                float slack = g * (geom + k_px * v->pixel_scale * v->streak_far_w * 1.01f);
                keep = wc - slack < v->streak_far_w;
            }
        }
        visible[i] = keep ? 1 : 0;
        shown += keep;
    }
    return shown;
}
