/* Plots with cairo (plot.h has the contract). Sizes are in pixels of a 1200 x 700 figure, scaled with the
 * figure, so a larger image is the same plot at a higher resolution. */
#include "analysis/plot.h"

#include <cairo.h>

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FONT "DejaVu Sans"
#define DEFAULT_W 1200
#define DEFAULT_H 700
/* Cairo keeps coordinates in 24.8 fixed point (about +-8e6 px), so mapped points are clamped to +-1e6 px:
 * only a point over a thousand plot widths off the plot bends the segments that reach it. */
#define FAR_PX 1e6

/* Matplotlib's "tab10": ten colours that stay distinct for common colour blindness and in greyscale print. */
static const plot_rgba palette[10] = {
    {0.122f, 0.467f, 0.706f, 1}, {1.000f, 0.498f, 0.055f, 1}, {0.173f, 0.627f, 0.173f, 1},
    {0.839f, 0.153f, 0.157f, 1}, {0.580f, 0.404f, 0.741f, 1}, {0.549f, 0.337f, 0.294f, 1},
    {0.890f, 0.467f, 0.761f, 1}, {0.498f, 0.498f, 0.498f, 1}, {0.737f, 0.741f, 0.133f, 1},
    {0.090f, 0.745f, 0.812f, 1},
};
static const plot_rgba ink = {0.13f, 0.13f, 0.13f, 1}, axis_grey = {0.35f, 0.35f, 0.35f, 1};
static const plot_rgba grid_grey = {0.88f, 0.88f, 0.88f, 1}, marker_grey = {0.30f, 0.30f, 0.30f, 1};

typedef struct box {
    double x0, y0, x1, y1;
} box;

/* Whether two boxes come within 3 px of each other. */
static bool box_overlaps(box a, box b)
{
    return a.x0 < b.x1 + 3 && b.x0 < a.x1 + 3 && a.y0 < b.y1 + 3 && b.y0 < a.y1 + 3;
}

static bool has_text(const char *s)
{
    return s && s[0];
}

static bool colour_ok(plot_rgba c)
{
    const float v[4] = {c.r, c.g, c.b, c.a};
    for (int k = 0; k < 4; ++k)
        if (!(v[k] >= 0.0f && v[k] <= 1.0f)) return false;
    return true;
}

static plot_rgba series_colour(const plot_figure *fig, int i)
{
    return fig->series[i].color.a > 0.0f ? fig->series[i].color : palette[i % 10];
}

static plot_rgba band_colour(const plot_figure *fig, int i)
{
    plot_rgba c = palette[i % 10];
    c.a = 0.2f;
    return fig->bands[i].color.a > 0.0f ? fig->bands[i].color : c;
}

static plot_rgba marker_colour(const plot_marker *m)
{
    return m->color.a > 0.0f ? m->color : marker_grey;
}

static double figure_scale(int w, int h)
{
    return smp_clamp(fmin(w / (double)DEFAULT_W, h / (double)DEFAULT_H), 0.75, 4.0);
}

#define REFUSE(...) return smp_error_set(err, SMP_ERR_INPUT, "plot: " __VA_ARGS__)

static smp_status check_line(const char *what, int i, int count, const double *a, const double *b,
                             const double *c, plot_rgba colour, float width_px, smp_error *err)
{
    if (count < 0) REFUSE("%s[%d].count: must be >= 0 (got %d)", what, i, count);
    if (count > 0 && (!a || !b || !c)) REFUSE("%s[%d]: %d points but a NULL array", what, i, count);
    if (!colour_ok(colour)) REFUSE("%s[%d].color: components must be within 0..1", what, i);
    if (!(width_px >= 0.0f && width_px <= 100.0f))
        REFUSE("%s[%d].width_px: must be 0 (default) or up to 100 (got %g)", what, i, width_px);
    return SMP_OK;
}

static smp_status check_figure(const plot_figure *fig, smp_error *err)
{
    if (!fig) REFUSE("no figure");
    if (fig->width_px != 0 && (fig->width_px < 64 || fig->width_px > 8192))
        REFUSE("width_px: must be 0 (1200) or 64..8192 (got %d)", fig->width_px);
    if (fig->height_px != 0 && (fig->height_px < 64 || fig->height_px > 8192))
        REFUSE("height_px: must be 0 (700) or 64..8192 (got %d)", fig->height_px);
    const double lim[2][2] = {{fig->x_min, fig->x_max}, {fig->y_min, fig->y_max}};
    for (int k = 0; k < 2; ++k) {
        if (!isfinite(lim[k][1] - lim[k][0]))
            REFUSE("%c limits [%g, %g]: must be finite, and so must their span", "xy"[k], lim[k][0],
                   lim[k][1]);
        if (lim[k][0] > lim[k][1])
            REFUSE("%c_min %g is above %c_max %g", "xy"[k], lim[k][0], "xy"[k], lim[k][1]);
    }
    const int counts[4] = {fig->series_count, fig->band_count, fig->x_marker_count, fig->y_marker_count};
    const void *arrays[4] = {fig->series, fig->bands, fig->x_markers, fig->y_markers};
    const char *names[4] = {"series", "bands", "x_markers", "y_markers"};
    for (int k = 0; k < 4; ++k) {
        if (counts[k] < 0) REFUSE("%s count: must be >= 0 (got %d)", names[k], counts[k]);
        if (counts[k] > 0 && !arrays[k]) REFUSE("%s: %d of them but a NULL array", names[k], counts[k]);
    }
    smp_status st = SMP_OK;
    for (int i = 0; i < fig->series_count && st == SMP_OK; ++i) {
        const plot_series *s = &fig->series[i];
        st = check_line("series", i, s->count, s->x, s->y, s->y, s->color, s->width_px, err);
    }
    for (int i = 0; i < fig->band_count && st == SMP_OK; ++i) {
        const plot_band *b = &fig->bands[i];
        st = check_line("bands", i, b->count, b->x, b->low, b->high, b->color, 0.0f, err);
    }
    for (int k = 0; k < 2 && st == SMP_OK; ++k) {
        const plot_marker *m = k ? fig->y_markers : fig->x_markers;
        int n = k ? fig->y_marker_count : fig->x_marker_count;
        for (int i = 0; i < n && st == SMP_OK; ++i) {
            if (!isfinite(m[i].value)) REFUSE("%s[%d].value: must be finite", names[2 + k], i);
            st = check_line(names[2 + k], i, 0, NULL, NULL, NULL, m[i].color, m[i].width_px, err);
        }
    }
    return st;
}

