/* The head's triangle lists in the vertex array's index buffer: the full list and the simplified ones, each
 * cut into clusters of nearby triangles that face alike, each cluster's triangles that may reach a scar apart
 * from the others; and the draw of the clusters a view can show (render_head_draw). On a software rasteriser
 * (llvmpipe) every triangle submitted costs its vertices' shading, clipping and set-up whether it covers a
 * pixel or not, about 0.1 us each on this project's 2-core machine (docs/benchmarks.md): a close-up sees a
 * tenth of the head, and any view faces half of it away. */
#include "render/render_internal.h"

/* The head's simplified triangle lists (scalp_mesh_lod), coarsest last: how far each may depart from the full
 * mesh at a lattice point. head_lod_level (passes.c) draws a list where the pixel at the head's nearest point
 * is at least eight times its position tolerance (four times on the interactive path): level 1 from 0.4 mm
 * (the head at 1 m at 1920x1080), level 2 from 0.8 mm (at 1280x720), level 3 on the interactive path's
 * smaller images. The normal's tolerance is in radians (0.6, 1.1 and 4.6 degrees), the chart's in mm of chart
 * (uv / uv_scale_mm), the skin's two weights (scalp/skin.h) absolute. Images against the full list:
 * docs/benchmarks.md. */
static const struct {
    float position_mm, normal, chart_mm, skin;
} head_lods[HEAD_LODS] = {{0.0f, 0.0f, 0.0f, 0.0f},
                          {0.05f, 0.01f, 0.05f, 0.02f},
                          {0.1f, 0.02f, 0.1f, 0.04f},
                          {0.5f, 0.08f, 0.5f, 0.15f}};

/* A cluster is the triangles whose centroid falls in one cube of CLUSTER_CELL_MM of a grid over the head's
 * bounds and whose face normal falls in one of CLUSTER_NORMAL_BINS cells of a cube map (each face cut into
 * CLUSTER_NORMAL_SPLIT x CLUSTER_NORMAL_SPLIT): a cone of about 20-40 degrees around its normals, a box of
 * 32 mm. The built-in head's full list makes about 400 clusters of some 400 triangles, its coarsest about 300
 * of some 70. */
#define CLUSTER_CELL_MM 32.0f
#define CLUSTER_NORMAL_SPLIT 3
#define CLUSTER_NORMAL_BINS (6 * CLUSTER_NORMAL_SPLIT * CLUSTER_NORMAL_SPLIT)

static int normal_bin(const float n[3])
{
    int axis = 0;
    for (int k = 1; k < 3; ++k)
        if (fabsf(n[k]) > fabsf(n[axis])) axis = k;
    float m = fabsf(n[axis]);
    if (!(m > 0.0f)) return 0;
    int bin = 2 * axis + (n[axis] < 0.0f);
    for (int j = 1; j <= 2; ++j) {
        int b = (int)floorf((n[(axis + j) % 3] / m + 1.0f) * 0.5f * (float)CLUSTER_NORMAL_SPLIT);
        bin = bin * CLUSTER_NORMAL_SPLIT + (b < 0                       ? 0
                                            : b >= CLUSTER_NORMAL_SPLIT ? CLUSTER_NORMAL_SPLIT - 1
                                                                        : b);
    }
    return bin;
}

/* The face normal of triangle tri (counter-clockwise is the front, as GL culls), not normalised: its length
 * is twice the area. */
static void face_normal(const float *verts, int stride, const uint32_t *tri, float n[3])
{
    const float *a = verts + (size_t)stride * tri[0], *b = verts + (size_t)stride * tri[1],
                *c = verts + (size_t)stride * tri[2];
    vec3 e1 = {b[0] - a[0], b[1] - a[1], b[2] - a[2]}, e2 = {c[0] - a[0], c[1] - a[1], c[2] - a[2]};
    glm_vec3_cross(e1, e2, n);
}

/* Sorts level's list (count triangles, its indices from first in the index buffer) into clusters, keeping
 * the order of the triangles within each, and records them in rc->head_lod[level]: every triangle in the
 * scar group until the scars are set (head_lists_order_scars). */
