/* The renderer: the context, and the entry points of a frame (drawn, presented, read back).
 *
 * Each dot's look (the two-Gaussian optical density of dots.glsl, per channel) is computed on the CPU from
 * the baked optics table, its depth, its ink and its layer's ageing state, and recomputed only when those
 * change (dots.c). Passes (passes.c): (1) shadow depth from the key light; (2) when the looks changed, the
 * dots are splatted into the chart-space density texture and its mip chain rebuilt; (3) the head, shaded,
 * into a multisampled HDR target; (4) resolve; (5) subsurface scattering (sss.c); (6) tone mapping into the
 * target (the window or an RGBA8 texture). */
#include "render/render_internal.h"

static const render_sampler_unit mesh_samplers[] = {
    {"u_shadow_map", UNIT_SHADOW},
    {"u_coverage", UNIT_COVERAGE},
    {"u_cells", UNIT_CELLS},
    {"u_cell_dots", UNIT_CELL_DOTS},
    {"u_dots", UNIT_DOTS},
    {"u_looks", UNIT_LOOKS},
    {"u_scar", UNIT_SCAR},
    {"u_scar_near", UNIT_SCAR_NEAR},
    {"u_hair_layer", UNIT_HAIR_LAYER},
    {"u_skin_map", UNIT_SKIN_MAP},
    {"u_halo", UNIT_HALO},
    {"u_hair_streaks", UNIT_HAIR_STREAKS},
    {NULL, 0},
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
        (st = render_program_create_defines(&rc->prog_sss_half_scene, "fullscreen.vert", "sss_x.frag", false,
                                            SSS_HALF_SCENE_DEFINES, sss_x_samplers, disk, err)) ||
        (st = render_program_create_defines(&rc->prog_sss_half_y, "fullscreen.vert", "sss_y.frag", false,
                                            SSS_HALF_BLUR_DEFINES, sss_y_samplers, disk, err)) ||
        (st = render_program_create_defines(&rc->prog_sss_half_composite, "fullscreen.vert", "sss_y.frag",
                                            false, SSS_HALF_TERMS_DEFINES, sss_y_samplers, disk, err)) ||
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
    render_texture_clamped(GL_LINEAR, GL_LINEAR);
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
    render_texture_clamped(GL_LINEAR_MIPMAP_LINEAR, GL_LINEAR);
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
    /* The dots' halos for the close-up path (render_halo_update): levels 0 and 1. */
    glGenTextures(1, &rc->halo_tex);
    glBindTexture(GL_TEXTURE_2D, rc->halo_tex);
    for (int level = 0; level < 2; ++level)
        glTexImage2D(GL_TEXTURE_2D, level, GL_RGBA16F, HALO_SIZE >> level, HALO_SIZE >> level, 0, GL_RGBA,
                     GL_FLOAT, NULL);
    render_texture_clamped(GL_LINEAR, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAX_LEVEL, 1);
    glGenFramebuffers(1, &rc->halo_fbo);
    glBindFramebuffer(GL_FRAMEBUFFER, rc->halo_fbo);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, rc->halo_tex, 0);
    glClearBufferfv(GL_COLOR, 0, (const float[4]){0.0f, 0.0f, 0.0f, 0.0f});
    GLenum s_halo = glCheckFramebufferStatus(GL_FRAMEBUFFER);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, rc->halo_tex, 1);
    glClearBufferfv(GL_COLOR, 0, (const float[4]){0.0f, 0.0f, 0.0f, 0.0f});
    rc->halo_looks = -1;
    rc->halo_scale[0] = rc->halo_scale[1] = rc->halo_scale[2] = 1.0f;
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    if (s_shadow != GL_FRAMEBUFFER_COMPLETE || s_cov != GL_FRAMEBUFFER_COMPLETE ||
        s_halo != GL_FRAMEBUFFER_COMPLETE) {
        render_context_destroy(rc);
        return smp_error_set(err, SMP_ERR_GL,
                             "render: shadow, coverage or halo target incomplete (0x%x 0x%x 0x%x)", s_shadow,
                             s_cov, s_halo);
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

void render_mesh_variants_set(render_context *rc, bool use)
{
    rc->mesh_variants_off = !use;
}

void render_head_lods_set(render_context *rc, bool use)
{
    rc->head_lods_off = !use;
}

void render_head_clusters_set(render_context *rc, bool use)
{
    rc->head_clusters_off = !use;
}

void render_sss_half_set(render_context *rc, bool use)
{
    rc->sss_half_off = !use;
}

GLuint render_mesh_program(render_context *rc, bool scars, bool relief, bool film)
{
    GLuint *prog = &rc->prog_mesh_variant[scars][relief][film];
    if (scars && relief && film) return rc->prog_mesh;
    if (*prog) return *prog;
    char defines[120];
    snprintf(defines, sizeof defines,
             "#define SMP_MESH_SCARS %d\n#define SMP_MESH_RELIEF %d\n#define SMP_MESH_FILM %d\n",
             scars ? 1 : 0, relief ? 1 : 0, film ? 1 : 0);
    smp_error err = {0};
    /* Built from the same files as prog_mesh, which did build (test_render builds every variant): a failure
     * is not expected, and the full program draws the same image. */
    if (render_program_create_defines(prog, "mesh.vert", "mesh.frag", true, defines, mesh_samplers,
                                      rc->desc.shaders_from_disk, &err) != SMP_OK)
        *prog = rc->prog_mesh;
    return *prog;
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
    GLuint progs[] = {rc->prog_mesh,    rc->prog_shadow, rc->prog_splat,      rc->prog_tonemap,
                      rc->prog_overlay, rc->prog_sss_x,  rc->prog_sss_y,      rc->prog_trivial,
                      rc->prog_edge_aa, rc->prog_layers, rc->prog_sss_half_y, rc->prog_sss_half_composite};
    for (size_t i = 0; i < sizeof progs / sizeof progs[0]; ++i)
        if (progs[i]) glDeleteProgram(progs[i]);
    for (int s = 0; s < 2; ++s)
        for (int r = 0; r < 2; ++r)
            for (int w = 0; w < 2; ++w)
                if (rc->prog_mesh_variant[s][r][w] && rc->prog_mesh_variant[s][r][w] != rc->prog_mesh)
                    glDeleteProgram(rc->prog_mesh_variant[s][r][w]);
    GLuint vaos[] = {rc->empty_vao, rc->mesh_vao, rc->splat_vao, rc->overlay_vao};
    glDeleteVertexArrays(4, vaos);
    GLuint bufs[] = {rc->mesh_vbo,     rc->mesh_ibo,      rc->splat_corner_vbo, rc->splat_instance_vbo,
                     rc->dots_tbo_buf, rc->cell_dots_buf, rc->overlay_vbo,      rc->looks_buf};
    glDeleteBuffers(8, bufs);
    GLuint texs[] = {rc->dots_tbo_tex, rc->cell_dots_tex, rc->cells_tex, rc->coverage_tex,
                     rc->shadow_tex,   rc->atlas_tex,     rc->looks_tex, rc->halo_tex};
    glDeleteTextures(8, texs);
    GLuint fbos[] = {rc->coverage_fbo, rc->shadow_fbo, rc->layers_fbo, rc->halo_fbo};
    glDeleteFramebuffers(4, fbos);
    glDeleteTextures(1, &rc->layers_tex);
    glDeleteTextures(1, &rc->skin_map_tex);
    render_targets_release(&rc->targets[0]);
    render_targets_release(&rc->targets[1]);
    GLuint out_fbos[] = {rc->ldr_fbo, rc->post_fbo}, out_texs[] = {rc->ldr_tex, rc->post_tex};
    glDeleteFramebuffers(2, out_fbos);
    glDeleteTextures(2, out_texs);
    glDeleteSamplers(1, &rc->hdr_sampler);
    glDeleteFramebuffers(1, &rc->compare_fbo);
    glDeleteTextures(1, &rc->compare_tex);
    render_scar_release(&rc->scar);
    render_head_lists_release(rc);
    free(rc->dot_jacobians);
    free(rc->dots);
    free(rc->looks);
    free(rc->reaches_mm);
    free(rc->whole_reaches_mm);
    free(rc->look_epoch);
    free(rc->grid_reaches_mm);
    free(rc);
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

void render_profile_end(render_context *rc, int pass)
{
    if (!rc->desc.profile) return;
    glFinish();
    double t = smp_now_s();
    rc->pass_ms[pass] += (float)((t - rc->pass_start_s) * 1000.0);
    rc->pass_start_s = t;
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
    smp_status st = render_dot_looks_update(rc, f, err);
    if (st == SMP_OK) st = render_ldr_ensure(rc, f->width, f->height, err);
    if (st != SMP_OK) return st;
    *scene = *f;
    if (f->interactive) {
        float s = render_frame_interactive_scale(f);
        scene->width = (int)ceilf((float)f->width * s);
        scene->height = (int)ceilf((float)f->height * s);
        scene->skin_detail = 0.0f; /* the pores and furrows are finer than its pixels */
        rc->tg = &rc->targets[1];
        st = render_targets_ensure(rc->tg, scene->width, scene->height, 1, err);
    } else {
        rc->tg = &rc->targets[0];
        st = render_targets_ensure(rc->tg, f->width, f->height, rc->desc.samples, err);
    }
    if (st == SMP_OK) st = render_scar_patch_prepare(&rc->scar, scene->view, scene->proj, scene->height, err);
    return st;
}

smp_status render_gl_check(const char *what, smp_error *err)
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
    render_draw_scene(rc, &scene);
    render_tonemap_to(rc, f, rc->tg, 0.0f, target_fbo);
    render_profile_end(rc, RENDER_PASS_TONEMAP);
    return render_gl_check("render_frame_draw", err);
}

smp_status render_frame_present(render_context *rc, const render_frame *f, float full_share,
                                unsigned target_fbo, smp_error *err)
{
    const scene_targets *fast = &rc->targets[1], *full = &rc->targets[0];
    if (!full->hdr_tex && !fast->hdr_tex)
        return smp_error_set(err, SMP_ERR_GL, "render: nothing drawn yet to present");
    smp_status st = render_ldr_ensure(rc, f->width, f->height, err); /* the window may have been resized */
    if (st != SMP_OK) return st;
    full_share = fminf(fmaxf(full_share, 0.0f), 1.0f);
    if (!full->hdr_tex) full_share = 0.0f;
    if (!fast->hdr_tex) full_share = 1.0f;
    /* All full: tone map the full image alone (it stands in for both samplers' first). */
    render_tonemap_to(rc, f, full_share >= 1.0f ? full : fast, full_share >= 1.0f ? 0.0f : full_share,
                      target_fbo);
    return render_gl_check("render_frame_present", err);
}

smp_status render_frame_read_srgb8(render_context *rc, const render_frame *f, uint8_t *rgba, smp_error *err)
{
    render_frame scene;
    smp_status st = frame_prepare(rc, f, &scene, err);
    if (st != SMP_OK) return st;
    profile_start(rc);
    render_draw_scene(rc, &scene);
    render_tonemap_to(rc, f, rc->tg, 0.0f, rc->ldr_fbo);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, rc->ldr_fbo);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, f->width, f->height, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    st = render_rows_flip(rgba, f->width, f->height, err);
    render_profile_end(rc, RENDER_PASS_TONEMAP);
    return st == SMP_OK ? render_gl_check("render_frame_read_srgb8", err) : st;
}

