/* Field paths, the layering of plan sources and --set overrides.
 * Layering rule (docs/plan-format.md): objects merge key by key, arrays and scalars replace; a value of
 * the wrong type replaces too and is reported when the merged tree is read. */
#include "plan/plan_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_key_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (!first && c >= '0' && c <= '9');
}

bool plan_path_parse(const char *text, size_t length, plan_path *out)
{
    out->count = 0;
    size_t i = 0;
    while (i < length) {
        size_t start = i;
        while (i < length && is_key_char(text[i], i == start))
            ++i;
        size_t n = i - start;
        if (n == 0 || n >= sizeof out->parts[0].key || out->count == PLAN_PATH_PARTS) return false;
        memcpy(out->parts[out->count].key, text + start, n);
        out->parts[out->count].key[n] = '\0';
        out->parts[out->count++].index = -1;
        while (i < length && text[i] == '[') {
            long index = 0;
            size_t digits = 0;
            for (++i; i < length && text[i] >= '0' && text[i] <= '9' && digits < 6; ++i, ++digits)
                index = index * 10 + (text[i] - '0');
            if (digits == 0 || i >= length || text[i] != ']' || out->count == PLAN_PATH_PARTS) return false;
            ++i;
            out->parts[out->count].key[0] = '\0';
            out->parts[out->count++].index = (int)index;
        }
        if (i == length) break;
        if (text[i] != '.' || ++i == length) return false;
    }
    return true;
}

/* "pigment has: shade, ..." or "a fut scar has: ..." or "a plan has: ...": the keys allowed where an
 * unknown one was found. */
static void allowed_keys_hint(const plan_section *s, int variant, char *buf, size_t size)
{
    char list[300];
    if (!s) {
        plan_root_key_list(list, sizeof list);
        snprintf(buf, size, "a plan has: %s", list);
        return;
    }
    plan_field_list(s, variant, list, sizeof list);
    if (!s->item)
        snprintf(buf, size, "%s has: %s", s->name, list);
    else if (variant >= 0)
        snprintf(buf, size, "a %s %s has: %s", s->fields[s->variant_field].names[variant], s->item, list);
    else
        snprintf(buf, size, "a %s has: %s", s->item, list);
}

typedef struct patch_context {
    const char *source;
    smp_log_fn on_warning; /* NULL: unknown keys are errors */
    void *user;
    plan_issue *issue;
} patch_context;

static bool check_object(cJSON *obj, const plan_section *s, const char *path, const patch_context *ctx);

/* Checks a section's value in a patch: an object's keys, or each entry of a list. Values of the wrong
 * type are left for plan_tree_read to report with their path. */
static bool check_section_value(cJSON *value, const plan_section *s, const char *path,
                                const patch_context *ctx)
{
    if (!s->item_size) return !cJSON_IsObject(value) || check_object(value, s, path, ctx);
    if (!cJSON_IsArray(value)) return true;
    int k = 0;
    for (cJSON *entry = value->child; entry; entry = entry->next, ++k) {
        char epath[96];
        snprintf(epath, sizeof epath, "%s[%d]", path, k);
        if (cJSON_IsObject(entry) && !check_object(entry, s, epath, ctx)) return false;
    }
    return true;
}

/* s is NULL for the plan's root object. */
static bool check_object(cJSON *obj, const plan_section *s, const char *path, const patch_context *ctx)
{
    int variant = s ? plan_entry_variant(s, obj) : -1;
    cJSON *next;
    for (cJSON *child = obj->child; child; child = next) {
        next = child->next;
        char cpath[sizeof ctx->issue->path];
        snprintf(cpath, sizeof cpath, "%s%s%s", path, path[0] ? "." : "", child->string);
        for (const cJSON *later = next; later; later = later->next)
            if (strcmp(later->string, child->string) == 0)
                return plan_issue_set(ctx->issue, cpath, "given twice");
        const plan_section *sub = NULL;
        bool known;
        if (s) {
            known = plan_field_find(s, child->string, variant) != NULL;
        } else {
            sub = child->string[0] ? plan_section_find(child->string) : NULL;
            known = sub || plan_field_find(&plan_sections[0], child->string, -1);
        }
        if (sub && !check_section_value(child, sub, cpath, ctx)) return false;
        if (known) continue;
        if (!ctx->on_warning) {
            char hint[400];
            allowed_keys_hint(s, variant, hint, sizeof hint);
            return plan_issue_set(ctx->issue, "", "unknown field '%s' (%s)", cpath, hint);
        }
        char message[sizeof ctx->issue->what];
        snprintf(message, sizeof message, "%s: unknown field '%s' ignored", ctx->source, cpath);
        ctx->on_warning(ctx->user, SMP_LOG_WARN, message);
        cJSON_Delete(cJSON_DetachItemViaPointer(obj, child));
    }
    return true;
}

