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
 * Distances are straight-line (chord) distances between surface points. For radii under 3 mm on a head
 * whose surface curvature radius exceeds 40 mm, the chord is shorter than the geodesic by r^3 / (24 R^2)
 * < 0.0007 mm: true surface distance for every practical purpose. Cluster members leave the surface by at
 * most s^2 / (2R) < 0.005 mm for s <= 0.6 mm.
 */
#include "pigment/pigment.h"

#include "core/rng.h"

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

typedef struct dot_hash {
    uint32_t mask;    /* table size - 1 (power of two) */
    int32_t *heads;   /* first dot in each bucket, -1 when empty */
    int32_t *next;    /* next dot in the same bucket */
    float cell_mm;
} dot_hash;

static uint32_t cell_key(int ix, int iy, int iz)
{
    uint32_t h = (uint32_t)ix * 73856093u ^ (uint32_t)iy * 19349663u ^ (uint32_t)iz * 83492791u;
    return h * 2654435761u;
}

static void cell_of(const dot_hash *hash, const float p[3], int c[3])
{
    for (int k = 0; k < 3; ++k) c[k] = (int)floorf(p[k] / hash->cell_mm);
}

static smp_status hash_init(dot_hash *hash, int capacity, float cell_mm)
{
    uint32_t size = 1024;
    while (size < (uint32_t)capacity * 2u) size <<= 1;
    hash->mask = size - 1;
    hash->cell_mm = cell_mm;
    hash->heads = malloc(sizeof *hash->heads * size);
    hash->next = malloc(sizeof *hash->next * (size_t)capacity);
    if (!hash->heads || !hash->next) return SMP_ERR_NOMEM;
    memset(hash->heads, 0xff, sizeof *hash->heads * size);
    return SMP_OK;
}

static void hash_deinit(dot_hash *hash)
{
    free(hash->heads);
    free(hash->next);
    memset(hash, 0, sizeof *hash);
}

static void hash_insert(dot_hash *hash, const float (*points)[3], int i)
{
    int c[3];
    cell_of(hash, points[i], c);
    uint32_t b = cell_key(c[0], c[1], c[2]) & hash->mask;
    hash->next[i] = hash->heads[b];
    hash->heads[b] = i;
}

/* True when some dot lies closer than r to p. Buckets may mix cells (hash collisions): harmless, the
 * distance test decides. */
static bool hash_any_within(const dot_hash *hash, const float (*points)[3], const float p[3], float r)
{
    int c[3];
    cell_of(hash, p, c);
    float r2 = r * r;
    for (int dz = -1; dz <= 1; ++dz)
        for (int dy = -1; dy <= 1; ++dy)
            for (int dx = -1; dx <= 1; ++dx) {
                uint32_t b = cell_key(c[0] + dx, c[1] + dy, c[2] + dz) & hash->mask;
                for (int j = hash->heads[b]; j >= 0; j = hash->next[j]) {
                    const float *q = points[j];
                    float ex = q[0] - p[0], ey = q[1] - p[1], ez = q[2] - p[2];
                    if (ex * ex + ey * ey + ez * ez < r2) return true;
                }
            }
    return false;
}

/* Per-triangle sampling data over the treated triangles: a CDF of area x (largest vertex weight), that
 * weight, and the vertex weights the candidates interpolate. */
typedef struct tri_sampler {
    double *cdf;
    float *w_max;
    int *triangle;     /* mesh triangle of each entry */
    float *w_vertex;   /* treatment weight at every mesh vertex */
    int count;
    double weighted_area_mm2; /* integral of the interpolated weight over the mesh */
} tri_sampler;

/* Hair missing to scars near p: 1 minus the mean follicle factor over a disk of 2 mm radius (19 samples in
 * the surface's tangent plane). A FUT line (about 2 mm wide) reads as a band of lost hair; a field of FUE
 * punches as the fraction of skin they took, which is what SMP restores there. 0 away from scars. */
