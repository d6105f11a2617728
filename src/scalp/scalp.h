/* scalp: the head. A procedural head and neck built from anthropometric measures (or, later, a scan),
 * its scalp UV layout, named landmarks, and the fields defined on the surface: native hair density from
 * the hair-loss pattern, the designed hairline, and where the plan treats.
 * Plain C: no GL, no SDL, no printing. Units are millimetres.
 *
 * Head frame (right-handed): origin between the ear canals, +x towards the patient's left, +y up,
 * +z forward (out of the face). DESIGN.md's light azimuth 0 comes from +z, 90 from +x.
 *
 *     scalp_head head;
 *     if (scalp_head_create(&head, &plan.head, &err) != SMP_OK) ...;
 *     float w = scalp_treatment_weight(&head, &plan, p);   // 0..1 at surface point p
 *     scalp_head_destroy(&head);
 */
#ifndef SMP_SCALP_H
#define SMP_SCALP_H

#include "core/core.h"
#include "plan/plan.h"

typedef enum scalp_landmark {
    SCALP_LM_GLABELLA = 0,            /* between the brows, on the midline */
    SCALP_LM_VERTEX,                  /* highest point of the head */
    SCALP_LM_CROWN,                   /* the whorl, behind and below the vertex */
    SCALP_LM_OCCIPITAL_PROTUBERANCE,  /* inion: the bump at the back of the skull */
    SCALP_LM_TEMPLE_LEFT,             /* frontotemporal points (hairline corners) */
    SCALP_LM_TEMPLE_RIGHT,
    SCALP_LM_EAR_TOP_LEFT,            /* where the top of the ear meets the head */
    SCALP_LM_EAR_TOP_RIGHT,
    SCALP_LM_NAPE,                    /* lowest hair on the back of the neck, on the midline */
    SCALP_LM_COUNT
} scalp_landmark;

/* A closed, consistently oriented (counter-clockwise seen from outside) triangle mesh. */
typedef struct scalp_mesh {
    int vertex_count;
    int triangle_count;
    float *positions_mm; /* 3 per vertex, head frame */
    float *normals;      /* 3 per vertex, unit length, pointing out */
    float *uvs;          /* 2 per vertex, in [0,1]: the scalp chart (see scalp_head_uv) */
    uint32_t *indices;   /* 3 per triangle */
} scalp_mesh;

typedef struct scalp_head {
    scalp_mesh mesh;
    float landmarks_mm[SCALP_LM_COUNT][3]; /* on the surface */
    float uv_center_mm[3];   /* the chart's centre on the surface (near the vertex) */
    float uv_scale_mm;       /* millimetres of surface arc per unit of u (and of v) at the centre */
    plan_head params;        /* the measures it was built from */
} scalp_head;

/* Builds the procedural head; fails with SMP_ERR_INPUT when the measures are out of range. The caller
 * releases it with scalp_head_destroy. */
smp_status scalp_head_create(scalp_head *head, const plan_head *params, smp_error *err);
void scalp_head_destroy(scalp_head *head); /* safe on a zeroed or destroyed head */

/* The scalp chart: an azimuthal, nearly equal-distance map of the surface around uv_center_mm, so that
 * u,v distances approximate surface distances (mm = uv distance * uv_scale_mm) over the scalp. */
void scalp_head_uv(const scalp_head *head, const float position_mm[3], float uv[2]);

/* Fraction 0..1 of a normal native hair density at surface point p, from the patient's pattern. */
float scalp_native_hair_fraction(const scalp_head *head, const plan_patient *patient, const float p[3]);
/* 0 in front of the designed hairline, rising to 1 behind it over hairline.transition_mm. */
float scalp_hairline_weight(const scalp_head *head, const plan_hairline *hairline, uint64_t seed, const float p[3]);
/* 0..1: the fraction of each session's density the plan applies at p (hairline x bald/thinning area). */
float scalp_treatment_weight(const scalp_head *head, const plan *plan, const float p[3]);

/* Total area of the mesh, and the area weighted by scalp_treatment_weight, in cm². */
double scalp_mesh_area_cm2(const scalp_mesh *mesh);
double scalp_treated_area_cm2(const scalp_head *head, const plan *plan);

#endif
