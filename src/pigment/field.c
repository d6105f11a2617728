/* Dot placement: dart throwing (random sequential adsorption) with a spatially varying radius.
 *
 * The treatment weight w (hairline x bald area x zone factor, scalp_treatment_weight) is evaluated once per
 * mesh vertex and interpolated linearly inside each triangle: the mesh's triangles are about 1.4 mm across,
 * finer than anything the weight draws (a soft line's smallest wiggle is 4.5 mm long), and a candidate then
 * costs a few multiplications instead of a chart look-up. Candidates are drawn uniformly by area over the
 * treated triangles (CDF of area x max vertex weight, then a uniform barycentric point) and kept with
 * probability w(p) / w_max(triangle), which is exact because a linear interpolant never exceeds its largest
 * vertex value; so the expected density is density x w.
 *
 * Dots come in follicular-unit style clusters of 1-3 (plan.clusters). A cluster's centre is accepted only
 * when no centre (of this or an earlier layer) lies within r(p) = F / sqrt(rho_c * max(w, 1/4)), rho_c being
 * the cumulative cluster density of the layers so far (dot density / mean cluster size): the Poisson-disk
 * condition (Dunbar & Humphreys 2006 discuss the maximal variant; we stop at the target count instead, well
 * below the jamming limit). Later layers use the larger cumulative density, hence a smaller radius, and so
 * fall between the clusters already there. The dots of a cluster sit clusters.spacing_mm apart (jittered)
 * around its centre, in the tangent plane, at a random orientation.
 *
 * Scars raise the weight near them; they are added after the rest of the field is placed, each placing
 * again only the triangles whose weight it changes ("scars: local re-placement" below), so that a scar can be
 * compared before and after with every other dot in place. A plan can be placed the same way as a change of
 * another ("plan against plan: stable re-placement" below): only where their targets differ are dots placed
 * again.
 *
 * Distances are straight-line (chord) distances between surface points. For radii under 3 mm on a head
 * whose surface curvature radius exceeds 40 mm, the chord is shorter than the geodesic by r^3 / (24 R^2)
 * < 0.0007 mm: true surface distance for every practical purpose. Cluster members leave the surface by at
 * most s^2 / (2R) < 0.005 mm for s <= 0.6 mm.
 */
#include "pigment/pigment.h"

#include "core/grid.h"
#include "core/rng.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the deposit ---- */

/* Round liners pack their pins in a circle: the width of the enclosing circle over the pin diameter is the
 * known optimum of packing n equal circles in a circle (Graham et al., Discrete Math 181:139, 1998):
 * n = 3, three pins on a triangle, 1 + 2/sqrt(3); n = 5, a pentagon, 1 + 1/sin(36 deg); n = 7, a hexagon
 * around one pin, 3. */
double pigment_needle_footprint_mm(const plan_pigment *p)
{
    double d = p->pin_diameter_mm;
    switch (p->needle) {
    case PLAN_NEEDLE_1RL:
        return d;
    case PLAN_NEEDLE_3RL:
        return d * (1.0 + 2.0 / sqrt(3.0));
    case PLAN_NEEDLE_5RL:
        return d * (1.0 + 1.0 / sin(SMP_PI / 5.0));
    case PLAN_NEEDLE_7RL:
        return 3.0 * d;
    }
    return d;
}

double pigment_deposit_diameter_mm(const plan_pigment *p)
{
    /* 0 is the plan's null: not given (plan.h). */
    if (p->dot_diameter_mm > 0.0) return p->dot_diameter_mm;
    return pigment_needle_footprint_mm(p) * PIGMENT_WOUND_SPREAD;
}

double pigment_ink_load_factor(plan_ink_quality q)
{
    switch (q) {
    case PLAN_INK_MEDICAL:
        return PIGMENT_INK_LOAD_MEDICAL;
    case PLAN_INK_COSMETIC:
        return PIGMENT_INK_LOAD_COSMETIC;
    case PLAN_INK_TATTOO:
        return PIGMENT_INK_LOAD_TATTOO;
    case PLAN_INK_INFERIOR:
        return PIGMENT_INK_LOAD_INFERIOR;
    }
    return 1.0;
}

/* ---- placement ---- */

/* Where a cluster centre came from: its layer, the mesh triangle it lies on, its dots, and whether a scar's
 * re-placement has taken it out. */
typedef struct centre_info {
    int layer;
    int triangle;
    int first_dot, dot_count;
    bool alive;
} centre_info;

/* What a candidate of layer `layer` must keep away from (near_centre): live centres closer than r when they
 * are of this or an earlier layer; when one is of a later layer m (a scar's re-placement meets centres its
 * surroundings kept from every layer), closer than r_later[m], the radius that layer m kept from p (NULL:
 * later layers are not looked at). */
typedef struct near_query {
    const centre_info *info;
    const float *p;
    float r2;
    int layer;
    const float *r_later;
} near_query;

static bool near_centre(void *user, int j, const float q[3])
{
    const near_query *nq = user;
    const float *p = nq->p;
    float ex = q[0] - p[0], ey = q[1] - p[1], ez = q[2] - p[2], d2 = ex * ex + ey * ey + ez * ez;
    if (d2 >= nq->r2 || !nq->info[j].alive) return false;
    if (nq->info[j].layer <= nq->layer) return true;
    return nq->r_later && d2 < nq->r_later[nq->info[j].layer] * nq->r_later[nq->info[j].layer];
}

/* Sampling data over a set of triangles (all the treated ones, or those a scar changes): a CDF of area x
 * (largest vertex weight), that weight, and the vertex weights the candidates interpolate. */
typedef struct tri_sampler {
    double *cdf;
    float *w_max;
    int *triangle;         /* mesh triangle of each entry */
    const float *w_vertex; /* treatment weight at every mesh vertex (not owned) */
    int count;
    double weighted_area_mm2; /* integral of the interpolated weight over the sampler's triangles */
} tri_sampler;

/* Whether plan pl has scars laid out in scars (which may be NULL). */
static bool scars_present(const plan *pl, const scalp_scar_set *scars)
{
    return scars && pl->scar_count > 0 && scars->grid.bucket_count > 0;
}

/* Radius of the disk over which scar_hair_loss averages the follicles a scar takes. */
#define SCAR_LOSS_RADIUS_MM 2.0f

