/* Scanned heads: assimp reads the file, then the mesh is merged, checked, welded, cleaned and oriented here.
 * Every check that can refuse a file runs before the step that would spend memory or time on it. */
#include "scalp/scan.h"

#include "core/child.h"
#include "optics/colour.h"
#include "scalp/image.h"

#include <assimp/cimport.h>
#include <assimp/material.h>
#include <assimp/scene.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Deeper node trees than this are refused: real files nest a few levels, and the walk recurses. */
#define NODE_DEPTH_MAX 256
/* The reader's child process may map this much beyond what the caller maps, plus this many bytes per byte of
 * the file: a binary STL of a million triangles (50 MB) peaks at 175 MB inside assimp, an OBJ at about 10
 * bytes per byte of text, so this leaves a wide margin and still stops the gigabytes a damaged 11 KB GLB
 * once asked for (tests/fuzz/README.md). */
#define SCAN_READER_ADDRESS_BYTES ((int64_t)2 << 30)
#define SCAN_READER_ADDRESS_PER_BYTE 16

static const char *units_name[] = {"guessed", "mm", "cm", "m"};
static const double units_mm[] = {0.0, 1.0, 10.0, 1000.0};

scalp_scan_limits scalp_scan_limits_default(void)
{
    return (scalp_scan_limits){.max_file_bytes = (int64_t)512 << 20,
                               .max_triangles = 5000000,
                               .min_triangles = 1000,
                               .max_seconds = 120.0};
}

static scalp_scan_limits limits_resolve(const scalp_scan_limits *given)
{
    scalp_scan_limits d = scalp_scan_limits_default(), l = given ? *given : d;
    if (l.max_file_bytes <= 0) l.max_file_bytes = d.max_file_bytes;
    if (l.max_triangles <= 0) l.max_triangles = d.max_triangles;
    if (l.min_triangles <= 0) l.min_triangles = d.min_triangles;
    if (!(l.max_seconds > 0.0)) l.max_seconds = d.max_seconds;
    return l;
}

void scalp_scan_destroy(scalp_scan *scan)
{
    if (!scan) return;
    free(scan->positions_mm);
    free(scan->normals);
    free(scan->indices);
    free(scan->colors);
    memset(scan, 0, sizeof *scan);
}

/* ---- before assimp: the file itself ---- */

static bool has_extension(const char *path, const char *ext)
{
    size_t n = strlen(path), e = strlen(ext);
    return n > e && strcasecmp(path + n - e, ext) == 0;
}

