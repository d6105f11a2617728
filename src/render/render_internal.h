/* render's private parts, shared by its files (never included outside src/render/): the context, the texture
 * units, the frame's targets, and the functions one file of the renderer calls in another. Each file has one
 * job: render.c the context and the frame's entry points, targets.c the render targets and read-back,
 * scene_upload.c the head, dots, grid, scars, hair and skin map upload, head.c the head's triangle lists and
 * what a view draws of them, dots.c the pigment's looks and
 * chart-space density, passes.c the shadow, scene, resolve and tone-mapping passes, sss.c the subsurface
 * scattering, overlay.c the window's overlay. */
#ifndef SMP_RENDER_INTERNAL_H
#define SMP_RENDER_INTERNAL_H

#include "render/render.h"

#include "optics/deposit.h"

#include "render/hair_internal.h"
#include "render/scar_internal.h"
#include "render/shader.h"
#include "scalp/skin.h"

#include <cglm/cglm.h>
#include <epoxy/gl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOD_NEAR_MM 0.12f /* pixel-footprint sigma below which dots are evaluated analytically */
#define LOD_FAR_MM 0.25f  /* ... above which the coverage texture alone is used */
#define GRID_CELL_MM 1.0f /* target size of a close-up grid cell */
#define HEAD_LODS 4       /* the head's triangle lists: the full one and three simplified (head.c) */

/* Triangles of one of the head's lists that lie close together and face alike (head.c): their indices in the
 * index buffer, those that may reach a scar ([0]) and the others ([1]); the box around their vertices, and
 * the cone around their face normals (cos_cone <= 0: none narrower than a half-space). */
typedef struct render_head_cluster {
    int first[2], count[2];
    float lo[3], hi[3];
    float axis[3], cos_cone;
} render_head_cluster;

enum {
    UNIT_SHADOW = 0,
    UNIT_COVERAGE,
    UNIT_CELLS,
    UNIT_CELL_DOTS,
    UNIT_DOTS,
    UNIT_LOOKS,
    UNIT_HDR,
    UNIT_ATLAS,
    UNIT_IRRADIANCE,
    UNIT_ALBEDO,
    UNIT_UNSCATTERED,
    UNIT_TERM0,
    UNIT_TERM1,
    UNIT_TERM2,
    UNIT_SCAR,
    UNIT_HAIR_LAYER,
    UNIT_HDR_FULL,
    UNIT_IMAGE,
    UNIT_LAYERS,
    UNIT_SKIN_MAP,
    UNIT_HALO,
    UNIT_HAIR_STREAKS,
    UNIT_SCAR_NEAR
};

/* The interactive path's per-layer density textures (coverage_from_layers): mip level of the chart texture
 * they stand for (3: 256 x 256 of the default 2048, texels of 1.8 mm on the built-in head, about a pixel of
 * the interactive path at 0.6 m). Summing them costs llvmpipe about 1 ms a layer at this size (a texel fetch
 * is about 15 ns there), 4 ms a layer at level 2. RGBA32F: its fetches cost llvmpipe a quarter less than
 * RGBA16F's, for 1 MB a layer. */
#define LAYERS_LEVEL 3

/* The scene pass writes three targets (mesh.frag): irradiance, albedo + view distance, unscattered light. */
enum { SCENE_TARGETS = 3 };

/* The part of f's target that the head, its scars' displaced patch and its hair may cover: the projection
 * of their bounds, grown by what a hair's drawn footprint adds, in pixels (x0, y0 inclusive, x1, y1
 * exclusive; rows from the bottom, as GL counts them), clamped to the target (empty when all of it lies
 * outside). With the eye inside the bounds, or a corner of them behind the eye, the whole target (whole).
 * nearest_mm: the eye's distance to the bounds, the least view distance of any of it (0 when inside). */
typedef struct render_screen_rect {
    int x0, y0, x1, y1;
    float nearest_mm;
    bool whole;
} render_screen_rect;

