/* Shared between table.c (look-up, JSON, the real-time form) and bake.c (the Monte Carlo bake). */
#ifndef SMP_OPTICS_TABLE_INTERNAL_H
#define SMP_OPTICS_TABLE_INTERNAL_H

#include "optics/table.h"

/* Darkening, mm², of the real-time form on one channel with gains g0 (sharp term) and g1 (diffuse term)
 * instead of look->gain, within radius_mm of the centre (<= 0: over the whole surface):
 * integral R_skin (1 - exp(-c(r) ln(R_skin / R_cov))) dA. */
double optics_table_formula_deficit_mm2(const optics_dot_look *look, int channel, double diameter_mm, double g0,
                                        double g1, double radius_mm);

#endif
