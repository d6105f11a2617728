/* Stable dots: with the same seed, adding, removing or resizing a scar places dots again only near it. Every
 * dot farther than the field's scar_margin_mm from every scar's reach (in both plans) is the same, bit for
 * bit and in the same order, with and without the scar; near the scar, the scar's effects still hold: the
 * plan treats it (dots on it, at the density the raised weight asks for), its tissue keeps less ink and fades
 * faster, and the Poisson-disk spacing holds across the seam between kept and re-placed dots. */
#include "test_util.h"

#include "pigment/pigment.h"

#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    scalp_head head;
    plan n6;          /* the built-in plan: Norwood 6, hair all over the back (no dots there without scars) */
    plan n7_clusters; /* Norwood 7 (treated at 0.15-0.3 around the FUT line: kept and re-placed dots meet),
                       * with clusters at the widest spacing the plan allows */
} fixture;

static int setup_all(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    smp_error err = {0};
    plan_init_default(&f->n6);
    f->n7_clusters = f->n6;
    if (!plan_pattern_from_name("7", false, &f->n7_clusters.patient.pattern)) return -1;
    f->n7_clusters.clusters =
        (plan_clusters){.double_fraction = 0.3, .triple_fraction = 0.2, .spacing_mm = 1.0};
    if (scalp_head_create(&f->head, &f->n6.head, f->n6.patient.sex, &err) != SMP_OK) return -1;
    *state = f;
    return 0;
}

static int teardown_all(void **state)
{
    fixture *f = *state;
    scalp_head_destroy(&f->head);
    free(f);
    return 0;
}

static const plan_scar FUT_20 = {
    .type = PLAN_SCAR_FUT, .length_cm = 20, .width_mm = 2, .depth_mm = 0.4, .height_above_nape_cm = 6};
static const plan_scar FUT_14 = {
    .type = PLAN_SCAR_FUT, .length_cm = 14, .width_mm = 3, .depth_mm = 0.4, .height_above_nape_cm = 6};
static const plan_scar FUE_1500 = {
    .type = PLAN_SCAR_FUE, .count = 1500, .diameter_mm = 0.9, .depth_mm = 0.15};

typedef struct built {
    plan plan;
    scalp_scar_set scars;
    pigment_field field;
} built;

static void build(const fixture *f, const plan *base, const plan_scar *scars, int count, built *b)
{
    smp_error err = {0};
    b->plan = *base;
    b->plan.scar_count = count;
    for (int i = 0; i < count; ++i)
        b->plan.scars[i] = scars[i];
    if (scalp_scar_set_create(&b->scars, &f->head, &b->plan, &err) != SMP_OK) fail_msg("%s", err.message);
    if (pigment_field_create_with_scars(&b->field, &f->head, &b->plan, &b->scars, &err) != SMP_OK)
        fail_msg("%s", err.message);
}

static void release(built *b)
{
    pigment_field_destroy(&b->field);
    scalp_scar_set_destroy(&b->scars);
}

/* True when no scar of the sets reaches within margin of p (the scars' hash, exact to its 1 mm cells; a box
 * around p holds the ball). */
static bool far_from(const scalp_scar_set *a, const scalp_scar_set *b, const float p[3], float margin)
{
    float lo[3], hi[3];
    for (int k = 0; k < 3; ++k)
        lo[k] = p[k] - margin, hi[k] = p[k] + margin;
    return !scalp_scar_may_touch_box(a, lo, hi) && !scalp_scar_may_touch_box(b, lo, hi);
}

/* The dots of a and b farther than margin from the scars of sa and sb are the same sequence, bit for bit.
 * Returns how many. */
