/* Rays against a scan: a uniform grid over the scan's triangles (each triangle listed in every cell its box
 * overlaps, filled by a counting sort), walked cell by cell with Amanatides & Woo's traversal ("A Fast Voxel
 * Traversal Algorithm for Ray Tracing", Eurographics 1987) from the far end of the ray back to the near end,
 * each triangle met tested with Moeller & Trumbore's intersection ("Fast, Minimum Storage Ray/Triangle
 * Intersection", JGT 1997). The first cell that holds a crossing inside it holds the outermost one. */
#include "scalp/ray_internal.h"
#include "scalp/scan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct scalp_scan_index {
    const scalp_scan *scan;
    double lo[3], cell_mm;
    int dim[3];
    uint32_t *start; /* dim[0] dim[1] dim[2] + 1 offsets into tris */
    uint32_t *tris;
};

/* At most this many cells, and 2 per triangle: a few triangles a cell on a scan's surface, a bounded table.
 */
#define INDEX_MAX_CELLS (1 << 23)

static void cell_range(const scalp_scan_index *ix, const float *a, const float *b, const float *c, int lo[3],
                       int hi[3])
{
    for (int k = 0; k < 3; k++) {
        double mn = fmin(a[k], fmin(b[k], c[k])), mx = fmax(a[k], fmax(b[k], c[k]));
        lo[k] = (int)smp_clamp(floor((mn - ix->lo[k]) / ix->cell_mm), 0, ix->dim[k] - 1);
        hi[k] = (int)smp_clamp(floor((mx - ix->lo[k]) / ix->cell_mm), 0, ix->dim[k] - 1);
    }
}

smp_status scalp_scan_index_create(scalp_scan_index **out, const scalp_scan *scan, smp_error *err)
{
    *out = NULL;
    scalp_scan_index *ix = calloc(1, sizeof *ix);
    if (!ix) return smp_error_set(err, SMP_ERR_NOMEM, "scan index: out of memory");
    ix->scan = scan;
    const float *p = scan->positions_mm;
    const uint32_t *t = scan->indices;
    /* Cells twice the mean edge (sampled), fewer if the table would grow past its bound. */
    double edge = 0.0;
    int step = scan->triangle_count > 4096 ? scan->triangle_count / 4096 : 1, samples = 0;
    for (int i = 0; i < scan->triangle_count; i += step, samples++) {
        const float *a = &p[3 * t[3 * i]], *b = &p[3 * t[3 * i + 1]];
        edge += sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                     (a[2] - b[2]) * (a[2] - b[2]));
    }
    edge = samples ? edge / samples : 1.0;
    double ext[3], volume = 1.0;
    for (int k = 0; k < 3; k++) {
        ix->lo[k] = scan->bounds_min_mm[k] - 0.01;
        ext[k] = scan->bounds_max_mm[k] + 0.01 - ix->lo[k];
        volume *= ext[k];
    }
    double max_cells = fmin(INDEX_MAX_CELLS, fmax(4096.0, 2.0 * scan->triangle_count));
    ix->cell_mm = fmax(fmax(2.0 * edge, cbrt(volume / max_cells)), 1e-3);
    size_t cells = 1;
    for (int k = 0; k < 3; k++) {
        ix->dim[k] = (int)smp_clamp(ceil(ext[k] / ix->cell_mm), 1, 1 << 12);
        cells *= (size_t)ix->dim[k];
    }
    ix->start = calloc(cells + 1, sizeof *ix->start);
    if (!ix->start) goto nomem;
    size_t refs = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < scan->triangle_count; i++) {
            int lo[3], hi[3];
            cell_range(ix, &p[3 * t[3 * i]], &p[3 * t[3 * i + 1]], &p[3 * t[3 * i + 2]], lo, hi);
            for (int x = lo[0]; x <= hi[0]; x++)
                for (int y = lo[1]; y <= hi[1]; y++)
                    for (int z = lo[2]; z <= hi[2]; z++) {
                        size_t c = ((size_t)x * ix->dim[1] + y) * ix->dim[2] + z;
                        if (pass == 0)
                            ix->start[c + 1]++, refs++;
                        else
                            ix->tris[ix->start[c]++] = (uint32_t)i;
                    }
        }
        if (pass == 0) {
            if (refs > UINT32_MAX) goto nomem;
            for (size_t c = 0; c < cells; c++)
                ix->start[c + 1] += ix->start[c];
            ix->tris = malloc(sizeof *ix->tris * (refs ? refs : 1));
            if (!ix->tris) goto nomem;
        }
    }
    /* The fill advanced each start to the next cell's: shift back. */
    memmove(ix->start + 1, ix->start, sizeof *ix->start * cells);
    ix->start[0] = 0;
    *out = ix;
    return SMP_OK;
