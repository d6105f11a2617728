/* Immediate-mode widgets over ui_text. The ideas are microui's and Dear ImGui's core: a widget is its id and
 * a rectangle; "hot" is under the mouse, "active" was pressed and holds the mouse until release, "focus"
 * takes the keys. Plain C: no GL, no SDL (widgets.h). */
#include "ui/widgets.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ID_STACK_MAX 32
#define FOCUS_MAX 128
#define SECTION_MAX 64
#define LABEL_MAX 128
#define FNV_BASIS 2166136261u
#define FNV_PRIME 16777619u

typedef struct section_state {
    ui_id id;
    bool open;
} section_state;

struct ui_ctx {
    ui_text *text;
    ui_theme theme;
    ui_input in;
    float scale, baked_scale;
    ui_id ids[ID_STACK_MAX];
    int id_depth;
    ui_id hot, active, focus, last_id;
    bool focus_visible; /* the ring shows after Tab, not after a click */
    ui_id focusable[FOCUS_MAX];
    int focusable_count;
    section_state sections[SECTION_MAX];
    int section_count;
    /* The open panel: its clip (rows outside take no input), the rows' column and the next row's top. */
    bool in_panel, section_scope, two_columns;
    ui_rect clip, content;
    float cursor_y;
    ui_rect last;
    bool mouse_over, mouse_captured, modal_prev, modal_now;
    bool has_tooltip;
    char tooltip[256];
};

ui_theme ui_theme_default(void)
{
    /* sRGB display values (the overlay is drawn after tone mapping). WCAG 2 contrast ratios: text on a panel
     * 14.9:1, dim text on a panel 7.8:1, text on a control 10.2:1 (pressed 5.9:1), text on the accent 4.6:1,
     * so everything clears the 4.5:1 of small text and reads at arm's length in a bright clinic. */
    return (ui_theme){
        .font_px = 16.0f,
        .padding = 5.0f,
        .spacing = 4.0f,
        .border = 1.0f,
        .label_share = 0.4f,
        .panel = {0.10f, 0.11f, 0.13f, 0.94f},
        .title = {0.16f, 0.18f, 0.22f, 1.0f},
        .text = {0.93f, 0.94f, 0.95f, 1.0f},
        .text_dim = {0.66f, 0.69f, 0.73f, 1.0f},
        .control = {0.20f, 0.22f, 0.26f, 1.0f},
        .control_hot = {0.26f, 0.29f, 0.34f, 1.0f},
        .control_active = {0.32f, 0.36f, 0.42f, 1.0f},
        .accent = {0.18f, 0.42f, 0.75f, 1.0f},
        .focus = {1.0f, 0.80f, 0.35f, 1.0f},
        .shade = {0.0f, 0.0f, 0.0f, 0.6f},
    };
}

smp_status ui_ctx_create(ui_ctx **out, ui_text *text, const ui_theme *theme, smp_error *err)
{
    *out = NULL;
    ui_ctx *ui = calloc(1, sizeof *ui);
    if (!ui) return smp_error_set(err, SMP_ERR_NOMEM, "ui: out of memory");
    ui->text = text;
    ui->theme = theme ? *theme : ui_theme_default();
    ui->scale = 1.0f;
    *out = ui;
    return SMP_OK;
}

void ui_ctx_destroy(ui_ctx *ui)
{
    free(ui);
}

/* ---- ids ---- */

static ui_id hash(ui_id seed, const void *data, size_t n)
{
    const unsigned char *b = data;
    uint32_t h = seed;
    for (size_t i = 0; i < n; ++i)
        h = (h ^ b[i]) * FNV_PRIME; /* FNV-1a */
    return h ? h : 1u;
}

static ui_id scope(const ui_ctx *ui)
{
    return ui->id_depth ? ui->ids[ui->id_depth - 1] : FNV_BASIS;
}

static void push_raw(ui_ctx *ui, ui_id id)
{
    assert(ui->id_depth < ID_STACK_MAX);
    if (ui->id_depth < ID_STACK_MAX) ui->ids[ui->id_depth++] = id;
}

ui_id ui_get_id(const ui_ctx *ui, const char *label)
{
    return hash(scope(ui), label, strlen(label));
}

