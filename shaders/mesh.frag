// Skin and pigment under one key light with shadows and a sky/ground ambient.
// Pigment optical density (per channel, see dots.glsl) comes from two paths that agree on the mean:
// close up (pixel footprint under u_lod_near_mm) every dot near the fragment is evaluated analytically,
// filtered by the pixel's own footprint, so dots are resolved with soft edges and no texel blockiness; far
// away the pre-filtered density texture (a splat of the same profiles, mip-mapped) gives the tone without
// shimmer. In between the two are blended.
// mesh.frag's variant without the water film (SMP_MESH_FILM 0, render/passes.c) is drawn while the skin is dry
// (u_film_coverage 0), where the film's branches add nothing: llvmpipe runs a branch's body for every pixel
// whatever its condition (docs/benchmarks.md), and the film's two octaves of noise are not free.
#ifndef SMP_MESH_FILM
#define SMP_MESH_FILM 1
#endif
in vec3 v_position_mm;
in vec3 v_normal;
in vec2 v_uv;
in vec4 v_light_clip;
in vec2 v_skin;                       // (hair-bearing scalp weight, sebum weight), 0..1 (scalp/skin.h)

uniform vec3 u_eye_mm;
uniform vec3 u_light_dir;             // unit, towards the light
uniform vec3 u_light_radiance;        // linear RGB irradiance of the key light at normal incidence
uniform vec3 u_sky_radiance;          // ambient from above
uniform vec3 u_ground_radiance;       // ambient from below
uniform vec3 u_skin_albedo;           // linear RGB
uniform float u_specular_f0;
uniform float u_roughness;
uniform float u_film_f0;              // a water film over the skin (render_frame.film_*): its reflectance,
uniform float u_film_roughness;       // its roughness (alpha = roughness^2),
uniform float u_film_coverage;        // and how much of the skin it covers (0 = dry)
uniform float u_film_ripple_mm;       // the size of its beads and runs
uniform float u_film_ripple_slope;    // the largest tilt they give its surface (radians)
uniform float u_sebum_f0;             // the sebum film's lobe (render_frame.sebum_*, scalp/skin.h): reflectance,
uniform float u_sebum_roughness;      // roughness,
uniform float u_sebum_coverage;       // and share of the surface where sebum is most (times v_skin.y)
uniform float u_skin_local_shading;   // share of the diffuse light that keeps the micro-relief's shading

uniform sampler2DShadow u_shadow_map;
uniform float u_shadow_texel;         // 1 / shadow map size
uniform float u_shadow_depth_per_mm;  // the shadow map's depth per mm along the light
uniform int u_shadow_pcf_radius;      // percentage-closer taps: (2r + 1)^2 (1 full quality, 0 interactive)
uniform vec3 u_density_max;          // per channel, the most density the pigment may reach (dots.glsl)
uniform sampler2D u_coverage;         // chart-space pigment optical density per channel (mip-mapped);
                                      // alpha: the fresh wounds' extra blood (render_frame.flare_*)
uniform vec3 u_erythema_density;      // optical density of the peak redness per channel
uniform usampler2D u_cells;           // per chart cell: (first index, count) into u_cell_dots
uniform usamplerBuffer u_cell_dots;   // dot indices
uniform samplerBuffer u_dots;         // per dot: (position_mm.xyz, reach_mm)
uniform samplerBuffer u_looks;        // per dot, 4 texels: a0, v0, a1, v1 (dots.glsl)
uniform int u_grid_size;
uniform int u_dot_count;
uniform sampler2D u_halo;             // chart-space density of the dots' wide terms alone (render_halo_update)
uniform vec3 u_halo_scale;            // ... times this while the time moves on the interactive path
uniform float u_lod_near_mm;          // pixel sigma below which the analytic path is used alone
uniform float u_lod_far_mm;           // pixel sigma above which the texture path is used alone
uniform bool u_skin_map_on;           // a photo of the patient's skin (scalp/photo.h):
uniform sampler2D u_skin_map;         // chart-space albedo factor / 2 (sRGB texture) and the photo's hair
uniform sampler2D u_hair_streaks;     // the intradermal streaks' far path (render/hair.c): their mean darkening
uniform vec3 u_hair_streak_rgb;       // per channel, times the texture's (green) value; 0: none
uniform vec2 u_hair_streak_lod;       // pixel sigmas over which it takes over from the drawn streaks
uniform float u_hair_streak_texels;   // its texels across a pixel per mm of view distance