/* Hair missing to the scars of scar_mask near p: 1 minus the mean follicle factor over a disk of 2 mm
 * radius (19 samples in the surface's tangent plane). A FUT line (about 2 mm wide) reads as a band of lost
 * hair; a field of FUE punches as the fraction of skin they took, which is what SMP restores there. 0 away
 * from scars. */
static float scar_hair_loss(const scalp_scar_set *scars, uint32_t scar_mask, const scalp_mesh *m, int v)
{
    const float *p = m->positions_mm + 3 * v, *n = m->normals + 3 * v;
    float t1[3], t2[3];
    smp_tangent_frame(n, t1, t2);
    scalp_scar_sample smp;
    scalp_scar_sample_at_masked(scars, p, scar_mask, &smp);
    float sum = smp.hair_factor;
    int count = 1;
    for (int ring = 1; ring <= 2; ++ring)
        for (int i = 0; i < 6 * ring; ++i) {
            float a = 2.0f * (float)SMP_PI * ((float)i + 0.5f * (float)(ring - 1)) / (float)(6 * ring), q[3];
            float rr = SCAR_LOSS_RADIUS_MM * (float)ring / 2.0f;
            for (int k = 0; k < 3; ++k)
                q[k] = p[k] + rr * (cosf(a) * t1[k] + sinf(a) * t2[k]);
            scalp_scar_sample_at_masked(scars, q, scar_mask, &smp);
            sum += smp.hair_factor;
            count++;
        }
    return 1.0f - sum / (float)count;
}

/* Builds the sampler over the triangles t with keep[t] (NULL: all) whose largest vertex weight is > 0. */
static smp_status sampler_init(tri_sampler *s, const scalp_mesh *m, const float *w_vertex,
                               const uint8_t *keep)
{
    memset(s, 0, sizeof *s);
    s->w_vertex = w_vertex;
    s->cdf = malloc(sizeof *s->cdf * (size_t)m->triangle_count);
    s->w_max = malloc(sizeof *s->w_max * (size_t)m->triangle_count);
    s->triangle = malloc(sizeof *s->triangle * (size_t)m->triangle_count);
    if (!s->cdf || !s->w_max || !s->triangle) return SMP_ERR_NOMEM;
    double total = 0.0, integral = 0.0;
    for (int t = 0; t < m->triangle_count; ++t) {
        if (keep && !keep[t]) continue;
        const uint32_t *ix = m->indices + 3 * t;
        float wa = w_vertex[ix[0]], wb = w_vertex[ix[1]], wc = w_vertex[ix[2]];
        float w = fmaxf(fmaxf(wa, wb), wc);
        if (w <= 0.0f) continue;
        double area = scalp_mesh_triangle_area_mm2(m, t);
        integral += area * (wa + wb + wc) / 3.0;
        total += area * w;
        s->cdf[s->count] = total;
        s->w_max[s->count] = w;
        s->triangle[s->count++] = t;
    }
    s->weighted_area_mm2 = integral;
    return SMP_OK;
}

/* The largest weight anywhere (zone factors above 1 shrink the spacing there). */
static float sampler_w_top(const tri_sampler *s)
{
    float w = 0.0f;
    for (int i = 0; i < s->count; ++i)
        w = fmaxf(w, s->w_max[i]);
    return w;
}

static void sampler_deinit(tri_sampler *s)
{
    free(s->cdf);
    free(s->w_max);
    free(s->triangle);
    memset(s, 0, sizeof *s);
}

static int sampler_pick(const tri_sampler *s, double u)
{
    return smp_ascending_find(s->cdf, s->count, u * s->cdf[s->count - 1]);
}

/* A uniform point on the sampler's entry e: barycentric weights, position and the interpolated weight. */
typedef struct candidate {
    int triangle;
    float b[3];
    float position_mm[3];
    float w;
} candidate;

static void candidate_draw(const tri_sampler *s, const scalp_mesh *m, smp_rng *rng, candidate *c, int *entry)
{
    int e = sampler_pick(s, smp_rng_uniform(rng));
    float r1 = sqrtf(smp_rng_uniform_f(rng)), r2 = smp_rng_uniform_f(rng);
    c->triangle = s->triangle[e];
    c->b[0] = 1.0f - r1;
    c->b[1] = r1 * (1.0f - r2);
    c->b[2] = r1 * r2;
    const uint32_t *ix = m->indices + 3 * c->triangle;
    c->w = 0.0f;
    for (int k = 0; k < 3; ++k) {
        c->position_mm[k] = c->b[0] * m->positions_mm[3 * ix[0] + k] +
                            c->b[1] * m->positions_mm[3 * ix[1] + k] +
                            c->b[2] * m->positions_mm[3 * ix[2] + k];
        c->w += c->b[k] * s->w_vertex[ix[k]];
    }
    *entry = e;
}

