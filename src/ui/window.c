/* The interactive window (window.h): events in, panels and the head out, plan edits through the editor. */
#define _XOPEN_SOURCE 700 /* realpath, strdup */
#include "ui/window_internal.h"

#include <SDL2/SDL.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const ui_shortcut shortcuts[] = {
    {"drag, wheel", "orbit, zoom (over the head)"},
    {"drag a handle", "the hairline's or the temples' height (doctor, head tab)"},
    {"click the head", "a scan's landmark, while they are picked (doctor, head tab)"},
    {"arrows", "move the key light"},
    {"Space", "play the years"},
    {", .  [ ]", "a day, a month back or on (Shift: a year)"},
    {"H", "healed: 60 days after the last session"},
    {"1-9", "views"},
    {"L / G", "next light preset / light sweep"},
    {"I / T (+Shift)", "key light intensity / colour temperature"},
    {"D / K (+Shift)", "needle depth / shade"},
    {"F", "next skin type"},
    {"Ctrl+Z / Ctrl+Y", "undo / redo a plan edit"},
    {"Ctrl+S", "save the plan"},
    {"Ctrl+E", "save the image (the plan and time inside)"},
    {"drop a file", "open a plan (a folder: where reports and animations go)"},
    {"F1 or ?", "this help"},
    {"Esc", "quit (twice with unsaved edits)"},
};

/* SMP_WINDOW_EVENTS (window.h): key and drop events go into SDL's queue now; click, set, drag, type and
 * clickat wait in script. */
typedef struct script {
    char *items[64];
    int count, next, phase;
} script;

/* A key press as "d", "shift+d", "ctrl+s", "escape" (SDL's key names). */
static void key_event(const char *k, SDL_Event *e)
{
    memset(e, 0, sizeof *e);
    e->type = SDL_KEYDOWN;
    if (strncmp(k, "shift+", 6) == 0) e->key.keysym.mod = KMOD_LSHIFT, k += 6;
    if (strncmp(k, "ctrl+", 5) == 0) e->key.keysym.mod = KMOD_LCTRL, k += 5;
    e->key.keysym.sym = SDL_GetKeyFromName(k);
}

static void script_load(script *s, const char *spec)
{
    memset(s, 0, sizeof *s);
    char *copy = strdup(spec), *save = NULL;
    if (!copy) return;
    for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        SDL_Event e;
        memset(&e, 0, sizeof e);
        if (strncmp(item, "drop:", 5) == 0) {
            e.type = SDL_DROPFILE;
            e.drop.file = SDL_strdup(item + 5);
        } else if (strncmp(item, "key:", 4) == 0) {
            key_event(item + 4, &e);
        } else {
            if ((strncmp(item, "click:", 6) == 0 || strncmp(item, "set:", 4) == 0 ||
                 strncmp(item, "drag:", 5) == 0 || strncmp(item, "type:", 5) == 0 ||
                 strncmp(item, "clickat:", 8) == 0) &&
                s->count < 64)
                s->items[s->count++] = strdup(item);
            continue;
        }
        SDL_PushEvent(&e);
    }
    free(copy);
}

static void script_free(script *s)
{
    for (int i = 0; i < s->count; ++i)
        free(s->items[i]);
    memset(s, 0, sizeof *s);
}

/* One step of the script a frame: a press at the named widget, its release the next frame, and a frame to let
 * what it changed be drawn (a mode's panels appear a frame after the click) before the next press. "type:KEY"
 * is a key pressed when its turn comes; "clickat:X/Y/Z" a press and release, as of the mouse, at the pixel
 * where the scan file's point (X, Y, Z), in its coordinates and units, is seen with the last frame's camera
 * (what the click then does is the window's ordinary mouse handling: picking a landmark, while they are
 * picked). */
