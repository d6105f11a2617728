/* A scan's own colours (issue 14, item 2): the procedural head written out as a scan painted with a known
 * pattern (red splits left from right, green waves with the height, blue splits front from back), as a PLY
 * with vertex colours, an OBJ with an MTL and a PNG texture, a GLB with the PNG embedded and a GLB with
 * COLOR_0; the pattern comes back on the scan's vertices and on the fitted head's, within a tolerance made of
 * the 8-bit quantisation and the linear interpolation's error; where the scan has a hole the weight fades
 * out; a scan without colours has none; a texture missing or damaged only warns. The index's ray returns the
 * triangle and the barycentrics of the point it meets. */
#include "optics/colour.h"
#include "scalp/scalp.h"
#include "scalp/scan.h"
#include "scan_files.h"
#include "test_util.h"

#include <stb_image_write.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The texture's side (texels) and the pattern's green wave (a period of this many mm in height). */
#define TEX 256
#define WAVE_MM 60.0
/* Vertices this close to a split of the pattern (x = 0, z = 0) are not compared there: the triangles of the
 * scan (edges up to 4.8 mm over the cranium) and the texels (1.9 mm across x) straddle it. */
#define SPLIT_MARGIN_MM 6.0
/* On the fitted head the pattern is compared over the cranium, above this height (the glabella's, 30 mm): the
 * coarse lattice's triangles there are at most 4.8 mm across, those of the face and the ears up to 26 mm,
 * over which the green wave is no longer nearly linear. */
#define CRANIUM_Y_MM 30.0

typedef struct fixture {
    char dir[256];
    scalp_head procedural;
    plan plan;
    scan_mesh scan;      /* the procedural head over its coarse lattice, as the test's scans hold it */
    double lo[3], hi[3]; /* its bounds, mm, 1 mm wider */
    double longest_mm;   /* its longest edge among the triangles with a corner above CRANIUM_Y_MM */
    scan_warnings warn;
} fixture;

static double dist3(const float a[3], const float b[3])
{
    return sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                (a[2] - b[2]) * (a[2] - b[2]));
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f) return -1;
    if (test_dir_make(f->dir, sizeof f->dir, "smp_scan_colour") != 0) return -1;
    plan_init_default(&f->plan);
    smp_error err = {0};
    if (scalp_head_create(&f->procedural, &f->plan.head, f->plan.patient.sex, &err) != SMP_OK) return -1;
    f->scan = scan_mesh_of_head(&f->procedural, false);
    for (int k = 0; k < 3; k++)
        f->lo[k] = INFINITY, f->hi[k] = -INFINITY;
    for (int v = 0; v < f->scan.nv; v++)
        for (int k = 0; k < 3; k++) {
            f->lo[k] = fmin(f->lo[k], f->scan.p[3 * v + k] - 1.0);
            f->hi[k] = fmax(f->hi[k], f->scan.p[3 * v + k] + 1.0);
        }
    for (int t = 0; t < f->scan.nt; t++) {
        const uint32_t *c = &f->scan.t[3 * t];
        if (f->scan.p[3 * c[0] + 1] <= CRANIUM_Y_MM && f->scan.p[3 * c[1] + 1] <= CRANIUM_Y_MM &&
            f->scan.p[3 * c[2] + 1] <= CRANIUM_Y_MM)
            continue;
        for (int k = 0; k < 3; k++)
            f->longest_mm = fmax(f->longest_mm, dist3(&f->scan.p[3 * c[k]], &f->scan.p[3 * c[(k + 1) % 3]]));
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (test_dir_remove(f->dir) != 0) return -1;
    scan_mesh_free(&f->scan);
    scalp_head_destroy(&f->procedural);
    free(f);
    return 0;
}

/* ---- the pattern, and how far a colour read back may be from it ---- */

