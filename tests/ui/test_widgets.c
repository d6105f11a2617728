/* The immediate-mode widgets (ui/widgets.h) driven by synthetic input frames, as a window would drive them:
 * what each widget returns, where it lies and what it takes, never its pixels. */
#include "test_util.h"

#include "ui/widgets.h"

#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    ui_text *text;
    ui_ctx *ui;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    smp_error err = {0};
    if (!f || ui_text_create(&f->text, 16.0f, &err) != SMP_OK ||
        ui_ctx_create(&f->ui, f->text, NULL, &err) != SMP_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ui_ctx_destroy(f->ui);
    ui_text_destroy(f->text);
    free(f);
    return 0;
}

/* Input: the mouse at (x, y) over a 1280x720 window at scale 1. */
static ui_input at(float x, float y)
{
    return (ui_input){
        .mouse_x = x, .mouse_y = y, .display_width = 1280, .display_height = 720, .scale = 1.0f};
}
static ui_input press(float x, float y)
{
    ui_input in = at(x, y);
    in.buttons_pressed = in.buttons_down = UI_MOUSE_LEFT;
    return in;
}
static ui_input hold(float x, float y)
{
    ui_input in = at(x, y);
    in.buttons_down = UI_MOUSE_LEFT;
    return in;
}
static ui_input release(float x, float y)
{
    ui_input in = at(x, y);
    in.buttons_released = UI_MOUSE_LEFT;
    return in;
}
static ui_input key(unsigned keys, bool shift)
{
    ui_input in = at(-10.0f, -10.0f);
    in.keys_pressed = keys;
    in.shift = shift;
    return in;
}

/* One panel of every kind of widget, with what each returned and where it was. */
#define PANEL_X 20.0f
#define PANEL_Y 30.0f
#define PANEL_W 300.0f
#define PANEL_H 500.0f
static const char *const options[] = {"day", "office", "bathroom"};
typedef struct scene {
    bool clicked, toggled, ticked, slid;
    float value;
    int level, choice;
    ui_rect button, check, slider, slider_int, choice_rect;
    ui_id button_id, check_id, slider_id, slider_int_id, choice_id;
    int vertices;
} scene;

static void scene_frame(fixture *f, ui_input in, scene *s)
{
    ui_ctx *ui = f->ui;
    float k = in.scale > 0.0f ? in.scale : 1.0f;
    assert_int_equal(ui_begin_frame(ui, &in, NULL), SMP_OK);
    ui_panel_begin(ui, "plan", PANEL_X * k, PANEL_Y * k, PANEL_W * k, PANEL_H * k);
    s->clicked = ui_button(ui, "press me");
    s->button = ui_last_rect(ui), s->button_id = ui_last_id(ui);
    s->toggled = ui_checkbox(ui, "tick", &s->ticked);
    s->check = ui_last_rect(ui), s->check_id = ui_last_id(ui);
    s->slid = ui_slider(ui, "depth", &s->value, 0.5f, 2.5f, 0.0f, "%.2f mm");
    s->slider = ui_last_rect(ui), s->slider_id = ui_last_id(ui);
    ui_slider_int(ui, "level", &s->level, 1, 7);
    s->slider_int = ui_last_rect(ui), s->slider_int_id = ui_last_id(ui);
    s->choice = ui_choice(ui, "light", options, 3, s->choice);
    s->choice_rect = ui_last_rect(ui), s->choice_id = ui_last_id(ui);
    ui_panel_end(ui);
    ui_end_frame(ui);
    s->vertices = ui_text_overlay(f->text).vertex_count;
}

static float cx(ui_rect r)
{
    return r.x + 0.5f * r.w;
}
static float cy(ui_rect r)
{
    return r.y + 0.5f * r.h;
}

