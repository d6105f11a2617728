// Skin and pigment under one key light with shadows and a sky/ground ambient.
// Pigment opacity comes from two paths that agree on the mean: close up (pixel footprint under
// u_lod_near_mm) every dot near the fragment is evaluated analytically, filtered by the pixel's own
// footprint, so dots are resolved with soft edges and no texel blockiness; far away the pre-filtered
// coverage texture (a splat of the same profiles, mip-mapped) gives the tone without shimmer. In between
// the two are blended.
in vec3 v_position_mm;
in vec3 v_normal;
in vec2 v_uv;
in vec4 v_light_clip;

uniform vec3 u_eye_mm;
uniform vec3 u_light_dir;             // unit, towards the light
uniform vec3 u_light_radiance;        // linear RGB irradiance of the key light at normal incidence
uniform vec3 u_sky_radiance;          // ambient from above
uniform vec3 u_ground_radiance;       // ambient from below
uniform vec3 u_skin_albedo;           // linear RGB
uniform vec3 u_ink_albedo;            // linear RGB apparent albedo of skin fully covered by ink
uniform float u_specular_f0;
uniform float u_roughness;

uniform sampler2DShadow u_shadow_map;
uniform float u_shadow_texel;         // 1 / shadow map size
uniform sampler2D u_coverage;         // chart-space pigment coverage (mip-mapped)
uniform usampler2D u_cells;           // per chart cell: (first index, count) into u_cell_dots
uniform usamplerBuffer u_cell_dots;   // dot indices
uniform samplerBuffer u_dots;         // per dot, 2 texels: (position_mm.xyz, diameter_mm), (ink, layer, 0, 0)
uniform int u_grid_size;
uniform int u_dot_count;
uniform float u_lod_near_mm;          // pixel sigma below which the analytic path is used alone
uniform float u_lod_far_mm;           // pixel sigma above which the texture path is used alone
uniform float u_layer_ink_fraction[16];
uniform float u_layer_diameter_scale[16];

out vec4 o_color;

float shadow_factor(vec3 n, vec3 l)
{
    vec3 p = v_light_clip.xyz / v_light_clip.w * 0.5 + 0.5;
    if (p.x <= 0.0 || p.x >= 1.0 || p.y <= 0.0 || p.y >= 1.0) return 1.0;
    float slope = sqrt(max(1.0 - dot(n, l) * dot(n, l), 0.0)) / max(dot(n, l), 0.05);
    float bias = u_shadow_texel * (1.5 + 2.0 * min(slope, 8.0));
    float sum = 0.0;
    for (int y = -1; y <= 1; ++y)
        for (int x = -1; x <= 1; ++x)
            sum += texture(u_shadow_map, vec3(p.xy + vec2(x, y) * u_shadow_texel, p.z - bias));
    return sum / 9.0;
}

float analytic_coverage(float pixel_sigma_mm)
{
    if (u_dot_count == 0) return 0.0;
    ivec2 cell = clamp(ivec2(floor(v_uv * float(u_grid_size))), ivec2(0), ivec2(u_grid_size - 1));
    uvec2 range = texelFetch(u_cells, cell, 0).xy;
    float c = 0.0;
    for (uint k = 0u; k < range.y; ++k) {
        int i = int(texelFetch(u_cell_dots, int(range.x + k)).x);
        vec4 a = texelFetch(u_dots, 2 * i);
        vec4 b = texelFetch(u_dots, 2 * i + 1);
        int layer = int(b.y + 0.5);
        float s = dot_sigma_mm(a.w, u_layer_diameter_scale[layer]);
        float peak = dot_peak_opacity(b.x, u_layer_ink_fraction[layer]);
        vec3 d = v_position_mm - a.xyz;
        c += dot_filtered(dot(d, d), s, peak, pixel_sigma_mm);
    }
    return c;
}

float ggx_specular(vec3 n, vec3 v, vec3 l, float roughness)
{
    vec3 h = normalize(v + l);
    float nh = max(dot(n, h), 0.0), nl = max(dot(n, l), 0.0), nv = max(dot(n, v), 1e-4);
    float a2 = roughness * roughness * roughness * roughness;
    float d = a2 / (3.14159265 * pow(nh * nh * (a2 - 1.0) + 1.0, 2.0));
    float k = (roughness + 1.0) * (roughness + 1.0) / 8.0;
    float g = nv / (nv * (1.0 - k) + k) * nl / (nl * (1.0 - k) + k);
    float f = u_specular_f0 + (1.0 - u_specular_f0) * pow(1.0 - max(dot(h, v), 0.0), 5.0);
    return d * g * f / max(4.0 * nv * nl, 1e-4);
}

void main()
{
    vec3 n = normalize(v_normal);
    vec3 v = normalize(u_eye_mm - v_position_mm);
    vec3 l = normalize(u_light_dir);
    scar_surface scar = scar_evaluate(n, l, v_position_mm, v_uv); // scar.glsl: relief, shadow, pale tissue
    vec3 n_geo = n;
    n = scar.normal;

    // Pixel footprint on the surface, as a Gaussian sigma (half the pixel's larger extent).
    vec3 dx = dFdx(v_position_mm), dy = dFdy(v_position_mm);
    float pixel_sigma = 0.5 * max(length(dx), length(dy));

    float coverage = 0.0;
    float t = smoothstep(u_lod_near_mm, u_lod_far_mm, pixel_sigma);
    if (t < 1.0) coverage += (1.0 - t) * analytic_coverage(pixel_sigma);
    if (t > 0.0) coverage += t * texture(u_coverage, v_uv).r;
    coverage = clamp(coverage, 0.0, 1.0);

    vec3 albedo = mix(u_skin_albedo, u_ink_albedo, coverage) * scar.albedo_scale;
    float nl = max(dot(n, l), 0.0);
    float shadow = nl > 0.0 ? shadow_factor(n_geo, l) * scar.shadow : 0.0;
    vec3 direct = u_light_radiance * nl * shadow;
    vec3 ambient = mix(u_ground_radiance, u_sky_radiance, 0.5 + 0.5 * n.y);
    vec3 diffuse = albedo * (direct + ambient);
    vec3 specular = u_light_radiance * nl * shadow * ggx_specular(n, v, l, u_roughness * scar.roughness_scale);
    o_color = vec4(diffuse + specular, 1.0);
}
