/* The plan's public face: the default plan, pattern names, loading (defaults <- file <- --set, then one
 * check), saving. The field table and the checks live in plan_schema.c, paths and merges in plan_path.c. */
#include "plan/plan_internal.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* DESIGN.md's example plan, scars included: the default shows every feature of the simulator (a FUT
 * strip scar and FUE dots under SMP) rather than the easiest case. --set 'scars=[]' removes them. */
void plan_init_default(plan *p)
{
    memset(p, 0, sizeof *p);
    p->version = 1;
    p->seed = 1;
    p->head.circumference_cm = 57;
    p->head.length_cm = 19.5;
    p->head.breadth_cm = 15.5;
    /* A photo from overhead at half a metre with a phone's main camera (its vertical field in portrait). */
    p->head.photo_elevation_deg = 90.0;
    p->head.photo_distance_m = 0.5;
    p->head.photo_fov_deg = 45.0;
    p->patient.fitzpatrick = 3;
    p->patient.hair_color_srgb8[0] = 0x2b;
    p->patient.hair_color_srgb8[1] = 0x1e;
    p->patient.hair_color_srgb8[2] = 0x16;
    p->patient.grey_fraction = 0.0;
    p->patient.hair_length_mm = 0.5;
    p->patient.pattern = PLAN_PATTERN_NORWOOD_6;
    p->patient.sex = PLAN_SEX_MALE;
    /* The patient as today: no further loss, no greying. 10 years is the horizon a consultation looks at. */
    p->progression = (plan_progression){.pattern = PLAN_PATTERN_NONE,
                                        .years = 10,
                                        .grey_fraction = PLAN_NONE,
                                        .grey_years = 10,
                                        .treat_future_area = false};
    p->hairline.style = PLAN_HAIRLINE_SOFT;
    p->hairline.height_cm = 8;
    p->hairline.transition_mm = 8;
    p->hairline.temple_height_cm = 8; /* Garg & Garg: 8 cm above the lateral canthus */
    p->zones =
        (plan_zones){.front = 1, .mid_scalp = 1, .crown = 1, .temples = 1, .sides = 1, .transition_mm = 20};
    /* Single dots by default (today's look); follicular-unit clusters are a choice of technique. */
    p->clusters = (plan_clusters){.double_fraction = 0, .triple_fraction = 0, .spacing_mm = 0.45};
    /* DESIGN.md's example has 0.7; 0.58 is `smpsim match`'s shade for this patient on the optics of
     * 2026-12 (docs/optics-model.md 8.5): at 0.7 the treated scalp read 0.6 L* darker than the patient's own
     * #0 stubble. */
    p->pigment.shade = 0.58;
    p->pigment.depth_mm = 0.4;
    p->pigment.needle = PLAN_NEEDLE_1RL;
    /* #12, a common SMP gauge. #10 (0.30 mm) matched the stubble until the stubble's shade on the skin
     * (scalp/hair_layer.h) made the stubble 2 L* darker; at #10 the built-in plan then reads 1.7 L* too light
     * even at the largest shades (docs/optics-model.md 8.3). */
    p->pigment.pin_diameter_mm = 0.35;
    /* Not given: the deposit is as wide as the needle makes it. DESIGN.md's example gives 0.15 mm, the dot as
     * clinics see it healed; that is the look of a deposit, not its width (DESIGN.md, "The ink deposit"). */
    p->pigment.dot_diameter_mm = 0;
    p->pigment.ink_quality = PLAN_INK_MEDICAL;
    static const plan_session sessions[] = {{0, 30, 0.6}, {14, 40, 0.75}, {35, 30, 0.8}};
    p->session_count = 3;
    memcpy(p->sessions, sessions, sizeof sessions);
    p->scar_count = 2;
    p->scars[0].type = PLAN_SCAR_FUT;
    p->scars[0].length_cm = 20;
    p->scars[0].width_mm = 2;
    p->scars[0].depth_mm = 0.4;
    p->scars[0].height_above_nape_cm = 6;
    p->scars[1].type = PLAN_SCAR_FUE;
    p->scars[1].count = 1500;
    p->scars[1].diameter_mm = 0.9;
    p->scars[1].depth_mm = 0.15;
    p->aftercare.sun_hours_per_day = 1.0;
    p->aftercare.spf = 30;
    p->touch_up_count = 1;
    p->touch_ups[0].year = 4;
    p->touch_ups[0].density_per_cm2 = 10;
    p->touch_ups[0].shade = 0.8;
    /* The fading model's central values; docs/model.md "Healing and fading" gives each one's source or says
     * that it is an assumption, with the range its uncertainty band spans. */
    p->fading = (plan_fading){
        .early_loss = 0.33,
        .scab_share = 0.5,
        .surface_excess = 0.6,
        .fresh_width = 1.6,
        .mobile_fraction = 0.3,
        .mobile_years = 1.5,
        .fixed_years = 24.0,
        .sun_factor = 0.3,
        .sunscreen_efficacy = 0.33,
        .hat_transmission = 0.3,
        .alcohol_factor = 1.3,
        .wet_early_loss = 0.1,
        .spread_mm2_per_year = 0.004,
        .sink_mm_per_year = 0.005,
        .redness = 2.0,
        .touch_up_fraction = 0.75,
    };
}

