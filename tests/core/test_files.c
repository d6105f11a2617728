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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(write_atomic_then_read_should_round_trip),
        cmocka_unit_test(read_of_missing_file_should_be_an_input_error_naming_the_file),
        cmocka_unit_test(write_into_missing_directory_should_fail_and_leave_nothing),
        cmocka_unit_test(error_prefix_should_prepend_the_source),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
