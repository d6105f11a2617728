/* draw: a scene handed to the renderer (render/): its geometry uploaded, a shot of it read back. */
#ifndef SMP_SCENE_DRAW_H
#define SMP_SCENE_DRAW_H

#include "scene/scene.h"
#include "scene/view.h"

/* Uploads what the scene draws (head, dots, scars, hair, skin map) to the renderer, after any plan change:
 * only the parts rebuilt since rc last held them (their identities, render_scene_update). */
smp_status scene_upload(render_context *rc, const scene_model *scene, smp_error *err);

/* Renders shot of scene at t_days into an RGBA8 buffer (sRGB, top row first) the caller frees. */
smp_status scene_render_view(render_context *rc, const scene_model *scene, const scene_shot *shot,
                             double t_days, uint8_t **out_rgba, smp_error *err);

#endif
