#include "scene/scene.h"

#include "optics/colour.h"
#include "optics/skin.h"
#include "scalp/hair_shape.h"

#include "core/embed.h"

#include <cglm/cglm.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

extern const smp_embedded_file smp_embedded_tables[];

/* The parts' identities (scene_model.head_id ...): the one counter of the process (the one global of scene/),
 * atomic so that scenes may be built on several threads at once. Starts at 1: 0 means unknown to the
 * renderer. */
static atomic_uint_fast64_t part_ids = 1;

static uint64_t part_id_new(void)
{
    return (uint64_t)atomic_fetch_add(&part_ids, 1);
}

static smp_status scene_build(scene_model *s, const plan *pl, const char *source, const scene_model *base,
                              smp_log_fn warn, smp_error *err);

/* The plan's photo (head.photo) baked onto head's chart, or else a scanned head's own colours; an empty map
 * without either. What it covers goes to warn at SMP_LOG_INFO. Errors name the field. */
static smp_status skin_map_build(const scalp_head *head, const plan_head *ph, smp_log_fn warn,
                                 scalp_skin_map *map, smp_error *err)
{
    memset(map, 0, sizeof *map);
    scalp_photo_hair hair =
        ph->photo_hair == PLAN_PHOTO_HAIR_REMOVE ? SCALP_PHOTO_HAIR_REMOVE : SCALP_PHOTO_HAIR_KEEP;
    if (!ph->photo[0]) {
        /* A scan's own colours, where it has them (a photo, when given, takes their place). */
        if (!head->vertex_rgb) return SMP_OK;
        smp_status st = scalp_skin_map_from_vertex_colours(head, head->vertex_rgb, head->vertex_rgb_weight,
                                                           hair, 0, map, err);
        if (st != SMP_OK) {
            smp_error_prefix(err, "head.mesh");
            return st;
        }
        smp_log(warn, NULL, SMP_LOG_INFO,
                "head.mesh: the scan's own colours cover %.0f cm2 of the head (hair %.0f cm2, %s); their "
                "shading removed, the skin's luminance varies by %.1f %% instead of %.1f %%",
                map->covered_cm2, map->hair_cm2, hair == SCALP_PHOTO_HAIR_KEEP ? "kept" : "removed",
                100.0 * map->residual_spread, 100.0 * map->shading_spread);
        return SMP_OK;
    }
    double t0 = smp_now_s();
    scalp_image img;
    smp_status st = scalp_image_load(ph->photo, NULL, &img, err);
    if (st == SMP_OK) {
        scene_camera c = scene_photo_camera(head, ph);
        scalp_photo_camera pc;
        memcpy(pc.eye_mm, c.eye_mm, sizeof pc.eye_mm);
        memcpy(pc.target_mm, c.target_mm, sizeof pc.target_mm);
        memcpy(pc.up, c.up, sizeof pc.up);
        pc.fov_y_deg = c.fov_y_deg;
        st = scalp_skin_map_from_photo(head, &img, &pc, hair, 0, map, err);
        if (st == SMP_ERR_INPUT) smp_error_prefix(err, ph->photo);
        scalp_image_free(&img);
    }
    if (st != SMP_OK) {
        smp_error_prefix(err, "head.photo");
        return st;
    }
    smp_log(warn, NULL, SMP_LOG_INFO,
            "head.photo: %s covers %.0f cm2 of the head (hair %.0f cm2, %s); its shading removed, the skin's "
            "luminance varies by %.1f %% instead of %.1f %% (read and baked in %.2f s)",
            ph->photo, map->covered_cm2, map->hair_cm2,
            map->hair == SCALP_PHOTO_HAIR_KEEP ? "kept" : "removed", 100.0 * map->residual_spread,
            100.0 * map->shading_spread, smp_now_s() - t0);
    return SMP_OK;
}