/* ---- ticks ---- */

/* Heckbert's nice number: 1, 2, 5 or 10 times a power of ten, rounded or the next one up. */
static double nice_number(double x, bool round)
{
    double e = pow(10.0, floor(log10(x))), f = x / e;
    if (round) return e * (f < 1.5 ? 1.0 : f < 3.0 ? 2.0 : f < 7.0 ? 5.0 : 10.0);
    return e * (f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0);
}

void plot_ticks_get(double min, double max, int target_count, plot_ticks *out)
{
    assert(out && isfinite(max - min) && min < max);
    memset(out, 0, sizeof *out);
    int target = target_count < 2 ? 2 : (target_count > PLOT_MAX_TICKS ? PLOT_MAX_TICKS : target_count);
    double step = nice_number(nice_number(max - min, false) / (target - 1), true), first, last;
    for (;;) { /* Heckbert's step may leave fewer than two ticks inside a narrow range, or too many */
        first = ceil(min / step - 1e-9), last = floor(max / step + 1e-9);
        if (last - first + 1 > PLOT_MAX_TICKS)
            step = nice_number(step * 1.5, false);
        else if (last - first + 1 < 2)
            step = nice_number(step * 0.4, true);
        else
            break;
    }
    out->step = step;
    int decimals = (int)fmax(0.0, -floor(log10(step) + 1e-9));
    bool scientific = decimals > 6 || fmax(fabs(min), fabs(max)) >= 1e7;
    for (int i = 0; i <= (int)(last - first); ++i) {
        double v = (first + i) * step;
        if (fabs(v) < step * 1e-9) v = 0.0;                /* no "-0" */
        const char *minus = v < 0.0 ? "\xe2\x88\x92" : ""; /* U+2212 MINUS SIGN */
        if (scientific)
            snprintf(out->label[i], sizeof out->label[i], "%s%.3g", minus, fabs(v));
        else
            snprintf(out->label[i], sizeof out->label[i], "%s%.*f", minus, decimals, fabs(v));
        out->value[out->count++] = v;
    }
}

/* ---- text ---- */

typedef struct font {
    double size;
    bool bold;
} font;

static double text_width(cairo_t *cr, font f, const char *s)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           f.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, f.size);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

/* Text anchored at (x, y): ax, ay are fractions of its width and of its cap height (0, 0: the top left of the
 * capitals; 0.5, 0.5: their middle). Draws it when a colour is given (halo: a white outline first, so it
 * reads over lines) and returns the box it takes, descenders included. */
static box text_at(cairo_t *cr, font f, const char *s, double x, double y, double ax, double ay,
                   const plot_rgba *colour, bool halo)
{
    double w = text_width(cr, f, s), cap = 0.73 * f.size, x0 = x - ax * w, base = y + (1.0 - ay) * cap;
    if (colour && halo) {
        cairo_move_to(cr, x0, base);
        cairo_text_path(cr, s);
        cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
        cairo_set_line_width(cr, 0.28 * f.size);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_set_dash(cr, NULL, 0, 0.0);
        cairo_stroke(cr);
    }
    if (colour) {
        cairo_move_to(cr, x0, base);
        cairo_set_source_rgb(cr, colour->r, colour->g, colour->b);
        cairo_show_text(cr, s);
    }
    return (box){x0, base - cap - 0.1 * f.size, x0 + w, base + 0.25 * f.size};
}

/* ---- layout ---- */