/* Fills the dot's position, normal and uv from an accepted candidate. */
static void candidate_to_dot(const scalp_mesh *m, const candidate *c, pigment_dot *d)
{
    const uint32_t *ix = m->indices + 3 * c->triangle;
    float n[3];
    for (int k = 0; k < 3; ++k) {
        d->position_mm[k] = c->position_mm[k];
        n[k] = c->b[0] * m->normals[3 * ix[0] + k] + c->b[1] * m->normals[3 * ix[1] + k] +
               c->b[2] * m->normals[3 * ix[2] + k];
    }
    float len = sqrtf(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    for (int k = 0; k < 3; ++k)
        d->normal[k] = n[k] / len;
    for (int k = 0; k < 2; ++k)
        d->uv[k] = c->b[0] * m->uvs[2 * ix[0] + k] + c->b[1] * m->uvs[2 * ix[1] + k] +
                   c->b[2] * m->uvs[2 * ix[2] + k];
}

/* Moves a copy of centre dot d by (du, dv) mm in its tangent plane. The uv moves with the chart's local
 * scale (uv_scale_mm per unit at the chart centre; at 0.6 mm the chart's stretch changes it by < 0.3 mm). */
static void dot_offset(const scalp_head *head, const pigment_dot *d, float du, float dv, pigment_dot *out)
{
    *out = *d;
    const float *n = d->normal;
    /* A tangent frame: e1 perpendicular to n in the plane of n and the head's y axis (or x near the poles).
     */
    float e1[3], e2[3];
    smp_tangent_frame(n, e1, e2);
    for (int k = 0; k < 3; ++k)
        out->position_mm[k] = d->position_mm[k] + du * e1[k] + dv * e2[k];
    scalp_head_uv(head, out->position_mm, out->uv);
}

static float jitter(smp_rng *rng, float value, float rel_sigma, float lo_factor, float hi_factor)
{
    float f = 1.0f + rel_sigma * (float)smp_rng_normal(rng);
    return value * fminf(fmaxf(f, lo_factor), hi_factor);
}

typedef struct layer_spec {
    double day, density_per_cm2, shade;
} layer_spec;

static int plan_layers(const plan *pl, layer_spec *out)
{
    int n = 0;
    for (int i = 0; i < pl->session_count; ++i)
        out[n++] = (layer_spec){pl->sessions[i].day, pl->sessions[i].density_per_cm2, pl->sessions[i].shade};
    for (int i = 0; i < pl->touch_up_count; ++i)
        out[n++] = (layer_spec){pl->touch_ups[i].year * 365.25, pl->touch_ups[i].density_per_cm2,
                                pl->touch_ups[i].shade};
    return n;
}

/* Cluster sizes: the share of clusters with 1, 2 and 3 dots, and the mean size. */
static double cluster_mean(const plan_clusters *c)
{
    return 1.0 + c->double_fraction + 2.0 * c->triple_fraction;
}

static int cluster_size_draw(const plan_clusters *c, smp_rng *rng)
{
    if (c->double_fraction <= 0.0 && c->triple_fraction <= 0.0) return 1;
    double u = smp_rng_uniform(rng);
    return u < c->triple_fraction ? 3 : u < c->triple_fraction + c->double_fraction ? 2 : 1;
}

/* Offsets (mm, tangent plane) of the dots of a cluster of k around its centre, spacing s apart: a pair on
 * a line, a triple on a triangle, at a random orientation; each member spacing jittered by 15 % (the
 * needle's points flex and the skin stretches under them). */
#define CLUSTER_JITTER_MAX 1.3f
static void cluster_offsets(int k, float s, smp_rng *rng, float off[3][2])
{
    float a = (float)(2.0 * SMP_PI * smp_rng_uniform(rng));
    float r = k == 2 ? 0.5f * s : s / sqrtf(3.0f);
    for (int i = 0; i < 3; ++i) {
        float ri =
            k == 1 ? 0.0f
                   : r * fminf(fmaxf(1.0f + 0.15f * (float)smp_rng_normal(rng), 0.7f), CLUSTER_JITTER_MAX);
        float ai = a + (float)(2.0 * SMP_PI) * (float)i / (float)k;
        off[i][0] = ri * cosf(ai);
        off[i][1] = ri * sinf(ai);
    }
}

/* The placement's working state: every cluster centre placed so far (in the grid, centre i its point i; with
 * where it came from) and every dot (its size, depth and ink still the jitter factors, dots_finish). Centres
 * and dots only grow; a scar's or a stable re-placement marks centres dead. */
typedef struct placer {
    const scalp_head *head;
    const plan *pl;
    smp_grid grid; /* the centres; centre_count of them */
    centre_info *info;
    int centre_count, centre_cap;
    pigment_dot *dots;
    int dot_count, dot_cap;
} placer;

/* Room for n more centres and n more dots (a layer places at most its target of dots, in fewer centres). */
static bool placer_reserve(placer *P, int n)
{
    if (P->centre_count + n > P->centre_cap) {
        int cap = P->centre_cap + P->centre_cap / 2 + n + 64;
        centre_info *in = realloc(P->info, sizeof *in * (size_t)cap);
        if (!in) return false;
        P->info = in;
        if (!smp_grid_reserve(&P->grid, cap)) return false;
        P->centre_cap = cap;
    }
    if (P->dot_count + n > P->dot_cap) {
        int cap = P->dot_cap + P->dot_cap / 2 + n + 64;
        pigment_dot *d = realloc(P->dots, sizeof *d * (size_t)cap);
        if (!d) return false;
        P->dots = d;
        P->dot_cap = cap;
    }
    return true;
}

/* Dart throwing for one layer l: target dots in clusters, candidates from sampler s drawn with rng, each
 * centre kept at least r_base[l] / sqrt(max(w, 1/4)) from every live centre of layers 0..l, and with
 * later_layers (a scar's or a stable re-placement) r_base[m] / sqrt(max(w, 1/4)) from those of a later layer
 * m. Each dot keeps its jitter factors where its size, depth and ink go (dot_finish applies the plan's), so
 * that the random sequence, and so every position, is the same whatever the plan's depth, shade and deposit.
 * Returns the dots placed, or -1 when out of memory. */
static int place_layer(placer *P, const tri_sampler *s, int l, int target, const float *r_base,
                       int layer_count, bool later_layers, smp_rng *rng)
{
    const plan *pl = P->pl;
    const plan_clusters *cl = &pl->clusters;
    if (!placer_reserve(P, target)) return -1;
    long long tries = 0, max_tries = 400LL * target + 100000;
    int placed = 0;
    while (placed < target && tries < max_tries) {
        ++tries;
        candidate c;
        int e;
        candidate_draw(s, &P->head->mesh, rng, &c, &e);
        if (smp_rng_uniform_f(rng) * s->w_max[e] >= c.w) continue;
        float r = r_base[l] / sqrtf(fmaxf(c.w, 0.25f)), r_later[PLAN_MAX_SESSIONS + PLAN_MAX_TOUCH_UPS];
        if (later_layers)
            for (int m = l + 1; m < layer_count; ++m)
                r_later[m] = r_base[m] / sqrtf(fmaxf(c.w, 0.25f));
        near_query nq = {.info = P->info,
                         .p = c.position_mm,
                         .r2 = r * r,
                         .layer = l,
                         .r_later = later_layers ? r_later : NULL};
        if (smp_grid_visit_near(&P->grid, c.position_mm, near_centre, &nq) >= 0) continue;
        int ci = P->centre_count++;
        smp_grid_insert(&P->grid, c.position_mm); /* cannot fail: placer_reserve made room; it is point ci */
        P->info[ci] =
            (centre_info){.layer = l, .triangle = c.triangle, .first_dot = P->dot_count, .alive = true};
        pigment_dot centre;
        candidate_to_dot(&P->head->mesh, &c, &centre);
        int k = cluster_size_draw(cl, rng);
        if (k > target - placed) k = target - placed;
        float off[3][2];
        cluster_offsets(k, (float)cl->spacing_mm, rng, off);
        for (int i = 0; i < k; ++i) {
            pigment_dot *d = &P->dots[P->dot_count];
            if (k == 1)
                *d = centre;
            else
                dot_offset(P->head, &centre, off[i][0], off[i][1], d);
            d->diameter_mm = jitter(rng, 1.0f, 0.12f, 0.6f, 1.5f);
            d->depth_mm = jitter(rng, 1.0f, 0.15f, 0.5f, 1.6f);
            d->ink = jitter(rng, 1.0f, 0.10f, 0.7f, 1.3f);
            d->fade_rate = 1.0f;
            d->session = l;
            P->dot_count++;
            placed++;
        }
        P->info[ci].dot_count = k;
    }
    return placed;
}

/* ---- scars: local re-placement ----
 *
 * Scars count as hair lost, so they raise the treatment weight w near them (scar_hair_loss: by the hair
 * missing over a 2 mm disk). Placing everything again with the raised weight would change every dot of the
 * head (one random sequence serves the whole layer), so a scar could not be compared before and after.
 * Instead the field is first placed exactly as for the plan without scars; then the scars are added one at
 * a time (FUE fields first, then FUT lines, each in plan order), and each takes out the cluster centres on
 * the triangles whose vertex weight it changes and places that region again, layer by layer, with the new
 * weight, its own random stream (keyed by the scar's type and place among scars of its type), and the
 * Poisson-disk test against every centre it kept. A dot off those triangles is, bit for bit, the dot of the
 * plan without the scar: it lies at most 2 mm (the loss disk) + the triangle's longest edge + a cluster's
 * spread from the scar's reach (pigment_field.scar_margin_mm). Scars of one plan interact only where their
 * regions meet: a FUT line's region, placed after the FUE field's, depends on the FUE dots around it. */

/* "SCAR": the re-placement streams, apart from layers' 0.. */
#define SCAR_STREAM_BASE 0x5343415200000000ULL

typedef struct scar_stage {
    int scar;        /* plan.scars index */
    uint64_t stream; /* base of its layers' random streams */
} scar_stage;

/* The order scars are added in: FUE fields first (they spread over the donor band, and a line placed after
 * them then disturbs only its own surroundings), then FUT lines, each in plan order. */
static int scar_stages(const plan *pl, scar_stage *out)
{
    int n = 0;
    for (int pass = 0; pass < 2; ++pass) {
        plan_scar_type type = pass == 0 ? PLAN_SCAR_FUE : PLAN_SCAR_FUT;
        int ordinal = 0;
        for (int i = 0; i < pl->scar_count; ++i) {
            if (pl->scars[i].type != type) continue;
            out[n].scar = i;
            out[n].stream = SCAR_STREAM_BASE + ((uint64_t)pass << 24) + ((uint64_t)ordinal << 8);
            n++;
            ordinal++;
        }
    }
    return n;
}

/* The vertex weights as the scars are added: w_stage[k] holds w with scars stages 0..k (w_stage[-1] being
 * w0, the weight without scars). A vertex's weight changes at stage k only if scar k reaches the 2.5 mm box
 * around it (the loss disk's reach). */
typedef struct scar_weights {
    int stage_count;
    scar_stage stages[PLAN_MAX_SCARS];
    float *w[PLAN_MAX_SCARS]; /* per stage, every vertex */
} scar_weights;

static void scar_weights_deinit(scar_weights *sw)
{
    for (int k = 0; k < sw->stage_count; ++k)
        free(sw->w[k]);
    memset(sw, 0, sizeof *sw);
}

static smp_status scar_weights_init(scar_weights *sw, const scalp_head *head, const plan *pl,
                                    const scalp_scar_set *scars, const float *w0)
{
    const scalp_mesh *m = &head->mesh;
    memset(sw, 0, sizeof *sw);
    int n = scar_stages(pl, sw->stages);
    uint32_t *near = malloc(sizeof *near * (size_t)m->vertex_count);
    if (!near) return SMP_ERR_NOMEM;
    for (int v = 0; v < m->vertex_count; ++v) {
        const float *p = m->positions_mm + 3 * v;
        float lo[3], hi[3];
        for (int k = 0; k < 3; ++k)
            lo[k] = p[k] - 2.5f, hi[k] = p[k] + 2.5f;
        near[v] = scalp_scar_box_mask(scars, lo, hi);
    }
    uint32_t mask = 0;
    const float *prev = w0;
    for (int k = 0; k < n; ++k) {
        float *w = malloc(sizeof *w * (size_t)m->vertex_count);
        if (!w) {
            free(near);
            scar_weights_deinit(sw);
            return SMP_ERR_NOMEM;
        }
        sw->w[k] = w;
        sw->stage_count = k + 1;
        uint32_t bit = 1u << sw->stages[k].scar;
        mask |= bit;
        memcpy(w, prev, sizeof *w * (size_t)m->vertex_count);
        for (int v = 0; v < m->vertex_count; ++v) {
            if (!(near[v] & bit)) continue;
            /* Scars are hair lost too: the plan treats them like the bald area, on the sides zone's factor.
             */
            /* The disk mean gives a field of FUE punches the share of skin they took; a FUT band is hairless
             * across its whole width and is treated wholly there. */
            scalp_scar_sample here;
            scalp_scar_sample_at_masked(scars, m->positions_mm + 3 * v, mask, &here);
            float loss = fmaxf(scar_hair_loss(scars, mask, m, v), 1.0f - here.hair_factor);
            if (loss > 0.0f) {
                float zone = scalp_zone_factor(head, pl, m->positions_mm + 3 * v);
                float s_w = scalp_scalp_weight(head, m->positions_mm + 3 * v);
                w[v] = fmaxf(w0[v], loss * zone * s_w);
            }
        }
        prev = w;
    }
    free(near);
    return SMP_OK;
}

/* The longest edge of mesh triangle t, mm. */
static float triangle_edge_mm(const scalp_mesh *m, int t)
{
    const uint32_t *ix = m->indices + 3 * t;
    float edge = 0.0f;
    for (int e = 0; e < 3; ++e) {
        const float *a = m->positions_mm + 3 * ix[e], *b = m->positions_mm + 3 * ix[(e + 1) % 3];
        float d[3] = {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
        edge = fmaxf(edge, sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]));
    }
    return edge;
}

