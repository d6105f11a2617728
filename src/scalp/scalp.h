/* scalp: the head. A procedural head and neck built from anthropometric measures, or fitted to a scan,
 * its scalp UV layout, named landmarks, and the fields defined on the surface: native hair density from
 * the hair-loss pattern, the designed hairline, and where the plan treats.
 * Plain C: no GL, no SDL, no printing. Units are millimetres.
 *
 * Head frame (right-handed): origin between the ear canals, +x towards the patient's left, +y up,
 * +z forward (out of the face). DESIGN.md's light azimuth 0 comes from +z, 90 from +x.
 *
 *     scalp_head head;
 *     if (scalp_head_create(&head, &plan.head, plan.patient.sex, &err) != SMP_OK) ...;
 *     float w = scalp_treatment_weight(&head, &plan, p);   // density factor at surface point p
 *     scalp_head_destroy(&head);
 */
#ifndef SMP_SCALP_H
#define SMP_SCALP_H

#include "core/core.h"
#include "plan/plan.h"

typedef enum scalp_landmark {
    SCALP_LM_GLABELLA = 0,           /* between the brows, on the midline */
    SCALP_LM_VERTEX,                 /* highest point of the head */
    SCALP_LM_CROWN,                  /* the whorl, behind and below the vertex */
    SCALP_LM_OCCIPITAL_PROTUBERANCE, /* inion: the bump at the back of the skull */
    SCALP_LM_TEMPLE_LEFT,            /* frontotemporal points (hairline corners) */
    SCALP_LM_TEMPLE_RIGHT,
    SCALP_LM_EAR_TOP_LEFT, /* where the top of the ear meets the head */
    SCALP_LM_EAR_TOP_RIGHT,
    SCALP_LM_NAPE, /* lowest hair on the back of the neck, on the midline */
    SCALP_LM_COUNT
} scalp_landmark;

/* Landmarks of the face (Farkas' names, "Anthropometry of the Head and Face", 1994), measured on the built
 * surface; docs/head.md lists them with the anthropometric ranges the face is built to. Left is +x. The eyes
 * are closed: a pupil is the apex of the closed lid over it, the canthi are the ends of the lid line. */
typedef enum scalp_face_landmark {
    SCALP_FACE_NASION = 0, /* n: deepest point of the nose's root, on the midline */
    SCALP_FACE_PUPIL_LEFT, /* p: the closed lid's apex over the pupil */
    SCALP_FACE_PUPIL_RIGHT,
    SCALP_FACE_ENDOCANTHION_LEFT, /* en: inner end of the lid line */
    SCALP_FACE_ENDOCANTHION_RIGHT,
    SCALP_FACE_EXOCANTHION_LEFT, /* ex: outer end of the lid line */
    SCALP_FACE_EXOCANTHION_RIGHT,
    SCALP_FACE_PRONASALE,  /* prn: the nose's tip, its most forward midline point */
    SCALP_FACE_SUBNASALE,  /* sn: where the nose's base meets the upper lip */
    SCALP_FACE_ALARE_LEFT, /* al: most lateral point of the ala */
    SCALP_FACE_ALARE_RIGHT,
    SCALP_FACE_STOMION,       /* sto: the mouth line on the midline */
    SCALP_FACE_CHEILION_LEFT, /* ch: corner of the mouth */
    SCALP_FACE_CHEILION_RIGHT,
    SCALP_FACE_GNATHION, /* gn: lowest, most forward point of the chin (bisecting front and floor) */
    SCALP_FACE_COUNT
} scalp_face_landmark;

/* A closed, consistently oriented (counter-clockwise seen from outside) triangle mesh. */
typedef struct scalp_mesh {
    int vertex_count;
    int triangle_count;
    float *positions_mm; /* 3 per vertex, head frame */
    float *normals;      /* 3 per vertex, unit length, pointing out */
    float *uvs;          /* 2 per vertex, in [0,1]: the scalp chart (see scalp_head_uv) */
    uint32_t *indices;   /* 3 per triangle */
    /* The cube-sphere lattice's N when the vertices are its points on the cube's faces (the procedural head,
     * numbered as scalp_lattice_vertex says), so that scalp_mesh_lod can simplify it; 0 for a scanned mesh.
     */
    int lattice_n;
} scalp_mesh;

