#include "render/shader.h"

#include "core/embed.h"
#include "render/render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const smp_embedded_file smp_embedded_shaders[];

const render_program_info render_programs[] = {
    {"mesh.vert", "mesh.frag", true, NULL},
    {"shadow.vert", "shadow.frag", false, NULL},
    {"splat.vert", "splat.frag", true, NULL},
    {"fullscreen.vert", "tonemap.frag", false, NULL},
    {"overlay.vert", "overlay.frag", false, NULL},
    {"fullscreen.vert", "sss_x.frag", false, NULL},
    {"fullscreen.vert", "sss_x.frag", false, SSS_HALF_SCENE_DEFINES},
    {"fullscreen.vert", "sss_y.frag", false, NULL},
    {"fullscreen.vert", "sss_y.frag", false, SSS_HALF_BLUR_DEFINES},
    {"fullscreen.vert", "sss_y.frag", false, SSS_HALF_TERMS_DEFINES},
    {"hair.vert", "hair.frag", false, NULL},
    {"hair.vert", "shadow.frag", false, NULL},
    {"hair_streak.vert", "hair_streak.frag", false, NULL},
    {"hair_strand.vert", "hair.frag", false, NULL},
    {"hair_strand.vert", "shadow.frag", false, NULL},
    {"fullscreen.vert", "layers.frag", false, NULL},
    /* The head's variants without the skin's relief, the scars or the water film, in every combination
     * (render_mesh_program in render.c). */
    {"mesh.vert", "mesh.frag", true, "#define SMP_MESH_RELIEF 0\n"},
    {"mesh.vert", "mesh.frag", true, "#define SMP_MESH_SCARS 0\n"},
    {"mesh.vert", "mesh.frag", true, "#define SMP_MESH_RELIEF 0\n#define SMP_MESH_SCARS 0\n"},
    {"mesh.vert", "mesh.frag", true, "#define SMP_MESH_FILM 0\n"},
    {"mesh.vert", "mesh.frag", true, "#define SMP_MESH_RELIEF 0\n#define SMP_MESH_FILM 0\n"},
    {"mesh.vert", "mesh.frag", true, "#define SMP_MESH_SCARS 0\n#define SMP_MESH_FILM 0\n"},
    {"mesh.vert", "mesh.frag", true,
     "#define SMP_MESH_RELIEF 0\n#define SMP_MESH_SCARS 0\n#define SMP_MESH_FILM 0\n"},
    {NULL, NULL, false, NULL},
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

/* Files included after dots.glsl into one shader file (besides include_dots): hair_layer.glsl (the hair
 * layer over the skin, which scar.glsl marches through), scar.glsl and skin.glsl (the skin's micro-surface
 * and the value noise the water film shares) into the mesh fragment shader. */
static const struct {
    const char *file;
    const char *includes[4];
} file_includes[] = {
    {"mesh.frag", {"hair_layer.glsl", "scar.glsl", "skin.glsl", NULL}},
};

static GLuint stage_compile(GLenum type, const char *name, bool include_dots, const char *defines,
                            bool from_disk, smp_error *err)
{
    enum { MAX_PARTS = 8 };
    const char *names[MAX_PARTS];
    int count = 0;
    if (include_dots) names[count++] = "dots.glsl";
    for (size_t f = 0; f < sizeof file_includes / sizeof file_includes[0]; ++f)
        if (strcmp(file_includes[f].file, name) == 0)
            for (int i = 0; file_includes[f].includes[i] && count < MAX_PARTS - 4; ++i)
                names[count++] = file_includes[f].includes[i];
    char *texts[MAX_PARTS] = {NULL};
    char *body = source_get(name, from_disk, err);
    bool ok_sources = body != NULL;
    for (int i = 0; i < count && ok_sources; ++i)
        ok_sources = (texts[i] = source_get(names[i], from_disk, err)) != NULL;
    if (!ok_sources) {
        free(body);
        for (int i = 0; i < count; ++i)
            free(texts[i]);
        return 0;
    }
    const char *parts[MAX_PARTS + 4];
    int n = 0;
    parts[n++] = "#version 330 core\n";
    if (defines) parts[n++] = defines;
    for (int i = 0; i < count; ++i) {
        parts[n++] = texts[i];
        parts[n++] = "\n";
    }
    parts[n++] = "#line 1\n";
    parts[n++] = body;
    GLuint shader = glCreateShader(type);
    glShaderSource(shader, n, parts, NULL);
    glCompileShader(shader);
    free(body);
    for (int i = 0; i < count; ++i)
        free(texts[i]);
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
    return render_program_create_defines(out, vert_name, frag_name, include_dots, NULL, samplers, from_disk,
                                         err);
}

smp_status render_program_create_defines(GLuint *out, const char *vert_name, const char *frag_name,
                                         bool include_dots, const char *defines,
                                         const render_sampler_unit *samplers, bool from_disk, smp_error *err)
{
    *out = 0;
    GLuint vs = stage_compile(GL_VERTEX_SHADER, vert_name, include_dots, defines, from_disk, err);
    if (!vs) return err ? err->status : SMP_ERR_GL;
    GLuint fs = stage_compile(GL_FRAGMENT_SHADER, frag_name, include_dots, defines, from_disk, err);
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

void render_light_uniforms_set(GLuint prog, const render_frame *f)
{
    glUniform3fv(uloc(prog, "u_light_dir"), 1, f->light_dir);
    glUniform3fv(uloc(prog, "u_light_radiance"), 1, f->light_radiance);
    glUniform3fv(uloc(prog, "u_sky_radiance"), 1, f->sky_radiance);
    glUniform3fv(uloc(prog, "u_ground_radiance"), 1, f->ground_radiance);
}

void render_float_attribs(GLuint first, const int *sizes, int count, int stride_floats, size_t offset_floats,
                          GLuint divisor)
{
    GLsizei stride = (GLsizei)((size_t)stride_floats * sizeof(float));
    for (int a = 0; a < count; ++a) {
        GLuint index = first + (GLuint)a;
        glEnableVertexAttribArray(index);
        glVertexAttribPointer(index, sizes[a], GL_FLOAT, GL_FALSE, stride,
                              (void *)(offset_floats * sizeof(float)));
        if (divisor) glVertexAttribDivisor(index, divisor);
        offset_floats += (size_t)sizes[a];
    }
}

void render_quad_vao_create(GLuint *vao, GLuint *corner_vbo, const float corners[8])
{
    glGenVertexArrays(1, vao);
    glGenBuffers(1, corner_vbo);
    glBindVertexArray(*vao);
    glBindBuffer(GL_ARRAY_BUFFER, *corner_vbo);
    glBufferData(GL_ARRAY_BUFFER, 8 * sizeof(float), corners, GL_STATIC_DRAW);
    render_float_attribs(0, (const int[]){2}, 1, 2, 0, 0);
}

void render_texture_clamped(GLint min_filter, GLint mag_filter)
{
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, min_filter);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, mag_filter);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
}
