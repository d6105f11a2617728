/* Loading plans: defaults <- file <- --set, and the one-line errors that name source, field and range.
 * Runs in a fresh temporary folder so messages can name "plan.json" exactly. */
#include "test_util.h"

#include "plan/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct warnings {
    int count;
    char last[512];
} warnings;

static void record_warning(void *user, smp_log_level level, const char *message)
{
    warnings *w = user;
    assert_int_equal(level, SMP_LOG_WARN);
    w->count++;
    snprintf(w->last, sizeof w->last, "%s", message);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    fclose(f);
}

/* Loads json (written to plan.json; NULL for no file) with the given overrides. */
static smp_status load(plan *p, const char *json, const char *const *sets, int set_count, warnings *w,
                       smp_error *err)
{
    if (json) write_text("plan.json", json);
    return plan_load(p, json ? "plan.json" : NULL, sets, set_count, record_warning, w, err);
}

/* A load that must fail with exactly this message and leave the caller's plan as it was. */
typedef struct error_case {
    const char *json; /* written to plan.json; NULL for no file */
    const char *set;  /* one override; NULL for none */
    const char *expected;
} error_case;

static void expect_errors(const error_case *cases, int count)
{
    for (int i = 0; i < count; ++i) {
        plan p, before;
        plan_init_default(&p);
        p.seed = 4242; /* not the default, so "reset to defaults" would show too */
        before = p;
        smp_error err = {0};
        warnings w = {0};
        smp_status status = load(&p, cases[i].json, &cases[i].set, cases[i].set ? 1 : 0, &w, &err);
        if (status != SMP_ERR_INPUT)
            fail_msg("status %d for '%s' (message: %s)", status, cases[i].expected, err.message);
        assert_string_equal(err.message, cases[i].expected);
        assert_true(plan_equal(&p, &before));
    }
}

#define EXPECT_ERRORS(cases) expect_errors(cases, (int)(sizeof cases / sizeof cases[0]))

static void expect_ok(const char *json, const char *const *sets, int set_count, plan *p)
{
    smp_error err = {0};
    warnings w = {0};
    smp_status status = load(p, json, sets, set_count, &w, &err);
    if (status != SMP_OK) fail_msg("unexpected failure: %s", err.message);
    assert_int_equal(w.count, 0);
}

static void load_without_file_or_overrides_should_give_the_defaults(void **state)
{
    (void)state;
    plan p, d;
    memset(&p, 0xff, sizeof p);
    expect_ok(NULL, NULL, 0, &p);
    plan_init_default(&d);
    assert_true(plan_equal(&p, &d));
}

static void minimal_file_should_give_the_defaults(void **state)
{
    (void)state;
    plan p, d;
    expect_ok("{\"version\": 1}", NULL, 0, &p);
    plan_init_default(&d);
    assert_true(plan_equal(&p, &d));
}

static void file_values_should_merge_over_the_defaults_key_by_key(void **state)
{
    (void)state;
    plan p;
    expect_ok("{\"version\": 1, \"pigment\": {\"depth_mm\": 1.5}, \"seed\": 7,"
              " \"sessions\": [{\"day\": 0, \"density_per_cm2\": 50, \"shade\": 0.5}]}",
              NULL, 0, &p);
    assert_near(p.pigment.depth_mm, 1.5, 0);
    assert_near(p.pigment.shade, 0.58, 0); /* same object, other key: kept */
    assert_int_equal(p.pigment.needle, PLAN_NEEDLE_1RL);
    assert_near(p.pigment.dot_diameter_mm, 0, 0); /* kept null: the needle decides */
    assert_int_equal(p.seed, 7);
    assert_int_equal(p.session_count, 1); /* lists replace whole */
    assert_near(p.sessions[0].density_per_cm2, 50, 0);
    assert_int_equal(p.scar_count, 2); /* untouched section: defaults */
    assert_int_equal(p.patient.pattern, PLAN_PATTERN_NORWOOD_6);
}

static void ludwig_in_a_file_should_replace_the_default_norwood(void **state)
{
    (void)state;
    plan p;
    expect_ok("{\"version\": 1, \"patient\": {\"ludwig\": \"II\"}}", NULL, 0, &p);
    assert_int_equal(p.patient.pattern, PLAN_PATTERN_LUDWIG_II);
    assert_int_equal(p.patient.fitzpatrick, 3);
}

