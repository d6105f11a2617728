/* Shared by the fuzz harnesses, one per loader (tests/fuzz/fuzz_<target>.c). Each defines libFuzzer's entry
 * point and is built two ways: by scripts/fuzz.sh with clang's -fsanitize=fuzzer,address,undefined, which
 * explores new inputs, and by the project's own compiler with replay_main.c, which CTest runs over the
 * target's corpus (tests/fuzz/corpus/<target>/) in the release and the sanitizer trees, so every input the
 * fuzzer once broke a loader with stays fixed.
 *
 * A harness checks more than "no crash": what a loader accepts must hold its documented promises (a saved
 * plan loads back equal, every index of a scan is in range) and what it refuses must come with a one-line
 * message. A broken promise calls fuzz_fail, which prints the reason and aborts, so libFuzzer keeps the
 * input.
 */
#ifndef SMP_FUZZ_H
#define SMP_FUZZ_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* libFuzzer's entry point: 0 always (a rejected input is a normal outcome). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reports a broken promise and aborts (libFuzzer saves the input as a crash). */
static inline void fuzz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

/* A refusal's message is one line of text: not empty, no line breaks or other control characters. */
static inline void fuzz_check_message(const char *what, const char *message)
{
    if (!message[0]) fuzz_fail("%s: refused with an empty message", what);
    for (const char *c = message; *c; ++c)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            fuzz_fail("%s: message has control character 0x%02x at %d: %s", what, (unsigned char)*c,
                      (int)(c - message), message);
}

/* The loaders under test that read paths get the input as a file: this writes size bytes to a file named
 * name in a scratch folder made once per process (removed at exit) and returns its path (static storage,
 * valid until the next call). */
static inline char *fuzz_scratch_dir(void)
{
    static char dir[256];
    return dir;
}

static inline void fuzz_scratch_remove(void)
{
    /* Files the harnesses wrote, then the folder (which fails harmlessly while something else is left). */
    static const char *const names[] = {"plan.json", "saved.json", "input.obj", "input.ply",
                                        "input.stl", "input.gltf", "input.glb"};
    char path[512];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i) {
        snprintf(path, sizeof path, "%s/%s", fuzz_scratch_dir(), names[i]);
        unlink(path);
    }
    rmdir(fuzz_scratch_dir());
}

static inline const char *fuzz_scratch_write(const char *name, const void *data, size_t size)
{
    static char path[512];
    char *dir = fuzz_scratch_dir();
    if (!dir[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, 256, "%s/smpsim-fuzz-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
        if (!mkdtemp(dir)) {
            perror("fuzz: mkdtemp");
            exit(1);
        }
        atexit(fuzz_scratch_remove);
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || (size > 0 && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
        perror("fuzz: writing the scratch file");
        exit(1);
    }
    return path;
}

#endif
