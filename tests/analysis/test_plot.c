/* Plots: properties of the drawn image, not pixel goldens. A line's colour lies where plot_data_to_pixel puts
 * its points and nowhere across a NaN gap; a band fills between its edges only; a horizontal marker covers
 * rows as many as its width; text darkens the title and axis-label margins; automatic limits hold the data;
 * the legend hides no line; marker labels are staggered; bad input is refused with one line; a PNG reads back
 * as the image; four threads draw at once. With SMP_PLOT_EXAMPLE_DIR set, the two example figures (fade,
 * visibility) are written there to look at. */
#include "test_util.h"

#include "analysis/plot.h"

#include <stb_image.h>

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- image helpers ---- */

typedef struct image {
    uint8_t *rgba;
    int w, h;
    plot_layout L;
} image;

static image render(const plot_figure *fig)
{
    image im;
    smp_error err = {0};
    if (plot_render_rgba(fig, &im.rgba, &im.w, &im.h, &err) != SMP_OK) fail_msg("render: %s", err.message);
    if (plot_layout_get(fig, &im.L, &err) != SMP_OK) fail_msg("layout: %s", err.message);
    assert_int_equal(im.w, im.L.width_px);
    assert_int_equal(im.h, im.L.height_px);
    return im;
}

static const uint8_t *pixel(const image *im, int x, int y)
{
    return im->rgba + 4 * ((size_t)y * (size_t)im->w + (size_t)x);
}

/* The 8-bit value cairo draws a 0..1 channel with, alpha-blended over white. */
static int over_white(float c, float a)
{
    return (int)lround(255.0 * (1.0 - a) + 255.0 * c * a);
}

static bool pixel_is(const image *im, int x, int y, plot_rgba c, int tolerance)
{
    if (x < 0 || y < 0 || x >= im->w || y >= im->h) return false;
    const uint8_t *p = pixel(im, x, y);
    return abs(p[0] - over_white(c.r, c.a)) <= tolerance && abs(p[1] - over_white(c.g, c.a)) <= tolerance &&
           abs(p[2] - over_white(c.b, c.a)) <= tolerance;
}

/* Whether colour c appears within radius pixels of the pixel holding (px, py). */
static bool colour_near(const image *im, double px, double py, int radius, plot_rgba c, int tolerance)
{
    int cx = (int)floor(px), cy = (int)floor(py);
    for (int y = cy - radius; y <= cy + radius; ++y)
        for (int x = cx - radius; x <= cx + radius; ++x)
            if (pixel_is(im, x, y, c, tolerance)) return true;
    return false;
}

static bool colour_near_data(const image *im, double x, double y, int radius, plot_rgba c, int tolerance)
{
    double px, py;
    assert_true(plot_data_to_pixel(&im->L, x, y, &px, &py));
    return colour_near(im, px, py, radius, c, tolerance);
}

static int dark_pixels(const image *im, int x0, int y0, int x1, int y1, double *mean_x)
{
    int n = 0;
    double sx = 0.0;
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) {
            const uint8_t *p = pixel(im, x, y);
            if (p[0] < 110 && p[1] < 110 && p[2] < 110) ++n, sx += x + 0.5;
        }
    if (mean_x) *mean_x = n ? sx / n : 0.0;
    return n;
}

/* ---- the example figures ---- */

#define FADE_N 121
static double fade_years[FADE_N], fade_de[FADE_N], fade_low[FADE_N], fade_high[FADE_N];

/* smpsim fade's figure: contrast against years, its uncertainty, three sessions a month apart, a touch-up,
 * the visibility threshold and the year a touch-up is advised. */