static float scar_hair_loss(const scalp_scar_set *scars, const scalp_mesh *m, int v)
{
    const float *p = m->positions_mm + 3 * v, *n = m->normals + 3 * v;
    float lo[3], hi[3];
    for (int k = 0; k < 3; ++k) lo[k] = p[k] - 2.5f, hi[k] = p[k] + 2.5f;
    if (!scalp_scar_may_touch_box(scars, lo, hi)) return 0.0f;
    float t1[3], t2[3], helper[3] = {0.0f, 1.0f, 0.0f};
    if (fabsf(n[1]) > 0.9f) helper[0] = 1.0f, helper[1] = 0.0f;
    t1[0] = helper[1] * n[2] - helper[2] * n[1];
    t1[1] = helper[2] * n[0] - helper[0] * n[2];
    t1[2] = helper[0] * n[1] - helper[1] * n[0];
    float len = sqrtf(t1[0] * t1[0] + t1[1] * t1[1] + t1[2] * t1[2]);
    for (int k = 0; k < 3; ++k) t1[k] /= len;
    t2[0] = n[1] * t1[2] - n[2] * t1[1];
    t2[1] = n[2] * t1[0] - n[0] * t1[2];
    t2[2] = n[0] * t1[1] - n[1] * t1[0];
    float sum = scalp_scar_hair_factor(scars, p);
    int count = 1;
    for (int ring = 1; ring <= 2; ++ring)
        for (int i = 0; i < 6 * ring; ++i) {
            float a = 2.0f * (float)SMP_PI * ((float)i + 0.5f * (float)(ring - 1)) / (float)(6 * ring), q[3];
            for (int k = 0; k < 3; ++k) q[k] = p[k] + (float)ring * (cosf(a) * t1[k] + sinf(a) * t2[k]);
            sum += scalp_scar_hair_factor(scars, q);
            count++;
        }
    return 1.0f - sum / (float)count;
}

static smp_status sampler_init(tri_sampler *s, const scalp_head *head, const plan *pl, const scalp_scar_set *scars)
{
    const scalp_mesh *m = &head->mesh;
    memset(s, 0, sizeof *s);
    s->cdf = malloc(sizeof *s->cdf * (size_t)m->triangle_count);
    s->w_max = malloc(sizeof *s->w_max * (size_t)m->triangle_count);
    s->triangle = malloc(sizeof *s->triangle * (size_t)m->triangle_count);
    s->w_vertex = malloc(sizeof *s->w_vertex * (size_t)m->vertex_count);
    if (!s->cdf || !s->w_max || !s->triangle || !s->w_vertex) return SMP_ERR_NOMEM;
    for (int v = 0; v < m->vertex_count; ++v) {
        s->w_vertex[v] = scalp_treatment_weight(head, pl, m->positions_mm + 3 * v);
        /* Scars are hair lost too: the plan treats them like the bald area, on the sides zone's factor. */
        if (scars && pl->scar_count > 0) {
            float loss = scar_hair_loss(scars, m, v);
            if (loss > 0.0f) {
                float zone = scalp_zone_factor(head, pl, m->positions_mm + 3 * v);
                float s_w = scalp_scalp_weight(head, m->positions_mm + 3 * v);
                s->w_vertex[v] = fmaxf(s->w_vertex[v], loss * zone * s_w);
            }
        }
    }
    double total = 0.0, integral = 0.0;
    for (int t = 0; t < m->triangle_count; ++t) {
        const uint32_t *ix = m->indices + 3 * t;
        float wa = s->w_vertex[ix[0]], wb = s->w_vertex[ix[1]], wc = s->w_vertex[ix[2]];
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
    for (int i = 0; i < s->count; ++i) w = fmaxf(w, s->w_max[i]);
    return w;
}

static void sampler_deinit(tri_sampler *s)
{
    free(s->cdf);
    free(s->w_max);
    free(s->triangle);
    free(s->w_vertex);
    memset(s, 0, sizeof *s);
}

static int sampler_pick(const tri_sampler *s, double u)
{
    double target = u * s->cdf[s->count - 1];
    int lo = 0, hi = s->count - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (s->cdf[mid] < target) lo = mid + 1;
        else hi = mid;
    }
    return lo;
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
        c->position_mm[k] = c->b[0] * m->positions_mm[3 * ix[0] + k] + c->b[1] * m->positions_mm[3 * ix[1] + k] +
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
    for (int k = 0; k < 3; ++k) d->normal[k] = n[k] / len;
    for (int k = 0; k < 2; ++k)
        d->uv[k] = c->b[0] * m->uvs[2 * ix[0] + k] + c->b[1] * m->uvs[2 * ix[1] + k] + c->b[2] * m->uvs[2 * ix[2] + k];
}