static void data_range(const plot_figure *fig, int axis, double *lo, double *hi)
{
    double a = INFINITY, b = -INFINITY;
#define TAKE(v)                                                                                              \
    do {                                                                                                     \
        double v_ = smp_clamp((v), -1e300, 1e300); /* NaN stays NaN; the span stays finite */                \
        if (isfinite(v_)) a = fmin(a, v_), b = fmax(b, v_);                                                  \
    } while (0)
    for (int i = 0; i < fig->series_count; ++i)
        for (int j = 0; j < fig->series[i].count; ++j)
            if (isfinite(fig->series[i].x[j]) && isfinite(fig->series[i].y[j]))
                TAKE(axis ? fig->series[i].y[j] : fig->series[i].x[j]);
    for (int i = 0; i < fig->band_count; ++i)
        for (int j = 0; j < fig->bands[i].count; ++j) {
            const plot_band *bd = &fig->bands[i];
            if (!isfinite(bd->x[j]) || !isfinite(bd->low[j]) || !isfinite(bd->high[j])) continue;
            TAKE(axis ? bd->low[j] : bd->x[j]);
            TAKE(axis ? bd->high[j] : bd->x[j]);
        }
    const plot_marker *m = axis ? fig->y_markers : fig->x_markers;
    for (int i = 0; i < (axis ? fig->y_marker_count : fig->x_marker_count); ++i)
        TAKE(m[i].value);
#undef TAKE
    *lo = a, *hi = b;
}

/* Tick labels of an axis must not touch: fewer ticks until the widest label plus a gap fits between two. */
static void axis_ticks(cairo_t *cr, font f, double lo, double hi, double length_px, double spacing_px,
                       bool horizontal, plot_ticks *t)
{
    for (int target = (int)(length_px / spacing_px) + 1; target >= 2; --target) {
        plot_ticks_get(lo, hi, target, t);
        double widest = 0.0;
        for (int i = 0; i < t->count; ++i)
            widest = fmax(widest, horizontal ? text_width(cr, f, t->label[i]) : f.size);
        if (t->count < 2 || (t->step / (hi - lo)) * length_px > widest + 1.5 * f.size) return;
    }
}

static void layout_make(cairo_t *cr, const plot_figure *fig, plot_layout *L)
{
    memset(L, 0, sizeof *L);
    int W = L->width_px = fig->width_px ? fig->width_px : DEFAULT_W;
    int H = L->height_px = fig->height_px ? fig->height_px : DEFAULT_H;
    double s = figure_scale(W, H), pad = 16 * s, tick = 6 * s;
    font title = {22 * s, true}, label = {17 * s, false}, ticks = {15 * s, false};
    double top = pad + (has_text(fig->title) ? 1.3 * title.size + 10 * s : 6 * s);
    double bottom =
        tick + 6 * s + 1.2 * ticks.size + (has_text(fig->x_label) ? 1.4 * label.size + 8 * s : 0) + pad;
    double plot_h = fmax(H - top - bottom, 0.2 * H);

    double lo, hi;
    if (fig->y_min < fig->y_max) {
        L->y_min = fig->y_min, L->y_max = fig->y_max;
        axis_ticks(cr, ticks, L->y_min, L->y_max, plot_h, 60 * s, false, &L->y_ticks);
    } else {
        /* Automatic y: the data and 0, 5% headroom beyond the data, out to the next tick; no data: 0..1. */
        data_range(fig, 1, &lo, &hi);
        bool any = isfinite(lo);
        lo = any ? fmin(lo, 0.0) : 0.0, hi = any ? fmax(hi, 0.0) : 1.0;
        if (hi - lo < 1e-300) hi = lo + 1.0;
        double span = any ? 0.05 * (hi - lo) : 0.0;
        hi += hi > 0.0 ? span : 0.0, lo -= lo < 0.0 ? span : 0.0;
        axis_ticks(cr, ticks, lo, hi, plot_h, 60 * s, false, &L->y_ticks);
        double st = L->y_ticks.step;
        L->y_min = floor(lo / st + 1e-9) * st, L->y_max = ceil(hi / st - 1e-9) * st;
        axis_ticks(cr, ticks, L->y_min, L->y_max, plot_h, 60 * s, false, &L->y_ticks);
    }
    if (fig->x_min < fig->x_max) {
        L->x_min = fig->x_min, L->x_max = fig->x_max;
    } else {
        data_range(fig, 0, &lo, &hi);
        if (!isfinite(lo)) lo = 0.0, hi = 1.0;
        if (hi - lo <= 1e-12 * fmax(1.0, fabs(lo))) lo -= 0.5 * fmax(1.0, fabs(lo)), hi = 2 * hi - lo;
        L->x_min = lo, L->x_max = hi;
    }

    double widest_y = 0.0;
    for (int i = 0; i < L->y_ticks.count; ++i)
        widest_y = fmax(widest_y, text_width(cr, ticks, L->y_ticks.label[i]));
    double left = pad + (has_text(fig->y_label) ? 1.2 * label.size + 10 * s : 0) + widest_y + 6 * s + tick;
    /* The last x tick label may stick out past the plot area by half its width. */
    plot_ticks probe;
    plot_ticks_get(L->x_min, L->x_max, 8, &probe);
    double right = fmax(2 * pad, 0.5 * text_width(cr, ticks, probe.label[probe.count - 1]) + pad);
    /* A tiny figure keeps a plot area, even where the text then overlaps. */
    if (W - left - right < 0.2 * W) left = 0.4 * W, right = 0.4 * W;
    if (H - top - bottom < 0.2 * H) top = 0.4 * H, bottom = 0.4 * H;
    axis_ticks(cr, ticks, L->x_min, L->x_max, W - left - right, 90 * s, true, &L->x_ticks);
    L->left_px = (int)lround(left), L->right_px = W - (int)lround(right);
    L->top_px = (int)lround(top), L->bottom_px = H - (int)lround(bottom);
}

