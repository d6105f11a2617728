// Head mesh: world position in mm, normal, scalp chart uv, and the position in the key light's clip space.
// The scars' displaced patch (render/scar.c) adds an offset along the normal: only the projection moves, the
// position the fragment shader sees (dots, scar texture, shadow map) stays on the undisplaced surface.
layout(location = 0) in vec3 a_position_mm;
layout(location = 1) in vec3 a_normal;
layout(location = 2) in vec2 a_uv;
layout(location = 3) in float a_offset_mm;
layout(location = 4) in vec2 a_skin;  // (hair-bearing scalp weight, sebum weight) (render.c, scalp/skin.h)

uniform mat4 u_view_proj;
uniform mat4 u_light_view_proj;

out vec3 v_position_mm;
out vec3 v_normal;
out vec2 v_uv;
out vec4 v_light_clip;
out vec2 v_skin;

void main()
{
    v_position_mm = a_position_mm;
    v_normal = a_normal;
    v_uv = a_uv;
    v_skin = a_skin;
    v_light_clip = u_light_view_proj * vec4(a_position_mm, 1.0);
    gl_Position = u_view_proj * vec4(a_position_mm + a_normal * a_offset_mm, 1.0);
}
