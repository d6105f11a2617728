#include "core/grid.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Teschner et al.'s three primes, then a Knuth multiplicative step so that the low bits (the bucket) mix
 * all three coordinates. */
static uint32_t cell_hash(int ix, int iy, int iz)
{
    uint32_t h = (uint32_t)ix * 73856093u ^ (uint32_t)iy * 19349663u ^ (uint32_t)iz * 83492791u;
    return h * 2654435761u;
}

void smp_grid_cell_of(float cell_mm, const float p[3], int cell[3])
{
    for (int k = 0; k < 3; ++k)
        cell[k] = (int)floorf(p[k] / cell_mm);
}

/* ---- points ---- */

static void enter(smp_grid *g, int i)
{
    int c[3];
    smp_grid_cell_of(g->cell_mm, g->points[i], c);
    uint32_t b = cell_hash(c[0], c[1], c[2]) & g->mask;
    g->next[i] = g->heads[b];
    g->heads[b] = i;
}

/* Buckets for capacity points: max(1024, 2 x capacity), rounded up to a power of two. */
static uint32_t bucket_count_for(int capacity)
{
    uint32_t size = 1024;
    while (size < (uint32_t)capacity * 2u)
        size <<= 1;
    return size;
}

smp_status smp_grid_init(smp_grid *g, int capacity, float cell_mm)
{
    assert(g && cell_mm > 0.0f && capacity >= 0);
    memset(g, 0, sizeof *g);
    g->cell_mm = cell_mm;
    if (!smp_grid_reserve(g, capacity > 0 ? capacity : 1)) {
        smp_grid_deinit(g);
        return SMP_ERR_NOMEM;
    }
    return SMP_OK;
}

void smp_grid_deinit(smp_grid *g)
{
    if (!g) return;
    free(g->heads);
    free(g->next);
    free(g->points);
    memset(g, 0, sizeof *g);
}

bool smp_grid_reserve(smp_grid *g, int capacity)
{
    assert(g && capacity >= 0);
    if (capacity > g->capacity) {
        int32_t *next = realloc(g->next, sizeof *next * (size_t)capacity);
        if (!next) return false;
        g->next = next;
        float(*points)[3] = realloc(g->points, sizeof *points * (size_t)capacity);
        if (!points) return false;
        g->points = points;
        g->capacity = capacity;
    }
    uint32_t size = bucket_count_for(capacity);
    if (g->heads && size <= g->mask + 1u) return true;
    /* More buckets: the points are entered again (a query's answer does not depend on the table's size). */
    int32_t *heads = malloc(sizeof *heads * size);
    if (!heads) return false;
    free(g->heads);
    g->heads = heads;
    g->mask = size - 1;
    memset(g->heads, 0xff, sizeof *g->heads * size);
    for (int i = 0; i < g->count; ++i)
        enter(g, i);
    return true;
}

int smp_grid_insert(smp_grid *g, const float p[3])
{
    if (g->count == g->capacity && !smp_grid_reserve(g, g->capacity + g->capacity / 2 + 64)) return -1;
    int i = g->count++;
    memcpy(g->points[i], p, sizeof g->points[i]);
    enter(g, i);
    return i;
}

void smp_grid_rebin(smp_grid *g, float cell_mm)
{
    assert(cell_mm > 0.0f);
    g->cell_mm = cell_mm;
    memset(g->heads, 0xff, sizeof *g->heads * ((size_t)g->mask + 1));
    for (int i = 0; i < g->count; ++i)
        enter(g, i);
}

int smp_grid_visit_near(const smp_grid *g, const float p[3], smp_grid_visit_fn visit, void *user)
{
    int c[3];
    smp_grid_cell_of(g->cell_mm, p, c);
    for (int dz = -1; dz <= 1; ++dz)
        for (int dy = -1; dy <= 1; ++dy)
            for (int dx = -1; dx <= 1; ++dx) {
                uint32_t b = cell_hash(c[0] + dx, c[1] + dy, c[2] + dz) & g->mask;
                for (int j = g->heads[b]; j >= 0; j = g->next[j])
                    if (visit(user, j, g->points[j])) return j;
            }
    return -1;
}