static void null_norwood_should_mean_no_hair_loss(void **state)
{
    (void)state;
    plan p;
    expect_ok("{\"version\": 1, \"patient\": {\"norwood\": null}}", NULL, 0, &p);
    assert_int_equal(p.patient.pattern, PLAN_PATTERN_NONE);
}

static void unknown_field_in_a_file_should_warn_and_be_ignored(void **state)
{
    (void)state;
    plan p;
    smp_error err = {0};
    warnings w = {0};
    assert_int_equal(
        load(&p, "{\"version\": 1, \"pigment\": {\"colour\": \"black\", \"shade\": 0.5}}", NULL, 0, &w, &err),
        SMP_OK);
    assert_int_equal(w.count, 1);
    assert_string_equal(w.last, "plan.json: unknown field 'pigment.colour' ignored");
    assert_near(p.pigment.shade, 0.5, 0);
    /* Fields of the other scar type are unknown for this one. */
    w.count = 0;
    assert_int_equal(
        load(&p,
             "{\"version\": 1, \"scars\": [{\"type\": \"fut\", \"length_cm\": 10, \"width_mm\": 1,"
             " \"height_above_nape_cm\": 5, \"depth_mm\": 0, \"count\": 3}]}",
             NULL, 0, &w, &err),
        SMP_OK);
    assert_int_equal(w.count, 1);
    assert_string_equal(w.last, "plan.json: unknown field 'scars[0].count' ignored");
    assert_int_equal(p.scar_count, 1);
}

static void set_should_override_numbers_strings_lists_indices_and_objects(void **state)
{
    (void)state;
    plan p;
    const char *sets[] = {
        "pigment.depth_mm=1.5",                                            /* number */
        "patient.norwood=3V",                                              /* bare word taken as a string */
        "hairline.style=\"linear\"",                                       /* JSON string */
        "sessions[1].shade=0.9",                                           /* index */
        "pigment={\"shade\": 0.2}",                                        /* object: merges */
        "touch_ups=[]",                                                    /* list: replaces */
        "sessions[3]={\"day\": 60, \"density_per_cm2\": 5, \"shade\": 1}", /* appends */
        "aftercare.hat=true",
        "head.mesh=heads/scan.obj",
    };
    expect_ok(NULL, sets, (int)(sizeof sets / sizeof sets[0]), &p);
    assert_near(p.pigment.depth_mm, 1.5, 0);
    assert_near(p.pigment.shade, 0.2, 0);
    assert_near(p.pigment.pin_diameter_mm, 0.35, 0);
    assert_int_equal(p.patient.pattern, PLAN_PATTERN_NORWOOD_3V);
    assert_int_equal(p.hairline.style, PLAN_HAIRLINE_LINEAR);
    assert_near(p.sessions[1].shade, 0.9, 0);
    assert_near(p.sessions[1].day, 14, 0);
    assert_int_equal(p.session_count, 4);
    assert_near(p.sessions[3].day, 60, 0);
    assert_int_equal(p.touch_up_count, 0);
    assert_true(p.aftercare.hat);
    assert_string_equal(p.head.mesh, "heads/scan.obj");
}

static void set_of_empty_sessions_should_give_the_untreated_before(void **state)
{
    (void)state;
    plan p;
    const char *sets[] = {"sessions=[]"};
    expect_ok(NULL, sets, 1, &p);
    assert_int_equal(p.session_count, 0);
    assert_near(plan_healed_day(&p), 0, 0);
}

static void set_should_apply_after_the_file_in_order(void **state)
{
    (void)state;
    plan p;
    const char *sets[] = {"pigment.shade=0.3", "pigment.shade=0.4", "patient.ludwig=I", "patient.norwood=2A"};
    expect_ok("{\"version\": 1, \"pigment\": {\"shade\": 0.9}}", sets, 4, &p);
    assert_near(p.pigment.shade, 0.4, 0);
    assert_int_equal(p.patient.pattern, PLAN_PATTERN_NORWOOD_2A);
}

static void set_may_fix_what_the_file_gets_wrong_because_checks_run_once(void **state)
{
    (void)state;
    plan p;
    const char *sets[] = {"pigment.depth_mm=0.5", "sessions[1].day=20", "sessions[2].day=40"};
    expect_ok("{\"version\": 1, \"pigment\": {\"depth_mm\": 9}}", sets, 3, &p);
    assert_near(p.pigment.depth_mm, 0.5, 0);
    assert_near(p.sessions[2].day, 40, 0);
}

