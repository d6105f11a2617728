/* Private to src/scalp/: the one ray-triangle intersection, shared by the scan's index (scan_index.c) and the
 * picking of a point on a mesh (mesh_ray.c). Moeller & Trumbore, "Fast, Minimum Storage Ray/Triangle
 * Intersection" (JGT 1997). Inline: the fit calls it for every vertex's ray. */
#ifndef SMP_SCALP_RAY_INTERNAL_H
#define SMP_SCALP_RAY_INTERNAL_H

#include <math.h>
#include <stdbool.h>

/* t of the crossing of o + t d with the triangle a b c (counter-clockwise seen from outside), or -1 when the
 * ray misses it or runs parallel to it; *exit is true when the ray leaves the surface there (the outward
 * normal points along d), false when it enters; uv (NULL to ignore) the weights of b and c at the point. */
static inline double scalp_ray_triangle(const float a[3], const float b[3], const float c[3],
                                        const double o[3], const double d[3], bool *exit, double uv[2])
{
    double e1[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]}, e2[3] = {c[0] - a[0], c[1] - a[1], c[2] - a[2]};
    double pv[3] = {d[1] * e2[2] - d[2] * e2[1], d[2] * e2[0] - d[0] * e2[2], d[0] * e2[1] - d[1] * e2[0]};
    double det = e1[0] * pv[0] + e1[1] * pv[1] + e1[2] * pv[2];
    if (fabs(det) < 1e-14) return -1.0;
    double inv = 1.0 / det, tv[3] = {o[0] - a[0], o[1] - a[1], o[2] - a[2]};
    double u = (tv[0] * pv[0] + tv[1] * pv[1] + tv[2] * pv[2]) * inv;
    if (u < 0.0 || u > 1.0) return -1.0;
    double qv[3] = {tv[1] * e1[2] - tv[2] * e1[1], tv[2] * e1[0] - tv[0] * e1[2],
                    tv[0] * e1[1] - tv[1] * e1[0]};
    double v = (d[0] * qv[0] + d[1] * qv[1] + d[2] * qv[2]) * inv;
    if (v < 0.0 || u + v > 1.0) return -1.0;
    /* det = -(e1 x e2) . d: negative when the counter-clockwise (outward) normal points along d. */
    *exit = det < 0.0;
    if (uv) uv[0] = u, uv[1] = v;
    return (e2[0] * qv[0] + e2[1] * qv[1] + e2[2] * qv[2]) * inv;
}

#endif
