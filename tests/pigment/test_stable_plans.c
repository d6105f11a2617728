/* Stable dots between two plans (pigment_field_create_stable): plan B placed as a change of plan A keeps,
 * bit for bit, every dot of A's field farther than its stable_margin_mm from each vertex where B's target
 * differs (here: where the treatment weight differs, the sessions being the same); where it differs B's
 * density is B's, the Poisson-disk spacing holds across the seam, and the stable field agrees with a fresh
 * placement of B. A change that moves no dot (needle depth, shade) gives the fresh field of B itself, and a
 * global change (the seed) falls back to it. Plan A is the built-in plan, with its FUT line and FUE field. */
#include "test_util.h"

#include "pigment/pigment.h"

#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    scalp_head head;
    plan a;
    scalp_scar_set scars_a;
    pigment_field field_a; /* pigment_field_create_with_scars(a) */
} fixture;

static int setup_all(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    smp_error err = {0};
    if (!f) return -1;
    plan_init_default(&f->a);
    if (scalp_head_create(&f->head, &f->a.head, f->a.patient.sex, &err) != SMP_OK) return -1;
    if (scalp_scar_set_create(&f->scars_a, &f->head, &f->a, &err) != SMP_OK) return -1;
    if (pigment_field_create_with_scars(&f->field_a, &f->head, &f->a, &f->scars_a, &err) != SMP_OK) return -1;
    *state = f;
    return 0;
}

static int teardown_all(void **state)
{
    fixture *f = *state;
    pigment_field_destroy(&f->field_a);
    scalp_scar_set_destroy(&f->scars_a);
    scalp_head_destroy(&f->head);
    free(f);
    return 0;
}

/* Plan b's scar set, its field placed as a change of a, and its fresh field. */
typedef struct built {
    plan b;
    scalp_scar_set scars_b;
    pigment_field stable, fresh;
} built;

static void build(const fixture *f, const plan *b, built *out)
{
    smp_error err = {0};
    out->b = *b;
    if (scalp_scar_set_create(&out->scars_b, &f->head, &out->b, &err) != SMP_OK) fail_msg("%s", err.message);
    if (pigment_field_create_stable(&out->stable, &f->head, &out->b, &out->scars_b, &f->a, &f->scars_a,
                                    &err) != SMP_OK)
        fail_msg("%s", err.message);
    if (pigment_field_create_with_scars(&out->fresh, &f->head, &out->b, &out->scars_b, &err) != SMP_OK)
        fail_msg("%s", err.message);
}

static void release(built *b)
{
    pigment_field_destroy(&b->stable);
    pigment_field_destroy(&b->fresh);
    scalp_scar_set_destroy(&b->scars_b);
}

/* Points sorted by x, for "is any within r of p" by a sweep over the x window. */
typedef struct point_set {
    int count;
    float (*p)[3];
} point_set;

static int cmp_x(const void *a, const void *b)
{
    float xa = ((const float *)a)[0], xb = ((const float *)b)[0];
    return (xa > xb) - (xa < xb);
}

static void point_set_sort(point_set *s)
{
    qsort(s->p, (size_t)s->count, sizeof *s->p, cmp_x);
}

static bool point_set_any_within(const point_set *s, const float p[3], float r)
{
    int lo = 0, hi = s->count;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (s->p[mid][0] < p[0] - r)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (int i = lo; i < s->count && s->p[i][0] <= p[0] + r; ++i) {
        float dx = s->p[i][0] - p[0], dy = s->p[i][1] - p[1], dz = s->p[i][2] - p[2];
        if (dx * dx + dy * dy + dz * dz <= r * r) return true;
    }
    return false;
}

/* The mesh vertices where plan b's treatment weight differs from plan a's by more than the tolerance: with
 * the same sessions, where some layer's target differs. */
