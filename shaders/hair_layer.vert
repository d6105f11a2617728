// The hair layer's splat (scalp/hair_layer.h, render/hair.c): each point of each hair not yet lost adds the
// skin area it covers, and that area times its height, to the chart texel under it. A texel's sums over its
// area are the layer's vertical optical depth tau and tau x the mean height.
layout(location = 0) in vec2 a_uv;
layout(location = 1) in vec3 a_point;  // area (chart uv²), height above the skin (mm), the hair's lost year

uniform float u_years;
uniform float u_texel_uv2;

flat out vec2 v_value;

void main()
{
    if (a_point.z <= u_years) { // lost by now (scalp_hair_shaft_is_lost)
        gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
        return;
    }
    v_value = vec2(a_point.x, a_point.x * a_point.y) / u_texel_uv2;
    gl_Position = vec4(2.0 * a_uv - 1.0, 0.0, 1.0);
}