static plot_figure fade_figure(void)
{
    for (int i = 0; i < FADE_N; ++i) {
        double t = i / 12.0, since = t < 4.0 ? t : t - 4.0, start = t < 4.0 ? 6.5 : 5.8;
        fade_years[i] = t;
        fade_de[i] = 0.9 + start * exp(-since / 3.2) * (t < 0.17 ? 0.6 + 2.4 * t : 1.0);
        fade_low[i] = fade_de[i] * (1.0 - 0.05 - 0.02 * t);
        fade_high[i] = fade_de[i] * (1.0 + 0.05 + 0.025 * t);
    }
    static plot_series line;
    static plot_band band;
    static plot_marker x_markers[5], y_markers[1];
    line = (plot_series){.label = "contrast (median)", .x = fade_years, .y = fade_de, .count = FADE_N};
    band = (plot_band){.label = "10th–90th percentile",
                       .x = fade_years,
                       .low = fade_low,
                       .high = fade_high,
                       .count = FADE_N};
    const plot_rgba session = {0.35f, 0.35f, 0.35f, 1}, advice = {0.84f, 0.15f, 0.16f, 1};
    x_markers[0] = (plot_marker){.value = 0.0, .label = "S1", .legend = "session", .color = session};
    x_markers[1] = (plot_marker){.value = 0.08, .label = "S2", .legend = "session", .color = session};
    x_markers[2] = (plot_marker){.value = 0.17, .label = "S3", .legend = "session", .color = session};
    x_markers[3] = (plot_marker){.value = 4.0, .label = "touch-up", .legend = "session", .color = session};
    x_markers[4] =
        (plot_marker){.value = 7.6, .label = "touch-up advised", .color = advice, .dash = PLOT_DASHED};
    y_markers[0] = (plot_marker){.value = 2.5,
                                 .label = "visibility threshold ΔE₀₀ = 2.5",
                                 .color = advice,
                                 .dash = PLOT_DASHED,
                                 .legend = ""};
    return (plot_figure){.title = "Fade of a Fitzpatrick III scalp, 0.6 mm dots",
                         .x_label = "time since the first session (years)",
                         .y_label = "dot contrast against skin (ΔE₀₀)",
                         .series = &line,
                         .series_count = 1,
                         .bands = &band,
                         .band_count = 1,
                         .x_markers = x_markers,
                         .x_marker_count = 5,
                         .y_markers = y_markers,
                         .y_marker_count = 1};
}

#define VIS_N 18
#define VIS_LINES 6
static double vis_angle[VIS_N], vis_de[VIS_LINES][VIS_N];

/* smpsim visibility's figure: contrast against viewing angle, one line per distance, healed (solid) and after
 * five years (dashed), against the just-noticeable difference. */
static plot_figure visibility_figure(void)
{
    static plot_series lines[VIS_LINES];
    static plot_marker jnd;
    static const char *labels[VIS_LINES] = {"0.5 m, healed",  "1 m, healed",  "2 m, healed",
                                            "0.5 m, 5 years", "1 m, 5 years", "2 m, 5 years"};
    const double distance[3] = {0.5, 1.0, 2.0};
    for (int j = 0; j < VIS_N; ++j)
        vis_angle[j] = 5.0 + 5.0 * j;
    for (int k = 0; k < VIS_LINES; ++k) {
        for (int j = 0; j < VIS_N; ++j)
            vis_de[k][j] =
                (k < 3 ? 6.0 : 3.6) * sin(vis_angle[j] * SMP_PI / 180.0) / sqrt(distance[k % 3]) + 0.3;
        lines[k] = (plot_series){.label = labels[k],
                                 .x = vis_angle,
                                 .y = vis_de[k],
                                 .count = VIS_N,
                                 .color = (plot_rgba){0},
                                 .dash = k < 3 ? PLOT_SOLID : PLOT_DASHED};
    }
    /* The same colour for a distance in both states. */
    const plot_rgba colours[3] = {{0.12f, 0.47f, 0.71f, 1}, {1.0f, 0.5f, 0.05f, 1}, {0.17f, 0.63f, 0.17f, 1}};
    for (int k = 0; k < VIS_LINES; ++k)
        lines[k].color = colours[k % 3];
    jnd = (plot_marker){.value = 1.0, .label = "just noticeable (ΔE₀₀ = 1)", .dash = PLOT_DASHED};
    return (plot_figure){.title = "Visibility of the dots by viewing distance",
                         .x_label = "viewing angle above the scalp (degrees)",
                         .y_label = "dot contrast against skin (ΔE₀₀)",
                         .x_min = 5,
                         .x_max = 90,
                         .series = lines,
                         .series_count = VIS_LINES,
                         .y_markers = &jnd,
                         .y_marker_count = 1};
}

