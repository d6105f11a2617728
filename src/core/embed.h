/* embed: files compiled into the binary by cmake/embed.cmake (shaders, the UI font). */
#ifndef SMP_EMBED_H
#define SMP_EMBED_H

#include <stddef.h>

typedef struct smp_embedded_file {
    const char *name;          /* file name without directory, e.g. "skin.frag"; NULL ends a table */
    const unsigned char *data; /* NUL-terminated after size bytes */
    size_t size;
} smp_embedded_file;

/* Finds name in a NULL-terminated table; NULL when absent. */
const smp_embedded_file *smp_embedded_find(const smp_embedded_file *table, const char *name);

#endif