static point_set differing_vertices(const scalp_head *head, const plan *a, const plan *b)
{
    const scalp_mesh *m = &head->mesh;
    point_set s = {0, malloc(sizeof *s.p * (size_t)m->vertex_count)};
    assert_non_null(s.p);
    for (int v = 0; v < m->vertex_count; ++v) {
        const float *p = m->positions_mm + 3 * v;
        float wa = scalp_treatment_weight(head, a, p), wb = scalp_treatment_weight(head, b, p);
        if (fabsf(wa - wb) > PIGMENT_STABLE_TOLERANCE * fmaxf(wa, wb))
            memcpy(s.p[s.count++], p, sizeof s.p[0]);
    }
    point_set_sort(&s);
    return s;
}

/* Every dot of a and b farther than margin from the changed vertices is in the other field, in the same
 * order and bit for bit. Returns how many. */
static int assert_same_far_dots(const pigment_field *a, const pigment_field *b, const point_set *changed,
                                float margin)
{
    int ia = 0, ib = 0, same = 0, near_a = 0, near_b = 0;
    for (;;) {
        while (ia < a->count && point_set_any_within(changed, a->dots[ia].position_mm, margin))
            ia++, near_a++;
        while (ib < b->count && point_set_any_within(changed, b->dots[ib].position_mm, margin))
            ib++, near_b++;
        if (ia == a->count || ib == b->count) break;
        if (memcmp(&a->dots[ia], &b->dots[ib], sizeof a->dots[ia]) != 0)
            fail_msg("far dot %d differs: (%.3f %.3f %.3f) session %d against (%.3f %.3f %.3f) session %d",
                     same, (double)a->dots[ia].position_mm[0], (double)a->dots[ia].position_mm[1],
                     (double)a->dots[ia].position_mm[2], a->dots[ia].session,
                     (double)b->dots[ib].position_mm[0], (double)b->dots[ib].position_mm[1],
                     (double)b->dots[ib].position_mm[2], b->dots[ib].session);
        ia++, ib++, same++;
    }
    if (ia != a->count || ib != b->count) fail_msg("a far dot of one field is missing from the other");
    print_message("%d dots farther than %.2f mm from the change identical; %d and %d nearer\n", same,
                  (double)margin, near_a, near_b);
    return same;
}

/* No two dots closer than the field's smallest spacing among the dots within reach_mm of the change, where
 * kept and re-placed dots meet (single dots: the spacing holds between dots). Returns how many were checked.
 */
static int assert_spacing_near(const pigment_field *f, const point_set *changed, float reach_mm)
{
    assert_true(f->cluster_spacing_mm == 0.0f && f->min_spacing_mm > 0.3f);
    point_set all = {f->count, malloc(sizeof *all.p * (size_t)f->count)};
    assert_non_null(all.p);
    for (int i = 0; i < f->count; ++i)
        memcpy(all.p[i], f->dots[i].position_mm, sizeof all.p[0]);
    point_set_sort(&all);
    int checked = 0;
    float r = f->min_spacing_mm;
    for (int i = 0; i < all.count; ++i) {
        if (!point_set_any_within(changed, all.p[i], reach_mm)) continue;
        checked++;
        for (int j = i + 1; j < all.count && all.p[j][0] < all.p[i][0] + r; ++j) {
            float dx = all.p[j][0] - all.p[i][0], dy = all.p[j][1] - all.p[i][1],
                  dz = all.p[j][2] - all.p[i][2];
            if (dx * dx + dy * dy + dz * dz < r * r)
                fail_msg("two dots %.3f mm apart near (%.1f %.1f %.1f), closer than %.3f",
                         sqrt(dx * dx + dy * dy + dz * dz), (double)all.p[i][0], (double)all.p[i][1],
                         (double)all.p[i][2], (double)r);
        }
    }
    free(all.p);
    print_message("spacing of %.3f mm holds around the %d dots within %.2f mm of the change\n", (double)r,
                  checked, (double)reach_mm);
    return checked;
}

/* Dots of f inside a region (inside(p)), and the mean distance from each to its nearest neighbour there. */
typedef bool (*region_fn)(const fixture *f, const plan *b, const float p[3]);

