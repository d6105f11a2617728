/* plan internals: the field table that drives conversion, validation and printing of a plan, the field
 * paths of --set ("sessions[1].shade") and the one-line issues that become error messages.
 * Private to src/plan/ (and its tests); other modules use plan.h only.
 */
#ifndef SMP_PLAN_INTERNAL_H
#define SMP_PLAN_INTERNAL_H

#include "plan/plan.h"

#include <cjson/cJSON.h>

typedef enum plan_field_kind {
    PLAN_FIELD_NUMBER,         /* double, checked against [min, max] */
    PLAN_FIELD_NUMBER_OR_NULL, /* double in [min, max], or JSON null stored as 0 (min > 0 keeps 0 free) */
    PLAN_FIELD_NUMBER_OR_NONE, /* double in [min, max] (min >= 0), or JSON null stored as PLAN_NONE */
    PLAN_FIELD_INT,            /* int, integral JSON number in [min, max] */
    PLAN_FIELD_SEED,           /* uint64_t, integral JSON number in [0, 2^53] (exact in a double) */
    PLAN_FIELD_BOOL,           /* bool */
    PLAN_FIELD_ENUM,           /* int-sized enum, a JSON string from names[] (index = enum value) */
    PLAN_FIELD_PATTERN,        /* plan_pattern from "norwood" or "ludwig"; null means PLAN_PATTERN_NONE */
    PLAN_FIELD_COLOR,          /* unsigned char[3] from "#rrggbb" */
    PLAN_FIELD_PATH,           /* char[PLAN_PATH_MAX]; null or "" means none */
    PLAN_FIELD_ENUM_OR_NULL,   /* int-sized enum: JSON null is 0, a string from names[1..] the others */
    PLAN_FIELD_LANDMARKS       /* plan_scan_landmarks: null, or {"nasion": [x,y,z], "tragus_left": ..,
                                  "tragus_right": ..} */
} plan_field_kind;

typedef struct plan_field {
    const char *name; /* the JSON key */
    plan_field_kind kind;
    size_t offset;            /* within the section's struct */
    double min, max;          /* NUMBER, NUMBER_OR_NULL, INT, SEED */
    const char *unit;         /* for messages: "mm"; "" for none */
    const char *const *names; /* ENUM: NULL-terminated, in enum order */
    int variant;              /* fields that apply to one scar type only: that type; -1 for all */
    bool ludwig;              /* PATTERN: the "ludwig" key (else "norwood") */
    bool increasing;          /* array fields whose values must strictly increase entry by entry */
    bool optional;            /* may be absent from a list entry: then 0 (an enum's first name) */
} plan_field;

typedef struct plan_section {
    const char *name; /* JSON key; "" for the root fields (version, seed) */
    const char *item; /* arrays: one entry in messages ("session") */
    const plan_field *fields;
    int field_count;
    size_t offset;       /* of the struct, or of the first array entry, within plan */
    size_t item_size;    /* arrays: sizeof one entry; 0 for an object */
    size_t count_offset; /* arrays: of the int count within plan */
    int max_count;       /* arrays */
    int variant_field;   /* index of the field whose value selects a variant (scar "type"); -1 */
} plan_section;

extern const plan_section plan_sections[];
extern const int plan_section_count;

/* A problem found in a plan: the field path ("sessions[1].shade", "" for the whole plan) and what was
 * wrong ("must be between 0 and 1, got 2"). The loader adds the source in front. */
typedef struct plan_issue {
    char path[160];
    char what[400];
} plan_issue;

/* A parsed field path: keys and indices. */
#define PLAN_PATH_PARTS 8
typedef struct plan_path {
    int count;
    struct {
        char key[48]; /* empty for an index */
        int index;    /* -1 for a key */
    } parts[PLAN_PATH_PARTS];
} plan_path;

/* Table look-ups; NULL when absent. plan_section_find("") gives the root fields. */
const plan_section *plan_section_find(const char *name);
const plan_field *plan_field_find(const plan_section *section, const char *name, int variant);
/* The variant an array entry selects (its scar type), or -1 when absent or not recognised. */
int plan_entry_variant(const plan_section *section, const cJSON *entry);
/* Lists the keys of a section (of one variant, -1 for all) for messages: "shade, depth_mm, ...". */
void plan_field_list(const plan_section *section, int variant, char *buf, size_t size);
/* Lists the root keys: "version, seed, head, ...". */
void plan_root_key_list(char *buf, size_t size);

/* Formats issue->what from a printf format; sets issue->path; returns false so callers can
 * `return plan_issue_set(...)`. */
bool plan_issue_set(plan_issue *issue, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Shortest text that reads back as the same double ("0.1", "57", "1.0000000000000002"). */
void plan_number_format(double value, char *buf, size_t size);
/* A JSON value for "got ...": numbers as above, strings quoted, long values cut with "...". */
void plan_json_describe(const cJSON *value, char *buf, size_t size);

/* Builds the JSON tree of p (every field, in table order); NULL when out of memory. */
cJSON *plan_tree_create(const plan *p);
/* Converts a merged tree into out, checking types, enum names and numeric ranges. */
bool plan_tree_read(const cJSON *tree, plan *out, plan_issue *issue);
/* Checks a plan struct: ranges, counts and the order of sessions and touch-ups. */
bool plan_check(const plan *p, plan_issue *issue);

/* Parses "pigment.depth_mm" or "sessions[1].shade"; false when malformed. */
bool plan_path_parse(const char *text, size_t length, plan_path *out);
/* Checks the keys of a patch (a file's root object, or an override's value at path) against the
 * table. Unknown keys: with on_warning, reported as "<source>: unknown field 'x' ignored" and
 * removed; without, an issue. Keys given twice are always an issue. */
bool plan_patch_check(cJSON *patch, const plan_path *at, const char *source, smp_log_fn on_warning,
                      void *warning_user, plan_issue *issue);
/* Merges patch into base: objects key by key, everything else replaces. Giving one of two exclusive
 * keys ("ludwig") removes the other ("norwood") unless the patch gives both. False when out of memory. */
bool plan_tree_merge(cJSON *base, const cJSON *patch, const plan_section *section);
/* Applies one "PATH=VALUE" override to tree; parsed_path receives the path for blame. */
smp_status plan_override_apply(cJSON *tree, const char *text, plan_path *parsed_path, plan_issue *issue);

#endif
