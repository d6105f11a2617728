/* `smpsim bake [-o FILE] [--photons N] [--threads T] [--seed S] [--types L] [--depths L] [--inks L]
 * [--diameters L]`: bakes the optics tables (optics/table.h) from the Monte Carlo skin model and writes them
 * as JSON, atomically, to FILE (default assets/optics/tables.json relative to the current directory).
 * Progress on stderr: a bar on a terminal, otherwise a plain percentage line every 10 %. */
#include "app/app.h"
#include "app/common.h"
#include "app/options.h"
#include "app/progress.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "optics/table.h"

#define BAKE_DEFAULT_OUTPUT "assets/optics/tables.json"
#define BAKE_MIN_PHOTONS 100
#define BAKE_MAX_PHOTONS 100000000

int app_cmd_bake(int argc, char **argv);

static const char bake_allowed[] =
    "-o --output --photons --threads --seed --types --depths --inks --diameters";

/* The usage text (its limits filled in), for --help. */
static const char *bake_usage(void)
{
    static char text[1024];
    snprintf(
        text, sizeof text,
        "usage: smpsim bake [-o FILE] [--photons N] [--threads T] [--seed S] [--types L] [--depths L] "
        "[--inks L]\n"
        "                   [--diameters L]\n\n"
        "Bakes the optics tables the renderer reads (skin colour and subsurface profile per Fitzpatrick "
        "type,\n"
        "per ink depth the blur kernel, per depth and ink amount the covered colour, per depth, ink and\n"
        "deposit diameter the dot's gain) from the Monte Carlo skin model, and writes them as JSON to FILE\n"
        "(default %s), atomically. --photons N is per band (%d..%d; default 6000): the skin runs\n"
        "and the covered-colour scans use 8 N, the three disk scans 200 N.\n\n",
        BAKE_DEFAULT_OUTPUT, BAKE_MIN_PHOTONS, BAKE_MAX_PHOTONS);
    return text;
}

/* A comma-separated list of at most max numbers within [lo, hi] (whole numbers when whole), ascending when
 * ascending is set; returns the count, or -1 with a reason in why. */
static int bake_parse_list(const char *text, int max, double lo, double hi, bool whole, bool ascending,
                           double *out, const char **why)
{
    int n = 0;
    const char *s = text;
    *why = "a comma-separated list of numbers";
    if (!s || !*s) return -1;
    for (;;) {
        char *end = NULL;
        errno = 0;
        double v = strtod(s, &end);
        if (end == s || errno != 0 || !isfinite(v) || (*end != ',' && *end != '\0')) return -1;
        if (n >= max) {
            *why = "too many values";
            return -1;
        }
        if (v < lo || v > hi || (whole && v != floor(v))) {
            *why = "a value out of range";
            return -1;
        }
        if (ascending && n > 0 && !(v > out[n - 1])) {
            *why = "values that do not ascend";
            return -1;
        }
        out[n++] = v;
        if (*end == '\0') return n;
        s = end + 1;
    }
}

/* Option's list through bake_parse_list (ascending); a bad one prints "smpsim bake: <option>: expected
 * <expected> separated by commas, got '<text>' (<why>)" and gives -1. */
static int bake_list_option(const char *option, const char *text, int max, double lo, double hi, bool whole,
                            double *out, const char *expected_fmt, ...) __attribute__((format(printf, 8, 9)));
static int bake_list_option(const char *option, const char *text, int max, double lo, double hi, bool whole,
                            double *out, const char *expected_fmt, ...)
{
    const char *why = NULL;
    int n = bake_parse_list(text, max, lo, hi, whole, true, out, &why);
    if (n >= 0) return n;
    char expected[256];
    va_list ap;
    va_start(ap, expected_fmt);
    vsnprintf(expected, sizeof expected, expected_fmt, ap);
    va_end(ap);
    fprintf(stderr, "smpsim bake: %s: expected %s separated by commas, got '%s' (%s)\n", option, expected,
            text, why);
    return -1;
}

