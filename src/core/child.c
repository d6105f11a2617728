/* Work in a child process (core/child.h). */
#include "core/child.h"

#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* Sanitizers reserve terabytes of address space for their shadow memory: no address-space limit there. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CHILD_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define CHILD_SANITIZED 1
#endif
#endif
#ifndef CHILD_SANITIZED
#define CHILD_SANITIZED 0
#endif

static bool write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* The address space mapped now (the first field of /proc/self/statm, in pages); 0 when unknown. */
static int64_t mapped_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return 0;
    long long pages = 0;
    int n = fscanf(f, "%lld", &pages);
    fclose(f);
    long page = sysconf(_SC_PAGESIZE);
    return n == 1 && pages > 0 && page > 0 ? (int64_t)pages * page : 0;
}

/* The child: fn, its reply down the pipe, and _exit (0: all sent). Never returns. */
static void child_main(smp_child_fn fn, void *user, int fd, int64_t address_limit)
{
    if (address_limit > 0) {
        struct rlimit rl = {(rlim_t)address_limit, (rlim_t)address_limit};
        setrlimit(RLIMIT_AS, &rl); /* failing to limit is no reason not to try */
    }
    smp_buffer out = {0};
    bool ok = fn(user, &out) && !out.failed && write_all(fd, out.data ? out.data : "", out.size);
    _exit(ok ? 0 : 1);
}

static void child_reap(pid_t pid, int *status)
{
    while (waitpid(pid, status, 0) < 0 && errno == EINTR) {
    }
}

smp_status smp_child_run(smp_child_fn fn, void *user, double timeout_s, size_t max_reply_bytes,
                         int64_t extra_address_bytes, smp_buffer *reply, smp_child_end *end, smp_error *err)
{
    assert(fn && reply && end && timeout_s > 0.0);
    memset(end, 0, sizeof *end);
    int64_t limit = 0;
    if (extra_address_bytes > 0 && !CHILD_SANITIZED) {
        int64_t now = mapped_bytes();
        if (now > 0) limit = now + extra_address_bytes;
    }
    int fds[2];
    if (pipe(fds) != 0)
        return smp_error_set(err, SMP_ERR_UNAVAILABLE, "cannot start a child process (pipe: %s)",
                             strerror(errno));
    fflush(NULL); /* nothing buffered is written twice */
    double start = smp_now_s();
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        return smp_error_set(err, SMP_ERR_UNAVAILABLE, "cannot start a child process (fork: %s)",
                             strerror(e));
    }
    if (pid == 0) {
        close(fds[0]);
        child_main(fn, user, fds[1], limit);
    }
    close(fds[1]);
    reply->size = 0;
    end->kind = SMP_CHILD_DONE;
    char chunk[65536];
    for (;;) {
        double left = start + timeout_s - smp_now_s();
        if (left <= 0.0) {
            end->kind = SMP_CHILD_TIMEOUT;
            break;
        }
        struct pollfd p = {.fd = fds[0], .events = POLLIN};
        int ready = poll(&p, 1, left > 1e6 ? 1000000000 : (int)(left * 1000.0) + 1);
        if (ready < 0 && errno == EINTR) continue;
        if (ready == 0) continue; /* the deadline is checked above */
        ssize_t n = ready < 0 ? -1 : read(fds[0], chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break; /* the end of the reply (or a broken pipe: the status tells) */
        if (reply->size + (size_t)n > max_reply_bytes) {
            end->kind = SMP_CHILD_TOO_LONG;
            break;
        }
        smp_buffer_append(reply, chunk, (size_t)n);
        if (reply->failed) break;
    }
    close(fds[0]);
    if (end->kind != SMP_CHILD_DONE || reply->failed) kill(pid, SIGKILL);
    int status = 0;
    child_reap(pid, &status);
    end->seconds = smp_now_s() - start;
    if (reply->failed) {
        smp_buffer_deinit(reply);
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory for a child process's reply");
    }
    if (end->kind == SMP_CHILD_DONE) {
        if (WIFSIGNALED(status)) {
            end->kind = SMP_CHILD_CRASHED;
            end->signal = WTERMSIG(status);
        } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            end->kind = SMP_CHILD_FAILED;
            end->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
    }
    if (end->kind != SMP_CHILD_DONE) reply->size = 0;
    if (reply->data) reply->data[reply->size] = '\0';
    return SMP_OK;
}

void smp_child_end_describe(const smp_child_end *end, double timeout_s, char *out, size_t size)
{
    switch (end->kind) {
    case SMP_CHILD_DONE:
        snprintf(out, size, "it finished");
        break;
    case SMP_CHILD_FAILED:
        snprintf(out, size, "it exited with status %d", end->status);
        break;
    case SMP_CHILD_CRASHED: {
        const char *name = strsignal(end->signal);
        snprintf(out, size, "it crashed (signal %d, %s)", end->signal, name ? name : "unknown");
        break;
    }
    case SMP_CHILD_TIMEOUT:
        snprintf(out, size, "it did not finish within %g s", timeout_s);
        break;
    case SMP_CHILD_TOO_LONG:
        snprintf(out, size, "its answer was larger than expected");
        break;
    }
}
