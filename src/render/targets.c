/* The frame's render targets (the scene's, the output's) and reading images back: the finished frame, the
 * compare views' kept image, the window. */
#include "render/render_internal.h"

/* A non-multisampled RGBA16F texture of w x h with the given filtering (GL_NEAREST: read texel by texel). */
static GLuint texture_hdr(int w, int h, GLint filter)
{
    GLuint t;
    glGenTextures(1, &t);
    glBindTexture(GL_TEXTURE_2D, t);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA16F, w, h, 0, GL_RGBA, GL_FLOAT, NULL);
    render_texture_clamped(filter, filter);
    return t;
}

/* A framebuffer with count textures as colour attachments 0..count-1, all drawn to. */
static GLenum framebuffer_with(GLuint *fbo, const GLuint *textures, int count)
{
    static const GLenum buffers[] = {GL_COLOR_ATTACHMENT0, GL_COLOR_ATTACHMENT1, GL_COLOR_ATTACHMENT2};
    glGenFramebuffers(1, fbo);
    glBindFramebuffer(GL_FRAMEBUFFER, *fbo);
    for (int i = 0; i < count; ++i)
        glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0 + i, GL_TEXTURE_2D, textures[i], 0);
    glDrawBuffers(count, buffers);
    return glCheckFramebufferStatus(GL_FRAMEBUFFER);
}

void render_targets_release(scene_targets *T)
{
    glDeleteFramebuffers(1, &T->msaa_fbo);
    glDeleteRenderbuffers(SCENE_TARGETS, T->msaa_color_rb);
    glDeleteRenderbuffers(1, &T->msaa_depth_rb);
    glDeleteFramebuffers(1, &T->resolve_fbo);
    glDeleteTextures(SCENE_TARGETS, T->resolve_tex);
    glDeleteFramebuffers(1, &T->sss_fbo);
    glDeleteTextures(3, T->sss_tex);
    glDeleteFramebuffers(2, T->half_fbo);
    glDeleteTextures(4, T->half_tex);
    glDeleteFramebuffers(1, &T->hdr_fbo);
    memset(T, 0, sizeof *T);
}

/* The scene targets T at w x h with the given MSAA samples (1 = none). */
smp_status render_targets_ensure(scene_targets *T, int w, int h, int samples, smp_error *err)
{
    if (T->w == w && T->h == h && T->samples == samples && T->hdr_fbo) return SMP_OK;
    render_targets_release(T);
    GLint max_samples = 1;
    glGetIntegerv(GL_MAX_SAMPLES, &max_samples);
    int ms = samples > max_samples ? max_samples : samples;
    if (ms <= 1) ms = 0;

    static const GLenum buffers[] = {GL_COLOR_ATTACHMENT0, GL_COLOR_ATTACHMENT1, GL_COLOR_ATTACHMENT2};
    for (int i = 0; i < SCENE_TARGETS; ++i)
        T->resolve_tex[i] = texture_hdr(w, h, GL_NEAREST);
    glGenFramebuffers(1, &T->msaa_fbo);
    glBindFramebuffer(GL_FRAMEBUFFER, T->msaa_fbo);
    if (ms > 0) {
        glGenRenderbuffers(SCENE_TARGETS, T->msaa_color_rb);
        for (int i = 0; i < SCENE_TARGETS; ++i) {
            glBindRenderbuffer(GL_RENDERBUFFER, T->msaa_color_rb[i]);
            glRenderbufferStorageMultisample(GL_RENDERBUFFER, ms, GL_RGBA16F, w, h);
            glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0 + i, GL_RENDERBUFFER,
                                      T->msaa_color_rb[i]);
        }
    } else {
        /* One sample: the scene is drawn straight into the textures the later passes read, no resolve. */
        for (int i = 0; i < SCENE_TARGETS; ++i)
            glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0 + i, GL_TEXTURE_2D, T->resolve_tex[i],
                                   0);
    }
    glGenRenderbuffers(1, &T->msaa_depth_rb);
    glBindRenderbuffer(GL_RENDERBUFFER, T->msaa_depth_rb);
    glRenderbufferStorageMultisample(GL_RENDERBUFFER, ms, GL_DEPTH_COMPONENT24, w, h);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_RENDERBUFFER, T->msaa_depth_rb);
    glDrawBuffers(SCENE_TARGETS, buffers);
    GLenum status[4];
    status[0] = glCheckFramebufferStatus(GL_FRAMEBUFFER);

    status[1] =
        ms > 0 ? framebuffer_with(&T->resolve_fbo, T->resolve_tex, SCENE_TARGETS) : GL_FRAMEBUFFER_COMPLETE;
    for (int i = 0; i < 3; ++i)
        T->sss_tex[i] = texture_hdr(w, h, GL_NEAREST);
    status[2] = framebuffer_with(&T->sss_fbo, T->sss_tex, 3);
    T->hdr_tex = T->resolve_tex[0];
    status[3] = framebuffer_with(&T->hdr_fbo, &T->hdr_tex, 1);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    for (int i = 0; i < 4; ++i)
        if (status[i] != GL_FRAMEBUFFER_COMPLETE)
            return smp_error_set(err, SMP_ERR_GL, "render: %dx%d render target %d is incomplete (0x%x)", w, h,
                                 i, status[i]);
    T->w = w;
    T->h = h;
    T->samples = samples;
    return SMP_OK;
}

