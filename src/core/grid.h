/* grid: the one spatial hash of the project. A uniform grid of cubic cells over 3-D space whose cells are
 * hashed into a power-of-two table of buckets (the hash of Teschner et al. 2003, "Optimized Spatial Hashing
 * for Collision Detection of Deformable Objects"), so that memory follows the points, not the space.
 * Two forms:
 *   smp_grid      points inserted one at a time (dart throwing: pigment dots, follicular units, FUE punches,
 *                 clump seeds); a query visits the points of the 27 cells around p, which hold every point
 *                 within one cell edge of p.
 *   smp_box_grid  boxes entered once into every cell they overlap, then read-only (scar segments and punches
 *                 looked up per surface point); a query reads the entries of exactly one cell.
 * Units are the caller's (millimetres everywhere in this project). No globals; a grid being written is not
 * thread safe, a grid only read may be queried from any number of threads.
 *
 *     smp_grid g;
 *     if (smp_grid_init(&g, expected_points, 2.0f * r_max) != SMP_OK) ...;
 *     if (!smp_grid_any_within(&g, p, r)) smp_grid_insert(&g, p);   // r <= the cell edge
 *     smp_grid_deinit(&g);
 */
#ifndef SMP_GRID_H
#define SMP_GRID_H

#include "core/core.h"

/* Cell coordinates of p for cells of edge cell_mm: floor(p / cell_mm) per axis, in float. */
void smp_grid_cell_of(float cell_mm, const float p[3], int cell[3]);

/* ---- points ---- */

typedef struct smp_grid {
    float cell_mm;      /* cell edge: queries reach r <= cell_mm */
    uint32_t mask;      /* buckets - 1 */
    int32_t *heads;     /* owned: first point of each bucket, -1 when empty */
    int32_t *next;      /* owned: next point in the same bucket (newest first) */
    float (*points)[3]; /* owned: the points in insertion order; point i is item i */
    int count, capacity;
} smp_grid;

/* An empty grid with room for capacity points (more grow the arrays) and max(1024, 2 x capacity) buckets,
 * rounded up to a power of two. cell_mm > 0. SMP_ERR_NOMEM leaves the grid zeroed. */
smp_status smp_grid_init(smp_grid *g, int capacity, float cell_mm);
void smp_grid_deinit(smp_grid *g); /* safe on a zeroed or deinitialised grid */
/* Room for capacity points in all, and buckets for them as smp_grid_init gives (more buckets enter every
 * point again; the table never shrinks); false when memory runs out (the grid's points and answers
 * unchanged). */
bool smp_grid_reserve(smp_grid *g, int capacity);
/* Appends p as item count; returns its index, or -1 when memory runs out. */
int smp_grid_insert(smp_grid *g, const float p[3]);
/* Gives the grid a new cell edge and enters every point again in insertion order. */
void smp_grid_rebin(smp_grid *g, float cell_mm);

/* Calls visit(user, i, points[i]) for the points of the buckets of the 27 cells around p (cell by cell, z
 * then y then x from -1 to 1, newest first within a bucket) until visit returns true, and returns that
 * point, or -1 when none did. Every point within cell_mm of p is visited; so are some farther ones (a bucket
 * may hold other cells), so visit decides by distance, and a point may come twice (two of the cells may
 * share a bucket). */
typedef bool (*smp_grid_visit_fn)(void *user, int i, const float q[3]);
int smp_grid_visit_near(const smp_grid *g, const float p[3], smp_grid_visit_fn visit, void *user);
/* True when a point lies closer than r to p (squared distances in float); r <= cell_mm. */
bool smp_grid_any_within(const smp_grid *g, const float p[3], float r);

/* ---- boxes ---- */

typedef struct smp_box_grid {
    float cell_mm;
    uint32_t bucket_count;  /* a power of two; 0 for an empty grid */
    uint32_t *bucket_start; /* owned, bucket_count + 1: bucket b holds entries [start[b], start[b + 1]) */
    uint32_t *ids;          /* owned: the caller's id of each entry */
    uint64_t *cells;        /* owned: each entry's cell (packed 21-bit coordinates), so that other cells
                             * hashed to the same bucket are skipped */
} smp_box_grid;

/* The bounds (lo, hi) of the box of id. */
typedef void (*smp_box_grid_bounds_fn)(const void *user, uint32_t id, float lo[3], float hi[3]);
/* Enters ids[0 .. count-1] into every cell of edge cell_mm their box overlaps; within a cell the entries
 * keep the order of ids. About four buckets per occupied cell. SMP_ERR_NOMEM leaves the grid zeroed. */
smp_status smp_box_grid_build(smp_box_grid *g, float cell_mm, const uint32_t *ids, int count,
                              smp_box_grid_bounds_fn bounds, const void *user);
void smp_box_grid_deinit(smp_box_grid *g); /* safe on a zeroed or deinitialised grid */

/* The entries of one cell: open it with smp_box_grid_cell, then smp_box_grid_next until it returns false. */
typedef struct smp_box_grid_cursor {
    const smp_box_grid *g;
    uint64_t cell;
    uint32_t e, end;
} smp_box_grid_cursor;

void smp_box_grid_cell(const smp_box_grid *g, const int cell[3], smp_box_grid_cursor *c);
static inline bool smp_box_grid_next(smp_box_grid_cursor *c, uint32_t *id)
{
    while (c->e < c->end) {
        uint32_t e = c->e++;
        if (c->g->cells[e] == c->cell) {
            *id = c->g->ids[e];
            return true;
        }
    }
    return false;
}

#endif
