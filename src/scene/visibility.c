/* visibility: scar visibility against light angle and distance; the method is in visibility.h. */
#include "scene/visibility.h"

#include "analysis/scielab.h"
#include "scene/draw.h"
#include "scene/scene.h"
#include "optics/colour.h"

#include <assert.h>
#include <cglm/cglm.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const double scene_vis_distances_m[SCENE_VIS_DISTANCES] = {0.3, 1.0, 2.0};

static const double default_angles[] = {5, 10, 15, 20, 30, 45, 60, 90};

static void params_resolve(const scene_vis_params *in, scene_vis_params *out)
{
    memset(out, 0, sizeof *out);
    if (in) *out = *in;
    if (out->angle_count <= 0) {
        out->angle_count = (int)(sizeof default_angles / sizeof default_angles[0]);
        memcpy(out->angles_deg, default_angles, sizeof default_angles);
    }
    if (out->field_mm <= 0.0) out->field_mm = SCENE_VIS_FIELD_MM;
    if (out->px_per_deg <= 0.0) out->px_per_deg = SCENE_VIS_PX_PER_DEG;
}

smp_status scene_visibility_check(const plan *pl, const scene_vis_params *in, smp_error *err)
{
    if (pl->scar_count < 1)
        return smp_error_set(err, SMP_ERR_INPUT,
                             "scars: the plan has no scar to measure (add one to \"scars\")");
    scene_vis_params p;
    params_resolve(in, &p);
    if (p.angle_count > SCENE_VIS_MAX_ANGLES)
        return smp_error_set(err, SMP_ERR_INPUT, "visibility: at most %d angles", SCENE_VIS_MAX_ANGLES);
    for (int i = 0; i < p.angle_count; ++i)
        if (!(p.angles_deg[i] >= 1.0 && p.angles_deg[i] <= 90.0) ||
            (i > 0 && p.angles_deg[i] <= p.angles_deg[i - 1]))
            return smp_error_set(err, SMP_ERR_INPUT, "visibility: angles must rise within 1..90 degrees");
    if (!(p.field_mm >= 5.0 && p.field_mm <= 200.0))
        return smp_error_set(err, SMP_ERR_INPUT, "visibility: field %g mm: must be 5..200 mm", p.field_mm);
    if (!(p.px_per_deg >= 20.0 && p.px_per_deg <= 300.0))
        return smp_error_set(err, SMP_ERR_INPUT, "visibility: %g pixels per degree: must be 20..300",
                             p.px_per_deg);
    return SMP_OK;
}

/* Where the field of scar i is centred, its normal, and the direction across it (the light comes from there):
 * a FUT line where it crosses the back midline, across the line and upwards; FUE punches: the one nearest to
 * their centre of mass, the light from above. */
static bool scar_frame(const scene_model *s, int scar, float p[3], float n[3], float across[3])
{
    const scalp_scar_set *set = &s->scars;
    for (int l = 0; l < set->line_count; ++l) {
        const scalp_scar_line *line = &set->lines[l];
        if (line->scar != scar || line->count < 2) continue;
        int best = line->first;
        float best_d = INFINITY;
        for (int k = line->first; k < line->first + line->count; ++k) {
            float d = glm_vec3_distance((float *)set->points[k].position_mm, (float *)line->midline_mm);
            if (d < best_d) best_d = d, best = k;
        }
        int a = best > line->first ? best - 1 : best,
            b = best + 1 < line->first + line->count ? best + 1 : best;
        memcpy(p, set->points[best].position_mm, 3 * sizeof(float));
        memcpy(n, set->points[best].normal, 3 * sizeof(float));
        float t[3];
        glm_vec3_sub((float *)set->points[b].position_mm, (float *)set->points[a].position_mm, t);
        glm_vec3_cross(n, t, across);
        glm_vec3_normalize(across);
        if (across[1] < 0.0f) glm_vec3_negate(across);
        return true;
    }
    double c[3] = {0, 0, 0};
    int count = 0;
    for (int i = 0; i < set->fue_count; ++i)
        if (set->fue[i].scar == scar) {
            for (int k = 0; k < 3; ++k)
                c[k] += set->fue[i].center_mm[k];
            count++;
        }
    if (count == 0) return false;
    int best = -1;
    double best_d = INFINITY;
    for (int i = 0; i < set->fue_count; ++i) {
        if (set->fue[i].scar != scar) continue;
        double d = 0.0;
        for (int k = 0; k < 3; ++k)
            d += pow(set->fue[i].center_mm[k] - c[k] / count, 2.0);
        if (d < best_d) best_d = d, best = i;
    }
    memcpy(p, set->fue[best].center_mm, 3 * sizeof(float));
    memcpy(n, set->fue[best].normal, 3 * sizeof(float));
    /* "From above": world up made tangent to the surface. */
    float up[3] = {0.0f, 1.0f, 0.0f}, d = glm_vec3_dot(up, n);
    for (int k = 0; k < 3; ++k)
        across[k] = up[k] - d * n[k];
    if (glm_vec3_norm(across) < 1e-3f) across[0] = 1.0f, across[1] = across[2] = 0.0f;
    glm_vec3_normalize(across);
    return true;
}