/* The scene's render targets at one internal size: multisampled, resolved, the subsurface terms, HDR. */
typedef struct scene_targets {
    int w, h, samples;
    GLuint msaa_fbo, msaa_color_rb[SCENE_TARGETS], msaa_depth_rb;
    GLuint resolve_fbo, resolve_tex[SCENE_TARGETS]; /* irradiance, albedo, unscattered */
    GLuint sss_fbo, sss_tex[3];                     /* the three profile terms after the x pass */
    /* The wide terms 1 and 2 at half the size (ceil(w / 2) x ceil(h / 2)): half_tex[2] the scene's light
     * and distance unblurred, [0..1] the terms after the x pass (half_fbo[0]), [2..3] after the y pass
     * (half_fbo[1]); render_sss_passes. Either these or sss_tex[1..2] exist (render_targets_sss_layout):
     * at 1280x720 the four are 7.4 MB, the two full-size terms 14.7 MB. */
    GLuint half_fbo[2], half_tex[4];
    int half_w, half_h;
    /* the composite (sss_y.frag) goes into the irradiance texture, which nothing reads after sss_x.frag: one
     * full-size RGBA16F texture less (7.4 MB at 1280x720); read through rc->hdr_sampler (linear filtering,
     * for the interactive path's upsampling) */
    GLuint hdr_fbo, hdr_tex;
    render_screen_rect drawn; /* where the last frame drawn into these may differ from the backdrop */
} scene_targets;

#define LOOK_FLOATS 16 /* per dot: a0, v0, a1, v1 as four RGBA32F texels */
/* The halo texture's side: 1024 texels over the chart, about 0.26 mm on the built-in head, for terms of 0.38
 * mm sigma and wider (bilinear reconstruction within about 6 % of a term's amplitude, a density of 0.004 at
 * most: a fraction of an 8-bit step). RGBA16F, level 0 and the interactive path's level 1: 10 MB. */
#define HALO_SIZE 1024

