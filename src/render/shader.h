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

#endif
