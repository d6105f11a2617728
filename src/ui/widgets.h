/* ui widgets: a small immediate-mode widget set drawn into a ui_text overlay. Each frame the caller fills a
 * ui_input from its window events, then declares the widgets it wants in the order they stack; a widget's
 * call draws it and returns what the person did to it this frame. Nothing is retained but the id of the
 * widget under the mouse, being dragged, or focused, and which sections are open.
 *
 * Plain C: no GL, no SDL. The caller translates events (ui/, app/) and draws ui_text_overlay() (render/), so
 * the widgets run and are tested on the CPU. Units are drawable pixels, origin at the top left; the theme's
 * sizes are logical pixels that the display scale multiplies, and the font is baked at the scaled height, so
 * text stays crisp on high-DPI displays. Not thread safe: one context per window, used from its thread.
 *
 *     ui_begin_frame(ui, &in, &err);                      // in: this frame's events, s = in.scale
 *     ui_panel_begin(ui, "light", 10 * s, 10 * s, 320 * s, 400 * s);
 *     if (ui_section(ui, "key light", true)) {
 *         ui_slider(ui, "elevation", &elev_deg, 0.0f, 90.0f, 1.0f, "%.0f deg");
 *         preset = ui_choice(ui, "preset", preset_names, 4, preset);
 *     }
 *     if (ui_button(ui, "reset")) reset_light();
 *     ui_panel_end(ui);
 *     ui_status_line(ui, status, fps_text);
 *     ui_end_frame(ui);
 *     render_overlay ov = ui_text_overlay(text);
 *
 * Ids hash a widget's label under the id scope (the panel, the open section, ui_push_id): the same label in
 * two scopes is two widgets. "Label##key" shows "Label" and hashes all of it, for equal labels in one scope.
 */
#ifndef SMP_UI_WIDGETS_H
#define SMP_UI_WIDGETS_H

#include "ui/ui.h"

typedef uint32_t ui_id; /* 0 is no widget */

enum { UI_MOUSE_LEFT = 1u << 0, UI_MOUSE_RIGHT = 1u << 1 };
enum {
    UI_KEY_TAB = 1u << 0,
    UI_KEY_ENTER = 1u << 1,
    UI_KEY_ESCAPE = 1u << 2,
    UI_KEY_LEFT = 1u << 3,
    UI_KEY_RIGHT = 1u << 4,
    UI_KEY_UP = 1u << 5,
    UI_KEY_DOWN = 1u << 6,
    UI_KEY_HOME = 1u << 7,
    UI_KEY_END = 1u << 8,
};

/* One frame of input, filled by the caller from its window events. */
typedef struct ui_input {
    float mouse_x, mouse_y;    /* drawable pixels (window points times scale) */
    unsigned buttons_down;     /* UI_MOUSE_* held at the end of the frame */
    unsigned buttons_pressed;  /* UI_MOUSE_* that went down during the frame */
    unsigned buttons_released; /* UI_MOUSE_* that went up during the frame (may be pressed in it too) */
    float wheel_y;             /* wheel notches this frame, positive away from the user */
    unsigned keys_pressed;     /* UI_KEY_* pressed (or repeated) this frame */
    bool shift;                /* Shift held: Tab goes backwards, arrows step ten times */
    int display_width, display_height; /* the drawable, pixels */
    float scale; /* drawable pixels per logical pixel (2 on most high-DPI displays); 0 means 1 */
} ui_input;

/* Colours are straight alpha, as ui_text_panel draws them; sizes are logical pixels. */
typedef struct ui_theme {
    float font_px;     /* text height */
    float padding;     /* inside controls, and between a panel's edge and its rows */
    float spacing;     /* between rows and columns */
    float border;      /* outline and focus ring width */
    float label_share; /* the label column's share of a row in two-column layout, 0..1 */
    float panel[4], title[4], text[4], text_dim[4], control[4], control_hot[4], control_active[4], accent[4],
        focus[4], shade[4];
} ui_theme;

/* Dark grey panels, near-white text (15:1 against the panels), one blue accent for values and the selected
 * segment, amber for the keyboard focus. */
ui_theme ui_theme_default(void);

typedef struct ui_ctx ui_ctx;

/* Creates a context that draws into text (borrowed: it must outlive the context; the context re-bakes its
 * glyphs when the scale changes). theme NULL: ui_theme_default(). Fails only with SMP_ERR_NOMEM. */
smp_status ui_ctx_create(ui_ctx **out, ui_text *text, const ui_theme *theme, smp_error *err);
void ui_ctx_destroy(ui_ctx *ui); /* NULL is a no-op */

/* Starts a frame: clears the text overlay, takes this frame's input (copied). When the scale changed it bakes
 * the font at theme.font_px * scale; if that fails the error is returned, the old glyphs stay and the frame
 * goes on. Draw your own overlay text after this call. */
smp_status ui_begin_frame(ui_ctx *ui, const ui_input *in, smp_error *err);
/* Ends a frame: draws the tooltip, moves the focus on Tab (Shift+Tab backwards) among the focusable widgets
 * drawn this frame, drops the focus on Escape or when its widget was not drawn. */
void ui_end_frame(ui_ctx *ui);

