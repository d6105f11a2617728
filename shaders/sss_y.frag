// Subsurface scattering, second (vertical) pass and composite: blurs each term of sss_x.frag along y, sums
// the terms with the profile's weights, multiplies by the albedo (the dots darken the light that leaves the
// skin, after its lateral spread) and adds the light that did not enter the skin. The terms' alpha is the
// skin's own view distance in mm, 0 where there is no skin (see sss_x.frag): one fetch a tap gives both the
// light and the depth test. The resolved albedo is the skin's coverage c of the pixel times the skin's.
in vec2 v_uv;
uniform sampler2D u_term0;
uniform sampler2D u_term1;
uniform sampler2D u_term2;
uniform sampler2D u_albedo;
uniform sampler2D u_unscattered;
uniform vec3 u_sss_sigma_mm[3];
uniform vec3 u_sss_weight[3];
uniform float u_px_per_mm_at_1mm;
uniform vec2 u_texel;
uniform vec2 u_direction;
out vec4 o_color;

const int TAPS = 12;

vec3 blur_term(sampler2D term, vec3 sigma_mm, float distance_mm, vec3 centre)
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
            vec2 uv = v_uv + u_direction * u_texel * x * float(side);
            vec4 t = texture(term, uv);
            float keep = t.a > 0.0 && abs(t.a - distance_mm) < 0.02 * distance_mm + 3.0 * sigma_mm.r ? 1.0 : 0.0;
            sum += w * keep * t.rgb;
            weight += w * keep;
        }
    }
    return sum / weight;
}

void main()
{
    vec4 albedo = texture(u_albedo, v_uv);
    vec4 unscattered4 = texture(u_unscattered, v_uv);
    vec3 unscattered = unscattered4.rgb;
    vec4 t0 = texture(u_term0, v_uv);
    float distance_mm = t0.a;
    if (distance_mm <= 0.0) {
        o_color = vec4(unscattered, 1.0);
        return;
    }
    vec3 irradiance = u_sss_weight[0] * blur_term(u_term0, u_sss_sigma_mm[0], distance_mm, t0.rgb) +
                      u_sss_weight[1] * blur_term(u_term1, u_sss_sigma_mm[1], distance_mm, texture(u_term1, v_uv).rgb) +
                      u_sss_weight[2] * blur_term(u_term2, u_sss_sigma_mm[2], distance_mm, texture(u_term2, v_uv).rgb);
    // c * (albedo / c) * irradiance: the skin's share of the pixel, times the part no hair hides (the
    // unscattered target's alpha: 1 - stubble coverage).
    o_color = vec4(albedo.rgb * irradiance * unscattered4.a + unscattered, 1.0);
}
