/* smpsim report [options] -o DIR: the consultation report (scene/report.h) with a progress bar on stderr. */
#include "app/app.h"
#include "app/common.h"
#include "app/progress.h"
#include "scene/report.h"

#include <stdio.h>
#include <string.h>

static const char report_allowed[] = "--plan --set --seed --view --width --height -o --output";

static const char report_usage[] =
    "usage: smpsim report [options] -o DIR\n\n"
    "Writes a consultation report to DIR: index.html and its images, nothing outside the folder (it opens\n"
    "in any browser, without a network). It shows the scalp before treatment, healed, and 5 and 10 years\n"
    "later under daylight, office, bathroom and raking light (a low sun 8 degrees up); the before / after\n"
    "pair from above in daylight; the fade curve with the touch-up date (as smpsim fade); for each scar a\n"
    "close-up before and healed, in daylight and raking light, and its visibility plot (as smpsim\n"
    "visibility), or a plain sentence when the plan has none; the plan in words with units; what the\n"
    "simulation cannot tell. Every image carries the plan, the time, the light and the view in its "
    "metadata.\n"
    "DIR is made, or replaced when it is empty or an earlier report; anything else is refused. The report\n"
    "is built in a hidden folder beside DIR and moved into place at the end: a failure leaves nothing.\n"
    "Progress on stderr. About half a minute without scars; the scar measurement adds 2-3 minutes per\n"
    "scar without a GPU. docs/report.md has the layout. -o DIR is required; --view is the grid's view\n"
    "(default three-quarter; in raking light a far view is lit from the side, a close-up along the\n"
    "skin); --width and --height each image's size (default 960x540).\n\n";

int app_cmd_report(int argc, char **argv)
{
    app_options opts;
    int begun = app_command_begin(&opts, argc, argv, "report", report_allowed, report_usage);
    if (begun >= 0) return begun;
    smp_error err = {0};
    if (scene_report_output_check(opts.output, &err) != SMP_OK) return app_fail("report", &err);
    bool has_view = false;
    for (int i = 1; i < argc; ++i)
        if (strcmp(argv[i], "--view") == 0) has_view = true;
    plan pl;
    if (plan_load(&pl, opts.plan_path, opts.sets, opts.set_count, ui_log_stderr, NULL, &err) != SMP_OK)
        return app_fail("report", &err);
    app_options_apply_seed(&opts, &pl);
    app_progress bar;
    app_progress_init(&bar, "report");
    app_progress_update(&bar, 0.0, "building the head and the dots");
    scene_model scene;
    if (scene_create_from_plan(&scene, &pl, opts.plan_path ? opts.plan_path : "built-in plan", &err) !=
        SMP_OK) {
        app_progress_finish(&bar);
        return app_fail("report", &err);
    }
    scene_report_params params = {.width = opts.has_width ? opts.width : SCENE_REPORT_WIDTH,
                                  .height = opts.has_height ? opts.height : SCENE_REPORT_HEIGHT,
                                  .has_view = has_view,
                                  .view = opts.view,
                                  .plan_source = opts.plan_path,
                                  .progress = app_progress_update,
                                  .progress_user = &bar};
    ui_headless h;
    smp_status st = ui_headless_create(&h, &scene, &err);
    if (st == SMP_OK) {
        st = scene_report_write(h.rc, &scene, &params, opts.output, &err);
        ui_headless_destroy(&h);
    }
    scene_destroy(&scene);
    app_progress_finish(&bar);
    if (st != SMP_OK) return app_fail("report", &err);
    char clean[1100];
    snprintf(clean, sizeof clean, "%s", opts.output);
    size_t n = strlen(clean);
    while (n > 1 && clean[n - 1] == '/')
        clean[--n] = '\0';
    printf("%s/index.html\n", clean);
    return 0;
}
