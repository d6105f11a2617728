/* Shared between table.c (look-up, JSON, the real-time form) and bake.c (the Monte Carlo bake). */
#ifndef SMP_OPTICS_TABLE_INTERNAL_H
#define SMP_OPTICS_TABLE_INTERNAL_H

#include "optics/table.h"

/* Integrated darkening, mm², of the real-time form on one channel with gain g instead of look->gain:
 * integral R_skin (1 - exp(-g c1(r) ln(R_skin / R_cov))) dA, c1 the profile at gain 1. */
double optics_table_formula_deficit_mm2(const optics_dot_look *look, int channel, double diameter_mm, double g);

#endif