/* Renders the field of one scar at one light angle into rgba (size px x px). */
static smp_status render_field(render_context *rc, const scene_model *s, const float p[3], const float n[3],
                               const float across[3], double angle_deg, double field_mm, int px,
                               uint8_t *rgba, smp_error *err)
{
    scene_camera cam;
    float dist = (float)(scene_vis_distances_m[0] * 1000.0);
    for (int k = 0; k < 3; ++k)
        cam.target_mm[k] = p[k], cam.eye_mm[k] = p[k] + dist * n[k], cam.up[k] = across[k];
    cam.fov_y_deg = (float)(2.0 * atan(0.5 * field_mm / dist) * 180.0 / SMP_PI);
    scene_light light;
    memset(&light, 0, sizeof light);
    light.preset = "visibility";
    for (int k = 0; k < 3; ++k)
        light.key_radiance[k] = 1.5f, light.sky_radiance[k] = 0.25f, light.ground_radiance[k] = 0.08f;
    render_frame f;
    scene_frame(s, &cam, &light, scene_default_days(s), px, px, &f);
    double a = angle_deg * SMP_PI / 180.0;
    for (int k = 0; k < 3; ++k)
        f.light_dir[k] = (float)(cos(a) * across[k] + sin(a) * n[k]);
    return render_frame_read_srgb8(rc, &f, rgba, err);
}

/* Box-filters an sRGB8 image of side px by an integer-free factor into side out_px, in linear light. */
static void downsample(const uint8_t *in, int px, uint8_t *out, int out_px)
{
    double scale = (double)px / out_px;
    for (int y = 0; y < out_px; ++y)
        for (int x = 0; x < out_px; ++x) {
            int x0 = (int)floor(x * scale), x1 = (int)ceil((x + 1) * scale), y0 = (int)floor(y * scale),
                y1 = (int)ceil((y + 1) * scale);
            double sum[3] = {0, 0, 0};
            int count = 0;
            for (int yy = y0; yy < y1 && yy < px; ++yy)
                for (int xx = x0; xx < x1 && xx < px; ++xx, ++count)
                    for (int c = 0; c < 3; ++c)
                        sum[c] += optics_srgb8_to_linear(in[4 * ((size_t)yy * px + xx) + c]);
            for (int c = 0; c < 3; ++c)
                out[4 * ((size_t)y * out_px + x) + c] = optics_srgb8_from_linear(sum[c] / count);
            out[4 * ((size_t)y * out_px + x) + 3] = 255;
        }
}

/* Replaces every row of an sRGB8 image of side m by its mean in linear light: what is left is the structure
 * across a line that runs along the rows. */
static void rows_averaged(uint8_t *img, int m)
{
    for (int y = 0; y < m; ++y) {
        uint8_t *row = img + 4 * (size_t)y * m;
        double sum[3] = {0, 0, 0};
        for (int x = 0; x < m; ++x)
            for (int c = 0; c < 3; ++c)
                sum[c] += optics_srgb8_to_linear(row[4 * x + c]);
        for (int c = 0; c < 3; ++c) {
            uint8_t v = optics_srgb8_from_linear(sum[c] / m);
            for (int x = 0; x < m; ++x)
                row[4 * x + c] = v;
        }
    }
}

/* The 99th percentile of the S-CIELAB difference of two images of side m. */
static smp_status percentile_delta_e(const uint8_t *a, const uint8_t *b, int m, double ppd, float *de,
                                     double *out, smp_error *err)
{
    smp_status st = analysis_scielab_delta_e00(a, b, m, m, ppd, de, err);
    if (st != SMP_OK) return st;
    qsort(de, (size_t)m * m, sizeof *de, smp_cmp_float);
    *out = de[(size_t)(SCENE_VIS_PERCENTILE * ((double)m * m - 1))];
    return SMP_OK;
}