static void script_step(script *s, const named_rects *names, float scale, const view_state *vs,
                        const scene_model *scene)
{
    if (s->next >= s->count) return;
    const char *item = s->items[s->next];
    const char *name = strchr(item, ':') + 1;
    SDL_Event e;
    if (strncmp(item, "type:", 5) == 0) {
        if (s->phase == 0)
            key_event(name, &e), SDL_PushEvent(&e), s->phase = 1;
        else
            s->phase = 0, s->next++;
        return;
    }
    float u = 0.5f;
    char key[24];
    snprintf(key, sizeof key, "%.*s", (int)strcspn(name, "="), name);
    const char *eq = strchr(name, '=');
    if (eq) u = strtof(eq + 1, NULL);
    const ui_rect *r = NULL;
    ui_rect at_point;
    if (strncmp(item, "clickat:", 8) == 0) {
        double file[3];
        float px[2];
        if (sscanf(name, "%lf/%lf/%lf", &file[0], &file[1], &file[2]) != 3) {
            s->next++; /* malformed: skipped, and the test's checks say what is missing */
            return;
        }
        if (!landmark_screen_point(vs, scene, file, px)) return; /* no frame drawn yet: wait */
        at_point = (ui_rect){px[0], px[1], 0.0f, 0.0f};
        r = &at_point;
        u = 0.0f;
    }
    for (int i = 0; !r && i < names->count; ++i)
        if (strcmp(names->name[i], key) == 0) r = &names->rect[i];
    if (!r) return; /* not drawn yet (or never): wait */
    memset(&e, 0, sizeof e);
    int x = (int)lrintf((r->x + u * r->w) / scale), y = (int)lrintf((r->y + 0.5f * r->h) / scale);
    /* "drag:NAME=DY": over its middle, press, move DY pixels down, release; "clickat:" the same without the
     * move (the frame over the point first lets the panels learn that the mouse left them). */
    if (strncmp(item, "drag:", 5) == 0 || r == &at_point) {
        x = (int)lrintf((r->x + 0.5f * r->w) / scale);
        int dy = (int)lrintf(u / scale);
        if (s->phase == 0) {
            e.type = SDL_MOUSEMOTION; /* a frame over it first: the panels learn the mouse left them */
            e.motion.x = x, e.motion.y = y;
        } else if (s->phase == 1) {
            e.type = SDL_MOUSEBUTTONDOWN;
            e.button.button = SDL_BUTTON_LEFT, e.button.x = x, e.button.y = y;
        } else if (s->phase == 2) {
            e.type = SDL_MOUSEMOTION;
            e.motion.x = x, e.motion.y = y + dy, e.motion.yrel = dy, e.motion.state = SDL_BUTTON_LMASK;
            SDL_PushEvent(&e);
            memset(&e, 0, sizeof e);
            e.type = SDL_MOUSEBUTTONUP;
            e.button.button = SDL_BUTTON_LEFT, e.button.x = x, e.button.y = y + dy;
        }
        if (s->phase < 3)
            SDL_PushEvent(&e), s->phase++;
        else
            s->phase = 0, s->next++;
        return;
    }
    if (s->phase == 0) {
        e.type = SDL_MOUSEMOTION;
        e.motion.x = x, e.motion.y = y;
        SDL_PushEvent(&e);
        memset(&e, 0, sizeof e);
        e.type = SDL_MOUSEBUTTONDOWN;
        e.button.button = SDL_BUTTON_LEFT, e.button.x = x, e.button.y = y;
        SDL_PushEvent(&e);
        s->phase = 1;
    } else if (s->phase == 1) {
        e.type = SDL_MOUSEBUTTONUP;
        e.button.button = SDL_BUTTON_LEFT, e.button.x = x, e.button.y = y;
        SDL_PushEvent(&e);
        s->phase = 2;
    } else {
        s->phase = 0;
        s->next++;
    }
}

static unsigned ui_key_of(SDL_Keycode k)
{
    switch (k) {
    case SDLK_TAB:
        return UI_KEY_TAB;
    case SDLK_RETURN:
        return UI_KEY_ENTER;
    case SDLK_ESCAPE:
        return UI_KEY_ESCAPE;
    case SDLK_LEFT:
        return UI_KEY_LEFT;
    case SDLK_RIGHT:
        return UI_KEY_RIGHT;
    case SDLK_UP:
        return UI_KEY_UP;
    case SDLK_DOWN:
        return UI_KEY_DOWN;
    case SDLK_HOME:
        return UI_KEY_HOME;
    case SDLK_END:
        return UI_KEY_END;
    default:
        return 0;
    }
}

