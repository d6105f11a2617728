/* A small parallel for: independent iterations split over the machine's cores. */
#include "core/core.h"

#include <pthread.h>
#include <stdbool.h>
#include <unistd.h>

typedef struct range_job {
    smp_range_fn fn;
    void *ctx;
    int begin, end;
} range_job;

static void *range_run(void *arg)
{
    range_job *job = arg;
    job->fn(job->ctx, job->begin, job->end);
    return NULL;
}

void smp_parallel_for(int count, smp_range_fn fn, void *ctx)
{
    enum { MAX_THREADS = 8 };
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int n = (int)smp_clamp((double)cores, 1.0, MAX_THREADS);
    if (n > count) n = count > 1 ? count : 1;
    range_job jobs[MAX_THREADS];
    pthread_t threads[MAX_THREADS];
    bool started[MAX_THREADS] = {false};
    for (int i = 0; i < n; i++) {
        jobs[i] = (range_job){fn, ctx, (int)((long)count * i / n), (int)((long)count * (i + 1) / n)};
        if (i > 0) started[i] = pthread_create(&threads[i], NULL, range_run, &jobs[i]) == 0;
    }
    range_run(&jobs[0]);
    for (int i = 1; i < n; i++) {
        if (started[i])
            pthread_join(threads[i], NULL);
        else
            range_run(&jobs[i]); /* no thread to be had: do its share here */
    }
}
