/* Scanned heads: a head-shaped mesh written by the test in OBJ, PLY, STL and glTF, in mm, cm and m, read back
 * the same; cleaning (weld, degenerate triangles, islands, winding); the head frame from three landmarks;
 * and bad files, each refused with one line that names the file. */
#include "scalp/scalp.h"
#include "scalp/scan.h"
#include "scan_files.h"
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the test head: an ellipsoid (150 x 220 x 190 mm) with a nose and two ears, on a latitude-longitude
 * lattice (the poles shared), so its vertex count is known exactly ---- */

#define RINGS 48
#define SEGMENTS 96
#define HEAD_VERTICES (2 + (RINGS - 1) * SEGMENTS)
#define HEAD_TRIANGLES (2 * SEGMENTS * (RINGS - 1))

typedef scan_mesh test_mesh; /* tests/scan_files.h */

static double bump(const double d[3], double cx, double cy, double cz, double width_rad)
{
    double len = sqrt(cx * cx + cy * cy + cz * cz);
    double c = (d[0] * cx + d[1] * cy + d[2] * cz) / len;
    double a = acos(fmin(fmax(c, -1.0), 1.0));
    return exp(-a * a / (2.0 * width_rad * width_rad));
}

static test_mesh head_mesh(void)
{
    test_mesh m = {HEAD_VERTICES, HEAD_TRIANGLES, malloc(sizeof(float) * 3 * HEAD_VERTICES),
                   malloc(sizeof(uint32_t) * 3 * HEAD_TRIANGLES)};
    assert_non_null(m.p);
    assert_non_null(m.t);
    for (int v = 0; v < m.nv; v++) {
        double theta = v == 0 ? 0.0 : v == m.nv - 1 ? SMP_PI : SMP_PI * (1 + (v - 1) / SEGMENTS) / RINGS;
        double phi = v == 0 || v == m.nv - 1 ? 0.0 : 2.0 * SMP_PI * ((v - 1) % SEGMENTS) / SEGMENTS;
        double d[3] = {sin(theta) * sin(phi), cos(theta), sin(theta) * cos(phi)};
        double r = 1.0 / sqrt(d[0] * d[0] / (75.0 * 75.0) + d[1] * d[1] / (110.0 * 110.0) +
                              d[2] * d[2] / (95.0 * 95.0));
        r += 22.0 * bump(d, 0.0, -0.2, 1.0, 0.12);   /* nose */
        r += 14.0 * bump(d, 1.0, 0.05, -0.1, 0.14);  /* left ear */
        r += 14.0 * bump(d, -1.0, 0.05, -0.1, 0.14); /* right ear */
        for (int k = 0; k < 3; k++)
            m.p[3 * v + k] = (float)(r * d[k]);
    }
    int n = 0, bottom = m.nv - 1;
    for (int j = 0; j < SEGMENTS; j++) {
        int j1 = (j + 1) % SEGMENTS;
        uint32_t *t = &m.t[3 * n++];
        t[0] = 0, t[1] = 1 + j, t[2] = 1 + j1;
        int last = 1 + (RINGS - 2) * SEGMENTS;
        t = &m.t[3 * n++];
        t[0] = bottom, t[1] = last + j1, t[2] = last + j;
        for (int i = 0; i < RINGS - 2; i++) {
            uint32_t a = 1 + i * SEGMENTS + j, b = 1 + i * SEGMENTS + j1, c = a + SEGMENTS, e = b + SEGMENTS;
            t = &m.t[3 * n++];
            t[0] = a, t[1] = c, t[2] = e;
            t = &m.t[3 * n++];
            t[0] = a, t[1] = e, t[2] = b;
        }
    }
    assert_int_equal(n, m.nt);
    /* Counter-clockwise seen from outside: the surface is star-shaped about the origin. */
    for (int i = 0; i < m.nt; i++) {
        uint32_t *t = &m.t[3 * i];
        const float *a = &m.p[3 * t[0]], *b = &m.p[3 * t[1]], *c = &m.p[3 * t[2]];
        double u[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]}, w[3] = {c[0] - a[0], c[1] - a[1], c[2] - a[2]};
        double x[3] = {u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]};
        if (x[0] * (a[0] + b[0] + c[0]) + x[1] * (a[1] + b[1] + c[1]) + x[2] * (a[2] + b[2] + c[2]) < 0.0) {
            uint32_t s = t[1];
            t[1] = t[2], t[2] = s;
        }
    }
    return m;
}

/* ---- writers: the coordinates are mm times scale (1 mm, 0.1 cm, 0.001 m) ---- */

typedef struct fixture {
    char dir[256];
    test_mesh head;
    double lo[3], hi[3]; /* the head's bounds, mm */
    char last_warning[512];
    int warnings;
} fixture;

static void path_in(const fixture *f, const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", f->dir, name);
}

