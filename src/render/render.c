/* The renderer: resources, scene upload, and the passes of one frame.
 *
 * Each dot's look (the two-Gaussian optical density of dots.glsl, per channel) is computed on the CPU from
 * the baked optics table, its depth, its ink and its layer's ageing state, and recomputed only when those
 * change. Passes: (1) shadow depth from the key light; (2) when the looks changed, the dots are splatted
 * into the chart-space density texture and its mip chain rebuilt; (3) the head, shaded, into a
 * multisampled HDR target; (4) resolve; (5) tone mapping into the target (the window or an RGBA8 texture).
 */
#include "render/render.h"

#include "optics/deposit.h"

#include "render/scar_internal.h"
#include "render/hair_internal.h"
#include "render/shader.h"
#include "scalp/skin.h"

#include <cglm/cglm.h>
#include <epoxy/gl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOD_NEAR_MM 0.12f /* pixel-footprint sigma below which dots are evaluated analytically */
#define LOD_FAR_MM 0.25f  /* ... above which the coverage texture alone is used */
#define GRID_CELL_MM 1.0f /* target size of a close-up grid cell */

enum {
    UNIT_SHADOW = 0,
    UNIT_COVERAGE,
    UNIT_CELLS,
    UNIT_CELL_DOTS,
    UNIT_DOTS,
    UNIT_LOOKS,
    UNIT_HDR,
    UNIT_ATLAS,
    UNIT_IRRADIANCE,
    UNIT_ALBEDO,
    UNIT_UNSCATTERED,
    UNIT_TERM0,
    UNIT_TERM1,
    UNIT_TERM2,
    UNIT_SCAR,
    UNIT_HAIR_LAYER,
    UNIT_HDR_FULL,
    UNIT_IMAGE,
    UNIT_LAYERS,
    UNIT_SKIN_MAP
};

/* The interactive path's per-layer density textures (coverage_from_layers): mip level of the chart texture
 * they stand for (3: 256 x 256 of the default 2048, texels of 1.8 mm on the built-in head, about a pixel of
 * the interactive path at 0.6 m). Summing them costs llvmpipe about 1 ms a layer at this size (a texel fetch
 * is about 15 ns there), 4 ms a layer at level 2. RGBA32F: its fetches cost llvmpipe a quarter less than
 * RGBA16F's, for 1 MB a layer. */
#define LAYERS_LEVEL 3

/* The scene pass writes three targets (mesh.frag): irradiance, albedo + view distance, unscattered light. */
enum { SCENE_TARGETS = 3 };

/* The scene's render targets at one internal size: multisampled, resolved, the subsurface terms, HDR. */
typedef struct scene_targets {
    int w, h, samples;
    GLuint msaa_fbo, msaa_color_rb[SCENE_TARGETS], msaa_depth_rb;
    GLuint resolve_fbo, resolve_tex[SCENE_TARGETS]; /* irradiance, albedo, unscattered */
    GLuint sss_fbo, sss_tex[3];                     /* the three profile terms after the x pass */
    /* the composite (sss_y.frag) goes into the irradiance texture, which nothing reads after sss_x.frag: one
     * full-size RGBA16F texture less (7.4 MB at 1280x720); read through rc->hdr_sampler (linear filtering,
     * for the interactive path's upsampling) */
    GLuint hdr_fbo, hdr_tex;
} scene_targets;

#define LOOK_FLOATS 16 /* per dot: a0, v0, a1, v1 as four RGBA32F texels */

struct render_context {
    render_context_desc desc;
    /* desc.gl_debug: the GL errors KHR_debug reported (-1 when not counted) and the first one's message */
    int gl_error_count;
    char gl_first_error[200];
    /* profile (desc.profile): the last frame's pass times, and when the pass running now began */
    float pass_ms[RENDER_PASS_COUNT];
    double pass_start_s;
    GLuint prog_trivial;
    GLuint prog_mesh, prog_shadow, prog_splat, prog_tonemap, prog_overlay, prog_sss_x, prog_sss_y,
        prog_edge_aa;
    GLuint empty_vao;
    /* head */
    GLuint mesh_vao, mesh_vbo, mesh_ibo;
    int mesh_index_count;
    int mesh_coarse_index_count; /* the interactive path's coarse triangles, after the full ones (0: none) */
    bool scar_patch_drawn;       /* the last frame drew the scars' displaced patch */
    float bounds_min[3], bounds_max[3];
    /* dots */
    int dot_count;
    float *dot_jacobians; /* 4 per dot, mm -> uv */
    pigment_dot *dots;    /* a copy, for rebuilding the grid */
    float chart_mm_per_uv;
    GLuint splat_vao, splat_corner_vbo, splat_instance_vbo;
    GLuint dots_tbo_buf, dots_tbo_tex, cell_dots_buf, cell_dots_tex, cells_tex;
    int grid_size, cell_entries;
    float *grid_reaches_mm; /* per dot, the reach its cell lists cover */
    /* looks: what the dots look like now (table, skin type, ageing state) */
    GLuint looks_buf, looks_tex;
    float *looks;      /* LOOK_FLOATS per dot */
    float *reaches_mm; /* per dot */
    float max_reach_mm;
    ageing_layer_state looks_layers[AGEING_MAX_LAYERS];
    const optics_table *looks_table;
    int looks_type;
    bool looks_valid;
    int look_updates;
    /* pigment density texture */
    GLuint coverage_tex, coverage_fbo;
    float coverage_flare[2]; /* the flare (sigma, area) the texture's alpha was splatted with */
    bool coverage_valid;
    int coverage_level; /* the finest mip level it holds: 0, or 1 when splatted on the interactive path */
    int resplats;
    /* the same per layer (session or touch-up), for the interactive path while the time moves: the dots are
     * sorted by layer (layer_first, layer_count); layer_ink and layer_redness are what the looks hold now
     * (dot_looks_update), layers_ink and layers_redness what each layer's texture was splatted with */
    int layer_first[AGEING_MAX_LAYERS], layer_count[AGEING_MAX_LAYERS];
    double layer_ink[AGEING_MAX_LAYERS][3], layer_redness[AGEING_MAX_LAYERS];
    ageing_layer_state inks_layers[AGEING_MAX_LAYERS]; /* the state layer_ink is of (layer_inks_update) */
    bool inks_valid;
    int ink_updates;
    double looks_ink[AGEING_MAX_LAYERS][3], looks_redness[AGEING_MAX_LAYERS]; /* those of the dots' looks */
    GLuint layers_tex, layers_fbo, prog_layers;
    int layers_slices,
        layers_slice[AGEING_MAX_LAYERS]; /* the texture array's slice of each layer; -1: no dots */
    bool layers_valid[AGEING_MAX_LAYERS];
    double layers_ink[AGEING_MAX_LAYERS][3], layers_redness[AGEING_MAX_LAYERS];
    float layers_flare[2];
    int layer_splats, layer_sums;
    /* shadow: the map depends on the key light's direction and the hair in it, never on the camera, so it is
     * drawn again only when that key changes (an orbit or a zoom reuses it) */
    GLuint shadow_tex, shadow_fbo;
    struct {
        bool valid, coarse;
        float light_dir[3];
        long hair;
    } shadow_key;
    int shadow_draws;
    /* frame targets: the full-quality set and the interactive one (smaller, one sample), each kept while its
     * size holds so that switching between the two paths allocates nothing; tg is the last frame's */
    scene_targets targets[2], *tg;
    int ldr_w, ldr_h;
    GLuint ldr_fbo, ldr_tex;   /* the finished image at the output size, for read-back */
    GLuint post_fbo, post_tex; /* the tone-mapped image before the edge anti-aliasing (without MSAA) */
    GLuint hdr_sampler;        /* linear filtering for the HDR images the tone mapping reads */
    int compare_w,
        compare_h; /* compare views: the kept "before" image (render_compare_capture), made on first use */
    GLuint compare_fbo, compare_tex;
    bool software; /* a software rasteriser (llvmpipe): see draw_scene */
    /* overlay */
    GLuint overlay_vao, overlay_vbo, atlas_tex;
    int atlas_version;
    render_scar scar; /* scars: chart-space relief and tissue (render/scar.c) */
    render_hair *hair;
    GLuint skin_map_tex; /* the photo's skin map over the chart (render_scene_set_skin_map); 0 when none */
};

static const render_sampler_unit mesh_samplers[] = {
    {"u_shadow_map", UNIT_SHADOW}, {"u_coverage", UNIT_COVERAGE},
    {"u_cells", UNIT_CELLS},       {"u_cell_dots", UNIT_CELL_DOTS},
    {"u_dots", UNIT_DOTS},         {"u_looks", UNIT_LOOKS},
    {"u_scar", UNIT_SCAR},         {"u_hair_layer", UNIT_HAIR_LAYER},
    {"u_skin_map", UNIT_SKIN_MAP}, {NULL, 0},
};
static const render_sampler_unit tonemap_samplers[] = {
    {"u_hdr", UNIT_HDR}, {"u_hdr_full", UNIT_HDR_FULL}, {NULL, 0}};
static const render_sampler_unit sss_x_samplers[] = {
    {"u_irradiance", UNIT_IRRADIANCE}, {"u_albedo", UNIT_ALBEDO}, {NULL, 0}};
static const render_sampler_unit sss_y_samplers[] = {{"u_term0", UNIT_TERM0},
                                                     {"u_term1", UNIT_TERM1},
                                                     {"u_term2", UNIT_TERM2},
                                                     {"u_albedo", UNIT_ALBEDO},
                                                     {"u_unscattered", UNIT_UNSCATTERED},
                                                     {NULL, 0}};
static const render_sampler_unit layers_samplers[] = {{"u_layers", UNIT_LAYERS}, {NULL, 0}};
static const render_sampler_unit edge_aa_samplers[] = {{"u_image", UNIT_IMAGE}, {NULL, 0}};
static const render_sampler_unit overlay_samplers[] = {{"u_atlas", UNIT_ATLAS}, {NULL, 0}};

static GLint uloc(GLuint prog, const char *name)
{
    return glGetUniformLocation(prog, name);
}

void render_frame_defaults(render_frame *f)
{
    memset(f, 0, sizeof *f);
    f->width = 1280;
    f->height = 720;
    glm_mat4_identity(f->view);
    glm_mat4_identity(f->proj);
    f->light_dir[1] = 1.0f;
    for (int k = 0; k < 3; ++k) {
        f->light_radiance[k] = 2.4f;
        f->sky_radiance[k] = 0.35f;
        f->ground_radiance[k] = 0.12f;
        f->skin_albedo[k] = 0.4f;
    }
    f->specular_f0 = 0.028f;
    f->roughness = 0.45f;
    f->film_f0 = 0.02f;
    f->film_roughness = 0.05f;
    f->film_coverage = 0.0f;
    f->film_ripple_mm = 2.5f;
    f->film_ripple_slope = 0.45f;
    f->skin_detail = 1.0f;
    f->sebum_f0 = SCALP_SKIN_SEBUM_F0;
    f->sebum_roughness = SCALP_SKIN_SEBUM_ROUGHNESS;
    f->sebum_coverage = SCALP_SKIN_SEBUM_COVERAGE;
    f->exposure = 1.0f;
    render_hair_frame_defaults(f);
}

