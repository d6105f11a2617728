#include "scalp/section.h"

#include <math.h>
#include <string.h>

static float dot3(const float a[3], const float b[3])
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

static void normalize3(float v[3])
{
    float l = sqrtf(dot3(v, v));
    if (l > 0.0f) v[0] /= l, v[1] /= l, v[2] /= l;
}

/* Intersects the mesh with the plane through o with normal np; bins the crossing points by their angle
 * atan2((q - o).ea, (q - o).eb) and keeps the one nearest o in each bin (so a pinna cut by the plane,
 * which lies outside the skull's section, is dropped). skip_weight: drop points on non-scalp skin. */
void scalp_section_build(const scalp_head *head, const float o[3], const float np[3], const float ea[3],
                         const float eb[3], bool skip_non_scalp, scalp_section *s, float *sd)
{
    const scalp_mesh *m = &head->mesh;
    memset(s->valid, 0, sizeof s->valid);
    for (int v = 0; v < m->vertex_count; ++v) {
        const float *p = m->positions_mm + 3 * v;
        float d[3] = {p[0] - o[0], p[1] - o[1], p[2] - o[2]};
        sd[v] = dot3(d, np);
    }
    for (int t = 0; t < m->triangle_count; ++t) {
        const uint32_t *tri = m->indices + 3 * t;
        for (int e = 0; e < 3; ++e) {
            uint32_t i = tri[e], j = tri[(e + 1) % 3];
            if (i > j) continue; /* each edge of the closed mesh once */
            float si = sd[i], sj = sd[j];
            if ((si < 0.0f) == (sj < 0.0f)) continue;
            float f = si / (si - sj), q[3], n[3];
            for (int k = 0; k < 3; ++k) {
                q[k] = m->positions_mm[3 * i + k] +
                       f * (m->positions_mm[3 * j + k] - m->positions_mm[3 * i + k]);
                n[k] = m->normals[3 * i + k] + f * (m->normals[3 * j + k] - m->normals[3 * i + k]);
            }
            float d[3] = {q[0] - o[0], q[1] - o[1], q[2] - o[2]};
            float a = atan2f(dot3(d, ea), dot3(d, eb));
            int b = (int)((a + (float)SMP_PI) / (2.0f * (float)SMP_PI) * SCALP_SECTION_BINS);
            b = b < 0 ? 0 : (b >= SCALP_SECTION_BINS ? SCALP_SECTION_BINS - 1 : b);
            float r2 = dot3(d, d);
            if (s->valid[b] && r2 >= s->r2[b]) continue;
            if (skip_non_scalp && scalp_scalp_weight(head, q) < 0.2f) continue;
            normalize3(n);
            memcpy(s->p[b], q, sizeof q);
            memcpy(s->n[b], n, sizeof n);
            s->r2[b] = r2;
            s->valid[b] = true;
        }
    }
}

/* The section's points as a polyline in angle order, with arc lengths; returns the count. */
int scalp_section_polyline(const scalp_section *s, float (*p)[3], float (*n)[3], float *arc, float *angle)
{
    int c = 0;
    for (int b = 0; b < SCALP_SECTION_BINS; ++b) {
        if (!s->valid[b]) continue;
        memcpy(p[c], s->p[b], sizeof p[c]);
        memcpy(n[c], s->n[b], sizeof n[c]);
        angle[c] = ((float)b + 0.5f) / SCALP_SECTION_BINS * 2.0f * (float)SMP_PI - (float)SMP_PI;
        if (c == 0) {
            arc[c] = 0.0f;
        } else {
            float d[3] = {p[c][0] - p[c - 1][0], p[c][1] - p[c - 1][1], p[c][2] - p[c - 1][2]};
            arc[c] = arc[c - 1] + sqrtf(dot3(d, d));
        }
        ++c;
    }
    return c;
}

/* Point and normal at arc length a along the polyline (clamped). */
void scalp_polyline_at(int count, const float (*p)[3], const float (*n)[3], const float *arc, float a,
                       float out_p[3], float out_n[3])
{
    int lo = 0, hi = count - 1;
    if (a <= arc[0])
        hi = 1;
    else if (a >= arc[count - 1])
        lo = count - 2;
    else
        while (hi - lo > 1) {
            int mid = (lo + hi) / 2;
            if (arc[mid] <= a)
                lo = mid;
            else
                hi = mid;
        }
    lo = hi - 1;
    float span = arc[hi] - arc[lo], t = span > 0.0f ? (a - arc[lo]) / span : 0.0f;
    t = t < 0.0f ? 0.0f : (t > 1.0f ? 1.0f : t);
    for (int k = 0; k < 3; ++k) {
        out_p[k] = p[lo][k] + t * (p[hi][k] - p[lo][k]);
        out_n[k] = n[lo][k] + t * (n[hi][k] - n[lo][k]);
    }
    normalize3(out_n);
}
