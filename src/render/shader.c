#include "render/shader.h"

#include "core/embed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const smp_embedded_file smp_embedded_shaders[];

const render_program_info render_programs[] = {
    {"mesh.vert", "mesh.frag", true},          {"shadow.vert", "shadow.frag", false},
    {"splat.vert", "splat.frag", true},        {"fullscreen.vert", "tonemap.frag", false},
    {"overlay.vert", "overlay.frag", false},   {"hair.vert", "hair.frag", false},
    {"hair.vert", "shadow.frag", false},       {"hair_streak.vert", "hair_streak.frag", false},
    {NULL, NULL, false},
};

static char *source_get(const char *name, bool from_disk, smp_error *err)
{
#ifdef SMP_SHADER_DIR
    if (from_disk) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", SMP_SHADER_DIR, name);
        char *text = NULL;
        if (smp_file_read(path, &text, NULL, NULL) == SMP_OK) return text;
    }
#else
    (void)from_disk;
#endif
    const smp_embedded_file *f = smp_embedded_find(smp_embedded_shaders, name);
    if (!f) {
        smp_error_set(err, SMP_ERR_GL, "shader %s: not embedded in this build", name);
        return NULL;
    }
    char *text = malloc(f->size + 1);
    if (!text) {
        smp_error_set(err, SMP_ERR_NOMEM, "shader %s: out of memory", name);
        return NULL;
    }
    memcpy(text, f->data, f->size);
    text[f->size] = '\0';
    return text;
}

/* GL logs span lines; our errors are one line. */
static void log_to_one_line(char *log)
{
    for (char *c = log; *c; ++c)
        if (*c == '\n') *c = ' ';
}

static GLuint stage_compile(GLenum type, const char *name, bool include_dots, bool from_disk, smp_error *err)
{
    char *body = source_get(name, from_disk, err);
    char *dots = include_dots ? source_get("dots.glsl", from_disk, err) : NULL;
    if (!body || (include_dots && !dots)) {
        free(body);
        free(dots);
        return 0;
    }
    const char *parts[4] = {"#version 330 core\n", dots ? dots : "", "\n#line 1\n", body};
    GLuint shader = glCreateShader(type);
    glShaderSource(shader, 4, parts, NULL);
    glCompileShader(shader);
    free(body);
    free(dots);
    GLint ok = 0;
    glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        char log[400];
        glGetShaderInfoLog(shader, sizeof log, NULL, log);
        log_to_one_line(log);
        smp_error_set(err, SMP_ERR_GL, "shader %s: does not compile: %s", name, log);
        glDeleteShader(shader);
        return 0;
    }
    return shader;
}

smp_status render_program_create(GLuint *out, const char *vert_name, const char *frag_name, bool include_dots,
                                 const render_sampler_unit *samplers, bool from_disk, smp_error *err)
{
    *out = 0;
    GLuint vs = stage_compile(GL_VERTEX_SHADER, vert_name, include_dots, from_disk, err);
    if (!vs) return err ? err->status : SMP_ERR_GL;
    GLuint fs = stage_compile(GL_FRAGMENT_SHADER, frag_name, include_dots, from_disk, err);
    if (!fs) {
        glDeleteShader(vs);
        return err ? err->status : SMP_ERR_GL;
    }
    GLuint prog = glCreateProgram();
    glAttachShader(prog, vs);
    glAttachShader(prog, fs);
    glLinkProgram(prog);
    glDeleteShader(vs);
    glDeleteShader(fs);
    GLint ok = 0;
    glGetProgramiv(prog, GL_LINK_STATUS, &ok);
    if (!ok) {
        char log[400];
        glGetProgramInfoLog(prog, sizeof log, NULL, log);
        log_to_one_line(log);
        glDeleteProgram(prog);
        return smp_error_set(err, SMP_ERR_GL, "shaders %s + %s: do not link: %s", vert_name, frag_name, log);
    }
    glUseProgram(prog);
    for (const render_sampler_unit *s = samplers; s && s->name; ++s) {
        GLint loc = glGetUniformLocation(prog, s->name);
        if (loc >= 0) glUniform1i(loc, s->unit);
    }
    glUseProgram(0);
    *out = prog;
    return SMP_OK;
}
