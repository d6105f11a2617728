/* core/child: work done in a child process, so that a library that crashes, hangs or damages the heap on a
 * bad file takes only the child with it (scalp/scan.c reads mesh files through assimp this way).
 *
 *     static bool work(void *user, smp_buffer *reply) { ...; smp_buffer_append(reply, ...); return true; }
 *     smp_buffer reply = {0};
 *     smp_child_end end;
 *     if (smp_child_run(work, user, 60.0, 1 << 30, &reply, &end, &err) != SMP_OK) ...; // could not fork
 *     if (end.kind != SMP_CHILD_DONE) ...; // end.signal, end.status say how it ended; reply is empty
 *     ... parse reply.data, reply.size ...
 *     smp_buffer_deinit(&reply);
 *
 * The child is a fork() of the caller: it sees the caller's memory as it was, runs fn once, sends the bytes
 * fn appended through a pipe and ends with _exit (no atexit handlers, no leak check of the copy it holds).
 * Its allocations, its damage to the heap and its leaks end with it. fork() in a program with other threads
 * (the window: SDL, llvmpipe) copies only the calling thread; glibc keeps malloc usable in the child, and fn
 * must not wait for a lock another thread could hold (no GL, no SDL, no logging through a callback).
 * Plain C and POSIX; not reentrant per reply buffer, safe from any one thread at a time. */
#ifndef SMP_CORE_CHILD_H
#define SMP_CORE_CHILD_H

#include "core/core.h"

/* Runs in the child. Appends its answer to reply; returns false for a failure it could not put there
 * (the parent then sees SMP_CHILD_FAILED). */
typedef bool (*smp_child_fn)(void *user, smp_buffer *reply);

typedef enum smp_child_end_kind {
    SMP_CHILD_DONE = 0, /* fn returned true and its whole reply arrived */
    SMP_CHILD_FAILED,   /* fn returned false, or the child exited with another status (status) */
    SMP_CHILD_CRASHED,  /* a signal ended it (signal): a crash, an abort, the kernel's out-of-memory killer */
    SMP_CHILD_TIMEOUT,  /* it ran past timeout_s and was killed */
    SMP_CHILD_TOO_LONG, /* its reply passed max_reply_bytes; it was killed */
} smp_child_end_kind;

typedef struct smp_child_end {
    smp_child_end_kind kind;
    int status;     /* exit status (SMP_CHILD_FAILED) */
    int signal;     /* signal number (SMP_CHILD_CRASHED) */
    double seconds; /* how long the child ran */
} smp_child_end;

/* Runs fn(user, reply) in a child process and waits for it at most timeout_s seconds (> 0). The child's
 * address space is limited to what the caller maps now plus extra_address_bytes (0: no limit; the limit is
 * not set in sanitizer builds, whose shadow memory needs terabytes of address space), so a runaway
 * allocation fails in the child instead of exhausting the machine. On SMP_CHILD_DONE reply holds exactly
 * the bytes fn appended; otherwise it is left empty. Returns SMP_ERR_UNAVAILABLE (no pipe, no fork) or
 * SMP_ERR_NOMEM (the reply did not fit in memory) with err set; SMP_OK whenever the child ran, whatever
 * end says. */
smp_status smp_child_run(smp_child_fn fn, void *user, double timeout_s, size_t max_reply_bytes,
                         int64_t extra_address_bytes, smp_buffer *reply, smp_child_end *end, smp_error *err);

/* One line for how a child that did not finish ended, e.g. "it crashed (signal 11, Segmentation fault)",
 * "it did not finish within 60 s", "it exited with status 3"; "it finished" for SMP_CHILD_DONE. */
void smp_child_end_describe(const smp_child_end *end, double timeout_s, char *out, size_t size);

#endif