/* Reads up to size bytes from the start of fd; returns how many. */
static size_t read_head(int fd, char *buf, size_t size)
{
    size_t got = 0;
    while (got < size) {
        ssize_t n = pread(fd, buf + got, size - got, (off_t)got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += (size_t)n;
    }
    return got;
}

/* The element counts a PLY header declares (the header is ASCII in every PLY encoding). */
static smp_status ply_header_check(const char *path, int fd, const scalp_scan_limits *lim, smp_error *err)
{
    char head[65536];
    size_t n = read_head(fd, head, sizeof head - 1);
    head[n] = '\0';
    if (n < 4 || strncmp(head, "ply", 3) != 0 || (head[3] != '\n' && head[3] != '\r'))
        return smp_error_set(err, SMP_ERR_INPUT, "%s: not a PLY file (expected \"ply\" on the first line)",
                             path);
    long long vertices = -1, faces = -1;
    bool ended = false;
    for (char *line = head; line && *line;) {
        char *next = strpbrk(line, "\r\n");
        if (next) *next++ = '\0';
        char name[32];
        long long count;
        if (sscanf(line, "element %31s %lld", name, &count) == 2) {
            if (count < 0)
                return smp_error_set(err, SMP_ERR_INPUT, "%s: PLY element %s with a negative count %lld",
                                     path, name, count);
            if (strcmp(name, "vertex") == 0) vertices = count;
            if (strcmp(name, "face") == 0) faces = count;
        }
        /* The line must be end_header alone: assimp 5.2.5 reads "end_headerXYZ" as an unknown header line
         * and then never returns at the end of the file (found by fuzzing). */
        if (strncmp(line, "end_header", 10) == 0 && line[10 + strspn(line + 10, " \t")] == '\0') {
            ended = true;
            break;
        }
        line = next;
    }
    if (!ended)
        return smp_error_set(err, SMP_ERR_INPUT,
                             "%s: PLY header without an end_header line in its first %zu bytes", path,
                             sizeof head - 1);
    if (faces <= 0)
        return smp_error_set(
            err, SMP_ERR_INPUT,
            "%s: the PLY file has no faces (a point cloud?); a head scan must be a triangle mesh", path);
    /* A face of a scan is a triangle or a quad: more than twice the triangle limit is refused unread. */
    if (faces > 2LL * lim->max_triangles || vertices > 3LL * lim->max_triangles)
        return smp_error_set(err, SMP_ERR_INPUT,
                             "%s: %lld vertices and %lld faces; a head scan has at most %d triangles", path,
                             vertices, faces, lim->max_triangles);
    return SMP_OK;
}

/* A binary STL states its triangle count at byte 80 (an ASCII one starts with "solid" and is checked after
 * import; some binary files start with "solid" too, their size then tells). */
static smp_status stl_header_check(const char *path, int fd, int64_t size, const scalp_scan_limits *lim,
                                   smp_error *err)
{
    unsigned char head[84];
    if (read_head(fd, (char *)head, sizeof head) < sizeof head)
        return SMP_OK; /* ASCII, or too short: assimp says */
    uint32_t count =
        (uint32_t)head[80] | (uint32_t)head[81] << 8 | (uint32_t)head[82] << 16 | (uint32_t)head[83] << 24;
    bool binary = strncmp((const char *)head, "solid", 5) != 0 || size == 84 + 50 * (int64_t)count;
    if (binary && count > (uint32_t)lim->max_triangles)
        return smp_error_set(err, SMP_ERR_INPUT, "%s: binary STL of %u triangles; a head scan has at most %d",
                             path, count, lim->max_triangles);
    return SMP_OK;
}

/* A binary glTF's container (glTF 2.0 §4.4): the "glTF" magic, version 2, the stated length the file's own, a
 * JSON chunk first that fits in it. assimp reads a .glb it cannot take as glTF with whichever of its readers
 * claims the bytes: a GLB whose chunk type was damaged made one of them allocate 1.9 GB (found by fuzzing).
 */
static smp_status glb_header_check(const char *path, int fd, int64_t size, smp_error *err)
{
    unsigned char h[20];
    if (read_head(fd, (char *)h, sizeof h) < sizeof h || memcmp(h, "glTF", 4) != 0)
        return smp_error_set(err, SMP_ERR_INPUT, "%s: not a binary glTF file (expected \"glTF\" first)",
                             path);
    uint32_t w[4];
    for (int i = 0; i < 4; i++)
        w[i] = (uint32_t)h[4 + 4 * i] | (uint32_t)h[5 + 4 * i] << 8 | (uint32_t)h[6 + 4 * i] << 16 |
               (uint32_t)h[7 + 4 * i] << 24;
    if (w[0] != 2)
        return smp_error_set(err, SMP_ERR_INPUT, "%s: binary glTF version %u; expected 2", path, w[0]);
    if ((int64_t)w[1] != size)
        return smp_error_set(err, SMP_ERR_INPUT, "%s: binary glTF states %u bytes but the file has %lld",
                             path, w[1], (long long)size);
    if (memcmp(h + 16, "JSON", 4) != 0 || (int64_t)w[2] > size - 20)
        return smp_error_set(err, SMP_ERR_INPUT,
                             "%s: binary glTF without a JSON chunk of at most %lld bytes first", path,
                             (long long)size - 20);
    return SMP_OK;
}

static smp_status file_check(const char *path, const scalp_scan_limits *lim, int64_t *bytes, smp_error *err)
{
    if (!(has_extension(path, ".obj") || has_extension(path, ".ply") || has_extension(path, ".stl") ||
          has_extension(path, ".gltf") || has_extension(path, ".glb")))
        return smp_error_set(err, SMP_ERR_INPUT,
                             "%s: unknown mesh format; expected .obj, .ply, .stl, .gltf or .glb", path);
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        smp_status st = (errno == ENOENT || errno == EACCES || errno == EISDIR || errno == ENOTDIR)
                            ? SMP_ERR_INPUT
                            : SMP_ERR_IO;
        return smp_error_set(err, st, "%s: cannot open: %s", path, strerror(errno));
    }
    struct stat sb;
    smp_status st = SMP_OK;
    if (fstat(fd, &sb) != 0) {
        st = smp_error_set(err, SMP_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
    } else if (!S_ISREG(sb.st_mode)) {
        /* A pipe or a device would block or never end. */
        st = smp_error_set(err, SMP_ERR_INPUT, "%s: not a regular file; expected a mesh file", path);
    } else if (sb.st_size == 0) {
        st = smp_error_set(err, SMP_ERR_INPUT, "%s: empty file; expected a mesh", path);
    } else if ((int64_t)sb.st_size > lim->max_file_bytes) {
        st = smp_error_set(err, SMP_ERR_INPUT, "%s: %lld bytes; a head scan file has at most %lld", path,
                           (long long)sb.st_size, (long long)lim->max_file_bytes);
    } else {
        *bytes = (int64_t)sb.st_size;
        /* assimp picks its reader by the file's first bytes when the extension's reader declines the file: a
         * PLY header is checked whatever the extension (a PLY in a .gltf file reached assimp's PLY reader
         * unchecked and hung it; found by fuzzing), and glTF files must start as glTF, which keeps the other
         * formats assimp knows away from it. */
        char magic[8] = {0};
        size_t n = read_head(fd, magic, sizeof magic - 1);
        size_t lead = strspn(magic, " \t\r\n");
        bool ply = n >= 4 && strncmp(magic, "ply", 3) == 0 && (magic[3] == '\n' || magic[3] == '\r');
        if (has_extension(path, ".ply") || ply)
            st = ply_header_check(path, fd, lim, err);
        else if (has_extension(path, ".stl"))
            st = stl_header_check(path, fd, (int64_t)sb.st_size, lim, err);
        else if (has_extension(path, ".glb"))
            st = glb_header_check(path, fd, (int64_t)sb.st_size, err);
        else if (has_extension(path, ".gltf") && magic[lead] != '{' &&
                 strncmp(magic, "\xEF\xBB\xBF{", 4) != 0)
            st = smp_error_set(err, SMP_ERR_INPUT, "%s: not a glTF file (expected a JSON object)", path);
    }
    close(fd);
    return st;
}

/* ---- assimp's scene merged into one mesh ---- */

typedef struct merged {
    int64_t vertices, triangles; /* counted, then filled */
    float *positions;            /* file units, transformed by the node chain */
    uint32_t *indices;
    /* 4 per vertex: linear RGB times w, and w (1 for a vertex with a colour, 0 without), so that welded
     * vertices sum and divide once; NULL when no mesh of the file has colours. */
    float *colours;
    bool textured; /* some mesh took a texture's colours */
} merged;

/* ---- the file's colours: vertex colours or a texture per mesh ---- */

/* How one mesh of the scene gets its colours. */
typedef struct mesh_colour {
    const scalp_image *texture;  /* NULL: vertex colours, or none */
    const struct aiVector3D *uv; /* the texture's UVs, one per vertex */
    int wrap[2];                 /* aiTextureMapMode along u and v */
    bool vertex;                 /* no texture: mColors[0] */
} mesh_colour;

typedef struct colour_plan {
    mesh_colour *mesh;          /* one per scene mesh */
    scalp_image *textures;      /* one per material, read once */
    signed char *texture_state; /* per material: 0 not tried, 1 read, -1 failed (warned) */
    bool vertex_linear;         /* glTF 2.0 defines COLOR_0 as linear; elsewhere sRGB */
    bool any, textured;
    float srgb8_linear[256]; /* optics_srgb8_to_linear of every byte */
} colour_plan;

static void colour_plan_free(colour_plan *cp, unsigned materials)
{
    if (cp->textures)
        for (unsigned i = 0; i < materials; i++)
            scalp_image_free(&cp->textures[i]);
    free(cp->mesh), free(cp->textures), free(cp->texture_state);
    memset(cp, 0, sizeof *cp);
}

/* Reads the texture a material names: "*N" is the scene's embedded texture N (compressed: a PNG or JPEG of
 * mWidth bytes), anything else a file relative to the mesh file's folder (a Windows exporter's backslashes
 * read as slashes). */
static smp_status texture_read(const char *mesh_path, const struct aiScene *scene, const char *name,
                               scalp_image *img, smp_error *err)
{
    if (name[0] == '*') {
        char *end = NULL;
        unsigned long n = strtoul(name + 1, &end, 10);
        if (end == name + 1 || *end || !scene->mTextures || n >= scene->mNumTextures || !scene->mTextures[n])
            return smp_error_set(err, SMP_ERR_INPUT, "embedded texture %s is not in the file (it has %u)",
                                 name, scene->mNumTextures);
        const struct aiTexture *t = scene->mTextures[n];
        if (t->mHeight != 0 || !t->pcData || t->mWidth == 0)
            return smp_error_set(err, SMP_ERR_INPUT,
                                 "embedded texture %s is not a compressed image; expected a PNG or JPEG",
                                 name);
        char label[64];
        snprintf(label, sizeof label, "embedded texture %.40s", name);
        return scalp_image_load_memory((const uint8_t *)t->pcData, t->mWidth, label, NULL, img, err);
    }
    char file[4096];
    const char *slash = strrchr(mesh_path, '/');
    int dir = name[0] == '/' || !slash ? 0 : (int)(slash - mesh_path) + 1;
    int n = snprintf(file, sizeof file, "%.*s%s", dir, mesh_path, name);
    if (n < 0 || (size_t)n >= sizeof file)
        return smp_error_set(err, SMP_ERR_INPUT, "texture %.64s...: the path is too long", name);
    for (char *c = file + dir; *c; c++)
        if (*c == '\\') *c = '/';
    return scalp_image_load(file, NULL, img, err);
}

/* Decides each mesh's colours and reads the textures they need. A texture that cannot be read is warned about
 * once; the meshes using it take their vertex colours, or none. Fails only when out of memory. */
static smp_status colour_plan_make(const char *path, const struct aiScene *scene, smp_log_fn on_warning,
                                   void *warning_user, colour_plan *cp, smp_error *err)
{
    memset(cp, 0, sizeof *cp);
    unsigned materials = scene->mMaterials ? scene->mNumMaterials : 0;
    cp->mesh = calloc(scene->mNumMeshes ? scene->mNumMeshes : 1, sizeof *cp->mesh);
    cp->textures = calloc(materials ? materials : 1, sizeof *cp->textures);
    cp->texture_state = calloc(materials ? materials : 1, 1);
    if (!cp->mesh || !cp->textures || !cp->texture_state) {
        colour_plan_free(cp, 0);
        return smp_error_set(err, SMP_ERR_NOMEM, "%s: out of memory for the colours", path);
    }
    cp->vertex_linear = has_extension(path, ".gltf") || has_extension(path, ".glb");
    for (int i = 0; i < 256; i++)
        cp->srgb8_linear[i] = (float)optics_srgb8_to_linear((uint8_t)i);
    bool uv_warned = false;
    for (unsigned mi = 0; mi < scene->mNumMeshes; mi++) {
        const struct aiMesh *mesh = scene->mMeshes[mi];
        mesh_colour *mc = &cp->mesh[mi];
        unsigned mat = mesh->mMaterialIndex;
        struct aiString name = {0};
        unsigned uv = 0;
        enum aiTextureMapMode wrap[2] = {aiTextureMapMode_Wrap, aiTextureMapMode_Wrap};
        bool named = false;
        if (mat < materials && scene->mMaterials[mat]) {
            const struct aiMaterial *m = scene->mMaterials[mat];
            named = aiGetMaterialTexture(m, aiTextureType_BASE_COLOR, 0, &name, NULL, &uv, NULL, NULL, wrap,
                                         NULL) == aiReturn_SUCCESS &&
                    name.length > 0;
            if (!named) {
                uv = 0, wrap[0] = wrap[1] = aiTextureMapMode_Wrap;
                named = aiGetMaterialTexture(m, aiTextureType_DIFFUSE, 0, &name, NULL, &uv, NULL, NULL, wrap,
                                             NULL) == aiReturn_SUCCESS &&
                        name.length > 0;
            }
        }
        name.data[name.length < MAXLEN ? name.length : MAXLEN - 1] = '\0';
        if (uv >= AI_MAX_NUMBER_OF_TEXTURECOORDS || !mesh->mTextureCoords[uv]) uv = 0;
        if (named && !mesh->mTextureCoords[uv]) {
            if (!uv_warned)
                smp_log(on_warning, warning_user, SMP_LOG_WARN,
                        "%s: mesh %u names the texture %s but has no texture coordinates; its colours are "
                        "not read from it",
                        path, mi, name.data);
            uv_warned = true;
            named = false;
        }
        if (named && cp->texture_state[mat] == 0) {
            smp_error terr = {0};
            smp_status st = texture_read(path, scene, name.data, &cp->textures[mat], &terr);
            if (st == SMP_ERR_NOMEM) {
                colour_plan_free(cp, materials);
                return smp_error_set(err, SMP_ERR_NOMEM, "%s: out of memory for its texture: %s", path,
                                     terr.message);
            }
            cp->texture_state[mat] = st == SMP_OK ? 1 : -1;
            if (st != SMP_OK)
                smp_log(on_warning, warning_user, SMP_LOG_WARN, "%s: texture not read: %s; the scan %s", path,
                        terr.message,
                        mesh->mColors[0] ? "takes its vertex colours instead" : "is loaded without colours");
        }
        if (named && cp->texture_state[mat] == 1) {
            mc->texture = &cp->textures[mat];
            mc->uv = mesh->mTextureCoords[uv];
            for (int k = 0; k < 2; k++)
                mc->wrap[k] = (int)wrap[k];
            cp->textured = true;
        } else {
            mc->vertex = mesh->mColors[0] != NULL;
        }
        cp->any |= mc->texture || mc->vertex;
    }
    return SMP_OK;
}

/* A texture coordinate in [0, 1] as the wrap mode makes it (decal, which leaves the outside uncoloured, is
 * clamped: a scan's texture covers its surface). Not-finite coordinates read as 0. */
static double uv_wrap(double x, int mode)
{
    if (!isfinite(x)) return 0.0;
    if (mode == aiTextureMapMode_Mirror) {
        x -= 2.0 * floor(0.5 * x); /* [0, 2) */
        return x > 1.0 ? 2.0 - x : x;
    }
    if (mode == aiTextureMapMode_Clamp || mode == aiTextureMapMode_Decal) return smp_clamp(x, 0.0, 1.0);
    return x - floor(x);
}

/* A texel index along a side of n texels, as the wrap mode makes it. */
static int texel_wrap(int i, int n, int mode)
{
    if (mode == aiTextureMapMode_Wrap) return ((i % n) + n) % n;
    if (mode == aiTextureMapMode_Mirror) {
        i = ((i % (2 * n)) + 2 * n) % (2 * n);
        return i < n ? i : 2 * n - 1 - i;
    }
    return i < 0 ? 0 : i >= n ? n - 1 : i;
}

/* The texture's linear RGB at (u, v), bilinear between the four nearest texel centres, each decoded from
 * sRGB first (averaging is linear in light). assimp's v runs up from the image's bottom row (it turns glTF's
 * downward v over when reading), and an image's first row is its top. */
static void texture_sample(const colour_plan *cp, const mesh_colour *mc, double u, double v, float rgb[3])
{
    const scalp_image *img = mc->texture;
    double fx = uv_wrap(u, mc->wrap[0]) * img->width - 0.5;
    double fy = (1.0 - uv_wrap(v, mc->wrap[1])) * img->height - 0.5;
    int x0 = (int)floor(fx), y0 = (int)floor(fy);
    double ax = fx - x0, ay = fy - y0;
    int xs[2] = {texel_wrap(x0, img->width, mc->wrap[0]), texel_wrap(x0 + 1, img->width, mc->wrap[0])};
    int ys[2] = {texel_wrap(y0, img->height, mc->wrap[1]), texel_wrap(y0 + 1, img->height, mc->wrap[1])};
    double w[4] = {(1 - ax) * (1 - ay), ax * (1 - ay), (1 - ax) * ay, ax * ay};
    for (int c = 0; c < 3; c++) {
        double sum = 0.0;
        for (int k = 0; k < 4; k++)
            sum += w[k] * cp->srgb8_linear[img->rgb[3 * ((size_t)ys[k / 2] * img->width + xs[k % 2]) + c]];
        rgb[c] = (float)sum;
    }
}

/* Vertex v's colour and weight (4 floats) from its mesh's texture or vertex colours, or a weight of 0. */
static void vertex_colour(const colour_plan *cp, const struct aiMesh *mesh, unsigned mi, unsigned v,
                          float out[4])
{
    const mesh_colour *mc = &cp->mesh[mi];
    out[0] = out[1] = out[2] = out[3] = 0.0f;
    if (mc->texture) {
        texture_sample(cp, mc, mc->uv[v].x, mc->uv[v].y, out);
        out[3] = 1.0f;
    } else if (mc->vertex) {
        const struct aiColor4D *c = &mesh->mColors[0][v];
        const double in[3] = {c->r, c->g, c->b};
        for (int k = 0; k < 3; k++) {
            double x = isfinite(in[k]) ? smp_clamp(in[k], 0.0, 1.0) : 0.0;
            out[k] = (float)(cp->vertex_linear ? x : optics_srgb_decode(x));
        }
        out[3] = 1.0f;
    }
}

/* 4x4 row-major products in double: node transforms can be large, the files' floats are not. */
static void mat_mul(const double a[16], const double b[16], double out[16])
{
    double r[16];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            double s = 0.0;
            for (int k = 0; k < 4; k++)
                s += a[4 * i + k] * b[4 * k + j];
            r[4 * i + j] = s;
        }
    memcpy(out, r, sizeof r);
}