/* Linear RGB at a point of the head (mm, head frame; front_back: the sign of z). */
static void pattern(const fixture *f, double x, double y, double front_back, float rgb[3])
{
    rgb[0] = x > 0.0 ? 0.70f : 0.15f;
    rgb[1] = (float)(0.5 + 0.4 * sin(2.0 * SMP_PI * (y - f->lo[1]) / WAVE_MM));
    rgb[2] = front_back > 0.0 ? 0.60f : 0.05f;
}

static void pattern_srgb8(const fixture *f, const float p[3], uint8_t out[3])
{
    float rgb[3];
    pattern(f, p[0], p[1], p[2], rgb);
    for (int k = 0; k < 3; k++)
        out[k] = optics_srgb8_from_linear(rgb[k]);
}

/* What a colour read back may differ from the pattern by: half a step of 8-bit sRGB in linear terms (the
 * curve's slope is at most 2.14 below the pattern's largest value, 0.9), plus the error of interpolating the
 * green wave linearly over a span of length h, h^2 / 8 times its largest second derivative: over a texel of
 * a texture (1.22 mm in height), and, on the fitted head, over the scan's triangles (its longest edge over
 * the cranium). */
static double tolerance(const fixture *f, bool textured, bool fitted)
{
    double curvature = 0.4 * pow(2.0 * SMP_PI / WAVE_MM, 2.0);
    double texel_mm = (f->hi[1] - f->lo[1]) / (0.96 * TEX);
    double tol = 0.5 / 255.0 * 2.14 + 1e-6; /* and float rounding */
    if (textured) tol += texel_mm * texel_mm / 8.0 * curvature;
    if (fitted) tol += f->longest_mm * f->longest_mm / 8.0 * curvature;
    return tol;
}

/* Compares colours at points (3 floats each) with the pattern, away from its splits; returns the largest
 * difference and fails past tol. weight (may be NULL): only the points with weight 1 above CRANIUM_Y_MM (the
 * fitted head's). */
static double pattern_check(const fixture *f, const char *what, const float *points, const float *rgb,
                            const float *weight, int n, double tol)
{
    double worst[3] = {0, 0, 0};
    int compared = 0, eligible = 0;
    for (int v = 0; v < n; v++) {
        if (weight && points[3 * v + 1] <= CRANIUM_Y_MM) continue;
        eligible++;
        if (weight && weight[v] != 1.0f) continue;
        const float *p = &points[3 * v], *c = &rgb[3 * v];
        float want[3];
        pattern(f, p[0], p[1], p[2], want);
        compared++;
        for (int k = 0; k < 3; k++) {
            if ((k == 0 && fabsf(p[0]) < SPLIT_MARGIN_MM) || (k == 2 && fabsf(p[2]) < SPLIT_MARGIN_MM))
                continue;
            double d = fabs((double)c[k] - want[k]);
            if (d > worst[k]) worst[k] = d;
            if (!(d <= tol))
                fail_msg(
                    "%s: point %d (%.1f %.1f %.1f): channel %d is %.4f, the pattern %.4f (tolerance %.4f)",
                    what, v, p[0], p[1], p[2], k, c[k], want[k], tol);
        }
    }
    print_message("%-32s %d points within %.4f %.4f %.4f of the pattern (tolerance %.4f)\n", what, compared,
                  worst[0], worst[1], worst[2], tol);
    assert_true(compared > eligible / 2);
    return fmax(worst[0], fmax(worst[1], worst[2]));
}

/* ---- the files ---- */

static void path_in(const fixture *f, const char *name, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", f->dir, name);
}

