/* table_json: the optics tables (table.h) as JSON, written and read strictly (every field path named in the
 * error); the format is described in docs/optics-model.md, "Baked optics tables". */
#include "optics/table.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cJSON *json_numbers(const double *v, int n)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; a && i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber(v[i]));
    return a;
}

static cJSON *json_rows(const double *v, int rows, int cols)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; a && i < rows; i++)
        cJSON_AddItemToArray(a, json_numbers(v + (size_t)i * cols, cols));
    return a;
}

char *optics_table_to_json(const optics_table *t)
{
    cJSON *root = cJSON_CreateObject();
    if (!root) return NULL;
    cJSON_AddNumberToObject(root, "version", t->version);
    cJSON_AddNumberToObject(root, "photons", (double)t->photons);
    cJSON_AddNumberToObject(root, "seed", (double)t->seed);
    cJSON_AddNumberToObject(root, "ink_thickness_mm", t->ink_thickness_mm);
    cJSON_AddItemToObject(root, "depth_mm", json_numbers(t->depth_mm, t->depth_count));
    cJSON_AddItemToObject(root, "ink", json_numbers(t->ink, t->ink_count));
    cJSON_AddItemToObject(root, "diameter_mm", json_numbers(t->diameter_mm, t->diameter_count));
    cJSON *types = cJSON_AddArrayToObject(root, "types");
    for (int tx = 0; types && tx < OPTICS_TABLE_TYPES; tx++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(types, o);
        cJSON_AddNumberToObject(o, "fitzpatrick", tx + 1);
        cJSON_AddItemToObject(o, "skin_linear_rgb", json_numbers(t->skin_linear_rgb[tx], 3));
        cJSON_AddItemToObject(o, "skin_lab", json_numbers(t->skin_lab[tx], 3));
        cJSON_AddItemToObject(o, "sss_weight",
                              json_rows(&t->sss_weight[tx][0][0], 3, OPTICS_TABLE_SSS_TERMS));
        cJSON_AddItemToObject(o, "sss_sigma_mm",
                              json_rows(&t->sss_sigma_mm[tx][0][0], 3, OPTICS_TABLE_SSS_TERMS));
        cJSON *depths = cJSON_AddArrayToObject(o, "depths");
        for (int d = 0; depths && d < t->depth_count; d++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddItemToArray(depths, e);
            cJSON_AddItemToObject(e, "kernel_weight",
                                  json_rows(&t->kernel_weight[tx][d][0][0], 3, OPTICS_TABLE_KERNEL_TERMS));
            cJSON_AddItemToObject(e, "kernel_sigma_mm",
                                  json_rows(&t->kernel_sigma_mm[tx][d][0][0], 3, OPTICS_TABLE_KERNEL_TERMS));
            cJSON_AddItemToObject(e, "covered_linear_rgb",
                                  json_rows(&t->covered_linear_rgb[tx][d][0][0], t->ink_count, 3));
            cJSON *gain = cJSON_AddArrayToObject(e, "gain");
            for (int k = 0; gain && k < t->ink_count; k++) {
                cJSON *per_ink = cJSON_CreateArray();
                cJSON_AddItemToArray(gain, per_ink);
                for (int s = 0; per_ink && s < t->diameter_count; s++) {
                    cJSON *row = cJSON_CreateArray();
                    cJSON_AddItemToArray(per_ink, row);
                    for (int c = 0; row && c < 3; c++)
                        cJSON_AddItemToArray(
                            row, json_numbers(t->gain[tx][d][k][s][c], OPTICS_TABLE_KERNEL_TERMS));
                }
            }
        }
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}

/* Strict readers: each names the field path in its error. */
typedef struct json_ctx {
    const char *source;
    smp_error *err;
} json_ctx;

static smp_status json_fail(const json_ctx *j, const char *field, const char *what)
{
    return smp_error_set(j->err, SMP_ERR_INPUT, "%s: %s: %s", j->source, field, what);
}

static smp_status json_number(const json_ctx *j, const cJSON *obj, const char *key, const char *path,
                              double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    char field[160];
    snprintf(field, sizeof field, "%s%s", path, key);
    if (!v) return json_fail(j, field, "missing");
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) return json_fail(j, field, "must be a number");
    *out = v->valuedouble;
    return SMP_OK;
}

/* An array of exactly n finite numbers at item (field names it). */
static smp_status json_vector(const json_ctx *j, const cJSON *item, const char *field, int n, double *out)
{
    char what[64];
    snprintf(what, sizeof what, "must be an array of %d numbers", n);
    if (!item) return json_fail(j, field, "missing");
    if (!cJSON_IsArray(item) || cJSON_GetArraySize(item) != n) return json_fail(j, field, what);
    int i = 0;
    for (const cJSON *e = item->child; e; e = e->next, i++) {
        if (!cJSON_IsNumber(e) || !isfinite(e->valuedouble)) return json_fail(j, field, what);
        out[i] = e->valuedouble;
    }
    return SMP_OK;
}

