#include "ui/headless.h"

#include "scene/draw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

smp_status ui_headless_create(ui_headless *h, const scene_model *scene, smp_error *err)
{
    return ui_headless_create_profiled(h, scene, false, err);
}

smp_status ui_headless_create_profiled(ui_headless *h, const scene_model *scene, bool profile, smp_error *err)
{
    memset(h, 0, sizeof *h);
    smp_status st = ui_gl_create(&h->gl, false, 64, 64, "smpsim", err);
    if (st != SMP_OK) return st;
    render_context_desc desc = {0};
    desc.shaders_from_disk = getenv("SMP_SHADERS_FROM_DISK") != NULL;
    desc.profile = profile;
    desc.gl_debug = getenv("SMP_GL_DEBUG") != NULL;
    st = render_context_create(&h->rc, &desc, err);
    if (st == SMP_OK && scene) st = scene_upload(h->rc, scene, err);
    if (st != SMP_OK) ui_headless_destroy(h);
    return st;
}

void ui_headless_destroy(ui_headless *h)
{
    const char *first = "";
    if (h->rc && render_gl_error_count(h->rc, &first) > 0) {
        /* SMP_GL_DEBUG (the tests set it): a GL error is a bug of smpsim, and fails the run loudly. */
        fprintf(stderr, "smpsim: GL errors reported: %d, the first: %s\n", render_gl_error_count(h->rc, NULL),
                first);
        abort();
    }
    render_context_destroy(h->rc);
    ui_gl_destroy(h->gl);
    memset(h, 0, sizeof *h);
}
