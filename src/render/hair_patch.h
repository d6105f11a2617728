/* render/hair_patch: the stubble's shafts grouped into spatial patches, and which patches a view can show.
 *
 * render/hair.c draws every shaft as an instanced quad three times (into the shadow map, as an intradermal
 * streak, as stubble). About half the shafts face away from any camera and cost their vertex work and
 * llvmpipe's triangle setup for nothing. At upload the shafts are split by root position into patches (a
 * k-d tree's leaves of at most RENDER_HAIR_PATCH_HAIRS), each with a sphere around its roots, the longest
 * shaft and a cone around its roots' normals; per frame a patch is drawn only when the bound of every quad
 * its shafts could become meets the view's frustum and some root could face the view by the shaders' own
 * test. The test is conservative: a patch left out holds no shaft that the shaders would have drawn a
 * fragment of on screen (tests/render/test_hair_cull.c checks it against every shaft of the built-in plan).
 *
 * The patches do not reorder the shafts: the stubble is alpha-blended, so the order it is drawn in shows
 * where two shafts overlap (drawn patch by patch, 0.2 % of a three-quarter frame's pixels changed, up to 18
 * of 255). render/hair.c keeps its instances in key order and copies those of visible patches, in that
 * order, into the buffer it draws from.
 *
 * Plain C (no GL): render/hair.c owns the buffers and the draws. Not thread-safe per object; no globals. */
#ifndef SMP_RENDER_HAIR_PATCH_H
#define SMP_RENDER_HAIR_PATCH_H

#include "core/core.h"
#include "scalp/hair.h"

#include <cglm/cglm.h>
#include <stdbool.h>
#include <stdint.h>

/* Shafts per patch at most: the k-d tree halves until a part holds no more, which for the built-in plan's
 * 66,751 shafts makes 512 patches of about 130 (the cull then costs about 15 us a view; docs/benchmarks.md).
 */
#define RENDER_HAIR_PATCH_HAIRS 256
/* The stubble's facing test (hair.vert, u_facing_cut): a shaft whose root normal's dot product with the
 * unit vector from its middle to the eye (to the light in the shadow pass) is below this is dropped; about
 * 12 degrees past the silhouette, where 3 mm stubble on an 80 mm head no longer shows above the outline. */
#define RENDER_HAIR_FACING_CUT (-0.2f)
/* The intradermal streak's flattest descent (hair_streak.vert, u_min_angle), radians: 15 degrees. */
#define RENDER_HAIR_STREAK_MIN_ANGLE 0.2618f

typedef struct render_hair_patch {
    float center_mm[3], radius_mm; /* a sphere around every root */
    float reach_mm;                /* the longest shaft: |direction| x length */
    float diameter_mm, bulb_mm;    /* the widest shaft, the deepest bulb */
    float streak_tan;              /* the steepest streak's tan(descent) (hair_streak.vert's tan_a) */
    float axis[3];                 /* unit axis of the cone around the roots' normals' directions */
    float cos_half, sin_half;      /* its half angle (cos -1: every direction) */
    float normal_min, normal_max;  /* the shortest and longest normal (unit, up to rounding) */
} render_hair_patch;

typedef struct render_hair_patches {
    int hair_count, patch_count;
    int *patch_of;              /* hair->shafts[i] lies in patches[patch_of[i]]; owned */
    render_hair_patch *patches; /* owned */
} render_hair_patches;

/* A view of the hair: the camera (perspective, from eye_mm) or the key light (directional, towards
 * toward; orthographic view_proj), and the numbers the shaders widen their quads with. */
typedef struct render_hair_view {
    mat4 view_proj;
    bool directional;
    float eye_mm[3];    /* the camera, when not directional */
    float toward[3];    /* towards the light, when directional (any length) */
    float pixel_scale;  /* mm of a pixel per mm of clip w (hair.c's pixel_scale); 0 in the shadow pass */
    float subset;       /* the share drawn (u_subset): the shadow pass widens shafts by 1 / subset */
    float streak_far_w; /* the streaks' far path (render/hair.c): no streak lying wholly beyond this clip w
                         * is drawn (hair_streak.vert's u_far_w); 0: no such cut */
} render_hair_view;

/* A shaft's key in [0, 1): a hash of its root position (as hair.vert's hair_key), so it does not change when
 * a scar elsewhere removes other shafts. */
float render_hair_key(const float root_mm[3]);

/* Groups hair's shafts (at least one) into patches; out is the caller's, released with
 * render_hair_patches_deinit. SMP_ERR_NOMEM on failure (out then holds nothing). */
smp_status render_hair_patches_init(render_hair_patches *out, const scalp_hair *hair, smp_error *err);
void render_hair_patches_deinit(render_hair_patches *p); /* zeroed or deinitialised: no-op */

/* Which patches the stubble (hair.vert; the shadow pass with a directional view) can show: visible[i] 1 or
 * 0 for each patch; returns the count visible. A few microseconds for 260 patches. */
int render_hair_patches_cull_stubble(const render_hair_patches *p, const render_hair_view *v,
                                     uint8_t *visible);
/* The same for the intradermal streaks (hair_streak.vert, perspective only), with the frame's deepest 1/e
 * depth (max of render_frame.hair_dermal_depth_mm) and blur per mm of depth (hair_dermal_blur); a patch
 * whose every streak lies beyond v->streak_far_w is left out too. */
int render_hair_patches_cull_streak(const render_hair_patches *p, const render_hair_view *v,
                                    float depth_max_mm, float blur, uint8_t *visible);

#endif
