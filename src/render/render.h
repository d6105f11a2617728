/* render: the only module that calls OpenGL (3.3 core, through libepoxy). It is fed data, never reaches
 * back: a scene (the head mesh and the dot field, uploaded when the plan changes) and per-frame
 * descriptions (camera, light, skin and ink colours, the ageing state of each dot layer), and it draws.
 * It decides no physics: colours and ageing come from optics/ (the baked tables: each dot's colour and blur
 * from its depth and ink) and ageing/ through the frame description.
 * It never includes SDL: the caller makes a GL context current before any call.
 *
 *     render_context *rc;
 *     render_context_create(&rc, NULL, &err);           // a GL 3.3 core context must be current
 *     render_scene_set(rc, &head, &field, &err);        // or render_scene_update: what changed alone
 *     render_frame frame; render_frame_defaults(&frame); ... fill camera and light ...
 *     render_frame_draw(rc, &frame, 0, &err);           // into the default framebuffer
 *     render_frame_read_srgb8(rc, &frame, pixels, &err); // or offscreen, into RGBA8 rows, top row first
 *     render_context_destroy(rc);
 */
#ifndef SMP_RENDER_H
#define SMP_RENDER_H

#include "core/core.h"
#include "ageing/ageing.h"
#include "optics/table.h"
#include "pigment/pigment.h"
#include "scalp/hair.h"
#include "scalp/photo.h"
#include "scalp/scalp.h"
#include "scalp/scar.h"

#include <cglm/cglm.h>

typedef struct render_context render_context;

typedef struct render_context_desc {
    int shadow_map_size; /* texels; 0 = 2048 */
    int coverage_size;   /* chart coverage texture texels; 0 = 2048 (about 4.5 texels per mm on the scalp) */
    int samples;         /* MSAA samples for the scene; 0 = 1: none, the edges smoothed after tone mapping
                          * instead (shaders/edge_aa.frag): llvmpipe's MSAA more than doubles the scene's
                          * cost (docs/benchmarks.md) */
    bool shaders_from_disk; /* read shaders/ from the source tree instead of the embedded copies */
    bool profile;           /* finish and time every pass (render_stats.pass_ms): smpsim bench --profile */
    bool gl_debug; /* count the GL errors the driver reports through KHR_debug, where the context has it
                    * (render_gl_error_count): the tests ask for it */
} render_context_desc;

/* render_frame.hair_streak_path */
enum { RENDER_STREAKS_AUTO = 0, RENDER_STREAKS_DRAWN = 1, RENDER_STREAKS_CHART = 2 };

