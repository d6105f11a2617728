// Edge anti-aliasing of the tone-mapped image, in place of multisampling (which costs Mesa's llvmpipe more
// than twice the scene passes: docs/benchmarks.md). The idea of Lottes' FXAA (NVIDIA 2009): where the
// lightness of a pixel's neighbourhood spans more than a threshold, find the edge's direction from the
// second differences across and along it, walk along the edge to both of its ends, and sample the image
// (bilinear) shifted across the edge by the pixel's distance to the nearer end. FXAA's sub-pixel term is left
// out: the dots and the stubble are filtered analytically before this and their one-pixel speckle is the
// picture, not aliasing. The silhouette and the scars' patch are what it smooths.
in vec2 v_uv;
uniform sampler2D u_image;   // sRGB-encoded RGBA8 with linear filtering
uniform vec2 u_texel;        // 1 / size
out vec4 o_color;

const float EDGE_MIN = 0.0312;    // contrast below this is no edge (dark areas)
const float EDGE_RELATIVE = 0.125; // ... nor below this share of the brightest neighbour
const int EDGE_STEPS = 8;          // pixels walked along the edge each way

float luma_at(vec2 uv)
{
    return dot(texture(u_image, uv).rgb, vec3(0.299, 0.587, 0.114));
}

void main()
{
    vec4 centre = texture(u_image, v_uv);
    float m = dot(centre.rgb, vec3(0.299, 0.587, 0.114));
    float n = luma_at(v_uv + vec2(0.0, u_texel.y)), s = luma_at(v_uv - vec2(0.0, u_texel.y));
    float e = luma_at(v_uv + vec2(u_texel.x, 0.0)), w = luma_at(v_uv - vec2(u_texel.x, 0.0));
    float lo = min(m, min(min(n, s), min(e, w))), hi = max(m, max(max(n, s), max(e, w)));
    float range = hi - lo;
    if (range < max(EDGE_MIN, hi * EDGE_RELATIVE)) {
        o_color = centre;
        return;
    }
    float ne = luma_at(v_uv + u_texel), sw = luma_at(v_uv - u_texel);
    float nw = luma_at(v_uv + vec2(-u_texel.x, u_texel.y)), se = luma_at(v_uv + vec2(u_texel.x, -u_texel.y));
    // A horizontal edge changes most from north to south.
    float across_h = 2.0 * abs(n + s - 2.0 * m) + abs(ne + se - 2.0 * e) + abs(nw + sw - 2.0 * w);
    float across_v = 2.0 * abs(e + w - 2.0 * m) + abs(ne + nw - 2.0 * n) + abs(se + sw - 2.0 * s);
    bool horizontal = across_h >= across_v;
    float l_neg = horizontal ? s : w, l_pos = horizontal ? n : e;
    float g_neg = abs(l_neg - m), g_pos = abs(l_pos - m);
    vec2 normal = horizontal ? vec2(0.0, u_texel.y) : vec2(u_texel.x, 0.0);
    float side_luma = l_pos;
    if (g_neg > g_pos) {
        normal = -normal;
        side_luma = l_neg;
    }
    float gradient = 0.25 * max(g_neg, g_pos);
    float edge_luma = 0.5 * (m + side_luma);
    // Walk along the edge, half a pixel towards the steeper side, until the lightness leaves the edge's.
    vec2 along = horizontal ? vec2(u_texel.x, 0.0) : vec2(0.0, u_texel.y);
    vec2 start = v_uv + 0.5 * normal;
    float d_neg = float(EDGE_STEPS), d_pos = float(EDGE_STEPS);
    float end_neg = edge_luma, end_pos = edge_luma;
    for (int i = 1; i <= EDGE_STEPS; ++i) {
        float l = luma_at(start - along * float(i));
        if (abs(l - edge_luma) >= gradient) {
            d_neg = float(i);
            end_neg = l;
            break;
        }
    }
    for (int i = 1; i <= EDGE_STEPS; ++i) {
        float l = luma_at(start + along * float(i));
        if (abs(l - edge_luma) >= gradient) {
            d_pos = float(i);
            end_pos = l;
            break;
        }
    }
    // The pixel takes a share of its neighbour across the edge that falls from one half at the nearer end
    // of the edge to nothing at its middle, when the edge ends the way the pixel's own side does.
    bool nearer_neg = d_neg < d_pos;
    float end_luma = nearer_neg ? end_neg : end_pos;
    float dist = min(d_neg, d_pos);
    float shift = ((end_luma - edge_luma < 0.0) != (m - edge_luma < 0.0)) ? 0.5 - dist / (d_neg + d_pos) : 0.0;
    o_color = vec4(texture(u_image, v_uv + normal * shift).rgb, centre.a);
}
