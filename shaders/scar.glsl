// Donor scars (included into mesh.frag). render/scar.c bakes scalp/scar into a chart-space texture over
// the scars' rectangle: R = (u_scar_top_mm - relief) / u_scar_range_mm (0..1), G = scar tissue weight. Here that height
// field perturbs the normal (its surface gradient through the chart's cotangent frame), shadows itself
// (a march towards the light over the height field, so raking light lights one wall of the trough and
// leaves the other in shadow), and the tissue makes the skin paler and smoother.
// mesh.frag's variant without the scars (SMP_MESH_SCARS 0, render/render.c) draws the head's triangles whose
// chart uv box meets no block near a scar (render/head.c), where scar_evaluate gives the plain
// skin: llvmpipe runs both sides of a branch, so only leaving the code out saves its cost there.
#ifndef SMP_MESH_SCARS
#define SMP_MESH_SCARS 1
#endif
uniform sampler2D u_scar;
uniform int u_scar_enabled;
uniform vec4 u_scar_rect;              // chart uv of texel (0, 0)'s corner, and 1 / the rectangle's uv size
uniform vec2 u_scar_size;              // texels
uniform sampler2D u_scar_near;         // 1 in the blocks of texels near a scar (render/scar_internal.h), else 0
uniform vec2 u_scar_near_scale;        // its blocks per unit of st
uniform vec3 u_scar_albedo_scale;      // scar albedo / skin albedo (scalp_scar_albedo_linear_rgb)
uniform float u_scar_roughness_scale;  // SCALP_SCAR_ROUGHNESS_SCALE
uniform float u_scar_top_mm;          // relief that R = 0 stands for (the highest ridge; 0 when none is raised)
uniform float u_scar_range_mm;        // relief from R = 0 down to R = 1
uniform int u_scar_layer;              // 0: the head; 1: the head, with the displaced patch drawn after it;
                                       // 2: the patch (render/scar.c)

// Whether this fragment of the head lies in an indentation that the displaced patch draws instead: the
// head's skin there would hide the trough's floor (and fill its silhouette). Where the relief is within 2 um
// of the skin the two surfaces coincide and shade the same, so either may win the depth test.
bool scar_patch_owns(vec2 uv)
{
#if !SMP_MESH_SCARS
    return false;
#endif
    if (u_scar_layer != 1) return false;
    vec2 st = (uv - u_scar_rect.xy) * u_scar_rect.zw;
    if (any(lessThan(st, vec2(0.0))) || any(greaterThan(st, vec2(1.0)))) return false;
    return u_scar_top_mm - u_scar_range_mm * textureLod(u_scar, st, 0.0).r < -0.002;
}

// Relief of the skin (mm, negative below it) at chart rectangle coordinates st.
float scar_height_mm(vec2 st, float lod)
{
    return u_scar_top_mm - u_scar_range_mm * textureLod(u_scar, st, lod).r;
}

struct scar_surface {
    vec3 normal;          // shading normal
    float shadow;         // 0..1 visibility of the key light over the height field
    vec3 albedo_scale;    // multiplies the diffuse albedo
    float roughness_scale;// multiplies the GGX roughness
    float tissue;
};

const int SCAR_MARCH_STEPS = 24;       // the most steps of the self-shadow's march
const float MARCH_STEPS_PER_TEXEL = 3.0; // samples a march takes per texel of the level it reads: finer steps
                                        // than that only resample the same bilinear ramps
const float SCAR_MAX_MARCH_MM = 8.0;
const int LAYER_MARCH_STEPS = 24;
const float LAYER_MAX_MARCH_MM = 16.0;
const float LAYER_MAX_TOP_MM = 4.0;   // the march looks for hair up to this height above the skin

// Steps for a march over span (rectangle coordinates) on a level of texel size d_st: MARCH_STEPS_PER_TEXEL a
// texel crossed, from least to most. From a metre away a texel of the level read is half a millimetre and
// more, and a march of 24 fixed steps resampled each texel a dozen times.
int scar_march_steps(vec2 span, vec2 d_st, int least, int most)
{
    vec2 texels = abs(span) / d_st;
    float n = ceil(MARCH_STEPS_PER_TEXEL * max(texels.x, texels.y));
    return int(clamp(n, float(least), float(most)));
}