smp_status plot_layout_get(const plot_figure *fig, plot_layout *out, smp_error *err)
{
    smp_status st = check_figure(fig, err);
    if (st != SMP_OK) return st;
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
    cairo_t *cr = cairo_create(surface);
    if (cairo_status(cr) == CAIRO_STATUS_SUCCESS)
        layout_make(cr, fig, out);
    else
        st = smp_error_set(err, SMP_ERR_NOMEM, "plot: out of memory measuring text");
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    return st;
}

bool plot_data_to_pixel(const plot_layout *L, double x, double y, double *px, double *py)
{
    if (!isfinite(x) || !isfinite(y)) return false;
    double u = (x - L->x_min) / (L->x_max - L->x_min), v = (y - L->y_min) / (L->y_max - L->y_min);
    *px = smp_clamp(L->left_px + u * (L->right_px - L->left_px), -FAR_PX, FAR_PX);
    *py = smp_clamp(L->bottom_px - v * (L->bottom_px - L->top_px), -FAR_PX, FAR_PX);
    return u >= 0.0 && u <= 1.0 && v >= 0.0 && v <= 1.0;
}

/* ---- drawing ---- */

/* Centres a line of a whole number of pixels' width on the pixel grid: crisp, one row for 1 px. */
static double snap(double p, double w)
{
    long iw = lround(w);
    if (fabs(w - (double)iw) > 0.01) return p;
    return (iw % 2) ? floor(p) + 0.5 : round(p);
}

static void stroke_style(cairo_t *cr, plot_rgba c, double w, plot_dash dash, bool round_caps)
{
    const double dashed[2] = {fmax(4.0 * w, 6.0), fmax(2.5 * w, 4.0)}, dotted[2] = {0.0, 2.0 * w + 1.0};
    cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
    cairo_set_line_width(cr, w);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, round_caps || dash == PLOT_DOTTED ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT);
    cairo_set_dash(cr, dash == PLOT_DASHED ? dashed : dotted, dash == PLOT_SOLID ? 0 : 2, 0.0);
}

static double series_width(const plot_series *s, double scale)
{
    return (s->width_px > 0.0f ? s->width_px : 2.5) * scale;
}

static double marker_width(const plot_marker *m, double scale)
{
    return (m->width_px > 0.0f ? m->width_px : 1.5) * scale;
}

static bool point_ok(const double *x, const double *a, const double *b, int j)
{
    return isfinite(x[j]) && isfinite(a[j]) && isfinite(b[j]);
}

/* Runs of finite points: a series' run is a polyline (a point alone, a zero-length segment the round cap
 * draws as a dot); a band's run is a polygon along its high edge and back along its low one. */
static void runs_path(cairo_t *cr, const plot_layout *L, const double *x, const double *a, const double *b,
                      int count)
{
    double px, py;
    cairo_new_path(cr);
    for (int s = 0, e; s < count; s = e + 1) {
        for (e = s; e < count && point_ok(x, a, b, e);)
            ++e;
        for (int j = s; j < e; ++j) {
            plot_data_to_pixel(L, x[j], a[j], &px, &py);
            if (j == s)
                cairo_move_to(cr, px, py);
            else
                cairo_line_to(cr, px, py);
        }
        if (e - s == 1 && a == b) cairo_rel_line_to(cr, 0.0, 0.0);
        for (int j = e - 1; a != b && j >= s; --j) {
            plot_data_to_pixel(L, x[j], b[j], &px, &py);
            cairo_line_to(cr, px, py);
        }
        if (e > s && a != b) cairo_close_path(cr);
    }
}

/* The line of a marker (vertical on axis 0), snapped to the pixel grid; false when outside the plot area. */
static bool marker_line(const plot_layout *L, const plot_marker *m, int axis, double *p)
{
    double px, py, s = figure_scale(L->width_px, L->height_px);
    bool inside = plot_data_to_pixel(L, axis ? L->x_min : m->value, axis ? m->value : L->y_min, &px, &py);
    *p = snap(axis ? py : px, marker_width(m, s));
    return inside;
}

/* ---- the data, and where it lies ---- */

static void bands_draw(cairo_t *cr, const plot_figure *fig, const plot_layout *L)
{
    for (int i = 0; i < fig->band_count; ++i) {
        const plot_band *b = &fig->bands[i];
        plot_rgba c = band_colour(fig, i);
        runs_path(cr, L, b->x, b->high, b->low, b->count);
        cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
        cairo_fill(cr);
    }
}

/* mask: for occupancy_make, every line solid and at least 3 px wide, as a dotted line matters as much. */
static void series_draw(cairo_t *cr, const plot_figure *fig, const plot_layout *L, bool mask)
{
    for (int i = 0; i < fig->series_count; ++i) {
        const plot_series *s = &fig->series[i];
        double w = series_width(s, figure_scale(L->width_px, L->height_px));
        runs_path(cr, L, s->x, s->y, s->y, s->count);
        stroke_style(cr, series_colour(fig, i), mask ? fmax(w, 3.0) : w, mask ? PLOT_SOLID : s->dash, true);
        cairo_stroke(cr);
    }
}