static void seed_should_accept_every_integer_from_0_to_2_pow_53(void **state)
{
    (void)state;
    plan p;
    const char *zero[] = {"seed=0"}, *top[] = {"seed=9007199254740992"};
    expect_ok(NULL, zero, 1, &p);
    assert_true(p.seed == 0);
    expect_ok(NULL, top, 1, &p);
    assert_true(p.seed == 9007199254740992ULL);
    static const error_case cases[] = {
        {NULL, "seed=9007199254740994",
         "--set seed=9007199254740994: seed: must be an integer between 0 and 9007199254740992, got "
         "9007199254740994"},
        {NULL, "seed=-1", "--set seed=-1: seed: must be an integer between 0 and 9007199254740992, got -1"},
        {"{\"version\": 1, \"seed\": \"abc\"}", NULL, "plan.json: seed: must be an integer, got \"abc\""},
        {"{\"version\": 1, \"seed\": 1.5}", NULL, "plan.json: seed: must be an integer, got 1.5"},
    };
    EXPECT_ERRORS(cases);
}

static void out_of_range_values_should_name_the_field_and_the_range(void **state)
{
    (void)state;
    static const error_case cases[] = {
        {"{\"version\": 1, \"pigment\": {\"depth_mm\": -1}}", NULL,
         "plan.json: pigment.depth_mm: must be between 0.1 and 3.0 mm, got -1"},
        {NULL, "sessions[1].shade=1.5",
         "--set sessions[1].shade=1.5: sessions[1].shade: must be between 0 and 1, got 1.5"},
        {NULL, "head.circumference_cm=80",
         "--set head.circumference_cm=80: head.circumference_cm: must be between 48 and 66 cm, got 80"},
        {NULL, "patient.fitzpatrick=7",
         "--set patient.fitzpatrick=7: patient.fitzpatrick: must be an integer between 1 and 6, got 7"},
        {NULL, "patient.fitzpatrick=2.5",
         "--set patient.fitzpatrick=2.5: patient.fitzpatrick: must be an integer, got 2.5"},
        {NULL, "scars[1].count=20000",
         "--set scars[1].count=20000: scars[1].count: must be an integer between 0 and 10000, got 20000"},
        {NULL, "pigment.dot_diameter_mm=0.01",
         "--set pigment.dot_diameter_mm=0.01: pigment.dot_diameter_mm: must be between 0.05 and 1.50 mm or "
         "null, "
         "got 0.01"},
        {NULL, "aftercare.spf=150",
         "--set aftercare.spf=150: aftercare.spf: must be between 0 and 100, got 150"},
        {NULL, "touch_ups[0].year=60",
         "--set touch_ups[0].year=60: touch_ups[0].year: must be between 0 and 50 years, got 60"},
        {NULL, "pigment.depth_mm=1e999",
         "--set pigment.depth_mm=1e999: pigment.depth_mm: must be between 0.1 and 3.0 mm, got inf"},
    };
    EXPECT_ERRORS(cases);
}

static void wrong_types_and_enum_values_should_list_what_is_allowed(void **state)
{
    (void)state;
    static const error_case cases[] = {
        {"{\"version\": 1, \"patient\": {\"norwood\": \"8\"}}", NULL,
         "plan.json: patient.norwood: must be one of 1, 2, 2A, 3, 3A, 3V, 4, 4A, 5, 5A, 5V, 6, 7, got \"8\""},
        {NULL, "patient.ludwig=IV",
         "--set patient.ludwig=IV: patient.ludwig: must be one of I, II, III, got \"IV\""},
        {"{\"version\": 1, \"patient\": {\"sex\": \"other\"}}", NULL,
         "plan.json: patient.sex: must be one of male, female, got \"other\""},
        {NULL, "patient.sex=robot",
         "--set patient.sex=robot: patient.sex: must be one of male, female, got \"robot\""},
        {NULL, "hairline.style=curly",
         "--set hairline.style=curly: hairline.style: must be one of soft, linear, got \"curly\""},
        {NULL, "pigment.ink_quality=3",
         "--set pigment.ink_quality=3: pigment.ink_quality: must be one of medical, cosmetic, tattoo, "
         "inferior, got "
         "3"},
        {NULL, "pigment.shade=dark",
         "--set pigment.shade=dark: pigment.shade: must be a number, got \"dark\""},
        {NULL, "aftercare.hat=1", "--set aftercare.hat=1: aftercare.hat: must be true or false, got 1"},
        {NULL, "patient.hair_color=red",
         "--set patient.hair_color=red: patient.hair_color: must be a colour \"#rrggbb\", got \"red\""},
        {NULL, "hairline=linear", "--set hairline=linear: hairline: must be an object, got \"linear\""},
        {NULL, "sessions={}", "--set sessions={}: sessions: must be a list, got {}"},
        {NULL, "head.mesh=3", "--set head.mesh=3: head.mesh: must be a file path (a string) or null, got 3"},
    };
    EXPECT_ERRORS(cases);
}

