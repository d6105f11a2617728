#include "test_util.h"

#include "core/rng.h"

static void same_seed_and_stream_should_give_the_same_sequence(void **state)
{
    smp_rng a, b;
    smp_rng_init(&a, 42, 7);
    smp_rng_init(&b, 42, 7);
    for (int i = 0; i < 1000; ++i)
        assert_int_equal(smp_rng_u32(&a), smp_rng_u32(&b));
}

static void different_streams_should_differ(void **state)
{
    smp_rng a, b;
    smp_rng_init(&a, 42, 0);
    smp_rng_init(&b, 42, 1);
    int same = 0;
    for (int i = 0; i < 1000; ++i)
        same += smp_rng_u32(&a) == smp_rng_u32(&b);
    assert_true(same < 3);
}

static void uniform_should_have_mean_half_within_statistical_error(void **state)
{
    smp_rng r;
    smp_rng_init(&r, 1, 0);
    const int n = 200000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; ++i) {
        double u = smp_rng_uniform(&r);
        assert_true(u >= 0.0 && u < 1.0);
        sum += u;
        sum2 += u * u;
    }
    /* Mean of U(0,1) is 1/2 with standard error sqrt(1/12/n); 5 sigma. */
    assert_near(sum / n, 0.5, 5.0 * sqrt(1.0 / 12.0 / n));
    assert_near(sum2 / n, 1.0 / 3.0, 5.0 * sqrt(4.0 / 45.0 / n));
}

static void normal_should_have_unit_variance(void **state)
{
    smp_rng r;
    smp_rng_init(&r, 3, 0);
    const int n = 200000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; ++i) {
        double x = smp_rng_normal(&r);
        sum += x;
        sum2 += x * x;
    }
    assert_near(sum / n, 0.0, 5.0 / sqrt(n));
    assert_near(sum2 / n, 1.0, 5.0 * sqrt(2.0 / n));
}

static void below_should_stay_below_bound_and_hit_every_value(void **state)
{
    smp_rng r;
    smp_rng_init(&r, 9, 0);
    int seen[7] = {0};
    for (int i = 0; i < 7000; ++i) {
        uint32_t v = smp_rng_below(&r, 7);
        assert_true(v < 7);
        seen[v]++;
    }
    for (int i = 0; i < 7; ++i)
        assert_true(seen[i] > 800 && seen[i] < 1200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_seed_and_stream_should_give_the_same_sequence),
        cmocka_unit_test(different_streams_should_differ),
        cmocka_unit_test(uniform_should_have_mean_half_within_statistical_error),
        cmocka_unit_test(normal_should_have_unit_variance),
        cmocka_unit_test(below_should_stay_below_bound_and_hit_every_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