static FILE *open_out(const fixture *f, const char *name, char *path, size_t size)
{
    path_in(f, name, path, size);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    return fp;
}

/* The writers of tests/scan_files.h into the fixture's folder; the glTF's mesh sits in a node translated by
 * (10, 20, 30) mm, so the reader must apply the node's transform. */
static void write_obj(const fixture *f, const char *name, const test_mesh *m, double scale, char *path,
                      size_t size)
{
    path_in(f, name, path, size);
    scan_write_obj(path, m, scale);
}

static void write_ply(const fixture *f, const char *name, const test_mesh *m, double scale, char *path,
                      size_t size)
{
    path_in(f, name, path, size);
    scan_write_ply(path, m, scale, false);
}

static void write_stl(const fixture *f, const char *name, const test_mesh *m, double scale, char *path,
                      size_t size)
{
    path_in(f, name, path, size);
    scan_write_stl(path, m, scale);
}

static void write_gltf(const fixture *f, const char *name, const test_mesh *m, double scale, char *path,
                       size_t size)
{
    static const double shift[3] = {10.0, 20.0, 30.0};
    path_in(f, name, path, size);
    scan_write_gltf(path, m, scale, shift);
}

static void write_text(const fixture *f, const char *name, const char *text, char *path, size_t size)
{
    FILE *fp = open_out(f, name, path, size);
    fputs(text, fp);
    fclose(fp);
}

/* A cube of the given side centred at x = cx, each face an n x n grid (12 n^2 triangles), appended to an OBJ
 * file whose vertices so far number base; returns the new count. */
static int cube_obj_append(FILE *fp, double side, double cx, int n, int base)
{
    for (int face = 0; face < 6; face++) {
        int axis = face / 2;
        double sign = face % 2 ? 1.0 : -1.0;
        for (int i = 0; i <= n; i++)
            for (int j = 0; j <= n; j++) {
                double q[3];
                q[axis] = 0.5 * side * sign;
                q[(axis + 1) % 3] = side * ((double)i / n - 0.5);
                q[(axis + 2) % 3] = side * ((double)j / n - 0.5);
                fprintf(fp, "v %.9g %.9g %.9g\n", q[0] + cx, q[1], q[2]);
            }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                int a = base + 1 + i * (n + 1) + j, b = a + 1, c = a + n + 1, d = c + 1;
                fprintf(fp, "f %d %d %d\nf %d %d %d\n", a, c, d, a, d, b);
            }
        base += (n + 1) * (n + 1);
    }
    return base;
}

static void write_cube_obj(const fixture *f, const char *name, double side, char *path, size_t size)
{
    FILE *fp = open_out(f, name, path, size);
    cube_obj_append(fp, side, 0.0, 16, 0);
    fclose(fp);
}

static void on_warning(void *user, smp_log_level level, const char *message)
{
    fixture *f = user;
    if (level < SMP_LOG_WARN) return;
    snprintf(f->last_warning, sizeof f->last_warning, "%s", message);
    f->warnings++;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f) return -1;
    if (test_dir_make(f->dir, sizeof f->dir, "smp_scan") != 0) return -1;
    f->head = head_mesh();
    for (int k = 0; k < 3; k++)
        f->lo[k] = INFINITY, f->hi[k] = -INFINITY;
    for (int v = 0; v < f->head.nv; v++)
        for (int k = 0; k < 3; k++) {
            f->lo[k] = fmin(f->lo[k], f->head.p[3 * v + k]);
            f->hi[k] = fmax(f->hi[k], f->head.p[3 * v + k]);
        }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (test_dir_remove(f->dir) != 0) return -1;
    scan_mesh_free(&f->head);
    free(f);
    return 0;
}

/* ---- reading the same head in every format and unit ---- */

typedef void (*writer)(const fixture *, const char *, const test_mesh *, double, char *, size_t);

static void check_head(const fixture *f, const scalp_scan *s)
{
    assert_int_equal(s->vertex_count, HEAD_VERTICES);
    assert_int_equal(s->triangle_count, HEAD_TRIANGLES);
    for (int k = 0; k < 3; k++) {
        assert_near(s->bounds_min_mm[k], f->lo[k], 1.0);
        assert_near(s->bounds_max_mm[k], f->hi[k], 1.0);
    }
    /* Normals point out: the mean cosine with the direction from the centre. */
    double sum = 0.0;
    for (int v = 0; v < s->vertex_count; v++) {
        const float *p = &s->positions_mm[3 * v], *n = &s->normals[3 * v];
        double len = sqrt((double)p[0] * p[0] + (double)p[1] * p[1] + (double)p[2] * p[2]);
        sum += (p[0] * n[0] + p[1] * n[1] + p[2] * n[2]) / len;
        assert_near(n[0] * n[0] + n[1] * n[1] + n[2] * n[2], 1.0, 1e-5);
    }
    assert_true(sum / s->vertex_count > 0.9);
    for (int i = 0; i < 3 * s->triangle_count; i++)
        assert_true(s->indices[i] < (uint32_t)s->vertex_count);
    /* Written without colours, read without (tests/scalp/test_scan_colour.c reads coloured ones). */
    assert_null(s->colors);
    assert_int_equal(s->colour_source, SCALP_SCAN_COLOUR_NONE);
}