static smp_status clusters_build(render_context *rc, int level, const float *verts, int stride,
                                 const uint32_t *list, int count, int first, uint32_t *sorted)
{
    int dims[3], cells = 1;
    for (int k = 0; k < 3; ++k) {
        float extent = rc->bounds_max[k] - rc->bounds_min[k];
        dims[k] = extent > 0.0f ? (int)ceilf(extent / CLUSTER_CELL_MM) : 1;
        dims[k] = dims[k] < 1 ? 1 : dims[k];
        cells *= dims[k];
    }
    size_t keys = (size_t)cells * CLUSTER_NORMAL_BINS;
    int *key = malloc(sizeof *key * (count ? (size_t)count : 1));
    int *start = calloc(keys + 1, sizeof *start);
    if (!key || !start) {
        free(key);
        free(start);
        return SMP_ERR_NOMEM;
    }
    for (int t = 0; t < count; ++t) {
        const uint32_t *tri = list + 3 * (size_t)t;
        float n[3];
        face_normal(verts, stride, tri, n);
        int cell = 0;
        for (int k = 2; k >= 0; --k) {
            float centroid = (verts[(size_t)stride * tri[0] + k] + verts[(size_t)stride * tri[1] + k] +
                              verts[(size_t)stride * tri[2] + k]) /
                             3.0f;
            int i = (int)floorf((centroid - rc->bounds_min[k]) / CLUSTER_CELL_MM);
            cell = cell * dims[k] + (i < 0 ? 0 : i >= dims[k] ? dims[k] - 1 : i);
        }
        key[t] = normal_bin(n) * cells + cell;
        start[key[t] + 1]++;
    }
    int clusters = 0;
    for (size_t k = 0; k < keys; ++k) {
        clusters += start[k + 1] > 0;
        start[k + 1] += start[k];
    }
    render_head_cluster *cl = calloc(clusters ? (size_t)clusters : 1, sizeof *cl);
    if (!cl) {
        free(key);
        free(start);
        return SMP_ERR_NOMEM;
    }
    /* Counting sort: each key's triangles in their own order. */
    for (int t = 0; t < count; ++t)
        memcpy(sorted + 3 * (size_t)start[key[t]]++, list + 3 * (size_t)t, 3 * sizeof *list);
    int c = 0, begin = 0;
    for (size_t k = 0; k < keys; ++k) {
        int end = start[k]; /* after the sort, the end of key k's triangles */
        if (end == begin) continue;
        render_head_cluster *h = &cl[c++];
        h->first[0] = first + 3 * begin;
        h->count[0] = 3 * (end - begin);
        h->first[1] = first + 3 * count;
        h->count[1] = 0;
        vec3 axis = {0.0f, 0.0f, 0.0f};
        glm_vec3_fill(h->lo, INFINITY);
        glm_vec3_fill(h->hi, -INFINITY);
        for (int t = begin; t < end; ++t) {
            const uint32_t *tri = sorted + 3 * (size_t)t;
            float n[3];
            face_normal(verts, stride, tri, n);
            glm_vec3_add(axis, n, axis);
            for (int v = 0; v < 3; ++v) {
                glm_vec3_minv(h->lo, (float *)verts + (size_t)stride * tri[v], h->lo);
                glm_vec3_maxv(h->hi, (float *)verts + (size_t)stride * tri[v], h->hi);
            }
        }
        /* The cone: around the area-weighted mean normal, out to its widest face (no cone: -1). */
        h->cos_cone = -1.0f;
        if (glm_vec3_norm(axis) > 0.0f) {
            glm_vec3_normalize_to(axis, h->axis);
            h->cos_cone = 1.0f;
            for (int t = begin; t < end; ++t) {
                float n[3];
                face_normal(verts, stride, sorted + 3 * (size_t)t, n);
                float len = glm_vec3_norm(n);
                if (len > 0.0f) h->cos_cone = fminf(h->cos_cone, glm_vec3_dot(n, h->axis) / len);
            }
        }
        begin = end;
    }
    free(key);
    free(start);
    free(rc->head_lod[level].clusters);
    rc->head_lod[level].clusters = cl;
    rc->head_lod[level].cluster_count = clusters;
    return SMP_OK;
}