/* The window's own keys (those the widgets do not take). */
static void window_key(SDL_Keycode k, bool shift, bool ctrl, view_state *vs, editor *ed, scene_model *scene,
                       render_context *rc, const ui_window_desc *opts, int w, int h, bool *running)
{
    double step_days = shift ? 365.25 : 30.0;
    if (ed->offering) {
        if (k == SDLK_RETURN || k == SDLK_r)
            editor_recover(ed, scene, rc, true);
        else if (k == SDLK_n || k == SDLK_ESCAPE)
            editor_recover(ed, scene, rc, false);
        return;
    }
    if (k == SDLK_ESCAPE && landmark_picking(vs) && !vs->help) {
        landmark_cancel(vs, ed);
        return;
    }
    if (k == SDLK_ESCAPE || k == SDLK_q) {
        if (vs->help) {
            vs->help = false;
        } else if (ed->dirty && !ed->quit_warned) { /* never lose work silently: the first Esc only warns */
            ed->quit_warned = true;
            snprintf(ed->status, sizeof ed->status,
                     "unsaved changes: Ctrl+S saves to %s, Esc again quits without saving", ed->save_path);
        } else {
            *running = false;
        }
    } else if (k == SDLK_F1 || (k == SDLK_SLASH && shift) || k == SDLK_QUESTION)
        vs->help = !vs->help;
    else if (k == SDLK_s && ctrl)
        editor_save(ed, scene);
    else if (k == SDLK_e && ctrl)
        vs->export_requested = true;
    else if (k == SDLK_z && ctrl)
        editor_undo(ed, scene, rc, shift);
    else if (k == SDLK_y && ctrl)
        editor_undo(ed, scene, rc, true);
    else if (k == SDLK_d || k == SDLK_k || k == SDLK_f)
        editor_key_edit(ed, scene, rc, k, shift);
    else if (k == SDLK_LEFT || k == SDLK_RIGHT || k == SDLK_UP || k == SDLK_DOWN) {
        scene_light *light = &vs->light;
        if (light->on_camera) { /* a flash taken off the camera starts where the camera is */
            light->on_camera = false;
            light->azimuth_deg = fmod(vs->o.yaw * 180.0 / SMP_PI + 360.0, 360.0);
            light->elevation_deg = fmax(vs->o.pitch * 180.0 / SMP_PI, 0.0);
        }
        if (k == SDLK_LEFT)
            light->azimuth_deg = fmod(light->azimuth_deg - 5.0 + 360.0, 360.0);
        else if (k == SDLK_RIGHT)
            light->azimuth_deg = fmod(light->azimuth_deg + 5.0, 360.0);
        else if (k == SDLK_UP)
            light->elevation_deg = fmin(light->elevation_deg + 5.0, 90.0);
        else
            light->elevation_deg = fmax(light->elevation_deg - 5.0, 0.0);
        vs->sweeping = false;
    } else if (k == SDLK_g)
        sweep_toggle(vs);
    else if (k == SDLK_i)
        scene_light_set_key(&vs->light, vs->light.intensity * (shift ? 0.8 : 1.25), vs->light.key_kelvin);
    else if (k == SDLK_t)
        scene_light_set_key(&vs->light, vs->light.intensity, vs->light.key_kelvin + (shift ? -250.0 : 250.0));
    else if (k == SDLK_RIGHTBRACKET)
        vs->t_days = fmin(vs->t_days + step_days, 50.0 * 365.25);
    else if (k == SDLK_LEFTBRACKET)
        vs->t_days = fmax(vs->t_days - step_days, 0.0);
    else if (k == SDLK_PERIOD)
        vs->t_days = fmin(vs->t_days + 1.0, 50.0 * 365.25);
    else if (k == SDLK_COMMA)
        vs->t_days = fmax(vs->t_days - 1.0, 0.0);
    else if (k == SDLK_SPACE) {
        vs->playing = !vs->playing;
        /* From the end, play starts again at day 0. */
        if (vs->playing && scene_timeline_position(vs->t_days, plan_healed_day(&scene->plan)) >= 1.0)
            vs->t_days = 0.0;
    } else if (k == SDLK_h)
        vs->t_days = scene_default_days(scene);
    else if (k == SDLK_l)
        light_preset_set(vs, ed, (vs->preset + 1) % scene_light_preset_count());
    else if (k >= SDLK_1 && k <= SDLK_9)
        view_set(vs, scene, opts, (scene_view)(k - SDLK_1), w, h);
}

/* The panels, the recovery offer, the status line and the help: this frame's overlay. */
static void window_ui(ui_ctx *ui, view_state *vs, editor *ed, scene_model *scene, render_context *rc,
                      const ui_window_desc *opts, named_rects *names, int w, int h, float s,
                      const char *timing)
{
    if (ed->offering) {
        float pw = fminf(560.0f * s, (float)w - 20.0f), ph = 5.0f * ui_row_height(ui) + 40.0f * s;
        ui_panel_begin(ui, "recover unsaved work", 0.5f * ((float)w - pw), 0.3f * (float)h, pw, ph);
        ui_label(ui, "smpsim stopped on %s with a plan not yet saved", ed->offer.saved_local);
        ui_label(ui, "(%s).", ed->offer.plan_path[0] ? ed->offer.plan_path : "a plan never saved");
        if (ui_button(ui, "recover it (Enter)")) editor_recover(ed, scene, rc, true);
        name_last(names, ui, "recover");
        if (ui_button(ui, "discard it (N)")) editor_recover(ed, scene, rc, false);
        name_last(names, ui, "discard");
        ui_panel_end(ui);
    } else if ((float)w >= WINDOW_PANELS_MIN_W * s) {
        /* Down to the status line (one row), with the panels' margin above it. */
        float ph = (float)h - 20.0f * s - 1.2f * ui_row_height(ui), pw = PANEL_W * s;
        if (vs->mode == MODE_PATIENT) {
            patient_panel(ui, vs, ed, scene, opts, names, 10.0f * s, 10.0f * s, pw * PATIENT_SCALE, ph, w, h);
        } else {
            if (vs->mode == MODE_TRAINER)
                trainer_panel(ui, vs, scene, names, 10.0f * s, 10.0f * s, pw, ph);
            else
                plan_panel(ui, vs, ed, scene, names, 10.0f * s, 10.0f * s, pw, ph, vs->t_days);
            view_panel(ui, vs, ed, scene, opts, names, (float)w - (PANEL_W + 10.0f) * s, 10.0f * s, pw, ph, w,
                       h);
        }
    }
    char left[2 * PLAN_PATH_MAX + 900];
    const char *undo = history_undo_description(ed->hist);
    char computing[160] = "";
    if (ed->vis.job)
        snprintf(computing, sizeof computing, "   %.0f %% %s", 100.0 * scene_vis_job_fraction(ed->vis.job),
                 scene_vis_job_stage(ed->vis.job));
    snprintf(left, sizeof left, "%s%s   %s%s%s%s", ed->save_path, ed->dirty ? " (unsaved changes)" : "",
             ed->status,
             ed->status[0] || !undo ? "" : "   Ctrl+Z undoes: ", ed->status[0] || !undo ? "" : undo,
             computing);
    ui_status_line(ui, left, timing);
    ui_help(ui, &vs->help, "smpsim: keys", shortcuts, (int)(sizeof shortcuts / sizeof shortcuts[0]));
}

