/* A photo baked onto the scalp chart, its shading removed (photo.h says how and why). */
#include "scalp/photo.h"

#include "optics/colour.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SH_TERMS 9
/* Depth map of the head seen from the photo's camera: at most this many pixels on its longer side. */
#define DEPTH_MAX_SIDE 1024
/* A texel is hidden when the depth map holds a surface nearer than it by more than this (mm). */
#define DEPTH_TOLERANCE_MM 3.0f
/* Triangles whose chart extent exceeds this share of the chart cross its far seam (under the neck). */
#define SEAM_SPAN 0.1f
/* The skin around a removed hair: a box blur of this radius (mm), applied twice. */
#define HAIR_FILL_MM 3.0
/* Fewer texels seen than this and the light cannot be fitted. */
#define MIN_SEEN_TEXELS 2000

void scalp_skin_map_destroy(scalp_skin_map *map)
{
    if (!map) return;
    free(map->rgba);
    free(map->weight);
    memset(map, 0, sizeof *map);
}

void scalp_skin_map_sample(const scalp_skin_map *map, const float uv[2], float factor[3], float *hair,
                           float *weight)
{
    factor[0] = factor[1] = factor[2] = 1.0f;
    *hair = 0.0f;
    *weight = 0.0f;
    if (!map || !map->rgba || map->size <= 0) return;
    int x = (int)floorf(uv[0] * (float)map->size), y = (int)floorf(uv[1] * (float)map->size);
    if (x < 0 || y < 0 || x >= map->size || y >= map->size) return;
    size_t i = (size_t)y * (size_t)map->size + (size_t)x;
    for (int c = 0; c < 3; ++c)
        factor[c] = 2.0f * (float)optics_srgb8_to_linear(map->rgba[4 * i + c]);
    *hair = (float)map->rgba[4 * i + 3] / 255.0f;
    *weight = (float)map->weight[i] / 255.0f;
}

/* ---- the camera ---- */

typedef struct camera_frame {
    float eye[3], right[3], up[3], forward[3];
    float tan_half_y, tan_half_x;
} camera_frame;

static float dot3(const float a[3], const float b[3])
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

static bool normalize3(float v[3])
{
    float n = sqrtf(dot3(v, v));
    if (!(n > 1e-12f)) return false;
    v[0] /= n, v[1] /= n, v[2] /= n;
    return true;
}

static void cross3(const float a[3], const float b[3], float out[3])
{
    out[0] = a[1] * b[2] - a[2] * b[1];
    out[1] = a[2] * b[0] - a[0] * b[2];
    out[2] = a[0] * b[1] - a[1] * b[0];
}

static bool camera_frame_make(const scalp_photo_camera *cam, double aspect, camera_frame *f)
{
    for (int k = 0; k < 3; ++k) {
        f->eye[k] = cam->eye_mm[k];
        f->forward[k] = cam->target_mm[k] - cam->eye_mm[k];
    }
    if (!normalize3(f->forward)) return false;
    cross3(f->forward, cam->up, f->right);
    if (!normalize3(f->right)) return false;
    cross3(f->right, f->forward, f->up);
    if (!(cam->fov_y_deg > 1.0f && cam->fov_y_deg < 170.0f)) return false;
    f->tan_half_y = tanf(0.5f * cam->fov_y_deg * (float)SMP_PI / 180.0f);
    f->tan_half_x = f->tan_half_y * (float)aspect;
    return true;
}

/* Image coordinates (pixels of a width x height image, top row first) and the distance along the camera's
 * axis of p; false when p is behind the lens (or within a millimetre of it). */
static bool camera_project(const camera_frame *f, const float p[3], int width, int height, float *x, float *y,
                           float *z)
{
    float d[3] = {p[0] - f->eye[0], p[1] - f->eye[1], p[2] - f->eye[2]};
    *z = dot3(d, f->forward);
    if (!(*z > 1.0f)) return false;
    float xn = dot3(d, f->right) / (*z * f->tan_half_x), yn = dot3(d, f->up) / (*z * f->tan_half_y);
    *x = (xn + 1.0f) * 0.5f * (float)width;
    *y = (1.0f - yn) * 0.5f * (float)height;
    return true;
}

