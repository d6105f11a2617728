/* scalp/photo: the patient's own skin colour on the head, from a photo of the scalp taken from a known view
 * (or a scan's own colours), as a map over the scalp chart that the renderer multiplies the skin's albedo by.
 * Plain C: no GL, no SDL, no printing. Millimetres, head frame of scalp.h. docs/scans.md "A photo of the
 * scalp" says how to take the photo and what the method can and cannot remove.
 *
 *     scalp_image photo;                                   // scalp/image.h
 *     scalp_photo_camera cam = {...};                      // where the photo was taken from
 *     scalp_skin_map map;
 *     if (scalp_skin_map_from_photo(&head, &photo, &cam, SCALP_PHOTO_HAIR_KEEP, 0, &map, &err) != SMP_OK)
 * ...;
 *     ... map.rgba (the renderer's texture), scalp_skin_map_sample(&map, uv, factor, &hair, &weight) ...
 *     scalp_skin_map_destroy(&map);
 *
 * The method, in four steps:
 * 1. Every texel of the chart is a point of the head's mesh (its triangles rasterised in chart space). The
 *    photo sees it when it faces the camera and no nearer surface hides it (the mesh drawn into a depth map
 *    from the camera, on the CPU); its colour is the photo's there (bilinear, sRGB decoded to linear).
 * 2. The photo's shading is removed: the light on a convex, matte head is smooth in its normal, so the
 *    photo's linear colour is fitted, per channel, as the skin's mean albedo times an irradiance of second-
 *    order spherical harmonics in the normal (nine terms: Ramamoorthi & Hanrahan 2001, "An efficient
 *    representation for irradiance environment maps"; a Lambertian surface's irradiance is 99 % in them).
 *    The fit is weighted least squares, refitted twice without the texels that depart from it by more than
 *    SCALP_PHOTO_OUTLIER (hair, moles, highlights, cast shadows). Photo / fit is then the skin's albedo
 *    relative to its mean: about 1 on plain skin, below 1 on hair, freckles, a mole, above on pale scar.
 *    Where the fitted light's mirror reflection reaches the camera, a brighter photo is a highlight, and the
 *    photo's weight fades there (SCALP_PHOTO_HIGHLIGHT_COS). Not removed: cast shadows (an ear's on the
 *    side of the head), highlights of lights the fit does not see as the main one, and colour that varies
 *    with the normal over the whole head (a tanned face above a pale scalp is read partly as light).
 * 3. The skin's mean colour stays the plan's (patient.fitzpatrick): the optics of the dots depend on it, and
 *    a photo's exposure and white balance are unknown. The photo gives how the skin varies about that mean.
 * 4. Hair in the photo (texels darker than SCALP_PHOTO_HAIR_RATIO of the fit) is kept as the photo has it,
 *    over the dots (SCALP_PHOTO_HAIR_KEEP: the plan's own hair is then not grown where the photo sees), or
 *    replaced by the skin around it (SCALP_PHOTO_HAIR_REMOVE: the plan's hair grows as without a photo).
 * Where the photo does not see the head, or sees it at a grazing angle, in shadow or near the image's edge,
 * its weight fades to 0 and the factor to 1 (the plain skin model), so no seam shows.
 */
#ifndef SMP_SCALP_PHOTO_H
#define SMP_SCALP_PHOTO_H

#include "scalp/image.h"
#include "scalp/scalp.h"

/* Where a photo was taken from: the lens at eye_mm looking at target_mm with up towards the image's top,
 * fov_y_deg the vertical field of view of the image as stored (portrait or landscape). */
typedef struct scalp_photo_camera {
    float eye_mm[3], target_mm[3], up[3];
    float fov_y_deg;
} scalp_photo_camera;

typedef enum scalp_photo_hair { SCALP_PHOTO_HAIR_KEEP = 0, SCALP_PHOTO_HAIR_REMOVE } scalp_photo_hair;

/* Texels on a side of the map over the chart's [0,1]^2: 0.45 mm on the scalp (uv_scale_mm about 455 mm),
 * as fine as a phone photo from 40-60 cm (0.15-0.25 mm a pixel) after its own blur and the dots' size. */
