/* The head's lattice (a cube-sphere of (N + 1)^3 points, those on the cube's faces being the vertices) and
 * its triangle lists: the full one, and simplified ones for drawing at a distance. A simplified list covers
 * each face with square blocks of 1, 2, 4 or 8 lattice steps, a block as large as the surface allows: split
 * until the two triangles over its corners reproduce every lattice point inside it, at the same lattice
 * parameter, within each channel's tolerance (the position, the normal, the chart uv...). Sampling at the
 * same parameter bounds what a texture swims as well as how far the surface moves. A block whose sides meet
 * smaller blocks is drawn as a fan from its centre through every corner on its sides, so the list has no
 * T-junction and no crack, across the cube's edges too (a corner is a vertex of the whole lattice). */
#include "scalp/scalp.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The largest block: 8 lattice steps (about 10 mm on the scalp of the built-in head). */
#define LOD_MAX_STEP 8
/* A leaf block: axis, side, a, b, s. */
#define LEAF_INTS 5

int scalp_lattice_vertex(int n, int i, int j, int k)
{
    assert(n > 1 && i >= 0 && i <= n && j >= 0 && j <= n && k >= 0 && k <= n);
    const int m = n + 1;
    /* mesh_build numbers the points on the cube's surface in (i, j, k) order: a face's slab (i = 0 or n) has
     * m^2 of them; an inner slab m on each of its rows j = 0 and j = n and two (k = 0, k = n) on the rest. */
    const int inner = 2 * m + 2 * (n - 1);
    int before = i == 0 ? 0 : m * m + (i - 1) * inner;
    if (i == 0 || i == n) return before + j * m + k;
    assert(j == 0 || j == n || k == 0 || k == n);
    if (j == 0) return before + k;
    if (j == n) return before + m + 2 * (n - 1) + k;
    return before + m + 2 * (j - 1) + (k == 0 ? 0 : 1);
}

/* The vertex of point (a, b) on the face of the given axis and side (0 or n): the lattice's coordinates
 * axis, axis + 1 and axis + 2 (mod 3) are side, a and b. */
static int face_vertex(int n, int axis, int side, int a, int b)
{
    int c[3];
    c[axis] = side;
    c[(axis + 1) % 3] = a;
    c[(axis + 2) % 3] = b;
    return scalp_lattice_vertex(n, c[0], c[1], c[2]);
}

typedef struct lod_job {
    const scalp_mesh *mesh;
    const scalp_lod_channel *channels;
    int channel_count;
    int n;
    unsigned char *used; /* per vertex: a block's corner */
} lod_job;

/* Whether the block's two triangles, (c0, c1, c2) and (c0, c2, c3) with c0 = (a, b), c1 = (a + s, b),
 * c2 = (a + s, b + s), c3 = (a, b + s), reproduce every lattice point inside within the tolerances. */
static bool block_fits(const lod_job *job, int axis, int side, int a, int b, int s)
{
    const int c[4] = {face_vertex(job->n, axis, side, a, b), face_vertex(job->n, axis, side, a + s, b),
                      face_vertex(job->n, axis, side, a + s, b + s),
                      face_vertex(job->n, axis, side, a, b + s)};
    for (int i = 0; i <= s; ++i)
        for (int j = 0; j <= s; ++j) {
            float u = (float)i / (float)s, v = (float)j / (float)s;
            /* Barycentric weights of the corners at parameter (u, v). */
            float w[4] = {0.0f, 0.0f, 0.0f, 0.0f};
            if (u >= v)
                w[0] = 1.0f - u, w[1] = u - v, w[2] = v;
            else
                w[0] = 1.0f - v, w[2] = u, w[3] = v - u;
            int p = face_vertex(job->n, axis, side, a + i, b + j);
            for (int ch = 0; ch < job->channel_count; ++ch) {
                const scalp_lod_channel *q = &job->channels[ch];
                float value[4] = {0.0f, 0.0f, 0.0f, 0.0f}, length2 = 0.0f;
                for (int k = 0; k < q->components; ++k) {
                    for (int corner = 0; corner < 4; ++corner)
                        value[k] += w[corner] * q->data[(size_t)q->stride * (size_t)c[corner] + (size_t)k];
                    length2 += value[k] * value[k];
                }
                float scale = q->unit && length2 > 0.0f ? 1.0f / sqrtf(length2) : 1.0f, error2 = 0.0f;
                for (int k = 0; k < q->components; ++k) {
                    float d = value[k] * scale - q->data[(size_t)q->stride * (size_t)p + (size_t)k];
                    error2 += d * d;
                }
                if (error2 > q->tolerance * q->tolerance) return false;
            }
        }
    return true;
}

/* The blocks of side s at (a, b) and below: a block that fits (or a single step) is a leaf, its corners
 * marked used; leaf[] gets (axis, side, a, b, s) per leaf. Returns the number of leaves written. */
