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
#include <unistd.h>

static const char bench_allowed[] =
    "--plan --set --years --days --light-azimuth --light-elevation --light-preset "
    "--light-intensity --light-kelvin "
    "--view --distance-m --field-mm --width --height --seed --frames --scrub --profile "
    "--interactive-scale --placement --runs";
static const char bench_usage[] =
    "usage: smpsim bench [options] [--frames N] [--scrub] [--profile] [--interactive-scale S]\n"
    "       smpsim bench --placement [--runs N] [options]\n\n"
    "Renders N frames (default 120) twice, offscreen at --width x --height (default 1280x720),\n"
    "and prints JSON timings: \"full\", full quality over a full camera orbit around the\n"
    "head (with --scrub the camera stays and the time moves from day 0 to 20 years\n"
    "instead); \"interactive\", the window's path while a person drives it: the camera\n"
    "orbits, the key light swings a quarter turn and the time runs from day 0 to 20\n"
    "years at once, at the share of width and height that the window adapts frame by frame\n"
    "to 30 fps (0.2..0.5, from 0.35; --interactive-scale S: fixed at S, 0.125..1; the JSON\n"
    "gives scale_median and scale_min). Each has ms_median, ms_p95, ms_max, fps, and\n"
    "sss_share_median: the share of the frame the subsurface passes shaded (the head's\n"
    "rectangle; 1 for close-ups). With --placement, times the dot placement of the plan\n"
    "N times (default 5; no rendering), without and, for a plan with scars, with them\n"
    "(\"with_scars\").\n"
    "With --profile, every pass is finished and timed (\"passes_ms_median\": shadow,\n"
    "textures, head, hair, resolve, sss, tonemap). \"trivial_pass_ms\" is one full-screen pass\n"
    "of a constant colour at the same size, timed in the same run: frame / trivial is\n"
    "comparable across machines. \"scene_build_s\" and \"placement_s\" time the scene's build\n"
    "and its dot placement; \"rss_mb_after_warmup\" and \"rss_mb_end\" the memory before and\n"
    "after the timed frames, \"peak_rss_mb\" the process's peak.\n\n";

/* Resident memory now, MB (/proc/self/statm; 0 where it cannot be read). */
static double rss_now_mb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, resident = 0;
    if (!f) return 0.0;
    int n = fscanf(f, "%ld %ld", &pages, &resident);
    fclose(f);
    return n == 2 ? (double)resident * (double)sysconf(_SC_PAGESIZE) / (1024.0 * 1024.0) : 0.0;
}

/* smpsim bench --placement [--runs N]: pigment_field_create on the plan's head, N times (default 5), one
 * thread; the head is built once and not timed. Reports the dot count, the best and the median time; for a
 * plan with scars, the same for pigment_field_create_with_scars (the scar layout built once, not timed) in
 * "with_scars". */
