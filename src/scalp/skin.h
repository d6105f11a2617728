/* scalp/skin: the skin's surface at the scale of a close-up: follicle openings and pores, the fine furrows
 * of its micro-relief, its sebum (the "shiny bald head") and its slow redness variation. The numbers live
 * here, with their sources (docs/model.md "Skin surface"); shaders/skin.glsl is the one implementation of
 * the procedural surface they define, and render/ passes these constants to it as uniforms.
 * Plain C: no GL, no SDL, no printing. Millimetres, head frame of scalp.h.
 *
 *     float w = scalp_scalp_weight(&head, p);               // hair-bearing skin 0..1 (scalp.h)
 *     float s = scalp_skin_sebum_weight(&head, p, w);       // how much sebum sheen p carries, 0..1
 */
#ifndef SMP_SCALP_SKIN_H
#define SMP_SCALP_SKIN_H

#include "scalp/scalp.h"

/* Follicle openings of the hair-bearing scalp: one per hair, 143 +- 28 hairs/cm^2 (146 adults, Plast Aesthet
 * Res 2017;4:150) -> 1.43 per mm^2; an opening 0.07-0.1 mm across (trichoscopy: pinpoint dots of follicular
 * and sweat-gland openings on normal scalp, Lacarrubba 2015; hair shafts 0.055-0.1 mm). Scattered at random
 * (not at the stubble's own shafts: an assumption, see docs/model.md). */
#define SCALP_SKIN_FOLLICLE_PER_MM2 1.43f
#define SCALP_SKIN_FOLLICLE_RADIUS_MIN_MM 0.035f
#define SCALP_SKIN_FOLLICLE_RADIUS_MAX_MM 0.05f
/* Pores of the face: pilosebaceous openings 0.05-0.25 mm across (Flament et al. 2015, Clin Cosmet Investig
 * Dermatol 8:85, cheeks of 2,585 women; visible "dilated" pores counted above 0.25 mm, most common on the
 * nose and forehead, Jung et al. 2014); we take one per mm^2 of 0.06-0.18 mm across (an assumption within the
 * range: the enlarged ones are rarer). */
#define SCALP_SKIN_PORE_PER_MM2 1.0f
#define SCALP_SKIN_PORE_RADIUS_MIN_MM 0.03f
#define SCALP_SKIN_PORE_RADIUS_MAX_MM 0.09f
/* Depth of an opening (its funnel), and how much darker its floor looks (a shadowed cavity; an assumption).
 */
#define SCALP_SKIN_PORE_DEPTH_MM 0.03f
#define SCALP_SKIN_PORE_DARKENING 0.12f
/* The glyphic micro-relief: a polygonal net of furrows 20-200 um deep (Bibb, Medical Modelling 2006,
 * ch. 6.17), in adults 20-40 um, deeper than 100 um only after 80 (Corcuff et al., J Soc Cosmet Chem
 * 1983;34:177); the plateaus between furrows 0.1-0.5 mm across. Two nets: the primary lines and a finer
 * secondary one. */
#define SCALP_SKIN_FURROW_SPACING_MM 0.45f
#define SCALP_SKIN_FURROW_DEPTH_MM 0.025f
#define SCALP_SKIN_FURROW_FINE_SPACING_MM 0.18f
#define SCALP_SKIN_FURROW_FINE_DEPTH_MM 0.006f
/* The scalp shows its relief less than the face (thicker, sebum-filled surface): the furrows' depth there,
 * as a fraction of the face's (an assumption). */
#define SCALP_SKIN_SCALP_FURROW_SCALE 0.4f
/* Fine albedo mottling (uneven melanin and the furrows' trapped shadow), relative amplitude over about
 * 0.6 mm (an assumption: a bare-skin close-up varies by a few tenths of L* at this scale, issue 11). */
#define SCALP_SKIN_MOTTLE_MM 0.6f
#define SCALP_SKIN_MOTTLE_AMPLITUDE 0.03f
/* Redness: blotches of more or less blood over about 12 mm, changing the skin's blood optical density by up
 * to +-this much in green (a few per cent of a*; an assumption), red and blue in haemoglobin's proportions.
 */
#define SCALP_SKIN_BLOTCH_MM 12.0f
#define SCALP_SKIN_BLOTCH_DENSITY_GREEN 0.05f
/* The share of the diffuse light that leaves the skin close enough to where it entered to keep the shading of
 * the micro-relief (the rest is blurred by the subsurface scattering, d'Eon & Luebke's narrowest term has a
 * sigma of 0.08 mm, wider than a furrow): an assumption. */
#define SCALP_SKIN_LOCAL_SHADING 0.3f
/* Sebum: a thin lipid film (squalene and triglycerides, n ~ 1.47-1.49: normal-incidence reflectance
 * 0.036-0.039) smoother than the skin under it: a second GGX lobe of this roughness, over this share of the
 * surface where sebum is most (bald scalp, forehead, nose: the sebaceous glands' densest regions); the skin's
 * own lobe keeps the rest, so the lobes share rather than add energy. Roughness and coverage are assumptions.
 */
#define SCALP_SKIN_SEBUM_F0 0.037f
#define SCALP_SKIN_SEBUM_ROUGHNESS 0.2f
#define SCALP_SKIN_SEBUM_COVERAGE 0.2f
/* Where sebum is least (cheeks, chin, neck, ears), relative to its most (an assumption). */
#define SCALP_SKIN_SEBUM_LOW 0.4f

/* How much sebum sheen surface point p carries, SCALP_SKIN_SEBUM_LOW..1: 1 on the hair-bearing scalp (its
 * weight scalp_weight from scalp_scalp_weight), the forehead and the nose, SCALP_SKIN_SEBUM_LOW elsewhere,
 * smooth over about 10 mm. Thread-safe, a few landmark comparisons. */
float scalp_skin_sebum_weight(const scalp_head *head, const float p[3], float scalp_weight);

#endif