/* The visibility of one image pair at each distance; line (may be NULL): the same after each image's rows are
 * averaged (a line along the rows, scene_vis_scar.line_delta_e). */
static smp_status measure(const uint8_t *with, const uint8_t *without, int px, double px_per_deg,
                          double out[SCENE_VIS_DISTANCES], double line[SCENE_VIS_DISTANCES], smp_error *err)
{
    smp_status st = SMP_OK;
    for (int d = 0; d < SCENE_VIS_DISTANCES && st == SMP_OK; ++d) {
        double factor = scene_vis_distances_m[d] / scene_vis_distances_m[0];
        int m = (int)lround(px / factor);
        uint8_t *a = malloc((size_t)m * m * 4), *b = malloc((size_t)m * m * 4);
        float *de = malloc(sizeof *de * (size_t)m * m);
        if (!a || !b || !de) st = smp_error_set(err, SMP_ERR_NOMEM, "visibility: out of memory");
        /* The eye's sampling of the downsampled image: its pixels are factor x larger, seen factor x farther.
         */
        double ppd = px_per_deg * (double)m / px * factor;
        if (st == SMP_OK) {
            downsample(with, px, a, m);
            downsample(without, px, b, m);
            st = percentile_delta_e(a, b, m, ppd, de, &out[d], err);
        }
        if (st == SMP_OK && line) {
            rows_averaged(a, m);
            rows_averaged(b, m);
            st = percentile_delta_e(a, b, m, ppd, de, &line[d], err);
        }
        free(a), free(b), free(de);
    }
    return st;
}

/* The plan for one of the four scenes: with or without the scar, with or without SMP. */
static void variant(const plan *pl, int scar, bool keep_scar, bool smp, plan *out)
{
    *out = *pl;
    if (!keep_scar) {
        for (int i = scar; i + 1 < out->scar_count; ++i)
            out->scars[i] = out->scars[i + 1];
        out->scar_count--;
    }
    if (!smp) out->session_count = 0, out->touch_up_count = 0;
}

smp_status scene_visibility_compare_angles(render_context *rc, const plan *a, const plan *b, int scar,
                                           int angle_count, const double *angles_deg,
                                           const scene_vis_params *in, double (*out)[SCENE_VIS_DISTANCES],
                                           double (*line)[SCENE_VIS_DISTANCES], smp_error *err)
{
    assert(angle_count >= 1 && angle_count <= SCENE_VIS_MAX_ANGLES);
    scene_vis_params p;
    params_resolve(in, &p);
    double mm_per_px = scene_vis_distances_m[0] * 1000.0 * tan(SMP_PI / 180.0) / p.px_per_deg;
    int px = (int)lround(p.field_mm / mm_per_px);
    size_t bytes = (size_t)px * px * 4;
    /* images: [angle][0 plan a, 1 plan b] */
    uint8_t *images = malloc(2 * bytes * (size_t)angle_count);
    scene_model *scene = calloc(1, sizeof *scene);
    smp_status st = images && scene ? SMP_OK : smp_error_set(err, SMP_ERR_NOMEM, "visibility: out of memory");
    float c[3] = {0}, n[3] = {0, 0, 1}, across[3] = {0, 1, 0};
    /* One scene for both plans: b replaces a (scene_set_plan keeps the head, and the scars when they are the
     * same), and every angle is rendered from one build of each. */
    bool built = st == SMP_OK && (st = scene_create_from_plan(scene, a, "visibility", err)) == SMP_OK;
    for (int k = 0; k < 2 && st == SMP_OK; ++k) {
        if (k == 1 && (st = scene_set_plan(scene, b, err)) != SMP_OK) break;
        if (k == 0 && !scar_frame(scene, scar, c, n, across))
            st = smp_error_set(err, SMP_ERR_INPUT, "scars[%d]: no such scar on the head", scar);
        if (st == SMP_OK) st = scene_upload(rc, scene, err);
        for (int i = 0; i < angle_count && st == SMP_OK; ++i)
            st = render_field(rc, scene, c, n, across, angles_deg[i], p.field_mm, px,
                              images + bytes * (2 * (size_t)i + (size_t)k), err);
    }
    for (int i = 0; i < angle_count && st == SMP_OK; ++i)
        st = measure(images + bytes * 2 * (size_t)i, images + bytes * (2 * (size_t)i + 1), px, p.px_per_deg,
                     out[i], line ? line[i] : NULL, err);
    if (built) scene_destroy(scene);
    free(images);
    free(scene);
    return st;
}

