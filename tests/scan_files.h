/* Shared by the tests that fit heads to scans: a triangle mesh written as a scanner would write it, in OBJ,
 * PLY (ASCII and binary), STL (ASCII) and glTF 2 (buffer embedded as base64), coordinates in mm times scale,
 * and the head-shaped meshes the tests write (the procedural head, whole or at half its resolution,
 * reshaped). */
#ifndef SMP_TEST_SCAN_FILES_H
#define SMP_TEST_SCAN_FILES_H

#include "scalp/scalp.h"

#include <math.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct scan_mesh {
    int nv, nt;
    float *p;    /* mm, 3 a vertex */
    uint32_t *t; /* 3 a triangle, counter-clockwise seen from outside */
} scan_mesh;

static inline void scan_mesh_free(scan_mesh *m)
{
    free(m->p);
    free(m->t);
    memset(m, 0, sizeof *m);
}

/* The head's mesh, every vertex (full) or over every other line of its lattice (a quarter of the triangles,
 * the vertices they use renumbered). */
static inline scan_mesh scan_mesh_of_head(const scalp_head *head, bool full)
{
    const scalp_mesh *hm = &head->mesh;
    uint32_t *coarse = NULL;
    int coarse_count = 0;
    if (!full && scalp_mesh_lod(hm, NULL, 0, 2, &coarse, &coarse_count) != SMP_OK) abort();
    scan_mesh m = {0, full ? hm->triangle_count : coarse_count, NULL, NULL};
    const uint32_t *src = full ? hm->indices : coarse;
    int *map = malloc(sizeof *map * (size_t)hm->vertex_count);
    m.p = malloc(sizeof *m.p * 3 * (size_t)hm->vertex_count);
    m.t = malloc(sizeof *m.t * 3 * (size_t)m.nt);
    if (!map || !m.p || !m.t) abort();
    for (int v = 0; v < hm->vertex_count; v++)
        map[v] = -1;
    for (int i = 0; i < 3 * m.nt; i++) {
        uint32_t v = src[i];
        if (map[v] < 0) {
            map[v] = m.nv;
            memcpy(&m.p[3 * m.nv++], &hm->positions_mm[3 * v], sizeof(float[3]));
        }
        m.t[i] = (uint32_t)map[v];
    }
    free(map);
    free(coarse);
    return m;
}

static inline FILE *scan_file_open(const char *path)
{
    FILE *fp = fopen(path, "wb");
    if (!fp) {
        fprintf(stderr, "cannot write %s\n", path);
        abort();
    }
    return fp;
}

static inline void scan_write_obj(const char *path, const scan_mesh *m, double scale)
{
    FILE *fp = scan_file_open(path);
    fprintf(fp, "# test head\no head\n");
    for (int v = 0; v < m->nv; v++)
        fprintf(fp, "v %.9g %.9g %.9g\n", m->p[3 * v] * scale, m->p[3 * v + 1] * scale,
                m->p[3 * v + 2] * scale);
    for (int t = 0; t < m->nt; t++)
        fprintf(fp, "f %u %u %u\n", m->t[3 * t] + 1, m->t[3 * t + 1] + 1, m->t[3 * t + 2] + 1);
    fclose(fp);
}

static inline void scan_write_ply(const char *path, const scan_mesh *m, double scale, bool binary)
{
    FILE *fp = scan_file_open(path);
    fprintf(fp,
            "ply\nformat %s 1.0\ncomment test head\nelement vertex %d\nproperty float x\nproperty float y\n"
            "property float z\nelement face %d\nproperty list uchar int vertex_indices\nend_header\n",
            binary ? "binary_little_endian" : "ascii", m->nv, m->nt);
    for (int v = 0; v < m->nv; v++) {
        float q[3] = {(float)(m->p[3 * v] * scale), (float)(m->p[3 * v + 1] * scale),
                      (float)(m->p[3 * v + 2] * scale)};
        if (binary)
            fwrite(q, sizeof q, 1, fp); /* little-endian hosts */
        else
            fprintf(fp, "%.9g %.9g %.9g\n", q[0], q[1], q[2]);
    }
    for (int t = 0; t < m->nt; t++) {
        if (binary) {
            unsigned char three = 3;
            int32_t id[3] = {(int32_t)m->t[3 * t], (int32_t)m->t[3 * t + 1], (int32_t)m->t[3 * t + 2]};
            fwrite(&three, 1, 1, fp);
            fwrite(id, sizeof id, 1, fp);
        } else {
            fprintf(fp, "3 %u %u %u\n", m->t[3 * t], m->t[3 * t + 1], m->t[3 * t + 2]);
        }
    }
    fclose(fp);
}

