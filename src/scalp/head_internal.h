/* Private to src/scalp/: what the procedural head (head.c) shares with the head fitted to a scan
 * (head_scan.c). Plain C, no GL, no SDL. */
#ifndef SMP_SCALP_HEAD_INTERNAL_H
#define SMP_SCALP_HEAD_INTERNAL_H

#include "scalp/scalp.h"

/* The face's proportions for one sex, in millimetres on the reference head (57/19.5/15.5 cm); the shape
 * scales them with the head's size. Sources and values: docs/head.md, "The face". */
typedef struct face_shape {
    double brow;                   /* brow ridge: 1 for the male ridge, smaller for the female */
    double eye_x;                  /* half the interpupillary distance */
    double nose;                   /* size of the nose against the male one */
    double nose_width;             /* half the alar width (al-al / 2) */
    double mouth_x;                /* half the mouth width (ch-ch / 2) */
    double lips;                   /* lip fullness: 1 male */
    double jaw_x;                  /* half the bigonial width */
    double jaw_y;                  /* height of the jaw angle (gonion) */
    double chin_x, chin_y, chin_z; /* semi-axes of the chin's soft tissue */
    double menton_y;               /* lowest point of the chin (menton) */
    double neck_rx, neck_rz;       /* semi-axes of the neck */
} face_shape;

/* The shape's parameters, in mm in the head frame. */
typedef struct head_shape {
    double ax, ay, az, n; /* cranium semi-axes (x, y, z) and horizontal superellipse exponent */
    double cy, cz;        /* cranium centre (x = 0) */
    double s;             /* scale of the facial features against the 57/19.5/15.5 cm head */
    double ear_x;         /* lateral position of the root of the ear */
    double y_cut;         /* the neck ends here */
    bool chart_shape;     /* the chart measures arcs over the head as if it had no ears and no face */
    face_shape face;      /* the face's proportions */
} head_shape;

/* A ray caster: the t of the outermost surface point along o + t d within (0, t_max], or -1 when the ray
 * meets no surface (a hole in a scan). */
typedef double (*head_ray_fn)(const void *ctx, const double o[3], const double d[3], double t_max);

/* The outermost point of the procedural shape along o + t d: its t. */
double head_shape_ray(const head_shape *sh, const double o[3], const double d[3]);
/* Fits the procedural shape to the measures (head.c, shape_fit); measured: length, breadth and circumference
 * (mm) of the fitted shape. */
void head_shape_fit(head_shape *sh, const plan_head *measures, plan_sex sex, double measured[3]);
/* Measures length, breadth and circumference (mm) of the surface cast sees, along the rays the procedural
 * head is measured on (placed by sh); returns how many of the circumference's rays met nothing (they take the
 * last point that was met), or -1 when no ray of the length or the breadth met the surface. */
int head_shape_measure(const head_shape *sh, head_ray_fn cast, const void *ctx, double out[3]);
/* Builds the procedural head of shape sh into head (zeroed first); head->params = *params. With dirs
 * non-NULL, *dirs receives each vertex's ray direction (3 floats a vertex; the caller frees it): vertex v
 * lies on the ray from head_mesh_ray_origin(sh, head->ray_origin_mm, dir) along dir. On failure head is
 * destroyed. */
smp_status head_build(scalp_head *head, const plan_head *params, plan_sex sex, const head_shape *sh,
                      const double measured[3], float **dirs, smp_error *err);
void head_mesh_ray_origin(const head_shape *sh, const double o[3], const double d[3], double out[3]);
/* What follows from landmarks_mm and the mesh: landmarks_chart_mm, glabella_arc_mm, boundary_mm and the
 * midline (built again: the mesh may have moved). SMP_ERR_NOMEM. */
smp_status head_landmarks_derive(scalp_head *head);

/* The head fitted to the scan at params->mesh (head_scan.c). */
smp_status head_scan_create(scalp_head *head, const plan_head *params, plan_sex sex, smp_log_fn on_warning,
                            void *warning_user, smp_error *err);

#endif