static void unknown_set_paths_and_bad_indices_should_be_errors(void **state)
{
    (void)state;
    static const error_case cases[] = {
        {NULL, "pigment.dpth_mm=1",
         "--set pigment.dpth_mm=1: unknown field 'pigment.dpth_mm' (pigment has: shade, depth_mm, needle, "
         "pin_diameter_mm, dot_diameter_mm, ink_quality)"},
        {NULL, "sessions[5].shade=1",
         "--set sessions[5].shade=1: index 5 out of range (sessions has 3 entries)"},
        {NULL, "sessions[3].shade=1",
         "--set sessions[3].shade=1: index 3 out of range (sessions has 3 entries)"},
        {NULL, "colour=1",
         "--set colour=1: unknown field 'colour' (a plan has: version, seed, head, patient, progression, "
         "hairline, "
         "hairline_points, zones, pigment, clusters, sessions, scars, aftercare, touch_ups, fading)"},
        {NULL, "scars[0].count=5",
         "--set scars[0].count=5: unknown field 'scars[0].count' (a fut scar has: type, length_cm, width_mm, "
         "height_above_nape_cm, depth_mm, form)"},
        {NULL, "sessions[0].colour=1",
         "--set sessions[0].colour=1: unknown field 'sessions[0].colour' (a session has: day, "
         "density_per_cm2, shade)"},
        {NULL, "pigment={\"shade\": 0.5, \"colour\": 1}",
         "--set pigment={\"shade\": 0.5, \"colour\": 1}: unknown field 'pigment.colour' (pigment has: shade, "
         "depth_mm, needle, pin_diameter_mm, dot_diameter_mm, ink_quality)"},
        {NULL, "pigment[0]=1", "--set pigment[0]=1: 'pigment' is an object: write pigment.FIELD"},
        {NULL, "sessions.day=1", "--set sessions.day=1: 'sessions' is a list: write sessions[INDEX].FIELD"},
        {NULL, "seed.x=1", "--set seed.x=1: 'seed' is a single value and has no fields"},
        {NULL, "pigment.depth_mm", "--set pigment.depth_mm: expected PATH=VALUE"},
        {NULL, "pigment..shade=1",
         "--set pigment..shade=1: malformed field path 'pigment..shade' (write name.field or "
         "name[index].field)"},
        {NULL, "sessions=[1,2", "--set sessions=[1,2: malformed JSON value at character 5"},
    };
    EXPECT_ERRORS(cases);
}

static void malformed_json_should_give_line_and_column(void **state)
{
    (void)state;
    static const error_case cases[] = {
        {"{\n  \"version\": 1,\n  \"pigment\": {\n    \"depth_mm\": 1,,\n  }\n}\n", NULL,
         "plan.json: line 4, column 20: malformed JSON (near '\"depth_mm\": 1,,')"},
        {"{\"version\": 1,\n\"seed\": 1", NULL,
         "plan.json: line 2, column 10: malformed JSON (unexpected end of file)"},
        {"[1]", NULL, "plan.json: must be a JSON object {...}, got [1]"},
    };
    EXPECT_ERRORS(cases);
}

static void file_errors_should_name_the_file(void **state)
{
    (void)state;
    plan p;
    plan_init_default(&p);
    smp_error err = {0};
    assert_int_equal(plan_load(&p, "missing.json", NULL, 0, NULL, NULL, &err), SMP_ERR_INPUT);
    assert_string_equal(err.message, "missing.json: cannot open: No such file or directory");
    static const error_case cases[] = {
        {"{\"seed\": 2}", NULL, "plan.json: version: missing (this program reads version 1)"},
        {"{\"version\": 2}", NULL, "plan.json: version: must be 1, got 2"},
        {NULL, "version=2", "--set version=2: version: must be 1, got 2"},
        {"{\"version\": 1, \"seed\": 1, \"seed\": 2}", NULL, "plan.json: seed: given twice"},
    };
    EXPECT_ERRORS(cases);
}

