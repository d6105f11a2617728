// The skin's surface at close range (included into mesh.frag after scar.glsl): follicle openings and pores,
// the glyphic net of fine furrows, a fine albedo mottle and slow blotches of redness, all defined in the head's
// frame (millimetres), so they stay put on the skin as the camera moves. The numbers are scalp/skin.h's
// (docs/model.md "Skin surface"), set as uniforms by render/passes.c.
//
// The relief is a height field h(p) along the normal given by its analytic gradient, so the normal is
// n - (grad h - (grad h . n) n), exact to first order like the scars' (scar.glsl solves the chart's cotangent
// frame from screen-space derivatives because its height lives in a texture; here the height is a function of
// the 3D position, so its gradient is already in the head frame and needs no frame at all, and it does not
// take the pixel-quantised differences that make screen-space bump mapping shimmer).
//
// Filtering: each feature fades out as the pixel's footprint (a Gaussian sigma, mm) grows past the feature's
// own size, so far away nothing aliases and the tone is the flat skin's; the albedo terms have zero mean, so
// the fade does not shift the colour either.
// mesh.frag's variant without the relief (SMP_MESH_RELIEF 0, render/passes.c) leaves out the furrows and the
// openings, for frames whose every pixel is too coarse for them (their fades are all 0 there): llvmpipe runs
// both sides of a branch, so only leaving the code out saves its cost. The mottle and redness stay.
#ifndef SMP_MESH_RELIEF
#define SMP_MESH_RELIEF 1
#endif
uniform float u_skin_detail;             // 0: flat skin (as before issue 11); 1: the full relief
uniform vec2 u_skin_pore_spacing_mm;     // cell size of the openings' jittered grid: (scalp, face)
uniform vec4 u_skin_pore_radius_mm;      // (scalp min, scalp max, face min, face max)
uniform float u_skin_pore_depth_mm;
uniform float u_skin_pore_darkening;
uniform vec4 u_skin_furrow;              // (spacing_mm, depth_mm, fine spacing_mm, fine depth_mm)
uniform float u_skin_scalp_furrow_scale;
uniform vec2 u_skin_mottle;              // (size_mm, relative amplitude)
uniform vec2 u_skin_blotch;              // (size_mm, green optical density amplitude)

// A hash of an integer lattice point to [0, 1] (integer multiplies and xors: the same on every GPU).
float film_hash(ivec3 p)
{
    uvec3 q = uvec3(p) * uvec3(1597334673u, 3812015801u, 2798796415u);
    uint h = (q.x ^ q.y ^ q.z) * 1597334673u;
    h ^= h >> 16;
    return float(h) * (1.0 / 4294967295.0);
}

// Value noise and its gradient (Quilez, "Value noise derivatives": quintic fade, analytic derivative).
vec4 film_noise(vec3 x)
{
    ivec3 i = ivec3(floor(x));
    vec3 f = fract(x);
    vec3 u = f * f * f * (f * (f * 6.0 - 15.0) + 10.0);
    vec3 du = 30.0 * f * f * (f * (f - 2.0) + 1.0);
    float a = film_hash(i), b = film_hash(i + ivec3(1, 0, 0)), c = film_hash(i + ivec3(0, 1, 0));
    float d = film_hash(i + ivec3(1, 1, 0)), e = film_hash(i + ivec3(0, 0, 1)), g = film_hash(i + ivec3(1, 0, 1));
    float h = film_hash(i + ivec3(0, 1, 1)), k = film_hash(i + ivec3(1, 1, 1));
    float k1 = b - a, k2 = c - a, k3 = e - a, k4 = a - b - c + d, k5 = a - c - e + h, k6 = a - b - e + g;
    float k7 = -a + b + c - d + e - g - h + k;
    float value = a + k1 * u.x + k2 * u.y + k3 * u.z + k4 * u.x * u.y + k5 * u.y * u.z + k6 * u.z * u.x +
                  k7 * u.x * u.y * u.z;
    vec3 grad = du * vec3(k1 + k4 * u.y + k6 * u.z + k7 * u.y * u.z, k2 + k5 * u.z + k4 * u.x + k7 * u.z * u.x,
                          k3 + k6 * u.x + k5 * u.y + k7 * u.x * u.y);
    return vec4(value, grad);
}

// A rotation of the noise's lattice (an orthonormal matrix), so that value noise shows no grain along the
// head's axes.
const mat3 SKIN_TURN = mat3(0.36, 0.48, -0.8, -0.8, 0.6, 0.0, 0.48, 0.64, 0.6);