/* ---- tests ---- */

static const plot_rgba blue = {0.1f, 0.3f, 0.9f, 1}, red = {1, 0, 0, 1}, green = {0, 0.6f, 0, 1};

static void series_should_be_drawn_at_the_pixels_of_its_points(void **state)
{
    (void)state;
    const double x[6] = {0.0, 1.5, 2.0, 4.5, 7.0, 10.0}, y[6] = {3.0, 8.5, 1.0, 6.0, 9.5, 2.0};
    plot_series s = {.label = "line", .x = x, .y = y, .count = 6, .color = blue};
    plot_figure fig = {.series = &s, .series_count = 1, .legend = PLOT_LEGEND_NONE};
    image im = render(&fig);
    for (int i = 0; i < 6; ++i)
        if (!colour_near_data(&im, x[i], y[i], 2, blue, 12))
            fail_msg("point %d (%g, %g) not drawn", i, x[i], y[i]);
    /* and between the points, on the segment */
    assert_true(colour_near_data(&im, 0.75, 5.75, 2, blue, 12));
    assert_true(colour_near_data(&im, 8.5, 5.75, 2, blue, 12));
    /* and not far from it */
    assert_false(colour_near_data(&im, 8.0, 1.0, 4, blue, 60));
    free(im.rgba);
}

static void corners_of_the_limits_should_map_to_the_plot_area(void **state)
{
    (void)state;
    plot_figure fig = {.x_min = -2, .x_max = 3, .y_min = 10, .y_max = 20, .width_px = 800, .height_px = 400};
    plot_layout L;
    smp_error err = {0};
    assert_int_equal(plot_layout_get(&fig, &L, &err), SMP_OK);
    double px, py;
    assert_true(plot_data_to_pixel(&L, -2, 10, &px, &py));
    assert_near(px, L.left_px, 1e-9);
    assert_near(py, L.bottom_px, 1e-9);
    assert_true(plot_data_to_pixel(&L, 3, 20, &px, &py));
    assert_near(px, L.right_px, 1e-9);
    assert_near(py, L.top_px, 1e-9);
    assert_false(plot_data_to_pixel(&L, 3.1, 15, &px, &py));
    assert_false(plot_data_to_pixel(&L, NAN, 15, &px, &py));
    assert_true(L.left_px > 0 && L.right_px < 800 && L.top_px > 0 && L.bottom_px < 400);
    assert_true(L.right_px - L.left_px > 400 && L.bottom_px - L.top_px > 200);
}

/* Over white, the band's colour at alpha a is white * (1 - a) + colour * a; it lies midway between the edges
 * and not a few pixels beyond them. */
static void band_should_fill_between_low_and_high_only(void **state)
{
    (void)state;
    double x[11], lo[11], hi[11];
    for (int i = 0; i < 11; ++i)
        x[i] = i, lo[i] = 2.0 + 0.1 * i, hi[i] = 5.0 + 0.3 * i;
    const plot_rgba c = {0.9f, 0.2f, 0.2f, 0.3f};
    plot_band b = {.x = x, .low = lo, .high = hi, .count = 11, .color = c};
    plot_figure fig = {.bands = &b, .band_count = 1, .y_min = 0, .y_max = 10, .legend = PLOT_LEGEND_NONE};
    image im = render(&fig);
    double px, py_lo, py_hi;
    for (double t = 0.25; t < 10.0; t += 0.5) {
        double low = 2.0 + 0.1 * t, high = 5.0 + 0.3 * t;
        if (!colour_near_data(&im, t, 0.5 * (low + high), 2, c, 3)) fail_msg("band missing at x = %g", t);
        plot_data_to_pixel(&im.L, t, low, &px, &py_lo);
        plot_data_to_pixel(&im.L, t, high, &px, &py_hi);
        /* every pixel from 3 px beyond an edge to 40 px beyond it is free of the band's colour */
        for (int d = 3; d < 40; ++d) {
            assert_false(pixel_is(&im, (int)px, (int)py_lo + d, c, 3));
            assert_false(pixel_is(&im, (int)px, (int)py_hi - d, c, 3));
        }
    }
    free(im.rgba);
}