/* Triangles of a mesh with its polygons split as fans (n corners, n - 2 triangles); points and lines add
 * none. */
static int64_t mesh_triangles(const struct aiMesh *m)
{
    int64_t n = 0;
    for (unsigned f = 0; f < m->mNumFaces; f++)
        n += m->mFaces[f].mNumIndices >= 3 ? m->mFaces[f].mNumIndices - 2 : 0;
    return n;
}

/* First pass (fill false): counts what the instances add up to, stopping past the limit. Second pass: copies
 * them. Fails with a message for err's caller to prefix. */
static smp_status node_walk(const struct aiScene *scene, const struct aiNode *node, const double parent[16],
                            int depth, bool fill, int max_triangles, const colour_plan *cp, merged *out,
                            smp_error *err)
{
    if (depth > NODE_DEPTH_MAX)
        return smp_error_set(err, SMP_ERR_INPUT,
                             "nodes nested deeper than %d; expected a mesh file of a head", NODE_DEPTH_MAX);
    const struct aiMatrix4x4 *t = &node->mTransformation;
    double local[16] = {t->a1, t->a2, t->a3, t->a4, t->b1, t->b2, t->b3, t->b4,
                        t->c1, t->c2, t->c3, t->c4, t->d1, t->d2, t->d3, t->d4};
    double m[16];
    mat_mul(parent, local, m);
    for (unsigned i = 0; i < node->mNumMeshes; i++) {
        unsigned mi = node->mMeshes[i];
        if (mi >= scene->mNumMeshes)
            return smp_error_set(err, SMP_ERR_INPUT, "a node refers to mesh %u of %u", mi, scene->mNumMeshes);
        const struct aiMesh *mesh = scene->mMeshes[mi];
        if (!mesh || !mesh->mVertices || mesh_triangles(mesh) == 0) continue;
        if (!fill) {
            out->vertices += mesh->mNumVertices;
            out->triangles += mesh_triangles(mesh);
            if (out->triangles > max_triangles || out->vertices > 3LL * max_triangles)
                return smp_error_set(err, SMP_ERR_INPUT,
                                     "more than %d triangles (or %lld vertices); a head scan has at most %d",
                                     max_triangles, 3LL * max_triangles, max_triangles);
            continue;
        }
        int64_t base = out->vertices;
        for (unsigned v = 0; v < mesh->mNumVertices; v++) {
            const struct aiVector3D *p = &mesh->mVertices[v];
            float *q = &out->positions[3 * (base + v)];
            for (int k = 0; k < 3; k++) {
                double x = m[4 * k] * p->x + m[4 * k + 1] * p->y + m[4 * k + 2] * p->z + m[4 * k + 3];
                if (!isfinite(x) || fabs(x) > 3.0e38)
                    return smp_error_set(err, SMP_ERR_INPUT,
                                         "vertex %u of mesh %u is not a finite number (%g %g %g); expected "
                                         "finite coordinates",
                                         v, mi, (double)p->x, (double)p->y, (double)p->z);
                q[k] = (float)x;
            }
            if (out->colours) vertex_colour(cp, mesh, mi, v, &out->colours[4 * (base + v)]);
        }
        /* Fans from each polygon's first corner: scanners write triangles, at most convex quads. The indices
         * were checked against the mesh (scene_check). */
        for (unsigned f = 0; f < mesh->mNumFaces; f++) {
            const struct aiFace *face = &mesh->mFaces[f];
            for (unsigned k = 2; k < face->mNumIndices; k++) {
                uint32_t *tri = &out->indices[3 * out->triangles++];
                tri[0] = (uint32_t)(base + face->mIndices[0]);
                tri[1] = (uint32_t)(base + face->mIndices[k - 1]);
                tri[2] = (uint32_t)(base + face->mIndices[k]);
            }
        }
        out->vertices += mesh->mNumVertices;
    }
    for (unsigned c = 0; c < node->mNumChildren; c++) {
        if (!node->mChildren || !node->mChildren[c]) continue;
        smp_status st = node_walk(scene, node->mChildren[c], m, depth + 1, fill, max_triangles, cp, out, err);
        if (st != SMP_OK) return st;
    }
    return SMP_OK;
}

/* The importer's scene before any post-processing touches it: arrays present, faces with indices in range,
 * finite coordinates (NaN breaks the sorting that welds vertices), and at most the triangles the limit allows
 * once polygons are split (a polygon of n corners makes n - 2). */
