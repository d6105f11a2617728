/* The plan's field table and everything it drives: JSON tree <-> struct, range checks, messages.
 * One row per field keeps the schema, docs/plan-format.md and the checks in step; ranges come from
 * REFERENCES.md (and references/clinical.md), widened to cover unusual but real patients. */
#include "plan/plan_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 2^53: the largest integer up to which every integer is exact in a JSON number (a double). */
#define PLAN_SEED_MAX 9007199254740992.0

_Static_assert(sizeof(plan_hairline_style) == sizeof(int), "enums are read through int");
_Static_assert(sizeof(plan_ink_quality) == sizeof(int), "enums are read through int");
_Static_assert(sizeof(plan_needle) == sizeof(int), "enums are read through int");
_Static_assert(sizeof(plan_scar_type) == sizeof(int), "enums are read through int");
_Static_assert(sizeof(plan_pattern) == sizeof(int), "enums are read through int");
_Static_assert(sizeof(plan_scar_form) == sizeof(int), "enums are read through int");
_Static_assert(sizeof(plan_parting) == sizeof(int), "enums are read through int");
_Static_assert(sizeof(plan_sex) == sizeof(int), "enums are read through int");

static const char *const hairline_styles[] = {"soft", "linear", NULL};
static const char *const ink_qualities[] = {"medical", "cosmetic", "tattoo", "inferior", NULL};
static const char *const needles[] = {"1RL", "3RL", "5RL", "7RL", NULL};
static const char *const scar_types[] = {"fut", "fue", NULL};
static const char *const scar_forms[] = {"normal", "atrophic", "hypertrophic", "stretched", NULL};
static const char *const partings[] = {"none", "left", "centre", "right", NULL};
static const char *const sexes[] = {"male", "female", NULL};
static const char *const mesh_units[] = {"guess", "mm", "cm", "m", NULL}; /* "guess" is written null */
static const char *const photo_hairs[] = {"keep", "remove", NULL};
_Static_assert(sizeof(plan_photo_hair) == sizeof(int), "enums are read through int");
_Static_assert(sizeof(plan_mesh_units) == sizeof(int), "enums are read through int");

/* The keys of head.landmarks, in the order of plan_scan_landmarks. */
static const char *const landmark_keys[] = {"nasion", "tragus_left", "tragus_right"};
#define LANDMARK_MAX 1e6