static const char *const pattern_names[PLAN_PATTERN_COUNT] = {
    "none", "1", "2", "2A", "3", "3A", "3V", "4", "4A", "5", "5A", "5V", "6", "7", "I", "II", "III",
};

const char *plan_pattern_name(plan_pattern pattern)
{
    return (int)pattern >= 0 && pattern < PLAN_PATTERN_COUNT ? pattern_names[pattern] : NULL;
}

bool plan_pattern_is_ludwig(plan_pattern pattern)
{
    return pattern >= PLAN_PATTERN_LUDWIG_I && pattern <= PLAN_PATTERN_LUDWIG_III;
}

bool plan_pattern_from_name(const char *name, bool ludwig, plan_pattern *out)
{
    for (int i = PLAN_PATTERN_NONE + 1; i < PLAN_PATTERN_COUNT; ++i) {
        if (plan_pattern_is_ludwig((plan_pattern)i) != ludwig) continue;
        const char *a = pattern_names[i], *b = name;
        /* Case-insensitive: "3v" and "ii" are friendly spellings of "3V" and "II". */
        while (*a && (*a == *b || (*a >= 'A' && *a <= 'Z' && *b == *a - 'A' + 'a')))
            ++a, ++b;
        if (*a == '\0' && *b == '\0') {
            *out = (plan_pattern)i;
            return true;
        }
    }
    return false;
}

double plan_healed_day(const plan *p)
{
    return p->session_count > 0 ? p->sessions[p->session_count - 1].day + 60.0 : 0.0;
}

static smp_status issue_to_error(const char *source, const plan_issue *issue, smp_error *err)
{
    if (!issue->path[0]) return smp_error_set(err, SMP_ERR_INPUT, "%s: %s", source, issue->what);
    return smp_error_set(err, SMP_ERR_INPUT, "%s: %s: %s", source, issue->path, issue->what);
}

smp_status plan_validate(const plan *p, const char *source, smp_error *err)
{
    plan_issue issue;
    if (plan_check(p, &issue)) return SMP_OK;
    if (source && source[0]) return issue_to_error(source, &issue, err);
    return smp_error_set(err, SMP_ERR_INPUT, "%s: %s", issue.path, issue.what);
}

/* ---- loading ---- */

/* One source of values, kept so that a problem found in the merged plan is blamed on the source that
 * last wrote the field. */
typedef struct plan_layer {
    const char *name;  /* the file's path, or the override's text */
    const cJSON *file; /* the file's (checked) tree, or NULL for an override */
    plan_path path;    /* an override's path */
} plan_layer;

static bool parts_equal(const plan_path *a, int i, const plan_path *b, int j)
{
    return a->parts[i].index == b->parts[j].index && strcmp(a->parts[i].key, b->parts[j].key) == 0;
}