/* ---- one triangle rasteriser for the depth map and the chart ---- */

typedef void (*raster_fn)(void *user, int x, int y, const float bary[3]);

/* Calls fn for every pixel centre (x + 0.5, y + 0.5) of a width x height grid inside triangle a, b, c (either
 * winding; the shared edges' pixels may be visited by both triangles, which the callers tolerate). */
static void raster_triangle(const float a[2], const float b[2], const float c[2], int width, int height,
                            raster_fn fn, void *user)
{
    float area = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
    if (!(fabsf(area) > 1e-12f)) return;
    float lo_x = fminf(a[0], fminf(b[0], c[0])), hi_x = fmaxf(a[0], fmaxf(b[0], c[0]));
    float lo_y = fminf(a[1], fminf(b[1], c[1])), hi_y = fmaxf(a[1], fmaxf(b[1], c[1]));
    int x0 = (int)fmaxf(0.0f, ceilf(lo_x - 0.5f)), x1 = (int)fminf((float)width - 1.0f, floorf(hi_x - 0.5f));
    int y0 = (int)fmaxf(0.0f, ceilf(lo_y - 0.5f)), y1 = (int)fminf((float)height - 1.0f, floorf(hi_y - 0.5f));
    for (int y = y0; y <= y1; ++y)
        for (int x = x0; x <= x1; ++x) {
            float px = (float)x + 0.5f, py = (float)y + 0.5f;
            float w0 = ((b[0] - px) * (c[1] - py) - (b[1] - py) * (c[0] - px)) / area;
            float w1 = ((c[0] - px) * (a[1] - py) - (c[1] - py) * (a[0] - px)) / area;
            float w2 = 1.0f - w0 - w1;
            const float eps = -1e-5f;
            if (w0 < eps || w1 < eps || w2 < eps) continue;
            fn(user, x, y, (const float[3]){w0, w1, w2});
        }
}

/* ---- step 1: the depth map and the chart's samples ---- */

typedef struct depth_map {
    int width, height;
    float *z; /* FLT_MAX where nothing is seen */
    float inv_z[3];
} depth_map;

static void depth_pixel(void *user, int x, int y, const float bary[3])
{
    depth_map *d = user;
    /* 1/z is linear in screen space. */
    float inv = bary[0] * d->inv_z[0] + bary[1] * d->inv_z[1] + bary[2] * d->inv_z[2];
    float z = 1.0f / inv;
    float *slot = d->z + (size_t)y * (size_t)d->width + (size_t)x;
    if (z < *slot) *slot = z;
}

/* Per texel of the chart: its normal, the photo's linear colour there (then the albedo factor), its weight,
 * its area (mm^2), the unit direction to the camera and how much of it is the photo's hair. */
typedef struct texel {
    float n[3], view[3], rgb[3], w, area, hair;
} texel;

/* Where the texels' colours come from: a photo seen from a camera, or the mesh's own vertex colours. */
typedef struct chart_pass chart_pass;
typedef void (*texel_source_fn)(const chart_pass *cp, texel *t, const float p[3], const float bary[3]);
struct chart_pass {
    const scalp_head *head;
    texel_source_fn source;
    const camera_frame *cam; /* the photo's */
    const depth_map *depth;
    const scalp_image *photo;
    const float *lut;                        /* sRGB code -> linear */
    const float *vertex_rgb, *vertex_weight; /* the mesh's own colours */
    int size;
    texel *texels;
    const uint32_t *tri;
    float area_per_texel;
};