/* The legend and the horizontal markers' labels go where they hide the least. What they would hide is the
 * coverage of the bands and series, drawn once more into an alpha-only image and summed over 8 px cells into
 * a table of prefix sums, so that the coverage under a box is four lookups. */
#define CELL 8
typedef struct occupancy {
    int cols, rows;
    double *sum; /* (rows + 1) x (cols + 1); NULL when out of memory: then everything costs 0 */
} occupancy;

static occupancy occupancy_make(const plot_figure *fig, const plot_layout *L)
{
    int w = L->width_px, h = L->height_px;
    occupancy o = {.cols = (w + CELL - 1) / CELL, .rows = (h + CELL - 1) / CELL};
    cairo_surface_t *mask = cairo_image_surface_create(CAIRO_FORMAT_A8, w, h);
    cairo_t *cr = cairo_create(mask);
    o.sum = calloc((size_t)(o.cols + 1) * (size_t)(o.rows + 1), sizeof *o.sum);
    if (o.sum && cairo_status(cr) == CAIRO_STATUS_SUCCESS) {
        cairo_rectangle(cr, L->left_px, L->top_px, L->right_px - L->left_px, L->bottom_px - L->top_px);
        cairo_clip(cr);
        bands_draw(cr, fig, L);
        series_draw(cr, fig, L, true);
        cairo_surface_flush(mask);
        const unsigned char *a = cairo_image_surface_get_data(mask);
        int stride = cairo_image_surface_get_stride(mask), n = o.cols + 1;
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                o.sum[(y / CELL + 1) * n + x / CELL + 1] += a[(size_t)y * (size_t)stride + (size_t)x] / 255.0;
        for (int r = 1; r <= o.rows; ++r)
            for (int c = 1; c <= o.cols; ++c)
                o.sum[r * n + c] +=
                    o.sum[(r - 1) * n + c] + o.sum[r * n + c - 1] - o.sum[(r - 1) * n + c - 1];
    }
    cairo_destroy(cr);
    cairo_surface_destroy(mask);
    return o;
}

typedef struct label_spot {
    box b;
    double x, y, ax, ay; /* text_at's anchor */
    const plot_marker *m;
} label_spot;

/* What a box placed there would hide: the coverage under it (in px, of the cells it touches), 1.5 px per px
 * of any marker line but its own that crosses it, and prohibitive amounts for leaving the plot area or
 * touching a label already placed. */
static double place_cost(const plot_figure *fig, const plot_layout *L, const occupancy *o, box b,
                         const label_spot *labels, int n, const plot_marker *own)
{
    double cost = 0.0, p;
    if (b.x0 < L->left_px || b.y0 < L->top_px || b.x1 > L->right_px || b.y1 > L->bottom_px) cost += 1e9;
    for (int k = 0; k < n; ++k)
        cost += box_overlaps(b, labels[k].b) ? 1e6 : 0.0;
    for (int k = 0; k < 2; ++k)
        for (int i = 0; i < (k ? fig->y_marker_count : fig->x_marker_count); ++i) {
            const plot_marker *m = k ? &fig->y_markers[i] : &fig->x_markers[i];
            if (m != own && marker_line(L, m, k, &p) && p >= (k ? b.y0 : b.x0) && p <= (k ? b.y1 : b.x1))
                cost += 1.5 * (k ? b.x1 - b.x0 : b.y1 - b.y0);
        }
    if (!o->sum) return cost;
    int n1 = o->cols + 1, c0 = (int)smp_clamp(floor(b.x0 / CELL), 0, o->cols);
    int c1 = (int)smp_clamp(ceil(b.x1 / CELL), 0, o->cols),
        r0 = (int)smp_clamp(floor(b.y0 / CELL), 0, o->rows);
    int r1 = (int)smp_clamp(ceil(b.y1 / CELL), 0, o->rows);
    return cost + o->sum[r1 * n1 + c1] - o->sum[r0 * n1 + c1] - o->sum[r1 * n1 + c0] + o->sum[r0 * n1 + c0];
}

/* ---- marker labels and legend ---- */

/* Vertical markers' labels, taken left to right, go right of their line and past any other marker line they
 * would cross (a cluster of sessions gets a column of labels beside it; at the right edge, left of the line),
 * in the first row under the top edge where they touch no earlier label. Horizontal markers' labels go to the
 * place along their line, above or below it, that hides the least. */
