/* Dot placement: dart throwing (random sequential adsorption) with a spatially varying radius.
 *
 * Candidates are drawn uniformly by area over the mesh (triangle CDF, then uniform barycentric point) and
 * kept with probability w(p) / w_max(triangle), where w is the treatment weight, so the expected density
 * follows density x w. A kept candidate is accepted only when no dot (of this or an earlier layer) lies
 * within r(p) = F / sqrt(rho_cum * max(w, 1/4)), rho_cum being the density of all layers so far: this is the
 * Poisson-disk condition (Dunbar & Humphreys 2006 discuss the maximal variant; we stop at the target count
 * instead, well below the jamming limit). Later layers use the larger cumulative density, hence a smaller
 * radius, and so fall between the dots already there.
 *
 * Distances are straight-line (chord) distances between surface points. For radii under 3 mm on a head
 * whose surface curvature radius exceeds 40 mm, the chord is shorter than the geodesic by r^3 / (24 R^2)
 * < 0.0007 mm: true surface distance for every practical purpose.
 */
#include "pigment/pigment.h"

#include "core/rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

static void hash_insert(dot_hash *hash, const pigment_dot *dots, int i)
{
    int c[3];
    cell_of(hash, dots[i].position_mm, c);
    uint32_t b = cell_key(c[0], c[1], c[2]) & hash->mask;
    hash->next[i] = hash->heads[b];
    hash->heads[b] = i;
}

/* True when some dot lies closer than r to p. Buckets may mix cells (hash collisions): harmless, the
 * distance test decides. */
static bool hash_any_within(const dot_hash *hash, const pigment_dot *dots, const float p[3], float r)
{
    int c[3];
    cell_of(hash, p, c);
    float r2 = r * r;
    for (int dz = -1; dz <= 1; ++dz)
        for (int dy = -1; dy <= 1; ++dy)
            for (int dx = -1; dx <= 1; ++dx) {
                uint32_t b = cell_key(c[0] + dx, c[1] + dy, c[2] + dz) & hash->mask;
                for (int j = hash->heads[b]; j >= 0; j = hash->next[j]) {
                    const float *q = dots[j].position_mm;
                    float ex = q[0] - p[0], ey = q[1] - p[1], ez = q[2] - p[2];
                    if (ex * ex + ey * ey + ez * ez < r2) return true;
                }
            }
    return false;
}

/* Per-triangle sampling data: a CDF of area x (upper bound of the weight), and that bound. */
typedef struct tri_sampler {
    double *cdf;
    float *w_max;
    int count;
} tri_sampler;

static smp_status sampler_init(tri_sampler *s, const scalp_head *head, const plan *pl)
{
    const scalp_mesh *m = &head->mesh;
    s->count = m->triangle_count;
    s->cdf = malloc(sizeof *s->cdf * (size_t)m->triangle_count);
    s->w_max = malloc(sizeof *s->w_max * (size_t)m->triangle_count);
    float *wv = malloc(sizeof *wv * (size_t)m->vertex_count);
    if (!s->cdf || !s->w_max || !wv) {
        free(wv);
        return SMP_ERR_NOMEM;
    }
    for (int v = 0; v < m->vertex_count; ++v) wv[v] = scalp_treatment_weight(head, pl, m->positions_mm + 3 * v);
    double total = 0.0;
    for (int t = 0; t < m->triangle_count; ++t) {
        const uint32_t *ix = m->indices + 3 * t;
        const float *a = m->positions_mm + 3 * ix[0], *b = m->positions_mm + 3 * ix[1],
                    *c = m->positions_mm + 3 * ix[2];
        float centroid[3];
        for (int k = 0; k < 3; ++k) centroid[k] = (a[k] + b[k] + c[k]) / 3.0f;
        float w = fmaxf(fmaxf(wv[ix[0]], wv[ix[1]]), fmaxf(wv[ix[2]], scalp_treatment_weight(head, pl, centroid)));
        /* The weight is smooth on the scale of a triangle: a 25 % margin bounds it inside the triangle;
         * the rare excess is clamped, which biases density by far less than the 5 % the tests allow. */
        w = w > 0.0f ? fminf(1.0f, w * 1.25f + 0.02f) : 0.0f;
        double e1[3], e2[3];
        for (int k = 0; k < 3; ++k) {
            e1[k] = b[k] - a[k];
            e2[k] = c[k] - a[k];
        }
        double cx = e1[1] * e2[2] - e1[2] * e2[1], cy = e1[2] * e2[0] - e1[0] * e2[2],
               cz = e1[0] * e2[1] - e1[1] * e2[0];
        double area = 0.5 * sqrt(cx * cx + cy * cy + cz * cz);
        s->w_max[t] = w;
        total += area * w;
        s->cdf[t] = total;
    }
    free(wv);
    return SMP_OK;
}