/* Takes out the centres on the marked triangles and places those triangles again with weight w for every
 * layer. margin_mm grows to the longest edge of a triangle placed again. */
static smp_status scar_stage_place(placer *P, const scar_stage *stage, const float *w, const uint8_t *region,
                                   const layer_spec *layers, int layer_count, const float *r_base,
                                   float *edge_mm)
{
    const scalp_mesh *m = &P->head->mesh;
    tri_sampler s;
    smp_status st = sampler_init(&s, m, w, region);
    if (st != SMP_OK) {
        sampler_deinit(&s);
        return st;
    }
    for (int i = 0; i < P->centre_count; ++i)
        if (P->info[i].alive && region[P->info[i].triangle]) P->info[i].alive = false;
    for (int t = 0; t < m->triangle_count; ++t)
        if (region[t]) *edge_mm = fmaxf(*edge_mm, triangle_edge_mm(m, t));
    for (int l = 0; l < layer_count && s.count > 0; ++l) {
        int target = (int)lround(layers[l].density_per_cm2 * s.weighted_area_mm2 / 100.0);
        if (target == 0 || layers[l].density_per_cm2 <= 0.0) continue;
        smp_rng rng;
        smp_rng_init(&rng, P->pl->seed, stage->stream + (uint64_t)l);
        if (place_layer(P, &s, l, target, r_base, layer_count, true, &rng) < 0) {
            sampler_deinit(&s);
            return SMP_ERR_NOMEM;
        }
    }
    sampler_deinit(&s);
    return SMP_OK;
}

