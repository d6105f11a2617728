/* Donor scars on the head: layout (FUT lines from plane sections of the mesh, FUE punch scars by
 * Poisson-disk dart throwing over the donor band) and per-point queries through a spatial hash (core/grid.h).
 * Sources for every number: docs/model.md "Scars" (clinical.md section 4). */
#include "scalp/scar.h"

#include "core/grid.h"
#include "core/rng.h"
#include "scalp/section.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Profile shapes, in units of the half-width (FUT) or the radius (FUE). The indentation is a rounded
 * trough: flat-ish floor to ~0.2, walls out to 1.35 (the contracted tissue pulls the skin beside it down
 * a little); the pale tissue ends at 1. Assumptions: no published cross-section gives a shape. */
#define FUT_FLOOR 0.2f
#define FUT_RIM 1.35f
#define FUE_FLOOR 0.3f
#define FUE_RIM 1.2f
#define TISSUE_EDGE_LO 0.8f
#define TISSUE_EDGE_HI 1.08f
/* The other forms (assumptions, shaped after the clinical descriptions in clinical.md section 4): a hollow
 * (atrophic) scar has a wide floor and steep walls that end at its edge; a stretched one a broad flat floor
 * that rises gently; a hypertrophic one is a rounded ridge (or dome) that stays within the wound, as
 * hypertrophic scars do (keloids, which spread beyond it, are not modelled). Every rim lies within FUT_RIM
 * and FUE_RIM, so the reach of a scar does not depend on its form. */
#define ATROPHIC_FLOOR 0.55f
#define ATROPHIC_RIM 1.1f
#define STRETCHED_FLOOR 0.7f
#define STRETCHED_RIM 1.2f
#define HYPERTROPHIC_TOP 0.3f
#define HYPERTROPHIC_EDGE 1.0f
/* Irregularity of a FUT line (assumptions, tuned by eye against donor-scar photographs): width varies
 * by +-22 % over ~18 mm, the centreline wanders +-0.15 widths over ~35 mm, the ends taper over 12 mm. */
#define FUT_WIDTH_VARIATION 0.22f
#define FUT_WIDTH_WAVELENGTH_MM 18.0f
#define FUT_WANDER 0.15f
#define FUT_WANDER_WAVELENGTH_MM 35.0f
#define FUT_TAPER_MM 12.0f
/* FUE punch scars: diameter sd 8 %, oval by up to +-12 %, depth 70-130 % of the plan's (assumptions:
 * punch size varies little; healing ovalises a little). */
#define FUE_DIAMETER_SD 0.08f
#define FUE_OVAL 0.12f
/* The query grid (core/grid.h): 1 mm cells (a FUE scar's reach spans 1-2 cells a side, so a query sees few
 * candidates and an empty cell is a fast "no scar here"). */
#define GRID_CELL_MM 1.0f
#define FUE_TAG 0x80000000u
/* Masks of scars (scalp_scar_sample_at_masked, scalp_scar_box_mask) hold one bit per plan scar. */
_Static_assert(PLAN_MAX_SCARS <= 32, "a uint32_t scar mask holds every scar");

static float sstep(float e0, float e1, float x)
{
    float t = (x - e0) / (e1 - e0);
    t = t < 0.0f ? 0.0f : (t > 1.0f ? 1.0f : t);
    return t * t * (3.0f - 2.0f * t);
}

static float dot3(const float a[3], const float b[3])
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