struct skin_surface {
    vec3 normal;       // shading normal with the micro-relief
    float albedo_scale;// multiplies the albedo (zero mean over an area)
    vec3 blood_density;// extra optical density of the redness blotches (zero mean)
    float slope_var;   // the relief's slope variance that the footprint fade removed (for a sharp lobe)
};

// 1 where the pixel (sigma, mm) resolves a feature of size feature_mm (a pixel, 2 sigma, under half of it),
// 0 from where a pixel spans more than the feature (the Nyquist limit, where it would alias into moire).
float skin_fade(float pixel_sigma_mm, float feature_mm)
{
    return 1.0 - smoothstep(0.25 * feature_mm, 0.6 * feature_mm, pixel_sigma_mm);
}

// Follicle openings and pores: one per cell of a 3D jittered grid of side c, each a funnel of radius r
// (random in [r_min, r_max]) centred on its point. Only points within half a cell of the surface (along n)
// count, so the points that open onto the skin are those of a slab one cell thick: 1/c^2 per mm^2 of surface
// whatever its orientation, and no seam anywhere. Returns (height mm, gradient mm/mm) and, in w, the
// opening's profile 0..1 (1 at its centre).
vec4 skin_pores(vec3 p, vec3 n, float c, vec2 radius, out float w)
{
    vec3 x = p / c;
    ivec3 base = ivec3(floor(x));
    vec4 hg = vec4(0.0);
    w = 0.0;
    for (int k = -1; k <= 1; ++k)
        for (int j = -1; j <= 1; ++j)
            for (int i = -1; i <= 1; ++i) {
                ivec3 cell = base + ivec3(i, j, k);
                vec3 q = (vec3(cell) + vec3(film_hash(cell), film_hash(cell + ivec3(71, 13, 5)),
                                            film_hash(cell + ivec3(3, 97, 41)))) * c;
                vec3 d = p - q;
                float dn = dot(d, n);
                if (abs(dn) > 0.5 * c) continue;
                vec3 dt = d - dn * n;
                float r = mix(radius.x, radius.y, film_hash(cell + ivec3(29, 7, 113)));
                float s2 = dot(dt, dt) / (r * r);
                if (s2 >= 1.0) continue;
                // A smooth funnel: depth (1 - s^2)^2, zero slope at its rim and at its floor.
                float a = 1.0 - s2;
                hg.x -= u_skin_pore_depth_mm * a * a;
                hg.yzw += u_skin_pore_depth_mm * 4.0 * a / (r * r) * dt;
                w = max(w, a * a);
            }
    return hg;
}

// A net of furrows: the edges of the Voronoi cells of a 3D jittered grid of side spacing_mm, cut by the skin,
// are a net of polygons like the skin's glyphic pattern (plateaus a spacing across, bounded by straight-ish
// furrows meeting at three- and four-way junctions). The furrow is a valley of the given depth (a Gaussian of
// the distance from the bisector between the nearest two points, 0.15 spacing to each side). Returns (height mm,
// gradient mm/mm).
vec4 skin_furrows(vec3 p, float spacing_mm, float depth_mm, ivec3 seed)
{
    vec3 x = p / spacing_mm;
    ivec3 base = ivec3(floor(x));
    float d1 = 1e9, d2 = 1e9;
    vec3 q1 = vec3(0.0), q2 = vec3(0.0);
    for (int k = -1; k <= 1; ++k)
        for (int j = -1; j <= 1; ++j)
            for (int i = -1; i <= 1; ++i) {
                ivec3 cell = base + ivec3(i, j, k) + seed;
                vec3 q = vec3(base + ivec3(i, j, k)) +
                         vec3(film_hash(cell), film_hash(cell + ivec3(71, 13, 5)), film_hash(cell + ivec3(3, 97, 41)));
                vec3 d = x - q;
                float dd = dot(d, d);
                if (dd < d1) {
                    d2 = d1, q2 = q1;
                    d1 = dd, q1 = q;
                } else if (dd < d2) {
                    d2 = dd, q2 = q;
                }
            }
    // Distance (in cells) from the bisector plane of q1 and q2, and its gradient (a unit vector).
    vec3 e = normalize(q2 - q1);
    float t = dot(0.5 * (q1 + q2) - x, e);
    const float w = 0.15;
    float g = exp(-(t * t) / (w * w));
    return vec4(-depth_mm * g, -depth_mm * g * 2.0 * t / (w * w) * e / spacing_mm);
}