static smp_status scene_check(const struct aiScene *scene, const scalp_scan_limits *lim, smp_error *err)
{
    if (scene->mNumMeshes > 0 && !scene->mMeshes)
        return smp_error_set(err, SMP_ERR_INPUT, "%u meshes without data; the file is damaged",
                             scene->mNumMeshes);
    int64_t triangles = 0, vertices = 0;
    for (unsigned mi = 0; mi < scene->mNumMeshes; mi++) {
        const struct aiMesh *m = scene->mMeshes[mi];
        if (!m) return smp_error_set(err, SMP_ERR_INPUT, "mesh %u is missing; the file is damaged", mi);
        if ((m->mNumVertices > 0 && !m->mVertices) || (m->mNumFaces > 0 && !m->mFaces))
            return smp_error_set(err, SMP_ERR_INPUT,
                                 "mesh %u lacks its vertices or faces; the file is damaged", mi);
        vertices += m->mNumVertices;
        for (unsigned f = 0; f < m->mNumFaces; f++) {
            const struct aiFace *face = &m->mFaces[f];
            if (face->mNumIndices == 0 || !face->mIndices)
                return smp_error_set(err, SMP_ERR_INPUT,
                                     "face %u of mesh %u has no vertices; the file is truncated or damaged",
                                     f, mi);
            for (unsigned k = 0; k < face->mNumIndices; k++)
                if (face->mIndices[k] >= m->mNumVertices)
                    return smp_error_set(
                        err, SMP_ERR_INPUT,
                        "face %u of mesh %u refers to vertex %u of %u; expected indices in range", f, mi,
                        face->mIndices[k], m->mNumVertices);
            triangles += face->mNumIndices >= 3 ? face->mNumIndices - 2 : 0;
        }
        if (triangles > lim->max_triangles || vertices > 3LL * lim->max_triangles)
            return smp_error_set(err, SMP_ERR_INPUT,
                                 "more than %d triangles (or %lld vertices); a head scan has at most %d",
                                 lim->max_triangles, 3LL * lim->max_triangles, lim->max_triangles);
        for (unsigned v = 0; v < m->mNumVertices; v++) {
            const struct aiVector3D *p = &m->mVertices[v];
            if (!isfinite(p->x) || !isfinite(p->y) || !isfinite(p->z))
                return smp_error_set(
                    err, SMP_ERR_INPUT,
                    "vertex %u of mesh %u is not a finite number (%g %g %g); expected finite "
                    "coordinates",
                    v, mi, (double)p->x, (double)p->y, (double)p->z);
        }
    }
    return SMP_OK;
}

/* The node tree: meshes it names exist, children are there, the depth is bounded (post-processing recurses).
 */
static smp_status nodes_check(const struct aiScene *scene, const struct aiNode *node, int depth,
                              smp_error *err)
{
    if (depth > NODE_DEPTH_MAX)
        return smp_error_set(err, SMP_ERR_INPUT,
                             "nodes nested deeper than %d; expected a mesh file of a head", NODE_DEPTH_MAX);
    if ((node->mNumMeshes > 0 && !node->mMeshes) || (node->mNumChildren > 0 && !node->mChildren))
        return smp_error_set(err, SMP_ERR_INPUT, "a node lacks its meshes or children; the file is damaged");
    for (unsigned i = 0; i < node->mNumMeshes; i++)
        if (node->mMeshes[i] >= scene->mNumMeshes)
            return smp_error_set(err, SMP_ERR_INPUT, "a node refers to mesh %u of %u", node->mMeshes[i],
                                 scene->mNumMeshes);
    for (unsigned c = 0; c < node->mNumChildren; c++) {
        if (!node->mChildren[c])
            return smp_error_set(err, SMP_ERR_INPUT, "a node lacks a child; the file is damaged");
        smp_status st = nodes_check(scene, node->mChildren[c], depth + 1, err);
        if (st != SMP_OK) return st;
    }
    return SMP_OK;
}

/* One printable line of assimp's last error. */
static void assimp_error(char *out, size_t size)
{
    const char *e = aiGetErrorString();
    if (!e || !e[0]) e = "no mesh in the file";
    size_t n = 0;
    for (; e[n] && n + 1 < size; n++)
        out[n] = (unsigned char)e[n] < 0x20 ? ' ' : e[n];
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
}

static smp_status import_here(const char *path, const scalp_scan_limits *lim, smp_log_fn on_warning,
                              void *warning_user, merged *out, smp_error *err)
{
    struct aiPropertyStore *props = aiCreatePropertyStore();
    if (!props) return smp_error_set(err, SMP_ERR_NOMEM, "%s: out of memory before reading", path);
    aiSetImportPropertyInteger(props, AI_CONFIG_IMPORT_NO_SKELETON_MESHES, 1);
    /* No post-processing: assimp's steps trust the importer's output, and Debian's assimp 5.2.5 aborts on
     * a damaged file in them (a truncated PLY leaves faces without indices: TriangulateProcess's assertion
     * ends the process; a file of points or lines only: aiApplyPostProcessing's failure path frees the scene
     * twice). The raw scene is checked here, polygons are split as fans and vertices welded below. */
    const struct aiScene *scene = aiImportFileExWithProperties(path, 0, NULL, props);
    aiReleasePropertyStore(props);
    if (!scene || !scene->mRootNode) {
        char why[256];
        assimp_error(why, sizeof why);
        if (scene) aiReleaseImport(scene);
        return smp_error_set(err, SMP_ERR_INPUT, "%s: not a readable mesh (%s)", path, why);
    }
    smp_status check = scene_check(scene, lim, err);
    if (check == SMP_OK) check = nodes_check(scene, scene->mRootNode, 0, err);
    if (check != SMP_OK) {
        aiReleaseImport(scene);
        smp_error_prefix(err, path);
        return check;
    }
    static const double identity[16] = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    merged count = {0};
    smp_status st =
        node_walk(scene, scene->mRootNode, identity, 0, false, lim->max_triangles, NULL, &count, err);
    if (st == SMP_OK && count.triangles < lim->min_triangles)
        st = smp_error_set(err, SMP_ERR_INPUT, "%lld triangles; a head scan has at least %d",
                           (long long)count.triangles, lim->min_triangles);
    if (st != SMP_OK) {
        aiReleaseImport(scene);
        smp_error_prefix(err, path);
        return st;
    }
    /* The colours are read once the file is known to be a mesh within the limits. */
    colour_plan cp;
    if ((st = colour_plan_make(path, scene, on_warning, warning_user, &cp, err)) != SMP_OK) {
        aiReleaseImport(scene);
        return st;
    }
    out->positions = malloc(sizeof(float) * 3 * (size_t)count.vertices);
    out->indices = malloc(sizeof(uint32_t) * 3 * (size_t)count.triangles);
    out->colours = cp.any ? malloc(sizeof(float) * 4 * (size_t)count.vertices) : NULL;
    out->textured = cp.textured;
    out->vertices = out->triangles = 0;
    if (!out->positions || !out->indices || (cp.any && !out->colours)) {
        st = smp_error_set(err, SMP_ERR_NOMEM, "%s: out of memory for %lld triangles", path,
                           (long long)count.triangles);
    } else if ((st = node_walk(scene, scene->mRootNode, identity, 0, true, lim->max_triangles, &cp, out,
                               err)) != SMP_OK) {
        smp_error_prefix(err, path);
    }
    colour_plan_free(&cp, scene->mMaterials ? scene->mNumMaterials : 0);
    aiReleaseImport(scene);
    if (st != SMP_OK) {
        free(out->positions);
        free(out->indices);
        free(out->colours);
        memset(out, 0, sizeof *out);
    }
    return st;
}

/* ---- assimp in a child process ----
 *
 * assimp reads the file in a child process (core/child.h): Debian's assimp 5.2.5 has damaged the heap on
 * some malformed files (tests/fuzz/README.md), hung on others and spent gigabytes on a few kilobytes, and a
 * child takes all of that with it. The child sends back its warnings and then either the merged mesh or
 * the refusal, as records: 'L' level message, 'E' status message, 'M' the mesh. Integers are the host's
 * (the two processes are one program); a message is a 32-bit length and its bytes. */

typedef struct reader_job {
    const char *path;
    const scalp_scan_limits *lim;
    smp_buffer *reply;
} reader_job;

static void reply_u32(smp_buffer *b, uint32_t v)
{
    smp_buffer_append(b, &v, sizeof v);
}

static void reply_text(smp_buffer *b, char tag, int32_t code, const char *text)
{
    smp_buffer_append(b, &tag, 1);
    smp_buffer_append(b, &code, sizeof code);
    reply_u32(b, (uint32_t)strlen(text));
    smp_buffer_puts(b, text);
}

static void reader_warning(void *user, smp_log_level level, const char *message)
{
    reply_text(user, 'L', (int32_t)level, message);
}

static bool reader_child(void *user, smp_buffer *reply)
{
    reader_job *job = user;
    merged m = {0};
    smp_error err = {0};
    smp_status st = import_here(job->path, job->lim, reader_warning, reply, &m, &err);
    if (st != SMP_OK) {
        reply_text(reply, 'E', (int32_t)st, err.message);
        return true;
    }
    char tag = 'M';
    uint8_t flags = (uint8_t)((m.colours ? 1 : 0) | (m.textured ? 2 : 0));
    smp_buffer_append(reply, &tag, 1);
    smp_buffer_append(reply, &m.vertices, sizeof m.vertices);
    smp_buffer_append(reply, &m.triangles, sizeof m.triangles);
    smp_buffer_append(reply, &flags, 1);
    smp_buffer_append(reply, m.positions, sizeof(float) * 3 * (size_t)m.vertices);
    smp_buffer_append(reply, m.indices, sizeof(uint32_t) * 3 * (size_t)m.triangles);
    if (m.colours) smp_buffer_append(reply, m.colours, sizeof(float) * 4 * (size_t)m.vertices);
    return true; /* the child ends here: nothing to free */
}

/* Reading the reply: a cursor that refuses to run past its end. */
typedef struct reply_cursor {
    const char *p;
    size_t left;
} reply_cursor;

static bool take(reply_cursor *c, void *out, size_t n)
{
    if (n > c->left) return false;
    if (out) memcpy(out, c->p, n);
    c->p += n;
    c->left -= n;
    return true;
}

static bool take_text(reply_cursor *c, int32_t *code, char *text, size_t size)
{
    uint32_t n = 0;
    if (!take(c, code, sizeof *code) || !take(c, &n, sizeof n) || n > c->left) return false;
    size_t k = n < size - 1 ? n : size - 1;
    memcpy(text, c->p, k);
    text[k] = '\0';
    c->p += n;
    c->left -= n;
    return true;
}

