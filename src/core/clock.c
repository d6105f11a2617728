/* The one clock smpsim times things with (core.h). */
#include "core/core.h"

#include <time.h>

double smp_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