/* A horizontal marker of a whole number of pixels' width covers exactly that many full rows, at its value. */
static void threshold_should_lie_on_rows_as_many_as_its_width(void **state)
{
    (void)state;
    for (int width = 1; width <= 3; ++width) {
        plot_marker m = {.value = 3.3, .color = red, .width_px = (float)width, .dash = PLOT_DASHED};
        plot_figure fig = {
            .y_min = 0, .y_max = 10, .x_min = 0, .x_max = 1, .y_markers = &m, .y_marker_count = 1};
        image im = render(&fig);
        int first = -1, last = -1, covered = 0;
        for (int y = 0; y < im.h; ++y) {
            int n = 0;
            for (int x = 0; x < im.w; ++x)
                n += pixel_is(&im, x, y, red, 8);
            if (n == 0) continue;
            if (first < 0) first = y;
            last = y, covered = n > covered ? n : covered;
        }
        assert_int_equal(last - first + 1, width);
        double px, py;
        plot_data_to_pixel(&im.L, 0.5, 3.3, &px, &py);
        assert_in_range_d(py, first - 1, last + 2);
        /* dashed: most of the plot area's width, not all of it */
        int area = im.L.right_px - im.L.left_px;
        assert_in_range_d(covered, 0.4 * area, 0.85 * area);
        free(im.rgba);
    }
}

static void title_and_axis_labels_should_draw_text(void **state)
{
    (void)state;
    const double x[2] = {0, 1}, y[2] = {0, 1};
    plot_series s = {.x = x, .y = y, .count = 2};
    plot_figure fig = {
        .title = "A title", .x_label = "x (mm)", .y_label = "y (mm)", .series = &s, .series_count = 1};
    image im = render(&fig);
    double mean_x;
    int title = dark_pixels(&im, 0, 0, im.w, im.L.top_px - 10, &mean_x);
    assert_true(title > 100);
    assert_near(mean_x, 0.5 * (im.L.left_px + im.L.right_px), 0.05 * im.w); /* centred over the plot */
    assert_true(dark_pixels(&im, 0, im.L.bottom_px + 38, im.w, im.h, NULL) > 50);
    assert_true(dark_pixels(&im, 0, im.L.top_px, 40, im.L.bottom_px, NULL) > 50);
    /* tick labels left of the axis and under it */
    assert_true(dark_pixels(&im, 40, im.L.top_px, im.L.left_px - 2, im.L.bottom_px, NULL) > 50);
    assert_true(dark_pixels(&im, im.L.left_px, im.L.bottom_px + 4, im.L.right_px, im.L.bottom_px + 34, NULL) >
                50);
    free(im.rgba);

    fig.title = NULL;
    im = render(&fig);
    assert_int_equal(dark_pixels(&im, 0, 0, im.w, im.L.top_px - 10, NULL), 0);
    free(im.rgba);
}