/* Drops T's half-size targets. */
static void half_release(scene_targets *T)
{
    glDeleteFramebuffers(2, T->half_fbo);
    glDeleteTextures(4, T->half_tex);
    memset(T->half_fbo, 0, sizeof T->half_fbo);
    memset(T->half_tex, 0, sizeof T->half_tex);
    T->half_w = T->half_h = 0;
}

/* T's half-size targets for its current size; false (and none) when they could not be made complete. */
static bool half_ensure(scene_targets *T)
{
    int w = (T->w + 1) / 2, h = (T->h + 1) / 2;
    if (T->half_fbo[0] && T->half_w == w && T->half_h == h) return true;
    half_release(T);
    for (int i = 0; i < 4; ++i)
        T->half_tex[i] = texture_hdr(w, h, GL_NEAREST);
    GLenum s0 = framebuffer_with(&T->half_fbo[0], T->half_tex, 2);
    GLenum s1 = framebuffer_with(&T->half_fbo[1], T->half_tex + 2, 2);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    if (s0 != GL_FRAMEBUFFER_COMPLETE || s1 != GL_FRAMEBUFFER_COMPLETE) {
        half_release(T);
        return false;
    }
    T->half_w = w;
    T->half_h = h;
    return true;
}

bool render_targets_sss_layout(scene_targets *T, bool half)
{
    static const GLenum first[] = {GL_COLOR_ATTACHMENT0, GL_NONE, GL_NONE};
    static const GLenum all[] = {GL_COLOR_ATTACHMENT0, GL_COLOR_ATTACHMENT1, GL_COLOR_ATTACHMENT2};
    if (half && half_ensure(T)) {
        if (T->sss_tex[1]) {
            /* terms 1 and 2 at full size are not drawn while the half-size ones are: their memory goes */
            glBindFramebuffer(GL_FRAMEBUFFER, T->sss_fbo);
            for (int i = 1; i < 3; ++i)
                glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0 + i, GL_TEXTURE_2D, 0, 0);
            glDrawBuffers(3, first);
            glBindFramebuffer(GL_FRAMEBUFFER, 0);
            glDeleteTextures(2, T->sss_tex + 1);
            T->sss_tex[1] = T->sss_tex[2] = 0;
        }
        return true;
    }
    half_release(T);
    if (!T->sss_tex[1]) {
        glBindFramebuffer(GL_FRAMEBUFFER, T->sss_fbo);
        for (int i = 1; i < 3; ++i) {
            T->sss_tex[i] = texture_hdr(T->w, T->h, GL_NEAREST);
            glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0 + i, GL_TEXTURE_2D, T->sss_tex[i], 0);
        }
        glDrawBuffers(3, all);
        glBindFramebuffer(GL_FRAMEBUFFER, 0);
    }
    return false;
}

void render_outside_copy(GLuint read_fbo, GLenum read_buffer, GLuint draw_fbo, int w, int h,
                         const int rect[4])
{
    int x0 = rect[0], y0 = rect[1], x1 = rect[0] + rect[2], y1 = rect[1] + rect[3];
    if (rect[2] <= 0 || rect[3] <= 0) x0 = x1 = 0, y0 = y1 = h; /* no rectangle: all of it below */
    /* The bands below and above the rectangle across the whole width, then left and right of it. */
    const int bands[4][4] = {{0, 0, w, y0}, {0, y1, w, h}, {0, y0, x0, y1}, {x1, y0, w, y1}};
    glBindFramebuffer(GL_READ_FRAMEBUFFER, read_fbo);
    glReadBuffer(read_buffer);
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, draw_fbo);
    for (int b = 0; b < 4; ++b) {
        const int *q = bands[b];
        if (q[2] > q[0] && q[3] > q[1])
            glBlitFramebuffer(q[0], q[1], q[2], q[3], q[0], q[1], q[2], q[3], GL_COLOR_BUFFER_BIT,
                              GL_NEAREST);
    }
    glReadBuffer(GL_COLOR_ATTACHMENT0);
    glBindFramebuffer(GL_FRAMEBUFFER, draw_fbo);
}

/* An RGBA8 texture of w x h (linear filtering) as the one colour attachment of a new framebuffer. */
static GLenum output_target(GLuint *fbo, GLuint *tex, int w, int h)
{
    glGenTextures(1, tex);
    glBindTexture(GL_TEXTURE_2D, *tex);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, NULL);
    render_texture_clamped(GL_LINEAR, GL_LINEAR);
    return framebuffer_with(fbo, tex, 1);
}