scar_surface scar_evaluate(vec3 n, vec3 l, vec3 position_mm, vec2 uv)
{
    // Derivatives first, in uniform control flow.
    vec3 dp1 = dFdx(position_mm), dp2 = dFdy(position_mm);
    vec2 duv1 = dFdx(uv), duv2 = dFdy(uv);
    scar_surface s = scar_surface(n, 1.0, vec3(1.0), 1.0, 0.0);
#if !SMP_MESH_SCARS
    return s;
#else
    if (u_scar_enabled == 0) return s;
    vec2 st = (uv - u_scar_rect.xy) * u_scar_rect.zw;
    if (any(lessThan(st, vec2(0.0))) || any(greaterThan(st, vec2(1.0)))) return s;
    // Farther than RENDER_SCAR_NEAR_MM from every scar: the plain skin, as mesh.frag's variant without the
    // scars draws it on the head's triangles that meet no near block (render/head.c).
    ivec2 block = clamp(ivec2(st * u_scar_near_scale), ivec2(0), textureSize(u_scar_near, 0) - 1);
    if (texelFetch(u_scar_near, block, 0).r == 0.0) return s;

    // Surface gradients of u and v: the cotangent frame solved from the pixel's two screen-space steps
    // (Schueler 2013, "Normal mapping without precomputed tangents"): grad u . dp_i = duv_i.x.
    vec3 c1 = cross(dp2, n), c2 = cross(n, dp1);
    float det = dot(dp1, c1);
    if (abs(det) < 1e-12) return s;
    vec3 grad_u = (duv1.x * c1 + duv2.x * c2) / det;
    vec3 grad_v = (duv1.y * c1 + duv2.y * c2) / det;

    // Level of detail from the pixel footprint in texels; differences one (filtered) texel apart.
    vec2 texels_per_uv = u_scar_size * u_scar_rect.zw;
    float footprint = max(length(duv1 * texels_per_uv), length(duv2 * texels_per_uv));
    float lod = max(log2(max(footprint, 1e-6)), 0.0);
    // Untouched skin (R at the level of relief 0, no tissue) around here: nothing to do.
    vec2 coarse = textureLod(u_scar, st, lod + 1.5).rg;
    float r_skin = u_scar_range_mm > 0.0 ? u_scar_top_mm / u_scar_range_mm : 0.0;
    if (abs(coarse.r - r_skin) < 0.5 / 255.0 && coarse.g == 0.0) return s;
    vec2 here = textureLod(u_scar, st, lod).rg;
    here.r = u_scar_top_mm - u_scar_range_mm * here.r;
    vec2 d_st = exp2(lod) / u_scar_size;
    float hx1 = scar_height_mm(st + vec2(d_st.x, 0.0), lod), hx0 = scar_height_mm(st - vec2(d_st.x, 0.0), lod);
    float hy1 = scar_height_mm(st + vec2(0.0, d_st.y), lod), hy0 = scar_height_mm(st - vec2(0.0, d_st.y), lod);
    vec2 dh_duv = vec2(hx1 - hx0, hy1 - hy0) / (2.0 * d_st / u_scar_rect.zw);
    vec3 grad_h = dh_duv.x * grad_u + dh_duv.y * grad_v;
    // A height field along n: the surface normal is n - grad h (small slopes are exact to first order).
    s.normal = normalize(n - grad_h);
    s.tissue = here.g;
    s.albedo_scale = mix(vec3(1.0), u_scar_albedo_scale, here.g);
    s.roughness_scale = mix(1.0, u_scar_roughness_scale, here.g);

    // Self-shadow: march from the point towards the light's direction along the surface; the ray rises
    // tan(elevation) mm per mm; any height above it blocks the light. A point at the top of the relief
    // cannot be shadowed by it.
    float h0 = here.r, nl = dot(n, l);
    vec3 lt = l - n * nl;
    float lt_len = length(lt);
    if (h0 < u_scar_top_mm - 1e-4 && nl > 0.0 && lt_len > 1e-3) {
        float tan_el = nl / lt_len;
        vec3 dir = lt / lt_len;
        vec2 st_per_mm = vec2(dot(grad_u, dir), dot(grad_v, dir)) * u_scar_rect.zw;
        float reach = min((u_scar_top_mm - h0) / tan_el, SCAR_MAX_MARCH_MM);
        int steps = scar_march_steps(st_per_mm * reach, d_st, 1, SCAR_MARCH_STEPS);
        float vis = 1.0;
        for (int i = 1; i <= steps; ++i) {
            float t = reach * float(i) / float(steps);
            float h = scar_height_mm(st + st_per_mm * t, lod);
            // Shadowed once the height field stands above the ray, with a soft edge that widens with
            // distance (the penumbra of a light about 1 degree across) plus 10 um so the edge is never a
            // hard step on the texel grid; the ray starts 4 um up, above the texture's 8-bit steps.
            float w = 0.01 + 0.017 * t;
            vis = min(vis, smoothstep(-w, 0.0, h0 + 0.004 + t * tan_el - h));
        }
        s.shadow = vis;
    }
    // The step: a hairless scar floor beside a layer of hair (hair_layer.glsl). Light from a low angle crosses
    // the layer beside the scar before it reaches the floor, so here the light is marched through the layer
    // (its optical depth per mm, tau / top, wherever the ray runs below its top over the skin beneath),
    // rather than taken straight down as on the skin elsewhere (mesh.frag): the shadow map resolves single
    // shafts only roughly, and this is the shadow their multitude casts. Weighted by the tissue.
    if (here.g > 0.01 && u_hair_layer_enabled != 0 && nl > 0.0 && lt_len > 1e-3) {
        float tan_el = nl / lt_len;
        vec3 dir = lt / lt_len;
        vec2 st_per_mm = vec2(dot(grad_u, dir), dot(grad_v, dir)) * u_scar_rect.zw;
        float reach = min((LAYER_MAX_TOP_MM - h0) / tan_el, LAYER_MAX_MARCH_MM);
        int steps = scar_march_steps(st_per_mm * reach, d_st, 4, LAYER_MARCH_STEPS);
        // t runs along the skin; the ray covers sqrt(1 + tan^2) mm for each of its mm.
        float dt = reach / float(steps), depth = 0.0, ray_per_mm = sqrt(1.0 + tan_el * tan_el);
        for (int i = 1; i <= steps; ++i) {
            float t = dt * (float(i) - 0.5);
            vec2 q_st = st + st_per_mm * t;
            vec2 layer = hair_layer_at(u_scar_rect.xy + q_st / u_scar_rect.zw);
            if (layer.x <= 0.0) continue;
            float floor_mm = scar_height_mm(q_st, lod), ray_mm = h0 + 0.004 + t * tan_el;
            // Inside the layer while the ray is less than the layer's top above the skin below it.
            float inside = 1.0 - smoothstep(0.8, 1.0, (ray_mm - floor_mm) / layer.y);
            depth += layer.x / layer.y * inside * dt * ray_per_mm;
        }
        s.shadow *= mix(1.0, exp(-depth), here.g);
    }
    return s;
#endif
}