static void a_click_should_return_true_exactly_once(void **state)
{
    fixture *f = *state;
    scene s = {.value = 1.0f, .level = 3};
    scene_frame(f, at(0, 0), &s);
    ui_rect b = s.button;
    scene_frame(f, at(cx(b), cy(b)), &s);
    assert_false(s.clicked);
    assert_int_equal(ui_hot_id(f->ui), s.button_id);
    scene_frame(f, press(cx(b), cy(b)), &s);
    assert_false(s.clicked);
    assert_int_equal(ui_active_id(f->ui), s.button_id);
    scene_frame(f, release(cx(b) + 5, cy(b)), &s);
    assert_true(s.clicked);
    assert_int_equal(ui_active_id(f->ui), 0);
    scene_frame(f, at(cx(b), cy(b)), &s);
    assert_false(s.clicked);
    /* A press and its release within one frame is a click too. */
    ui_input quick = press(cx(b), cy(b));
    quick.buttons_released = UI_MOUSE_LEFT, quick.buttons_down = 0;
    scene_frame(f, quick, &s);
    assert_true(s.clicked);
    scene_frame(f, at(cx(b), cy(b)), &s);
    assert_false(s.clicked);
}

static void a_press_inside_and_release_outside_should_not_click(void **state)
{
    fixture *f = *state;
    scene s = {.value = 1.0f, .level = 3};
    scene_frame(f, at(0, 0), &s);
    ui_rect b = s.button;
    scene_frame(f, press(cx(b), cy(b)), &s);
    scene_frame(f, hold(900, 600), &s);
    assert_int_equal(ui_active_id(f->ui), s.button_id); /* still pressed, not hot */
    assert_int_not_equal(ui_hot_id(f->ui), s.button_id);
    assert_true(ui_wants_mouse(f->ui));
    scene_frame(f, release(900, 600), &s);
    assert_false(s.clicked);
    assert_false(ui_wants_mouse(f->ui)); /* released beside the panel: the mouse is the window's again */
    /* Nor a press outside released inside. */
    scene_frame(f, press(900, 600), &s);
    scene_frame(f, hold(cx(b), cy(b)), &s);
    assert_int_equal(ui_hot_id(f->ui), s.button_id);
    assert_int_equal(ui_active_id(f->ui), 0);
    scene_frame(f, release(cx(b), cy(b)), &s);
    assert_false(s.clicked);
    assert_true(ui_wants_mouse(f->ui)); /* over the panel */
}

static void a_slider_drag_should_span_min_to_max_and_clamp_past_the_ends(void **state)
{
    fixture *f = *state;
    scene s = {.value = 1.0f, .level = 3};
    scene_frame(f, at(0, 0), &s);
    ui_rect r = s.slider;
    scene_frame(f, press(r.x, cy(r)), &s);
    assert_true(s.slid);
    assert_near(s.value, 0.5f, 0.0f);
    scene_frame(f, hold(cx(r), cy(r)), &s);
    assert_near(s.value, 1.5f, 1e-6);
    scene_frame(f, hold(r.x + r.w - 1.0f, cy(r)), &s);
    assert_near(s.value, 2.5f, 0.0f);
    /* The drag goes on outside the slider, clamped. */
    scene_frame(f, hold(r.x + r.w + 400.0f, cy(r) + 300.0f), &s);
    assert_near(s.value, 2.5f, 0.0f);
    assert_false(s.slid);
    scene_frame(f, hold(r.x - 300.0f, 5.0f), &s);
    assert_true(s.slid);
    assert_near(s.value, 0.5f, 0.0f);
    scene_frame(f, release(r.x - 300.0f, 5.0f), &s);
    /* Released: moving the mouse leaves the value. */
    scene_frame(f, at(cx(r), cy(r)), &s);
    assert_false(s.slid);
    assert_near(s.value, 0.5f, 0.0f);
    /* The integer slider goes 1..7 over the same drag, whole numbers only. */
    ui_rect q = s.slider_int;
    scene_frame(f, press(q.x, cy(q)), &s);
    assert_int_equal(s.level, 1);
    scene_frame(f, hold(q.x + 0.55f * q.w, cy(q)), &s);
    assert_in_range(s.level, 4, 5);
    scene_frame(f, hold(q.x + q.w + 50.0f, cy(q)), &s);
    assert_int_equal(s.level, 7);
    scene_frame(f, release(q.x + q.w + 50.0f, cy(q)), &s);
}