static void photo_bilinear(const scalp_image *img, const float *lut, float x, float y, float rgb[3])
{
    float fx = fminf(fmaxf(x - 0.5f, 0.0f), (float)img->width - 1.0f);
    float fy = fminf(fmaxf(y - 0.5f, 0.0f), (float)img->height - 1.0f);
    int x0 = (int)fx, y0 = (int)fy;
    int x1 = x0 + 1 < img->width ? x0 + 1 : x0, y1 = y0 + 1 < img->height ? y0 + 1 : y0;
    float tx = fx - (float)x0, ty = fy - (float)y0;
    const uint8_t *p00 = img->rgb + 3 * ((size_t)y0 * (size_t)img->width + (size_t)x0);
    const uint8_t *p10 = img->rgb + 3 * ((size_t)y0 * (size_t)img->width + (size_t)x1);
    const uint8_t *p01 = img->rgb + 3 * ((size_t)y1 * (size_t)img->width + (size_t)x0);
    const uint8_t *p11 = img->rgb + 3 * ((size_t)y1 * (size_t)img->width + (size_t)x1);
    for (int c = 0; c < 3; ++c)
        rgb[c] = (1 - ty) * ((1 - tx) * lut[p00[c]] + tx * lut[p10[c]]) +
                 ty * ((1 - tx) * lut[p01[c]] + tx * lut[p11[c]]);
}

static float smooth_step(float lo, float hi, float x)
{
    float t = (x - lo) / (hi - lo);
    t = t < 0.0f ? 0.0f : (t > 1.0f ? 1.0f : t);
    return t * t * (3.0f - 2.0f * t);
}

static void chart_texel(void *user, int x, int y, const float bary[3])
{
    chart_pass *cp = user;
    texel *t = cp->texels + (size_t)y * (size_t)cp->size + (size_t)x;
    if (t->area > 0.0f) return; /* an edge shared by two triangles: the first one's */
    const scalp_mesh *m = &cp->head->mesh;
    float p[3] = {0}, n[3] = {0};
    for (int k = 0; k < 3; ++k)
        for (int c = 0; c < 3; ++c) {
            p[c] += bary[k] * m->positions_mm[3 * cp->tri[k] + c];
            n[c] += bary[k] * m->normals[3 * cp->tri[k] + c];
        }
    if (!normalize3(n)) return;
    memcpy(t->n, n, sizeof n);
    t->area = cp->area_per_texel;
    cp->source(cp, t, p, bary);
}

static void photo_source(const chart_pass *cp, texel *t, const float p[3], const float bary[3])
{
    (void)bary;
    float px, py, z;
    if (!camera_project(cp->cam, p, cp->photo->width, cp->photo->height, &px, &py, &z)) return;
    float to_eye[3] = {cp->cam->eye[0] - p[0], cp->cam->eye[1] - p[1], cp->cam->eye[2] - p[2]};
    normalize3(to_eye);
    float facing = smooth_step(0.15f, SCALP_PHOTO_GRAZING_COS, dot3(t->n, to_eye));
    float fw = (float)cp->photo->width, fh = (float)cp->photo->height;
    float edge = fminf(fminf(px / fw, 1.0f - px / fw), fminf(py / fh, 1.0f - py / fh));
    float inside = smooth_step(0.0f, 0.03f, edge);
    if (facing <= 0.0f || inside <= 0.0f) return;
    /* Seen: the share of the 3 x 3 depth pixels around that hold nothing nearer. */
    const depth_map *d = cp->depth;
    int dx = (int)(px * (float)d->width / fw), dy = (int)(py * (float)d->height / fh);
    int seen = 0;
    for (int j = -1; j <= 1; ++j)
        for (int i = -1; i <= 1; ++i) {
            int sx = dx + i, sy = dy + j;
            if (sx < 0 || sy < 0 || sx >= d->width || sy >= d->height ||
                z <= d->z[(size_t)sy * (size_t)d->width + (size_t)sx] + DEPTH_TOLERANCE_MM)
                ++seen;
        }
    if (seen == 0) return;
    photo_bilinear(cp->photo, cp->lut, px, py, t->rgb);
    memcpy(t->view, to_eye, sizeof to_eye);
    t->w = facing * inside * (float)seen / 9.0f;
}

