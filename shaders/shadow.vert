// Depth only, from the key light.
layout(location = 0) in vec3 a_position_mm;
uniform mat4 u_light_view_proj;
void main()
{
    gl_Position = u_light_view_proj * vec4(a_position_mm, 1.0);
}