smp_status render_head_lists_upload(render_context *rc, const scalp_mesh *m, const float *verts, int stride,
                                    float uv_scale_mm, smp_error *err)
{
    uint32_t *lists[HEAD_LODS] = {m->indices};
    int triangles[HEAD_LODS] = {m->triangle_count};
    size_t total = 3 * (size_t)m->triangle_count;
    smp_status st = SMP_OK;
    for (int level = 1; level < HEAD_LODS; ++level) {
        const scalp_lod_channel channels[] = {
            {verts, 3, stride, head_lods[level].position_mm, false},
            {verts + 3, 3, stride, head_lods[level].normal, true},
            {verts + 6, 2, stride, head_lods[level].chart_mm / fmaxf(uv_scale_mm, 1e-3f), false},
            {verts + 8, 2, stride, head_lods[level].skin, false},
        };
        triangles[level] = 0;
        lists[level] = NULL;
        if (st == SMP_OK && m->lattice_n > 0) /* a scan: the full list only */
            st = scalp_mesh_lod(m, channels, 4, 8, &lists[level], &triangles[level]);
        total += 3 * (size_t)triangles[level];
    }
    uint32_t *sorted = st == SMP_OK ? malloc(sizeof *sorted * 3 * ((size_t)m->triangle_count + 1)) : NULL;
    if (st == SMP_OK && !sorted) st = SMP_ERR_NOMEM;
    if (st == SMP_OK)
        glBufferData(GL_ELEMENT_ARRAY_BUFFER, (GLsizeiptr)(sizeof(uint32_t) * total), NULL, GL_STATIC_DRAW);
    int first = 0;
    for (int level = 0; level < HEAD_LODS && st == SMP_OK; ++level) {
        int count = 3 * triangles[level];
        st = clusters_build(rc, level, verts, stride, lists[level], triangles[level], first, sorted);
        if (st == SMP_OK && count > 0)
            glBufferSubData(GL_ELEMENT_ARRAY_BUFFER, (GLintptr)(sizeof(uint32_t) * (size_t)first),
                            (GLsizeiptr)(sizeof(uint32_t) * (size_t)count), sorted);
        rc->head_lod[level].first = first;
        rc->head_lod[level].count = count;
        rc->head_lod[level].scar_count = count; /* every triangle, until the scars are set */
        rc->head_lod[level].tolerance_mm = head_lods[level].position_mm;
        first += count;
    }
    free(sorted);
    for (int level = 1; level < HEAD_LODS; ++level)
        free(lists[level]);
    if (st != SMP_OK) return smp_error_set(err, st, "render: out of memory simplifying the head");
    return SMP_OK;
}

void render_head_lists_release(render_context *rc)
{
    for (int level = 0; level < HEAD_LODS; ++level) {
        free(rc->head_lod[level].clusters);
        rc->head_lod[level].clusters = NULL;
        rc->head_lod[level].cluster_count = 0;
    }
    free(rc->head_draw_counts);
    rc->head_draw_counts = NULL;
    rc->head_draw_offsets = NULL;
}

/* Orders count triangles (src) into sorted so that those whose chart uv box meets a near block of bake come
 * first (all of them when every is true), each group in its own order; returns the first group's count of
 * triangles. */
static int scar_triangles_first(const render_scar_bake *bake, int every, const float *uvs,
                                const uint32_t *src, int count, uint32_t *sorted)
{
    size_t n = 3 * (size_t)count, front = 0, back = n;
    for (int t = 0; t < count; ++t) {
        const uint32_t *tri = src + 3 * (size_t)t;
        bool meets = every;
        if (!every) {
            float lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
            for (int c = 0; c < 3; ++c)
                for (int k = 0; k < 2; ++k) {
                    lo[k] = fminf(lo[k], uvs[2 * tri[c] + k]);
                    hi[k] = fmaxf(hi[k], uvs[2 * tri[c] + k]);
                }
            meets = render_scar_bake_near_meets(bake, lo, hi);
        }
        if (meets) {
            memcpy(sorted + front, tri, 3 * sizeof *tri);
            front += 3;
        } else {
            back -= 3;
            memcpy(sorted + back, tri, 3 * sizeof *tri);
        }
    }
    /* The ones without a scar were filled from the end: put them back in their own order. */
    for (size_t i = front, j = n - 3; n > 0 && i < j; i += 3, j -= 3)
        for (int c = 0; c < 3; ++c) {
            uint32_t x = sorted[i + c];
            sorted[i + c] = sorted[j + c];
            sorted[j + c] = x;
        }
    return (int)(front / 3);
}

