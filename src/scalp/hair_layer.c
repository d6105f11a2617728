/* The hair above the skin as a statistical layer (scalp/hair_layer.h). */
#include "scalp/hair_layer.h"

#include "scalp/hair_shape.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static float dot3(const float a[3], const float b[3])
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/* Length of segment a->b projected onto the plane normal to n (unit). */
static float tangent_length(const float a[3], const float b[3], const float n[3])
{
    float d[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
    float dn = dot3(d, n);
    return sqrtf(fmaxf(dot3(d, d) - dn * dn, 0.0f));
}

/* Chart uv² per mm² of skin at the root: the determinant of the chart's Jacobian there. */
static float chart_area_scale(const scalp_head *head, const scalp_hair_shaft *s)
{
    float j[4];
    scalp_head_uv_jacobian(head, s->root_mm, s->normal, j);
    return fabsf(j[0] * j[3] - j[1] * j[2]);
}

static void point_set(float *o, const scalp_head *head, const scalp_hair_shaft *s, const float p[3],
                      float area_mm2, float uv_per_mm2)
{
    float uv[2], d[3] = {p[0] - s->root_mm[0], p[1] - s->root_mm[1], p[2] - s->root_mm[2]};
    scalp_head_uv(head, p, uv);
    o[0] = uv[0];
    o[1] = uv[1];
    o[2] = area_mm2 * uv_per_mm2;
    o[3] = fmaxf(dot3(d, s->normal), 0.0f);
    o[4] = s->lost_year;
}

smp_status scalp_hair_layer_create(scalp_hair_layer *layer, const scalp_hair *hair, const scalp_head *head,
                                   smp_error *err)
{
    memset(layer, 0, sizeof *layer);
    if (!hair || hair->count <= 0) return SMP_OK;
    const int strands = hair->strand_points;
    const int per = strands > 0 ? strands : SCALP_HAIR_LAYER_STUBBLE_POINTS;
    layer->points =
        malloc(sizeof *layer->points * SCALP_HAIR_LAYER_FLOATS * (size_t)per * (size_t)hair->count);
    if (!layer->points)
        return smp_error_set(err, SMP_ERR_NOMEM, "scalp: out of memory for the hair layer of %d hairs",
                             hair->count);
    layer->hair_count = hair->count;
    layer->points_per_hair = per;
    for (int i = 0; i < hair->count; ++i) {
        const scalp_hair_shaft *s = &hair->shafts[i];
        const float scale = chart_area_scale(head, s);
        float *o = layer->points + SCALP_HAIR_LAYER_FLOATS * (size_t)per * (size_t)i;
        if (strands > 0) {
            /* Each point carries half of each segment it ends. */
            const float *c = scalp_hair_strand(hair, i);
            for (int k = 0; k < per; ++k) {
                float l = 0.0f;
                if (k > 0) l += 0.5f * tangent_length(c + 3 * (k - 1), c + 3 * k, s->normal);
                if (k < per - 1) l += 0.5f * tangent_length(c + 3 * k, c + 3 * (k + 1), s->normal);
                point_set(o + SCALP_HAIR_LAYER_FLOATS * k, head, s, c + 3 * k, s->diameter_mm * l, scale);
            }
        } else {
            /* A straight shaft along its direction: equal parts, each at its middle. */
            float dn = dot3(s->direction, s->normal);
            float across = sqrtf(fmaxf(1.0f - dn * dn, 0.0f));
            float part = s->length_mm / (float)per;
            for (int k = 0; k < per; ++k) {
                float t = part * ((float)k + 0.5f), p[3];
                for (int a = 0; a < 3; ++a)
                    p[a] = s->root_mm[a] + t * s->direction[a];
                point_set(o + SCALP_HAIR_LAYER_FLOATS * k, head, s, p, s->diameter_mm * part * across, scale);
            }
        }
    }
    return SMP_OK;
}

void scalp_hair_layer_destroy(scalp_hair_layer *layer)
{
    if (!layer) return;
    free(layer->points);
    memset(layer, 0, sizeof *layer);
}

double scalp_hair_layer_tau_at(const scalp_hair_layer *layer, const scalp_head *head, const float uv[2],
                               double radius_mm, double years, double *mean_height_mm)
{
    const double r_uv = radius_mm / head->uv_scale_mm;
    double area = 0.0, height = 0.0;
    const size_t n = (size_t)layer->hair_count * (size_t)layer->points_per_hair;
    for (size_t k = 0; k < n; ++k) {
        const float *p = layer->points + SCALP_HAIR_LAYER_FLOATS * k;
        if ((double)p[4] <= years) continue;
        double du = p[0] - uv[0], dv = p[1] - uv[1];
        if (du * du + dv * dv > r_uv * r_uv) continue;
        area += p[2];
        height += p[2] * p[3];
    }
    if (mean_height_mm) *mean_height_mm = area > 0.0 ? height / area : 0.0;
    return area / (SMP_PI * r_uv * r_uv);
}