// The skin's micro-surface at p (mm) with geometric normal n, on hair-bearing skin by scalp_weight (0..1),
// for a pixel of footprint pixel_sigma_mm. Called in uniform control flow (no derivatives inside).
skin_surface skin_evaluate(vec3 n, vec3 p, float scalp_weight, float pixel_sigma_mm)
{
    skin_surface s = skin_surface(n, 1.0, vec3(0.0), 0.0);
    if (u_skin_detail <= 0.0) return s;
    // Redness: two octaves of noise over centimetres; the blood's density in haemoglobin's proportions by
    // linear channel (it absorbs green most, then blue, hardly red). Seen at every distance, zero mean.
    float b = film_noise(SKIN_TURN * p / u_skin_blotch.x + vec3(5.3, 1.7, 9.1)).x +
              0.5 * film_noise(p / (0.43 * u_skin_blotch.x) + vec3(2.1, 8.2, 3.3)).x;
    s.blood_density = u_skin_detail * u_skin_blotch.y * ((b - 0.75) / 0.75) * vec3(0.15, 1.0, 0.6);

    vec4 hg = vec4(0.0);
    float var = 0.0;
    // The furrows: spacing across, but a valley is about a fifth of the spacing wide (0.1 each side).
    float furrow_scale = mix(1.0, u_skin_scalp_furrow_scale, scalp_weight);
    float f1 = skin_fade(pixel_sigma_mm, 0.2 * u_skin_furrow.x);
    float f2 = skin_fade(pixel_sigma_mm, 0.2 * u_skin_furrow.z);
    // Slope variance of one net: (depth / valley width)^2 over the valleys' share of the surface (about 0.3).
    float v1 = 0.3 * pow(furrow_scale * u_skin_furrow.y / (0.2 * u_skin_furrow.x), 2.0);
    float v2 = 0.3 * pow(furrow_scale * u_skin_furrow.w / (0.2 * u_skin_furrow.z), 2.0);
#if SMP_MESH_RELIEF
    if (f1 > 0.0) hg += f1 * furrow_scale * skin_furrows(p, u_skin_furrow.x, u_skin_furrow.y, ivec3(0));
    if (f2 > 0.0) hg += f2 * furrow_scale * skin_furrows(p, u_skin_furrow.z, u_skin_furrow.w, ivec3(1009, 2003, 3001));
#endif
    var += (1.0 - f1) * v1 + (1.0 - f2) * v2;
    // Openings: the scalp's follicles or the face's pores.
    float c = mix(u_skin_pore_spacing_mm.y, u_skin_pore_spacing_mm.x, scalp_weight);
    vec2 radius = mix(u_skin_pore_radius_mm.zw, u_skin_pore_radius_mm.xy, scalp_weight);
    float fp = skin_fade(pixel_sigma_mm, radius.y);
    float cover = 3.14159265 * radius.y * radius.y / (c * c);
    var += (1.0 - fp) * cover * pow(2.0 * u_skin_pore_depth_mm / radius.y, 2.0);
    float opening = 0.0;
#if SMP_MESH_RELIEF
    if (fp > 0.0) hg += fp * skin_pores(p, n, c, radius, opening);
#endif
    // The mottle: fine, zero-mean albedo variation.
    float fm = skin_fade(pixel_sigma_mm, 0.5 * u_skin_mottle.x);
    float m = fm > 0.0 ? film_noise(SKIN_TURN * p / u_skin_mottle.x + vec3(31.0, 17.0, 3.0)).x - 0.5 : 0.0;
    // The funnels' floors are darker (their mean darkening, cover x 1/3 x darkening, is under 0.2 %); the
    // furrows' valleys darker by the same share of their depth.
    float valley = -hg.x / max(u_skin_furrow.y + u_skin_pore_depth_mm, 1e-4);
    s.albedo_scale = 1.0 + u_skin_detail * (fm * 2.0 * u_skin_mottle.y * m - fp * u_skin_pore_darkening * opening -
                                            0.5 * u_skin_pore_darkening * clamp(valley, 0.0, 1.0) * (f1 + f2) * 0.5);
    vec3 grad = u_skin_detail * hg.yzw;
    s.normal = normalize(n - (grad - dot(grad, n) * n));
    s.slope_var = u_skin_detail * var;
    return s;
}
