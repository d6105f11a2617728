/* autosave: the plan being edited is written to a recovery file after every change, so that no design work
 * is lost to a crash, a kill or a power cut; the next start offers what a dead session left. Plain C and
 * POSIX: no GL, no SDL, no printing (diagnostics go to the caller's logger).
 *
 *     autosave_recovery rec;
 *     bool adopted = false;
 *     while (!adopted && autosave_pending(&rec, log, user)) {   // at start, before autosave_create
 *         adopted = ask("recover the unsaved plan from %s?", rec.saved_local);
 *         if (adopted) edited = rec.plan; else autosave_recovery_discard(&rec, &err);
 *     }
 *     autosave *as = NULL;
 *     if (autosave_create(&as, adopted ? rec.plan_path : plan_path, adopted ? &rec : NULL, &err) != SMP_OK)
 *         print(err.message);                                   // and go on editing without autosave
 *     ... after every edit (and undo or redo): autosave_save(as, &plan, &err) ...
 *     autosave_finish(as);                                      // a clean exit: the file goes
 *
 * Where: the state directory is $SMP_STATE_DIR if set, else $XDG_STATE_HOME/smpsim (an absolute
 * XDG_STATE_HOME), else $HOME/.local/state/smpsim, created (with its parents) with mode 0700. A session
 * writes recovery.json there, a plain plan file (smpsim --plan reads it), and beside it recovery.json.meta:
 * {"pid", "boot_id", "plan_path"}, written before the first plan. The time of the save is the plan file's
 * modification time, which the file system records together with the contents. When recovery.json is held
 * by another live session, or by a crashed one that was not yet offered, a session writes
 * recovery-<pid>.json instead, so two sessions never overwrite each other's work.
 *
 * Every save goes through plan_save (smp_file_write_atomic: a temporary file, fsync, rename, directory
 * fsync): a kill at any instant leaves the previous or the new complete file. A file is taken for a crash
 * when the process that wrote it is gone: its pid is not alive (kill(pid, 0)), or it is our own pid (pids
 * repeat across restarts, in containers especially), or the machine rebooted since (another boot_id).
 *
 * Failures never stop editing: when the state directory cannot be created or written, autosave_create or
 * autosave_save says so in one line naming the path ("autosave disabled: ...") and every later call is a
 * no-op. Not thread-safe: one handle per editor, on one thread.
 */
#ifndef SMP_UI_AUTOSAVE_H
#define SMP_UI_AUTOSAVE_H

#include "core/core.h"
#include "plan/plan.h"

typedef struct autosave autosave;

/* A plan a crashed session left behind. */
typedef struct autosave_recovery {
    plan plan;                     /* the recovered plan, loaded and validated */
    char plan_path[PLAN_PATH_MAX]; /* the file that session was editing; "" for a plan never saved */
    int64_t saved_unix_s;          /* when it was autosaved: seconds since 1970 (the file's mtime) */
    char saved_local[32];          /* the same in local time, "2026-12-02 15:37:05" */
    long pid;                      /* the process that wrote it; 0 when its sidecar was missing */
    char file[PLAN_PATH_MAX];      /* the recovery file itself */
} autosave_recovery;

/* Writes the state directory's path into out (size bytes), creating it (mode 0700) if needed. Fails with
 * SMP_ERR_IO naming the path when it cannot be created, SMP_ERR_UNAVAILABLE when no variable names one. */
smp_status autosave_state_dir(char *out, size_t size, smp_error *err);

/* At start: true, and out filled, when a session that is gone left a recovery file (the newest if several;
 * call again after adopting or discarding one to see the next). A file that does not load or validate is
 * moved aside to <file>.bad, reported in one line through log (may be NULL) and not offered. Temporary
 * files that dead sessions left half-written are removed. False when there is nothing to recover. */
bool autosave_pending(autosave_recovery *out, smp_log_fn log, void *log_user);

/* The user declined the recovery: its file and sidecar are removed. */
smp_status autosave_recovery_discard(const autosave_recovery *r, smp_error *err);

/* Starts autosaving for this process. plan_path: the file the plan was loaded from (NULL or "" for none).
 * adopt: a recovery the user accepted (NULL for none); its file becomes this session's, so it stays on disk
 * until this session has saved or finished. On failure *out is NULL, err says why in one line naming the
 * path, and the NULL handle makes every other call a no-op. The caller ends it with autosave_finish. */
smp_status autosave_create(autosave **out, const char *plan_path, const autosave_recovery *adopt,
                           smp_error *err);

/* Writes p to the recovery file unless it equals the plan saved last. SMP_ERR_INPUT for a plan that fails
 * validation (the previous file stays); SMP_ERR_IO when the file cannot be written: then autosave turns
 * itself off and err says "autosave disabled: ..." once. NULL a is a no-op returning SMP_OK. Cost: a plan
 * file of a few KB written and two fsyncs (file, directory); an unchanged plan costs one plan_equal. */
smp_status autosave_save(autosave *a, const plan *p, smp_error *err);

/* The plan is now saved as (or was loaded from) plan_path: recorded in the sidecar for a later recovery. */
smp_status autosave_set_plan_path(autosave *a, const char *plan_path, smp_error *err);

/* The recovery file this session writes; NULL for a NULL or disabled handle. */
const char *autosave_file(const autosave *a);
bool autosave_is_enabled(const autosave *a);

/* A clean exit: removes the recovery file and its sidecar, and frees a. NULL is a no-op. */
void autosave_finish(autosave *a);

#endif
