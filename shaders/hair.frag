// Stubble shading: coverage from the footprint profile, a Kajiya-Kay fibre (Kajiya & Kay 1989: diffuse
// proportional to sin(T, L), specular to cos^p of the angle between the view and the cone of reflection
// about the fibre) lit by the key light through the shadow map, plus the sky/ground ambient of the skin.
in vec3 v_position_mm;
in vec4 v_light_clip;
in vec2 v_profile;
flat in vec3 v_tangent;
flat in vec3 v_normal;
flat in float v_alpha;
flat in float v_pigment;
flat in vec2 v_hann;

uniform vec3 u_eye_mm;
uniform vec3 u_light_dir;
uniform vec3 u_light_radiance;
uniform vec3 u_sky_radiance;
uniform vec3 u_ground_radiance;
uniform vec3 u_hair_albedo;
uniform vec3 u_grey_albedo;
uniform sampler2DShadow u_shadow_map;
uniform float u_shadow_texel;

// The scene pass has three targets (mesh.frag): a hair adds its colour to the light that does not scatter
// under the skin (target 2) and, through that target's alpha, hides the skin behind it after the skin's
// light has scattered (sss_y.frag multiplies the skin's light by it). Irradiance and albedo are untouched.
layout(location = 2) out vec4 o_color;

const float PI = 3.14159265;
// Peak of the specular lobe (a calibration: Kajiya-Kay has no energy normalisation; a keratin cuticle,
// n = 1.55, reflects 4.6 % at normal incidence, spread over a cone about 10 degrees wide).
const float SPEC_PEAK = 0.12;
const float SPEC_EXPONENT = 60.0;

float footprint(float x, float hann)
{
    float hard = abs(x) <= 1.0 ? 1.0 : 0.0;
    float soft = abs(x) < 1.0 ? 1.0 + cos(PI * x) : 0.0;
    return mix(hard, soft, hann);
}

float shadow_factor()
{
    vec3 p = v_light_clip.xyz / v_light_clip.w * 0.5 + 0.5;
    if (p.x <= 0.0 || p.x >= 1.0 || p.y <= 0.0 || p.y >= 1.0) return 1.0;
    float bias = 3.0 * u_shadow_texel;
    float sum = 0.0;
    for (int y = -1; y <= 1; ++y)
        for (int x = -1; x <= 1; ++x)
            sum += texture(u_shadow_map, vec3(p.xy + vec2(x, y) * u_shadow_texel, p.z - bias));
    return sum / 9.0;
}

void main()
{
    float a = v_alpha * footprint(v_profile.x, v_hann.x) * footprint(v_profile.y, v_hann.y);
    if (a <= 0.0) discard;
    vec3 t = normalize(v_tangent);
    vec3 l = normalize(u_light_dir);
    vec3 v = normalize(u_eye_mm - v_position_mm);
    float tl = dot(t, l), tv = dot(t, v);
    float sin_tl = sqrt(max(1.0 - tl * tl, 0.0)), sin_tv = sqrt(max(1.0 - tv * tv, 0.0));
    // Light from below the skin never reaches the shaft.
    float lit = dot(v_normal, l) > -0.1 ? shadow_factor() : 0.0;
    // Partly pigmented (miniaturised) shafts: absorbance scales with the pigment (Beer-Lambert), so the
    // albedo is interpolated geometrically between unpigmented and fully pigmented hair.
    vec3 albedo = pow(u_grey_albedo, vec3(1.0 - v_pigment)) * pow(u_hair_albedo, vec3(v_pigment));
    vec3 ambient = mix(u_ground_radiance, u_sky_radiance, 0.5 + 0.5 * v_normal.y);
    float spec = SPEC_PEAK * pow(max(sin_tl * sin_tv - tl * tv, 0.0), SPEC_EXPONENT);
    vec3 c = albedo * (u_light_radiance * sin_tl * lit + ambient) + u_light_radiance * spec * lit;
    o_color = vec4(c, min(a, 1.0));
}