/* A binary PLY with 8-bit colours, as a scanner writes one. */
static void write_ply_coloured(const fixture *f, const char *path, const scan_mesh *m)
{
    FILE *fp = scan_file_open(path);
    fprintf(fp,
            "ply\nformat binary_little_endian 1.0\nelement vertex %d\nproperty float x\nproperty float y\n"
            "property float z\nproperty uchar red\nproperty uchar green\nproperty uchar blue\n"
            "element face %d\nproperty list uchar int vertex_indices\nend_header\n",
            m->nv, m->nt);
    for (int v = 0; v < m->nv; v++) {
        uint8_t c[3];
        pattern_srgb8(f, &m->p[3 * v], c);
        fwrite(&m->p[3 * v], sizeof(float), 3, fp);
        fwrite(c, 1, 3, fp);
    }
    for (int t = 0; t < m->nt; t++) {
        unsigned char three = 3;
        int32_t id[3] = {(int32_t)m->t[3 * t], (int32_t)m->t[3 * t + 1], (int32_t)m->t[3 * t + 2]};
        fwrite(&three, 1, 1, fp);
        fwrite(id, sizeof id, 1, fp);
    }
    fclose(fp);
}

/* The texture's layout: the front half of the head (z > 0) seen from the front in the left half of the image,
 * the back half in the right half, a 2 % margin around each; image coordinates from the top left. */
static void texture_uv(const fixture *f, const float p[3], double *u, double *v_down)
{
    *u = (p[2] > 0.0f ? 0.02 : 0.52) + 0.46 * (p[0] - f->lo[0]) / (f->hi[0] - f->lo[0]);
    *v_down = 0.02 + 0.96 * (f->hi[1] - p[1]) / (f->hi[1] - f->lo[1]);
}

/* The pattern painted into that layout, as a PNG in memory. */
typedef struct png_buffer {
    unsigned char *data;
    size_t size;
} png_buffer;

static void png_append(void *ctx, void *data, int size)
{
    png_buffer *b = ctx;
    b->data = realloc(b->data, b->size + (size_t)size);
    if (!b->data) abort();
    memcpy(b->data + b->size, data, (size_t)size);
    b->size += (size_t)size;
}

static png_buffer texture_png(const fixture *f)
{
    uint8_t *rgb = malloc(3 * TEX * TEX);
    assert_non_null(rgb);
    for (int j = 0; j < TEX; j++)
        for (int i = 0; i < TEX; i++) {
            double u = (i + 0.5) / TEX, v = (j + 0.5) / TEX;
            bool back = u >= 0.5;
            double x = f->lo[0] + (u - (back ? 0.52 : 0.02)) / 0.46 * (f->hi[0] - f->lo[0]);
            double y = f->hi[1] - (v - 0.02) / 0.96 * (f->hi[1] - f->lo[1]);
            float c[3];
            pattern(f, x, y, back ? -1.0 : 1.0, c);
            for (int k = 0; k < 3; k++)
                rgb[3 * (j * TEX + i) + k] = optics_srgb8_from_linear(c[k]);
        }
    png_buffer b = {0};
    assert_true(stbi_write_png_to_func(png_append, &b, TEX, TEX, 3, rgb, 3 * TEX) != 0);
    free(rgb);
    return b;
}

static void write_bytes(const char *path, const void *data, size_t size)
{
    FILE *fp = scan_file_open(path);
    assert_int_equal(fwrite(data, 1, size, fp), size);
    fclose(fp);
}

/* An OBJ with texture coordinates and the material file naming the texture (OBJ's v runs up the image). */
static void write_obj_textured(const fixture *f, const char *path, const char *mtl_name, const char *texture)
{
    const scan_mesh *m = &f->scan;
    FILE *fp = scan_file_open(path);
    fprintf(fp, "mtllib %s\nusemtl skin\n", mtl_name);
    for (int v = 0; v < m->nv; v++)
        fprintf(fp, "v %.9g %.9g %.9g\n", m->p[3 * v], m->p[3 * v + 1], m->p[3 * v + 2]);
    for (int v = 0; v < m->nv; v++) {
        double u, down;
        texture_uv(f, &m->p[3 * v], &u, &down);
        fprintf(fp, "vt %.9g %.9g\n", u, 1.0 - down);
    }
    for (int t = 0; t < m->nt; t++)
        fprintf(fp, "f %u/%u %u/%u %u/%u\n", m->t[3 * t] + 1, m->t[3 * t] + 1, m->t[3 * t + 1] + 1,
                m->t[3 * t + 1] + 1, m->t[3 * t + 2] + 1, m->t[3 * t + 2] + 1);
    fclose(fp);
    char mtl[512];
    path_in(f, mtl_name, mtl, sizeof mtl);
    fp = scan_file_open(mtl);
    fprintf(fp, "newmtl skin\nKd 1 1 1\nmap_Kd %s\n", texture);
    fclose(fp);
}