static int blocks_choose(const lod_job *job, int axis, int side, int a, int b, int s, int *leaf)
{
    if (s == 1 || block_fits(job, axis, side, a, b, s)) {
        job->used[face_vertex(job->n, axis, side, a, b)] = 1;
        job->used[face_vertex(job->n, axis, side, a + s, b)] = 1;
        job->used[face_vertex(job->n, axis, side, a + s, b + s)] = 1;
        job->used[face_vertex(job->n, axis, side, a, b + s)] = 1;
        const int record[LEAF_INTS] = {axis, side, a, b, s};
        memcpy(leaf, record, sizeof record);
        return 1;
    }
    int h = s / 2, count = 0;
    count += blocks_choose(job, axis, side, a, b, h, leaf + LEAF_INTS * count);
    count += blocks_choose(job, axis, side, a + h, b, h, leaf + LEAF_INTS * count);
    count += blocks_choose(job, axis, side, a + h, b + h, h, leaf + LEAF_INTS * count);
    count += blocks_choose(job, axis, side, a, b + h, h, leaf + LEAF_INTS * count);
    return count;
}

/* One leaf's triangles into out (wound counter-clockwise seen from outside): two over its corners, as the
 * full list's squares, or a fan from its centre through every used point on its sides. Returns how many. */
static int block_triangles(const lod_job *job, int axis, int side, int a, int b, int s, uint32_t *out)
{
    /* The sides in order c0 -> c1 -> c2 -> c3: counter-clockwise in (a, b), which faces +axis. */
    int ring[4 * LOD_MAX_STEP], count = 0;
    static const int start[4][2] = {{0, 0}, {1, 0}, {1, 1}, {0, 1}},
                     dir[4][2] = {{1, 0}, {0, 1}, {-1, 0}, {0, -1}};
    for (int e = 0; e < 4; ++e)
        for (int t = 0; t < s; ++t) {
            int v = face_vertex(job->n, axis, side, a + start[e][0] * s + dir[e][0] * t,
                                b + start[e][1] * s + dir[e][1] * t);
            if (t == 0 || job->used[v]) ring[count++] = v;
        }
    /* (axis + 1) x (axis + 2) = +axis: the low side's face looks the other way, so its triangles flip. */
    bool flip = side == 0;
    int t = 0;
    if (count == 4) {
        const int tri[6] = {ring[0], ring[1], ring[2], ring[0], ring[2], ring[3]};
        for (int k = 0; k < 2; ++k, ++t) {
            out[3 * t] = (uint32_t)tri[3 * k];
            out[3 * t + 1] = (uint32_t)tri[3 * k + (flip ? 2 : 1)];
            out[3 * t + 2] = (uint32_t)tri[3 * k + (flip ? 1 : 2)];
        }
        return t;
    }
    assert(s >= 2 && s % 2 == 0);
    int centre = face_vertex(job->n, axis, side, a + s / 2, b + s / 2);
    for (int k = 0; k < count; ++k, ++t) {
        int p = ring[k], q = ring[(k + 1) % count];
        out[3 * t] = (uint32_t)centre;
        out[3 * t + 1] = (uint32_t)(flip ? q : p);
        out[3 * t + 2] = (uint32_t)(flip ? p : q);
    }
    return t;
}

smp_status scalp_mesh_lod(const scalp_mesh *mesh, const scalp_lod_channel *channels, int channel_count,
                          int max_step, uint32_t **indices, int *triangle_count)
{
    assert(mesh && indices && triangle_count && (channel_count == 0 || channels));
    assert(max_step == 1 || max_step == 2 || max_step == 4 || max_step == LOD_MAX_STEP);
    *indices = NULL;
    *triangle_count = 0;
    const int n = mesh->lattice_n;
    if (n < 2 || n % max_step != 0) return SMP_ERR_UNAVAILABLE;
    lod_job job = {mesh, channels, channel_count, n, calloc((size_t)mesh->vertex_count, 1)};
    /* At most n^2 leaves a face; a fan has at most 4 s triangles. */
    int *leaf = malloc(sizeof *leaf * LEAF_INTS * 6 * (size_t)n * (size_t)n);
    uint32_t *out = malloc(sizeof *out * 3 * 12 * (size_t)n * (size_t)n);
    if (!job.used || !leaf || !out) {
        free(job.used), free(leaf), free(out);
        return SMP_ERR_NOMEM;
    }
    int leaves = 0;
    for (int axis = 0; axis < 3; ++axis)
        for (int side = 0; side <= n; side += n)
            for (int a = 0; a < n; a += max_step)
                for (int b = 0; b < n; b += max_step)
                    leaves += blocks_choose(&job, axis, side, a, b, max_step, leaf + LEAF_INTS * leaves);
    /* Only now is every block's corner known, on this face and on the faces across the cube's edges. */
    int t = 0;
    for (int k = 0; k < leaves; ++k) {
        const int *r = leaf + LEAF_INTS * k;
        t += block_triangles(&job, r[0], r[1], r[2], r[3], r[4], out + 3 * t);
    }
    free(job.used);
    free(leaf);
    uint32_t *shrunk = realloc(out, sizeof *out * 3 * (size_t)t);
    *indices = shrunk ? shrunk : out;
    *triangle_count = t;
    return SMP_OK;
}
