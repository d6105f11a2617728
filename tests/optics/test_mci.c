/* .mci reader: MCML's template layout, comments and blank lines, several runs, and malformed files reported
 * with their line number. */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optics/mci.h"

static const char *two_runs = "# A comment before the version\n"
                              "1.0\t\t\t\t# file version\n"
                              "2\t\t\t\t# number of runs\n"
                              "\n"
                              "first.mco\tA\t\t# output file name, ASCII.\n"
                              "1000\t\t\t\t# No. of photons\n"
                              "0.01\t0.02\t\t\t# dz, dr [cm]\n"
                              "40\t50\t30\t\t# No. of dz, dr, da.\n"
                              "\n"
                              "2\t\t\t\t# Number of layers\n"
                              "#n\tmua\tmus\tg\td\t# One line for each layer\n"
                              "1.0\t\t\t\t\t# n for medium above\n"
                              "1.37\t1\t100\t0.9\t0.1\t# layer 1\n"
                              "1.37\t2\t10\t0.7\t1E8\t# layer 2\n"
                              "1.2\t\t\t\t\t# n for medium below\n"
                              "\r\n"
                              "second.mco B\r\n"
                              "+500\r\n"
                              "0.005 0.005\r\n"
                              "1 1 1\r\n"
                              "1\r\n"
                              "1.33\r\n"
                              "1.5 10 90 -0.2 0.02\r\n"
                              "1.33";

static void mci_parse_should_read_every_run_of_mcml_template_layout(void **state)
{
    optics_mci_file f;
    smp_error err = {0};
    assert_int_equal(optics_mci_parse(two_runs, "two.mci", &f, &err), SMP_OK);
    assert_int_equal(f.run_count, 2);

    const optics_mci_run *a = &f.runs[0];
    assert_string_equal(a->output_name, "first.mco");
    assert_int_equal(a->format, 'A');
    assert_int_equal(a->line, 5);
    assert_true(a->input.photons == 1000);
    assert_near(a->input.dz_cm, 0.01, 0.0);
    assert_near(a->input.dr_cm, 0.02, 0.0);
    assert_int_equal(a->input.nz, 40);
    assert_int_equal(a->input.nr, 50);
    assert_int_equal(a->input.na, 30);
    assert_int_equal(a->input.layer_count, 2);
    assert_ptr_equal(a->input.layers, a->layers);
    assert_near(a->input.n_above, 1.0, 0.0);
    assert_near(a->layers[0].n, 1.37, 0.0);
    assert_near(a->layers[0].mu_a_per_cm, 1.0, 0.0);
    assert_near(a->layers[0].mu_s_per_cm, 100.0, 0.0);
    assert_near(a->layers[0].g, 0.9, 0.0);
    assert_near(a->layers[0].thickness_cm, 0.1, 0.0);
    assert_near(a->layers[1].thickness_cm, 1e8, 0.0);
    assert_near(a->input.n_below, 1.2, 0.0);
    assert_int_equal(optics_mc_input_validate(&a->input, &err), SMP_OK);

    const optics_mci_run *b = &f.runs[1];
    assert_string_equal(b->output_name, "second.mco");
    assert_int_equal(b->format, 'B');
    assert_true(b->input.photons == 500);
    assert_int_equal(b->input.layer_count, 1);
    assert_near(b->layers[0].g, -0.2, 0.0);
    assert_near(b->input.n_below, 1.33, 0.0);
    optics_mci_file_destroy(&f);
    optics_mci_file_destroy(&f); /* a destroyed file is a no-op */
}

/* Replaces the first occurrence of `from` in two_runs by `to` and expects `message` from the parser. */
static void expect_error(const char *from, const char *to, const char *message)
{
    const char *at = strstr(two_runs, from);
    assert_non_null(at);
    size_t head = (size_t)(at - two_runs);
    size_t size = strlen(two_runs) + strlen(to) + 1;
    char *text = malloc(size);
    assert_non_null(text);
    memcpy(text, two_runs, head);
    strcpy(text + head, to);
    strcat(text, at + strlen(from));

    optics_mci_file f;
    smp_error err = {0};
    smp_status st = optics_mci_parse(text, "bad.mci", &f, &err);
    free(text);
    if (st != SMP_ERR_INPUT || strcmp(err.message, message) != 0)
        fail_msg("status %d, message \"%s\", expected \"%s\"", (int)st, err.message, message);
    assert_null(f.runs);
    assert_int_equal(f.run_count, 0);
}