/* The skin's micro-surface (shaders/skin.glsl) and sebum lobe (mesh.frag): scalp/skin.h's numbers. */
static void skin_uniforms_set(GLuint p, const render_frame *f)
{
    glUniform1f(uloc(p, "u_skin_detail"), fminf(fmaxf(f->skin_detail, 0.0f), 1.0f));
    glUniform2f(uloc(p, "u_skin_pore_spacing_mm"), 1.0f / sqrtf(SCALP_SKIN_FOLLICLE_PER_MM2),
                1.0f / sqrtf(SCALP_SKIN_PORE_PER_MM2));
    glUniform4f(uloc(p, "u_skin_pore_radius_mm"), SCALP_SKIN_FOLLICLE_RADIUS_MIN_MM,
                SCALP_SKIN_FOLLICLE_RADIUS_MAX_MM, SCALP_SKIN_PORE_RADIUS_MIN_MM,
                SCALP_SKIN_PORE_RADIUS_MAX_MM);
    glUniform1f(uloc(p, "u_skin_pore_depth_mm"), SCALP_SKIN_PORE_DEPTH_MM);
    glUniform1f(uloc(p, "u_skin_pore_darkening"), SCALP_SKIN_PORE_DARKENING);
    glUniform4f(uloc(p, "u_skin_furrow"), SCALP_SKIN_FURROW_SPACING_MM, SCALP_SKIN_FURROW_DEPTH_MM,
                SCALP_SKIN_FURROW_FINE_SPACING_MM, SCALP_SKIN_FURROW_FINE_DEPTH_MM);
    glUniform1f(uloc(p, "u_skin_scalp_furrow_scale"), SCALP_SKIN_SCALP_FURROW_SCALE);
    glUniform2f(uloc(p, "u_skin_mottle"), SCALP_SKIN_MOTTLE_MM, SCALP_SKIN_MOTTLE_AMPLITUDE);
    glUniform2f(uloc(p, "u_skin_blotch"), SCALP_SKIN_BLOTCH_MM, SCALP_SKIN_BLOTCH_DENSITY_GREEN);
    glUniform1f(uloc(p, "u_skin_local_shading"), SCALP_SKIN_LOCAL_SHADING);
    glUniform1f(uloc(p, "u_sebum_f0"), f->sebum_f0);
    glUniform1f(uloc(p, "u_sebum_roughness"), f->sebum_roughness);
    glUniform1f(uloc(p, "u_sebum_coverage"), fminf(fmaxf(f->sebum_coverage, 0.0f), 1.0f));
}

/* A non-multisampled RGBA16F texture of w x h with the given filtering (GL_NEAREST: read texel by texel). */
static GLuint texture_hdr(int w, int h, GLint filter)
{
    GLuint t;
    glGenTextures(1, &t);
    glBindTexture(GL_TEXTURE_2D, t);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA16F, w, h, 0, GL_RGBA, GL_FLOAT, NULL);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, filter);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, filter);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
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

static void targets_release(scene_targets *T)
{
    glDeleteFramebuffers(1, &T->msaa_fbo);
    glDeleteRenderbuffers(SCENE_TARGETS, T->msaa_color_rb);
    glDeleteRenderbuffers(1, &T->msaa_depth_rb);
    glDeleteFramebuffers(1, &T->resolve_fbo);
    glDeleteTextures(SCENE_TARGETS, T->resolve_tex);
    glDeleteFramebuffers(1, &T->sss_fbo);
    glDeleteTextures(3, T->sss_tex);
    glDeleteFramebuffers(1, &T->hdr_fbo);
    memset(T, 0, sizeof *T);
}

/* The scene targets T at w x h with the given MSAA samples (1 = none). */
static smp_status targets_ensure(scene_targets *T, int w, int h, int samples, smp_error *err)
{
    if (T->w == w && T->h == h && T->samples == samples && T->hdr_fbo) return SMP_OK;
    targets_release(T);
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

/* An RGBA8 texture of w x h (linear filtering) as the one colour attachment of a new framebuffer. */
static GLenum output_target(GLuint *fbo, GLuint *tex, int w, int h)
{
    glGenTextures(1, tex);
    glBindTexture(GL_TEXTURE_2D, *tex);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, NULL);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    return framebuffer_with(fbo, tex, 1);
}

/* The output-size targets: the finished image for read-back (and the trivial pass), and the tone-mapped one
 * the edge anti-aliasing reads. */
static smp_status ldr_ensure(render_context *rc, int w, int h, smp_error *err)
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

/* KHR_debug's callback: counts the errors (the only type enabled) and keeps the first message. Synchronous
 * output calls it on the thread that made the failing call, inside that call. */
static void GLAPIENTRY gl_debug_message(GLenum source, GLenum type, GLuint id, GLenum severity,
                                        GLsizei length, const GLchar *message, const void *user)
{
    (void)source, (void)id, (void)severity, (void)length;
    render_context *rc = (render_context *)user;
    if (type != GL_DEBUG_TYPE_ERROR) return;
    if (rc->gl_error_count++ == 0)
        snprintf(rc->gl_first_error, sizeof rc->gl_first_error, "%s", message ? message : "(no message)");
}

/* Turns on the error count when asked and the context has KHR_debug (core in GL 4.3). */
static void gl_debug_start(render_context *rc)
{
    rc->gl_error_count = -1;
    if (!rc->desc.gl_debug || !(epoxy_gl_version() >= 43 || epoxy_has_gl_extension("GL_KHR_debug"))) return;
    rc->gl_error_count = 0;
    glDebugMessageCallback(gl_debug_message, rc);
    glDebugMessageControl(GL_DONT_CARE, GL_DONT_CARE, GL_DONT_CARE, 0, NULL, GL_FALSE);
    glDebugMessageControl(GL_DONT_CARE, GL_DEBUG_TYPE_ERROR, GL_DONT_CARE, 0, NULL, GL_TRUE);
    glEnable(GL_DEBUG_OUTPUT_SYNCHRONOUS);
    glEnable(GL_DEBUG_OUTPUT);
}

int render_gl_error_count(const render_context *rc, const char **first)
{
    if (first) *first = rc->gl_first_error;
    return rc->gl_error_count;
}

smp_status render_context_create(render_context **out, const render_context_desc *desc, smp_error *err)
{
    *out = NULL;
    if (epoxy_gl_version() < 33)
        return smp_error_set(err, SMP_ERR_UNAVAILABLE,
                             "render: OpenGL 3.3 core is required, the context has %d.%d",
                             epoxy_gl_version() / 10, epoxy_gl_version() % 10);
    render_context *rc = calloc(1, sizeof *rc);
    if (!rc) return smp_error_set(err, SMP_ERR_NOMEM, "render: out of memory");
    if (desc) rc->desc = *desc;
    if (rc->desc.shadow_map_size <= 0) rc->desc.shadow_map_size = 2048;
    if (rc->desc.coverage_size <= 0) rc->desc.coverage_size = 2048;
    if (rc->desc.samples <= 0) rc->desc.samples = 1;
    gl_debug_start(rc);
    bool disk = rc->desc.shaders_from_disk;
    smp_status st;
    if ((st = render_program_create(&rc->prog_mesh, "mesh.vert", "mesh.frag", true, mesh_samplers, disk,
                                    err)) ||
        (st =
             render_program_create(&rc->prog_shadow, "shadow.vert", "shadow.frag", false, NULL, disk, err)) ||
        (st = render_program_create(&rc->prog_splat, "splat.vert", "splat.frag", true, NULL, disk, err)) ||
        (st = render_program_create(&rc->prog_tonemap, "fullscreen.vert", "tonemap.frag", false,
                                    tonemap_samplers, disk, err)) ||
        (st = render_program_create(&rc->prog_overlay, "overlay.vert", "overlay.frag", false,
                                    overlay_samplers, disk, err)) ||
        (st = render_program_create(&rc->prog_sss_x, "fullscreen.vert", "sss_x.frag", false, sss_x_samplers,
                                    disk, err)) ||
        (st = render_program_create(&rc->prog_sss_y, "fullscreen.vert", "sss_y.frag", false, sss_y_samplers,
                                    disk, err)) ||
        (st = render_program_create(&rc->prog_trivial, "fullscreen.vert", "trivial.frag", false, NULL, disk,
                                    err)) ||
        (st = render_program_create(&rc->prog_edge_aa, "fullscreen.vert", "edge_aa.frag", false,
                                    edge_aa_samplers, disk, err)) ||
        (st = render_program_create(&rc->prog_layers, "fullscreen.vert", "layers.frag", false,
                                    layers_samplers, disk, err)) ||
        (st = render_hair_create(&rc->hair, disk, rc->desc.samples > 1, err))) {
        render_context_destroy(rc);
        return st;
    }
    glGenVertexArrays(1, &rc->empty_vao);
    const char *renderer = (const char *)glGetString(GL_RENDERER);
    rc->software = renderer && (strstr(renderer, "llvmpipe") || strstr(renderer, "softpipe"));
    glGenSamplers(1, &rc->hdr_sampler);
    glSamplerParameteri(rc->hdr_sampler, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glSamplerParameteri(rc->hdr_sampler, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glSamplerParameteri(rc->hdr_sampler, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glSamplerParameteri(rc->hdr_sampler, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);

    /* Shadow map: depth texture with hardware comparison for PCF. */
    int ss = rc->desc.shadow_map_size;
    glGenTextures(1, &rc->shadow_tex);
    glBindTexture(GL_TEXTURE_2D, rc->shadow_tex);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_DEPTH_COMPONENT24, ss, ss, 0, GL_DEPTH_COMPONENT, GL_FLOAT, NULL);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_COMPARE_MODE, GL_COMPARE_REF_TO_TEXTURE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_COMPARE_FUNC, GL_LEQUAL);
    glGenFramebuffers(1, &rc->shadow_fbo);
    glBindFramebuffer(GL_FRAMEBUFFER, rc->shadow_fbo);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_TEXTURE_2D, rc->shadow_tex, 0);
    glDrawBuffer(GL_NONE);
    glReadBuffer(GL_NONE);
    GLenum s_shadow = glCheckFramebufferStatus(GL_FRAMEBUFFER);

    /* Pigment density: RGBA16F in the scalp chart, mip-mapped, rebuilt by splatting when the looks change. */
    int cs = rc->desc.coverage_size;
    glGenTextures(1, &rc->coverage_tex);
    glBindTexture(GL_TEXTURE_2D, rc->coverage_tex);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA16F, cs, cs, 0, GL_RGBA, GL_FLOAT, NULL);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR_MIPMAP_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    /* Anisotropic filtering keeps the far path's tone sharp on oblique skin, but not on llvmpipe: its sampler
     * loops over the texel box of each quad's footprint ellipse, and one edge-on quad at a silhouette (a
     * footprint of tens of mm) kept a rasteriser thread busy for 107 s (the ~210 s frame of the 2026-11-21
     * front orbit, docs/benchmarks.md); without it the frame took 1.4 s. Trilinear filtering there blurs
     * oblique skin a little more, with the same mean tone. */
    if (!rc->software && (epoxy_has_gl_extension("GL_EXT_texture_filter_anisotropic") ||
                          epoxy_has_gl_extension("GL_ARB_texture_filter_anisotropic"))) {
        float max_aniso = 1.0f;
        glGetFloatv(GL_MAX_TEXTURE_MAX_ANISOTROPY_EXT, &max_aniso);
        glTexParameterf(GL_TEXTURE_2D, GL_TEXTURE_MAX_ANISOTROPY_EXT, fminf(max_aniso, 8.0f));
    }
    glGenerateMipmap(GL_TEXTURE_2D);
    glGenFramebuffers(1, &rc->coverage_fbo);
    glBindFramebuffer(GL_FRAMEBUFFER, rc->coverage_fbo);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, rc->coverage_tex, 0);
    GLenum s_cov = glCheckFramebufferStatus(GL_FRAMEBUFFER);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    if (s_shadow != GL_FRAMEBUFFER_COMPLETE || s_cov != GL_FRAMEBUFFER_COMPLETE) {
        render_context_destroy(rc);
        return smp_error_set(err, SMP_ERR_GL, "render: shadow or coverage target incomplete (0x%x 0x%x)",
                             s_shadow, s_cov);
    }

    /* The close-up grid textures exist from the start (empty) so a frame without dots is valid. */
    glGenTextures(1, &rc->cells_tex);
    glGenBuffers(1, &rc->dots_tbo_buf);
    glGenTextures(1, &rc->dots_tbo_tex);
    glGenBuffers(1, &rc->cell_dots_buf);
    glGenTextures(1, &rc->cell_dots_tex);
    glGenBuffers(1, &rc->looks_buf);
    glGenTextures(1, &rc->looks_tex);

    glGenVertexArrays(1, &rc->overlay_vao);
    glGenBuffers(1, &rc->overlay_vbo);
    glGenTextures(1, &rc->atlas_tex);
    *out = rc;
    return SMP_OK;
}

