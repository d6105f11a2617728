#include "ui/autosave.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define RECOVERY_NAME "recovery.json"
#define META_SUFFIX ".meta"
#define BOOT_ID_MAX 64

struct autosave {
    char file[PLAN_PATH_MAX];
    char meta[PLAN_PATH_MAX + 8];
    char plan_path[PLAN_PATH_MAX];
    char boot_id[BOOT_ID_MAX];
    plan last; /* the plan the file holds, when has_last */
    bool has_last;
    bool enabled;
};

/* The owner recorded in a sidecar. */
typedef struct owner {
    long pid; /* 0: unknown (no or unreadable sidecar) */
    char boot_id[BOOT_ID_MAX];
    char plan_path[PLAN_PATH_MAX];
} owner;

/* ---- the state directory ---- */

/* mkdir -p, every missing level with mode 0700 (the XDG base directory rule for state). */
static smp_status make_dirs(const char *path, smp_error *err)
{
    char buf[PLAN_PATH_MAX];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf)
        return smp_error_set(err, SMP_ERR_IO,
                             "autosave disabled: state directory path '%s' is empty or too long", path);
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; ++i) {
        if (buf[i] != '/' && buf[i] != '\0') continue;
        char c = buf[i];
        buf[i] = '\0';
        struct stat sb;
        if (mkdir(buf, 0700) != 0 && (errno != EEXIST || stat(buf, &sb) != 0 || !S_ISDIR(sb.st_mode))) {
            int e = errno == EEXIST ? ENOTDIR : errno;
            return smp_error_set(err, SMP_ERR_IO,
                                 "autosave disabled: cannot create the state directory %s: %s%s%s", path,
                                 strerror(e), strcmp(buf, path) ? " at " : "", strcmp(buf, path) ? buf : "");
        }
        buf[i] = c;
    }
    return SMP_OK;
}

smp_status autosave_state_dir(char *out, size_t size, smp_error *err)
{
    const char *dir = getenv("SMP_STATE_DIR"), *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    int n;
    if (dir && dir[0])
        n = snprintf(out, size, "%s", dir);
    else if (xdg && xdg[0] == '/')
        n = snprintf(out, size, "%s/smpsim", xdg); /* relative ones are invalid */
    else if (home && home[0])
        n = snprintf(out, size, "%s/.local/state/smpsim", home);
    else
        return smp_error_set(
            err, SMP_ERR_UNAVAILABLE,
            "autosave disabled: no state directory (set SMP_STATE_DIR, XDG_STATE_HOME or HOME)");
    if (n < 0 || (size_t)n >= size)
        return smp_error_set(err, SMP_ERR_IO, "autosave disabled: the state directory path is too long");
    return make_dirs(out, err);
}

/* ---- owners ---- */

static void boot_id_read(char out[BOOT_ID_MAX])
{
    out[0] = '\0';
    FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
    if (!f) return;
    if (!fgets(out, BOOT_ID_MAX, f)) out[0] = '\0';
    fclose(f);
    out[strcspn(out, "\n")] = '\0';
}

/* Whether the process that wrote a file may still be writing it. */
static bool owner_alive(const owner *o, const char *boot_id)
{
    if (o->pid <= 0 || o->pid > INT32_MAX || o->pid == (long)getpid()) return false;
    if (o->boot_id[0] && boot_id[0] && strcmp(o->boot_id, boot_id) != 0) return false; /* rebooted since */
    if (kill((pid_t)o->pid, 0) == 0) return true;
    return errno == EPERM; /* alive, another user's */
}