/* One row per field reads as a table, so the formatter leaves the table alone. */
/* clang-format off */
#define NUM(s, f, lo, hi, u) {#f, PLAN_FIELD_NUMBER, offsetof(s, f), lo, hi, u, NULL, -1, false, false, false}
#define INT(s, f, lo, hi) {#f, PLAN_FIELD_INT, offsetof(s, f), lo, hi, "", NULL, -1, false, false, false}
#define BOOL(s, f) {#f, PLAN_FIELD_BOOL, offsetof(s, f), 0, 0, "", NULL, -1, false, false, false}
#define ENUM(s, f, names) {#f, PLAN_FIELD_ENUM, offsetof(s, f), 0, 0, "", names, -1, false, false, false}
/* A number that may be null (not given); null is stored as 0, so the range must exclude 0. */
#define NUM_NULL(s, f, lo, hi, u)                                                                         \
    {#f, PLAN_FIELD_NUMBER_OR_NULL, offsetof(s, f), lo, hi, u, NULL, -1, false, false, false}
/* A number that may be null (not given) where 0 is a value of its own; null is stored as PLAN_NONE. */
#define NUM_NONE(s, f, lo, hi, u)                                                                         \
    {#f, PLAN_FIELD_NUMBER_OR_NONE, offsetof(s, f), lo, hi, u, NULL, -1, false, false, false}
/* A field of one scar type only. */
#define NUM_V(s, f, lo, hi, u, v) {#f, PLAN_FIELD_NUMBER, offsetof(s, f), lo, hi, u, NULL, v, false, false, false}
/* A field whose values must rise from entry to entry (session day, touch-up year). */
#define NUM_UP(s, f, lo, hi, u) {#f, PLAN_FIELD_NUMBER, offsetof(s, f), lo, hi, u, NULL, -1, false, true, false}

static const plan_field root_fields[] = {
    INT(plan, version, 1, 1),
    {"seed", PLAN_FIELD_SEED, offsetof(plan, seed), 0, PLAN_SEED_MAX, "", NULL, -1, false, false, false},
};

static const plan_field head_fields[] = {
    NUM(plan_head, circumference_cm, 48, 66, "cm"),
    NUM(plan_head, length_cm, 16, 23, "cm"),
    NUM(plan_head, breadth_cm, 12, 18, "cm"),
    {"mesh", PLAN_FIELD_PATH, offsetof(plan_head, mesh), 0, 0, "", NULL, -1, false, false, false},
    {"mesh_units", PLAN_FIELD_ENUM_OR_NULL, offsetof(plan_head, mesh_units), 0, 0, "", mesh_units, -1, 0, 0, 0},
    {"landmarks", PLAN_FIELD_LANDMARKS, offsetof(plan_head, landmarks), 0, 0, "", NULL, -1, false, false, false},
    {"photo", PLAN_FIELD_PATH, offsetof(plan_head, photo), 0, 0, "", NULL, -1, false, false, false},
    NUM(plan_head, photo_azimuth_deg, -180, 180, "degrees"),
    NUM(plan_head, photo_elevation_deg, -30, 90, "degrees"),
    NUM(plan_head, photo_distance_m, 0.2, 3, "m"),
    NUM(plan_head, photo_fov_deg, 5, 120, "degrees"),
    ENUM(plan_head, photo_hair, photo_hairs),
};

static const plan_field patient_fields[] = {
    INT(plan_patient, fitzpatrick, 1, 6),
    {"hair_color", PLAN_FIELD_COLOR, offsetof(plan_patient, hair_color_srgb8), 0, 0, "", NULL, -1, 0, 0, false},
    NUM(plan_patient, grey_fraction, 0, 1, ""),
    NUM(plan_patient, hair_length_mm, 0, 150, "mm"),
    {"norwood", PLAN_FIELD_PATTERN, offsetof(plan_patient, pattern), 0, 0, "", NULL, -1, false, false, false},
    {"ludwig", PLAN_FIELD_PATTERN, offsetof(plan_patient, pattern), 0, 0, "", NULL, -1, true, false, false},
    ENUM(plan_patient, parting, partings),
    ENUM(plan_patient, sex, sexes),
};

static const plan_field progression_fields[] = {
    {"norwood", PLAN_FIELD_PATTERN, offsetof(plan_progression, pattern), 0, 0, "", NULL, -1, false, false, false},
    {"ludwig", PLAN_FIELD_PATTERN, offsetof(plan_progression, pattern), 0, 0, "", NULL, -1, true, false, false},
    NUM(plan_progression, years, 1, 40, "years"),
    NUM_NONE(plan_progression, grey_fraction, 0, 1, ""),
    NUM(plan_progression, grey_years, 1, 50, "years"),
    BOOL(plan_progression, treat_future_area),
};

static const plan_field hairline_fields[] = {
    ENUM(plan_hairline, style, hairline_styles),
    NUM(plan_hairline, height_cm, 5, 12, "cm"),
    NUM(plan_hairline, transition_mm, 0, 30, "mm"),
    NUM(plan_hairline, temple_height_cm, 5, 12, "cm"),
};

static const plan_field hairline_point_fields[] = {
    NUM_UP(plan_hairline_point, lateral_cm, -15, 15, "cm"),
    NUM(plan_hairline_point, height_cm, 2, 16, "cm"),
};

static const plan_field zone_fields[] = {
    NUM(plan_zones, front, 0, 3, ""),
    NUM(plan_zones, mid_scalp, 0, 3, ""),
    NUM(plan_zones, crown, 0, 3, ""),
    NUM(plan_zones, temples, 0, 3, ""),
    NUM(plan_zones, sides, 0, 3, ""),
    NUM(plan_zones, transition_mm, 5, 60, "mm"),
};

static const plan_field cluster_fields[] = {
    NUM(plan_clusters, double_fraction, 0, 1, ""),
    NUM(plan_clusters, triple_fraction, 0, 1, ""),
    NUM(plan_clusters, spacing_mm, 0.2, 1, "mm"),
};

static const plan_field pigment_fields[] = {
    NUM(plan_pigment, shade, 0, 1, ""),
    NUM(plan_pigment, depth_mm, 0.1, 3.0, "mm"),
    ENUM(plan_pigment, needle, needles),
    NUM(plan_pigment, pin_diameter_mm, 0.15, 0.40, "mm"),
    NUM_NULL(plan_pigment, dot_diameter_mm, 0.05, 1.5, "mm"),
    ENUM(plan_pigment, ink_quality, ink_qualities),
};

static const plan_field session_fields[] = {
    NUM_UP(plan_session, day, 0, 3650, "days"),
    NUM(plan_session, density_per_cm2, 0, 200, "dots/cm²"),
    NUM(plan_session, shade, 0, 1, ""),
};

static const plan_field scar_fields[] = {
    ENUM(plan_scar, type, scar_types),
    NUM_V(plan_scar, length_cm, 1, 40, "cm", PLAN_SCAR_FUT),
    NUM_V(plan_scar, width_mm, 0.5, 10, "mm", PLAN_SCAR_FUT),
    NUM_V(plan_scar, height_above_nape_cm, 1, 12, "cm", PLAN_SCAR_FUT),
    {"count", PLAN_FIELD_INT, offsetof(plan_scar, count), 0, 10000, "", NULL, PLAN_SCAR_FUE, false, false, false},
    NUM_V(plan_scar, diameter_mm, 0.3, 2, "mm", PLAN_SCAR_FUE),
    NUM(plan_scar, depth_mm, 0, 3, "mm"),
    {"form", PLAN_FIELD_ENUM, offsetof(plan_scar, form), 0, 0, "", scar_forms, -1, false, false, true},
};

static const plan_field aftercare_fields[] = {
    NUM(plan_aftercare, sun_hours_per_day, 0, 16, "h"),
    NUM(plan_aftercare, spf, 0, 100, ""),
    BOOL(plan_aftercare, hat),
    BOOL(plan_aftercare, alcohol_topicals),
    BOOL(plan_aftercare, washed_before_day3),
    BOOL(plan_aftercare, sauna_before_day3),
};

static const plan_field touch_up_fields[] = {
    NUM_UP(plan_touch_up, year, 0, 50, "years"),
    NUM(plan_touch_up, density_per_cm2, 0, 200, "dots/cm²"),
    NUM(plan_touch_up, shade, 0, 1, ""),
};

static const plan_field fading_fields[] = {
    NUM(plan_fading, early_loss, 0.05, 0.8, ""),
    NUM(plan_fading, scab_share, 0, 1, ""),
    NUM(plan_fading, surface_excess, 0, 3, ""),
    NUM(plan_fading, fresh_width, 1, 3, ""),
    NUM(plan_fading, mobile_fraction, 0, 0.8, ""),
    NUM(plan_fading, mobile_years, 0.1, 20, "years"),
    NUM(plan_fading, fixed_years, 2, 1000, "years"),
    NUM(plan_fading, sun_factor, 0, 5, "per h/day"),
    NUM(plan_fading, sunscreen_efficacy, 0.05, 1, ""),
    NUM(plan_fading, hat_transmission, 0, 1, ""),
    NUM(plan_fading, alcohol_factor, 1, 5, ""),
    NUM(plan_fading, wet_early_loss, 0, 0.5, ""),
    NUM(plan_fading, spread_mm2_per_year, 0, 0.1, "mm²/year"),
    NUM(plan_fading, sink_mm_per_year, 0, 0.05, "mm/year"),
    NUM(plan_fading, redness, 0, 5, ""),
    NUM(plan_fading, touch_up_fraction, 0.3, 0.98, ""),
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define OBJECT(key, member, fields) {key, NULL, fields, COUNT(fields), offsetof(plan, member), 0, 0, 0, -1}
#define ARRAY(key, item, member, type, count, max, fields, variant)                                         \
    {key, item, fields, COUNT(fields), offsetof(plan, member), sizeof(type), offsetof(plan, count), max,     \
     variant}

/* In the order of DESIGN.md's example, which is the order plan_to_json writes. */
const plan_section plan_sections[] = {
    {"", NULL, root_fields, COUNT(root_fields), 0, 0, 0, 0, -1},
    OBJECT("head", head, head_fields),
    OBJECT("patient", patient, patient_fields),
    OBJECT("progression", progression, progression_fields),
    OBJECT("hairline", hairline, hairline_fields),
    ARRAY("hairline_points", "hairline point", hairline.points, plan_hairline_point, hairline.point_count,
          PLAN_MAX_HAIRLINE_POINTS, hairline_point_fields, -1),
    OBJECT("zones", zones, zone_fields),
    OBJECT("pigment", pigment, pigment_fields),
    OBJECT("clusters", clusters, cluster_fields),
    ARRAY("sessions", "session", sessions, plan_session, session_count, PLAN_MAX_SESSIONS,
          session_fields, -1),
    ARRAY("scars", "scar", scars, plan_scar, scar_count, PLAN_MAX_SCARS, scar_fields, 0),
    OBJECT("aftercare", aftercare, aftercare_fields),
    ARRAY("touch_ups", "touch-up", touch_ups, plan_touch_up, touch_up_count, PLAN_MAX_TOUCH_UPS,
          touch_up_fields, -1),
    OBJECT("fading", fading, fading_fields),
};
const int plan_section_count = COUNT(plan_sections);
/* clang-format on */

/* ---- look-ups and messages ---- */

const plan_section *plan_section_find(const char *name)
{
    for (int i = 0; i < plan_section_count; ++i)
        if (strcmp(plan_sections[i].name, name) == 0) return &plan_sections[i];
    return NULL;
}

static bool field_in_variant(const plan_field *f, int variant)
{
    return variant < 0 || f->variant < 0 || f->variant == variant;
}

const plan_field *plan_field_find(const plan_section *section, const char *name, int variant)
{
    for (int i = 0; i < section->field_count; ++i) {
        const plan_field *f = &section->fields[i];
        if (strcmp(f->name, name) == 0 && field_in_variant(f, variant)) return f;
    }
    return NULL;
}

/* Case-insensitive ASCII comparison: "Soft", "3v" and "ii" are friendly spellings. */
static bool name_equal(const char *a, const char *b)
{
    for (; *a && *b; ++a, ++b) {
        char ca = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
        char cb = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;
        if (ca != cb) return false;
    }
    return *a == *b;
}

static int enum_lookup(const char *const *names, const char *name)
{
    for (int i = 0; names[i]; ++i)
        if (name_equal(names[i], name)) return i;
    return -1;
}

int plan_entry_variant(const plan_section *section, const cJSON *entry)
{
    if (section->variant_field < 0) return -1;
    const plan_field *f = &section->fields[section->variant_field];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(entry, f->name);
    return cJSON_IsString(v) ? enum_lookup(f->names, v->valuestring) : -1;
}

/* Appends text to buf, keeping it NUL-terminated and cutting what does not fit. */
static void append(char *buf, size_t size, const char *text)
{
    size_t used = strnlen(buf, size);
    if (used + 1 < size) snprintf(buf + used, size - used, "%s", text);
}

void plan_field_list(const plan_section *section, int variant, char *buf, size_t size)
{
    buf[0] = '\0';
    for (int i = 0; i < section->field_count; ++i) {
        if (!field_in_variant(&section->fields[i], variant)) continue;
        if (buf[0]) append(buf, size, ", ");
        append(buf, size, section->fields[i].name);
    }
}

void plan_root_key_list(char *buf, size_t size)
{
    plan_field_list(&plan_sections[0], -1, buf, size);
    for (int i = 1; i < plan_section_count; ++i) {
        append(buf, size, ", ");
        append(buf, size, plan_sections[i].name);
    }
}

bool plan_issue_set(plan_issue *issue, const char *path, const char *fmt, ...)
{
    snprintf(issue->path, sizeof issue->path, "%s", path);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(issue->what, sizeof issue->what, fmt, ap);
    va_end(ap);
    return false;
}

void plan_number_format(double value, char *buf, size_t size)
{
    if (value == floor(value) && fabs(value) < 1e15) {
        snprintf(buf, size, "%.0f", value);
        return;
    }
    snprintf(buf, size, "%.15g", value);
    if (strtod(buf, NULL) != value) snprintf(buf, size, "%.17g", value);
}

void plan_json_describe(const cJSON *value, char *buf, size_t size)
{
    enum { longest = 40 };
    if (cJSON_IsNumber(value)) {
        plan_number_format(value->valuedouble, buf, size);
    } else if (cJSON_IsString(value)) {
        size_t n = strlen(value->valuestring);
        snprintf(buf, size, "\"%.*s%s\"", longest, value->valuestring, n > longest ? "..." : "");
    } else {
        char *text = cJSON_PrintUnformatted(value);
        if (!text) {
            snprintf(buf, size, "(a JSON value)");
            return;
        }
        snprintf(buf, size, "%.*s%s", longest, text, strlen(text) > longest ? "..." : "");
        cJSON_free(text);
    }
}

/* Range bounds printed with as many decimals as the finer one needs, so "0.1 and 3.0 mm". */
static int decimals_needed(double x)
{
    char buf[64];
    for (int d = 0; d < 6; ++d) {
        snprintf(buf, sizeof buf, "%.*f", d, x);
        if (strtod(buf, NULL) == x) return d;
    }
    return 6;
}

static bool range_issue(const plan_field *f, const char *path, double got, plan_issue *issue)
{
    char value[64];
    plan_number_format(got, value, sizeof value);
    if (f->min == f->max) return plan_issue_set(issue, path, "must be %g, got %s", f->min, value);
    int d = decimals_needed(f->min);
    if (decimals_needed(f->max) > d) d = decimals_needed(f->max);
    bool integer = f->kind == PLAN_FIELD_INT || f->kind == PLAN_FIELD_SEED;
    bool nullable = f->kind == PLAN_FIELD_NUMBER_OR_NULL || f->kind == PLAN_FIELD_NUMBER_OR_NONE;
    return plan_issue_set(issue, path, "must be %sbetween %.*f and %.*f%s%s%s, got %s",
                          integer ? "an integer " : "", d, f->min, d, f->max, f->unit[0] ? " " : "", f->unit,
                          nullable ? " or null" : "", value);
}

/* NaN fails both comparisons, so it is out of every range. */
static bool in_range(const plan_field *f, double v)
{
    return v >= f->min && v <= f->max;
}

/* "1, 2, 2A, ... 7" or "I, II, III": the names a pattern key accepts. */
static void pattern_name_list(bool ludwig, char *buf, size_t size)
{
    buf[0] = '\0';
    for (int i = PLAN_PATTERN_NONE + 1; i < PLAN_PATTERN_COUNT; ++i) {
        if (plan_pattern_is_ludwig((plan_pattern)i) != ludwig) continue;
        if (buf[0]) append(buf, size, ", ");
        append(buf, size, plan_pattern_name((plan_pattern)i));
    }
}

static void enum_name_list(const char *const *names, char *buf, size_t size)
{
    buf[0] = '\0';
    for (int i = 0; names[i]; ++i) {
        if (i) append(buf, size, ", ");
        append(buf, size, names[i]);
    }
}

/* ---- struct -> tree ---- */

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* The JSON of one field, or NULL when the field is not written (the pattern key not in use). *skip tells
 * the two apart from running out of memory. */
static cJSON *field_to_json(const plan_field *f, const char *src, bool *skip)
{
    *skip = false;
    switch (f->kind) {
    case PLAN_FIELD_NUMBER:
        return cJSON_CreateNumber(*(const double *)src);
    case PLAN_FIELD_NUMBER_OR_NULL: {
        double v = *(const double *)src;
        return v == 0.0 ? cJSON_CreateNull() : cJSON_CreateNumber(v);
    }
    case PLAN_FIELD_NUMBER_OR_NONE: {
        double v = *(const double *)src;
        return v == PLAN_NONE ? cJSON_CreateNull() : cJSON_CreateNumber(v);
    }
    case PLAN_FIELD_INT:
        return cJSON_CreateNumber(*(const int *)src);
    case PLAN_FIELD_SEED:
        return cJSON_CreateNumber((double)*(const uint64_t *)src);
    case PLAN_FIELD_BOOL:
        return cJSON_CreateBool(*(const bool *)src);
    case PLAN_FIELD_ENUM: {
        int v = *(const int *)src, n = 0;
        while (f->names[n])
            ++n;
        return v >= 0 && v < n ? cJSON_CreateString(f->names[v]) : cJSON_CreateNull();
    }
    case PLAN_FIELD_PATTERN: {
        plan_pattern v = *(const plan_pattern *)src;
        if (v == PLAN_PATTERN_NONE && !f->ludwig) return cJSON_CreateNull();
        if (v == PLAN_PATTERN_NONE || plan_pattern_is_ludwig(v) != f->ludwig || !plan_pattern_name(v)) {
            *skip = true;
            return NULL;
        }
        return cJSON_CreateString(plan_pattern_name(v));
    }
    case PLAN_FIELD_COLOR: {
        const unsigned char *c = (const unsigned char *)src;
        char text[8];
        snprintf(text, sizeof text, "#%02x%02x%02x", c[0], c[1], c[2]);
        return cJSON_CreateString(text);
    }
    case PLAN_FIELD_PATH: {
        char text[PLAN_PATH_MAX];
        snprintf(text, sizeof text, "%.*s", (int)strnlen(src, PLAN_PATH_MAX - 1), src);
        return text[0] ? cJSON_CreateString(text) : cJSON_CreateNull();
    }
    case PLAN_FIELD_ENUM_OR_NULL: {
        int v = *(const int *)src, n = 0;
        while (f->names[n])
            ++n;
        return v > 0 && v < n ? cJSON_CreateString(f->names[v]) : cJSON_CreateNull();
    }
    case PLAN_FIELD_LANDMARKS: {
        const plan_scan_landmarks *l = (const plan_scan_landmarks *)src;
        if (!l->given) return cJSON_CreateNull();
        const double *points[3] = {l->nasion, l->tragus_left, l->tragus_right};
        cJSON *obj = cJSON_CreateObject();
        for (int i = 0; obj && i < 3; ++i) {
            cJSON *a = cJSON_CreateDoubleArray(points[i], 3);
            if (!a || !cJSON_AddItemToObject(obj, landmark_keys[i], a)) {
                cJSON_Delete(a);
                cJSON_Delete(obj);
                obj = NULL;
            }
        }
        return obj;
    }
    }
    return NULL;
}

/* Adds the fields of one struct (of one variant) to obj; false when out of memory. */
static bool struct_to_json(const plan_section *s, const char *base, int variant, cJSON *obj)
{
    for (int i = 0; i < s->field_count; ++i) {
        const plan_field *f = &s->fields[i];
        if (!field_in_variant(f, variant)) continue;
        bool skip;
        cJSON *item = field_to_json(f, base + f->offset, &skip);
        if (skip) continue;
        if (!item || !cJSON_AddItemToObject(obj, f->name, item)) {
            cJSON_Delete(item);
            return false;
        }
    }
    return true;
}

cJSON *plan_tree_create(const plan *p)
{
    const char *base = (const char *)p;
    cJSON *root = cJSON_CreateObject();
    if (!root || !struct_to_json(&plan_sections[0], base, -1, root)) goto fail;
    for (int i = 1; i < plan_section_count; ++i) {
        const plan_section *s = &plan_sections[i];
        cJSON *node = s->item_size ? cJSON_CreateArray() : cJSON_CreateObject();
        if (!node || !cJSON_AddItemToObject(root, s->name, node)) {
            cJSON_Delete(node);
            goto fail;
        }
        if (!s->item_size) {
            if (!struct_to_json(s, base + s->offset, -1, node)) goto fail;
            continue;
        }
        int count = *(const int *)(base + s->count_offset);
        for (int k = 0; k < count && k < s->max_count; ++k) {
            const char *entry = base + s->offset + (size_t)k * s->item_size;
            int variant =
                s->variant_field >= 0 ? *(const int *)(entry + s->fields[s->variant_field].offset) : -1;
            cJSON *obj = cJSON_CreateObject();
            if (!obj || !cJSON_AddItemToArray(node, obj)) {
                cJSON_Delete(obj);
                goto fail;
            }
            if (!struct_to_json(s, entry, variant, obj)) goto fail;
        }
    }
    return root;
fail:
    cJSON_Delete(root);
    return NULL;
}

/* ---- tree -> struct ---- */

static bool type_issue(const char *path, const char *expected, const cJSON *got, plan_issue *issue)
{
    char value[96];
    plan_json_describe(got, value, sizeof value);
    return plan_issue_set(issue, path, "must be %s, got %s", expected, value);
}

static bool one_of_issue(const char *path, const char *names, const cJSON *got, plan_issue *issue)
{
    char value[96];
    plan_json_describe(got, value, sizeof value);
    return plan_issue_set(issue, path, "must be one of %s, got %s", names, value);
}

/* A JSON number that is a whole number, as text, so that `"norwood": 3` reads as "3". */
static const char *name_of(const cJSON *v, char *buf, size_t size)
{
    if (cJSON_IsString(v)) return v->valuestring;
    if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) && fabs(v->valuedouble) < 1e9) {
        snprintf(buf, size, "%.0f", v->valuedouble);
        return buf;
    }
    return NULL;
}

/* head.landmarks: null, or an object of exactly the three keys, each [x, y, z] in the mesh file's units. */
static bool landmarks_from_json(const cJSON *v, plan_scan_landmarks *out, const char *path, plan_issue *issue)
{
    plan_scan_landmarks l = {0};
    if (cJSON_IsNull(v)) {
        *out = l;
        return true;
    }
    if (!cJSON_IsObject(v))
        return type_issue(path,
                          "null or an object {\"nasion\": [x, y, z], \"tragus_left\": [x, y, z], "
                          "\"tragus_right\": [x, y, z]}",
                          v, issue);
    double *points[3] = {l.nasion, l.tragus_left, l.tragus_right};
    char kpath[sizeof issue->path];
    for (const cJSON *c = v->child; c; c = c->next) {
        int k = 0;
        while (k < 3 && strcmp(c->string, landmark_keys[k]) != 0)
            ++k;
        if (k == 3)
            return plan_issue_set(issue, "",
                                  "unknown field '%s.%s' (landmarks has: nasion, tragus_left, "
                                  "tragus_right)",
                                  path, c->string);
    }
    for (int k = 0; k < 3; ++k) {
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(v, landmark_keys[k]);
        snprintf(kpath, sizeof kpath, "%s.%s", path, landmark_keys[k]);
        if (!p) return plan_issue_set(issue, path, "missing field '%s'", landmark_keys[k]);
        bool ok = cJSON_IsArray(p) && cJSON_GetArraySize(p) == 3;
        for (int i = 0; ok && i < 3; ++i) {
            const cJSON *x = cJSON_GetArrayItem(p, i);
            ok = cJSON_IsNumber(x) && fabs(x->valuedouble) <= LANDMARK_MAX;
            if (ok) points[k][i] = x->valuedouble;
        }
        if (!ok)
            return type_issue(kpath, "[x, y, z]: 3 numbers in the mesh file's coordinates, each within 1e6",
                              p, issue);
    }
    l.given = true;
    *out = l;
    return true;
}

static bool field_from_json(const plan_field *f, const cJSON *v, char *dst, const char *path,
                            plan_issue *issue)
{
    char list[160], tmp[32];
    switch (f->kind) {
    case PLAN_FIELD_NUMBER:
        if (!cJSON_IsNumber(v)) return type_issue(path, "a number", v, issue);
        if (!in_range(f, v->valuedouble)) return range_issue(f, path, v->valuedouble, issue);
        *(double *)dst = v->valuedouble;
        return true;
    case PLAN_FIELD_NUMBER_OR_NULL:
    case PLAN_FIELD_NUMBER_OR_NONE:
        if (cJSON_IsNull(v)) {
            *(double *)dst = f->kind == PLAN_FIELD_NUMBER_OR_NULL ? 0.0 : PLAN_NONE;
            return true;
        }
        if (!cJSON_IsNumber(v)) return type_issue(path, "a number or null", v, issue);
        if (!in_range(f, v->valuedouble)) return range_issue(f, path, v->valuedouble, issue);
        *(double *)dst = v->valuedouble;
        return true;
    case PLAN_FIELD_INT:
    case PLAN_FIELD_SEED:
        if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble))
            return type_issue(path, "an integer", v, issue);
        if (!in_range(f, v->valuedouble)) return range_issue(f, path, v->valuedouble, issue);
        if (f->kind == PLAN_FIELD_INT)
            *(int *)dst = (int)v->valuedouble;
        else
            *(uint64_t *)dst = (uint64_t)v->valuedouble;
        return true;
    case PLAN_FIELD_BOOL:
        if (!cJSON_IsBool(v)) return type_issue(path, "true or false", v, issue);
        *(bool *)dst = cJSON_IsTrue(v);
        return true;
    case PLAN_FIELD_ENUM: {
        const char *name = name_of(v, tmp, sizeof tmp);
        int index = name ? enum_lookup(f->names, name) : -1;
        if (index < 0) {
            enum_name_list(f->names, list, sizeof list);
            return one_of_issue(path, list, v, issue);
        }
        *(int *)dst = index;
        return true;
    }
    case PLAN_FIELD_PATTERN: {
        plan_pattern pattern = PLAN_PATTERN_NONE;
        const char *name = name_of(v, tmp, sizeof tmp);
        if (!cJSON_IsNull(v) && !(name && plan_pattern_from_name(name, f->ludwig, &pattern))) {
            pattern_name_list(f->ludwig, list, sizeof list);
            return one_of_issue(path, list, v, issue);
        }
        *(plan_pattern *)dst = pattern;
        return true;
    }
    case PLAN_FIELD_COLOR: {
        const char *s = cJSON_IsString(v) ? v->valuestring : "";
        bool ok = strlen(s) == 7 && s[0] == '#';
        for (int i = 1; ok && i < 7; ++i)
            ok = hex_digit(s[i]) >= 0;
        if (!ok) return type_issue(path, "a colour \"#rrggbb\"", v, issue);
        for (int i = 0; i < 3; ++i)
            ((unsigned char *)dst)[i] =
                (unsigned char)(hex_digit(s[1 + 2 * i]) * 16 + hex_digit(s[2 + 2 * i]));
        return true;
    }
    case PLAN_FIELD_PATH:
        if (cJSON_IsNull(v)) {
            dst[0] = '\0';
            return true;
        }
        if (!cJSON_IsString(v)) return type_issue(path, "a file path (a string) or null", v, issue);
        if (strlen(v->valuestring) >= PLAN_PATH_MAX)
            return plan_issue_set(issue, path, "must be shorter than %d characters", PLAN_PATH_MAX);
        snprintf(dst, PLAN_PATH_MAX, "%s", v->valuestring);
        return true;
    case PLAN_FIELD_ENUM_OR_NULL: {
        if (cJSON_IsNull(v)) {
            *(int *)dst = 0;
            return true;
        }
        const char *name = name_of(v, tmp, sizeof tmp);
        int index = name ? enum_lookup(f->names + 1, name) : -1;
        if (index < 0) {
            enum_name_list(f->names + 1, list, sizeof list);
            append(list, sizeof list, " or null");
            return one_of_issue(path, list, v, issue);
        }
        *(int *)dst = index + 1;
        return true;
    }
    case PLAN_FIELD_LANDMARKS:
        return landmarks_from_json(v, (plan_scan_landmarks *)dst, path, issue);
    }
    return false;
}