/* Whether the window should leave the mouse to the widgets (over a panel, the status line or the help, or a
 * press that began there still held) or the keyboard (a widget has the focus, or the help is open), as of
 * the frame last ended: ask after ui_end_frame and apply it to the next frame's events. */
bool ui_wants_mouse(const ui_ctx *ui);
bool ui_wants_keyboard(const ui_ctx *ui);

/* Ids: of a label in the current scope, and of the last widget declared. The scope stack holds 32. */
ui_id ui_get_id(const ui_ctx *ui, const char *label);
ui_id ui_last_id(const ui_ctx *ui);
void ui_push_id(ui_ctx *ui, const char *key);
void ui_push_id_int(ui_ctx *ui, int key); /* for rows made in a loop */
void ui_pop_id(ui_ctx *ui);
/* The widget under the mouse this frame, the one pressed and not yet released, the one with the focus. */
ui_id ui_hot_id(const ui_ctx *ui);
ui_id ui_active_id(const ui_ctx *ui);
ui_id ui_focus_id(const ui_ctx *ui);

/* Layout: each widget takes the next row of the open panel, full width, one below the other. */
typedef struct ui_rect {
    float x, y, w, h;
} ui_rect;
ui_rect ui_last_rect(const ui_ctx *ui); /* the last widget's row, pixels */
float ui_row_height(const ui_ctx *ui);  /* one row at this frame's scale, pixels */
/* Two columns (true): label | control, the label column theme.label_share of the row. One column (false,
 * the default of each panel): the label is written inside the control. */
void ui_layout_columns(ui_ctx *ui, bool two);

/* A titled panel at (x, y, w, h) pixels: a background, a title bar, and the rows inside, cut at its bottom
 * edge (rows below it take no input). Opens an id scope. Panels must not overlap; one is open at a time. */
void ui_panel_begin(ui_ctx *ui, const char *title, float x, float y, float w, float h);
void ui_panel_end(ui_ctx *ui);
/* A header row that opens and closes what follows it (by click, or Enter when focused); returns whether it is
 * open. The caller declares the section's widgets only when it is, so a closed section's widgets take no
 * input and draw nothing. A section lasts until the next one or the panel's end and scopes their ids. */
bool ui_section(ui_ctx *ui, const char *label, bool open_at_first);

/* A line of text (printf format). */
void ui_label(ui_ctx *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A press makes a widget active (it holds the mouse until release); a release over it is a click. Tab focuses
 * every widget in turn; a press focuses only the sliders and choices, whose arrow keys then step them, so a
 * click on a button, box or header leaves the window's keyboard shortcuts alone. */

/* Returns true on the frame of a click (pressed and released over it) or of Enter while focused. */
bool ui_button(ui_ctx *ui, const char *label);
/* A box and its label; a click or Enter flips *value. Returns true when it flipped. */
bool ui_checkbox(ui_ctx *ui, const char *label, bool *value);
/* A horizontal slider over [min, max] (min < max). Pressing or dragging puts the value where the mouse is
 * (linear in x, clamped to the ends, rounded to step from min when step > 0); while pressed, the drag goes on
 * outside the slider. When focused, Left/Down and Right/Up step (Shift: ten steps; step 0: 1/100 of the
 * range), Home and End go to the ends; the wheel steps while hovered. format: one float conversion and
 * optional text, e.g. "%.2f mm" (NULL: "%.2f"). Returns true when *value changed. */
bool ui_slider(ui_ctx *ui, const char *label, float *value, float min, float max, float step,
               const char *format);
/* The same over the integers min..max, shown with "%d". */
bool ui_slider_int(ui_ctx *ui, const char *label, int *value, int min, int max);
/* A row of count segments, one selected (in one column, below its label's own row unless the label shows
 * nothing: "##key"); a click selects one, Left/Right move when focused. Returns the
 * selected index (current when nothing was chosen this frame); current outside 0..count-1 selects none. */
int ui_choice(ui_ctx *ui, const char *label, const char *const *options, int count, int current);
/* A small line plot over rows rows of the panel (no input): count points (xs ascending) inside the box
 * x0..x1 by y0..y1 (points outside are clamped to its edge), with a vertical marker at marker_x and a dashed
 * horizontal line at line_y (NAN: none). Axis text is the caller's (labels above or below). */
void ui_plot(ui_ctx *ui, const double *xs, const double *ys, int count, double x0, double x1, double y0,
             double y1, double marker_x, double line_y, int rows);
/* Shows text beside the mouse at the end of the frame while the last widget is hovered and not pressed. */
void ui_tooltip(ui_ctx *ui, const char *text);

/* A bar across the bottom of the window (outside panels): left text, right text aligned right (either NULL).
 */
void ui_status_line(ui_ctx *ui, const char *left, const char *right);
/* A key / action pair for the help overlay, e.g. {"Ctrl+S", "save the plan"}. */
typedef struct ui_shortcut {
    const char *keys, *action;
} ui_shortcut;
/* While *open: shades the window and lists the shortcuts in a centred table (rows past the window's bottom
 * are cut). The help is modal: from the next frame the other widgets take no input until it closes. A mouse
 * press or Escape closes it (*open = false). */
void ui_help(ui_ctx *ui, bool *open, const char *title, const ui_shortcut *rows, int count);

#endif
