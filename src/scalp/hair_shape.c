/* The shape of each hair: a centreline marched from the root in small steps (a follow-the-leader
 * integration of a cantilever with a unilateral contact on the layer of hair beneath), then resampled to a
 * fixed number of points per hair and drawn towards its clump's centre hair.
 *
 * The support is a radial map of the head: from a centre inside the cranium, the outermost mesh surface in
 * each direction (1 degree cells, the largest radius of the mesh samples in the cell, holes filled from
 * their neighbours) and its normal there. Heights above the head are radial distances to it, times the
 * cosine between the ray and the surface normal.
 *
 * The march, per hair (docs/model.md "Hair", "Lying hair"):
 *  - rise: the hair keeps its exit direction while it is inside the layer beneath it (the follicle and the
 *    hair around it hold it) until it would reach its lying height h by turning now;
 *  - bend over: it turns towards its lying direction at 1 / R_b radians per mm (R_b the bend radius divided
 *    by the lay fraction, so a hair of transition length bends only part of the way);
 *  - lie: once turned, it follows the layer: its direction is kept in the local tangent plane (it goes on
 *    straight ahead over the head, a geodesic), turned down-slope by its weight: the tangential part of
 *    gravity bends it at the curvature of a cantilever carrying the rest of the hair, (L - s)^2 / (2 l^3)
 *    (l the elasto-gravity length); its height relaxes to h over 3 mm;
 *  - hang: where the head faces down beneath it (normal's y below -0.25: an overhang, gravity pulls it off
 *    the layer) it leaves the layer and bends towards the vertical at that cantilever curvature times the
 *    sine between it and gravity (a free elastica, explicit).
 * Hairs never go below 0.05 mm above the skin.
 */
#include "scalp/hair_shape.h"

#include "core/grid.h"
#include "core/rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* "HSHP" + unit id: the stream of one follicular unit's shape numbers (clump seed, then one lying height
 * per hair), so a unit's hairs get the same numbers whatever other units a scar removes. */
#define SHAPE_RNG_STREAM 0x4853485000000000ULL
#define SUPPORT_NT 180 /* polar cells from +y */
#define SUPPORT_NP 360 /* azimuth cells */
#define OVERHANG_NORMAL_Y (-0.25)
#define MIN_HEIGHT_MM 0.05
#define RELAX_MM 3.0 /* a lying hair's height settles on its layer over this */
#define GRAVITY_M_PER_S2 9.81
#define PART_OFFSET_MM 30.0 /* a side parting's distance from the midline (chart mm; assumption) */

void scalp_hair_shape_params_default(scalp_hair_shape_params *p)
{
    memset(p, 0, sizeof *p);
    p->stand_length_mm = 4.0;    /* clipper #1 (3 mm) still stands as a brush (assumption) */
    p->lie_length_mm = 12.0;     /* #4 (13 mm) lies and hides a FUT scar (clinical.md §4: "10 - 15 mm") */
    p->youngs_modulus_gpa = 3.9; /* 3.89e10 dyn/cm² (Robbins, Chemical and Physical Behavior of Human Hair) */
    p->density_g_per_cm3 = 1.32;
    p->packing_fraction = 0.08;
    p->layer_max_mm = 8.0;
    p->bend_radius_mm = 2.5;
    p->clump_units = 6.0;
    p->clump_strength = 0.65;
    p->segment_mm = 5.0;
}

static double smoothstep(double a, double b, double x)
{
    double t = (x - a) / (b - a);
    t = t < 0.0 ? 0.0 : (t > 1.0 ? 1.0 : t);
    return t * t * (3.0 - 2.0 * t);
}

double scalp_hair_lay_fraction(const scalp_hair_shape_params *p, double length_mm)
{
    return smoothstep(p->stand_length_mm, p->lie_length_mm, length_mm);
}

double scalp_hair_gravity_length_mm(const scalp_hair_shape_params *p, double diameter_mm)
{
    /* E I / (rho g A) = E d^2 / (16 rho g) for a round fibre (I = pi d^4 / 64, A = pi d^2 / 4). SI inside. */
    double d = diameter_mm * 1e-3, e = p->youngs_modulus_gpa * 1e9, rho = p->density_g_per_cm3 * 1e3;
    return 1e3 * cbrt(e * d * d / (16.0 * rho * GRAVITY_M_PER_S2));
}