/* rows x cols numbers (row-major into out, row stride cols). */
static smp_status json_matrix(const json_ctx *j, const cJSON *obj, const char *key, const char *path,
                              int rows, int cols, double *out)
{
    char field[160];
    snprintf(field, sizeof field, "%s%s", path, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    char what[64];
    snprintf(what, sizeof what, "must be an array of %d arrays of %d numbers", rows, cols);
    if (!v) return json_fail(j, field, "missing");
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != rows) return json_fail(j, field, what);
    int r = 0;
    for (const cJSON *e = v->child; e; e = e->next, r++) {
        char sub[192];
        snprintf(sub, sizeof sub, "%s[%d]", field, r);
        smp_status st = json_vector(j, e, sub, cols, out + (size_t)r * cols);
        if (st != SMP_OK) return st;
    }
    return SMP_OK;
}

/* "gain": inks x diameters x 3 channels x OPTICS_TABLE_KERNEL_TERMS numbers (strides of the table's arrays).
 */
static smp_status json_gain(const json_ctx *j, const cJSON *obj, const char *path, int inks, int diameters,
                            double *out)
{
    char field[160];
    snprintf(field, sizeof field, "%sgain", path);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "gain");
    char what[128];
    snprintf(what, sizeof what,
             "must be an array of %d arrays (one per ink) of %d arrays of 3 arrays of %d numbers", inks,
             diameters, OPTICS_TABLE_KERNEL_TERMS);
    if (!v) return json_fail(j, field, "missing");
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != inks) return json_fail(j, field, what);
    int k = 0;
    for (const cJSON *e = v->child; e; e = e->next, k++) {
        char sub[192];
        snprintf(sub, sizeof sub, "%s[%d]", field, k);
        if (!cJSON_IsArray(e) || cJSON_GetArraySize(e) != diameters) return json_fail(j, sub, what);
        int s = 0;
        for (const cJSON *g = e->child; g; g = g->next, s++) {
            char sub2[208];
            snprintf(sub2, sizeof sub2, "%s[%d]", sub, s);
            if (!cJSON_IsArray(g) || cJSON_GetArraySize(g) != 3) return json_fail(j, sub2, what);
            int c = 0;
            for (const cJSON *h = g->child; h; h = h->next, c++) {
                char sub3[224];
                snprintf(sub3, sizeof sub3, "%s[%d]", sub2, c);
                smp_status st =
                    json_vector(j, h, sub3, OPTICS_TABLE_KERNEL_TERMS,
                                out + (((size_t)k * OPTICS_TABLE_MAX_DIAMETERS + (size_t)s) * 3 + (size_t)c) *
                                          OPTICS_TABLE_KERNEL_TERMS);
                if (st != SMP_OK) return st;
            }
        }
    }
    return SMP_OK;
}

static smp_status json_grid(const json_ctx *j, const cJSON *root, const char *key, int max, double lo,
                            double hi, bool open_low, double *out, int *count)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
    char what[128];
    snprintf(what, sizeof what, "must be an array of 1..%d ascending numbers in %s%g, %g]", max,
             open_low ? "(" : "[", lo, hi);
    if (!v) return json_fail(j, key, "missing");
    int n = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : -1;
    if (n < 1 || n > max) return json_fail(j, key, what);
    smp_status st = json_vector(j, v, key, n, out);
    if (st != SMP_OK) return st;
    for (int i = 0; i < n; i++)
        if (out[i] > hi || out[i] < lo || (open_low && out[i] <= lo) || (i > 0 && !(out[i] > out[i - 1])))
            return json_fail(j, key, what);
    *count = n;
    return SMP_OK;
}

