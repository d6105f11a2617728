/* headless: an offscreen GL context (SDL's offscreen driver: EGL, no display; Mesa llvmpipe without a GPU)
 * and a renderer with a scene uploaded, for the subcommands that write images and for tests. */
#ifndef SMP_UI_HEADLESS_H
#define SMP_UI_HEADLESS_H

#include "scene/scene.h"
#include "ui/ui.h"

typedef struct ui_headless {
    ui_gl *gl;
    render_context *rc;
} ui_headless;

/* The context and renderer, with scene uploaded (NULL: nothing uploaded yet). */
smp_status ui_headless_create(ui_headless *h, const scene_model *scene, smp_error *err);
/* The same, with every pass finished and timed (render_context_desc.profile): for smpsim bench --profile. */
smp_status ui_headless_create_profiled(ui_headless *h, const scene_model *scene, bool profile,
                                       smp_error *err);
/* With SMP_GL_DEBUG in the environment the renderer counts GL errors (render_gl_error_count), and a run that
 * made any ends here with one line on stderr and abort(): the test suite sets it. */
void ui_headless_destroy(ui_headless *h);

#endif
