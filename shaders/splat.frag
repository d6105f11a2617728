in vec2 v_offset_mm;
flat in float v_sigma;
flat in float v_peak;
uniform float u_texel_sigma_mm;
out vec4 o_coverage;
void main()
{
    float c = dot_filtered(dot(v_offset_mm, v_offset_mm), v_sigma, v_peak, u_texel_sigma_mm);
    o_coverage = vec4(c, 0.0, 0.0, 1.0);
}