static void sampler_deinit(tri_sampler *s)
{
    free(s->cdf);
    free(s->w_max);
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

/* A uniform point on triangle t with its interpolated normal and uv. */
static void sample_triangle(const scalp_mesh *m, int t, smp_rng *rng, pigment_dot *d)
{
    float r1 = sqrtf(smp_rng_uniform_f(rng)), r2 = smp_rng_uniform_f(rng);
    float wa = 1.0f - r1, wb = r1 * (1.0f - r2), wc = r1 * r2;
    const uint32_t *ix = m->indices + 3 * t;
    float n[3];
    for (int k = 0; k < 3; ++k) {
        d->position_mm[k] = wa * m->positions_mm[3 * ix[0] + k] + wb * m->positions_mm[3 * ix[1] + k] +
                            wc * m->positions_mm[3 * ix[2] + k];
        n[k] = wa * m->normals[3 * ix[0] + k] + wb * m->normals[3 * ix[1] + k] + wc * m->normals[3 * ix[2] + k];
    }
    float len = sqrtf(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    for (int k = 0; k < 3; ++k) d->normal[k] = n[k] / len;
    for (int k = 0; k < 2; ++k)
        d->uv[k] = wa * m->uvs[2 * ix[0] + k] + wb * m->uvs[2 * ix[1] + k] + wc * m->uvs[2 * ix[2] + k];
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

smp_status pigment_field_create(pigment_field *field, const scalp_head *head, const plan *pl, smp_error *err)
{
    memset(field, 0, sizeof *field);
    layer_spec layers[PLAN_MAX_SESSIONS + PLAN_MAX_TOUCH_UPS];
    int layer_count = plan_layers(pl, layers);
    field->layer_count = layer_count;
    field->treated_area_cm2 = scalp_treated_area_cm2(head, pl);

    double total_density = 0.0;
    int targets[PLAN_MAX_SESSIONS + PLAN_MAX_TOUCH_UPS];
    long long capacity = 0;
    for (int l = 0; l < layer_count; ++l) {
        field->layer_day[l] = layers[l].day;
        targets[l] = (int)lround(layers[l].density_per_cm2 * field->treated_area_cm2);
        capacity += targets[l];
        total_density += layers[l].density_per_cm2;
    }
    if (capacity > PIGMENT_MAX_DOTS)
        return smp_error_set(err, SMP_ERR_INPUT,
                             "sessions: the plan asks for %lld dots (density x %.0f cm2 treated), at most %d",
                             capacity, field->treated_area_cm2, PIGMENT_MAX_DOTS);
    if (capacity == 0 || total_density <= 0.0) return SMP_OK;

    tri_sampler sampler = {0};
    dot_hash hash = {0};
    smp_status st = SMP_OK;
    field->dots = malloc(sizeof *field->dots * (size_t)capacity);
    if (!field->dots || sampler_init(&sampler, head, pl) != SMP_OK) {
        st = SMP_ERR_NOMEM;
        goto fail;
    }
    if (sampler.cdf[sampler.count - 1] <= 0.0) goto done; /* nothing treated */

    field->min_spacing_mm = INFINITY;
    double rho_cum_per_mm2 = 0.0;
    for (int l = 0; l < layer_count; ++l) {
        if (targets[l] == 0) continue;
        rho_cum_per_mm2 += layers[l].density_per_cm2 / 100.0;
        float r_base = PIGMENT_SPACING_FACTOR / (float)sqrt(rho_cum_per_mm2);
        float r_cap = 2.0f * r_base; /* at w <= 1/4 */
        field->min_spacing_mm = fminf(field->min_spacing_mm, r_base);
        hash_deinit(&hash);
        if (hash_init(&hash, (int)capacity, r_cap) != SMP_OK) {
            st = SMP_ERR_NOMEM;
            goto fail;
        }
        for (int i = 0; i < field->count; ++i) hash_insert(&hash, field->dots, i);

        smp_rng rng;
        smp_rng_init(&rng, pl->seed, (uint64_t)l);
        float shade = (float)(layers[l].shade * pl->pigment.shade);
        long long tries = 0, max_tries = 400LL * targets[l] + 100000;
        int placed = 0;
        while (placed < targets[l] && tries < max_tries) {
            ++tries;
            int t = sampler_pick(&sampler, smp_rng_uniform(&rng));
            pigment_dot *d = &field->dots[field->count];
            sample_triangle(&head->mesh, t, &rng, d);
            float w = scalp_treatment_weight(head, pl, d->position_mm);
            if (smp_rng_uniform_f(&rng) * sampler.w_max[t] >= w) continue;
            float r = r_base / sqrtf(fmaxf(w, 0.25f));
            if (hash_any_within(&hash, field->dots, d->position_mm, r)) continue;
            d->diameter_mm = jitter(&rng, (float)pl->pigment.dot_diameter_mm, 0.12f, 0.6f, 1.5f);
            d->depth_mm = fminf(fmaxf(jitter(&rng, (float)pl->pigment.depth_mm, 0.15f, 0.5f, 1.6f), 0.05f), 3.0f);
            d->ink = fminf(fmaxf(jitter(&rng, shade, 0.10f, 0.7f, 1.3f), 0.0f), 1.0f);
            d->session = l;
            hash_insert(&hash, field->dots, field->count);
            field->count++;
            placed++;
        }
        field->layer_dot_count[l] = placed;
    }
done:
    sampler_deinit(&sampler);
    hash_deinit(&hash);
    return SMP_OK;
fail:
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