/* Reads a sidecar; false when it is missing or unreadable (o->pid stays 0). */
static bool owner_read(const char *meta_path, owner *o)
{
    memset(o, 0, sizeof *o);
    char *text = NULL;
    if (smp_file_read(meta_path, &text, NULL, NULL) != SMP_OK) return false;
    cJSON *root = cJSON_Parse(text);
    free(text);
    const cJSON *pid = cJSON_GetObjectItemCaseSensitive(root, "pid");
    const cJSON *boot = cJSON_GetObjectItemCaseSensitive(root, "boot_id");
    const cJSON *path = cJSON_GetObjectItemCaseSensitive(root, "plan_path");
    bool ok = cJSON_IsNumber(pid) && pid->valuedouble >= 1.0 && pid->valuedouble <= (double)INT32_MAX;
    if (ok) {
        o->pid = (long)pid->valuedouble;
        if (cJSON_IsString(boot)) snprintf(o->boot_id, sizeof o->boot_id, "%s", boot->valuestring);
        if (cJSON_IsString(path)) snprintf(o->plan_path, sizeof o->plan_path, "%s", path->valuestring);
    }
    cJSON_Delete(root);
    return ok;
}

static smp_status owner_write(const autosave *a, const char *path, smp_error *err)
{
    cJSON *root = cJSON_CreateObject();
    bool ok = root && cJSON_AddNumberToObject(root, "pid", (double)getpid()) &&
              cJSON_AddStringToObject(root, "boot_id", a->boot_id) &&
              cJSON_AddStringToObject(root, "plan_path", a->plan_path);
    char *text = ok ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (!text) return smp_error_set(err, SMP_ERR_NOMEM, "autosave disabled: %s: out of memory", path);
    smp_status st = smp_file_write_atomic(path, text, strlen(text), err);
    free(text);
    if (st != SMP_OK) smp_error_prefix(err, "autosave disabled");
    return st;
}

/* ---- names in the state directory ---- */

/* "recovery.json" or "recovery-<pid>.json"; returns the length of the name, 0 for none. */
static size_t recovery_name_length(const char *name)
{
    if (strncmp(name, RECOVERY_NAME, sizeof RECOVERY_NAME - 1) == 0) return sizeof RECOVERY_NAME - 1;
    if (strncmp(name, "recovery-", 9) != 0) return 0;
    size_t i = 9;
    while (name[i] >= '0' && name[i] <= '9')
        ++i;
    if (i == 9 || strncmp(name + i, ".json", 5) != 0) return 0;
    return i + 5;
}

/* Reads the pid of a temporary file that a write left: "<recovery name>[.meta].tmp<pid>" (the names
 * smp_file_write_atomic gives) or "<recovery name>.meta.claim<pid>" (autosave_create's). */
static bool temp_name_pid(const char *name, long *pid)
{
    size_t n = recovery_name_length(name);
    if (n == 0) return false;
    const char *rest = name + n;
    if (strncmp(rest, META_SUFFIX, sizeof META_SUFFIX - 1) == 0) rest += sizeof META_SUFFIX - 1;
    if (strncmp(rest, ".tmp", 4) == 0)
        rest += 4;
    else if (strncmp(rest, ".claim", 6) == 0)
        rest += 6;
    else
        return false;
    if (*rest < '0' || *rest > '9') return false;
    char *end = NULL;
    *pid = strtol(rest, &end, 10);
    return *end == '\0';
}

static void format_local_time(int64_t unix_s, char *out, size_t size)
{
    time_t t = (time_t)unix_s;
    struct tm tm;
    if (!localtime_r(&t, &tm) || strftime(out, size, "%Y-%m-%d %H:%M:%S", &tm) == 0) snprintf(out, size, "?");
}

/* ---- recovery at start ---- */

