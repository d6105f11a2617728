// Darkening of the skin by a shaft under it; the output multiplies the lit skin colour (blend DST_COLOR, 0).
// Along the streak, exp(-lambda s) (s >= 0, lambda = tan(angle) / D) filtered by the pixel's Gaussian is an
// exponentially modified Gaussian, written with the scaled complementary error function so that it neither
// overflows nor cancels: for x >= 0, exp(-s^2 / 2 sigma^2) erfcx(x); below, exp(lambda (lambda sigma^2 / 2
// - s)) erfc(x), with x = (lambda sigma^2 - s) / (sqrt 2 sigma). erfc from Abramowitz & Stegun 7.1.26.
in vec2 v_sc;
in vec3 v_position_mm;
flat in float v_tan;
flat in float v_sigma_along;
flat in float v_sigma0;
flat in vec3 v_amp;

uniform vec3 u_depth_mm;
uniform float u_blur;
uniform vec2 u_lod;     // pixel sigmas (mm) over which mesh.frag's far path takes the streaks over (render/hair.c)

// The shaft lies under the skin like pigment: it darkens the albedo (target 1 of the scene pass, rgb only;
// the view distance in alpha stays), before subsurface scattering lights it.
layout(location = 1) out vec4 o_color;

// erfc(x) exp(x^2) for x >= 0 (A&S 7.1.26, |error| < 1.5e-7 relative to erfc's scale).
float erfcx_pos(float x)
{
    float t = 1.0 / (1.0 + 0.3275911 * x);
    return t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
}

// Integral over s' >= 0 of exp(-lambda s') N(s - s'; sigma).
float along(float s, float lambda, float sigma)
{
    float x = (lambda * sigma * sigma - s) / (1.41421356 * sigma);
    if (x >= 0.0) return 0.5 * exp(-0.5 * s * s / (sigma * sigma)) * erfcx_pos(x);
    float e = erfcx_pos(-x) * exp(-x * x);
    return 0.5 * exp(lambda * (0.5 * lambda * sigma * sigma - s)) * (2.0 - e);
}

void main()
{
    float s = v_sc.x, c = v_sc.y;
    float z = max(s, 0.0) * v_tan;
    float bz = u_blur * z;
    float var = v_sigma0 * v_sigma0 + bz * bz;
    float across = exp(-0.5 * c * c / var) * inversesqrt(6.2831853 * var);
    vec3 lambda = v_tan / u_depth_mm;
    vec3 a = vec3(along(s, lambda.r, v_sigma_along), along(s, lambda.g, v_sigma_along),
                  along(s, lambda.b, v_sigma_along));
    // The share the far path leaves: mesh.frag's pixel sigma, half the pixel's larger step on the surface
    // (the decal lies in the skin's tangent plane).
    float sigma = 0.5 * max(length(dFdx(v_position_mm)), length(dFdy(v_position_mm)));
    vec3 dark = min(v_amp * a * across, vec3(0.95)) * (1.0 - smoothstep(u_lod.x, u_lod.y, sigma));
    o_color = vec4(1.0 - dark, 1.0);
}
