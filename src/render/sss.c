/* Subsurface scattering: the diffuse light blurred under the skin by d'Eon & Luebke's sum of Gaussians, two
 * separable passes, then the composite with the albedo. */
#include "render/render_internal.h"

/* The skin's profile for this frame: per term k, per channel, sigma (mm) and weight. No table: no blur. */
static void sss_profile(const render_frame *f, float sigma_mm[3][3], float weight[3][3])
{
    memset(sigma_mm, 0, sizeof(float) * 9);
    memset(weight, 0, sizeof(float) * 9);
    for (int c = 0; c < 3; ++c)
        weight[0][c] = 1.0f;
    if (!f->optics || f->fitzpatrick < 1 || f->fitzpatrick > OPTICS_TABLE_TYPES) return;
    int t = f->fitzpatrick - 1;
    for (int c = 0; c < 3; ++c) {
        double sum = 0.0;
        for (int k = 0; k < OPTICS_TABLE_SSS_TERMS; ++k)
            sum += f->optics->sss_weight[t][c][k];
        if (sum < 0.5) continue; /* a table without this type's profile: no blur in this channel */
        for (int k = 0; k < 3 && k < OPTICS_TABLE_SSS_TERMS; ++k) {
            sigma_mm[k][c] = (float)f->optics->sss_sigma_mm[t][c][k];
            weight[k][c] = (float)(f->optics->sss_weight[t][c][k] / sum);
        }
    }
}

/* The rectangle (x, y, width, height in pixels) the two passes must shade: where the head, its patch and its
 * hair may be (render_scene_screen_rect, kept in tg->drawn), grown by the farthest a skin pixel's taps reach.
 * blur_term (sss_x and sss_y.frag) takes taps * step <= 3 sigma of the widest channel, or ceil of it with
 * one-pixel steps, and a tap's nearest texel lies up to a pixel farther; sigma in pixels is largest at the
 * least view distance. A pixel outside holds no skin and is never a skin pixel's tap: the passes would write
 * it the unscattered light alone (sss_y.frag), which the caller copies there instead. */
static void sss_rect(const render_context *rc, const render_frame *f, const float sigma_mm[3][3],
                     float px_per_mm_at_1mm, int rect[4])
{
    render_screen_rect r = rc->tg->drawn;
    rect[0] = 0, rect[1] = 0, rect[2] = f->width, rect[3] = f->height;
    if (r.whole) return;
    float widest_mm = 0.0f;
    for (int k = 0; k < 3; ++k)
        for (int c = 0; c < 3; ++c)
            widest_mm = fmaxf(widest_mm, sigma_mm[k][c]);
    float reach_px = 3.0f * widest_mm * fabsf(px_per_mm_at_1mm) / r.nearest_mm + 2.0f;
    if (!(reach_px < (float)(f->width + f->height))) return; /* NaN, or past the whole frame anyway */
    int grow = (int)ceilf(reach_px);
    if (r.x1 > r.x0 && r.y1 > r.y0) {
        r.x0 = r.x0 > grow ? r.x0 - grow : 0;
        r.y0 = r.y0 > grow ? r.y0 - grow : 0;
        r.x1 = r.x1 < f->width - grow ? r.x1 + grow : f->width;
        r.y1 = r.y1 < f->height - grow ? r.y1 + grow : f->height;
    }
    rect[0] = r.x0, rect[1] = r.y0, rect[2] = r.x1 - r.x0, rect[3] = r.y1 - r.y0;
}

void render_sss_passes(render_context *rc, const render_frame *f)
{
    float sigma[3][3], weight[3][3];
    sss_profile(f, sigma, weight);
    /* A length L at distance z spans L * proj[1][1] * (height / 2) / z pixels. */
    float px_per_mm_at_1mm = f->proj[1][1] * (float)f->height * 0.5f;
    float texel[2] = {1.0f / (float)f->width, 1.0f / (float)f->height};
    int *rect = rc->sss_rect;
    sss_rect(rc, f, sigma, px_per_mm_at_1mm, rect);
    bool whole = rect[0] == 0 && rect[1] == 0 && rect[2] == f->width && rect[3] == f->height;
    glDisable(GL_DEPTH_TEST);
    glBindVertexArray(rc->empty_vao);
    /* A software rasteriser shades every pixel of a covered tile, whatever the shader's branches: the
     * scissor keeps the tiles without the head out of both passes. */
    if (!whole) {
        glEnable(GL_SCISSOR_TEST);
        glScissor(rect[0], rect[1], rect[2], rect[3]);
    }

    glBindFramebuffer(GL_FRAMEBUFFER, rc->tg->sss_fbo);
    glViewport(0, 0, f->width, f->height);
    GLuint p = rc->prog_sss_x;
    glUseProgram(p);
    glUniform3fv(uloc(p, "u_sss_sigma_mm"), 3, &sigma[0][0]);
    glUniform1f(uloc(p, "u_px_per_mm_at_1mm"), px_per_mm_at_1mm);
    glUniform2fv(uloc(p, "u_texel"), 1, texel);
    glUniform2f(uloc(p, "u_direction"), 1.0f, 0.0f);
    for (int i = 0; i < SCENE_TARGETS; ++i) {
        glActiveTexture(GL_TEXTURE0 + UNIT_IRRADIANCE + i);
        glBindTexture(GL_TEXTURE_2D, rc->tg->resolve_tex[i]);
    }
    glDrawArrays(GL_TRIANGLES, 0, 3);

    glBindFramebuffer(GL_FRAMEBUFFER, rc->tg->hdr_fbo);
    p = rc->prog_sss_y;
    glUseProgram(p);
    glUniform3fv(uloc(p, "u_sss_sigma_mm"), 3, &sigma[0][0]);
    glUniform3fv(uloc(p, "u_sss_weight"), 3, &weight[0][0]);
    glUniform1f(uloc(p, "u_px_per_mm_at_1mm"), px_per_mm_at_1mm);
    glUniform2fv(uloc(p, "u_texel"), 1, texel);
    glUniform2f(uloc(p, "u_direction"), 0.0f, 1.0f);
    for (int i = 0; i < 3; ++i) {
        glActiveTexture(GL_TEXTURE0 + UNIT_TERM0 + i);
        glBindTexture(GL_TEXTURE_2D, rc->tg->sss_tex[i]);
    }
    glDrawArrays(GL_TRIANGLES, 0, 3);
    glActiveTexture(GL_TEXTURE0);
    glBindVertexArray(0);
    if (!whole) {
        glDisable(GL_SCISSOR_TEST);
        /* What sss_y.frag writes where there is no skin: the unscattered light (its alpha, 1 there, too:
         * nothing is drawn outside rect). */
        const scene_targets *T = rc->tg;
        render_outside_copy(T->resolve_fbo ? T->resolve_fbo : T->msaa_fbo, GL_COLOR_ATTACHMENT2, T->hdr_fbo,
                            f->width, f->height, rect);
    }
}