struct render_context {
    render_context_desc desc;
    /* desc.gl_debug: the GL errors KHR_debug reported (-1 when not counted) and the first one's message */
    int gl_error_count;
    char gl_first_error[200];
    /* profile (desc.profile): the last frame's pass times, and when the pass running now began */
    float pass_ms[RENDER_PASS_COUNT];
    double pass_start_s;
    GLuint prog_trivial;
    GLuint prog_mesh, prog_shadow, prog_splat, prog_tonemap, prog_overlay, prog_sss_x, prog_sss_y,
        prog_edge_aa;
    /* sss_x.frag's other program, the scene at half size, and sss_y.frag's two others: the half-size terms'
     * blur and the composite that upsamples them (render_sss_passes) */
    GLuint prog_sss_half_scene, prog_sss_half_y, prog_sss_half_composite;
    bool sss_half_off; /* render_sss_half_set(false): every term at full size */
    GLuint empty_vao;
    /* head */
    GLuint mesh_vao, mesh_vbo, mesh_ibo;
    /* The head's triangle lists, one after the other in mesh_ibo: [0] every triangle, then simplified ones
     * (scalp_mesh_lod; count 0 for a scan) with the tolerances of head_lods (scene_upload.c), drawn where the
     * pixel is large enough (head_lod_level, passes.c). In each, the triangles that may reach the scars'
     * rectangle come first: scar_count indices (render_scene_set_scars); the rest never show a scar. */
    struct {
        int first, count, scar_count;
        float tolerance_mm;            /* the list's position tolerance */
        render_head_cluster *clusters; /* the list cut into clusters (head.c), in the order of the buffer */
        int cluster_count;
    } head_lod[HEAD_LODS];
    int head_lod_drawn;        /* the level the last frame drew */
    int head_triangles_drawn;  /* and how many of its triangles the head pass submitted (render_head_draw) */
    bool head_lods_off;        /* render_head_lods_set(false): the full list in every frame */
    bool head_clusters_off;    /* render_head_clusters_set(false): every cluster in every view */
    GLsizei *head_draw_counts; /* render_head_draw's ranges: counts, then offsets, for 2 per cluster */
    const void **head_draw_offsets;
    int head_draw_capacity;
    /* mesh.frag's variants (render_mesh_program), built when first drawn: [scars][relief][film], [1][1][1]
     * is prog_mesh. A variant leaves out what a frame's pixels, triangles or light cannot show. */
    GLuint prog_mesh_variant[2][2][2];
    bool mesh_variants_off; /* render_mesh_variants_set(false): prog_mesh for every triangle */
    bool head_relief;       /* the last full frame drew the relief (render_stats.head_relief) */
    bool scar_patch_drawn;  /* the last frame drew the scars' displaced patch */
    int sss_rect[4];        /* the last frame's subsurface passes' rectangle (render_stats.sss_rect) */
    bool sss_half;          /* the last frame blurred the wide terms at half size (render_stats.sss_half) */
    float bounds_min[3], bounds_max[3];
    render_boxes bound_boxes; /* the head's vertices in parts (render_scene_screen_rect) */
    /* dots */
    int dot_count;
    float *dot_jacobians; /* 4 per dot, mm -> uv */
    pigment_dot *dots;    /* a copy, for rebuilding the grid */
    float chart_mm_per_uv;
    GLuint splat_vao, splat_corner_vbo, splat_instance_vbo;
    GLuint dots_tbo_buf, dots_tbo_tex, cell_dots_buf, cell_dots_tex, cells_tex;
    int grid_size, cell_entries;
    float *grid_reaches_mm; /* per dot, the reach its cell lists cover */
    bool grid_outgrown;     /* a dot's sharp term reaches farther: to rebuild at the full-quality frame */
    /* looks: what the dots look like now (table, skin type, ageing state) */
    GLuint looks_buf, looks_tex;
    float *looks;      /* LOOK_FLOATS per dot */
    float *reaches_mm; /* per dot, its sharp term's (the close-up path evaluates only that term: halo_tex) */
    float *whole_reaches_mm; /* per dot, its whole look's */
    float max_reach_mm;      /* the widest dot's whole reach */
    ageing_layer_state looks_layers[AGEING_MAX_LAYERS];
    const optics_table *looks_table;
    int looks_type;
    bool looks_valid;
    int look_updates;
    /* The interactive path close up while the time moves recomputes only the looks of the dots the frame may
     * show and of the dots that stand for their layer's ink (render_dot_looks_update): each dot's look is of
     * the update numbered look_epoch[i], the latest being looks_epoch; looks_partial while some are older. */
    int *look_epoch;
    int looks_epoch;
    bool looks_partial;
    int looks_computed; /* how many dots' looks the last update computed */
    /* pigment density texture */
    GLuint coverage_tex, coverage_fbo;
    float coverage_flare[2]; /* the flare (sigma, area) the texture's alpha was splatted with */
    bool coverage_valid;
    int coverage_level; /* the finest mip level it holds: 0, or 1 when splatted on the interactive path */
    int resplats;
    /* The dots' wide terms alone (the skin's scattered halo around each dot, a_1 v_1: smooth over 0.4 mm and
     * more) in the chart at HALO_SIZE texels, which the close-up path reads instead of evaluating them dot by
     * dot; splatted from the looks of look_updates number halo_looks (-1: never) into level halo_level (0; 1,
     * half the size, on the interactive path), which the shader reads (the texture's base level). */
    GLuint halo_tex, halo_fbo;
    int halo_looks, halo_level, halo_splats;
    /* While the time moves on the interactive path the halos are not splatted again but scaled, per channel,
     * by the wide terms' ink now (looks_halo_ink, sum of a_1 v_1 over the dots that stand for their layer's
     * ink) over the ink they were splatted with (halo_ink); the full-quality frame after it splats them anew.
     */
    double looks_halo_ink[3], halo_ink[3];
    float halo_scale[3];
    /* the same per layer (session or touch-up), for the interactive path while the time moves: the dots are
     * sorted by layer (layer_first, layer_count); layer_ink and layer_redness are what the looks hold now
     * (dot_looks_update), layers_ink and layers_redness what each layer's texture was splatted with */
    int layer_first[AGEING_MAX_LAYERS], layer_count[AGEING_MAX_LAYERS];
    double layer_ink[AGEING_MAX_LAYERS][3], layer_redness[AGEING_MAX_LAYERS];
    ageing_layer_state inks_layers[AGEING_MAX_LAYERS]; /* the state layer_ink is of (layer_inks_update) */
    bool inks_valid;
    int ink_updates;
    double looks_ink[AGEING_MAX_LAYERS][3], looks_redness[AGEING_MAX_LAYERS]; /* those of the dots' looks */
    GLuint layers_tex, layers_fbo, prog_layers;
    int layers_slices,
        layers_slice[AGEING_MAX_LAYERS]; /* the texture array's slice of each layer; -1: no dots */
    bool layers_valid[AGEING_MAX_LAYERS];
    double layers_ink[AGEING_MAX_LAYERS][3], layers_redness[AGEING_MAX_LAYERS];
    float layers_flare[2];
    int layer_splats, layer_sums;
    /* shadow: the map depends on the key light's direction and the hair in it, never on the camera, so it is
     * drawn again only when that key changes (an orbit or a zoom reuses it) */
    GLuint shadow_tex, shadow_fbo;
    struct {
        bool valid;
        int lod, side; /* the head's list (head_lod), the texels of the map's side drawn */
        float light_dir[3];
        long hair;
    } shadow_key;
    int shadow_draws;
    /* frame targets: the full-quality set and the interactive one (smaller, one sample), each kept while its
     * size holds so that switching between the two paths allocates nothing; tg is the last frame's */
    scene_targets targets[2], *tg;
    int ldr_w, ldr_h;
    GLuint ldr_fbo, ldr_tex;   /* the finished image at the output size, for read-back */
    GLuint post_fbo, post_tex; /* the tone-mapped image before the edge anti-aliasing (without MSAA) */
    GLuint hdr_sampler;        /* linear filtering for the HDR images the tone mapping reads */
    int compare_w,
        compare_h; /* compare views: the kept "before" image (render_compare_capture), made on first use */
    GLuint compare_fbo, compare_tex;
    bool software; /* a software rasteriser (llvmpipe): see draw_scene */
    /* overlay */
    GLuint overlay_vao, overlay_vbo, atlas_tex;
    int atlas_version;
    render_scar scar; /* scars: chart-space relief and tissue (render/scar.c) */
    render_hair *hair;
    GLuint skin_map_tex; /* the photo's skin map over the chart (render_scene_set_skin_map); 0 when none */
    /* The identities of the parts uploaded (render_scene_update); 0: unknown, uploaded by the next update.
     * Each render_scene_set_* clears its own, render_scene_set_head all of them. */
    struct {
        uint64_t head, dots, scars, hair, skin_map;
    } held;
    int head_uploads, dot_uploads, scar_uploads, skin_map_uploads; /* render_stats */
};