typedef struct render_frame {
    int width, height; /* pixels */
    int output_x;      /* the image's left edge in the target framebuffer (pixels; side-by-side
                        * compares draw two frames into one window); 0 otherwise */
    mat4 view, proj;   /* camera matrices (cglm, column-major), head frame in mm */
    float eye_mm[3];
    float light_dir[3];         /* unit vector towards the key light */
    float light_radiance[3];    /* linear RGB irradiance of the key light */
    float sky_radiance[3];      /* ambient from above */
    float ground_radiance[3];   /* ambient from below */
    float skin_albedo[3];       /* linear RGB */
    const optics_table *optics; /* baked optics: each dot's colour and blur; NULL draws no pigment */
    int fitzpatrick;            /* skin type 1..6, the table's row */
    float specular_f0;          /* skin's normal-incidence reflectance (~0.028 for n = 1.4) */
    float roughness;            /* GGX roughness of the skin surface (alpha = roughness^2) */
    /* A water film over the skin (a wet scalp): a second, sharp GGX lobe of reflectance film_f0 (0.02 for
     * water) and roughness film_roughness, over film_coverage of the surface (0 = dry: the default, and
     * nothing changes). Under the film the skin's own sheen goes (skin and water have nearly the same
     * refractive index), and the light entering the skin is what the film does not reflect. */
    float film_f0, film_roughness, film_coverage;
    /* The film is uneven (beads and runs of water): its thickness varies over about film_ripple_mm (default
     * 1.6), tilting its surface by up to film_ripple_slope radians (default 0.15), so the sun's reflection
     * breaks into glints where the skin faces the half-way direction. Both assumptions (docs/model.md). */
    float film_ripple_mm, film_ripple_slope;
    /* The skin's micro-surface (shaders/skin.glsl: follicle openings and pores, fine furrows, mottle, redness
     * blotches; numbers and sources in scalp/skin.h): 1 (the default) draws it, 0 the flat skin of before. */
    float skin_detail;
    /* Sebum: a smoother lipid film over sebum_coverage (default SCALP_SKIN_SEBUM_COVERAGE) of the skin where
     * it is most (scalp, forehead, nose; less elsewhere: scalp_skin_sebum_weight), a GGX lobe of reflectance
     * sebum_f0 and roughness sebum_roughness that takes its share from the skin's own lobe (0: none). */
    float sebum_f0, sebum_roughness, sebum_coverage;
    float exposure;                               /* scale before tone mapping */
    int layer_count;                              /* dot layers (sessions, then touch-ups) */
    ageing_layer_state layers[AGEING_MAX_LAYERS]; /* each layer's state now (ageing_evaluate) */
    /* A fresh wound's redness: every present dot of a layer whose redness r > 0 adds an extra-blood density
     * r x flare_area_mm2 x (a unit Gaussian of flare_sigma_mm) around it (AGEING_FLARE_*); the skin there
     * becomes R_skin exp(-that x erythema_density), erythema_density the peak's optical density per linear
     * channel (optics_skin_erythema_density). Zero: no redness. */
    float erythema_density[3];
    float flare_area_mm2, flare_sigma_mm;
    /* Stubble (render_scene_set_hair); render/hair.c documents the defaults. */
    float hair_linear_rgb[3];      /* albedo of a pigmented shaft */
    float hair_grey_linear_rgb[3]; /* albedo of a shaft without pigment */
    float hair_dermal_contrast;    /* share of the light a pigmented shaft just under the skin removes */
    float hair_dermal_depth_mm[3]; /* 1/e depth of that contrast per linear RGB channel */
    float hair_dermal_blur;        /* blur sigma (mm) per mm of depth */
    bool hair_hidden;              /* draw no hair this frame */
    int hair_streak_path;          /* the intradermal streaks: RENDER_STREAKS_AUTO (default: drawn where a
                                    * pixel resolves them, their mean from a chart texture where it does not,
                                    * render/hair.c), or one path alone (for tests) */
    float years;                   /* years since the first session: shafts lost by then are not drawn,
                                    * those grey by then are drawn grey (scalp_hair_shaft_is_lost/_is_grey),
                                    * per frame, without uploading the hair again */
    /* The interactive path, for frames drawn while a person orbits, zooms, drags the light or scrubs the
     * time: the scene is drawn at interactive_scale of width and height (render_frame_interactive_scale)
     * without multisampling and upsampled bilinearly into the output; the shadow map is read with one
     * filtered tap instead of nine, the skin's micro-surface (finer than its pixels) is left out, the
     * pigment's chart texture is splatted at half its resolution, and the dots' looks are recomputed only
     * when the ageing state moved by more than about 1 %. Same scene and light; the full-quality frame
     * (interactive false, the default) follows once the input stops. */
    bool interactive;
    float interactive_scale;
} render_frame;

/* Creates GL resources; needs a current OpenGL 3.3 core context. Fails with SMP_ERR_GL (shader compile
 * log in the message) or SMP_ERR_UNAVAILABLE when the context is older than 3.3. */
smp_status render_context_create(render_context **out, const render_context_desc *desc, smp_error *err);
void render_context_destroy(render_context *rc); /* NULL is a no-op */
/* The GL errors the driver reported since render_context_create with desc.gl_debug, and the first one's
 * message in *first (first may be NULL; "" when none; valid until render_context_destroy); -1 when they are
 * not counted (not asked, or the context lacks KHR_debug). */
int render_gl_error_count(const render_context *rc, const char **first);

/* Uploads the head and the dots (both may change between calls; the renderer keeps no pointer to them):
 * render_scene_set_head, then render_scene_set_dots. */
smp_status render_scene_set(render_context *rc, const scalp_head *head, const pigment_field *field,
                            smp_error *err);
/* Uploads the head alone: its mesh with the skin's weights, its bounds and its simplified triangle lists
 * (scalp_mesh_lod: the costliest part of an upload). Everything uploaded from the previous head is to be
 * uploaded again before the next frame: the dots, the scars, the hair and the skin map. Keeps no pointer. */