static void join_path(char *out, size_t size, const char *parent, const char *key)
{
    snprintf(out, size, "%s%s%s", parent, parent[0] ? "." : "", key);
}

/* Reads the fields of one object into the struct at base. Keys outside the table were dealt with when
 * the patch was checked; keys of the other scar type are left over from a type change and ignored. */
static bool struct_from_json(const plan_section *s, const cJSON *obj, char *base, const char *path,
                             plan_issue *issue)
{
    char fpath[sizeof issue->path];
    if (!cJSON_IsObject(obj)) return type_issue(path, "an object", obj, issue);
    int variant = -1;
    if (s->variant_field >= 0) {
        const plan_field *f = &s->fields[s->variant_field];
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, f->name);
        join_path(fpath, sizeof fpath, path, f->name);
        if (!v) return plan_issue_set(issue, path, "missing field '%s'", f->name);
        if (!field_from_json(f, v, base + f->offset, fpath, issue)) return false;
        variant = *(const int *)(base + f->offset);
    }
    const char *pattern_keys[2] = {NULL, NULL};
    int patterns = 0;
    for (int i = 0; i < s->field_count; ++i) {
        const plan_field *f = &s->fields[i];
        if (!field_in_variant(f, variant) || i == s->variant_field) continue;
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, f->name);
        if (f->kind == PLAN_FIELD_PATTERN) {
            /* Absent norwood and ludwig leave PLAN_PATTERN_NONE; both at once are ambiguous. */
            if (!v) continue;
            pattern_keys[patterns++] = f->name;
        }
        if (!v && f->optional) continue;
        if (!v) return plan_issue_set(issue, path, "missing field '%s'", f->name);
        join_path(fpath, sizeof fpath, path, f->name);
        if (!field_from_json(f, v, base + f->offset, fpath, issue)) return false;
    }
    if (patterns == 2)
        return plan_issue_set(issue, path, "give either '%s' or '%s', not both", pattern_keys[0],
                              pattern_keys[1]);
    return true;
}