static void vertex_source(const chart_pass *cp, texel *t, const float p[3], const float bary[3])
{
    (void)p;
    float w = 0.0f;
    for (int k = 0; k < 3; ++k) {
        uint32_t v = cp->tri[k];
        w += bary[k] * (cp->vertex_weight ? cp->vertex_weight[v] : 1.0f);
        for (int c = 0; c < 3; ++c)
            t->rgb[c] += bary[k] * cp->vertex_rgb[3 * v + c];
    }
    t->w = fminf(fmaxf(w, 0.0f), 1.0f);
}

/* Rasterises head's triangles into the size x size chart, each texel's colour from cp's source. */
static void chart_raster(chart_pass *cp)
{
    const scalp_mesh *m = &cp->head->mesh;
    int size = cp->size;
    for (int t = 0; t < m->triangle_count; ++t) {
        const uint32_t *tri = m->indices + 3 * t;
        float s[3][2];
        for (int k = 0; k < 3; ++k) {
            s[k][0] = m->uvs[2 * tri[k]] * (float)size;
            s[k][1] = m->uvs[2 * tri[k] + 1] * (float)size;
        }
        float span = fmaxf(fmaxf(fabsf(s[0][0] - s[1][0]), fabsf(s[0][0] - s[2][0])),
                           fmaxf(fabsf(s[0][1] - s[1][1]), fabsf(s[0][1] - s[2][1])));
        if (span > SEAM_SPAN * (float)size) continue;
        float uv_area = 0.5f * fabsf((s[1][0] - s[0][0]) * (s[2][1] - s[0][1]) -
                                     (s[1][1] - s[0][1]) * (s[2][0] - s[0][0]));
        if (!(uv_area > 1e-9f)) continue;
        const float *a = m->positions_mm + 3 * tri[0], *b = m->positions_mm + 3 * tri[1],
                    *c = m->positions_mm + 3 * tri[2];
        float e1[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]},
              e2[3] = {c[0] - a[0], c[1] - a[1], c[2] - a[2]}, cr[3];
        cross3(e1, e2, cr);
        cp->area_per_texel = 0.5f * sqrtf(dot3(cr, cr)) / uv_area;
        cp->tri = tri;
        raster_triangle(s[0], s[1], s[2], size, size, chart_texel, cp);
    }
}

/* ---- step 2: the light, fitted in second-order spherical harmonics of the normal ---- */

static void sh_basis(const float n[3], double y[SH_TERMS])
{
    double x = n[0], yy = n[1], z = n[2];
    y[0] = 1.0;
    y[1] = yy;
    y[2] = z;
    y[3] = x;
    y[4] = x * yy;
    y[5] = yy * z;
    y[6] = 3.0 * z * z - 1.0;
    y[7] = x * z;
    y[8] = x * x - yy * yy;
}

static float sh_eval(const float c[SH_TERMS], const float n[3])
{
    double y[SH_TERMS], s = 0.0;
    sh_basis(n, y);
    for (int k = 0; k < SH_TERMS; ++k)
        s += c[k] * y[k];
    return (float)s;
}

static float luminance(const float rgb[3])
{
    return 0.2126f * rgb[0] + 0.7152f * rgb[1] + 0.0722f * rgb[2];
}

/* Solves the 9 x 9 normal equations a x = b for three right-hand sides (Gaussian elimination with partial
 * pivoting, a small ridge against directions the photo's normals do not span); false when singular. */
