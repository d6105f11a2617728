/* core's small helpers (core.h) that several modules share: the search of an ascending array agrees with a
 * scan, with runs of equal values and values outside the range; sorting keeps each value once, or one of
 * each cluster closer than the gap; the tangent frame is orthonormal and right-handed for normals all over
 * the sphere, at the poles where the helper axis changes, and gives zero vectors for a zero normal. */
#include "test_util.h"

#include "core/core.h"
#include "core/rng.h"

#include <math.h>

static void ascending_find_should_agree_with_a_scan(void **state)
{
    (void)state;
    smp_rng rng;
    smp_rng_init(&rng, 5, 0);
    double v[64];
    for (int trial = 0; trial < 200; ++trial) {
        int n = 1 + (int)(smp_rng_uniform(&rng) * 64);
        double x = 0.0;
        for (int i = 0; i < n; ++i)
            v[i] = x += smp_rng_uniform(&rng) < 0.3 ? 0.0 : smp_rng_uniform(&rng); /* with runs of equals */
        double q = (smp_rng_uniform(&rng) * 1.2 - 0.1) * (x + 1.0);
        if (trial % 4 == 0) q = v[(int)(smp_rng_uniform(&rng) * n)]; /* a value the array holds */
        int want = n - 1;
        for (int i = 0; i < n; ++i)
            if (v[i] >= q) {
                want = i;
                break;
            }
        assert_int_equal(smp_ascending_find(v, n, q), want);
    }
}

static void sort_distinct_should_keep_one_of_each_value_or_cluster(void **state)
{
    (void)state;
    double v[] = {3.0, 1.0, 2.0, 1.0, 3.0, 2.1, 0.5};
    int m = smp_sort_distinct(v, 7, 0.0);
    double want[] = {0.5, 1.0, 2.0, 2.1, 3.0};
    assert_int_equal(m, 5);
    for (int i = 0; i < m; ++i)
        assert_true(v[i] == want[i]);
    double w[] = {1.0, 1.2, 0.9, 5.0, 1.3};
    m = smp_sort_distinct(w, 5, 0.25); /* 1.0 is 0.1 above 0.9, 1.3 0.1 above 1.2: out */
    assert_int_equal(m, 3);
    assert_true(w[0] == 0.9 && w[1] == 1.2 && w[2] == 5.0);
    assert_true(smp_cmp_float(&(float){1.0f}, &(float){2.0f}) < 0 && smp_cmp_double(&w[2], &w[0]) > 0);
}

static void keyed_sort_should_order_by_key_then_by_index(void **state)
{
    (void)state;
    smp_keyed v[] = {{0.5f, 3}, {-1.0f, 7}, {0.5f, 1}, {2.0f, 0}, {0.5f, 2}, {-1.0f, 4}};
    qsort(v, 6, sizeof v[0], smp_cmp_keyed);
    const float keys[] = {-1.0f, -1.0f, 0.5f, 0.5f, 0.5f, 2.0f};
    const int index[] = {4, 7, 1, 2, 3, 0};
    for (int i = 0; i < 6; ++i) {
        assert_true(v[i].key == keys[i]);
        assert_int_equal(v[i].index, index[i]);
    }
}

static void tangent_frame_should_be_orthonormal_and_right_handed(void **state)
{
    (void)state;
    smp_rng rng;
    smp_rng_init(&rng, 6, 0);
    for (int trial = 0; trial < 500; ++trial) {
        float n[3];
        if (trial < 2)
            n[0] = 0.0f, n[1] = trial ? -1.0f : 1.0f, n[2] = 0.0f; /* the poles, where the helper axis is x */
        else {
            double z = 2.0 * smp_rng_uniform(&rng) - 1.0, phi = 2.0 * SMP_PI * smp_rng_uniform(&rng);
            double s = sqrt(1.0 - z * z);
            n[0] = (float)(s * cos(phi)), n[1] = (float)z, n[2] = (float)(s * sin(phi));
        }
        float t1[3], t2[3];
        smp_tangent_frame(n, t1, t2);
        float d11 = 0, d22 = 0, d12 = 0, d1n = 0, d2n = 0;
        for (int k = 0; k < 3; ++k) {
            d11 += t1[k] * t1[k], d22 += t2[k] * t2[k], d12 += t1[k] * t2[k];
            d1n += t1[k] * n[k], d2n += t2[k] * n[k];
        }
        assert_float_equal(d11, 1.0f, 1e-5f);
        assert_float_equal(d22, 1.0f, 1e-5f);
        assert_float_equal(d12, 0.0f, 1e-5f);
        assert_float_equal(d1n, 0.0f, 1e-5f);
        assert_float_equal(d2n, 0.0f, 1e-5f);
        /* right-handed: (t1 x t2) . n = 1 */
        float c[3] = {t1[1] * t2[2] - t1[2] * t2[1], t1[2] * t2[0] - t1[0] * t2[2],
                      t1[0] * t2[1] - t1[1] * t2[0]};
        assert_float_equal(c[0] * n[0] + c[1] * n[1] + c[2] * n[2], 1.0f, 1e-5f);
    }
    float zero[3] = {0.0f, 0.0f, 0.0f}, t1[3], t2[3];
    smp_tangent_frame(zero, t1, t2);
    for (int k = 0; k < 3; ++k)
        assert_true(t1[k] == 0.0f && t2[k] == 0.0f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ascending_find_should_agree_with_a_scan),
        cmocka_unit_test(sort_distinct_should_keep_one_of_each_value_or_cluster),
        cmocka_unit_test(tangent_frame_should_be_orthonormal_and_right_handed),
        cmocka_unit_test(keyed_sort_should_order_by_key_then_by_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
