/* The head fitted to a scan: the procedural head of the scan's own measures, each vertex then moved along the
 * ray it was cast on to where that ray leaves the scan. The chart, the UVs and every field defined on the
 * head are functions of the direction from the head's ray origin, so they carry over as they are; only the
 * geometry follows the patient, and the scan's own colours where it has them (interpolated at the point each
 * ray met). docs/scans.md describes it with its limits. */
#include "scalp/head_internal.h"
#include "scalp/scan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert((int)PLAN_MESH_UNITS_MM == (int)SCALP_SCAN_UNITS_MM &&
                   (int)PLAN_MESH_UNITS_M == (int)SCALP_SCAN_UNITS_M &&
                   (int)PLAN_MESH_UNITS_GUESS == (int)SCALP_SCAN_UNITS_GUESS,
               "plan and scan units in the same order");

static double scan_cast(const void *ctx, const double o[3], const double d[3], double t_max)
{
    return scalp_scan_index_ray(ctx, o, d, 0.0, t_max, NULL);
}

static double v3_dot(const double a[3], const double b[3])
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/* ---- the vertices onto the scan ---- */

typedef struct project_job {
    const scalp_scan_index *index;
    const scalp_scan *scan; /* the index's */
    const head_shape *sh;
    double origin[3];
    const float *dirs;
    float *positions; /* in: procedural; unchanged here */
    float *offset;    /* out: t on the scan minus t on the procedural surface, along the ray */
    unsigned char *hit;
    float *rgb; /* out, NULL when the scan has no colours: the scan's colour where the ray met it */
} project_job;

static void project_vertices(void *ctx, int begin, int end)
{
    project_job *job = ctx;
    for (int v = begin; v < end; v++) {
        double d[3] = {job->dirs[3 * v], job->dirs[3 * v + 1], job->dirs[3 * v + 2]}, o[3];
        head_mesh_ray_origin(job->sh, job->origin, d, o);
        double p[3] = {job->positions[3 * v] - o[0], job->positions[3 * v + 1] - o[1],
                       job->positions[3 * v + 2] - o[2]};
        double t_p = v3_dot(p, d);
        scalp_scan_hit at;
        double t =
            scalp_scan_index_ray(job->index, o, d, t_p - HEAD_SCAN_WINDOW_MM, t_p + HEAD_SCAN_WINDOW_MM, &at);
        job->hit[v] = t >= 0.0;
        job->offset[v] = t >= 0.0 ? (float)(t - t_p) : 0.0f;
        if (job->rgb && t >= 0.0) {
            const uint32_t *tri = &job->scan->indices[3 * at.triangle];
            for (int k = 0; k < 3; k++) {
                float c = 0.0f;
                for (int j = 0; j < 3; j++)
                    c += at.bary[j] * job->scan->colors[3 * tri[j] + k];
                job->rgb[3 * v + k] = fminf(fmaxf(c, 0.0f), 1.0f);
            }
        }
    }
}

/* Vertex adjacency of a triangle mesh (compressed rows); false when out of memory. */
static bool adjacency_build(const scalp_mesh *m, int **start_out, int **list_out)
{
    int *start = calloc((size_t)m->vertex_count + 1, sizeof *start);
    int *list = malloc(sizeof *list * 6 * (size_t)m->triangle_count);
    int *fill = malloc(sizeof *fill * (size_t)m->vertex_count);
    if (!start || !list || !fill) {
        free(start), free(list), free(fill);
        return false;
    }
    for (int t = 0; t < m->triangle_count; t++)
        for (int k = 0; k < 3; k++)
            start[m->indices[3 * t + k] + 1] += 2;
    for (int v = 0; v < m->vertex_count; v++)
        start[v + 1] += start[v];
    memcpy(fill, start, sizeof *fill * (size_t)m->vertex_count);
    for (int t = 0; t < m->triangle_count; t++)
        for (int k = 0; k < 3; k++) {
            int a = (int)m->indices[3 * t + k];
            list[fill[a]++] = (int)m->indices[3 * t + (k + 1) % 3];
            list[fill[a]++] = (int)m->indices[3 * t + (k + 2) % 3];
        }
    free(fill);
    *start_out = start;
    *list_out = list;
    return true;
}

/* A binary heap of (distance, vertex) for Dijkstra's shortest paths over the mesh's edges. */
typedef struct heap_item {
    float dist;
    int v;
} heap_item;