static bool solve9(double a[SH_TERMS][SH_TERMS], double b[SH_TERMS][3], float out[3][SH_TERMS])
{
    double trace = 0.0;
    for (int i = 0; i < SH_TERMS; ++i)
        trace += a[i][i];
    for (int i = 0; i < SH_TERMS; ++i)
        a[i][i] += 1e-6 * trace;
    for (int col = 0; col < SH_TERMS; ++col) {
        int piv = col;
        for (int r = col + 1; r < SH_TERMS; ++r)
            if (fabs(a[r][col]) > fabs(a[piv][col])) piv = r;
        if (!(fabs(a[piv][col]) > 1e-12 * trace)) return false;
        if (piv != col)
            for (int k = 0; k < SH_TERMS; ++k) {
                double t = a[col][k];
                a[col][k] = a[piv][k], a[piv][k] = t;
                if (k < 3) t = b[col][k], b[col][k] = b[piv][k], b[piv][k] = t;
            }
        for (int r = col + 1; r < SH_TERMS; ++r) {
            double f = a[r][col] / a[col][col];
            for (int k = col; k < SH_TERMS; ++k)
                a[r][k] -= f * a[col][k];
            for (int c = 0; c < 3; ++c)
                b[r][c] -= f * b[col][c];
        }
    }
    for (int c = 0; c < 3; ++c)
        for (int r = SH_TERMS - 1; r >= 0; --r) {
            double s = b[r][c];
            for (int k = r + 1; k < SH_TERMS; ++k)
                s -= a[r][k] * out[c][k];
            out[c][r] = (float)(s / a[r][r]);
        }
    return true;
}

/* One weighted least-squares fit over the texels seen (weight w x area), skipping those whose luminance
 * departs from the previous fit (prev NULL: none) by more than SCALP_PHOTO_OUTLIER. */
static bool fit_light(const texel *tx, size_t count, const float (*prev)[SH_TERMS], float out[3][SH_TERMS])
{
    double a[SH_TERMS][SH_TERMS] = {{0}}, b[SH_TERMS][3] = {{0}};
    for (size_t i = 0; i < count; ++i) {
        const texel *t = tx + i;
        if (t->w <= 0.0f) continue;
        if (prev) {
            float e[3] = {sh_eval(prev[0], t->n), sh_eval(prev[1], t->n), sh_eval(prev[2], t->n)};
            float le = luminance(e);
            if (!(le > 0.0f) || fabsf(luminance(t->rgb) / le - 1.0f) > SCALP_PHOTO_OUTLIER) continue;
        }
        double y[SH_TERMS], w = (double)t->w * t->area;
        sh_basis(t->n, y);
        for (int r = 0; r < SH_TERMS; ++r) {
            for (int k = 0; k < SH_TERMS; ++k)
                a[r][k] += w * y[r] * y[k];
            for (int c = 0; c < 3; ++c)
                b[r][c] += w * y[r] * t->rgb[c];
        }
    }
    return solve9(a, b, out);
}

/* ---- step 4: the skin around removed hair ---- */

/* Box blur of radius r over a size x size grid of 4 channels, in place, along rows then columns. */
static void box_blur4(float *grid, float *line, int size, int r)
{
    for (int pass = 0; pass < 2; ++pass)
        for (int a = 0; a < size; ++a) {
            size_t stride = pass == 0 ? 4 : 4 * (size_t)size;
            float *row = grid + (pass == 0 ? 4 * (size_t)a * (size_t)size : 4 * (size_t)a);
            double sum[4] = {0};
            for (int i = 0; i < r && i < size; ++i)
                for (int c = 0; c < 4; ++c)
                    sum[c] += row[i * stride + c];
            for (int i = 0; i < size; ++i) {
                if (i + r < size)
                    for (int c = 0; c < 4; ++c)
                        sum[c] += row[(size_t)(i + r) * stride + c];
                if (i - r - 1 >= 0)
                    for (int c = 0; c < 4; ++c)
                        sum[c] -= row[(size_t)(i - r - 1) * stride + c];
                for (int c = 0; c < 4; ++c)
                    line[4 * i + c] = (float)sum[c];
            }
            for (int i = 0; i < size; ++i)
                for (int c = 0; c < 4; ++c)
                    row[i * stride + c] = line[4 * i + c];
        }
}