/* A binary glTF (GLB): positions, and texture coordinates with a PNG embedded as the base colour's texture
 * (glTF's v runs down the image), or COLOR_0 (linear, as glTF defines it). */
static void write_glb(const fixture *f, const char *path, const png_buffer *png, bool vertex_colours)
{
    const scan_mesh *m = &f->scan;
    size_t pos = 12 * (size_t)m->nv, uv = png ? 8 * (size_t)m->nv : 0, col = vertex_colours ? pos : 0;
    size_t idx = 12 * (size_t)m->nt, img = png ? png->size : 0;
    size_t bin = (pos + uv + col + idx + img + 3) & ~(size_t)3;
    unsigned char *buf = calloc(1, bin);
    assert_non_null(buf);
    float *fp_pos = (float *)buf, *fp_uv = (float *)(buf + pos), *fp_col = (float *)(buf + pos + uv);
    for (int v = 0; v < m->nv; v++) {
        const float *p = &m->p[3 * v];
        memcpy(&fp_pos[3 * v], p, 12);
        if (png) {
            double u, down;
            texture_uv(f, p, &u, &down);
            fp_uv[2 * v] = (float)u, fp_uv[2 * v + 1] = (float)down;
        }
        if (vertex_colours) pattern(f, p[0], p[1], p[2], &fp_col[3 * v]);
    }
    memcpy(buf + pos + uv + col, m->t, idx);
    if (png) memcpy(buf + pos + uv + col + idx, png->data, img);
    char json[4096];
    int n = snprintf(
        json, sizeof json,
        "{\"asset\":{\"version\":\"2.0\"},\"scene\":0,\"scenes\":[{\"nodes\":[0]}],\"nodes\":[{\"mesh\":0}],"
        "\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":0%s%s},\"indices\":3%s}]}],"
        "\"accessors\":["
        "{\"bufferView\":0,\"componentType\":5126,\"count\":%d,\"type\":\"VEC3\",\"min\":[%g,%g,%g],"
        "\"max\":[%g,%g,%g]},"
        "{\"bufferView\":1,\"componentType\":5126,\"count\":%d,\"type\":\"VEC2\"},"
        "{\"bufferView\":2,\"componentType\":5126,\"count\":%d,\"type\":\"VEC3\"},"
        "{\"bufferView\":3,\"componentType\":5125,\"count\":%d,\"type\":\"SCALAR\"}],"
        "\"bufferViews\":[{\"buffer\":0,\"byteOffset\":0,\"byteLength\":%zu},"
        "{\"buffer\":0,\"byteOffset\":%zu,\"byteLength\":%zu},{\"buffer\":0,\"byteOffset\":%zu,"
        "\"byteLength\":%zu},"
        "{\"buffer\":0,\"byteOffset\":%zu,\"byteLength\":%zu},{\"buffer\":0,\"byteOffset\":%zu,"
        "\"byteLength\":%zu}],"
        "\"buffers\":[{\"byteLength\":%zu}]%s}",
        png ? ",\"TEXCOORD_0\":1" : "", vertex_colours ? ",\"COLOR_0\":2" : "", png ? ",\"material\":0" : "",
        m->nv, f->lo[0] + 1, f->lo[1] + 1, f->lo[2] + 1, f->hi[0] - 1, f->hi[1] - 1, f->hi[2] - 1, m->nv,
        m->nv, 3 * m->nt, pos, pos, uv ? uv : 4, pos + uv, col ? col : 4, pos + uv + col, idx,
        pos + uv + col + idx, img ? img : 4, bin,
        png ? ",\"materials\":[{\"pbrMetallicRoughness\":{\"baseColorTexture\":{\"index\":0}}}],"
              "\"textures\":[{\"source\":0,\"sampler\":0}],\"samplers\":[{\"wrapS\":33071,\"wrapT\":33071}],"
              "\"images\":[{\"bufferView\":4,\"mimeType\":\"image/png\"}]"
            : "");
    assert_true(n > 0 && (size_t)n < sizeof json);
    while (n % 4)
        json[n++] = ' ';
    FILE *fp = scan_file_open(path);
    uint32_t head[5] = {0x46546C67u, 2, (uint32_t)(12 + 8 + n + 8 + bin), (uint32_t)n, 0x4E4F534Au};
    uint32_t chunk[2] = {(uint32_t)bin, 0x004E4942u};
    fwrite(head, 4, 5, fp); /* little-endian hosts */
    fwrite(json, 1, (size_t)n, fp);
    fwrite(chunk, 4, 2, fp);
    fwrite(buf, 1, bin, fp);
    fclose(fp);
    free(buf);
}

