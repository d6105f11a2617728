/* core/grid: the spatial hash against brute force. Points: any_within answers as a scan of every point does,
 * for radii up to the cell edge, across negative coordinates, after the arrays and the bucket table grew past
 * their first capacity (the points entered again) and after a rebin to another cell edge; visit_near reaches
 * every point within a cell edge and stops at the first one its visitor takes. Boxes: a cell's cursor yields
 * exactly the ids whose box overlaps the cell, each once, in the order they were given. */
#include "test_util.h"

#include "core/grid.h"
#include "core/rng.h"

#include <stdlib.h>
#include <string.h>

static void random_point(smp_rng *rng, float extent, float p[3])
{
    for (int k = 0; k < 3; ++k)
        p[k] = (2.0f * smp_rng_uniform_f(rng) - 1.0f) * extent;
}

static bool brute_any_within(const float (*pts)[3], int n, const float p[3], float r)
{
    for (int j = 0; j < n; ++j) {
        float ex = pts[j][0] - p[0], ey = pts[j][1] - p[1], ez = pts[j][2] - p[2];
        if (ex * ex + ey * ey + ez * ez < r * r) return true;
    }
    return false;
}

static void any_within_should_agree_with_a_scan_of_every_point(void **state)
{
    smp_rng rng;
    smp_rng_init(&rng, 3, 0);
    smp_grid g;
    /* Room for 16 points at first: 2000 grow the arrays several times. */
    assert_int_equal(smp_grid_init(&g, 16, 1.5f), SMP_OK);
    float(*pts)[3] = malloc(sizeof *pts * 2000);
    assert_non_null(pts);
    for (int i = 0; i < 2000; ++i) {
        random_point(&rng, 20.0f, pts[i]);
        assert_int_equal(smp_grid_insert(&g, pts[i]), i);
    }
    assert_int_equal(g.count, 2000);
    /* The table grew with the points (from 1024 buckets): two buckets a point at least. */
    assert_true(g.mask + 1u >= 2u * (uint32_t)g.capacity && g.mask + 1u > 1024u);
    int hits = 0;
    for (int pass = 0; pass < 2; ++pass) {
        if (pass == 1) smp_grid_rebin(&g, 3.0f); /* a coarser grid holds the same points */
        for (int q = 0; q < 3000; ++q) {
            float p[3];
            random_point(&rng, 21.0f, p);
            float r = g.cell_mm * smp_rng_uniform_f(&rng);
            bool expect = brute_any_within((const float(*)[3])pts, 2000, p, r);
            assert_int_equal(smp_grid_any_within(&g, p, r), expect);
            hits += expect;
        }
    }
    /* Both answers occur often enough for the comparison to mean something. */
    assert_true(hits > 500 && hits < 5500);
    free(pts);
    smp_grid_deinit(&g);
    smp_grid_deinit(&g); /* a second deinit is a no-op */
}

typedef struct count_visit {
    const float *p;
    float r2;
    int within, visited, stop_at;
    int order[600];
    bool seen[500];
} count_visit;

static bool count_within(void *user, int i, const float q[3])
{
    count_visit *c = user;
    float ex = q[0] - c->p[0], ey = q[1] - c->p[1], ez = q[2] - c->p[2];
    /* Two of the 27 cells may share a bucket: a point may come twice. */
    if (!c->seen[i]) c->within += ex * ex + ey * ey + ez * ez < c->r2;
    c->seen[i] = true;
    if (c->visited < 600) c->order[c->visited] = i;
    c->visited++;
    return i == c->stop_at;
}

