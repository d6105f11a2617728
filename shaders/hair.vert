// Stubble: each hair an instanced ribbon from its root along its shaft, facing the camera (or the light in
// the shadow pass). A hair thinner or shorter than two pixels is drawn over a two-pixel Hann footprint
// (1 + cos(pi x) on |x| < 1: at a two-pixel width its pixel samples sum to the same value at every
// sub-pixel phase) with its opacity scaled by true width / drawn width and true length / drawn length, so
// its mean coverage is the same at every distance. With multisampling the Hann footprint gets a one-pixel
// margin of geometry so every pixel it touches is fully covered and MSAA does not cut it again; without it
// (u_margin 0) a pixel is shaded at its centre only, and a centre in the margin is outside the footprint. Hairs whose opacity would drop
// below u_min_alpha are thinned by a hash of their root and the rest drawn at u_min_alpha (Cook et al.
// 2007, stochastic simplification): same expected tone, no flicker as the camera moves.
layout(location = 0) in vec2 a_corner;   // x across (-1..1), y along (0..1)
layout(location = 1) in vec3 i_root_mm;
layout(location = 2) in vec3 i_direction;
layout(location = 3) in vec3 i_normal;
layout(location = 4) in vec4 i_shaft;    // diameter_mm, length_mm, pigment, bulb_depth_mm
layout(location = 5) in vec2 i_years;    // lost at, grey from (years after the first session; scalp/hair.h)

uniform mat4 u_view_proj;
uniform mat4 u_light_view_proj;
uniform vec3 u_eye_mm;
uniform int u_shadow_pass;        // 1: orthographic from the light, true width, no thinning
uniform vec3 u_shadow_view_dir;   // towards the light
uniform float u_pixel_scale;      // pixel size (mm) per mm of view depth
uniform float u_min_alpha;
uniform float u_margin;          // 1 with multisampling, 0 without (above)
uniform float u_years;            // the frame's time: years after the first session
uniform float u_facing_cut;       // RENDER_HAIR_FACING_CUT (render/hair_patch.h), which the patches' cull follows
uniform float u_subset;           // the share of the hairs drawn (the first in key order; render/hair.c): the
                                  // drawn ones stand for 1 / u_subset as many (opacity, or shadow width)

out vec3 v_position_mm;
out vec4 v_light_clip;
out vec2 v_profile;              // across, along: -1..1 over the footprint
flat out vec3 v_tangent;
flat out vec3 v_normal;
flat out float v_alpha;
flat out float v_pigment;
flat out vec2 v_hann;            // weight of the Hann profile across and along (0: hard edges)

uint hair_hash(uint x)
{
    // PCG output permutation (O'Neill 2014).
    uint state = x * 747796405u + 2891336453u;
    uint word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
    return (word >> 22u) ^ word;
}

// A hair's thinning key: a hash of its root's position, not of its index, so that a hair keeps its choice
// when others come and go (a scar removes the follicles on it and shifts every later index; scalp/hair.h).
uint hair_key(vec3 root)
{
    return hair_hash(floatBitsToUint(root.x) ^ hair_hash(floatBitsToUint(root.y) ^ hair_hash(floatBitsToUint(root.z))));
}

void main()
{
    float d = i_shaft.x, len = i_shaft.y;
    if (u_shadow_pass != 0) d /= u_subset;
    vec3 dir = i_direction;
    vec3 root = i_root_mm;
    vec3 mid = root + dir * (0.5 * len);
    bool shadow = u_shadow_pass != 0;
    // Lost by now (scalp_hair_shaft_is_lost): no shaft, no shadow.
    if (i_years.x <= u_years) {
        gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
        return;
    }
    vec3 view = shadow ? normalize(u_shadow_view_dir) : normalize(u_eye_mm - mid);
    // Roots facing away by more than u_facing_cut (-0.2: about 12 degrees past the silhouette, where even
    // 3 mm stubble on an 80 mm head no longer shows above the outline) are behind the head: drop them before
    // rasterising. Whole patches of such roots are not drawn at all (render/hair_patch.h).
    if (dot(i_normal, view) < u_facing_cut) {
        gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
        return;
    }
    vec3 axis = dir - view * dot(dir, view);
    float s = length(axis);
    vec3 along, side;
    if (s > 1e-3) {
        along = axis / s;
    } else {
        vec3 helper = abs(view.y) < 0.9 ? vec3(0.0, 1.0, 0.0) : vec3(1.0, 0.0, 0.0);
        along = normalize(cross(helper, view));
    }
    side = cross(view, along);
    // Seen length: the shaft's projection plus the cut end's half disc.
    float seen = len * s + 0.5 * d;
    float px = 0.0;
    if (!shadow) px = u_pixel_scale * (u_view_proj * vec4(mid, 1.0)).w;
    float wmin = 2.0 * px;
    float w = max(d, wmin), l = max(seen, wmin);
    float tw = clamp(w / d - 1.0, 0.0, 1.0), tl = clamp(l / seen - 1.0, 0.0, 1.0);
    float alpha = (d / w) * (seen / l) / (shadow ? 1.0 : u_subset);
    if (!shadow && alpha < u_min_alpha) {
        float keep = alpha / u_min_alpha;
        if (float(hair_key(i_root_mm) >> 8) * (1.0 / 16777216.0) / u_subset >= keep) {
            gl_Position = vec4(2.0, 2.0, 2.0, 1.0); // all four corners outside: the strip is dropped
            return;
        }
        alpha = u_min_alpha;
    }
    float margin_w = tw * px, margin_l = tl * px;
    float x = a_corner.x * (0.5 * w + u_margin * margin_w);
    float yc = 0.5 * seen;
    float y = yc + (a_corner.y - 0.5) * (l + 2.0 * u_margin * margin_l);
    // Along the true axis inside the seen length (correct depth), straight on beyond it (cap, extension).
    float ls = len * s;
    float yin = clamp(y, 0.0, ls);
    vec3 p = root + dir * (ls > 1e-6 ? len * yin / ls : 0.0) + along * (y - yin) + side * x;
    // Towards the viewer by half the drawn width, so the root end and the widened sides are not buried in
    // the skin they stand on (this does not move the point on screen).
    if (!shadow) p += normalize(u_eye_mm - p) * (0.5 * w + margin_w + 0.02);
    v_position_mm = p;
    v_light_clip = u_light_view_proj * vec4(p, 1.0);
    v_profile = vec2(x / (0.5 * w), (y - yc) / (0.5 * l));
    v_tangent = dir;
    v_normal = i_normal;
    v_alpha = alpha;
    v_pigment = i_years.y <= u_years ? 0.0 : i_shaft.z; // grey by now (scalp_hair_shaft_is_grey)
    v_hann = vec2(tw, tl);
    gl_Position = u_view_proj * vec4(p, 1.0);
}