typedef struct region_stats {
    int count;
    double mean_nn_mm;
} region_stats;

static region_stats stats_in(const fixture *fx, const plan *b, const pigment_field *f, region_fn inside)
{
    point_set in = {0, malloc(sizeof(float[3]) * (size_t)(f->count > 0 ? f->count : 1))};
    assert_non_null(in.p);
    for (int i = 0; i < f->count; ++i)
        if (inside(fx, b, f->dots[i].position_mm))
            memcpy(in.p[in.count++], f->dots[i].position_mm, sizeof in.p[0]);
    point_set_sort(&in);
    double sum = 0.0;
    for (int i = 0; i < in.count; ++i) {
        double best = 1e9;
        /* Sweep outwards along x until the window is wider than the best distance found. */
        for (int j = i + 1; j < in.count && in.p[j][0] - in.p[i][0] < best; ++j) {
            double dx = in.p[j][0] - in.p[i][0], dy = in.p[j][1] - in.p[i][1], dz = in.p[j][2] - in.p[i][2];
            best = fmin(best, sqrt(dx * dx + dy * dy + dz * dz));
        }
        for (int j = i - 1; j >= 0 && in.p[i][0] - in.p[j][0] < best; --j) {
            double dx = in.p[j][0] - in.p[i][0], dy = in.p[j][1] - in.p[i][1], dz = in.p[j][2] - in.p[i][2];
            best = fmin(best, sqrt(dx * dx + dy * dy + dz * dz));
        }
        sum += best;
    }
    region_stats s = {in.count, in.count > 0 ? sum / in.count : 0.0};
    free(in.p);
    return s;
}

/* The dots plan b asks for in the region: density of every session x the integral of its treatment weight
 * there (triangles by their centroid). */
static double nominal_in(const fixture *fx, const plan *b, region_fn inside)
{
    const scalp_mesh *m = &fx->head.mesh;
    double density = 0.0, integral_mm2 = 0.0;
    for (int i = 0; i < b->session_count; ++i)
        density += b->sessions[i].density_per_cm2;
    for (int i = 0; i < b->touch_up_count; ++i)
        density += b->touch_ups[i].density_per_cm2;
    for (int t = 0; t < m->triangle_count; ++t) {
        float c[3] = {0.0f, 0.0f, 0.0f};
        for (int k = 0; k < 3; ++k)
            for (int j = 0; j < 3; ++j)
                c[j] += m->positions_mm[3 * m->indices[3 * t + k] + j] / 3.0f;
        if (inside(fx, b, c))
            integral_mm2 += scalp_mesh_triangle_area_mm2(m, t) * scalp_treatment_weight(&fx->head, b, c);
    }
    return density * integral_mm2 / 100.0;
}

/* In the region, the stable field and a fresh placement of b hold the dots b asks for, and are spaced alike.
 * Placement is random sequential adsorption to a fixed count, whose count in a part of the region fluctuates
 * less than a Poisson count: 3 sqrt(N) bounds it. The mean nearest-neighbour distance of N dots has a
 * relative standard error near 0.5 / sqrt(N) (its spread over a jammed-like packing is about half its mean);
 * 4 of those bound the difference of two. */
static void assert_region_agrees(const fixture *fx, const built *b, region_fn inside, const char *what)
{
    double nominal = nominal_in(fx, &b->b, inside);
    region_stats s = stats_in(fx, &b->b, &b->stable, inside), r = stats_in(fx, &b->b, &b->fresh, inside);
    print_message("%s: %d dots stable, %d fresh, %.0f nominal; mean nearest neighbour %.4f and %.4f mm\n",
                  what, s.count, r.count, nominal, s.mean_nn_mm, r.mean_nn_mm);
    assert_true(nominal > 200.0);
    assert_near(s.count, nominal, 3.0 * sqrt(nominal));
    assert_near(r.count, nominal, 3.0 * sqrt(nominal));
    assert_near(s.mean_nn_mm, r.mean_nn_mm, 4.0 * 0.5 / sqrt(nominal) * r.mean_nn_mm);
}