static int assert_same_far_dots(const pigment_field *a, const pigment_field *b, const scalp_scar_set *sa,
                                const scalp_scar_set *sb, float margin, const char *what)
{
    int ia = 0, ib = 0, same = 0, near_a = 0, near_b = 0;
    for (;;) {
        while (ia < a->count && !far_from(sa, sb, a->dots[ia].position_mm, margin))
            ia++, near_a++;
        while (ib < b->count && !far_from(sa, sb, b->dots[ib].position_mm, margin))
            ib++, near_b++;
        if (ia == a->count || ib == b->count) break;
        if (memcmp(&a->dots[ia], &b->dots[ib], sizeof a->dots[ia]) != 0)
            fail_msg(
                "%s: far dot %d differs: (%.3f %.3f %.3f) session %d against (%.3f %.3f %.3f) session %d",
                what, same, a->dots[ia].position_mm[0], a->dots[ia].position_mm[1],
                a->dots[ia].position_mm[2], a->dots[ia].session, b->dots[ib].position_mm[0],
                b->dots[ib].position_mm[1], b->dots[ib].position_mm[2], b->dots[ib].session);
        ia++, ib++, same++;
    }
    /* What is left of either is near the scars: the same count far from them. */
    if (ia != a->count || ib != b->count)
        fail_msg("%s: a far dot of one field is missing from the other", what);
    print_message("%s: %d dots farther than %.2f mm from the scars identical; %d and %d nearer\n", what, same,
                  (double)margin, near_a, near_b);
    return same;
}

static float margin_of(const built *a, const built *b)
{
    return fmaxf(a->field.scar_margin_mm, b->field.scar_margin_mm);
}

/* No two dots closer than the field's minimum spacing near the scars, where kept and re-placed dots meet
 * (a single-dot plan, where the spacing holds between dots; with clusters it holds between their centres). */
static void assert_spacing_near_scars(const built *b)
{
    const pigment_field *f = &b->field;
    assert_true(f->cluster_spacing_mm == 0.0f && f->min_spacing_mm > 0.3f);
    int tested = 0;
    for (int i = 0; i < f->count; ++i) {
        if (far_from(&b->scars, &b->scars, f->dots[i].position_mm, f->scar_margin_mm + 2.0f)) continue;
        tested++;
        for (int j = 0; j < f->count; ++j) {
            if (i == j) continue;
            const float *p = f->dots[i].position_mm, *q = f->dots[j].position_mm;
            float d = sqrtf((p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]) +
                            (p[2] - q[2]) * (p[2] - q[2]));
            if (d < f->min_spacing_mm)
                fail_msg("dots %d and %d (sessions %d, %d) %.3f mm apart, closer than %.3f", i, j,
                         f->dots[i].session, f->dots[j].session, (double)d, (double)f->min_spacing_mm);
        }
    }
    assert_true(tested > 100);
}

/* Dots by session, as pigment.h promises (later sessions after earlier ones). */
static void assert_sorted_by_session(const pigment_field *f)
{
    for (int i = 1; i < f->count; ++i)
        assert_true(f->dots[i].session >= f->dots[i - 1].session);
    int n = 0;
    for (int l = 0; l < f->layer_count; ++l)
        n += f->layer_dot_count[l];
    assert_int_equal(n, f->count);
}

/* The scar is treated: dots on its tissue, with the ink its form keeps (a share of that of the dots of the
 * same session elsewhere) and a faster fade; and the scar adds about density x (the treated area it adds)
 * dots. */
static void assert_scar_treated(const built *without, const built *with)
{
    const pigment_field *f = &with->field;
    int on = 0;
    double ink_on = 0.0, ink_off = 0.0, uptake = 0.0;
    int off = 0;
    for (int i = 0; i < f->count; ++i) {
        if (f->dots[i].session != 0) continue;
        float t = scalp_scar_tissue(&with->scars, f->dots[i].position_mm);
        if (t >= 1.0f) {
            on++, ink_on += f->dots[i].ink;
            uptake += scalp_scar_pigment_uptake(&with->scars, f->dots[i].position_mm);
            assert_true(f->dots[i].fade_rate > 1.5f);
        } else if (t <= 0.0f) {
            off++, ink_off += f->dots[i].ink;
            assert_true(f->dots[i].fade_rate == 1.0f);
        }
    }
    assert_true(on > 20 && off > 100);
    /* Each dot's ink varies by +-30 %, so over tens of dots the mean ratio holds to about 0.1. */
    assert_in_range_d((ink_on / on) / (ink_off / off), uptake / on - 0.12, uptake / on + 0.12);
    double density = 0.0;
    for (int i = 0; i < with->plan.session_count; ++i)
        density += with->plan.sessions[i].density_per_cm2;
    for (int i = 0; i < with->plan.touch_up_count; ++i)
        density += with->plan.touch_ups[i].density_per_cm2;
    double added = f->count - without->field.count;
    double expected = density * (f->treated_area_cm2 - without->field.treated_area_cm2);
    print_message("the scar adds %.0f dots for %.0f expected; %d on its tissue in session 0\n", added,
                  expected, on);
    assert_true(expected > 100.0);
    assert_near(added, expected, 0.15 * expected);
}