bool plan_tree_read(const cJSON *tree, plan *out, plan_issue *issue)
{
    plan p;
    memset(&p, 0, sizeof p);
    char *base = (char *)&p;
    if (!struct_from_json(&plan_sections[0], tree, base, "", issue)) return false;
    for (int i = 1; i < plan_section_count; ++i) {
        const plan_section *s = &plan_sections[i];
        const cJSON *node = cJSON_GetObjectItemCaseSensitive(tree, s->name);
        if (!node) return plan_issue_set(issue, "", "missing field '%s'", s->name);
        if (!s->item_size) {
            if (!struct_from_json(s, node, base + s->offset, s->name, issue)) return false;
            continue;
        }
        if (!cJSON_IsArray(node)) return type_issue(s->name, "a list", node, issue);
        int count = cJSON_GetArraySize(node);
        if (count > s->max_count)
            return plan_issue_set(issue, s->name, "must have at most %d entries, got %d", s->max_count,
                                  count);
        *(int *)(base + s->count_offset) = count;
        int k = 0;
        for (const cJSON *entry = node->child; entry; entry = entry->next, ++k) {
            char epath[64];
            snprintf(epath, sizeof epath, "%s[%d]", s->name, k);
            if (!struct_from_json(s, entry, base + s->offset + (size_t)k * s->item_size, epath, issue))
                return false;
        }
    }
    if (!plan_check(&p, issue)) return false;
    *out = p;
    return true;
}

