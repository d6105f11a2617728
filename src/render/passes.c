/* The passes of one frame: the key light's shadow map, the scene (the head with its skin and dots, the hair),
 * the multisample resolve and the tone mapping. */
#include "render/render_internal.h"

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

/* The key light's orthographic view of the head's bounds; *depth_per_mm: the shadow map's depth (0..1) per
 * millimetre along the light; *side_mm: the map's side in mm. */
static void light_matrix(const render_context *rc, const render_frame *f, mat4 out, float *depth_per_mm,
                         float *side_mm)
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
    *side_mm = 2.0f * radius;
}

/* The number of indices of a group of the head's list level. */
static int head_group_count(const render_context *rc, int level, render_head_group group)
{
    int total = rc->head_lod[level].count, scars = rc->head_lod[level].scar_count;
    return group == HEAD_ALL ? total : group == HEAD_SCARS ? scars : total - scars;
}

/* The pixel a list's tolerance must stay under, as a share of the pixel at the head's nearest point: an
 * eighth on the full-quality path (0.05 mm at 0.4 mm pixels: the silhouette within a twentieth of a pixel), a
 * quarter on the interactive path. */
#define HEAD_LOD_PIXEL_SHARE 0.125f
#define HEAD_LOD_PIXEL_SHARE_INTERACTIVE 0.25f

/* The coarsest of the head's lists whose position tolerance is at most limit_mm (0: the full one). */
static int head_lod_within(const render_context *rc, float limit_mm)
{
    int level = 0;
    for (int k = 1; k < HEAD_LODS && !rc->head_lods_off; ++k)
        if (rc->head_lod[k].count > 0 && rc->head_lod[k].tolerance_mm <= limit_mm) level = k;
    return level;
}

/* The coarsest of the head's lists that frame f may draw. */
static int head_lod_level(const render_context *rc, const render_frame *f)
{
    render_frame scene = *f;
    scene.height = (int)ceilf((float)f->height * render_frame_interactive_scale(f));
    return head_lod_within(rc, (f->interactive ? HEAD_LOD_PIXEL_SHARE_INTERACTIVE : HEAD_LOD_PIXEL_SHARE) *
                                   render_nearest_pixel_mm(rc, &scene));
}

/* How many texels of the shadow map's side frame f draws into: all of them on the full-quality path, a
 * quarter on the interactive path (a texel of about 0.66 mm: the shadows of the head and of the stubble's
 * mean shade while the camera, light or time moves; the full-quality frame that follows draws them at a
 * quarter of that).
 */
static int shadow_side(const render_context *rc, const render_frame *f)
{
    return f->interactive ? rc->desc.shadow_map_size / 4 : rc->desc.shadow_map_size;
}

/* The key light's depth map: the head and the hair, into the lower left ss x ss texels of the map (fewer on
 * the interactive path: shadow_side; the frame samples them through shadow_sample_matrix). */
static void shadow_draw(render_context *rc, const render_frame *f, const mat4 light_vp, int level, int ss,
                        float texel_mm)
{
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
    /* The clusters facing the light: on a closed surface the nearest along any ray from the light faces it.
     */
    render_head_view light;
    render_head_view_light(&light, light_vp, f->light_dir);
    render_head_draw(rc, level, HEAD_ALL, &light);
    glDisable(GL_POLYGON_OFFSET_FILL);
    render_hair_draw_shadow(rc->hair, f, light_vp, texel_mm);
}

/* The matrix the shaders look the shadow map up with: light_vp followed by the map from normalised
 * coordinates onto the lower left share of the map shadow_draw drew into (all of it on the full-quality
 * path). */
static void shadow_sample_matrix(float share, mat4 light_vp, mat4 out)
{
    mat4 corner = GLM_MAT4_IDENTITY_INIT;
    corner[0][0] = corner[1][1] = share;
    corner[3][0] = corner[3][1] = share - 1.0f;
    glm_mat4_mul(corner, light_vp, out);
}