static smp_status bake(const scalp_head *head, texel *tx, int size, scalp_photo_hair hair, bool highlights,
                       const char *what, scalp_skin_map *map, smp_error *err);

smp_status scalp_skin_map_from_photo(const scalp_head *head, const scalp_image *photo,
                                     const scalp_photo_camera *camera, scalp_photo_hair hair, int size,
                                     scalp_skin_map *map, smp_error *err)
{
    assert(head && photo && camera && map);
    memset(map, 0, sizeof *map);
    if (size == 0) size = SCALP_PHOTO_MAP_SIZE;
    assert(size >= 64 && size <= 4096);
    assert(photo->rgb && photo->width > 0 && photo->height > 0);
    camera_frame cam;
    if (!camera_frame_make(camera, (double)photo->width / photo->height, &cam))
        return smp_error_set(err, SMP_ERR_INPUT,
                             "photo camera: the eye must differ from the target, up must not lie along the "
                             "view, and the field of view must be 1-170 degrees");
    const scalp_mesh *m = &head->mesh;
    smp_status st = SMP_OK;
    size_t texel_count = (size_t)size * (size_t)size;
    float lut[256];
    for (int i = 0; i < 256; ++i)
        lut[i] = (float)optics_srgb8_to_linear((uint8_t)i);

    /* The depth map. */
    depth_map depth = {0};
    double scale =
        fmin(1.0, (double)DEPTH_MAX_SIDE / (photo->width > photo->height ? photo->width : photo->height));
    depth.width = (int)fmax(1.0, round(photo->width * scale));
    depth.height = (int)fmax(1.0, round(photo->height * scale));
    depth.z = malloc((size_t)depth.width * (size_t)depth.height * sizeof *depth.z);
    texel *tx = calloc(texel_count, sizeof *tx);
    if (!depth.z || !tx) {
        st = smp_error_set(err, SMP_ERR_NOMEM, "out of memory baking the photo");
        goto done;
    }
    for (size_t i = 0; i < (size_t)depth.width * (size_t)depth.height; ++i)
        depth.z[i] = FLT_MAX;
    for (int t = 0; t < m->triangle_count; ++t) {
        float s[3][2];
        bool ok = true;
        for (int k = 0; k < 3 && ok; ++k) {
            float z;
            ok = camera_project(&cam, m->positions_mm + 3 * m->indices[3 * t + k], depth.width, depth.height,
                                &s[k][0], &s[k][1], &z);
            depth.inv_z[k] = 1.0f / z;
        }
        if (ok) raster_triangle(s[0], s[1], s[2], depth.width, depth.height, depth_pixel, &depth);
    }

    /* The chart's texels. */
    chart_pass cp = {.head = head,
                     .source = photo_source,
                     .cam = &cam,
                     .depth = &depth,
                     .photo = photo,
                     .lut = lut,
                     .size = size,
                     .texels = tx};
    chart_raster(&cp);
    free(depth.z);
    depth.z = NULL;
    st = bake(head, tx, size, hair, true, "the photo", map, err);

done:
    free(depth.z);
    free(tx);
    return st;
}

/* Steps 2-4 over the texels tx of a size x size chart: the light fitted and divided out, the hair found, the
 * map written. highlights: look for the light's highlights (a photo from one camera). what names the source
 * in messages. */