/* The output-size targets: the finished image for read-back (and the trivial pass), and the tone-mapped one
 * the edge anti-aliasing reads. */
smp_status render_ldr_ensure(render_context *rc, int w, int h, smp_error *err)
{
    if (rc->ldr_w == w && rc->ldr_h == h && rc->ldr_fbo) return SMP_OK;
    GLuint fbos[] = {rc->ldr_fbo, rc->post_fbo}, texs[] = {rc->ldr_tex, rc->post_tex};
    glDeleteFramebuffers(2, fbos);
    glDeleteTextures(2, texs);
    GLenum s0 = output_target(&rc->ldr_fbo, &rc->ldr_tex, w, h);
    GLenum s1 = output_target(&rc->post_fbo, &rc->post_tex, w, h);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    if (s0 != GL_FRAMEBUFFER_COMPLETE || s1 != GL_FRAMEBUFFER_COMPLETE)
        return smp_error_set(err, SMP_ERR_GL, "render: %dx%d output target is incomplete (0x%x 0x%x)", w, h,
                             s0, s1);
    rc->ldr_w = w;
    rc->ldr_h = h;
    return SMP_OK;
}

/* GL's rows run bottom-up; images run top-down. */
smp_status render_rows_flip(uint8_t *rgba, int width, int height, smp_error *err)
{
    size_t row = (size_t)width * 4;
    uint8_t *tmp = malloc(row);
    if (!tmp) return smp_error_set(err, SMP_ERR_NOMEM, "render: out of memory");
    for (int y = 0; y < height / 2; ++y) {
        uint8_t *a = rgba + row * y, *b = rgba + row * (height - 1 - y);
        memcpy(tmp, a, row);
        memcpy(a, b, row);
        memcpy(b, tmp, row);
    }
    free(tmp);
    return SMP_OK;
}

/* The compare views' dividing line: light, two pixels wide, at x of the bound draw framebuffer. */
static void compare_line(int x, int height)
{
    glEnable(GL_SCISSOR_TEST);
    glScissor(x > 0 ? x - 1 : 0, 0, 2, height);
    glClearColor(0.92f, 0.92f, 0.92f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    glDisable(GL_SCISSOR_TEST);
}

smp_status render_compare_capture(render_context *rc, const render_frame *f, smp_error *err)
{
    if (rc->compare_w != f->width || rc->compare_h != f->height || !rc->compare_fbo) {
        glDeleteFramebuffers(1, &rc->compare_fbo);
        glDeleteTextures(1, &rc->compare_tex);
        rc->compare_fbo = rc->compare_tex = 0;
        GLenum s0 = output_target(&rc->compare_fbo, &rc->compare_tex, f->width, f->height);
        glBindFramebuffer(GL_FRAMEBUFFER, 0);
        if (s0 != GL_FRAMEBUFFER_COMPLETE)
            return smp_error_set(err, SMP_ERR_GL, "render: %dx%d compare target is incomplete (0x%x)",
                                 f->width, f->height, s0);
        rc->compare_w = f->width;
        rc->compare_h = f->height;
    }
    render_frame full = *f;
    full.interactive = false;
    full.output_x = 0;
    return render_frame_draw(rc, &full, rc->compare_fbo, err);
}

smp_status render_compare_beside(render_context *rc, int x, int height, unsigned target_fbo, smp_error *err)
{
    if (!rc->compare_fbo || rc->compare_h != height)
        return smp_error_set(err, SMP_ERR_GL, "render: no image %d pixels high captured to put beside",
                             height);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, rc->compare_fbo);
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, target_fbo);
    glBlitFramebuffer(0, 0, rc->compare_w, height, x, 0, x + rc->compare_w, height, GL_COLOR_BUFFER_BIT,
                      GL_NEAREST);
    compare_line(x, height);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    return render_gl_check("render_compare_beside", err);
}

smp_status render_compare_overlay(render_context *rc, int width, int height, float split, unsigned target_fbo,
                                  smp_error *err)
{
    if (!rc->compare_fbo || rc->compare_w != width || rc->compare_h != height)
        return smp_error_set(err, SMP_ERR_GL, "render: no %dx%d image captured to compare with", width,
                             height);
    int x = (int)lrintf(fminf(fmaxf(split, 0.0f), 1.0f) * (float)width);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, rc->compare_fbo);
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, target_fbo);
    if (x > 0) glBlitFramebuffer(0, 0, x, height, 0, 0, x, height, GL_COLOR_BUFFER_BIT, GL_NEAREST);
    compare_line(x, height);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    return render_gl_check("render_compare_overlay", err);
}

smp_status render_window_read_rgba8(render_context *rc, int width, int height, uint8_t *rgba, smp_error *err)
{
    (void)rc;
    glBindFramebuffer(GL_READ_FRAMEBUFFER, 0);
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
    smp_status st = render_rows_flip(rgba, width, height, err);
    return st == SMP_OK ? render_gl_check("render_window_read_rgba8", err) : st;
}