static void plan_rules_should_be_checked_on_the_merged_plan(void **state)
{
    (void)state;
    static const error_case cases[] = {
        {"{\"version\": 1, \"patient\": {\"norwood\": \"3\", \"ludwig\": \"I\"}}", NULL,
         "plan.json: patient: give either 'norwood' or 'ludwig', not both"},
        {NULL, "sessions[1].day=40",
         "--set sessions[1].day=40: sessions[2].day: must be later than the entry before (40 days), got 35"},
        {NULL, "sessions[0].day=3",
         "--set sessions[0].day=3: sessions[0].day: must be 0 (days count from the first session), got 3"},
        {NULL,
         "touch_ups=[{\"year\": 5, \"density_per_cm2\": 1, \"shade\": 1}, {\"year\": 2, \"density_per_cm2\": "
         "1, \"shade\": 1}]",
         "--set touch_ups=[{\"year\": 5, \"density_per_cm2\": 1, \"shade\": 1}, {\"year\": 2, "
         "\"density_per_cm2\": 1, "
         "\"shade\": 1}]: touch_ups[1].year: must be later than the entry before (5 years), got 2"},
        {NULL, "scars=[{},{},{},{},{},{},{},{},{}]",
         "--set scars=[{},{},{},{},{},{},{},{},{}]: scars: must have at most 8 entries, got 9"},
        {NULL, "sessions[3]={\"day\": 60}",
         "--set sessions[3]={\"day\": 60}: sessions[3]: missing field 'density_per_cm2'"},
        {NULL, "scars[0]={\"type\": \"fue\"}",
         "--set scars[0]={\"type\": \"fue\"}: scars[0]: missing field 'count'"},
    };
    EXPECT_ERRORS(cases);
}

static void needle_pin_deposit_width_and_inferior_ink_should_load_from_a_file(void **state)
{
    (void)state;
    plan p;
    expect_ok("{\"version\": 1, \"pigment\": {\"needle\": \"7RL\", \"pin_diameter_mm\": 0.25,"
              " \"dot_diameter_mm\": 0.9, \"ink_quality\": \"inferior\"}}",
              NULL, 0, &p);
    assert_int_equal(p.pigment.needle, PLAN_NEEDLE_7RL);
    assert_near(p.pigment.pin_diameter_mm, 0.25, 0);
    assert_near(p.pigment.dot_diameter_mm, 0.9, 0);
    assert_int_equal(p.pigment.ink_quality, PLAN_INK_INFERIOR);
    assert_near(p.pigment.depth_mm, 0.4, 0); /* the rest of pigment: defaults */
    /* Needle names ignore case, as every enum does. */
    expect_ok("{\"version\": 1, \"pigment\": {\"needle\": \"3rl\"}}", NULL, 0, &p);
    assert_int_equal(p.pigment.needle, PLAN_NEEDLE_3RL);
}

/* Plans written before the needle fields gave the healed dot diameter; they load as they are, and the
 * number is read as the deposit's width. */
static void an_old_plan_with_a_dot_diameter_should_keep_loading(void **state)
{
    (void)state;
    plan p;
    expect_ok("{\"version\": 1, \"pigment\": {\"shade\": 0.7, \"depth_mm\": 0.4, \"dot_diameter_mm\": 0.15,"
              " \"ink_quality\": \"medical\"}}",
              NULL, 0, &p);
    assert_near(p.pigment.dot_diameter_mm, 0.15, 0);
    assert_int_equal(p.pigment.needle, PLAN_NEEDLE_1RL);
    assert_near(p.pigment.pin_diameter_mm, 0.35, 0); /* the built-in gauge */
}

static void set_should_change_needle_pin_diameter_deposit_width_and_ink_quality(void **state)
{
    (void)state;
    plan p;
    const char *sets[] = {"pigment.needle=5RL", "pigment.pin_diameter_mm=0.35", "pigment.dot_diameter_mm=0.2",
                          "pigment.ink_quality=inferior"};
    expect_ok(NULL, sets, 4, &p);
    assert_int_equal(p.pigment.needle, PLAN_NEEDLE_5RL);
    assert_near(p.pigment.pin_diameter_mm, 0.35, 0);
    assert_near(p.pigment.dot_diameter_mm, 0.2, 0);
    assert_int_equal(p.pigment.ink_quality, PLAN_INK_INFERIOR);
    const char *quoted[] = {"pigment.needle=\"7RL\"",
                            "pigment={\"ink_quality\": \"tattoo\", \"dot_diameter_mm\": 1.5}"};
    expect_ok(NULL, quoted, 2, &p);
    assert_int_equal(p.pigment.needle, PLAN_NEEDLE_7RL);
    assert_int_equal(p.pigment.ink_quality, PLAN_INK_TATTOO);
    assert_near(p.pigment.dot_diameter_mm, 1.5, 0);
}

