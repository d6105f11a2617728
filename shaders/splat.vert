// Splats each dot, as an instanced quad, into the scalp chart's pigment density texture (far-view pigment).
layout(location = 0) in vec2 a_corner;          // (-1,-1) .. (1,1)
layout(location = 1) in vec2 i_uv;              // dot centre in the chart
layout(location = 2) in vec4 i_jacobian;        // d(uv)/d(tangent mm): columns (t1, t2) as (xy, zw)
layout(location = 3) in vec4 i_a0;              // density amplitudes of term 0 (rgb), the layer's redness (w)
layout(location = 4) in vec4 i_v0;              // variances of term 0, mm^2 (rgb)
layout(location = 5) in vec4 i_a1;
layout(location = 6) in vec4 i_v1;

uniform float u_texel_sigma_mm;
uniform float u_flare_sigma_mm;                 // a wound's redness around it (render_frame.flare_*)
uniform vec3 u_terms;                           // weights of the sharp term, the wide term and the redness:
                                                // (1, 1, 1) the far path's texture, (0, 1, 0) the halo texture

out vec2 v_offset_mm;
flat out vec3 v_a0, v_v0, v_a1, v_v1;
flat out float v_redness;

void main()
{
    float v0max = u_terms.x > 0.0 ? max(max(i_v0.r, i_v0.g), i_v0.b) : 0.0;
    float vmax = max(max(max(i_v1.r, i_v1.g), i_v1.b), v0max);
    float reach = 3.0 * sqrt(vmax + u_texel_sigma_mm * u_texel_sigma_mm);
    // A dot without ink (a layer not yet tattooed) collapses to nothing.
    if (u_terms.x * (i_a0.r + i_a0.g + i_a0.b) + u_terms.y * (i_a1.r + i_a1.g + i_a1.b) <= 0.0) reach = 0.0;
    // A fresh wound reddens the skin around it, further than its ink reaches.
    if (i_a0.w * u_terms.z > 0.0) reach = max(reach, 3.0 * sqrt(u_flare_sigma_mm * u_flare_sigma_mm + u_texel_sigma_mm * u_texel_sigma_mm));
    v_redness = i_a0.w * u_terms.z;
    v_offset_mm = a_corner * reach;
    v_a0 = i_a0.rgb * u_terms.x;
    v_v0 = i_v0.rgb;
    v_a1 = i_a1.rgb * u_terms.y;
    v_v1 = i_v1.rgb;
    mat2 j = mat2(i_jacobian.xy, i_jacobian.zw);
    vec2 uv = i_uv + j * v_offset_mm;
    gl_Position = vec4(uv * 2.0 - 1.0, 0.0, 1.0);
}
