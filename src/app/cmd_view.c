/* smpsim [options]: the interactive window on the plan (default: the built-in one). With no display, the
 * default views are rendered to PNG files instead and their paths printed. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "app/app.h"
#include "app/common.h"

#include <SDL2/SDL.h>
#include <cglm/cglm.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>

static const char view_allowed[] = "--plan --set --years --days --light-azimuth --light-elevation --light-preset "
                                   "--light-intensity --light-kelvin "
                                   "--view --distance-m --field-mm --width --height --seed -o --output";

/* The views written when there is no display. */
static const app_view default_views[] = {APP_VIEW_FRONT,         APP_VIEW_THREE_QUARTER,     APP_VIEW_TOP,
                                         APP_VIEW_BACK,          APP_VIEW_CLOSEUP_HAIRLINE, APP_VIEW_CLOSEUP_CROWN,
                                         APP_VIEW_CLOSEUP_SCAR};

static int render_default_views(const app_scene *scene, app_options *opts)
{
    const char *dir = opts->output ? opts->output : "smpsim-views";
    smp_error err = {0};
    struct stat sb;
    if (stat(dir, &sb) != 0 && mkdir(dir, 0777) != 0) {
        smp_error_set(&err, SMP_ERR_INPUT, "-o %s: cannot create the output directory", dir);
        return app_fail(NULL, &err);
    }
    app_headless h;
    if (app_headless_create(&h, scene, &err) != SMP_OK) return app_fail(NULL, &err);
    double t = opts->has_time ? opts->time_days : app_scene_default_days(scene);
    printf("No display: rendering the default views of the built-in plan instead of opening a window.\n");
    int status = 0;
    for (size_t i = 0; i < sizeof default_views / sizeof default_views[0]; ++i) {
        char path[1200];
        snprintf(path, sizeof path, "%s/%s.png", dir, app_view_name(default_views[i]));
        uint8_t *rgba = NULL;
        smp_status st = app_render_view(h.rc, scene, opts, default_views[i], t, &rgba, &err);
        if (st == SMP_OK) st = app_png_write(path, rgba, opts->width, opts->height, &err);
        free(rgba);
        if (st != SMP_OK) {
            status = app_fail(NULL, &err);
            break;
        }
        char *full = realpath(path, NULL);
        printf("  %s\n", full ? full : path);
        free(full);
        fflush(stdout);
    }
    app_headless_destroy(&h);
    return status;
}

typedef struct orbit {
    float target[3];
    float yaw, pitch, distance, fov_y_deg;
} orbit;

static orbit orbit_from_camera(const app_camera *c)
{
    orbit o;
    memcpy(o.target, c->target_mm, sizeof o.target);
    float d[3];
    for (int k = 0; k < 3; ++k) d[k] = c->eye_mm[k] - c->target_mm[k];
    o.distance = sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    o.yaw = atan2f(d[0], d[2]);
    o.pitch = asinf(fminf(fmaxf(d[1] / o.distance, -1.0f), 1.0f));
    o.fov_y_deg = c->fov_y_deg;
    return o;
}

static app_camera orbit_camera(const orbit *o)
{
    app_camera c;
    memcpy(c.target_mm, o->target, sizeof c.target_mm);
    c.eye_mm[0] = o->target[0] + o->distance * cosf(o->pitch) * sinf(o->yaw);
    c.eye_mm[1] = o->target[1] + o->distance * sinf(o->pitch);
    c.eye_mm[2] = o->target[2] + o->distance * cosf(o->pitch) * cosf(o->yaw);
    c.up[0] = 0.0f, c.up[1] = 1.0f, c.up[2] = 0.0f;
    c.fov_y_deg = o->fov_y_deg;
    return c;
}

/* What the window edits: the plan, where it is saved, whether it changed since, the last message. */
typedef struct editor {
    char save_path[PLAN_PATH_MAX];
    bool dirty;
    bool quit_warned;
    char status[PLAN_PATH_MAX + 600];
} editor;

/* The timeline the play key runs through in TIMELINE_PLAY_S seconds: its first TIMELINE_HEALING share covers
 * the days to a month after healing, day by day, the rest the years to TIMELINE_END_YEARS. */
#define TIMELINE_PLAY_S 15.0
#define TIMELINE_HEALING 0.35
#define TIMELINE_END_YEARS 20.0