smp_status scene_load(scene_model *s, const scene_source *src, smp_log_fn warn, smp_error *err)
{
    memset(s, 0, sizeof *s);
    plan pl;
    smp_status st = plan_load(&pl, src->plan_path, src->sets, src->set_count, warn, NULL, err);
    if (st != SMP_OK) return st;
    if (src->has_seed) pl.seed = src->seed;
    return scene_build(s, &pl, src->plan_path ? src->plan_path : "built-in plan", NULL, warn, err);
}

smp_status scene_create_from_plan(scene_model *s, const plan *pl, const char *source, smp_error *err)
{
    return scene_build(s, pl, source, NULL, NULL, err);
}

smp_status scene_create_from_plan_like(scene_model *s, const plan *pl, const scene_model *base,
                                       const char *source, smp_error *err)
{
    return scene_build(s, pl, source, base, NULL, err);
}

/* base (may be NULL): the dots are placed as a change of base's (pigment_field_create_stable). */
static smp_status scene_build(scene_model *s, const plan *pl, const char *source, const scene_model *base,
                              smp_log_fn warn, smp_error *err)
{
    memset(s, 0, sizeof *s);
    s->warn = warn;
    smp_status st = plan_validate(pl, source, err);
    if (st != SMP_OK) return st;
    s->plan = *pl;
    st = scalp_head_create_logged(&s->head, &s->plan.head, s->plan.patient.sex, warn, NULL, err);
    if (st != SMP_OK) {
        smp_error_prefix(err, source);
        return st;
    }
    st = skin_map_build(&s->head, &s->plan.head, warn, &s->skin_map, err);
    if (st == SMP_OK) st = scalp_scar_set_create(&s->scars, &s->head, &s->plan, err);
    double t0 = smp_now_s();
    if (st == SMP_OK)
        st = base ? pigment_field_create_stable(&s->field, &s->head, &s->plan, &s->scars, &base->plan,
                                                &base->scars, err)
                  : pigment_field_create_with_scars(&s->field, &s->head, &s->plan, &s->scars, err);
    s->placement_s = smp_now_s() - t0;
    if (st != SMP_OK) {
        smp_error_prefix(err, source);
        scene_destroy(s);
        return st;
    }
    scalp_hair_params hair_params;
    scalp_hair_params_default(&hair_params, &s->plan.patient);
    hair_params.scars = &s->scars;
    hair_params.photo = &s->skin_map;
    st = scalp_hair_create(&s->hair, &s->head, &s->plan, &hair_params, err);
    if (st == SMP_OK) st = scalp_hair_shape(&s->hair, &s->head, &s->plan, NULL, err);
    if (st != SMP_OK) {
        scene_destroy(s);
        return st;
    }
    s->optics = scene_optics_table_load(err);
    if (!s->optics) {
        scene_destroy(s);
        return err->status;
    }
    s->head_id = part_id_new();
    s->dots_id = part_id_new();
    s->scars_id = part_id_new();
    s->hair_id = part_id_new();
    s->skin_map_id = part_id_new();
    return SMP_OK;
}

/* The head's fields without its photo's, which change only the skin map (for comparing two heads' geometry).
 */
static void head_photo_clear(plan_head *h)
{
    memset(h->photo, 0, sizeof h->photo);
    h->photo_azimuth_deg = h->photo_elevation_deg = h->photo_distance_m = h->photo_fov_deg = 0.0;
    h->photo_hair = PLAN_PHOTO_HAIR_KEEP;
}