/* Each layer's Poisson-disk radius at w = 1 from the cumulative cluster density of the layers so far
 * (pigment.h, PIGMENT_SPACING_FACTOR); 0 until a layer has dots. */
static void layer_radii(const layer_spec *layers, int layer_count, double mean_cluster_size, float *r_base)
{
    double rho_cum_per_mm2 = 0.0;
    for (int l = 0; l < layer_count; ++l) {
        if (layers[l].density_per_cm2 > 0.0)
            rho_cum_per_mm2 += layers[l].density_per_cm2 / 100.0 / mean_cluster_size;
        r_base[l] = rho_cum_per_mm2 > 0.0 ? PIGMENT_SPACING_FACTOR / (float)sqrt(rho_cum_per_mm2) : 0.0f;
    }
}

/* Turns the jitter factors place_layer left in the dots into plan pl's deposit width, depth and ink
 * (pigment.h gives the ranges): the same products, in the same float arithmetic, as jittering the plan's
 * values. */
static void dots_finish(pigment_dot *dots, int count, const plan *pl, const layer_spec *layers)
{
    float deposit_mm = (float)pigment_deposit_diameter_mm(&pl->pigment),
          depth_mm = (float)pl->pigment.depth_mm;
    float ink_load = (float)pigment_ink_load_factor(pl->pigment.ink_quality);
    for (int i = 0; i < count; ++i) {
        pigment_dot *d = &dots[i];
        /* The ink load of the dot's layer: shades times the ink grade's load. */
        float shade = (float)(layers[d->session].shade * pl->pigment.shade * ink_load);
        d->diameter_mm = deposit_mm * d->diameter_mm;
        d->depth_mm = fminf(fmaxf(depth_mm * d->depth_mm, 0.05f), 3.0f);
        d->ink = fminf(fmaxf(shade * d->ink, 0.0f), PIGMENT_INK_MAX);
    }
}

static smp_status too_many_dots(smp_error *err, long long capacity, double treated_area_cm2)
{
    return smp_error_set(err, SMP_ERR_INPUT,
                         "sessions: the plan asks for %lld dots (density x %.0f cm2 treated), at most %d",
                         capacity, treated_area_cm2, PIGMENT_MAX_DOTS);
}

/* ---- plan against plan: stable re-placement ----
 *
 * pigment_field_create_stable places plan B as a change of plan A: A's field is placed (with A's scars), then
 * B's target at every vertex and layer is compared with A's: the density density_l x w and the Poisson-disk
 * radius r_l / sqrt(max(w, 1/4)), w being the weight with the scars. Where they agree within
 * PIGMENT_STABLE_TOLERANCE the dots of A stay; the first layer l whose target differs at a vertex marks its
 * triangles for layer l and every later one (a later layer was placed against the earlier layers' dots
 * there). Every centre of layer l on a triangle so marked is taken out, with every centre of a layer B does
 * not have, and each layer of B is placed again over its marked triangles: B's weight, the count density x
 * integral of w over them, a PCG32 stream of its own, and the Poisson-disk test against every live centre
 * (the scars' re-placement, with the same later-layer rule). The dots of a kept centre keep their position
 * and their jitter factors; dot_finish gives every dot B's deposit, depth and ink. */

#define STABLE_STREAM_BASE 0x5354424c00000000ULL /* "STBL": the stable re-placement's streams */
#define STABLE_LAYER_NONE 0xff                   /* no layer's target differs at this vertex */

/* Plan B's layers as the stable stage leaves them for the collection of the field. */
typedef struct stable_out {
    int layer_count;
    layer_spec layers[PLAN_MAX_SESSIONS + PLAN_MAX_TOUCH_UPS];
    float r_base[PLAN_MAX_SESSIONS + PLAN_MAX_TOUCH_UPS];
    float w_top;
    double treated_area_cm2;
    float edge_mm; /* longest edge of a triangle where a target differs; 0 when none */
    bool changed;  /* a centre was taken out or placed */
} stable_out;

/* Whether one layer's target differs at a vertex: densities d (per cm2, 0 for a layer the plan lacks), radii
 * at w = 1 and the weights of plans a and b. */
