// Subsurface scattering of the skin, first (horizontal) pass. The skin's radial diffuse reflectance
// profile, from the same Monte Carlo model as the dots (baked per skin type and linear sRGB channel as a sum
// of three normalised Gaussians, optics/table.h), is applied to the irradiance in screen space (Jimenez et
// al. 2015, "Separable subsurface scattering"; d'Eon & Luebke 2007 for the sum of Gaussians). Each Gaussian
// is separable, so this pass blurs along x once per term into three targets and sss_y.frag blurs them
// along y and sums them with their weights: the 2-D profile is reproduced exactly, not approximated.
// Samples across a depth discontinuity (the head's silhouette) are left out and the weights renormalised.
// Targets were resolved from multisampling: alpha of the irradiance is the skin's coverage c of the pixel,
// so irradiance / c and distance / c are the skin's own values at partly covered edge pixels.
// Each term's alpha is that own view distance in mm (0 where there is no skin), so that sss_y.frag reads a
// neighbour's distance from the term it fetches anyway (RGBA16F: 11 bits, 0.05 %, against a depth window of
// 2 % and more).
// With SMP_SSS_HALF_SCENE 1 (sss.c, render_sss_passes) it draws the scene at half the size for the wide terms'
// half-size passes instead, unblurred: each texel is the skin's mean light and distance over those of its 2 x 2
// pixels that lie on the nearest surface among them (the depth test of the blur), weighted by coverage, so that
// a texel across a depth step (an eyelid, the silhouette) holds one surface, not a blend of two.
#ifndef SMP_SSS_HALF_SCENE
#define SMP_SSS_HALF_SCENE 0
#endif
uniform sampler2D u_irradiance;
uniform sampler2D u_albedo;          // a: view distance in mm times c, 0 where there is no skin
uniform vec3 u_sss_sigma_mm[3];      // per term k, per channel; 0: that term unblurred
uniform float u_px_per_mm_at_1mm;    // this pass's pixels per mm of a surface facing the camera 1 mm away
uniform vec2 u_texel;                // one of this pass's pixels in the scene targets' uv
uniform vec2 u_direction;            // (1, 0) here; (0, 1) in sss_y.frag
layout(location = 0) out vec4 o_term0;
layout(location = 1) out vec4 o_term1;
layout(location = 2) out vec4 o_term2;

const int TAPS = 12; // per side

vec3 blur_term(vec2 uv0, vec3 sigma_mm, float distance_mm, vec3 centre)
{
    vec3 sigma_px = sigma_mm * u_px_per_mm_at_1mm / distance_mm;
    float widest = max(sigma_px.r, max(sigma_px.g, sigma_px.b));
    if (widest < 0.3) return centre; // narrower than a pixel: nothing to blur
    float step_px = max(3.0 * widest / float(TAPS), 1.0);
    // Out to three sigmas of the widest channel and no further (beyond it a weight is under 1.1 %): a term
    // a few pixels wide takes a few taps, not TAPS one pixel apart.
    int taps = min(TAPS, int(ceil(3.0 * widest / step_px)));
    vec3 sum = centre, weight = vec3(1.0);
    for (int i = 1; i <= taps; ++i) {
        float x = float(i) * step_px;
        vec3 w = exp(-0.5 * x * x / max(sigma_px * sigma_px, vec3(1e-6)));
        for (int side = -1; side <= 1; side += 2) {
            vec2 uv = uv0 + u_direction * u_texel * x * float(side);
            vec4 e = texture(u_irradiance, uv);
            float d = e.a > 0.01 ? texture(u_albedo, uv).a / e.a : 0.0;
            // Same surface: within a few sigma in depth (the head curves away by far less over the blur).
            float keep = d > 0.0 && abs(d - distance_mm) < 0.02 * distance_mm + 3.0 * sigma_mm.r ? 1.0 : 0.0;
            sum += w * keep * (e.a > 0.01 ? e.rgb / e.a : vec3(0.0));
            weight += w * keep;
        }
    }
    return sum / weight;
}

#if SMP_SSS_HALF_SCENE
void main()
{
    ivec2 p0 = ivec2(gl_FragCoord.xy) * 2, last = textureSize(u_irradiance, 0) - 1;
    vec4 e[4];
    float d[4], nearest = 1e30;
    for (int i = 0; i < 4; ++i) {
        ivec2 q = min(p0 + ivec2(i & 1, i >> 1), last);
        e[i] = texelFetch(u_irradiance, q, 0);
        d[i] = e[i].a > 0.01 ? texelFetch(u_albedo, q, 0).a / e[i].a : 0.0;
        if (d[i] > 0.0) nearest = min(nearest, d[i]);
    }
    o_term1 = o_term2 = vec4(0.0);
    if (nearest > 1e29) {
        o_term0 = vec4(0.0);
        return;
    }
    vec4 sum = vec4(0.0); // c * irradiance, c
    float distance_c = 0.0;
    for (int i = 0; i < 4; ++i)
        if (d[i] > 0.0 && d[i] - nearest < 0.02 * nearest + 3.0 * u_sss_sigma_mm[1].r) {
            sum += e[i];
            distance_c += d[i] * e[i].a;
        }
    o_term0 = vec4(sum.rgb / sum.a, distance_c / sum.a);
}
#else
void main()
{
    vec2 uv = gl_FragCoord.xy * u_texel;
    vec4 e = texture(u_irradiance, uv);
    if (e.a <= 0.01) {
        o_term0 = o_term1 = o_term2 = vec4(0.0);
        return;
    }
    vec3 centre = e.rgb / e.a;
    float distance_mm = texture(u_albedo, uv).a / e.a;
    o_term0 = vec4(blur_term(uv, u_sss_sigma_mm[0], distance_mm, centre), distance_mm);
    o_term1 = vec4(blur_term(uv, u_sss_sigma_mm[1], distance_mm, centre), distance_mm);
    o_term2 = vec4(blur_term(uv, u_sss_sigma_mm[2], distance_mm, centre), distance_mm);
}
#endif