smp_status render_scene_set_head(render_context *rc, const scalp_head *head, smp_error *err);
/* Uploads the dots of field, placed on head (the head uploaded last): their chart Jacobians, the instances
 * and, with the next frame, their looks, grid and density textures. Keeps no pointer. Fails with
 * SMP_ERR_NOMEM or SMP_ERR_GL. */
smp_status render_scene_set_dots(render_context *rc, const scalp_head *head, const pigment_field *field,
                                 smp_error *err);

/* Uploads the donor scars (relief and tissue baked into the scalp chart; scars NULL or empty removes them).
 * Call after render_scene_set with the same head. The scars' displaced geometry is built when a frame first
 * comes close enough to draw it, so head and scars are borrowed: keep both unchanged until the next
 * render_scene_set or render_scene_set_scars, or render_context_destroy. Fails with SMP_ERR_NOMEM or
 * SMP_ERR_GL. */
smp_status render_scene_set_scars(render_context *rc, const scalp_head *head, const scalp_scar_set *scars,
                                  smp_error *err);
/* Uploads the hair (NULL or empty: none) and its layer over head's chart (scalp/hair_layer.h), which shades
 * the skin beneath it; keeps no pointer to either. Call after render_scene_set with the same head. */
smp_status render_scene_set_hair(render_context *rc, const scalp_head *head, const scalp_hair *hair,
                                 smp_error *err);

/* Uploads the skin's colour map over head's chart (scalp/photo.h: a photo's albedo factor, and its hair,
 * drawn over the dots); NULL or an empty map removes it. Keeps no pointer. Call after render_scene_set with
 * the same head. Fails with SMP_ERR_GL. */
smp_status render_scene_set_skin_map(render_context *rc, const scalp_skin_map *map, smp_error *err);

/* A scene's parts, each with an identity: a number that the caller changes whenever it builds that part anew
 * (scene/ takes them from one counter for the whole process), so that two parts with the same identity have
 * the same content; 0 means unknown. */
typedef struct render_scene_parts {
    const scalp_head *head;
    const pigment_field *field;
    const scalp_scar_set *scars;
    const scalp_hair *hair;
    const scalp_skin_map *skin_map;
    uint64_t head_id, dots_id, scars_id, hair_id, skin_map_id;
} render_scene_parts;
/* Uploads the parts whose identity is not the one the context holds (or is 0), in the order of the
 * render_scene_set_* calls above; a new head uploads every part. An edit that rebuilds only the dots and the
 * hair uploads only them: the head's lists, the scars' bake and patch and the skin map are kept, and so are
 * the caches built from them (the shadow map, while the hair in it is the same). Several scenes may share a
 * context: uploading another scene's parts and then these again uploads all of them twice. head and scars
 * are borrowed as render_scene_set_scars says. On failure the part that failed and those after it are
 * uploaded again by the next call. */
smp_status render_scene_update(render_context *rc, const render_scene_parts *parts, smp_error *err);

/* The share of width and height the interactive path draws the scene at: interactive_scale clamped to
 * 0.125..1, or RENDER_INTERACTIVE_SCALE when it is 0. */
#define RENDER_INTERACTIVE_SCALE 0.35f
float render_frame_interactive_scale(const render_frame *frame);

/* Adaptive resolution: the interactive_scale for the next interactive frame, from this one's scale (0: the
 * default) and its wall time in ms, aiming at RENDER_INTERACTIVE_TARGET_MS (33 frames a second: a tenth of
 * headroom, so that the frames' spread around the aim stays above 30 a second). The scene passes cost about
 * the square of the scale, so the next is scale x sqrt(target / ms), changed by at most 20 % a frame, in
 * steps of 0.05 (a new size makes the interactive targets again), and kept between
 * RENDER_INTERACTIVE_SCALE_MIN and RENDER_INTERACTIVE_SCALE_MAX: at 0.2 of 720 rows (144) the head's
 * outline shows steps of 5 output pixels while it moves and a close-up's dots are soft but apart (below that
 * they merge), and above 0.5 the full-quality frame is the better use of time. */
#define RENDER_INTERACTIVE_TARGET_MS 30.0
#define RENDER_INTERACTIVE_SCALE_MIN 0.2f
#define RENDER_INTERACTIVE_SCALE_MAX 0.5f
float render_interactive_scale_next(float scale, double frame_ms);

/* Neutral defaults for everything but the camera. */
void render_frame_defaults(render_frame *frame);