static void adding_a_fut_scar_should_place_dots_again_only_near_it(void **state)
{
    fixture *f = *state;
    const plan *bases[2] = {&f->n6, &f->n7_clusters};
    for (int k = 0; k < 2; ++k) {
        built none, fut;
        build(f, bases[k], NULL, 0, &none);
        build(f, bases[k], &FUT_20, 1, &fut);
        assert_true(fut.field.scar_margin_mm > 2.0f && fut.field.scar_margin_mm < 6.0f);
        assert_int_equal(none.field.scar_margin_mm, 0);
        int same =
            assert_same_far_dots(&none.field, &fut.field, &none.scars, &fut.scars, margin_of(&none, &fut),
                                 k == 0 ? "Norwood 6, no scar / FUT" : "Norwood 7 clustered, no scar / FUT");
        assert_true(same > 25000);
        assert_scar_treated(&none, &fut);
        if (k == 0) assert_spacing_near_scars(&fut);
        assert_sorted_by_session(&fut.field);
        release(&none);
        release(&fut);
    }
}

static void adding_a_fue_field_should_place_dots_again_only_near_it(void **state)
{
    fixture *f = *state;
    built none, fue;
    build(f, &f->n6, NULL, 0, &none);
    build(f, &f->n6, &FUE_1500, 1, &fue);
    int same = assert_same_far_dots(&none.field, &fue.field, &none.scars, &fue.scars, margin_of(&none, &fue),
                                    "Norwood 6, no scar / FUE");
    assert_true(same > 20000);
    assert_spacing_near_scars(&fue);
    assert_sorted_by_session(&fue.field);
    /* The punches take about a tenth of the band's follicles: the band is treated, thinly. */
    assert_true(fue.field.count > none.field.count + 300);
    release(&none);
    release(&fue);
}

static void resizing_a_fut_scar_should_place_dots_again_only_near_either_line(void **state)
{
    fixture *f = *state;
    built a, b;
    build(f, &f->n7_clusters, &FUT_20, 1, &a);
    build(f, &f->n7_clusters, &FUT_14, 1, &b);
    int same = assert_same_far_dots(&a.field, &b.field, &a.scars, &b.scars, margin_of(&a, &b),
                                    "Norwood 7 clustered, FUT 20 cm x 2 mm / 14 cm x 3 mm");
    assert_true(same > 30000);
    assert_sorted_by_session(&b.field);
    release(&a);
    release(&b);
}

static void adding_a_fut_scar_beside_a_fue_field_should_place_dots_again_only_near_the_line(void **state)
{
    /* The built-in plan's scars [FUT, FUE] against [FUE]: the FUE field lies where it did (scalp/scar.h) and
     * the line, added after it, places again only its own surroundings, though the FUE field's treated band
     * is all around it. */
    fixture *f = *state;
    const plan_scar both[] = {FUT_20, FUE_1500};
    built fue, all, fut;
    build(f, &f->n6, &FUE_1500, 1, &fue);
    build(f, &f->n6, both, 2, &all);
    build(f, &f->n6, &FUT_20, 1, &fut);
    int same = assert_same_far_dots(&fue.field, &all.field, &fut.scars, &fut.scars, margin_of(&fue, &all),
                                    "Norwood 6, FUE / FUT + FUE, away from the line");
    assert_true(same > 25000);
    assert_spacing_near_scars(&all);
    release(&fue);
    release(&all);
    release(&fut);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(adding_a_fut_scar_should_place_dots_again_only_near_it),
        cmocka_unit_test(adding_a_fue_field_should_place_dots_again_only_near_it),
        cmocka_unit_test(resizing_a_fut_scar_should_place_dots_again_only_near_either_line),
        cmocka_unit_test(adding_a_fut_scar_beside_a_fue_field_should_place_dots_again_only_near_the_line),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
