// The hair above the skin as a layer (included into mesh.frag before scar.glsl): scalp/hair_layer.h says
// what it is, render/hair.c splats it into a chart texture: R = its vertical optical depth tau (covered
// area per area of skin), G = tau x the covered area's mean height above the skin (mm). It is read over
// about the layer's height (u_hair_layer_lod), the spread of what a point of skin sees through it.
uniform sampler2D u_hair_layer;
uniform int u_hair_layer_enabled;
uniform float u_hair_layer_lod;

// A uniform sky through an absorbing layer of optical depth tau arrives as about exp(-1.66 tau)
// (SCALP_HAIR_LAYER_DIFFUSIVITY).
const float HAIR_LAYER_DIFFUSIVITY = 1.66;

// (tau, the layer's top above the skin in mm) at chart point uv. The fibres spread from the skin to the top,
// so the top is taken as twice their mean height, and never below 0.05 mm. Where the filtered texture holds
// almost nothing (tau under 1e-4, as at the edge of the hair) there is no layer: (0, 0), so that nothing
// divides by a vanishing top.
vec2 hair_layer_at(vec2 uv)
{
    if (u_hair_layer_enabled == 0) return vec2(0.0);
    vec2 l = textureLod(u_hair_layer, uv, u_hair_layer_lod).rg;
    if (!(l.r > 1e-4)) return vec2(0.0);
    return vec2(l.r, max(2.0 * max(l.g, 0.0) / l.r, 0.05));
}
