/* tone: first skin and ink colours for the renderer, before the Monte Carlo tables (issue 3) replace
 * them. Skin colour per Fitzpatrick type from the individual typology angle (ITA) classes of Chardon et al.
 * 1991 / Del Bino et al. 2006 (very light > 55°, light 41–55°, intermediate 28–41°, tan 10–28°, brown
 * −30–10°, dark < −30°), taking the middle of each class at a typical b*; the type-to-class pairing is an
 * assumption documented in docs/model.md. Plain C.
 */
#ifndef SMP_OPTICS_TONE_H
#define SMP_OPTICS_TONE_H

/* CIELAB (D65) of the skin of Fitzpatrick type 1..6 (clamped). */
void optics_tone_skin_lab(int fitzpatrick, float lab[3]);
/* Linear sRGB albedo of the skin of Fitzpatrick type 1..6. */
void optics_tone_skin_linear_rgb(int fitzpatrick, float rgb[3]);
/* Linear sRGB albedo of skin fully covered by healed carbon ink at the given depth (mm): a dark grey that
 * never reaches black (light scattered above the ink still returns), cooler with depth. */
void optics_tone_ink_linear_rgb(int fitzpatrick, double depth_mm, float rgb[3]);
/* CIELAB (D65 white) to linear sRGB, unclamped. */
void optics_tone_lab_to_linear_rgb(const float lab[3], float rgb[3]);

#endif