smp_status scene_set_plan(scene_model *s, const plan *pl, smp_error *err)
{
    smp_status st = plan_validate(pl, "plan", err);
    if (st != SMP_OK) return st;
    /* The head is rebuilt only when its measures, its scan or the patient's sex changed, the skin map when
     * the head or the photo did, the scars when the head, the seed or the scars did (scalp/scar.h: the layout
     * depends on nothing else), the hair when any of those or what it reads of the plan did
     * (scalp_hair_plans_share); the dots always are. Nothing is replaced until everything is built, so a
     * failure leaves the scene as it was. */
    plan_head geometry_new = pl->head, geometry_now = s->plan.head;
    head_photo_clear(&geometry_new);
    head_photo_clear(&geometry_now);
    bool same_head = memcmp(&geometry_new, &geometry_now, sizeof geometry_new) == 0 &&
                     pl->patient.sex == s->plan.patient.sex;
    bool same_map = same_head && memcmp(&pl->head, &s->plan.head, sizeof pl->head) == 0;
    bool same_scars = same_head && pl->seed == s->plan.seed && pl->scar_count == s->plan.scar_count &&
                      memcmp(pl->scars, s->plan.scars, sizeof pl->scars[0] * (size_t)pl->scar_count) == 0;
    bool same_hair = same_head && same_map && same_scars && scalp_hair_plans_share(pl, &s->plan);
    scalp_head head = s->head;
    scalp_scar_set scars = s->scars;
    scalp_skin_map skin_map = s->skin_map;
    pigment_field field;
    scalp_hair hair = {0};
    if (!same_head &&
        (st = scalp_head_create_logged(&head, &pl->head, pl->patient.sex, s->warn, NULL, err)) != SMP_OK)
        return st;
    if (!same_map && (st = skin_map_build(&head, &pl->head, s->warn, &skin_map, err)) != SMP_OK) {
        if (!same_head) scalp_head_destroy(&head);
        return st;
    }
    if (!same_scars && (st = scalp_scar_set_create(&scars, &head, pl, err)) != SMP_OK) {
        if (!same_map) scalp_skin_map_destroy(&skin_map);
        if (!same_head) scalp_head_destroy(&head);
        return st;
    }
    scalp_hair_params hair_params;
    scalp_hair_params_default(&hair_params, &pl->patient);
    hair_params.scars = &scars;
    hair_params.photo = &skin_map;
    if ((st = pigment_field_create_with_scars(&field, &head, pl, &scars, err)) != SMP_OK) {
        if (!same_scars) scalp_scar_set_destroy(&scars);
        if (!same_map) scalp_skin_map_destroy(&skin_map);
        if (!same_head) scalp_head_destroy(&head);
        return st;
    }
    if (same_hair)
        hair = s->hair;
    else if ((st = scalp_hair_create(&hair, &head, pl, &hair_params, err)) != SMP_OK ||
             (st = scalp_hair_shape(&hair, &head, pl, NULL, err)) != SMP_OK) {
        scalp_hair_destroy(&hair);
        pigment_field_destroy(&field);
        if (!same_scars) scalp_scar_set_destroy(&scars);
        if (!same_map) scalp_skin_map_destroy(&skin_map);
        if (!same_head) scalp_head_destroy(&head);
        return st;
    }
    if (!same_hair) scalp_hair_destroy(&s->hair);
    pigment_field_destroy(&s->field);
    if (!same_scars) scalp_scar_set_destroy(&s->scars);
    if (!same_map) scalp_skin_map_destroy(&s->skin_map);
    if (!same_head) scalp_head_destroy(&s->head);
    s->head = head;
    s->scars = scars;
    s->skin_map = skin_map;
    s->field = field;
    s->hair = hair;
    s->hair.params.scars = &s->scars; /* it was built against the local copies above */
    s->hair.params.photo = &s->skin_map;
    s->plan = *pl;
    if (!same_head) s->head_id = part_id_new();
    if (!same_map) s->skin_map_id = part_id_new();
    if (!same_scars) s->scars_id = part_id_new();
    if (!same_hair) s->hair_id = part_id_new();
    s->dots_id = part_id_new();
    return SMP_OK;
}