static void automatic_limits_should_contain_the_data(void **state)
{
    (void)state;
    const double x[4] = {-3.0, 2.0, 9.0, 17.0}, y[4] = {0.3, 42.0, 7.0, 11.0};
    const double bx[2] = {0.0, 5.0}, lo[2] = {1.0, 2.0}, hi[2] = {44.0, 50.0};
    plot_series s = {.x = x, .y = y, .count = 4};
    plot_band b = {.x = bx, .low = lo, .high = hi, .count = 2};
    plot_marker xm = {.value = 20.0}, ym = {.value = 55.0};
    plot_figure fig = {.series = &s,
                       .series_count = 1,
                       .bands = &b,
                       .band_count = 1,
                       .x_markers = &xm,
                       .x_marker_count = 1,
                       .y_markers = &ym,
                       .y_marker_count = 1};
    plot_layout L;
    smp_error err = {0};
    assert_int_equal(plot_layout_get(&fig, &L, &err), SMP_OK);
    assert_near(L.x_min, -3.0, 0.0); /* x spans the data exactly */
    assert_near(L.x_max, 20.0, 0.0);
    assert_near(L.y_min, 0.0, 0.0); /* y from 0 */
    assert_true(L.y_max >= 55.0 && L.y_max <= 80.0);
    assert_near(remainder(L.y_max, L.y_ticks.step), 0.0, 1e-9 * L.y_max); /* out to a tick */
    for (int i = 0; i < 4; ++i) {
        double px, py;
        assert_true(plot_data_to_pixel(&L, x[i], y[i], &px, &py));
    }
    /* all-negative data: y up to 0; one x value: a unit around it; no data at all: 0..1 */
    const double neg[2] = {-5.0, -2.0}, one_x[2] = {4.0, 4.0};
    s = (plot_series){.x = one_x, .y = neg, .count = 2};
    fig = (plot_figure){.series = &s, .series_count = 1};
    assert_int_equal(plot_layout_get(&fig, &L, &err), SMP_OK);
    assert_true(L.y_min <= -5.0 && L.y_max == 0.0);
    assert_true(L.x_min < 4.0 && L.x_max > 4.0);
    fig = (plot_figure){0};
    assert_int_equal(plot_layout_get(&fig, &L, &err), SMP_OK);
    assert_true(L.x_min == 0.0 && L.x_max == 1.0 && L.y_min == 0.0 && L.y_max == 1.0);
}

static void ticks_should_be_nice_numbers_with_just_enough_decimals(void **state)
{
    (void)state;
    plot_ticks t;
    plot_ticks_get(0.0, 10.0, 6, &t);
    assert_int_equal(t.count, 6);
    assert_string_equal(t.label[0], "0");
    assert_string_equal(t.label[1], "2");
    assert_string_equal(t.label[5], "10");
    plot_ticks_get(-1.0, 1.0, 5, &t);
    assert_int_equal(t.count, 5);
    assert_string_equal(t.label[0], "\xe2\x88\x92"
                                    "1.0"); /* a real minus sign */
    assert_string_equal(t.label[2], "0.0"); /* no "-0.0" */
    assert_string_equal(t.label[3], "0.5");
    plot_ticks_get(5.0, 90.0, 9, &t);
    assert_string_equal(t.label[0], "10");
    assert_string_equal(t.label[t.count - 1], "90");
    plot_ticks_get(0.0, 0.003, 7, &t);
    assert_string_equal(t.label[1], "0.001");
    for (int i = 1; i < t.count; ++i)
        assert_near(t.value[i] - t.value[i - 1], t.step, 1e-15);
    plot_ticks_get(0.0, 1e-9, 3, &t); /* past six decimals: three significant digits */
    assert_string_equal(t.label[t.count - 1], "1e-09");
    plot_ticks_get(0.121, 0.132, 2, &t); /* Heckbert's step (0.02) holds no tick here: a finer one */
    assert_true(t.count >= 2);
    assert_in_range_d(t.value[0], 0.121, 0.132);
    assert_in_range_d(t.value[t.count - 1], 0.121, 0.132);
}

/* Data at the ends of the double range, an axis around 1e20 where a tick step is a few ulps, a label wider
 * than the plot: the figure still lays out and draws (and terminates). */
static void extreme_values_should_still_plot(void **state)
{
    (void)state;
    const double x[3] = {-1.7e308, 0.0, 1.7e308}, y[3] = {1.7e308, NAN, -1.7e308};
    plot_series s = {.x = x, .y = y, .count = 3};
    plot_figure fig = {.series = &s, .series_count = 1, .width_px = 200, .height_px = 120};
    image im = render(&fig);
    assert_true(isfinite(im.L.y_max - im.L.y_min) && isfinite(im.L.x_max - im.L.x_min));
    free(im.rgba);
    /* a label wider than the plot area, and an axis around 1e20 */
    plot_marker m = {.value = 0.5, .label = "a threshold label far wider than this small plot area"};
    fig = (plot_figure){.x_min = 1e20,
                        .x_max = 1e20 + 1e5,
                        .width_px = 200,
                        .height_px = 120,
                        .y_markers = &m,
                        .y_marker_count = 1};
    im = render(&fig);
    assert_true(im.L.x_ticks.count >= 1);
    free(im.rgba);
}

