/* .mci reader. Follows the line rules of MCML's mcmlio.c (FindDataLine/CommentLine: skip blank lines and
 * lines whose first non-blank is '#'; '#' starts a comment; spaces or tabs separate) but checks each line's
 * number count and each value's type and range instead of reading with sscanf. */
#include "optics/mci.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MCI_LINE_MAX 512
#define MCI_TOKENS_MAX 8

typedef struct mci_reader {
    const char *p; /* start of the next physical line */
    const char *file;
    int line;                 /* number of the line last read (1-based) */
    char text[MCI_LINE_MAX];  /* the data line: comment cut, non-printing characters gone, trimmed */
    char words[MCI_LINE_MAX]; /* a copy cut into tokens */
    char *tok[MCI_TOKENS_MAX + 1];
    int ntok;
    smp_error *err;
} mci_reader;

static smp_status mci_fail(mci_reader *r, const char *what, const char *got)
{
    return smp_error_set(r->err, SMP_ERR_INPUT, "%s: line %d: expected %s, got '%s'", r->file, r->line, what,
                         got);
}

/* Reads the next data line into r->text and its tokens; returns 0 at the end of the text. Lines longer than
 * MCI_LINE_MAX keep their beginning, which then fails the count or value checks with the line's number. */
static int mci_next_line(mci_reader *r)
{
    while (*r->p) {
        const char *s = r->p;
        const char *e = strchr(s, '\n');
        if (!e) e = s + strlen(s);
        r->p = *e ? e + 1 : e;
        r->line++;

        size_t n = 0;
        for (const char *c = s; c < e && *c != '#'; ++c) {
            unsigned char ch = (unsigned char)*c;
            if (ch == '\t') ch = ' ';
            if (!isprint(ch))
                continue; /* MCML deletes non-printing characters (\r of DOS files among them) */
            if (n + 1 < sizeof r->text) r->text[n++] = (char)ch;
        }
        while (n > 0 && r->text[n - 1] == ' ')
            n--;
        r->text[n] = '\0';
        size_t lead = strspn(r->text, " ");
        if (lead == n) continue; /* blank or comment line */
        memmove(r->text, r->text + lead, n - lead + 1);

        memcpy(r->words, r->text, n - lead + 1);
        r->ntok = 0;
        char *save = NULL;
        for (char *t = strtok_r(r->words, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
            if (r->ntok == MCI_TOKENS_MAX) {
                r->ntok++; /* more than any line may hold: reported by the count check */
                break;
            }
            r->tok[r->ntok++] = t;
        }
        return 1;
    }
    return 0;
}

/* Next data line with exactly `count` values; `what` names them for the message. */
static smp_status mci_expect(mci_reader *r, const char *what, int count)
{
    if (!mci_next_line(r))
        return smp_error_set(r->err, SMP_ERR_INPUT, "%s: line %d: expected %s, got end of file", r->file,
                             r->line + 1, what);
    if (r->ntok != count) return mci_fail(r, what, r->text);
    return SMP_OK;
}

/* An integer written as one (MCML reads these with %hd/%ld, which misreads "5.0" or "1e6"). */
static smp_status mci_integer(mci_reader *r, const char *tok, long long lo, long long hi, const char *what,
                              long long *out)
{
    const char *c = tok + (*tok == '+' || *tok == '-');
    int ok = *c != '\0';
    for (; *c; ++c)
        ok = ok && isdigit((unsigned char)*c);
    if (ok) {
        errno = 0;
        long long v = strtoll(tok, NULL, 10);
        if (errno == 0 && v >= lo && v <= hi) {
            *out = v;
            return SMP_OK;
        }
    }
    return mci_fail(r, what, tok);
}

/* A finite decimal number within [lo, hi]; lo_open excludes lo itself. */
static smp_status mci_number(mci_reader *r, const char *tok, double lo, int lo_open, double hi,
                             const char *what, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(tok, &end);
    int ok =
        end != tok && *end == '\0' && errno == 0 && isfinite(v) && (lo_open ? v > lo : v >= lo) && v <= hi;
    if (!ok) return mci_fail(r, what, tok);
    *out = v;
    return SMP_OK;
}

static smp_status mci_parse_layer(mci_reader *r, int index, optics_layer *l)
{
    char what[160];
    snprintf(what, sizeof what, "layer %d: n mua mus g d (5 numbers)", index + 1);
    if (mci_expect(r, what, 5) != SMP_OK) return SMP_ERR_INPUT;
    struct {
        const char *name;
        double lo;
        int lo_open;
        double hi;
        double *dst;
    } f[5] = {
        {"refractive index n of layer %d (> 0)", 0.0, 1, HUGE_VAL, &l->n},
        {"mua of layer %d (1/cm, >= 0)", 0.0, 0, HUGE_VAL, &l->mu_a_per_cm},
        {"mus of layer %d (1/cm, >= 0)", 0.0, 0, HUGE_VAL, &l->mu_s_per_cm},
        {"g of layer %d (between -1 and 1)", -1.0, 0, 1.0, &l->g},
        {"thickness d of layer %d (cm, >= 0)", 0.0, 0, HUGE_VAL, &l->thickness_cm},
    };
    for (int i = 0; i < 5; ++i) {
        snprintf(what, sizeof what, f[i].name, index + 1);
        if (mci_number(r, r->tok[i], f[i].lo, f[i].lo_open, f[i].hi, what, f[i].dst) != SMP_OK)
            return SMP_ERR_INPUT;
    }
    return SMP_OK;
}

static smp_status mci_parse_run(mci_reader *r, optics_mci_run *run)
{
    long long v = 0;
    optics_mc_input *in = &run->input;
    *in = optics_mc_input_default();

    /* Output file name and format: "name A"; the format letter may be left out (ASCII). */
    if (!mci_next_line(r))
        return smp_error_set(r->err, SMP_ERR_INPUT,
                             "%s: line %d: expected output file name and format A or B, got "
                             "end of file",
                             r->file, r->line + 1);
    run->line = r->line;
    if (r->ntok > 2) return mci_fail(r, "output file name and format A or B", r->text);
    if (strlen(r->tok[0]) >= sizeof run->output_name)
        return mci_fail(r, "an output file name shorter than 256 characters", r->tok[0]);
    strcpy(run->output_name, r->tok[0]);
    run->format = 'A';
    if (r->ntok == 2) {
        char c = (char)toupper((unsigned char)r->tok[1][0]);
        if (r->tok[1][1] != '\0' || (c != 'A' && c != 'B')) return mci_fail(r, "format A or B", r->tok[1]);
        run->format = c;
    }

    char what[96];
    snprintf(what, sizeof what, "number of photons (integer between 1 and %" PRIu64 ")",
             OPTICS_MC_MAX_PHOTONS);
    if (mci_expect(r, what, 1) != SMP_OK ||
        mci_integer(r, r->tok[0], 1, (long long)OPTICS_MC_MAX_PHOTONS, what, &v) != SMP_OK)
        return SMP_ERR_INPUT;
    in->photons = (uint64_t)v;

    if (mci_expect(r, "dz dr (2 numbers, cm)", 2) != SMP_OK ||
        mci_number(r, r->tok[0], 0.0, 1, HUGE_VAL, "dz (cm, > 0)", &in->dz_cm) != SMP_OK ||
        mci_number(r, r->tok[1], 0.0, 1, HUGE_VAL, "dr (cm, > 0)", &in->dr_cm) != SMP_OK)
        return SMP_ERR_INPUT;

    snprintf(what, sizeof what, "nz nr na (3 integers)");
    if (mci_expect(r, what, 3) != SMP_OK) return SMP_ERR_INPUT;
    int *bins[3] = {&in->nz, &in->nr, &in->na};
    const char *bin_names[3] = {"nz", "nr", "na"};
    for (int i = 0; i < 3; ++i) {
        snprintf(what, sizeof what, "%s (integer between 1 and %d)", bin_names[i], OPTICS_MC_MAX_BINS);
        if (mci_integer(r, r->tok[i], 1, OPTICS_MC_MAX_BINS, what, &v) != SMP_OK) return SMP_ERR_INPUT;
        *bins[i] = (int)v;
    }

    snprintf(what, sizeof what, "number of layers (integer between 1 and %d)", OPTICS_MC_MAX_LAYERS);
    if (mci_expect(r, what, 1) != SMP_OK ||
        mci_integer(r, r->tok[0], 1, OPTICS_MC_MAX_LAYERS, what, &v) != SMP_OK)
        return SMP_ERR_INPUT;
    in->layer_count = (int)v;
    run->layers = calloc((size_t)in->layer_count, sizeof *run->layers);
    if (!run->layers) return smp_error_set(r->err, SMP_ERR_NOMEM, "%s: out of memory", r->file);
    in->layers = run->layers;

    const char *above = "refractive index of the medium above (> 0)";
    if (mci_expect(r, above, 1) != SMP_OK || mci_number(r, r->tok[0], 0.0, 1, HUGE_VAL, above, &in->n_above))
        return SMP_ERR_INPUT;
    for (int i = 0; i < in->layer_count; ++i)
        if (mci_parse_layer(r, i, &run->layers[i]) != SMP_OK) return SMP_ERR_INPUT;
    const char *below = "refractive index of the medium below (> 0)";
    if (mci_expect(r, below, 1) != SMP_OK || mci_number(r, r->tok[0], 0.0, 1, HUGE_VAL, below, &in->n_below))
        return SMP_ERR_INPUT;
    return SMP_OK;
}

smp_status optics_mci_parse(const char *text, const char *file_name, optics_mci_file *out, smp_error *err)
{
    memset(out, 0, sizeof *out);
    smp_error local = {0};
    if (!err) err = &local;
    err->status = SMP_OK;
    mci_reader *r = calloc(1, sizeof *r);
    if (!r) return smp_error_set(err, SMP_ERR_NOMEM, "%s: out of memory", file_name);
    r->p = text;
    r->file = file_name;
    r->err = err;
    smp_status st = SMP_OK;
    long long v = 0;
    double version = 0.0;

    const char *ver = "file version 1.0 (MCML 1.x format)";
    if (mci_expect(r, ver, 1) != SMP_OK || mci_number(r, r->tok[0], 1.0, 0, 1.0, ver, &version) != SMP_OK)
        goto fail;
    char what[64];
    snprintf(what, sizeof what, "number of runs (integer between 1 and %d)", OPTICS_MCI_MAX_RUNS);
    if (mci_expect(r, what, 1) != SMP_OK ||
        mci_integer(r, r->tok[0], 1, OPTICS_MCI_MAX_RUNS, what, &v) != SMP_OK)
        goto fail;
    out->runs = calloc((size_t)v, sizeof *out->runs);
    if (!out->runs) {
        smp_error_set(err, SMP_ERR_NOMEM, "%s: out of memory", file_name);
        goto fail;
    }
    out->run_count = (int)v;
    for (int i = 0; i < out->run_count; ++i)
        if (mci_parse_run(r, &out->runs[i]) != SMP_OK) goto fail;
    if (mci_next_line(r)) {
        snprintf(what, sizeof what, "end of file after %d run%s", out->run_count,
                 out->run_count == 1 ? "" : "s");
        mci_fail(r, what, r->text);
        goto fail;
    }
    free(r);
    return SMP_OK;

fail:
    st = err->status != SMP_OK ? err->status : SMP_ERR_INPUT;
    free(r);
    optics_mci_file_destroy(out);
    return st;
}

smp_status optics_mci_load(const char *path, optics_mci_file *out, smp_error *err)
{
    char *text = NULL;
    smp_error local = {0};
    if (!err) err = &local;
    memset(out, 0, sizeof *out);
    smp_status st = smp_file_read_max(path, OPTICS_MCI_MAX_BYTES, "an MCML input file", &text, NULL, err);
    if (st == SMP_ERR_IO) err->status = st = SMP_ERR_INPUT; /* an unreadable input file is bad input */
    if (st != SMP_OK) return st;
    st = optics_mci_parse(text, path, out, err);
    free(text);
    return st;
}

void optics_mci_file_destroy(optics_mci_file *f)
{
    if (!f) return;
    for (int i = 0; i < f->run_count; ++i)
        free(f->runs[i].layers);
    free(f->runs);
    memset(f, 0, sizeof *f);
}