static inline void scan_write_stl(const char *path, const scan_mesh *m, double scale)
{
    FILE *fp = scan_file_open(path);
    fprintf(fp, "solid head\n");
    for (int t = 0; t < m->nt; t++) {
        fprintf(fp, " facet normal 0 0 0\n  outer loop\n");
        for (int k = 0; k < 3; k++) {
            const float *p = &m->p[3 * m->t[3 * t + k]];
            fprintf(fp, "   vertex %.9g %.9g %.9g\n", p[0] * scale, p[1] * scale, p[2] * scale);
        }
        fprintf(fp, "  endloop\n endfacet\n");
    }
    fprintf(fp, "endsolid head\n");
    fclose(fp);
}

static inline void scan_base64_write(FILE *fp, const unsigned char *data, size_t n)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        uint32_t w = (uint32_t)data[i] << 16 | (i + 1 < n ? (uint32_t)data[i + 1] << 8 : 0) |
                     (i + 2 < n ? data[i + 2] : 0);
        fputc(abc[w >> 18 & 63], fp);
        fputc(abc[w >> 12 & 63], fp);
        fputc(i + 1 < n ? abc[w >> 6 & 63] : '=', fp);
        fputc(i + 2 < n ? abc[w & 63] : '=', fp);
    }
}

/* glTF 2 with the buffer embedded as base64. With shift (mm, NULL: none) the mesh sits in a node translated
 * by it, its positions written minus shift, so that a reader must apply the node's transform. */
static inline void scan_write_gltf(const char *path, const scan_mesh *m, double scale, const double shift[3])
{
    const double zero[3] = {0.0, 0.0, 0.0};
    if (!shift) shift = zero;
    size_t pos_bytes = sizeof(float) * 3 * (size_t)m->nv, idx_bytes = sizeof(uint32_t) * 3 * (size_t)m->nt;
    unsigned char *buf = malloc(pos_bytes + idx_bytes);
    if (!buf) abort();
    float lo[3] = {INFINITY, INFINITY, INFINITY}, hi[3] = {-INFINITY, -INFINITY, -INFINITY};
    for (int v = 0; v < m->nv; v++)
        for (int k = 0; k < 3; k++) {
            float x = (float)((m->p[3 * v + k] - shift[k]) * scale);
            memcpy(buf + sizeof(float) * (3 * (size_t)v + k), &x, sizeof x); /* little-endian hosts */
            lo[k] = fminf(lo[k], x), hi[k] = fmaxf(hi[k], x);
        }
    memcpy(buf + pos_bytes, m->t, idx_bytes);
    FILE *fp = scan_file_open(path);
    fprintf(fp,
            "{\"asset\":{\"version\":\"2.0\"},\"scene\":0,\"scenes\":[{\"nodes\":[0]}],"
            "\"nodes\":[{\"name\":\"head\",\"mesh\":0,\"translation\":[%.9g,%.9g,%.9g]}],"
            "\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":0},\"indices\":1,\"mode\":4}]}],"
            "\"accessors\":[{\"bufferView\":0,\"componentType\":5126,\"count\":%d,\"type\":\"VEC3\","
            "\"min\":[%.9g,%.9g,%.9g],\"max\":[%.9g,%.9g,%.9g]},"
            "{\"bufferView\":1,\"componentType\":5125,\"count\":%d,\"type\":\"SCALAR\"}],"
            "\"bufferViews\":[{\"buffer\":0,\"byteOffset\":0,\"byteLength\":%zu,\"target\":34962},"
            "{\"buffer\":0,\"byteOffset\":%zu,\"byteLength\":%zu,\"target\":34963}],"
            "\"buffers\":[{\"byteLength\":%zu,\"uri\":\"data:application/octet-stream;base64,",
            shift[0] * scale, shift[1] * scale, shift[2] * scale, m->nv, lo[0], lo[1], lo[2], hi[0], hi[1],
            hi[2], 3 * m->nt, pos_bytes, pos_bytes, idx_bytes, pos_bytes + idx_bytes);
    scan_base64_write(fp, buf, pos_bytes + idx_bytes);
    fprintf(fp, "\"}]}\n");
    fclose(fp);
    free(buf);
}

/* The landmarks of a procedural head for head.landmarks, times scale (file units per mm): its nasion, and the
 * tragia taken where the line between the ear canals (the frame's x axis) leaves the head behind the ears'
 * front (x = +-70 mm at the default size; only the line through them fixes the frame). */