/* Everything mesh.frag reads, set on program p (one of its variants) and made current. */
static void mesh_program_set(render_context *rc, const render_frame *f, GLuint p, const mat4 vp,
                             const mat4 shadow_vp, float depth_per_mm, int ss, bool layer)
{
    glUseProgram(p);
    glUniformMatrix4fv(uloc(p, "u_view_proj"), 1, GL_FALSE, (float *)vp);
    glUniformMatrix4fv(uloc(p, "u_light_view_proj"), 1, GL_FALSE, (float *)shadow_vp);
    glUniform3fv(uloc(p, "u_eye_mm"), 1, f->eye_mm);
    render_light_uniforms_set(p, f);
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
    glUniform3fv(uloc(p, "u_halo_scale"), 1, rc->halo_scale);
    const struct {
        int unit;
        GLenum target;
        GLuint texture;
    } bound[] = {
        {UNIT_SHADOW, GL_TEXTURE_2D, rc->shadow_tex},
        {UNIT_COVERAGE, GL_TEXTURE_2D, rc->coverage_tex},
        {UNIT_HALO, GL_TEXTURE_2D, rc->halo_tex},
        {UNIT_CELLS, GL_TEXTURE_2D, rc->cells_tex},
        {UNIT_CELL_DOTS, GL_TEXTURE_BUFFER, rc->cell_dots_tex},
        {UNIT_DOTS, GL_TEXTURE_BUFFER, rc->dots_tbo_tex},
        {UNIT_LOOKS, GL_TEXTURE_BUFFER, rc->looks_tex},
    };
    for (size_t i = 0; i < sizeof bound / sizeof bound[0]; ++i) {
        glActiveTexture(GL_TEXTURE0 + (GLenum)bound[i].unit);
        glBindTexture(bound[i].target, bound[i].texture);
    }
    render_hair_layer_bind(rc->hair, p, UNIT_HAIR_LAYER, layer);
    render_hair_streaks_bind(rc->hair, p, UNIT_HAIR_STREAKS, f);
    render_scar_bind(&rc->scar, p, UNIT_SCAR, UNIT_SCAR_NEAR, f->skin_albedo);
    glUniform1i(uloc(p, "u_skin_map_on"), rc->skin_map_tex != 0);
    glActiveTexture(GL_TEXTURE0 + UNIT_SKIN_MAP);
    glBindTexture(GL_TEXTURE_2D, rc->skin_map_tex);
    glActiveTexture(GL_TEXTURE0);
}

/* Whether some pixel of the head may resolve the skin's relief (skin.glsl's furrows and openings): its
 * features fade out (skin_fade) where the pixel's sigma, half its larger step on the surface, passes 0.6 of
 * the feature, and no step on the head is shorter than a pixel's width at the head's nearest view depth (the
 * nearest corner of its bounds along the view axis). Without a perspective view, or with the eye inside the
 * bounds, it may. */
static bool relief_needed(const render_context *rc, const render_frame *f)
{
    if (f->skin_detail <= 0.0f) return false;
    float p11 = f->proj[1][1], p00 = f->proj[0][0];
    if (f->proj[2][3] != -1.0f || p11 <= 0.0f || p00 <= 0.0f) return true;
    /* Nearest view depth: -z in view space, least at a corner of the bounds. */
    float depth = INFINITY;
    for (int c = 0; c < 8; ++c) {
        float x = c & 1 ? rc->bounds_max[0] : rc->bounds_min[0];
        float y = c & 2 ? rc->bounds_max[1] : rc->bounds_min[1];
        float z = c & 4 ? rc->bounds_max[2] : rc->bounds_min[2];
        float vz = f->view[0][2] * x + f->view[1][2] * y + f->view[2][2] * z + f->view[3][2];
        depth = fminf(depth, -vz);
    }
    if (!(depth > 0.0f)) return true;
    /* A pixel's width in mm per mm of depth, the smaller of its two sides. */
    float pixel = fminf(2.0f / (p11 * (float)f->height), 2.0f / (p00 * (float)f->width));
    float largest_mm =
        fmaxf(fmaxf(0.2f * SCALP_SKIN_FURROW_SPACING_MM, 0.2f * SCALP_SKIN_FURROW_FINE_SPACING_MM),
              fmaxf(SCALP_SKIN_FOLLICLE_RADIUS_MAX_MM, SCALP_SKIN_PORE_RADIUS_MAX_MM));
    /* A tenth of margin, for the rays' spread off the axis and the rounding of a pixel's two steps. */
    return 0.5f * 0.9f * pixel * depth < 0.6f * largest_mm;
}

