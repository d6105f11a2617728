#include "core/core.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Writes the control characters of text (bytes below 0x20, and 0x7f) as C escapes into message, so that a
 * message quoting a multi-line --set value or a file's stray carriage return stays one line. Cut at size. */
static void message_one_line(char *message, size_t size, const char *text)
{
    size_t n = 0;
    for (const unsigned char *c = (const unsigned char *)text; *c && n + 1 < size; ++c) {
        char escape[5] = {(char)*c, '\0'};
        if (*c == '\n')
            memcpy(escape, "\\n", 3);
        else if (*c == '\r')
            memcpy(escape, "\\r", 3);
        else if (*c == '\t')
            memcpy(escape, "\\t", 3);
        else if (*c < 0x20 || *c == 0x7f)
            snprintf(escape, sizeof escape, "\\x%02x", *c);
        size_t len = strlen(escape);
        if (n + len + 1 > size) break;
        memcpy(message + n, escape, len);
        n += len;
    }
    message[n] = '\0';
}

smp_status smp_error_set(smp_error *err, smp_status status, const char *fmt, ...)
{
    if (err) {
        char text[sizeof err->message];
        va_list ap;
        va_start(ap, fmt);
        err->status = status;
        vsnprintf(text, sizeof text, fmt, ap);
        va_end(ap);
        message_one_line(err->message, sizeof err->message, text);
    }
    return status;
}

void smp_error_prefix(smp_error *err, const char *prefix)
{
    if (!err || !prefix || !prefix[0]) return;
    /* Build in a larger buffer, then truncate to the message size on purpose. */
    char tmp[2 * sizeof err->message];
    size_t plen = strnlen(prefix, sizeof err->message);
    memcpy(tmp, prefix, plen);
    memcpy(tmp + plen, ": ", 2);
    size_t mlen = strnlen(err->message, sizeof err->message - 1);
    memcpy(tmp + plen + 2, err->message, mlen);
    tmp[plen + 2 + mlen] = '\0';
    message_one_line(err->message, sizeof err->message, tmp);
}

smp_status smp_file_read(const char *path, char **out_data, size_t *out_size, smp_error *err)
{
    return smp_file_read_max(path, SIZE_MAX - 1, "a file", out_data, out_size, err);
}

smp_status smp_file_read_max(const char *path, size_t max_bytes, const char *kind, char **out_data,
                             size_t *out_size, smp_error *err)
{
    assert(path && kind && out_data); /* out_size may be NULL */
    *out_data = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        smp_status st = (errno == ENOENT || errno == EACCES || errno == EISDIR) ? SMP_ERR_INPUT : SMP_ERR_IO;
        return smp_error_set(err, st, "%s: cannot open: %s", path, strerror(errno));
    }
    /* A regular file states its size: one too large is refused before anything is read. Pipes and devices
     * are read until they end or pass the limit. */
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) && (uintmax_t)sb.st_size > (uintmax_t)max_bytes)
        goto too_large;
    size_t cap = max_bytes < ((size_t)1 << 16) ? max_bytes + 1 : (size_t)1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    if (!buf) goto nomem;
    for (;;) {
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (len > max_bytes) {
            free(buf);
            goto too_large;
        }
        if (n == 0) break;
        if (len == cap) {
            /* Grow by doubling, but never past the one byte beyond the limit that tells a file too large. */
            size_t bigger_cap = cap > (max_bytes + 1) / 2 ? max_bytes + 1 : cap * 2;
            char *bigger = realloc(buf, bigger_cap + 1);
            if (!bigger) {
                free(buf);
                goto nomem;
            }
            buf = bigger;
            cap = bigger_cap;
        }
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        fclose(f);
        return smp_error_set(err, SMP_ERR_INPUT, "%s: cannot read: %s", path, strerror(e));
    }
    fclose(f);
    buf[len] = '\0';
    *out_data = buf;
    if (out_size) *out_size = len;
    return SMP_OK;
too_large:
    fclose(f);
    return smp_error_set(err, SMP_ERR_INPUT, "%s: more than %zu bytes; %s has at most %zu", path, max_bytes,
                         kind, max_bytes);
nomem:
    fclose(f);
    return smp_error_set(err, SMP_ERR_NOMEM, "%s: out of memory reading the file", path);
}

void smp_log(smp_log_fn log, void *user, smp_log_level level, const char *fmt, ...)
{
    if (!log) return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    log(user, level, line);
}

/* Makes a rename in path's directory durable. Best effort: the new file is already complete under its
 * name, and some file systems refuse fsync on a directory. */
static void directory_sync(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (!slash) {
        dir[0] = '.', dir[1] = '\0';
    } else {
        size_t n = slash == path ? 1 : (size_t)(slash - path);
        if (n >= sizeof dir) return;
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return;
    fsync(fd);
    close(fd);
}

smp_status smp_file_write_atomic(const char *path, const void *data, size_t size, smp_error *err)
{
    assert(path && (data || size == 0));
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (!tmp) return smp_error_set(err, SMP_ERR_NOMEM, "%s: out of memory", path);
    snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        smp_status st = smp_error_set(err, SMP_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
        free(tmp);
        return st;
    }
    /* The data reaches the disk before the rename makes it visible, so that after a power loss the name
     * holds the old or the new contents, never an empty or partly written file. */
    int ok = fwrite(data, 1, size, f) == size;
    ok = (fflush(f) == 0) && ok;
    ok = (fsync(fileno(f)) == 0) && ok;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        smp_status st = smp_error_set(err, SMP_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
        remove(tmp);
        free(tmp);
        return st;
    }
    free(tmp);
    directory_sync(path);
    return SMP_OK;
}

int smp_error_exit_status(const smp_error *err)
{
    return err && err->status == SMP_ERR_INPUT ? 2 : 1;
}