// Three targets, so that subsurface scattering (sss_x/sss_y.frag) can blur the light under the skin before
// the albedo (with its dots) multiplies it: the diffuse irradiance, the albedo with the view distance (the
// blur's scale, 0 = not skin), and the light that does not scatter under the skin (specular).
layout(location = 0) out vec4 o_irradiance;
layout(location = 1) out vec4 o_albedo;
layout(location = 2) out vec4 o_unscattered;

// The key light's visibility through the shadow map. Occluders within layer_mm of the skin along the light
// (the hair layer, whose shadow is taken statistically) do not count.
float shadow_factor(vec3 n, vec3 l, float layer_mm)
{
    vec3 p = v_light_clip.xyz / v_light_clip.w * 0.5 + 0.5;
    if (p.x <= 0.0 || p.x >= 1.0 || p.y <= 0.0 || p.y >= 1.0) return 1.0;
    float slope = sqrt(max(1.0 - dot(n, l) * dot(n, l), 0.0)) / max(dot(n, l), 0.05);
    float bias = u_shadow_texel * (1.5 + 2.0 * min(slope, 8.0)) + layer_mm * u_shadow_depth_per_mm;
    float sum = 0.0;
    int r = u_shadow_pcf_radius;
    for (int y = -r; y <= r; ++y)
        for (int x = -r; x <= r; ++x)
            sum += texture(u_shadow_map, vec3(p.xy + vec2(x, y) * u_shadow_texel, p.z - bias));
    return sum / float((2 * r + 1) * (2 * r + 1));
}

// The close-up path: each dot's sharp term (the ink spot under the skin's narrow blur, within about 0.5 mm of
// its centre) evaluated one by one, filtered by the pixel's footprint; their wide terms (the light scattered
// deeper, a halo of 0.4 mm sigma and wider reaching 1-3 mm) summed in u_halo, which varies too slowly to need
// the pixel's filter. Reading the halos from a texture leaves a fifth of the dots in each cell's list.
vec3 analytic_density(float pixel_sigma_mm)
{
    if (u_dot_count == 0) return vec3(0.0);
    ivec2 cell = clamp(ivec2(floor(v_uv * float(u_grid_size))), ivec2(0), ivec2(u_grid_size - 1));
    uvec2 range = texelFetch(u_cells, cell, 0).xy;
    float f2 = pixel_sigma_mm * pixel_sigma_mm;
    vec3 density = vec3(0.0);
    for (uint k = 0u; k < range.y; ++k) {
        int i = int(texelFetch(u_cell_dots, int(range.x + k)).x);
        vec4 p = texelFetch(u_dots, i);
        vec3 d = v_position_mm - p.xyz;
        float d2 = dot(d, d);
        if (d2 > p.w * p.w + 9.0 * f2) continue;
        density += dot_term_filtered(texelFetch(u_looks, 4 * i).rgb, texelFetch(u_looks, 4 * i + 1).rgb, d2, f2);
    }
    return density + textureLod(u_halo, v_uv, 0.0).rgb * u_halo_scale;
}

float ggx_specular(vec3 n, vec3 v, vec3 l, float roughness, float f0)
{
    vec3 h = normalize(v + l);
    float nh = max(dot(n, h), 0.0), nl = max(dot(n, l), 0.0), nv = max(dot(n, v), 1e-4);
    float a2 = roughness * roughness * roughness * roughness;
    float d = a2 / (3.14159265 * pow(nh * nh * (a2 - 1.0) + 1.0, 2.0));
    float k = (roughness + 1.0) * (roughness + 1.0) / 8.0;
    float g = nv / (nv * (1.0 - k) + k) * nl / (nl * (1.0 - k) + k);
    float f = f0 + (1.0 - f0) * pow(1.0 - max(dot(h, v), 0.0), 5.0);
    return d * g * f / max(4.0 * nv * nl, 1e-4);
}

// film_hash and film_noise (the lattice hash and value noise) are in skin.glsl, shared with the skin.

// The water film's surface: the skin's normal tilted by the film's uneven thickness (two octaves of noise in
// the head's own frame, so the beads stay put on the skin as the camera moves). The noise's gradient reaches
// about 1.9 per unit, so the slope scale keeps the largest tilt near u_film_ripple_slope.
vec3 film_normal(vec3 n, vec3 p_mm)
{
    vec3 x = p_mm / max(u_film_ripple_mm, 1e-3);
    vec3 grad = film_noise(x).yzw + 0.5 * film_noise(2.3 * x + 17.0).yzw * 2.3;
    grad *= u_film_ripple_slope / 1.9 / 2.15;
    return normalize(n - (grad - dot(grad, n) * n));
}

