/* What the scene hands the renderer, uploaded when the plan changes: the head, the dots and their close-up
 * grid, the scars, the hair, the skin map of a photo. */
#include "render/render_internal.h"

/* Bins every dot into the chart cells its reach can touch, so a fragment reads one cell's list. */
smp_status render_grid_build(render_context *rc, smp_error *err)
{
    rc->grid_outgrown = false;
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
int render_dot_layer(const pigment_dot *d)
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
    glTexImage3D(GL_TEXTURE_2D_ARRAY, 0, GL_RGBA16F, size, size, rc->layers_slices, 0, GL_RGBA, GL_FLOAT,
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

smp_status render_scene_set_head(render_context *rc, const scalp_head *head, smp_error *err)
{
    const scalp_mesh *m = &head->mesh;
    /* A new head: what was uploaded from the old one is to be uploaded again (render_scene_update does, in
     * order): the dots (their chart Jacobians), the scars (the patch may no longer be built from the old
     * head, and the head's lists are no longer ordered by them), the hair (its layer over the chart) and the
     * skin map (over the chart). The shadow map holds the old head. */
    memset(&rc->held, 0, sizeof rc->held);
    rc->scar.head = NULL;
    rc->scar.set = NULL;
    rc->shadow_key.valid = false;
    rc->head_uploads++;
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
    render_boxes_init(&rc->bound_boxes, rc->bounds_min, rc->bounds_max);
    for (int v = 0; v < m->vertex_count; ++v)
        render_boxes_add(&rc->bound_boxes, m->positions_mm + 3 * v, 0.0f);
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
    smp_status st = render_head_lists_upload(rc, m, verts, (int)stride, head->uv_scale_mm, err);
    if (st != SMP_OK) {
        free(verts);
        return st;
    }
    render_float_attribs(0, (const int[]){3, 3, 2}, 3, (int)stride, 0, 0); /* position, normal, uv */
    render_float_attribs(4, (const int[]){2}, 1, (int)stride, 8, 0);
    glBindVertexArray(0);
    free(verts);
    return SMP_OK;
}

smp_status render_scene_set_dots(render_context *rc, const scalp_head *head, const pigment_field *field,
                                 smp_error *err)
{
    rc->held.dots = 0;
    rc->dot_uploads++;
    /* A copy, chart Jacobians and the instance buffer for splatting (uv, Jacobian); the looks and the
     * positions with their reach follow from the first frame (render_dot_looks_update). */
    free(rc->dots);
    free(rc->dot_jacobians);
    free(rc->looks);
    free(rc->reaches_mm);
    free(rc->whole_reaches_mm);
    free(rc->look_epoch);
    free(rc->grid_reaches_mm);
    rc->dot_count = field ? field->count : 0;
    size_t n = (size_t)rc->dot_count;
    rc->dots = malloc(sizeof *rc->dots * (n ? n : 1));
    rc->dot_jacobians = malloc(sizeof(float) * 4 * (n ? n : 1));
    rc->looks = calloc((n ? n : 1) * LOOK_FLOATS, sizeof(float));
    rc->reaches_mm = calloc(n ? n : 1, sizeof(float));
    rc->whole_reaches_mm = calloc(n ? n : 1, sizeof(float));
    rc->look_epoch = calloc(n ? n : 1, sizeof(int));
    rc->grid_reaches_mm = calloc(n ? n : 1, sizeof(float));
    float *inst = malloc(sizeof(float) * 6 * (n ? n : 1));
    if (!rc->dots || !rc->dot_jacobians || !rc->looks || !rc->reaches_mm || !rc->whole_reaches_mm ||
        !rc->look_epoch || !rc->grid_reaches_mm || !inst) {
        free(inst);
        rc->dot_count = 0;
        return smp_error_set(err, SMP_ERR_NOMEM, "render: out of memory uploading %zu dots", n);
    }
    /* The copy is sorted by layer (a counting sort, each layer in the field's order), so that each layer's
     * dots are one range of the instances (render_coverage_from_layers). */
    memset(rc->layer_count, 0, sizeof rc->layer_count);
    for (size_t i = 0; i < n; ++i)
        rc->layer_count[render_dot_layer(&field->dots[i])]++;
    for (int l = 0, first = 0; l < AGEING_MAX_LAYERS; first += rc->layer_count[l++])
        rc->layer_first[l] = first;
    {
        int next[AGEING_MAX_LAYERS];
        memcpy(next, rc->layer_first, sizeof next);
        for (size_t i = 0; i < n; ++i)
            rc->dots[next[render_dot_layer(&field->dots[i])]++] = field->dots[i];
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
        render_quad_vao_create(&rc->splat_vao, &rc->splat_corner_vbo, corners);
        glGenBuffers(1, &rc->splat_instance_vbo);
        render_splat_instances_from(rc, 0);
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
    rc->halo_looks = -1;     /* other dots: no halo to scale */
    return layers_allocate(rc, err);
}

smp_status render_scene_set(render_context *rc, const scalp_head *head, const pigment_field *field,
                            smp_error *err)
{
    smp_status st = render_scene_set_head(rc, head, err);
    return st == SMP_OK ? render_scene_set_dots(rc, head, field, err) : st;
}

smp_status render_scene_set_scars(render_context *rc, const scalp_head *head, const scalp_scar_set *scars,
                                  smp_error *err)
{
    rc->held.scars = 0;
    rc->scar_uploads++;
    render_scar_bake bake;
    smp_status st = render_scar_bake_create(&bake, head, scars, 0, err);
    if (st == SMP_OK) st = render_scar_upload(&rc->scar, &bake, err);
    if (st == SMP_OK) st = render_head_lists_order_scars(rc, &head->mesh, &bake, err);
    render_scar_bake_destroy(&bake);
    if (st == SMP_OK) st = render_scar_patch_set(&rc->scar, head, scars, err);
    return st;
}

smp_status render_scene_set_hair(render_context *rc, const scalp_head *head, const scalp_hair *hair,
                                 smp_error *err)
{
    rc->held.hair = 0;
    rc->shadow_key.valid = false;
    return render_hair_upload(rc->hair, hair, head, err);
}

smp_status render_scene_set_skin_map(render_context *rc, const scalp_skin_map *map, smp_error *err)
{
    rc->held.skin_map = 0;
    rc->skin_map_uploads++;
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
    render_texture_clamped(GL_LINEAR_MIPMAP_LINEAR, GL_LINEAR);
    glBindTexture(GL_TEXTURE_2D, 0);
    GLenum e = glGetError();
    if (e != GL_NO_ERROR) return smp_error_set(err, SMP_ERR_GL, "skin map upload: GL error 0x%04x", e);
    return SMP_OK;
}

/* Whether a part of identity id is to be uploaded over the one of identity held (0: unknown). */
static bool part_is_new(uint64_t id, uint64_t held)
{
    return id == 0 || id != held;
}

smp_status render_scene_update(render_context *rc, const render_scene_parts *p, smp_error *err)
{
    /* In the order of what depends on what: a new head clears every identity held (render_scene_set_head),
     * so everything after it is uploaded too. */
    smp_status st = SMP_OK;
    if (part_is_new(p->head_id, rc->held.head)) {
        if ((st = render_scene_set_head(rc, p->head, err)) != SMP_OK) return st;
        rc->held.head = p->head_id;
    }
    if (part_is_new(p->dots_id, rc->held.dots)) {
        if ((st = render_scene_set_dots(rc, p->head, p->field, err)) != SMP_OK) return st;
        rc->held.dots = p->dots_id;
    }
    if (part_is_new(p->scars_id, rc->held.scars)) {
        if ((st = render_scene_set_scars(rc, p->head, p->scars, err)) != SMP_OK) return st;
        rc->held.scars = p->scars_id;
    } else if (rc->scar.head) {
        /* The same head and scars, perhaps at other addresses (a scene moved): the patch, built when a frame
         * first needs it, is built from these. */
        rc->scar.head = p->head;
        rc->scar.set = p->scars;
    }
    if (part_is_new(p->hair_id, rc->held.hair)) {
        if ((st = render_scene_set_hair(rc, p->head, p->hair, err)) != SMP_OK) return st;
        rc->held.hair = p->hair_id;
    }
    if (part_is_new(p->skin_map_id, rc->held.skin_map)) {
        if ((st = render_scene_set_skin_map(rc, p->skin_map, err)) != SMP_OK) return st;
        rc->held.skin_map = p->skin_map_id;
    }
    return SMP_OK;
}