static void load_should_read_every_format_in_every_unit_as_the_same_head(void **state)
{
    fixture *f = *state;
    const struct {
        const char *ext;
        writer write;
    } formats[] = {{"obj", write_obj}, {"ply", write_ply}, {"stl", write_stl}, {"gltf", write_gltf}};
    const struct {
        const char *name;
        double scale;
        scalp_scan_units units;
    } units[] = {
        {"mm", 1.0, SCALP_SCAN_UNITS_MM}, {"cm", 0.1, SCALP_SCAN_UNITS_CM}, {"m", 0.001, SCALP_SCAN_UNITS_M}};
    scalp_scan_landmarks first = {0};
    for (size_t fi = 0; fi < sizeof formats / sizeof formats[0]; fi++)
        for (size_t ui = 0; ui < sizeof units / sizeof units[0]; ui++) {
            char name[64], path[512];
            snprintf(name, sizeof name, "head_%s.%s", units[ui].name, formats[fi].ext);
            formats[fi].write(f, name, &f->head, units[ui].scale, path, sizeof path);
            scalp_scan s;
            smp_error err = {0};
            f->warnings = 0;
            if (scalp_scan_load(path, SCALP_SCAN_UNITS_GUESS, NULL, on_warning, f, &s, &err) != SMP_OK)
                fail_msg("%s", err.message);
            assert_int_equal(s.units, units[ui].units);
            assert_true(s.units_guessed);
            assert_int_equal(f->warnings, 1);
            assert_non_null(strstr(f->last_warning, path));
            assert_non_null(strstr(f->last_warning, units[ui].name));
            assert_false(s.winding_flipped);
            check_head(f, &s);
            scalp_scan_landmarks lm;
            assert_int_equal(scalp_scan_estimate_landmarks(&s, &lm, &err), SMP_OK);
            if (fi == 0 && ui == 0) first = lm;
            for (int k = 0; k < 3; k++) {
                assert_near(lm.front_mm[k], first.front_mm[k], 1.0);
                assert_near(lm.tragion_left_mm[k], first.tragion_left_mm[k], 1.0);
                assert_near(lm.tragion_right_mm[k], first.tragion_right_mm[k], 1.0);
            }
            scalp_scan_destroy(&s);
        }
    /* Where the estimates land on this head: the glabella on the midline in front, the tragia on the ears. */
    assert_near(first.front_mm[0], 0.0, 1.0);
    assert_true(first.front_mm[2] > 80.0);
    assert_near(first.tragion_left_mm[0], -first.tragion_right_mm[0], 0.5);
    assert_true(first.tragion_left_mm[0] > 75.0);
}

static void load_should_split_polygons_into_triangles(void **state)
{
    fixture *f = *state;
    /* The head's pairs of triangles that share an edge written as one quad (a c e b from a c e and a e b). */
    char path[512];
    FILE *fp = open_out(f, "quads.obj", path, sizeof path);
    for (int v = 0; v < f->head.nv; v++)
        fprintf(fp, "v %.9g %.9g %.9g\n", f->head.p[3 * v], f->head.p[3 * v + 1], f->head.p[3 * v + 2]);
    int quads = 0;
    for (int t = 0; t < f->head.nt; t++) {
        const uint32_t *a = &f->head.t[3 * t], *b = t + 1 < f->head.nt ? &f->head.t[3 * t + 3] : NULL;
        if (b && b[0] == a[0] && b[1] == a[2]) {
            fprintf(fp, "f %d %d %d %d\n", a[0] + 1, a[1] + 1, a[2] + 1, b[2] + 1);
            quads++, t++;
        } else if (b && a[0] == b[0] && a[1] == b[2]) {
            fprintf(fp, "f %d %d %d %d\n", b[0] + 1, b[1] + 1, b[2] + 1, a[2] + 1);
            quads++, t++;
        } else {
            fprintf(fp, "f %d %d %d\n", a[0] + 1, a[1] + 1, a[2] + 1);
        }
    }
    fclose(fp);
    assert_true(quads > f->head.nt / 3);
    scalp_scan s;
    smp_error err = {0};
    if (scalp_scan_load(path, SCALP_SCAN_UNITS_MM, NULL, NULL, NULL, &s, &err) != SMP_OK)
        fail_msg("%s", err.message);
    assert_false(s.winding_flipped);
    check_head(f, &s);
    scalp_scan_destroy(&s);
}

