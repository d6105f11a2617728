// Shared by every pass that evaluates pigment: one dot's darkening profile.
// A dot is a Gaussian spot whose full width at half maximum is its (aged) diameter and whose peak opacity
// comes from its remaining ink. Spreading conserves the integral (the ink does not multiply), so a wider
// dot is fainter. Filtering by a Gaussian pixel or texel footprint of sigma_f keeps the integral too:
// that is what makes the close-up (analytic) and far (mip-mapped texture) paths agree on the mean tone.
const float FWHM_TO_SIGMA = 0.42466090; // 1 / (2 sqrt(2 ln 2))
const float INK_OPACITY_K = 3.6;         // peak opacity = 1 - exp(-K * ink): healed default ink (~0.33) -> 0.7

struct dot_layer { float ink_fraction; float diameter_scale; };

float dot_sigma_mm(float diameter_mm, float diameter_scale)
{
    return diameter_mm * diameter_scale * FWHM_TO_SIGMA;
}

float dot_peak_opacity(float ink, float ink_fraction)
{
    return 1.0 - exp(-INK_OPACITY_K * ink * ink_fraction);
}

// Opacity contributed at squared distance d2_mm2 by a dot of sigma s and peak a, seen through a Gaussian
// footprint of sigma f.
float dot_filtered(float d2_mm2, float s, float a, float f)
{
    float s2 = s * s, e2 = s2 + f * f;
    return a * (s2 / e2) * exp(-0.5 * d2_mm2 / e2);
}