/* ---- checks on a struct ---- */

static bool field_check(const plan_field *f, const char *src, const char *path, plan_issue *issue)
{
    char list[160];
    switch (f->kind) {
    case PLAN_FIELD_NUMBER: {
        double v = *(const double *)src;
        return in_range(f, v) || range_issue(f, path, v, issue);
    }
    case PLAN_FIELD_NUMBER_OR_NULL: {
        double v = *(const double *)src;
        return v == 0.0 || in_range(f, v) || range_issue(f, path, v, issue);
    }
    case PLAN_FIELD_NUMBER_OR_NONE: {
        double v = *(const double *)src;
        return v == PLAN_NONE || in_range(f, v) || range_issue(f, path, v, issue);
    }
    case PLAN_FIELD_INT: {
        int v = *(const int *)src;
        return in_range(f, v) || range_issue(f, path, v, issue);
    }
    case PLAN_FIELD_SEED: {
        /* Compared as integers: 2^53 + 1 would round to 2^53 as a double and pass. */
        uint64_t v = *(const uint64_t *)src;
        if (v <= (uint64_t)f->max) return true;
        return plan_issue_set(issue, path, "must be an integer between 0 and %.0f, got %llu", f->max,
                              (unsigned long long)v);
    }
    case PLAN_FIELD_ENUM: {
        int v = *(const int *)src, n = 0;
        while (f->names[n])
            ++n;
        if (v >= 0 && v < n) return true;
        enum_name_list(f->names, list, sizeof list);
        return plan_issue_set(issue, path, "must be one of %s, got %d", list, v);
    }
    case PLAN_FIELD_PATTERN: {
        int v = *(const int *)src;
        if (f->ludwig || (v >= PLAN_PATTERN_NONE && v < PLAN_PATTERN_COUNT)) return true;
        return plan_issue_set(issue, path, "must be a Norwood or Ludwig class (plan_pattern), got %d", v);
    }
    case PLAN_FIELD_PATH:
        return memchr(src, '\0', PLAN_PATH_MAX) ||
               plan_issue_set(issue, path, "must be shorter than %d characters", PLAN_PATH_MAX);
    case PLAN_FIELD_ENUM_OR_NULL: {
        int v = *(const int *)src, n = 0;
        while (f->names[n])
            ++n;
        if (v >= 0 && v < n) return true;
        enum_name_list(f->names + 1, list, sizeof list);
        return plan_issue_set(issue, path, "must be one of %s or null, got %d", list, v);
    }
    case PLAN_FIELD_LANDMARKS: {
        const plan_scan_landmarks *l = (const plan_scan_landmarks *)src;
        const double *points[3] = {l->nasion, l->tragus_left, l->tragus_right};
        for (int k = 0; l->given && k < 3; ++k)
            for (int i = 0; i < 3; ++i)
                if (!(fabs(points[k][i]) <= LANDMARK_MAX))
                    return plan_issue_set(issue, path, "%s[%d] must be a number within 1e6, got %g",
                                          landmark_keys[k], i, points[k][i]);
        return true;
    }
    case PLAN_FIELD_BOOL:
    case PLAN_FIELD_COLOR:
        return true;
    }
    return true;
}