static smp_status reply_mesh(const char *path, const scalp_scan_limits *lim, reply_cursor *c, merged *out,
                             smp_error *err)
{
    uint8_t flags = 0;
    if (!take(c, &out->vertices, sizeof out->vertices) || !take(c, &out->triangles, sizeof out->triangles) ||
        !take(c, &flags, 1) || out->vertices < 3 || out->triangles < 1 ||
        out->triangles > lim->max_triangles || out->vertices > 3 * out->triangles)
        goto bad;
    size_t nv = (size_t)out->vertices, nt = (size_t)out->triangles;
    size_t want =
        sizeof(float) * 3 * nv + sizeof(uint32_t) * 3 * nt + ((flags & 1) ? sizeof(float) * 4 * nv : 0);
    if (want != c->left) goto bad;
    out->positions = malloc(sizeof(float) * 3 * nv);
    out->indices = malloc(sizeof(uint32_t) * 3 * nt);
    out->colours = (flags & 1) ? malloc(sizeof(float) * 4 * nv) : NULL;
    out->textured = (flags & 2) != 0;
    if (!out->positions || !out->indices || ((flags & 1) && !out->colours)) {
        free(out->positions), free(out->indices), free(out->colours);
        memset(out, 0, sizeof *out);
        return smp_error_set(err, SMP_ERR_NOMEM, "%s: out of memory for %lld triangles", path, (long long)nt);
    }
    take(c, out->positions, sizeof(float) * 3 * nv);
    take(c, out->indices, sizeof(uint32_t) * 3 * nt);
    if (out->colours) take(c, out->colours, sizeof(float) * 4 * nv);
    return SMP_OK;
bad:
    memset(out, 0, sizeof *out);
    return smp_error_set(err, SMP_ERR_IO, "%s: the mesh reader's answer is damaged", path);
}

static smp_status import_merged(const char *path, const scalp_scan_limits *lim, int64_t file_bytes,
                                smp_log_fn on_warning, void *warning_user, merged *out, smp_error *err)
{
    memset(out, 0, sizeof *out);
    smp_buffer reply = {0};
    reader_job job = {path, lim, NULL};
    smp_child_end end;
    /* The largest answer the limits allow: positions, indices and colours of max_triangles triangles with
     * three vertices each, and the warnings. */
    size_t max_reply = (size_t)lim->max_triangles * (3 * 12 + 12 + 3 * 16) + (1u << 20);
    smp_status st = smp_child_run(reader_child, &job, lim->max_seconds, max_reply,
                                  SCAN_READER_ADDRESS_BYTES + SCAN_READER_ADDRESS_PER_BYTE * file_bytes,
                                  &reply, &end, err);
    if (st != SMP_OK) {
        smp_error_prefix(err, path);
        return st;
    }
    if (end.kind != SMP_CHILD_DONE) {
        char how[128];
        smp_child_end_describe(&end, lim->max_seconds, how, sizeof how);
        smp_buffer_deinit(&reply);
        return smp_error_set(
            err, SMP_ERR_INPUT,
            "%s: the mesh reader (assimp) failed on this file: %s; expected an undamaged OBJ, "
            "PLY, STL or glTF 2 mesh",
            path, how);
    }
    reply_cursor c = {reply.data, reply.size};
    char tag = 0;
    st = smp_error_set(err, SMP_ERR_IO, "%s: the mesh reader's answer is damaged", path);
    while (take(&c, &tag, 1)) {
        int32_t code = 0;
        char text[1024];
        if (tag == 'L' && take_text(&c, &code, text, sizeof text)) {
            smp_log(on_warning, warning_user, (smp_log_level)code, "%s", text);
        } else if (tag == 'E' && take_text(&c, &code, text, sizeof text) && c.left == 0 && code > SMP_OK &&
                   code <= SMP_ERR_UNAVAILABLE) {
            st = smp_error_set(err, (smp_status)code, "%s", text);
            break;
        } else if (tag == 'M') {
            st = reply_mesh(path, lim, &c, out, err);
            break;
        } else {
            break;
        }
    }
    smp_buffer_deinit(&reply);
    return st;
}

/* ---- units and size ---- */

static void bounds_of(const float *p, int64_t n, float lo[3], float hi[3])
{
    for (int k = 0; k < 3; k++)
        lo[k] = INFINITY, hi[k] = -INFINITY;
    for (int64_t v = 0; v < n; v++)
        for (int k = 0; k < 3; k++) {
            lo[k] = fminf(lo[k], p[3 * v + k]);
            hi[k] = fmaxf(hi[k], p[3 * v + k]);
        }
}

static smp_status units_choose(const char *path, const merged *m, scalp_scan_units given,
                               scalp_scan_units *out, double *extent_out, smp_error *err)
{
    float lo[3], hi[3];
    bounds_of(m->positions, m->vertices, lo, hi);
    double extent = 0.0, thinnest = INFINITY;
    for (int k = 0; k < 3; k++) {
        extent = fmax(extent, (double)hi[k] - lo[k]);
        thinnest = fmin(thinnest, (double)hi[k] - lo[k]);
    }
    *extent_out = extent;
    if (given != SCALP_SCAN_UNITS_GUESS) {
        double mm = extent * units_mm[given];
        if (!(mm >= SCALP_SCAN_MIN_EXTENT_MM && mm <= SCALP_SCAN_MAX_EXTENT_MM))
            return smp_error_set(err, SMP_ERR_INPUT,
                                 "%s: %.4g mm across in %s; a head scan is %g-%g mm across", path, mm,
                                 units_name[given], SCALP_SCAN_MIN_EXTENT_MM, SCALP_SCAN_MAX_EXTENT_MM);
        *out = given;
    } else {
        *out = SCALP_SCAN_UNITS_GUESS;
        for (int u = SCALP_SCAN_UNITS_MM; u <= SCALP_SCAN_UNITS_M && *out == SCALP_SCAN_UNITS_GUESS; u++) {
            double mm = extent * units_mm[u];
            if (mm >= SCALP_SCAN_MIN_EXTENT_MM && mm <= SCALP_SCAN_MAX_EXTENT_MM) *out = (scalp_scan_units)u;
        }
        if (*out == SCALP_SCAN_UNITS_GUESS)
            return smp_error_set(
                err, SMP_ERR_INPUT,
                "%s: %.4g units across, not a head in mm, cm or m (a head scan is %g-%g mm across)", path,
                extent, SCALP_SCAN_MIN_EXTENT_MM, SCALP_SCAN_MAX_EXTENT_MM);
    }
    if (!(thinnest >= SCALP_SCAN_MIN_THICKNESS * extent))
        return smp_error_set(
            err, SMP_ERR_INPUT,
            "%s: %.4g x %.4g x %.4g %s, flatter than a head (its thinnest side is at least %g of "
            "its largest)",
            path, (double)hi[0] - lo[0], (double)hi[1] - lo[1], (double)hi[2] - lo[2], units_name[*out],
            SCALP_SCAN_MIN_THICKNESS);
    return SMP_OK;
}

/* ---- cleaning ---- */

/* Vertices within SCALP_SCAN_WELD_MM become the first of them: a hash of cells of that size, each vertex
 * compared with the representatives of its 27 neighbouring cells. Representatives are more than the weld
 * distance apart, so a cell holds a handful at most and the work stays linear. remap[v] is v's
 * representative. */
static smp_status weld(const float *p, int n, const float lo[3], int *remap, int *welded)
{
    size_t cap = 16;
    while (cap < 2 * (size_t)n)
        cap *= 2;
    uint64_t *keys = malloc(sizeof(uint64_t) * cap);
    int *first = malloc(sizeof(int) * cap);
    int *next = malloc(sizeof(int) * (size_t)n);
    if (!keys || !first || !next) {
        free(keys), free(first), free(next);
        return SMP_ERR_NOMEM;
    }
    for (size_t i = 0; i < cap; i++)
        first[i] = -1;
    const double cell = SCALP_SCAN_WELD_MM, e2 = cell * cell;
    *welded = 0;
    /* Cell coordinates fit 21 bits: the extent is at most 600 mm, 6e5 cells, plus the border. */
    for (int v = 0; v < n; v++) {
        int64_t c[3];
        for (int k = 0; k < 3; k++)
            c[k] = (int64_t)floor(((double)p[3 * v + k] - lo[k]) / cell) + 1;
        int found = -1;
        for (int d = 0; d < 27 && found < 0; d++) {
            uint64_t key = (uint64_t)(c[0] + d % 3 - 1) << 42 | (uint64_t)(c[1] + d / 3 % 3 - 1) << 21 |
                           (uint64_t)(c[2] + d / 9 - 1);
            size_t h = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & (cap - 1);
            while (first[h] >= 0 && keys[h] != key)
                h = (h + 1) & (cap - 1);
            for (int r = first[h]; r >= 0; r = next[r]) {
                double dx = p[3 * r] - p[3 * v], dy = p[3 * r + 1] - p[3 * v + 1],
                       dz = p[3 * r + 2] - p[3 * v + 2];
                if (dx * dx + dy * dy + dz * dz <= e2) {
                    found = r;
                    break;
                }
            }
        }
        if (found >= 0) {
            remap[v] = found;
            ++*welded;
            continue;
        }
        uint64_t key = (uint64_t)c[0] << 42 | (uint64_t)c[1] << 21 | (uint64_t)c[2];
        size_t h = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & (cap - 1);
        while (first[h] >= 0 && keys[h] != key)
            h = (h + 1) & (cap - 1);
        keys[h] = key;
        next[v] = first[h];
        first[h] = v;
        remap[v] = v;
    }
    free(keys), free(first), free(next);
    return SMP_OK;
}