static bool stable_target_differs(double d_a, float r_a, float w_a, double d_b, float r_b, float w_b)
{
    double t_a = d_a * w_a, t_b = d_b * w_b;
    if (t_a <= 0.0 && t_b <= 0.0) return false; /* no dot of this layer here in either plan */
    if (fabs(t_a - t_b) > PIGMENT_STABLE_TOLERANCE * fmax(t_a, t_b)) return true;
    double q_a = r_a / sqrt(fmax(w_a, 0.25)), q_b = r_b / sqrt(fmax(w_b, 0.25));
    return fabs(q_a - q_b) > PIGMENT_STABLE_TOLERANCE * fmax(q_a, q_b);
}

/* Changes the placer P, which holds plan A's field (layers a_layers, radii a_r, vertex weights w_a with A's
 * scars), into plan B's (next, its scars next_scars may be NULL) as described above. */
static smp_status stable_stage(placer *P, const plan *next, const scalp_scar_set *next_scars,
                               const layer_spec *a_layers, int a_count, const float *a_r, const float *w_a,
                               stable_out *out, smp_error *err)
{
    const scalp_head *head = P->head;
    const scalp_mesh *m = &head->mesh;
    memset(out, 0, sizeof *out);
    int b_count = plan_layers(next, out->layers);
    out->layer_count = b_count;
    layer_radii(out->layers, b_count, cluster_mean(&next->clusters), out->r_base);

    smp_status st = SMP_OK;
    scar_weights sw = {0};
    tri_sampler s = {0};
    uint8_t *first = NULL, *region = NULL;
    float *w0 = malloc(sizeof *w0 * (size_t)m->vertex_count);
    first = malloc((size_t)m->vertex_count > (size_t)m->triangle_count ? (size_t)m->vertex_count
                                                                       : (size_t)m->triangle_count);
    region = malloc((size_t)m->triangle_count);
    if (!w0 || !first || !region) goto nomem;
    for (int v = 0; v < m->vertex_count; ++v)
        w0[v] = scalp_treatment_weight(head, next, m->positions_mm + 3 * v);
    bool with_scars = scars_present(next, next_scars);
    if (with_scars && scar_weights_init(&sw, head, next, next_scars, w0) != SMP_OK) goto nomem;
    const float *w_b = sw.stage_count > 0 ? sw.w[sw.stage_count - 1] : w0;

    /* B's treated area, its largest weight, and whether it asks for too many dots. */
    if (sampler_init(&s, m, w_b, NULL) != SMP_OK) goto nomem;
    out->treated_area_cm2 = s.weighted_area_mm2 / 100.0;
    out->w_top = sampler_w_top(&s);
    sampler_deinit(&s);
    long long capacity = 0;
    for (int l = 0; l < b_count; ++l)
        capacity += (int)lround(out->layers[l].density_per_cm2 * out->treated_area_cm2);
    if (capacity > PIGMENT_MAX_DOTS) {
        st = too_many_dots(err, capacity, out->treated_area_cm2);
        goto done;
    }

    /* The first layer whose target differs, at every vertex, then on every triangle. */
    int n = a_count > b_count ? a_count : b_count;
    for (int v = 0; v < m->vertex_count; ++v) {
        first[v] = STABLE_LAYER_NONE;
        for (int l = 0; l < n; ++l) {
            double d_a = l < a_count ? a_layers[l].density_per_cm2 : 0.0;
            double d_b = l < b_count ? out->layers[l].density_per_cm2 : 0.0;
            float r_a = l < a_count ? a_r[l] : 0.0f, r_b = l < b_count ? out->r_base[l] : 0.0f;
            if (stable_target_differs(d_a, r_a, w_a[v], d_b, r_b, w_b[v])) {
                first[v] = (uint8_t)l;
                break;
            }
        }
    }
    for (int t = 0; t < m->triangle_count; ++t) {
        const uint32_t *ix = m->indices + 3 * t;
        uint8_t f = first[ix[0]];
        if (first[ix[1]] < f) f = first[ix[1]];
        if (first[ix[2]] < f) f = first[ix[2]];
        region[t] = f;
        if (f != STABLE_LAYER_NONE) out->edge_mm = fmaxf(out->edge_mm, triangle_edge_mm(m, t));
    }
    for (int i = 0; i < P->centre_count; ++i) {
        centre_info *c = &P->info[i];
        if (c->alive && (c->layer >= b_count || region[c->triangle] <= c->layer))
            c->alive = false, out->changed = true;
    }
    if (out->edge_mm == 0.0f) goto done;

    /* The grid's cell is the largest radius B's layers ask for anywhere (r at w <= 1/4). */
    float r_cap = 0.0f;
    for (int l = 0; l < b_count; ++l)
        r_cap = fmaxf(r_cap, 2.0f * out->r_base[l]);
    if (r_cap <= 0.0f) goto done;
    /* Plan A may have placed far fewer centres than B asks for: a table sized for B keeps the buckets short.
     */
    if (!smp_grid_reserve(&P->grid, (int)capacity)) goto nomem;
    smp_grid_rebin(&P->grid, r_cap);
    int before = P->centre_count;
    for (int l = 0; l < b_count; ++l) {
        if (out->layers[l].density_per_cm2 <= 0.0) continue;
        for (int t = 0; t < m->triangle_count; ++t)
            first[t] = region[t] <= l;
        if (sampler_init(&s, m, w_b, first) != SMP_OK) goto nomem;
        int target =
            s.count > 0 ? (int)lround(out->layers[l].density_per_cm2 * s.weighted_area_mm2 / 100.0) : 0;
        if (target > 0) {
            smp_rng rng;
            smp_rng_init(&rng, next->seed, STABLE_STREAM_BASE + (uint64_t)l);
            if (place_layer(P, &s, l, target, out->r_base, b_count, true, &rng) < 0) goto nomem;
        }
        sampler_deinit(&s);
    }
    if (P->centre_count > before) out->changed = true;
    goto done;
nomem:
    st = smp_error_set(err, SMP_ERR_NOMEM, "pigment: out of memory placing the dots of a changed plan");
done:
    sampler_deinit(&s);
    scar_weights_deinit(&sw);
    free(w0);
    free(first);
    free(region);
    return st;
}

/* Places plan pl's field on head with its scars (may be NULL); with next (pigment_field_create_stable),
 * changes it into next's with next_scars (may be NULL) by the stable re-placement above. */
