in vec2 v_offset_mm;
flat in vec3 v_a0, v_v0, v_a1, v_v1;
uniform float u_texel_sigma_mm;
out vec4 o_density;
void main()
{
    float f2 = u_texel_sigma_mm * u_texel_sigma_mm;
    o_density = vec4(dot_density_filtered(v_a0, v_v0, v_a1, v_v1, dot(v_offset_mm, v_offset_mm), f2), 1.0);
}
