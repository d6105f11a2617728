/* progress: the terminal's progress bar, one owner for every subcommand that reports an smp_progress_fn
 * (smpsim bake, smpsim report). On a terminal it redraws one line on stderr ("[####....]  42 %  17 s  what is
 * being computed") at each whole percent and each new stage; when stderr is not a terminal (a log, a CI run)
 * it prints a line at each tenth instead, so logs stay short. The window shows the same callback's fraction
 * and stage in its status line instead.
 *
 *     app_progress bar;
 *     app_progress_init(&bar, "bake");
 *     optics_table_bake(t, &p, app_progress_update, &bar, &err);
 *     app_progress_finish(&bar); // ends the bar's line if it is still open
 */
#ifndef SMP_APP_PROGRESS_H
#define SMP_APP_PROGRESS_H

#include <stdbool.h>

typedef struct app_progress {
    const char *command; /* "bake": the line starts "smpsim bake: " (static storage) */
    bool tty;            /* stderr is a terminal: redraw one line */
    int last;            /* last percent (tty) or tenth (plain) shown; -1: none yet */
    bool open;           /* a tty line is drawn and not yet ended */
    char stage[64];      /* the stage last shown (tty): a new stage redraws the line within a percent */
    double start_s;      /* smp_now_s() at init */
} app_progress;

void app_progress_init(app_progress *p, const char *command);
/* An smp_progress_fn: user is an app_progress; fraction 0..1 (clamped) of the work, stage what is being done
 * (may be NULL). Not thread safe: call it from one thread at a time. */
void app_progress_update(void *user, double fraction, const char *stage);
/* Ends an open bar line (after a failure, before the error line is printed). */
void app_progress_finish(app_progress *p);

#endif