void render_context_destroy(render_context *rc)
{
    if (!rc) return;
    if (rc->gl_error_count >= 0) {
        /* The context outlives rc: the callback must not reach it after it is freed. */
        glDisable(GL_DEBUG_OUTPUT);
        glDebugMessageCallback(NULL, NULL);
    }
    render_hair_destroy(rc->hair);
    GLuint progs[] = {rc->prog_mesh,  rc->prog_shadow, rc->prog_splat,   rc->prog_tonemap, rc->prog_overlay,
                      rc->prog_sss_x, rc->prog_sss_y,  rc->prog_trivial, rc->prog_edge_aa, rc->prog_layers};
    for (size_t i = 0; i < sizeof progs / sizeof progs[0]; ++i)
        if (progs[i]) glDeleteProgram(progs[i]);
    GLuint vaos[] = {rc->empty_vao, rc->mesh_vao, rc->splat_vao, rc->overlay_vao};
    glDeleteVertexArrays(4, vaos);
    GLuint bufs[] = {rc->mesh_vbo,     rc->mesh_ibo,      rc->splat_corner_vbo, rc->splat_instance_vbo,
                     rc->dots_tbo_buf, rc->cell_dots_buf, rc->overlay_vbo,      rc->looks_buf};
    glDeleteBuffers(8, bufs);
    GLuint texs[] = {rc->dots_tbo_tex, rc->cell_dots_tex, rc->cells_tex, rc->coverage_tex,
                     rc->shadow_tex,   rc->atlas_tex,     rc->looks_tex};
    glDeleteTextures(7, texs);
    GLuint fbos[] = {rc->coverage_fbo, rc->shadow_fbo, rc->layers_fbo};
    glDeleteFramebuffers(3, fbos);
    glDeleteTextures(1, &rc->layers_tex);
    glDeleteTextures(1, &rc->skin_map_tex);
    targets_release(&rc->targets[0]);
    targets_release(&rc->targets[1]);
    GLuint out_fbos[] = {rc->ldr_fbo, rc->post_fbo}, out_texs[] = {rc->ldr_tex, rc->post_tex};
    glDeleteFramebuffers(2, out_fbos);
    glDeleteTextures(2, out_texs);
    glDeleteSamplers(1, &rc->hdr_sampler);
    glDeleteFramebuffers(1, &rc->compare_fbo);
    glDeleteTextures(1, &rc->compare_tex);
    render_scar_release(&rc->scar);
    free(rc->dot_jacobians);
    free(rc->dots);
    free(rc->looks);
    free(rc->reaches_mm);
    free(rc->grid_reaches_mm);
    free(rc);
}

/* Bins every dot into the chart cells its reach can touch, so a fragment reads one cell's list. */
static smp_status grid_build(render_context *rc, smp_error *err)
{
    int n = rc->grid_size;
    uint32_t *counts = calloc((size_t)n * n, sizeof *counts);
    uint32_t *starts = malloc(sizeof *starts * 2 * (size_t)n * n);
    if (!counts || !starts) goto nomem;
    /* Two passes over the same rectangles: count, then fill. */
    uint32_t *entries = NULL;
    size_t total = 0;
    for (int pass = 0; pass < 2; ++pass) {
        if (pass == 1) {
            size_t acc = 0;
            for (size_t c = 0; c < (size_t)n * n; ++c) {
                starts[2 * c] = (uint32_t)acc;
                starts[2 * c + 1] = 0;
                acc += counts[c];
            }
            total = acc;
            entries = malloc(sizeof *entries * (total ? total : 1));
            if (!entries) goto nomem;
        }
        for (int i = 0; i < rc->dot_count; ++i) {
            /* Headroom so that slow spreading does not rebuild the grid every frame; a dot without ink
             * (its layer not yet tattooed) is listed nowhere. */
            rc->grid_reaches_mm[i] = rc->reaches_mm[i] * 1.15f;
            if (rc->reaches_mm[i] <= 0.0f) continue;
            /* A fragment blends the analytic path in up to a pixel sigma of LOD_FAR_MM, which widens it. */
            float reach_mm =
                sqrtf(rc->grid_reaches_mm[i] * rc->grid_reaches_mm[i] + 9.0f * LOD_FAR_MM * LOD_FAR_MM);
            const float *j = rc->dot_jacobians + 4 * i;
            /* Largest uv displacement for reach_mm in any tangent direction: the 2x2 matrix's norm bound. */
            float ru = reach_mm * (fabsf(j[0]) + fabsf(j[2]));
            float rv = reach_mm * (fabsf(j[1]) + fabsf(j[3]));
            int x0 = (int)floorf((rc->dots[i].uv[0] - ru) * n),
                x1 = (int)floorf((rc->dots[i].uv[0] + ru) * n);
            int y0 = (int)floorf((rc->dots[i].uv[1] - rv) * n),
                y1 = (int)floorf((rc->dots[i].uv[1] + rv) * n);
            x0 = x0 < 0 ? 0 : x0;
            y0 = y0 < 0 ? 0 : y0;
            x1 = x1 >= n ? n - 1 : x1;
            y1 = y1 >= n ? n - 1 : y1;
            for (int y = y0; y <= y1; ++y)
                for (int x = x0; x <= x1; ++x) {
                    size_t c = (size_t)y * n + x;
                    if (pass == 0)
                        counts[c]++;
                    else
                        entries[starts[2 * c] + starts[2 * c + 1]++] = (uint32_t)i;
                }
        }
    }
    glBindTexture(GL_TEXTURE_2D, rc->cells_tex);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RG32UI, n, n, 0, GL_RG_INTEGER, GL_UNSIGNED_INT, starts);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glBindBuffer(GL_TEXTURE_BUFFER, rc->cell_dots_buf);
    glBufferData(GL_TEXTURE_BUFFER, (GLsizeiptr)(sizeof *entries * (total ? total : 1)), entries,
                 GL_STATIC_DRAW);
    glBindTexture(GL_TEXTURE_BUFFER, rc->cell_dots_tex);
    glTexBuffer(GL_TEXTURE_BUFFER, GL_R32UI, rc->cell_dots_buf);
    rc->cell_entries = (int)total;
    free(counts);
    free(starts);
    free(entries);
    return SMP_OK;
nomem:
    free(counts);
    free(starts);
    return smp_error_set(err, SMP_ERR_NOMEM, "render: out of memory building the dot grid");
}

/* A dot's ageing layer (its session or touch-up). */
static int dot_layer(const pigment_dot *d)
{
    return d->session < AGEING_MAX_LAYERS ? d->session : AGEING_MAX_LAYERS - 1;
}

/* The per-layer density textures: one slice for each layer with dots, at mip level LAYERS_LEVEL's size. */
static smp_status layers_allocate(render_context *rc, smp_error *err)
{
    memset(rc->layers_valid, 0, sizeof rc->layers_valid);
    rc->layers_slices = 0;
    for (int l = 0; l < AGEING_MAX_LAYERS; ++l)
        rc->layers_slice[l] = rc->layer_count[l] > 0 ? rc->layers_slices++ : -1;
    glDeleteTextures(1, &rc->layers_tex);
    rc->layers_tex = 0;
    if (rc->layers_slices == 0) return SMP_OK;
    int size = rc->desc.coverage_size >> LAYERS_LEVEL;
    glGenTextures(1, &rc->layers_tex);
    glBindTexture(GL_TEXTURE_2D_ARRAY, rc->layers_tex);
    glTexImage3D(GL_TEXTURE_2D_ARRAY, 0, GL_RGBA32F, size, size, rc->layers_slices, 0, GL_RGBA, GL_FLOAT,
                 NULL);
    glTexParameteri(GL_TEXTURE_2D_ARRAY, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D_ARRAY, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D_ARRAY, GL_TEXTURE_MAX_LEVEL, 0);
    glBindTexture(GL_TEXTURE_2D_ARRAY, 0);
    if (!rc->layers_fbo) glGenFramebuffers(1, &rc->layers_fbo);
    glBindFramebuffer(GL_FRAMEBUFFER, rc->layers_fbo);
    glFramebufferTextureLayer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, rc->layers_tex, 0, 0);
    GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    if (status != GL_FRAMEBUFFER_COMPLETE)
        return smp_error_set(err, SMP_ERR_GL, "render: layer density target incomplete (0x%x)", status);
    return SMP_OK;
}

