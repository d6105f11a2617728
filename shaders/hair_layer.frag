// Adds a hair point's share to its chart texel (additive blending): R = tau, G = tau x height (mm).
flat in vec2 v_value;

out vec4 o_layer;

void main()
{
    o_layer = vec4(v_value, 0.0, 0.0);
}
