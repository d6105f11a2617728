/* ui: the SDL side. A window (or an offscreen surface) with an OpenGL 3.3 core context, and immediate-mode
 * text and panels drawn through the renderer's overlay (widgets on top of them: ui/widgets.h). The only
 * module besides app/ that uses SDL. */
#ifndef SMP_UI_H
#define SMP_UI_H

#include "core/core.h"
#include "render/render.h"

typedef struct ui_gl ui_gl;

/* The log of the program (a smp_log_fn): "smpsim: warning: message" (or "smpsim: message" below SMP_LOG_WARN)
 * on stderr. */
void ui_log_stderr(void *user, smp_log_level level, const char *message);

/* True when a windowing system is reachable (X11 DISPLAY or WAYLAND_DISPLAY set). */
bool ui_display_available(void);

/* Creates a GL 3.3 core context. visible: a resizable window with vsync; otherwise SDL's offscreen driver
 * (EGL, no display needed; Mesa llvmpipe without a GPU). Fails with SMP_ERR_UNAVAILABLE when no context
 * can be had. */
smp_status ui_gl_create(ui_gl **out, bool visible, int width, int height, const char *title, smp_error *err);
void ui_gl_destroy(ui_gl *gl); /* NULL is a no-op */
void ui_gl_swap(ui_gl *gl);
void ui_gl_drawable_size(const ui_gl *gl, int *width, int *height);
void *ui_gl_window(const ui_gl *gl); /* the SDL_Window */

/* Text: glyphs baked from the embedded DejaVu Sans with stb_truetype into an R8 atlas (ASCII; other bytes
 * draw as '?'). Coordinates are drawable pixels, origin at the top left. Draw with one ui_text per render
 * context: the renderer re-uploads the atlas when its version changes, and two texts would share a version
 * number. */
typedef struct ui_text ui_text;
smp_status ui_text_create(ui_text **out, float pixel_height, smp_error *err);
void ui_text_destroy(ui_text *t); /* NULL is a no-op */
/* Bakes the glyphs again at another height (a display scale change); on failure the old glyphs stay. */
smp_status ui_text_set_pixel_height(ui_text *t, float pixel_height, smp_error *err);
float ui_text_pixel_height(const ui_text *t);
/* Empties the overlay and lifts the clip rectangle: the start of a frame. */
void ui_text_clear(ui_text *t);
/* What is appended from now on is cut to this rectangle (w, h <= 0 clips everything) ... */
void ui_text_clip_set(ui_text *t, float x, float y, float w, float h);
/* ... until the clip is lifted. */
void ui_text_clip_reset(ui_text *t);
/* Appends a filled rectangle (linear alpha over the image). */
void ui_text_panel(ui_text *t, float x, float y, float w, float h, const float rgba[4]);
/* Appends a line of ASCII text with its top-left corner at (x, y); returns the width in pixels. */
float ui_text_print(ui_text *t, float x, float y, const float rgba[4], const char *text);
/* The width ui_text_print would return, without drawing. */
float ui_text_width(const ui_text *t, const char *text);
float ui_text_line_height(const ui_text *t);
/* The overlay to draw this frame's text and panels; valid until the next call that appends or bakes. */
render_overlay ui_text_overlay(const ui_text *t);

#endif