smp_status render_scene_set(render_context *rc, const scalp_head *head, const pigment_field *field,
                            smp_error *err)
{
    const scalp_mesh *m = &head->mesh;
    /* A new head: the scars' patch may no longer be built from the old one (render_scene_set_scars again). */
    rc->scar.head = NULL;
    rc->scar.set = NULL;
    /* Head mesh: interleaved position, normal, uv, and the skin's two weights (hair-bearing scalp, sebum:
     * scalp/skin.h) that shaders/skin.glsl and mesh.frag read. */
    size_t stride = 10;
    float *verts = malloc(sizeof *verts * stride * (size_t)m->vertex_count);
    if (!verts) return smp_error_set(err, SMP_ERR_NOMEM, "render: out of memory uploading the head");
    for (int k = 0; k < 3; ++k) {
        rc->bounds_min[k] = INFINITY;
        rc->bounds_max[k] = -INFINITY;
    }
    for (int v = 0; v < m->vertex_count; ++v) {
        memcpy(verts + stride * v, m->positions_mm + 3 * v, 3 * sizeof(float));
        memcpy(verts + stride * v + 3, m->normals + 3 * v, 3 * sizeof(float));
        memcpy(verts + stride * v + 6, m->uvs + 2 * v, 2 * sizeof(float));
        float scalp_w = scalp_scalp_weight(head, m->positions_mm + 3 * v);
        verts[stride * v + 8] = scalp_w;
        verts[stride * v + 9] = scalp_skin_sebum_weight(head, m->positions_mm + 3 * v, scalp_w);
        for (int k = 0; k < 3; ++k) {
            rc->bounds_min[k] = fminf(rc->bounds_min[k], m->positions_mm[3 * v + k]);
            rc->bounds_max[k] = fmaxf(rc->bounds_max[k], m->positions_mm[3 * v + k]);
        }
    }
    if (!rc->mesh_vao) {
        glGenVertexArrays(1, &rc->mesh_vao);
        glGenBuffers(1, &rc->mesh_vbo);
        glGenBuffers(1, &rc->mesh_ibo);
    }
    glBindVertexArray(rc->mesh_vao);
    glBindBuffer(GL_ARRAY_BUFFER, rc->mesh_vbo);
    glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(sizeof *verts * stride * m->vertex_count), verts,
                 GL_STATIC_DRAW);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, rc->mesh_ibo);
    int coarse = m->coarse_indices ? m->coarse_triangle_count : 0;
    size_t full_bytes = sizeof(uint32_t) * 3 * (size_t)m->triangle_count;
    glBufferData(GL_ELEMENT_ARRAY_BUFFER, (GLsizeiptr)(full_bytes + sizeof(uint32_t) * 3 * (size_t)coarse),
                 NULL, GL_STATIC_DRAW);
    glBufferSubData(GL_ELEMENT_ARRAY_BUFFER, 0, (GLsizeiptr)full_bytes, m->indices);
    if (coarse > 0)
        glBufferSubData(GL_ELEMENT_ARRAY_BUFFER, (GLintptr)full_bytes,
                        (GLsizeiptr)(sizeof(uint32_t) * 3 * coarse), m->coarse_indices);
    GLsizei bytes = (GLsizei)(stride * sizeof(float));
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 3, GL_FLOAT, GL_FALSE, bytes, (void *)0);
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 3, GL_FLOAT, GL_FALSE, bytes, (void *)(3 * sizeof(float)));
    glEnableVertexAttribArray(2);
    glVertexAttribPointer(2, 2, GL_FLOAT, GL_FALSE, bytes, (void *)(6 * sizeof(float)));
    glEnableVertexAttribArray(4);
    glVertexAttribPointer(4, 2, GL_FLOAT, GL_FALSE, bytes, (void *)(8 * sizeof(float)));
    glBindVertexArray(0);
    rc->mesh_index_count = 3 * m->triangle_count;
    rc->mesh_coarse_index_count = 3 * coarse;
    free(verts);

    /* Dots: a copy, chart Jacobians and the instance buffer for splatting (uv, Jacobian); the looks and the
     * positions with their reach follow from the first frame (dot_looks_update). */
    free(rc->dots);
    free(rc->dot_jacobians);
    free(rc->looks);
    free(rc->reaches_mm);
    free(rc->grid_reaches_mm);
    rc->dot_count = field ? field->count : 0;
    size_t n = (size_t)rc->dot_count;
    rc->dots = malloc(sizeof *rc->dots * (n ? n : 1));
    rc->dot_jacobians = malloc(sizeof(float) * 4 * (n ? n : 1));
    rc->looks = calloc((n ? n : 1) * LOOK_FLOATS, sizeof(float));
    rc->reaches_mm = calloc(n ? n : 1, sizeof(float));
    rc->grid_reaches_mm = calloc(n ? n : 1, sizeof(float));
    float *inst = malloc(sizeof(float) * 6 * (n ? n : 1));
    if (!rc->dots || !rc->dot_jacobians || !rc->looks || !rc->reaches_mm || !rc->grid_reaches_mm || !inst) {
        free(inst);
        rc->dot_count = 0;
        return smp_error_set(err, SMP_ERR_NOMEM, "render: out of memory uploading %zu dots", n);
    }
    /* The copy is sorted by layer (a counting sort, each layer in the field's order), so that each layer's
     * dots are one range of the instances (coverage_from_layers). */
    memset(rc->layer_count, 0, sizeof rc->layer_count);
    for (size_t i = 0; i < n; ++i)
        rc->layer_count[dot_layer(&field->dots[i])]++;
    for (int l = 0, first = 0; l < AGEING_MAX_LAYERS; first += rc->layer_count[l++])
        rc->layer_first[l] = first;
    {
        int next[AGEING_MAX_LAYERS];
        memcpy(next, rc->layer_first, sizeof next);
        for (size_t i = 0; i < n; ++i)
            rc->dots[next[dot_layer(&field->dots[i])]++] = field->dots[i];
    }
    for (size_t i = 0; i < n; ++i) {
        float *j = rc->dot_jacobians + 4 * i;
        scalp_head_uv_jacobian(head, rc->dots[i].position_mm, rc->dots[i].normal, j);
        inst[6 * i] = rc->dots[i].uv[0];
        inst[6 * i + 1] = rc->dots[i].uv[1];
        memcpy(inst + 6 * i + 2, j, 4 * sizeof(float));
    }
    if (!rc->splat_vao) {
        static const float corners[] = {-1, -1, 1, -1, -1, 1, 1, 1};
        glGenVertexArrays(1, &rc->splat_vao);
        glGenBuffers(1, &rc->splat_corner_vbo);
        glGenBuffers(1, &rc->splat_instance_vbo);
        glBindVertexArray(rc->splat_vao);
        glBindBuffer(GL_ARRAY_BUFFER, rc->splat_corner_vbo);
        glBufferData(GL_ARRAY_BUFFER, sizeof corners, corners, GL_STATIC_DRAW);
        glEnableVertexAttribArray(0);
        glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, (void *)0);
        glBindBuffer(GL_ARRAY_BUFFER, rc->splat_instance_vbo);
        GLsizei ib = 6 * sizeof(float);
        glEnableVertexAttribArray(1);
        glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, ib, (void *)0);
        glVertexAttribDivisor(1, 1);
        glEnableVertexAttribArray(2);
        glVertexAttribPointer(2, 4, GL_FLOAT, GL_FALSE, ib, (void *)(2 * sizeof(float)));
        glVertexAttribDivisor(2, 1);
        /* The looks buffer doubles as instance data for the splat and as a texel buffer for shading. */
        glBindBuffer(GL_ARRAY_BUFFER, rc->looks_buf);
        for (int k = 0; k < 4; ++k) {
            glEnableVertexAttribArray(3 + k);
            glVertexAttribPointer(3 + k, 4, GL_FLOAT, GL_FALSE, LOOK_FLOATS * sizeof(float),
                                  (void *)(4 * k * sizeof(float)));
            glVertexAttribDivisor(3 + k, 1);
        }
        glBindVertexArray(0);
    }
    glBindBuffer(GL_ARRAY_BUFFER, rc->splat_instance_vbo);
    glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(sizeof(float) * 6 * (n ? n : 1)), inst, GL_STATIC_DRAW);
    free(inst);

    rc->chart_mm_per_uv = head->uv_scale_mm;
    int g = (int)ceilf(head->uv_scale_mm / GRID_CELL_MM);
    rc->grid_size = g < 16 ? 16 : (g > 1024 ? 1024 : g);
    rc->coverage_valid = false;
    rc->looks_valid = false; /* the grid is built with the first looks */
    rc->shadow_key.valid = false;
    return layers_allocate(rc, err);
}

smp_status render_scene_set_scars(render_context *rc, const scalp_head *head, const scalp_scar_set *scars,
                                  smp_error *err)
{
    render_scar_bake bake;
    smp_status st = render_scar_bake_create(&bake, head, scars, 0, err);
    if (st == SMP_OK) st = render_scar_upload(&rc->scar, &bake, err);
    render_scar_bake_destroy(&bake);
    if (st == SMP_OK) st = render_scar_patch_set(&rc->scar, head, scars, err);
    return st;
}

smp_status render_scene_set_hair(render_context *rc, const scalp_head *head, const scalp_hair *hair,
                                 smp_error *err)
{
    rc->shadow_key.valid = false;
    return render_hair_upload(rc->hair, hair, head, err);
}

