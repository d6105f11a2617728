// The interactive path's far-path pigment density while the time moves (render/dots.c, render_coverage_from_layers): the
// sum of each layer's density, splatted once with the looks of one time, scaled per channel by how much ink
// the layer holds now against then (its dots' integrals, sum of a_k 2 pi v_k), and its wound redness (alpha)
// by the layer's redness now against then. The layer's dots keep their shape of that time until the next
// full-quality frame splats them again.
// Four slices a draw from u_first (render/dots.c adds the draws): a loop of constant count, which the compiler
// unrolls; with the slice count as its bound llvmpipe took four times as long for the built-in plan's four
// layers (docs/benchmarks.md).
uniform sampler2DArray u_layers;
uniform int u_first;
uniform int u_count;        // slices in u_layers
uniform vec4 u_scale[4];    // 0 past the last slice
out vec4 o_density;

void main()
{
    ivec2 p = ivec2(gl_FragCoord.xy);
    vec4 sum = vec4(0.0);
    for (int i = 0; i < 4; ++i) sum += u_scale[i] * texelFetch(u_layers, ivec3(p, min(u_first + i, u_count - 1)), 0);
    o_density = sum;
}
