in vec2 v_offset_mm;
flat in vec3 v_a0, v_v0, v_a1, v_v1;
flat in float v_redness;
uniform float u_texel_sigma_mm;
uniform float u_flare_sigma_mm, u_flare_area_mm2;
out vec4 o_density;
void main()
{
    float f2 = u_texel_sigma_mm * u_texel_sigma_mm;
    float d2 = dot(v_offset_mm, v_offset_mm);
    // Alpha: the wound's extra blood, redness x flare area x a unit Gaussian (mm^-2), summed over dots.
    float s2 = u_flare_sigma_mm * u_flare_sigma_mm + f2;
    float flare = v_redness * u_flare_area_mm2 * exp(-0.5 * d2 / s2) / (6.28318531 * s2);
    o_density = vec4(dot_density_filtered(v_a0, v_v0, v_a1, v_v1, d2, f2), flare);
}