static void load_should_take_the_given_units_and_refuse_sizes_that_are_no_head_in_them(void **state)
{
    fixture *f = *state;
    char path[512];
    write_obj(f, "given_cm.obj", &f->head, 0.1, path, sizeof path);
    scalp_scan s;
    smp_error err = {0};
    f->warnings = 0;
    assert_int_equal(scalp_scan_load(path, SCALP_SCAN_UNITS_CM, NULL, on_warning, f, &s, &err), SMP_OK);
    assert_int_equal(f->warnings, 0); /* nothing guessed */
    assert_false(s.units_guessed);
    check_head(f, &s);
    scalp_scan_destroy(&s);
    /* The same file read as metres is 22 m tall. */
    assert_int_equal(scalp_scan_load(path, SCALP_SCAN_UNITS_M, NULL, NULL, NULL, &s, &err), SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "mm across in m"));
    assert_null(s.positions_mm);
}

static void load_should_weld_drop_degenerate_triangles_and_small_islands_and_turn_inward_winding(void **state)
{
    fixture *f = *state;
    /* Every triangle with its own three vertices, each copy moved by up to 0.3 um, every triangle turned
     * inwards; plus a repeated-vertex triangle, a sliver and a loose 12-triangle box 2 m away (which must not
     * count in the size). */
    test_mesh m = {3 * f->head.nt + 8 + 1, f->head.nt + 2 + 12, NULL, NULL};
    m.p = malloc(sizeof(float) * 3 * (size_t)m.nv);
    m.t = malloc(sizeof(uint32_t) * 3 * (size_t)m.nt);
    assert_non_null(m.p);
    assert_non_null(m.t);
    for (int t = 0; t < f->head.nt; t++)
        for (int k = 0; k < 3; k++) {
            int v = 3 * t + k;
            for (int c = 0; c < 3; c++)
                m.p[3 * v + c] =
                    f->head.p[3 * f->head.t[3 * t + k] + c] + 3e-4 * (((v * 7 + c * 3) % 5) - 2) / 2;
            m.t[3 * t + (2 - k)] = v; /* reversed */
        }
    int n = f->head.nt, b = 3 * f->head.nt;
    m.t[3 * n] = 0, m.t[3 * n + 1] = 0, m.t[3 * n + 2] = 1, n++;
    /* A sliver on the head: two of its vertices and the point midway between them. */
    int s0 = b + 8;
    for (int c = 0; c < 3; c++)
        m.p[3 * s0 + c] = 0.5 * (m.p[c] + m.p[3 + c]);
    m.t[3 * n] = 0, m.t[3 * n + 1] = 1, m.t[3 * n + 2] = s0, n++;
    static const int box[12][3] = {{0, 2, 3}, {0, 3, 1}, {4, 5, 7}, {4, 7, 6}, {0, 1, 5}, {0, 5, 4},
                                   {2, 6, 7}, {2, 7, 3}, {0, 4, 6}, {0, 6, 2}, {1, 3, 7}, {1, 7, 5}};
    for (int v = 0; v < 8; v++) {
        m.p[3 * (b + v)] = 2000.0 + 10.0 * (v & 1);
        m.p[3 * (b + v) + 1] = 10.0 * (v >> 1 & 1);
        m.p[3 * (b + v) + 2] = 10.0 * (v >> 2 & 1);
    }
    for (int i = 0; i < 12; i++, n++)
        for (int k = 0; k < 3; k++)
            m.t[3 * n + k] = b + box[i][k];
    assert_int_equal(n, m.nt);
    char path[512];
    write_obj(f, "dirty.obj", &m, 1.0, path, sizeof path);
    scan_mesh_free(&m);
    scalp_scan s;
    smp_error err = {0};
    if (scalp_scan_load(path, SCALP_SCAN_UNITS_MM, NULL, NULL, NULL, &s, &err) != SMP_OK)
        fail_msg("%s", err.message);
    assert_true(s.welded_vertex_count > 0);
    assert_int_equal(s.degenerate_triangle_count, 2);
    assert_int_equal(s.island_count, 1);
    assert_int_equal(s.island_triangle_count, 12);
    assert_true(s.winding_flipped);
    check_head(f, &s);
    scalp_scan_destroy(&s);
}

/* ---- the head frame ---- */

static void apply(const double m[3][4], const float p[3], double out[3])
{
    for (int i = 0; i < 3; i++)
        out[i] = m[i][0] * p[0] + m[i][1] * p[1] + m[i][2] * p[2] + m[i][3];
}

