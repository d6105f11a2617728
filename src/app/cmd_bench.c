/* smpsim bench: frame time over a fixed camera orbit, offscreen; or, with --placement, the time to place
 * the plan's dot field (no GL). JSON on stdout. */
#include "app/app.h"
#include "app/common.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static const char bench_allowed[] = "--plan --set --years --days --light-azimuth --light-elevation --light-preset "
                                    "--light-intensity --light-kelvin "
                                    "--view --distance-m --field-mm --width --height --seed --frames";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* smpsim bench --placement [--runs N]: pigment_field_create on the plan's head, N times (default 5), one
 * thread; the head is built once and not timed. Reports the dot count, the best and the median time; for a
 * plan with scars, the same for pigment_field_create_with_scars (the scar layout built once, not timed) in
 * "with_scars". */
static int bench_placement(int argc, char **argv, int runs)
{
    app_options opts;
    smp_error err = {0};
    if (app_options_parse(&opts, argc, argv, 1, bench_allowed, &err) != SMP_OK) return app_fail("bench", &err);
    plan p;
    if (plan_load(&p, opts.plan_path, opts.sets, opts.set_count, app_warn, NULL, &err) != SMP_OK)
        return app_fail("bench", &err);
    app_options_apply_seed(&opts, &p);
    scalp_head head;
    if (scalp_head_create(&head, &p.head, p.patient.sex, &err) != SMP_OK) return app_fail("bench", &err);
    scalp_scar_set scars = {0};
    if (p.scar_count > 0 && scalp_scar_set_create(&scars, &head, &p, &err) != SMP_OK) {
        scalp_head_destroy(&head);
        return app_fail("bench", &err);
    }
    double *s = malloc(sizeof *s * (size_t)runs * 2), *s_scars = s ? s + runs : NULL;
    int status = 0, dots = 0, dots_scars = 0;
    double area = 0.0;
    /* Alternating, so the two see the same load on a shared machine. */
    for (int i = 0; s && i < runs; ++i)
        for (int with = 0; with < (p.scar_count > 0 ? 2 : 1); ++with) {
            pigment_field field;
            double t0 = now_s();
            if (pigment_field_create_with_scars(&field, &head, &p, with ? &scars : NULL, &err) != SMP_OK) {
                status = app_fail("bench", &err);
                i = runs;
                break;
            }
            (with ? s_scars : s)[i] = now_s() - t0;
            if (with) {
                dots_scars = field.count;
            } else {
                dots = field.count;
                area = field.treated_area_cm2;
            }
            pigment_field_destroy(&field);
        }
    if (!s) status = app_fail("bench", &(smp_error){SMP_ERR_NOMEM, "out of memory"});
    if (status == 0) {
        qsort(s, (size_t)runs, sizeof *s, cmp_double);
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "benchmark", "placement");
        cJSON_AddNumberToObject(j, "runs", runs);
        cJSON_AddNumberToObject(j, "dots", dots);
        cJSON_AddNumberToObject(j, "treated_area_cm2", area);
        cJSON_AddNumberToObject(j, "seconds_best", s[0]);
        cJSON_AddNumberToObject(j, "seconds_median", s[runs / 2]);
        cJSON_AddNumberToObject(j, "dots_per_second", dots / s[0]);
        if (p.scar_count > 0) {
            qsort(s_scars, (size_t)runs, sizeof *s_scars, cmp_double);
            cJSON *w = cJSON_AddObjectToObject(j, "with_scars");
            cJSON_AddNumberToObject(w, "scars", p.scar_count);
            cJSON_AddNumberToObject(w, "dots", dots_scars);
            cJSON_AddNumberToObject(w, "seconds_best", s_scars[0]);
            cJSON_AddNumberToObject(w, "seconds_median", s_scars[runs / 2]);
        }
        char *text = cJSON_Print(j);
        if (text) printf("%s\n", text);
        free(text);
        cJSON_Delete(j);
    }
    free(s);
    scalp_scar_set_destroy(&scars);
    scalp_head_destroy(&head);
    return status;
}