smp_status render_scene_set_skin_map(render_context *rc, const scalp_skin_map *map, smp_error *err)
{
    if (!map || !map->rgba || map->size <= 0) {
        glDeleteTextures(1, &rc->skin_map_tex);
        rc->skin_map_tex = 0;
        return SMP_OK;
    }
    if (!rc->skin_map_tex) glGenTextures(1, &rc->skin_map_tex);
    glBindTexture(GL_TEXTURE_2D, rc->skin_map_tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    /* sRGB: the factor / 2 was encoded so that dark hair keeps its precision in 8 bits (scalp/photo.h). */
    glTexImage2D(GL_TEXTURE_2D, 0, GL_SRGB8_ALPHA8, map->size, map->size, 0, GL_RGBA, GL_UNSIGNED_BYTE,
                 map->rgba);
    glGenerateMipmap(GL_TEXTURE_2D);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR_MIPMAP_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glBindTexture(GL_TEXTURE_2D, 0);
    GLenum e = glGetError();
    if (e != GL_NO_ERROR) return smp_error_set(err, SMP_ERR_GL, "skin map upload: GL error 0x%04x", e);
    return SMP_OK;
}

/* The key light's orthographic view of the head's bounds; *depth_per_mm: the shadow map's depth (0..1) per
 * millimetre along the light. */
static void light_matrix(const render_context *rc, const render_frame *f, mat4 out, float *depth_per_mm)
{
    vec3 centre, half;
    for (int k = 0; k < 3; ++k) {
        centre[k] = 0.5f * (rc->bounds_min[k] + rc->bounds_max[k]);
        half[k] = 0.5f * (rc->bounds_max[k] - rc->bounds_min[k]);
    }
    float radius = glm_vec3_norm(half) * 1.02f + 1.0f;
    vec3 l = {f->light_dir[0], f->light_dir[1], f->light_dir[2]}, eye, up = {0.0f, 1.0f, 0.0f};
    glm_vec3_normalize(l);
    if (fabsf(l[1]) > 0.99f) glm_vec3_copy((vec3){0.0f, 0.0f, 1.0f}, up);
    glm_vec3_scale(l, 2.0f * radius, eye);
    glm_vec3_add(eye, centre, eye);
    mat4 view, proj;
    glm_lookat(eye, centre, up, view);
    glm_ortho(-radius, radius, -radius, radius, 0.5f * radius, 3.5f * radius, proj);
    glm_mat4_mul(proj, view, out);
    *depth_per_mm = 1.0f / (3.0f * radius);
}

/* One dot's look in the form of dots.glsl: the deposit that ageing/ says the dot is now, turned into density
 * terms by optics/deposit; the layer's redness rides along in the first texel's w for the splat. Returns the
 * reach in mm. */
static float dot_look_terms(const optics_table *t, int type, const pigment_dot *d,
                            const ageing_layer_state *layer, float out[LOOK_FLOATS])
{
    memset(out, 0, sizeof(float) * LOOK_FLOATS);
    optics_deposit dep;
    ageing_dot_deposit(layer, d->diameter_mm, d->depth_mm, d->ink, d->fade_rate, &dep);
    optics_dot_terms terms;
    optics_deposit_terms(t, type, &dep, &terms);
    for (int c = 0; c < 3; ++c)
        for (int k = 0; k < 2; ++k) {
            out[8 * k + c] = (float)terms.amplitude[c][k];
            out[8 * k + 4 + c] = (float)terms.variance_mm2[c][k];
        }
    out[3] = layer->present ? (float)layer->redness : 0.0f;
    return (float)terms.reach_mm;
}

/* Field by field (a struct's padding bytes are not comparable). */
static bool layers_equal(const ageing_layer_state *a, const ageing_layer_state *b)
{
    for (int i = 0; i < AGEING_MAX_LAYERS; ++i) {
        const ageing_layer_state *x = &a[i], *y = &b[i];
        if (x->present != y->present || x->age_days != y->age_days || x->hazard != y->hazard ||
            x->veil != y->veil || x->surface_ink != y->surface_ink || x->fresh_width != y->fresh_width ||
            x->spread_mm2 != y->spread_mm2 || x->sink_mm != y->sink_mm || x->redness != y->redness ||
            x->swelling != y->swelling)
            return false;
    }
    return true;
}

/* Whether the dots' looks for b would differ from those for a by less than about 1 % of a dot's contrast or
 * size: what the interactive path lets pass while the time is scrubbed (the full-quality frame that follows
 * recomputes them exactly). */
static bool layers_close(const ageing_layer_state *a, const ageing_layer_state *b)
{
    for (int i = 0; i < AGEING_MAX_LAYERS; ++i) {
        const ageing_layer_state *x = &a[i], *y = &b[i];
        if (x->present != y->present || fabs(x->hazard - y->hazard) > 0.01 ||
            fabs(x->veil - y->veil) > 0.01 || fabs(x->surface_ink - y->surface_ink) > 0.01 ||
            fabs(x->fresh_width - y->fresh_width) > 0.01 || fabs(x->spread_mm2 - y->spread_mm2) > 0.0005 ||
            fabs(x->sink_mm - y->sink_mm) > 0.002 || fabs(x->redness - y->redness) > 0.01 ||
            fabs(x->swelling - y->swelling) > 0.01)
            return false;
    }
    return true;
}

/* Recomputes every dot's look when the table, the skin type or the ageing state changed; uploads the looks
 * and the positions with reaches, and rebuilds the close-up grid if the widest dot outgrew it. */
/* The size (mm) of one of frame f's pixels at the head's nearest point, for a surface facing the camera. */
static float nearest_pixel_mm(const render_context *rc, const render_frame *f)
{
    float radius = 0.0f, dist = 0.0f;
    for (int k = 0; k < 3; ++k) {
        float c = 0.5f * (rc->bounds_min[k] + rc->bounds_max[k]), e = f->eye_mm[k] - c;
        radius += 0.25f * (rc->bounds_max[k] - rc->bounds_min[k]) * (rc->bounds_max[k] - rc->bounds_min[k]);
        dist += e * e;
    }
    float near_mm = fmaxf(sqrtf(dist) - sqrtf(radius), 10.0f);
    return f->proj[1][1] > 0.0f ? 2.0f * near_mm / (f->proj[1][1] * (float)f->height) : 0.0f;
}

/* One dot in LAYER_INK_STRIDE of each layer (in its order) stands for the layer's ink (layer_ink). */
#define LAYER_INK_STRIDE 16

/* The ink (the integral of the density, sum of a_k 2 pi v_k, without the 2 pi) of a dot with look look. */
static void look_ink_add(const float *look, double ink[3])
{
    for (int c = 0; c < 3; ++c)
        ink[c] += look[c] * look[4 + c] + look[8 + c] * look[12 + c];
}

/* The interactive path while the time moves, with every pixel too coarse for the close-up path (mesh.frag
 * evaluates dots one by one where the pixel's footprint sigma, half its size, is under LOD_FAR_MM): only
 * the layers' ink and redness follow the time (coverage_from_layers scales the layers' textures by them),
 * from every LAYER_INK_STRIDE-th dot of each layer; the dots' own looks wait for the full-quality frame. A
 * sixteenth of the work of dot_looks_update, which took about 10 ms a frame for the built-in plan. */
static bool layer_inks_update(render_context *rc, const render_frame *f, const ageing_layer_state *state)
{
    render_frame scene = *f;
    scene.height = (int)ceilf((float)f->height * render_frame_interactive_scale(f));
    if (!f->interactive || !f->optics || 0.5f * nearest_pixel_mm(rc, &scene) < LOD_FAR_MM) return false;
    if (rc->inks_valid && layers_equal(state, rc->inks_layers)) return true;
    /* A layer that shows now but had no ink or no redness in the looks cannot be scaled from them. */
    for (int l = 0; l < AGEING_MAX_LAYERS; ++l) {
        const double *ink = rc->looks_ink[l];
        if ((state[l].present && ink[0] + ink[1] + ink[2] <= 0.0 && rc->layer_count[l] > 0) ||
            (state[l].present && state[l].redness > 0.0 && rc->looks_redness[l] <= 0.0))
            return false;
    }
    memset(rc->layer_ink, 0, sizeof rc->layer_ink);
    for (int l = 0; l < AGEING_MAX_LAYERS; ++l) {
        rc->layer_redness[l] = state[l].present ? state[l].redness : 0.0;
        for (int i = 0; i < rc->layer_count[l]; i += LAYER_INK_STRIDE) {
            float look[LOOK_FLOATS];
            dot_look_terms(f->optics, f->fitzpatrick, &rc->dots[rc->layer_first[l] + i], &state[l], look);
            look_ink_add(look, rc->layer_ink[l]);
        }
    }
    memcpy(rc->inks_layers, state, sizeof rc->inks_layers);
    rc->inks_valid = true;
    rc->coverage_valid = false;
    rc->ink_updates++;
    return true;
}

static smp_status dot_looks_update(render_context *rc, const render_frame *f, smp_error *err)
{
    ageing_layer_state state[AGEING_MAX_LAYERS];
    memset(state, 0, sizeof state); /* layers the frame does not give: absent, no ink */
    for (int i = 0; i < f->layer_count && i < AGEING_MAX_LAYERS; ++i)
        state[i] = f->layers[i];
    bool same = rc->looks_valid && rc->looks_table == f->optics && rc->looks_type == f->fitzpatrick;
    if (same && (layers_equal(state, rc->looks_layers) ||
                 (f->interactive && layers_close(state, rc->looks_layers)))) {
        /* Back at the looks' own time after layer_inks_update followed another: the layers' ink is the looks'
         * again (else the density texture would keep the other time's). */
        if (!layers_equal(rc->inks_layers, rc->looks_layers)) {
            memcpy(rc->layer_ink, rc->looks_ink, sizeof rc->layer_ink);
            memcpy(rc->layer_redness, rc->looks_redness, sizeof rc->layer_redness);
            memcpy(rc->inks_layers, rc->looks_layers, sizeof rc->inks_layers);
            rc->coverage_valid = false;
        }
        return SMP_OK;
    }
    if (same && rc->layers_slices > 0 && layer_inks_update(rc, f, state)) return SMP_OK;
    size_t n = (size_t)rc->dot_count;
    float *positions = malloc(sizeof(float) * 4 * (n ? n : 1));
    if (!positions) return smp_error_set(err, SMP_ERR_NOMEM, "render: out of memory updating dot looks");
    float max_reach = 0.0f;
    bool outgrown = !rc->looks_valid;
    memset(rc->layer_ink, 0, sizeof rc->layer_ink);
    for (int l = 0; l < AGEING_MAX_LAYERS; ++l)
        rc->layer_redness[l] = state[l].present ? state[l].redness : 0.0;
    for (size_t i = 0; i < n; ++i) {
        const pigment_dot *d = &rc->dots[i];
        int layer = dot_layer(d);
        float reach = 0.0f, *look = rc->looks + LOOK_FLOATS * i;
        if (f->optics)
            reach = dot_look_terms(f->optics, f->fitzpatrick, d, &state[layer], look);
        else
            memset(look, 0, sizeof(float) * LOOK_FLOATS);
        if ((i - (size_t)rc->layer_first[layer]) % LAYER_INK_STRIDE == 0)
            look_ink_add(look, rc->layer_ink[layer]);
        rc->reaches_mm[i] = reach;
        outgrown = outgrown || reach > rc->grid_reaches_mm[i];
        max_reach = fmaxf(max_reach, reach);
        memcpy(positions + 4 * i, d->position_mm, 3 * sizeof(float));
        positions[4 * i + 3] = reach;
    }
    glBindBuffer(GL_ARRAY_BUFFER, rc->looks_buf);
    glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(sizeof(float) * LOOK_FLOATS * (n ? n : 1)), rc->looks,
                 GL_DYNAMIC_DRAW);
    glBindTexture(GL_TEXTURE_BUFFER, rc->looks_tex);
    glTexBuffer(GL_TEXTURE_BUFFER, GL_RGBA32F, rc->looks_buf);
    glBindBuffer(GL_TEXTURE_BUFFER, rc->dots_tbo_buf);
    glBufferData(GL_TEXTURE_BUFFER, (GLsizeiptr)(sizeof(float) * 4 * (n ? n : 1)), positions,
                 GL_DYNAMIC_DRAW);
    glBindTexture(GL_TEXTURE_BUFFER, rc->dots_tbo_tex);
    glTexBuffer(GL_TEXTURE_BUFFER, GL_RGBA32F, rc->dots_tbo_buf);
    free(positions);
    memcpy(rc->looks_layers, state, sizeof state);
    memcpy(rc->looks_ink, rc->layer_ink, sizeof rc->looks_ink);
    memcpy(rc->looks_redness, rc->layer_redness, sizeof rc->looks_redness);
    memcpy(rc->inks_layers, state, sizeof state);
    rc->inks_valid = true;
    rc->looks_table = f->optics;
    rc->looks_type = f->fitzpatrick;
    rc->looks_valid = true;
    rc->coverage_valid = false;
    rc->look_updates++;
    rc->max_reach_mm = max_reach;
    /* Rebuild the cell lists only when a dot outgrew the reach it was listed with (never to shrink). */
    return outgrown ? grid_build(rc, err) : SMP_OK;
}

/* Points the splat's instance attributes at dot first: the chart position and Jacobian (attributes 1, 2) and
 * the looks (3..6). GL 3.3 has no base instance, so a draw of a range of the dots moves the pointers. */
