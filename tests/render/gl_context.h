/* Shared by the GL tests: an offscreen OpenGL 3.3 context (SDL's offscreen driver; Mesa llvmpipe without a
 * GPU) and a renderer on it. With no context the test is skipped (exit 77), never passed. */
#ifndef SMP_TEST_GL_CONTEXT_H
#define SMP_TEST_GL_CONTEXT_H

#include "render/render.h"
#include "ui/ui.h"

#include <stdio.h>
#include <stdlib.h>

/* 0 on success, -1 (with the reason on stderr) when the renderer cannot be created; desc may be NULL (the
 * renderer's defaults) or ask for smaller textures to keep a test short. The renderer counts the GL errors
 * the driver reports (desc.gl_debug), and test_gl_close fails the test when there was one. */
static inline int test_gl_open_desc(ui_gl **gl, render_context **rc, const render_context_desc *desc)
{
    smp_error err = {0};
    if (ui_gl_create(gl, false, 64, 64, "test", &err) != SMP_OK) {
        fprintf(stderr, "no offscreen GL context: %s\n", err.message);
        exit(77);
    }
    render_context_desc d = desc ? *desc : (render_context_desc){0};
    d.gl_debug = true;
    if (render_context_create(rc, &d, &err) != SMP_OK) {
        fprintf(stderr, "%s\n", err.message);
        return -1;
    }
    return 0;
}

static inline int test_gl_open(ui_gl **gl, render_context **rc)
{
    return test_gl_open_desc(gl, rc, NULL);
}

/* Releases both; a GL error the driver reported while the renderer lived fails the test (exit 1). */
static inline void test_gl_close(ui_gl *gl, render_context *rc)
{
    const char *first = "";
    int errors = rc ? render_gl_error_count(rc, &first) : 0;
    if (errors > 0) {
        fprintf(stderr, "GL errors reported: %d, the first: %s\n", errors, first);
        exit(1);
    }
    render_context_destroy(rc);
    ui_gl_destroy(gl);
}

/* The plainest fixture of a GL test file: one context and renderer for the whole group (cmocka's group setup
 * and teardown: cmocka_run_group_tests(tests, test_gl_setup, test_gl_teardown)); test_gl_fixture_open for a
 * group setup that asks for its own renderer (smaller textures). */
typedef struct test_gl_fixture {
    ui_gl *gl;
    render_context *rc;
} test_gl_fixture;

static inline int test_gl_fixture_open(void **state, const render_context_desc *desc)
{
    test_gl_fixture *f = calloc(1, sizeof *f);
    if (!f || test_gl_open_desc(&f->gl, &f->rc, desc) != 0) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static inline int test_gl_setup(void **state)
{
    return test_gl_fixture_open(state, NULL);
}

static inline int test_gl_teardown(void **state)
{
    test_gl_fixture *f = *state;
    test_gl_close(f->gl, f->rc);
    free(f);
    return 0;
}

#endif