static int bench_placement(const app_options *o)
{
    const app_options opts = *o;
    int runs = opts.runs;
    smp_error err = {0};
    plan p;
    if (plan_load(&p, opts.plan_path, opts.sets, opts.set_count, ui_log_stderr, NULL, &err) != SMP_OK)
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
            double t0 = smp_now_s();
            if (pigment_field_create_with_scars(&field, &head, &p, with ? &scars : NULL, &err) != SMP_OK) {
                status = app_fail("bench", &err);
                i = runs;
                break;
            }
            (with ? s_scars : s)[i] = smp_now_s() - t0;
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
        qsort(s, (size_t)runs, sizeof *s, smp_cmp_double);
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "benchmark", "placement");
        cJSON_AddNumberToObject(j, "runs", runs);
        cJSON_AddNumberToObject(j, "dots", dots);
        cJSON_AddNumberToObject(j, "treated_area_cm2", area);
        cJSON_AddNumberToObject(j, "seconds_best", s[0]);
        cJSON_AddNumberToObject(j, "seconds_median", s[runs / 2]);
        cJSON_AddNumberToObject(j, "dots_per_second", dots / s[0]);
        if (p.scar_count > 0) {
            qsort(s_scars, (size_t)runs, sizeof *s_scars, smp_cmp_double);
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

/* One timed series of frames: each frame's wall ms and, with --profile, each pass's. */
typedef struct bench_series {
    double *ms, *pass_ms; /* frames; RENDER_PASS_COUNT x frames */
    double *scale;        /* the interactive path's scale of each frame */
    double *sss_share;    /* the share of each frame's scene target that its subsurface passes shaded */
    int patch_frames;     /* frames close enough to the scars to draw their displaced patch */
} bench_series;

static smp_status bench_series_alloc(bench_series *s, int frames)
{
    s->ms = malloc(sizeof *s->ms * (size_t)frames);
    s->pass_ms = malloc(sizeof *s->pass_ms * (size_t)frames * RENDER_PASS_COUNT);
    s->scale = malloc(sizeof *s->scale * (size_t)frames);
    s->sss_share = malloc(sizeof *s->sss_share * (size_t)frames);
    return s->ms && s->pass_ms && s->scale && s->sss_share ? SMP_OK : SMP_ERR_NOMEM;
}

static void bench_series_free(bench_series *s)
{
    free(s->ms);
    free(s->pass_ms);
    free(s->scale);
    free(s->sss_share);
}

typedef struct bench_run {
    const scene_model *scene;
    render_context *rc;
    scene_camera base;
    scene_light light;
    double days;
    int width, height, frames;
    bool scrub;
    float scale; /* render_frame.interactive_scale; 0: adapted frame by frame, as the window does */
} bench_run;

/* Full quality: a camera orbit (or, scrubbing, the time from day 0 to 20 years with the camera still).
 * Interactive: what a person drives at once: the camera orbits, the key light swings round a quarter turn
 * and the time runs from day 0 to 20 years, every frame on the interactive path. */
static smp_status bench_series_run(const bench_run *r, bool interactive, bench_series *s, smp_error *err)
{
    float radius = hypotf(r->base.eye_mm[0] - r->base.target_mm[0], r->base.eye_mm[2] - r->base.target_mm[2]);
    render_stats stats;
    float scale = r->scale > 0.0f ? r->scale : RENDER_INTERACTIVE_SCALE;
    for (int i = 0; i < r->frames; ++i) {
        double a = 2.0 * SMP_PI * i / r->frames;
        scene_camera cam = r->base;
        scene_light light = r->light;
        double t = r->days;
        if (!r->scrub || interactive) {
            cam.eye_mm[0] = r->base.target_mm[0] + radius * (float)sin(a);
            cam.eye_mm[2] = r->base.target_mm[2] + radius * (float)cos(a);
        }
        if (r->scrub || interactive) t = 20.0 * 365.25 * (i + 1) / r->frames; /* the looks are recomputed */
        if (interactive) { /* the person drags the key light (off the camera, if it was on it) */
            light.on_camera = false;
            light.azimuth_deg += 90.0 * i / r->frames;
        }
        double t0 =
            smp_now_s(); /* the frame description (ageing state, redness) is part of the frame's cost */
        render_frame frame;
        scene_frame(r->scene, &cam, &light, t, r->width, r->height, &frame);
        frame.interactive = interactive;
        frame.interactive_scale = scale;
        if (render_frame_draw(r->rc, &frame, 0, err) != SMP_OK) return err->status;
        render_finish(r->rc); /* time the GPU work, not just its submission */
        s->ms[i] = (smp_now_s() - t0) * 1000.0;
        s->scale[i] = scale;
        if (interactive && r->scale <= 0.0f) scale = render_interactive_scale_next(scale, s->ms[i]);
        render_stats_get(r->rc, &stats);
        s->patch_frames += stats.scar_patch_drawn;
        s->sss_share[i] = stats.sss_share;
        for (int k = 0; k < RENDER_PASS_COUNT; ++k)
            s->pass_ms[(size_t)k * r->frames + i] = stats.pass_ms[k];
    }
    return SMP_OK;
}

/* The series' statistics into o (sorts its times). */
static void bench_series_json(cJSON *o, bench_series *s, int frames, double trivial, bool profile,
                              const char *motion)
{
    double total = 0.0;
    for (int i = 0; i < frames; ++i)
        total += s->ms[i];
    qsort(s->ms, (size_t)frames, sizeof *s->ms, smp_cmp_double);
    cJSON_AddStringToObject(o, "motion", motion);
    cJSON_AddNumberToObject(o, "fps", 1000.0 * frames / total);
    cJSON_AddNumberToObject(o, "ms_mean", total / frames);
    cJSON_AddNumberToObject(o, "ms_median", s->ms[frames / 2]);
    cJSON_AddNumberToObject(o, "ms_p95", s->ms[(int)ceil(0.95 * frames) - 1]); /* nearest rank */
    cJSON_AddNumberToObject(o, "ms_max", s->ms[frames - 1]);
    cJSON_AddNumberToObject(o, "ms_median_per_trivial_pass", s->ms[frames / 2] / trivial);
    qsort(s->sss_share, (size_t)frames, sizeof *s->sss_share, smp_cmp_double);
    cJSON_AddNumberToObject(o, "sss_share_median", s->sss_share[frames / 2]);
    if (!profile) return;
    cJSON *passes = cJSON_AddObjectToObject(o, "passes_ms_median");
    for (int k = 0; k < RENDER_PASS_COUNT; ++k) {
        double *v = s->pass_ms + (size_t)k * frames;
        qsort(v, (size_t)frames, sizeof *v, smp_cmp_double);
        cJSON_AddNumberToObject(passes, render_pass_name(k), v[frames / 2]);
    }
}

int app_cmd_bench(int argc, char **argv)
{
    app_options opts;
    int begun = app_command_begin(&opts, argc, argv, "bench", bench_allowed, bench_usage);
    if (begun >= 0) return begun;
    smp_error err = {0};
    bool scrub = opts.scrub, profile = opts.profile;
    double scale = opts.interactive_scale;
    if (opts.placement) return bench_placement(&opts);
    double t0 = smp_now_s();
    scene_model scene;
    if (app_scene_load(&scene, &opts, ui_log_stderr, &err) != SMP_OK) return app_fail("bench", &err);
    double t_scene = smp_now_s() - t0;
    ui_headless h;
    if (ui_headless_create_profiled(&h, &scene, profile, &err) != SMP_OK) {
        scene_destroy(&scene);
        return app_fail("bench", &err);
    }
    bench_run run = {
        .scene = &scene,
        .rc = h.rc,
        .base = scene_view_camera(&scene, opts.view, opts.distance_m, (double)opts.width / opts.height),
        .light = app_options_light(&opts),
        .days = opts.has_time ? opts.time_days : scene_default_days(&scene),
        .width = opts.width,
        .height = opts.height,
        .frames = opts.frames,
        .scrub = scrub,
        .scale = (float)scale,
    };
    bench_series full = {0}, fast = {0};
    int status = 0;
    uint8_t *pixels = malloc((size_t)opts.width * opts.height * 4);
    if (!pixels || bench_series_alloc(&full, opts.frames) != SMP_OK ||
        bench_series_alloc(&fast, opts.frames) != SMP_OK) {
        smp_error_set(&err, SMP_ERR_NOMEM, "out of memory");
        status = app_fail("bench", &err);
        goto done;
    }
    /* A warm-up frame of each path builds its render targets and the coverage texture; it is not timed. */
    render_frame frame;
    scene_frame(&scene, &run.base, &run.light, run.days, opts.width, opts.height, &frame);
    if (render_frame_read_srgb8(h.rc, &frame, pixels, &err) != SMP_OK) {
        status = app_fail("bench", &err);
        goto done;
    }
    frame.interactive = true;
    frame.interactive_scale = run.scale;
    if (render_frame_read_srgb8(h.rc, &frame, pixels, &err) != SMP_OK) {
        status = app_fail("bench", &err);
        goto done;
    }
    /* Memory after both paths' first frames, and after every frame: what grows between is a leak. */
    double rss_warm = rss_now_mb();
    if (bench_series_run(&run, false, &full, &err) != SMP_OK ||
        bench_series_run(&run, true, &fast, &err) != SMP_OK) {
        status = app_fail("bench", &err);
        goto done;
    }
    double rss_end = rss_now_mb();
    double trivial = render_trivial_pass_ms(h.rc, opts.width, opts.height, 50, &err);
    if (trivial < 0.0) {
        status = app_fail("bench", &err);
        goto done;
    }
    render_stats stats;
    render_stats_get(h.rc, &stats);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "renderer", render_renderer_name(h.rc));
    cJSON_AddNumberToObject(j, "width", opts.width);
    cJSON_AddNumberToObject(j, "height", opts.height);
    cJSON_AddStringToObject(j, "view", scene_view_name(opts.view));
    cJSON_AddNumberToObject(j, "frames", opts.frames);
    cJSON_AddNumberToObject(j, "trivial_pass_ms", trivial);
    bench_series_json(cJSON_AddObjectToObject(j, "full"), &full, opts.frames, trivial, profile,
                      scrub ? "time 0-20 years" : "orbit");
    cJSON *ij = cJSON_AddObjectToObject(j, "interactive");
    bench_series_json(ij, &fast, opts.frames, trivial, profile, "orbit, light and time together");
    qsort(fast.scale, (size_t)opts.frames, sizeof *fast.scale, smp_cmp_double);
    cJSON_AddNumberToObject(ij, "scale_median", fast.scale[opts.frames / 2]);
    cJSON_AddNumberToObject(ij, "scale_min", fast.scale[0]);
    cJSON_AddNumberToObject(j, "look_updates", stats.look_updates);
    cJSON_AddNumberToObject(j, "dots", scene.field.count);
    cJSON_AddNumberToObject(j, "grid_entries", stats.cell_entries);
    cJSON_AddNumberToObject(j, "scar_patch_triangles", stats.scar_patch_triangles);
    cJSON_AddNumberToObject(j, "scar_patch_frames", full.patch_frames);
    /* mesh.frag's variants (docs/architecture.md): the head's triangles drawn with the scars, and whether the
     * last full frame drew the skin's relief. */
    cJSON_AddNumberToObject(j, "head_triangles", stats.head_triangles);
    cJSON_AddNumberToObject(j, "head_scar_triangles", stats.head_scar_triangles);
    cJSON_AddNumberToObject(j, "head_lod", stats.head_lod);
    cJSON_AddNumberToObject(j, "head_lod_triangles", stats.head_lod_triangles);
    cJSON_AddNumberToObject(j, "head_drawn_triangles", stats.head_drawn_triangles);
    cJSON_AddBoolToObject(j, "head_relief", stats.head_relief);
    cJSON_AddNumberToObject(j, "scene_build_s", t_scene);
    cJSON_AddNumberToObject(j, "placement_s", scene.placement_s);
    cJSON_AddNumberToObject(j, "rss_mb_after_warmup", rss_warm);
    cJSON_AddNumberToObject(j, "rss_mb_end", rss_end);
    struct rusage usage;
    if (getrusage(RUSAGE_SELF, &usage) == 0) /* ru_maxrss: kilobytes on Linux */
        cJSON_AddNumberToObject(j, "peak_rss_mb", (double)usage.ru_maxrss / 1024.0);
    char *text = cJSON_Print(j);
    if (text) printf("%s\n", text);
    free(text);
    cJSON_Delete(j);
done:
    bench_series_free(&full);
    bench_series_free(&fast);
    free(pixels);
    ui_headless_destroy(&h);
    scene_destroy(&scene);
    return status;
}