int app_cmd_bench(int argc, char **argv)
{
    /* --placement and --runs belong to this command only: taken out before the shared options are read. */
    bool placement = false, scrub = false, profile = false;
    int runs = 5, kept = 0;
    for (int i = 0; i < argc; ++i) {
        if (strcmp(argv[i], "--placement") == 0) {
            placement = true;
        } else if (strcmp(argv[i], "--scrub") == 0) {
            scrub = true;
        } else if (strcmp(argv[i], "--profile") == 0) {
            profile = true;
        } else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
            runs = atoi(argv[++i]);
            if (runs < 1 || runs > 1000) {
                fprintf(stderr, "smpsim bench: --runs: must be an integer between 1 and 1000, got %s\n", argv[i]);
                return 2;
            }
        } else {
            argv[kept++] = argv[i];
        }
    }
    argc = kept;
    if (placement) return bench_placement(argc, argv, runs);

    app_options opts;
    smp_error err = {0};
    if (app_options_parse(&opts, argc, argv, 1, bench_allowed, &err) != SMP_OK) return app_fail("bench", &err);
    if (opts.help) {
        printf("usage: smpsim bench [options] [--frames N] [--scrub] [--profile]\n       smpsim bench --placement "
               "[--runs N] [options]\n\n"
               "Renders N frames (default 120) of a full camera orbit around the head offscreen\nat --width x "
               "--height (default 1280x720) and prints JSON timings. With --scrub the camera\nstays and each frame "
               "moves the time instead, from day 0 to 20 years (the timeline\nslider). With --placement, times the "
               "dot placement of the plan N times (default 5;\nno rendering), without and, for a plan with scars, with them "
               "(\"with_scars\").\nWith --profile, every pass is finished and timed (\"passes_ms_median\": shadow, "
               "textures,\nhead, hair, resolve, sss, tonemap). \"trivial_pass_ms\" is one full-screen pass of a "
               "constant\ncolour at the same size, timed in the same run: frame / trivial is comparable across\n"
               "machines.\n\n%s",
               app_options_usage);
        return 0;
    }
    double t0 = now_s();
    app_scene scene;
    if (app_scene_create(&scene, &opts, app_warn, &err) != SMP_OK) return app_fail("bench", &err);
    double t_scene = now_s() - t0;
    app_headless h;
    if (app_headless_create_profiled(&h, &scene, profile, &err) != SMP_OK) {
        app_scene_destroy(&scene);
        return app_fail("bench", &err);
    }
    double days = opts.has_time ? opts.time_days : app_scene_default_days(&scene);
    app_camera base = app_scene_view_camera(&scene, opts.view, opts.distance_m, (double)opts.width / opts.height);
    app_light light = app_scene_light(opts.light_preset, &opts);
    double *ms = malloc(sizeof *ms * (size_t)opts.frames);
    double *pass_ms = malloc(sizeof *pass_ms * (size_t)opts.frames * RENDER_PASS_COUNT);
    uint8_t *pixels = malloc((size_t)opts.width * opts.height * 4);
    int status = 0;
    if (!ms || !pixels || !pass_ms) {
        smp_error_set(&err, SMP_ERR_NOMEM, "out of memory");
        status = app_fail("bench", &err);
        goto done;
    }
    /* A warm-up frame builds the render targets and the coverage texture; it is not timed. */
    render_frame frame;
    app_scene_frame(&scene, &base, &light, days, opts.width, opts.height, &frame);
    if (render_frame_read_srgb8(h.rc, &frame, pixels, &err) != SMP_OK) {
        status = app_fail("bench", &err);
        goto done;
    }
    float radius = hypotf(base.eye_mm[0] - base.target_mm[0], base.eye_mm[2] - base.target_mm[2]);
    double total = 0.0;
    int patch_frames = 0; /* frames close enough to the scars to draw their displaced patch */
    render_stats stats;
    for (int i = 0; i < opts.frames; ++i) {
        double a = 2.0 * SMP_PI * i / opts.frames;
        app_camera cam = base;
        double t = days;
        if (scrub) {
            t = 20.0 * 365.25 * (i + 1) / opts.frames; /* a new time every frame: the looks are recomputed */
        } else {
            cam.eye_mm[0] = base.target_mm[0] + radius * (float)sin(a);
            cam.eye_mm[2] = base.target_mm[2] + radius * (float)cos(a);
        }
        double s = now_s(); /* the frame description (ageing state, redness) is part of the frame's cost */
        app_scene_frame(&scene, &cam, &light, t, opts.width, opts.height, &frame);
        if (render_frame_draw(h.rc, &frame, 0, &err) != SMP_OK) {
            status = app_fail("bench", &err);
            goto done;
        }
        render_finish(h.rc); /* time the GPU work, not just its submission */
        ms[i] = (now_s() - s) * 1000.0;
        total += ms[i];
        render_stats_get(h.rc, &stats);
        patch_frames += stats.scar_patch_drawn;
        for (int k = 0; k < RENDER_PASS_COUNT; ++k) pass_ms[(size_t)k * opts.frames + i] = stats.pass_ms[k];
    }
    qsort(ms, (size_t)opts.frames, sizeof *ms, cmp_double);
    double trivial = render_trivial_pass_ms(h.rc, opts.width, opts.height, 50, &err);
    if (trivial < 0.0) {
        status = app_fail("bench", &err);
        goto done;
    }
    render_stats_get(h.rc, &stats);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "renderer", render_renderer_name(h.rc));
    cJSON_AddNumberToObject(j, "width", opts.width);
    cJSON_AddNumberToObject(j, "height", opts.height);
    cJSON_AddStringToObject(j, "view", app_view_name(opts.view));
    cJSON_AddNumberToObject(j, "frames", opts.frames);
    cJSON_AddStringToObject(j, "motion", scrub ? "time 0-20 years" : "orbit");
    cJSON_AddNumberToObject(j, "look_updates", stats.look_updates);
    cJSON_AddNumberToObject(j, "fps", 1000.0 * opts.frames / total);
    cJSON_AddNumberToObject(j, "ms_mean", total / opts.frames);
    cJSON_AddNumberToObject(j, "ms_median", ms[opts.frames / 2]);
    cJSON_AddNumberToObject(j, "ms_p95", ms[(int)(0.95 * (opts.frames - 1))]);
    cJSON_AddNumberToObject(j, "dots", scene.field.count);
    cJSON_AddNumberToObject(j, "grid_entries", stats.cell_entries);
    cJSON_AddNumberToObject(j, "scar_patch_triangles", stats.scar_patch_triangles);
    cJSON_AddNumberToObject(j, "scar_patch_frames", patch_frames);
    cJSON_AddNumberToObject(j, "scar_patch_chunks_last_frame", stats.scar_patch_chunks_drawn);
    cJSON_AddNumberToObject(j, "scene_build_s", t_scene);
    cJSON_AddNumberToObject(j, "trivial_pass_ms", trivial);
    struct rusage usage;
    if (getrusage(RUSAGE_SELF, &usage) == 0) /* ru_maxrss: kilobytes on Linux */
        cJSON_AddNumberToObject(j, "peak_rss_mb", (double)usage.ru_maxrss / 1024.0);
    cJSON_AddNumberToObject(j, "ms_median_per_trivial_pass", ms[opts.frames / 2] / trivial);
    if (profile) {
        cJSON *passes = cJSON_AddObjectToObject(j, "passes_ms_median");
        for (int k = 0; k < RENDER_PASS_COUNT; ++k) {
            double *v = pass_ms + (size_t)k * opts.frames;
            qsort(v, (size_t)opts.frames, sizeof *v, cmp_double);
            cJSON_AddNumberToObject(passes, render_pass_name(k), v[opts.frames / 2]);
        }
    }
    char *text = cJSON_Print(j);
    if (text) printf("%s\n", text);
    free(text);
    cJSON_Delete(j);
done:
    free(ms);
    free(pass_ms);
    free(pixels);
    app_headless_destroy(&h);
    app_scene_destroy(&scene);
    return status;
}