#define SCALP_PHOTO_MAP_SIZE 1024
/* Relative departure from the shading fit beyond which a texel does not take part in it. */
#define SCALP_PHOTO_OUTLIER 0.25f
/* A texel at most this share of the fit's luminance is hair (or another dark mark): fully so at 2/3 of it. */
#define SCALP_PHOTO_HAIR_RATIO 0.65f
/* The factor's range: the texture stores factor / 2. */
#define SCALP_PHOTO_FACTOR_MAX 1.99f
/* The palest skin is scar tissue, about 1.5 times the luminance of the skin around it (scalp/scar.h: albedo
 * to the power SCALP_SCAR_ABSORBER_FRACTION, 0.4^0.55 = 0.60 on fair skin): a texel brighter than this ratio
 * to the fit is a glint (a hair's, the sebum's) that the highlight step did not place, and its weight fades
 * to 0 at 1.2 times the ratio. */
#define SCALP_PHOTO_GLINT_RATIO 1.6f
/* The photo's weight fades out from this cosine between the normal and the view (about 66 degrees) to 0 at
 * 0.15 (81 degrees), over the last 3 % of the image at its edges, and where the fitted light falls below a
 * fifth of its mean (shadow: the fit's ratio is noise there). */
#define SCALP_PHOTO_GRAZING_COS 0.4f
/* Highlights: where the normal lies within about 37 degrees of the half-way vector between the fitted light's
 * main direction and the camera and the photo is brighter than the fit, the weight fades (fully so on the
 * mirror direction at SCALP_PHOTO_OUTLIER above the fit): a highlight is the surface's, not its colour's. */
#define SCALP_PHOTO_HIGHLIGHT_COS 0.8f

/* The map: rgba holds, per texel (row v, column u, v = 0 first), the skin's albedo factor / 2 in sRGB
 * encoding (so that dark hair keeps its precision in 8 bits) and the photo's hair as alpha; weight the
 * photo's weight 0..255 (CPU only: where its hair replaces the plan's). */
typedef struct scalp_skin_map {
    int size;
    uint8_t *rgba;   /* owned, 4 x size x size */
    uint8_t *weight; /* owned, size x size */
    scalp_photo_hair hair;
    /* What the photo covers and what the method did, for the log, the report and the tests. */
    double covered_cm2;        /* surface where the weight is above 1/2 */
    double hair_cm2;           /* of it, the photo's hair (alpha above 1/2) */
    double shading_spread;     /* over plain skin, the coefficient of variation of the photo's luminance */
    double residual_spread;    /* the same of the factor, once the shading is removed */
    float irradiance_sh[3][9]; /* the fitted light, per linear channel (basis in photo.c) */
} scalp_skin_map;

/* Bakes photo, seen from camera, onto head's chart at size texels a side (0: SCALP_PHOTO_MAP_SIZE, else
 * 64..4096). SMP_ERR_INPUT (one line) when the photo sees too little of the head to fit its light (fewer
 * than 2,000 texels, or the camera inside the head or looking away from it); SMP_ERR_NOMEM. The map is
 * zeroed on failure; on success the caller destroys it. About a second on one core: read and baked in 0.96 s
 * for a 0.5-megapixel PNG, 1.45 s for a 12-megapixel one, on the 2-core build machine while it ran other
 * work. */
smp_status scalp_skin_map_from_photo(const scalp_head *head, const scalp_image *photo,
                                     const scalp_photo_camera *camera, scalp_photo_hair hair, int size,
                                     scalp_skin_map *map, smp_error *err);
/* The same from colours given per vertex of head's mesh (a scan's own colours, linear RGB 0..1, 3 per vertex)
 * with a weight per vertex (0..1: 0 where the scan has no colour; NULL: all 1). The shading is removed as
 * for a photo (a scan's texture is photos too), without the highlight step: its colours come from many
 * views. */
smp_status scalp_skin_map_from_vertex_colours(const scalp_head *head, const float *rgb, const float *weight,
                                              scalp_photo_hair hair, int size, scalp_skin_map *map,
                                              smp_error *err);
void scalp_skin_map_destroy(scalp_skin_map *map); /* safe on a zeroed or destroyed map */

/* The map at chart point uv (nearest texel): the albedo factor, the photo's hair (0..1) and its weight
 * (0..1). A NULL or empty map gives factor 1, hair 0, weight 0. Thread-safe. */
void scalp_skin_map_sample(const scalp_skin_map *map, const float uv[2], float factor[3], float *hair,
                           float *weight);

#endif