static void visit_near_should_reach_every_point_within_a_cell_and_stop_when_asked(void **state)
{
    smp_rng rng;
    smp_rng_init(&rng, 4, 0);
    smp_grid g;
    assert_int_equal(smp_grid_init(&g, 500, 2.0f), SMP_OK);
    float pts[500][3];
    for (int i = 0; i < 500; ++i) {
        random_point(&rng, 10.0f, pts[i]);
        smp_grid_insert(&g, pts[i]);
    }
    int stopped = 0;
    for (int q = 0; q < 500; ++q) {
        float p[3];
        random_point(&rng, 10.0f, p);
        int expect = 0;
        for (int j = 0; j < 500; ++j) {
            float ex = pts[j][0] - p[0], ey = pts[j][1] - p[1], ez = pts[j][2] - p[2];
            expect += ex * ex + ey * ey + ez * ez < 4.0f;
        }
        static count_visit c;
        c = (count_visit){.p = p, .r2 = 4.0f, .stop_at = -1};
        assert_int_equal(smp_grid_visit_near(&g, p, count_within, &c), -1);
        assert_int_equal(c.within, expect);
        if (c.visited == 0 || c.visited > 600) continue;
        /* Stopping at a point halfway through returns it after the visits up to its first one. */
        int j = c.order[c.visited / 2], first = 0;
        while (c.order[first] != j)
            first++;
        static count_visit s;
        s = (count_visit){.p = p, .r2 = 4.0f, .stop_at = j};
        assert_int_equal(smp_grid_visit_near(&g, p, count_within, &s), j);
        assert_int_equal(s.visited, first + 1);
        stopped++;
    }
    assert_true(stopped > 250);
    smp_grid_deinit(&g);
}

/* Boxes of the test: id i spans lo[i]..hi[i]. */
typedef struct boxes {
    float lo[300][3], hi[300][3];
} boxes;

static void box_bounds(const void *user, uint32_t id, float lo[3], float hi[3])
{
    const boxes *b = user;
    memcpy(lo, b->lo[id], sizeof b->lo[id]);
    memcpy(hi, b->hi[id], sizeof b->hi[id]);
}

static void box_cells_should_hold_exactly_the_boxes_that_overlap_them_in_order(void **state)
{
    smp_rng rng;
    smp_rng_init(&rng, 5, 0);
    static boxes b;
    uint32_t ids[300];
    for (int i = 0; i < 300; ++i) {
        random_point(&rng, 15.0f, b.lo[i]);
        for (int k = 0; k < 3; ++k)
            b.hi[i][k] = b.lo[i][k] + 3.0f * smp_rng_uniform_f(&rng);
        ids[i] = (uint32_t)(299 - i); /* ids given in descending order: entries must keep it */
    }
    smp_box_grid g;
    const float cell = 1.0f;
    assert_int_equal(smp_box_grid_build(&g, cell, ids, 300, box_bounds, &b), SMP_OK);
    int nonempty = 0;
    for (int z = -17; z <= 18; z += 1)
        for (int y = -17; y <= 18; y += 3)
            for (int x = -17; x <= 18; x += 3) {
                const int c[3] = {x, y, z};
                bool expect[300] = {false};
                int expect_n = 0;
                for (int i = 0; i < 300; ++i) {
                    int i0[3], i1[3];
                    smp_grid_cell_of(cell, b.lo[i], i0);
                    smp_grid_cell_of(cell, b.hi[i], i1);
                    bool in = true;
                    for (int k = 0; k < 3; ++k)
                        in = in && c[k] >= i0[k] && c[k] <= i1[k];
                    expect[i] = in;
                    expect_n += in;
                }
                smp_box_grid_cursor cur;
                smp_box_grid_cell(&g, c, &cur);
                uint32_t id, prev = UINT32_MAX;
                int n = 0;
                while (smp_box_grid_next(&cur, &id)) {
                    assert_true(id < 300 && expect[id]);
                    assert_true(id < prev); /* the order of ids[], each once */
                    prev = id;
                    n++;
                }
                assert_int_equal(n, expect_n);
                nonempty += n > 0;
            }
    assert_true(nonempty > 100);
    smp_box_grid_deinit(&g);
    /* An empty grid answers nothing. */
    assert_int_equal(smp_box_grid_build(&g, cell, ids, 0, box_bounds, &b), SMP_OK);
    smp_box_grid_cursor cur;
    smp_box_grid_cell(&g, (const int[3]){0, 0, 0}, &cur);
    uint32_t id;
    assert_false(smp_box_grid_next(&cur, &id));
    smp_box_grid_deinit(&g);
    smp_box_grid_deinit(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(any_within_should_agree_with_a_scan_of_every_point),
        cmocka_unit_test(visit_near_should_reach_every_point_within_a_cell_and_stop_when_asked),
        cmocka_unit_test(box_cells_should_hold_exactly_the_boxes_that_overlap_them_in_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