static void null_dot_diameter_should_hand_the_width_back_to_the_needle(void **state)
{
    (void)state;
    plan p;
    /* In a file ... */
    expect_ok("{\"version\": 1, \"pigment\": {\"dot_diameter_mm\": null}}", NULL, 0, &p);
    assert_near(p.pigment.dot_diameter_mm, 0, 0);
    /* ... and with --set, over a file that gave a number. */
    const char *sets[] = {"pigment.dot_diameter_mm=null"};
    expect_ok("{\"version\": 1, \"pigment\": {\"dot_diameter_mm\": 0.15}}", sets, 1, &p);
    assert_near(p.pigment.dot_diameter_mm, 0, 0);
    const char *back[] = {"pigment.dot_diameter_mm=null", "pigment.dot_diameter_mm=0.5"};
    expect_ok(NULL, back, 2, &p);
    assert_near(p.pigment.dot_diameter_mm, 0.5, 0);
}

static void bad_needle_fields_should_name_the_field_and_what_is_allowed(void **state)
{
    (void)state;
    static const error_case cases[] = {
        {"{\"version\": 1, \"pigment\": {\"pin_diameter_mm\": 0.9}}", NULL,
         "plan.json: pigment.pin_diameter_mm: must be between 0.15 and 0.40 mm, got 0.9"},
        {NULL, "pigment.pin_diameter_mm=0.1",
         "--set pigment.pin_diameter_mm=0.1: pigment.pin_diameter_mm: must be between 0.15 and 0.40 mm, "
         "got 0.1"},
        {"{\"version\": 1, \"pigment\": {\"needle\": \"9RL\"}}", NULL,
         "plan.json: pigment.needle: must be one of 1RL, 3RL, 5RL, 7RL, got \"9RL\""},
        {NULL, "pigment.needle=3RS",
         "--set pigment.needle=3RS: pigment.needle: must be one of 1RL, 3RL, 5RL, 7RL, got \"3RS\""},
        {NULL, "pigment.needle=3",
         "--set pigment.needle=3: pigment.needle: must be one of 1RL, 3RL, 5RL, 7RL, got 3"},
        {"{\"version\": 1, \"pigment\": {\"dot_diameter_mm\": 2}}", NULL,
         "plan.json: pigment.dot_diameter_mm: must be between 0.05 and 1.50 mm or null, got 2"},
        /* 0 is not null: null is written null. */
        {NULL, "pigment.dot_diameter_mm=0",
         "--set pigment.dot_diameter_mm=0: pigment.dot_diameter_mm: must be between 0.05 and 1.50 mm or "
         "null, "
         "got 0"},
        {NULL, "pigment.dot_diameter_mm=wide",
         "--set pigment.dot_diameter_mm=wide: pigment.dot_diameter_mm: must be a number or null, got "
         "\"wide\""},
        {NULL, "pigment.ink_quality=cheap",
         "--set pigment.ink_quality=cheap: pigment.ink_quality: must be one of medical, cosmetic, tattoo, "
         "inferior, "
         "got \"cheap\""},
    };
    EXPECT_ERRORS(cases);
}

static void errors_should_blame_the_source_that_wrote_the_field(void **state)
{
    (void)state;
    /* The file's bad depth is blamed on the file even though an override came after it. */
    static const error_case cases[] = {
        {"{\"version\": 1, \"pigment\": {\"depth_mm\": 7}}", "pigment.shade=0.5",
         "plan.json: pigment.depth_mm: must be between 0.1 and 3.0 mm, got 7"},
        {"{\"version\": 1, \"pigment\": {\"shade\": 0.5}}", "pigment.depth_mm=7",
         "--set pigment.depth_mm=7: pigment.depth_mm: must be between 0.1 and 3.0 mm, got 7"},
        /* The same for the nullable deposit width. */
        {"{\"version\": 1, \"pigment\": {\"dot_diameter_mm\": 3}}", "pigment.needle=3RL",
         "plan.json: pigment.dot_diameter_mm: must be between 0.05 and 1.50 mm or null, got 3"},
    };
    EXPECT_ERRORS(cases);
}

/* Progression: off by default, so a plan without the object (every plan written before it) loads as
 * before. */
