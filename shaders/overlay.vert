// Screen-space text and panels: pixel coordinates with the origin at the top left.
layout(location = 0) in vec2 a_position_px;
layout(location = 1) in vec2 a_uv;
layout(location = 2) in vec4 a_color;
uniform vec2 u_viewport_px;
out vec2 v_uv;
out vec4 v_color;
void main()
{
    v_uv = a_uv;
    v_color = a_color;
    vec2 p = a_position_px / u_viewport_px * 2.0 - 1.0;
    gl_Position = vec4(p.x, -p.y, 0.0, 1.0);
}
