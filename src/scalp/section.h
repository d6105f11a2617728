/* scalp/section: plane sections of a head's mesh as polylines with arc lengths. Private to scalp/: the head's
 * midline (head.c) and the FUT scar lines (scar.c) are cut with it; other modules use their results. Plain C,
 * no allocation: the caller gives the storage (a section is about 120 kB: allocate it). */
#ifndef SMP_SCALP_SECTION_H
#define SMP_SCALP_SECTION_H

#include "scalp/scalp.h"

#define SCALP_SECTION_BINS 4096

typedef struct scalp_section {
    float p[SCALP_SECTION_BINS][3], n[SCALP_SECTION_BINS][3];
    float r2[SCALP_SECTION_BINS];
    bool valid[SCALP_SECTION_BINS];
} scalp_section;

/* Intersects head's mesh with the plane through o with normal np; bins the crossing points by their angle
 * atan2((q - o).ea, (q - o).eb) and keeps the one nearest o in each bin (so a pinna cut by the plane, which
 * lies outside the skull's section, is dropped). skip_non_scalp: drop points on non-scalp skin. sd is scratch
 * of one float per mesh vertex. */
void scalp_section_build(const scalp_head *head, const float o[3], const float np[3], const float ea[3],
                         const float eb[3], bool skip_non_scalp, scalp_section *s, float *sd);
/* The section's points as a polyline in angle order (-pi .. pi), with their normals, arc lengths (mm, 0 at
 * the first) and angles; each array holds SCALP_SECTION_BINS. Returns the count. */
int scalp_section_polyline(const scalp_section *s, float (*p)[3], float (*n)[3], float *arc, float *angle);
/* Point and unit normal at arc length a along a polyline of count >= 2 points (clamped to its ends). */
void scalp_polyline_at(int count, const float (*p)[3], const float (*n)[3], const float *arc, float a,
                       float out_p[3], float out_n[3]);

#endif