smp_status scene_visibility_compare(render_context *rc, const plan *a, const plan *b, int scar,
                                    double angle_deg, const scene_vis_params *in,
                                    double out[SCENE_VIS_DISTANCES], double line[SCENE_VIS_DISTANCES],
                                    smp_error *err)
{
    double de[1][SCENE_VIS_DISTANCES], ln[1][SCENE_VIS_DISTANCES];
    smp_status st =
        scene_visibility_compare_angles(rc, a, b, scar, 1, &angle_deg, in, de, line ? ln : NULL, err);
    if (st != SMP_OK) return st;
    memcpy(out, de[0], sizeof de[0]);
    if (line) memcpy(line, ln[0], sizeof ln[0]);
    return SMP_OK;
}

/* The measurement as a job of small steps (scene/visibility.h): for each scar, with and without SMP, the
 * scene with the scar then the one without, each built in one step and rendered at one angle a step; after
 * the second scene of a pair the images are measured. */
struct scene_vis_job {
    plan pl;
    scene_vis_params p;
    scene_vis_result r;
    int px;
    size_t bytes;
    uint8_t *images; /* [angle][0 with the scar, 1 without] */
    scene_model *scene;
    bool created; /* scene exists (a later variant replaces its plan: scene_set_plan keeps the head) */
    bool built;   /* scene holds the current variant, uploaded */
    int scar, smp, keep,
        angle; /* where the job is: scar, 0 without SMP / 1 with, 1 with the scar / 0 without */
    float c[3], n[3], across[3];
    bool measuring; /* the pair is rendered: the steps measure it, angle by angle */
    bool done;
    char stage[96];
};

smp_status scene_vis_job_create(scene_vis_job **out, const plan *pl, const scene_vis_params *in,
                                smp_error *err)
{
    *out = NULL;
    smp_status st = scene_visibility_check(pl, in, err);
    if (st != SMP_OK) return st;
    scene_vis_job *j = calloc(1, sizeof *j);
    if (!j) return smp_error_set(err, SMP_ERR_NOMEM, "visibility: out of memory");
    j->pl = *pl;
    params_resolve(in, &j->p);
    j->r.angle_count = j->p.angle_count;
    memcpy(j->r.angles_deg, j->p.angles_deg, sizeof j->p.angles_deg);
    double mm_per_px = scene_vis_distances_m[0] * 1000.0 * tan(SMP_PI / 180.0) / j->p.px_per_deg;
    j->px = (int)lround(j->p.field_mm / mm_per_px);
    j->r.image_px = j->px;
    j->bytes = (size_t)j->px * j->px * 4;
    j->images = malloc(j->bytes * 2 * (size_t)j->p.angle_count);
    j->scene = calloc(1, sizeof *j->scene);
    j->keep = 1;
    if (!j->images || !j->scene) {
        scene_vis_job_destroy(j);
        return smp_error_set(err, SMP_ERR_NOMEM, "visibility: out of memory for %d x %d images", j->px,
                             j->px);
    }
    snprintf(j->stage, sizeof j->stage, "scar visibility: scar 1 of %d", pl->scar_count);
    *out = j;
    return SMP_OK;
}

void scene_vis_job_destroy(scene_vis_job *j)
{
    if (!j) return;
    if (j->created) scene_destroy(j->scene);
    free(j->scene);
    free(j->images);
    free(j);
}

/* The pair of scenes of (scar, smp) is rendered: measure it at one angle a step, then on to the next pair or
 * scar. */
static smp_status job_measure(scene_vis_job *j, smp_error *err)
{
    scene_vis_scar *r = &j->r.scars[j->r.scar_count];
    int a = j->angle;
    snprintf(j->stage, sizeof j->stage, "scar visibility: scar %d of %d, %s SMP, measuring at %.0f deg",
             j->scar + 1, j->pl.scar_count, j->smp ? "with" : "without", j->p.angles_deg[a]);
    double de[SCENE_VIS_DISTANCES], line[SCENE_VIS_DISTANCES];
    smp_status st = measure(j->images + j->bytes * 2 * (size_t)a, j->images + j->bytes * (2 * (size_t)a + 1),
                            j->px, j->p.px_per_deg, de, r->type == PLAN_SCAR_FUT ? line : NULL, err);
    if (st != SMP_OK) return st;
    for (int d = 0; d < SCENE_VIS_DISTANCES; ++d) {
        r->delta_e[j->smp][d][a] = de[d];
        r->line_delta_e[j->smp][d][a] = r->type == PLAN_SCAR_FUT ? line[d] : 0.0;
    }
    if (++j->angle < j->p.angle_count) return SMP_OK;
    j->measuring = false;
    j->keep = 1;
    if (++j->smp < 2) return SMP_OK;
    for (int k = 0; k < j->p.angle_count; ++k) {
        double ang = j->p.angles_deg[k] * SMP_PI / 180.0, ly = cos(ang) * j->across[1] + sin(ang) * j->n[1];
        r->world_elevation_deg[k] = asin(fmax(-1.0, fmin(1.0, ly))) * 180.0 / SMP_PI;
    }
    for (int k = 0; k < 3; ++k)
        r->centre_mm[k] = j->c[k], r->normal[k] = j->n[k];
    j->r.scar_count++;
    j->smp = 0;
    if (++j->scar >= j->pl.scar_count) j->done = true;
    return SMP_OK;
}