static double timeline_days(double u, double healed_day)
{
    double split = healed_day + 30.0, end = TIMELINE_END_YEARS * 365.25;
    if (u <= TIMELINE_HEALING) return u / TIMELINE_HEALING * split;
    return split + (u - TIMELINE_HEALING) / (1.0 - TIMELINE_HEALING) * (end - split);
}

static double timeline_position(double days, double healed_day)
{
    double split = healed_day + 30.0, end = TIMELINE_END_YEARS * 365.25;
    if (days <= split) return days / split * TIMELINE_HEALING;
    return fmin(1.0, TIMELINE_HEALING + (days - split) / (end - split) * (1.0 - TIMELINE_HEALING));
}

/* The window's light sweep (G): the key from overhead to raking and back in LIGHT_SWEEP_S seconds. */
#define LIGHT_SWEEP_S 8.0
/* Progressive refinement: the interactive path until this long after the last input, and the blend from the
 * last interactive image to the full-quality one. */
#define VIEW_SETTLE_S 0.12
#define VIEW_BLEND_S 0.25

static void draw_hud(ui_text *text, const app_scene *scene, const editor *ed, const app_light *light, double t_days,
                     app_view view, double fps, bool sweeping, int height)
{
    static const float panel[4] = {0.0f, 0.0f, 0.0f, 0.55f}, white[4] = {1, 1, 1, 1}, grey[4] = {0.75f, 0.75f, 0.75f, 1};
    static const float amber[4] = {1.0f, 0.8f, 0.35f, 1.0f};
    char line[7][PLAN_PATH_MAX + 700];
    double healed = app_scene_default_days(scene);
    /* The phase of the latest session or touch-up so far (ageing/): what a patient sees that day. */
    double latest = -1.0;
    for (int i = 0; i < scene->field.layer_count; ++i)
        if (scene->field.layer_day[i] <= t_days) latest = fmax(latest, scene->field.layer_day[i]);
    const char *phase = latest >= 0.0 ? ageing_phase_name(t_days - latest) : "before the first session";
    snprintf(line[0], sizeof line[0], "time  %.0f days  (%.2f years)%s   %s", t_days, t_days / 365.25,
             fabs(t_days - healed) < 0.5 ? "  healed" : "", phase ? phase : "");
    if (light->on_camera)
        snprintf(line[1], sizeof line[1], "light %s  %.0f K  intensity %.2f  on the camera's axis", light->preset,
                 light->key_kelvin, light->intensity);
    else
        snprintf(line[1], sizeof line[1], "light %s  %.0f K  intensity %.2f  azimuth %.0f deg  elevation %.0f deg%s",
                 light->preset, light->key_kelvin, light->intensity, light->azimuth_deg, light->elevation_deg,
                 sweeping ? "  (sweep)" : "");
    snprintf(line[2], sizeof line[2], "view  %s   dots %d   Fitzpatrick %d   depth %.2f mm   shade %.2f",
             app_view_name(view), scene->field.count, scene->plan.patient.fitzpatrick, scene->plan.pigment.depth_mm,
             scene->plan.pigment.shade);
    snprintf(line[3], sizeof line[3], "plan  %s%s", ed->save_path, ed->dirty ? "  (unsaved changes)" : "");
    snprintf(line[4], sizeof line[4], "%.0f fps", fps);
    snprintf(line[5], sizeof line[5],
             "drag: orbit  wheel: zoom  arrows: light  Space: play  , .: day  [ ]: month (Shift: year)  H: healed  "
             "1-9: views  L: light preset  G: light sweep  I/T (+Shift): light intensity/kelvin  "
             "D/K (+Shift): depth/shade  F: skin type  Ctrl+S: save  drop a plan file to load  Esc: quit");
    snprintf(line[6], sizeof line[6], "%s", ed->status);
    float lh = ui_text_line_height(text);
    ui_text_clear(text);
    ui_text_panel(text, 8, 8, 700, lh * 5 + 26, panel);
    for (int i = 0; i < 5; ++i) ui_text_print(text, 16, 14 + lh * i, i == 3 && ed->dirty ? amber : white, line[i]);
    if (ed->status[0]) {
        ui_text_panel(text, 8, (float)height - 2 * lh - 24, 1200, lh + 8, panel);
        ui_text_print(text, 16, (float)height - 2 * lh - 20, amber, line[6]);
    }
    ui_text_panel(text, 8, (float)height - lh - 16, 1400, lh + 8, panel);
    ui_text_print(text, 16, (float)height - lh - 12, grey, line[5]);
    /* The timeline: day 0 to 20 years, the healing weeks stretched (timeline_position). */
    static const float track[4] = {1, 1, 1, 0.25f}, fill[4] = {1.0f, 0.8f, 0.35f, 0.9f};
    float bar_y = 14 + lh * 5 + 6, bar_w = 684;
    ui_text_panel(text, 16, bar_y, bar_w, 6, track);
    ui_text_panel(text, 16, bar_y, bar_w * (float)timeline_position(t_days, plan_healed_day(&scene->plan)), 6, fill);
}

