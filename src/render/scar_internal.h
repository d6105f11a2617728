/* render/scar: the donor scars as a chart-space texture for mesh.frag (shaders/scar.glsl).
 * The bake (plain CPU, testable without GL) rasterises the head's triangles in the scalp chart over the
 * scars' bounding rectangle and evaluates scalp/scar at each texel's surface point: R = (top - relief) /
 * range, where top is the set's highest ridge (0 without hypertrophic scars) and range spans it to the
 * deepest indentation (8 bits: 1.6 um steps for 0.4 mm), so R = 0 is untouched skin when nothing is raised;
 * G = scar tissue weight (0..1).
 * The upload makes a mip-mapped RG8 texture (3072 x 2865 x 2 bytes for the default plan); binding
 * sets scar.glsl's uniforms. Internal to render/. */
#ifndef SMP_RENDER_SCAR_INTERNAL_H
#define SMP_RENDER_SCAR_INTERNAL_H

#include "core/core.h"
#include "scalp/scalp.h"
#include "scalp/scar.h"

#include <epoxy/gl.h>

/* Target texel size in chart millimetres, and the largest side allowed (larger rectangles get coarser
 * texels). The built-in plan's FUT line and 1,500 FUE scars span most of the donor band: 3072 texels give
 * 0.087 mm there, 10 across a 0.9 mm FUE scar, and 23 MB with the mip levels; 4096 gave 0.065 mm for 42 MB of
 * the 400 MB budget (issue 12), and the two differ visibly only in a dermatoscope's 10 mm field, where an FUE
 * scar's edge is a little softer. */
#define RENDER_SCAR_TEXEL_MM 0.05f
#define RENDER_SCAR_MAX_SIZE 3072

typedef struct render_scar_bake {
    int width, height;    /* texels; 0 when there are no scars */
    float uv0[2], uv1[2]; /* the chart rectangle covered */
    float top_mm;         /* relief that R = 0 stands for (the set's highest ridge, >= 0) */
    float range_mm;       /* relief from R = 0 down to R = 255 (top to the deepest indentation; 0: flat) */
    uint8_t *texels; /* width * height * 2 bytes ((top - relief) / range, tissue), row 0 at uv0[1]; owned */
    /* Where the scars' code may change the skin: blocks of RENDER_SCAR_NEAR_BLOCK x RENDER_SCAR_NEAR_BLOCK
     * texels (near_w x near_h, row 0 at uv0[1]; owned), 1 within RENDER_SCAR_NEAR_MM of surface (over the
     * chart's 0.45 shrink, in each chart direction) of a texel with relief or tissue, else 0. scar.glsl gives
     * the plain skin outside them, and the head's triangles that meet none are drawn without the scars'
     * code (render/head.c). */
    int near_w, near_h;
    uint8_t *near;
    uint32_t *near_sum; /* their summed-area table, (near_w + 1) x (near_h + 1); owned */
} render_scar_bake;
#define RENDER_SCAR_NEAR_BLOCK 8
/* scar.glsl's test for untouched skin reads the relief's level 1.5 above the pixel's footprint, about three
 * pixels around: 2 mm keeps its reach for pixels up to about 0.7 mm (the head at 2 m at 1280x720); beyond
 * that a scar's filtered relief stops 2 mm from it. */
#define RENDER_SCAR_NEAR_MM 2.0f

/* Bakes set over head's chart; max_size caps each side (0 = RENDER_SCAR_MAX_SIZE). An empty set gives a
 * 0x0 bake. Release with render_scar_bake_destroy. Fails with SMP_ERR_NOMEM. */
smp_status render_scar_bake_create(render_scar_bake *bake, const scalp_head *head, const scalp_scar_set *set,
                                   int max_size, smp_error *err);
void render_scar_bake_destroy(render_scar_bake *bake); /* safe on a zeroed bake */
/* Whether the chart box lo..hi, widened by a block, meets one of bake's near blocks. */
bool render_scar_bake_near_meets(const render_scar_bake *bake, const float lo[2], const float hi[2]);

/* The scars as geometry where the camera is close (issue 10: silhouettes, and walls that hide what lies
 * behind them): the head's triangles that a scar's relief reaches (scalp_scar_box_relief_mm > 0), each split
 * into k x k smaller ones with edges of at most RENDER_SCAR_PATCH_EDGE_MM (one k for all, so that neighbours
 * share their edge's points and the patch has no T-junctions), whose vertices carry the relief
 * (scalp_scar_height_mm) as an offset along the normal. Positions stay those of the undisplaced surface, so
 * that the dots, the scar texture and the shadow map are looked up where they belong; only the projection
 * moves. The triangles are grouped in chunks of neighbours (RENDER_SCAR_PATCH_CELL_MM cells), and a frame
 * draws the chunks in view when a pixel is finer than RENDER_SCAR_PATCH_PIXEL_MM (render_scar_patch_select),
 * with the head's own fragments in an indentation discarded (scar.glsl), so the trough is the patch's alone;
 * elsewhere the two coincide and shade the same. */