/* render.c */
void render_profile_end(render_context *rc, int pass);
smp_status render_gl_check(const char *what, smp_error *err);
/* mesh.frag with the scars (scars), the skin's relief (relief) and the water film (film) or without: built on
 * first use. Without a scar, a relief or the film, the variant computes the same image wherever the scars'
 * rectangle or every feature of the relief is out of reach, or the skin is dry (passes.c); prog_mesh when a
 * variant does not build (the same image, slower). */
GLuint render_mesh_program(render_context *rc, bool scars, bool relief, bool film);

/* targets.c */
void render_targets_release(scene_targets *T);
smp_status render_targets_ensure(scene_targets *T, int w, int h, int samples, smp_error *err);
/* T's subsurface targets for a frame that blurs terms 1 and 2 at half size (half) or every term at full size:
 * the half-size targets made and the full-size terms 1 and 2 dropped (the sss fbo then draws term 0 alone),
 * or the other way round. Returns whether the frame is to use the half size: false for !half, or when the
 * half-size targets could not be made complete. */
bool render_targets_sss_layout(scene_targets *T, bool half);
smp_status render_ldr_ensure(render_context *rc, int w, int h, smp_error *err);
smp_status render_rows_flip(uint8_t *rgba, int width, int height, smp_error *err);
/* Copies read_buffer of read_fbo into draw_fbo everywhere in a w x h image but inside rect (x, y from the
 * bottom, width, height; empty: everywhere): what a pass scissored to rect would have written outside it,
 * when that is a copy. Leaves draw_fbo bound to both targets and read_fbo's read buffer at attachment 0. */
