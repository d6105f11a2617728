/* fade_plot: the fade curve of scene/fade.h as a plot (analysis/plot): the contrast against years with its
 * uncertainty band, the sessions and touch-ups marked, the touch-up threshold and the advised date. */
#ifndef SMP_SCENE_FADE_PLOT_H
#define SMP_SCENE_FADE_PLOT_H

#include "scene/fade.h"

/* Writes the plot of curve (computed for pl) to path as a PNG, atomically. Errors as plot_write_png's. */
smp_status scene_fade_plot_write(const scene_fade_curve *curve, const plan *pl, const char *path,
                                 smp_error *err);
/* The same plot as an sRGB8 RGBA image (rows top first) the caller frees. Errors as plot_render_rgba's. */
smp_status scene_fade_plot_render(const scene_fade_curve *curve, const plan *pl, uint8_t **rgba, int *width,
                                  int *height, smp_error *err);

#endif