smp_status render_head_lists_order_scars(render_context *rc, const scalp_mesh *m,
                                         const render_scar_bake *bake, smp_error *err)
{
    int last = HEAD_LODS - 1;
    size_t n = (size_t)rc->head_lod[last].first + (size_t)rc->head_lod[last].count;
    /* Not the head uploaded: every triangle may reach a scar. */
    int every = 3 * m->triangle_count != rc->head_lod[0].count;
    uint32_t *lists = malloc(sizeof *lists * (3 * n + 1));
    if (!lists)
        return smp_error_set(err, SMP_ERR_NOMEM, "render: out of memory ordering the head's triangles");
    uint32_t *sorted = lists + n, *gathered = lists + 2 * n;
    glBindVertexArray(rc->mesh_vao); /* the index buffer is the vertex array's */
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, rc->mesh_ibo);
    glGetBufferSubData(GL_ELEMENT_ARRAY_BUFFER, 0, (GLsizeiptr)(sizeof *lists * n), lists);
    for (int level = 0; level < HEAD_LODS; ++level) {
        /* Each cluster's triangles, scar group and then the other, ordered into scar group first (at the
         * cluster's place in gathered), then the clusters' scar groups one after the other and their other
         * groups after all of those. */
        render_head_cluster *cl = rc->head_lod[level].clusters;
        int clusters = rc->head_lod[level].cluster_count, at = rc->head_lod[level].first, scars = 0;
        for (int c = 0; c < clusters; ++c) {
            int size = cl[c].count[0] + cl[c].count[1];
            memcpy(sorted + at, lists + cl[c].first[0], sizeof *lists * (size_t)cl[c].count[0]);
            memcpy(sorted + at + cl[c].count[0], lists + cl[c].first[1],
                   sizeof *lists * (size_t)cl[c].count[1]);
            int front = 3 * scar_triangles_first(bake, every, m->uvs, sorted + at, size / 3, gathered + at);
            cl[c].first[0] = at; /* for now: where its triangles lie in gathered */
            cl[c].count[0] = front;
            cl[c].count[1] = size - front;
            scars += front;
            at += size;
        }
        int front_at = rc->head_lod[level].first, back_at = front_at + scars;
        for (int c = 0; c < clusters; ++c) {
            int from = cl[c].first[0];
            memcpy(sorted + front_at, gathered + from, sizeof *lists * (size_t)cl[c].count[0]);
            memcpy(sorted + back_at, gathered + from + cl[c].count[0],
                   sizeof *lists * (size_t)cl[c].count[1]);
            cl[c].first[0] = front_at;
            cl[c].first[1] = back_at;
            front_at += cl[c].count[0];
            back_at += cl[c].count[1];
        }
        rc->head_lod[level].scar_count = scars;
    }
    glBufferSubData(GL_ELEMENT_ARRAY_BUFFER, 0, (GLsizeiptr)(sizeof *sorted * n), sorted);
    glBindVertexArray(0);
    free(lists);
    return render_gl_check("ordering the head's triangles", err);
}

void render_head_view_camera(render_head_view *v, const float view[4][4], const float proj[4][4])
{
    mat4 vp;
    glm_mat4_mul((vec4 *)proj, (vec4 *)view, vp);
    glm_frustum_planes(vp, v->planes);
    /* A perspective projection has -1 in proj[2][3]; an orthographic one looks along the view's -z. */
    v->directional = proj[2][3] == 0.0f;
    for (int k = 0; k < 3; ++k) {
        v->eye[k] = -(view[k][0] * view[3][0] + view[k][1] * view[3][1] + view[k][2] * view[3][2]);
        v->look[k] = -view[k][2];
    }
    v->all = false;
}

void render_head_view_light(render_head_view *v, const float light_vp[4][4], const float light_dir[3])
{
    glm_frustum_planes((vec4 *)light_vp, v->planes);
    v->directional = true;
    glm_vec3_normalize_to((float *)light_dir, v->look);
    glm_vec3_negate(v->look);
    glm_vec3_zero(v->eye);
    v->all = false;
}

/* Whether some triangle of cluster c may cover a pixel of view v: its box meets the frustum, and some of its
 * faces may face the viewer. Every triangle faces away when, for each point p of the cluster's bounding ball
 * and each normal n of its cone (half-angle a), n . (p - eye) > 0: when the angle between the cone's axis
 * and the direction to the ball's centre is under 90 degrees - a - b, b the ball's angular radius (0 for a
 * view along one direction). A small margin keeps rounding on the side of drawing. */