/* The whole fields: each layer's count in the stable field against the fresh one, within 3 sqrt(N) of the
 * part that was placed again (the rest is A's, whose counts are B's where nothing changed). */
static void assert_layers_agree(const built *b)
{
    assert_int_equal(b->stable.layer_count, b->fresh.layer_count);
    int replaced = b->stable.count - b->stable.stable_kept_count;
    for (int l = 0; l < b->stable.layer_count; ++l) {
        assert_near(b->stable.layer_dot_count[l], b->fresh.layer_dot_count[l],
                    3.0 * sqrt((double)replaced) + 1.0);
        assert_true(b->stable.layer_day[l] == b->fresh.layer_day[l]);
    }
    assert_near(b->stable.treated_area_cm2, b->fresh.treated_area_cm2, 1e-9);
    for (int i = 1; i < b->stable.count; ++i)
        assert_true(b->stable.dots[i].session >= b->stable.dots[i - 1].session);
}

/* ---- the crown zone's factor doubled ---- */

static bool in_crown_core(const fixture *f, const plan *b, const float p[3])
{
    /* Wholly in the crown (the factor is the crown's), not in its blend with the mid-scalp. */
    (void)f;
    return scalp_zone_factor(&f->head, b, p) >= (float)b->zones.crown;
}

static void doubling_the_crown_zone_should_place_dots_again_only_in_the_crown(void **state)
{
    fixture *f = *state;
    plan b = f->a;
    b.zones.crown = 2.0 * f->a.zones.crown;
    built x;
    build(f, &b, &x);
    point_set changed = differing_vertices(&f->head, &f->a, &b);
    assert_true(changed.count > 1000);
    assert_true(x.stable.stable_margin_mm > 1.0f && x.stable.stable_margin_mm < 4.0f);
    int same = assert_same_far_dots(&f->field_a, &x.stable, &changed, x.stable.stable_margin_mm);
    assert_true(same > 15000);
    assert_true(x.stable.stable_kept_count >= same);
    /* A fresh placement of B shares no dot with A: one random sequence serves a whole layer. */
    assert_true(x.fresh.count > 0 &&
                memcmp(&x.fresh.dots[0], &f->field_a.dots[0], sizeof x.fresh.dots[0]) != 0);
    assert_region_agrees(f, &x, in_crown_core, "crown x 2, the crown");
    assert_layers_agree(&x);
    assert_true(assert_spacing_near(&x.stable, &changed, x.stable.stable_margin_mm + 2.0f) > 5000);
    free(changed.p);
    release(&x);
}

/* ---- the hairline 1 cm lower ---- */

static bool in_new_band(const fixture *f, const plan *b, const float p[3])
{
    /* Treated behind B's line, untreated in front of A's: the strip the lower line adds. */
    return scalp_hairline_weight(&f->head, &b->hairline, b->seed, p) > 0.0f &&
           scalp_hairline_weight(&f->head, &f->a.hairline, f->a.seed, p) <= 0.0f;
}

static void lowering_the_hairline_should_place_dots_again_only_along_it(void **state)
{
    fixture *f = *state;
    plan b = f->a;
    b.hairline.height_cm = f->a.hairline.height_cm - 1.0;
    built x;
    build(f, &b, &x);
    point_set changed = differing_vertices(&f->head, &f->a, &b);
    assert_true(changed.count > 500);
    int same = assert_same_far_dots(&f->field_a, &x.stable, &changed, x.stable.stable_margin_mm);
    assert_true(same > 25000);
    /* No dot of A's field lay in the new strip: every dot there is placed for B. */
    assert_int_equal(stats_in(f, &b, &f->field_a, in_new_band).count, 0);
    assert_region_agrees(f, &x, in_new_band, "hairline 1 cm lower, the new strip");
    assert_layers_agree(&x);
    assert_true(assert_spacing_near(&x.stable, &changed, x.stable.stable_margin_mm + 2.0f) > 1000);
    free(changed.p);
    release(&x);
}