static void cross3(const float a[3], const float b[3], float out[3])
{
    float c[3] = {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    memcpy(out, c, sizeof c);
}

static void normalize3(float v[3])
{
    float l = sqrtf(dot3(v, v));
    if (l > 0.0f) v[0] /= l, v[1] /= l, v[2] /= l;
}

/* ---- queries ---- */

float scalp_scar_form_uptake(plan_scar_form form)
{
    switch (form) {
    case PLAN_SCAR_FORM_ATROPHIC:
        return SCALP_SCAR_UPTAKE_ATROPHIC;
    case PLAN_SCAR_FORM_HYPERTROPHIC:
        return SCALP_SCAR_UPTAKE_HYPERTROPHIC;
    case PLAN_SCAR_FORM_STRETCHED:
        return SCALP_SCAR_UPTAKE_STRETCHED;
    case PLAN_SCAR_FORM_NORMAL:
        break;
    }
    return SCALP_SCAR_UPTAKE_NORMAL;
}

/* Relief (mm, negative below the skin) of a scar of this form and depth at x, the distance from its centre
 * line in half-widths (FUT) or from its centre in radii (FUE). */
static float relief_mm(plan_scar_form form, bool fue, float depth_mm, float x)
{
    switch (form) {
    case PLAN_SCAR_FORM_ATROPHIC:
        return -depth_mm * (1.0f - sstep(ATROPHIC_FLOOR, ATROPHIC_RIM, x));
    case PLAN_SCAR_FORM_STRETCHED:
        return -depth_mm * (1.0f - sstep(STRETCHED_FLOOR, STRETCHED_RIM, x));
    case PLAN_SCAR_FORM_HYPERTROPHIC:
        return depth_mm * (1.0f - sstep(HYPERTROPHIC_TOP, HYPERTROPHIC_EDGE, x));
    case PLAN_SCAR_FORM_NORMAL:
        break;
    }
    return fue ? -depth_mm * (1.0f - sstep(FUE_FLOOR, FUE_RIM, x))
               : -depth_mm * (1.0f - sstep(FUT_FLOOR, FUT_RIM, x));
}

void scalp_scar_albedo_linear_rgb(const float skin_rgb[3], float scar_rgb[3])
{
    for (int k = 0; k < 3; ++k) {
        float a = skin_rgb[k] < 1e-4f ? 1e-4f : (skin_rgb[k] > 1.0f ? 1.0f : skin_rgb[k]);
        scar_rgb[k] = powf(a, SCALP_SCAR_ABSORBER_FRACTION);
    }
}

/* The plan.scars index of the scar that FUT segment id (the index of its first point) belongs to. */
static int fut_segment_scar(const scalp_scar_set *set, uint32_t id)
{
    for (int l = 0; l < set->line_count; ++l)
        if ((int)id >= set->lines[l].first && (int)id < set->lines[l].first + set->lines[l].count)
            return set->lines[l].scar;
    return -1;
}

/* The plan.scars index of grid entry id (a FUT segment, or a FUE scar with FUE_TAG). */
static int entry_scar(const scalp_scar_set *set, uint32_t id)
{
    return (id & FUE_TAG) ? set->fue[id & ~FUE_TAG].scar : fut_segment_scar(set, id);
}

void scalp_scar_sample_at(const scalp_scar_set *set, const float p[3], scalp_scar_sample *out)
{
    scalp_scar_sample_at_masked(set, p, SCALP_SCAR_MASK_ALL, out);
}

void scalp_scar_sample_at_masked(const scalp_scar_set *set, const float p[3], uint32_t scar_mask,
                                 scalp_scar_sample *out)
{
    out->height_mm = 0.0f;
    out->tissue = 0.0f;
    out->hair_factor = 1.0f;
    out->pigment_uptake = 1.0f;
    out->scar = -1;
    if (!set || set->grid.bucket_count == 0) return;
    int cell[3];
    smp_grid_cell_of(set->grid.cell_mm, p, cell);
    smp_box_grid_cursor cur;
    smp_box_grid_cell(&set->grid, cell, &cur);
    float best_key = 0.0f;
    uint32_t id;
    while (smp_box_grid_next(&cur, &id)) {
        float h = 0.0f, tissue = 0.0f;
        int scar;
        if (id & FUE_TAG) {
            const scalp_scar_fue *f = &set->fue[id & ~FUE_TAG];
            if (!(scar_mask >> f->scar & 1u)) continue;
            float v[3] = {p[0] - f->center_mm[0], p[1] - f->center_mm[1], p[2] - f->center_mm[2]}, bt[3];
            if (fabsf(dot3(v, f->normal)) > 2.0f) continue; /* the other side of a thin part of the head */
            cross3(f->normal, f->axis, bt);
            float a = dot3(v, f->axis) / f->radius_a_mm, c = dot3(v, bt) / f->radius_b_mm;
            float x = sqrtf(a * a + c * c);
            if (x >= FUE_RIM) continue;
            h = relief_mm(set->form[f->scar], true, f->depth_mm, x);
            tissue = 1.0f - sstep(TISSUE_EDGE_LO, TISSUE_EDGE_HI, x);
            scar = f->scar;
        } else {
            scar = fut_segment_scar(set, id);
            if (scar < 0 || !(scar_mask >> scar & 1u)) continue;
            const scalp_scar_fut_point *p0 = &set->points[id], *p1 = p0 + 1;
            float d[3], v[3];
            for (int k = 0; k < 3; ++k) {
                d[k] = p1->position_mm[k] - p0->position_mm[k];
                v[k] = p[k] - p0->position_mm[k];
            }
            float len2 = dot3(d, d);
            float t = len2 > 0.0f ? dot3(v, d) / len2 : 0.0f;
            t = t < 0.0f ? 0.0f : (t > 1.0f ? 1.0f : t);
            float w = 0.5f * (p0->width_mm + t * (p1->width_mm - p0->width_mm));
            if (w <= 1e-4f) continue;
            float q[3] = {v[0] - t * d[0], v[1] - t * d[1], v[2] - t * d[2]};
            if (fabsf(dot3(q, p0->normal)) > 2.0f) continue;
            float x = sqrtf(dot3(q, q)) / w;
            if (x >= FUT_RIM) continue;
            float depth = p0->depth_mm + t * (p1->depth_mm - p0->depth_mm);
            h = relief_mm(set->form[scar], false, depth, x);
            tissue = 1.0f - sstep(TISSUE_EDGE_LO, TISSUE_EDGE_HI, x);
        }
        if (fabsf(h) > fabsf(out->height_mm)) out->height_mm = h;
        /* The dominant scar: the most tissue, then the deepest. */
        float key = tissue + 1e-3f * fabsf(h);
        if (key > best_key) {
            best_key = key;
            out->scar = scar;
        }
        if (tissue > out->tissue) out->tissue = tissue;
    }
    if (out->scar >= 0) {
        out->hair_factor = 1.0f - out->tissue;
        float u = scalp_scar_form_uptake(set->form[out->scar]);
        out->pigment_uptake = 1.0f - out->tissue * (1.0f - u);
    }
}

float scalp_scar_height_mm(const scalp_scar_set *set, const float p_mm[3])
{
    scalp_scar_sample s;
    scalp_scar_sample_at(set, p_mm, &s);
    return s.height_mm;
}

float scalp_scar_tissue(const scalp_scar_set *set, const float p_mm[3])
{
    scalp_scar_sample s;
    scalp_scar_sample_at(set, p_mm, &s);
    return s.tissue;
}

float scalp_scar_hair_factor(const scalp_scar_set *set, const float p_mm[3])
{
    scalp_scar_sample s;
    scalp_scar_sample_at(set, p_mm, &s);
    return s.hair_factor;
}

float scalp_scar_pigment_uptake(const scalp_scar_set *set, const float p_mm[3])
{
    scalp_scar_sample s;
    scalp_scar_sample_at(set, p_mm, &s);
    return s.pigment_uptake;
}

float scalp_scar_fade_rate_factor(const scalp_scar_set *set, const float p_mm[3])
{
    return 1.0f + (SCALP_SCAR_FADE_RATE_FACTOR - 1.0f) * scalp_scar_tissue(set, p_mm);
}

/* ---- the donor band ---- */

float scalp_scar_donor_weight(const scalp_head *head, const float p[3])
{
    const float *nape = head->landmarks_mm[SCALP_LM_NAPE];
    const float *el = head->landmarks_mm[SCALP_LM_EAR_TOP_LEFT],
                *er = head->landmarks_mm[SCALP_LM_EAR_TOP_RIGHT];
    float ear_y = 0.5f * (el[1] + er[1]);
    float ear_psi = atan2f(0.5f * (el[0] - er[0]), -0.5f * (el[2] + er[2]));
    /* Azimuth around the vertical: 0 at the back midline, ear_psi at the ear tops. */
    float psi = fabsf(atan2f(p[0], -p[2]));
    float side = sstep(0.0f, ear_psi, psi);
    /* Unger's safe donor zone: occipital band 7-8 cm tall, lateral 5 cm (clinical.md section 4); its lower
     * edge 15 mm above the nape at the back and just above the ear tops at the sides (assumption). */
    float y_lo = (nape[1] + 15.0f) + side * ((ear_y + 8.0f) - (nape[1] + 15.0f));
    float y_hi = y_lo + 70.0f + side * (50.0f - 70.0f);
    float w = sstep(y_lo - 5.0f, y_lo + 5.0f, p[1]) * (1.0f - sstep(y_hi - 5.0f, y_hi + 5.0f, p[1]));
    /* Forward to about 25 degrees in front of the ear tops (the temporal fringe). */
    float limit = ear_psi + 0.44f;
    w *= 1.0f - sstep(limit - 0.17f, limit + 0.17f, psi);
    if (w <= 0.0f) return 0.0f;
    return w * scalp_scalp_weight(head, p);
}

/* Smooth periodic value noise in [-1, 1] (cosine-eased lattice of 64 seeded values). */
typedef struct noise1 {
    float v[64];
} noise1;

static void noise1_init(noise1 *nz, smp_rng *rng)
{
    for (int i = 0; i < 64; ++i)
        nz->v[i] = 2.0f * smp_rng_uniform_f(rng) - 1.0f;
}

static float noise1_at(const noise1 *nz, float x)
{
    float f = floorf(x);
    int i = ((int)f % 64 + 64) % 64;
    float t = x - f;
    t = t * t * (3.0f - 2.0f * t);
    return nz->v[i] + t * (nz->v[(i + 1) % 64] - nz->v[i]);
}

typedef struct work {
    scalp_section *sec;
    float *sd;
    float (*p)[3], (*n)[3];
    float *arc, *angle;
} work;

/* Scar si's place among the plan's scars of its type (0 for the first FUT line, 0 for the first FUE field):
 * its layout's random stream, so that adding or removing a scar of the other type (or a later one of the
 * same type) leaves it where it was. */
static int scar_ordinal(const plan *pl, int si)
{
    int n = 0;
    for (int i = 0; i < si; ++i)
        n += pl->scars[i].type == pl->scars[si].type;
    return n;
}

static smp_status fut_build(scalp_scar_set *set, const scalp_head *head, const plan *pl, int si, work *w,
                            int *capacity, smp_error *err)
{
    const plan_scar *sc = &pl->scars[si];
    float m[3], mn[3];
    /* On the back midline, height_above_nape_cm above the nape along the surface. */
    scalp_head_midline_point(head, scalp_head_midline_length_mm(head) - sc->height_above_nape_cm * 10.0, m,
                             mn);
    /* The plane holds the left-right axis and rises from m towards a line 15 mm above the ear tops (the
     * donor strip stays within 2 cm above the line joining the ear tips; clinical.md section 4), so from
     * behind the scar curves gently up towards the ears, as FUT scars do; tilt 0..35 degrees. */
    const float *el = head->landmarks_mm[SCALP_LM_EAR_TOP_LEFT],
                *er = head->landmarks_mm[SCALP_LM_EAR_TOP_RIGHT];
    float ye = 0.5f * (el[1] + er[1]) + 15.0f, ze = 0.5f * (el[2] + er[2]);
    float tilt = atan2f(ye - m[1], ze - m[2]);
    tilt = tilt < 0.0f ? 0.0f : (tilt > 0.61f ? 0.61f : tilt);
    float ex[3] = {1.0f, 0.0f, 0.0f}, d[3] = {0.0f, sinf(tilt), cosf(tilt)}, np[3];
    cross3(ex, d, np);
    /* Angles are taken around the ray origin's projection onto the plane (inside the head's section). */
    const float *r = head->ray_origin_mm;
    float rm[3] = {r[0] - m[0], r[1] - m[1], r[2] - m[2]}, o[3], eb[3] = {-d[0], -d[1], -d[2]};
    float off = dot3(rm, np);
    for (int k = 0; k < 3; ++k)
        o[k] = r[k] - off * np[k];
    scalp_section_build(head, o, np, ex, eb, true, w->sec, w->sd);
    int c = scalp_section_polyline(w->sec, w->p, w->n, w->arc, w->angle);
    int k0 = 0;
    while (k0 + 1 < c && w->angle[k0] < 0.0f)
        ++k0;
    float length = (float)(sc->length_cm * 10.0), a_mid = w->arc[k0];
    float a0 = a_mid - 0.5f * length, a1 = a_mid + 0.5f * length;
    /* It must stay on the back and sides (within 150 degrees of the back midline). */
    float lim = 150.0f * (float)SMP_PI / 180.0f;
    for (int k = 0; k < c; ++k)
        if (w->arc[k] >= a0 && w->arc[k] <= a1 && fabsf(w->angle[k]) > lim)
            return smp_error_set(
                err, SMP_ERR_INPUT,
                "scars[%d].length_cm: a %.1f cm FUT line does not fit around the back of this head "
                "at %.1f cm above the nape",
                si, sc->length_cm, sc->height_above_nape_cm);
    if (c < 2 || a0 < w->arc[0] || a1 > w->arc[c - 1])
        return smp_error_set(err, SMP_ERR_INPUT,
                             "scars[%d].length_cm: the FUT line leaves the head's section", si);

    int count = (int)ceilf(length / SCALP_SCAR_FUT_STEP_MM) + 1;
    if (set->point_count + count > *capacity) {
        int cap = (set->point_count + count) * 2;
        scalp_scar_fut_point *grown = realloc(set->points, sizeof *grown * (size_t)cap);
        if (!grown) return smp_error_set(err, SMP_ERR_NOMEM, "scars: out of memory for a FUT line");
        set->points = grown;
        *capacity = cap;
    }
    smp_rng rng;
    smp_rng_init(&rng, pl->seed, 0x5ca40000u + (uint64_t)scar_ordinal(pl, si));
    noise1 width_noise, wander_noise;
    noise1_init(&width_noise, &rng);
    noise1_init(&wander_noise, &rng);
    float width = (float)sc->width_mm, depth = (float)sc->depth_mm;
    float taper_mm = fminf(FUT_TAPER_MM, 0.25f * length);
    scalp_scar_line *line = &set->lines[set->line_count];
    line->first = set->point_count;
    line->count = count;
    line->scar = si;
    memcpy(line->midline_mm, m, sizeof m);
    float step = length / (float)(count - 1);
    for (int i = 0; i < count; ++i) {
        float s = (float)i * step, q[3], n[3], q1[3], n1[3];
        scalp_polyline_at(c, w->p, w->n, w->arc, a0 + s, q, n);
        scalp_polyline_at(c, w->p, w->n, w->arc, a0 + s + 0.25f, q1, n1);
        float t[3] = {q1[0] - q[0], q1[1] - q[1], q1[2] - q[2]}, across[3];
        cross3(t, n, across);
        normalize3(across);
        float wander = FUT_WANDER * width * noise1_at(&wander_noise, s / FUT_WANDER_WAVELENGTH_MM);
        float taper = sstep(0.0f, taper_mm, fminf(s, length - s));
        scalp_scar_fut_point *pt = &set->points[set->point_count + i];
        for (int k = 0; k < 3; ++k)
            pt->position_mm[k] = q[k] + wander * across[k];
        memcpy(pt->normal, n, sizeof n);
        pt->s_mm = s;
        pt->width_mm = width *
                       (1.0f + FUT_WIDTH_VARIATION * noise1_at(&width_noise, s / FUT_WIDTH_WAVELENGTH_MM)) *
                       sqrtf(taper);
        pt->depth_mm = depth * taper;
    }
    /* Its length along the surface, as built (the wander adds a little). */
    float total = 0.0f;
    for (int i = 1; i < count; ++i) {
        const float *a = set->points[set->point_count + i - 1].position_mm,
                    *b = set->points[set->point_count + i].position_mm;
        float dd[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
        total += sqrtf(dot3(dd, dd));
    }
    line->length_mm = total;
    set->point_count += count;
    set->line_count++;
    return SMP_OK;
}

/* ---- FUE: Poisson-disk dart throwing over the donor band ---- */

static smp_status fue_build(scalp_scar_set *set, const scalp_head *head, const plan *pl, int si,
                            int *capacity, smp_error *err)
{
    const plan_scar *sc = &pl->scars[si];
    const scalp_mesh *m = &head->mesh;
    int n_target = sc->count;
    if (n_target <= 0) return SMP_OK;
    /* Candidate triangles: those with donor weight at the centroid; a cumulative area table to draw them. */
    double *cdf = malloc(sizeof *cdf * (size_t)m->triangle_count);
    int *tris = malloc(sizeof *tris * (size_t)m->triangle_count);
    smp_grid g = {0};
    smp_status st = SMP_OK;
    if (!cdf || !tris) goto nomem;
    int nt = 0;
    double area = 0.0, weighted = 0.0;
    for (int t = 0; t < m->triangle_count; ++t) {
        const uint32_t *tri = m->indices + 3 * t;
        float c[3];
        for (int k = 0; k < 3; ++k)
            c[k] = (m->positions_mm[3 * tri[0] + k] + m->positions_mm[3 * tri[1] + k] +
                    m->positions_mm[3 * tri[2] + k]) /
                   3.0f;
        float wgt = scalp_scar_donor_weight(head, c);
        if (wgt <= 0.0f) continue;
        double a = scalp_mesh_triangle_area_mm2(m, t);
        area += a;
        weighted += a * wgt;
        cdf[nt] = area;
        tris[nt++] = t;
    }
    if (nt == 0) {
        st = smp_error_set(err, SMP_ERR_INPUT,
                           "scars[%d]: this head has no occipital donor band for FUE scars", si);
        goto done;
    }
    if (set->fue_count + n_target > *capacity) {
        int cap = set->fue_count + n_target + 64;
        scalp_scar_fue *grown = realloc(set->fue, sizeof *grown * (size_t)cap);
        if (!grown) goto nomem;
        set->fue = grown;
        *capacity = cap;
    }
    /* Minimum spacing: 0.7 of the mean spacing (random sequential adsorption jams near 0.83; Feder 1980,
     * J Theor Biol 87:237), so darts rarely fail; shrunk by 15 % whenever 40 darts in a row miss. */
    float r_min = 0.7f * sqrtf((float)(weighted / n_target));
    if (smp_grid_init(&g, n_target, r_min) != SMP_OK) goto nomem;
    smp_rng rng;
    smp_rng_init(&rng, pl->seed, 0x5ca50000u + (uint64_t)scar_ordinal(pl, si));
    int placed = 0, misses = 0;
    scalp_scar_fue *base = set->fue + set->fue_count;
    while (placed < n_target) {
        if (misses > 40) {
            /* Rebin with a smaller radius. */
            r_min *= 0.85f;
            smp_grid_rebin(&g, r_min);
            misses = 0;
        }
        double u = smp_rng_uniform(&rng) * area;
        int lo = smp_ascending_find(cdf, nt, u);
        const uint32_t *tri = m->indices + 3 * tris[lo];
        float r1 = smp_rng_uniform_f(&rng), r2 = smp_rng_uniform_f(&rng);
        if (r1 + r2 > 1.0f) r1 = 1.0f - r1, r2 = 1.0f - r2;
        float b0 = 1.0f - r1 - r2, p[3], n[3];
        for (int k = 0; k < 3; ++k) {
            p[k] = b0 * m->positions_mm[3 * tri[0] + k] + r1 * m->positions_mm[3 * tri[1] + k] +
                   r2 * m->positions_mm[3 * tri[2] + k];
            n[k] = b0 * m->normals[3 * tri[0] + k] + r1 * m->normals[3 * tri[1] + k] +
                   r2 * m->normals[3 * tri[2] + k];
        }
        /* Density follows the band's soft edges. */
        float accept = smp_rng_uniform_f(&rng);
        if (accept >= scalp_scar_donor_weight(head, p)) continue;
        if (smp_grid_any_within(&g, p, r_min)) {
            ++misses;
            continue;
        }
        misses = 0;
        normalize3(n);
        scalp_scar_fue *f = &base[placed];
        memcpy(f->center_mm, p, sizeof p);
        memcpy(f->normal, n, sizeof n);
        float t1[3], t2[3];
        smp_tangent_frame(n, t1, t2);
        float ang = 2.0f * (float)SMP_PI * smp_rng_uniform_f(&rng);
        for (int k = 0; k < 3; ++k)
            f->axis[k] = cosf(ang) * t1[k] + sinf(ang) * t2[k];
        float jitter = 1.0f + FUE_DIAMETER_SD * (float)smp_rng_normal(&rng);
        jitter = jitter < 0.75f ? 0.75f : (jitter > 1.25f ? 1.25f : jitter);
        float r = 0.5f * (float)sc->diameter_mm * jitter;
        float oval = 1.0f + FUE_OVAL * (2.0f * smp_rng_uniform_f(&rng) - 1.0f);
        f->radius_a_mm = r * sqrtf(oval);
        f->radius_b_mm = r / sqrtf(oval);
        f->depth_mm = (float)sc->depth_mm * (0.7f + 0.6f * smp_rng_uniform_f(&rng));
        f->scar = si;
        smp_grid_insert(&g, p); /* cannot fail: the grid has room for n_target scars; it is point `placed` */
        ++placed;
    }
    set->fue_count += placed;
    goto done;
nomem:
    st = smp_error_set(err, SMP_ERR_NOMEM, "scars[%d]: out of memory placing FUE scars", si);
done:
    free(cdf);
    free(tris);
    smp_grid_deinit(&g);
    return st;
}

/* ---- the query grid ---- */

static void prim_bounds(const scalp_scar_set *set, uint32_t id, float lo[3], float hi[3])
{
    if (id & FUE_TAG) {
        const scalp_scar_fue *f = &set->fue[id & ~FUE_TAG];
        float r = FUE_RIM * fmaxf(f->radius_a_mm, f->radius_b_mm);
        for (int k = 0; k < 3; ++k)
            lo[k] = f->center_mm[k] - r, hi[k] = f->center_mm[k] + r;
    } else {
        const scalp_scar_fut_point *a = &set->points[id], *b = a + 1;
        float r = 0.5f * FUT_RIM * fmaxf(a->width_mm, b->width_mm);
        for (int k = 0; k < 3; ++k) {
            lo[k] = fminf(a->position_mm[k], b->position_mm[k]) - r;
            hi[k] = fmaxf(a->position_mm[k], b->position_mm[k]) + r;
        }
    }
}

static void prim_bounds_fn(const void *user, uint32_t id, float lo[3], float hi[3])
{
    prim_bounds(user, id, lo, hi);
}

static smp_status grid_build(scalp_scar_set *set, smp_error *err)
{
    /* Primitive ids: FUT segments (a point and the next one of the same line), then FUE scars. */
    int count = set->fue_count;
    for (int l = 0; l < set->line_count; ++l)
        count += set->lines[l].count > 1 ? set->lines[l].count - 1 : 0;
    uint32_t *ids = malloc(sizeof *ids * (size_t)(count > 0 ? count : 1));
    if (!ids) return smp_error_set(err, SMP_ERR_NOMEM, "scars: out of memory for the scar grid");
    int n = 0;
    for (int l = 0; l < set->line_count; ++l)
        for (int i = 0; i + 1 < set->lines[l].count; ++i)
            ids[n++] = (uint32_t)(set->lines[l].first + i);
    for (int i = 0; i < set->fue_count; ++i)
        ids[n++] = (uint32_t)i | FUE_TAG;
    smp_status st = smp_box_grid_build(&set->grid, GRID_CELL_MM, ids, n, prim_bounds_fn, set);
    free(ids);
    if (st != SMP_OK) return smp_error_set(err, st, "scars: out of memory for the scar grid");
    return SMP_OK;
}

static void relief_extend(scalp_scar_set *set, int scar, float depth_mm)
{
    if (set->form[scar] == PLAN_SCAR_FORM_HYPERTROPHIC)
        set->max_raise_mm = fmaxf(set->max_raise_mm, depth_mm);
    else
        set->max_depth_mm = fmaxf(set->max_depth_mm, depth_mm);
}

smp_status scalp_scar_set_create(scalp_scar_set *set, const scalp_head *head, const plan *pl, smp_error *err)
{
    assert(set && head && pl);
    memset(set, 0, sizeof *set);
    smp_status st = SMP_OK;
    int point_cap = 0, fue_cap = 0;
    work w = {0};
    bool any_fut = false;
    for (int i = 0; i < pl->scar_count; ++i) {
        set->form[i] = pl->scars[i].form;
        if (pl->scars[i].type == PLAN_SCAR_FUT) any_fut = true;
    }
    if (any_fut) {
        size_t nv = (size_t)head->mesh.vertex_count;
        w.sec = malloc(sizeof *w.sec);
        w.sd = malloc(sizeof *w.sd * nv);
        w.p = malloc(sizeof *w.p * SCALP_SECTION_BINS);
        w.n = malloc(sizeof *w.n * SCALP_SECTION_BINS);
        w.arc = malloc(sizeof *w.arc * SCALP_SECTION_BINS);
        w.angle = malloc(sizeof *w.angle * SCALP_SECTION_BINS);
        if (!w.sec || !w.sd || !w.p || !w.n || !w.arc || !w.angle) {
            st = smp_error_set(err, SMP_ERR_NOMEM, "scars: out of memory");
            goto done;
        }
    }
    for (int i = 0; i < pl->scar_count && st == SMP_OK; ++i) {
        if (pl->scars[i].type == PLAN_SCAR_FUT)
            st = fut_build(set, head, pl, i, &w, &point_cap, err);
        else
            st = fue_build(set, head, pl, i, &fue_cap, err);
    }
    if (st == SMP_OK) {
        /* The effects reach out to the rim of the widest profile; the relief spans the deepest indentation
         * to the highest ridge. */
        for (int l = 0; l < set->line_count; ++l)
            for (int i = set->lines[l].first; i < set->lines[l].first + set->lines[l].count; ++i) {
                set->max_reach_mm = fmaxf(set->max_reach_mm, 0.5f * FUT_RIM * set->points[i].width_mm);
                relief_extend(set, set->lines[l].scar, set->points[i].depth_mm);
            }
        for (int i = 0; i < set->fue_count; ++i) {
            set->max_reach_mm =
                fmaxf(set->max_reach_mm, FUE_RIM * fmaxf(set->fue[i].radius_a_mm, set->fue[i].radius_b_mm));
            relief_extend(set, set->fue[i].scar, set->fue[i].depth_mm);
        }
        st = grid_build(set, err);
    }
done:
    free(w.sec);
    free(w.sd);
    free(w.p);
    free(w.n);
    free(w.arc);
    free(w.angle);
    if (st != SMP_OK) scalp_scar_set_destroy(set);
    return st;
}

void scalp_scar_set_destroy(scalp_scar_set *set)
{
    if (!set) return;
    free(set->points);
    free(set->fue);
    smp_box_grid_deinit(&set->grid);
    memset(set, 0, sizeof *set);
}

/* One walk over the grid cells that the box lo..hi overlaps: the mask of the scars with an entry there and
 * the largest relief (mm) among the entries whose own bounds (prim_bounds) overlap the box. */
static uint32_t box_walk(const scalp_scar_set *set, const float lo_mm[3], const float hi_mm[3],
                         float *relief_mm)
{
    uint32_t mask = 0;
    *relief_mm = 0.0f;
    if (!set || set->grid.bucket_count == 0) return 0;
    int i0[3], i1[3];
    smp_grid_cell_of(set->grid.cell_mm, lo_mm, i0);
    smp_grid_cell_of(set->grid.cell_mm, hi_mm, i1);
    for (int z = i0[2]; z <= i1[2]; ++z)
        for (int y = i0[1]; y <= i1[1]; ++y)
            for (int x = i0[0]; x <= i1[0]; ++x) {
                smp_box_grid_cursor cur;
                smp_box_grid_cell(&set->grid, (const int[3]){x, y, z}, &cur);
                uint32_t id;
                while (smp_box_grid_next(&cur, &id)) {
                    int scar = entry_scar(set, id);
                    if (scar < 0) continue;
                    mask |= 1u << scar;
                    float plo[3], phi[3];
                    prim_bounds(set, id, plo, phi);
                    bool overlap = true;
                    for (int k = 0; k < 3; ++k)
                        overlap = overlap && plo[k] <= hi_mm[k] && phi[k] >= lo_mm[k];
                    if (!overlap) continue;
                    float d = (id & FUE_TAG) ? set->fue[id & ~FUE_TAG].depth_mm
                                             : fmaxf(set->points[id].depth_mm, set->points[id + 1].depth_mm);
                    *relief_mm = fmaxf(*relief_mm, d);
                }
            }
    return mask;
}

uint32_t scalp_scar_box_mask(const scalp_scar_set *set, const float lo_mm[3], const float hi_mm[3])
{
    float relief;
    return box_walk(set, lo_mm, hi_mm, &relief);
}

float scalp_scar_box_relief_mm(const scalp_scar_set *set, const float lo_mm[3], const float hi_mm[3])
{
    float relief;
    box_walk(set, lo_mm, hi_mm, &relief);
    return relief;
}

bool scalp_scar_may_touch_box(const scalp_scar_set *set, const float lo_mm[3], const float hi_mm[3])
{
    return scalp_scar_box_mask(set, lo_mm, hi_mm) != 0;
}