/* Replaces the scene's plan and re-uploads it; on failure the old plan stays and the status says why. */
static bool editor_apply(editor *ed, app_scene *scene, render_context *rc, const plan *pl)
{
    smp_error err = {0};
    if (app_scene_set_plan(scene, pl, &err) != SMP_OK || app_scene_upload(rc, scene, &err) != SMP_OK) {
        snprintf(ed->status, sizeof ed->status, "%s", err.message);
        return false;
    }
    return true;
}

static void editor_edit(editor *ed, app_scene *scene, render_context *rc, SDL_Keycode key, bool shift)
{
    plan pl = scene->plan;
    double sign = shift ? -1.0 : 1.0;
    if (key == SDLK_d) pl.pigment.depth_mm = smp_clamp(pl.pigment.depth_mm + 0.05 * sign, 0.1, 3.0);
    else if (key == SDLK_k) pl.pigment.shade = smp_clamp(pl.pigment.shade + 0.05 * sign, 0.0, 1.0);
    else if (key == SDLK_f) pl.patient.fitzpatrick = pl.patient.fitzpatrick % 6 + 1;
    if (plan_equal(&pl, &scene->plan)) return;
    if (editor_apply(ed, scene, rc, &pl)) {
        ed->dirty = true;
        ed->quit_warned = false;
        ed->status[0] = '\0';
    }
}

static void editor_save(editor *ed, const app_scene *scene)
{
    smp_error err = {0};
    if (plan_save(&scene->plan, ed->save_path, &err) != SMP_OK) {
        snprintf(ed->status, sizeof ed->status, "not saved: %s", err.message);
        return;
    }
    ed->dirty = false;
    char *full = realpath(ed->save_path, NULL);
    snprintf(ed->status, sizeof ed->status, "saved %s", full ? full : ed->save_path);
    free(full);
}

/* A plan file dropped on the window replaces the plan (unsaved edits are kept in a side file first). */
static void editor_load(editor *ed, app_scene *scene, render_context *rc, const char *path)
{
    plan pl;
    smp_error err = {0};
    if (plan_load(&pl, path, NULL, 0, NULL, NULL, &err) != SMP_OK) {
        snprintf(ed->status, sizeof ed->status, "not loaded: %s", err.message);
        return;
    }
    if (ed->dirty) {
        char side[PLAN_PATH_MAX + 16];
        snprintf(side, sizeof side, "%s.unsaved.json", ed->save_path);
        if (plan_save(&scene->plan, side, &err) != SMP_OK) {
            snprintf(ed->status, sizeof ed->status, "not loaded: unsaved edits could not be kept: %s", err.message);
            return;
        }
    }
    if (!editor_apply(ed, scene, rc, &pl)) return;
    snprintf(ed->save_path, sizeof ed->save_path, "%s", path);
    ed->dirty = false;
    ed->quit_warned = false;
    snprintf(ed->status, sizeof ed->status, "loaded %s", path);
}

/* Tests drive the window with SMP_WINDOW_EVENTS: comma-separated "drop:PATH", "key:d", "key:shift+d",
 * "key:ctrl+s", "key:escape", pushed into SDL's queue as if they came from the user. */
