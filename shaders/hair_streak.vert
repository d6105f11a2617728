// The pigmented shaft inside the skin, seen through it: a decal in the skin's tangent plane at the root,
// running back from the exit point along the projection of the shaft, which descends at the intradermal
// angle (the exit angle, but not flatter than 15 degrees: a follicle must reach its bulb). At distance s
// behind the exit point the shaft lies at depth z = s tan(angle); its darkening per unit length is
// contrast x pigment x diameter x exp(-z / D) per channel, spread across by a Gaussian of sigma
// sqrt(sigma_shaft^2 + (blur z)^2 + sigma_pixel^2), and along by the pixel's footprint (an exponentially
// modified Gaussian, evaluated in the fragment shader). Tiny streaks are thinned as the stubble is. Where a
// pixel is too coarse for the streak's detail, mesh.frag gives its mean from a chart texture (render/hair.c):
// a streak lying wholly beyond view depth u_far_w is dropped, and the fragment shader fades the rest out
// over the same pixel sigmas as mesh.frag fades that in.
layout(location = 0) in vec2 a_corner;   // x across (-1..1), y along (0..1)
layout(location = 1) in vec3 i_root_mm;
layout(location = 2) in vec3 i_direction;
layout(location = 3) in vec3 i_normal;
layout(location = 4) in vec4 i_shaft;    // diameter_mm, length_mm, pigment, bulb_depth_mm
layout(location = 5) in vec2 i_years;    // lost at, grey from (years after the first session; scalp/hair.h)

uniform mat4 u_view_proj;
uniform vec3 u_eye_mm;
uniform float u_pixel_scale;
uniform vec3 u_depth_mm;        // 1/e depth of the contrast per channel
uniform float u_blur;           // blur sigma per mm of depth
uniform float u_contrast;
uniform vec3 u_hair_albedo;     // a paler shaft absorbs less
uniform float u_min_darkening;
uniform float u_subset;            // the share of the hairs drawn (render/hair.c): each stands for 1 / u_subset
uniform float u_years;          // the frame's time: a lost shaft leaves no streak, a grey one has no pigment
uniform float u_min_angle;      // the flattest descent, 15 degrees (RENDER_HAIR_STREAK_MIN_ANGLE, render/hair_patch.h)
uniform float u_far_w;          // clip w beyond which the far path alone shows a streak (0: none; render/hair.c)

out vec2 v_sc;                  // s (mm behind the exit point), c (mm across)
out vec3 v_position_mm;         // on the decal, for the pixel's footprint
flat out float v_tan;
flat out float v_sigma_along;
flat out float v_sigma0;        // sigma across at the surface (shaft and pixel)
flat out vec3 v_amp;            // darkening integral per mm of length at the surface, x thinning gain

const float FWHM_TO_SIGMA = 0.42466090;

uint hair_hash(uint x)
{
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
    vec3 n = i_normal;
    vec3 t = i_direction - n * dot(i_direction, n);
    t = length(t) > 1e-4 ? normalize(t) : normalize(cross(n, vec3(1.0, 0.0, 0.0)));
    vec3 b = cross(n, t);
    float angle = max(asin(clamp(dot(i_direction, n), 0.0, 1.0)), u_min_angle);
    float tan_a = tan(angle);
    float d = i_shaft.x, pigment = i_years.y <= u_years ? 0.0 : i_shaft.z;
    if (i_years.x <= u_years) pigment = 0.0; // lost: nothing under the skin either (dropped below)
    vec3 amp = u_contrast * pigment * d * (1.0 - u_hair_albedo);
    vec3 to_eye = u_eye_mm - i_root_mm;
    float px = u_pixel_scale * (u_view_proj * vec4(i_root_mm, 1.0)).w;
    // 0.6 pixel: a narrower Gaussian is not resolved by pixel centres (its sum over them depends on the
    // sub-pixel phase) and shows as single-pixel specks.
    float sigma_px = 0.6 * px, sigma_d = d * FWHM_TO_SIGMA;
    float sigma0 = sqrt(sigma_d * sigma_d + sigma_px * sigma_px);
    float dmax = max(u_depth_mm.r, max(u_depth_mm.g, u_depth_mm.b));
    float s_end = min(2.5 * dmax, i_shaft.w) / tan_a;
    // Expected peak darkening (green): the streak's integral over the larger of its own area and the pixel's.
    float lam = tan_a / u_depth_mm.g;
    float integral = amp.g / lam;
    float area = 6.2832 * sigma0 * sigma0 + 2.5066 * sigma0 / lam;
    float peak = min(integral / area, amp.g / (2.5066 * sigma_d)) / u_subset;
    float gain = 1.0 / u_subset;
    if (peak < u_min_darkening) {
        float keep = peak / u_min_darkening;
        if (pigment <= 0.0 || float(hair_key(i_root_mm) >> 8) * (1.0 / 16777216.0) / u_subset >= keep ||
            dot(to_eye, n) < 0.0) {
            gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
            return;
        }
        gain /= keep;
    }
    if (pigment <= 0.0 || dot(to_eye, n) < 0.0) {
        gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
        return;
    }
    // A trapezoid: 3 sigma across at each end, 3 pixel sigmas beyond the ends.
    float s0 = -3.0 * sigma0, s1 = s_end + 3.0 * sigma_px;
    // Wholly on the far path: every corner lies within s1 along, its half width across and its push towards
    // the eye of the root (a bound on how much nearer than the root's w it can be).
    float reach = s1 + 3.0 * sqrt(sigma0 * sigma0 + (u_blur * s1 * tan_a) * (u_blur * s1 * tan_a)) + 0.06 + 0.03 * s1;
    if (u_far_w > 0.0 && (u_view_proj * vec4(i_root_mm, 1.0)).w - reach >= u_far_w) {
        gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
        return;
    }
    float s = mix(s0, s1, a_corner.y);
    float z = max(s, 0.0) * tan_a;
    float half_w = 3.0 * sqrt(sigma0 * sigma0 + (u_blur * z) * (u_blur * z));
    float c = a_corner.x * half_w;
    vec3 p = i_root_mm - t * s + b * c;
    // Towards the viewer: the tangent plane may dip under the mesh's facets a little.
    p += normalize(u_eye_mm - p) * (0.05 + 0.03 * s1);
    v_sc = vec2(s, c);
    v_position_mm = p;
    v_tan = tan_a;
    v_sigma_along = sigma0;
    v_sigma0 = sigma0;
    v_amp = amp * gain;
    gl_Position = u_view_proj * vec4(p, 1.0);
}
