#include "ui/ui.h"

#include <stdio.h>

void ui_log_stderr(void *user, smp_log_level level, const char *message)
{
    (void)user;
    fprintf(stderr, "smpsim: %s%s\n", level >= SMP_LOG_WARN ? "warning: " : "", message);
}