#define SCALP_CHART_THETA_COUNT 256 /* polar samples of the chart table, 0..pi from the chart axis */
#define SCALP_CHART_PHI_COUNT 128   /* azimuth samples, 0..2 pi */
#define SCALP_BOUNDARY_COUNT 256    /* azimuth samples of the hair-bearing boundary */
#define SCALP_PROFILE_COUNT 512     /* samples of the chart's radial profile */

typedef struct scalp_head {
    scalp_mesh mesh;
    float landmarks_mm[SCALP_LM_COUNT][3];        /* on the surface */
    float face_landmarks_mm[SCALP_FACE_COUNT][3]; /* on the surface (scalp_face_landmark) */
    plan_sex sex;                                 /* whose face it has */
    float uv_center_mm[3];                        /* the chart's centre on the surface (near the vertex) */
    float uv_scale_mm; /* millimetres of surface arc per unit of u (and of v) at the centre */
    plan_head params;  /* the measures it was built from */

    /* Measured on the built surface (mm): what the cranium really is, for checks and reports. */
    double measured_length_mm, measured_breadth_mm, measured_circumference_mm;

    /* The chart (see docs/head.md): every surface point is seen from ray_origin_mm along one direction;
     * chart_radius[phi][theta] is the uv distance from (0.5, 0.5) of the surface point in direction
     * (theta from chart_axis, phi around it from chart_e1 towards chart_e2). */
    float ray_origin_mm[3];
    float chart_axis[3], chart_e1[3], chart_e2[3];
    float *chart_radius;                         /* SCALP_CHART_PHI_COUNT x SCALP_CHART_THETA_COUNT, owned */
    float landmarks_chart_mm[SCALP_LM_COUNT][2]; /* the landmarks in chart millimetres */
    /* The chart's radial profile over the scalp: chart mm at surface arc s from the centre, sampled every
     * profile_step_mm up to the edge of the scalp disc (the knee); and the midline arc to the glabella. */
    float profile_mm[SCALP_PROFILE_COUNT];
    float profile_step_mm;
    float glabella_arc_mm;
    /* Radius (chart mm, from the chart centre) of the edge of the hair-bearing skin by chart azimuth:
     * around the ears, down the sideburns, along the nape; in front it lies on the brows (the hairline
     * takes over there). Index i is the azimuth 2 pi i / SCALP_BOUNDARY_COUNT from chart +x. */
    float boundary_mm[SCALP_BOUNDARY_COUNT];
    /* The midline (scalp_head_midline_point): the section of the surface by the plane x = 0, seen from
     * ray_origin_mm, from the glabella over the vertex to the nape: midline_count points with their normals
     * and their arc length from the glabella (all owned). */
    int midline_count;
    float (*midline_mm)[3], (*midline_normal)[3];
    float *midline_arc_mm;
    /* The left pinna as an ellipsoid (centre, semi-axes in y and z, and the x where it leaves the head);
     * the right one is its mirror image. Skin there is never scalp. */
    float ear_center_mm[3], ear_radius_y_mm, ear_radius_z_mm, ear_root_x_mm;

    /* A head fitted to a scan (params.mesh set): how many of the mesh's vertices lie on the scan; the others
     * (where the scan has a hole or ends, the neck's cut) keep the procedural surface, blended. */
    bool scanned;
    int scan_vertex_count;
    /* The scan's own colours on the fitted head (docs/scans.md, "The scan's own colours"), both owned and
     * NULL for a procedural head or a scan without colours. vertex_rgb: 3 a vertex, linear RGB 0..1, the
     * scan's colour interpolated (barycentric) at the point where the vertex's ray met it. vertex_rgb_weight:
     * 1 a vertex, 0..1, how much that colour is the scan's: 1 where the ray met the scan; where it met none
     * the colour is the nearest such vertex's and the weight fades to 0 over HEAD_SCAN_BLEND_MM, as the
     * geometry's offset does (0 beyond, with the scan's mean colour); a consumer mixes in its own skin colour
     * by 1 - weight. */
    float *vertex_rgb;
    float *vertex_rgb_weight;
    /* Where the head frame lies in the scan file's own coordinates (the plan's head.landmarks are given
     * there): head frame mm = R (file coordinates x file_unit_mm) + t, rows of [R | t], R a rotation, as the
     * landmarks (given or estimated) placed the scan. Identity and 1 on a procedural head.
     * scalp_head_to_file and scalp_head_from_file convert points. */
    double head_from_file[3][4];
    double file_unit_mm; /* millimetres per unit of the file's coordinates (head.mesh_units, or guessed) */
} scalp_head;