static void arrow_keys_should_step_a_focused_slider(void **state)
{
    fixture *f = *state;
    scene s = {.value = 1.0f, .level = 3};
    scene_frame(f, key(UI_KEY_RIGHT, false), &s);
    assert_near(s.value, 1.0f, 0.0f); /* nothing focused: the keys are the window's */
    assert_false(ui_wants_keyboard(f->ui));
    ui_rect r = s.slider;
    /* A click focuses it (and puts the value where it was clicked). */
    scene_frame(f, press(cx(r), cy(r)), &s);
    scene_frame(f, release(cx(r), cy(r)), &s);
    assert_int_equal(ui_focus_id(f->ui), s.slider_id);
    assert_true(ui_wants_keyboard(f->ui));
    s.value = 1.0f;
    scene_frame(f, key(UI_KEY_RIGHT, false), &s);
    assert_true(s.slid);
    assert_near(s.value, 1.02f, 1e-6); /* no step given: 1/100 of the range */
    scene_frame(f, key(UI_KEY_LEFT, true), &s);
    assert_near(s.value, 0.82f, 1e-6); /* Shift: ten steps */
    scene_frame(f, key(UI_KEY_END, false), &s);
    assert_near(s.value, 2.5f, 0.0f);
    scene_frame(f, key(UI_KEY_UP, false), &s);
    assert_false(s.slid); /* clamped at the end */
    scene_frame(f, key(UI_KEY_HOME, false), &s);
    assert_near(s.value, 0.5f, 0.0f);
    scene_frame(f, key(UI_KEY_ESCAPE, false), &s);
    assert_int_equal(ui_focus_id(f->ui), 0);
    scene_frame(f, key(UI_KEY_RIGHT, false), &s);
    assert_near(s.value, 0.5f, 0.0f);
}

static void a_checkbox_should_toggle_on_click_and_on_enter(void **state)
{
    fixture *f = *state;
    scene s = {.value = 1.0f, .level = 3};
    scene_frame(f, at(0, 0), &s);
    ui_rect c = s.check;
    scene_frame(f, press(c.x + 4.0f, cy(c)), &s);
    assert_false(s.ticked);
    scene_frame(f, release(c.x + 4.0f, cy(c)), &s);
    assert_true(s.toggled);
    assert_true(s.ticked);
    scene_frame(f, at(c.x + 4.0f, cy(c)), &s);
    assert_false(s.toggled);
    assert_true(s.ticked);
    assert_false(ui_wants_keyboard(f->ui)); /* a click on a box leaves the keys to the window */
    scene_frame(f, key(UI_KEY_ENTER, false), &s);
    assert_false(s.toggled);
    scene_frame(f, key(UI_KEY_TAB, false), &s); /* the button */
    scene_frame(f, key(UI_KEY_TAB, false), &s); /* the box */
    assert_int_equal(ui_focus_id(f->ui), s.check_id);
    scene_frame(f, key(UI_KEY_ENTER, false), &s);
    assert_true(s.toggled);
    assert_false(s.ticked);
}

static void a_choice_should_pick_the_clicked_segment_and_move_with_arrows(void **state)
{
    fixture *f = *state;
    scene s = {.value = 1.0f, .level = 3};
    scene_frame(f, at(0, 0), &s);
    ui_rect r = s.choice_rect;
    for (int i = 2; i >= 0; --i) {
        float x = r.x + (i + 0.5f) * r.w / 3.0f;
        scene_frame(f, press(x, cy(r)), &s);
        scene_frame(f, release(x, cy(r)), &s);
        assert_int_equal(s.choice, i);
    }
    scene_frame(f, key(UI_KEY_RIGHT, false), &s);
    assert_int_equal(s.choice, 1);
    scene_frame(f, key(UI_KEY_END, false), &s);
    assert_int_equal(s.choice, 2);
    scene_frame(f, key(UI_KEY_RIGHT, false), &s);
    assert_int_equal(s.choice, 2);
}

static void ids_should_be_stable_across_frames_and_distinct_across_scopes(void **state)
{
    fixture *f = *state;
    ui_ctx *ui = f->ui;
    ui_id first[6] = {0}, again[6] = {0};
    for (int frame = 0; frame < 2; ++frame) {
        ui_id *id = frame ? again : first;
        ui_input in = at(0, 0);
        ui_begin_frame(ui, &in, NULL);
        ui_panel_begin(ui, "time", 0, 0, 200, 300);
        ui_button(ui, "reset");
        id[0] = ui_last_id(ui);
        ui_button(ui, "reset##light");
        id[1] = ui_last_id(ui);
        for (int k = 0; k < 2; ++k) {
            ui_push_id_int(ui, k);
            ui_button(ui, "reset");
            id[2 + k] = ui_last_id(ui);
            ui_pop_id(ui);
        }
        ui_panel_end(ui);
        ui_panel_begin(ui, "light", 220, 0, 200, 300);
        ui_button(ui, "reset");
        id[4] = ui_last_id(ui);
        if (ui_section(ui, "key light", true)) ui_button(ui, "reset");
        id[5] = ui_last_id(ui);
        ui_panel_end(ui);
        ui_end_frame(ui);
    }
    assert_memory_equal(first, again, sizeof first);
    for (int i = 0; i < 6; ++i) {
        assert_int_not_equal(first[i], 0);
        for (int j = 0; j < i; ++j)
            assert_int_not_equal(first[i], first[j]);
    }
}