static void heap_push(heap_item *h, int *n, heap_item it)
{
    int i = (*n)++;
    while (i > 0 && h[(i - 1) / 2].dist > it.dist) {
        h[i] = h[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h[i] = it;
}

static heap_item heap_pop(heap_item *h, int *n)
{
    heap_item top = h[0], last = h[--(*n)];
    int i = 0;
    for (;;) {
        int c = 2 * i + 1;
        if (c >= *n) break;
        if (c + 1 < *n && h[c + 1].dist < h[c].dist) c++;
        if (h[c].dist >= last.dist) break;
        h[i] = h[c];
        i = c;
    }
    h[i] = last;
    return top;
}

/* Where a ray met no scan, the values of the nearest vertex that did (nearest along the surface: Dijkstra
 * over the edges): its offset faded to zero over HEAD_SCAN_BLEND_MM, and with rgb non-NULL its colour as it
 * is, with a weight fading from 1 to 0 the same way; then smoothed among the missed vertices (Jacobi steps of
 * the umbrella operator, the hit vertices held), so a hole's edge shows neither a step nor a crease. Vertices
 * farther than HEAD_SCAN_BLEND_MM from every hit keep offset 0 and weight 0, and take the mean colour of the
 * hit vertices. offset, rgb (3 a vertex) and weight hold the hit vertices' values on entry. */
static bool misses_blend(const scalp_mesh *m, const float *positions, const unsigned char *hit, float *offset,
                         float *rgb, float *weight)
{
    int nv = m->vertex_count, *start = NULL, *list = NULL, n = 0, nch = rgb ? 5 : 1;
    if (!adjacency_build(m, &start, &list)) return false;
    float *dist = malloc(sizeof *dist * (size_t)nv), *val = malloc(sizeof *val * (size_t)nch * (size_t)nv);
    int *src = malloc(sizeof *src * (size_t)nv), *active = malloc(sizeof *active * (size_t)nv);
    float *next = malloc(sizeof *next * (size_t)nch * (size_t)nv);
    heap_item *heap = malloc(sizeof *heap * ((size_t)start[nv] + (size_t)nv));
    bool ok = dist && val && src && active && heap && next;
    if (ok) {
        for (int v = 0; v < nv; v++) {
            dist[v] = hit[v] ? 0.0f : INFINITY;
            src[v] = hit[v] ? v : -1;
            if (hit[v]) heap_push(heap, &n, (heap_item){0.0f, v});
        }
        while (n > 0) {
            heap_item it = heap_pop(heap, &n);
            if (it.dist > dist[it.v] || it.dist > HEAD_SCAN_BLEND_MM) continue;
            const float *a = &positions[3 * it.v];
            for (int e = start[it.v]; e < start[it.v + 1]; e++) {
                int w = list[e];
                const float *b = &positions[3 * w];
                float dd = it.dist + sqrtf((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                                           (a[2] - b[2]) * (a[2] - b[2]));
                if (dd < dist[w]) {
                    dist[w] = dd;
                    src[w] = src[it.v];
                    heap_push(heap, &n, (heap_item){dd, w});
                }
            }
        }
        double mean[3] = {0.0, 0.0, 0.0};
        int hits = 0;
        for (int v = 0; v < nv && rgb; v++)
            if (hit[v]) {
                hits++;
                for (int k = 0; k < 3; k++)
                    mean[k] += rgb[3 * v + k];
            }
        int active_count = 0;
        for (int v = 0; v < nv; v++) {
            float *x = &val[(size_t)nch * v];
            if (hit[v]) {
                x[0] = offset[v];
                if (rgb) x[1] = rgb[3 * v], x[2] = rgb[3 * v + 1], x[3] = rgb[3 * v + 2], x[4] = 1.0f;
                continue;
            }
            if (dist[v] <= HEAD_SCAN_BLEND_MM) active[active_count++] = v;
            float fade = src[v] >= 0 ? (float)(1.0 - smp_smoothstep(0.0, HEAD_SCAN_BLEND_MM, dist[v])) : 0.0f;
            x[0] = src[v] >= 0 ? offset[src[v]] * fade : 0.0f;
            if (!rgb) continue;
            for (int k = 0; k < 3; k++)
                x[1 + k] = src[v] >= 0 ? rgb[3 * src[v] + k] : (float)(mean[k] / (hits ? hits : 1));
            x[4] = fade;
        }
        for (int it = 0; it < 20; it++) {
            for (int i = 0; i < active_count; i++) {
                int v = active[i];
                for (int c = 0; c < nch; c++) {
                    double sum = 0.0;
                    for (int e = start[v]; e < start[v + 1]; e++)
                        sum += val[(size_t)nch * list[e] + c];
                    next[(size_t)nch * i + c] = start[v + 1] > start[v]
                                                    ? (float)(sum / (start[v + 1] - start[v]))
                                                    : val[(size_t)nch * v + c];
                }
            }
            for (int i = 0; i < active_count; i++)
                memcpy(&val[(size_t)nch * active[i]], &next[(size_t)nch * i], sizeof *val * (size_t)nch);
        }
        for (int v = 0; v < nv; v++) {
            const float *x = &val[(size_t)nch * v];
            offset[v] = x[0];
            if (!rgb) continue;
            rgb[3 * v] = x[1], rgb[3 * v + 1] = x[2], rgb[3 * v + 2] = x[3];
            weight[v] = x[4];
        }
    }
    free(dist), free(val), free(src), free(active), free(next), free(heap), free(start), free(list);
    return ok;
}

/* Area-weighted vertex normals of the moved mesh (Max 1999 weighs by angle; area is what the procedural
 * head's lattice, nearly uniform, needs). */
static void normals_recompute(scalp_mesh *m)
{
    memset(m->normals, 0, sizeof(float) * 3 * (size_t)m->vertex_count);
    for (int t = 0; t < m->triangle_count; t++) {
        const uint32_t *id = &m->indices[3 * t];
        const float *a = &m->positions_mm[3 * id[0]], *b = &m->positions_mm[3 * id[1]],
                    *c = &m->positions_mm[3 * id[2]];
        float u[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]}, w[3] = {c[0] - a[0], c[1] - a[1], c[2] - a[2]};
        float x[3] = {u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]};
        for (int k = 0; k < 3; k++)
            for (int j = 0; j < 3; j++)
                m->normals[3 * id[k] + j] += x[j];
    }
    for (int v = 0; v < m->vertex_count; v++) {
        float *n = &m->normals[3 * v];
        float l = sqrtf(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
        if (l > 0.0f)
            n[0] /= l, n[1] /= l, n[2] /= l;
        else
            n[1] = 1.0f;
    }
}

/* A landmark of the procedural head re-found on the scan: where the ray from the head's ray origin through it
 * leaves the scan, or, with no scan there, moved as the nearest vertex of the mesh moved. */
static void landmark_move(const scalp_head *head, const scalp_scan_index *index, const float *before,
                          float p[3])
{
    double o[3] = {head->ray_origin_mm[0], head->ray_origin_mm[1], head->ray_origin_mm[2]};
    double d[3] = {p[0] - o[0], p[1] - o[1], p[2] - o[2]}, len = sqrt(v3_dot(d, d));
    if (len > 1e-6) {
        for (int k = 0; k < 3; k++)
            d[k] /= len;
        double t =
            scalp_scan_index_ray(index, o, d, len - HEAD_SCAN_WINDOW_MM, len + HEAD_SCAN_WINDOW_MM, NULL);
        if (t >= 0.0) {
            for (int k = 0; k < 3; k++)
                p[k] = (float)(o[k] + t * d[k]);
            return;
        }
    }
    int best = 0;
    float best_d2 = INFINITY;
    for (int v = 0; v < head->mesh.vertex_count; v++) {
        const float *q = &before[3 * v];
        float d2 =
            (q[0] - p[0]) * (q[0] - p[0]) + (q[1] - p[1]) * (q[1] - p[1]) + (q[2] - p[2]) * (q[2] - p[2]);
        if (d2 < best_d2) best_d2 = d2, best = v;
    }
    for (int k = 0; k < 3; k++)
        p[k] += head->mesh.positions_mm[3 * best + k] - before[3 * best + k];
}

static smp_status measures_check(const char *path, const double m[3], smp_error *err)
{
    static const char *names[3] = {"length", "breadth", "circumference"};
    static const double lo[3] = {160, 120, 480}, hi[3] = {230, 180, 660};
    for (int k = 0; k < 3; k++)
        if (!(m[k] >= lo[k] && m[k] <= hi[k]))
            return smp_error_set(
                err, SMP_ERR_INPUT,
                "head.mesh: %s: the scan's head %s measures %.1f cm, expected %g..%g cm (a whole head, "
                "in the units of head.mesh_units, oriented by head.landmarks)",
                path, names[k], m[k] / 10.0, lo[k] / 10.0, hi[k] / 10.0);
    return SMP_OK;
}

smp_status head_scan_create(scalp_head *head, const plan_head *params, plan_sex sex, smp_log_fn on_warning,
                            void *warning_user, smp_error *err)
{
    static const double file_unit_mm[] = {1.0, 1.0, 10.0, 1000.0};
    const char *path = params->mesh;
    scalp_scan scan = {0};
    scalp_scan_index *index = NULL;
    float *dirs = NULL, *before = NULL, *offset = NULL;
    unsigned char *hit = NULL;
    memset(head, 0, sizeof *head);
    smp_status st = scalp_scan_load(path, (scalp_scan_units)params->mesh_units, NULL, on_warning,
                                    warning_user, &scan, err);
    if (st != SMP_OK) {
        if (err && st == SMP_ERR_INPUT && strstr(err->message, "cannot open")) {
            size_t n = strlen(err->message);
            snprintf(err->message + n, sizeof err->message - n,
                     " (expected an OBJ, PLY, STL, glTF or GLB head scan)");
        }
        smp_error_prefix(err, "head.mesh");
        return st;
    }
    if (params->landmarks.given) {
        double unit = file_unit_mm[scan.units];
        scalp_scan_landmarks lm = {.front_is_nasion = true};
        for (int k = 0; k < 3; k++) {
            lm.front_mm[k] = (float)(params->landmarks.nasion[k] * unit);
            lm.tragion_left_mm[k] = (float)(params->landmarks.tragus_left[k] * unit);
            lm.tragion_right_mm[k] = (float)(params->landmarks.tragus_right[k] * unit);
        }
        st = scalp_scan_orient(&scan, &lm, on_warning, warning_user, err);
    } else {
        st = scalp_scan_orient(&scan, NULL, on_warning, warning_user, err);
    }
    if (st != SMP_OK) {
        smp_error_prefix(err, path);
        smp_error_prefix(err, params->landmarks.given ? "head.landmarks" : "head.mesh");
        goto done;
    }
    if ((st = scalp_scan_index_create(&index, &scan, err)) != SMP_OK) goto done;

    /* The measures where the procedural head is measured: those rays depend a little on the shape, so
     * measure, fit, and measure again on the fitted shape's rays. */
    head_shape sh = {0};
    double measured[3], fitted[3];
    plan_head m = *params;
    m.mesh[0] = '\0';
    bool centred = params->landmarks.given;
    for (int round = 0; round < 2; round++) {
        head_shape_fit(&sh, &m, sex, fitted);
        int missed = head_shape_measure(&sh, scan_cast, index, measured);
        if (missed < 0 || missed > 36) {
            st = smp_error_set(
                err, SMP_ERR_INPUT,
                "head.mesh: %s: the scan has no surface where the head's %s is measured (expected "
                "a closed cranium from the brows up, +y up and the face towards +z)",
                path, missed < 0 ? "length or breadth" : "circumference");
            goto done;
        }
        if ((st = measures_check(path, measured, err)) != SMP_OK) goto done;
        if (!centred) {
            /* Estimated tragia are the ears' outer rims, 10-20 mm behind the ear canals: put the cranium's
             * front where the procedural head of these measures has it instead (only along z; the height and
             * the tilt come from the estimate). */
            plan_head mm = m;
            mm.length_cm = measured[0] / 10.0, mm.breadth_cm = measured[1] / 10.0,
            mm.circumference_cm = measured[2] / 10.0;
            head_shape_fit(&sh, &mm, sex, fitted);
            const double o[3] = {0.0, sh.cy, 0.0}, z[3] = {0.0, 0.0, 1.0};
            double dz = head_shape_ray(&sh, o, z) - scan_cast(index, o, z, 300.0 * sh.s);
            for (int v = 0; v < scan.vertex_count; v++)
                scan.positions_mm[3 * v + 2] += (float)dz;
            scan.bounds_min_mm[2] += (float)dz, scan.bounds_max_mm[2] += (float)dz;
            scan.head_from_file[2][3] += dz;
            scalp_scan_index_destroy(index);
            index = NULL;
            if ((st = scalp_scan_index_create(&index, &scan, err)) != SMP_OK) goto done;
            smp_log(on_warning, warning_user, SMP_LOG_INFO,
                    "head.mesh: %s: the estimated frame moved %.1f mm forward", path, dz);
            centred = true;
            round = -1; /* measure again in the moved frame */
            continue;
        }
        m.length_cm = measured[0] / 10.0;
        m.breadth_cm = measured[1] / 10.0;
        m.circumference_cm = measured[2] / 10.0;
    }
    head_shape_fit(&sh, &m, sex, fitted);
    if ((st = head_build(head, params, sex, &sh, measured, &dirs, err)) != SMP_OK) goto done;

    scalp_mesh *mesh = &head->mesh;
    int nv = mesh->vertex_count;
    before = malloc(sizeof *before * 3 * (size_t)nv);
    offset = malloc(sizeof *offset * (size_t)nv);
    hit = malloc((size_t)nv);
    if (!before || !offset || !hit) {
        st = smp_error_set(err, SMP_ERR_NOMEM, "head.mesh: %s: out of memory fitting the head", path);
        goto done;
    }
    memcpy(before, mesh->positions_mm, sizeof *before * 3 * (size_t)nv);
    if (scan.colors) {
        head->vertex_rgb = malloc(sizeof *head->vertex_rgb * 3 * (size_t)nv);
        head->vertex_rgb_weight = malloc(sizeof *head->vertex_rgb_weight * (size_t)nv);
        if (!head->vertex_rgb || !head->vertex_rgb_weight) {
            st = smp_error_set(err, SMP_ERR_NOMEM, "head.mesh: %s: out of memory fitting the head", path);
            goto done;
        }
    }
    project_job job = {index,
                       &scan,
                       &sh,
                       {head->ray_origin_mm[0], head->ray_origin_mm[1], head->ray_origin_mm[2]},
                       dirs,
                       mesh->positions_mm,
                       offset,
                       hit,
                       head->vertex_rgb};
    smp_parallel_for(nv, project_vertices, &job);
    if (!misses_blend(mesh, before, hit, offset, head->vertex_rgb, head->vertex_rgb_weight)) {
        st = smp_error_set(err, SMP_ERR_NOMEM, "head.mesh: %s: out of memory fitting the head", path);
        goto done;
    }
    int on_scan = 0;
    for (int v = 0; v < nv; v++) {
        on_scan += hit[v];
        for (int k = 0; k < 3; k++)
            mesh->positions_mm[3 * v + k] += offset[v] * dirs[3 * v + k];
    }
    normals_recompute(mesh);
    for (int l = 0; l < SCALP_LM_COUNT; l++)
        if (l != SCALP_LM_VERTEX) landmark_move(head, index, before, head->landmarks_mm[l]);
    int top = 0;
    for (int v = 1; v < nv; v++)
        if (mesh->positions_mm[3 * v + 1] > mesh->positions_mm[3 * top + 1]) top = v;
    memcpy(head->landmarks_mm[SCALP_LM_VERTEX], &mesh->positions_mm[3 * top], sizeof(float[3]));
    for (int l = 0; l < SCALP_FACE_COUNT; l++)
        landmark_move(head, index, before, head->face_landmarks_mm[l]);
    if (head_landmarks_derive(head) != SMP_OK) {
        st = smp_error_set(err, SMP_ERR_NOMEM, "head.mesh: %s: out of memory fitting the head", path);
        goto done;
    }
    head->scanned = true;
    head->scan_vertex_count = on_scan;
    memcpy(head->head_from_file, scan.head_from_file, sizeof head->head_from_file);
    head->file_unit_mm = file_unit_mm[scan.units];
    smp_log(on_warning, warning_user, SMP_LOG_INFO,
            "head.mesh: %s: fitted: length %.1f, breadth %.1f, circumference %.1f cm; %d of %d vertices on "
            "the scan%s",
            path, measured[0] / 10.0, measured[1] / 10.0, measured[2] / 10.0, on_scan, nv,
            scan.colour_source == SCALP_SCAN_COLOUR_TEXTURE  ? ", coloured from its texture"
            : scan.colour_source == SCALP_SCAN_COLOUR_VERTEX ? ", coloured from its vertex colours"
                                                             : "");
done:
    if (st != SMP_OK) scalp_head_destroy(head);
    free(dirs), free(before), free(offset), free(hit);
    scalp_scan_index_destroy(index);
    scalp_scan_destroy(&scan);
    return st;
}

void scalp_head_to_file(const scalp_head *head, const double head_mm[3], double file[3])
{
    /* R is a rotation: its inverse is its transpose. */
    double q[3];
    for (int k = 0; k < 3; k++)
        q[k] = head_mm[k] - head->head_from_file[k][3];
    for (int j = 0; j < 3; j++) {
        double s = 0.0;
        for (int k = 0; k < 3; k++)
            s += head->head_from_file[k][j] * q[k];
        file[j] = s / head->file_unit_mm;
    }
}

void scalp_head_from_file(const scalp_head *head, const double file[3], double head_mm[3])
{
    for (int i = 0; i < 3; i++) {
        double s = head->head_from_file[i][3];
        for (int k = 0; k < 3; k++)
            s += head->head_from_file[i][k] * file[k] * head->file_unit_mm;
        head_mm[i] = s;
    }
}
