// The yardstick of frame times (render_trivial_pass_ms): a constant colour over the screen, nothing read.
out vec4 o_color;

void main()
{
    o_color = vec4(0.5, 0.5, 0.5, 1.0);
}