static void rows_should_stack_inside_the_panel_without_overlap(void **state)
{
    fixture *f = *state;
    scene s = {.value = 1.0f, .level = 3};
    scene_frame(f, at(0, 0), &s);
    ui_rect rows[] = {s.button, s.check, s.slider, s.slider_int, s.choice_rect};
    for (int i = 0; i < 5; ++i) {
        ui_rect r = rows[i];
        assert_true(r.w > 0.0f && r.h >= ui_row_height(f->ui));
        assert_true(r.x >= PANEL_X && r.x + r.w <= PANEL_X + PANEL_W);
        assert_true(r.y >= PANEL_Y + ui_row_height(f->ui)); /* below the title bar */
        assert_true(r.y + r.h <= PANEL_Y + PANEL_H);
        if (i) assert_true(r.y >= rows[i - 1].y + rows[i - 1].h);
    }
    /* Two columns: the controls keep to the right of the label column, in the same rows. */
    ui_ctx *ui = f->ui;
    ui_input in = at(0, 0);
    ui_begin_frame(ui, &in, NULL);
    ui_panel_begin(ui, "plan", PANEL_X, PANEL_Y, PANEL_W, PANEL_H);
    ui_layout_columns(ui, true);
    float v = 1.0f;
    ui_slider(ui, "depth", &v, 0.5f, 2.5f, 0.0f, NULL);
    ui_rect c = ui_last_rect(ui);
    ui_panel_end(ui);
    ui_end_frame(ui);
    assert_true(c.x > s.slider.x + 0.3f * s.slider.w);
    assert_near(c.x + c.w, s.slider.x + s.slider.w, 0.0);
    assert_near(c.y, s.button.y, 0.0); /* the first row, as the button was */
}

static void rows_past_the_panel_bottom_should_be_cut_and_take_no_input(void **state)
{
    fixture *f = *state;
    ui_ctx *ui = f->ui;
    bool clicked = false;
    ui_rect r = {0};
    int vertices[2] = {0};
    for (int frame = 0; frame < 3; ++frame) {
        ui_input in = frame == 1 ? press(cx(r), cy(r)) : frame == 2 ? release(cx(r), cy(r)) : at(0, 0);
        ui_begin_frame(ui, &in, NULL);
        ui_panel_begin(ui, "short", 0, 0, 200, 100);
        for (int i = 0; i < 8; ++i) {
            ui_push_id_int(ui, i);
            clicked |= ui_button(ui, "b");
            ui_pop_id(ui);
            if (i == 3) vertices[0] = ui_text_overlay(f->text).vertex_count;
        }
        r = ui_last_rect(ui);
        ui_panel_end(ui);
        ui_end_frame(ui);
        vertices[1] = ui_text_overlay(f->text).vertex_count;
    }
    assert_true(r.y > 100.0f);
    assert_false(clicked);
    assert_int_equal(vertices[0], vertices[1]); /* the buttons below the edge added nothing */
}

/* A panel with one section holding a button; nothing below it. Returns whether the button was clicked. */
typedef struct section_view {
    ui_rect header, button;
    ui_id header_id, button_id;
    int vertices;
} section_view;

static bool section_frame(fixture *f, ui_input in, section_view *v)
{
    ui_ctx *ui = f->ui;
    bool clicked = false;
    ui_begin_frame(ui, &in, NULL);
    ui_panel_begin(ui, "view", 0, 0, 240, 300);
    bool open = ui_section(ui, "camera", true);
    v->header = ui_last_rect(ui), v->header_id = ui_last_id(ui);
    if (open) {
        clicked = ui_button(ui, "front");
        v->button = ui_last_rect(ui), v->button_id = ui_last_id(ui);
    }
    ui_panel_end(ui);
    ui_end_frame(ui);
    v->vertices = ui_text_overlay(f->text).vertex_count;
    return clicked;
}