/* What a hair drawn at least two pixels wide (hair.vert, hair_strand.vert) reaches past its box on screen:
 * its footprint's half width and one-pixel margin, a hair shorter than two pixels drawn two long, and
 * rounding. */
#define HAIR_REACH_PX 4.0f

void render_boxes_init(render_boxes *b, const float lo[3], const float hi[3])
{
    memcpy(b->lo, lo, sizeof b->lo);
    memcpy(b->hi, hi, sizeof b->hi);
    for (int i = 0; i < RENDER_BOXES_CELLS; ++i)
        for (int k = 0; k < 3; ++k)
            b->cell_lo[i][k] = INFINITY, b->cell_hi[i][k] = -INFINITY;
}

void render_boxes_add(render_boxes *b, const float p[3], float r_mm)
{
    int cell = 0;
    for (int k = 0; k < 3; ++k) {
        float span = b->hi[k] - b->lo[k];
        float t = span > 0.0f ? (p[k] - b->lo[k]) / span * (float)RENDER_BOXES_GRID : 0.0f;
        int i = t >= 0.0f ? (int)fminf(t, (float)(RENDER_BOXES_GRID - 1)) : 0; /* NaN: 0 */
        cell = cell * RENDER_BOXES_GRID + i;
    }
    for (int k = 0; k < 3; ++k) {
        b->cell_lo[cell][k] = fminf(b->cell_lo[cell][k], p[k] - r_mm);
        b->cell_hi[cell][k] = fmaxf(b->cell_hi[cell][k], p[k] + r_mm);
    }
}

/* The images of the corners of lo..hi (an empty box: none) grown into *x0..*y1 (pixels of f's target);
 * false when a corner lies at or behind the eye's plane. */
static bool box_project(const mat4 vp, const render_frame *f, const float lo[3], const float hi[3], float *x0,
                        float *y0, float *x1, float *y1)
{
    if (!(lo[0] <= hi[0] && lo[1] <= hi[1] && lo[2] <= hi[2])) return true;
    for (int c = 0; c < 8; ++c) {
        vec4 p = {c & 1 ? hi[0] : lo[0], c & 2 ? hi[1] : lo[1], c & 4 ? hi[2] : lo[2], 1.0f}, q;
        glm_mat4_mulv((vec4 *)vp, p, q);
        if (!(q[3] > 1e-3f)) return false;
        float x = (q[0] / q[3] + 1.0f) * 0.5f * (float)f->width,
              y = (q[1] / q[3] + 1.0f) * 0.5f * (float)f->height;
        *x0 = fminf(*x0, x), *x1 = fmaxf(*x1, x), *y0 = fminf(*y0, y), *y1 = fmaxf(*y1, y);
    }
    return true;
}

static bool boxes_project(const mat4 vp, const render_frame *f, const render_boxes *b, float *x0, float *y0,
                          float *x1, float *y1)
{
    for (int i = 0; i < RENDER_BOXES_CELLS; ++i)
        if (!box_project(vp, f, b->cell_lo[i], b->cell_hi[i], x0, y0, x1, y1)) return false;
    return true;
}

