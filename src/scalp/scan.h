/* scalp/scan: a patient's scanned head read from a file, cleaned, and turned into the head frame of scalp.h.
 * Reads OBJ, PLY, STL and glTF 2 (.gltf, .glb) through assimp's C API into one triangle mesh (all of the
 * file's meshes merged with their node transforms, polygons split as fans), in millimetres; welds duplicate
 * vertices, drops degenerate triangles and small disconnected islands, makes the winding face outwards and
 * recomputes the normals. Then three landmarks (the glabella or nasion and the two tragia), given or
 * estimated, move it into the head frame. Plain C: no GL, no SDL, no printing; beyond core it depends on
 * assimp, on scalp/image.h for textures and on optics/colour.h for the sRGB curve. None of assimp's
 * post-processing steps runs: on a damaged file they abort the process (see scan.c), so the importer's raw
 * scene is checked and cleaned here.
 *
 *     scalp_scan scan;
 *     if (scalp_scan_load("head.ply", SCALP_SCAN_UNITS_GUESS, NULL, warn, user, &scan, &err) != SMP_OK) ...;
 *     if (scalp_scan_orient(&scan, NULL, warn, user, &err) != SMP_OK) ...; // NULL: landmarks estimated
 *     ... scan.positions_mm, scan.normals, scan.indices ...
 *     scalp_scan_destroy(&scan);
 *
 * The scan's own colours come along when the file has them (docs/scans.md, "The scan's own colours"):
 * per-vertex colours, or a diffuse / base-colour texture (a JPEG or PNG beside the file or inside a GLB, read
 * with scalp/image.h) sampled at each vertex's UV; they are linear RGB in scan.colors, NULL when there are
 * none.
 *
 * Every refusal is SMP_ERR_INPUT with one line naming the file and what was expected (the app exits 2);
 * a file that cannot be opened is SMP_ERR_INPUT (missing, not permitted, a directory) or SMP_ERR_IO.
 * Limits are checked before the file reaches assimp where the format allows it (regular files only, the
 * file's size, the counts in a PLY header and a binary STL header), then on the raw scene before anything
 * is allocated for the merged mesh. Duplicate triangles (the same three vertices twice) are kept.
 * assimp runs in a child process (core/child.h) that sends back the merged mesh, its warnings or its
 * refusal: a file on which assimp crashes, damages the heap, hangs past limits.max_seconds or maps gigabytes
 * is refused with one line ("the mesh reader (assimp) failed on this file: it crashed (signal 11, ...)"),
 * and the caller's process is untouched. The child is a fork() of the caller, so on_warning is called in
 * the caller, after the child has ended.
 * Cost: a binary STL of a million triangles takes 0.44 s and 175 MB at the peak (assimp's scene, then the
 * merged copy and the welds' hashes), measured on one core of the build machine; the child adds a fork and
 * one copy of the merged mesh through a pipe.
 * Thread safety: not reentrant: load one scan at a time; the other functions work on the scan they are given.
 */
#ifndef SMP_SCALP_SCAN_H
#define SMP_SCALP_SCAN_H

#include "core/core.h"

/* Length units of the file's coordinates. GUESS picks them from the largest extent of the bounding box in
 * file units: 100-600 is millimetres, 10-60 centimetres, 0.1-0.6 metres (a head is 150-250 mm across, a
 * scan with the neck and shoulders up to 600 mm); any other size is refused. The size is that of the largest
 * piece and of pieces with SCALP_SCAN_ISLAND_SHARE of the triangles, so loose specks around do not count. */
typedef enum scalp_scan_units {
    SCALP_SCAN_UNITS_GUESS = 0,
    SCALP_SCAN_UNITS_MM,
    SCALP_SCAN_UNITS_CM,
    SCALP_SCAN_UNITS_M,
} scalp_scan_units;

/* Largest extent of a head scan in millimetres, whatever the units. */
#define SCALP_SCAN_MIN_EXTENT_MM 100.0
#define SCALP_SCAN_MAX_EXTENT_MM 600.0
/* The thinnest side of the bounding box is at least this share of the largest: a plane or a relief is
 * flatter, a scan of the face alone (about 100 x 160 x 230 mm) is 0.43. */
#define SCALP_SCAN_MIN_THICKNESS 0.2
/* Vertices closer than this (mm) are one vertex: float noise of a file in metres is about 1e-5 mm, a
 * scanner's resolution 0.1 mm and more. */
#define SCALP_SCAN_WELD_MM 0.001
/* A triangle whose height is below this fraction of its longest edge is a sliver and dropped as degenerate
 * (float coordinates of a head carry about 2e-5 mm of noise: 2e-5 of a 1 mm edge). */
#define SCALP_SCAN_SLIVER_RATIO 1e-4
/* Disconnected pieces with at least this share of the triangles are kept besides the largest one (a scan
 * split by a hole or a hat line); smaller ones (loose hair, dust, the scanner's table) are dropped. */