/* Whether the layer wrote the value at path: a file wrote it when its tree reaches the path or replaces a
 * list or value on the way (lists replace whole); an override when either path contains the other. */
static bool layer_wrote(const plan_layer *layer, const plan_path *path, bool loosely)
{
    if (loosely) {
        if (path->count == 0) return true;
        if (layer->file) return cJSON_GetObjectItemCaseSensitive(layer->file, path->parts[0].key) != NULL;
        return parts_equal(&layer->path, 0, path, 0);
    }
    if (layer->file) {
        const cJSON *node = layer->file;
        for (int i = 0; i < path->count; ++i) {
            if (!cJSON_IsObject(node) || path->parts[i].index >= 0) return true;
            node = cJSON_GetObjectItemCaseSensitive(node, path->parts[i].key);
            if (!node) return false;
        }
        return true;
    }
    int n = layer->path.count < path->count ? layer->path.count : path->count;
    for (int i = 0; i < n; ++i)
        if (!parts_equal(&layer->path, i, path, i)) return false;
    return true;
}

/* The source to name in an error about path: the last layer that wrote it, else the last that wrote in the
 * same section (an order problem between sessions blames whoever changed the sessions). */
static smp_status blame(const plan_layer *layers, int count, const plan_issue *issue, smp_error *err)
{
    plan_path path;
    if (!plan_path_parse(issue->path, strlen(issue->path), &path)) path.count = 0;
    for (int pass = 0; pass < 2; ++pass) {
        for (int i = count - 1; i >= 0; --i) {
            if (!layer_wrote(&layers[i], &path, pass == 1)) continue;
            if (layers[i].file) return issue_to_error(layers[i].name, issue, err);
            char source[sizeof err->message];
            snprintf(source, sizeof source, "--set %s", layers[i].name);
            return issue_to_error(source, issue, err);
        }
    }
    return issue_to_error("built-in default plan", issue, err);
}

/* "plan.json: line 4, column 12: malformed JSON (near '}')": cJSON reports where it stopped. */
static smp_status parse_error(const char *source, const char *text, const char *at, smp_error *err)
{
    int line = 1, column = 1;
    for (const char *c = text; c < at; ++c) {
        if (*c == '\n') {
            ++line;
            column = 1;
        } else if (((unsigned char)*c & 0xC0) != 0x80) {
            ++column; /* count characters, not UTF-8 continuation bytes */
        }
    }
    if (!*at)
        return smp_error_set(err, SMP_ERR_INPUT,
                             "%s: line %d, column %d: malformed JSON (unexpected end of file)", source, line,
                             column);
    /* Quote the line up to where parsing stopped: cJSON often stops just after the culprit. */
    const char *from = at;
    while (from > text && from[-1] != '\n' && at - from < 24)
        --from;
    from += strspn(from, " \t");
    int n = (int)(at - from) + (*at != '\n' && *at != '\r');
    return smp_error_set(err, SMP_ERR_INPUT, "%s: line %d, column %d: malformed JSON (near '%.*s')", source,
                         line, column, n > 0 ? n : 0, from);
}

/* Reads, parses and checks the file's keys; *out is its tree with unknown keys removed. */
static smp_status file_read(const char *path, smp_log_fn on_warning, void *user, cJSON **out, smp_error *err)
{
    char *text = NULL;
    *out = NULL;
    smp_status status = smp_file_read_max(path, PLAN_FILE_MAX_BYTES, "a plan file", &text, NULL, err);
    if (status != SMP_OK) return status;
    /* An editor's UTF-8 byte order mark is not JSON, but is not the user's mistake either. */
    const char *json = strncmp(text, "\xEF\xBB\xBF", 3) == 0 ? text + 3 : text;
    const char *end = NULL;
    cJSON *tree = cJSON_ParseWithOpts(json, &end, true);
    plan_issue issue;
    const plan_path root = {0};
    char got[96];
    if (!tree) {
        status = parse_error(path, json, end ? end : json, err);
    } else if (!cJSON_IsObject(tree)) {
        plan_json_describe(tree, got, sizeof got);
        status = smp_error_set(err, SMP_ERR_INPUT, "%s: must be a JSON object {...}, got %s", path, got);
    } else if (!cJSON_GetObjectItemCaseSensitive(tree, "version")) {
        status =
            smp_error_set(err, SMP_ERR_INPUT, "%s: version: missing (this program reads version 1)", path);
    } else if (!plan_patch_check(tree, &root, path, on_warning, user, &issue)) {
        status = issue_to_error(path, &issue, err);
    } else {
        *out = tree;
        tree = NULL;
    }
    cJSON_Delete(tree);
    free(text);
    return status;
}

