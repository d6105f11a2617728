/* Private to optics/: shared by table.c (the real-time form, look-up), table_fit.c (the fits) and bake.c
 * (the Monte Carlo bake). */
#ifndef SMP_OPTICS_TABLE_INTERNAL_H
#define SMP_OPTICS_TABLE_INTERNAL_H

#include "optics/table.h"

/* Darkening, mm², of the real-time form on one channel with gains g0 (sharp term) and g1 (diffuse term)
 * instead of look->gain, within radius_mm of the centre (<= 0: over the whole surface):
 * integral R_skin (1 - exp(-c(r) ln(R_skin / R_cov))) dA. */
double optics_table_formula_deficit_mm2(const optics_dot_look *look, int channel, double diameter_mm,
                                        double g0, double g1, double radius_mm);

/* Fits the cumulative radial mass y at the n radii r (0 .. ~1) with `terms` (2 or 3) normalised 2-D
 * Gaussians, non-negative weights w summing to 1 and ascending sigmas s in the units of r: grid search over
 * the log sigmas, then finer grids around the best. */
void optics_table_fit_cdf(const double *r, const double *y, int n, int terms, double *w, double *s);
/* Gains of the sharp and the diffuse term (g[0], g[1]) that give the real-time form of look on channel c both
 * the Monte Carlo's integrated darkening (total, mm²) and its darkening within the dot's own radius (foot,
 * mm², standard error foot_se); gains stay >= 0.02. The one gain for both terms that gives the total when the
 * footprint is not measured well enough (foot < 4 of its standard errors, or not inside (0, total))
 * (docs/optics-model.md 7.3). */
void optics_table_gains_solve(const optics_dot_look *look, int c, double diameter_mm, double total,
                              double foot, double foot_se, double g[2]);

#endif