/* Draws the frame into framebuffer target_fbo (0 = the window) of size frame->width x frame->height. */
smp_status render_frame_draw(render_context *rc, const render_frame *frame, unsigned target_fbo,
                             smp_error *err);

/* Presents the last images again without drawing the scene: the last interactive image mixed with the last
 * full-quality one by full_share (0..1; with only one of them drawn, that one). For the soft blend when the
 * full-quality frame replaces the interactive ones, and for redrawing the window's overlay while nothing
 * moves. frame gives the output size and exposure (the camera should be the one both were drawn with). */
smp_status render_frame_present(render_context *rc, const render_frame *frame, float full_share,
                                unsigned target_fbo, smp_error *err);

/* Draws offscreen and reads back width*height*4 bytes of sRGB RGBA8, top row first. */
smp_status render_frame_read_srgb8(render_context *rc, const render_frame *frame, uint8_t *rgba,
                                   smp_error *err);
/* Compare views (a before / after split): render_compare_capture draws frame at full quality and keeps its
 * finished image (one RGBA8 image at its size, made on first use); render_compare_overlay then puts that
 * image over the left share split (0..1) of target_fbo, where another frame of the same size was drawn or
 * presented, with a light line two pixels wide at the split. Moving the split costs a copy, not a frame. */
smp_status render_compare_capture(render_context *rc, const render_frame *frame, smp_error *err);
smp_status render_compare_overlay(render_context *rc, int width, int height, float split, unsigned target_fbo,
                                  smp_error *err);
/* Side by side: puts the whole captured image into target_fbo with its left edge at x (of a target height
 * pixels high), with the same light line at x. */
smp_status render_compare_beside(render_context *rc, int x, int height, unsigned target_fbo, smp_error *err);
/* Reads the window's back buffer as drawn so far (the image and the overlay, before the swap) into RGBA8
 * rows, top row first: a screenshot of the whole window. */
smp_status render_window_read_rgba8(render_context *rc, int width, int height, uint8_t *rgba, smp_error *err);

/* Screen-space overlay (text, panels) drawn over target_fbo after the frame: vertices are
 * (x_px, y_px, u, v, r, g, b, a), triangles, uv < 0 for solid fills; atlas is an R8 glyph atlas. */
typedef struct render_overlay {
    const float *vertices;
    int vertex_count;
    const uint8_t *atlas_r8; /* may change between calls only if atlas_version changes */
    int atlas_width, atlas_height;
    int atlas_version;
} render_overlay;
smp_status render_overlay_draw(render_context *rc, const render_overlay *overlay, int width, int height,
                               unsigned target_fbo, smp_error *err);

/* Statistics for benchmarks and tests. */
/* The passes of a frame, in order, as render_stats.pass_ms names them (render_pass_name). */
enum {
    RENDER_PASS_SHADOW,   /* the key light's depth map: head and hair */
    RENDER_PASS_TEXTURES, /* the pigment's far-path density and the hair's layer, when they changed */
    RENDER_PASS_HEAD,     /* the skin and its dots (and the scars' displaced patch) */
    RENDER_PASS_HAIR,     /* the intradermal streaks and the hair above the skin */
    RENDER_PASS_RESOLVE,  /* multisample resolve of the three scene targets */
    RENDER_PASS_SSS,      /* subsurface scattering, two separable passes and the composite */
    RENDER_PASS_TONEMAP,  /* to the display's sRGB (and the read-back, for render_frame_read_srgb8) */
    RENDER_PASS_COUNT
};
const char *render_pass_name(int pass);