static int labels_place(cairo_t *cr, const plot_figure *fig, const plot_layout *L, const occupancy *o, font f,
                        label_spot *spots)
{
    double s = figure_scale(L->width_px, L->height_px), gap = 5 * s, p, q;
    int n = 0, nx = fig->x_marker_count, *order = malloc(sizeof *order * (size_t)(nx + 1));
    if (!order) return 0;
    for (int i = 0; i < nx; ++i) { /* insertion sort by value: marker lists are short */
        int k = i;
        for (; k > 0 && fig->x_markers[order[k - 1]].value > fig->x_markers[i].value; --k)
            order[k] = order[k - 1];
        order[k] = i;
    }
    for (int k = 0; k < nx; ++k) {
        const plot_marker *m = &fig->x_markers[order[k]];
        if (!has_text(m->label) || !marker_line(L, m, 0, &p)) continue;
        label_spot sp = {.m = m, .x = p + gap};
        double w = text_width(cr, f, m->label);
        for (int j = k + 1; j < nx; ++j)
            if (marker_line(L, &fig->x_markers[order[j]], 0, &q) && q > p && q < sp.x + w + gap)
                sp.x = q + gap;
        if (sp.x + w > L->right_px - gap) sp.x = p - gap, sp.ax = 1.0;
        for (int row = 0;; ++row) {
            sp.y = L->top_px + 6 * s + row * 1.4 * f.size;
            sp.b = text_at(cr, f, m->label, sp.x, sp.y, sp.ax, 0.0, NULL, false);
            bool free_row = true;
            for (int j = 0; j < n && free_row; ++j)
                free_row = !box_overlaps(sp.b, spots[j].b);
            if (free_row || sp.b.y1 > L->bottom_px - 2 * f.size) break;
        }
        spots[n++] = sp;
    }
    free(order);
    for (int i = 0; i < fig->y_marker_count; ++i) {
        const plot_marker *m = &fig->y_markers[i];
        if (!has_text(m->label) || !marker_line(L, m, 1, &p)) continue;
        /* Above the line (else below), at the right end or where along it the label hides the least. */
        double best = INFINITY, end = L->right_px - gap;
        for (int c = 0; c < 2; ++c) {
            label_spot sp = {.m = m, .ax = 1.0, .y = c ? p + gap : p - gap, .ay = c ? 0.0 : 1.0};
            box b = text_at(cr, f, m->label, end, sp.y, 1.0, sp.ay, NULL, false);
            for (double u = 0.0; u == 0.0 || b.x0 - u >= L->left_px + gap; u += CELL) { /* u: leftwards */
                sp.x = end - u, sp.b = (box){b.x0 - u, b.y0, b.x1 - u, b.y1};
                double cost = place_cost(fig, L, o, sp.b, spots, n, m) + 5.0 * c + 0.01 * u;
                if (cost < best) best = cost, spots[n] = sp;
            }
        }
        ++n;
    }
    return n;
}

typedef struct legend_entry {
    const char *text;
    plot_rgba colour;
    double width;
    plot_dash dash;
    bool filled; /* a band: a filled swatch */
} legend_entry;

static int legend_entries(const plot_figure *fig, double s, legend_entry *e)
{
    int n = 0;
    for (int i = 0; i < fig->series_count; ++i)
        if (has_text(fig->series[i].label))
            e[n++] = (legend_entry){fig->series[i].label, series_colour(fig, i),
                                    series_width(&fig->series[i], s), fig->series[i].dash, false};
    for (int i = 0; i < fig->band_count; ++i)
        if (has_text(fig->bands[i].label))
            e[n++] = (legend_entry){fig->bands[i].label, band_colour(fig, i), 0.0, PLOT_SOLID, true};
    for (int i = 0, first = n; i < fig->x_marker_count + fig->y_marker_count; ++i) {
        const plot_marker *m =
            i < fig->x_marker_count ? &fig->x_markers[i] : &fig->y_markers[i - fig->x_marker_count];
        const char *text = m->legend ? m->legend : m->label;
        bool seen = !has_text(text);
        for (int k = first; k < n && !seen; ++k) /* markers with one legend text share its entry */
            seen = strcmp(e[k].text, text) == 0;
        if (!seen) e[n++] = (legend_entry){text, marker_colour(m), marker_width(m, s), m->dash, false};
    }
    return n;
}

/* The legend goes to the corner where it (with a margin of 5 px) hides the least (ties: top right, top left,
 * bottom right, bottom left); where every corner hides something, to the free place nearest an edge, if any.
 */