smp_status scene_set_plan_dots(scene_model *s, const plan *pl, smp_error *err)
{
    smp_status st = plan_validate(pl, "plan", err);
    if (st != SMP_OK) return st;
    pigment_field field;
    if ((st = pigment_field_create_with_scars(&field, &s->head, pl, &s->scars, err)) != SMP_OK) return st;
    pigment_field_destroy(&s->field);
    s->field = field;
    s->plan = *pl;
    s->dots_id = part_id_new();
    return SMP_OK;
}

optics_table *scene_optics_table_load(smp_error *err)
{
    const smp_embedded_file *f = smp_embedded_find(smp_embedded_tables, "tables.json");
    if (!f) {
        smp_error_set(err, SMP_ERR_IO, "optics tables: not embedded in this build");
        return NULL;
    }
    optics_table *t = malloc(sizeof *t);
    if (!t) {
        smp_error_set(err, SMP_ERR_NOMEM, "optics tables: out of memory");
        return NULL;
    }
    if (optics_table_parse_json(t, (const char *)f->data, f->size, "tables.json (built in)", err) != SMP_OK) {
        free(t);
        return NULL;
    }
    return t;
}

void scene_destroy(scene_model *s)
{
    if (!s) return;
    scalp_scar_set_destroy(&s->scars);
    scalp_hair_destroy(&s->hair);
    scalp_skin_map_destroy(&s->skin_map);
    pigment_field_destroy(&s->field);
    scalp_head_destroy(&s->head);
    free(s->optics);
    s->optics = NULL;
}

double scene_timeline_days(double u, double healed_day)
{
    double split = healed_day + 30.0, end = SCENE_TIMELINE_END_YEARS * 365.25;
    if (u <= SCENE_TIMELINE_HEALING) return u / SCENE_TIMELINE_HEALING * split;
    return split + (u - SCENE_TIMELINE_HEALING) / (1.0 - SCENE_TIMELINE_HEALING) * (end - split);
}

double scene_timeline_position(double days, double healed_day)
{
    double split = healed_day + 30.0, end = SCENE_TIMELINE_END_YEARS * 365.25;
    if (days <= split) return days / split * SCENE_TIMELINE_HEALING;
    return fmin(1.0,
                SCENE_TIMELINE_HEALING + (days - split) / (end - split) * (1.0 - SCENE_TIMELINE_HEALING));
}

double scene_default_days(const scene_model *s)
{
    return plan_healed_day(&s->plan);
}

static void head_centre(const scalp_head *head, float c[3])
{
    /* The middle of the head from the vertex down to the chin: an adult head is about 230 mm from vertex to
     * menton (anthropometric mean), so the centre sits 115 mm below the vertex, over the ear canals. */
    const float *v = head->landmarks_mm[SCALP_LM_VERTEX];
    c[0] = 0.0f;
    c[1] = v[1] - 115.0f;
    c[2] = 0.0f;
}

static scene_camera look_from(const float target[3], const float dir[3], float distance, float fov_y_deg)
{
    scene_camera cam;
    vec3 d = {dir[0], dir[1], dir[2]};
    glm_vec3_normalize(d);
    for (int k = 0; k < 3; ++k) {
        cam.target_mm[k] = target[k];
        cam.eye_mm[k] = target[k] + d[k] * distance;
    }
    /* Up is +y unless looking along it; then the face (+z) is up in the image. */
    cam.up[0] = 0.0f, cam.up[1] = 1.0f, cam.up[2] = 0.0f;
    if (fabsf(d[1]) > 0.95f) cam.up[1] = 0.0f, cam.up[2] = 1.0f;
    cam.fov_y_deg = fov_y_deg;
    return cam;
}

scene_camera scene_photo_camera(const scalp_head *head, const plan_head *ph)
{
    float c[3];
    head_centre(head, c);
    double az = ph->photo_azimuth_deg * SMP_PI / 180.0, el = ph->photo_elevation_deg * SMP_PI / 180.0;
    float dir[3] = {(float)(cos(el) * sin(az)), (float)sin(el), (float)(cos(el) * cos(az))};
    return look_from(c, dir, (float)(ph->photo_distance_m * 1000.0), (float)ph->photo_fov_deg);
}