#define RENDER_SCAR_PATCH_EDGE_MM 0.25f
#define RENDER_SCAR_PATCH_CELL_MM 6.0f
/* The patch is drawn when a pixel at the nearest of its chunks in view is finer than this: a punch scar's
 * usual 0.15 mm then notches an outline by 1.5 pixels or more, a FUT line's 0.4 mm by 4. */
#define RENDER_SCAR_PATCH_PIXEL_MM 0.1f
#define RENDER_SCAR_PATCH_FLOATS 9 /* per vertex: position 3, normal 3, uv 2, offset along the normal 1 */

typedef struct render_scar_chunk {
    uint32_t first_index, index_count; /* a range of the patch's indices */
    float lo_mm[3], hi_mm[3];          /* bounds of its vertices, displaced or not */
    float relief_mm;                   /* its largest |offset| */
} render_scar_chunk;

typedef struct render_scar_patch {
    int vertex_count, triangle_count; /* 0 when no scar has relief */
    float *vertices;                  /* RENDER_SCAR_PATCH_FLOATS per vertex; owned */
    uint32_t *indices; /* 3 per triangle, wound as the mesh's (counter-clockwise outside); owned */
    int chunk_count;
    render_scar_chunk *chunks; /* owned */
    float relief_mm;           /* the largest |offset| */
} render_scar_patch;

/* Builds the patch of set on head with edges of at most edge_mm (0 = RENDER_SCAR_PATCH_EDGE_MM). A set
 * without relief gives an empty patch. Release with render_scar_patch_destroy. Fails with SMP_ERR_NOMEM. */
smp_status render_scar_patch_create(render_scar_patch *patch, const scalp_head *head,
                                    const scalp_scar_set *set, float edge_mm, smp_error *err);
void render_scar_patch_destroy(render_scar_patch *patch); /* safe on a zeroed patch */

typedef struct render_scar {
    GLuint tex;                             /* 0 until the first upload */
    GLuint near_tex;                        /* the bake's near blocks (R8), with tex */
    float near_scale[2];                    /* near blocks per unit of the rectangle's coordinates */
    bool present;                           /* a non-empty bake is uploaded */
    float rect[4];                          /* u0, v0, 1 / width_uv, 1 / height_uv */
    float size[2];                          /* texels */
    float top_mm, range_mm;                 /* the bake's */
    GLuint patch_vao, patch_vbo, patch_ibo; /* the displaced patch; 0 until a frame needs it */
    int patch_triangles;
    bool patch_ready;          /* its buffers hold the patch of head and set */
    const scalp_head *head;    /* borrowed (render_scene_set_scars): to build the patch when a */
    const scalp_scar_set *set; /* frame first needs it; NULL without a patch */
    int chunk_count;
    render_scar_chunk *chunks; /* owned copy of the patch's */
    int draw_count;            /* chunks selected for this frame (render_scar_patch_select) */
    GLsizei *draw_counts;      /* owned, chunk_count each */
    void **draw_offsets;
} render_scar;

/* Uploads a bake (replacing the previous one; an empty bake turns scars off). */
smp_status render_scar_upload(render_scar *rs, const render_scar_bake *bake, smp_error *err);
/* Sets the displaced patch of set on head (replacing the previous one; no relief draws nothing). Only its
 * chunks' bounds are kept; the vertices (about 30 MB for the built-in plan's scars) are built and uploaded
 * when a frame first draws the patch (render_scar_patch_prepare), so views from farther away never hold them.
 * head and set are borrowed until the next call or render_scar_release. */
smp_status render_scar_patch_set(render_scar *rs, const scalp_head *head, const scalp_scar_set *set,
                                 smp_error *err);
/* Builds and uploads the patch if this camera draws it (render_scar_patch_select) and it is not uploaded yet.
 * Fails with SMP_ERR_NOMEM or SMP_ERR_GL. */
smp_status render_scar_patch_prepare(render_scar *rs, const float view[4][4], const float proj[4][4],
                                     int height, smp_error *err);
/* Selects the chunks to draw for a camera of this view and projection at height pixels: every chunk inside
 * the view frustum, when a pixel at the nearest of them is finer than RENDER_SCAR_PATCH_PIXEL_MM (from
 * farther away an indentation's notch in an outline is under a pixel or two, and the height field's shading
 * is indistinguishable); none otherwise. Returns how many. */
int render_scar_patch_select(render_scar *rs, const float view[4][4], const float proj[4][4], int height);
/* Draws the selected chunks with the program in use (mesh.vert's attributes). */
void render_scar_patch_draw(const render_scar *rs);
/* Binds the texture to unit and sets scar.glsl's uniforms on prog (in use) for skin of albedo skin_rgb. */
void render_scar_bind(const render_scar *rs, GLuint prog, int unit, int near_unit, const float skin_rgb[3]);
void render_scar_release(render_scar *rs); /* deletes the texture; safe twice */

#endif