static void orient_should_put_the_landmarks_where_the_procedural_head_has_them(void **state)
{
    fixture *f = *state;
    char path[512];
    write_ply(f, "orient.ply", &f->head, 1.0, path, sizeof path);
    scalp_scan s;
    smp_error err = {0};
    assert_int_equal(scalp_scan_load(path, SCALP_SCAN_UNITS_MM, NULL, NULL, NULL, &s, &err), SMP_OK);
    scalp_scan_landmarks lm;
    assert_int_equal(scalp_scan_estimate_landmarks(&s, &lm, &err), SMP_OK);
    f->warnings = 0;
    assert_int_equal(scalp_scan_orient(&s, NULL, on_warning, f, &err), SMP_OK); /* estimated: said so */
    assert_int_equal(f->warnings, 1);
    assert_non_null(strstr(f->last_warning, "landmarks estimated"));
    assert_true(s.oriented);
    double g[3], l[3], r[3];
    apply(s.head_from_file, lm.front_mm, g);
    apply(s.head_from_file, lm.tragion_left_mm, l);
    apply(s.head_from_file, lm.tragion_right_mm, r);
    /* The tragia on the x axis, symmetric, the left at +x; the glabella on the midline, in front, at the
     * procedural head's elevation. */
    assert_near(l[1], 0.0, 1e-3);
    assert_near(l[2], 0.0, 1e-3);
    assert_near(r[1], 0.0, 1e-3);
    assert_near(l[0], -r[0], 1e-3);
    assert_true(l[0] > 0.0);
    assert_near(g[0], 0.0, 1e-3);
    assert_true(g[2] > 0.0);
    assert_near(atan2(g[1], g[2]) * 180.0 / SMP_PI, SCALP_SCAN_GLABELLA_ELEVATION_DEG, 1e-3);
    /* The mesh moved with them: the normals stay unit and outward, the bounds follow. */
    float lo[3] = {INFINITY, INFINITY, INFINITY};
    for (int v = 0; v < s.vertex_count; v++)
        for (int k = 0; k < 3; k++)
            lo[k] = fminf(lo[k], s.positions_mm[3 * v + k]);
    for (int k = 0; k < 3; k++)
        assert_near(s.bounds_min_mm[k], lo[k], 1e-6);
    scalp_scan_destroy(&s);

    /* The procedural head's own glabella with tragia on its x axis leaves it where it is. */
    plan p;
    plan_init_default(&p);
    scalp_head head;
    assert_int_equal(scalp_head_create(&head, &p.head, PLAN_SEX_MALE, &err), SMP_OK);
    memset(&lm, 0, sizeof lm);
    memcpy(lm.front_mm, head.landmarks_mm[SCALP_LM_GLABELLA], sizeof lm.front_mm);
    lm.tragion_left_mm[0] = 70.0f, lm.tragion_right_mm[0] = -70.0f;
    scalp_scan ps = {0};
    ps.vertex_count = 1;
    float pos[3] = {1.0f, 2.0f, 3.0f}, nrm[3] = {0.0f, 1.0f, 0.0f};
    ps.positions_mm = pos, ps.normals = nrm;
    for (int i = 0; i < 3; i++)
        ps.head_from_file[i][i] = 1.0;
    assert_int_equal(scalp_scan_orient(&ps, &lm, NULL, NULL, &err), SMP_OK);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++)
            assert_near(ps.head_from_file[i][j], i == j, 2e-3);
    /* The nasion instead, flagged as such, gives the same frame. */
    memcpy(lm.front_mm, head.face_landmarks_mm[SCALP_FACE_NASION], sizeof lm.front_mm);
    lm.front_is_nasion = true;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++)
            ps.head_from_file[i][j] = i == j;
    assert_int_equal(scalp_scan_orient(&ps, &lm, NULL, NULL, &err), SMP_OK);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++)
            assert_near(ps.head_from_file[i][j], i == j, 2e-3);
    scalp_head_destroy(&head);
}