static inline void scan_landmarks_of_head(const scalp_head *head, double scale, plan_scan_landmarks *out)
{
    out->given = true;
    for (int k = 0; k < 3; k++) {
        out->nasion[k] = head->face_landmarks_mm[SCALP_FACE_NASION][k] * scale;
        out->tragus_left[k] = (k == 0 ? 70.0 : 0.0) * scale;
        out->tragus_right[k] = (k == 0 ? -70.0 : 0.0) * scale;
    }
}

/* A head unlike the procedural one: 6 % larger, its back flattened (a flat occiput, common after infancy on
 * the back) and its crown raised. */
static inline void scan_reshape(float q[3])
{
    float x = q[0] * 1.06f, y = q[1] * 1.06f, z = q[2] * 1.06f;
    if (z < -40.0f) z = -40.0f + (z + 40.0f) * 0.8f;
    y +=
        8.0f * expf(-(x * x + (z + 30.0f) * (z + 30.0f)) / (2.0f * 45.0f * 45.0f)) * (y > 0.0f ? 1.0f : 0.0f);
    q[0] = x, q[1] = y, q[2] = z;
}

static inline void scan_reshaped_landmarks(const scalp_head *p, double scale, plan_scan_landmarks *lm)
{
    scan_landmarks_of_head(p, 1.0, lm);
    double *pts[3] = {lm->nasion, lm->tragus_left, lm->tragus_right};
    for (int i = 0; i < 3; i++) {
        float q[3] = {(float)pts[i][0], (float)pts[i][1], (float)pts[i][2]};
        scan_reshape(q);
        for (int k = 0; k < 3; k++)
            pts[i][k] = q[k] * scale;
    }
}

/* A pose of the head in a file of its own: rotated by angle_deg about axis (not necessarily unit) and moved
 * by shift_mm, head frame to file millimetres: file_mm = R head_mm + t, as rows of [R | t] (Rodrigues). */
static inline void scan_pose(double angle_deg, const double axis[3], const double shift_mm[3],
                             double pose[3][4])
{
    double n = sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
    double k[3] = {axis[0] / n, axis[1] / n, axis[2] / n}, a = angle_deg * 3.14159265358979323846 / 180.0;
    double c = cos(a), s = sin(a);
    double K[3][3] = {{0, -k[2], k[1]}, {k[2], 0, -k[0]}, {-k[1], k[0], 0}};
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
            double kk = 0.0;
            for (int m = 0; m < 3; m++)
                kk += K[i][m] * K[m][j];
            pose[i][j] = (i == j ? 1.0 : 0.0) + s * K[i][j] + (1.0 - c) * kk;
        }
        pose[i][3] = shift_mm[i];
    }
}

/* A head frame point (mm) in the posed file's coordinates: (R p + t) * scale (file units per mm). */
static inline void scan_pose_point(const double pose[3][4], double scale, const double p[3], double out[3])
{
    for (int i = 0; i < 3; i++)
        out[i] = (pose[i][0] * p[0] + pose[i][1] * p[1] + pose[i][2] * p[2] + pose[i][3]) * scale;
}

/* The mesh moved into the pose (its millimetres; the writers scale them). */
static inline void scan_mesh_pose(scan_mesh *m, const double pose[3][4])
{
    for (int v = 0; v < m->nv; v++) {
        double p[3] = {m->p[3 * v], m->p[3 * v + 1], m->p[3 * v + 2]}, q[3];
        scan_pose_point(pose, 1.0, p, q);
        for (int k = 0; k < 3; k++)
            m->p[3 * v + k] = (float)q[k];
    }
}

/* The landmarks of scan_landmarks_of_head in the posed file, times scale. */
static inline void scan_landmarks_posed(const scalp_head *head, const double pose[3][4], double scale,
                                        plan_scan_landmarks *out)
{
    scan_landmarks_of_head(head, 1.0, out);
    double *pts[3] = {out->nasion, out->tragus_left, out->tragus_right};
    for (int i = 0; i < 3; i++) {
        double q[3];
        scan_pose_point(pose, scale, pts[i], q);
        for (int k = 0; k < 3; k++)
            pts[i][k] = q[k];
    }
}

/* What the scan loader and the fit warned about: how many warnings, and the last one. */
typedef struct scan_warnings {
    int count;
    char last[1024];
} scan_warnings;

/* An smp_log_fn recording warnings (and worse) into the scan_warnings given as user. */
static inline void scan_warning_record(void *user, smp_log_level level, const char *message)
{
    scan_warnings *w = user;
    if (level < SMP_LOG_WARN) return;
    w->count++;
    snprintf(w->last, sizeof w->last, "%s", message);
}

#endif
