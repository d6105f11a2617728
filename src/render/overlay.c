/* The window's overlay: text and panels in screen space over the finished frame. */
#include "render/render_internal.h"

smp_status render_overlay_draw(render_context *rc, const render_overlay *ov, int width, int height,
                               unsigned target_fbo, smp_error *err)
{
    if (!ov || ov->vertex_count == 0) return SMP_OK;
    if (ov->atlas_r8 && ov->atlas_version != rc->atlas_version) {
        glBindTexture(GL_TEXTURE_2D, rc->atlas_tex);
        glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, ov->atlas_width, ov->atlas_height, 0, GL_RED, GL_UNSIGNED_BYTE,
                     ov->atlas_r8);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
        rc->atlas_version = ov->atlas_version;
    }
    glBindFramebuffer(GL_FRAMEBUFFER, target_fbo);
    glViewport(0, 0, width, height);
    glEnable(GL_BLEND);
    glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
    glUseProgram(rc->prog_overlay);
    glUniform2f(uloc(rc->prog_overlay, "u_viewport_px"), (float)width, (float)height);
    glActiveTexture(GL_TEXTURE0 + UNIT_ATLAS);
    glBindTexture(GL_TEXTURE_2D, rc->atlas_tex);
    glActiveTexture(GL_TEXTURE0);
    glBindVertexArray(rc->overlay_vao);
    glBindBuffer(GL_ARRAY_BUFFER, rc->overlay_vbo);
    glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(sizeof(float) * 8 * ov->vertex_count), ov->vertices,
                 GL_STREAM_DRAW);
    render_float_attribs(0, (const int[]){2, 2, 4}, 3, 8, 0, 0);
    glDrawArrays(GL_TRIANGLES, 0, ov->vertex_count);
    glBindVertexArray(0);
    glDisable(GL_BLEND);
    return render_gl_check("render_overlay_draw", err);
}