static bool struct_check(const plan_section *s, const char *base, const char *prev, const char *path,
                         plan_issue *issue)
{
    char fpath[sizeof issue->path];
    int variant = s->variant_field >= 0 ? *(const int *)(base + s->fields[s->variant_field].offset) : -1;
    for (int i = 0; i < s->field_count; ++i) {
        const plan_field *f = &s->fields[i];
        if (!field_in_variant(f, variant)) continue;
        join_path(fpath, sizeof fpath, path, f->name);
        if (!field_check(f, base + f->offset, fpath, issue)) return false;
        if (!f->increasing || !prev) continue;
        double v = *(const double *)(base + f->offset), before = *(const double *)(prev + f->offset);
        if (v > before) continue;
        char a[64], b[64];
        plan_number_format(v, a, sizeof a);
        plan_number_format(before, b, sizeof b);
        /* Days and years run later; anything else (a control point's lateral_cm) runs further. */
        bool time = strcmp(f->unit, "days") == 0 || strcmp(f->unit, "years") == 0;
        return plan_issue_set(issue, fpath, "must be %s than the entry before (%s %s), got %s",
                              time ? "later" : "greater", b, f->unit, a);
    }
    return true;
}

/* The progression against the patient as today: the later class on the same scale (Norwood with Norwood,
 * Ludwig with Ludwig; a patient without loss may go to either) and not an earlier class (hair that is lost
 * does not come back: the enum runs 1, 2, 2A, 3, ... 7 and I, II, III); the grey share not below today's. */
