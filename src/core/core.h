/* core: errors, random numbers, progress callbacks and small math shared by every module.
 * Knows nothing of SMP; depends only on libc, libm and cglm. No globals: every function works on the
 * storage it is given, so tests and worker threads run in parallel.
 *
 *     smp_error err = {0};
 *     if (plan_load(&p, "plan.json", NULL, 0, NULL, &err) != SMP_OK) report(err.message);
 */
#ifndef SMP_CORE_H
#define SMP_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define SMP_PI 3.14159265358979323846

/* Result codes. SMP_ERR_INPUT is bad user input (the app exits 2); the others are failures (exit 1). */
typedef enum smp_status {
    SMP_OK = 0,
    SMP_ERR_INPUT,       /* malformed or out-of-range input: a file, a field, a value */
    SMP_ERR_IO,          /* a file could not be read or written */
    SMP_ERR_NOMEM,       /* an allocation failed */
    SMP_ERR_GL,          /* no GL context, a shader that does not compile, an FBO that is incomplete */
    SMP_ERR_UNAVAILABLE, /* a feature not available in this build or on this machine */
} smp_status;

/* One error: its kind and one line for a person ("plan.json: pigment.depth_mm: must be between ..."). */
typedef struct smp_error {
    smp_status status;
    char message[512];
} smp_error;

/* Records status and a printf-style message into err (err may be NULL); returns status. The message stays one
 * line whatever text it quotes (a --set value, a line of a file): control characters are written as \n, \r,
 * \t or \xHH. */
smp_status smp_error_set(smp_error *err, smp_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The exit status of a program that stops on err: 2 for bad input (SMP_ERR_INPUT), 1 for anything else. */
int smp_error_exit_status(const smp_error *err);
/* Prefixes err->message with "prefix: " (used to add a file name or a field path on the way up); one line as
 * smp_error_set's. */
void smp_error_prefix(smp_error *err, const char *prefix);

/* Wall-clock seconds from a fixed, monotonic origin (CLOCK_MONOTONIC): for timing, never for dates. */
double smp_now_s(void);

/* Progress: fraction in [0,1] of the named stage; called from the thread doing the work. */
typedef void (*smp_progress_fn)(void *user, double fraction, const char *stage);

/* Logging: the simulation never prints; it reports through this callback when one is given. */
typedef enum smp_log_level { SMP_LOG_DEBUG = 0, SMP_LOG_INFO, SMP_LOG_WARN, SMP_LOG_ERROR } smp_log_level;
typedef void (*smp_log_fn)(void *user, smp_log_level level, const char *message);
/* Formats one line (printf style, cut at 1023 bytes) and hands it to log; a NULL log drops it. */
void smp_log(smp_log_fn log, void *user, smp_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Small helpers. */
static inline double smp_clamp(double x, double lo, double hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}
static inline double smp_smoothstep(double e0, double e1, double x)
{
    double t = smp_clamp((x - e0) / (e1 - e0), 0.0, 1.0);
    return t * t * (3.0 - 2.0 * t);
}
static inline double smp_mix(double a, double b, double t)
{
    return a + (b - a) * t;
}
/* qsort comparators for ascending doubles and floats. */
int smp_cmp_double(const void *a, const void *b);
int smp_cmp_float(const void *a, const void *b);
/* A float key and the index of what it belongs to; smp_cmp_keyed orders by key, equal keys by index, so that
 * qsort's order does not depend on its algorithm. */
typedef struct smp_keyed {
    float key;
    int index;
} smp_keyed;
int smp_cmp_keyed(const void *a, const void *b);
/* Sorts v[0..n-1] ascending and keeps a value only where it is more than min_gap above the last one kept (0:
 * each distinct value once); returns the count kept. */
int smp_sort_distinct(double *v, int n, double min_gap);
/* The first index i of the n >= 1 ascending values v[] with v[i] >= x, or n - 1 where none is: the bin that
 * x falls in of a cumulative distribution, or the index of x in a sorted array that holds it. O(log n). */
int smp_ascending_find(const double *v, int n, double x);
/* A tangent frame at the unit normal n: t1 perpendicular to n in the plane of n and +y (of n and +x where n
 * is within 26 degrees of the y axis), unit length (0 for a zero normal); t2 = n x t1. */
void smp_tangent_frame(const float n[3], float t1[3], float t2[3]);

/* A growing byte string (text, an encoded image in memory). Zero-initialise it; data is NUL-terminated after
 * size bytes once anything was appended. After a failed allocation failed stays true and appends do nothing,
 * so a writer checks once at the end. smp_buffer_deinit frees data (or take data and free() it yourself). */
typedef struct smp_buffer {
    char *data;
    size_t size, capacity;
    bool failed;
} smp_buffer;
void smp_buffer_append(smp_buffer *b, const void *bytes, size_t n);
void smp_buffer_puts(smp_buffer *b, const char *text); /* text without its NUL */
void smp_buffer_printf(smp_buffer *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void smp_buffer_deinit(smp_buffer *b);

/* fn(ctx, begin, end) over the iterations 0..count-1 in contiguous ranges, split over the machine's cores (up
 * to 8 threads, the caller's among them); returns when every range is done. The iterations must be
 * independent: each range writes only its own part of ctx. */
typedef void (*smp_range_fn)(void *ctx, int begin, int end);
void smp_parallel_for(int count, smp_range_fn fn, void *ctx);

/* Reads a whole file into a NUL-terminated buffer the caller frees with free(); size may be NULL. */
smp_status smp_file_read(const char *path, char **out_data, size_t *out_size, smp_error *err);
/* The same for a file of a kind that is never larger than max_bytes (a plan, an .mci file): a larger one (or
 * an endless one, /dev/zero) is refused with SMP_ERR_INPUT, "<path>: more than <max_bytes> bytes; <kind> has
 * at most <max_bytes>", having read at most max_bytes + 1 bytes of it and allocated no more. */
smp_status smp_file_read_max(const char *path, size_t max_bytes, const char *kind, char **out_data,
                             size_t *out_size, smp_error *err);
/* Writes data to path atomically: a temporary file beside it, flushed to the disk (fsync), then rename, and
 * the directory synced, so no half-written file stays, not even after a kill or a power loss. */
smp_status smp_file_write_atomic(const char *path, const void *data, size_t size, smp_error *err);

#endif