/* ---- reading and fitting ---- */

static void load(fixture *f, const char *path, scalp_scan *out)
{
    smp_error err = {0};
    if (scalp_scan_load(path, SCALP_SCAN_UNITS_MM, NULL, scan_warning_record, &f->warn, out, &err) != SMP_OK)
        fail_msg("%s", err.message);
}

static void fit(fixture *f, const char *path, scalp_head *out)
{
    plan_head h = f->plan.head;
    snprintf(h.mesh, sizeof h.mesh, "%s", path);
    h.mesh_units = PLAN_MESH_UNITS_MM;
    scan_landmarks_of_head(&f->procedural, 1.0, &h.landmarks);
    smp_error err = {0};
    double t0 = smp_now_s();
    if (scalp_head_create_logged(out, &h, PLAN_SEX_MALE, scan_warning_record, &f->warn, &err) != SMP_OK)
        fail_msg("%s: %s", path, err.message);
    print_message("%-28s fitted in %.2f s: %d of %d vertices on the scan\n", strrchr(path, '/') + 1,
                  smp_now_s() - t0, out->scan_vertex_count, out->mesh.vertex_count);
    assert_true(out->scanned);
    assert_non_null(out->vertex_rgb);
    assert_non_null(out->vertex_rgb_weight);
    for (int v = 0; v < 3 * out->mesh.vertex_count; v++)
        assert_in_range_d(out->vertex_rgb[v], 0.0, 1.0);
    for (int v = 0; v < out->mesh.vertex_count; v++)
        assert_in_range_d(out->vertex_rgb_weight[v], 0.0, 1.0);
}

/* ---- the tests ---- */