void ui_push_id(ui_ctx *ui, const char *key)
{
    push_raw(ui, ui_get_id(ui, key));
}

void ui_push_id_int(ui_ctx *ui, int key)
{
    push_raw(ui, hash(scope(ui), &key, sizeof key));
}

void ui_pop_id(ui_ctx *ui)
{
    assert(ui->id_depth > 0);
    if (ui->id_depth > 0) ui->id_depth--;
}

ui_id ui_last_id(const ui_ctx *ui)
{
    return ui->last_id;
}
ui_id ui_hot_id(const ui_ctx *ui)
{
    return ui->hot;
}
ui_id ui_active_id(const ui_ctx *ui)
{
    return ui->active;
}
ui_id ui_focus_id(const ui_ctx *ui)
{
    return ui->focus;
}
ui_rect ui_last_rect(const ui_ctx *ui)
{
    return ui->last;
}

bool ui_wants_mouse(const ui_ctx *ui)
{
    return ui->mouse_over || ui->mouse_captured || ui->active || ui->modal_now;
}

bool ui_wants_keyboard(const ui_ctx *ui)
{
    return ui->focus != 0 || ui->modal_now;
}

/* ---- frame ---- */

smp_status ui_begin_frame(ui_ctx *ui, const ui_input *in, smp_error *err)
{
    ui->in = *in;
    ui->scale = in->scale > 0.0f ? in->scale : 1.0f;
    ui_text_clear(ui->text);
    ui->hot = ui->last_id = 0;
    ui->last = (ui_rect){0};
    ui->id_depth = ui->focusable_count = 0;
    ui->in_panel = ui->section_scope = false;
    ui->mouse_over = ui->modal_now = ui->has_tooltip = false;
    /* A release the caller never saw (the window lost the mouse) must not leave a widget pressed. */
    if (ui->active && !((in->buttons_down | in->buttons_released) & UI_MOUSE_LEFT)) ui->active = 0;
    if (ui->scale == ui->baked_scale) return SMP_OK;
    ui->baked_scale = ui->scale; /* tried once per scale: a failure is reported, not retried every frame */
    return ui_text_set_pixel_height(ui->text, ui->theme.font_px * ui->scale, err);
}

static float px(const ui_ctx *ui, float logical)
{
    return logical * ui->scale;
}

float ui_row_height(const ui_ctx *ui)
{
    return px(ui, ui->theme.font_px * 1.25f + 2.0f * ui->theme.padding);
}

/* ---- drawing ---- */

static void fill(ui_ctx *ui, ui_rect r, const float c[4])
{
    ui_text_panel(ui->text, r.x, r.y, r.w, r.h, c);
}

static void outline(ui_ctx *ui, ui_rect r, const float c[4])
{
    float b = fmaxf(1.0f, floorf(px(ui, ui->theme.border) + 0.5f));
    ui_text_panel(ui->text, r.x, r.y, r.w, b, c);
    ui_text_panel(ui->text, r.x, r.y + r.h - b, r.w, b, c);
    ui_text_panel(ui->text, r.x, r.y + b, b, r.h - 2.0f * b, c);
    ui_text_panel(ui->text, r.x + r.w - b, r.y + b, b, r.h - 2.0f * b, c);
}

/* The part of a label that is shown: up to "##". */
static const char *shown(const char *label, char buf[LABEL_MAX])
{
    const char *cut = strstr(label, "##");
    size_t n = cut ? (size_t)(cut - label) : strlen(label);
    if (n >= LABEL_MAX) n = LABEL_MAX - 1;
    memcpy(buf, label, n);
    buf[n] = '\0';
    return buf;
}

/* Text in r, vertically centred; align -1 left (after the padding), 0 centred, 1 right. Whole-pixel origins
 * keep the glyphs on the atlas's pixel grid (crisp). */
static void text_in(ui_ctx *ui, ui_rect r, int align, const float c[4], const char *s)
{
    float w = ui_text_width(ui->text, s), pad = px(ui, ui->theme.padding);
    float x = align < 0 ? r.x + pad : align == 0 ? r.x + 0.5f * (r.w - w) : r.x + r.w - pad - w;
    float y = r.y + 0.5f * (r.h - ui_text_pixel_height(ui->text));
    ui_text_print(ui->text, floorf(x + 0.5f), floorf(y + 0.5f), c, s);
}