static smp_status field_create(pigment_field *field, const scalp_head *head, const plan *pl,
                               const scalp_scar_set *scars, const plan *next,
                               const scalp_scar_set *next_scars, smp_error *err)
{
    assert(field && head && pl);
    memset(field, 0, sizeof *field);
    const scalp_mesh *m = &head->mesh;
    layer_spec layers[PLAN_MAX_SESSIONS + PLAN_MAX_TOUCH_UPS];
    int layer_count = plan_layers(pl, layers);
    field->layer_count = layer_count;
    bool with_scars = scars_present(pl, scars);

    tri_sampler sampler = {0};
    scar_weights sw = {0};
    placer P = {.head = head, .pl = pl};
    float *w0 = NULL;
    uint8_t *region = NULL;
    smp_status st = SMP_OK;
    long long capacity = 0;

    /* The weight without scars at every vertex, then as the scars are added. */
    w0 = malloc(sizeof *w0 * (size_t)m->vertex_count);
    if (!w0) goto nomem;
    for (int v = 0; v < m->vertex_count; ++v)
        w0[v] = scalp_treatment_weight(head, pl, m->positions_mm + 3 * v);
    if (with_scars && scar_weights_init(&sw, head, pl, scars, w0) != SMP_OK) goto nomem;
    const float *w_all = sw.stage_count > 0 ? sw.w[sw.stage_count - 1] : w0;
    if (sampler_init(&sampler, m, w_all, NULL) != SMP_OK) goto nomem;
    field->treated_area_cm2 = sampler.weighted_area_mm2 / 100.0;
    float w_top = sampler_w_top(&sampler);
    double area0_cm2 = field->treated_area_cm2;
    if (w_all != w0) {
        sampler_deinit(&sampler);
        if (sampler_init(&sampler, m, w0, NULL) != SMP_OK) goto nomem;
        area0_cm2 = sampler.weighted_area_mm2 / 100.0;
    }

    double total_density = 0.0, asked = 0.0, asked0 = 0.0;
    int targets[PLAN_MAX_SESSIONS + PLAN_MAX_TOUCH_UPS];
    for (int l = 0; l < layer_count; ++l) {
        field->layer_day[l] = layers[l].day;
        asked += layers[l].density_per_cm2 * field->treated_area_cm2;
        asked0 += layers[l].density_per_cm2 * area0_cm2;
        total_density += layers[l].density_per_cm2;
    }
    /* Checked in floating point before any count becomes an int: a large scanned mesh asks for more dots than
     * an int holds. */
    if (!(asked <= PIGMENT_MAX_DOTS && asked0 <= PIGMENT_MAX_DOTS)) {
        st = too_many_dots(err, (long long)fmin(fmax(asked, asked0), 9e18), field->treated_area_cm2);
        goto fail;
    }
    for (int l = 0; l < layer_count; ++l) {
        capacity += lround(layers[l].density_per_cm2 * field->treated_area_cm2);
        targets[l] = (int)lround(layers[l].density_per_cm2 * area0_cm2);
    }
    /* (The stable path keeps going with an untreated plan A: its radii exist, it places no dot.) */
    if ((capacity == 0 && !next) || total_density <= 0.0) goto done;

    const plan_clusters *cl = &pl->clusters;
    double mean_size = cluster_mean(cl);
    bool clustered = cl->double_fraction > 0.0 || cl->triple_fraction > 0.0;
    field->cluster_spacing_mm = clustered ? (float)cl->spacing_mm : 0.0f;
    field->min_spacing_mm = INFINITY;
    float r_base[PLAN_MAX_SESSIONS + PLAN_MAX_TOUCH_UPS];
    layer_radii(layers, layer_count, mean_size, r_base);

    long long capacity0 = 0;
    for (int l = 0; l < layer_count; ++l)
        capacity0 += targets[l];
    if (smp_grid_init(&P.grid, (int)(capacity > capacity0 ? capacity : capacity0), 1.0f) != SMP_OK)
        goto nomem;
    P.centre_cap = (int)(capacity0 > 0 ? capacity0 : 1);
    P.info = malloc(sizeof *P.info * (size_t)P.centre_cap);
    P.dot_cap = (int)(capacity0 > 0 ? capacity0 : 1);
    P.dots = malloc(sizeof *P.dots * (size_t)P.dot_cap);
    if (!P.info || !P.dots) goto nomem;

    /* The plan without scars: layer by layer over the whole head. */
    for (int l = 0; l < layer_count && sampler.count > 0; ++l) {
        if (targets[l] == 0) continue;
        /* The grid's cell is the largest radius of this layer (r at w <= 1/4), so a query reads 27 cells. */
        smp_grid_rebin(&P.grid, 2.0f * r_base[l]);
        smp_rng rng;
        smp_rng_init(&rng, pl->seed, (uint64_t)l);
        if (place_layer(&P, &sampler, l, targets[l], r_base, layer_count, false, &rng) < 0) goto nomem;
    }

    /* The scars, one at a time, each placing again the triangles whose weight it changes. */
    float edge_mm = 0.0f;
    if (sw.stage_count > 0) {
        region = malloc((size_t)m->triangle_count);
        if (!region) goto nomem;
        float r_cap = 0.0f;
        for (int l = 0; l < layer_count; ++l)
            r_cap = fmaxf(r_cap, 2.0f * r_base[l]);
        smp_grid_rebin(&P.grid, r_cap);
        for (int k = 0; k < sw.stage_count; ++k) {
            const float *w = sw.w[k], *prev = k > 0 ? sw.w[k - 1] : w0;
            bool any = false;
            for (int t = 0; t < m->triangle_count; ++t) {
                const uint32_t *ix = m->indices + 3 * t;
                region[t] = w[ix[0]] != prev[ix[0]] || w[ix[1]] != prev[ix[1]] || w[ix[2]] != prev[ix[2]];
                any |= region[t];
            }
            if (!any) continue;
            st = scar_stage_place(&P, &sw.stages[k], w, region, layers, layer_count, r_base, &edge_mm);
            if (st != SMP_OK) goto nomem;
        }
    }
    /* Where the dots of a cluster may lie from its centre (clusters are global: the same in plan next). */
    float spread = 0.0f;
    if (cl->triple_fraction > 0.0)
        spread = (float)cl->spacing_mm / sqrtf(3.0f) * CLUSTER_JITTER_MAX;
    else if (cl->double_fraction > 0.0)
        spread = 0.5f * (float)cl->spacing_mm * CLUSTER_JITTER_MAX;
    if (edge_mm > 0.0f) field->scar_margin_mm = SCAR_LOSS_RADIUS_MM + edge_mm + spread;

    /* Plan next: A's field changed where B's targets differ, then collected as B's. */
    bool replaced = edge_mm > 0.0f;
    int kept_centres = P.centre_count;
    if (next) {
        stable_out so;
        st = stable_stage(&P, next, next_scars, layers, layer_count, r_base, w_all, &so, err);
        if (st != SMP_OK) goto fail;
        replaced |= so.changed;
        if (so.edge_mm > 0.0f) field->stable_margin_mm = so.edge_mm + spread;
        pl = next, scars = next_scars;
        with_scars = scars_present(pl, scars);
        layer_count = so.layer_count;
        memcpy(layers, so.layers, sizeof layers);
        memcpy(r_base, so.r_base, sizeof r_base);
        w_top = so.w_top;
        field->layer_count = layer_count;
        for (int l = 0; l < PLAN_MAX_SESSIONS + PLAN_MAX_TOUCH_UPS; ++l)
            field->layer_day[l] = l < layer_count ? layers[l].day : 0.0;
        field->treated_area_cm2 = so.treated_area_cm2;
    }

    /* The dots by layer, each in placement order (the plan without scars first, then each scar's, then the
     * stable re-placement's): as placed when nothing was placed again. */
    if (!replaced) {
        field->dots = P.dots;
        field->count = P.dot_count;
        P.dots = NULL;
        for (int i = 0; i < P.centre_count; ++i)
            field->layer_dot_count[P.info[i].layer] += P.info[i].dot_count;
    } else {
        field->dots = malloc(sizeof *field->dots * (size_t)(P.dot_count > 0 ? P.dot_count : 1));
        if (!field->dots) goto nomem;
        for (int l = 0; l < layer_count; ++l)
            for (int i = 0; i < P.centre_count; ++i) {
                const centre_info *c = &P.info[i];
                if (c->layer != l || !c->alive) continue;
                memcpy(&field->dots[field->count], &P.dots[c->first_dot],
                       sizeof *field->dots * (size_t)c->dot_count);
                field->count += c->dot_count;
                field->layer_dot_count[l] += c->dot_count;
            }
    }
    if (next)
        for (int i = 0; i < kept_centres; ++i)
            if (P.info[i].alive) field->stable_kept_count += P.info[i].dot_count;
    dots_finish(field->dots, field->count, pl, layers);
    /* Scar tissue keeps less ink (atrophic scars least) and loses it faster (scalp/scar.h). */
    for (int i = 0; with_scars && i < field->count; ++i) {
        pigment_dot *d = &field->dots[i];
        d->ink *= scalp_scar_pigment_uptake(scars, d->position_mm);
        d->fade_rate = scalp_scar_fade_rate_factor(scars, d->position_mm);
    }
    for (int l = 0; l < layer_count; ++l)
        if (field->layer_dot_count[l] > 0)
            field->min_spacing_mm = fminf(field->min_spacing_mm, r_base[l] / sqrtf(fmaxf(w_top, 0.25f)));
    if (field->count == 0) {
        free(field->dots);
        field->dots = NULL;
    }
done:
    if (field->min_spacing_mm == INFINITY) field->min_spacing_mm = 0.0f;
    goto release;
nomem:
    st = smp_error_set(err, SMP_ERR_NOMEM, "pigment: out of memory placing %lld dots", capacity);
fail:
    pigment_field_destroy(field);
release:
    free(w0);
    free(region);
    free(P.info);
    free(P.dots);
    smp_grid_deinit(&P.grid);
    sampler_deinit(&sampler);
    scar_weights_deinit(&sw);
    return st;
}

