// Shared by every pass that evaluates pigment: one dot's darkening, in the real-time form of the baked
// optics tables (src/optics/table.h). Per linear sRGB channel a dot adds an optical density
//     D(r) = sum_k a_k * exp(-r^2 / (2 v_k))
// (two Gaussians: the ink spot convolved with the two terms of the skin's point-spread kernel at the ink's
// depth; a_k already holds the table's gain and ln(R_skin / R_covered)), and the skin's albedo becomes
// R_skin * exp(-sum of D). The CPU (render/dots.c, render_dot_looks_update) folds the ageing state into a_k and v_k.
// Filtering by a Gaussian pixel or texel footprint of sigma f keeps each term's integral: that is what makes
// the close-up (analytic) and far (mip-mapped texture) paths agree on the mean tone.

// Overlapping dots add their densities, softly limited to the density of an opaque slab of ink just below the
// junction (the law in src/optics/deposit.h; u_density_max comes from optics_deposit_density_max): no amount
// of ink makes the skin black.
vec3 dot_density_saturate(vec3 d, vec3 dmax)
{
    vec3 x = d / max(dmax, vec3(1e-6));
    vec3 x2 = x * x;
    return d / sqrt(sqrt(vec3(1.0) + x2 * x2));
}

// One term, at squared distance d2 from the dot's centre, filtered by a footprint of variance f2.
vec3 dot_term_filtered(vec3 a, vec3 v, float d2_mm2, float f2_mm2)
{
    vec3 e = v + f2_mm2;
    return a * (v / e) * exp(-0.5 * d2_mm2 / e);
}

vec3 dot_density_filtered(vec3 a0, vec3 v0, vec3 a1, vec3 v1, float d2_mm2, float f2_mm2)
{
    return dot_term_filtered(a0, v0, d2_mm2, f2_mm2) + dot_term_filtered(a1, v1, d2_mm2, f2_mm2);
}
