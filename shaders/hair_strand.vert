// Lying hair: each hair a triangle strip along its centreline (scalp/hair_shape.h), two vertices per point,
// facing the camera (or the light in the shadow pass). The points come from a buffer texture; the index
// buffer lists the hairs in the order of a per-hair key, so drawing its first part draws a representative
// subset (the level of detail): the subset's opacity (colour pass) or width (shadow pass) is raised by the
// inverse of the share kept, so the expected coverage is unchanged (Cook, Halstead, Planck, Ryu 2007).
// A hair thinner than two pixels is drawn two pixels wide over a Hann profile with opacity true width /
// drawn width, as the stubble is (hair.vert).
uniform samplerBuffer u_points;   // xyz (mm, head frame), w = the hair's index
uniform samplerBuffer u_hairs;    // two texels per hair: (root normal, key), (diameter, pigment, lost, grey)

uniform mat4 u_view_proj;
uniform mat4 u_light_view_proj;
uniform vec3 u_eye_mm;
uniform int u_shadow_pass;        // 1: orthographic from the light, no pixel footprint
uniform vec3 u_shadow_view_dir;   // towards the light
uniform float u_pixel_scale;      // pixel size (mm) per mm of view depth
uniform float u_margin;           // the footprint's margin: 1 with multisampling, 0 without (hair.vert)
uniform float u_keep;             // share of the hairs this draw keeps (1, 1/2, 1/4 ...)
uniform float u_cull;             // drop hairs whose root normal faces the viewer by less than this
uniform float u_years;            // the frame's time: years after the first session
uniform int u_strand_points;      // points per hair (a hair's root is point hair x this)

out vec3 v_position_mm;
out vec4 v_light_clip;
out vec2 v_profile;
flat out vec3 v_tangent;
flat out vec3 v_normal;
flat out float v_alpha;
flat out float v_pigment;
flat out vec2 v_hann;

void main()
{
    int k = gl_VertexID >> 1;
    float side = (gl_VertexID & 1) == 0 ? -1.0 : 1.0;
    vec4 P = texelFetch(u_points, k);
    int hair = int(P.w);
    vec4 h0 = texelFetch(u_hairs, 2 * hair), h1 = texelFetch(u_hairs, 2 * hair + 1);
    bool shadow = u_shadow_pass != 0;
    vec3 view = shadow ? normalize(u_shadow_view_dir) : normalize(u_eye_mm - P.xyz);
    // Lost by now (scalp_hair_shaft_is_lost), or a root turned away from the viewer: no strip. Decided from
    // the root for every vertex of the hair, so a strip is dropped whole, never cut.
    vec3 root = texelFetch(u_points, hair * u_strand_points).xyz;
    vec3 root_view = shadow ? view : normalize(u_eye_mm - root);
    if (h1.z <= u_years || dot(h0.xyz, root_view) < u_cull) {
        gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
        return;
    }
    // Tangent from the neighbouring points of the same hair.
    vec4 A = texelFetch(u_points, max(k - 1, 0)), B = texelFetch(u_points, k + 1);
    vec3 a = (k > 0 && int(A.w) == hair) ? A.xyz : P.xyz;
    vec3 b = int(B.w) == hair ? B.xyz : P.xyz;
    vec3 t = b - a;
    t = length(t) > 1e-6 ? normalize(t) : h0.xyz;
    vec3 across = cross(view, t);
    across = length(across) > 1e-6 ? normalize(across) : normalize(cross(view, vec3(0.0, 1.0, 0.0) + 0.1 * view));
    float d = h1.x;
    float px = shadow ? 0.0 : u_pixel_scale * (u_view_proj * vec4(P.xyz, 1.0)).w;
    float w = shadow ? d / u_keep : max(d, 2.0 * px);
    float tw = shadow ? 0.0 : clamp(w / d - 1.0, 0.0, 1.0);
    float alpha = shadow ? 1.0 : min(1.0, d / w / u_keep);
    float margin = tw * px;
    float x = side * (0.5 * w + u_margin * margin);
    vec3 p = P.xyz + across * x;
    // Towards the viewer by half the drawn width, so the root end is not buried in the skin.
    if (!shadow) p += normalize(u_eye_mm - p) * (0.5 * w + margin + 0.02);
    v_position_mm = p;
    v_light_clip = u_light_view_proj * vec4(p, 1.0);
    v_profile = vec2(x / (0.5 * w), 0.0);
    v_tangent = t;
    v_normal = h0.xyz;
    v_alpha = alpha;
    v_pigment = h1.w <= u_years ? 0.0 : h1.y; // grey by now (scalp_hair_shaft_is_grey)
    v_hann = vec2(tw, 0.0);
    gl_Position = u_view_proj * vec4(p, 1.0);
}