/* ---- head.mesh and head.photo: relative to the plan file ---- */

/* path made absolute (against the working directory) with "." and ".." segments and repeated slashes
 * removed, lexically (symbolic links are not followed: the file need not exist); false when it does not fit.
 */
static bool path_absolute(const char *path, char *out, size_t size)
{
    char joined[2 * PLAN_PATH_MAX + 2];
    if (path[0] == '/') {
        snprintf(joined, sizeof joined, "%s", path);
    } else {
        char cwd[PLAN_PATH_MAX];
        if (!getcwd(cwd, sizeof cwd)) return false;
        snprintf(joined, sizeof joined, "%s/%s", cwd, path);
    }
    size_t n = 0;
    out[0] = '\0';
    for (char *seg = joined; *seg;) {
        size_t len = strcspn(seg, "/");
        if (len == 0 || (len == 1 && seg[0] == '.')) {
        } else if (len == 2 && seg[0] == '.' && seg[1] == '.') {
            while (n > 0 && out[n - 1] != '/')
                --n;
            if (n > 0) --n;
            out[n] = '\0';
        } else {
            if (n + 1 + len + 1 > size) return false;
            out[n++] = '/';
            memcpy(out + n, seg, len);
            n += len;
            out[n] = '\0';
        }
        seg += len;
        if (*seg == '/') ++seg;
    }
    if (n == 0) snprintf(out, size, "/");
    return true;
}

/* The folder part of a file's path, "" when it has none. */
static void path_folder(const char *file, char *out, size_t size)
{
    const char *slash = strrchr(file, '/');
    if (!slash)
        out[0] = '\0';
    else
        snprintf(out, size, "%.*s", (int)(slash == file ? 1 : slash - file), file);
}

/* The plan's paths to other files, all under "head". */
static const char *const path_keys[] = {"mesh", "photo"};

/* A file's head.<key>, relative to the file's folder, rewritten as an absolute path (an absolute one is
 * kept); false when the joined path is too long. */
static bool path_resolve(cJSON *file, const char *file_path, const char *key)
{
    cJSON *head = cJSON_GetObjectItemCaseSensitive(file, "head");
    cJSON *mesh = cJSON_IsObject(head) ? cJSON_GetObjectItemCaseSensitive(head, key) : NULL;
    if (!cJSON_IsString(mesh) || !mesh->valuestring[0] || mesh->valuestring[0] == '/') return true;
    char folder[PLAN_PATH_MAX], joined[2 * PLAN_PATH_MAX + 2], absolute[PLAN_PATH_MAX];
    path_folder(file_path, folder, sizeof folder);
    snprintf(joined, sizeof joined, "%s%s%s", folder, folder[0] ? "/" : "", mesh->valuestring);
    if (strlen(joined) >= PLAN_PATH_MAX || !path_absolute(joined, absolute, sizeof absolute)) return false;
    cJSON *resolved = cJSON_CreateString(absolute);
    return resolved && cJSON_ReplaceItemInObjectCaseSensitive(head, key, resolved);
}

/* Unknown keys in a file are warnings; with no listener they are still ignored, quietly. */
static void warning_ignore(void *user, smp_log_level level, const char *message)
{
    (void)user, (void)level, (void)message;
}