static bool cluster_shown(const render_head_cluster *c, const render_head_view *v)
{
    vec3 box[2];
    glm_vec3_copy((float *)c->lo, box[0]);
    glm_vec3_copy((float *)c->hi, box[1]);
    if (!glm_aabb_frustum(box, (vec4 *)v->planes)) return false;
    if (!(c->cos_cone > 0.0f)) return true;
    float sin_a = sqrtf(fmaxf(0.0f, 1.0f - c->cos_cone * c->cos_cone)), cos_a = c->cos_cone;
    float toward, sin_ab;
    if (v->directional) {
        toward = glm_vec3_dot((float *)c->axis, (float *)v->look);
        sin_ab = sin_a;
    } else {
        vec3 centre, d;
        glm_vec3_center(box[0], box[1], centre);
        glm_vec3_sub(centre, (float *)v->eye, d);
        float len = glm_vec3_norm(d), r = 0.5f * glm_vec3_distance(box[0], box[1]);
        if (!(len > r)) return true;
        float sin_b = r / len, cos_b = sqrtf(1.0f - sin_b * sin_b);
        if (cos_a * cos_b - sin_a * sin_b <= 0.0f) return true; /* a + b at least 90 degrees */
        toward = glm_vec3_dot((float *)c->axis, d) / len;
        sin_ab = sin_a * cos_b + cos_a * sin_b;
    }
    return !(toward > sin_ab + 1e-3f);
}

/* On a software rasteriser the full head is drawn in this many parts, each finished before the next is binned
 * (see render_draw_scene: the bins of one part, not of the whole head, are held at the frame's peak). */
#define HEAD_PARTS_SOFTWARE 8

int render_head_draw(render_context *rc, int level, render_head_group group, const render_head_view *v)
{
    const render_head_cluster *cl = rc->head_lod[level].clusters;
    int clusters = rc->head_lod[level].cluster_count;
    if (!rc->head_draw_counts || rc->head_draw_capacity < 2 * clusters) {
        free(rc->head_draw_counts);
        rc->head_draw_capacity = 2 * clusters;
        rc->head_draw_counts =
            malloc((sizeof(GLsizei) + sizeof(void *)) * (size_t)(clusters ? 2 * clusters : 1));
        if (!rc->head_draw_counts) {
            rc->head_draw_capacity = 0;
            return 0;
        }
        rc->head_draw_offsets = (const void **)(rc->head_draw_counts + (clusters ? 2 * clusters : 1));
    }
    GLsizei *counts = rc->head_draw_counts;
    const void **offsets = rc->head_draw_offsets;
    int parts = rc->software && level == 0 ? HEAD_PARTS_SOFTWARE : 1;
    int per = (rc->head_lod[0].count / 3 + parts - 1) / parts * 3, pending = 0, ranges = 0, drawn = 0;
    glBindVertexArray(rc->mesh_vao);
    /* The scar group of every cluster, then the other: consecutive ranges drawn as one. */
    for (int g = 0; g < 2; ++g) {
        if ((g == 0 && group == HEAD_NO_SCARS) || (g == 1 && group == HEAD_SCARS)) continue;
        for (int c = 0; c < clusters; ++c) {
            if (cl[c].count[g] == 0 || !(v->all || rc->head_clusters_off || cluster_shown(&cl[c], v)))
                continue;
            uintptr_t at = sizeof(uint32_t) * (uintptr_t)cl[c].first[g];
            if (ranges > 0 && (uintptr_t)offsets[ranges - 1] + sizeof(uint32_t) * counts[ranges - 1] == at) {
                counts[ranges - 1] += cl[c].count[g];
            } else {
                counts[ranges] = cl[c].count[g];
                offsets[ranges++] = (const void *)at;
            }
            pending += cl[c].count[g];
            drawn += cl[c].count[g];
            if (parts > 1 && pending >= per) {
                glMultiDrawElements(GL_TRIANGLES, counts, GL_UNSIGNED_INT, offsets, ranges);
                glFinish();
                ranges = pending = 0;
            }
        }
    }
    if (ranges > 0) glMultiDrawElements(GL_TRIANGLES, counts, GL_UNSIGNED_INT, offsets, ranges);
    if (parts > 1 && ranges > 0) glFinish();
    return drawn / 3;
}
