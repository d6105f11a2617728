#include "scene/draw.h"

#include <stdlib.h>

smp_status scene_upload(render_context *rc, const scene_model *scene, smp_error *err)
{
    const render_scene_parts parts = {
        .head = &scene->head,
        .field = &scene->field,
        .scars = &scene->scars,
        .hair = &scene->hair,
        .skin_map = &scene->skin_map,
        .head_id = scene->head_id,
        .dots_id = scene->dots_id,
        .scars_id = scene->scars_id,
        .hair_id = scene->hair_id,
        .skin_map_id = scene->skin_map_id,
    };
    return render_scene_update(rc, &parts, err);
}

smp_status scene_render_view(render_context *rc, const scene_model *scene, const scene_shot *shot,
                             double t_days, uint8_t **out_rgba, smp_error *err)
{
    *out_rgba = NULL;
    scene_camera cam = scene_view_camera_field(scene, shot->view, shot->distance_m, shot->field_mm,
                                               (double)shot->width / shot->height);
    render_frame frame;
    scene_frame(scene, &cam, &shot->light, t_days, shot->width, shot->height, &frame);
    frame.interactive = shot->interactive;
    frame.interactive_scale = shot->interactive_scale;
    uint8_t *rgba = malloc((size_t)shot->width * shot->height * 4);
    if (!rgba)
        return smp_error_set(err, SMP_ERR_NOMEM, "out of memory for a %dx%d image", shot->width,
                             shot->height);
    smp_status st = render_frame_read_srgb8(rc, &frame, rgba, err);
    if (st != SMP_OK) {
        free(rgba);
        return st;
    }
    *out_rgba = rgba;
    return SMP_OK;
}