static smp_status bake(const scalp_head *head, texel *tx, int size, scalp_photo_hair hair, bool highlights,
                       const char *what, scalp_skin_map *map, smp_error *err)
{
    smp_status st = SMP_OK;
    size_t texel_count = (size_t)size * (size_t)size;
    size_t seen = 0;
    for (size_t i = 0; i < texel_count; ++i)
        seen += tx[i].w > 0.5f;
    if (seen < MIN_SEEN_TEXELS)
        return smp_error_set(err, SMP_ERR_INPUT,
                             "%s covers %zu texels of the head (at least %d needed to fit its light)", what,
                             seen, MIN_SEEN_TEXELS);

    /* The light: a fit, and two refits without the outliers. */
    float sh[3][SH_TERMS];
    bool fitted = fit_light(tx, texel_count, NULL, sh);
    for (int pass = 0; pass < 2 && fitted; ++pass) {
        float prev[3][SH_TERMS];
        memcpy(prev, sh, sizeof prev);
        fitted = fit_light(tx, texel_count, (const float(*)[SH_TERMS])prev, sh);
    }
    if (!fitted)
        return smp_error_set(err, SMP_ERR_INPUT,
                             "the light of %s cannot be fitted: it covers too little of the head", what);
    memcpy(map->irradiance_sh, sh, sizeof sh);
    double e_sum = 0.0, e_weight = 0.0;
    for (size_t i = 0; i < texel_count; ++i)
        if (tx[i].w > 0.0f) {
            float e[3] = {sh_eval(sh[0], tx[i].n), sh_eval(sh[1], tx[i].n), sh_eval(sh[2], tx[i].n)};
            e_sum += (double)tx[i].w * tx[i].area * luminance(e);
            e_weight += (double)tx[i].w * tx[i].area;
        }
    float e_mean = (float)(e_sum / e_weight);
    /* The light's main direction: the first-order terms of the luminance's fit (y, z, x). Where its mirror
     * reflection reaches the camera the photo may hold a highlight, which is no albedo. */
    float key[3];
    for (int k = 0; k < 3; ++k) {
        int term = k == 0 ? 3 : (k == 1 ? 1 : 2);
        key[k] = 0.2126f * sh[0][term] + 0.7152f * sh[1][term] + 0.0722f * sh[2][term];
    }
    bool has_key = highlights && normalize3(key);

    /* Factor, hair and weight per texel (rgb := the factor). */
    double stat[2][3] = {
        {0}}; /* photo luminance and factor luminance over plain skin: sum w, sum x, sum x^2 */
    for (size_t i = 0; i < texel_count; ++i) {
        texel *t = tx + i;
        if (t->w <= 0.0f) continue;
        float e[3] = {sh_eval(sh[0], t->n), sh_eval(sh[1], t->n), sh_eval(sh[2], t->n)};
        float le = luminance(e);
        t->w *= smooth_step(0.1f, 0.2f, le / e_mean);
        if (t->w <= 0.0f) continue;
        float lp = luminance(t->rgb), ratio = lp / le;
        if (has_key && ratio > 1.0f) {
            float h[3] = {key[0], key[1], key[2]};
            for (int k = 0; k < 3; ++k)
                h[k] += t->view[k];
            if (normalize3(h))
                t->w *= 1.0f - smooth_step(SCALP_PHOTO_HIGHLIGHT_COS, 1.0f, dot3(t->n, h)) *
                                   smooth_step(1.0f, 1.0f + SCALP_PHOTO_OUTLIER, ratio);
        }
        t->w *= 1.0f - smooth_step(SCALP_PHOTO_GLINT_RATIO, 1.2f * SCALP_PHOTO_GLINT_RATIO, ratio);
        if (t->w <= 0.0f) continue;
        float f[3];
        for (int c = 0; c < 3; ++c)
            f[c] = fminf(t->rgb[c] / fmaxf(e[c], 1e-4f * e_mean), SCALP_PHOTO_FACTOR_MAX);
        if (t->w > 0.5f && fabsf(ratio - 1.0f) <= SCALP_PHOTO_OUTLIER) {
            double w = t->area, lf = luminance(f);
            stat[0][0] += w, stat[0][1] += w * lp, stat[0][2] += w * lp * lp;
            stat[1][0] += w, stat[1][1] += w * lf, stat[1][2] += w * lf * lf;
        }
        memcpy(t->rgb, f, sizeof f);
        t->hair = 1.0f - smooth_step(SCALP_PHOTO_HAIR_RATIO * 2.0f / 3.0f, SCALP_PHOTO_HAIR_RATIO, ratio);
    }
    for (int s = 0; s < 2; ++s) {
        double mean = stat[s][1] / stat[s][0], var = stat[s][2] / stat[s][0] - mean * mean;
        double cv = var > 0.0 ? sqrt(var) / mean : 0.0;
        if (s == 0)
            map->shading_spread = cv;
        else
            map->residual_spread = cv;
    }

    if (hair == SCALP_PHOTO_HAIR_REMOVE) {
        /* The hair's texels take the mean factor of the plain skin within HAIR_FILL_MM. */
        float *grid = calloc(texel_count * 4, sizeof *grid), *line = malloc((size_t)size * 4 * sizeof *line);
        if (!grid || !line) {
            free(grid), free(line);
            st = smp_error_set(err, SMP_ERR_NOMEM, "out of memory baking the photo");
            goto done;
        }
        for (size_t i = 0; i < texel_count; ++i) {
            float ws = tx[i].w * (1.0f - tx[i].hair);
            for (int c = 0; c < 3; ++c)
                grid[4 * i + c] = ws * tx[i].rgb[c];
            grid[4 * i + 3] = ws;
        }
        int r = (int)fmax(1.0, round(HAIR_FILL_MM / (head->uv_scale_mm / size)));
        box_blur4(grid, line, size, r);
        box_blur4(grid, line, size, r);
        for (size_t i = 0; i < texel_count; ++i) {
            texel *t = tx + i;
            if (t->w <= 0.0f || t->hair <= 0.0f) continue;
            float wsum = grid[4 * i + 3];
            for (int c = 0; c < 3; ++c) {
                float fill = wsum > 1e-3f ? grid[4 * i + c] / wsum : 1.0f;
                t->rgb[c] += t->hair * (fill - t->rgb[c]);
            }
        }
        free(grid);
        free(line);
    }

    map->rgba = malloc(texel_count * 4);
    map->weight = malloc(texel_count);
    if (!map->rgba || !map->weight) {
        st = smp_error_set(err, SMP_ERR_NOMEM, "out of memory baking the photo");
        goto done;
    }
    map->size = size;
    map->hair = hair;
    for (size_t i = 0; i < texel_count; ++i) {
        const texel *t = tx + i;
        float w = t->w > 0.0f ? fminf(t->w, 1.0f) : 0.0f;
        float hair_alpha = hair == SCALP_PHOTO_HAIR_KEEP ? t->hair * w : 0.0f;
        for (int c = 0; c < 3; ++c)
            map->rgba[4 * i + c] = optics_srgb8_from_linear(0.5 * (1.0f + w * (t->rgb[c] - 1.0f)));
        map->rgba[4 * i + 3] = (uint8_t)lroundf(255.0f * hair_alpha);
        map->weight[i] = (uint8_t)lroundf(255.0f * w);
        if (w > 0.5f) {
            map->covered_cm2 += t->area / 100.0;
            if (t->hair > 0.5f) map->hair_cm2 += t->area / 100.0;
        }
    }

done:
    if (st != SMP_OK) scalp_skin_map_destroy(map);
    return st;
}

smp_status scalp_skin_map_from_vertex_colours(const scalp_head *head, const float *rgb, const float *weight,
                                              scalp_photo_hair hair, int size, scalp_skin_map *map,
                                              smp_error *err)
{
    assert(head && rgb && map);
    memset(map, 0, sizeof *map);
    if (size == 0) size = SCALP_PHOTO_MAP_SIZE;
    assert(size >= 64 && size <= 4096);
    texel *tx = calloc((size_t)size * (size_t)size, sizeof *tx);
    if (!tx) return smp_error_set(err, SMP_ERR_NOMEM, "out of memory baking the scan's colours");
    chart_pass cp = {.head = head,
                     .source = vertex_source,
                     .vertex_rgb = rgb,
                     .vertex_weight = weight,
                     .size = size,
                     .texels = tx};
    chart_raster(&cp);
    smp_status st = bake(head, tx, size, hair, false, "the scan's colours", map, err);
    free(tx);
    return st;
}