static void legend_draw(cairo_t *cr, const plot_figure *fig, const plot_layout *L, const occupancy *o, font f,
                        const label_spot *spots, int spot_count)
{
    double s = figure_scale(L->width_px, L->height_px), pad = 10 * s, swatch = 34 * s, row = 1.55 * f.size;
    legend_entry *e = malloc(sizeof *e * (size_t)(fig->series_count + fig->band_count + fig->x_marker_count +
                                                  fig->y_marker_count + 1));
    int n = e ? legend_entries(fig, s, e) : 0;
    double text_w = 0.0;
    for (int i = 0; i < n; ++i)
        text_w = fmax(text_w, text_width(cr, f, e[i].text));
    double w = pad + swatch + 8 * s + text_w + pad, h = 1.2 * pad + n * row, in = 10 * s, m = 5 * s;
    double x0 = L->left_px + in, x1 = L->right_px - in - w, y0 = L->top_px + in, y1 = L->bottom_px - in - h;
    const double corner[4][2] = {{x1, y0}, {x0, y0}, {x1, y1}, {x0, y1}};
    double x = x1, y = y0, best = INFINITY;
    for (int c = 0; c < 4 && n > 0; ++c) {
        box b = {corner[c][0] - m, corner[c][1] - m, corner[c][0] + w + m, corner[c][1] + h + m};
        double cost = place_cost(fig, L, o, b, spots, spot_count, NULL);
        bool chosen =
            fig->legend == PLOT_LEGEND_AUTO ? cost < best : (int)fig->legend - PLOT_LEGEND_TOP_RIGHT == c;
        if (chosen) best = cost, x = corner[c][0], y = corner[c][1];
    }
    for (double v = y0; fig->legend == PLOT_LEGEND_AUTO && best > 0.0 && v <= y1; v += CELL)
        for (double u = x0; u <= x1; u += CELL) {
            double edge = fmin(u - x0, x1 - u) + fmin(v - y0, y1 - v);
            box b = {u - m, v - m, u + w + m, v + h + m};
            double cost = place_cost(fig, L, o, b, spots, spot_count, NULL) + 4.0 + 0.01 * edge;
            if (cost < best) best = cost, x = u, y = v;
        }
    if (n > 0) {
        x = round(x) + 0.5, y = round(y) + 0.5;
        cairo_rectangle(cr, x, y, w, h);
        cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
        cairo_fill_preserve(cr);
        stroke_style(cr, (plot_rgba){0.8f, 0.8f, 0.8f, 1}, 1.0, PLOT_SOLID, false);
        cairo_stroke(cr);
    }
    for (int i = 0; i < n; ++i) {
        double cy = y + 0.6 * pad + (i + 0.5) * row, sx = x + pad;
        if (e[i].filled) {
            cairo_rectangle(cr, sx, cy - 0.35 * f.size, swatch, 0.7 * f.size);
            cairo_set_source_rgba(cr, e[i].colour.r, e[i].colour.g, e[i].colour.b, e[i].colour.a);
            cairo_fill(cr);
        } else {
            cairo_move_to(cr, sx, snap(cy, e[i].width));
            cairo_line_to(cr, sx + swatch, snap(cy, e[i].width));
            stroke_style(cr, e[i].colour, e[i].width, e[i].dash, false);
            cairo_stroke(cr);
        }
        text_at(cr, f, e[i].text, sx + swatch + 8 * s, cy, 0.0, 0.5, &ink, false);
    }
    free(e);
}

/* ---- the figure ---- */

static void figure_draw(cairo_t *cr, const plot_figure *fig, const plot_layout *L)
{
    double s = figure_scale(L->width_px, L->height_px), pad = 16 * s, tick = 6 * s, px, py, p;
    font title = {22 * s, true}, label = {17 * s, false}, ticks = {15 * s, false}, small = {14 * s, false};
    double l = L->left_px, r = L->right_px, t = L->top_px, b = L->bottom_px, g = fmax(1.0, round(s));
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);

    cairo_save(cr); /* the data, clipped to the plot area */
    cairo_rectangle(cr, l, t, r - l, b - t);
    cairo_clip(cr);
    bands_draw(cr, fig, L);
    for (int i = 0; i < L->x_ticks.count + L->y_ticks.count; ++i) {
        bool v = i < L->x_ticks.count;
        plot_data_to_pixel(L, v ? L->x_ticks.value[i] : L->x_min,
                           v ? L->y_min : L->y_ticks.value[i - L->x_ticks.count], &px, &py);
        cairo_move_to(cr, v ? snap(px, g) : l, v ? t : snap(py, g));
        cairo_line_to(cr, v ? snap(px, g) : r, v ? b : snap(py, g));
    }
    stroke_style(cr, grid_grey, g, PLOT_SOLID, false);
    cairo_stroke(cr);
    series_draw(cr, fig, L, false);
    for (int k = 0; k < 2; ++k)
        for (int i = 0; i < (k ? fig->y_marker_count : fig->x_marker_count); ++i) {
            const plot_marker *m = k ? &fig->y_markers[i] : &fig->x_markers[i];
            if (!marker_line(L, m, k, &p)) continue;
            cairo_move_to(cr, k ? l : p, k ? p : t);
            cairo_line_to(cr, k ? r : p, k ? p : b);
            stroke_style(cr, marker_colour(m), marker_width(m, s), m->dash, false);
            cairo_stroke(cr);
        }
    cairo_restore(cr);

    /* Axes: the left and bottom edges, ticks outwards, their labels beyond them. */
    cairo_move_to(cr, l - 0.5 * g, t);
    cairo_line_to(cr, l - 0.5 * g, b + 0.5 * g);
    cairo_line_to(cr, r, b + 0.5 * g);
    for (int i = 0; i < L->x_ticks.count; ++i) {
        plot_data_to_pixel(L, L->x_ticks.value[i], L->y_min, &px, &py);
        cairo_move_to(cr, snap(px, g), b + g);
        cairo_line_to(cr, snap(px, g), b + g + tick);
        text_at(cr, ticks, L->x_ticks.label[i], px, b + g + tick + 6 * s, 0.5, 0.0, &axis_grey, false);
    }
    for (int i = 0; i < L->y_ticks.count; ++i) {
        plot_data_to_pixel(L, L->x_min, L->y_ticks.value[i], &px, &py);
        cairo_move_to(cr, l - g, snap(py, g));
        cairo_line_to(cr, l - g - tick, snap(py, g));
        text_at(cr, ticks, L->y_ticks.label[i], l - g - tick - 5 * s, py, 1.0, 0.5, &axis_grey, false);
    }
    stroke_style(cr, axis_grey, g, PLOT_SOLID, false);
    cairo_stroke(cr);
    if (has_text(fig->title)) text_at(cr, title, fig->title, 0.5 * (l + r), pad, 0.5, 0.0, &ink, false);
    if (has_text(fig->x_label))
        text_at(cr, label, fig->x_label, 0.5 * (l + r), L->height_px - pad - 0.25 * label.size, 0.5, 1.0,
                &ink, false);
    if (has_text(fig->y_label)) {
        cairo_save(cr);
        cairo_translate(cr, pad, 0.5 * (t + b));
        cairo_rotate(cr, -0.5 * SMP_PI);
        text_at(cr, label, fig->y_label, 0.0, 0.0, 0.5, 0.0, &ink, false);
        cairo_restore(cr);
    }

    occupancy o = occupancy_make(fig, L);
    label_spot *spots = malloc(sizeof *spots * (size_t)(fig->x_marker_count + fig->y_marker_count + 1));
    int n = spots ? labels_place(cr, fig, L, &o, small, spots) : 0;
    for (int k = 0; k < n; ++k) {
        plot_rgba c = marker_colour(spots[k].m);
        text_at(cr, small, spots[k].m->label, spots[k].x, spots[k].y, spots[k].ax, spots[k].ay, &c, true);
    }
    if (fig->legend != PLOT_LEGEND_NONE) legend_draw(cr, fig, L, &o, ticks, spots, n);
    free(spots);
    free(o.sum);
}

