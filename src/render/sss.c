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
 * least view distance. At half size (half) a step is two pixels and a texel the mean of 2 x 2: two pixels
 * more. A pixel outside holds no skin and is never a skin pixel's tap: the passes would write it the
 * unscattered light alone (sss_y.frag), which the caller copies there instead. */
static void sss_rect(const render_context *rc, const render_frame *f, const float sigma_mm[3][3],
                     float px_per_mm_at_1mm, bool half, int rect[4])
{
    render_screen_rect r = rc->tg->drawn;
    rect[0] = 0, rect[1] = 0, rect[2] = f->width, rect[3] = f->height;
    if (r.whole) return;
    float widest_mm = 0.0f;
    for (int k = 0; k < 3; ++k)
        for (int c = 0; c < 3; ++c)
            widest_mm = fmaxf(widest_mm, sigma_mm[k][c]);
    float reach_px = 3.0f * widest_mm * fabsf(px_per_mm_at_1mm) / r.nearest_mm + (half ? 4.0f : 2.0f);
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

/* The wide terms 1 and 2 go to half the size in x and y when term 1's widest channel spans at least this many
 * of the frame's pixels (sigma) at the head's nearest part: the close-ups (about 9 pixels at 1280x720, 13 at
 * 1920x1080, 53 in a 10 mm field), not the views from 1 m and more (at most 1.1 and 1.6), whose images stay
 * as they were. A half-size texel is the mean of 2 x 2 pixels (a box of variance 1/3 pixel^2) and the
 * bilinear upsampling adds about 2/3 more, against the terms' sigma^2 of 16 and more here: a few per cent of
 * the width, on light that is smooth under the dots (docs/benchmarks.md has the images against the full
 * size). The interactive path, a preview drawn at a quarter of the size or so, from 1.5 pixels: the crown
 * close-up's 2.2 at a quarter of 1280x720. */
#define SSS_HALF_MIN_PX 4.0f
#define SSS_HALF_MIN_PX_INTERACTIVE 1.5f

/* The eye's least distance to the head's parts (mm; 0 inside one): the boxes around its vertices by cell
 * (render_boxes), each of which the least view distance of a skin pixel is at least. A close-up's eye is
 * inside the bounds around all of them (tg->drawn.nearest_mm 0) but some centimetres from every part. */
static float sss_nearest_part_mm(const render_context *rc, const render_frame *f)
{
    const render_boxes *b = &rc->bound_boxes;
    float nearest2 = INFINITY;
    for (int i = 0; i < RENDER_BOXES_CELLS; ++i) {
        if (b->cell_lo[i][0] > b->cell_hi[i][0]) continue; /* no vertex in this cell */
        float d2 = 0.0f;
        for (int k = 0; k < 3; ++k) {
            float e = f->eye_mm[k], lo = b->cell_lo[i][k], hi = b->cell_hi[i][k];
            float d = e < lo ? lo - e : (e > hi ? e - hi : 0.0f);
            d2 += d * d;
        }
        nearest2 = fminf(nearest2, d2);
    }
    return sqrtf(nearest2);
}

/* Whether this frame is to blur terms 1 and 2 at half size. */
static bool sss_half_wanted(render_context *rc, const render_frame *f, const float sigma_mm[3][3],
                            float px_per_mm_at_1mm)
{
    if (rc->sss_half_off) return false;
    float widest_mm = fmaxf(sigma_mm[1][0], fmaxf(sigma_mm[1][1], sigma_mm[1][2]));
    float px = widest_mm * fabsf(px_per_mm_at_1mm) / fmaxf(sss_nearest_part_mm(rc, f), 1e-3f);
    return px >= (f->interactive ? SSS_HALF_MIN_PX_INTERACTIVE : SSS_HALF_MIN_PX);
}

/* The scissor to rect (the scene's pixels), or at half size to the half-size texels that rect's pixels fall
 * in. */
static void sss_scissor(const int rect[4], bool half)
{
    if (!half) {
        glScissor(rect[0], rect[1], rect[2], rect[3]);
        return;
    }
    int x0 = rect[0] / 2, y0 = rect[1] / 2, x1 = (rect[0] + rect[2] + 1) / 2,
        y1 = (rect[1] + rect[3] + 1) / 2;
    glScissor(x0, y0, x1 - x0, y1 - y0);
}

/* A pass of sss_x.frag's programs (p) into fbo: the x pass at the scene's size, or (half) the scene at half
 * of it (prog_sss_half_scene), inside rect (in the scene's pixels). sigma_mm's terms that this pass does not
 * blur are 0 (their outputs go nowhere). */
static void sss_x_draw(render_context *rc, const render_frame *f, GLuint p, GLuint fbo, bool half,
                       const float sigma_mm[3][3], float px_per_mm_at_1mm, const int rect[4])
{
    const scene_targets *T = rc->tg;
    glBindFramebuffer(GL_FRAMEBUFFER, fbo);
    glViewport(0, 0, half ? T->half_w : f->width, half ? T->half_h : f->height);
    sss_scissor(rect, half);
    glUseProgram(p);
    glUniform3fv(uloc(p, "u_sss_sigma_mm"), 3, &sigma_mm[0][0]);
    glUniform1f(uloc(p, "u_px_per_mm_at_1mm"), px_per_mm_at_1mm);
    glUniform2f(uloc(p, "u_texel"), 1.0f / (float)f->width, 1.0f / (float)f->height);
    glUniform2f(uloc(p, "u_direction"), 1.0f, 0.0f);
    for (int i = 0; i < SCENE_TARGETS; ++i) {
        glActiveTexture(GL_TEXTURE0 + UNIT_IRRADIANCE + i);
        glBindTexture(GL_TEXTURE_2D, T->resolve_tex[i]);
    }
    glDrawArrays(GL_TRIANGLES, 0, 3);
}

/* A pass of sss_y.frag's programs (p) into fbo reading the three terms from term[] and blurring along
 * (dx, dy), at the full size or (half) at half of it, inside rect (the scene's pixels). */
static void sss_term_draw(render_context *rc, const render_frame *f, GLuint p, GLuint fbo, bool half,
                          const GLuint term[3], const float sigma_mm[3][3], const float weight[3][3],
                          float px_per_mm_at_1mm, const int rect[4], float dx, float dy)
{
    const scene_targets *T = rc->tg;
    glBindFramebuffer(GL_FRAMEBUFFER, fbo);
    glViewport(0, 0, half ? T->half_w : f->width, half ? T->half_h : f->height);
    sss_scissor(rect, half);
    glUseProgram(p);
    glUniform3fv(uloc(p, "u_sss_sigma_mm"), 3, &sigma_mm[0][0]);
    glUniform3fv(uloc(p, "u_sss_weight"), 3, &weight[0][0]);
    glUniform1f(uloc(p, "u_px_per_mm_at_1mm"), px_per_mm_at_1mm * (half ? 0.5f : 1.0f));
    glUniform2f(uloc(p, "u_texel"), 1.0f / (float)(half ? T->half_w : f->width),
                1.0f / (float)(half ? T->half_h : f->height));
    glUniform2f(uloc(p, "u_direction"), dx, dy);
    for (int i = 0; i < 3; ++i) {
        glActiveTexture(GL_TEXTURE0 + UNIT_TERM0 + i);
        glBindTexture(GL_TEXTURE_2D, term[i]);
    }
    glDrawArrays(GL_TRIANGLES, 0, 3);
}

/* The half-size terms 1 and 2 blurred along (dx, dy) from term[1] and term[2] into fbo's two targets. */
static void sss_half_blur(render_context *rc, const render_frame *f, GLuint fbo, const GLuint term[3],
                          const float sigma_mm[3][3], float px_per_mm_at_1mm, const int rect[4], float dx,
                          float dy)
{
    const float no_weight[3][3] = {{0.0f}};
    sss_term_draw(rc, f, rc->prog_sss_half_y, fbo, true, term, sigma_mm, no_weight, px_per_mm_at_1mm, rect,
                  dx, dy);
}

void render_sss_passes(render_context *rc, const render_frame *f)
{
    float sigma[3][3], weight[3][3];
    sss_profile(f, sigma, weight);
    /* A length L at distance z spans L * proj[1][1] * (height / 2) / z pixels. */
    float px_per_mm_at_1mm = f->proj[1][1] * (float)f->height * 0.5f;
    bool half = render_targets_sss_layout(rc->tg, sss_half_wanted(rc, f, sigma, px_per_mm_at_1mm));
    int *rect = rc->sss_rect;
    sss_rect(rc, f, sigma, px_per_mm_at_1mm, half, rect);
    bool whole = rect[0] == 0 && rect[1] == 0 && rect[2] == f->width && rect[3] == f->height;
    rc->sss_half = half;
    const scene_targets *T = rc->tg;
    glDisable(GL_DEPTH_TEST);
    glBindVertexArray(rc->empty_vao);
    /* A software rasteriser shades every pixel of a covered tile, whatever the shader's branches: the
     * scissor keeps the tiles without the head out of the passes. */
    glEnable(GL_SCISSOR_TEST);

    if (half) {
        /* Term 0 at full size (terms 1 and 2 given no width, their outputs going nowhere: the sss fbo has no
         * targets for them, render_targets_sss_layout). Then the scene at half size, unblurred (each texel
         * the light and distance of the nearest surface in its 2 x 2 pixels), blurred along x and along y by
         * the half-size program (one fetch a tap, as in the composite), and the composite upsampling terms 1
         * and 2. */
        float narrow[3][3] = {{sigma[0][0], sigma[0][1], sigma[0][2]}};
        static const GLenum first[] = {GL_COLOR_ATTACHMENT0, GL_NONE, GL_NONE};
        static const GLenum all[] = {GL_COLOR_ATTACHMENT0, GL_COLOR_ATTACHMENT1};
        sss_x_draw(rc, f, rc->prog_sss_x, T->sss_fbo, false, narrow, px_per_mm_at_1mm, rect);
        glBindFramebuffer(GL_FRAMEBUFFER, T->half_fbo[1]);
        glDrawBuffers(3, first);
        sss_x_draw(rc, f, rc->prog_sss_half_scene, T->half_fbo[1], true, sigma, px_per_mm_at_1mm, rect);
        glDrawBuffers(2, all);
        const GLuint scene_half[3] = {0, T->half_tex[2], T->half_tex[2]};
        sss_half_blur(rc, f, T->half_fbo[0], scene_half, sigma, px_per_mm_at_1mm, rect, 1.0f, 0.0f);
        const GLuint x_terms[3] = {0, T->half_tex[0], T->half_tex[1]};
        sss_half_blur(rc, f, T->half_fbo[1], x_terms, sigma, px_per_mm_at_1mm, rect, 0.0f, 1.0f);
        const GLuint terms[3] = {T->sss_tex[0], T->half_tex[2], T->half_tex[3]};
        sss_term_draw(rc, f, rc->prog_sss_half_composite, T->hdr_fbo, false, terms, sigma, weight,
                      px_per_mm_at_1mm, rect, 0.0f, 1.0f);
    } else {
        sss_x_draw(rc, f, rc->prog_sss_x, T->sss_fbo, false, sigma, px_per_mm_at_1mm, rect);
        sss_term_draw(rc, f, rc->prog_sss_y, T->hdr_fbo, false, T->sss_tex, sigma, weight, px_per_mm_at_1mm,
                      rect, 0.0f, 1.0f);
    }
    glActiveTexture(GL_TEXTURE0);
    glBindVertexArray(0);
    glDisable(GL_SCISSOR_TEST);
    if (!whole) {
        /* What sss_y.frag writes where there is no skin: the unscattered light (its alpha, 1 there, too:
         * nothing is drawn outside rect). */
        render_outside_copy(T->resolve_fbo ? T->resolve_fbo : T->msaa_fbo, GL_COLOR_ATTACHMENT2, T->hdr_fbo,
                            f->width, f->height, rect);
    }
}
