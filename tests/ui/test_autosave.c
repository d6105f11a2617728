#include "test_util.h"

#include "core/rng.h"
#include "ui/autosave.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Each test gets its own state directory through SMP_STATE_DIR. */
typedef struct fixture {
    char root[64];      /* a fresh temporary directory */
    char dir[128];      /* the state directory inside it */
    char recovery[192]; /* dir/recovery.json */
} fixture;

static void remove_tree(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0) return;
    if (S_ISDIR(sb.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            char child[512];
            snprintf(child, sizeof child, "%s/%s", path, e->d_name);
            remove_tree(child);
        }
        if (d) closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f) return -1;
    snprintf(f->root, sizeof f->root, "/tmp/smp_test_autosaveXXXXXX");
    if (!mkdtemp(f->root)) return -1;
    snprintf(f->dir, sizeof f->dir, "%s/state/smpsim", f->root);
    snprintf(f->recovery, sizeof f->recovery, "%s/recovery.json", f->dir);
    setenv("SMP_STATE_DIR", f->dir, 1);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    remove_tree(f->root);
    free(f);
    return 0;
}

static bool exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* The logger the tests hand to autosave_pending: counts the lines and keeps the last. */
typedef struct log_capture {
    int lines;
    char last[1024];
} log_capture;

static void capture_log(void *user, smp_log_level level, const char *message)
{
    log_capture *c = user;
    ++c->lines;
    snprintf(c->last, sizeof c->last, "%s", message);
}

static plan plan_with_depth(double depth_mm)
{
    plan p;
    plan_init_default(&p);
    p.pigment.depth_mm = depth_mm;
    return p;
}

/* A session that autosaves p as if editing plan_path and then dies without autosave_finish. */
static pid_t crashed_session(const plan *p, const char *plan_path)
{
    pid_t pid = fork();
    if (pid == 0) {
        autosave *as = NULL;
        smp_error err = {0};
        bool ok =
            autosave_create(&as, plan_path, NULL, &err) == SMP_OK && autosave_save(as, p, &err) == SMP_OK;
        _exit(ok ? 0 : 1);
    }
    assert_true(pid > 0);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return pid;
}