#define SCALP_SCAN_ISLAND_SHARE 0.10

/* The pieces kept hold at least this share of the file's triangles: a file of many parts (a machine, a
 * scene) is no head scan. */
#define SCALP_SCAN_MIN_KEPT_SHARE 0.5

/* What a file may hold; 0 in a field means its default (scalp_scan_limits_default). */
typedef struct scalp_scan_limits {
    int64_t max_file_bytes; /* size of the file itself; default 512 MiB */
    int max_triangles;      /* after triangulation, all meshes and instances together; default 5,000,000 */
    int min_triangles;      /* fewer is not a head; default 1,000 (also checked after cleaning) */
    double max_seconds;     /* assimp's reading, in its child process, may take this long; default 120 */
} scalp_scan_limits;
scalp_scan_limits scalp_scan_limits_default(void);

/* Where a scan's colours came from. */
typedef enum scalp_scan_colour_source {
    SCALP_SCAN_COLOUR_NONE = 0, /* the file has none (or its texture could not be read: warned) */
    SCALP_SCAN_COLOUR_VERTEX, /* per-vertex colours (PLY red/green/blue, glTF COLOR_0, OBJ "v x y z r g b") */
    SCALP_SCAN_COLOUR_TEXTURE, /* a diffuse or base-colour texture sampled at the vertices' UVs (some meshes
                                  of a file may give vertex colours instead) */
} scalp_scan_colour_source;

/* A cleaned scan: one closed or open triangle mesh, counter-clockwise seen from outside. */
typedef struct scalp_scan {
    int vertex_count;
    int triangle_count;
    float
        *positions_mm; /* 3 per vertex: the file's frame in mm until scalp_scan_orient, then the head frame */
    float *normals;    /* 3 per vertex, unit length, area-weighted over the triangles, pointing out */
    uint32_t *indices; /* 3 per triangle, every one < vertex_count */
    /* 3 per vertex, linear RGB 0..1, or NULL when the file has no colours. Vertex colours are read as sRGB-
     * encoded (as PLY and OBJ files store what a camera saw), except glTF's COLOR_0, which its specification
     * defines as linear; texels are 8-bit sRGB, decoded (optics_srgb8_to_linear) before the bilinear sample.
     * Vertices welded into one average their colours. All of the scan's vertices have a colour or none does:
     * a file whose kept meshes are coloured only in part is loaded without colours, with a warning. */
    float *colors;
    scalp_scan_colour_source colour_source;
    float bounds_min_mm[3], bounds_max_mm[3];
    scalp_scan_units units; /* the units the file was read in (never GUESS) */
    bool units_guessed;     /* true when they came from the size */
    bool oriented;          /* positions are in the head frame of scalp.h */
    double head_from_file[3]
                         [4]; /* head frame mm = R (file mm) + t: rows of [R | t]; identity until oriented */
    /* What cleaning did. */
    int imported_vertex_count, imported_triangle_count; /* as assimp gave them, all meshes merged */
    int welded_vertex_count; /* vertices merged into another one within SCALP_SCAN_WELD_MM */
    int degenerate_triangle_count;
    int island_count, island_triangle_count; /* disconnected pieces dropped, and their triangles */
    bool winding_flipped;                    /* the file's triangles faced inwards and were turned */
} scalp_scan;

/* Reads path (.obj, .ply, .stl, .gltf or .glb, any case) in the given units (GUESS: from the size, reported
 * through on_warning at SMP_LOG_WARN) within limits (NULL: the defaults), then cleans it. What cleaning
 * dropped is reported at SMP_LOG_INFO. on_warning may be NULL. On success the caller frees the scan with
 * scalp_scan_destroy; on failure the scan is zeroed and err says why in one line starting with the path.
 * Colours: a mesh whose material names a texture (AI_MATKEY_TEXTURE of aiTextureType_BASE_COLOR, else
 * DIFFUSE) and which has that texture's UVs takes the texture, sampled bilinearly at each vertex's UV with
 * the material's wrap mode (repeat when it gives none; decal is clamped); other meshes take their vertex
 * colours. The texture is a file relative to the mesh file's folder, or "*N", the file's embedded texture N
 * (a compressed PNG or JPEG), read within scalp_image_limits_default. A texture that is missing, damaged or
 * too large is no refusal: on_warning is told at SMP_LOG_WARN (naming the mesh file and the texture) and the
 * mesh takes its vertex colours, or none. The textures are held decoded while the file is read (3 bytes a
 * texel each). */
smp_status scalp_scan_load(const char *path, scalp_scan_units units, const scalp_scan_limits *limits,
                           smp_log_fn on_warning, void *warning_user, scalp_scan *scan, smp_error *err);
void scalp_scan_destroy(scalp_scan *scan); /* safe on a zeroed or destroyed scan */