static void splat_instances_from(render_context *rc, int first)
{
    glBindBuffer(GL_ARRAY_BUFFER, rc->splat_instance_vbo);
    GLsizei ib = 6 * sizeof(float);
    glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, ib, (void *)(sizeof(float) * 6 * (size_t)first));
    glVertexAttribPointer(2, 4, GL_FLOAT, GL_FALSE, ib, (void *)(sizeof(float) * (6 * (size_t)first + 2)));
    glBindBuffer(GL_ARRAY_BUFFER, rc->looks_buf);
    for (int k = 0; k < 4; ++k)
        glVertexAttribPointer(3 + k, 4, GL_FLOAT, GL_FALSE, LOOK_FLOATS * sizeof(float),
                              (void *)(sizeof(float) * (LOOK_FLOATS * (size_t)first + 4 * k)));
    glBindBuffer(GL_ARRAY_BUFFER, 0);
}

/* Splats dots first .. first + count - 1 into the bound target of cs x cs texels (additively). */
static void splat_dots(render_context *rc, int first, int count, int cs, const float flare[2])
{
    if (count <= 0) return;
    glDisable(GL_DEPTH_TEST);
    glEnable(GL_BLEND);
    glBlendFunc(GL_ONE, GL_ONE);
    glUseProgram(rc->prog_splat);
    /* A texel is a box of side mm_per_texel; its Gaussian equivalent has sigma = side / sqrt(12). */
    glUniform1f(uloc(rc->prog_splat, "u_texel_sigma_mm"), rc->chart_mm_per_uv / (float)cs / sqrtf(12.0f));
    glUniform1f(uloc(rc->prog_splat, "u_flare_sigma_mm"), flare[0]);
    glUniform1f(uloc(rc->prog_splat, "u_flare_area_mm2"), flare[1]);
    glBindVertexArray(rc->splat_vao);
    if (first != 0) splat_instances_from(rc, first);
    glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, count);
    if (first != 0) splat_instances_from(rc, 0);
    glBindVertexArray(0);
    glDisable(GL_BLEND);
}

/* The interactive path's density while the time moves: each layer's texture is splatted when it is missing
 * (the first frame of a drag, or a layer that has just come to be), then the textures are summed, each
 * scaled by the ink and the redness its layer has now against then (layers.frag), into the chart texture's
 * level LAYERS_LEVEL. Costs one splat on the first frame and a pass over 256 x 256 texels on the others,
 * where a splat of every dot each frame cost about 50 ms on llvmpipe (docs/benchmarks.md). The dots keep the
 * size they had when their layer was splatted: the full-quality frame after the drag splats them anew. */
static void coverage_from_layers(render_context *rc, const float flare[2])
{
    int cs = rc->desc.coverage_size >> LAYERS_LEVEL;
    if (flare[0] != rc->layers_flare[0] || flare[1] != rc->layers_flare[1])
        memset(rc->layers_valid, 0, sizeof rc->layers_valid);
    memcpy(rc->layers_flare, flare, sizeof rc->layers_flare);
    glBindFramebuffer(GL_FRAMEBUFFER, rc->layers_fbo);
    glViewport(0, 0, cs, cs);
    float scale[AGEING_MAX_LAYERS][4];
    memset(scale, 0, sizeof scale);
    for (int l = 0; l < AGEING_MAX_LAYERS; ++l) {
        int slice = rc->layers_slice[l];
        if (slice < 0) continue;
        const double *ink = rc->layer_ink[l], *then = rc->layers_ink[l];
        bool inked = ink[0] + ink[1] + ink[2] > 0.0, red = rc->layer_redness[l] > 0.0;
        if (!inked && !red) continue; /* nothing of the layer shows now */
        if (!rc->layers_valid[l] || (inked && then[0] + then[1] + then[2] <= 0.0) ||
            (red && rc->layers_redness[l] <= 0.0)) {
            glFramebufferTextureLayer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, rc->layers_tex, 0, slice);
            glClearBufferfv(GL_COLOR, 0, (const float[4]){0.0f, 0.0f, 0.0f, 0.0f});
            splat_dots(rc, rc->layer_first[l], rc->layer_count[l], cs, flare);
            /* the looks splatted are those of the last dot_looks_update, maybe older than layer_ink */
            memcpy(rc->layers_ink[l], rc->looks_ink[l], sizeof rc->layers_ink[l]);
            rc->layers_redness[l] = rc->looks_redness[l];
            rc->layers_valid[l] = true;
            rc->layer_splats++;
        }
        for (int c = 0; c < 3; ++c)
            scale[slice][c] = then[c] > 0.0 ? (float)(ink[c] / then[c]) : 0.0f;
        scale[slice][3] =
            rc->layers_redness[l] > 0.0 ? (float)(rc->layer_redness[l] / rc->layers_redness[l]) : 0.0f;
    }
    rc->layer_sums++;
    glBindTexture(GL_TEXTURE_2D, rc->coverage_tex);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_BASE_LEVEL, LAYERS_LEVEL);
    glBindFramebuffer(GL_FRAMEBUFFER, rc->coverage_fbo);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, rc->coverage_tex,
                           LAYERS_LEVEL);
    glDisable(GL_DEPTH_TEST);
    glDisable(GL_BLEND);
    glUseProgram(rc->prog_layers);
    glUniform1i(uloc(rc->prog_layers, "u_count"), rc->layers_slices);
    glUniform4fv(uloc(rc->prog_layers, "u_scale"), rc->layers_slices, &scale[0][0]);
    glActiveTexture(GL_TEXTURE0 + UNIT_LAYERS);
    glBindTexture(GL_TEXTURE_2D_ARRAY, rc->layers_tex);
    glBindVertexArray(rc->empty_vao);
    glDrawArrays(GL_TRIANGLES, 0, 3);
    glBindVertexArray(0);
    glBindTexture(GL_TEXTURE_2D_ARRAY, 0);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, rc->coverage_tex);
    glGenerateMipmap(GL_TEXTURE_2D);
}

static void coverage_update(render_context *rc, const render_frame *f)
{
    float flare[2] = {f->flare_sigma_mm > 0.0f ? f->flare_sigma_mm : 1.0f, f->flare_area_mm2};
    /* The interactive path sums the layers' textures at level LAYERS_LEVEL (coverage_from_layers) or, without
     * them, splats into mip level 1 or 2 (a quarter or a sixteenth of the texels: the splat's cost), the
     * coarsest whose texels are at most half a pixel at the head's nearest point, and reads from there; the
     * full-quality frame after it splats level 0 again. */
    int level = 0;
    bool layers = f->interactive && rc->layers_slices > 0;
    if (layers) {
        level = LAYERS_LEVEL;
    } else if (f->interactive) {
        float texel_mm = rc->chart_mm_per_uv / (float)rc->desc.coverage_size;
        float px_mm = nearest_pixel_mm(rc, f);
        level = 1;
        while (level < 2 && texel_mm * (float)(2 << level) <= 0.5f * px_mm)
            ++level;
    }
    if (rc->coverage_valid && flare[0] == rc->coverage_flare[0] && flare[1] == rc->coverage_flare[1] &&
        rc->coverage_level <= level)
        return;
    memcpy(rc->coverage_flare, flare, sizeof flare);
    rc->coverage_valid = true;
    rc->coverage_level = level;
    if (layers) {
        coverage_from_layers(rc, flare);
        return;
    }
    rc->resplats++;
    /* A full-quality splat is the new time the next drag's layer textures start from. */
    if (!f->interactive) memset(rc->layers_valid, 0, sizeof rc->layers_valid);
    int cs = rc->desc.coverage_size >> level;
    glBindTexture(GL_TEXTURE_2D, rc->coverage_tex);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_BASE_LEVEL, level);
    glBindFramebuffer(GL_FRAMEBUFFER, rc->coverage_fbo);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, rc->coverage_tex, level);
    glViewport(0, 0, cs, cs);
    glClearColor(0.0f, 0.0f, 0.0f, 0.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    splat_dots(rc, 0, rc->dot_count, cs, flare);
    glBindTexture(GL_TEXTURE_2D, rc->coverage_tex);
    glGenerateMipmap(GL_TEXTURE_2D);
}

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

static void sss_passes(render_context *rc, const render_frame *f)
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

const char *render_pass_name(int pass)
{
    static const char *const names[RENDER_PASS_COUNT] = {"shadow",  "textures", "head",   "hair",
                                                         "resolve", "sss",      "tonemap"};
    return pass >= 0 && pass < RENDER_PASS_COUNT ? names[pass] : "?";
}

/* Profiling (desc.profile): a frame starts the clock, each pass's end stops it for that pass. */
static void profile_start(render_context *rc)
{
    if (!rc->desc.profile) return;
    memset(rc->pass_ms, 0, sizeof rc->pass_ms);
    glFinish();
    rc->pass_start_s = smp_now_s();
}

static void profile_end(render_context *rc, int pass)
{
    if (!rc->desc.profile) return;
    glFinish();
    double t = smp_now_s();
    rc->pass_ms[pass] += (float)((t - rc->pass_start_s) * 1000.0);
    rc->pass_start_s = t;
}

/* On a software rasteriser the full head is drawn in this many parts, each finished before the next is binned
 * (see draw_scene: the bins of one part, not of the whole head, are held at the frame's peak). */
#define HEAD_PARTS_SOFTWARE 8

/* The head's triangles (vertex array bound): the coarse ones on the interactive path. */
static void head_mesh_draw(const render_context *rc, bool interactive)
{
    glBindVertexArray(rc->mesh_vao);
    if (interactive && rc->mesh_coarse_index_count > 0) {
        glDrawElements(GL_TRIANGLES, rc->mesh_coarse_index_count, GL_UNSIGNED_INT,
                       (void *)(sizeof(uint32_t) * (size_t)rc->mesh_index_count));
        return;
    }
    int parts = rc->software ? HEAD_PARTS_SOFTWARE : 1;
    int per = (rc->mesh_index_count / 3 + parts - 1) / parts * 3;
    for (int first = 0; first < rc->mesh_index_count; first += per) {
        int n = rc->mesh_index_count - first < per ? rc->mesh_index_count - first : per;
        glDrawElements(GL_TRIANGLES, n, GL_UNSIGNED_INT, (void *)(sizeof(uint32_t) * (size_t)first));
        if (parts > 1) glFinish();
    }
}

/* The key light's depth map: the head and the hair; the interactive path's into the lower left quarter of the
 * map (a quarter of the texels to fill; the frame samples it through shadow_sample_matrix). */
static void shadow_draw(render_context *rc, const render_frame *f, const mat4 light_vp)
{
    int ss = f->interactive ? rc->desc.shadow_map_size / 2 : rc->desc.shadow_map_size;
    rc->shadow_draws++;
    glBindFramebuffer(GL_FRAMEBUFFER, rc->shadow_fbo);
    glViewport(0, 0, ss, ss);
    glEnable(GL_DEPTH_TEST);
    glDepthFunc(GL_LESS);
    glEnable(GL_SCISSOR_TEST);
    glScissor(0, 0, ss, ss);
    glClear(GL_DEPTH_BUFFER_BIT);
    glDisable(GL_SCISSOR_TEST);
    glUseProgram(rc->prog_shadow);
    glUniformMatrix4fv(uloc(rc->prog_shadow, "u_light_view_proj"), 1, GL_FALSE, (float *)light_vp);
    glEnable(GL_POLYGON_OFFSET_FILL);
    glPolygonOffset(1.5f, 2.0f);
    head_mesh_draw(rc, f->interactive);
    glDisable(GL_POLYGON_OFFSET_FILL);
    render_hair_draw_shadow(rc->hair, f, light_vp);
}