static void orient_should_give_the_same_head_whatever_pose_the_scan_was_in(void **state)
{
    fixture *f = *state;
    /* The head lying on its back, turned and moved: y -> z, z -> -y, then 30 degrees about the new y and
     * shifted (in cm, to read the units as well). */
    test_mesh m = {f->head.nv, f->head.nt, malloc(sizeof(float) * 3 * (size_t)f->head.nv),
                   malloc(sizeof(uint32_t) * 3 * (size_t)f->head.nt)};
    assert_non_null(m.p);
    assert_non_null(m.t);
    memcpy(m.t, f->head.t, sizeof(uint32_t) * 3 * (size_t)m.nt);
    const double c = cos(SMP_PI / 6.0), sn = sin(SMP_PI / 6.0), shift[3] = {40.0, -25.0, 310.0};
    /* R = Ry(30 degrees) A, A taking y to z and z to -y. */
    double R[3][3];
    double A[3][3] = {{1, 0, 0}, {0, 0, -1}, {0, 1, 0}}, B[3][3] = {{c, 0, sn}, {0, 1, 0}, {-sn, 0, c}};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            R[i][j] = 0.0;
            for (int k = 0; k < 3; k++)
                R[i][j] += B[i][k] * A[k][j];
        }
    for (int v = 0; v < m.nv; v++)
        for (int i = 0; i < 3; i++) {
            m.p[3 * v + i] = shift[i];
            for (int k = 0; k < 3; k++)
                m.p[3 * v + i] += R[i][k] * f->head.p[3 * v + k];
        }
    char upright_path[512], posed_path[512];
    write_obj(f, "upright.obj", &f->head, 1.0, upright_path, sizeof upright_path);
    write_obj(f, "posed.obj", &m, 0.1, posed_path, sizeof posed_path);
    scan_mesh_free(&m);
    scalp_scan up, posed;
    smp_error err = {0};
    assert_int_equal(scalp_scan_load(upright_path, SCALP_SCAN_UNITS_MM, NULL, NULL, NULL, &up, &err), SMP_OK);
    assert_int_equal(scalp_scan_load(posed_path, SCALP_SCAN_UNITS_CM, NULL, NULL, NULL, &posed, &err),
                     SMP_OK);
    scalp_scan_landmarks lm, lm_posed = {0};
    assert_int_equal(scalp_scan_estimate_landmarks(&up, &lm, &err), SMP_OK);
    const float *src[3] = {lm.front_mm, lm.tragion_left_mm, lm.tragion_right_mm};
    float *dst[3] = {lm_posed.front_mm, lm_posed.tragion_left_mm, lm_posed.tragion_right_mm};
    for (int l = 0; l < 3; l++)
        for (int i = 0; i < 3; i++) {
            double x = shift[i];
            for (int k = 0; k < 3; k++)
                x += R[i][k] * src[l][k];
            dst[l][i] = (float)x;
        }
    assert_int_equal(scalp_scan_orient(&up, &lm, NULL, NULL, &err), SMP_OK);
    assert_int_equal(scalp_scan_orient(&posed, &lm_posed, NULL, NULL, &err), SMP_OK);
    assert_int_equal(up.vertex_count, posed.vertex_count);
    for (int v = 0; v < up.vertex_count; v++)
        for (int k = 0; k < 3; k++) {
            assert_near(posed.positions_mm[3 * v + k], up.positions_mm[3 * v + k], 0.01);
            assert_near(posed.normals[3 * v + k], up.normals[3 * v + k], 1e-4);
        }
    scalp_scan_destroy(&up);
    scalp_scan_destroy(&posed);
}

static void orient_should_refuse_landmarks_that_cannot_be_a_head_and_leave_the_scan_unchanged(void **state)
{
    fixture *f = *state;
    char path[512];
    write_obj(f, "refuse.obj", &f->head, 1.0, path, sizeof path);
    scalp_scan s;
    smp_error err = {0};
    assert_int_equal(scalp_scan_load(path, SCALP_SCAN_UNITS_MM, NULL, NULL, NULL, &s, &err), SMP_OK);
    float first[3];
    memcpy(first, s.positions_mm, sizeof first);
    const scalp_scan_landmarks bad[] = {
        {.front_mm = {0, 30, 90}, .tragion_left_mm = {5, 0, 0}, .tragion_right_mm = {-5, 0, 0}}, /* 10 mm */
        {.front_mm = {0, 30, 90}, .tragion_left_mm = {700, 0, 0}, .tragion_right_mm = {-700, 0, 0}},
        {.front_mm = {0, 30, 400}, .tragion_left_mm = {70, 0, 0}, .tragion_right_mm = {-70, 0, 0}},
        {.front_mm = {90, 0, 5},
         .tragion_left_mm = {70, 0, 0},
         .tragion_right_mm = {-70, 0, 0}}, /* on the line */
        {.front_mm = {0, NAN, 90}, .tragion_left_mm = {70, 0, 0}, .tragion_right_mm = {-70, 0, 0}},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err.message[0] = '\0';
        assert_int_equal(scalp_scan_orient(&s, &bad[i], NULL, NULL, &err), SMP_ERR_INPUT);
        assert_non_null(strstr(err.message, "landmarks: "));
        assert_null(strchr(err.message, '\n'));
    }
    assert_false(s.oriented);
    assert_memory_equal(first, s.positions_mm, sizeof first);
    scalp_scan_destroy(&s);
}

/* ---- bad files ---- */

static void expect_refused(const char *path, const char *why)
{
    scalp_scan s;
    smp_error err = {0};
    smp_status st = scalp_scan_load(path, SCALP_SCAN_UNITS_GUESS, NULL, NULL, NULL, &s, &err);
    if (st != SMP_ERR_INPUT)
        fail_msg("%s: status %d, expected SMP_ERR_INPUT (%s)", path, (int)st, err.message);
    if (strncmp(err.message, path, strlen(path)) != 0)
        fail_msg("message does not start with the path: %s", err.message);
    if (strchr(err.message, '\n')) fail_msg("message is more than one line: %s", err.message);
    if (!strstr(err.message, why)) fail_msg("message lacks \"%s\": %s", why, err.message);
    assert_null(s.positions_mm);
    assert_int_equal(s.vertex_count, 0);
}

