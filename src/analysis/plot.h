/* analysis/plot: 2-D line plots drawn into memory or a PNG file, for the report commands (smpsim fade:
 * contrast against years; smpsim visibility: contrast against viewing angle, one line per distance). A figure
 * is a plain description built with designated initialisers, 0 meaning "default" everywhere: lines (series),
 * shaded ranges (bands), vertical or horizontal marker lines with short labels, a title and axis labels with
 * their units ("time (years)"). It is drawn in a fixed order: bands, grid, series, markers, axes and text,
 * marker labels, legend. Ticks fall on 1-2-5 steps; the legend and the labels of horizontal markers go where
 * they hide the least data. Sizes (line widths, text) are pixels of a 1200 x 700 figure and scale with the
 * figure (by 0.75..4), so a larger image is the same plot at a higher resolution. Drawn with cairo; text
 * through its toy API in DejaVu Sans (fonts-dejavu-core). Plain C: no GL, no SDL, no printing. No globals:
 * each call draws on its own surface, so threads may plot at once. Cost (1200 x 700): about 20 ms into
 * memory, 75 ms to a PNG (zlib).
 *
 *     const double years[] = {0, 1, 2, 3}, de[] = {9.1, 7.4, 6.0, 4.9};
 *     plot_series line = {.label = "contrast", .x = years, .y = de, .count = 4};
 *     plot_marker jnd = {.value = 1.0, .label = "just noticeable", .dash = PLOT_DASHED};
 *     plot_figure fig = {.title = "Fade", .x_label = "time (years)", .y_label = "ΔE00",
 *                        .series = &line, .series_count = 1, .y_markers = &jnd, .y_marker_count = 1};
 *     if (plot_write_png(&fig, "fade.png", &err) != SMP_OK) report(err.message);
 */
#ifndef SMP_ANALYSIS_PLOT_H
#define SMP_ANALYSIS_PLOT_H

#include "core/core.h"

/* Straight (not premultiplied) sRGB colour, each 0..1. a == 0 means "the default colour" wherever a colour is
 * asked for: a plot never draws anything invisible on purpose. */
typedef struct plot_rgba {
    float r, g, b, a;
} plot_rgba;

typedef enum plot_dash { PLOT_SOLID = 0, PLOT_DASHED, PLOT_DOTTED } plot_dash;

/* Where the legend goes, inside the plot area on a translucent white background. AUTO: the corner where it
 * hides the least (ties: top right first); where every corner hides some data, the free place nearest an edge
 * if there is one. It avoids marker labels wherever another place would do. */
typedef enum plot_legend {
    PLOT_LEGEND_AUTO = 0,
    PLOT_LEGEND_NONE,
    PLOT_LEGEND_TOP_RIGHT,
    PLOT_LEGEND_TOP_LEFT,
    PLOT_LEGEND_BOTTOM_RIGHT,
    PLOT_LEGEND_BOTTOM_LEFT,
} plot_legend;

/* A line through (x[i], y[i]), i < count, in data units. A point with a non-finite coordinate leaves a gap; a
 * point alone between gaps is drawn as a dot. count 0 draws nothing (the label still gets a legend entry). */
typedef struct plot_series {
    const char *label;   /* legend text; NULL or "": no entry */
    const double *x, *y; /* count values each, the caller's storage */
    int count;
    plot_rgba color; /* a == 0: colour (index % 10) of matplotlib's ten-colour palette */
    float width_px;  /* 0: 2.5; at most 100 */
    plot_dash dash;
} plot_series;

/* A shaded range: the area between low[i] and high[i] over x[i], drawn under everything else. A point with a
 * non-finite value splits it, like a gap in a series. */
typedef struct plot_band {
    const char *label;            /* legend text; NULL or "": no entry */
    const double *x, *low, *high; /* count values each */
    int count;
    plot_rgba color; /* a == 0: the palette colour of the band's index at a = 0.2 */
} plot_band;

/* A vertical line at x = value (x_markers) or a horizontal one at y = value (y_markers), across the plot
 * area, with its label beside it, in its colour. Vertical markers' labels go right of the line and of any
 * marker line they would cross, in the first row under the top edge where they touch no other label (so a
 * cluster of sessions gets a column of labels); horizontal markers' labels go above the line (else below), at
 * its right end or where along it they hide the least. */