/* Three points that fix the head frame, in the scan's millimetres as loaded. The tragion is the notch above
 * the tragus, at the front of the ear canal; the glabella is the most forward point between the brows, the
 * nasion the deepest point of the nose's root below it (set front_is_nasion). */
typedef struct scalp_scan_landmarks {
    float front_mm[3];        /* glabella, or nasion when front_is_nasion */
    float tragion_left_mm[3]; /* the patient's left */
    float tragion_right_mm[3];
    bool front_is_nasion;
} scalp_scan_landmarks;

/* Where the procedural head has its glabella and nasion seen from the origin (between the ear canals):
 * degrees above the horizontal plane through the ear canals. The procedural head's glabella lies at
 * y = 30, z = 92 mm, its nasion at y = 12.7, z = 88.4 mm (scalp_head_create with the default measures). */
#define SCALP_SCAN_GLABELLA_ELEVATION_DEG 18.06
#define SCALP_SCAN_NASION_ELEVATION_DEG 8.15
/* Plausible landmarks: the tragia 100-200 mm apart (Farkas' t-t, about 145 mm in adults), the front landmark
 * 50-150 mm from their midpoint and in front of it (the glabella is about 97 mm from the procedural origin).
 */
#define SCALP_SCAN_TRAGIA_MIN_MM 100.0
#define SCALP_SCAN_TRAGIA_MAX_MM 200.0
#define SCALP_SCAN_FRONT_MIN_MM 50.0
#define SCALP_SCAN_FRONT_MAX_MM 150.0

/* Estimates the landmarks of a scan that already stands as the head frame does: +y up, the face towards +z.
 * With the height H of the bounding box (the top of the head to the lowest point, the neck's cut on a scan
 * like the procedural head, whose glabella lies at 68 % of H): the glabella is the most forward part of the
 * band 64-72 % of H up, the tragia the lateral extremes (+x is the left) of the band 52-66 % of H up, where
 * the ears are; each is the mean of the band's vertices within 1 mm of the extreme. On a real scan the
 * "tragia" so found are the outer rims of the ears, about 10 mm behind and 15 mm outside the tragia: the
 * frame's origin lands about 10 mm behind the ear canals. Fails with SMP_ERR_INPUT when a band holds no
 * vertex. */
smp_status scalp_scan_estimate_landmarks(const scalp_scan *scan, scalp_scan_landmarks *out, smp_error *err);

/* Moves the scan into the head frame of scalp.h: origin midway between the tragia, +x towards the left
 * tragion, +z forward, rotated about x so that the front landmark lies SCALP_SCAN_GLABELLA_ELEVATION_DEG (or
 * the nasion's) above the horizontal, as on the procedural head; +y = z x x. The scale stays the file's (the
 * units): the landmarks only check it (SCALP_SCAN_TRAGIA_*, SCALP_SCAN_FRONT_*). landmarks NULL: estimated
 * with scalp_scan_estimate_landmarks, which on_warning is told at SMP_LOG_WARN. Positions, normals, bounds
 * and head_from_file are updated; on failure (SMP_ERR_INPUT: landmarks not finite, too close, too far, or
 * the front one on the line through the tragia) the scan is unchanged. An oriented scan may be oriented
 * again: the landmarks are then in its current coordinates. */
smp_status scalp_scan_orient(scalp_scan *scan, const scalp_scan_landmarks *landmarks, smp_log_fn on_warning,
                             void *warning_user, smp_error *err);

/* Rays against a scan's surface, for fitting the head to it: a uniform grid over the triangles (cells about
 * twice the mean edge, at most 8M of them), built in one pass over the triangles and a counting sort. It
 * holds a pointer to the scan, which must outlive it and stay unchanged (orient first). About 0.2 s and 60 MB
 * for a million triangles. */
typedef struct scalp_scan_index scalp_scan_index;
smp_status scalp_scan_index_create(scalp_scan_index **index, const scalp_scan *scan, smp_error *err);
void scalp_scan_index_destroy(scalp_scan_index *index); /* safe on NULL */
/* Where a ray met the scan: the triangle and the barycentric weights of its three corners (indices[3 t + k]),
 * which sum to 1, so the point is sum_k bary[k] p_k and any per-vertex value interpolates the same way. */
typedef struct scalp_scan_hit {
    int triangle;
    float bary[3];
} scalp_scan_hit;
/* The outermost point where the ray o + t d (d unit length) leaves the surface (crosses a triangle whose
 * outward normal points along d) with t in [t_lo, t_hi], t_lo >= 0: its t, or -1 when there is none.
 * Crossings into the surface are skipped, so a ray leaving through a hole of an open scan meets nothing.
 * hit (may be NULL) receives the triangle and barycentrics when there is a point, and is untouched when
 * there is none. Thread safe. */
double scalp_scan_index_ray(const scalp_scan_index *index, const double o[3], const double d[3], double t_lo,
                            double t_hi, scalp_scan_hit *hit);

#endif