smp_status plan_load(plan *p, const char *path, const char *const *overrides, int override_count,
                     smp_log_fn on_warning, void *warning_user, smp_error *err)
{
    assert(p && override_count >= 0 && (overrides || override_count == 0));
    plan defaults, result;
    plan_init_default(&defaults);
    plan_issue issue;
    smp_status status = SMP_OK;
    cJSON *file = NULL, *tree = plan_tree_create(&defaults);
    plan_layer *layers = calloc((size_t)(override_count > 0 ? override_count : 0) + 1, sizeof *layers);
    int layer_count = 0;
    if (!tree || !layers) {
        status = smp_error_set(err, SMP_ERR_NOMEM, "out of memory loading the plan");
        goto done;
    }
    if (path) {
        status = file_read(path, on_warning ? on_warning : warning_ignore, warning_user, &file, err);
        if (status != SMP_OK) goto done;
        for (size_t k = 0; k < sizeof path_keys / sizeof path_keys[0]; ++k)
            if (!path_resolve(file, path, path_keys[k])) {
                status = smp_error_set(err, SMP_ERR_INPUT,
                                       "%s: head.%s: must be shorter than %d characters once "
                                       "joined to the plan file's folder",
                                       path, path_keys[k], PLAN_PATH_MAX);
                goto done;
            }
        if (!plan_tree_merge(tree, file, NULL)) {
            status = smp_error_set(err, SMP_ERR_NOMEM, "%s: out of memory", path);
            goto done;
        }
        layers[layer_count++] = (plan_layer){path, file, {0}};
    }
    for (int i = 0; i < override_count; ++i) {
        plan_layer *layer = &layers[layer_count];
        *layer = (plan_layer){overrides[i], NULL, {0}};
        status = plan_override_apply(tree, overrides[i], &layer->path, &issue);
        if (status != SMP_OK) {
            char source[sizeof err->message];
            snprintf(source, sizeof source, "--set %s", overrides[i]);
            issue_to_error(source, &issue, err);
            if (err) err->status = status;
            goto done;
        }
        ++layer_count;
    }
    if (!plan_tree_read(tree, &result, &issue)) {
        status = blame(layers, layer_count, &issue, err);
        goto done;
    }
    *p = result;
done:
    free(layers);
    cJSON_Delete(file);
    cJSON_Delete(tree);
    return status;
}

/* ---- saving ---- */

/* A leaf: numbers in as few digits as read back exactly (cJSON's printer accepts 15 digits within an
 * epsilon, which loses the last bit), anything else as cJSON writes it (strings escaped). */
static void buffer_add_leaf(smp_buffer *b, const cJSON *leaf)
{
    if (cJSON_IsNumber(leaf)) {
        char number[64];
        if (isfinite(leaf->valuedouble)) plan_number_format(leaf->valuedouble, number, sizeof number);
        smp_buffer_puts(b, isfinite(leaf->valuedouble) ? number : "null");
        return;
    }
    char *text = cJSON_PrintUnformatted(leaf);
    if (!text)
        b->failed = true;
    else
        smp_buffer_puts(b, text);
    cJSON_free(text);
}

/* { "key": value, ... } on one line. */
static void buffer_add_flat_object(smp_buffer *b, const cJSON *obj)
{
    smp_buffer_puts(b, "{");
    for (const cJSON *c = obj->child; c; c = c->next) {
        smp_buffer_puts(b, c == obj->child ? " \"" : ", \"");
        smp_buffer_puts(b, c->string);
        smp_buffer_puts(b, "\": ");
        buffer_add_leaf(b, c);
    }
    smp_buffer_puts(b, obj->child ? " }" : "}");
}

/* The layout of DESIGN.md's example: a line per root key, a section's fields on its line, a line per list
 * entry; easier to read and to diff than one value a line. */
