/* A ray against a head's mesh, for picking a point on it with the mouse (ui/): every triangle tested with the
 * shared intersection (ray_internal.h), the nearest entering crossing kept. A grid like the scan's
 * (scan_index.c) would answer in microseconds, but costs a build per head for what is one ray a click. */
#include "scalp/ray_internal.h"
#include "scalp/scalp.h"

double scalp_mesh_ray(const scalp_mesh *mesh, const double o[3], const double d[3], int *triangle)
{
    double best = -1.0;
    int best_tri = -1;
    const float *p = mesh->positions_mm;
    for (int i = 0; i < mesh->triangle_count; i++) {
        const uint32_t *id = &mesh->indices[3 * i];
        bool exit = false;
        double t = scalp_ray_triangle(&p[3 * id[0]], &p[3 * id[1]], &p[3 * id[2]], o, d, &exit, NULL);
        if (t > 0.0 && !exit && (best < 0.0 || t < best)) best = t, best_tri = i;
    }
    if (triangle) *triangle = best_tri;
    return best;
}
