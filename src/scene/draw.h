/* draw: a scene handed to the renderer (render/): its geometry uploaded, a shot of it read back. */
#ifndef SMP_SCENE_DRAW_H
#define SMP_SCENE_DRAW_H

#include "scene/scene.h"
#include "scene/view.h"

/* Uploads everything the scene draws (head and dots, scars, hair) to the renderer, after any plan change. */
smp_status scene_upload(render_context *rc, const scene_model *scene, smp_error *err);

/* Renders shot of scene at t_days into an RGBA8 buffer (sRGB, top row first) the caller frees. */
smp_status scene_render_view(render_context *rc, const scene_model *scene, const scene_shot *shot,
                             double t_days, uint8_t **out_rgba, smp_error *err);

#endif
