/* render/hair: the stubble pass, inside the renderer. render.c owns the context and calls these at fixed
 * points: create/destroy with the context, upload from render_scene_set_hair, one draw into the shadow map
 * and one into the scene after the head (intradermal shafts as a multiplicative decal on the skin, then the
 * shafts above it). Only render/ includes this. */
#ifndef SMP_RENDER_HAIR_INTERNAL_H
#define SMP_RENDER_HAIR_INTERNAL_H

#include "render/boxes.h"
#include "render/render.h"
#include "scalp/hair.h"
#include "scalp/scalp.h"

#include <epoxy/gl.h>

typedef struct render_hair render_hair;

/* Compiles the hair programs; *out stays NULL on failure (err holds the compiler log). */
smp_status render_hair_create(render_hair **out, bool shaders_from_disk, bool multisampled, smp_error *err);
void render_hair_destroy(render_hair *h); /* NULL is a no-op */

/* Uploads every shaft of hair (NULL or empty: no hair) and its layer over head's chart
 * (scalp/hair_layer.h). Keeps no pointer to either. */
smp_status render_hair_upload(render_hair *h, const scalp_hair *hair, const scalp_head *head, smp_error *err);
/* Boxes (head frame, mm) that hold every shaft and strand of the uploaded hair with their width; NULL without
 * hair. Hairs drawn at least two pixels wide (hair.vert) reach up to that much farther on screen. */
const render_boxes *render_hair_boxes(const render_hair *h);
int render_hair_upload_count(const render_hair *h); /* uploads since creation (render_stats.hair_uploads) */
int render_hair_layer_splat_count(const render_hair *h); /* render_stats.hair_layer_splats */
/* The stubble's instances copied for drawing, and those its patches' cull left out (render/hair_patch.h),
 * summed over every draw since creation (render_stats.hair_instances_drawn, hair_instances_culled). */
void render_hair_cull_counts(const render_hair *h, long *staged, long *culled);
/* The stubble's instanced draws since creation, one per run of visible patches (render/hair_patch.h). */
int render_hair_draw_count(const render_hair *h);

/* The hair layer's chart texture for this frame: splatted again when the hairs lost by f->years differ from
 * the last splat's (a timeline crossing a lost year), else kept. Leaves the bound framebuffer to the caller
 * (call it before binding the scene's). False when there is no layer (no hair, or hair hidden). */
bool render_hair_layer_update(render_hair *h, const render_frame *f);
/* What the hair puts into the key light's shadow map this frame, as a key: equal keys draw the same hair
 * into it (the same hairs alive, the same level of detail of lying hair, the same subset of the stubble for a
 * map whose texel is texel_mm). */
long render_hair_shadow_key(const render_hair *h, const render_frame *f, float texel_mm);
/* The layer's uniforms of mesh.frag on prog (in use) and its texture on unit; present false: none. */
void render_hair_layer_bind(const render_hair *h, GLuint prog, int unit, bool present);
/* The streaks' far path (render/hair.c): their mean darkening splatted into a chart texture again when the
 * hairs lost or grey by f->years, or the streaks' numbers in f, differ from the last splat's, else kept.
 * False when there is none (no hair, hair hidden, no head chart). */
bool render_hair_streaks_update(render_hair *h, const render_frame *f);
/* The far path's uniforms of mesh.frag on prog (in use) and its texture on unit (h may be NULL: none). */
void render_hair_streaks_bind(const render_hair *h, GLuint prog, int unit, const render_frame *f);
int render_hair_streak_splat_count(const render_hair *h); /* render_stats.hair_streak_splats */

/* Default hair fields of a frame (called by render_frame_defaults). */
void render_hair_frame_defaults(render_frame *f);

/* Shafts into the bound shadow framebuffer (depth only), seen from the key light; texel_mm: the map's texel
 * (the interactive path's subset of the stubble follows it). */
void render_hair_draw_shadow(render_hair *h, const render_frame *f, const mat4 light_view_proj,
                             float texel_mm);

/* Into the bound multisampled scene target, after the head: the intradermal streaks, then the stubble.
 * shadow_tex is the key light's depth map (shadow_size texels), bound to texture unit shadow_unit. */
void render_hair_draw(render_hair *h, const render_frame *f, const mat4 view_proj, const mat4 light_view_proj,
                      GLuint shadow_tex, int shadow_size, int shadow_unit);

#endif