/* y = 1, 2, NaN, 4, 5 at x = 0..4: nothing joins (1, 2) to (3, 4), so the middle (2, 3) stays clear; a point
 * alone between two gaps is a dot. */
static void nan_should_leave_a_gap_between_its_neighbours(void **state)
{
    (void)state;
    const double x[5] = {0, 1, 2, 3, 4}, y[5] = {1, 2, NAN, 4, 5}, y_dot[5] = {1, NAN, 3, NAN, 5};
    plot_series s[2] = {{.x = x, .y = y, .count = 5, .color = blue},
                        {.x = x, .y = y_dot, .count = 5, .color = green}};
    plot_figure fig = {.series = s, .series_count = 2, .y_min = 0, .y_max = 6, .legend = PLOT_LEGEND_NONE};
    image im = render(&fig);
    assert_true(colour_near_data(&im, 0.5, 1.5, 2, blue, 12));
    assert_true(colour_near_data(&im, 3.5, 4.5, 2, blue, 12));
    assert_false(colour_near_data(&im, 2.0, 3.0, 6, blue, 60));
    assert_false(colour_near_data(&im, 1.5, 2.5, 6, blue, 60));
    assert_true(colour_near_data(&im, 2.0, 3.0, 1, green, 12));  /* the lone point */
    assert_false(colour_near_data(&im, 1.0, 2.0, 6, green, 60)); /* and nothing joins it */
    free(im.rgba);
}

static void empty_series_should_draw_and_keep_its_legend_entry(void **state)
{
    (void)state;
    plot_series s = {.label = "nothing yet", .count = 0};
    plot_figure fig = {.series = &s, .series_count = 1, .title = "empty"};
    image im = render(&fig);
    /* the legend text: dark pixels inside the plot area, at the top right */
    int mid = (im.L.left_px + im.L.right_px) / 2;
    assert_true(dark_pixels(&im, mid, im.L.top_px + 2, im.L.right_px - 2, im.L.top_px + 60, NULL) > 20);
    free(im.rgba);
}

/* A legend over a line would wash it out behind its translucent background: with lines through all four
 * corners, it must find the one place (the top middle) where every point of both lines stays in colour. */
static void legend_should_hide_no_line(void **state)
{
    (void)state;
    const double x[2] = {0, 10}, up[2] = {0, 10}, down[2] = {10, 0};
    plot_series s[2] = {{.label = "rising", .x = x, .y = up, .count = 2, .color = blue},
                        {.label = "falling", .x = x, .y = down, .count = 2, .color = green}};
    plot_figure fig = {.series = s, .series_count = 2, .y_min = 0, .y_max = 10};
    image im = render(&fig);
    for (double t = 0.0; t <= 10.0; t += 0.1) {
        if (!colour_near_data(&im, t, t, 2, blue, 12)) fail_msg("rising line hidden at x = %g", t);
        if (!colour_near_data(&im, t, 10.0 - t, 2, green, 12)) fail_msg("falling line hidden at x = %g", t);
    }
    free(im.rgba);
}

/* Three vertical markers a few pixels apart: their labels fall into three separate rows of text (rows where
 * the image differs from the same figure without labels, runs of them apart by more than 2 px). */
static void marker_labels_should_be_staggered(void **state)
{
    (void)state;
    plot_marker m[3] = {{.value = 1.0, .label = "S1", .color = green},
                        {.value = 1.05, .label = "S2", .color = green},
                        {.value = 1.1, .label = "S3", .color = green}};
    plot_figure fig = {
        .x_min = 0, .x_max = 10, .x_markers = m, .x_marker_count = 3, .legend = PLOT_LEGEND_NONE};
    image with = render(&fig);
    for (int i = 0; i < 3; ++i)
        m[i].label = NULL;
    image without = render(&fig);
    int runs = 0, last = -10;
    for (int y = 0; y < with.h; ++y) {
        bool differs = memcmp(pixel(&with, 0, y), pixel(&without, 0, y), 4 * (size_t)with.w) != 0;
        if (differs && y > last + 3) ++runs;
        if (differs) last = y;
    }
    assert_int_equal(runs, 3);
    free(with.rgba);
    free(without.rgba);
}

