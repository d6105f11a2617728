/* The skin's sebum map (scalp/skin.h): full on the scalp, the forehead and the nose; the low share on the
 * cheeks, the chin and the neck; never outside its range. On the built-in head (male face). */
#include "scalp/skin.h"
#include "test_util.h"

#include <stdlib.h>
#include <string.h>

static int head_setup(void **state)
{
    scalp_head *head = calloc(1, sizeof *head);
    plan p;
    plan_init_default(&p);
    smp_error err = {0};
    if (!head || scalp_head_create(head, &p.head, p.patient.sex, &err) != SMP_OK) return -1;
    *state = head;
    return 0;
}

static int head_teardown(void **state)
{
    scalp_head_destroy(*state);
    free(*state);
    return 0;
}

/* The mesh vertex nearest to p (a point on the surface). */
static void nearest_vertex(const scalp_head *head, const float p[3], float out[3])
{
    double best = INFINITY;
    const scalp_mesh *m = &head->mesh;
    for (int v = 0; v < m->vertex_count; v++) {
        const float *q = &m->positions_mm[3 * v];
        double d =
            (q[0] - p[0]) * (q[0] - p[0]) + (q[1] - p[1]) * (q[1] - p[1]) + (q[2] - p[2]) * (q[2] - p[2]);
        if (d < best) best = d, memcpy(out, q, sizeof(float[3]));
    }
}

static float sebum_at(const scalp_head *head, const float p[3])
{
    return scalp_skin_sebum_weight(head, p, scalp_scalp_weight(head, p));
}

static void sebum_should_be_full_on_scalp_forehead_and_nose(void **state)
{
    const scalp_head *head = *state;
    const float(*f)[3] = head->face_landmarks_mm;
    assert_true(sebum_at(head, head->landmarks_mm[SCALP_LM_VERTEX]) > 0.99f);
    /* The forehead: 25 mm above the nasion, on the midline. */
    float fh[3] = {0.0f, f[SCALP_FACE_NASION][1] + 25.0f, f[SCALP_FACE_NASION][2] + 10.0f}, q[3];
    nearest_vertex(head, fh, q);
    assert_true(sebum_at(head, q) > 0.99f);
    assert_true(sebum_at(head, f[SCALP_FACE_PRONASALE]) > 0.99f);
}

static void sebum_should_be_low_on_the_cheeks_and_chin(void **state)
{
    const scalp_head *head = *state;
    const float(*f)[3] = head->face_landmarks_mm;
    /* A cheek: 25 mm out from the mouth's corner, 10 mm up. */
    float ck[3] = {f[SCALP_FACE_CHEILION_LEFT][0] + 25.0f, f[SCALP_FACE_CHEILION_LEFT][1] + 10.0f,
                   f[SCALP_FACE_CHEILION_LEFT][2]},
          q[3];
    nearest_vertex(head, ck, q);
    assert_float_equal(sebum_at(head, q), SCALP_SKIN_SEBUM_LOW, 1e-4);
    assert_float_equal(sebum_at(head, f[SCALP_FACE_GNATHION]), SCALP_SKIN_SEBUM_LOW, 1e-4);
}

static void sebum_should_stay_in_its_range_everywhere(void **state)
{
    const scalp_head *head = *state;
    const scalp_mesh *m = &head->mesh;
    for (int v = 0; v < m->vertex_count; v += 7) {
        float s = sebum_at(head, &m->positions_mm[3 * v]);
        assert_true(s >= SCALP_SKIN_SEBUM_LOW - 1e-6f && s <= 1.0f + 1e-6f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sebum_should_be_full_on_scalp_forehead_and_nose),
        cmocka_unit_test(sebum_should_be_low_on_the_cheeks_and_chin),
        cmocka_unit_test(sebum_should_stay_in_its_range_everywhere),
    };
    return cmocka_run_group_tests(tests, head_setup, head_teardown);
}