/* ---- output ---- */

/* Lays out and draws into a new image surface the caller destroys. */
static smp_status surface_draw(const plot_figure *fig, cairo_surface_t **out, smp_error *err)
{
    plot_layout L;
    smp_status st = plot_layout_get(fig, &L, err);
    if (st != SMP_OK) return st;
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, L.width_px, L.height_px);
    cairo_t *cr = cairo_create(surface);
    if (cairo_status(cr) == CAIRO_STATUS_SUCCESS) figure_draw(cr, fig, &L);
    cairo_surface_flush(surface);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        st = smp_error_set(err, SMP_ERR_NOMEM, "plot: cannot draw the %dx%d figure: %s", L.width_px,
                           L.height_px, cairo_status_to_string(cairo_status(cr)));
    cairo_destroy(cr);
    if (st != SMP_OK) cairo_surface_destroy(surface);
    *out = st == SMP_OK ? surface : NULL;
    return st;
}

smp_status plot_render_rgba(const plot_figure *fig, uint8_t **rgba_out, int *width_px, int *height_px,
                            smp_error *err)
{
    assert(rgba_out && width_px && height_px);
    *rgba_out = NULL;
    cairo_surface_t *surface;
    smp_status st = surface_draw(fig, &surface, err);
    if (st != SMP_OK) return st;
    int w = cairo_image_surface_get_width(surface), h = cairo_image_surface_get_height(surface);
    int stride = cairo_image_surface_get_stride(surface);
    const unsigned char *data = cairo_image_surface_get_data(surface);
    uint8_t *rgba = malloc((size_t)w * (size_t)h * 4);
    /* Cairo's ARGB32 is one native-endian word per pixel; the figure is opaque, so nothing is premultiplied.
     */
    for (int y = 0; rgba && y < h; ++y)
        for (int x = 0; x < w; ++x) {
            uint32_t v;
            memcpy(&v, data + (size_t)y * (size_t)stride + 4 * (size_t)x, 4);
            uint8_t *o = rgba + 4 * ((size_t)y * (size_t)w + (size_t)x);
            o[0] = (uint8_t)(v >> 16), o[1] = (uint8_t)(v >> 8), o[2] = (uint8_t)v, o[3] = (uint8_t)(v >> 24);
        }
    cairo_surface_destroy(surface);
    if (!rgba) return smp_error_set(err, SMP_ERR_NOMEM, "plot: out of memory for a %dx%d image", w, h);
    *rgba_out = rgba, *width_px = w, *height_px = h;
    return SMP_OK;
}

static cairo_status_t png_collect(void *user, const unsigned char *data, unsigned int length)
{
    smp_buffer *b = user;
    smp_buffer_append(b, data, length);
    return b->failed ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

smp_status plot_write_png(const plot_figure *fig, const char *path, smp_error *err)
{
    if (!has_text(path)) REFUSE("no output path for the PNG");
    cairo_surface_t *surface;
    smp_status st = surface_draw(fig, &surface, err);
    if (st != SMP_OK) return st;
    /* Encoded in memory, then written by core's atomic writer: a failure leaves no file behind. */
    smp_buffer b = {0};
    cairo_status_t cs = cairo_surface_write_to_png_stream(surface, png_collect, &b);
    cairo_surface_destroy(surface);
    if (cs != CAIRO_STATUS_SUCCESS)
        st = smp_error_set(err, SMP_ERR_NOMEM, "%s: cannot encode the PNG: %s", path,
                           cairo_status_to_string(cs));
    else
        st = smp_file_write_atomic(path, b.data, b.size, err);
    smp_buffer_deinit(&b);
    return st;
}