static void expect_refused(const plot_figure *fig, const char *field)
{
    smp_error err = {0};
    uint8_t *rgba = (uint8_t *)"";
    int w = -1, h = -1;
    assert_int_equal(plot_render_rgba(fig, &rgba, &w, &h, &err), SMP_ERR_INPUT);
    assert_null(rgba);
    if (strncmp(err.message, "plot: ", 6) != 0 || !strstr(err.message, field) || strchr(err.message, '\n'))
        fail_msg("message \"%s\" should be one line naming %s", err.message, field);
    plot_layout L;
    assert_int_equal(plot_layout_get(fig, &L, &err), SMP_ERR_INPUT);
    assert_int_equal(plot_write_png(fig, "/tmp/never-written.png", &err), SMP_ERR_INPUT);
}

static void bad_input_should_be_refused_with_one_line(void **state)
{
    (void)state;
    const double x[3] = {0, 1, 2};
    plot_series good = {.x = x, .y = x, .count = 3};
    plot_figure base = {.series = &good, .series_count = 1}, f;
    expect_refused(NULL, "no figure");
    plot_series s = good;
    s.count = -1;
    f = base, f.series = &s, expect_refused(&f, "series[0].count");
    s = good, s.y = NULL;
    f = base, f.series = &s, expect_refused(&f, "series[0]");
    s = good, s.color = (plot_rgba){1.5f, 0, 0, 1};
    f = base, f.series = &s, expect_refused(&f, "series[0].color");
    s = good, s.width_px = -2.0f;
    f = base, f.series = &s, expect_refused(&f, "series[0].width_px");
    f = base, f.series_count = -2, expect_refused(&f, "series count");
    f = base, f.series = NULL, expect_refused(&f, "series");
    f = base, f.x_min = 3, f.x_max = 1, expect_refused(&f, "x_min");
    f = base, f.y_max = NAN, expect_refused(&f, "y limits");
    f = base, f.x_min = -INFINITY, expect_refused(&f, "x limits");
    f = base, f.width_px = 63, expect_refused(&f, "width_px");
    f = base, f.width_px = 8193, expect_refused(&f, "width_px");
    f = base, f.height_px = -1, expect_refused(&f, "height_px");
    plot_band b = {.x = x, .low = x, .high = NULL, .count = 3};
    f = base, f.bands = &b, f.band_count = 1, expect_refused(&f, "bands[0]");
    plot_marker m = {.value = NAN};
    f = base, f.y_markers = &m, f.y_marker_count = 1, expect_refused(&f, "y_markers[0].value");

    smp_error err = {0};
    assert_int_equal(plot_write_png(&base, NULL, &err), SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "path"));
    assert_int_equal(plot_write_png(&base, "", &err), SMP_ERR_INPUT);
}

static char *temp_dir(void)
{
    char *dir = strdup("/tmp/smp-plot-XXXXXX");
    assert_non_null(dir);
    assert_non_null(mkdtemp(dir));
    return dir;
}

static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static void unwritable_path_should_fail_with_io_and_leave_no_file(void **state)
{
    (void)state;
    char *dir = temp_dir(), path[256];
    snprintf(path, sizeof path, "%s/missing/plot.png", dir);
    plot_figure fig = fade_figure();
    smp_error err = {0};
    assert_int_equal(plot_write_png(&fig, path, &err), SMP_ERR_IO);
    assert_non_null(strstr(err.message, path));
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(entries(dir), 0);
    rmdir(dir);
    free(dir);
}

static void write_example(const plot_figure *fig, const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    smp_error err = {0};
    if (plot_write_png(fig, path, &err) != SMP_OK) fail_msg("%s", err.message);
}

