#include "test_util.h"

#include "core/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void write_atomic_then_read_should_round_trip(void **state)
{
    char path[] = "/tmp/smp_test_filesXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    smp_error err = {0};
    const char text[] = "{\"version\": 1}";
    assert_int_equal(smp_file_write_atomic(path, text, strlen(text), &err), SMP_OK);
    char *data = NULL;
    size_t size = 0;
    assert_int_equal(smp_file_read(path, &data, &size, &err), SMP_OK);
    assert_int_equal(size, strlen(text));
    assert_string_equal(data, text);
    free(data);
    remove(path);
}

static void read_of_missing_file_should_be_an_input_error_naming_the_file(void **state)
{
    smp_error err = {0};
    char *data = NULL;
    assert_int_equal(smp_file_read("/nonexistent/plan.json", &data, NULL, &err), SMP_ERR_INPUT);
    assert_null(data);
    assert_non_null(strstr(err.message, "/nonexistent/plan.json"));
}

static void read_max_should_take_a_file_of_the_limit_and_refuse_one_byte_more(void **state)
{
    char path[] = "/tmp/smp_test_filesXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    smp_error err = {0};
    /* 100000 bytes: past the first read buffer (64 KiB), so the growth up to the limit is exercised too. */
    size_t limit = 100000;
    char *text = malloc(limit + 1);
    assert_non_null(text);
    memset(text, 'x', limit + 1);
    assert_int_equal(smp_file_write_atomic(path, text, limit, &err), SMP_OK);
    char *data = NULL;
    size_t size = 0;
    assert_int_equal(smp_file_read_max(path, limit, "a test file", &data, &size, &err), SMP_OK);
    assert_int_equal(size, limit);
    assert_int_equal(data[limit], '\0');
    free(data);
    assert_int_equal(smp_file_write_atomic(path, text, limit + 1, &err), SMP_OK);
    assert_int_equal(smp_file_read_max(path, limit, "a test file", &data, &size, &err), SMP_ERR_INPUT);
    assert_null(data);
    char want[600];
    snprintf(want, sizeof want, "%s: more than 100000 bytes; a test file has at most 100000", path);
    assert_string_equal(err.message, want);
    free(text);
    remove(path);
}

/* A device or pipe states no size: it is read only up to the limit. */
static void read_max_should_stop_an_endless_stream_at_the_limit(void **state)
{
    smp_error err = {0};
    char *data = NULL;
    assert_int_equal(smp_file_read_max("/dev/zero", 4096, "a plan file", &data, NULL, &err), SMP_ERR_INPUT);
    assert_null(data);
    assert_string_equal(err.message, "/dev/zero: more than 4096 bytes; a plan file has at most 4096");
}

static void write_into_missing_directory_should_fail_and_leave_nothing(void **state)
{
    smp_error err = {0};
    assert_int_equal(smp_file_write_atomic("/nonexistent/dir/out.json", "x", 1, &err), SMP_ERR_IO);
    assert_int_equal(access("/nonexistent/dir/out.json", F_OK), -1);
}

static void error_prefix_should_prepend_the_source(void **state)
{
    smp_error err = {0};
    smp_error_set(&err, SMP_ERR_INPUT, "pigment.depth_mm: must be between 0.1 and 3.0 mm, got %g", -1.0);
    smp_error_prefix(&err, "plan.json");
    assert_string_equal(err.message, "plan.json: pigment.depth_mm: must be between 0.1 and 3.0 mm, got -1");
}

/* Found by fuzzing the plan loader: a multi-line --set value was quoted into a multi-line message. */
static void error_set_should_keep_a_message_quoting_control_characters_on_one_line(void **state)
{
    smp_error err = {0};
    smp_error_set(&err, SMP_ERR_INPUT, "--set %s: malformed", "{\n\t\"version\": 1\r\x01}");
    assert_string_equal(err.message, "--set {\\n\\t\"version\": 1\\r\\x01}: malformed");
    smp_error_prefix(&err, "a\nb");
    assert_string_equal(err.message, "a\\nb: --set {\\n\\t\"version\": 1\\r\\x01}: malformed");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(write_atomic_then_read_should_round_trip),
        cmocka_unit_test(read_of_missing_file_should_be_an_input_error_naming_the_file),
        cmocka_unit_test(read_max_should_take_a_file_of_the_limit_and_refuse_one_byte_more),
        cmocka_unit_test(read_max_should_stop_an_endless_stream_at_the_limit),
        cmocka_unit_test(write_into_missing_directory_should_fail_and_leave_nothing),
        cmocka_unit_test(error_prefix_should_prepend_the_source),
        cmocka_unit_test(error_set_should_keep_a_message_quoting_control_characters_on_one_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