smp_status scene_vis_job_step(scene_vis_job *j, render_context *rc, smp_error *err)
{
    if (j->done) return SMP_OK;
    if (j->measuring) return job_measure(j, err);
    int i = j->scar;
    if (!j->built) { /* this step builds the scene of (scar, smp, keep) and uploads it */
        if (j->smp == 0 && j->keep == 1) {
            scene_vis_scar *r = &j->r.scars[j->r.scar_count];
            r->scar = i;
            r->type = j->pl.scars[i].type;
            r->depth_mm = j->pl.scars[i].depth_mm;
        }
        snprintf(j->stage, sizeof j->stage,
                 "scar visibility: scar %d of %d, %s SMP, %s the scar: building the scene", i + 1,
                 j->pl.scar_count, j->smp ? "with" : "without", j->keep ? "with" : "without");
        plan v;
        variant(&j->pl, i, j->keep, j->smp, &v);
        /* One scene for every variant: the first is built, the others replace its plan (scene_set_plan keeps
         * the head, the same for all of them, and rebuilds the rest). */
        smp_status st;
        if (j->created)
            st = scene_set_plan(j->scene, &v, err);
        else
            j->created = (st = scene_create_from_plan(j->scene, &v, "visibility", err)) == SMP_OK;
        if (st != SMP_OK) return st;
        j->built = true;
        /* The frame comes from the scene with the scar (the same for both scenes: the head is the plan's). */
        if (j->keep && j->smp == 0 && !scar_frame(j->scene, i, j->c, j->n, j->across))
            return smp_error_set(err, SMP_ERR_INPUT, "scars[%d]: does not lie on the head", i);
        j->angle = 0;
        return scene_upload(rc, j->scene, err);
    }
    /* this step renders the scene at one angle */
    int a = j->angle;
    snprintf(j->stage, sizeof j->stage,
             "scar visibility: scar %d of %d, %s SMP, %s the scar, light at %.0f deg", i + 1,
             j->pl.scar_count, j->smp ? "with" : "without", j->keep ? "with" : "without", j->p.angles_deg[a]);
    smp_status st = render_field(rc, j->scene, j->c, j->n, j->across, j->p.angles_deg[a], j->p.field_mm,
                                 j->px, j->images + j->bytes * (2 * (size_t)a + (j->keep ? 0 : 1)), err);
    if (st != SMP_OK) return st;
    j->r.renders++;
    if (j->p.progress) j->p.progress(j->p.progress_user, scene_vis_job_fraction(j), "scar visibility");
    if (++j->angle < j->p.angle_count) return SMP_OK;
    j->built = false;
    j->angle = 0;
    if (j->keep)
        j->keep = 0;
    else
        j->measuring = true;
    return SMP_OK;
}

bool scene_vis_job_done(const scene_vis_job *j)
{
    return j->done;
}

double scene_vis_job_fraction(const scene_vis_job *j)
{
    return (double)j->r.renders / (4.0 * j->pl.scar_count * j->p.angle_count);
}

const char *scene_vis_job_stage(const scene_vis_job *j)
{
    return j->stage;
}

const scene_vis_result *scene_vis_job_result(const scene_vis_job *j)
{
    return &j->r;
}

smp_status scene_visibility_run(render_context *rc, const plan *pl, const scene_vis_params *in,
                                scene_vis_result *out, smp_error *err)
{
    memset(out, 0, sizeof *out);
    scene_vis_job *j;
    smp_status st = scene_vis_job_create(&j, pl, in, err);
    while (st == SMP_OK && !j->done)
        st = scene_vis_job_step(j, rc, err);
    if (j) *out = j->r; /* on failure: the scars measured so far */
    scene_vis_job_destroy(j);
    return st;
}