void render_stats_get(const render_context *rc, render_stats *out)
{
    out->dot_count = rc->dot_count;
    out->cell_entries = rc->cell_entries;
    out->grid_size = rc->grid_size;
    out->coverage_resplats = rc->resplats;
    out->halo_splats = rc->halo_splats;
    out->coverage_layer_splats = rc->layer_splats;
    out->coverage_layer_sums = rc->layer_sums;
    out->look_updates = rc->look_updates;
    out->looks_computed = rc->looks_computed;
    out->max_reach_mm = rc->max_reach_mm;
    out->hair_uploads = render_hair_upload_count(rc->hair);
    out->head_uploads = rc->head_uploads;
    out->dot_uploads = rc->dot_uploads;
    out->scar_uploads = rc->scar_uploads;
    out->skin_map_uploads = rc->skin_map_uploads;
    out->hair_layer_splats = render_hair_layer_splat_count(rc->hair);
    out->hair_streak_splats = render_hair_streak_splat_count(rc->hair);
    render_hair_cull_counts(rc->hair, &out->hair_instances_drawn, &out->hair_instances_culled);
    out->scar_patch_triangles = rc->scar.patch_triangles;
    out->head_triangles = rc->head_lod[0].count / 3;
    out->head_scar_triangles = rc->head_lod[0].scar_count / 3;
    out->head_lod = rc->head_lod_drawn;
    out->head_lod_triangles = rc->head_lod[rc->head_lod_drawn].count / 3;
    out->head_drawn_triangles = rc->head_triangles_drawn;
    out->head_relief = rc->head_relief;
    memcpy(out->sss_rect, rc->sss_rect, sizeof out->sss_rect);
    out->sss_share =
        rc->tg && rc->tg->w > 0 && rc->tg->h > 0
            ? (float)rc->sss_rect[2] * (float)rc->sss_rect[3] / ((float)rc->tg->w * (float)rc->tg->h)
            : 0.0f;
    out->sss_half = rc->sss_half;
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
    return render_gl_check("render_last_frame_nonfinite", err) == SMP_OK ? bad : -1;
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

double render_trivial_pass_ms(render_context *rc, int width, int height, int count, smp_error *err)
{
    if (count < 1 || count > 1000) count = 1000;
    if (render_ldr_ensure(rc, width, height, err) != SMP_OK) return -1.0;
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
    qsort(ms, (size_t)count, sizeof *ms, smp_cmp_double);
    double median = ms[count / 2];
    free(ms);
    return render_gl_check("render_trivial_pass_ms", err) == SMP_OK ? median : -1.0;
}