int app_cmd_bake(int argc, char **argv)
{
    app_options a;
    int begun = app_command_begin(&a, argc, argv, "bake", bake_allowed, bake_usage());
    if (begun >= 0) return begun;
    smp_error err = {0};
    if (a.photons && (a.photons < BAKE_MIN_PHOTONS || a.photons > BAKE_MAX_PHOTONS)) {
        smp_error_set(&err, SMP_ERR_INPUT, "--photons: must be between %d and %d photons per band, got %llu",
                      BAKE_MIN_PHOTONS, BAKE_MAX_PHOTONS, (unsigned long long)a.photons);
        return app_fail("bake", &err);
    }
    if (!a.output) a.output = BAKE_DEFAULT_OUTPUT;

    optics_bake_params p;
    optics_bake_params_default(&p);
    if (a.photons) p.photons = a.photons;
    p.seed = a.has_seed ? a.seed : 1;
    p.threads = a.threads;
    double v[OPTICS_TABLE_MAX_DEPTHS];
    if (a.types) {
        int n =
            bake_list_option("--types", a.types, OPTICS_TABLE_TYPES, 1, 6, true, v, "ascending types 1..6");
        if (n < 0) return 2;
        p.type_count = n;
        for (int i = 0; i < n; ++i)
            p.types[i] = (int)v[i];
    }
    if (a.depths) {
        int n = bake_list_option("--depths", a.depths, OPTICS_TABLE_MAX_DEPTHS, 0.0, 3.0, false, v,
                                 "1..%d ascending depths in mm within 0..3", OPTICS_TABLE_MAX_DEPTHS);
        if (n < 0) return 2;
        p.depth_count = n;
        memcpy(p.depth_mm, v, (size_t)n * sizeof v[0]);
    }
    if (a.inks) {
        int n = bake_list_option("--inks", a.inks, OPTICS_TABLE_MAX_INKS, 1e-9, OPTICS_TABLE_MAX_INK, false,
                                 v, "1..%d ascending ink amounts within (0, %g]", OPTICS_TABLE_MAX_INKS,
                                 OPTICS_TABLE_MAX_INK);
        if (n < 0) return 2;
        p.ink_count = n;
        memcpy(p.ink, v, (size_t)n * sizeof v[0]);
    }
    if (a.diameters) {
        int n = bake_list_option("--diameters", a.diameters, OPTICS_TABLE_MAX_DIAMETERS, 1e-9, 5.0, false, v,
                                 "1..%d ascending diameters in mm within (0, 5]", OPTICS_TABLE_MAX_DIAMETERS);
        if (n < 0) return 2;
        p.diameter_count = n;
        memcpy(p.diameter_mm, v, (size_t)n * sizeof v[0]);
    }

    optics_table *t = malloc(sizeof *t);
    if (!t) {
        fprintf(stderr, "smpsim bake: out of memory\n");
        return 1;
    }
    /* Fail before hours of work if the output cannot be written: the same atomic write of an empty probe is
     * not possible without leaving a file, so check the directory instead. */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", a.output);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    if (access(slash ? (dir[0] ? dir : "/") : ".", W_OK) != 0) {
        fprintf(stderr, "smpsim bake: -o %s: the directory does not exist or is not writable\n", a.output);
        free(t);
        return 2;
    }

    app_progress ps;
    app_progress_init(&ps, "bake");
    if (optics_table_bake(t, &p, app_progress_update, &ps, &err) != SMP_OK) {
        app_progress_finish(&ps);
        fprintf(stderr, "smpsim bake: %s\n", err.message);
        free(t);
        return err.status == SMP_ERR_INPUT ? 2 : 1;
    }
    char *text = optics_table_to_json(t);
    free(t);
    if (!text) {
        fprintf(stderr, "smpsim bake: out of memory writing the JSON\n");
        return 1;
    }
    size_t len = strlen(text);
    text[len] = '\n'; /* replace the terminator: the file ends with a newline */
    smp_status st = smp_file_write_atomic(a.output, text, len + 1, &err);
    free(text);
    if (st != SMP_OK) {
        fprintf(stderr, "smpsim bake: %s\n", err.message);
        return 1;
    }
    fprintf(stderr, "smpsim bake: wrote %s (%.0f s)\n", a.output, smp_now_s() - ps.start_s);
    return 0;
}