static void progression_should_default_to_off_and_load_from_a_file_and_set(void **state)
{
    (void)state;
    plan p;
    expect_ok("{\"version\": 1, \"patient\": {\"grey_fraction\": 0.1}}", NULL, 0, &p);
    assert_int_equal(p.progression.pattern, PLAN_PATTERN_NONE);
    assert_near(p.progression.years, 10, 0);
    assert_true(p.progression.grey_fraction == PLAN_NONE);
    assert_near(p.progression.grey_years, 10, 0);
    assert_false(p.progression.treat_future_area);
    expect_ok("{\"version\": 1, \"progression\": {\"norwood\": \"7\", \"years\": 12, \"grey_fraction\": 0.4,"
              " \"grey_years\": 20, \"treat_future_area\": true}}",
              NULL, 0, &p);
    assert_int_equal(p.progression.pattern, PLAN_PATTERN_NORWOOD_7);
    assert_near(p.progression.years, 12, 0);
    assert_near(p.progression.grey_fraction, 0.4, 0);
    assert_near(p.progression.grey_years, 20, 0);
    assert_true(p.progression.treat_future_area);
    /* --set: a whole number reads as its class; null turns greying off again; the grey target may equal
     * today's share; a patient without loss may progress on either scale. */
    const char *sets[] = {"progression.norwood=6", "progression.grey_fraction=0",
                          "progression.grey_fraction=null"};
    expect_ok(NULL, sets, 3, &p);
    assert_int_equal(p.progression.pattern, PLAN_PATTERN_NORWOOD_6);
    assert_true(p.progression.grey_fraction == PLAN_NONE);
    const char *equal[] = {"patient.grey_fraction=0.3", "progression.grey_fraction=0.3"};
    expect_ok(NULL, equal, 2, &p);
    assert_near(p.progression.grey_fraction, 0.3, 0);
    const char *ludwig[] = {"patient.ludwig=I", "progression.ludwig=iii"};
    expect_ok(NULL, ludwig, 2, &p);
    assert_int_equal(p.patient.pattern, PLAN_PATTERN_LUDWIG_I);
    assert_int_equal(p.progression.pattern, PLAN_PATTERN_LUDWIG_III);
    const char *none[] = {"patient.norwood=null", "progression.ludwig=II"};
    expect_ok(NULL, none, 2, &p);
    assert_int_equal(p.progression.pattern, PLAN_PATTERN_LUDWIG_II);
    const char *none_n[] = {"patient.norwood=null", "progression.norwood=3V"};
    expect_ok(NULL, none_n, 2, &p);
    assert_int_equal(p.progression.pattern, PLAN_PATTERN_NORWOOD_3V);
    /* Giving ludwig removes the norwood of an earlier layer, as in patient. */
    const char *swap[] = {"patient.ludwig=II"};
    expect_ok("{\"version\": 1, \"progression\": {\"norwood\": null}}", swap, 1, &p);
    const char *swap2[] = {"patient.ludwig=II", "progression.ludwig=III"};
    expect_ok("{\"version\": 1, \"progression\": {\"norwood\": \"7\"}}", swap2, 2, &p);
    assert_int_equal(p.progression.pattern, PLAN_PATTERN_LUDWIG_III);
}