/* Builds the procedural head from the plan's measures, with a male or female face (plan.patient.sex); fails
 * with SMP_ERR_INPUT when the measures are out of range. The cranium, and so the scalp, its chart and the
 * scalp landmarks, depend on the measures only: the face changes the face, the ears' size and the neck. About
 * half a second on two cores. The caller releases it with scalp_head_destroy. */
smp_status scalp_head_create(scalp_head *head, const plan_head *params, plan_sex sex, smp_error *err);
/* The same, telling on_warning (may be NULL) what happened on the way: with params->mesh set, the head is
 * fitted to that scan (docs/scans.md): the scan is read in params->mesh_units (scalp/scan.h), put in the head
 * frame by params->landmarks (estimated when not given, which is warned about), measured like the procedural
 * head (length, breadth, circumference: these replace the plan's measures, and must lie in their ranges), and
 * the procedural head of those measures is built; then each of its vertices moves along the ray it was cast
 * on to where that ray leaves the scan, within HEAD_SCAN_WINDOW_MM of the procedural surface. So the chart,
 * the UVs, every region and mask carry over, and the landmarks are re-found on the scan. Where a ray meets no
 * scan (a hole, below the neck's cut) the procedural surface stays, its offset blended to zero over
 * HEAD_SCAN_BLEND_MM. A scan with colours (scalp/scan.h) gives vertex_rgb and vertex_rgb_weight. Refusals
 * are SMP_ERR_INPUT with one line starting "head.mesh: <path>: ". About 1.5 s for a 100k-triangle scan on two
 * cores. */
smp_status scalp_head_create_logged(scalp_head *head, const plan_head *params, plan_sex sex,
                                    smp_log_fn on_warning, void *warning_user, smp_error *err);
#define HEAD_SCAN_WINDOW_MM 40.0 /* how far the scan may lie from the fitted procedural surface */
/* the procedural surface takes over within this distance of a hole's edge */
#define HEAD_SCAN_BLEND_MM 30.0
void scalp_head_destroy(scalp_head *head); /* safe on a zeroed or destroyed head */

/* A point of the head frame (mm) in the scan file's coordinates and units, the contract of head.landmarks
 * (the inverse of head_from_file); and back. Exact to rounding (a round trip within 1e-9 mm). */
void scalp_head_to_file(const scalp_head *head, const double head_mm[3], double file[3]);
void scalp_head_from_file(const scalp_head *head, const double file[3], double head_mm[3]);

/* The first point where the ray o + t d (d unit length) enters mesh's surface (crosses a triangle whose
 * outward, counter-clockwise face looks against d) with t > 0: its t, or -1 when the ray meets none. The
 * triangle in *triangle when not NULL. Every triangle is tested, in one pass and on the calling thread: about
 * 2 ms for the head's 172,800 triangles, fine for a click, not for a loop. */
double scalp_mesh_ray(const scalp_mesh *mesh, const double o[3], const double d[3], int *triangle);

/* The scalp chart: an azimuthal, nearly equal-distance map of the surface around uv_center_mm, so that
 * u,v distances approximate surface distances (mm = uv distance * uv_scale_mm) over the scalp. */
void scalp_head_uv(const scalp_head *head, const float position_mm[3], float uv[2]);

/* The chart's Jacobian at surface point p with unit normal n: d(uv)/d(mm) along two tangent directions t1, t2
 * (t1 = normalize(helper x n) with helper +y, or +x near the poles; t2 = n x t1), as out = (du/dt1, dv/dt1,
 * du/dt2, dv/dt2), by finite differences over 0.25 mm. It maps a dot's millimetres on the skin to chart uv,
 * so a dot splatted into the chart keeps its size and shape (render/ evaluates it). */
void scalp_head_uv_jacobian(const scalp_head *head, const float p[3], const float n[3], float out[4]);