/* Moves a copy of centre dot d by (du, dv) mm in its tangent plane. The uv moves with the chart's local
 * scale (uv_scale_mm per unit at the chart centre; at 0.6 mm the chart's stretch changes it by < 0.3 mm). */
static void dot_offset(const scalp_head *head, const pigment_dot *d, float du, float dv, pigment_dot *out)
{
    *out = *d;
    const float *n = d->normal;
    /* A tangent frame: e1 perpendicular to n in the plane of n and the head's y axis (or x near the poles). */
    float a[3] = {0.0f, 1.0f, 0.0f};
    if (fabsf(n[1]) > 0.9f) a[0] = 1.0f, a[1] = 0.0f;
    float e1[3] = {a[1] * n[2] - a[2] * n[1], a[2] * n[0] - a[0] * n[2], a[0] * n[1] - a[1] * n[0]};
    float l = sqrtf(e1[0] * e1[0] + e1[1] * e1[1] + e1[2] * e1[2]);
    for (int k = 0; k < 3; ++k) e1[k] /= l;
    float e2[3] = {n[1] * e1[2] - n[2] * e1[1], n[2] * e1[0] - n[0] * e1[2], n[0] * e1[1] - n[1] * e1[0]};
    for (int k = 0; k < 3; ++k) out->position_mm[k] = d->position_mm[k] + du * e1[k] + dv * e2[k];
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
static void cluster_offsets(int k, float s, smp_rng *rng, float off[3][2])
{
    float a = (float)(2.0 * SMP_PI * smp_rng_uniform(rng));
    float r = k == 2 ? 0.5f * s : s / sqrtf(3.0f);
    for (int i = 0; i < 3; ++i) {
        float ri = k == 1 ? 0.0f : r * fminf(fmaxf(1.0f + 0.15f * (float)smp_rng_normal(rng), 0.7f), 1.3f);
        float ai = a + (float)(2.0 * SMP_PI) * (float)i / (float)k;
        off[i][0] = ri * cosf(ai);
        off[i][1] = ri * sinf(ai);
    }
}

smp_status pigment_field_create(pigment_field *field, const scalp_head *head, const plan *pl, smp_error *err)
{
    return pigment_field_create_with_scars(field, head, pl, NULL, err);
}

smp_status pigment_field_create_with_scars(pigment_field *field, const scalp_head *head, const plan *pl,
                                           const scalp_scar_set *scars, smp_error *err)
{
    memset(field, 0, sizeof *field);
    layer_spec layers[PLAN_MAX_SESSIONS + PLAN_MAX_TOUCH_UPS];
    int layer_count = plan_layers(pl, layers);
    field->layer_count = layer_count;

    tri_sampler sampler = {0};
    dot_hash hash = {0};
    float(*centres)[3] = NULL;
    smp_status st = SMP_OK;
    long long capacity = 0;
    if (sampler_init(&sampler, head, pl, scars) != SMP_OK) {
        st = SMP_ERR_NOMEM;
        goto fail;
    }
    field->treated_area_cm2 = sampler.weighted_area_mm2 / 100.0;

    double total_density = 0.0;
    int targets[PLAN_MAX_SESSIONS + PLAN_MAX_TOUCH_UPS];
    for (int l = 0; l < layer_count; ++l) {
        field->layer_day[l] = layers[l].day;
        targets[l] = (int)lround(layers[l].density_per_cm2 * field->treated_area_cm2);
        capacity += targets[l];
        total_density += layers[l].density_per_cm2;
    }
    if (capacity > PIGMENT_MAX_DOTS) {
        sampler_deinit(&sampler);
        return smp_error_set(err, SMP_ERR_INPUT,
                             "sessions: the plan asks for %lld dots (density x %.0f cm2 treated), at most %d",
                             capacity, field->treated_area_cm2, PIGMENT_MAX_DOTS);
    }
    if (capacity == 0 || total_density <= 0.0 || sampler.count == 0) goto done;

    field->dots = malloc(sizeof *field->dots * (size_t)capacity);
    centres = malloc(sizeof *centres * (size_t)capacity);
    if (!field->dots || !centres || hash_init(&hash, (int)capacity, 1.0f) != SMP_OK) {
        st = SMP_ERR_NOMEM;
        goto fail;
    }

    const plan_clusters *cl = &pl->clusters;
    double mean_size = cluster_mean(cl);
    bool clustered = cl->double_fraction > 0.0 || cl->triple_fraction > 0.0;
    field->cluster_spacing_mm = clustered ? (float)cl->spacing_mm : 0.0f;
    field->min_spacing_mm = INFINITY;
    int centre_count = 0;
    double rho_cum_per_mm2 = 0.0;
    for (int l = 0; l < layer_count; ++l) {
        if (targets[l] == 0) continue;
        rho_cum_per_mm2 += layers[l].density_per_cm2 / 100.0 / mean_size;
        float r_base = PIGMENT_SPACING_FACTOR / (float)sqrt(rho_cum_per_mm2);
        float r_cap = 2.0f * r_base; /* at w <= 1/4 */
        field->min_spacing_mm = fminf(field->min_spacing_mm, r_base / sqrtf(fmaxf(sampler_w_top(&sampler), 0.25f)));
        /* The grid's cell is the largest radius of this layer, so a query reads 27 cells. */
        hash.cell_mm = r_cap;
        memset(hash.heads, 0xff, sizeof *hash.heads * ((size_t)hash.mask + 1));
        for (int i = 0; i < centre_count; ++i) hash_insert(&hash, (const float(*)[3])centres, i);

        smp_rng rng;
        smp_rng_init(&rng, pl->seed, (uint64_t)l);
        /* The ink load of this layer's dots (pigment.h): shades times the ink grade's load. */
        double load = pigment_ink_load_factor(pl->pigment.ink_quality);
        float shade = (float)(layers[l].shade * pl->pigment.shade * load);
        float deposit_mm = (float)pigment_deposit_diameter_mm(&pl->pigment);
        long long tries = 0, max_tries = 400LL * targets[l] + 100000;
        int placed = 0;
        while (placed < targets[l] && tries < max_tries) {
            ++tries;
            candidate c;
            int e;
            candidate_draw(&sampler, &head->mesh, &rng, &c, &e);
            if (smp_rng_uniform_f(&rng) * sampler.w_max[e] >= c.w) continue;
            float r = r_base / sqrtf(fmaxf(c.w, 0.25f));
            if (hash_any_within(&hash, (const float(*)[3])centres, c.position_mm, r)) continue;
            memcpy(centres[centre_count], c.position_mm, sizeof centres[0]);
            hash_insert(&hash, (const float(*)[3])centres, centre_count++);
            pigment_dot centre;
            candidate_to_dot(&head->mesh, &c, &centre);
            int k = cluster_size_draw(cl, &rng);
            if (k > targets[l] - placed) k = targets[l] - placed;
            float off[3][2];
            cluster_offsets(k, (float)cl->spacing_mm, &rng, off);
            for (int i = 0; i < k; ++i) {
                pigment_dot *d = &field->dots[field->count];
                if (k == 1) *d = centre;
                else dot_offset(head, &centre, off[i][0], off[i][1], d);
                d->diameter_mm = jitter(&rng, deposit_mm, 0.12f, 0.6f, 1.5f);
                d->depth_mm = fminf(fmaxf(jitter(&rng, (float)pl->pigment.depth_mm, 0.15f, 0.5f, 1.6f), 0.05f), 3.0f);
                d->ink = fminf(fmaxf(jitter(&rng, shade, 0.10f, 0.7f, 1.3f), 0.0f), PIGMENT_INK_MAX);
                /* Scar tissue keeps less ink (atrophic scars least) and loses it faster (scalp/scar.h). */
                d->fade_rate = 1.0f;
                if (scars) {
                    d->ink *= scalp_scar_pigment_uptake(scars, d->position_mm);
                    d->fade_rate = scalp_scar_fade_rate_factor(scars, d->position_mm);
                }
                d->session = l;
                field->count++;
                placed++;
            }
        }
        field->layer_dot_count[l] = placed;
    }
done:
    free(centres);
    sampler_deinit(&sampler);
    hash_deinit(&hash);
    return SMP_OK;
fail:
    free(centres);
    sampler_deinit(&sampler);
    hash_deinit(&hash);
    pigment_field_destroy(field);
    return smp_error_set(err, st, "pigment: out of memory placing %lld dots", capacity);
}

void pigment_field_destroy(pigment_field *field)
{
    if (!field) return;
    free(field->dots);
    memset(field, 0, sizeof *field);
}