static void closing_a_section_should_hide_its_widgets(void **state)
{
    fixture *f = *state;
    section_view v;
    section_frame(f, at(0, 0), &v);
    ui_rect h = v.header, b = v.button;
    int open_vertices = v.vertices;
    section_frame(f, key(UI_KEY_TAB, false), &v);
    section_frame(f, key(UI_KEY_TAB, false), &v);
    assert_int_equal(ui_focus_id(f->ui), v.button_id);
    section_frame(f, press(cx(h), cy(h)), &v);
    section_frame(f, release(cx(h), cy(h)), &v);
    section_frame(f, at(0, 0), &v);
    assert_true(v.vertices < open_vertices); /* the button draws nothing */
    /* Where the button was, a press finds nothing; Tab finds only the header. */
    assert_false(section_frame(f, press(cx(b), cy(b)), &v));
    assert_int_equal(ui_active_id(f->ui), 0);
    assert_false(section_frame(f, release(cx(b), cy(b)), &v));
    for (int i = 0; i < 3; ++i) {
        section_frame(f, key(UI_KEY_TAB, false), &v);
        assert_int_equal(ui_focus_id(f->ui), v.header_id);
    }
    /* Enter on the header opens it again; the button is where it was and clicks. */
    section_frame(f, key(UI_KEY_ENTER, false), &v);
    section_frame(f, key(UI_KEY_ESCAPE, false), &v); /* no focus ring */
    section_frame(f, at(0, 0), &v);
    assert_int_equal(v.vertices, open_vertices);
    assert_memory_equal(&v.button, &b, sizeof b);
    assert_false(section_frame(f, press(cx(b), cy(b)), &v));
    assert_true(section_frame(f, release(cx(b), cy(b)), &v));
}

static void scale_2_should_double_sizes(void **state)
{
    fixture *f = *state;
    scene one = {.value = 1.0f, .level = 3}, two = one;
    scene_frame(f, at(0, 0), &one);
    float row = ui_row_height(f->ui), width = ui_text_width(f->text, "bathroom");
    assert_near(ui_text_pixel_height(f->text), 16.0f, 0.0f);
    ui_input in = at(0, 0);
    in.scale = 2.0f;
    scene_frame(f, in, &two);
    assert_near(ui_text_pixel_height(f->text), 32.0f, 0.0f); /* baked at the scaled height: crisp */
    assert_near(ui_row_height(f->ui), 2.0f * row, 0.0f);
    assert_near(ui_text_width(f->text, "bathroom"), 2.0f * width, 0.02f * width);
    ui_rect a[] = {one.button, one.check, one.slider, one.choice_rect};
    ui_rect b[] = {two.button, two.check, two.slider, two.choice_rect};
    for (int i = 0; i < 4; ++i) {
        assert_near(b[i].x, 2.0f * a[i].x, 0.0f);
        assert_near(b[i].y, 2.0f * a[i].y, 0.0f);
        assert_near(b[i].w, 2.0f * a[i].w, 0.0f);
        assert_near(b[i].h, 2.0f * a[i].h, 0.0f);
    }
    in.scale = 1.0f; /* back for the other tests */
    scene_frame(f, in, &one);
    assert_near(ui_text_pixel_height(f->text), 16.0f, 0.0f);
}

static void tab_should_cycle_focus_through_the_widgets(void **state)
{
    fixture *f = *state;
    scene s = {.value = 1.0f, .level = 3};
    scene_frame(f, at(0, 0), &s);
    ui_id order[] = {s.button_id, s.check_id, s.slider_id, s.slider_int_id, s.choice_id};
    for (int i = 0; i < 7; ++i) {
        scene_frame(f, key(UI_KEY_TAB, false), &s);
        assert_int_equal(ui_focus_id(f->ui), order[i % 5]);
    }
    scene_frame(f, key(UI_KEY_TAB, true), &s);
    assert_int_equal(ui_focus_id(f->ui), order[0]);
    scene_frame(f, key(UI_KEY_TAB, true), &s);
    assert_int_equal(ui_focus_id(f->ui), order[4]);
    scene_frame(f, key(UI_KEY_ENTER, false), &s); /* Enter on the choice does nothing */
    scene_frame(f, key(UI_KEY_TAB, false), &s);
    scene_frame(f, key(UI_KEY_ENTER, false), &s);
    assert_true(s.clicked);
    /* A press beside every widget drops the focus. */
    scene_frame(f, press(900, 600), &s);
    assert_int_equal(ui_focus_id(f->ui), 0);
    scene_frame(f, release(900, 600), &s);
}