static void tri_cross(const float *p, const uint32_t *t, double out[3])
{
    const float *a = &p[3 * t[0]], *b = &p[3 * t[1]], *c = &p[3 * t[2]];
    double u[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]}, w[3] = {c[0] - a[0], c[1] - a[1], c[2] - a[2]};
    out[0] = u[1] * w[2] - u[2] * w[1];
    out[1] = u[2] * w[0] - u[0] * w[2];
    out[2] = u[0] * w[1] - u[1] * w[0];
}

/* A triangle with a repeated vertex, or one whose height is under SCALP_SCAN_SLIVER_RATIO of its longest
 * edge. */
static bool tri_degenerate(const float *p, const uint32_t *t)
{
    if (t[0] == t[1] || t[1] == t[2] || t[2] == t[0]) return true;
    double c[3], longest2 = 0.0;
    tri_cross(p, t, c);
    for (int e = 0; e < 3; e++) {
        const float *a = &p[3 * t[e]], *b = &p[3 * t[(e + 1) % 3]];
        double d2 = 0.0;
        for (int k = 0; k < 3; k++)
            d2 += ((double)b[k] - a[k]) * ((double)b[k] - a[k]);
        longest2 = fmax(longest2, d2);
    }
    /* |cross| = longest edge x height */
    double cross2 = c[0] * c[0] + c[1] * c[1] + c[2] * c[2];
    return cross2 <= SCALP_SCAN_SLIVER_RATIO * SCALP_SCAN_SLIVER_RATIO * longest2 * longest2;
}

static int uf_find(int *parent, int v)
{
    int r = v;
    while (parent[r] != r)
        r = parent[r];
    while (parent[v] != r) {
        int up = parent[v];
        parent[v] = r;
        v = up;
    }
    return r;
}

static void uf_union(int *parent, int *rank, int a, int b)
{
    a = uf_find(parent, a), b = uf_find(parent, b);
    if (a == b) return;
    if (rank[a] < rank[b]) {
        int t = a;
        a = b, b = t;
    }
    parent[b] = a;
    if (rank[a] == rank[b]) rank[a]++;
}

/* Keeps the triangles of the largest piece (the first of equal ones) and of pieces with
 * SCALP_SCAN_ISLAND_SHARE of all triangles; returns the new triangle count and adds to the counts of what it
 * dropped. */
static int islands_drop(uint32_t *idx, int nt, int nv, int *islands, int *dropped_triangles,
                        int *scratch_parent, int *scratch_rank, int *scratch_count)
{
    for (int v = 0; v < nv; v++)
        scratch_parent[v] = v, scratch_rank[v] = 0, scratch_count[v] = 0;
    for (int t = 0; t < nt; t++) {
        uf_union(scratch_parent, scratch_rank, (int)idx[3 * t], (int)idx[3 * t + 1]);
        uf_union(scratch_parent, scratch_rank, (int)idx[3 * t], (int)idx[3 * t + 2]);
    }
    for (int t = 0; t < nt; t++)
        scratch_count[uf_find(scratch_parent, (int)idx[3 * t])]++;
    int largest = 0, pieces = 0;
    for (int v = 0; v < nv; v++) {
        if (scratch_count[v] > scratch_count[largest]) largest = v;
        pieces += scratch_count[v] > 0;
    }
    double share = SCALP_SCAN_ISLAND_SHARE * nt;
    int kept = 0, kept_pieces = 0;
    for (int v = 0; v < nv; v++)
        kept_pieces += scratch_count[v] > 0 && (v == largest || scratch_count[v] >= share);
    for (int t = 0; t < nt; t++) {
        int root = uf_find(scratch_parent, (int)idx[3 * t]);
        if (root != largest && scratch_count[root] < share) continue;
        memmove(&idx[3 * kept], &idx[3 * t], sizeof(uint32_t) * 3);
        kept++;
    }
    *islands += pieces - kept_pieces;
    *dropped_triangles += nt - kept;
    return kept;
}

/* Vertices at exactly the same position become one (the first), as most importers repeat a vertex for each
 * face or each normal: a hash of the coordinates' bits, then the positions moved down in place; their colours
 * add up (with their weights) in the one kept. */
static smp_status weld_exact(merged *m, int *welded)
{
    int nv = (int)m->vertices;
    size_t cap = 16;
    while (cap < 2 * (size_t)nv)
        cap *= 2;
    int *slot = malloc(sizeof(int) * cap), *remap = malloc(sizeof(int) * (size_t)nv);
    if (!slot || !remap) {
        free(slot), free(remap);
        return SMP_ERR_NOMEM;
    }
    for (size_t i = 0; i < cap; i++)
        slot[i] = -1;
    int used = 0;
    for (int v = 0; v < nv; v++) {
        float *p = &m->positions[3 * v];
        uint32_t bits[3];
        for (int k = 0; k < 3; k++) {
            float x = p[k] + 0.0f; /* -0 and +0 alike */
            memcpy(&bits[k], &x, sizeof x);
        }
        uint64_t h64 = ((uint64_t)bits[0] * 0x9E3779B97F4A7C15ull) ^
                       ((uint64_t)bits[1] * 0xC2B2AE3D27D4EB4Full) ^
                       ((uint64_t)bits[2] * 0x165667B19E3779F9ull);
        size_t h = (size_t)(h64 ^ (h64 >> 29)) & (cap - 1);
        int found = -1;
        for (; slot[h] >= 0; h = (h + 1) & (cap - 1)) {
            const float *q = &m->positions[3 * remap[slot[h]]];
            if (q[0] == p[0] && q[1] == p[1] && q[2] == p[2]) {
                found = remap[slot[h]];
                break;
            }
        }
        if (found >= 0) {
            remap[v] = found;
            if (m->colours)
                for (int k = 0; k < 4; k++)
                    m->colours[4 * found + k] += m->colours[4 * v + k];
            continue;
        }
        /* A new position: it moves down to its compacted place (used <= v, and every slot below is done). */
        memmove(&m->positions[3 * used], p, sizeof(float) * 3);
        if (m->colours) memmove(&m->colours[4 * used], &m->colours[4 * v], sizeof(float) * 4);
        slot[h] = v;
        remap[v] = used++;
    }
    for (int64_t i = 0; i < 3 * m->triangles; i++)
        m->indices[i] = (uint32_t)remap[m->indices[i]];
    *welded += nv - used;
    m->vertices = used;
    free(slot), free(remap);
    return SMP_OK;
}

/* The pieces as the file joins them, before the size is judged: a speck of dust far from the head must not
 * make the head look larger. Drops triangles with a repeated vertex and small islands, then the vertices
 * no triangle uses (positions moved down in place). */
static smp_status pieces_keep(merged *m, scalp_scan *s)
{
    int nv = (int)m->vertices, nt = 0;
    int *parent = malloc(sizeof(int) * (size_t)nv), *rank = malloc(sizeof(int) * (size_t)nv);
    int *count = malloc(sizeof(int) * (size_t)nv);
    if (!parent || !rank || !count) {
        free(parent), free(rank), free(count);
        return SMP_ERR_NOMEM;
    }
    for (int64_t t = 0; t < m->triangles; t++) {
        const uint32_t *q = &m->indices[3 * t];
        if (q[0] == q[1] || q[1] == q[2] || q[2] == q[0]) {
            s->degenerate_triangle_count++;
            continue;
        }
        memmove(&m->indices[3 * nt++], q, sizeof(uint32_t) * 3);
    }
    nt = islands_drop(m->indices, nt, nv, &s->island_count, &s->island_triangle_count, parent, rank, count);
    /* Kept vertices in their order, so each moves down (never onto one not yet moved). */
    int *remap = parent;
    for (int v = 0; v < nv; v++)
        remap[v] = -1;
    for (int t = 0; t < 3 * nt; t++)
        remap[m->indices[t]] = 0;
    int used = 0;
    for (int v = 0; v < nv; v++) {
        if (remap[v] < 0) continue;
        remap[v] = used;
        memmove(&m->positions[3 * used], &m->positions[3 * v], sizeof(float) * 3);
        if (m->colours) memmove(&m->colours[4 * used], &m->colours[4 * v], sizeof(float) * 4);
        used++;
    }
    for (int t = 0; t < 3 * nt; t++)
        m->indices[t] = (uint32_t)remap[m->indices[t]];
    m->vertices = used;
    m->triangles = nt;
    free(parent), free(rank), free(count);
    return SMP_OK;
}

/* Area-weighted normals: the sum of the unnormalised face normals around each vertex (one of the weightings
 * N. Max compares in "Weights for computing vertex normals from facet normals", J. Graphics Tools 4(2), 1999;
 * it needs no angles and lets a scanner's slivers count for little). A vertex whose triangles cancel out
 * takes the direction from the centroid. */