static void bad_progression_fields_should_name_the_field_and_what_is_allowed(void **state)
{
    (void)state;
    static const error_case cases[] = {
        {NULL, "progression.years=0",
         "--set progression.years=0: progression.years: must be between 1 and 40 years, got 0"},
        {"{\"version\": 1, \"progression\": {\"years\": 41}}", NULL,
         "plan.json: progression.years: must be between 1 and 40 years, got 41"},
        {NULL, "progression.grey_years=60",
         "--set progression.grey_years=60: progression.grey_years: must be between 1 and 50 years, got 60"},
        {NULL, "progression.grey_fraction=1.5",
         "--set progression.grey_fraction=1.5: progression.grey_fraction: must be between 0 and 1 or null, "
         "got 1.5"},
        {NULL, "progression.grey_fraction=-0.1",
         "--set progression.grey_fraction=-0.1: progression.grey_fraction: must be between 0 and 1 or null, "
         "got -0.1"},
        {NULL, "progression.grey_fraction=grey",
         "--set progression.grey_fraction=grey: progression.grey_fraction: must be a number or null, got "
         "\"grey\""},
        {NULL, "progression.treat_future_area=1",
         "--set progression.treat_future_area=1: progression.treat_future_area: must be true or false, got "
         "1"},
        {NULL, "progression.norwood=8",
         "--set progression.norwood=8: progression.norwood: must be one of 1, 2, 2A, 3, 3A, 3V, 4, 4A, 5, "
         "5A, 5V, "
         "6, 7, got 8"},
        {NULL, "progression.ludwig=IV",
         "--set progression.ludwig=IV: progression.ludwig: must be one of I, II, III, got \"IV\""},
        {"{\"version\": 1, \"progression\": {\"norwood\": \"7\", \"ludwig\": \"II\"}}", NULL,
         "plan.json: progression: give either 'norwood' or 'ludwig', not both"},
        /* The wrong scale: a Norwood 6 patient cannot reach a Ludwig class, nor a Ludwig patient a Norwood
         * one. */
        {NULL, "progression.ludwig=II",
         "--set progression.ludwig=II: progression.ludwig: must be on the patient's scale (patient.norwood "
         "is "
         "\"6\": give progression.norwood), got \"II\""},
        {"{\"version\": 1, \"patient\": {\"ludwig\": \"I\"}, \"progression\": {\"norwood\": \"7\"}}", NULL,
         "plan.json: progression.norwood: must be on the patient's scale (patient.ludwig is \"I\": give "
         "progression.ludwig), got \"7\""},
        /* Hair that is lost does not come back. */
        {NULL, "progression.norwood=4",
         "--set progression.norwood=4: progression.norwood: must be patient.norwood (\"6\") or a later "
         "class, "
         "got \"4\""},
        /* Grey hair does not turn dark again. */
        {"{\"version\": 1, \"patient\": {\"grey_fraction\": 0.3}, \"progression\": {\"grey_fraction\": 0.2}}",
         NULL,
         "plan.json: progression.grey_fraction: must be at least patient.grey_fraction (0.3) or null, got "
         "0.2"},
        {NULL, "progression.colour=1",
         "--set progression.colour=1: unknown field 'progression.colour' (progression has: norwood, ludwig, "
         "years, "
         "grey_fraction, grey_years, treat_future_area)"},
    };
    EXPECT_ERRORS(cases);
}

static int enter_temporary_folder(void **state)
{
    static char dir[] = "/tmp/smp_test_planXXXXXX";
    *state = dir;
    return mkdtemp(dir) && chdir(dir) == 0 ? 0 : -1;
}

static int leave_temporary_folder(void **state)
{
    remove("plan.json");
    return chdir("/") == 0 && rmdir(*state) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(load_without_file_or_overrides_should_give_the_defaults),
        cmocka_unit_test(minimal_file_should_give_the_defaults),
        cmocka_unit_test(file_values_should_merge_over_the_defaults_key_by_key),
        cmocka_unit_test(ludwig_in_a_file_should_replace_the_default_norwood),
        cmocka_unit_test(null_norwood_should_mean_no_hair_loss),
        cmocka_unit_test(unknown_field_in_a_file_should_warn_and_be_ignored),
        cmocka_unit_test(set_should_override_numbers_strings_lists_indices_and_objects),
        cmocka_unit_test(set_of_empty_sessions_should_give_the_untreated_before),
        cmocka_unit_test(set_should_apply_after_the_file_in_order),
        cmocka_unit_test(set_may_fix_what_the_file_gets_wrong_because_checks_run_once),
        cmocka_unit_test(seed_should_accept_every_integer_from_0_to_2_pow_53),
        cmocka_unit_test(out_of_range_values_should_name_the_field_and_the_range),
        cmocka_unit_test(wrong_types_and_enum_values_should_list_what_is_allowed),
        cmocka_unit_test(unknown_set_paths_and_bad_indices_should_be_errors),
        cmocka_unit_test(malformed_json_should_give_line_and_column),
        cmocka_unit_test(file_errors_should_name_the_file),
        cmocka_unit_test(plan_rules_should_be_checked_on_the_merged_plan),
        cmocka_unit_test(errors_should_blame_the_source_that_wrote_the_field),
        cmocka_unit_test(needle_pin_deposit_width_and_inferior_ink_should_load_from_a_file),
        cmocka_unit_test(an_old_plan_with_a_dot_diameter_should_keep_loading),
        cmocka_unit_test(set_should_change_needle_pin_diameter_deposit_width_and_ink_quality),
        cmocka_unit_test(null_dot_diameter_should_hand_the_width_back_to_the_needle),
        cmocka_unit_test(bad_needle_fields_should_name_the_field_and_what_is_allowed),
        cmocka_unit_test(progression_should_default_to_off_and_load_from_a_file_and_set),
        cmocka_unit_test(bad_progression_fields_should_name_the_field_and_what_is_allowed),
    };
    return cmocka_run_group_tests(tests, enter_temporary_folder, leave_temporary_folder);
}
