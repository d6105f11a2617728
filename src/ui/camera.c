/* The window's camera: an orbit around a target, from a named view. */
#include "ui/window_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

orbit orbit_from_camera(const scene_camera *c)
{
    orbit o;
    memcpy(o.target, c->target_mm, sizeof o.target);
    float d[3];
    for (int k = 0; k < 3; ++k)
        d[k] = c->eye_mm[k] - c->target_mm[k];
    o.distance = sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    o.yaw = atan2f(d[0], d[2]);
    o.pitch = asinf(fminf(fmaxf(d[1] / o.distance, -1.0f), 1.0f));
    o.fov_y_deg = c->fov_y_deg;
    return o;
}

scene_camera orbit_camera(const orbit *o)
{
    scene_camera c;
    memcpy(c.target_mm, o->target, sizeof c.target_mm);
    c.eye_mm[0] = o->target[0] + o->distance * cosf(o->pitch) * sinf(o->yaw);
    c.eye_mm[1] = o->target[1] + o->distance * sinf(o->pitch);
    c.eye_mm[2] = o->target[2] + o->distance * cosf(o->pitch) * cosf(o->yaw);
    c.up[0] = 0.0f, c.up[1] = 1.0f, c.up[2] = 0.0f;
    c.fov_y_deg = o->fov_y_deg;
    return c;
}

void view_set(view_state *vs, const scene_model *scene, const ui_window_desc *opts, scene_view view, int w,
              int h)
{
    vs->view = view;
    scene_camera cam = scene_view_camera(scene, view, opts->distance_m, (double)w / (h > 0 ? h : 1));
    vs->o = orbit_from_camera(&cam);
}