void render_outside_copy(GLuint read_fbo, GLenum read_buffer, GLuint draw_fbo, int w, int h,
                         const int rect[4]);

/* scene_upload.c */
smp_status render_grid_build(render_context *rc, smp_error *err);
int render_dot_layer(const pigment_dot *d);

/* head.c */
/* Builds the head's lists (the full one, m's, and the simplified ones) from the interleaved vertices
 * (position, normal, uv, skin weights: stride floats each), cuts each into clusters and uploads them one
 * after the other into the vertex array's index buffer (bound). */
smp_status render_head_lists_upload(render_context *rc, const scalp_mesh *m, const float *verts, int stride,
                                    float uv_scale_mm, smp_error *err);
/* Orders each cluster of each list so that the triangles whose chart uv box meets one of bake's near blocks
 * (within RENDER_SCAR_NEAR_MM of the scars' relief or tissue) come first (render_head_cluster.first[0];
 * head_lod[].scar_count of them in the list): only their fragments may find a scar (scar.glsl gives the plain
 * skin elsewhere), so the rest are drawn by mesh.frag's variant without the scars (passes.c), which llvmpipe
 * shades about a third faster (docs/benchmarks.md). The order of the triangles within each group is kept.
 * Needs the head m uploaded. */
smp_status render_head_lists_order_scars(render_context *rc, const scalp_mesh *m,
                                         const render_scar_bake *bake, smp_error *err);
void render_head_lists_release(render_context *rc);
/* Which of the head's triangles a draw takes: all of them, those that may reach a scar, or the others. */
typedef enum render_head_group { HEAD_ALL, HEAD_SCARS, HEAD_NO_SCARS } render_head_group;
/* What a draw of the head is seen from: the frustum's planes, and the eye (a perspective view) or the
 * direction it looks along (directional); all: every cluster, whatever the view. */
typedef struct render_head_view {
    vec4 planes[6];
    bool directional, all;
    float eye[3], look[3];
} render_head_view;
/* The camera of view and projection matrices view and proj (perspective or orthographic). */
void render_head_view_camera(render_head_view *v, const float view[4][4], const float proj[4][4]);
/* The key light's orthographic view light_vp, light_dir pointing toward the light. */
void render_head_view_light(render_head_view *v, const float light_vp[4][4], const float light_dir[3]);
/* Draws group of list level's clusters that v may show (the vertex array bound; on a software rasteriser the
 * full list in parts, each finished before the next); returns the triangles drawn. */
int render_head_draw(render_context *rc, int level, render_head_group group, const render_head_view *v);

/* dots.c */
smp_status render_dot_looks_update(render_context *rc, const render_frame *f, smp_error *err);
void render_coverage_from_layers(render_context *rc, const float flare[2]);
void render_coverage_update(render_context *rc, const render_frame *f);
/* Splats the dots' wide terms into halo_tex when the looks changed and some pixel of f may use the close-up
 * path. */
void render_halo_update(render_context *rc, const render_frame *f);
/* Points the splat's instance attributes (1..6: chart position and Jacobian, the looks) at dot first. */
void render_splat_instances_from(render_context *rc, int first);

/* sss.c */
void render_sss_passes(render_context *rc, const render_frame *f);

/* passes.c */
render_screen_rect render_scene_screen_rect(const render_context *rc, const render_frame *f);
void render_draw_scene(render_context *rc, const render_frame *f);
void render_tonemap_to(render_context *rc, const render_frame *f, const scene_targets *tg, float full_share,
                       GLuint target);

/* The size (mm) of one of frame f's pixels at the head's nearest point, for a surface facing the camera, at
 * the frame's height as given (the interactive path's callers scale it; render/dots.c). */
float render_nearest_pixel_mm(const render_context *rc, const render_frame *f);

#endif
