/* Fuzz target: the plan loader (plan/plan.h), as `smpsim render --plan FILE --set PATH=VALUE` drives it.
 * The input is the plan file's text up to its first NUL byte; every further NUL-separated piece is a --set
 * override (at most FUZZ_PLAN_MAX_SETS). Promises checked: a refusal has a one-line message; a plan that
 * loads validates, saves, and loads back equal to itself. */
#include "fuzz/fuzz.h"

#include "plan/plan.h"

#define FUZZ_PLAN_MAX_SETS 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t file_size = nul ? (size_t)(nul - data) : size;
    /* The overrides as C strings: a copy of the tail, whose NULs end them. */
    char *tail = NULL;
    const char *sets[FUZZ_PLAN_MAX_SETS];
    int set_count = 0;
    if (nul) {
        size_t n = size - file_size - 1;
        tail = malloc(n + 1);
        if (!tail) return 0;
        memcpy(tail, nul + 1, n);
        tail[n] = '\0';
        for (size_t i = 0; i <= n && set_count < FUZZ_PLAN_MAX_SETS; i += strlen(tail + i) + 1)
            sets[set_count++] = tail + i;
    }
    const char *path = fuzz_scratch_write("plan.json", data, file_size);
    plan p, back;
    smp_error err = {0};
    if (plan_load(&p, path, sets, set_count, NULL, NULL, &err) != SMP_OK) {
        fuzz_check_message("plan_load", err.message);
    } else {
        if (plan_validate(&p, "loaded", &err) != SMP_OK)
            fuzz_fail("a loaded plan fails validation: %s", err.message);
        char saved[512];
        snprintf(saved, sizeof saved, "%s", path);
        strcpy(strrchr(saved, '/') + 1, "saved.json");
        if (plan_save(&p, saved, &err) != SMP_OK) fuzz_fail("a loaded plan is not saved: %s", err.message);
        if (plan_load(&back, saved, NULL, 0, NULL, NULL, &err) != SMP_OK)
            fuzz_fail("a saved plan does not load back: %s", err.message);
        if (!plan_equal(&p, &back)) {
            char *a = plan_to_json(&p), *b = plan_to_json(&back);
            fuzz_fail("a saved plan loads back different:\n%s\n---\n%s", a ? a : "?", b ? b : "?");
        }
    }
    free(tail);
    return 0;
}