static int window_fail(const smp_error *err)
{
    fprintf(stderr, "smpsim: %s\n", err->message);
    return smp_error_exit_status(err);
}

int ui_window_run(scene_model *scene, const ui_window_desc *opts)
{
    smp_error err = {0};
    int frames_left = opts->frames;
    ui_gl *gl = NULL;
    render_context *rc = NULL;
    ui_text *text = NULL;
    ui_ctx *ui = NULL;
    editor ed = {0};
    script scr = {0};
    side_scene sb = {0};
    int status = 0;
    if (ui_gl_create(&gl, true, opts->width, opts->height, "smpsim", &err) != SMP_OK ||
        render_context_create(&rc, NULL, &err) != SMP_OK || scene_upload(rc, scene, &err) != SMP_OK ||
        ui_text_create(&text, 16.0f, &err) != SMP_OK || ui_ctx_create(&ui, text, NULL, &err) != SMP_OK ||
        history_create(&ed.hist, &scene->plan, UNDO_STEPS, &err) != SMP_OK) {
        status = window_fail(&err);
        goto done;
    }
    snprintf(ed.save_path, sizeof ed.save_path, "%s", opts->plan_path ? opts->plan_path : "smpsim-plan.json");
    ed.pending = scene->plan;
    editor_fade_update(&ed, scene);
    /* A plan a crashed session left is offered first; autosave starts once it is answered. */
    ed.offering = autosave_pending(&ed.offer, ui_log_stderr, NULL);
    if (!ed.offering && autosave_create(&ed.as, opts->plan_path, NULL, &err) != SMP_OK)
        snprintf(ed.status, sizeof ed.status, "%s", err.message);

    view_state vs = {0};
    vs.mode = MODE_DOCTOR;
    vs.pick.step = -1;
    vs.split = 0.5f;
    view_set(&vs, scene, opts, opts->view, opts->width, opts->height);
    vs.preset = scene_light_preset_index(opts->light.preset);
    if (vs.preset < 0) vs.preset = 0;
    vs.light = opts->light;
    vs.before_sweep = vs.light;
    vs.t_days = opts->has_time ? opts->time_days : scene_default_days(scene);
    vs.plan_tab = PLAN_TAB_INK; /* the pigment and the needle first */
    vs.side_t_days = scene_default_days(scene) + 10.0 * 365.25;
    vs.side_preset = preset_by_name("bathroom");
    vs.side_depth_mm = 1.5f; /* a tattoo's depth (assets/plans/bad-practice-too-deep.json) */
    vs.side_shade = (float)fmin(scene->plan.pigment.shade + 0.2, 1.0);
    vs.export_size = EXPORT_SIZE_REPORT;
    vs.animation_frames = 60;
    const char *test_events = getenv("SMP_WINDOW_EVENTS");
    if (test_events) script_load(&scr, test_events);
    SDL_EventState(SDL_DROPFILE, SDL_ENABLE);
    bool dragging = false, running = true;
    Uint64 last = SDL_GetPerformanceCounter();
    double frame_ms = 0.0;
    named_rects names = {0};
    ui_input in = {0};
    /* Progressive refinement: while anything moves (input in the last VIEW_SETTLE_S, a light sweep, the
     * timeline playing) the frames take the renderer's interactive path; once it stops, one full-quality
     * frame, blended in from the interactive image over VIEW_BLEND_S; then the window only presents it again
     * (with the panels) until the next input. */
    double moving_until = 0.0, blend_start = -1.0;
    bool full_shown = false, frame_was_interactive = false;
    float interactive_scale = RENDER_INTERACTIVE_SCALE; /* adapted to 30 fps frame by frame */
    int drawn[3] = {0, 0, 0}; /* interactive frames, full-quality frames, presentations only */
    long frame_index = 0;
    int exports_done = 0, export_screens = 0; /* long exports made, and the progress screens they drew */
    while (running) {
        int w, h, ww, wh;
        ui_gl_drawable_size(gl, &w, &h);
        SDL_GetWindowSize(ui_gl_window(gl), &ww, &wh);
        float s = ww > 0 ? (float)w / (float)ww : 1.0f; /* drawable pixels per window point (high DPI) */
        if (frame_index++ > 0) script_step(&scr, &names, s, &vs, scene);
        SDL_Event e;
        bool vis_running = ed.vis.job && vs.mode == MODE_DOCTOR && vs.plan_tab == PLAN_TAB_SCARS;
        if (full_shown && blend_start < 0.0 && !vs.sweeping && !vs.playing && !test_events && !vis_running)
            SDL_WaitEventTimeout(NULL, 250); /* nothing moves: wait for input instead of spinning */
        in.buttons_pressed = in.buttons_released = 0;
        in.keys_pressed = 0;
        in.wheel_y = 0.0f;
        bool over_ui = ui_wants_mouse(ui), keys_to_ui = ui_wants_keyboard(ui);
        while (SDL_PollEvent(&e)) {
            /* What moves the camera, the light, the time or the view keeps the frames interactive for a
             * moment (moving_until); the panels' hover and clicks only redraw the overlay over the image. */
            if (e.type == SDL_QUIT)
                running = false;
            else if (e.type == SDL_DROPFILE) {
                if (export_dir_set(&ed, e.drop.file)) {
                    /* a folder: where reports and animations go */
                } else if (vs.side && vs.side_kind == SIDE_PLAN && vs.technique == 0)
                    side_load(&vs, &ed, e.drop.file);
                else
                    editor_drop(&ed, scene, rc, e.drop.file);
                SDL_free(e.drop.file);
            } else if (e.type == SDL_MOUSEMOTION) {
                in.mouse_x = (float)e.motion.x * s, in.mouse_y = (float)e.motion.y * s;
                if (handle_dragging(&vs)) {
                    handle_drag(&vs, in.mouse_x, in.mouse_y);
                } else if (dragging) {
                    vs.o.yaw -= (float)e.motion.xrel * 0.006f;
                    vs.o.pitch = fminf(fmaxf(vs.o.pitch + (float)e.motion.yrel * 0.006f, -1.45f), 1.45f);
                    moving_until = smp_now_s() + VIEW_SETTLE_S;
                }
            } else if (e.type == SDL_MOUSEBUTTONDOWN && e.button.button == SDL_BUTTON_LEFT) {
                in.mouse_x = (float)e.button.x * s, in.mouse_y = (float)e.button.y * s;
                in.buttons_pressed |= UI_MOUSE_LEFT;
                in.buttons_down |= UI_MOUSE_LEFT;
                over_ui = over_ui || ed.offering || vs.help;
                if (!over_ui) landmark_press(&vs, in.mouse_x, in.mouse_y); /* a click picks, a drag turns */
                if (!over_ui && !handle_press(&vs, &ed, in.mouse_x, in.mouse_y, s)) dragging = true;
            } else if (e.type == SDL_MOUSEBUTTONUP && e.button.button == SDL_BUTTON_LEFT) {
                in.buttons_released |= UI_MOUSE_LEFT;
                in.buttons_down &= ~(unsigned)UI_MOUSE_LEFT;
                dragging = false;
                handle_release(&vs, &ed);
                landmark_release(&vs, &ed, scene, (float)e.button.x * s, (float)e.button.y * s, s);
            } else if (e.type == SDL_MOUSEWHEEL) {
                in.wheel_y += (float)e.wheel.y;
                if (!over_ui) {
                    vs.o.distance =
                        fminf(fmaxf(vs.o.distance * powf(0.9f, (float)e.wheel.y), 60.0f), 20000.0f);
                    moving_until = smp_now_s() + VIEW_SETTLE_S;
                }
            } else if (e.type == SDL_KEYDOWN) {
                SDL_Keycode k = e.key.keysym.sym;
                bool shift = (e.key.keysym.mod & KMOD_SHIFT) != 0, ctrl = (e.key.keysym.mod & KMOD_CTRL) != 0;
                unsigned uk = ui_key_of(k);
                /* Tab always, and the arrows, Enter, Home, End and Escape while a widget has the focus, go to
                 * the widgets; every other key is the window's. */
                if (uk && (k == SDLK_TAB || keys_to_ui) && !ed.offering)
                    in.keys_pressed |= uk;
                else
                    window_key(k, shift, ctrl, &vs, &ed, scene, rc, opts, w, h, &running);
                moving_until = smp_now_s() + VIEW_SETTLE_S;
            } else if (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
                moving_until = smp_now_s() + VIEW_SETTLE_S;
            }
        }
        if (w <= 0 || h <= 0) continue;
        in.display_width = w, in.display_height = h;
        in.scale = vs.mode == MODE_PATIENT ? s * PATIENT_SCALE : s;
        in.shift = (SDL_GetModState() & KMOD_SHIFT) != 0;

        /* The panels first: what they change this frame is in this frame's image. */
        char timing[96];
        snprintf(timing, sizeof timing, "%s %.0f ms", frame_was_interactive ? "interactive" : "full quality",
                 frame_ms);
        ed.fade.shown = false; /* until its panel section is drawn */
        if (ui_begin_frame(ui, &in, &err) != SMP_OK) {
            status = window_fail(&err);
            break;
        }
        scene_light light_before = vs.light;
        double t_before = vs.t_days;
        scene_view view_before = vs.view;
        orbit orbit_before = vs.o;
        bool compare_before = vs.compare;
        names.count = 0; /* the widgets this frame draws */
        bool side_before = vs.side, side_ready_before = vs.side_ready;
        window_ui(ui, &vs, &ed, scene, rc, opts, &names, w, h, s, timing);
        int half = vs.side ? w / 2 : w; /* side by side: A left of half, B right */
        if (vs.side && (float)w >= WINDOW_PANELS_MIN_W * s) side_captions(text, &vs, half, s);
        vs.hairline_shown_cm = ed.pending.hairline.height_cm;
        vs.temples_shown_cm = ed.pending.hairline.temple_height_cm;
        handle_draw(text, &vs, s);
        landmark_draw(text, &vs, s);
        if (vs.hairline.visible) /* for the test script: "drag:hairline-handle=DY" */
            name_rect(
                &names, "hairline-handle",
                (ui_rect){vs.hairline.at[0] - 6.0f * s, vs.hairline.at[1] - 6.0f * s, 12.0f * s, 12.0f * s});
        if (vs.temples.visible)
            name_rect(
                &names, "temples-handle",
                (ui_rect){vs.temples.at[0] - 6.0f * s, vs.temples.at[1] - 6.0f * s, 12.0f * s, 12.0f * s});
        ui_end_frame(ui);
        if (vs.compare && !compare_before) full_shown = false;
        if (vs.side != side_before || (side_ready_before && !vs.side_ready)) full_shown = false;
        if (memcmp(&light_before, &vs.light, sizeof light_before) != 0 || t_before != vs.t_days ||
            view_before != vs.view || memcmp(&orbit_before, &vs.o, sizeof orbit_before) != 0)
            moving_until = smp_now_s() + VIEW_SETTLE_S;
        /* Plan edits in the panels are applied once no widget is held (a drag applies when it ends). */
        if (!plan_equal(&ed.pending, &scene->plan) && ui_active_id(ui) == 0 && !handle_dragging(&vs)) {
            history_edit edit = ed.pending_edit;
            plan next = ed.pending;
            editor_commit(&ed, scene, rc, &next, &edit);
            full_shown = false;
        }

        bool vis_shown =
            vs.mode == MODE_DOCTOR && vs.plan_tab == PLAN_TAB_SCARS && (float)w >= WINDOW_PANELS_MIN_W * s;
        vis_update(&ed, scene, vis_shown);

        orbit seen = vs.o;
        if (vs.side) seen.distance *= SIDE_ZOOM_OUT; /* each half is half as wide: the head must still fit */
        scene_camera c = orbit_camera(&seen);
        render_frame frame;
        scene_frame(scene, &c, &vs.light, vs.t_days, half, h, &frame);
        float shift = vs.side ? side_shift(&vs, w, s, (float)w >= WINDOW_PANELS_MIN_W * s) : 0.0f;
        if (shift != 0.0f) lens_shift(&frame, shift);
        handle_update(&vs, &ed, scene, &frame); /* drawn with the next frame's panels */
        landmark_update(&vs, &ed, scene, &frame);
        if (vs.export_requested) {
            vs.export_requested = false;
            editor_export(&ed, scene, rc, &frame, &vs.light, vs.t_days, vs.view);
            full_shown = false; /* the export drew into the full-quality targets: draw them again */
        }
        render_overlay ov = ui_text_overlay(text);
        bool moving = vs.sweeping || vs.playing || smp_now_s() < moving_until;
        smp_status st = SMP_OK;
        double start = smp_now_s();
        if (moving) {
            frame.interactive = true;
            frame.interactive_scale = interactive_scale;
            if (vs.side && side_shares_scene(&vs)) {
                /* B shares A's scene: drawn live beside it (at half the width each, a frame's cost in all).
                 */
                render_frame fb;
                scene_light lb = vs.side_kind == SIDE_LIGHT
                                     ? scene_light_of_preset(scene_light_preset_at(vs.side_preset))
                                     : vs.light;
                scene_frame(scene, &c, &lb, vs.side_kind == SIDE_YEAR ? vs.side_t_days : vs.t_days, w - half,
                            h, &fb);
                fb.interactive = true;
                fb.interactive_scale = interactive_scale;
                fb.output_x = half;
                lens_shift(&fb, -shift);
                st = render_frame_draw(rc, &fb, 0, &err);
                vs.side_ready = false;
            } else if (vs.side && vs.side_ready) {
                st = render_compare_beside(rc, half, h, 0,
                                           &err); /* B's own scene: its last image until A stops */
            }
            if (st == SMP_OK) st = render_frame_draw(rc, &frame, 0, &err);
            full_shown = false;
            drawn[0]++;
            frame_ms = 1000.0 * (smp_now_s() - start);
            interactive_scale = render_interactive_scale_next(interactive_scale, frame_ms);
        } else if (!full_shown) {
            drawn[1]++;
            if (vs.side) {
                st = side_capture(&vs, &sb, scene, rc, &c, w - half, h, -shift, &err);
                vs.side_ready = st == SMP_OK;
                if (st !=
                    SMP_OK) { /* B could not be built (a bad plan B): A alone, and the status says why */
                    snprintf(ed.status, sizeof ed.status, "B not shown: %s", err.message);
                    vs.side = false;
                    half = w;
                    scene_frame(scene, &c, &vs.light, vs.t_days, w, h, &frame);
                    st = SMP_OK;
                }
            }
            if (vs.compare) { /* before: the same camera and light before the first session */
                render_frame before;
                scene_frame(scene, &c, &vs.light, -1.0, w, h, &before);
                st = render_compare_capture(rc, &before, &err);
                vs.compare_ready = st == SMP_OK;
                vs.compare_w = w, vs.compare_h = h;
            }
            if (st == SMP_OK) st = render_frame_draw(rc, &frame, 0, &err);
            /* The first full frame after motion is blended in from the interactive image it replaces. */
            blend_start = frame_was_interactive && !vs.compare && !vs.side ? smp_now_s() : -1.0;
            if (st == SMP_OK && blend_start >= 0.0) st = render_frame_present(rc, &frame, 0.0f, 0, &err);
            if (st == SMP_OK && vs.compare) st = render_compare_overlay(rc, w, h, vs.split, 0, &err);
            if (st == SMP_OK && vs.side && vs.side_ready) st = render_compare_beside(rc, half, h, 0, &err);
            full_shown = true;
            frame_ms = 1000.0 * (smp_now_s() - start);
        } else {
            float share = 1.0f;
            if (blend_start >= 0.0) {
                share = (float)fmin((smp_now_s() - blend_start) / VIEW_BLEND_S, 1.0);
                if (share >= 1.0f) blend_start = -1.0;
            }
            st = render_frame_present(rc, &frame, share, 0, &err);
            /* A window resized without a size event to say so: the before image is captured again next frame.
             */
            if (vs.compare && (vs.compare_w != w || vs.compare_h != h))
                vs.compare_ready = false, full_shown = false;
            if (st == SMP_OK && vs.compare && vs.compare_ready)
                st = render_compare_overlay(rc, w, h, vs.split, 0, &err);
            if (vs.side && (!vs.side_ready || frame.width != half))
                full_shown = false; /* resized: capture B again */
            else if (st == SMP_OK && vs.side)
                st = render_compare_beside(rc, half, h, 0, &err);
            drawn[2]++;
        }
        frame_was_interactive = moving;
        if (st != SMP_OK || render_overlay_draw(rc, &ov, w, h, 0, &err) != SMP_OK) {
            status = window_fail(&err);
            break;
        }
        /* A screenshot of the whole window for tests and the docs (SMP_WINDOW_SCREENSHOT=FILE.png): the last
         * frame before the exit that SMP_WINDOW_FRAMES asks for. */
        const char *shot = getenv("SMP_WINDOW_SCREENSHOT");
        if (opts->frames > 0 && shot && shot[0] && frames_left == 1) {
            uint8_t *rgba = malloc((size_t)w * (size_t)h * 4);
            st = rgba ? render_window_read_rgba8(rc, w, h, rgba, &err)
                      : smp_error_set(&err, SMP_ERR_NOMEM, "window: out of memory for a screenshot");
            if (st == SMP_OK)
                st = scene_png_write(shot, rgba, w, h, scene, &vs.light, vs.t_days, scene_view_name(vs.view),
                                     &err);
            free(rgba);
            if (st != SMP_OK) {
                status = window_fail(&err);
                break;
            }
        }
        ui_gl_swap(gl);
        /* The scar visibility's next step while its plot is shown, once the full-quality image is and nothing
         * moves: the panels stay live between steps, and motion or another tab pauses it. */
        if (ed.vis.job && vis_shown && full_shown && blend_start < 0.0 && !moving) vis_step(&ed);
        /* The fade curve after an edit, likewise (editor.fade.stale). */
        if (ed.fade.stale && ed.fade.shown && full_shown && blend_start < 0.0 && !moving)
            editor_fade_update(&ed, scene);
        Uint64 now = SDL_GetPerformanceCounter();
        double dt = (double)(now - last) / (double)SDL_GetPerformanceFrequency();
        last = now;
        if (vs.sweeping) { /* only the light moves: no rebuild */
            vs.sweep_u += fmin(dt, 0.5) / LIGHT_SWEEP_S;
            if (vs.sweep_u >= 1.0) {
                vs.light = vs.before_sweep;
                vs.sweeping = false;
            } else {
                vs.light.elevation_deg = scene_light_sweep_phase_elevation_deg(vs.sweep_u);
            }
        }
        if (vs.report_requested || vs.animation_requested) { /* long exports, with a progress screen */
            export_screen x = {.gl = gl, .text = text, .rc = rc, .width = w, .height = h, .scale = s};
            if (vs.report_requested) {
                editor_report(&ed, scene, &x, vs.export_size);
            } else {
                scene_camera cam = orbit_camera(&vs.o);
                editor_animation(&ed, scene, &x, vs.animation_requested - 1, vs.animation_frames,
                                 vs.export_size, &cam, &vs.light, vs.t_days);
            }
            vs.report_requested = false;
            vs.animation_requested = 0;
            exports_done++;
            export_screens += x.frames;
            full_shown = false;                    /* the export drew into the renderer's targets */
            in.buttons_down = 0, dragging = false; /* a release meanwhile was dropped with the other input */
            last = SDL_GetPerformanceCounter();
        }
        if (vs.playing) { /* the ageing state is a function of t: no rebuild, only the dots' looks change */
            double healed = plan_healed_day(&scene->plan);
            double u = scene_timeline_position(vs.t_days, healed) + fmin(dt, 0.5) / TIMELINE_PLAY_S;
            if (u >= 1.0) u = 1.0, vs.playing = false;
            vs.t_days = scene_timeline_days(u, healed);
        }
        if (opts->frames > 0 && --frames_left <= 0) { /* for tests under Xvfb */
            running = false;
            printf("timeline at exit: %.2f days\n", vs.t_days);
            printf("frames at exit: %d interactive, %d full quality, %d presented again\n", drawn[0],
                   drawn[1], drawn[2]);
            printf("light at exit: %s %.0f K intensity %.2f elevation %.1f deg%s\n", vs.light.preset,
                   vs.light.key_kelvin, vs.light.intensity, vs.light.elevation_deg,
                   vs.sweeping ? " sweeping" : "");
            printf("plan at exit: depth %.2f mm shade %.2f skin type %d, %d undo steps%s, %d scars, %d "
                   "touch-ups\n",
                   scene->plan.pigment.depth_mm, scene->plan.pigment.shade, scene->plan.patient.fitzpatrick,
                   history_undo_count(ed.hist), ed.offering ? ", recovery offered" : "",
                   scene->plan.scar_count, scene->plan.touch_up_count);
            printf("hair at exit: #%02x%02x%02x\n", scene->plan.patient.hair_color_srgb8[0],
                   scene->plan.patient.hair_color_srgb8[1], scene->plan.patient.hair_color_srgb8[2]);
            printf("hairline at exit: %.1f cm, temples %.1f cm\n", scene->plan.hairline.height_cm,
                   scene->plan.hairline.temple_height_cm);
            if (scene->head.scanned) {
                const plan_scan_landmarks *lm = &scene->plan.head.landmarks;
                if (lm->given)
                    printf("landmarks at exit: nasion [%.4f, %.4f, %.4f] tragus_left [%.4f, %.4f, %.4f] "
                           "tragus_right [%.4f, %.4f, %.4f] (the file's units)%s\n",
                           lm->nasion[0], lm->nasion[1], lm->nasion[2], lm->tragus_left[0],
                           lm->tragus_left[1], lm->tragus_left[2], lm->tragus_right[0], lm->tragus_right[1],
                           lm->tragus_right[2], landmark_picking(&vs) ? ", picking" : "");
                else
                    printf("landmarks at exit: estimated%s\n", landmark_picking(&vs) ? ", picking" : "");
                int on_screen = 0;
                for (int i = 0; i < vs.pick.marker_count; ++i)
                    on_screen += vs.pick.visible[i];
                printf("markers at exit: %d, %d on the screen\n", vs.pick.marker_count, on_screen);
            }
            if (scene->plan.head.photo[0])
                printf("photo at exit: %s, from azimuth %.0f elevation %.0f deg at %.2f m, %s its hair, "
                       "covering "
                       "%.0f cm2\n",
                       scene->plan.head.photo, scene->plan.head.photo_azimuth_deg,
                       scene->plan.head.photo_elevation_deg, scene->plan.head.photo_distance_m,
                       scene->plan.head.photo_hair == PLAN_PHOTO_HAIR_KEEP ? "keeping" : "removing",
                       scene->skin_map.covered_cm2);
            printf("distance at exit: %.2f m\n", vs.o.distance / 1000.0);
            printf("view at exit: %s\n", scene_view_name(vs.view));
            printf("mode at exit: %s\n", mode_names[vs.mode]);
            if (vs.compare) printf("compare at exit: split %.2f\n", vs.split);
            if (vs.side) {
                char b[96];
                side_caption(&vs, b, sizeof b);
                printf("compare at exit: side by side, %s: %s\n", side_kind_names[vs.side_kind], b);
            }
            if (ed.vis.job)
                printf("visibility at exit: measuring, %.0f %% after %.1f s, longest step %.2f s\n",
                       100.0 * scene_vis_job_fraction(ed.vis.job), smp_now_s() - ed.vis.started_s,
                       ed.vis.longest_step_s);
            else if (ed.vis.valid)
                printf(
                    "visibility at exit: %d scars in %.1f s, longest step %.2f s, worst dE00 with SMP %.2f\n",
                    ed.vis.result.scar_count, ed.vis.took_s, ed.vis.longest_step_s,
                    vis_worst(&ed.vis.result));
            if (exports_done)
                printf("exports at exit: %d, %d progress screens\n", exports_done, export_screens);
            if (ed.status[0]) printf("status at exit: %s\n", ed.status);
        }
    }
    /* A clean exit removes the recovery file (its work is saved, or the person chose to quit without it); a
     * failure leaves it for the next start. */
    if (status == 0) autosave_finish(ed.as);
done:
    vis_stop(&ed);
    if (sb.built) scene_destroy(sb.scene);
    free(sb.scene);
    script_free(&scr);
    history_destroy(ed.hist);
    ui_ctx_destroy(ui);
    ui_text_destroy(text);
    render_context_destroy(rc);
    ui_gl_destroy(gl);
    return status;
}