/* Loads one recovery file a dead session left. False when it is not offered (corrupt: moved aside). */
static bool recovery_load(const char *file, const char *meta, const owner *o, autosave_recovery *r,
                          smp_log_fn log, void *log_user)
{
    smp_error err = {0};
    struct stat sb;
    if (plan_load(&r->plan, file, NULL, 0, NULL, NULL, &err) != SMP_OK ||
        plan_validate(&r->plan, file, &err) != SMP_OK || stat(file, &sb) != 0) {
        char bad[PLAN_PATH_MAX + 8];
        snprintf(bad, sizeof bad, "%s.bad", file);
        if (rename(file, bad) == 0) {
            unlink(meta);
            smp_log(log, log_user, SMP_LOG_WARN, "autosave: recovery file not usable, moved aside to %s: %s",
                    bad, err.message);
        } else {
            smp_log(log, log_user, SMP_LOG_WARN,
                    "autosave: recovery file not usable and not movable to %s (%s): %s", bad, strerror(errno),
                    err.message);
        }
        return false;
    }
    snprintf(r->file, sizeof r->file, "%s", file);
    snprintf(r->plan_path, sizeof r->plan_path, "%s", o->plan_path);
    r->pid = o->pid;
    r->saved_unix_s = (int64_t)sb.st_mtime;
    format_local_time(r->saved_unix_s, r->saved_local, sizeof r->saved_local);
    return true;
}

bool autosave_pending(autosave_recovery *out, smp_log_fn log, void *log_user)
{
    char dir[PLAN_PATH_MAX - 64];
    smp_error err = {0};
    if (autosave_state_dir(dir, sizeof dir, &err) != SMP_OK) {
        smp_log(log, log_user, SMP_LOG_WARN, "%s", err.message);
        return false;
    }
    DIR *d = opendir(dir);
    if (!d) {
        smp_log(log, log_user, SMP_LOG_WARN, "autosave: cannot read the state directory %s: %s", dir,
                strerror(errno));
        return false;
    }
    char boot_id[BOOT_ID_MAX];
    boot_id_read(boot_id);
    bool found = false;
    autosave_recovery *candidate = malloc(sizeof *candidate);
    if (!candidate) {
        closedir(d);
        smp_log(log, log_user, SMP_LOG_WARN, "autosave: out of memory looking for a recovery file");
        return false;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char file[PLAN_PATH_MAX], meta[PLAN_PATH_MAX + 8];
        size_t n = recovery_name_length(e->d_name);
        long pid;
        if (n == 0) continue;
        snprintf(file, sizeof file, "%s/%.*s", dir, (int)n, e->d_name);
        snprintf(meta, sizeof meta, "%s" META_SUFFIX, file);
        owner o;
        if (temp_name_pid(e->d_name, &pid)) {
            /* Half-written by a session killed in the middle of a save: the complete file is the other. */
            o.pid = pid, o.boot_id[0] = '\0';
            if (!owner_alive(&o, boot_id)) {
                char temp[PLAN_PATH_MAX + 256]; /* the directory and a d_name */
                snprintf(temp, sizeof temp, "%s/%s", dir, e->d_name);
                unlink(temp);
            }
            continue;
        }
        if (strcmp(e->d_name + n, META_SUFFIX) == 0) {
            /* A sidecar whose session ended before its first save. */
            if (owner_read(meta, &o) && !owner_alive(&o, boot_id) && access(file, F_OK) != 0) unlink(meta);
            continue;
        }
        if (e->d_name[n] != '\0') continue; /* recovery.json.bad and the like */
        owner_read(meta, &o);
        if (owner_alive(&o, boot_id)) continue;
        if (!recovery_load(file, meta, &o, candidate, log, log_user)) continue;
        if (!found || candidate->saved_unix_s > out->saved_unix_s) *out = *candidate;
        found = true;
    }
    free(candidate);
    closedir(d);
    return found;
}

smp_status autosave_recovery_discard(const autosave_recovery *r, smp_error *err)
{
    char meta[PLAN_PATH_MAX + 8];
    snprintf(meta, sizeof meta, "%s" META_SUFFIX, r->file);
    if (unlink(r->file) != 0 && errno != ENOENT)
        return smp_error_set(err, SMP_ERR_IO, "autosave: cannot remove %s: %s", r->file, strerror(errno));
    unlink(meta);
    return SMP_OK;
}

/* ---- this session's file ---- */

/* Makes recovery.json this session's when no one holds it: neither a live session nor a crashed one whose
 * plan is still waiting to be offered. The sidecar is created with link(), which fails when the name
 * exists, so two sessions starting together cannot both take it. */