static void ply_vertex_colours_should_come_back_on_the_fitted_head_and_fade_out_over_a_hole(void **state)
{
    fixture *f = *state;
    /* The scan with a hole of 45 mm around the crown: wider than the blend (30 mm), so its middle is left
     * without the scan's colour. */
    const float *crown = f->procedural.landmarks_mm[SCALP_LM_CROWN];
    const double hole_mm = 45.0;
    scan_mesh m = f->scan;
    m.t = malloc(sizeof *m.t * 3 * (size_t)m.nt);
    assert_non_null(m.t);
    m.nt = 0;
    for (int t = 0; t < f->scan.nt; t++) {
        float c[3] = {0, 0, 0};
        for (int k = 0; k < 3; k++)
            for (int j = 0; j < 3; j++)
                c[j] += f->scan.p[3 * f->scan.t[3 * t + k] + j] / 3.0f;
        if (dist3(c, crown) < hole_mm) continue;
        memcpy(&m.t[3 * m.nt++], &f->scan.t[3 * t], sizeof(uint32_t[3]));
    }
    char path[512];
    path_in(f, "coloured.ply", path, sizeof path);
    write_ply_coloured(f, path, &m);
    free(m.t);

    scalp_scan scan;
    load(f, path, &scan);
    assert_int_equal(scan.colour_source, SCALP_SCAN_COLOUR_VERTEX);
    assert_non_null(scan.colors);
    /* Every vertex of the file is a vertex of the scan here (none welded), so the colours are the file's
     * bytes decoded: exactly, up to float rounding. */
    pattern_check(f, "PLY, on the scan", scan.positions_mm, scan.colors, NULL, scan.vertex_count,
                  tolerance(f, false, false));
    scalp_scan_destroy(&scan);

    scalp_head h;
    fit(f, path, &h);
    const float *before = f->procedural.mesh.positions_mm;
    assert_int_equal(h.mesh.vertex_count, f->procedural.mesh.vertex_count);
    pattern_check(f, "PLY, on the fitted head", h.mesh.positions_mm, h.vertex_rgb, h.vertex_rgb_weight,
                  h.mesh.vertex_count, tolerance(f, false, true));
    /* The weight: 1 on the scan, 0 in the hole's middle (more than the blend's 30 mm from its edge), falling
     * in between. Rings by the distance from the crown on the procedural head, which the scan is. */
    double ring_sum[5] = {0}, ring_n[5] = {0};
    for (int v = 0; v < h.mesh.vertex_count; v++) {
        double d = dist3(&before[3 * v], crown), w = h.vertex_rgb_weight[v];
        if (d > hole_mm + 5.0 && w != 1.0) fail_msg("vertex %d, %.1f mm from the hole: weight %g", v, d, w);
        if (d < 10.0 && w != 0.0) fail_msg("vertex %d, %.1f mm from the hole's middle: weight %g", v, d, w);
        int ring = d < 10.0 ? -1 : (int)((d - 10.0) / 7.0);
        if (ring >= 0 && ring < 5) ring_sum[ring] += w, ring_n[ring]++;
    }
    print_message("weight in rings 10-17-24-31-38-45 mm from the crown: %.2f %.2f %.2f %.2f %.2f\n",
                  ring_sum[0] / ring_n[0], ring_sum[1] / ring_n[1], ring_sum[2] / ring_n[2],
                  ring_sum[3] / ring_n[3], ring_sum[4] / ring_n[4]);
    for (int r = 1; r < 5; r++)
        assert_true(ring_sum[r] / ring_n[r] > ring_sum[r - 1] / ring_n[r - 1]);
    assert_true(ring_sum[4] / ring_n[4] > 0.5);
    scalp_head_destroy(&h);
}