static bool progression_check(const plan *p, plan_issue *issue)
{
    const plan_progression *g = &p->progression;
    plan_pattern now = p->patient.pattern, later = g->pattern;
    if (later != PLAN_PATTERN_NONE && now != PLAN_PATTERN_NONE) {
        bool ludwig = plan_pattern_is_ludwig(later), ludwig_now = plan_pattern_is_ludwig(now);
        const char *path = ludwig ? "progression.ludwig" : "progression.norwood";
        const char *key_now = ludwig_now ? "ludwig" : "norwood";
        if (ludwig != ludwig_now)
            return plan_issue_set(issue, path,
                                  "must be on the patient's scale (patient.%s is \"%s\": give "
                                  "progression.%s), got \"%s\"",
                                  key_now, plan_pattern_name(now), key_now, plan_pattern_name(later));
        if (later < now)
            return plan_issue_set(issue, path, "must be patient.%s (\"%s\") or a later class, got \"%s\"",
                                  key_now, plan_pattern_name(now), plan_pattern_name(later));
    }
    if (g->grey_fraction != PLAN_NONE && g->grey_fraction < p->patient.grey_fraction) {
        char now_s[64], got[64];
        plan_number_format(p->patient.grey_fraction, now_s, sizeof now_s);
        plan_number_format(g->grey_fraction, got, sizeof got);
        return plan_issue_set(issue, "progression.grey_fraction",
                              "must be at least patient.grey_fraction (%s) or null, got %s", now_s, got);
    }
    return true;
}