typedef struct plot_marker {
    double value;       /* data units; must be finite */
    const char *label;  /* short text beside the line ("S1", "touch-up advised"); NULL or "": none */
    const char *legend; /* legend text ("session"); NULL: the label; "": none; equal texts share one entry */
    plot_rgba color;    /* a == 0: dark grey */
    float width_px;     /* 0: 1.5; at most 100; a whole number of pixels is snapped to the pixel grid */
    plot_dash dash;
} plot_marker;

/* One figure; everything is read during the call only. Where an axis' min == max (both 0 by default) its
 * limits are automatic: x spans the data (series, bands, x markers) exactly; y spans the data, the y markers
 * and 0, with 5% headroom, out to the next tick; no data at all gives 0..1. */
typedef struct plot_figure {
    const char *title, *x_label, *y_label; /* NULL or "": none */
    double x_min, x_max, y_min, y_max;     /* data units, finite, min <= max */
    int width_px, height_px;               /* 0: 1200 x 700; otherwise 64..8192 each */
    const plot_series *series;
    int series_count;
    const plot_band *bands;
    int band_count;
    const plot_marker *x_markers; /* vertical lines: sessions, touch-ups */
    int x_marker_count;
    const plot_marker *y_markers; /* horizontal lines: thresholds */
    int y_marker_count;
    plot_legend legend;
} plot_figure;

/* Ticks of one axis: values on a 1-2-5 step inside the limits and their labels, with as many decimals as the
 * step needs ("0.5", "2", never "2.000000"; past 6 decimals or 1e7, three significant digits "1e-09"), a real
 * minus sign (U+2212) and no "-0". */
#define PLOT_MAX_TICKS 24
typedef struct plot_ticks {
    int count;
    double step;
    double value[PLOT_MAX_TICKS];
    char label[PLOT_MAX_TICKS][24]; /* UTF-8 */
} plot_ticks;

/* Where a figure's parts fall on the image: the resolved limits and the plot area, whose left edge is x_min
 * and bottom edge y_min. Pixel (i, j) covers [i, i+1) x [j, j+1), rows top first, as in analysis.h. */
typedef struct plot_layout {
    int width_px, height_px;
    int left_px, top_px, right_px, bottom_px; /* plot area edges; the axes lie just outside */
    double x_min, x_max, y_min, y_max;        /* the limits after automatic ranging; min < max */
    plot_ticks x_ticks, y_ticks;
} plot_layout;

/* Nice ticks for [min, max] (finite, min < max): about target_count of them (clamped to 2..PLOT_MAX_TICKS),
 * on a step of 1, 2 or 5 times a power of ten (Heckbert, "Nice numbers for graph labels", Graphics Gems,
 * 1990). */
void plot_ticks_get(double min, double max, int target_count, plot_ticks *out);

/* Checks the figure and lays it out. SMP_ERR_INPUT with one line naming the field ("plot: series[1].count:
 * must be >= 0 (got -1)") for: a NULL figure, a count < 0 or a NULL array with count > 0, non-finite or
 * reversed limits, a size outside 64..8192, a non-finite marker value, a colour component outside 0..1, a
 * width outside 0..100. */
smp_status plot_layout_get(const plot_figure *fig, plot_layout *out, smp_error *err);

/* The mapping the drawing uses: data (x, y) -> pixel coordinates (px, py), clamped to +-1e6 px; true when the
 * point lies inside the plot area (edges included). Non-finite input gives false and leaves px, py unwritten.
 */
bool plot_data_to_pixel(const plot_layout *layout, double x, double y, double *px, double *py);

/* Draws the figure into a new sRGB8 RGBA image (rows of width * 4 bytes, top row first, opaque) that the
 * caller frees with free(). Errors as plot_layout_get's, or SMP_ERR_NOMEM. */
smp_status plot_render_rgba(const plot_figure *fig, uint8_t **rgba_out, int *width_px, int *height_px,
                            smp_error *err);

/* Draws the figure into a PNG file, atomically (a temporary file beside it, then rename: no half-written file
 * stays). SMP_ERR_INPUT for a NULL or empty path or a bad figure; SMP_ERR_IO naming the path when it cannot
 * be written. */
smp_status plot_write_png(const plot_figure *fig, const char *path, smp_error *err);

#endif