static void obj_texture_should_colour_the_head_and_a_missing_or_damaged_one_only_warn(void **state)
{
    fixture *f = *state;
    char path[512], png_path[512];
    path_in(f, "textured.obj", path, sizeof path);
    path_in(f, "skin.png", png_path, sizeof png_path);
    write_obj_textured(f, path, "textured.mtl", "skin.png");

    /* No skin.png yet: the scan loads, without colours, and the warning names the texture. */
    scalp_scan scan;
    f->warn.count = 0;
    load(f, path, &scan);
    print_message("warned: %s\n", f->warn.last);
    assert_int_equal(f->warn.count, 1);
    assert_non_null(strstr(f->warn.last, "skin.png"));
    assert_non_null(strstr(f->warn.last, "without colours"));
    assert_null(scan.colors);
    assert_int_equal(scan.colour_source, SCALP_SCAN_COLOUR_NONE);
    assert_true(scan.triangle_count == f->scan.nt);
    scalp_scan_destroy(&scan);
    /* A texture that is no image: the same. */
    write_bytes(png_path, "not a PNG at all", 16);
    f->warn.count = 0;
    load(f, path, &scan);
    print_message("warned: %s\n", f->warn.last);
    assert_int_equal(f->warn.count, 1);
    assert_non_null(strstr(f->warn.last, "skin.png"));
    assert_null(scan.colors);
    scalp_scan_destroy(&scan);

    /* The texture: its colours on the scan's vertices (each sampled at its UV before the corners that OBJ
     * repeats are welded), and on the fitted head. */
    png_buffer png = texture_png(f);
    write_bytes(png_path, png.data, png.size);
    free(png.data);
    f->warn.count = 0;
    load(f, path, &scan);
    assert_int_equal(f->warn.count, 0);
    assert_int_equal(scan.colour_source, SCALP_SCAN_COLOUR_TEXTURE);
    assert_int_equal(scan.vertex_count, f->scan.nv);
    pattern_check(f, "OBJ texture, on the scan", scan.positions_mm, scan.colors, NULL, scan.vertex_count,
                  tolerance(f, true, false));
    scalp_scan_destroy(&scan);
    scalp_head h;
    fit(f, path, &h);
    pattern_check(f, "OBJ texture, on the fitted head", h.mesh.positions_mm, h.vertex_rgb,
                  h.vertex_rgb_weight, h.mesh.vertex_count, tolerance(f, true, true));
    int on_scan = 0;
    for (int v = 0; v < h.mesh.vertex_count; v++)
        on_scan += h.vertex_rgb_weight[v] == 1.0f;
    assert_int_equal(on_scan, h.scan_vertex_count);
    scalp_head_destroy(&h);
}

static void glb_embedded_texture_and_linear_color_0_should_read_as_written(void **state)
{
    fixture *f = *state;
    char path[512];
    path_in(f, "textured.glb", path, sizeof path);
    png_buffer png = texture_png(f);
    write_glb(f, path, &png, false);
    free(png.data);
    scalp_scan scan;
    f->warn.count = 0;
    load(f, path, &scan);
    assert_int_equal(f->warn.count, 0);
    assert_int_equal(scan.colour_source, SCALP_SCAN_COLOUR_TEXTURE);
    pattern_check(f, "GLB embedded PNG, on the scan", scan.positions_mm, scan.colors, NULL, scan.vertex_count,
                  tolerance(f, true, false));
    scalp_scan_destroy(&scan);

    /* COLOR_0 floats are linear in glTF: read back as written (no sRGB decoding). */
    path_in(f, "coloured.glb", path, sizeof path);
    write_glb(f, path, NULL, true);
    load(f, path, &scan);
    assert_int_equal(scan.colour_source, SCALP_SCAN_COLOUR_VERTEX);
    pattern_check(f, "GLB COLOR_0, on the scan", scan.positions_mm, scan.colors, NULL, scan.vertex_count,
                  1e-6);
    scalp_scan_destroy(&scan);
}

static void a_scan_without_colours_should_have_none_and_obj_vertex_colours_read_as_srgb(void **state)
{
    fixture *f = *state;
    char path[512];
    path_in(f, "plain.obj", path, sizeof path);
    scan_write_obj(path, &f->scan, 1.0);
    scalp_scan scan;
    load(f, path, &scan);
    assert_null(scan.colors);
    assert_int_equal(scan.colour_source, SCALP_SCAN_COLOUR_NONE);
    scalp_scan_destroy(&scan);

    /* "v x y z r g b", the colour as 0..1 sRGB values. */
    path_in(f, "coloured.obj", path, sizeof path);
    FILE *fp = scan_file_open(path);
    for (int v = 0; v < f->scan.nv; v++) {
        const float *p = &f->scan.p[3 * v];
        uint8_t c[3];
        pattern_srgb8(f, p, c);
        fprintf(fp, "v %.9g %.9g %.9g %.9g %.9g %.9g\n", p[0], p[1], p[2], c[0] / 255.0, c[1] / 255.0,
                c[2] / 255.0);
    }
    for (int t = 0; t < f->scan.nt; t++)
        fprintf(fp, "f %u %u %u\n", f->scan.t[3 * t] + 1, f->scan.t[3 * t + 1] + 1, f->scan.t[3 * t + 2] + 1);
    fclose(fp);
    load(f, path, &scan);
    assert_int_equal(scan.colour_source, SCALP_SCAN_COLOUR_VERTEX);
    pattern_check(f, "OBJ vertex colours, on the scan", scan.positions_mm, scan.colors, NULL,
                  scan.vertex_count, tolerance(f, false, false));
    scalp_scan_destroy(&scan);
}