bool plan_patch_check(cJSON *patch, const plan_path *at, const char *source, smp_log_fn on_warning,
                      void *warning_user, plan_issue *issue)
{
    patch_context ctx = {source, on_warning, warning_user, issue};
    if (at->count == 0) return !cJSON_IsObject(patch) || check_object(patch, NULL, "", &ctx);
    const plan_section *s = at->parts[0].key[0] ? plan_section_find(at->parts[0].key) : NULL;
    if (!s || at->count > 2) return true; /* a single field: its type is checked on reading */
    char path[96];
    if (at->count == 1) return check_section_value(patch, s, s->name, &ctx);
    if (!s->item_size || at->parts[1].index < 0) return true;
    snprintf(path, sizeof path, "%s[%d]", s->name, at->parts[1].index);
    return !cJSON_IsObject(patch) || check_object(patch, s, path, &ctx);
}

/* The other key of an exclusive pair ("norwood" for "ludwig"), or NULL. */
static const plan_field *exclusive_partner(const plan_section *s, const char *key)
{
    const plan_field *f = s ? plan_field_find(s, key, -1) : NULL;
    if (!f || f->kind != PLAN_FIELD_PATTERN) return NULL;
    for (int i = 0; i < s->field_count; ++i)
        if (s->fields[i].kind == PLAN_FIELD_PATTERN && &s->fields[i] != f) return &s->fields[i];
    return NULL;
}

/* Sets base[key] to a copy of value (merging objects of an object section); false when out of memory. */
static bool merge_key(cJSON *base, const char *key, const cJSON *value, const plan_section *s,
                      const cJSON *patch)
{
    const plan_field *partner = exclusive_partner(s, key);
    if (partner && !(patch && cJSON_GetObjectItemCaseSensitive(patch, partner->name)))
        cJSON_DeleteItemFromObjectCaseSensitive(base, partner->name);
    cJSON *old = cJSON_GetObjectItemCaseSensitive(base, key);
    const plan_section *sub = !s && key[0] ? plan_section_find(key) : NULL;
    if (old && sub && !sub->item_size && cJSON_IsObject(old) && cJSON_IsObject(value))
        return plan_tree_merge(old, value, sub);
    cJSON *copy = cJSON_Duplicate(value, true);
    if (!copy) return false;
    if (old) return cJSON_ReplaceItemInObjectCaseSensitive(base, key, copy); /* (ViaPointer drops the key) */
    if (cJSON_AddItemToObject(base, key, copy)) return true;
    cJSON_Delete(copy);
    return false;
}

bool plan_tree_merge(cJSON *base, const cJSON *patch, const plan_section *section)
{
    for (const cJSON *child = patch->child; child; child = child->next)
        if (!merge_key(base, child->string, child, section, patch)) return false;
    return true;
}

/* ---- --set PATH=VALUE ---- */

/* VALUE is JSON; a bare word that is not JSON (3V, soft, #2b1e16) is taken as a string. */
static cJSON *override_value_parse(const char *text, plan_issue *issue)
{
    const char *end = NULL;
    cJSON *value = cJSON_ParseWithOpts(text, &end, true);
    if (value) return value;
    const char *first = text + strspn(text, " \t");
    if (*first != '{' && *first != '[' && *first != '"') {
        value = cJSON_CreateString(text);
        if (!value) plan_issue_set(issue, "", "out of memory");
        return value;
    }
    plan_issue_set(issue, "", "malformed JSON value at character %d", (int)(end ? end - text : 0) + 1);
    return NULL;
}

static bool unknown_issue(const plan_section *s, int variant, const char *path, plan_issue *issue)
{
    char hint[400];
    allowed_keys_hint(s, variant, hint, sizeof hint);
    return plan_issue_set(issue, "", "unknown field '%s' (%s)", path, hint);
}

/* Where an override lands: the object holding the key, or the list holding the index. */
typedef struct override_target {
    cJSON *container;
    const char *key;             /* NULL for a list entry */
    int index;                   /* list entry; == size appends */
    const plan_section *section; /* the container's section; NULL for the root */
} override_target;