/* ---- what does not move a dot ---- */

static void another_needle_depth_and_shade_should_keep_every_dot_and_follow_the_plan(void **state)
{
    /* Depth, shade and ink grade jitter from the same random draws whatever their values: a fresh placement
     * of B has A's positions, and the stable field is that fresh field, bit for bit, scar tissue included. */
    fixture *f = *state;
    plan b = f->a;
    b.pigment.depth_mm = 1.5 * f->a.pigment.depth_mm;
    b.pigment.shade = 0.5;
    b.pigment.ink_quality = PLAN_INK_INFERIOR;
    b.pigment.needle = PLAN_NEEDLE_3RL;
    b.sessions[1].shade = 0.3;
    built x;
    build(f, &b, &x);
    assert_int_equal(x.stable.count, f->field_a.count);
    assert_int_equal(x.stable.stable_kept_count, x.stable.count);
    assert_true(x.stable.stable_margin_mm == 0.0f);
    assert_int_equal(x.fresh.count, x.stable.count);
    assert_memory_equal(x.stable.dots, x.fresh.dots, sizeof *x.stable.dots * (size_t)x.stable.count);
    assert_memory_equal(x.stable.layer_dot_count, x.fresh.layer_dot_count, sizeof x.stable.layer_dot_count);
    int deeper = 0;
    for (int i = 0; i < x.stable.count; ++i) {
        const pigment_dot *d = &x.stable.dots[i], *o = &f->field_a.dots[i];
        assert_memory_equal(d->position_mm, o->position_mm, sizeof d->position_mm);
        deeper += d->depth_mm > o->depth_mm;
    }
    /* 0.4 and 0.6 mm jittered by x 0.5..1.6 stay inside the 0.05..3 mm clamp: every dot deeper. */
    assert_int_equal(deeper, x.stable.count);
    release(&x);
}

/* ---- what moves every dot ---- */

static void plans_that_differ_in_a_global_field_should_be_placed_afresh(void **state)
{
    fixture *f = *state;
    plan b = f->a;
    assert_true(pigment_plans_share_placement(&f->a, &b));
    b.pigment.depth_mm = 2.0, b.zones.crown = 3.0, b.hairline.height_cm = 6.0, b.scar_count = 0;
    assert_true(pigment_plans_share_placement(&f->a, &b));
    plan c = f->a;
    c.clusters.double_fraction = 0.2;
    assert_false(pigment_plans_share_placement(&f->a, &c));
    c = f->a, c.head.breadth_cm += 0.5;
    assert_false(pigment_plans_share_placement(&f->a, &c));
    c = f->a, c.patient.sex = PLAN_SEX_FEMALE;
    assert_false(pigment_plans_share_placement(&f->a, &c));
    c = f->a, c.session_count = 0, c.touch_up_count = 0;
    assert_false(pigment_plans_share_placement(&f->a, &c));
    /* Another seed: the stable field is the fresh one, nothing kept. A lighter plan keeps it quick. */
    c = f->a, c.seed = f->a.seed + 1, c.scar_count = 0, c.touch_up_count = 0, c.session_count = 1;
    c.sessions[0].density_per_cm2 = 20.0;
    assert_false(pigment_plans_share_placement(&f->a, &c));
    built x;
    build(f, &c, &x);
    assert_int_equal(x.stable.stable_kept_count, 0);
    assert_int_equal(x.stable.count, x.fresh.count);
    assert_true(x.fresh.count > 3000);
    assert_memory_equal(x.stable.dots, x.fresh.dots, sizeof *x.stable.dots * (size_t)x.stable.count);
    release(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(doubling_the_crown_zone_should_place_dots_again_only_in_the_crown),
        cmocka_unit_test(lowering_the_hairline_should_place_dots_again_only_along_it),
        cmocka_unit_test(another_needle_depth_and_shade_should_keep_every_dot_and_follow_the_plan),
        cmocka_unit_test(plans_that_differ_in_a_global_field_should_be_placed_afresh),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
