#include "core/embed.h"

#include <string.h>

const smp_embedded_file *smp_embedded_find(const smp_embedded_file *table, const char *name)
{
    for (; table && table->name; ++table)
        if (strcmp(table->name, name) == 0) return table;
    return NULL;
}