render_screen_rect render_scene_screen_rect(const render_context *rc, const render_frame *f)
{
    render_screen_rect r = {0, 0, f->width, f->height, 0.0f, true};
    float lo[3], hi[3];
    memcpy(lo, rc->bounds_min, sizeof lo);
    memcpy(hi, rc->bounds_max, sizeof hi);
    const render_boxes *hair = render_hair_boxes(rc->hair);
    if (hair)
        for (int k = 0; k < 3; ++k)
            lo[k] = fminf(lo[k], hair->lo[k]), hi[k] = fmaxf(hi[k], hair->hi[k]);
    for (int i = 0; i < rc->scar.chunk_count; ++i)
        for (int k = 0; k < 3; ++k) {
            lo[k] = fminf(lo[k], rc->scar.chunks[i].lo_mm[k]);
            hi[k] = fmaxf(hi[k], rc->scar.chunks[i].hi_mm[k]);
        }
    /* The eye's distance to the whole box: no point of a triangle (a blend of its corners, which may lie in
     * different parts) is nearer, so no view distance that mesh.frag writes is less. */
    float d2 = 0.0f;
    for (int k = 0; k < 3; ++k) {
        float e = f->eye_mm[k], d = e < lo[k] ? lo[k] - e : (e > hi[k] ? e - hi[k] : 0.0f);
        d2 += d * d;
    }
    r.nearest_mm = sqrtf(d2);
    mat4 proj, view, vp;
    glm_mat4_copy((vec4 *)f->proj, proj);
    glm_mat4_copy((vec4 *)f->view, view);
    glm_mat4_mul(proj, view, vp);
    /* With every point in front of the eye the projection maps a triangle (or a hair's quad) onto the
     * triangle of its corners' images, which lies inside any rectangle around the images of the parts' boxes
     * that hold those corners. A corner at or behind the eye's plane (the eye inside the bounds, or the
     * bounds behind it) has no image: the whole target. */
    float x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    if (!boxes_project(vp, f, &rc->bound_boxes, &x0, &y0, &x1, &y1) ||
        (hair && !boxes_project(vp, f, hair, &x0, &y0, &x1, &y1)))
        return r;
    for (int i = 0; i < rc->scar.chunk_count; ++i)
        if (!box_project(vp, f, rc->scar.chunks[i].lo_mm, rc->scar.chunks[i].hi_mm, &x0, &y0, &x1, &y1))
            return r;
    if (!(isfinite(x0) && isfinite(x1) && isfinite(y0) && isfinite(y1)) || !(r.nearest_mm > 0.0f)) return r;
    /* Clamped in float first: far outside the frame a corner's pixel does not fit an int. */
    float w = (float)f->width, h = (float)f->height;
    r.x0 = (int)floorf(fminf(fmaxf(x0 - HAIR_REACH_PX, 0.0f), w));
    r.y0 = (int)floorf(fminf(fmaxf(y0 - HAIR_REACH_PX, 0.0f), h));
    r.x1 = (int)ceilf(fminf(fmaxf(x1 + HAIR_REACH_PX, 0.0f), w));
    r.y1 = (int)ceilf(fminf(fmaxf(y1 + HAIR_REACH_PX, 0.0f), h));
    if (r.x1 < r.x0) r.x1 = r.x0;
    if (r.y1 < r.y0) r.y1 = r.y0;
    r.whole = r.x0 == 0 && r.y0 == 0 && r.x1 == f->width && r.y1 == f->height;
    return r;
}

static void render_resolve(const scene_targets *T, const render_frame *f);