/* The matrix the shaders look the shadow map up with: light_vp, or for the interactive path's quarter map
 * (shadow_draw) light_vp followed by the map from normalised coordinates onto that quarter. */
static void shadow_sample_matrix(const render_frame *f, mat4 light_vp, mat4 out)
{
    glm_mat4_copy(light_vp, out);
    if (!f->interactive) return;
    mat4 quarter = GLM_MAT4_IDENTITY_INIT;
    quarter[0][0] = quarter[1][1] = 0.5f;
    quarter[3][0] = quarter[3][1] = -0.5f;
    glm_mat4_mul(quarter, light_vp, out);
}

static void resolve(const scene_targets *T, const render_frame *f);

static void draw_scene(render_context *rc, const render_frame *f)
{
    mat4 light_vp, shadow_vp;
    float depth_per_mm;
    light_matrix(rc, f, light_vp, &depth_per_mm);
    shadow_sample_matrix(f, light_vp, shadow_vp);

    /* 1. Shadow depth, when the light or the hair in it changed. */
    int ss = rc->desc.shadow_map_size;
    long hair_key = render_hair_shadow_key(rc->hair, f);
    if (!rc->shadow_key.valid || hair_key != rc->shadow_key.hair || rc->shadow_key.coarse != f->interactive ||
        memcmp(rc->shadow_key.light_dir, f->light_dir, sizeof f->light_dir) != 0) {
        rc->shadow_key.valid = true;
        rc->shadow_key.coarse = f->interactive;
        rc->shadow_key.hair = hair_key;
        memcpy(rc->shadow_key.light_dir, f->light_dir, sizeof f->light_dir);
        shadow_draw(rc, f, light_vp);
    }
    profile_end(rc, RENDER_PASS_SHADOW);

    /* 2. Pigment coverage for the far path, and the hair layer over the skin. */
    coverage_update(rc, f);
    bool layer = render_hair_layer_update(rc->hair, f);
    profile_end(rc, RENDER_PASS_TEXTURES);

    /* 3. The head. */
    glBindFramebuffer(GL_FRAMEBUFFER, rc->tg->msaa_fbo);
    glViewport(0, 0, f->width, f->height);
    glEnable(GL_DEPTH_TEST);
    glEnable(GL_CULL_FACE);
    glCullFace(GL_BACK);
    glClear(GL_DEPTH_BUFFER_BIT);
    /* No skin (irradiance alpha = coverage 0, albedo 0) and a neutral studio backdrop in the light that does
     * not scatter, in linear light. */
    glClearBufferfv(GL_COLOR, 0, (const float[4]){0.0f, 0.0f, 0.0f, 0.0f});
    glClearBufferfv(GL_COLOR, 1, (const float[4]){0.0f, 0.0f, 0.0f, 0.0f});
    glClearBufferfv(GL_COLOR, 2, (const float[4]){0.055f, 0.06f, 0.07f, 1.0f});
    GLuint p = rc->prog_mesh;
    glUseProgram(p);
    mat4 vp;
    mat4 proj, view;
    glm_mat4_copy((vec4 *)f->proj, proj);
    glm_mat4_copy((vec4 *)f->view, view);
    glm_mat4_mul(proj, view, vp);
    glUniformMatrix4fv(uloc(p, "u_view_proj"), 1, GL_FALSE, (float *)vp);
    glUniformMatrix4fv(uloc(p, "u_light_view_proj"), 1, GL_FALSE, (float *)shadow_vp);
    glUniform3fv(uloc(p, "u_eye_mm"), 1, f->eye_mm);
    glUniform3fv(uloc(p, "u_light_dir"), 1, f->light_dir);
    glUniform3fv(uloc(p, "u_light_radiance"), 1, f->light_radiance);
    glUniform3fv(uloc(p, "u_sky_radiance"), 1, f->sky_radiance);
    glUniform3fv(uloc(p, "u_ground_radiance"), 1, f->ground_radiance);
    glUniform3fv(uloc(p, "u_skin_albedo"), 1, f->skin_albedo);
    glUniform3fv(uloc(p, "u_erythema_density"), 1, f->erythema_density);
    {
        double dmax[3] = {0.0, 0.0, 0.0};
        if (f->optics) optics_deposit_density_max(f->optics, f->fitzpatrick, dmax);
        /* 0 = no limit (a table without ink rows, or no table). */
        float dmax_f[3];
        for (int c = 0; c < 3; ++c)
            dmax_f[c] = dmax[c] > 0.0 ? (float)dmax[c] : 1e6f;
        glUniform3fv(uloc(p, "u_density_max"), 1, dmax_f);
    }
    glUniform1f(uloc(p, "u_specular_f0"), f->specular_f0);
    glUniform1f(uloc(p, "u_roughness"), f->roughness);
    glUniform1f(uloc(p, "u_film_f0"), f->film_f0);
    glUniform1f(uloc(p, "u_film_roughness"), f->film_roughness);
    glUniform1f(uloc(p, "u_film_coverage"), fminf(fmaxf(f->film_coverage, 0.0f), 1.0f));
    glUniform1f(uloc(p, "u_film_ripple_mm"), f->film_ripple_mm);
    glUniform1f(uloc(p, "u_film_ripple_slope"), f->film_ripple_slope);
    skin_uniforms_set(p, f);
    glUniform1f(uloc(p, "u_shadow_texel"), 1.0f / (float)ss);
    glUniform1f(uloc(p, "u_shadow_depth_per_mm"), depth_per_mm);
    glUniform1i(uloc(p, "u_shadow_pcf_radius"), f->interactive ? 0 : 1);
    glUniform1i(uloc(p, "u_grid_size"), rc->grid_size);
    glUniform1i(uloc(p, "u_dot_count"), rc->dot_count);
    glUniform1f(uloc(p, "u_lod_near_mm"), LOD_NEAR_MM);
    glUniform1f(uloc(p, "u_lod_far_mm"), LOD_FAR_MM);
    glActiveTexture(GL_TEXTURE0 + UNIT_SHADOW);
    glBindTexture(GL_TEXTURE_2D, rc->shadow_tex);
    glActiveTexture(GL_TEXTURE0 + UNIT_COVERAGE);
    glBindTexture(GL_TEXTURE_2D, rc->coverage_tex);
    glActiveTexture(GL_TEXTURE0 + UNIT_CELLS);
    glBindTexture(GL_TEXTURE_2D, rc->cells_tex);
    glActiveTexture(GL_TEXTURE0 + UNIT_CELL_DOTS);
    glBindTexture(GL_TEXTURE_BUFFER, rc->cell_dots_tex);
    glActiveTexture(GL_TEXTURE0 + UNIT_DOTS);
    glBindTexture(GL_TEXTURE_BUFFER, rc->dots_tbo_tex);
    glActiveTexture(GL_TEXTURE0 + UNIT_LOOKS);
    glBindTexture(GL_TEXTURE_BUFFER, rc->looks_tex);
    render_hair_layer_bind(rc->hair, p, UNIT_HAIR_LAYER, layer);
    render_scar_bind(&rc->scar, p, UNIT_SCAR, f->skin_albedo);
    glUniform1i(uloc(p, "u_skin_map_on"), rc->skin_map_tex != 0);
    glActiveTexture(GL_TEXTURE0 + UNIT_SKIN_MAP);
    glBindTexture(GL_TEXTURE_2D, rc->skin_map_tex);
    glActiveTexture(GL_TEXTURE0);
    /* Close to the scars their displaced patch takes over the head's skin where it is indented. */
    bool patch = rc->scar.patch_ready && render_scar_patch_select(&rc->scar, f->view, f->proj, f->height) > 0;
    rc->scar_patch_drawn = patch;
    glUniform1i(uloc(p, "u_scar_layer"), patch ? 1 : 0);
    glVertexAttrib1f(3, 0.0f); /* the head itself is not displaced */
    head_mesh_draw(rc, f->interactive);
    glBindVertexArray(0);
    if (patch) {
        glUniform1i(uloc(p, "u_scar_layer"), 2);
        render_scar_patch_draw(&rc->scar);
    }
    glDisable(GL_CULL_FACE);
    /* A software rasteriser bins a pass's triangles before it shades them: without this the head's bins
     * (about 25-50 MB at 1280x720) are still held while the hair's are made, and the two together set the
     * frame's peak memory. The hair's binning no longer overlaps the head's shading, a few ms. */
    if (rc->software) glFinish();
    profile_end(rc, RENDER_PASS_HEAD);
    render_hair_draw(rc->hair, f, vp, shadow_vp, rc->shadow_tex, ss, UNIT_SHADOW);
    glDisable(GL_DEPTH_TEST);
    profile_end(rc, RENDER_PASS_HAIR);

    /* 4. Resolve each target (drawn straight into the textures without multisampling). */
    if (rc->tg->resolve_fbo) resolve(rc->tg, f);
    profile_end(rc, RENDER_PASS_RESOLVE);

    /* 5. Subsurface scattering of the irradiance (two separable passes), then the composite into HDR. */
    sss_passes(rc, f);
    profile_end(rc, RENDER_PASS_SSS);
}

/* The multisampled scene targets into the textures the later passes read. */
static void resolve(const scene_targets *T, const render_frame *f)
{
    glBindFramebuffer(GL_READ_FRAMEBUFFER, T->msaa_fbo);
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, T->resolve_fbo);
    for (int i = 0; i < SCENE_TARGETS; ++i) {
        GLenum none_but[3] = {GL_NONE, GL_NONE, GL_NONE};
        none_but[i] = GL_COLOR_ATTACHMENT0 + i;
        glReadBuffer(GL_COLOR_ATTACHMENT0 + i);
        glDrawBuffers(SCENE_TARGETS, none_but);
        glBlitFramebuffer(0, 0, f->width, f->height, 0, 0, f->width, f->height, GL_COLOR_BUFFER_BIT,
                          GL_NEAREST);
    }
    static const GLenum all[] = {GL_COLOR_ATTACHMENT0, GL_COLOR_ATTACHMENT1, GL_COLOR_ATTACHMENT2};
    glDrawBuffers(SCENE_TARGETS, all);
    glReadBuffer(GL_COLOR_ATTACHMENT0);
}

/* Tone maps the last image of the path tg into target at the output size; with full_share > 0 the last
 * full-quality image is mixed in by that share (render_frame_present). */