/* Chart millimetres of surface point p: (uv - 0.5) * uv_scale_mm, x towards the patient's left, y towards
 * the face. Over the scalp, distances here approximate surface distances (docs/head.md gives the error). */
void scalp_head_chart_mm(const scalp_head *head, const float p[3], float q_mm[2]);
/* The head's midline, the one owner of it: from the glabella over the vertex to the nape along the surface
 * (the section by the plane x = 0). Its length (mm); the point and unit outward normal at arc_mm from the
 * glabella (clamped to the ends); and the chart y (mm) of the point height_mm above the glabella. */
double scalp_head_midline_length_mm(const scalp_head *head);
void scalp_head_midline_point(const scalp_head *head, double arc_mm, float point[3], float normal[3]);
double scalp_head_midline_chart_y(const scalp_head *head, double height_mm);
/* 0..1: how much p lies on hair-bearing scalp skin (0 on the ears, the neck below the nape, the face
 * below the brows); smooth over a few millimetres. */
float scalp_scalp_weight(const scalp_head *head, const float p[3]);

/* Fraction 0..1 of a normal native hair density at surface point p, from the patient's pattern. */
float scalp_native_hair_fraction(const scalp_head *head, const plan_patient *patient, const float p[3]);
/* The same for any pattern (PLAN_PATTERN_NONE: a full head of hair): the later class of plan.progression. */
float scalp_pattern_hair_fraction(const scalp_head *head, plan_pattern pattern, const float p[3]);
/* 0 in front of the designed hairline, rising to 1 behind it over hairline.transition_mm. The line runs
 * through hairline.points when given, else through height_cm and the frontotemporal points. */
float scalp_hairline_weight(const scalp_head *head, const plan_hairline *hairline, uint64_t seed,
                            const float p[3]);
/* Chart y (mm) where the designed line (without a soft line's irregularity) crosses chart x = chart_x_mm. */
void scalp_hairline_chart_point(const scalp_head *head, const plan_hairline *hairline, double chart_x_mm,
                                double *chart_y_mm);
/* Density factor 0..3 of the plan's zones at p (front, mid-scalp, crown, temples, sides), blended
 * smoothly over zones.transition_mm; 1 everywhere with the default zones. */
float scalp_zone_factor(const scalp_head *head, const plan *plan, const float p[3]);
/* The factor on each session's density the plan applies at p: hairline x bald/thinning area x zone
 * factor; 0..1 with the default zones, up to 3 with raised ones. With progression.treat_future_area the bald
 * area is the larger of today's and that of the later class (1 - the smaller native fraction). */
float scalp_treatment_weight(const scalp_head *head, const plan *plan, const float p[3]);

/* Total area of the mesh, and the area weighted by scalp_treatment_weight, in cm² (dots = density x it). */
double scalp_mesh_area_cm2(const scalp_mesh *mesh);

/* The vertex of lattice point (i, j, k), 0..n each, on the cube's surface (one coordinate 0 or n). */
int scalp_lattice_vertex(int n, int i, int j, int k);

/* One per-vertex quantity a simplified triangle list must reproduce: components floats at data + stride * v,
 * within tolerance (Euclidean); unit: compared after normalising the interpolated value (a normal). */
typedef struct scalp_lod_channel {
    const float *data;
    int components, stride;
    float tolerance;
    bool unit;
} scalp_lod_channel;

/* A triangle list over the lattice's vertices (mesh->lattice_n > 0) for drawing at a distance: blocks of 1 to
 * max_step (1, 2, 4 or 8, dividing lattice_n) lattice steps, each as large as reproduces every lattice point
 * in it within every channel's tolerance (at the same lattice parameter), closed, oriented as the full list
 * and without T-junctions (scalp/lod.c). No channels: every block max_step; max_step 1: the full list itself.
 * *indices is malloc'd (3 per triangle). SMP_ERR_UNAVAILABLE without a lattice (a scan), SMP_ERR_NOMEM. */
smp_status scalp_mesh_lod(const scalp_mesh *mesh, const scalp_lod_channel *channels, int channel_count,
                          int max_step, uint32_t **indices, int *triangle_count);
double scalp_mesh_triangle_area_mm2(const scalp_mesh *mesh, int triangle); /* one triangle, mm² */
double scalp_treated_area_cm2(const scalp_head *head, const plan *plan);

#endif