/* The PNG is the in-memory image, pixel for pixel (PNG is lossless and the image opaque). */
static void written_png_should_read_back_as_the_image(void **state)
{
    (void)state;
    char *dir = temp_dir(), path[256];
    snprintf(path, sizeof path, "%s/fade.png", dir);
    plot_figure fig = fade_figure();
    fig.width_px = 900, fig.height_px = 520;
    smp_error err = {0};
    assert_int_equal(plot_write_png(&fig, path, &err), SMP_OK);
    assert_int_equal(entries(dir), 1); /* no temporary file left beside it */
    int w, h, channels;
    uint8_t *png = stbi_load(path, &w, &h, &channels, 4);
    assert_non_null(png);
    assert_int_equal(w, 900);
    assert_int_equal(h, 520);
    image im = render(&fig);
    assert_memory_equal(png, im.rgba, (size_t)w * (size_t)h * 4);
    stbi_image_free(png);
    free(im.rgba);
    remove(path);
    rmdir(dir);
    free(dir);

    const char *keep = getenv("SMP_PLOT_EXAMPLE_DIR");
    if (keep) {
        fig = fade_figure(), write_example(&fig, keep, "plot-example.png");
        fig = visibility_figure(), write_example(&fig, keep, "plot-visibility.png");
    }
}

/* The visibility figure: six lines, none hidden by the legend, the threshold's label readable. */
static void visibility_figure_should_show_every_line(void **state)
{
    (void)state;
    plot_figure fig = visibility_figure();
    image im = render(&fig);
    for (int k = 0; k < VIS_LINES; ++k)
        for (int j = 0; j < VIS_N; ++j)
            if (!colour_near_data(&im, vis_angle[j], vis_de[k][j], 2, fig.series[k].color, 12))
                fail_msg("line %d hidden at %g degrees", k, vis_angle[j]);
    assert_near(im.L.x_min, 5.0, 0.0);
    assert_near(im.L.x_max, 90.0, 0.0);
    free(im.rgba);
}

static void *render_on_a_thread(void *arg)
{
    const plot_figure *fig = arg;
    uint8_t *rgba = NULL;
    int w, h;
    smp_error err = {0};
    return plot_render_rgba(fig, &rgba, &w, &h, &err) == SMP_OK ? rgba : NULL;
}

/* No globals: four threads drawing the same figure at once each get the image one thread draws alone. */
static void threads_should_draw_the_same_image_at_once(void **state)
{
    (void)state;
    plot_figure fig = visibility_figure();
    image alone = render(&fig);
    pthread_t threads[4];
    for (int i = 0; i < 4; ++i)
        assert_int_equal(pthread_create(&threads[i], NULL, render_on_a_thread, &fig), 0);
    for (int i = 0; i < 4; ++i) {
        void *rgba;
        assert_int_equal(pthread_join(threads[i], &rgba), 0);
        assert_non_null(rgba);
        assert_memory_equal(rgba, alone.rgba, (size_t)alone.w * (size_t)alone.h * 4);
        free(rgba);
    }
    free(alone.rgba);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(series_should_be_drawn_at_the_pixels_of_its_points),
        cmocka_unit_test(corners_of_the_limits_should_map_to_the_plot_area),
        cmocka_unit_test(band_should_fill_between_low_and_high_only),
        cmocka_unit_test(threshold_should_lie_on_rows_as_many_as_its_width),
        cmocka_unit_test(title_and_axis_labels_should_draw_text),
        cmocka_unit_test(automatic_limits_should_contain_the_data),
        cmocka_unit_test(ticks_should_be_nice_numbers_with_just_enough_decimals),
        cmocka_unit_test(extreme_values_should_still_plot),
        cmocka_unit_test(nan_should_leave_a_gap_between_its_neighbours),
        cmocka_unit_test(empty_series_should_draw_and_keep_its_legend_entry),
        cmocka_unit_test(legend_should_hide_no_line),
        cmocka_unit_test(marker_labels_should_be_staggered),
        cmocka_unit_test(bad_input_should_be_refused_with_one_line),
        cmocka_unit_test(unwritable_path_should_fail_with_io_and_leave_no_file),
        cmocka_unit_test(written_png_should_read_back_as_the_image),
        cmocka_unit_test(visibility_figure_should_show_every_line),
        cmocka_unit_test(threads_should_draw_the_same_image_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
