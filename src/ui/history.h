/* history: undo and redo of plan edits. Every step holds a whole plan (a plan is plain values, no pointers,
 * so a step is a struct copy of about 3 KB) and a short description for the menu or the status line
 * ("density 55 -> 60 dots/cm2"). Plain C: no GL, no SDL, no printing; one history per editor, not shared
 * between threads.
 *
 *     history *h = NULL;
 *     if (history_create(&h, &scene->plan, 256, &err) != SMP_OK) report(err.message);
 *     // after each edit: the plan as it is now, and what changed
 *     history_push(h, &edited, &(history_edit){.what = "density", .unit = "dots/cm2", .has_values = true,
 *                                              .from = 55, .to = 60, .coalesce_key = "sessions[0].density",
 *                                              .gesture = drag_id});
 *     if (history_undo(h, &p)) apply(&p);   // p: the plan before the last step
 *     if (history_redo(h, &p)) apply(&p);
 *     history_destroy(h);
 *
 * The history always knows the current plan: the one it was created or reset with, then the plan of the
 * latest push, undo or redo. Memory is bounded: past capacity steps, the oldest step is dropped (its plan
 * becomes the earliest one undo reaches).
 *
 * Coalescing: a slider drag pushes a plan every frame, but is one step to undo. A push whose coalesce_key
 * and non-zero gesture both equal those of the step last pushed replaces that step's plan (its description
 * keeps the first from and takes the new to), as long as nothing was undone or redone in between. A drag
 * that comes back to where it started leaves no step at all.
 */
#ifndef SMP_UI_HISTORY_H
#define SMP_UI_HISTORY_H

#include "core/core.h"
#include "plan/plan.h"

#define HISTORY_DESCRIPTION_MAX 128

typedef struct history history;

/* What one push changed. Zero fields mean "none": no values, no coalescing. */
typedef struct history_edit {
    const char *what; /* the field or action as the user knows it: "density", "add scar"; NULL: "edit" */
    bool has_values;  /* from and to are shown: "density 55 -> 60 dots/cm2" */
    double from, to;  /* the value before and after, in unit */
    const char *unit; /* "dots/cm2", "mm"; NULL or "" for none */
    const char *coalesce_key; /* names the field a gesture edits ("pigment.depth_mm"); NULL: never coalesce */
    uint32_t gesture;         /* one id per continuous gesture (a drag, a held key); 0: never coalesce */
} history_edit;

/* Creates a history whose current plan is initial; capacity (>= 1) is the most undo steps kept. The caller
 * frees it with history_destroy. Fails with SMP_ERR_NOMEM only. */
smp_status history_create(history **out, const plan *initial, int capacity, smp_error *err);
void history_destroy(history *h); /* NULL is a no-op */

/* Records that the current plan became p. False (nothing recorded) when p equals the current plan
 * (plan_equal). A push after an undo drops the steps that redo would have reached. edit may be NULL. */
bool history_push(history *h, const plan *p, const history_edit *edit);

/* Steps back: out receives the plan before the latest step, which becomes the current plan. False, out
 * untouched, when there is nothing to undo. */
bool history_undo(history *h, plan *out);
/* Steps forward again after an undo; false, out untouched, when there is nothing to redo. */
bool history_redo(history *h, plan *out);
bool history_can_undo(const history *h);
bool history_can_redo(const history *h);

/* What undo (redo) would take back (do again): "density 55 -> 60 dots/cm2"; NULL when nothing. The text
 * lives in h until its next push, undo, redo, clear or reset. */
const char *history_undo_description(const history *h);
const char *history_redo_description(const history *h);

/* The current plan; lives in h until its next call that changes it. */
const plan *history_current(const history *h);
/* Number of steps undo can reach (redo_count: redo). */
int history_undo_count(const history *h);
int history_redo_count(const history *h);

/* Forgets every step; the current plan stays (after a save-as, say, if the editor wants that). */
void history_clear(history *h);
/* Forgets every step and makes p the current plan (another plan was loaded). */
void history_reset(history *h, const plan *p);

#endif
