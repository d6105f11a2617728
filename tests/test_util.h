/* Shared helpers for the cmocka tests: tolerant comparisons that print both values on failure. */
#ifndef SMP_TEST_UTIL_H
#define SMP_TEST_UTIL_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#define assert_near(actual, expected, tolerance)                                                             \
    do {                                                                                                     \
        double a_ = (double)(actual), e_ = (double)(expected), t_ = (double)(tolerance);                     \
        if (!(fabs(a_ - e_) <= t_))                                                                          \
            fail_msg("%s = %.9g, expected %.9g within %.3g (off by %.3g)", #actual, a_, e_, t_,              \
                     fabs(a_ - e_));                                                                         \
    } while (0)

/* Makes a test's scratch directory, $TMPDIR/<stem>_XXXXXX (or /tmp/...), its path into dir; 0 on success. */
static inline int test_dir_make(char *dir, size_t size, const char *stem)
{
    const char *tmp = getenv("TMPDIR");
    if ((size_t)snprintf(dir, size, "%s/%s_XXXXXX", tmp && tmp[0] ? tmp : "/tmp", stem) >= size) return -1;
    return mkdtemp(dir) ? 0 : -1;
}

/* Removes a test's scratch directory and everything in it; 0 on success. */
static inline int test_dir_remove(const char *dir)
{
    char cmd[1100];
    if ((size_t)snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir) >= sizeof cmd) return -1;
    return system(cmd) == 0 ? 0 : -1;
}

#define assert_in_range_d(actual, lo, hi)                                                                    \
    do {                                                                                                     \
        double a_ = (double)(actual), l_ = (double)(lo), h_ = (double)(hi);                                  \
        if (!(a_ >= l_ && a_ <= h_))                                                                         \
            fail_msg("%s = %.9g, expected within [%.9g, %.9g]", #actual, a_, l_, h_);                        \
    } while (0)

#endif