scene_camera scene_view_camera(const scene_model *s, scene_view view, double distance_m, double aspect)
{
    return scene_view_camera_field(s, view, distance_m, 0.0, aspect);
}

scene_camera scene_view_camera_field(const scene_model *s, scene_view view, double distance_m, double field,
                                     double aspect)
{
    const scalp_head *head = &s->head;
    const float normal_fov = 30.0f;
    float c[3];
    head_centre(head, c);
    if (scene_view_is_closeup(view)) {
        /* 60 mm (or the given field) across the wider image side from 250 mm (a phone distance). */
        const float field_mm = field > 0.0 ? (float)field : 60.0f, dist = 250.0f;
        float half_h = 0.5f * field_mm / (float)(aspect > 1.0 ? aspect : 1.0);
        float fov = 2.0f * atanf(half_h / dist) * 180.0f / (float)SMP_PI;
        float p[3], n[3];
        if (view == SCENE_VIEW_CLOSEUP_HAIRLINE) {
            /* Straddle the designed hairline, so forehead and treated scalp both show. */
            scalp_head_midline_point(head, s->plan.hairline.height_cm * 10.0 + 4.0, p, n);
            float tilt[3] = {n[0], n[1], n[2] + 0.35f};
            return look_from(p, tilt, dist, fov);
        }
        if (view == SCENE_VIEW_CLOSEUP_CROWN) {
            memcpy(p, head->landmarks_mm[SCALP_LM_CROWN], sizeof p);
            float dir[3];
            for (int k = 0; k < 3; ++k)
                dir[k] = p[k] - c[k];
            return look_from(p, dir, dist, fov);
        }
        if (view == SCENE_VIEW_CLOSEUP_SIDE) {
            /* The left side 25 mm above the ear top: the horseshoe that even a Norwood 7 keeps. */
            const float *e = head->landmarks_mm[SCALP_LM_EAR_TOP_LEFT];
            float n_best = -1.0f;
            for (int v = 0; v < head->mesh.vertex_count; ++v) {
                const float *q = head->mesh.positions_mm + 3 * v, *qn = head->mesh.normals + 3 * v;
                float dy = q[1] - (e[1] + 25.0f), dz = q[2] - e[2];
                float score = qn[0] - 0.01f * (dy * dy + dz * dz);
                if (q[0] > 0.0f && score > n_best)
                    n_best = score, memcpy(p, q, sizeof p), memcpy(n, qn, sizeof n);
            }
            return look_from(p, n, dist, fov);
        }
        /* The occipital donor area: the FUT scar's height above the nape when the plan has one, else 6 cm. */
        double h_cm = 6.0;
        for (int i = 0; i < s->plan.scar_count; ++i)
            if (s->plan.scars[i].type == PLAN_SCAR_FUT) h_cm = s->plan.scars[i].height_above_nape_cm;
        scalp_head_midline_point(head, scalp_head_midline_length_mm(head) - h_cm * 10.0, p, n);
        return look_from(p, n, dist, fov);
    }
    float radius = 160.0f; /* half the framed height: the head's 230 mm plus margins */
    float dist = distance_m > 0.0 ? (float)(distance_m * 1000.0)
                                  : radius / tanf(0.5f * normal_fov * (float)SMP_PI / 180.0f);
    float dir[3] = {0.0f, 0.0f, 1.0f};
    switch (view) {
    case SCENE_VIEW_TOP:
        dir[1] = 1.0f, dir[2] = 0.0f;
        break;
    case SCENE_VIEW_BACK:
        dir[2] = -1.0f;
        break;
    case SCENE_VIEW_LEFT:
        dir[0] = 1.0f, dir[2] = 0.0f;
        break;
    case SCENE_VIEW_RIGHT:
        dir[0] = -1.0f, dir[2] = 0.0f;
        break;
    case SCENE_VIEW_THREE_QUARTER:
        dir[0] = 0.7f, dir[1] = 0.35f, dir[2] = 0.7f;
        break;
    default:
        dir[1] = 0.12f;
        break; /* front, from slightly above eye level */
    }
    if (view == SCENE_VIEW_TOP) {
        float t[3] = {0.0f, head->landmarks_mm[SCALP_LM_VERTEX][1], 0.0f};
        return look_from(t, dir, dist, normal_fov);
    }
    return look_from(c, dir, dist, normal_fov);
}

