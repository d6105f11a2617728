// Splats each dot, as an instanced quad, into the scalp chart's coverage texture (far-view pigment).
layout(location = 0) in vec2 a_corner;          // (-1,-1) .. (1,1)
layout(location = 1) in vec2 i_uv;              // dot centre in the chart
layout(location = 2) in vec4 i_jacobian;        // d(uv)/d(tangent mm): columns (t1, t2) as (xy, zw)
layout(location = 3) in vec3 i_dot;             // diameter_mm, ink, layer

uniform float u_layer_ink_fraction[16];
uniform float u_layer_diameter_scale[16];
uniform float u_texel_sigma_mm;

out vec2 v_offset_mm;
flat out float v_sigma;
flat out float v_peak;

void main()
{
    int layer = int(i_dot.z + 0.5);
    float s = dot_sigma_mm(i_dot.x, u_layer_diameter_scale[layer]);
    float a = dot_peak_opacity(i_dot.y, u_layer_ink_fraction[layer]);
    float reach = 3.0 * sqrt(s * s + u_texel_sigma_mm * u_texel_sigma_mm);
    v_offset_mm = a_corner * reach;
    v_sigma = s;
    v_peak = a;
    mat2 j = mat2(i_jacobian.xy, i_jacobian.zw);
    vec2 uv = i_uv + j * v_offset_mm;
    gl_Position = vec4(uv * 2.0 - 1.0, 0.0, 1.0);
}