static void save_then_pending_should_offer_the_same_plan(void **state)
{
    fixture *f = *state;
    plan p = plan_with_depth(1.25);
    time_t before = time(NULL);
    pid_t pid = crashed_session(&p, "/home/doctor/plans/patient.json");
    assert_true(exists(f->recovery));
    struct stat sb;
    assert_int_equal(stat(f->dir, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);

    autosave_recovery rec;
    log_capture log = {0};
    assert_true(autosave_pending(&rec, capture_log, &log));
    assert_int_equal(log.lines, 0);
    assert_true(plan_equal(&rec.plan, &p));
    assert_string_equal(rec.plan_path, "/home/doctor/plans/patient.json");
    assert_string_equal(rec.file, f->recovery);
    assert_int_equal(rec.pid, pid);
    assert_in_range_d(rec.saved_unix_s, before - 1, time(NULL) + 1);
    assert_int_equal(strlen(rec.saved_local), 19); /* "2026-12-02 15:37:05" */
    /* The recovery file is a plan file of its own: smpsim --plan can open it. */
    plan direct;
    smp_error err = {0};
    assert_int_equal(plan_load(&direct, f->recovery, NULL, 0, NULL, NULL, &err), SMP_OK);
    assert_true(plan_equal(&direct, &p));

    assert_int_equal(autosave_recovery_discard(&rec, &err), SMP_OK);
    assert_false(exists(f->recovery));
    assert_false(autosave_pending(&rec, capture_log, &log));
}

static void finish_should_remove_the_recovery_file(void **state)
{
    fixture *f = *state;
    autosave *as = NULL;
    smp_error err = {0};
    assert_int_equal(autosave_create(&as, NULL, NULL, &err), SMP_OK);
    assert_string_equal(autosave_file(as), f->recovery);
    plan p = plan_with_depth(0.8);
    assert_int_equal(autosave_save(as, &p, &err), SMP_OK);
    assert_true(exists(f->recovery));
    autosave_finish(as);
    assert_false(exists(f->recovery));
    char meta[256];
    snprintf(meta, sizeof meta, "%s.meta", f->recovery);
    assert_false(exists(meta));
    autosave_recovery rec;
    assert_false(autosave_pending(&rec, NULL, NULL));
}

static void a_live_session_s_file_should_not_be_offered_nor_overwritten(void **state)
{
    fixture *f = *state;
    plan live = plan_with_depth(1.5);
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t pid = fork();
    if (pid == 0) {
        /* Another instance, still editing: it autosaves, says so, and waits to be killed. */
        close(ready[0]);
        autosave *as = NULL;
        smp_error err = {0};
        char ok =
            autosave_create(&as, NULL, NULL, &err) == SMP_OK && autosave_save(as, &live, &err) == SMP_OK;
        if (write(ready[1], &ok, 1) != 1) _exit(1);
        for (;;)
            pause();
    }
    assert_true(pid > 0);
    close(ready[1]);
    char ok = 0;
    assert_int_equal(read(ready[0], &ok, 1), 1);
    close(ready[0]);
    assert_true(ok);

    autosave_recovery rec;
    assert_false(autosave_pending(&rec, NULL, NULL));
    /* A second session writes a file of its own beside the live one's. */
    autosave *as = NULL;
    smp_error err = {0};
    assert_int_equal(autosave_create(&as, NULL, NULL, &err), SMP_OK);
    assert_string_not_equal(autosave_file(as), f->recovery);
    plan mine = plan_with_depth(0.5);
    assert_int_equal(autosave_save(as, &mine, &err), SMP_OK);
    plan on_disk;
    assert_int_equal(plan_load(&on_disk, f->recovery, NULL, 0, NULL, NULL, &err), SMP_OK);
    assert_true(plan_equal(&on_disk, &live));
    autosave_finish(as);

    /* Once the other instance is gone, its work is offered. */
    kill(pid, SIGKILL);
    assert_int_equal(waitpid(pid, NULL, 0), pid);
    assert_true(autosave_pending(&rec, NULL, NULL));
    assert_true(plan_equal(&rec.plan, &live));
    assert_int_equal(rec.pid, pid);
}

static void a_crash_not_yet_offered_should_not_be_overwritten_by_the_next_session(void **state)
{
    fixture *f = *state;
    plan lost = plan_with_depth(1.1);
    crashed_session(&lost, NULL);
    autosave *as = NULL;
    smp_error err = {0};
    assert_int_equal(autosave_create(&as, NULL, NULL, &err), SMP_OK);
    assert_string_not_equal(autosave_file(as), f->recovery);
    plan mine = plan_with_depth(0.5);
    assert_int_equal(autosave_save(as, &mine, &err), SMP_OK);
    autosave_finish(as);
    autosave_recovery rec;
    assert_true(autosave_pending(&rec, NULL, NULL));
    assert_true(plan_equal(&rec.plan, &lost));
}

static void an_adopted_recovery_should_be_the_file_the_session_writes(void **state)
{
    fixture *f = *state;
    plan lost = plan_with_depth(1.1);
    crashed_session(&lost, "/plans/a.json");
    autosave_recovery rec;
    assert_true(autosave_pending(&rec, NULL, NULL));
    autosave *as = NULL;
    smp_error err = {0};
    assert_int_equal(autosave_create(&as, rec.plan_path, &rec, &err), SMP_OK);
    assert_string_equal(autosave_file(as), f->recovery);
    plan edited = plan_with_depth(1.2);
    assert_int_equal(autosave_save(as, &edited, &err), SMP_OK);
    assert_int_equal(autosave_set_plan_path(as, "/plans/b.json", &err), SMP_OK);
    /* Seen from another process (pending treats our own pid as a previous session's): the newest plan. */
    pid_t pid = fork();
    if (pid == 0) {
        autosave_recovery seen;
        bool ok = !autosave_pending(&seen, NULL, NULL);
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0); /* we are alive: not offered */
    assert_true(autosave_pending(&rec, NULL, NULL));
    assert_true(plan_equal(&rec.plan, &edited));
    assert_string_equal(rec.plan_path, "/plans/b.json");
    autosave_finish(as);
    assert_false(autosave_pending(&rec, NULL, NULL));
}

static void write_file(const char *path, const char *text)
{
    FILE *file = fopen(path, "w");
    assert_non_null(file);
    fputs(text, file);
    fclose(file);
}

static void a_corrupt_recovery_file_should_be_moved_aside_and_not_offered(void **state)
{
    fixture *f = *state;
    const char *bodies[] = {"{\"version\": 1, \"pigment\": {\"depth_mm\": 0.9",   /* cut short */
                            "{\"version\": 1, \"pigment\": {\"depth_mm\": 99}}"}; /* out of range */
    char bad[256];
    snprintf(bad, sizeof bad, "%s.bad", f->recovery);
    for (int i = 0; i < 2; ++i) {
        plan p = plan_with_depth(0.7);
        crashed_session(&p, NULL);
        write_file(f->recovery, bodies[i]);
        autosave_recovery rec;
        log_capture log = {0};
        assert_false(autosave_pending(&rec, capture_log, &log));
        assert_int_equal(log.lines, 1);
        assert_non_null(strstr(log.last, bad));
        assert_false(exists(f->recovery));
        assert_true(exists(bad));
        assert_false(autosave_pending(&rec, capture_log, &log));
        assert_int_equal(log.lines, 1);
    }
}

/* Kill -9 at a random instant of a session that autosaves as fast as it can, alternating two plans: what
 * is on disk is always one of them, complete. */
static void a_kill_during_saves_should_leave_one_complete_plan(void **state)
{
    fixture *f = *state;
    plan a = plan_with_depth(0.6), b = plan_with_depth(1.9);
    b.patient.fitzpatrick = 5;
    b.seed = 987654321;
    smp_rng rng;
    smp_rng_init(&rng, 20261202, 0);
    int seen_a = 0, seen_b = 0;
    for (int round = 0; round < 20; ++round) {
        pid_t pid = fork();
        if (pid == 0) {
            autosave *as = NULL;
            smp_error err = {0};
            if (autosave_create(&as, NULL, NULL, &err) != SMP_OK) _exit(1);
            for (unsigned long i = 0;; ++i)
                if (autosave_save(as, (i & 1) ? &b : &a, &err) != SMP_OK) _exit(1);
        }
        assert_true(pid > 0);
        /* From the first complete file on, the kill lands anywhere in the loop. */
        struct timespec poll = {0, 100000};
        for (int i = 0; i < 20000 && !exists(f->recovery); ++i)
            nanosleep(&poll, NULL);
        struct timespec wait = {0, 100000 + (long)smp_rng_below(&rng, 4000000)};
        nanosleep(&wait, NULL);
        kill(pid, SIGKILL);
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

        plan on_disk;
        smp_error err = {0};
        if (plan_load(&on_disk, f->recovery, NULL, 0, NULL, NULL, &err) != SMP_OK)
            fail_msg("%s", err.message);
        bool is_a = plan_equal(&on_disk, &a), is_b = plan_equal(&on_disk, &b);
        assert_true(is_a || is_b);
        seen_a += is_a, seen_b += is_b;
        autosave_recovery rec;
        assert_true(autosave_pending(&rec, NULL, NULL));
        assert_true(plan_equal(&rec.plan, &on_disk));
        assert_int_equal(autosave_recovery_discard(&rec, &err), SMP_OK);
        /* pending removed what the kill left half-written: the directory is empty again. */
        DIR *d = opendir(f->dir);
        assert_non_null(d);
        struct dirent *e;
        while ((e = readdir(d)) != NULL)
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) fail_msg("left behind: %s", e->d_name);
        closedir(d);
    }
    /* Both plans were caught: the kills landed at different points of the loop. */
    assert_true(seen_a > 0 && seen_b > 0);
}