smp_status pigment_field_create(pigment_field *field, const scalp_head *head, const plan *pl, smp_error *err)
{
    return field_create(field, head, pl, NULL, NULL, NULL, err);
}

smp_status pigment_field_create_with_scars(pigment_field *field, const scalp_head *head, const plan *pl,
                                           const scalp_scar_set *scars, smp_error *err)
{
    return field_create(field, head, pl, scars, NULL, NULL, err);
}

bool pigment_plans_share_placement(const plan *a, const plan *b)
{
    if (a->seed != b->seed || a->patient.sex != b->patient.sex) return false;
    if (a->head.circumference_cm != b->head.circumference_cm || a->head.length_cm != b->head.length_cm ||
        a->head.breadth_cm != b->head.breadth_cm || strcmp(a->head.mesh, b->head.mesh) != 0)
        return false;
    if (a->clusters.double_fraction != b->clusters.double_fraction ||
        a->clusters.triple_fraction != b->clusters.triple_fraction ||
        a->clusters.spacing_mm != b->clusters.spacing_mm)
        return false;
    /* A plan without any density has no dot to keep, or no radius to keep them by. */
    double d_a = 0.0, d_b = 0.0;
    for (int i = 0; i < a->session_count; ++i)
        d_a += a->sessions[i].density_per_cm2;
    for (int i = 0; i < a->touch_up_count; ++i)
        d_a += a->touch_ups[i].density_per_cm2;
    for (int i = 0; i < b->session_count; ++i)
        d_b += b->sessions[i].density_per_cm2;
    for (int i = 0; i < b->touch_up_count; ++i)
        d_b += b->touch_ups[i].density_per_cm2;
    return d_a > 0.0 && d_b > 0.0;
}

smp_status pigment_field_create_stable(pigment_field *field, const scalp_head *head, const plan *pl,
                                       const scalp_scar_set *scars, const plan *base,
                                       const scalp_scar_set *base_scars, smp_error *err)
{
    if (!pigment_plans_share_placement(base, pl))
        return field_create(field, head, pl, scars, NULL, NULL, err);
    return field_create(field, head, base, base_scars, pl, scars, err);
}

void pigment_field_destroy(pigment_field *field)
{
    if (!field) return;
    free(field->dots);
    memset(field, 0, sizeof *field);
}
