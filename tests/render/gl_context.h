/* Shared by the GL tests: an offscreen OpenGL 3.3 context (SDL's offscreen driver; Mesa llvmpipe without a
 * GPU) and a renderer on it. With no context the test is skipped (exit 77), never passed. */
#ifndef SMP_TEST_GL_CONTEXT_H
#define SMP_TEST_GL_CONTEXT_H

#include "render/render.h"
#include "ui/ui.h"

#include <stdio.h>
#include <stdlib.h>

/* 0 on success, -1 (with the reason on stderr) when the renderer cannot be created; desc may be NULL (the
 * renderer's defaults) or ask for smaller textures to keep a test short. */
static inline int test_gl_open_desc(ui_gl **gl, render_context **rc, const render_context_desc *desc)
{
    smp_error err = {0};
    if (ui_gl_create(gl, false, 64, 64, "test", &err) != SMP_OK) {
        fprintf(stderr, "no offscreen GL context: %s\n", err.message);
        exit(77);
    }
    if (render_context_create(rc, desc, &err) != SMP_OK) {
        fprintf(stderr, "%s\n", err.message);
        return -1;
    }
    return 0;
}

static inline int test_gl_open(ui_gl **gl, render_context **rc)
{
    return test_gl_open_desc(gl, rc, NULL);
}

static inline void test_gl_close(ui_gl *gl, render_context *rc)
{
    render_context_destroy(rc);
    ui_gl_destroy(gl);
}

/* A cmocka group's state for the tests that need only a context and a renderer: open it in the group's setup
 * (return test_gl_fixture_open(state, &desc)) and close it in its teardown. */
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

static inline int test_gl_fixture_close(void **state)
{
    test_gl_fixture *f = *state;
    test_gl_close(f->gl, f->rc);
    free(f);
    return 0;
}

#endif