static const float *control_colour(const ui_ctx *ui, ui_id id)
{
    return ui->active == id ? ui->theme.control_active
           : ui->hot == id  ? ui->theme.control_hot
                            : ui->theme.control;
}

static void focus_ring(ui_ctx *ui, ui_id id, ui_rect r)
{
    if (ui->focus == id && ui->focus_visible) outline(ui, r, ui->theme.focus);
}

/* ---- layout and interaction ---- */

static bool inside(const ui_ctx *ui, ui_rect r)
{
    float x = ui->in.mouse_x, y = ui->in.mouse_y;
    return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

static ui_rect next_row(ui_ctx *ui, float h)
{
    assert(ui->in_panel && "widgets go between ui_panel_begin and ui_panel_end");
    ui_rect r = {ui->content.x, ui->cursor_y, ui->content.w, h};
    ui->cursor_y += h + px(ui, ui->theme.spacing);
    return r;
}

/* In two-column layout: draws the label in the row's left column (cut at its edge) and returns the rest. */
static ui_rect control_of(ui_ctx *ui, ui_rect row, const char *label)
{
    if (!ui->two_columns) return row;
    float lw = floorf(row.w * ui->theme.label_share), sp = px(ui, ui->theme.spacing);
    char buf[LABEL_MAX];
    ui_rect c = ui->clip;
    float x1 = fminf(row.x + lw - sp, c.x + c.w), y0 = fmaxf(row.y, c.y),
          y1 = fminf(row.y + row.h, c.y + c.h);
    ui_text_clip_set(ui->text, row.x, y0, x1 - row.x, y1 - y0);
    text_in(ui, (ui_rect){row.x - px(ui, ui->theme.padding), row.y, lw, row.h}, -1, ui->theme.text_dim,
            shown(label, buf));
    ui_text_clip_set(ui->text, c.x, c.y, c.w, c.h);
    return (ui_rect){row.x + lw, row.y, row.w - lw, row.h};
}

/* Registers the widget id at r: hot under the mouse, active on a press over it, and focused by that press
 * when it takes keys (sliders, choices; the others leave the keys to the window). Returns true on a click:
 * the release over it of a press that began over it. */
static bool interact(ui_ctx *ui, ui_id id, ui_rect r, bool focus_on_press)
{
    ui->last_id = id;
    ui->last = r;
    if (ui->focusable_count < FOCUS_MAX) ui->focusable[ui->focusable_count++] = id;
    bool over = !ui->modal_prev && inside(ui, r) && (!ui->in_panel || inside(ui, ui->clip));
    if (over && (ui->active == 0 || ui->active == id)) ui->hot = id;
    if (over && ui->active == 0 && (ui->in.buttons_pressed & UI_MOUSE_LEFT)) {
        ui->active = id;
        ui->focus = focus_on_press ? id : 0;
        ui->focus_visible = false;
    }
    return over && ui->active == id && (ui->in.buttons_released & UI_MOUSE_LEFT);
}

/* The keys pressed this frame when id has the focus. */
static unsigned keys_for(const ui_ctx *ui, ui_id id)
{
    return ui->focus == id && !ui->modal_prev ? ui->in.keys_pressed : 0u;
}

void ui_layout_columns(ui_ctx *ui, bool two)
{
    ui->two_columns = two;
}

void ui_panel_begin(ui_ctx *ui, const char *title, float x, float y, float w, float h)
{
    assert(!ui->in_panel && "panels do not nest");
    ui->in_panel = true;
    ui->two_columns = ui->section_scope = false;
    ui_rect panel = {x, y, w, h}, bar = {x, y, w, ui_row_height(ui)};
    if (!ui->modal_prev && inside(ui, panel)) ui->mouse_over = true;
    ui_push_id(ui, title);
    fill(ui, panel, ui->theme.panel);
    fill(ui, bar, ui->theme.title);
    char buf[LABEL_MAX];
    ui_text_clip_set(ui->text, x, y, w, h);
    text_in(ui, bar, -1, ui->theme.text, shown(title, buf));
    float pad = px(ui, ui->theme.padding);
    ui->clip = (ui_rect){x, y + bar.h, w, h - bar.h};
    ui->content = (ui_rect){x + pad, y + bar.h + pad, w - 2.0f * pad, h - bar.h - 2.0f * pad};
    ui->cursor_y = ui->content.y;
    ui_text_clip_set(ui->text, ui->clip.x, ui->clip.y, ui->clip.w, ui->clip.h);
}

void ui_panel_end(ui_ctx *ui)
{
    assert(ui->in_panel);
    if (ui->section_scope) ui_pop_id(ui);
    ui_pop_id(ui);
    ui->in_panel = ui->section_scope = false;
    ui_text_clip_reset(ui->text);
}

bool ui_section(ui_ctx *ui, const char *label, bool open_at_first)
{
    if (ui->section_scope) ui_pop_id(ui);
    ui->section_scope = false;
    ui_id id = ui_get_id(ui, label);
    section_state *s = NULL;
    for (int i = 0; i < ui->section_count && !s; ++i)
        if (ui->sections[i].id == id) s = &ui->sections[i];
    assert((s || ui->section_count < SECTION_MAX) && "more sections than SECTION_MAX");
    if (!s && ui->section_count < SECTION_MAX) {
        s = &ui->sections[ui->section_count++];
        *s = (section_state){id, open_at_first};
    }
    ui_rect r = next_row(ui, ui_row_height(ui));
    if (interact(ui, id, r, false) || (keys_for(ui, id) & UI_KEY_ENTER))
        if (s) s->open = !s->open;
    bool open = s ? s->open : open_at_first;
    fill(ui, r, ui->hot == id ? ui->theme.control_hot : ui->theme.title);
    char text[LABEL_MAX + 4], buf[LABEL_MAX];
    snprintf(text, sizeof text, "%s  %s", open ? "-" : "+", shown(label, buf));
    text_in(ui, r, -1, ui->theme.text, text);
    focus_ring(ui, id, r);
    if (open) {
        push_raw(ui, id);
        ui->section_scope = true;
    }
    return open;
}

/* ---- widgets ---- */

void ui_label(ui_ctx *ui, const char *fmt, ...)
{
    char s[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s, sizeof s, fmt, ap);
    va_end(ap);
    ui_rect r = next_row(ui, ui_row_height(ui));
    ui->last_id = 0;
    ui->last = r;
    text_in(ui, (ui_rect){r.x - px(ui, ui->theme.padding), r.y, r.w, r.h}, -1, ui->theme.text, s);
}

void ui_plot(ui_ctx *ui, const double *xs, const double *ys, int count, double x0, double x1, double y0,
             double y1, double marker_x, double line_y, int rows)
{
    ui_rect r = next_row(ui, (float)(rows > 1 ? rows : 1) * ui_row_height(ui));
    ui->last_id = 0;
    ui->last = r;
    fill(ui, r, ui->theme.control);
    float pad = px(ui, ui->theme.padding), dot = fmaxf(px(ui, 2.0f), 1.0f);
    ui_rect in = {r.x + pad, r.y + pad, r.w - 2.0f * pad, r.h - 2.0f * pad};
    if (!(x1 > x0) || !(y1 > y0) || in.w <= 0.0f || in.h <= 0.0f) return;
#define PLOT_X(v) (in.x + in.w * (float)smp_clamp(((v)-x0) / (x1 - x0), 0.0, 1.0))
#define PLOT_Y(v) (in.y + in.h * (1.0f - (float)smp_clamp(((v)-y0) / (y1 - y0), 0.0, 1.0)))
    if (!isnan(line_y)) /* dashed: 6 units on, 4 off */
        for (float x = in.x; x < in.x + in.w; x += 10.0f * dot)
            fill(ui, (ui_rect){x, PLOT_Y(line_y) - 0.5f * dot, fminf(6.0f * dot, in.x + in.w - x), dot},
                 ui->theme.text_dim);
    if (!isnan(marker_x))
        fill(ui, (ui_rect){PLOT_X(marker_x) - 0.5f * dot, in.y, dot, in.h}, ui->theme.text_dim);
    /* The curve: each segment as squares a dot apart, so it stays a line at any slope. */
    for (int i = 1; i < count; ++i) {
        float ax = PLOT_X(xs[i - 1]), ay = PLOT_Y(ys[i - 1]), bx = PLOT_X(xs[i]), by = PLOT_Y(ys[i]);
        int steps = (int)ceilf(fmaxf(fabsf(bx - ax), fabsf(by - ay)) / dot);
        for (int k = 0; k <= steps; ++k) {
            float t = steps ? (float)k / (float)steps : 0.0f;
            fill(ui,
                 (ui_rect){ax + t * (bx - ax) - 0.5f * dot, ay + t * (by - ay) - 0.5f * dot, dot * 1.5f,
                           dot * 1.5f},
                 ui->theme.accent);
        }
    }
#undef PLOT_X
#undef PLOT_Y
}

bool ui_button(ui_ctx *ui, const char *label)
{
    ui_id id = ui_get_id(ui, label);
    ui_rect r = next_row(ui, ui_row_height(ui));
    bool clicked = interact(ui, id, r, false) || (keys_for(ui, id) & UI_KEY_ENTER);
    fill(ui, r, control_colour(ui, id));
    char buf[LABEL_MAX];
    text_in(ui, r, 0, ui->theme.text, shown(label, buf));
    focus_ring(ui, id, r);
    return clicked;
}

bool ui_checkbox(ui_ctx *ui, const char *label, bool *value)
{
    ui_id id = ui_get_id(ui, label);
    ui_rect r = next_row(ui, ui_row_height(ui));
    bool flip = interact(ui, id, r, false) || (keys_for(ui, id) & UI_KEY_ENTER);
    if (flip) *value = !*value;
    float side = px(ui, ui->theme.font_px), inset = floorf(side * 0.25f);
    ui_rect box = {r.x, floorf(r.y + 0.5f * (r.h - side)), side, side};
    fill(ui, box, control_colour(ui, id));
    outline(ui, box, ui->theme.text_dim);
    if (*value)
        fill(ui, (ui_rect){box.x + inset, box.y + inset, side - 2 * inset, side - 2 * inset},
             ui->theme.accent);
    char buf[LABEL_MAX];
    text_in(ui, (ui_rect){box.x + side, r.y, r.w - side, r.h}, -1, ui->theme.text, shown(label, buf));
    focus_ring(ui, id, r);
    return flip;
}

/* The slider's behaviour on a double; draws nothing. The thumb's centre follows the mouse, so the track runs
 * from half a thumb inside the left edge to half a thumb inside the right one. */
static void slider_input(ui_ctx *ui, ui_id id, ui_rect r, double *v, double min, double max, double step)
{
    assert(min < max);
    interact(ui, id, r, true);
    double x = *v, thumb = px(ui, ui->theme.font_px * 0.75f);
    if (ui->active == id) {
        double u = smp_clamp((ui->in.mouse_x - (r.x + 0.5 * thumb)) / (r.w - thumb), 0.0, 1.0);
        x = min + u * (max - min);
        if (step > 0.0) x = min + round((x - min) / step) * step;
    }
    double s = (step > 0.0 ? step : (max - min) / 100.0) * (ui->in.shift ? 10.0 : 1.0);
    unsigned k = keys_for(ui, id);
    if (k & (UI_KEY_LEFT | UI_KEY_DOWN)) x -= s;
    if (k & (UI_KEY_RIGHT | UI_KEY_UP)) x += s;
    if (k & UI_KEY_HOME) x = min;
    if (k & UI_KEY_END) x = max;
    if (ui->hot == id && ui->active == 0) x += ui->in.wheel_y * s;
    *v = smp_clamp(x, min, max);
}

static void slider_draw(ui_ctx *ui, ui_id id, ui_rect r, const char *label, double u, const char *value_text)
{
    float thumb = px(ui, ui->theme.font_px * 0.75f), tx = r.x + (float)u * (r.w - thumb);
    fill(ui, r, control_colour(ui, id));
    fill(ui, (ui_rect){r.x, r.y, tx - r.x, r.h}, ui->theme.accent);
    fill(ui, (ui_rect){floorf(tx + 0.5f), r.y, thumb, r.h}, ui->theme.text_dim);
    char text[2 * LABEL_MAX + 8], buf[LABEL_MAX];
    if (ui->two_columns)
        snprintf(text, sizeof text, "%s", value_text);
    else
        snprintf(text, sizeof text, "%s  %s", shown(label, buf), value_text);
    text_in(ui, r, 0, ui->theme.text, text);
    focus_ring(ui, id, r);
}

bool ui_slider(ui_ctx *ui, const char *label, float *value, float min, float max, float step,
               const char *format)
{
    ui_id id = ui_get_id(ui, label);
    ui_rect r = control_of(ui, next_row(ui, ui_row_height(ui)), label);
    double v = *value;
    slider_input(ui, id, r, &v, min, max, step);
    bool changed = (float)v != *value;
    *value = (float)v;
    char text[64];
    snprintf(text, sizeof text, format ? format : "%.2f", (double)*value);
    slider_draw(ui, id, r, label, (*value - min) / (double)(max - min), text);
    return changed;
}

bool ui_slider_int(ui_ctx *ui, const char *label, int *value, int min, int max)
{
    ui_id id = ui_get_id(ui, label);
    ui_rect r = control_of(ui, next_row(ui, ui_row_height(ui)), label);
    double v = *value;
    slider_input(ui, id, r, &v, min, max, 1.0);
    int before = *value;
    *value = (int)lround(v);
    char text[32];
    snprintf(text, sizeof text, "%d", *value);
    slider_draw(ui, id, r, label, (*value - min) / (double)(max - min), text);
    return *value != before;
}

int ui_choice(ui_ctx *ui, const char *label, const char *const *options, int count, int current)
{
    assert(count > 0);
    ui_id id = ui_get_id(ui, label);
    char buf[LABEL_MAX];
    /* One column: the label on its own row above the segments, none for a label that shows nothing ("##k").
     */
    if (!ui->two_columns && shown(label, buf)[0]) ui_label(ui, "%s", buf);
    ui_rect r = control_of(ui, next_row(ui, ui_row_height(ui)), label);
    float gap = px(ui, 1.0f), w = (r.w - gap * (float)(count - 1)) / (float)count;
    if (interact(ui, id, r, true)) {
        int i = (int)((ui->in.mouse_x - r.x) / (w + gap));
        current = i < count ? i : count - 1;
    }
    unsigned k = keys_for(ui, id);
    if (k & UI_KEY_LEFT) current = current > 0 ? (current < count ? current : count) - 1 : 0;
    if (k & UI_KEY_RIGHT) current = current < count - 1 ? (current < 0 ? 0 : current + 1) : count - 1;
    if (k & UI_KEY_HOME) current = 0;
    if (k & UI_KEY_END) current = count - 1;
    for (int i = 0; i < count; ++i) {
        ui_rect s = {floorf(r.x + (float)i * (w + gap) + 0.5f), r.y, floorf(w + 0.5f), r.h};
        fill(ui, s, i == current ? ui->theme.accent : control_colour(ui, id));
        text_in(ui, s, 0, i == current ? ui->theme.text : ui->theme.text_dim, options[i]);
    }
    focus_ring(ui, id, r);
    return current;
}

void ui_tooltip(ui_ctx *ui, const char *text)
{
    if (!ui->last_id || ui->hot != ui->last_id || ui->active == ui->last_id) return;
    snprintf(ui->tooltip, sizeof ui->tooltip, "%s", text);
    ui->has_tooltip = true;
}

void ui_status_line(ui_ctx *ui, const char *left, const char *right)
{
    assert(!ui->in_panel);
    float h = ui_row_height(ui);
    ui_rect r = {0.0f, (float)ui->in.display_height - h, (float)ui->in.display_width, h};
    if (!ui->modal_prev && inside(ui, r)) ui->mouse_over = true;
    fill(ui, r, ui->theme.panel);
    if (left) text_in(ui, r, -1, ui->theme.text, left);
    if (right) text_in(ui, r, 1, ui->theme.text_dim, right);
}

void ui_help(ui_ctx *ui, bool *open, const char *title, const ui_shortcut *rows, int count)
{
    assert(!ui->in_panel);
    if (!*open) return;
    if ((ui->in.buttons_pressed & (UI_MOUSE_LEFT | UI_MOUSE_RIGHT)) ||
        (ui->in.keys_pressed & UI_KEY_ESCAPE)) {
        *open = false;
        ui->mouse_over = true; /* the press that closes the help is the help's, not the window's */
        return;
    }
    ui->modal_now = true;
    float dw = (float)ui->in.display_width, dh = (float)ui->in.display_height;
    fill(ui, (ui_rect){0.0f, 0.0f, dw, dh}, ui->theme.shade);
    float key_w = 0.0f, action_w = 0.0f, line = ui_text_line_height(ui->text);
    for (int i = 0; i < count; ++i) {
        key_w = fmaxf(key_w, ui_text_width(ui->text, rows[i].keys));
        action_w = fmaxf(action_w, ui_text_width(ui->text, rows[i].action));
    }
    float pad = px(ui, ui->theme.padding), gap = px(ui, 4.0f * ui->theme.spacing), bar = ui_row_height(ui);
    float w = fminf(2.0f * pad + key_w + gap + action_w, dw),
          h = fminf(bar + line * (float)(count + 1) + 2.0f * pad, dh);
    ui_rect box = {floorf(0.5f * (dw - w)), floorf(0.5f * (dh - h)), w, h};
    fill(ui, box, ui->theme.panel);
    fill(ui, (ui_rect){box.x, box.y, box.w, bar}, ui->theme.title);
    ui_text_clip_set(ui->text, box.x, box.y, box.w, box.h);
    text_in(ui, (ui_rect){box.x, box.y, box.w, bar}, -1, ui->theme.text, title);
    float y = box.y + bar + pad;
    for (int i = 0; i < count; ++i, y += line) {
        ui_text_print(ui->text, box.x + pad, y, ui->theme.focus, rows[i].keys);
        ui_text_print(ui->text, box.x + pad + key_w + gap, y, ui->theme.text, rows[i].action);
    }
    ui_text_print(ui->text, box.x + pad, y, ui->theme.text_dim, "Esc or a click closes this help");
    ui_text_clip_reset(ui->text);
}

void ui_end_frame(ui_ctx *ui)
{
    assert(!ui->in_panel && "ui_panel_end missing");
    if (ui->has_tooltip) {
        float pad = px(ui, ui->theme.padding), w = ui_text_width(ui->text, ui->tooltip) + 2.0f * pad;
        float h = ui_row_height(ui);
        float x = fminf(ui->in.mouse_x + px(ui, 16.0f), (float)ui->in.display_width - w);
        float y = fminf(ui->in.mouse_y + px(ui, 16.0f), (float)ui->in.display_height - h);
        ui_rect r = {floorf(fmaxf(x, 0.0f)), floorf(fmaxf(y, 0.0f)), w, h};
        fill(ui, r, ui->theme.title);
        outline(ui, r, ui->theme.text_dim);
        text_in(ui, r, -1, ui->theme.text, ui->tooltip);
    }
    unsigned keys = ui->modal_prev ? 0u : ui->in.keys_pressed;
    /* The focus follows what is drawn: a widget not declared this frame (a closed section) loses it. */
    int at = -1;
    for (int i = 0; i < ui->focusable_count && at < 0; ++i)
        if (ui->focusable[i] == ui->focus) at = i;
    if (at < 0) ui->focus = 0;
    if ((keys & UI_KEY_TAB) && ui->focusable_count > 0) {
        int n = ui->focusable_count;
        at = at < 0 ? (ui->in.shift ? n - 1 : 0) : (at + (ui->in.shift ? n - 1 : 1)) % n;
        ui->focus = ui->focusable[at];
        ui->focus_visible = true;
    }
    if (keys & UI_KEY_ESCAPE) ui->focus = 0;
    bool pressed = ui->in.buttons_pressed & UI_MOUSE_LEFT;
    if (pressed && ui->active == 0) ui->focus = 0; /* a press beside every widget */
    if (pressed) ui->mouse_captured = ui->mouse_over || ui->active;
    if (ui->in.buttons_released & UI_MOUSE_LEFT) ui->active = 0;
    if (!(ui->in.buttons_down & UI_MOUSE_LEFT)) ui->mouse_captured = false;
    ui->modal_prev = ui->modal_now;
}