static smp_status claim_shared_name(autosave *a, const char *dir, bool *claimed, smp_error *err)
{
    *claimed = false;
    char file[PLAN_PATH_MAX], meta[PLAN_PATH_MAX + 8], claim[PLAN_PATH_MAX + 40];
    snprintf(file, sizeof file, "%s/" RECOVERY_NAME, dir);
    snprintf(meta, sizeof meta, "%s" META_SUFFIX, file);
    if (access(file, F_OK) == 0) return SMP_OK;
    owner o;
    if (owner_read(meta, &o)) {
        if (owner_alive(&o, a->boot_id)) return SMP_OK;
        unlink(meta); /* its session ended before its first save */
    } else if (access(meta, F_OK) == 0) {
        return SMP_OK;
    }
    snprintf(claim, sizeof claim, "%s.claim%ld", meta, (long)getpid());
    smp_status st = owner_write(a, claim, err);
    if (st != SMP_OK) return st;
    *claimed = link(claim, meta) == 0; /* EEXIST: another session was quicker; others: no hard links here */
    unlink(claim);
    if (*claimed) {
        snprintf(a->file, sizeof a->file, "%s", file);
        snprintf(a->meta, sizeof a->meta, "%s", meta);
    }
    return SMP_OK;
}

smp_status autosave_create(autosave **out, const char *plan_path, const autosave_recovery *adopt,
                           smp_error *err)
{
    *out = NULL;
    autosave *a = calloc(1, sizeof *a);
    if (!a) return smp_error_set(err, SMP_ERR_NOMEM, "autosave disabled: out of memory");
    char dir[PLAN_PATH_MAX - 64];
    smp_status st = autosave_state_dir(dir, sizeof dir, err);
    if (st != SMP_OK) goto fail;
    snprintf(a->plan_path, sizeof a->plan_path, "%s", plan_path ? plan_path : "");
    boot_id_read(a->boot_id);
    bool claimed = false;
    if (adopt) {
        snprintf(a->file, sizeof a->file, "%s", adopt->file);
        snprintf(a->meta, sizeof a->meta, "%s" META_SUFFIX, a->file);
        claimed = true;
        if ((st = owner_write(a, a->meta, err)) != SMP_OK) goto fail;
    } else if ((st = claim_shared_name(a, dir, &claimed, err)) != SMP_OK) {
        goto fail;
    }
    if (!claimed) {
        snprintf(a->file, sizeof a->file, "%s/recovery-%ld.json", dir, (long)getpid());
        snprintf(a->meta, sizeof a->meta, "%s" META_SUFFIX, a->file);
        if ((st = owner_write(a, a->meta, err)) != SMP_OK) goto fail;
    }
    a->enabled = true;
    *out = a;
    return SMP_OK;
fail:
    free(a);
    return st;
}

smp_status autosave_save(autosave *a, const plan *p, smp_error *err)
{
    if (!a || !a->enabled) return SMP_OK;
    if (a->has_last && plan_equal(p, &a->last)) return SMP_OK;
    smp_status st = plan_save(p, a->file, err);
    if (st == SMP_ERR_INPUT) return st;
    if (st != SMP_OK) {
        a->enabled = false;
        smp_error_prefix(err, "autosave disabled");
        return st;
    }
    a->last = *p;
    a->has_last = true;
    return SMP_OK;
}

smp_status autosave_set_plan_path(autosave *a, const char *plan_path, smp_error *err)
{
    if (!a || !a->enabled) return SMP_OK;
    snprintf(a->plan_path, sizeof a->plan_path, "%s", plan_path ? plan_path : "");
    smp_status st = owner_write(a, a->meta, err);
    if (st != SMP_OK) a->enabled = false;
    return st;
}

const char *autosave_file(const autosave *a)
{
    return a && a->enabled ? a->file : NULL;
}

bool autosave_is_enabled(const autosave *a)
{
    return a && a->enabled;
}

void autosave_finish(autosave *a)
{
    if (!a) return;
    unlink(a->file);
    unlink(a->meta);
    free(a);
}
