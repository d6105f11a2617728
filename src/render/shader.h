/* Shader programs: embedded GLSL sources (or the source tree's, in a debug session), compiled with a
 * common prelude, linked, and sampler units set after linking (GLSL 330 cannot say binding=). */
#ifndef SMP_RENDER_SHADER_H
#define SMP_RENDER_SHADER_H

#include "core/core.h"

#include <epoxy/gl.h>

typedef struct render_sampler_unit {
    const char *name;
    int unit;
} render_sampler_unit;

/* Builds a program from two shader files; include_dots prepends dots.glsl to both stages. samplers is
 * a list ended by {NULL, 0}. On failure *out is 0 and err holds the file name and the compiler log. */
smp_status render_program_create(GLuint *out, const char *vert_name, const char *frag_name, bool include_dots,
                                 const render_sampler_unit *samplers, bool from_disk, smp_error *err);
/* The same with defines (lines of "#define NAME VALUE\n", or NULL) put after the #version line of both
 * stages: the variants of one file that leave out work a frame does not need (mesh.frag's SMP_MESH_*). */
smp_status render_program_create_defines(GLuint *out, const char *vert_name, const char *frag_name,
                                         bool include_dots, const char *defines,
                                         const render_sampler_unit *samplers, bool from_disk, smp_error *err);

/* Every shader program the renderer builds, for the test that compiles them all; ends with NULL names. */
typedef struct render_program_info {
    const char *vert_name, *frag_name;
    bool include_dots;
    const char *defines; /* NULL, or render_program_create_defines' */
} render_program_info;
extern const render_program_info render_programs[];
/* sss_y.frag's defines for its two other programs (render_sss_passes): the half-size terms' y pass, and the
 * composite that upsamples them. */
#define SSS_HALF_BLUR_DEFINES "#define SMP_SSS_HALF_BLUR 1\n"
#define SSS_HALF_TERMS_DEFINES "#define SMP_SSS_HALF_TERMS 1\n"
/* sss_x.frag's: the scene at half size for those passes */
#define SSS_HALF_SCENE_DEFINES "#define SMP_SSS_HALF_SCENE 1\n"

/* A uniform's location in prog (-1 when the program has none of that name: GL ignores the set). */
static inline GLint uloc(GLuint prog, const char *name)
{
    return glGetUniformLocation(prog, name);
}

/* Points attributes first, first + 1, .. first + count - 1 of the bound vertex array at interleaved float
 * vectors of sizes[i] components in the bound GL_ARRAY_BUFFER, stride_floats floats apart, the first at
 * offset_floats, and enables them; divisor 1 makes them per instance (0 leaves them per vertex). */
void render_float_attribs(GLuint first, const int *sizes, int count, int stride_floats, size_t offset_floats,
                          GLuint divisor);
/* Filtering of the bound GL_TEXTURE_2D (min_filter GL_LINEAR_MIPMAP_LINEAR for a mipmapped one), its edges
 * clamped in s and t. */
void render_texture_clamped(GLint min_filter, GLint mag_filter);
/* A vertex array for instanced quads: attribute 0 is corners (4 corners, 2 floats each, a triangle strip) in
 * a buffer of its own. Creates *vao and *corner_vbo and leaves *vao bound. */
void render_quad_vao_create(GLuint *vao, GLuint *corner_vbo, const float corners[8]);

/* The frame's light as the lit programs (the skin, the stubble, the strands) read it: u_light_dir,
 * u_light_radiance, u_sky_radiance, u_ground_radiance. prog is in use. */
struct render_frame;
void render_light_uniforms_set(GLuint prog, const struct render_frame *f);

#endif
