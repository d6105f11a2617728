/* Shared by the scar render tests: the frame of a FUT line at its middle point, a camera looking straight at
 * that point, and a light from a given direction as the app's azimuth and elevation. */
#ifndef SMP_TEST_SCAR_VIEW_H
#define SMP_TEST_SCAR_VIEW_H

#include "scene/scene.h"
#include "scalp/scar.h"

#include <math.h>
#include <string.h>

/* The middle point of FUT line 0 of set, its normal n, its across direction up (in the skin, towards the top
 * of the head) and its direction along the line. */
static inline const scalp_scar_fut_point *scar_view_frame(const scalp_scar_set *set, float n[3], float up[3],
                                                          float along[3])
{
    const scalp_scar_fut_point *m = &set->points[set->lines[0].first + set->lines[0].count / 2];
    memcpy(n, m->normal, 3 * sizeof(float));
    float d = n[1];
    for (int k = 0; k < 3; ++k)
        up[k] = (k == 1 ? 1.0f : 0.0f) - d * n[k];
    float l = sqrtf(up[0] * up[0] + up[1] * up[1] + up[2] * up[2]);
    for (int k = 0; k < 3; ++k)
        up[k] /= l;
    along[0] = n[1] * up[2] - n[2] * up[1];
    along[1] = n[2] * up[0] - n[0] * up[2];
    along[2] = n[0] * up[1] - n[1] * up[0];
    return m;
}

/* A camera dist_mm from p looking back along -dir, field_mm across the image's height, with up in the image.
 */
static inline scene_camera scar_view_camera(const float p[3], const float dir[3], const float up[3],
                                            double dist_mm, double field_mm)
{
    scene_camera cam;
    for (int k = 0; k < 3; ++k) {
        cam.target_mm[k] = p[k];
        cam.eye_mm[k] = p[k] + (float)dist_mm * dir[k];
        cam.up[k] = up[k];
    }
    cam.fov_y_deg = (float)(2.0 * atan(0.5 * field_mm / dist_mm) * 180.0 / SMP_PI);
    return cam;
}

/* A light of preset from direction l (unit, head frame). */
static inline scene_light scar_view_light(const char *preset, const float l[3])
{
    scene_light light = scene_light_named(preset);
    light.elevation_deg = asin(l[1]) * 180.0 / SMP_PI;
    light.azimuth_deg = atan2(l[0], l[2]) * 180.0 / SMP_PI;
    return light;
}

#endif