bool plan_check(const plan *p, plan_issue *issue)
{
    const char *base = (const char *)p;
    /* Days count from the first session (plan.h), so the first one is day 0 by definition; checked first
     * because moving it is the likelier mistake than the order of the others. */
    if (p->session_count > 0 && p->session_count <= PLAN_MAX_SESSIONS && p->sessions[0].day != 0) {
        char got[64];
        plan_number_format(p->sessions[0].day, got, sizeof got);
        return plan_issue_set(issue, "sessions[0].day",
                              "must be 0 (days count from the first session), got %s", got);
    }
    for (int i = 0; i < plan_section_count; ++i) {
        const plan_section *s = &plan_sections[i];
        if (!s->item_size) {
            if (!struct_check(s, base + s->offset, NULL, s->name, issue)) return false;
            continue;
        }
        int count = *(const int *)(base + s->count_offset);
        if (count < 0 || count > s->max_count)
            return plan_issue_set(issue, s->name, "must have at most %d entries, got %d", s->max_count,
                                  count);
        for (int k = 0; k < count; ++k) {
            char epath[64];
            snprintf(epath, sizeof epath, "%s[%d]", s->name, k);
            const char *entry = base + s->offset + (size_t)k * s->item_size;
            if (!struct_check(s, entry, k ? entry - s->item_size : NULL, epath, issue)) return false;
        }
    }
    /* Rules across fields, once every field is in range. A curve needs two points: one alone would be a
     * level line the doctor did not draw. */
    if (p->hairline.point_count == 1)
        return plan_issue_set(issue, "hairline_points",
                              "must have no entries or at least 2 (a curve through them), got 1");
    if (p->clusters.double_fraction + p->clusters.triple_fraction > 1.0) {
        char d[64], t[64];
        plan_number_format(p->clusters.double_fraction, d, sizeof d);
        plan_number_format(p->clusters.triple_fraction, t, sizeof t);
        return plan_issue_set(issue, "clusters.triple_fraction",
                              "must be at most 1 - clusters.double_fraction (%s), got %s", d, t);
    }
    return progression_check(p, issue);
}

/* ---- comparison ---- */

static bool field_equal(const plan_field *f, const char *a, const char *b)
{
    switch (f->kind) {
    case PLAN_FIELD_NUMBER:
    case PLAN_FIELD_NUMBER_OR_NULL:
    case PLAN_FIELD_NUMBER_OR_NONE:
        return *(const double *)a == *(const double *)b;
    case PLAN_FIELD_SEED:
        return *(const uint64_t *)a == *(const uint64_t *)b;
    case PLAN_FIELD_BOOL:
        return *(const bool *)a == *(const bool *)b;
    case PLAN_FIELD_COLOR:
        return memcmp(a, b, 3) == 0;
    case PLAN_FIELD_PATH:
        return strncmp(a, b, PLAN_PATH_MAX) == 0;
    case PLAN_FIELD_INT:
    case PLAN_FIELD_ENUM:
    case PLAN_FIELD_ENUM_OR_NULL:
    case PLAN_FIELD_PATTERN:
        return *(const int *)a == *(const int *)b;
    case PLAN_FIELD_LANDMARKS: {
        const plan_scan_landmarks *la = (const plan_scan_landmarks *)a, *lb = (const plan_scan_landmarks *)b;
        if (la->given != lb->given) return false;
        if (!la->given) return true;
        for (int i = 0; i < 3; ++i)
            if (la->nasion[i] != lb->nasion[i] || la->tragus_left[i] != lb->tragus_left[i] ||
                la->tragus_right[i] != lb->tragus_right[i])
                return false;
        return true;
    }
    }
    return false;
}

static bool struct_equal(const plan_section *s, const char *a, const char *b)
{
    int variant = s->variant_field >= 0 ? *(const int *)(a + s->fields[s->variant_field].offset) : -1;
    for (int i = 0; i < s->field_count; ++i) {
        const plan_field *f = &s->fields[i];
        if (field_in_variant(f, variant) && !field_equal(f, a + f->offset, b + f->offset)) return false;
    }
    return true;
}

bool plan_equal(const plan *a, const plan *b)
{
    const char *pa = (const char *)a, *pb = (const char *)b;
    for (int i = 0; i < plan_section_count; ++i) {
        const plan_section *s = &plan_sections[i];
        if (!s->item_size) {
            if (!struct_equal(s, pa + s->offset, pb + s->offset)) return false;
            continue;
        }
        int count = *(const int *)(pa + s->count_offset);
        if (count != *(const int *)(pb + s->count_offset)) return false;
        for (int k = 0; k < count && k < s->max_count; ++k) {
            size_t at = s->offset + (size_t)k * s->item_size;
            if (!struct_equal(s, pa + at, pb + at)) return false;
        }
    }
    return true;
}
