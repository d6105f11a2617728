/* The one growing byte string (core.h smp_buffer): plan JSON, the report's HTML, PNGs encoded in memory. */
#include "core/core.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void smp_buffer_append(smp_buffer *b, const void *bytes, size_t n)
{
    if (b->failed) return;
    if (b->size + n + 1 > b->capacity) {
        size_t cap = b->capacity ? b->capacity : 4096;
        while (cap < b->size + n + 1)
            cap *= 2;
        char *bigger = realloc(b->data, cap);
        if (!bigger) {
            b->failed = true;
            return;
        }
        b->data = bigger;
        b->capacity = cap;
    }
    if (n) memcpy(b->data + b->size, bytes, n);
    b->size += n;
    b->data[b->size] = '\0';
}

void smp_buffer_puts(smp_buffer *b, const char *text)
{
    smp_buffer_append(b, text, strlen(text));
}

void smp_buffer_printf(smp_buffer *b, const char *fmt, ...)
{
    char small[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        smp_buffer_append(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->failed = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    smp_buffer_append(b, big, (size_t)n);
    free(big);
}

void smp_buffer_deinit(smp_buffer *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}