static void an_unwritable_state_directory_should_disable_autosave_with_one_clear_error(void **state)
{
    fixture *f = *state;
    /* A regular file where a directory should be: refused even to root, unlike a mode 0500 directory. */
    char blocker[128], dir[192];
    snprintf(blocker, sizeof blocker, "%s/blocker", f->root);
    write_file(blocker, "x");
    snprintf(dir, sizeof dir, "%s/state/smpsim", blocker);
    setenv("SMP_STATE_DIR", dir, 1);
    autosave *as = NULL;
    smp_error err = {0};
    assert_int_equal(autosave_create(&as, NULL, NULL, &err), SMP_ERR_IO);
    assert_null(as);
    assert_non_null(strstr(err.message, dir));
    assert_non_null(strstr(err.message, "autosave disabled"));
    assert_null(strchr(err.message, '\n'));
    plan p = plan_with_depth(0.9);
    assert_int_equal(autosave_save(as, &p, &err), SMP_OK);
    assert_int_equal(autosave_set_plan_path(as, "x.json", &err), SMP_OK);
    assert_false(autosave_is_enabled(as));
    assert_null(autosave_file(as));
    autosave_finish(as);
    autosave_recovery rec;
    log_capture log = {0};
    assert_false(autosave_pending(&rec, capture_log, &log));
    assert_int_equal(log.lines, 1);
    assert_non_null(strstr(log.last, dir));
}