static void push_test_events(const char *spec)
{
    char *copy = strdup(spec), *save = NULL;
    for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        SDL_Event e;
        memset(&e, 0, sizeof e);
        if (strncmp(item, "drop:", 5) == 0) {
            e.type = SDL_DROPFILE;
            e.drop.file = SDL_strdup(item + 5);
        } else if (strncmp(item, "key:", 4) == 0) {
            const char *k = item + 4;
            e.type = SDL_KEYDOWN;
            if (strncmp(k, "shift+", 6) == 0) e.key.keysym.mod = KMOD_LSHIFT, k += 6;
            if (strncmp(k, "ctrl+", 5) == 0) e.key.keysym.mod = KMOD_LCTRL, k += 5;
            e.key.keysym.sym = SDL_GetKeyFromName(k);
        } else {
            continue;
        }
        SDL_PushEvent(&e);
    }
    free(copy);
}

static int run_window(app_scene *scene, app_options *opts)
{
    smp_error err = {0};
    ui_gl *gl = NULL;
    render_context *rc = NULL;
    ui_text *text = NULL;
    int status = 0;
    if (ui_gl_create(&gl, true, opts->width, opts->height, "smpsim", &err) != SMP_OK ||
        render_context_create(&rc, NULL, &err) != SMP_OK ||
        app_scene_upload(rc, scene, &err) != SMP_OK || ui_text_create(&text, 18.0f, &err) != SMP_OK) {
        status = app_fail(NULL, &err);
        goto done;
    }
    app_view view = opts->view;
    app_camera cam = app_scene_view_camera(scene, view, opts->distance_m, (double)opts->width / opts->height);
    orbit o = orbit_from_camera(&cam);
    int preset = app_light_preset_index(opts->light_preset);
    if (preset < 0) preset = 0;
    app_light light = app_scene_light(app_light_preset_at(preset)->name, opts);
    /* The sweep (G) runs sweep_u from 0 to 1, then puts the light back where it was. */
    bool sweeping = false;
    double sweep_u = 0.0;
    app_light before_sweep = light;
    double t = opts->has_time ? opts->time_days : app_scene_default_days(scene);
    editor ed = {0};
    snprintf(ed.save_path, sizeof ed.save_path, "%s", opts->plan_path ? opts->plan_path : "smpsim-plan.json");
    const char *test_events = getenv("SMP_WINDOW_EVENTS");
    if (test_events) push_test_events(test_events);
    SDL_EventState(SDL_DROPFILE, SDL_ENABLE);
    bool dragging = false, running = true, playing = false;
    Uint64 last = SDL_GetPerformanceCounter();
    double fps = 0.0;
    /* Progressive refinement: while anything moves (input in the last VIEW_SETTLE_S, a light sweep, the
     * timeline playing) the frames take the renderer's interactive path; once it stops, one full-quality
     * frame, blended in from the interactive image over VIEW_BLEND_S; then the window only presents it again
     * (with the HUD) until the next input. */
    double moving_until = 0.0, blend_start = -1.0;
    bool full_shown = false, frame_was_interactive = false;
    int drawn[3] = {0, 0, 0}; /* interactive frames, full-quality frames, presentations only */
    while (running) {
        SDL_Event e;
        if (full_shown && blend_start < 0.0 && !sweeping && !playing && !test_events)
            SDL_WaitEventTimeout(NULL, 250); /* nothing moves: wait for input instead of spinning */
        while (SDL_PollEvent(&e)) {
            /* What a person does (not the window system's own events) keeps the frames interactive. */
            bool input = e.type == SDL_KEYDOWN || e.type == SDL_MOUSEWHEEL || e.type == SDL_MOUSEBUTTONDOWN ||
                         (e.type == SDL_MOUSEMOTION && dragging) ||
                         (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED);
            if (input) moving_until = smp_now_s() + VIEW_SETTLE_S;
            if (e.type == SDL_QUIT) running = false;
            else if (e.type == SDL_DROPFILE) {
                editor_load(&ed, scene, rc, e.drop.file);
                SDL_free(e.drop.file);
            } else if (e.type == SDL_MOUSEBUTTONDOWN && e.button.button == SDL_BUTTON_LEFT) dragging = true;
            else if (e.type == SDL_MOUSEBUTTONUP && e.button.button == SDL_BUTTON_LEFT) dragging = false;
            else if (e.type == SDL_MOUSEMOTION && dragging) {
                o.yaw -= (float)e.motion.xrel * 0.006f;
                o.pitch = fminf(fmaxf(o.pitch + (float)e.motion.yrel * 0.006f, -1.45f), 1.45f);
            } else if (e.type == SDL_MOUSEWHEEL) {
                o.distance = fminf(fmaxf(o.distance * powf(0.9f, (float)e.wheel.y), 60.0f), 20000.0f);
            } else if (e.type == SDL_KEYDOWN) {
                SDL_Keycode k = e.key.keysym.sym;
                bool shift = (e.key.keysym.mod & KMOD_SHIFT) != 0, ctrl = (e.key.keysym.mod & KMOD_CTRL) != 0;
                double step_days = shift ? 365.25 : 30.0;
                if (k == SDLK_ESCAPE || k == SDLK_q) {
                    /* Never lose work silently: the first Esc with unsaved edits only warns. */
                    if (ed.dirty && !ed.quit_warned) {
                        ed.quit_warned = true;
                        snprintf(ed.status, sizeof ed.status,
                                 "unsaved changes: Ctrl+S saves to %s, Esc again quits without saving", ed.save_path);
                    } else {
                        running = false;
                    }
                } else if (k == SDLK_s && ctrl) editor_save(&ed, scene);
                else if (k == SDLK_d || k == SDLK_k || k == SDLK_f) editor_edit(&ed, scene, rc, k, shift);
                else if (k == SDLK_LEFT || k == SDLK_RIGHT || k == SDLK_UP || k == SDLK_DOWN) {
                    if (light.on_camera) { /* a flash taken off the camera starts where the camera is */
                        light.on_camera = false;
                        light.azimuth_deg = fmod(o.yaw * 180.0 / SMP_PI + 360.0, 360.0);
                        light.elevation_deg = fmax(o.pitch * 180.0 / SMP_PI, 0.0);
                    }
                    if (k == SDLK_LEFT) light.azimuth_deg = fmod(light.azimuth_deg - 5.0 + 360.0, 360.0);
                    else if (k == SDLK_RIGHT) light.azimuth_deg = fmod(light.azimuth_deg + 5.0, 360.0);
                    else if (k == SDLK_UP) light.elevation_deg = fmin(light.elevation_deg + 5.0, 90.0);
                    else light.elevation_deg = fmax(light.elevation_deg - 5.0, 0.0);
                    sweeping = false;
                } else if (k == SDLK_g) {
                    if (sweeping) {
                        light = before_sweep;
                        sweeping = false;
                    } else {
                        before_sweep = light;
                        light.on_camera = false;
                        sweeping = true;
                        sweep_u = 0.0;
                        light.elevation_deg = app_light_sweep_phase_elevation_deg(0.0);
                    }
                } else if (k == SDLK_i) app_light_set_key(&light, light.intensity * (shift ? 0.8 : 1.25), light.key_kelvin);
                else if (k == SDLK_t) app_light_set_key(&light, light.intensity, light.key_kelvin + (shift ? -250.0 : 250.0));
                else if (k == SDLK_RIGHTBRACKET) t = fmin(t + step_days, 50.0 * 365.25);
                else if (k == SDLK_LEFTBRACKET) t = fmax(t - step_days, 0.0);
                else if (k == SDLK_PERIOD) t = fmin(t + 1.0, 50.0 * 365.25);
                else if (k == SDLK_COMMA) t = fmax(t - 1.0, 0.0);
                else if (k == SDLK_SPACE) {
                    playing = !playing;
                    /* From the end, play starts again at day 0. */
                    if (playing && timeline_position(t, plan_healed_day(&scene->plan)) >= 1.0) t = 0.0;
                }
                else if (k == SDLK_h) t = app_scene_default_days(scene);
                else if (k == SDLK_l) {
                    preset = (preset + 1) % app_light_preset_count();
                    const app_light_preset *p = app_light_preset_at(preset);
                    light = app_scene_light(p->name, NULL);
                    sweeping = false;
                    snprintf(ed.status, sizeof ed.status, "light %s: %s", p->name, p->summary);
                } else if (k >= SDLK_1 && k <= SDLK_9) {
                    view = (app_view)(k - SDLK_1);
                    int w, h;
                    ui_gl_drawable_size(gl, &w, &h);
                    cam = app_scene_view_camera(scene, view, opts->distance_m, (double)w / h);
                    o = orbit_from_camera(&cam);
                }
            }
        }
        int w, h;
        ui_gl_drawable_size(gl, &w, &h);
        if (w <= 0 || h <= 0) continue;
        app_camera c = orbit_camera(&o);
        render_frame frame;
        app_scene_frame(scene, &c, &light, t, w, h, &frame);
        draw_hud(text, scene, &ed, &light, t, view, fps, sweeping, h);
        render_overlay ov = ui_text_overlay(text);
        bool moving = sweeping || playing || smp_now_s() < moving_until;
        smp_status st = SMP_OK;
        if (moving) {
            frame.interactive = true;
            st = render_frame_draw(rc, &frame, 0, &err);
            full_shown = false;
            drawn[0]++;
        } else if (!full_shown) {
            drawn[1]++;
            st = render_frame_draw(rc, &frame, 0, &err);
            /* The first full frame after motion is blended in from the interactive image it replaces. */
            blend_start = frame_was_interactive ? smp_now_s() : -1.0;
            if (st == SMP_OK && blend_start >= 0.0) st = render_frame_present(rc, &frame, 0.0f, 0, &err);
            full_shown = true;
        } else {
            float share = 1.0f;
            if (blend_start >= 0.0) {
                share = (float)fmin((smp_now_s() - blend_start) / VIEW_BLEND_S, 1.0);
                if (share >= 1.0f) blend_start = -1.0;
            }
            st = render_frame_present(rc, &frame, share, 0, &err);
            drawn[2]++;
        }
        frame_was_interactive = moving;
        if (st != SMP_OK || render_overlay_draw(rc, &ov, w, h, 0, &err) != SMP_OK) {
            status = app_fail(NULL, &err);
            break;
        }
        ui_gl_swap(gl);
        Uint64 now = SDL_GetPerformanceCounter();
        double dt = (double)(now - last) / (double)SDL_GetPerformanceFrequency();
        last = now;
        fps = fps == 0.0 ? 1.0 / dt : 0.9 * fps + 0.1 / dt;
        if (sweeping) { /* only the light moves: no rebuild */
            sweep_u += fmin(dt, 0.5) / LIGHT_SWEEP_S;
            if (sweep_u >= 1.0) {
                light = before_sweep;
                sweeping = false;
            } else {
                light.elevation_deg = app_light_sweep_phase_elevation_deg(sweep_u);
            }
        }
        if (playing) { /* the ageing state is a function of t: no rebuild, only the dots' looks change */
            double healed = plan_healed_day(&scene->plan);
            double u = timeline_position(t, healed) + fmin(dt, 0.5) / TIMELINE_PLAY_S;
            if (u >= 1.0) u = 1.0, playing = false;
            t = timeline_days(u, healed);
        }
        if (getenv("SMP_WINDOW_FRAMES") && --opts->frames <= 0) { /* for tests under Xvfb */
            running = false;
            printf("timeline at exit: %.2f days\n", t);
            printf("frames at exit: %d interactive, %d full quality, %d presented again\n", drawn[0], drawn[1],
                   drawn[2]);
            printf("light at exit: %s %.0f K intensity %.2f elevation %.1f deg%s\n", light.preset, light.key_kelvin,
                   light.intensity, light.elevation_deg, sweeping ? " sweeping" : "");
        }
    }
done:
    ui_text_destroy(text);
    render_context_destroy(rc);
    ui_gl_destroy(gl);
    return status;
}

int app_cmd_view(int argc, char **argv)
{
    app_options opts;
    smp_error err = {0};
    if (app_options_parse(&opts, argc, argv, 1, view_allowed, &err) != SMP_OK) return app_fail(NULL, &err);
    if (opts.help) {
        printf("usage: smpsim [options]\n\nOpens the window on the plan; with no display, renders the default views "
               "to PNG files\n(in -o DIR, default ./smpsim-views) and prints their paths.\n\n%s",
               app_options_usage);
        return 0;
    }
    if (getenv("SMP_WINDOW_FRAMES")) opts.frames = atoi(getenv("SMP_WINDOW_FRAMES"));
    app_scene scene;
    if (app_scene_create(&scene, &opts, app_warn, &err) != SMP_OK) return app_fail(NULL, &err);
    int status = ui_display_available() ? run_window(&scene, &opts) : render_default_views(&scene, &opts);
    app_scene_destroy(&scene);
    return status;
}