static void load_should_refuse_bad_files_with_one_line_naming_the_file(void **state)
{
    fixture *f = *state;
    char path[512];
    path_in(f, "missing.obj", path, sizeof path);
    expect_refused(path, "cannot open");
    write_text(f, "notes.obj", "These are notes about the patient.\nNot a mesh at all.\n", path, sizeof path);
    expect_refused(path, "triangles");
    write_text(f, "notes.ply", "These are notes about the patient.\n", path, sizeof path);
    expect_refused(path, "not a PLY file");
    write_text(f, "notes.stl", "These are notes.\n", path, sizeof path);
    expect_refused(path, "not a readable mesh");
    write_text(f, "notes.gltf", "{\"these\": \"are notes\"}\n", path, sizeof path);
    expect_refused(path, "not a readable mesh");
    write_text(f, "notes.txt", "v 0 0 0\n", path, sizeof path);
    expect_refused(path, "expected .obj, .ply, .stl, .gltf or .glb");
    write_text(f, "empty.obj", "", path, sizeof path);
    expect_refused(path, "empty file");
    write_cube_obj(f, "tiny.obj", 1.0, path, sizeof path); /* 1 mm, 1 cm or 1 m: none is a head */
    expect_refused(path, "not a head in mm, cm or m");
    write_cube_obj(f, "huge.obj", 1.0e4, path, sizeof path); /* 10 km in metres */
    expect_refused(path, "not a head in mm, cm or m");
    write_text(
        f, "box.obj",
        "v 0 0 0\nv 200 0 0\nv 0 200 0\nv 200 200 0\nv 0 0 200\nv 200 0 200\nv 0 200 200\nv 200 200 200\n"
        "f 1 3 4\nf 1 4 2\nf 5 6 8\nf 5 8 7\nf 1 2 6\nf 1 6 5\nf 3 7 8\nf 3 8 4\nf 1 5 7\nf 1 7 3\n"
        "f 2 4 8\nf 2 8 6\n",
        path, sizeof path);
    expect_refused(path, "12 triangles; a head scan has at least 1000");
    /* A 200 mm square sheet (1,152 triangles): the right size, but flat. */
    {
        FILE *fp = open_out(f, "sheet.obj", path, sizeof path);
        for (int i = 0; i <= 24; i++)
            for (int j = 0; j <= 24; j++)
                fprintf(fp, "v %g %g 0\n", 200.0 * i / 24, 200.0 * j / 24);
        for (int i = 0; i < 24; i++)
            for (int j = 0; j < 24; j++) {
                int a = 1 + i * 25 + j;
                fprintf(fp, "f %d %d %d\nf %d %d %d\n", a, a + 25, a + 26, a, a + 26, a + 1);
            }
        fclose(fp);
    }
    expect_refused(path, "flatter than a head");
    /* Regressions from the assimp-testmodels run, where assimp's own post-processing ended the process: a PLY
     * cut short inside its vertex list (its faces come back without indices: an assertion in assimp's
     * triangulation aborted), and an OBJ of lines only (aiApplyPostProcessing's failure path crashed). */
    {
        FILE *fp = open_out(f, "cut.ply", path, sizeof path);
        fprintf(fp, "ply\nformat ascii 1.0\nelement vertex 24\nproperty float x\nproperty float y\n"
                    "property float z\nproperty float nx\nproperty float ny\nproperty float nz\n"
                    "property float s\nproperty float t\nelement face 6\n"
                    "property list uchar uint vertex_indices\nend_header\n");
        for (int i = 0; i < 7; i++)
            fprintf(fp, "1.000000 1.000000 -1.000000 0.000000 0.000000 -1.000000 0.000000 0.000000\n");
        fprintf(fp, "1.00000");
        fclose(fp);
    }
    expect_refused(path, "cut.ply");
    {
        FILE *fp = open_out(f, "lines.obj", path, sizeof path);
        for (int v = 0; v < f->head.nv; v++)
            fprintf(fp, "v %.9g %.9g %.9g\n", f->head.p[3 * v], f->head.p[3 * v + 1], f->head.p[3 * v + 2]);
        for (int t = 0; t < f->head.nt; t++)
            fprintf(fp, "l %d %d\n", f->head.t[3 * t] + 1, f->head.t[3 * t + 1] + 1);
        fclose(fp);
    }
    expect_refused(path, "0 triangles");
    /* The head among many parts of its own size in all (a machine, a scene): 16 boxes of 768 triangles. */
    write_obj(f, "parts.obj", &f->head, 1.0, path, sizeof path);
    {
        FILE *fp = fopen(path, "a");
        assert_non_null(fp);
        for (int i = 0, base = f->head.nv; i < 16; i++)
            base = cube_obj_append(fp, 10.0, 150.0 + 20.0 * i, 8, base);
        fclose(fp);
    }
    expect_refused(path, "a head scan is one piece");
    /* NaN and infinite coordinates, an index past the end. */
    static const char *poison[] = {"v nan 0 0\n", "v 0 inf 0\n", "f 1 2 999999\n"};
    static const char *poison_why[] = {"not a finite number", "not a finite number", "index"};
    for (int i = 0; i < 3; i++) {
        char name[32];
        snprintf(name, sizeof name, "poison%d.obj", i);
        write_obj(f, name, &f->head, 1.0, path, sizeof path);
        FILE *fp = fopen(path, "a");
        assert_non_null(fp);
        fputs(poison[i], fp);
        if (i < 2) fprintf(fp, "f %d 1 2\n", f->head.nv + 1);
        fclose(fp);
        expect_refused(path, poison_why[i]);
    }
    /* Headers that declare more than the limits are refused before the data is read. */
    write_text(
        f, "many.ply",
        "ply\nformat binary_little_endian 1.0\nelement vertex 3\nproperty float x\nproperty float y\n"
        "property float z\nelement face 999999999\nproperty list uchar int vertex_indices\nend_header\n",
        path, sizeof path);
    expect_refused(path, "at most 5000000 triangles");
    write_text(
        f, "cloud.ply",
        "ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\nproperty float z\n"
        "end_header\n0 0 0\n",
        path, sizeof path);
    expect_refused(path, "point cloud");
    {
        unsigned char stl[84] = {0};
        memcpy(stl, "binary header", 13);
        stl[80] = 0xff, stl[81] = 0xff, stl[82] = 0xff, stl[83] = 0x7f; /* 2^31 - 1 triangles */
        FILE *fp = open_out(f, "many.stl", path, sizeof path);
        fwrite(stl, 1, sizeof stl, fp);
        fclose(fp);
        expect_refused(path, "at most 5000000");
    }
    /* A named pipe would block a reader for ever; a directory is no file either. */
    path_in(f, "pipe.obj", path, sizeof path);
    assert_int_equal(mkfifo(path, 0600), 0);
    expect_refused(path, "not a regular file");
    path_in(f, "folder.obj", path, sizeof path);
    assert_int_equal(mkdir(path, 0700), 0);
    expect_refused(path, "folder.obj");
}