static void a_directory_that_goes_away_should_disable_autosave_once(void **state)
{
    fixture *f = *state;
    autosave *as = NULL;
    smp_error err = {0};
    assert_int_equal(autosave_create(&as, NULL, NULL, &err), SMP_OK);
    plan p = plan_with_depth(0.9);
    assert_int_equal(autosave_save(as, &p, &err), SMP_OK);
    char moved[192];
    snprintf(moved, sizeof moved, "%s.moved", f->dir);
    assert_int_equal(rename(f->dir, moved), 0);
    write_file(f->dir, "x");
    p.pigment.depth_mm = 1.0;
    assert_int_equal(autosave_save(as, &p, &err), SMP_ERR_IO);
    assert_non_null(strstr(err.message, "autosave disabled"));
    assert_non_null(strstr(err.message, f->recovery));
    assert_false(autosave_is_enabled(as));
    p.pigment.depth_mm = 1.1;
    assert_int_equal(autosave_save(as, &p, &err), SMP_OK); /* off: no second error */
    autosave_finish(as);
}

static void an_invalid_plan_should_be_refused_and_the_last_good_one_kept(void **state)
{
    fixture *f = *state;
    autosave *as = NULL;
    smp_error err = {0};
    assert_int_equal(autosave_create(&as, NULL, NULL, &err), SMP_OK);
    plan good = plan_with_depth(0.9), bad = plan_with_depth(42.0);
    assert_int_equal(autosave_save(as, &good, &err), SMP_OK);
    assert_int_equal(autosave_save(as, &bad, &err), SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "pigment.depth_mm"));
    assert_true(autosave_is_enabled(as));
    plan on_disk;
    assert_int_equal(plan_load(&on_disk, f->recovery, NULL, 0, NULL, NULL, &err), SMP_OK);
    assert_true(plan_equal(&on_disk, &good));
    autosave_finish(as);
}

static void the_state_directory_should_follow_xdg_then_home(void **state)
{
    fixture *f = *state;
    char out[512], expected[256], base[128];
    smp_error err = {0};
    unsetenv("SMP_STATE_DIR");
    snprintf(base, sizeof base, "%s/xdg", f->root);
    setenv("XDG_STATE_HOME", base, 1);
    assert_int_equal(autosave_state_dir(out, sizeof out, &err), SMP_OK);
    snprintf(expected, sizeof expected, "%s/xdg/smpsim", f->root);
    assert_string_equal(out, expected);
    struct stat sb;
    assert_int_equal(stat(expected, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    /* A relative XDG_STATE_HOME is invalid by the specification: HOME decides. */
    setenv("XDG_STATE_HOME", "relative/dir", 1);
    snprintf(base, sizeof base, "%s/home", f->root);
    setenv("HOME", base, 1);
    assert_int_equal(autosave_state_dir(out, sizeof out, &err), SMP_OK);
    snprintf(expected, sizeof expected, "%s/home/.local/state/smpsim", f->root);
    assert_string_equal(out, expected);
    unsetenv("XDG_STATE_HOME");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(save_then_pending_should_offer_the_same_plan, setup, teardown),
        cmocka_unit_test_setup_teardown(finish_should_remove_the_recovery_file, setup, teardown),
        cmocka_unit_test_setup_teardown(a_live_session_s_file_should_not_be_offered_nor_overwritten, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_crash_not_yet_offered_should_not_be_overwritten_by_the_next_session,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(an_adopted_recovery_should_be_the_file_the_session_writes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_corrupt_recovery_file_should_be_moved_aside_and_not_offered, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_kill_during_saves_should_leave_one_complete_plan, setup, teardown),
        cmocka_unit_test_setup_teardown(
            an_unwritable_state_directory_should_disable_autosave_with_one_clear_error, setup, teardown),
        cmocka_unit_test_setup_teardown(a_directory_that_goes_away_should_disable_autosave_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(an_invalid_plan_should_be_refused_and_the_last_good_one_kept, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(the_state_directory_should_follow_xdg_then_home, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
