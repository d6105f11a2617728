/* progress: the terminal's progress bar (progress.h). */
#define _XOPEN_SOURCE 700 /* isatty, fileno */
#include "app/progress.h"

#include "core/core.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

void app_progress_init(app_progress *p, const char *command)
{
    p->command = command;
    p->tty = isatty(fileno(stderr)) == 1;
    p->last = -1;
    p->open = false;
    p->stage[0] = '\0';
    p->start_s = smp_now_s();
}

void app_progress_update(void *user, double fraction, const char *stage)
{
    app_progress *p = user;
    int pct = (int)(100.0 * smp_clamp(fraction, 0.0, 1.0));
    double elapsed = smp_now_s() - p->start_s;
    if (stage && strcmp(stage, p->command) == 0) stage = NULL; /* "smpsim bake: ... bake" says nothing more */
    if (p->tty) {
        if (pct == p->last && strncmp(p->stage, stage ? stage : "", sizeof p->stage - 1) == 0) return;
        p->last = pct;
        snprintf(p->stage, sizeof p->stage, "%s", stage ? stage : "");
        char bar[41];
        int filled = pct * 40 / 100;
        for (int i = 0; i < 40; ++i)
            bar[i] = i < filled ? '#' : '.';
        bar[40] = '\0';
        /* \033[K clears what a longer stage left on the line. */
        fprintf(stderr, "\rsmpsim %s: [%s] %3d%% %6.0f s  %.60s\033[K", p->command, bar, pct, elapsed,
                stage ? stage : "");
        p->open = pct < 100;
        if (pct >= 100) fputc('\n', stderr);
    } else {
        int tenth = pct / 10;
        if (tenth == p->last) return;
        p->last = tenth;
        fprintf(stderr, "smpsim %s: %d%% (%.0f s)%s%s\n", p->command, tenth * 10, elapsed, stage ? " " : "",
                stage ? stage : "");
    }
    fflush(stderr);
}

void app_progress_finish(app_progress *p)
{
    if (p->open) fputc('\n', stderr);
    p->open = false;
}
