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

void render_sss_passes(render_context *rc, const render_frame *f)
{
    float sigma[3][3], weight[3][3];
    sss_profile(f, sigma, weight);
    /* A length L at distance z spans L * proj[1][1] * (height / 2) / z pixels. */
    float px_per_mm_at_1mm = f->proj[1][1] * (float)f->height * 0.5f;
    float texel[2] = {1.0f / (float)f->width, 1.0f / (float)f->height};
    glDisable(GL_DEPTH_TEST);
    glBindVertexArray(rc->empty_vao);

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
}