bool smp_grid_any_within(const smp_grid *g, const float p[3], float r)
{
    assert(r <= g->cell_mm);
    int c[3];
    smp_grid_cell_of(g->cell_mm, p, c);
    float r2 = r * r;
    for (int dz = -1; dz <= 1; ++dz)
        for (int dy = -1; dy <= 1; ++dy)
            for (int dx = -1; dx <= 1; ++dx) {
                uint32_t b = cell_hash(c[0] + dx, c[1] + dy, c[2] + dz) & g->mask;
                for (int j = g->heads[b]; j >= 0; j = g->next[j]) {
                    const float *q = g->points[j];
                    float ex = q[0] - p[0], ey = q[1] - p[1], ez = q[2] - p[2];
                    if (ex * ex + ey * ey + ez * ez < r2) return true;
                }
            }
    return false;
}

/* ---- boxes ---- */

static uint64_t cell_pack(int ix, int iy, int iz)
{
    return ((uint64_t)(uint32_t)(ix & 0x1fffff) << 42) | ((uint64_t)(uint32_t)(iy & 0x1fffff) << 21) |
           (uint64_t)(uint32_t)(iz & 0x1fffff);
}

/* Pass 0 counts the entries of each bucket, pass 1 writes them at fill[b]. */
static void box_enter(smp_box_grid *g, const float lo[3], const float hi[3], uint32_t id, int pass,
                      uint32_t *fill)
{
    int i0[3], i1[3];
    smp_grid_cell_of(g->cell_mm, lo, i0);
    smp_grid_cell_of(g->cell_mm, hi, i1);
    for (int z = i0[2]; z <= i1[2]; ++z)
        for (int y = i0[1]; y <= i1[1]; ++y)
            for (int x = i0[0]; x <= i1[0]; ++x) {
                uint32_t b = cell_hash(x, y, z) & (g->bucket_count - 1u);
                if (pass == 0) {
                    g->bucket_start[b + 1]++;
                } else {
                    g->cells[fill[b]] = cell_pack(x, y, z);
                    g->ids[fill[b]++] = id;
                }
            }
}

smp_status smp_box_grid_build(smp_box_grid *g, float cell_mm, const uint32_t *ids, int count,
                              smp_box_grid_bounds_fn bounds, const void *user)
{
    assert(cell_mm > 0.0f && count >= 0);
    memset(g, 0, sizeof *g);
    g->cell_mm = cell_mm;
    /* About four buckets per occupied cell keeps collisions (which only cost time) rare. */
    size_t cells = 0;
    float lo[3], hi[3];
    for (int i = 0; i < count; ++i) {
        bounds(user, ids[i], lo, hi);
        cells += (size_t)((hi[0] - lo[0]) / cell_mm + 2) * (size_t)((hi[1] - lo[1]) / cell_mm + 2) *
                 (size_t)((hi[2] - lo[2]) / cell_mm + 2);
    }
    g->bucket_count = 1024;
    while (g->bucket_count < cells * 4)
        g->bucket_count <<= 1;
    g->bucket_start = calloc(g->bucket_count + 1, sizeof *g->bucket_start);
    uint32_t *fill = malloc(sizeof *fill * g->bucket_count);
    if (!g->bucket_start || !fill) goto nomem;
    for (int i = 0; i < count; ++i) {
        bounds(user, ids[i], lo, hi);
        box_enter(g, lo, hi, ids[i], 0, fill);
    }
    for (uint32_t b = 0; b < g->bucket_count; ++b)
        g->bucket_start[b + 1] += g->bucket_start[b];
    memcpy(fill, g->bucket_start, sizeof *fill * g->bucket_count);
    size_t total = g->bucket_start[g->bucket_count];
    g->ids = malloc(sizeof *g->ids * (total ? total : 1));
    g->cells = malloc(sizeof *g->cells * (total ? total : 1));
    if (!g->ids || !g->cells) goto nomem;
    for (int i = 0; i < count; ++i) {
        bounds(user, ids[i], lo, hi);
        box_enter(g, lo, hi, ids[i], 1, fill);
    }
    free(fill);
    return SMP_OK;
nomem:
    free(fill);
    smp_box_grid_deinit(g);
    return SMP_ERR_NOMEM;
}

void smp_box_grid_deinit(smp_box_grid *g)
{
    if (!g) return;
    free(g->bucket_start);
    free(g->ids);
    free(g->cells);
    memset(g, 0, sizeof *g);
}

void smp_box_grid_cell(const smp_box_grid *g, const int cell[3], smp_box_grid_cursor *c)
{
    c->g = g;
    c->cell = cell_pack(cell[0], cell[1], cell[2]);
    c->e = c->end = 0;
    if (g->bucket_count == 0) return;
    uint32_t b = cell_hash(cell[0], cell[1], cell[2]) & (g->bucket_count - 1u);
    c->e = g->bucket_start[b];
    c->end = g->bucket_start[b + 1];
}
