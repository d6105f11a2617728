// The interactive path's far-path pigment density while the time moves (render/dots.c, render_coverage_from_layers): the
// sum of each layer's density, splatted once with the looks of one time, scaled per channel by how much ink
// the layer holds now against then (its dots' integrals, sum of a_k 2 pi v_k), and its wound redness (alpha)
// by the layer's redness now against then. The layer's dots keep their shape of that time until the next
// full-quality frame splats them again.
uniform sampler2DArray u_layers;
uniform int u_count;
uniform vec4 u_scale[16];
out vec4 o_density;

void main()
{
    ivec2 p = ivec2(gl_FragCoord.xy);
    vec4 sum = vec4(0.0);
    for (int i = 0; i < u_count; ++i) sum += u_scale[i] * texelFetch(u_layers, ivec3(p, i), 0);
    o_density = sum;
}
