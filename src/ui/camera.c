/* The window's camera: an orbit around a target, from a named view; and what a frame's camera makes of the
 * head on the screen. */
#include "ui/window_internal.h"

#include <cglm/cglm.h>
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

screen_camera screen_camera_of(const render_frame *f)
{
    screen_camera c = {.width = f->width, .height = f->height, .output_x = f->output_x};
    glm_mat4_copy((vec4 *)f->view, c.view);
    glm_mat4_copy((vec4 *)f->proj, c.proj);
    memcpy(c.eye_mm, f->eye_mm, sizeof c.eye_mm);
    return c;
}

bool screen_camera_project(const screen_camera *c, const float p[3], float out[2])
{
    vec4 h = {p[0], p[1], p[2], 1.0f}, v, clip;
    glm_mat4_mulv((vec4 *)c->view, h, v);
    glm_mat4_mulv((vec4 *)c->proj, v, clip);
    if (clip[3] <= 1e-6f) return false;
    out[0] = (0.5f + 0.5f * clip[0] / clip[3]) * (float)c->width + (float)c->output_x;
    out[1] = (0.5f - 0.5f * clip[1] / clip[3]) * (float)c->height;
    return true;
}

void screen_camera_ray(const screen_camera *c, float x, float y, double origin[3], double dir[3])
{
    /* The pixel's points on the near and far planes, back through the inverse of proj x view (a lens shift
     * of a side-by-side half is in proj). */
    mat4 pv, inv;
    glm_mat4_mul((vec4 *)c->proj, (vec4 *)c->view, pv);
    glm_mat4_inv(pv, inv);
    float nx = 2.0f * (x - (float)c->output_x) / (float)c->width - 1.0f,
          ny = 1.0f - 2.0f * y / (float)c->height;
    vec4 near_clip = {nx, ny, -1.0f, 1.0f}, far_clip = {nx, ny, 1.0f, 1.0f}, a, b;
    glm_mat4_mulv(inv, near_clip, a);
    glm_mat4_mulv(inv, far_clip, b);
    double len = 0.0;
    for (int k = 0; k < 3; ++k) {
        origin[k] = c->eye_mm[k];
        dir[k] = (double)b[k] / b[3] - (double)a[k] / a[3];
        len += dir[k] * dir[k];
    }
    len = sqrt(len);
    for (int k = 0; k < 3; ++k)
        dir[k] /= len > 0.0 ? len : 1.0;
}