void main()
{
    vec3 n = normalize(v_normal);
    vec3 v = normalize(u_eye_mm - v_position_mm);
    vec3 l = normalize(u_light_dir);
    scar_surface scar = scar_evaluate(n, l, v_position_mm, v_uv); // scar.glsl: relief, shadow, pale tissue
    vec3 n_geo = n;
    // Pixel footprint on the surface, as a Gaussian sigma (half the pixel's larger extent).
    vec3 dx = dFdx(v_position_mm), dy = dFdy(v_position_mm);
    float pixel_sigma = 0.5 * max(length(dx), length(dy));
    // skin.glsl: pores, furrows, mottle and redness; scar tissue has no follicles and a smooth surface.
    skin_surface skin = skin_evaluate(scar.normal, v_position_mm, v_skin.x, pixel_sigma);
    float not_scar = 1.0 - scar.tissue;
    n = normalize(mix(scar.normal, skin.normal, not_scar));
    // The water film (u_film_coverage is uniform, so the derivatives inside stay in uniform control flow).
    // Its lobe is far narrower than a pixel's spread of the film's normals unless the skin is seen from close
    // by: the lobe is widened by that spread (Tokuyoshi & Kaplanyan 2019, "Improved geometric specular
    // antialiasing": alpha^2 += min(2 * 0.25 * (|dn/dx|^2 + |dn/dy|^2), 0.18)), so a highlight keeps its
    // energy and does not shimmer as the camera moves.
    vec3 n_film = n;
    float film_roughness = u_film_roughness;
#if SMP_MESH_FILM
    if (u_film_coverage > 0.0) {
        n_film = film_normal(n, v_position_mm);
        vec3 dndx = dFdx(n_film), dndy = dFdy(n_film);
        float alpha2 = u_film_roughness * u_film_roughness * u_film_roughness * u_film_roughness +
                       min(0.5 * (dot(dndx, dndx) + dot(dndy, dndy)), 0.18);
        film_roughness = sqrt(sqrt(min(alpha2, 1.0)));
    }
#endif

    vec3 density = vec3(0.0);
    float t = smoothstep(u_lod_near_mm, u_lod_far_mm, pixel_sigma);
    if (t < 1.0) density += (1.0 - t) * analytic_density(pixel_sigma);
    vec4 coverage = texture(u_coverage, v_uv);
    if (t > 0.0) density += t * coverage.rgb;
    // A fresh session's redness: extra blood where the needle went (the flare is wider than a texel).
    vec3 erythema = min(coverage.a, 1.5) * u_erythema_density;

    // The patient's photo: the skin's albedo relative to its mean, and its hair, which lies over the dots.
    vec3 photo_factor = vec3(1.0);
    float photo_hair = 0.0;
    if (u_skin_map_on) {
        vec4 m = texture(u_skin_map, v_uv);
        photo_factor = 2.0 * m.rgb;
        photo_hair = m.a;
    }
    // Beer-like: overlapping dots multiply their transmittance, so no amount of ink reaches black.
    vec3 ink = exp(-dot_density_saturate(max(density, vec3(0.0)), u_density_max) - erythema);
    vec3 albedo = u_skin_albedo * photo_factor * mix(ink, vec3(1.0), photo_hair) *
                  scar.albedo_scale * mix(1.0, skin.albedo_scale, not_scar) * exp(-skin.blood_density);
    // The hairs' streaks under the skin where a pixel no longer resolves them: their mean darkening (the
    // drawn streaks, hair_streak.frag, keep the rest). Read at the mip level of the pixel's larger step on
    // the skin from its distance and slant, not from uv derivatives: those depend on how the 2x2 quads fall
    // at the outline, and a cut-down projection (the subsurface passes' rectangle) must draw the same.
    // A loop, not an if: llvmpipe runs an if's body for every pixel but leaves a loop that no pixel of the row
    // enters (docs/benchmarks.md), and a close-up's pixels all have streak_t 0.
    float streak_t = smoothstep(u_hair_streak_lod.x, u_hair_streak_lod.y, pixel_sigma);
    float streak_dark = 0.0;
    for (int i = streak_t > 0.0 ? 0 : 1; i < 1; ++i) {
        float texels = u_hair_streak_texels * length(u_eye_mm - v_position_mm) / max(dot(n_geo, v), 0.02);
        streak_dark = streak_t * textureLod(u_hair_streaks, v_uv, log2(max(texels, 1e-6))).r;
    }
    albedo *= 1.0 - min(streak_dark * u_hair_streak_rgb, vec3(0.95));
    // The light that scatters under the skin sees the surface without its micro-relief (scar.normal): the
    // blur (sss_x/y) spreads it over a tenth of a millimetre and more, and a screen-space blur of the relief's
    // pixel-fine shading only smears it into streaks. The share of it that leaves the skin near where it
    // entered (u_skin_local_shading) keeps the relief's shading, through the albedo, after the blur.
    vec3 n_macro = scar.normal;
    float nl_macro = max(dot(n_macro, l), 0.0);
    // Under hair (hair_layer.glsl): the layer lets through exp(-tau / sin e) of the key light at elevation e
    // above the skin, and about exp(-1.66 tau) of the sky; its fibres are too fine for the shadow map, which
    // keeps only the occluders above the layer's top. On scar tissue scar.glsl marches the key light through
    // the layer beside the floor instead.
    vec2 layer = hair_layer_at(v_uv);
    float layer_key = mix(exp(-layer.x / max(dot(n_geo, l), 0.05)), 1.0, scar.tissue);
    float layer_sky = exp(-HAIR_LAYER_DIFFUSIVITY * layer.x);
    float shadow = nl_macro > 0.0 ? shadow_factor(n_geo, l, layer.x > 0.0 ? layer.y + 0.1 : 0.0) * scar.shadow * layer_key : 0.0;
    vec3 direct = u_light_radiance * nl_macro * shadow;
    vec3 ambient = layer_sky * mix(u_ground_radiance, u_sky_radiance, 0.5 + 0.5 * n_macro.y);
    float nl = max(dot(n, l), 0.0);
    vec3 lit_micro = u_light_radiance * nl * shadow + layer_sky * mix(u_ground_radiance, u_sky_radiance, 0.5 + 0.5 * n.y);
    albedo *= mix(vec3(1.0), lit_micro / max(direct + ambient, vec3(1e-4)), u_skin_local_shading);
    float c = u_film_coverage;
    // Sebum (the "shiny bald head"): a smoother film over a share of the skin, so the two lobes share the
    // reflection rather than add. The film fills the finest relief (it follows a third of its tilt), and the
    // relief the pixel no longer resolves widens its lobe (a ninth of its slope variance, for a third of the
    // tilt, added to alpha^2, as the water film's spread is).
    // The film spreads over the surface from the glands around, so a scar carries it as the skin beside it.
    float sebum = u_sebum_coverage * v_skin.y;
    float skin_lobe = ggx_specular(n, v, l, u_roughness * scar.roughness_scale, u_specular_f0);
    if (sebum > 0.0) {
        vec3 n_sebum = normalize(mix(scar.normal, n, 0.33));
        float r2 = u_sebum_roughness * u_sebum_roughness;
        float sebum_roughness = sqrt(sqrt(min(r2 * r2 + 0.1 * skin.slope_var, 1.0)));
        skin_lobe = mix(skin_lobe, ggx_specular(n_sebum, v, l, sebum_roughness, u_sebum_f0), sebum);
    }
    // Under a water film the skin's own sheen goes (skin n ~1.4 under water n 1.33 reflects 0.07 %); the film
    // reflects the key in its sharp lobe and the sky and ground in the mirror direction, by Fresnel (Schlick).
    vec3 specular = u_light_radiance * nl * shadow * (1.0 - c) * skin_lobe;
#if SMP_MESH_FILM
    if (c > 0.0) {
        float nl_film = max(dot(n_film, l), 0.0);
        specular += c * u_light_radiance * nl_film * shadow * ggx_specular(n_film, v, l, film_roughness, u_film_f0);
        vec3 r = reflect(-v, n_film);
        float fresnel = u_film_f0 + (1.0 - u_film_f0) * pow(1.0 - max(dot(n_film, v), 0.0), 5.0);
        specular += c * fresnel * layer_sky * mix(u_ground_radiance, u_sky_radiance, 0.5 + 0.5 * r.y);
    }
#endif
    // Light entering the skin is what the specular reflection leaves (Fresnel at normal incidence).
    float entering = (1.0 - c) * (1.0 - mix(u_specular_f0, u_sebum_f0, sebum)) + c * (1.0 - u_film_f0);
    o_irradiance = vec4((direct + ambient) * entering, 1.0);
    o_albedo = vec4(albedo, length(u_eye_mm - v_position_mm));
    o_unscattered = vec4(specular, 1.0);
    // Last, so every derivative above was taken with all four fragments of the quad alive.
    if (scar_patch_owns(v_uv)) discard;
}
