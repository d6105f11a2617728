/* visibility_plot: one scar's visibility (scene/visibility.h) as a plot (analysis/plot): the S-CIELAB
 * difference against the key light's angle above the scalp, a line per viewing distance, solid with SMP and
 * dashed without, the just-noticeable difference marked. smpsim visibility writes it to a file; smpsim report
 * draws it into memory and writes it with the plan in its metadata. */
#ifndef SMP_SCENE_VISIBILITY_PLOT_H
#define SMP_SCENE_VISIBILITY_PLOT_H

#include "scene/visibility.h"

/* Writes the plot of r->scars[index] (0 <= index < r->scar_count) to path as a PNG, atomically. Errors as
 * plot_write_png's. */
smp_status scene_visibility_plot_write(const scene_vis_result *r, int index, const char *path,
                                       smp_error *err);
/* The same plot as an sRGB8 RGBA image (rows top first) the caller frees. Errors as plot_render_rgba's. */
smp_status scene_visibility_plot_render(const scene_vis_result *r, int index, uint8_t **rgba, int *width,
                                        int *height, smp_error *err);

#endif