static bool override_resolve(cJSON *tree, const plan_path *path, const char *text, override_target *t,
                             plan_issue *issue)
{
    const char *key = path->parts[0].key;
    const plan_section *s = plan_section_find(key);
    *t = (override_target){tree, key, -1, NULL};
    if (plan_field_find(&plan_sections[0], key, -1) || !key[0])
        s = NULL;
    else if (!s)
        return unknown_issue(NULL, -1, key, issue);
    if (path->count == 1) return true;
    if (!s) return plan_issue_set(issue, "", "'%s' is a single value and has no fields", key);
    cJSON *node = cJSON_GetObjectItemCaseSensitive(tree, key);
    bool list = s->item_size != 0;
    if (list != (path->parts[1].index >= 0))
        return plan_issue_set(issue, "", "'%s' is %s: write %s%s", key, list ? "a list" : "an object", key,
                              list ? "[INDEX].FIELD" : ".FIELD");
    if (!(list ? cJSON_IsArray(node) : cJSON_IsObject(node)))
        return plan_issue_set(issue, "", "'%s' is not %s after the overrides before", key,
                              list ? "a list" : "an object");
    int variant = -1, field_part = 1;
    if (list) {
        int size = cJSON_GetArraySize(node), index = path->parts[1].index;
        if (index > size || (index == size && path->count > 2))
            return plan_issue_set(issue, "", "index %d out of range (%s has %d entr%s)", index, key, size,
                                  size == 1 ? "y" : "ies");
        *t = (override_target){node, NULL, index, s};
        if (path->count == 2) return true;
        node = cJSON_GetArrayItem(node, index);
        if (!cJSON_IsObject(node)) return plan_issue_set(issue, "", "'%s[%d]' is not an object", key, index);
        variant = plan_entry_variant(s, node);
        field_part = 2;
    }
    const char *field = path->parts[field_part].key;
    char written[sizeof issue->path];
    snprintf(written, sizeof written, "%.*s", (int)strcspn(text, "="), text);
    if (!field[0]) return plan_issue_set(issue, "", "'%s' indexes a list entry twice", written);
    if (!plan_field_find(s, field, variant)) return unknown_issue(s, variant, written, issue);
    if (path->count > field_part + 1)
        return plan_issue_set(issue, "", "'%s' is a single value and has no fields", field);
    *t = (override_target){node, field, -1, s};
    return true;
}

smp_status plan_override_apply(cJSON *tree, const char *text, plan_path *parsed_path, plan_issue *issue)
{
    const char *eq = strchr(text, '=');
    if (!eq) return plan_issue_set(issue, "", "expected PATH=VALUE"), SMP_ERR_INPUT;
    if (!plan_path_parse(text, (size_t)(eq - text), parsed_path) || parsed_path->count == 0) {
        plan_issue_set(issue, "", "malformed field path '%.*s' (write name.field or name[index].field)",
                       (int)(eq - text), text);
        return SMP_ERR_INPUT;
    }
    override_target t;
    if (!override_resolve(tree, parsed_path, text, &t, issue)) return SMP_ERR_INPUT;
    cJSON *value = override_value_parse(eq + 1, issue);
    if (!value) return SMP_ERR_INPUT;
    smp_status status = SMP_OK;
    if (!plan_patch_check(value, parsed_path, NULL, NULL, NULL, issue)) {
        status = SMP_ERR_INPUT;
    } else if (t.key) {
        if (!merge_key(t.container, t.key, value, t.section, NULL)) status = SMP_ERR_NOMEM;
    } else {
        cJSON *old = cJSON_GetArrayItem(t.container, t.index);
        bool ok;
        if (old && cJSON_IsObject(old) && cJSON_IsObject(value)) {
            ok = plan_tree_merge(old, value, t.section);
        } else {
            cJSON *copy = cJSON_Duplicate(value, true);
            ok = copy && (old ? cJSON_ReplaceItemViaPointer(t.container, old, copy)
                              : cJSON_AddItemToArray(t.container, copy));
            if (!ok) cJSON_Delete(copy);
        }
        if (!ok) status = SMP_ERR_NOMEM;
    }
    if (status == SMP_ERR_NOMEM) plan_issue_set(issue, "", "out of memory");
    cJSON_Delete(value);
    return status;
}