static void load_should_apply_limits_given_by_the_caller(void **state)
{
    fixture *f = *state;
    char path[512];
    write_obj(f, "limits.obj", &f->head, 1.0, path, sizeof path);
    scalp_scan s;
    smp_error err = {0};
    scalp_scan_limits lim = {.max_triangles = 5000};
    assert_int_equal(scalp_scan_load(path, SCALP_SCAN_UNITS_GUESS, &lim, NULL, NULL, &s, &err),
                     SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "at most 5000"));
    lim = (scalp_scan_limits){.max_file_bytes = 1000};
    assert_int_equal(scalp_scan_load(path, SCALP_SCAN_UNITS_GUESS, &lim, NULL, NULL, &s, &err),
                     SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "at most 1000"));
    lim = (scalp_scan_limits){.min_triangles = 10000};
    assert_int_equal(scalp_scan_load(path, SCALP_SCAN_UNITS_GUESS, &lim, NULL, NULL, &s, &err),
                     SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "at least 10000"));
    scalp_scan_destroy(&s); /* safe on the zeroed scan a failed load leaves */
    scalp_scan_limits d = scalp_scan_limits_default();
    assert_int_equal(d.max_triangles, 5000000);
    assert_int_equal(d.min_triangles, 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(load_should_read_every_format_in_every_unit_as_the_same_head),
        cmocka_unit_test(load_should_split_polygons_into_triangles),
        cmocka_unit_test(load_should_take_the_given_units_and_refuse_sizes_that_are_no_head_in_them),
        cmocka_unit_test(
            load_should_weld_drop_degenerate_triangles_and_small_islands_and_turn_inward_winding),
        cmocka_unit_test(orient_should_put_the_landmarks_where_the_procedural_head_has_them),
        cmocka_unit_test(orient_should_give_the_same_head_whatever_pose_the_scan_was_in),
        cmocka_unit_test(orient_should_refuse_landmarks_that_cannot_be_a_head_and_leave_the_scan_unchanged),
        cmocka_unit_test(load_should_refuse_bad_files_with_one_line_naming_the_file),
        cmocka_unit_test(load_should_apply_limits_given_by_the_caller),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