static void normals_compute(scalp_scan *s, const double centroid[3])
{
    memset(s->normals, 0, sizeof(float) * 3 * (size_t)s->vertex_count);
    for (int t = 0; t < s->triangle_count; t++) {
        double c[3];
        tri_cross(s->positions_mm, &s->indices[3 * t], c);
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 3; k++)
                s->normals[3 * s->indices[3 * t + i] + k] += (float)c[k];
    }
    for (int v = 0; v < s->vertex_count; v++) {
        float *n = &s->normals[3 * v];
        double len = sqrt((double)n[0] * n[0] + (double)n[1] * n[1] + (double)n[2] * n[2]);
        if (!(len > 0.0)) {
            for (int k = 0; k < 3; k++)
                n[k] = (float)(s->positions_mm[3 * v + k] - centroid[k]);
            len = sqrt((double)n[0] * n[0] + (double)n[1] * n[1] + (double)n[2] * n[2]);
            if (!(len > 0.0)) n[0] = 0.0f, n[1] = 1.0f, n[2] = 0.0f, len = 1.0;
        }
        for (int k = 0; k < 3; k++)
            n[k] = (float)(n[k] / len);
    }
}

static void scan_bounds_update(scalp_scan *s)
{
    bounds_of(s->positions_mm, s->vertex_count, s->bounds_min_mm, s->bounds_max_mm);
}

/* Welds, drops degenerate triangles and islands, compacts the vertices, turns an inward winding and computes
 * the normals. m is in mm and is consumed. *uncoloured: kept vertices without a colour in a file with colours
 * (the scan is then left without). */
static smp_status clean(const char *path, merged *m, const scalp_scan_limits *lim, scalp_scan *s,
                        int *uncoloured, smp_error *err)
{
    int nv = (int)m->vertices, nt = (int)m->triangles;
    int *remap = malloc(sizeof(int) * (size_t)nv);
    int *rank = malloc(sizeof(int) * (size_t)nv);
    int *count = malloc(sizeof(int) * (size_t)nv);
    smp_status st = SMP_OK;
    if (!remap || !rank || !count) goto nomem;
    float lo[3], hi[3];
    bounds_of(m->positions, nv, lo, hi);
    if (weld(m->positions, nv, lo, remap, &s->welded_vertex_count) != SMP_OK) goto nomem;
    if (m->colours)
        for (int v = 0; v < nv; v++)
            if (remap[v] != v)
                for (int k = 0; k < 4; k++)
                    m->colours[4 * remap[v] + k] += m->colours[4 * v + k];
    int kept = 0;
    for (int t = 0; t < nt; t++) {
        uint32_t tri[3];
        for (int k = 0; k < 3; k++)
            tri[k] = (uint32_t)remap[m->indices[3 * t + k]];
        if (tri_degenerate(m->positions, tri)) continue;
        memcpy(&m->indices[3 * kept++], tri, sizeof tri);
    }
    s->degenerate_triangle_count += nt - kept;
    nt = islands_drop(m->indices, kept, nv, &s->island_count, &s->island_triangle_count, remap, rank, count);
    if (nt < lim->min_triangles) {
        st = smp_error_set(
            err, SMP_ERR_INPUT,
            "%s: %d triangles left after cleaning (%d degenerate, %d in %d small pieces); a head "
            "scan has at least %d",
            path, nt, s->degenerate_triangle_count, s->island_triangle_count, s->island_count,
            lim->min_triangles);
        goto out;
    }
    /* Compact: the vertices still referenced, in their first order. */
    for (int v = 0; v < nv; v++)
        remap[v] = -1;
    int used = 0;
    for (int t = 0; t < 3 * nt; t++)
        if (remap[m->indices[t]] < 0) remap[m->indices[t]] = used++;
    s->positions_mm = malloc(sizeof(float) * 3 * (size_t)used);
    s->normals = malloc(sizeof(float) * 3 * (size_t)used);
    s->indices = malloc(sizeof(uint32_t) * 3 * (size_t)nt);
    if (!s->positions_mm || !s->normals || !s->indices) goto nomem;
    for (int v = 0; v < nv; v++)
        if (remap[v] >= 0) memcpy(&s->positions_mm[3 * remap[v]], &m->positions[3 * v], sizeof(float) * 3);
    /* Colours: the welded sums divided by their weights; a vertex without any leaves the scan without. */
    *uncoloured = 0;
    if (m->colours) {
        if (!(s->colors = malloc(sizeof(float) * 3 * (size_t)used))) goto nomem;
        for (int v = 0; v < nv; v++) {
            const float *c = &m->colours[4 * v];
            if (remap[v] < 0) continue;
            *uncoloured += !(c[3] > 0.0f);
            for (int k = 0; k < 3; k++)
                s->colors[3 * remap[v] + k] = c[3] > 0.0f ? fminf(fmaxf(c[k] / c[3], 0.0f), 1.0f) : 0.0f;
        }
        s->colour_source = m->textured ? SCALP_SCAN_COLOUR_TEXTURE : SCALP_SCAN_COLOUR_VERTEX;
        if (*uncoloured > 0) {
            free(s->colors);
            s->colors = NULL;
            s->colour_source = SCALP_SCAN_COLOUR_NONE;
        }
    }
    for (int t = 0; t < 3 * nt; t++)
        s->indices[t] = (uint32_t)remap[m->indices[t]];
    s->vertex_count = used;
    s->triangle_count = nt;

    /* Outwards: the area-weighted sum of (centre - centroid) . normal is positive on a surface facing away
     * from its centroid, closed or open like a scan's neck (the divergence theorem on the closed part). */
    double centroid[3] = {0, 0, 0}, area = 0.0, flux = 0.0;
    for (int t = 0; t < nt; t++) {
        double c[3];
        tri_cross(s->positions_mm, &s->indices[3 * t], c);
        double a = sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
        for (int k = 0; k < 3; k++)
            for (int i = 0; i < 3; i++)
                centroid[k] += a * s->positions_mm[3 * s->indices[3 * t + i] + k] / 3.0;
        area += a;
    }
    for (int k = 0; k < 3; k++)
        centroid[k] /= area;
    for (int t = 0; t < nt; t++) {
        double c[3];
        tri_cross(s->positions_mm, &s->indices[3 * t], c);
        for (int k = 0; k < 3; k++) {
            double mid = 0.0;
            for (int i = 0; i < 3; i++)
                mid += s->positions_mm[3 * s->indices[3 * t + i] + k] / 3.0;
            flux += (mid - centroid[k]) * c[k];
        }
    }
    if (flux < 0.0) {
        s->winding_flipped = true;
        for (int t = 0; t < nt; t++) {
            uint32_t x = s->indices[3 * t + 1];
            s->indices[3 * t + 1] = s->indices[3 * t + 2];
            s->indices[3 * t + 2] = x;
        }
    }
    normals_compute(s, centroid);
    scan_bounds_update(s);
    goto out;
nomem:
    st = smp_error_set(err, SMP_ERR_NOMEM, "%s: out of memory cleaning %d triangles", path, nt);
out:
    free(remap), free(rank), free(count);
    return st;
}

smp_status scalp_scan_load(const char *path, scalp_scan_units units, const scalp_scan_limits *limits,
                           smp_log_fn on_warning, void *warning_user, scalp_scan *scan, smp_error *err)
{
    memset(scan, 0, sizeof *scan);
    if (!path || !path[0])
        return smp_error_set(err, SMP_ERR_INPUT, "scan: no file given; expected a mesh file");
    if ((int)units < (int)SCALP_SCAN_UNITS_GUESS || (int)units > (int)SCALP_SCAN_UNITS_M)
        return smp_error_set(err, SMP_ERR_INPUT, "%s: unknown units %d; expected mm, cm or m", path,
                             (int)units);
    scalp_scan_limits lim = limits_resolve(limits);
    int64_t file_bytes = 0;
    smp_status st = file_check(path, &lim, &file_bytes, err);
    if (st != SMP_OK) return st;
    merged m = {0};
    if ((st = import_merged(path, &lim, file_bytes, on_warning, warning_user, &m, err)) != SMP_OK) return st;
    scan->imported_vertex_count = (int)m.vertices;
    scan->imported_triangle_count = (int)m.triangles;
    if (weld_exact(&m, &scan->welded_vertex_count) != SMP_OK || pieces_keep(&m, scan) != SMP_OK) {
        st = smp_error_set(err, SMP_ERR_NOMEM, "%s: out of memory for %d triangles", path,
                           scan->imported_triangle_count);
        goto fail;
    }
    if (m.triangles < lim.min_triangles) {
        st = smp_error_set(err, SMP_ERR_INPUT,
                           "%s: %lld triangles in its largest piece; a head scan has at least %d", path,
                           (long long)m.triangles, lim.min_triangles);
        goto fail;
    }
    if (m.triangles <
        SCALP_SCAN_MIN_KEPT_SHARE * (scan->imported_triangle_count - scan->degenerate_triangle_count)) {
        st = smp_error_set(
            err, SMP_ERR_INPUT,
            "%s: its large pieces hold %lld of %d triangles, %d small pieces the rest; a head scan "
            "is one piece with at least %g of them",
            path, (long long)m.triangles, scan->imported_triangle_count, scan->island_count,
            SCALP_SCAN_MIN_KEPT_SHARE);
        goto fail;
    }
    double extent = 0.0;
    if ((st = units_choose(path, &m, units, &scan->units, &extent, err)) != SMP_OK) goto fail;
    scan->units_guessed = units == SCALP_SCAN_UNITS_GUESS;
    if (scan->units_guessed)
        smp_log(
            on_warning, warning_user, SMP_LOG_WARN,
            "%s: units guessed as %s from the size (%.4g units across; a head scan is %g-%g mm); give the "
            "units if that is wrong",
            path, units_name[scan->units], extent, SCALP_SCAN_MIN_EXTENT_MM, SCALP_SCAN_MAX_EXTENT_MM);
    float f = (float)units_mm[scan->units];
    for (int64_t i = 0; i < 3 * m.vertices; i++)
        m.positions[i] *= f;
    int uncoloured = 0;
    if ((st = clean(path, &m, &lim, scan, &uncoloured, err)) != SMP_OK) goto fail;
    free(m.positions);
    free(m.indices);
    free(m.colours);
    if (uncoloured > 0)
        smp_log(
            on_warning, warning_user, SMP_LOG_WARN,
            "%s: %d of its %d vertices have no colour (a mesh without colours or its texture); the scan is "
            "loaded without colours",
            path, uncoloured, scan->vertex_count);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++)
            scan->head_from_file[i][j] = i == j;
    if (scan->welded_vertex_count || scan->degenerate_triangle_count || scan->island_count ||
        scan->winding_flipped)
        smp_log(
            on_warning, warning_user, SMP_LOG_INFO,
            "%s: %d vertices welded, %d degenerate triangles and %d small pieces (%d triangles) dropped%s; "
            "%d vertices and %d triangles left",
            path, scan->welded_vertex_count, scan->degenerate_triangle_count, scan->island_count,
            scan->island_triangle_count, scan->winding_flipped ? ", winding turned outwards" : "",
            scan->vertex_count, scan->triangle_count);
    return SMP_OK;
