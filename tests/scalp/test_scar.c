/* Donor scars on the default head: where the FUT line lies, its length and profile, the FUE field's
 * count, sizes and region, the follicle and ink factors, and determinism. Measurements here are made
 * independently of scar.c's construction where possible (the midline from mesh vertices, lengths from
 * the points, profiles by sampling across the line). */
#include "test_util.h"

#include "scalp/scar.h"

#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    scalp_head head;
    plan plan;
} fixture;

static int setup_all(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    smp_error err = {0};
    plan_init_default(&f->plan);
    if (scalp_head_create(&f->head, &f->plan.head, f->plan.patient.sex, &err) != SMP_OK) return -1;
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

static plan plan_with(const fixture *f, const plan_scar *scars, int count)
{
    plan p = f->plan;
    p.scar_count = count;
    for (int i = 0; i < count; ++i)
        p.scars[i] = scars[i];
    return p;
}

static plan_scar fut(double length_cm, double width_mm, double depth_mm, double height_cm)
{
    plan_scar s = {0};
    s.type = PLAN_SCAR_FUT;
    s.length_cm = length_cm;
    s.width_mm = width_mm;
    s.depth_mm = depth_mm;
    s.height_above_nape_cm = height_cm;
    return s;
}

static plan_scar fue(int count, double diameter_mm, double depth_mm)
{
    plan_scar s = {0};
    s.type = PLAN_SCAR_FUE;
    s.count = count;
    s.diameter_mm = diameter_mm;
    s.depth_mm = depth_mm;
    return s;
}

static double dist3(const float a[3], const float b[3])
{
    double d[3] = {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
    return sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
}

/* Arc length along the back midline from the nape up to the height of point y_target, from the mesh
 * vertices within 0.7 mm of the midsagittal plane, sorted by angle about the ray origin. */
static int cmp_float2(const void *a, const void *b)
{
    float x = ((const float *)a)[0], y = ((const float *)b)[0];
    return (x > y) - (x < y);
}

static double midline_arc_to(const scalp_head *head, const float target[3])
{
    const scalp_mesh *m = &head->mesh;
    float(*pts)[4] = malloc(sizeof *pts * (size_t)m->vertex_count);
    int n = 0;
    const float *o = head->ray_origin_mm, *nape = head->landmarks_mm[SCALP_LM_NAPE];
    float a_nape = atan2f(nape[1] - o[1], -(nape[2] - o[2]));
    float a_target = atan2f(target[1] - o[1], -(target[2] - o[2]));
    for (int v = 0; v < m->vertex_count; ++v) {
        const float *p = m->positions_mm + 3 * v;
        if (fabsf(p[0]) > 0.7f || p[2] > o[2]) continue;
        float a = atan2f(p[1] - o[1], -(p[2] - o[2]));
        if (a < a_nape || a > a_target) continue;
        pts[n][0] = a, pts[n][1] = 0.0f, pts[n][2] = p[1], pts[n][3] = p[2];
        ++n;
    }
    qsort(pts, (size_t)n, sizeof *pts, cmp_float2);
    double arc = 0.0;
    for (int i = 1; i < n; ++i)
        arc += hypot(pts[i][2] - pts[i - 1][2], pts[i][3] - pts[i - 1][3]);
    free(pts);
    return arc;
}

static void fut_line_should_cross_the_midline_at_the_planned_height_above_the_nape(void **state)
{
    fixture *f = *state;
    const double heights_cm[] = {6.0, 8.0};
    for (int h = 0; h < 2; ++h) {
        plan_scar s = fut(20, 2, 0.4, heights_cm[h]);
        plan p = plan_with(f, &s, 1);
        scalp_scar_set set;
        smp_error err = {0};
        assert_int_equal(scalp_scar_set_create(&set, &f->head, &p, &err), SMP_OK);
        assert_int_equal(set.line_count, 1);
        const float *m = set.lines[0].midline_mm;
        assert_near(m[0], 0.0, 0.5);
        /* Mesh edges are ~1.2 mm: the vertex walk is a chord of the surface, within ~1 %. */
        assert_near(midline_arc_to(&f->head, m), heights_cm[h] * 10.0, 0.015 * heights_cm[h] * 10.0 + 1.0);
        scalp_scar_set_destroy(&set);
    }
}

static void fut_line_should_lie_above_the_occipital_protuberance_and_rise_towards_the_ears(void **state)
{
    fixture *f = *state;
    plan_scar s = fut(24, 2, 0.4, 8);
    plan p = plan_with(f, &s, 1);
    scalp_scar_set set;
    smp_error err = {0};
    assert_int_equal(scalp_scar_set_create(&set, &f->head, &p, &err), SMP_OK);
    const float *inion = f->head.landmarks_mm[SCALP_LM_OCCIPITAL_PROTUBERANCE];
    const scalp_scar_line *l = &set.lines[0];
    const scalp_scar_fut_point *first = &set.points[l->first], *last = &set.points[l->first + l->count - 1];
    assert_true(l->midline_mm[1] > inion[1]);
    /* Behind the head, on the back and sides: every point behind the ear tops' plane and above the inion. */
    float ear_z = f->head.landmarks_mm[SCALP_LM_EAR_TOP_LEFT][2];
    for (int i = 0; i < l->count; ++i) {
        assert_true(set.points[l->first + i].position_mm[1] > inion[1]);
        assert_true(set.points[l->first + i].position_mm[2] < ear_z + 10.0f);
    }
    /* Symmetric about the midline, both ends higher than the middle (the curve of a donor strip). */
    assert_near(first->position_mm[0], -last->position_mm[0], 3.0);
    assert_true(first->position_mm[1] > l->midline_mm[1] + 5.0f &&
                last->position_mm[1] > l->midline_mm[1] + 5.0f);
    scalp_scar_set_destroy(&set);
}

static void fut_line_should_have_the_planned_length_along_the_surface(void **state)
{
    fixture *f = *state;
    const double lengths_cm[] = {15.0, 20.0, 30.0};
    for (int k = 0; k < 3; ++k) {
        plan_scar s = fut(lengths_cm[k], 2, 0.4, 7);
        plan p = plan_with(f, &s, 1);
        scalp_scar_set set;
        smp_error err = {0};
        assert_int_equal(scalp_scar_set_create(&set, &f->head, &p, &err), SMP_OK);
        const scalp_scar_line *l = &set.lines[0];
        double len = 0.0;
        for (int i = 1; i < l->count; ++i)
            len += dist3(set.points[l->first + i - 1].position_mm, set.points[l->first + i].position_mm);
        /* The centreline wanders +-0.3 mm over 35 mm: a path longer by well under 1 %. */
        assert_near(len, lengths_cm[k] * 10.0, 0.01 * lengths_cm[k] * 10.0);
        /* On the surface: every point within the mesh's chord error of a vertex's tangent plane. */
        for (int i = 0; i < l->count; i += 37) {
            const float *q = set.points[l->first + i].position_mm;
            double best = 1e9;
            int bv = 0;
            for (int v = 0; v < f->head.mesh.vertex_count; ++v) {
                double d = dist3(q, f->head.mesh.positions_mm + 3 * v);
                if (d < best) best = d, bv = v;
            }
            const float *pv = f->head.mesh.positions_mm + 3 * bv, *nv = f->head.mesh.normals + 3 * bv;
            double off = (q[0] - pv[0]) * nv[0] + (q[1] - pv[1]) * nv[1] + (q[2] - pv[2]) * nv[2];
            assert_true(best < 1.5);
            assert_near(off, 0.0, 0.1);
        }
        scalp_scar_set_destroy(&set);
    }
}

/* Samples across the line at point index i: the tissue width (tissue >= 0.5) and the depth at the centre. */
static void profile_across(const scalp_scar_set *set, int i, double *width_mm, double *depth_mm,
                           double *edge_h)
{
    const scalp_scar_fut_point *a = &set->points[i], *b = a + 1;
    float t[3] = {b->position_mm[0] - a->position_mm[0], b->position_mm[1] - a->position_mm[1],
                  b->position_mm[2] - a->position_mm[2]};
    float across[3] = {t[1] * a->normal[2] - t[2] * a->normal[1], t[2] * a->normal[0] - t[0] * a->normal[2],
                       t[0] * a->normal[1] - t[1] * a->normal[0]};
    float l = sqrtf(across[0] * across[0] + across[1] * across[1] + across[2] * across[2]);
    int inside = 0;
    double deepest = 0.0;
    const double step = 0.01;
    for (double x = -5.0; x <= 5.0; x += step) {
        float p[3];
        for (int k = 0; k < 3; ++k)
            p[k] = a->position_mm[k] + (float)x * across[k] / l;
        scalp_scar_sample s;
        scalp_scar_sample_at(set, p, &s);
        if (s.tissue >= 0.5f) ++inside;
        if (s.height_mm < deepest) deepest = s.height_mm;
        if (fabs(x - 1.5 * a->width_mm) < 0.5 * step) *edge_h = s.height_mm;
    }
    *width_mm = inside * step;
    *depth_mm = -deepest;
}

static void fut_line_should_have_the_planned_width_and_depth_tapering_at_the_ends(void **state)
{
    fixture *f = *state;
    plan_scar s = fut(20, 2, 0.4, 7);
    plan p = plan_with(f, &s, 1);
    scalp_scar_set set;
    smp_error err = {0};
    assert_int_equal(scalp_scar_set_create(&set, &f->head, &p, &err), SMP_OK);
    const scalp_scar_line *l = &set.lines[0];
    double sum_w = 0.0, min_w = 1e9, max_w = 0.0;
    int n = 0;
    for (int i = l->first + 60; i < l->first + l->count - 60; i += 10) {
        double w, d, edge = 1.0;
        profile_across(&set, i, &w, &d, &edge);
        /* The sampled width matches the nominal width at that point (tissue 0.5 lies at 0.94 half-widths). */
        assert_near(w, 0.94 * set.points[i].width_mm, 0.05);
        assert_near(d, 0.4, 0.01);
        assert_near(edge, 0.0, 1e-6);
        sum_w += w, ++n;
        min_w = fmin(min_w, w), max_w = fmax(max_w, w);
    }
    /* Irregular (by up to +-22 %) around the planned width. */
    assert_near(sum_w / n, 0.94 * 2.0, 0.94 * 2.0 * 0.12);
    assert_true(max_w - min_w > 0.15 && max_w - min_w < 0.94 * 2.0 * 0.45);
    /* Tapered: narrow and shallow 1 mm from each end. */
    for (int e = 0; e < 2; ++e) {
        int i = e == 0 ? l->first + 2 : l->first + l->count - 4;
        assert_true(set.points[i].width_mm < 0.7f);
        assert_true(set.points[i].depth_mm < 0.05f);
    }
    scalp_scar_set_destroy(&set);
}

static void fue_scars_should_have_the_planned_count_and_sizes_inside_the_donor_band(void **state)
{
    fixture *f = *state;
    plan_scar s = fue(2000, 0.9, 0.15);
    plan p = plan_with(f, &s, 1);
    scalp_scar_set set;
    smp_error err = {0};
    assert_int_equal(scalp_scar_set_create(&set, &f->head, &p, &err), SMP_OK);
    assert_int_equal(set.fue_count, 2000);
    double sum_d = 0.0, sum_d2 = 0.0;
    const float *nape = f->head.landmarks_mm[SCALP_LM_NAPE],
                *ear = f->head.landmarks_mm[SCALP_LM_EAR_TOP_LEFT];
    int behind = 0;
    for (int i = 0; i < set.fue_count; ++i) {
        const scalp_scar_fue *q = &set.fue[i];
        double d = q->radius_a_mm + q->radius_b_mm;
        sum_d += d, sum_d2 += d * d;
        assert_in_range_d(d, 0.9 * 0.7, 0.9 * 1.3);
        assert_true(scalp_scar_donor_weight(&f->head, q->center_mm) > 0.0f);
        /* Between the nape and 2 cm above the... band top: at most 7.5 cm above the ear tops' level. */
        assert_true(q->center_mm[1] > nape[1] + 5.0f && q->center_mm[1] < ear[1] + 75.0f);
        if (q->center_mm[2] < ear[2]) ++behind;
        /* On hair-bearing skin, never on an ear. */
        assert_true(scalp_scalp_weight(&f->head, q->center_mm) > 0.5f);
    }
    double mean = sum_d / set.fue_count, sd = sqrt(sum_d2 / set.fue_count - mean * mean);
    /* Mean within 4 standard errors of the plan's diameter; spread near the 8 % jitter (plus ovality). */
    assert_near(mean, 0.9, 4.0 * sd / sqrt((double)set.fue_count));
    assert_in_range_d(sd / mean, 0.04, 0.12);
    /* Mostly on the back (the occipital band is the larger part of the donor area). */
    assert_true(behind > set.fue_count / 2);
    /* A Poisson disk: no two scars overlap at this density. */
    double min_sep = 1e9;
    for (int i = 0; i < set.fue_count; ++i)
        for (int j = i + 1; j < set.fue_count; ++j)
            min_sep = fmin(min_sep, dist3(set.fue[i].center_mm, set.fue[j].center_mm));
    assert_true(min_sep > 1.0);
    scalp_scar_set_destroy(&set);
}

static void scar_tissue_should_have_no_follicles_and_keep_the_ink_of_its_form(void **state)
{
    fixture *f = *state;
    plan_scar scars[] = {fut(20, 2, 0.4, 7), fue(500, 0.9, 0.15), fut(10, 2, 0.0, 3), fut(10, 3, 0.3, 10)};
    scars[0].form = PLAN_SCAR_FORM_ATROPHIC;
    scars[3].form = PLAN_SCAR_FORM_HYPERTROPHIC;
    plan p = plan_with(f, scars, 4);
    scalp_scar_set set;
    smp_error err = {0};
    assert_int_equal(scalp_scar_set_create(&set, &f->head, &p, &err), SMP_OK);
    const scalp_scar_line *hollow = &set.lines[0], *flat = &set.lines[1], *raised = &set.lines[2];
    scalp_scar_sample s;
    scalp_scar_sample_at(&set, set.points[hollow->first + hollow->count / 2].position_mm, &s);
    assert_int_equal(s.scar, 0);
    assert_near(s.tissue, 1.0, 1e-6);
    assert_near(s.hair_factor, 0.0, 1e-6);
    assert_near(s.pigment_uptake, SCALP_SCAR_UPTAKE_ATROPHIC, 1e-6); /* hollow: "not beyond 50 %" */
    assert_near(s.height_mm, -0.4, 0.01);
    scalp_scar_sample_at(&set, set.points[flat->first + flat->count / 2].position_mm, &s);
    assert_int_equal(s.scar, 2);
    assert_near(s.hair_factor, 0.0, 1e-6);
    assert_near(s.pigment_uptake, 1.0, 1e-6); /* flat: 100 % */
    scalp_scar_sample_at(&set, set.points[raised->first + raised->count / 2].position_mm, &s);
    assert_int_equal(s.scar, 3);
    assert_near(s.pigment_uptake, SCALP_SCAR_UPTAKE_HYPERTROPHIC, 1e-6); /* raised: 80 % */
    assert_near(s.height_mm, 0.3, 0.01);                                 /* above the skin */
    assert_near(set.max_raise_mm, 0.3, 1e-6);
    assert_true(set.max_depth_mm >= 0.4f);
    for (int i = 0; i < set.fue_count; ++i) {
        scalp_scar_sample_at(&set, set.fue[i].center_mm, &s);
        assert_near(s.hair_factor, 0.0, 1e-6);
        /* A normal punch scar takes ink as a flat scar does, or the line's where a punch lies on one. */
        assert_in_range_d(s.pigment_uptake, SCALP_SCAR_UPTAKE_ATROPHIC, 1.0);
        assert_near(scalp_scar_fade_rate_factor(&set, set.fue[i].center_mm), SCALP_SCAR_FADE_RATE_FACTOR,
                    1e-5);
    }
    /* Far from every scar: untouched skin. */
    scalp_scar_sample_at(&set, f->head.landmarks_mm[SCALP_LM_VERTEX], &s);
    assert_int_equal(s.scar, -1);
    assert_near(s.hair_factor, 1.0, 0.0);
    assert_near(s.pigment_uptake, 1.0, 0.0);
    assert_near(s.height_mm, 0.0, 0.0);
    scalp_scar_set_destroy(&set);
}

/* Across a FUT line of each form: the relief's sign and extremum, and where the walls are steep. */
static void scar_forms_should_shape_the_relief(void **state)
{
    fixture *f = *state;
    const plan_scar_form forms[] = {PLAN_SCAR_FORM_NORMAL, PLAN_SCAR_FORM_ATROPHIC, PLAN_SCAR_FORM_STRETCHED,
                                    PLAN_SCAR_FORM_HYPERTROPHIC};
    float half_depth_x[4];
    for (int k = 0; k < 4; ++k) {
        plan_scar scars[] = {fut(20, 4, 0.5, 7)};
        scars[0].form = forms[k];
        plan p = plan_with(f, scars, 1);
        scalp_scar_set set;
        smp_error err = {0};
        assert_int_equal(scalp_scar_set_create(&set, &f->head, &p, &err), SMP_OK);
        const scalp_scar_fut_point *c = &set.points[set.lines[0].first + set.lines[0].count / 2];
        const scalp_scar_fut_point *c1 = c + 1;
        float t[3], across[3];
        for (int i = 0; i < 3; ++i)
            t[i] = c1->position_mm[i] - c->position_mm[i];
        across[0] = t[1] * c->normal[2] - t[2] * c->normal[1];
        across[1] = t[2] * c->normal[0] - t[0] * c->normal[2];
        across[2] = t[0] * c->normal[1] - t[1] * c->normal[0];
        float len = sqrtf(across[0] * across[0] + across[1] * across[1] + across[2] * across[2]);
        float centre = scalp_scar_height_mm(&set, c->position_mm), w = 0.5f * c->width_mm;
        half_depth_x[k] = 2.0f;
        for (float x = 0.0f; x < 1.6f; x += 0.01f) {
            float q[3];
            for (int i = 0; i < 3; ++i)
                q[i] = c->position_mm[i] + across[i] / len * x * w;
            float h = scalp_scar_height_mm(&set, q);
            if (fabsf(h) < 0.5f * fabsf(centre) && half_depth_x[k] > 1.9f) half_depth_x[k] = x;
            assert_true(forms[k] == PLAN_SCAR_FORM_HYPERTROPHIC ? h >= 0.0f : h <= 0.0f);
        }
        assert_near(fabsf(centre), 0.5, 0.03);
        scalp_scar_set_destroy(&set);
    }
    /* A hollow's walls stand farther out than a normal trough's (a wider floor), a stretched scar's floor is
     * the widest, and a hypertrophic ridge stays inside the wound. */
    assert_true(half_depth_x[1] > half_depth_x[0] && half_depth_x[2] > half_depth_x[1]);
    assert_true(half_depth_x[3] < 1.0f);
}

static void scar_albedo_should_be_paler_and_keep_its_hue_order(void **state)
{
    const float skin[3] = {0.45f, 0.30f, 0.22f};
    float scar[3];
    scalp_scar_albedo_linear_rgb(skin, scar);
    for (int k = 0; k < 3; ++k)
        assert_true(scar[k] > skin[k] && scar[k] < 1.0f);
    assert_true(scar[0] > scar[1] && scar[1] > scar[2]);
    /* Less saturated: the red/blue ratio falls. */
    assert_true(scar[0] / scar[2] < skin[0] / skin[2]);
}

static void scar_set_should_be_deterministic_for_a_seed(void **state)
{
    fixture *f = *state;
    plan_scar scars[] = {fut(20, 2, 0.4, 7), fue(800, 0.9, 0.15)};
    plan p = plan_with(f, scars, 2);
    scalp_scar_set a, b, c;
    smp_error err = {0};
    assert_int_equal(scalp_scar_set_create(&a, &f->head, &p, &err), SMP_OK);
    assert_int_equal(scalp_scar_set_create(&b, &f->head, &p, &err), SMP_OK);
    p.seed += 1;
    assert_int_equal(scalp_scar_set_create(&c, &f->head, &p, &err), SMP_OK);
    assert_int_equal(a.point_count, b.point_count);
    assert_int_equal(a.fue_count, b.fue_count);
    assert_memory_equal(a.points, b.points, sizeof *a.points * (size_t)a.point_count);
    assert_memory_equal(a.fue, b.fue, sizeof *a.fue * (size_t)a.fue_count);
    assert_true(memcmp(a.fue, c.fue, sizeof *a.fue * (size_t)a.fue_count) != 0);
    scalp_scar_set_destroy(&a);
    scalp_scar_set_destroy(&b);
    scalp_scar_set_destroy(&c);
    scalp_scar_set_destroy(&c); /* twice is harmless */
}

/* A scar is laid out from a stream of its type and its place among the scars of that type: removing the FUT
 * line from [FUT, FUE] leaves every FUE scar where it was (pigment/ and hair rely on it: scars/placement
 * stay local). The masked queries see only the scars asked for, and the full mask is the plain query. */
static void a_scar_should_stay_put_when_a_scar_of_the_other_type_is_removed(void **state)
{
    fixture *f = *state;
    plan_scar both[] = {fut(20, 2, 0.4, 6), fue(800, 0.9, 0.15)}, only_fue[] = {fue(800, 0.9, 0.15)},
              only_fut[] = {fut(20, 2, 0.4, 6)};
    plan pb = plan_with(f, both, 2), pe = plan_with(f, only_fue, 1), pt = plan_with(f, only_fut, 1);
    scalp_scar_set b, e, t;
    smp_error err = {0};
    assert_int_equal(scalp_scar_set_create(&b, &f->head, &pb, &err), SMP_OK);
    assert_int_equal(scalp_scar_set_create(&e, &f->head, &pe, &err), SMP_OK);
    assert_int_equal(scalp_scar_set_create(&t, &f->head, &pt, &err), SMP_OK);
    assert_int_equal(b.fue_count, e.fue_count);
    assert_int_equal(b.point_count, t.point_count);
    assert_memory_equal(b.points, t.points, sizeof *b.points * (size_t)b.point_count);
    for (int i = 0; i < b.fue_count; ++i) {
        /* The same scars, but numbered after the FUT line in the first plan. */
        assert_memory_equal(b.fue[i].center_mm, e.fue[i].center_mm, sizeof b.fue[i].center_mm);
        assert_true(b.fue[i].radius_a_mm == e.fue[i].radius_a_mm && b.fue[i].depth_mm == e.fue[i].depth_mm);
    }
    /* Masked queries: around the line and over the band, mask {FUE} of the pair answers as the FUE-only set,
     * mask {FUT} as the FUT-only set, and the full mask as the plain query. */
    const scalp_scar_line *line = &b.lines[0];
    int checked = 0;
    for (int i = line->first; i < line->first + line->count; i += 7)
        for (int j = -8; j <= 8; ++j) {
            float p[3];
            for (int k = 0; k < 3; ++k)
                p[k] = b.points[i].position_mm[k] + 0.4f * (float)j * (k == 1 ? 1.0f : 0.1f);
            scalp_scar_sample all, masked_fue, masked_fut, plain_fue, plain_fut, full;
            scalp_scar_sample_at(&b, p, &all);
            scalp_scar_sample_at_masked(&b, p, SCALP_SCAR_MASK_ALL, &full);
            scalp_scar_sample_at_masked(&b, p, 1u << 1, &masked_fue);
            scalp_scar_sample_at_masked(&b, p, 1u << 0, &masked_fut);
            scalp_scar_sample_at(&e, p, &plain_fue);
            scalp_scar_sample_at(&t, p, &plain_fut);
            assert_memory_equal(&all, &full, sizeof all);
            assert_true(masked_fue.tissue == plain_fue.tissue && masked_fue.height_mm == plain_fue.height_mm);
            assert_true(masked_fut.tissue == plain_fut.tissue && masked_fut.height_mm == plain_fut.height_mm);
            checked += all.tissue > 0.0f;
        }
    assert_true(checked > 100);
    /* The box mask names the scars that reach into a box: the line's middle has the FUT (bit 0). */
    const float *m = b.points[line->first + line->count / 2].position_mm;
    const float lo[3] = {m[0] - 0.5f, m[1] - 0.5f, m[2] - 0.5f},
                hi[3] = {m[0] + 0.5f, m[1] + 0.5f, m[2] + 0.5f};
    assert_true(scalp_scar_box_mask(&b, lo, hi) & 1u);
    assert_int_equal(scalp_scar_box_mask(&e, lo, hi) & 1u, 0);
    scalp_scar_set_destroy(&b);
    scalp_scar_set_destroy(&e);
    scalp_scar_set_destroy(&t);
}

static void a_plan_without_scars_should_give_an_empty_set(void **state)
{
    fixture *f = *state;
    plan p = plan_with(f, NULL, 0);
    scalp_scar_set set;
    smp_error err = {0};
    assert_int_equal(scalp_scar_set_create(&set, &f->head, &p, &err), SMP_OK);
    assert_int_equal(set.line_count + set.fue_count, 0);
    const float *nape = f->head.landmarks_mm[SCALP_LM_NAPE];
    const float lo[3] = {nape[0] - 5, nape[1] - 5, nape[2] - 5},
                hi[3] = {nape[0] + 5, nape[1] + 5, nape[2] + 5};
    assert_false(scalp_scar_may_touch_box(&set, lo, hi));
    assert_near(scalp_scar_hair_factor(&set, f->head.landmarks_mm[SCALP_LM_NAPE]), 1.0, 0.0);
    scalp_scar_set_destroy(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fut_line_should_cross_the_midline_at_the_planned_height_above_the_nape),
        cmocka_unit_test(fut_line_should_lie_above_the_occipital_protuberance_and_rise_towards_the_ears),
        cmocka_unit_test(fut_line_should_have_the_planned_length_along_the_surface),
        cmocka_unit_test(fut_line_should_have_the_planned_width_and_depth_tapering_at_the_ends),
        cmocka_unit_test(fue_scars_should_have_the_planned_count_and_sizes_inside_the_donor_band),
        cmocka_unit_test(scar_tissue_should_have_no_follicles_and_keep_the_ink_of_its_form),
        cmocka_unit_test(scar_forms_should_shape_the_relief),
        cmocka_unit_test(scar_albedo_should_be_paler_and_keep_its_hue_order),
        cmocka_unit_test(scar_set_should_be_deterministic_for_a_seed),
        cmocka_unit_test(a_scar_should_stay_put_when_a_scar_of_the_other_type_is_removed),
        cmocka_unit_test(a_plan_without_scars_should_give_an_empty_set),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