static void the_help_should_be_modal_and_close_on_a_press_or_escape(void **state)
{
    fixture *f = *state;
    ui_ctx *ui = f->ui;
    static const ui_shortcut rows[] = {{"F1", "this help"}, {"Ctrl+S", "save the plan"}, {"Space", "play"}};
    bool open = true, clicked = false;
    ui_rect b = {0};
    int vertices[7];
    for (int i = 0; i < 7; ++i) {
        /* 0 help shown, 1 hover the button under it, 2 press it (closes the help), 3 release over it,
         * 4 the help again, 5 Escape, 6 closed. */
        ui_input in = i == 2   ? press(cx(b), cy(b))
                      : i == 3 ? release(cx(b), cy(b))
                      : i == 5 ? key(UI_KEY_ESCAPE, false)
                      : i == 1 ? at(cx(b), cy(b))
                               : at(0, 0);
        if (i == 4) open = true;
        ui_begin_frame(ui, &in, NULL);
        ui_panel_begin(ui, "plan", 10, 10, 200, 200);
        clicked |= ui_button(ui, "save");
        b = ui_last_rect(ui);
        ui_panel_end(ui);
        ui_help(ui, &open, "Shortcuts", rows, 3);
        ui_end_frame(ui);
        vertices[i] = ui_text_overlay(f->text).vertex_count;
        if (i == 1) {
            assert_int_equal(ui_hot_id(ui), 0); /* the help covers the button */
            assert_true(ui_wants_mouse(ui) && ui_wants_keyboard(ui));
        }
        if (i == 2) assert_false(open);
        if (i == 4) assert_true(open);
    }
    assert_false(clicked); /* the press that closed the help was not the button's */
    assert_false(open);
    assert_true(vertices[6] < vertices[0]);
    assert_int_equal(vertices[4], vertices[0]);
}

static void a_tooltip_should_show_only_while_its_widget_is_hovered(void **state)
{
    fixture *f = *state;
    ui_ctx *ui = f->ui;
    ui_rect b = {0};
    int vertices[3];
    for (int i = 0; i < 3; ++i) {
        ui_input in = i == 1 ? at(cx(b), cy(b)) : at(0, 0);
        ui_begin_frame(ui, &in, NULL);
        ui_panel_begin(ui, "plan", 10, 10, 200, 200);
        ui_button(ui, "save");
        ui_tooltip(ui, "writes the plan to its file");
        b = ui_last_rect(ui);
        ui_panel_end(ui);
        ui_status_line(ui, "ready", "60 fps");
        ui_end_frame(ui);
        vertices[i] = ui_text_overlay(f->text).vertex_count;
    }
    assert_true(vertices[1] > vertices[0]);
    assert_int_equal(vertices[2], vertices[0]);
}

static void text_should_measure_without_drawing_and_cut_to_the_clip(void **state)
{
    fixture *f = *state;
    static const float white[4] = {1, 1, 1, 1};
    ui_text_clear(f->text);
    float w = ui_text_width(f->text, "dots 1500");
    assert_int_equal(ui_text_overlay(f->text).vertex_count, 0);
    assert_near(ui_text_print(f->text, 3.0f, 4.0f, white, "dots 1500"), w, 1e-4);
    int all = ui_text_overlay(f->text).vertex_count;
    ui_text_clear(f->text);
    ui_text_clip_set(f->text, 0.0f, 0.0f, 0.5f * w, 100.0f);
    ui_text_print(f->text, 3.0f, 4.0f, white, "dots 1500");
    render_overlay ov = ui_text_overlay(f->text);
    assert_true(ov.vertex_count > 0 && ov.vertex_count < all);
    for (int i = 0; i < ov.vertex_count; ++i)
        assert_true(ov.vertices[8 * i] <= 0.5f * w);
    ui_text_clip_reset(f->text);
    ui_text_panel(f->text, 0, 0, 10, 10, white);
    assert_int_equal(ui_text_overlay(f->text).vertex_count, ov.vertex_count + 6);
}