void scene_frame(const scene_model *s, const scene_camera *cam, const scene_light *light, double t_days,
                 int width, int height, render_frame *f)
{
    render_frame_defaults(f);
    f->width = width;
    f->height = height;
    float aspect = (float)width / (float)height;
    float dist = glm_vec3_distance((float *)cam->eye_mm, (float *)cam->target_mm);
    glm_lookat((float *)cam->eye_mm, (float *)cam->target_mm, (float *)cam->up, f->view);
    glm_perspective(cam->fov_y_deg * (float)SMP_PI / 180.0f, aspect, fmaxf(dist - 400.0f, dist * 0.2f),
                    dist + 400.0f, f->proj);
    memcpy(f->eye_mm, cam->eye_mm, sizeof f->eye_mm);
    /* Azimuth 0: from the face (+z); 90: from the patient's left (+x). Elevation 90: overhead. A flash sits a
     * few centimetres from the lens, within 3 degrees of its axis at a portrait's distance: on the axis. */
    double az = light->azimuth_deg * SMP_PI / 180.0, el = light->elevation_deg * SMP_PI / 180.0;
    f->light_dir[0] = (float)(cos(el) * sin(az));
    f->light_dir[1] = (float)sin(el);
    f->light_dir[2] = (float)(cos(el) * cos(az));
    if (light->on_camera && dist > 0.0f) {
        glm_vec3_sub((float *)cam->eye_mm, (float *)cam->target_mm, f->light_dir);
        glm_vec3_normalize(f->light_dir);
    }
    memcpy(f->light_radiance, light->key_radiance, sizeof f->light_radiance);
    memcpy(f->sky_radiance, light->sky_radiance, sizeof f->sky_radiance);
    memcpy(f->ground_radiance, light->ground_radiance, sizeof f->ground_radiance);
    f->film_f0 = light->film_f0;
    f->film_roughness = light->film_roughness;
    f->film_coverage = light->film_coverage;
    int type = s->plan.patient.fitzpatrick;
    f->fitzpatrick = type;
    f->optics = s->optics;
    for (int k = 0; k < 3; ++k)
        f->skin_albedo[k] = (float)s->optics->skin_linear_rgb[type - 1][k];
    /* The pigment and the skin at this time (ageing/): every layer's state, and the fresh wounds' redness as
     * the optics sees this skin type. */
    ageing_params ap;
    ageing_params_from_plan(&s->plan, &ap);
    f->layer_count = ageing_evaluate(&ap, &s->plan, t_days, f->layers);
    double ery[3];
    smp_error ignored = {0};
    if (optics_skin_erythema_density(type, s->plan.fading.redness, ery, &ignored) == SMP_OK)
        for (int k = 0; k < 3; ++k)
            f->erythema_density[k] = (float)ery[k];
    f->flare_sigma_mm = (float)AGEING_FLARE_SIGMA_MM;
    f->flare_area_mm2 = (float)AGEING_FLARE_AREA_MM2;
    f->years = (float)(t_days / 365.25); /* the hair's loss and greying (plan.progression) */
    for (int k = 0; k < 3; ++k)
        f->hair_linear_rgb[k] = (float)optics_srgb8_to_linear(s->plan.patient.hair_color_srgb8[k]);
}
