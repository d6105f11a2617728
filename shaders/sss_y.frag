// Subsurface scattering, second (vertical) pass and composite: blurs each term of sss_x.frag along y, sums
// the terms with the profile's weights, multiplies by the albedo (the dots darken the light that leaves the
// skin, after its lateral spread) and adds the light that did not enter the skin. The terms' alpha is the
// skin's own view distance in mm, 0 where there is no skin (see sss_x.frag): one fetch a tap gives both the
// light and the depth test. The resolved albedo is the skin's coverage c of the pixel times the skin's.
// Three programs are built from this file (sss.c, render_sss_passes):
//   SMP_SSS_HALF_BLUR 1: the wide terms 1 and 2 at half the size, blurred along u_direction (two targets
//                        in, two out; no composite): along x from the half-size scene (sss_x.frag unblurred,
//                        bound as both terms), then along y;
//   SMP_SSS_HALF_TERMS 1: the composite with terms 1 and 2 from those half-size targets, upsampled
//                        bilinearly, leaving out (and renormalising without) a texel of another surface;
//   neither: the composite with every term at full size.
#ifndef SMP_SSS_HALF_BLUR
#define SMP_SSS_HALF_BLUR 0
#endif
#ifndef SMP_SSS_HALF_TERMS
#define SMP_SSS_HALF_TERMS 0
#endif
uniform sampler2D u_term0;
uniform sampler2D u_term1;
uniform sampler2D u_term2;
uniform sampler2D u_albedo;
uniform sampler2D u_unscattered;
uniform vec3 u_sss_sigma_mm[3];
uniform vec3 u_sss_weight[3];
uniform float u_px_per_mm_at_1mm; // this pass's pixels per mm at 1 mm
uniform vec2 u_texel;             // one of this pass's pixels in its terms' uv
uniform vec2 u_direction;
#if SMP_SSS_HALF_BLUR
layout(location = 0) out vec4 o_term1;
layout(location = 1) out vec4 o_term2;
#else
out vec4 o_color;
#endif

const int TAPS = 12;

// Same surface: within a few sigma in depth (the head curves away by far less over the blur); d 0: no skin.
float same_surface(float d, float distance_mm, vec3 sigma_mm)
{
    return d > 0.0 && abs(d - distance_mm) < 0.02 * distance_mm + 3.0 * sigma_mm.r ? 1.0 : 0.0;
}

vec3 blur_term(sampler2D term, vec2 uv0, vec3 sigma_mm, float distance_mm, vec3 centre)
{
    vec3 sigma_px = sigma_mm * u_px_per_mm_at_1mm / distance_mm;
    float widest = max(sigma_px.r, max(sigma_px.g, sigma_px.b));
    if (widest < 0.3) return centre;
    float step_px = max(3.0 * widest / float(TAPS), 1.0);
    // Out to three sigmas of the widest channel and no further (beyond it a weight is under 1.1 %): a term
    // a few pixels wide takes a few taps, not TAPS one pixel apart.
    int taps = min(TAPS, int(ceil(3.0 * widest / step_px)));
    vec3 sum = centre, weight = vec3(1.0);
    for (int i = 1; i <= taps; ++i) {
        float x = float(i) * step_px;
        vec3 w = exp(-0.5 * x * x / max(sigma_px * sigma_px, vec3(1e-6)));
        for (int side = -1; side <= 1; side += 2) {
            vec4 t = texture(term, uv0 + u_direction * u_texel * x * float(side));
            float keep = same_surface(t.a, distance_mm, sigma_mm);
            sum += w * keep * t.rgb;
            weight += w * keep;
        }
    }
    return sum / weight;
}

#if SMP_SSS_HALF_BLUR
void main()
{
    vec2 uv = gl_FragCoord.xy * u_texel;
    vec4 t1 = texture(u_term1, uv);
    if (t1.a <= 0.0) {
        o_term1 = o_term2 = vec4(0.0);
        return;
    }
    vec4 t2 = texture(u_term2, uv);
    o_term1 = vec4(blur_term(u_term1, uv, u_sss_sigma_mm[1], t1.a, t1.rgb), t1.a);
    o_term2 = vec4(blur_term(u_term2, uv, u_sss_sigma_mm[2], t1.a, t2.rgb), t1.a);
}
#else
#if SMP_SSS_HALF_TERMS
// A half-size term at this pixel: the four nearest texels with bilinear weights, those of another surface (or
// none) left out and the rest renormalised; fallback where all four are left out (a sliver of skin narrower
// than the half-size texels, at an edge).
vec3 upsampled(sampler2D term, vec3 sigma_mm, float distance_mm, vec3 fallback)
{
    vec2 p = gl_FragCoord.xy * 0.5 - 0.5; // in half-size texels, centres at whole numbers
    vec2 base = floor(p), f = p - base;
    ivec2 last = textureSize(term, 0) - 1;
    vec3 sum = vec3(0.0);
    float weight = 0.0;
    for (int j = 0; j <= 1; ++j)
        for (int i = 0; i <= 1; ++i) {
            vec4 t = texelFetch(term, clamp(ivec2(base) + ivec2(i, j), ivec2(0), last), 0);
            float w = (i == 1 ? f.x : 1.0 - f.x) * (j == 1 ? f.y : 1.0 - f.y);
            w *= same_surface(t.a, distance_mm, sigma_mm);
            sum += w * t.rgb;
            weight += w;
        }
    return weight > 1e-4 ? sum / weight : fallback;
}
#endif

void main()
{
    vec2 uv = gl_FragCoord.xy * u_texel;
    vec4 albedo = texture(u_albedo, uv);
    vec4 unscattered4 = texture(u_unscattered, uv);
    vec3 unscattered = unscattered4.rgb;
    vec4 t0 = texture(u_term0, uv);
    float distance_mm = t0.a;
    if (distance_mm <= 0.0) {
        o_color = vec4(unscattered, 1.0);
        return;
    }
#if SMP_SSS_HALF_TERMS
    vec3 term1 = upsampled(u_term1, u_sss_sigma_mm[1], distance_mm, t0.rgb);
    vec3 term2 = upsampled(u_term2, u_sss_sigma_mm[2], distance_mm, t0.rgb);
#else
    vec3 term1 = blur_term(u_term1, uv, u_sss_sigma_mm[1], distance_mm, texture(u_term1, uv).rgb);
    vec3 term2 = blur_term(u_term2, uv, u_sss_sigma_mm[2], distance_mm, texture(u_term2, uv).rgb);
#endif
    vec3 irradiance = u_sss_weight[0] * blur_term(u_term0, uv, u_sss_sigma_mm[0], distance_mm, t0.rgb) +
                      u_sss_weight[1] * term1 + u_sss_weight[2] * term2;
    // c * (albedo / c) * irradiance: the skin's share of the pixel, times the part no hair hides (the
    // unscattered target's alpha: 1 - stubble coverage).
    o_color = vec4(albedo.rgb * irradiance * unscattered4.a + unscattered, 1.0);
}
#endif