nomem:
    scalp_scan_index_destroy(ix);
    return smp_error_set(err, SMP_ERR_NOMEM, "scan index: out of memory (%d triangles)",
                         scan->triangle_count);
}

void scalp_scan_index_destroy(scalp_scan_index *ix)
{
    if (!ix) return;
    free(ix->start);
    free(ix->tris);
    free(ix);
}

/* t of the crossing of o + t d with triangle i of the scan, or -1 (ray_internal.h); (u, v) the weights of its
 * second and third corners. */
static double ray_triangle(const scalp_scan *s, int i, const double o[3], const double d[3], bool *exit,
                           double *u_out, double *v_out)
{
    const uint32_t *id = &s->indices[3 * i];
    double uv[2] = {0.0, 0.0};
    double t = scalp_ray_triangle(&s->positions_mm[3 * id[0]], &s->positions_mm[3 * id[1]],
                                  &s->positions_mm[3 * id[2]], o, d, exit, uv);
    *u_out = uv[0], *v_out = uv[1];
    return t;
}

double scalp_scan_index_ray(const scalp_scan_index *ix, const double o[3], const double d[3], double t_lo,
                            double t_hi, scalp_scan_hit *hit)
{
    if (t_lo < 0.0) t_lo = 0.0;
    /* Clip [t_lo, t_hi] to the grid's box (slabs). */
    for (int k = 0; k < 3; k++) {
        double hi_k = ix->lo[k] + ix->dim[k] * ix->cell_mm;
        if (fabs(d[k]) < 1e-12) {
            if (o[k] < ix->lo[k] || o[k] > hi_k) return -1.0;
            continue;
        }
        double t0 = (ix->lo[k] - o[k]) / d[k], t1 = (hi_k - o[k]) / d[k];
        if (t0 > t1) {
            double s = t0;
            t0 = t1, t1 = s;
        }
        t_lo = fmax(t_lo, t0), t_hi = fmin(t_hi, t1);
    }
    if (t_lo > t_hi) return -1.0;
    /* Walk from the far end towards the near one: the direction of the walk is -d. */
    int cell[3], stepv[3];
    double t_next[3], t_delta[3];
    for (int k = 0; k < 3; k++) {
        double q = o[k] + t_hi * d[k];
        cell[k] = (int)smp_clamp(floor((q - ix->lo[k]) / ix->cell_mm), 0, ix->dim[k] - 1);
        double w = -d[k]; /* walking direction */
        if (w > 1e-12) {
            stepv[k] = 1;
            double boundary = ix->lo[k] + (cell[k] + 1) * ix->cell_mm;
            t_next[k] = t_hi - (boundary - q) / w; /* the forward t at which the walk leaves the cell */
            t_delta[k] = ix->cell_mm / w;
        } else if (w < -1e-12) {
            stepv[k] = -1;
            double boundary = ix->lo[k] + cell[k] * ix->cell_mm;
            t_next[k] = t_hi - (boundary - q) / w;
            t_delta[k] = -ix->cell_mm / w;
        } else {
            stepv[k] = 0;
            t_next[k] = -INFINITY;
            t_delta[k] = INFINITY;
        }
    }
    const double eps = 1e-6;
    double t_far = t_hi;
    for (;;) {
        int k = t_next[0] >= t_next[1] ? (t_next[0] >= t_next[2] ? 0 : 2) : (t_next[1] >= t_next[2] ? 1 : 2);
        double t_near = fmax(t_next[k], t_lo);
        size_t c = ((size_t)cell[0] * ix->dim[1] + cell[1]) * ix->dim[2] + cell[2];
        double best = -1.0, best_u = 0.0, best_v = 0.0;
        uint32_t best_tri = 0;
        for (uint32_t r = ix->start[c]; r < ix->start[c + 1]; r++) {
            bool exit = false;
            double u = 0.0, v = 0.0;
            double t = ray_triangle(ix->scan, (int)ix->tris[r], o, d, &exit, &u, &v);
            if (exit && t >= t_near - eps && t <= t_far + eps && t >= t_lo && t <= t_hi && t > best)
                best = t, best_u = u, best_v = v, best_tri = ix->tris[r];
        }
        if (best >= 0.0) {
            if (hit) {
                hit->triangle = (int)best_tri;
                hit->bary[0] = (float)(1.0 - best_u - best_v);
                hit->bary[1] = (float)best_u;
                hit->bary[2] = (float)best_v;
            }
            return best;
        }
        if (t_next[k] <= t_lo) return -1.0;
        t_far = t_next[k];
        cell[k] += stepv[k];
        if (cell[k] < 0 || cell[k] >= ix->dim[k]) return -1.0;
        t_next[k] -= t_delta[k];
    }
}