/* The index's ray: the triangle and barycentrics it returns give back the point at t. */
static void index_ray_should_return_the_triangle_and_barycentrics_of_its_point(void **state)
{
    fixture *f = *state;
    char path[512];
    path_in(f, "plain.ply", path, sizeof path);
    scan_write_ply(path, &f->scan, 1.0, true);
    scalp_scan scan;
    load(f, path, &scan);
    scalp_scan_index *ix = NULL;
    smp_error err = {0};
    assert_int_equal(scalp_scan_index_create(&ix, &scan, &err), SMP_OK);
    const double o[3] = {0.0, 30.0, 0.0};
    double worst = 0.0;
    int hits = 0, n = 400;
    for (int i = 0; i < n; i++) {
        /* Directions spread over the sphere (Fibonacci). */
        double y = 1.0 - 2.0 * (i + 0.5) / n, r = sqrt(1.0 - y * y), a = i * SMP_PI * (3.0 - sqrt(5.0));
        double d[3] = {r * cos(a), y, r * sin(a)};
        scalp_scan_hit hit = {-1, {0, 0, 0}};
        double t = scalp_scan_index_ray(ix, o, d, 0.0, 400.0, &hit);
        if (t < 0.0) {
            assert_int_equal(hit.triangle, -1); /* untouched */
            continue;
        }
        hits++;
        assert_in_range_d(hit.triangle, 0, scan.triangle_count - 1);
        assert_near(hit.bary[0] + hit.bary[1] + hit.bary[2], 1.0, 1e-6);
        double q[3] = {0, 0, 0};
        for (int k = 0; k < 3; k++) {
            assert_true(hit.bary[k] >= -1e-6f);
            const float *p = &scan.positions_mm[3 * scan.indices[3 * hit.triangle + k]];
            for (int j = 0; j < 3; j++)
                q[j] += hit.bary[k] * p[j];
        }
        double e = sqrt(pow(q[0] - (o[0] + t * d[0]), 2) + pow(q[1] - (o[1] + t * d[1]), 2) +
                        pow(q[2] - (o[2] + t * d[2]), 2));
        worst = fmax(worst, e);
        assert_true(e < 1e-3);
        assert_near(scalp_scan_index_ray(ix, o, d, 0.0, 400.0, NULL), t, 0.0);
    }
    print_message("%d of %d rays met the scan; the barycentric point within %.2g mm of o + t d\n", hits, n,
                  worst);
    assert_true(hits > 0.9 * n);
    scalp_scan_index_destroy(ix);
    scalp_scan_destroy(&scan);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ply_vertex_colours_should_come_back_on_the_fitted_head_and_fade_out_over_a_hole),
        cmocka_unit_test(obj_texture_should_colour_the_head_and_a_missing_or_damaged_one_only_warn),
        cmocka_unit_test(glb_embedded_texture_and_linear_color_0_should_read_as_written),
        cmocka_unit_test(a_scan_without_colours_should_have_none_and_obj_vertex_colours_read_as_srgb),
        cmocka_unit_test(index_ray_should_return_the_triangle_and_barycentrics_of_its_point),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