static void large_text_should_bake_into_a_larger_atlas(void **state)
{
    fixture *f = *state;
    render_overlay before = ui_text_overlay(f->text);
    float w16 = ui_text_width(f->text, "Fitzpatrick");
    assert_int_equal(ui_text_set_pixel_height(f->text, 128.0f, NULL), SMP_OK); /* past what 512x512 holds */
    render_overlay after = ui_text_overlay(f->text);
    assert_true(after.atlas_width > before.atlas_width);
    assert_int_not_equal(after.atlas_version, before.atlas_version); /* the renderer uploads it again */
    assert_near(ui_text_width(f->text, "Fitzpatrick"), 8.0f * w16, 0.02f * 8.0f * w16);
}

/* A plot: its quads stay in its rows; a rising line puts its last point top right, its first bottom left; the
 * marker and the dashed line add quads; no input. */
static void a_plot_should_draw_its_curve_inside_its_rows(void **state)
{
    fixture *f = *state;
    const double xs[] = {0.0, 5.0, 10.0}, ys[] = {0.0, 1.0, 2.0};
    int counts[2];
    ui_rect r = {0};
    for (int pass = 0; pass < 2; ++pass) {
        ui_input in = press(160.0f, 80.0f);
        assert_int_equal(ui_begin_frame(f->ui, &in, NULL), SMP_OK);
        ui_panel_begin(f->ui, "fade", PANEL_X, PANEL_Y, PANEL_W, PANEL_H);
        ui_plot(f->ui, xs, ys, 3, 0.0, 10.0, 0.0, 2.0, pass ? 5.0 : NAN, pass ? 1.0 : NAN, 3);
        r = ui_last_rect(f->ui);
        assert_int_equal(ui_last_id(f->ui), 0);
        ui_panel_end(f->ui);
        ui_end_frame(f->ui);
        assert_int_equal(ui_active_id(f->ui), 0);
        render_overlay ov = ui_text_overlay(f->text);
        counts[pass] = ov.vertex_count;
        float top_right_x = 0.0f, top_right_y = 1e9f, low_left_x = 1e9f, low_left_y = 0.0f;
        for (int i = 0; i < ov.vertex_count; ++i) {
            float x = ov.vertices[8 * i], y = ov.vertices[8 * i + 1];
            const float *c = &ov.vertices[8 * i + 4];
            if (c[2] > 0.6f && c[0] < 0.3f) { /* the accent: the curve */
                assert_true(x >= r.x - 1.0f && x <= r.x + r.w + 2.0f && y >= r.y - 2.0f &&
                            y <= r.y + r.h + 2.0f);
                if (y < top_right_y) top_right_y = y, top_right_x = x;
                if (y > low_left_y) low_left_y = y, low_left_x = x;
            }
        }
        assert_true(r.h >= 3.0f * ui_row_height(f->ui) - 1e-3f);
        assert_true(top_right_x > r.x + 0.9f * r.w && low_left_x < r.x + 0.1f * r.w);
    }
    assert_true(counts[1] > counts[0]);
}

/* Each test on a fresh context: no focus, section or scale carried from another. */
#define TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(a_click_should_return_true_exactly_once),
        TEST(a_press_inside_and_release_outside_should_not_click),
        TEST(a_slider_drag_should_span_min_to_max_and_clamp_past_the_ends),
        TEST(arrow_keys_should_step_a_focused_slider),
        TEST(a_checkbox_should_toggle_on_click_and_on_enter),
        TEST(a_choice_should_pick_the_clicked_segment_and_move_with_arrows),
        TEST(ids_should_be_stable_across_frames_and_distinct_across_scopes),
        TEST(rows_should_stack_inside_the_panel_without_overlap),
        TEST(rows_past_the_panel_bottom_should_be_cut_and_take_no_input),
        TEST(closing_a_section_should_hide_its_widgets),
        TEST(scale_2_should_double_sizes),
        TEST(tab_should_cycle_focus_through_the_widgets),
        TEST(the_help_should_be_modal_and_close_on_a_press_or_escape),
        TEST(a_tooltip_should_show_only_while_its_widget_is_hovered),
        TEST(text_should_measure_without_drawing_and_cut_to_the_clip),
        TEST(large_text_should_bake_into_a_larger_atlas),
        TEST(a_plot_should_draw_its_curve_inside_its_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
