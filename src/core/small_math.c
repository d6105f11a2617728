/* core's small helpers that are not inline (core.h): sorting, searching, a tangent frame. */
#include "core/core.h"

#include <math.h>
#include <stdlib.h>

int smp_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int smp_cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

int smp_cmp_keyed(const void *a, const void *b)
{
    const smp_keyed *x = a, *y = b;
    return x->key < y->key ? -1 : (x->key > y->key ? 1 : (x->index > y->index) - (x->index < y->index));
}

int smp_sort_distinct(double *v, int n, double min_gap)
{
    qsort(v, (size_t)n, sizeof *v, smp_cmp_double);
    int m = 0;
    for (int i = 0; i < n; ++i)
        if (m == 0 || v[i] - v[m - 1] > min_gap) v[m++] = v[i];
    return m;
}

int smp_ascending_find(const double *v, int n, double x)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void smp_tangent_frame(const float n[3], float t1[3], float t2[3])
{
    float helper[3] = {0.0f, 1.0f, 0.0f};
    if (fabsf(n[1]) > 0.9f) helper[0] = 1.0f, helper[1] = 0.0f;
    t1[0] = helper[1] * n[2] - helper[2] * n[1];
    t1[1] = helper[2] * n[0] - helper[0] * n[2];
    t1[2] = helper[0] * n[1] - helper[1] * n[0];
    float len = sqrtf(t1[0] * t1[0] + t1[1] * t1[1] + t1[2] * t1[2]);
    if (len > 0.0f) t1[0] /= len, t1[1] /= len, t1[2] /= len;
    t2[0] = n[1] * t1[2] - n[2] * t1[1];
    t2[1] = n[2] * t1[0] - n[0] * t1[2];
    t2[2] = n[0] * t1[1] - n[1] * t1[0];
}
