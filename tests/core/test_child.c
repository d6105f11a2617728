#include "test_util.h"

#include "core/child.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#else
#define SANITIZED 0
#endif

static int parent_value = 41;

static bool answer(void *user, smp_buffer *reply)
{
    /* The child sees the parent's memory as it was; what it changes stays in the child. */
    parent_value++;
    smp_buffer_printf(reply, "%s %d", (const char *)user, parent_value);
    return true;
}

static bool big_answer(void *user, smp_buffer *reply)
{
    size_t n = *(const size_t *)user;
    char *block = calloc(n, 1);
    if (!block) return false;
    smp_buffer_append(reply, block, n);
    free(block);
    return true;
}

static bool aborts(void *user, smp_buffer *reply)
{
    (void)user, (void)reply;
    abort();
}

static bool refuses(void *user, smp_buffer *reply)
{
    (void)user;
    smp_buffer_puts(reply, "half an answer");
    return false;
}

static bool sleeps(void *user, smp_buffer *reply)
{
    (void)user, (void)reply;
    sleep(30);
    return true;
}

static bool allocates(void *user, smp_buffer *reply)
{
    size_t n = *(const size_t *)user;
    char *block = malloc(n);
    smp_buffer_puts(reply, block ? "allocated" : "refused");
    free(block);
    return true;
}

static void child_reply_should_arrive_and_its_changes_stay_in_the_child(void **state)
{
    (void)state;
    smp_buffer reply = {0};
    smp_child_end end;
    smp_error err = {0};
    assert_int_equal(smp_child_run(answer, "value", 10.0, 1024, 0, &reply, &end, &err), SMP_OK);
    assert_int_equal(end.kind, SMP_CHILD_DONE);
    assert_string_equal(reply.data, "value 42");
    assert_int_equal(parent_value, 41);
    smp_buffer_deinit(&reply);

    /* A reply larger than the pipe's buffer (64 KiB) arrives whole. */
    size_t n = 3u << 20;
    assert_int_equal(smp_child_run(big_answer, &n, 10.0, n, 0, &reply, &end, &err), SMP_OK);
    assert_int_equal(end.kind, SMP_CHILD_DONE);
    assert_int_equal(reply.size, n);
    smp_buffer_deinit(&reply);
}

static void child_that_aborts_or_fails_should_be_reported_with_no_reply(void **state)
{
    (void)state;
    smp_buffer reply = {0};
    smp_child_end end;
    smp_error err = {0};
    assert_int_equal(smp_child_run(aborts, NULL, 10.0, 1024, 0, &reply, &end, &err), SMP_OK);
    assert_int_equal(end.kind, SMP_CHILD_CRASHED);
    assert_int_equal(end.signal, SIGABRT);
    assert_int_equal(reply.size, 0);
    char how[128];
    smp_child_end_describe(&end, 10.0, how, sizeof how);
    assert_non_null(strstr(how, "crashed (signal 6"));

    assert_int_equal(smp_child_run(refuses, NULL, 10.0, 1024, 0, &reply, &end, &err), SMP_OK);
    assert_int_equal(end.kind, SMP_CHILD_FAILED);
    assert_int_equal(end.status, 1);
    assert_int_equal(reply.size, 0);
    smp_buffer_deinit(&reply);
}

static void child_past_its_time_or_reply_size_should_be_killed(void **state)
{
    (void)state;
    smp_buffer reply = {0};
    smp_child_end end;
    smp_error err = {0};
    assert_int_equal(smp_child_run(sleeps, NULL, 0.2, 1024, 0, &reply, &end, &err), SMP_OK);
    assert_int_equal(end.kind, SMP_CHILD_TIMEOUT);
    assert_true(end.seconds >= 0.2 && end.seconds < 10.0);
    char how[128];
    smp_child_end_describe(&end, 0.2, how, sizeof how);
    assert_string_equal(how, "it did not finish within 0.2 s");

    size_t n = 1u << 20;
    assert_int_equal(smp_child_run(big_answer, &n, 10.0, n / 2, 0, &reply, &end, &err), SMP_OK);
    assert_int_equal(end.kind, SMP_CHILD_TOO_LONG);
    assert_int_equal(reply.size, 0);
    smp_buffer_deinit(&reply);
}

static void child_address_space_should_be_limited_outside_sanitizer_builds(void **state)
{
    (void)state;
    smp_buffer reply = {0};
    smp_child_end end;
    smp_error err = {0};
    /* 64 GiB with 256 MiB allowed beyond what the process maps: refused in the child, the parent untouched.
     */
    size_t n = (size_t)64 << 30;
    if (!SANITIZED) { /* where no limit is set, the 64 GiB would be reserved: not tried */
        assert_int_equal(smp_child_run(allocates, &n, 10.0, 1024, (int64_t)256 << 20, &reply, &end, &err),
                         SMP_OK);
        assert_int_equal(end.kind, SMP_CHILD_DONE);
        assert_string_equal(reply.data, "refused");
    }
    n = (size_t)16 << 20;
    assert_int_equal(smp_child_run(allocates, &n, 10.0, 1024, (int64_t)256 << 20, &reply, &end, &err),
                     SMP_OK);
    assert_string_equal(reply.data, "allocated");
    smp_buffer_deinit(&reply);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(child_reply_should_arrive_and_its_changes_stay_in_the_child),
        cmocka_unit_test(child_that_aborts_or_fails_should_be_reported_with_no_reply),
        cmocka_unit_test(child_past_its_time_or_reply_size_should_be_killed),
        cmocka_unit_test(child_address_space_should_be_limited_outside_sanitizer_builds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