static void tonemap_to(render_context *rc, const render_frame *f, const scene_targets *tg, float full_share,
                       GLuint target)
{
    /* Without multisampling the edges are smoothed after tone mapping (edge_aa.frag); not the interactive
     * path's image alone, drawn at a fraction of the size and magnified bilinearly: its edges are soft. */
    bool edge_aa = rc->desc.samples <= 1 && rc->post_fbo && (tg == &rc->targets[0] || full_share > 0.0f);
    glBindFramebuffer(GL_FRAMEBUFFER, edge_aa ? rc->post_fbo : target);
    glViewport(edge_aa || target != 0 ? 0 : f->output_x, 0, f->width, f->height);
    glUseProgram(rc->prog_tonemap);
    glUniform1f(uloc(rc->prog_tonemap, "u_exposure"), f->exposure);
    glUniform1f(uloc(rc->prog_tonemap, "u_full_share"), full_share);
    glActiveTexture(GL_TEXTURE0 + UNIT_HDR);
    glBindTexture(GL_TEXTURE_2D, tg->hdr_tex);
    glBindSampler(UNIT_HDR, rc->hdr_sampler);
    glActiveTexture(GL_TEXTURE0 + UNIT_HDR_FULL);
    glBindTexture(GL_TEXTURE_2D, rc->targets[0].hdr_tex);
    glBindSampler(UNIT_HDR_FULL, rc->hdr_sampler);
    glActiveTexture(GL_TEXTURE0);
    glBindVertexArray(rc->empty_vao);
    glDrawArrays(GL_TRIANGLES, 0, 3);
    glBindSampler(UNIT_HDR, 0);
    glBindSampler(UNIT_HDR_FULL, 0);
    if (edge_aa) {
        glBindFramebuffer(GL_FRAMEBUFFER, target);
        glViewport(target != 0 ? 0 : f->output_x, 0, f->width, f->height);
        glUseProgram(rc->prog_edge_aa);
        glUniform2f(uloc(rc->prog_edge_aa, "u_texel"), 1.0f / (float)f->width, 1.0f / (float)f->height);
        glActiveTexture(GL_TEXTURE0 + UNIT_IMAGE);
        glBindTexture(GL_TEXTURE_2D, rc->post_tex);
        glActiveTexture(GL_TEXTURE0);
        glDrawArrays(GL_TRIANGLES, 0, 3);
    }
    glBindVertexArray(0);
}

float render_frame_interactive_scale(const render_frame *f)
{
    return f->interactive_scale > 0.0f ? fminf(fmaxf(f->interactive_scale, 0.125f), 1.0f)
                                       : RENDER_INTERACTIVE_SCALE;
}

float render_interactive_scale_next(float scale, double frame_ms)
{
    if (scale <= 0.0f) scale = RENDER_INTERACTIVE_SCALE;
    if (!(frame_ms > 0.0)) return scale;
    float step = sqrtf((float)(RENDER_INTERACTIVE_TARGET_MS / frame_ms));
    step = fminf(fmaxf(step, 0.8f), 1.2f);
    /* In steps of 0.05: the interactive targets are made again only when the step changes, not every frame.
     */
    float next = roundf(scale * step * 20.0f) / 20.0f;
    return fminf(fmaxf(next, RENDER_INTERACTIVE_SCALE_MIN), RENDER_INTERACTIVE_SCALE_MAX);
}

/* Checks the frame, updates the dots' looks and readies the targets of its path; scene is the frame the scene
 * passes draw (the interactive path's smaller size). */
static smp_status frame_prepare(render_context *rc, const render_frame *f, render_frame *scene,
                                smp_error *err)
{
    if (f->width <= 0 || f->height <= 0 || f->width > 16384 || f->height > 16384)
        return smp_error_set(err, SMP_ERR_INPUT, "render: size %dx%d must be between 1 and 16384", f->width,
                             f->height);
    if (!rc->mesh_vao) return smp_error_set(err, SMP_ERR_GL, "render: no scene set before drawing");
    smp_status st = dot_looks_update(rc, f, err);
    if (st == SMP_OK) st = ldr_ensure(rc, f->width, f->height, err);
    if (st != SMP_OK) return st;
    *scene = *f;
    if (f->interactive) {
        float s = render_frame_interactive_scale(f);
        scene->width = (int)ceilf((float)f->width * s);
        scene->height = (int)ceilf((float)f->height * s);
        scene->skin_detail = 0.0f; /* the pores and furrows are finer than its pixels */
        rc->tg = &rc->targets[1];
        st = targets_ensure(rc->tg, scene->width, scene->height, 1, err);
    } else {
        rc->tg = &rc->targets[0];
        st = targets_ensure(rc->tg, f->width, f->height, rc->desc.samples, err);
    }
    if (st == SMP_OK) st = render_scar_patch_prepare(&rc->scar, scene->view, scene->proj, scene->height, err);
    return st;
}

static smp_status gl_check(const char *what, smp_error *err)
{
    GLenum e = glGetError();
    if (e != GL_NO_ERROR) return smp_error_set(err, SMP_ERR_GL, "render: OpenGL error 0x%x in %s", e, what);
    return SMP_OK;
}

smp_status render_frame_draw(render_context *rc, const render_frame *f, unsigned target_fbo, smp_error *err)
{
    render_frame scene;
    smp_status st = frame_prepare(rc, f, &scene, err);
    if (st != SMP_OK) return st;
    profile_start(rc);
    draw_scene(rc, &scene);
    tonemap_to(rc, f, rc->tg, 0.0f, target_fbo);
    profile_end(rc, RENDER_PASS_TONEMAP);
    return gl_check("render_frame_draw", err);
}

smp_status render_frame_present(render_context *rc, const render_frame *f, float full_share,
                                unsigned target_fbo, smp_error *err)
{
    const scene_targets *fast = &rc->targets[1], *full = &rc->targets[0];
    if (!full->hdr_tex && !fast->hdr_tex)
        return smp_error_set(err, SMP_ERR_GL, "render: nothing drawn yet to present");
    smp_status st = ldr_ensure(rc, f->width, f->height, err); /* the window may have been resized */
    if (st != SMP_OK) return st;
    full_share = fminf(fmaxf(full_share, 0.0f), 1.0f);
    if (!full->hdr_tex) full_share = 0.0f;
    if (!fast->hdr_tex) full_share = 1.0f;
    /* All full: tone map the full image alone (it stands in for both samplers' first). */
    tonemap_to(rc, f, full_share >= 1.0f ? full : fast, full_share >= 1.0f ? 0.0f : full_share, target_fbo);
    return gl_check("render_frame_present", err);
}

/* GL's rows run bottom-up; images run top-down. */
static smp_status rows_flip(uint8_t *rgba, int width, int height, smp_error *err)
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

smp_status render_frame_read_srgb8(render_context *rc, const render_frame *f, uint8_t *rgba, smp_error *err)
{
    render_frame scene;
    smp_status st = frame_prepare(rc, f, &scene, err);
    if (st != SMP_OK) return st;
    profile_start(rc);
    draw_scene(rc, &scene);
    tonemap_to(rc, f, rc->tg, 0.0f, rc->ldr_fbo);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, rc->ldr_fbo);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, f->width, f->height, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    st = rows_flip(rgba, f->width, f->height, err);
    profile_end(rc, RENDER_PASS_TONEMAP);
    return st == SMP_OK ? gl_check("render_frame_read_srgb8", err) : st;
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
    return gl_check("render_compare_beside", err);
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
    return gl_check("render_compare_overlay", err);
}

smp_status render_window_read_rgba8(render_context *rc, int width, int height, uint8_t *rgba, smp_error *err)
{
    (void)rc;
    glBindFramebuffer(GL_READ_FRAMEBUFFER, 0);
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
    smp_status st = rows_flip(rgba, width, height, err);
    return st == SMP_OK ? gl_check("render_window_read_rgba8", err) : st;
}

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
    GLsizei stride = 8 * sizeof(float);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, stride, (void *)0);
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, stride, (void *)(2 * sizeof(float)));
    glEnableVertexAttribArray(2);
    glVertexAttribPointer(2, 4, GL_FLOAT, GL_FALSE, stride, (void *)(4 * sizeof(float)));
    glDrawArrays(GL_TRIANGLES, 0, ov->vertex_count);
    glBindVertexArray(0);
    glDisable(GL_BLEND);
    return gl_check("render_overlay_draw", err);
}

void render_stats_get(const render_context *rc, render_stats *out)
{
    out->dot_count = rc->dot_count;
    out->cell_entries = rc->cell_entries;
    out->grid_size = rc->grid_size;
    out->coverage_resplats = rc->resplats;
    out->coverage_layer_splats = rc->layer_splats;
    out->coverage_layer_sums = rc->layer_sums;
    out->look_updates = rc->look_updates;
    out->max_reach_mm = rc->max_reach_mm;
    out->hair_uploads = render_hair_upload_count(rc->hair);
    out->hair_layer_splats = render_hair_layer_splat_count(rc->hair);
    out->scar_patch_triangles = rc->scar.patch_triangles;
    out->scar_patch_chunks_drawn = rc->scar_patch_drawn ? rc->scar.draw_count : 0;
    out->scar_patch_drawn = rc->scar_patch_drawn;
    out->shadow_draws = rc->shadow_draws;
    memcpy(out->pass_ms, rc->pass_ms, sizeof out->pass_ms);
}

long render_last_frame_nonfinite(render_context *rc, smp_error *err)
{
    if (!rc->tg || !rc->tg->hdr_tex) return 0;
    size_t n = (size_t)rc->tg->w * (size_t)rc->tg->h * 4;
    float *px = malloc(sizeof *px * n);
    if (!px) {
        smp_error_set(err, SMP_ERR_NOMEM, "render: out of memory");
        return -1;
    }
    glBindTexture(GL_TEXTURE_2D, rc->tg->hdr_tex);
    glPixelStorei(GL_PACK_ALIGNMENT, 4);
    glGetTexImage(GL_TEXTURE_2D, 0, GL_RGBA, GL_FLOAT, px);
    glBindTexture(GL_TEXTURE_2D, 0);
    long bad = 0;
    for (size_t i = 0; i < n; ++i)
        bad += !isfinite(px[i]);
    free(px);
    return gl_check("render_last_frame_nonfinite", err) == SMP_OK ? bad : -1;
}

const char *render_renderer_name(const render_context *rc)
{
    (void)rc;
    const GLubyte *s = glGetString(GL_RENDERER);
    return s ? (const char *)s : "unknown";
}

void render_finish(render_context *rc)
{
    (void)rc;
    glFinish();
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double render_trivial_pass_ms(render_context *rc, int width, int height, int count, smp_error *err)
{
    if (count < 1 || count > 1000) count = 1000;
    if (ldr_ensure(rc, width, height, err) != SMP_OK) return -1.0;
    double *ms = malloc(sizeof *ms * (size_t)count);
    if (!ms) {
        smp_error_set(err, SMP_ERR_NOMEM, "render: out of memory");
        return -1.0;
    }
    glBindFramebuffer(GL_FRAMEBUFFER, rc->ldr_fbo);
    glViewport(0, 0, width, height);
    glDisable(GL_DEPTH_TEST);
    glDisable(GL_BLEND);
    glUseProgram(rc->prog_trivial);
    glBindVertexArray(rc->empty_vao);
    glFinish();
    for (int i = 0; i < count; ++i) {
        double t = smp_now_s();
        glDrawArrays(GL_TRIANGLES, 0, 3);
        glFinish();
        ms[i] = (smp_now_s() - t) * 1000.0;
    }
    glBindVertexArray(0);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    qsort(ms, (size_t)count, sizeof *ms, cmp_double);
    double median = ms[count / 2];
    free(ms);
    return gl_check("render_trivial_pass_ms", err) == SMP_OK ? median : -1.0;
}