static void mci_parse_should_name_the_line_and_the_expected_value(void **state)
{
    expect_error("1.0\t\t\t\t# file version", "mcmli2.0",
                 "bad.mci: line 2: expected file version 1.0 (MCML 1.x format), got 'mcmli2.0'");
    expect_error("2\t\t\t\t# number of runs", "2.0",
                 "bad.mci: line 3: expected number of runs (integer between 1 and 10000), got '2.0'");
    expect_error("first.mco\tA", "first.mco X", "bad.mci: line 5: expected format A or B, got 'X'");
    expect_error(
        "1000\t", "1e3\t",
        "bad.mci: line 6: expected number of photons (integer between 1 and 1000000000000000), got '1e3'");
    expect_error(
        "1000\t", "0\t",
        "bad.mci: line 6: expected number of photons (integer between 1 and 1000000000000000), got '0'");
    expect_error("0.01\t0.02", "0.01", "bad.mci: line 7: expected dz dr (2 numbers, cm), got '0.01'");
    expect_error("0.01\t0.02", "0.01 -0.02", "bad.mci: line 7: expected dr (cm, > 0), got '-0.02'");
    expect_error("40\t50\t30", "40 50 30 1",
                 "bad.mci: line 8: expected nz nr na (3 integers), got '40 50 30 1'");
    expect_error("40\t50\t30", "40 0 30",
                 "bad.mci: line 8: expected nr (integer between 1 and 100000), got '0'");
    expect_error("1.37\t2\t10\t0.7", "1.37\t2\t10\t1.7",
                 "bad.mci: line 14: expected g of layer 2 (between -1 and 1), got '1.7'");
    expect_error("1.37\t1\t100", "1.37\tabc\t100",
                 "bad.mci: line 13: expected mua of layer 1 (1/cm, >= 0), got 'abc'");
    expect_error("1.37\t1\t100\t0.9\t0.1", "1.37 1 100 0.9",
                 "bad.mci: line 13: expected layer 1: n mua mus g d (5 numbers), got '1.37 1 100 0.9'");
    expect_error("1.2\t\t\t\t\t# n for medium below", "0",
                 "bad.mci: line 15: expected refractive index of the medium below (> 0), got '0'");
    expect_error(
        "+500", "nan",
        "bad.mci: line 18: expected number of photons (integer between 1 and 1000000000000000), got 'nan'");
    expect_error("1.5 10 90 -0.2 0.02", "1.5 10 90 -0.2 inf",
                 "bad.mci: line 23: expected thickness d of layer 1 (cm, >= 0), got 'inf'");
    /* A file that stops early, and one with more than its declared runs. */
    expect_error("1.5 10 90 -0.2 0.02\r\n1.33", "1.5 10 90 -0.2 0.02\r\n",
                 "bad.mci: line 24: expected refractive index of the medium below (> 0), got end of file");
    expect_error("2\t\t\t\t# number of runs", "1",
                 "bad.mci: line 17: expected end of file after 1 run, got 'second.mco B'");
}

static void mci_parse_should_reject_an_empty_file(void **state)
{
    optics_mci_file f;
    smp_error err = {0};
    assert_int_equal(optics_mci_parse("# only a comment\n\n", "empty.mci", &f, &err), SMP_ERR_INPUT);
    assert_string_equal(err.message,
                        "empty.mci: line 3: expected file version 1.0 (MCML 1.x format), got end of file");
    assert_int_equal(optics_mci_parse("", "empty.mci", &f, NULL), SMP_ERR_INPUT);
}

static void mci_load_should_read_the_benchmark_assets_and_report_missing_files(void **state)
{
    const char *dir = getenv("SMP_ASSET_DIR");
    if (!dir) skip();
    const char *names[4] = {"slab_vandehulst", "semiinf_giovanelli", "gardner_3layer", "twolayer_mccl"};
    const int layers[4] = {1, 1, 3, 2};
    for (int i = 0; i < 4; ++i) {
        char path[1024];
        snprintf(path, sizeof path, "%s/mci/%s.mci", dir, names[i]);
        optics_mci_file f;
        smp_error err = {0};
        if (optics_mci_load(path, &f, &err) != SMP_OK) fail_msg("%s", err.message);
        assert_int_equal(f.run_count, 1);
        assert_int_equal(f.runs[0].input.layer_count, layers[i]);
        assert_int_equal(optics_mc_input_validate(&f.runs[0].input, &err), SMP_OK);
        optics_mci_file_destroy(&f);
    }
    optics_mci_file f;
    smp_error err = {0};
    assert_int_equal(optics_mci_load("/nonexistent/none.mci", &f, &err), SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "/nonexistent/none.mci"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mci_parse_should_read_every_run_of_mcml_template_layout),
        cmocka_unit_test(mci_parse_should_name_the_line_and_the_expected_value),
        cmocka_unit_test(mci_parse_should_reject_an_empty_file),
        cmocka_unit_test(mci_load_should_read_the_benchmark_assets_and_report_missing_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