smp_status optics_table_parse_json(optics_table *t, const char *text, size_t size, const char *source,
                                   smp_error *err)
{
    json_ctx j = {source ? source : "optics table", err};
    memset(t, 0, sizeof *t);
    cJSON *root = cJSON_ParseWithLength(text, size);
    if (!root) return smp_error_set(err, SMP_ERR_INPUT, "%s: not valid JSON", j.source);
    smp_status st = SMP_OK;
    double v = 0.0;
    if (!cJSON_IsObject(root)) {
        st = json_fail(&j, "(top level)", "must be an object");
        goto out;
    }
    if ((st = json_number(&j, root, "version", "", &v)) != SMP_OK) goto out;
    if (v != 2.0) {
        st = json_fail(&j, "version", "must be 2 (re-bake the table with this smpsim)");
        goto out;
    }
    t->version = 2;
    if ((st = json_number(&j, root, "photons", "", &v)) != SMP_OK) goto out;
    if (!(v >= 1.0 && v <= 9007199254740992.0 && v == floor(v))) {
        st = json_fail(&j, "photons", "must be a whole number >= 1");
        goto out;
    }
    t->photons = (uint64_t)v;
    if ((st = json_number(&j, root, "seed", "", &v)) != SMP_OK) goto out;
    if (!(v >= 0.0 && v <= 9007199254740992.0 && v == floor(v))) {
        st = json_fail(&j, "seed", "must be a whole number >= 0");
        goto out;
    }
    t->seed = (uint64_t)v;
    if ((st = json_number(&j, root, "ink_thickness_mm", "", &t->ink_thickness_mm)) != SMP_OK) goto out;
    if (!(t->ink_thickness_mm > 0.0 && t->ink_thickness_mm <= 1.0)) {
        st = json_fail(&j, "ink_thickness_mm", "must be in (0, 1]");
        goto out;
    }
    if ((st = json_grid(&j, root, "depth_mm", OPTICS_TABLE_MAX_DEPTHS, 0.0, 3.0, false, t->depth_mm,
                        &t->depth_count)) != SMP_OK)
        goto out;
    if ((st = json_grid(&j, root, "ink", OPTICS_TABLE_MAX_INKS, 0.0, OPTICS_TABLE_MAX_INK, true, t->ink,
                        &t->ink_count)) != SMP_OK)
        goto out;
    if ((st = json_grid(&j, root, "diameter_mm", OPTICS_TABLE_MAX_DIAMETERS, 0.0, 5.0, true, t->diameter_mm,
                        &t->diameter_count)) != SMP_OK)
        goto out;

    const cJSON *types = cJSON_GetObjectItemCaseSensitive(root, "types");
    if (!types) {
        st = json_fail(&j, "types", "missing");
        goto out;
    }
    if (!cJSON_IsArray(types) || cJSON_GetArraySize(types) != OPTICS_TABLE_TYPES) {
        st = json_fail(&j, "types", "must be an array of 6 objects (Fitzpatrick I..VI)");
        goto out;
    }
    int tx = 0;
    for (const cJSON *o = types->child; o; o = o->next, tx++) {
        char path[64];
        snprintf(path, sizeof path, "types[%d].", tx);
        if (!cJSON_IsObject(o)) {
            st = json_fail(&j, path, "must be an object");
            goto out;
        }
        if ((st = json_number(&j, o, "fitzpatrick", path, &v)) != SMP_OK) goto out;
        if (v != tx + 1) {
            char field[80];
            snprintf(field, sizeof field, "%sfitzpatrick", path);
            char what[32];
            snprintf(what, sizeof what, "must be %d", tx + 1);
            st = json_fail(&j, field, what);
            goto out;
        }
        char vfield[96];
        snprintf(vfield, sizeof vfield, "%sskin_linear_rgb", path);
        if ((st = json_vector(&j, cJSON_GetObjectItemCaseSensitive(o, "skin_linear_rgb"), vfield, 3,
                              t->skin_linear_rgb[tx])) != SMP_OK)
            goto out;
        snprintf(vfield, sizeof vfield, "%sskin_lab", path);
        if ((st = json_vector(&j, cJSON_GetObjectItemCaseSensitive(o, "skin_lab"), vfield, 3,
                              t->skin_lab[tx])) != SMP_OK)
            goto out;
        if ((st = json_matrix(&j, o, "sss_weight", path, 3, OPTICS_TABLE_SSS_TERMS,
                              &t->sss_weight[tx][0][0])) != SMP_OK)
            goto out;
        if ((st = json_matrix(&j, o, "sss_sigma_mm", path, 3, OPTICS_TABLE_SSS_TERMS,
                              &t->sss_sigma_mm[tx][0][0])) != SMP_OK)
            goto out;
        const cJSON *depths = cJSON_GetObjectItemCaseSensitive(o, "depths");
        char field[96];
        snprintf(field, sizeof field, "%sdepths", path);
        if (!depths) {
            st = json_fail(&j, field, "missing");
            goto out;
        }
        if (!cJSON_IsArray(depths) || cJSON_GetArraySize(depths) != t->depth_count) {
            char what[80];
            snprintf(what, sizeof what, "must be an array of %d objects (one per depth_mm)", t->depth_count);
            st = json_fail(&j, field, what);
            goto out;
        }
        int d = 0;
        for (const cJSON *e = depths->child; e; e = e->next, d++) {
            char dpath[96];
            snprintf(dpath, sizeof dpath, "%sdepths[%d].", path, d);
            if (!cJSON_IsObject(e)) {
                st = json_fail(&j, dpath, "must be an object");
                goto out;
            }
            if ((st = json_matrix(&j, e, "kernel_weight", dpath, 3, OPTICS_TABLE_KERNEL_TERMS,
                                  &t->kernel_weight[tx][d][0][0])) != SMP_OK ||
                (st = json_matrix(&j, e, "kernel_sigma_mm", dpath, 3, OPTICS_TABLE_KERNEL_TERMS,
                                  &t->kernel_sigma_mm[tx][d][0][0])) != SMP_OK ||
                (st = json_matrix(&j, e, "covered_linear_rgb", dpath, t->ink_count, 3,
                                  &t->covered_linear_rgb[tx][d][0][0])) != SMP_OK ||
                (st = json_gain(&j, e, dpath, t->ink_count, t->diameter_count,
                                &t->gain[tx][d][0][0][0][0])) != SMP_OK)
                goto out;
        }
    }
out:
    cJSON_Delete(root);
    if (st != SMP_OK) memset(t, 0, sizeof *t);
    return st;
}