void render_draw_scene(render_context *rc, const render_frame *f)
{
    mat4 light_vp, shadow_vp;
    float depth_per_mm, side_mm;
    light_matrix(rc, f, light_vp, &depth_per_mm, &side_mm);
    int ss = shadow_side(rc, f);
    shadow_sample_matrix((float)ss / (float)rc->desc.shadow_map_size, light_vp, shadow_vp);

    /* 1. Shadow depth, when the light, the map's size or the hair in it changed (not the camera: the light
     * sees the coarsest of the head's lists within a texel of the map, whatever list the camera sees, and the
     * depth bias, 1.5 texels and more, covers the difference). */
    int lod = head_lod_level(rc, f);
    rc->head_lod_drawn = lod;
    int shadow_lod = head_lod_within(rc, side_mm / (float)ss);
    long hair_key = render_hair_shadow_key(rc->hair, f, side_mm / (float)ss);
    if (!rc->shadow_key.valid || hair_key != rc->shadow_key.hair || rc->shadow_key.lod != shadow_lod ||
        rc->shadow_key.side != ss ||
        memcmp(rc->shadow_key.light_dir, f->light_dir, sizeof f->light_dir) != 0) {
        rc->shadow_key.valid = true;
        rc->shadow_key.lod = shadow_lod;
        rc->shadow_key.side = ss;
        rc->shadow_key.hair = hair_key;
        memcpy(rc->shadow_key.light_dir, f->light_dir, sizeof f->light_dir);
        shadow_draw(rc, f, light_vp, shadow_lod, ss, side_mm / (float)ss);
    }
    render_profile_end(rc, RENDER_PASS_SHADOW);

    /* 2. Pigment coverage for the far path, and the hair layer over the skin. */
    render_coverage_update(rc, f);
    bool layer = render_hair_layer_update(rc->hair, f);
    render_hair_streaks_update(rc->hair, f);
    /* After the hair layer: a software rasteriser's bins of the two splats then come from the same memory. */
    render_halo_update(rc, f);
    render_profile_end(rc, RENDER_PASS_TEXTURES);

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
    mat4 vp;
    mat4 proj, view;
    glm_mat4_copy((vec4 *)f->proj, proj);
    glm_mat4_copy((vec4 *)f->view, view);
    glm_mat4_mul(proj, view, vp);
    /* Both paths draw the triangles that may reach a scar with the scars, the rest without (mesh.frag's
     * variants; the interactive path's coarse triangles are ordered so too), each with the skin's relief only
     * when some pixel may resolve it (relief_needed). */
    bool variants = !rc->mesh_variants_off;
    bool relief = !variants || relief_needed(rc, f);
    if (!f->interactive) rc->head_relief = relief;
    bool film = f->film_coverage > 0.0f;
    GLuint p = variants ? render_mesh_program(rc, true, relief, film) : rc->prog_mesh;
    mesh_program_set(rc, f, p, vp, shadow_vp, depth_per_mm, ss, layer);
    /* Close to the scars their displaced patch takes over the head's skin where it is indented. */
    bool patch = rc->scar.patch_ready && render_scar_patch_select(&rc->scar, f->view, f->proj, f->height) > 0;
    rc->scar_patch_drawn = patch;
    glUniform1i(uloc(p, "u_scar_layer"), patch ? 1 : 0);
    glVertexAttrib1f(3, 0.0f); /* the head itself is not displaced */
    /* The clusters in the frustum with a face toward the camera (the rest would be culled triangle by
     * triangle, after their vertices' shading and set-up). */
    render_head_view camera;
    render_head_view_camera(&camera, f->view, f->proj);
    if (!variants) {
        rc->head_triangles_drawn = render_head_draw(rc, lod, HEAD_ALL, &camera);
    } else {
        rc->head_triangles_drawn = render_head_draw(rc, lod, HEAD_SCARS, &camera);
        if (head_group_count(rc, lod, HEAD_NO_SCARS) > 0) {
            GLuint q = render_mesh_program(rc, false, relief, film);
            mesh_program_set(rc, f, q, vp, shadow_vp, depth_per_mm, ss, layer);
            glUniform1i(uloc(q, "u_scar_layer"), patch ? 1 : 0);
            rc->head_triangles_drawn += render_head_draw(rc, lod, HEAD_NO_SCARS, &camera);
            glUseProgram(p);
        }
    }
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
    render_profile_end(rc, RENDER_PASS_HEAD);
    render_hair_draw(rc->hair, f, vp, shadow_vp, rc->shadow_tex, ss, UNIT_SHADOW);
    glDisable(GL_DEPTH_TEST);
    render_profile_end(rc, RENDER_PASS_HAIR);

    /* Where the image may differ from the backdrop: for the passes after this one. */
    rc->tg->drawn = render_scene_screen_rect(rc, f);

    /* 4. Resolve each target (drawn straight into the textures without multisampling). */
    if (rc->tg->resolve_fbo) render_resolve(rc->tg, f);
    render_profile_end(rc, RENDER_PASS_RESOLVE);

    /* 5. Subsurface scattering of the irradiance (two separable passes), then the composite into HDR. */
    render_sss_passes(rc, f);
    render_profile_end(rc, RENDER_PASS_SSS);
}

/* The multisampled scene targets into the textures the later passes read. */
static void render_resolve(const scene_targets *T, const render_frame *f)
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
void render_tonemap_to(render_context *rc, const render_frame *f, const scene_targets *tg, float full_share,
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
        /* Over the whole target, not only the head's rectangle (tg->drawn): outside it the backdrop takes the
         * early return, and copying it there instead cost more than that (docs/benchmarks.md, 2026-12-03). */
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