int scalp_hair_strand_point_count(const scalp_hair_shape_params *p, double length_mm)
{
    if (scalp_hair_lay_fraction(p, length_mm) <= 0.0) return 0;
    int n = (int)lround(length_mm / p->segment_mm) + 3;
    return n < 4 ? 4 : (n > SCALP_HAIR_STRAND_MAX_POINTS ? SCALP_HAIR_STRAND_MAX_POINTS : n);
}

static smp_status params_check(const scalp_hair_shape_params *p, smp_error *err)
{
#define CHECK(field, lo, hi)                                                                                 \
    if (!(p->field >= (lo) && p->field <= (hi)))                                                             \
        return smp_error_set(err, SMP_ERR_INPUT, "hair shape: %s: must be between %g and %g, got %g",        \
                             #field, (double)(lo), (double)(hi), (double)p->field);
    CHECK(stand_length_mm, 0.0, 100.0)
    CHECK(lie_length_mm, p->stand_length_mm + 0.1, 150.0)
    CHECK(youngs_modulus_gpa, 0.1, 20.0)
    CHECK(density_g_per_cm3, 0.5, 3.0)
    CHECK(packing_fraction, 0.005, 0.9)
    CHECK(layer_max_mm, 0.1, 50.0)
    CHECK(bend_radius_mm, 0.1, 50.0)
    CHECK(clump_units, 1.0, 100.0)
    CHECK(clump_strength, 0.0, 1.0)
    CHECK(segment_mm, 0.5, 50.0)
#undef CHECK
    return SMP_OK;
}

/* ---- Small vector helpers ------------------------------------------------------------------------------ */

static double dot3(const double a[3], const double b[3])
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

static bool normalize3(double v[3])
{
    double l = sqrt(dot3(v, v));
    if (!(l > 1e-12)) return false;
    for (int k = 0; k < 3; ++k)
        v[k] /= l;
    return true;
}

/* v minus its component along unit n, normalised; false when v is (nearly) along n. */
static bool tangent(const double v[3], const double n[3], double out[3])
{
    double d = dot3(v, n);
    for (int k = 0; k < 3; ++k)
        out[k] = v[k] - d * n[k];
    return normalize3(out);
}

/* Turns unit a towards unit b by at most angle (radians); b itself when it is closer. */
static void turn_towards(double a[3], const double b[3], double angle)
{
    double c = dot3(a, b);
    if (c > 1.0) c = 1.0;
    double theta = acos(c < -1.0 ? -1.0 : c);
    if (theta <= angle) {
        memcpy(a, b, sizeof(double[3]));
        return;
    }
    double perp[3];
    for (int k = 0; k < 3; ++k)
        perp[k] = b[k] - c * a[k];
    if (!normalize3(perp)) return; /* opposite: no preferred way to turn (does not arise: b is a tangent) */
    double ca = cos(angle), sa = sin(angle);
    for (int k = 0; k < 3; ++k)
        a[k] = ca * a[k] + sa * perp[k];
    normalize3(a);
}

/* ---- The support: a radial map of the head ------------------------------------------------------------- */

typedef struct support {
    double c[3];
    float *r; /* SUPPORT_NT x SUPPORT_NP radii (mm) */
    float *n; /* 3 per cell: outward unit normal */
} support;

static void support_cell(const support *s, const double u[3], double *fi, double *fj)
{
    double th = acos(u[1] < -1.0 ? -1.0 : (u[1] > 1.0 ? 1.0 : u[1]));
    double ph = atan2(u[0], u[2]);
    if (ph < 0.0) ph += 2.0 * SMP_PI;
    (void)s;
    *fi = th / SMP_PI * SUPPORT_NT - 0.5;
    *fj = ph / (2.0 * SMP_PI) * SUPPORT_NP - 0.5;
}

static void support_splat(support *s, const float p[3], const float n[3])
{
    double v[3] = {p[0] - s->c[0], p[1] - s->c[1], p[2] - s->c[2]};
    double r = sqrt(dot3(v, v));
    if (!(r > 1e-6)) return;
    for (int k = 0; k < 3; ++k)
        v[k] /= r;
    double fi, fj;
    support_cell(s, v, &fi, &fj);
    int i = (int)lround(fi), j = (int)lround(fj);
    i = i < 0 ? 0 : (i >= SUPPORT_NT ? SUPPORT_NT - 1 : i);
    j = ((j % SUPPORT_NP) + SUPPORT_NP) % SUPPORT_NP;
    size_t c = (size_t)i * SUPPORT_NP + (size_t)j;
    if ((float)r > s->r[c]) {
        s->r[c] = (float)r;
        memcpy(s->n + 3 * c, n, sizeof(float[3]));
    }
}

static void support_destroy(support *s)
{
    free(s->r);
    free(s->n);
    memset(s, 0, sizeof *s);
}

static smp_status support_create(support *s, const scalp_head *head, smp_error *err)
{
    memset(s, 0, sizeof *s);
    const float(*lm)[3] = head->landmarks_mm;
    /* Inside the cranium: between the ear tops and the vertex, halfway from the brow to the inion. */
    s->c[0] = 0.0;
    s->c[1] =
        0.5 * (lm[SCALP_LM_VERTEX][1] + 0.5 * (lm[SCALP_LM_EAR_TOP_LEFT][1] + lm[SCALP_LM_EAR_TOP_RIGHT][1]));
    s->c[2] = 0.5 * (lm[SCALP_LM_GLABELLA][2] + lm[SCALP_LM_OCCIPITAL_PROTUBERANCE][2]);
    size_t cells = (size_t)SUPPORT_NT * SUPPORT_NP;
    s->r = calloc(cells, sizeof *s->r);
    s->n = calloc(3 * cells, sizeof *s->n);
    float *tmp_r = malloc(cells * sizeof *tmp_r), *tmp_n = malloc(3 * cells * sizeof *tmp_n);
    if (!s->r || !s->n || !tmp_r || !tmp_n) {
        free(tmp_r), free(tmp_n);
        support_destroy(s);
        return smp_error_set(err, SMP_ERR_NOMEM, "hair shape: out of memory for the head's radial map");
    }
    const scalp_mesh *m = &head->mesh;
    /* Seven samples per triangle (corners, edge midpoints, centroid): triangles of about 1.2 mm against
     * cells of 1.5 mm at the cranium's radius leave few holes. */
    static const float bary[7][3] = {{1, 0, 0},
                                     {0, 1, 0},
                                     {0, 0, 1},
                                     {0.5f, 0.5f, 0},
                                     {0, 0.5f, 0.5f},
                                     {0.5f, 0, 0.5f},
                                     {1.0f / 3, 1.0f / 3, 1.0f / 3}};
    for (int t = 0; t < m->triangle_count; ++t) {
        const uint32_t *ix = m->indices + 3 * t;
        for (int b = 0; b < 7; ++b) {
            float p[3], n[3];
            for (int k = 0; k < 3; ++k) {
                p[k] = bary[b][0] * m->positions_mm[3 * ix[0] + k] +
                       bary[b][1] * m->positions_mm[3 * ix[1] + k] +
                       bary[b][2] * m->positions_mm[3 * ix[2] + k];
                n[k] = bary[b][0] * m->normals[3 * ix[0] + k] + bary[b][1] * m->normals[3 * ix[1] + k] +
                       bary[b][2] * m->normals[3 * ix[2] + k];
            }
            float l = sqrtf(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
            if (l > 0.0f)
                for (int k = 0; k < 3; ++k)
                    n[k] /= l;
            support_splat(s, p, n);
        }
    }
    /* Holes (cells no sample fell in, mostly near the poles where cells are narrow): the mean of their
     * filled neighbours, pass by pass. */
    for (int pass = 0; pass < 64; ++pass) {
        int empty = 0;
        memcpy(tmp_r, s->r, cells * sizeof *tmp_r);
        memcpy(tmp_n, s->n, 3 * cells * sizeof *tmp_n);
        for (int i = 0; i < SUPPORT_NT; ++i)
            for (int j = 0; j < SUPPORT_NP; ++j) {
                size_t c = (size_t)i * SUPPORT_NP + (size_t)j;
                if (s->r[c] > 0.0f) continue;
                double sr = 0.0, sn[3] = {0, 0, 0};
                int k = 0;
                for (int di = -1; di <= 1; ++di)
                    for (int dj = -1; dj <= 1; ++dj) {
                        int ii = i + di, jj = ((j + dj) % SUPPORT_NP + SUPPORT_NP) % SUPPORT_NP;
                        if (ii < 0 || ii >= SUPPORT_NT) continue;
                        size_t q = (size_t)ii * SUPPORT_NP + (size_t)jj;
                        if (s->r[q] <= 0.0f) continue;
                        sr += s->r[q];
                        for (int a = 0; a < 3; ++a)
                            sn[a] += s->n[3 * q + a];
                        ++k;
                    }
                if (k == 0) {
                    ++empty;
                    continue;
                }
                tmp_r[c] = (float)(sr / k);
                normalize3(sn);
                for (int a = 0; a < 3; ++a)
                    tmp_n[3 * c + a] = (float)sn[a];
            }
        memcpy(s->r, tmp_r, cells * sizeof *tmp_r);
        memcpy(s->n, tmp_n, 3 * cells * sizeof *tmp_n);
        if (empty == 0) break;
    }
    free(tmp_r);
    free(tmp_n);
    return SMP_OK;
}

/* Radius of the head and its normal in the direction of unit u (bilinear). */
static void support_lookup(const support *s, const double u[3], double *radius, double normal[3])
{
    double fi, fj;
    support_cell(s, u, &fi, &fj);
    if (fi < 0.0) fi = 0.0;
    if (fi > SUPPORT_NT - 1) fi = SUPPORT_NT - 1;
    int i0 = (int)floor(fi), j0 = (int)floor(fj);
    double a = fi - i0, b = fj - j0;
    int i1 = i0 + 1 < SUPPORT_NT ? i0 + 1 : i0;
    int ja = ((j0 % SUPPORT_NP) + SUPPORT_NP) % SUPPORT_NP, jb = (ja + 1) % SUPPORT_NP;
    size_t c00 = (size_t)i0 * SUPPORT_NP + ja, c01 = (size_t)i0 * SUPPORT_NP + jb;
    size_t c10 = (size_t)i1 * SUPPORT_NP + ja, c11 = (size_t)i1 * SUPPORT_NP + jb;
    double w00 = (1 - a) * (1 - b), w01 = (1 - a) * b, w10 = a * (1 - b), w11 = a * b;
    *radius = w00 * s->r[c00] + w01 * s->r[c01] + w10 * s->r[c10] + w11 * s->r[c11];
    for (int k = 0; k < 3; ++k)
        normal[k] = w00 * s->n[3 * c00 + k] + w01 * s->n[3 * c01 + k] + w10 * s->n[3 * c10 + k] +
                    w11 * s->n[3 * c11 + k];
    if (!normalize3(normal)) memcpy(normal, u, sizeof(double[3]));
}

/* Height of p above the head along the surface normal (approximately), the surface normal there, and the
 * radial direction; *cosine is max(u . n, 0.3), the factor between radial and normal height. */
static double support_height(const support *s, const double p[3], double normal[3], double u[3],
                             double *cosine, double *radius)
{
    for (int k = 0; k < 3; ++k)
        u[k] = p[k] - s->c[k];
    double d = sqrt(dot3(u, u));
    if (!(d > 1e-9)) {
        u[0] = 0.0, u[1] = 1.0, u[2] = 0.0;
        d = 1e-9;
    } else {
        for (int k = 0; k < 3; ++k)
            u[k] /= d;
    }
    support_lookup(s, u, radius, normal);
    double cu = dot3(u, normal);
    *cosine = cu > 0.3 ? cu : 0.3;
    return (d - *radius) * *cosine;
}

/* Moves p radially so that it stands h above the head. */
static void support_place(const support *s, double p[3], double h)
{
    double n[3], u[3], cosine, radius;
    support_height(s, p, n, u, &cosine, &radius);
    for (int k = 0; k < 3; ++k)
        p[k] = s->c[k] + u[k] * (radius + h / cosine);
}

smp_status scalp_hair_support_heights(const scalp_head *head, const float *points_mm, int count,
                                      float *heights_mm, smp_error *err)
{
    support s;
    smp_status st = support_create(&s, head, err);
    if (st != SMP_OK) return st;
    for (int i = 0; i < count; ++i) {
        double p[3] = {points_mm[3 * i], points_mm[3 * i + 1], points_mm[3 * i + 2]}, n[3], u[3], c, r;
        heights_mm[i] = (float)support_height(&s, p, n, u, &c, &r);
    }
    support_destroy(&s);
    return SMP_OK;
}

/* ---- One hair --------------------------------------------------------------------------------------------
 */

typedef struct hair_march {
    double length_mm;
    double bend_radius_mm; /* the caller's bend radius / lay fraction (huge when it stands) */
    double lie_height_mm;  /* its height on the layer */
    double gravity_length_mm;
    double root[3], dir[3]; /* root, exit direction */
    double flow[3];         /* lying direction at the root (unit tangent) */
} hair_march;

/* Marches one hair and writes n points at arc fractions (k / (n - 1))^1.5 into out (3 floats each); returns
 * the arc length from where it has turned over (lying or hanging) to its tip. */
static double march(const support *s, const hair_march *h, int n, float *out)
{
    const double g[3] = {0.0, -1.0, 0.0};
    double p[3], t[3];
    memcpy(p, h->root, sizeof p);
    memcpy(t, h->dir, sizeof t);
    const double L = h->length_mm, lg3 = pow(h->gravity_length_mm, 3.0);
    bool lying = false;
    double s_arc = 0.0, s_lie = L;
    for (int a = 0; a < 3; ++a)
        out[a] = (float)p[a];
    int k = 1;
    double s_next = L * pow(1.0 / (n - 1), 1.5);
    while (k < n) {
        double ds = fmin(fmin(0.25 + 0.08 * s_arc, 2.0), L - s_arc);
        if (!(ds > 1e-6)) ds = 1e-6;
        double nrm[3], u[3], cosine, radius;
        double hgt = support_height(s, p, nrm, u, &cosine, &radius);
        (void)hgt;
        const double kg = (L - s_arc) * (L - s_arc) / (2.0 * lg3); /* cantilever curvature per unit sine */
        const bool supported = nrm[1] > OVERHANG_NORMAL_Y;
        double target[3];
        if (!lying) {
            if (!tangent(h->flow, nrm, target)) memcpy(target, h->flow, sizeof target);
        } else {
            if (!tangent(t, nrm, target)) memcpy(target, t, sizeof target);
            double gt[3], gn = dot3(g, nrm);
            for (int a = 0; a < 3; ++a)
                gt[a] = g[a] - gn * nrm[a];
            double gl = sqrt(dot3(gt, gt));
            if (gl > 1e-6) {
                for (int a = 0; a < 3; ++a)
                    gt[a] /= gl;
                turn_towards(target, gt, kg * gl * ds);
            }
        }
        double c = dot3(t, target);
        c = c > 1.0 ? 1.0 : (c < -1.0 ? -1.0 : c);
        double tn[3];
        memcpy(tn, t, sizeof tn);
        if (lying && !supported) {
            /* Off the layer: a free cantilever, bent towards the vertical by the rest of the hair's weight.
             */
            double tg = dot3(t, g);
            turn_towards(tn, g, kg * sqrt(fmax(0.0, 1.0 - tg * tg)) * ds);
        } else {
            /* Rising through the layer until turning now at R_b would bring it to its lying height. */
            double height_now = support_height(s, p, nrm, u, &cosine, &radius);
            bool rising =
                !lying && height_now < h->lie_height_mm - h->bend_radius_mm * (1.0 - c) && c < 0.9994;
            if (!rising) turn_towards(tn, target, ds / h->bend_radius_mm);
            if (!lying && dot3(tn, target) > 0.9994) {
                lying = true;
                s_lie = s_arc;
            }
        }
        double q[3];
        for (int a = 0; a < 3; ++a)
            q[a] = p[a] + tn[a] * ds;
        double qn[3], qu[3], qc, qr;
        double hq = support_height(s, q, qn, qu, &qc, &qr);
        if (lying && supported) {
            /* On the layer: its height settles at the lying height. */
            double w = fmin(1.0, ds / RELAX_MM);
            double ht = hq + (h->lie_height_mm - hq) * w;
            if (hq < 0.5 * h->lie_height_mm) ht = fmax(ht, 0.5 * h->lie_height_mm);
            support_place(s, q, fmax(ht, MIN_HEIGHT_MM));
        } else if (hq < MIN_HEIGHT_MM) {
            support_place(s, q, MIN_HEIGHT_MM);
        }
        double step[3];
        for (int a = 0; a < 3; ++a)
            step[a] = q[a] - p[a];
        double sl = sqrt(dot3(step, step));
        if (sl > 1e-9)
            for (int a = 0; a < 3; ++a)
                t[a] = step[a] / sl;
        /* Output points at their arc fractions (linear between march points; the step is kept at ds). */
        double s_new = s_arc + ds;
        while (k < n && (s_next <= s_new + 1e-9 || (k == n - 1 && s_new >= L - 1e-9))) {
            double f = (s_next - s_arc) / ds;
            f = f < 0.0 ? 0.0 : (f > 1.0 ? 1.0 : f);
            for (int a = 0; a < 3; ++a)
                out[3 * k + a] = (float)(p[a] + f * (q[a] - p[a]));
            ++k;
            s_next = k < n ? L * pow((double)k / (n - 1), 1.5) : L;
        }
        memcpy(p, q, sizeof p);
        s_arc = s_new;
        if (s_arc >= L - 1e-9 && k < n) {
            for (; k < n; ++k)
                for (int a = 0; a < 3; ++a)
                    out[3 * k + a] = (float)p[a];
        }
    }
    /* Each segment at its arc length along its chord: the polyline is as long as the hair (a chord alone
     * is shorter than the arc it spans where the hair bends). */
    double prev[3] = {out[0], out[1], out[2]}, s_prev = 0.0;
    for (int j = 1; j < n; ++j) {
        double s_j = L * pow((double)j / (n - 1), 1.5), c[3];
        for (int a = 0; a < 3; ++a)
            c[a] = out[3 * j + a] - prev[a];
        for (int a = 0; a < 3; ++a)
            prev[a] = out[3 * j + a];
        if (!normalize3(c)) memcpy(c, t, sizeof c);
        for (int a = 0; a < 3; ++a)
            out[3 * j + a] = (float)(out[3 * (j - 1) + a] + (s_j - s_prev) * c[a]);
        s_prev = s_j;
    }
    return L - s_lie;
}

/* ---- The parting -----------------------------------------------------------------------------------------
 */

typedef struct parting {
    plan_parting kind;
    double x_mm;             /* chart x of the line */
    double crown_y, front_y; /* chart y of the crown and of the natural hairline */
} parting;

/* The lying direction at a root: the growth direction's tangent part, swept away from the parting line over
 * the top of the head (between the crown and the hairline; the sides keep their downward flow). */
static void lying_flow(const parting *pt, const scalp_head *head, const scalp_hair_shaft *sh, double flow[3])
{
    double n[3] = {sh->normal[0], sh->normal[1], sh->normal[2]},
           d[3] = {sh->direction[0], sh->direction[1], sh->direction[2]};
    if (!tangent(d, n, flow)) tangent((const double[3]){0.0, 0.0, -1.0}, n, flow);
    if (pt->kind == PLAN_PARTING_NONE) return;
    float q[2];
    scalp_head_chart_mm(head, sh->root_mm, q);
    double dx = q[0] - pt->x_mm;
    double w =
        smoothstep(pt->crown_y - 10.0, pt->crown_y + 20.0, q[1]) * (1.0 - smoothstep(55.0, 85.0, fabs(dx)));
    if (w <= 0.0) return;
    /* Combed away from the line to the side, and a little back (assumption). */
    double side[3] = {dx >= 0.0 ? 1.0 : -1.0, 0.0, -0.35}, sw[3];
    if (!tangent(side, n, sw)) return;
    for (int k = 0; k < 3; ++k)
        flow[k] = (1.0 - w) * flow[k] + w * sw[k];
    if (!tangent(flow, n, flow)) memcpy(flow, sw, sizeof sw);
}

/* ---- All hairs -------------------------------------------------------------------------------------------
 */

/* The nearest seed hair to hair i (nearest_seed) among those whose lying direction agrees with its own. */
typedef struct seed_query {
    const float *root;    /* hair i's root */
    const double *flow_i; /* its lying direction */
    const double *flows;  /* every hair's */
    const int *seed_hair; /* grid point -> hair index */
    int best;
    double best_d2;
} seed_query;

static bool nearest_seed(void *user, int k, const float q[3])
{
    seed_query *sq = user;
    int j = sq->seed_hair[k];
    const float *r = sq->root;
    double e[3] = {q[0] - r[0], q[1] - r[1], q[2] - r[2]}, d2 = dot3(e, e);
    if (d2 < sq->best_d2 && dot3(sq->flow_i, sq->flows + 3 * j) > 0.7) sq->best = j, sq->best_d2 = d2;
    return false;
}

smp_status scalp_hair_shape(scalp_hair *hair, const scalp_head *head, const plan *pl,
                            const scalp_hair_shape_params *params_in, smp_error *err)
{
    scalp_hair_shape_params P;
    if (params_in)
        P = *params_in;
    else
        scalp_hair_shape_params_default(&P);
    smp_status st = params_check(&P, err);
    if (st != SMP_OK) return st;
    free(hair->strand_mm);
    hair->strand_mm = NULL;
    hair->strand_points = 0;
    const double L_plan = hair->params.length_mm;
    const int n = scalp_hair_strand_point_count(&P, L_plan);
    if (n == 0 || hair->count == 0) return SMP_OK;
    const double lay = scalp_hair_lay_fraction(&P, L_plan);

    support sup;
    if ((st = support_create(&sup, head, err)) != SMP_OK) return st;
    float *pts = malloc(sizeof *pts * 3 * (size_t)n * (size_t)hair->count);
    double *flows = malloc(sizeof *flows * 3 * (size_t)hair->count);
    int *unit_first = malloc(sizeof *unit_first * (size_t)hair->count); /* first shaft of each shaft's unit */
    unsigned char *is_seed = calloc((size_t)hair->count, 1);
    smp_grid grid = {0};
    int *seed_hair = NULL; /* the hair of each grid point */
    if (!pts || !flows || !unit_first || !is_seed) goto nomem;

    parting pt = {.kind = pl->patient.parting};
    {
        const float(*lm)[2] = head->landmarks_chart_mm;
        pt.crown_y = lm[SCALP_LM_CROWN][1];
        pt.front_y = scalp_head_midline_chart_y(head, 70.0);
        pt.x_mm = pt.kind == PLAN_PARTING_LEFT ? PART_OFFSET_MM
                                               : (pt.kind == PLAN_PARTING_RIGHT ? -PART_OFFSET_MM : 0.0);
    }
    /* Hair volume per skin area at full density: hairs per mm² x mean cross-section x length. */
    const double mean_d = hair->params.diameter_mm;
    const double hairs_per_mm2 =
        hair->params.unit_density_per_cm2 / 100.0 * scalp_hair_mean_per_unit(&hair->params);
    const double full_volume_mm = hairs_per_mm2 * SMP_PI * mean_d * mean_d / 4.0 * L_plan;
    smp_rng rng;
    int first = 0;
    for (int i = 0; i < hair->count; ++i) {
        const scalp_hair_shaft *sh = &hair->shafts[i];
        if (i == 0 || sh->unit != hair->shafts[i - 1].unit) {
            first = i;
            smp_rng_init(&rng, pl->seed, SHAPE_RNG_STREAM + (uint64_t)(uint32_t)sh->unit);
            is_seed[i] = smp_rng_uniform(&rng) < 1.0 / P.clump_units;
        }
        unit_first[i] = first;
        double u_height = smp_rng_uniform(&rng);
        /* The layer beneath: the local hair volume over the packing fraction, capped; each hair lies
         * somewhere in it (uniformly from a fifth of it to its top). */
        double f = scalp_native_hair_fraction(head, &pl->patient, sh->root_mm);
        double layer = fmin(P.layer_max_mm, full_volume_mm * f / P.packing_fraction);
        hair_march hm = {
            .length_mm = sh->length_mm,
            .bend_radius_mm = P.bend_radius_mm / fmax(lay, 1e-6),
            .lie_height_mm = fmax(layer * (0.2 + 0.8 * u_height), 2.0 * sh->diameter_mm),
            .gravity_length_mm = scalp_hair_gravity_length_mm(&P, sh->diameter_mm),
        };
        for (int k = 0; k < 3; ++k)
            hm.root[k] = sh->root_mm[k], hm.dir[k] = sh->direction[k];
        lying_flow(&pt, head, sh, hm.flow);
        memcpy(flows + 3 * i, hm.flow, sizeof hm.flow);
        march(&sup, &hm, n, pts + 3 * (size_t)n * (size_t)i);
    }
    /* Clumps: each hair is drawn towards the first hair of the nearest seed unit within reach whose lying
     * direction agrees with its own (never across a parting or the whorl), more and more towards the tip. */
    {
        double reach = 2.0 * sqrt(P.clump_units / fmax(hair->params.unit_density_per_cm2 / 100.0, 1e-6));
        seed_hair = malloc(sizeof *seed_hair * (size_t)hair->count);
        if (!seed_hair || smp_grid_init(&grid, hair->count, (float)reach) != SMP_OK) goto nomem;
        for (int i = 0; i < hair->count; ++i)
            if (is_seed[i]) seed_hair[smp_grid_insert(&grid, hair->shafts[i].root_mm)] = i; /* room for all */
        for (int i = 0; i < hair->count; ++i) {
            if (unit_first[i] == i && is_seed[i]) continue; /* a clump's centre hair stays */
            const float *r = hair->shafts[i].root_mm;
            seed_query sq = {.root = r,
                             .flow_i = flows + 3 * i,
                             .flows = flows,
                             .seed_hair = seed_hair,
                             .best = -1,
                             .best_d2 = reach * reach};
            smp_grid_visit_near(&grid, r, nearest_seed, &sq);
            int best = sq.best;
            if (best < 0 || best == i) continue;
            float *a = pts + 3 * (size_t)n * (size_t)i;
            const float *b = pts + 3 * (size_t)n * (size_t)best;
            const double L = hair->shafts[i].length_mm;
            /* Drawn towards the centre hair's point at the same arc fraction, then each segment set back to
             * its own length along the new direction, so the hair keeps its length. */
            float prev_old[3], prev_new[3];
            memcpy(prev_old, a, sizeof prev_old);
            memcpy(prev_new, a, sizeof prev_new);
            for (int k = 1; k < n; ++k) {
                double s_k = L * pow((double)k / (n - 1), 1.5);
                double w = P.clump_strength * lay *
                           pow(smoothstep(0.0, 1.0, (s_k - 2.0) / fmax(L - 2.0, 1e-6)), 0.7);
                double seg[3], moved[3];
                for (int m = 0; m < 3; ++m) {
                    seg[m] = a[3 * k + m] - prev_old[m];
                    moved[m] = a[3 * k + m] + w * (b[3 * k + m] - a[3 * k + m]) - prev_new[m];
                }
                double len = sqrt(dot3(seg, seg));
                memcpy(prev_old, a + 3 * k, sizeof prev_old);
                if (!normalize3(moved)) normalize3(memcpy(moved, seg, sizeof moved));
                for (int m = 0; m < 3; ++m)
                    a[3 * k + m] = (float)(prev_new[m] + len * moved[m]);
                memcpy(prev_new, a + 3 * k, sizeof prev_new);
            }
        }
    }
    hair->strand_points = n;
    hair->strand_mm = pts;
    pts = NULL;
    st = SMP_OK;
    goto release;
nomem:
    st = smp_error_set(err, SMP_ERR_NOMEM, "hair shape: out of memory for %d hairs", hair->count);
release:
    free(pts);
    free(flows);
    free(unit_first);
    free(is_seed);
    free(seed_hair);
    smp_grid_deinit(&grid);
    support_destroy(&sup);
    return st;
}