typedef struct render_stats {
    int dot_count;
    int cell_entries; /* dot references in the close-up grid */
    int grid_size;
    int coverage_resplats;     /* how often the density texture was rebuilt (time or skin changes) */
    int halo_splats;           /* how often the dots' halos were splatted for the close-up path (dots.c) */
    int coverage_layer_splats; /* the interactive path while the time moves: how often a layer's own density
                                * texture was splatted (the first frame of a drag), and how often the layers'
                                * textures were summed into the density texture instead of a splat */
    int coverage_layer_sums;
    int look_updates;   /* how often the dots' looks were recomputed from the optics table */
    int looks_computed; /* how many dots' looks the last frame computed (the interactive path close up: those
                         * in view, render/dots.c) */
    float max_reach_mm; /* the widest dot's reach (3 sigma of its widest term) */
    int hair_uploads;   /* how often the hair was uploaded (render_scene_set_hair), never per frame */
    int head_uploads;   /* how often the head (render_scene_set_head), the dots, the scars and the skin */
    int dot_uploads;    /* map were uploaded, never per frame: an edit that rebuilds only the dots */
    int scar_uploads;   /* and the hair uploads only them (render_scene_update) */
    int skin_map_uploads;
    int hair_layer_splats;  /* how often the hair's layer was splatted into its chart texture: when the hairs
                             * lost by the frame's year change, never for a camera or light change */
    int hair_streak_splats; /* how often the streaks' mean darkening was splatted (their far path): when the
                             * hairs lost or grey by the frame's year change, never for a camera or light
                             * change */
    long hair_instances_drawn; /* the stubble's instances handed to its draws (shadow map, streaks and stubble
                                * share one copy a frame), and those its patches' cull left out as out of */
    long hair_instances_culled; /* view or facing away (render/hair_patch.h), summed since creation */
    int shadow_draws; /* how often the key light's shadow map was drawn: when the light or the hair in it
                       * changed, never for the camera alone */
    int scar_patch_triangles;    /* the scars' displaced patch (render/scar_internal.h) */
    bool scar_patch_drawn;       /* whether the last frame drew it (the camera was close to the scars) */
    int scar_patch_chunks_drawn; /* how many of its chunks (those in view and close enough) */
    int head_triangles;       /* the full head's triangles, and those drawn with the scars (their chart uv */
    int head_scar_triangles;  /* box meets the scars' rectangle); the rest without (docs/benchmarks.md) */
    int head_lod;             /* the head's list the last frame drew (0: every triangle; 1..3: simplified, */
    int head_lod_triangles;   /* render/head.c) and its triangles */
    int head_drawn_triangles; /* of those, the ones in the clusters the camera may see (render/head.c) */
    bool head_relief; /* whether the last full frame drew the skin's relief (some pixel resolves it) */
    int sss_rect[4];  /* the last frame's subsurface passes' rectangle in its scene target's pixels (x, y from
                       * the bottom, width, height): where the head, its hair and their blur may be; the rest
                       * is backdrop, copied (docs/architecture.md) */
    float sss_share;  /* sss_rect's share of that target's pixels */
    bool sss_half;    /* whether the last frame blurred the profile's wide terms 1 and 2 at half the size in x
                       * and y (render_sss_passes: where their sigma is wide enough in pixels) */
    float
        pass_ms[RENDER_PASS_COUNT]; /* with render_context_desc.profile: each pass of the last frame, wall ms
                                     * from the end of the pass before (glFinish on both sides); else 0 */
} render_stats;
void render_stats_get(const render_context *rc, render_stats *out);
/* use false: every head triangle drawn with the whole mesh.frag, as before its variants (the reference the
 * tests compare them with); true (the default after create): the variants. */
void render_mesh_variants_set(render_context *rc, bool use);
/* use false: the head's full triangle list in every frame (the reference the tests compare the simplified
 * lists with); true (the default after create): the coarsest list the frame's pixels allow. */
void render_head_lods_set(render_context *rc, bool use);
/* use false: every cluster of the head's list drawn in every view (the reference the tests compare the culled
 * draws with); true (the default after create): those in the view's frustum with a face toward it. */
void render_head_clusters_set(render_context *rc, bool use);
/* use false: every term of the subsurface profile blurred at the full size, as before the half-size wide
 * terms (the reference the tests compare them with); true (the default after create): the wide terms at half
 * size where they are wide enough in pixels. */
void render_sss_half_set(render_context *rc, bool use);

/* How many values of the last frame's linear HDR image (before tone mapping) are not finite: a NaN or an
 * infinity anywhere in the shading spreads through the subsurface blur into a block of the image. For tests;
 * reads the image back. */
long render_last_frame_nonfinite(render_context *rc, smp_error *err);

/* The GL renderer the context runs on (GL_RENDERER, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)"). */
const char *render_renderer_name(const render_context *rc);

/* Waits until every command given so far has run (glFinish): for timing a frame. */
void render_finish(render_context *rc);

/* The yardstick of frame times: `count` passes of a trivial full-screen shader (a constant colour) into a
 * width x height target, each finished; returns the median wall milliseconds of one. */
double render_trivial_pass_ms(render_context *rc, int width, int height, int count, smp_error *err);

#endif