fail:
    free(m.positions);
    free(m.indices);
    free(m.colours);
    scalp_scan_destroy(scan);
    return st;
}

/* ---- landmarks and the head frame ---- */

/* The mean of the vertices with height fraction in [f0, f1] whose coordinate axis (times sign) lies within
 * 1 mm of the band's extreme. */
static bool band_extreme(const scalp_scan *s, double f0, double f1, int axis, double sign, float out[3])
{
    double y0 = s->bounds_min_mm[1], h = (double)s->bounds_max_mm[1] - y0;
    double lo = y0 + f0 * h, hi = y0 + f1 * h, best = -INFINITY;
    for (int v = 0; v < s->vertex_count; v++) {
        const float *p = &s->positions_mm[3 * v];
        if (p[1] >= lo && p[1] <= hi) best = fmax(best, sign * p[axis]);
    }
    if (best == -INFINITY) return false;
    double sum[3] = {0, 0, 0};
    int n = 0;
    for (int v = 0; v < s->vertex_count; v++) {
        const float *p = &s->positions_mm[3 * v];
        if (p[1] < lo || p[1] > hi || sign * p[axis] < best - 1.0) continue;
        for (int k = 0; k < 3; k++)
            sum[k] += p[k];
        n++;
    }
    for (int k = 0; k < 3; k++)
        out[k] = (float)(sum[k] / n);
    return true;
}

smp_status scalp_scan_estimate_landmarks(const scalp_scan *scan, scalp_scan_landmarks *out, smp_error *err)
{
    memset(out, 0, sizeof *out);
    if (!band_extreme(scan, 0.64, 0.72, 2, 1.0, out->front_mm))
        return smp_error_set(
            err, SMP_ERR_INPUT,
            "scan: no vertex at 64-72 %% of its height to place the glabella; give the landmarks");
    if (!band_extreme(scan, 0.52, 0.66, 0, 1.0, out->tragion_left_mm) ||
        !band_extreme(scan, 0.52, 0.66, 0, -1.0, out->tragion_right_mm))
        return smp_error_set(
            err, SMP_ERR_INPUT,
            "scan: no vertex at 52-66 %% of its height to place the tragia; give the landmarks");
    return SMP_OK;
}

static double v3_dot(const double a[3], const double b[3])
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

smp_status scalp_scan_orient(scalp_scan *scan, const scalp_scan_landmarks *landmarks, smp_log_fn on_warning,
                             void *warning_user, smp_error *err)
{
    scalp_scan_landmarks est;
    if (!landmarks) {
        smp_status st = scalp_scan_estimate_landmarks(scan, &est, err);
        if (st != SMP_OK) return st;
        landmarks = &est;
        smp_log(on_warning, warning_user, SMP_LOG_WARN,
                "scan: landmarks estimated from the mesh as if it stood +y up facing +z (glabella %.1f %.1f "
                "%.1f, "
                "tragia %.1f %.1f %.1f and %.1f %.1f %.1f mm); give them for a scan in any other pose",
                est.front_mm[0], est.front_mm[1], est.front_mm[2], est.tragion_left_mm[0],
                est.tragion_left_mm[1], est.tragion_left_mm[2], est.tragion_right_mm[0],
                est.tragion_right_mm[1], est.tragion_right_mm[2]);
    }
    double g[3], l[3], r[3];
    for (int k = 0; k < 3; k++) {
        g[k] = landmarks->front_mm[k], l[k] = landmarks->tragion_left_mm[k],
        r[k] = landmarks->tragion_right_mm[k];
        if (!isfinite(g[k]) || !isfinite(l[k]) || !isfinite(r[k]))
            return smp_error_set(err, SMP_ERR_INPUT, "landmarks: not finite numbers; expected points in mm");
    }
    const char *front = landmarks->front_is_nasion ? "nasion" : "glabella";
    double o[3], x[3], d[3];
    for (int k = 0; k < 3; k++)
        o[k] = 0.5 * (l[k] + r[k]), x[k] = l[k] - r[k], d[k] = g[k] - o[k];
    double width = sqrt(v3_dot(x, x)), reach = sqrt(v3_dot(d, d));
    if (!(width >= SCALP_SCAN_TRAGIA_MIN_MM && width <= SCALP_SCAN_TRAGIA_MAX_MM))
        return smp_error_set(err, SMP_ERR_INPUT,
                             "landmarks: the tragia are %.4g mm apart; a head's are %g-%g mm", width,
                             SCALP_SCAN_TRAGIA_MIN_MM, SCALP_SCAN_TRAGIA_MAX_MM);
    if (!(reach >= SCALP_SCAN_FRONT_MIN_MM && reach <= SCALP_SCAN_FRONT_MAX_MM))
        return smp_error_set(
            err, SMP_ERR_INPUT,
            "landmarks: the %s is %.4g mm from the point between the tragia; expected %g-%g mm", front, reach,
            SCALP_SCAN_FRONT_MIN_MM, SCALP_SCAN_FRONT_MAX_MM);
    for (int k = 0; k < 3; k++)
        x[k] /= width;
    /* The forward direction: the front landmark's, without its part along x. */
    double along = v3_dot(d, x), f[3];
    for (int k = 0; k < 3; k++)
        f[k] = d[k] - along * x[k];
    double flen = sqrt(v3_dot(f, f));
    if (flen < 0.5 * reach)
        return smp_error_set(
            err, SMP_ERR_INPUT,
            "landmarks: the %s lies nearly on the line through the tragia (%.0f degrees off it); "
            "expected it in front, between them",
            front, asin(fmin(flen / reach, 1.0)) * 180.0 / SMP_PI);
    for (int k = 0; k < 3; k++)
        f[k] /= flen;
    double up[3] = {f[1] * x[2] - f[2] * x[1], f[2] * x[0] - f[0] * x[2], f[0] * x[1] - f[1] * x[0]};
    /* f is the front landmark's elevation above the horizontal: tilt it down by that angle for +z. */
    double a =
        (landmarks->front_is_nasion ? SCALP_SCAN_NASION_ELEVATION_DEG : SCALP_SCAN_GLABELLA_ELEVATION_DEG) *
        SMP_PI / 180.0;
    double z[3], y[3];
    for (int k = 0; k < 3; k++) {
        z[k] = cos(a) * f[k] - sin(a) * up[k];
        y[k] = sin(a) * f[k] + cos(a) * up[k];
    }
    double R[3][3] = {{x[0], x[1], x[2]}, {y[0], y[1], y[2]}, {z[0], z[1], z[2]}};
    double t[3];
    for (int i = 0; i < 3; i++)
        t[i] = -v3_dot(R[i], o);
    for (int v = 0; v < scan->vertex_count; v++) {
        float *p = &scan->positions_mm[3 * v], *n = &scan->normals[3 * v];
        double pv[3] = {p[0], p[1], p[2]}, nv[3] = {n[0], n[1], n[2]};
        for (int i = 0; i < 3; i++) {
            p[i] = (float)(v3_dot(R[i], pv) + t[i]);
            n[i] = (float)v3_dot(R[i], nv);
        }
    }
    double prev[3][4];
    memcpy(prev, scan->head_from_file, sizeof prev);
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 4; j++) {
            double s = 0.0;
            for (int k = 0; k < 3; k++)
                s += R[i][k] * prev[k][j];
            scan->head_from_file[i][j] = s + (j == 3 ? t[i] : 0.0);
        }
    }
    scan->oriented = true;
    scan_bounds_update(scan);
    return SMP_OK;
}