static char *tree_print(const cJSON *tree)
{
    smp_buffer b = {0};
    smp_buffer_puts(&b, "{\n");
    for (const cJSON *c = tree->child; c; c = c->next) {
        smp_buffer_puts(&b, "  \"");
        smp_buffer_puts(&b, c->string);
        smp_buffer_puts(&b, "\": ");
        if (cJSON_IsObject(c)) {
            buffer_add_flat_object(&b, c);
        } else if (cJSON_IsArray(c) && c->child) {
            smp_buffer_puts(&b, "[\n");
            for (const cJSON *e = c->child; e; e = e->next) {
                smp_buffer_puts(&b, "    ");
                if (cJSON_IsObject(e))
                    buffer_add_flat_object(&b, e);
                else
                    buffer_add_leaf(&b, e);
                smp_buffer_puts(&b, e->next ? ",\n" : "\n");
            }
            smp_buffer_puts(&b, "  ]");
        } else {
            buffer_add_leaf(&b, c);
        }
        smp_buffer_puts(&b, c->next ? ",\n" : "\n");
    }
    smp_buffer_puts(&b, "}");
    if (!b.failed) return b.data;
    smp_buffer_deinit(&b);
    return NULL;
}

char *plan_to_json(const plan *p)
{
    cJSON *tree = plan_tree_create(p);
    char *text = tree ? tree_print(tree) : NULL;
    cJSON_Delete(tree);
    return text;
}

/* mesh (relative to the working directory, or absolute) relative to the folder of the file at file_path. */
static bool path_relative(const char *mesh, const char *file_path, char *out, size_t size)
{
    char target[PLAN_PATH_MAX], folder[PLAN_PATH_MAX], from[PLAN_PATH_MAX];
    path_folder(file_path, folder, sizeof folder);
    if (!path_absolute(mesh, target, sizeof target) ||
        !path_absolute(folder[0] ? folder : ".", from, sizeof from))
        return false;
    /* The longest common run of whole segments, then one ".." for each segment of from past it. */
    size_t common = 0, i = 0;
    if (strcmp(from, "/") == 0) from[0] = '\0';
    for (;; ++i) {
        if (from[i] == '\0' && (target[i] == '/' || target[i] == '\0')) {
            common = i;
            break;
        }
        if (from[i] != target[i]) break;
        if (from[i] == '/') common = i;
    }
    out[0] = '\0';
    for (size_t k = common; from[k]; ++k)
        if (from[k] == '/' && strlen(out) + 3 < size) strcat(out, "../");
    const char *rest = target + common + (target[common] == '/');
    if (strlen(out) + strlen(rest) + 1 > size) return false;
    strcat(out, rest);
    return out[0] != '\0';
}

smp_status plan_save(const plan *p, const char *path, smp_error *err)
{
    assert(p && path);
    /* A plan that would not load back is not written. */
    smp_status status = plan_validate(p, path, err);
    if (status != SMP_OK) return status;
    plan relative = *p;
    const char *given[] = {p->head.mesh, p->head.photo};
    char *written[] = {relative.head.mesh, relative.head.photo};
    _Static_assert(sizeof given / sizeof given[0] == sizeof path_keys / sizeof path_keys[0], "one per key");
    for (size_t k = 0; k < sizeof path_keys / sizeof path_keys[0]; ++k)
        if (given[k][0] && !path_relative(given[k], path, written[k], PLAN_PATH_MAX))
            return smp_error_set(err, SMP_ERR_INPUT,
                                 "%s: head.%s: \"%s\" cannot be written relative to the plan's "
                                 "folder (path too long)",
                                 path, path_keys[k], given[k]);
    p = &relative;
    char *text = plan_to_json(p);
    if (!text) return smp_error_set(err, SMP_ERR_NOMEM, "%s: out of memory", path);
    size_t n = strlen(text);
    char *line = realloc(text, n + 2);
    if (!line) {
        free(text);
        return smp_error_set(err, SMP_ERR_NOMEM, "%s: out of memory", path);
    }
    line[n] = '\n';
    line[n + 1] = '\0';
    status = smp_file_write_atomic(path, line, n + 1, err);
    free(line);
    return status;
}
