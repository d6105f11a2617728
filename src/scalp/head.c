/* The procedural head: a signed distance field of smoothly blended ellipsoids and capsules, sized from the
 * plan's anthropometric measures, meshed by casting rays from one interior point over a cube-sphere of
 * directions (the head and neck are star-shaped about that point), with the scalp chart, the landmarks
 * and the hair-bearing boundary measured on the result. docs/head.md describes the model and its sources.
 */
#include "scalp/head_internal.h"
#include "scalp/section.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Cube-sphere resolution: 6 N^2 quads, 12 N^2 triangles (N = 120: 172,800 triangles, edges about 1.2 mm
 * on the scalp, fine enough that a 6 cm close-up shows no facets). */
#define HEAD_GRID 120
/* Exponent of the chart's radial profile: rho' = (rho / g)^beta (see chart_build). 0 is the azimuthal
 * equidistant map (radial scale 1, rings stretched by s / g), -1 the equal-area one (the two stretches
 * reciprocal); -0.5 splits the stretch between the two directions (measured in tests/scalp/test_head.c). */
#define CHART_BETA (-0.5)
/* uv radius of the edge of the scalp disc; the face and the neck fill the ring out to 0.5. */
#define CHART_KNEE_UV 0.44

/* Male, then female, at the same head size. Farkas' adult means (docs/head.md) set the male face; the female
 * one takes Farkas' female/male ratio of each measure over the ratio of the heads (about 0.95), so that a
 * woman's smaller measures in plan.head and this table together give her face. */
static const face_shape face_shapes[2] = {
    {.brow = 1.0,
     .eye_x = 32.0,
     .nose = 1.0,
     .nose_width = 17.5,
     .mouth_x = 26.5,
     .lips = 1.0,
     .jaw_x = 45.0,
     .jaw_y = -64.0,
     .chin_x = 24.0,
     .chin_y = 12.0,
     .chin_z = 8.0,
     .menton_y = -101.0,
     .neck_rx = 58.0,
     .neck_rz = 54.0},
    {.brow = 0.35,
     .eye_x = 32.3,
     .nose = 0.94,
     .nose_width = 16.6,
     .mouth_x = 26.2,
     .lips = 1.12,
     .jaw_x = 42.0,
     .jaw_y = -61.0,
     .chin_x = 20.0,
     .chin_y = 11.0,
     .chin_z = 7.0,
     .menton_y = -97.0,
     .neck_rx = 51.0,
     .neck_rz = 48.0},
};

/* ---- distance primitives (Quilez, "distance functions", iquilezles.org/articles/distfunctions) ---- */

/* Polynomial smooth minimum of radius k (Quilez, "smooth minimum", the quadratic kernel). */
static double smin(double a, double b, double k)
{
    double h = fmax(k - fabs(a - b), 0.0) / k;
    return fmin(a, b) - h * h * k * 0.25;
}

static double smax(double a, double b, double k)
{
    return -smin(-a, -b, k);
}

/* Ellipsoid bound k0 (k0 - 1) / k1 with k0 = |p/r|, k1 = |p/r^2|: exact on the surface, close near it. */
static double ellipsoid(double x, double y, double z, double rx, double ry, double rz)
{
    double k0 = sqrt((x / rx) * (x / rx) + (y / ry) * (y / ry) + (z / rz) * (z / rz));
    double k1 = sqrt((x / (rx * rx)) * (x / (rx * rx)) + (y / (ry * ry)) * (y / (ry * ry)) +
                     (z / (rz * rz)) * (z / (rz * rz)));
    if (k1 < 1e-12) return -fmin(rx, fmin(ry, rz));
    return k0 * (k0 - 1.0) / k1;
}

static double capsule(double x, double y, double z, const double a[3], const double b[3], double r)
{
    double pa[3] = {x - a[0], y - a[1], z - a[2]};
    double ba[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
    double h =
        (pa[0] * ba[0] + pa[1] * ba[1] + pa[2] * ba[2]) / (ba[0] * ba[0] + ba[1] * ba[1] + ba[2] * ba[2]);
    h = smp_clamp(h, 0.0, 1.0);
    double dx = pa[0] - ba[0] * h, dy = pa[1] - ba[1] * h, dz = pa[2] - ba[2] * h;
    return sqrt(dx * dx + dy * dy + dz * dz) - r;
}

/* The cranium: a vertical ellipse swept over a horizontal superellipse |x/ax|^n + |z/az|^n = 1, slightly
 * narrower in front than behind (the head seen from above is egg-shaped). Distance = (G - 1) / |grad G|. */
static double cranium(const head_shape *sh, double x, double y, double z)
{
    double zl = z - sh->cz, yl = y - sh->cy;
    double ax = sh->ax * (1.0 - 0.05 * smp_clamp(zl / sh->az, -1.0, 1.0));
    double ay = yl > 0.0 ? sh->ay : sh->ay * 0.95;
    double X = fabs(x) / ax + 1e-9, Z = fabs(zl) / sh->az + 1e-9, Y = yl / ay;
    double xn = pow(X, sh->n), zn = pow(Z, sh->n);
    double h = pow(xn + zn, 1.0 / sh->n);
    double G = sqrt(h * h + Y * Y);
    /* dh/dX = X^(n-1) h^(1-n) */
    double hp = pow(h, 1.0 - sh->n);
    double gx = h / G * (xn / X) * hp / ax, gz = h / G * (zn / Z) * hp / sh->az, gy = Y / G / ay;
    double gl = sqrt(gx * gx + gy * gy + gz * gz);
    return (G - 1.0) / fmax(gl, 1e-9);
}

/* The closed lids' line (reference millimetres): half as long as the eye's fissure, lowest under the pupil
 * and rising a little outwards (the lateral canthus sits higher than the medial one). */
#define EYE_LID_HALF 15.0
static double lid_line_y(const face_shape *f, double x)
{
    double u = x - f->eye_x;
    return 7.0 + 0.005 * u * u + 0.05 * u;
}

/* Keeps a part of the face (value v) from reaching the scalp's edge in front of the ear, the sideburn and the
 * temple, which lie within the cheeks' blends: v is raised to twice the depth inside a 36 mm tube around that
 * edge (reference mm, face frame), so near the edge it exceeds the face's other parts by more than any blend
 * and leaves the skin there, and so the scalp's vertices, exactly where they were. The tube's axis follows
 * the hair-bearing edge measured on the default head, from the sideburn's foot (about 8 mm below the ear
 * canals) up past the temple. Twice the depth is steeper than a distance, but it only wins where the cheeks
 * are far from the surface. */
static double keep_off_sideburn(double v, double x, double y, double z)
{
    static const double a[3] = {72.0, -12.0, -74.0}, b[3] = {69.0, 45.0, -46.0};
    return smax(v, -2.0 * capsule(x, y, z, a, b, 36.0), 16.0);
}

/* The face in the reference head's millimetres: x = |x| (the face is symmetric), y from the ear canals, z
 * from the front of the cranium at the brow (front); d is the cranium and brow so far. The sex's measures (f)
 * follow the norms of docs/head.md; the primitives' other sizes and blends are assumptions tuned by eye on
 * the rendered views, checked against the norms by tests/scalp/test_head.c. */
static double face_sdf(const face_shape *f, double d, double x, double y, double z)
{
    /* Midface: one broad mass, widest at the cheekbones, with the maxilla's forward volume beside the nose;
     * the muzzle over the teeth in front of it. */
    double mass = ellipsoid(x, y + 22.0, z + 58.0, 58.0, 60.0, 56.0);
    mass = smin(mass, ellipsoid(x - 42.0, y + 4.0, z + 36.0, 22.0, 14.0, 18.0), 16.0);  /* cheekbones */
    mass = smin(mass, ellipsoid(x - 33.0, y + 8.0, z + 25.0, 14.0, 11.0, 12.0), 14.0);  /* their front */
    mass = smin(mass, ellipsoid(x - 22.0, y + 15.0, z + 29.0, 17.0, 13.0, 16.0), 14.0); /* beside the nose */
    mass = smin(mass, ellipsoid(x, y + 56.0, z + 30.0, 32.0, 34.0, 30.0), 22.0);        /* muzzle */
    mass = smin(mass, ellipsoid(x - 30.0, y + 38.0, z + 36.0, 16.0, 22.0, 24.0),
                18.0); /* cheeks over the teeth */
    /* The cheeks' fullness, from under the cheekbone down over the masseter to the jaw's angle. The scalp's
     * edge in front of the ear (the sideburn and the temple) lies within these blends' reach, so they are
     * kept off it (keep_off_sideburn): the scalp's vertices stay where they are whatever the cheeks do. */
    double full = ellipsoid(x - 38.0, y + 30.0, z + 44.0, 17.0, 24.0, 24.0);
    full = smin(full, ellipsoid(x - 33.0, y + 60.0, z + 40.0, 14.0, 18.0, 22.0), 24.0); /* over the jaw */
    full =
        smin(full, ellipsoid(x - (f->jaw_x - 7.0), y - (f->jaw_y + 16.0), z + 60.0, 13.0, 28.0, 26.0), 24.0);
    mass = smin(mass, keep_off_sideburn(full, x, y, z), 20.0);
    /* Mandible under the skin: the ramus down from the jaw joint to the angle, then the body forward along
     * the jaw line to the chin, and the chin's prominence in front, broad and shallow so it belongs to the
     * jaw. */
    double condyle[3] = {f->jaw_x + 2.0, -8.0, -80.0}, gonion[3] = {f->jaw_x, f->jaw_y, -84.0};
    /* The body follows the mandible's U seen from above (a parabola from the angle to the chin), so the jaw
     * fills the face beside the chin instead of leaving the chin as a knob in front of a thin bar. */
    double chin_mid[3] = {0.0, f->menton_y + 13.0, -17.0};
    double body1[3] = {0.72 * f->jaw_x, smp_mix(f->jaw_y, chin_mid[1], 0.55), -50.0};
    double body2[3] = {0.36 * f->jaw_x, smp_mix(f->jaw_y, chin_mid[1], 0.88), -27.0};
    double jaw = capsule(x, y, z, condyle, gonion, 9.0);
    jaw = smin(jaw, capsule(x, y, z, gonion, body1, 12.0), 12.0);
    jaw = smin(jaw, capsule(x, y, z, body1, body2, 13.0), 12.0);
    jaw = smin(jaw, capsule(x, y, z, body2, chin_mid, 13.0), 12.0);
    mass = smin(mass, jaw, 16.0);
    mass = smin(mass,
                ellipsoid(x, y - (f->menton_y + f->chin_y + 2.0), z + 6.0 + f->chin_z, f->chin_x,
                          f->chin_y + 2.0, f->chin_z + 4.0),
                18.0);
    /* Under the chin: the floor of the mouth slopes gently back and down into the throat, so the neck rises
     * from under the jaw without a shelf (a capsule twice as wide as it is deep, ending inside the neck's
     * front, which lies 2 neck_rz - 62 mm before the cranium's centre, about 94.5 mm behind the brow's
     * front). */
    double sub_a[3] = {0.0, f->menton_y + 8.0, -38.0};
    double sub_b[3] = {0.0, f->menton_y - 24.0, 2.0 * f->neck_rz - 62.0 - 94.5 - 8.0};
    mass = smin(mass, capsule(0.5 * x, y, z, sub_a, sub_b, 10.0), 16.0);
    /* Nose: dorsum from the nasion, lobule, and the alae joined by the nose's base. */
    double k = f->nose;
    double root[3] = {0.0, 16.0, -11.0}, tip[3] = {0.0, 16.0 - 38.0 * k, -8.0 + 20.0 * k};
    double nose = capsule(x, y, z, root, tip, 5.0 * k);
    nose = smin(nose, ellipsoid(x, y - (16.0 - 43.0 * k), z - (-6.0 + 17.5 * k), 8.0 * k, 7.0 * k, 7.5 * k),
                6.0 * k);
    nose = smin(nose,
                ellipsoid(x - (f->nose_width - 7.5), y - (16.0 - 48.0 * k), z - (-6.0 + 7.0 * k), 6.0,
                          5.5 * k, 8.0 * k),
                6.0 * k);
    nose = smin(
        nose,
        ellipsoid(x, y - (16.0 - 48.0 * k), z - (-6.0 + 8.0 * k), f->nose_width - 10.5, 4.0 * k, 7.0 * k),
        6.0 * k);
    mass = smin(mass, nose, 9.0);
    /* Lips, closed, meeting at the mouth line. */
    double lf = f->lips;
    mass = smin(mass, ellipsoid(x, y + 53.0, z + 8.5, f->mouth_x - 3.0, 6.0 * lf, 10.0 + 1.0 * lf), 6.0);
    mass = smin(mass, ellipsoid(x, y + 65.0, z + 10.0, f->mouth_x - 7.0, 6.0 * lf, 10.0 + 1.0 * lf), 6.0);
    mass = smax(mass, -ellipsoid(x, y + 59.0, z - 9.0, f->mouth_x, 1.0, 8.0), 1.2);
    d = smin(d, mass, 14.0);
    /* Eyes, closed: the orbit under the brow, then the lids over the eyeball, parted by a fine line. */
    d = smax(d, -ellipsoid(x - f->eye_x, y - 12.0, z + 7.0, 19.0, 10.5, 10.0), 9.0);
    double lid = ellipsoid(x - f->eye_x, y - 10.0, z + 19.0, 15.0, 11.0, 12.5);
    lid = smax(lid, -ellipsoid(x - f->eye_x, y - lid_line_y(f, x), z + 5.0, EYE_LID_HALF, 0.7, 4.0), 0.8);
    d = smin(d, lid, 5.0);
    return d;
}

/* The whole head and neck. Features are placed for the default head and scaled by sh->s; the numbers are
 * anthropometric assumptions (docs/head.md), tuned so the head reads as a head, not measured. */
static double head_sdf(const head_shape *sh, double x, double y, double z)
{
    double s = sh->s, ax = fabs(x);
    double front = sh->cz + sh->az, back = sh->cz - sh->az;
    double d = cranium(sh, x, y, z);

    /* Brow ridge across the forehead; the glabella is its midline front. */
    double brow = sh->face.brow;
    d = smin(d,
             ellipsoid(x, y - sh->cy, z - (front - (9.0 + 5.0 * (1.0 - brow)) * s), 44.0 * s, 10.0 * s,
                       (13.0 - 3.0 * (1.0 - brow)) * s),
             14.0 * s);
    /* External occipital protuberance (inion), a low bump at the back. */
    d = smin(d, ellipsoid(x, y - (sh->cy - 22.0 * s), z - (back + 6.0 * s), 20.0 * s, 8.0 * s, 8.0 * s),
             10.0 * s);
    /* Temporal fossae: a shallow hollow behind the lateral brow. */
    d = smax(d,
             -ellipsoid(ax - (sh->ax + 4.0 * s), y - (sh->cy - 12.0 * s), z - (front - 38.0 * s), 14.0 * s,
                        20.0 * s, 24.0 * s),
             14.0 * s);

    /* Face, in the reference head's millimetres (see face_sdf); skipped when the point is farther from the
     * face's box than the blends can reach (the SDF is evaluated ~10^7 times per head). */
    double fx = ax / s, fy = y / s, fz = (z - front) / s;
    double bx = fmax(fx - 80.0, 0.0), by = fmax(fmax(-125.0 - fy, fy - 40.0), 0.0);
    double bz = fmax(fmax(-105.0 - fz, fz - 40.0), 0.0);
    if (!sh->chart_shape && sqrt(bx * bx + by * by + bz * bz) * s < d + 20.0 * s)
        d = face_sdf(&sh->face, d / s, fx, fy, fz) * s;

    /* Ears: a flattened, back-tilted pinna on each side with a hollow concha and a lobe. */
    if (!sh->chart_shape && fabs(ax - sh->ear_x) < d + 45.0 * s && fabs(y) < d + 60.0 * s) {
        double ex = ax - (sh->ear_x + 4.0 * s), ey = y - 2.0 * s, ez = z + 10.0 * s;
        double ca = cos(0.26), sa = sin(0.26); /* about 15 degrees back */
        double ry = ca * ey + sa * ez, rz = -sa * ey + ca * ez;
        double ear = ellipsoid(ex, ry, rz, 7.0 * s, 30.0 * s, 17.0 * s);
        /* The scapha: a shallow dish inside the helix's rim on the outer face; then the deeper concha. */
        ear = smax(ear, -ellipsoid(ex - 7.5 * s, ry - 2.0 * s, rz + 1.0 * s, 3.0 * s, 24.0 * s, 12.0 * s),
                   2.0 * s);
        ear = smax(ear, -ellipsoid(ex - 8.0 * s, ry + 3.0 * s, rz - 1.0 * s, 5.0 * s, 10.0 * s, 7.5 * s),
                   3.0 * s);
        /* The lobe: soft and a little thicker at the bottom. */
        ear = smin(ear, ellipsoid(ex - 0.5 * s, ry + 23.0 * s, rz - 1.0 * s, 5.0 * s, 8.0 * s, 8.0 * s),
                   4.0 * s);
        d = smin(d, ear, 7.0 * s);
    }

    /* Neck: an elliptic column under the skull, blended wide at the nape and under the jaw; cut flat. Its
     * back stays where the male neck's is whatever its girth, so the nape (and the scalp's edge there) does
     * not move. */
    {
        const face_shape *f = &sh->face;
        double nx = x / f->neck_rx, nz = (z - (sh->cz + (f->neck_rz - 62.0) * s)) / f->neck_rz;
        double neck = (sqrt(nx * nx + nz * nz) - s) * f->neck_rz;
        neck = smax(neck, y - (sh->cy - 60.0 * s), 10.0 * s);
        d = smin(d, neck, 28.0 * s);
    }
    d = smax(d, sh->y_cut - y, 8.0 * s);
    return d;
}

/* Outermost surface point along o + t dir, t in (0, t_max]: sphere tracing inward from outside, so the
 * first surface met is the outermost one; a bisection then settles the crossing. */
static double ray_cast(const head_shape *sh, const double o[3], const double dir[3], double t_max)
{
    double t = t_max, t_out = t_max, f = 1.0;
    for (int i = 0; i < 400; i++) {
        f = head_sdf(sh, o[0] + t * dir[0], o[1] + t * dir[1], o[2] + t * dir[2]);
        if (f < 0.05) break;
        t_out = t;
        t -= 0.85 * f + 0.01;
        if (t <= 0.0) return 0.0;
    }
    if (f <= -0.05) {
        double lo = t, hi = t_out; /* overshot: f(lo) < 0 <= f(hi) */
        for (int i = 0; i < 10; i++) {
            double m = 0.5 * (lo + hi);
            double fm = head_sdf(sh, o[0] + m * dir[0], o[1] + m * dir[1], o[2] + m * dir[2]);
            if (fm < 0.0)
                lo = m;
            else
                hi = m;
        }
        t = 0.5 * (lo + hi);
    }
    /* Settle on the crossing itself (Newton steps along the ray, each at most 0.1 mm), so that where a ray
     * meets the surface does not depend on the path the march took there: far-away parts of the field (the
     * face, seen from the scalp) then leave the scalp's vertices alone. */
    for (int i = 0; i < 4; i++) {
        double f0 = head_sdf(sh, o[0] + t * dir[0], o[1] + t * dir[1], o[2] + t * dir[2]);
        if (fabs(f0) < 1e-5) break;
        double f1 =
            head_sdf(sh, o[0] + (t + 0.01) * dir[0], o[1] + (t + 0.01) * dir[1], o[2] + (t + 0.01) * dir[2]);
        double g = (f1 - f0) / 0.01;
        if (g < 0.05) break; /* grazing: keep the march's answer */
        t -= smp_clamp(f0 / g, -0.1, 0.1);
    }
    return t;
}

static void ray_point(const head_shape *sh, const double o[3], const double dir[3], double out[3])
{
    double t = ray_cast(sh, o, dir, 300.0 * sh->s);
    for (int k = 0; k < 3; k++)
        out[k] = o[k] + t * dir[k];
}

static void sdf_normal(const head_shape *sh, const double p[3], double n[3])
{
    /* Tetrahedral central differences (Quilez, "normals for an SDF"). */
    const double h = 0.25;
    static const double k[4][3] = {{1, -1, -1}, {-1, -1, 1}, {-1, 1, -1}, {1, 1, 1}};
    n[0] = n[1] = n[2] = 0.0;
    for (int i = 0; i < 4; i++) {
        double f = head_sdf(sh, p[0] + h * k[i][0], p[1] + h * k[i][1], p[2] + h * k[i][2]);
        for (int c = 0; c < 3; c++)
            n[c] += k[i][c] * f;
    }
    double l = sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    for (int c = 0; c < 3; c++)
        n[c] = l > 0.0 ? n[c] / l : (c == 1);
}

/* ---- measuring the cranium ---- */

double head_shape_ray(const head_shape *sh, const double o[3], const double d[3])
{
    return ray_cast(sh, o, d, 300.0 * sh->s);
}

/* The SDF as a head_ray_fn. */
static double sdf_cast(const void *ctx, const double o[3], const double d[3], double t_max)
{
    return ray_cast(ctx, o, d, t_max);
}

/* Length glabella..opisthocranion, maximum breadth above the ears, circumference just above the brows. */
int head_shape_measure(const head_shape *sh, head_ray_fn cast, const void *ctx, double out[3])
{
    const double t_max = 300.0 * sh->s, z_axis[3] = {0.0, 0.0, 1.0}, back_dir[3] = {0.0, 0.0, -1.0};
    const double x_axis[3] = {1.0, 0.0, 0.0};
    double o[3] = {0.0, sh->cy, 0.0};
    double front = cast(ctx, o, z_axis, t_max);
    double back = -1.0;
    for (double y = sh->cy - 30.0 * sh->s; y <= sh->cy + 60.0 * sh->s; y += 2.0) {
        o[1] = y;
        back = fmax(back, cast(ctx, o, back_dir, t_max));
    }
    double b = -1.0;
    for (double y = 45.0 * sh->s; y <= sh->cy + 80.0 * sh->s; y += 2.0)
        for (double z = sh->cz - 40.0 * sh->s; z <= sh->cz + 40.0 * sh->s; z += 4.0) {
            double ob[3] = {0.0, y, z};
            b = fmax(b, 2.0 * cast(ctx, ob, x_axis, t_max));
        }
    if (front < 0.0 || back < 0.0 || b < 0.0) return -1;
    out[0] = front + back;
    out[1] = b;
    /* The tape runs just above the brow ridge, horizontally. */
    double yc = sh->cy + 12.0 * sh->s, c = 0.0, prev[2] = {0, 0}, t_last = -1.0;
    const int steps = 360;
    int missed = 0;
    for (int i = 0; i <= steps; i++) {
        double a = 2.0 * SMP_PI * i / steps, oc[3] = {0.0, yc, sh->cz}, d[3] = {sin(a), 0.0, cos(a)};
        double t = cast(ctx, oc, d, t_max);
        if (t < 0.0) {
            missed += i < steps;
            t = t_last >= 0.0 ? t_last : front;
        }
        t_last = t;
        double q[2] = {t * sin(a), t * cos(a)};
        if (i > 0) c += hypot(q[0] - prev[0], q[1] - prev[1]); /* the last step closes the loop */
        prev[0] = q[0], prev[1] = q[1];
    }
    out[2] = c;
    return missed;
}

/* Fits the cranium to the measures: breadth scales ax, length shifts az, circumference sets the
 * superellipse exponent (a fuller, squarer outline has a longer perimeter for the same length and breadth).
 */
void head_shape_fit(head_shape *sh, const plan_head *params, plan_sex sex, double measured[3])
{
    double L = params->length_cm * 10.0, B = params->breadth_cm * 10.0, C = params->circumference_cm * 10.0;
    sh->s = sqrt((L / 195.0) * (B / 155.0));
    sh->ax = B / 2.0;
    sh->az = L / 2.0 - 3.0;
    sh->n = 2.3;
    sh->ay = 100.0 * sh->s;
    sh->cy = 30.0 * sh->s;
    sh->cz = -7.0 * (L / 195.0);
    sh->y_cut = -185.0 * sh->s;
    sh->face = face_shapes[sex == PLAN_SEX_FEMALE ? 1 : 0];
    double ml = 0, mb = 0, mc = 0, prev_n = 0, prev_c = 0;
    for (int it = 0; it < 6; it++) {
        /* The ears sit on the side of the cranium at the ear canals' height. */
        sh->ear_x = sh->ax * sqrt(fmax(0.0, 1.0 - pow(sh->cy / (0.95 * sh->ay), 2.0))) * 0.97;
        double m[3];
        head_shape_measure(sh, sdf_cast, sh, m);
        ml = m[0], mb = m[1], mc = m[2];
        sh->ax *= B / mb;
        sh->az += (L - ml) * 0.5;
        double n_new;
        if (it == 0) {
            n_new = sh->n * (1.0 + 2.0 * (C - mc) / C * 2.0);
        } else {
            double slope = (mc - prev_c) / (sh->n - prev_n);
            n_new = fabs(slope) > 1e-6 ? sh->n + (C - mc) / slope : sh->n;
        }
        prev_n = sh->n, prev_c = mc;
        sh->n = smp_clamp(n_new, 1.6, 5.0);
        if (fabs(sh->n - prev_n) < 1e-4) sh->n += 1e-3; /* keep the secant defined */
    }
    sh->ear_x = sh->ax * sqrt(fmax(0.0, 1.0 - pow(sh->cy / (0.95 * sh->ay), 2.0))) * 0.97;
    head_shape_measure(sh, sdf_cast, sh, measured);
}

/* ---- the chart ---- */

static void v3_normalize(double v[3])
{
    double l = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    if (l > 0.0) v[0] /= l, v[1] /= l, v[2] /= l;
}

static void chart_direction(const scalp_head *head, double theta, double phi, double d[3])
{
    double st = sin(theta), ct = cos(theta), cp = cos(phi), sp = sin(phi);
    for (int k = 0; k < 3; k++)
        d[k] = ct * head->chart_axis[k] + st * (cp * head->chart_e1[k] + sp * head->chart_e2[k]);
}

static double profile_at(const scalp_head *head, double s)
{
    double f = s / head->profile_step_mm;
    if (f <= 0.0) return 0.0;
    int i = (int)f;
    if (i >= SCALP_PROFILE_COUNT - 1) return head->profile_mm[SCALP_PROFILE_COUNT - 1];
    return smp_mix(head->profile_mm[i], head->profile_mm[i + 1], f - i);
}

/* Polar chart coordinates of p: theta from the axis, phi around it (0..2 pi), both seen from the origin. */
static void chart_angles(const scalp_head *head, const float p[3], double *theta, double *phi)
{
    double d[3] = {p[0] - head->ray_origin_mm[0], p[1] - head->ray_origin_mm[1],
                   p[2] - head->ray_origin_mm[2]};
    v3_normalize(d);
    double ca = d[0] * head->chart_axis[0] + d[1] * head->chart_axis[1] + d[2] * head->chart_axis[2];
    double c1 = d[0] * head->chart_e1[0] + d[1] * head->chart_e1[1] + d[2] * head->chart_e1[2];
    double c2 = d[0] * head->chart_e2[0] + d[1] * head->chart_e2[1] + d[2] * head->chart_e2[2];
    *theta = atan2(sqrt(c1 * c1 + c2 * c2), ca);
    *phi = atan2(c2, c1);
    if (*phi < 0.0) *phi += 2.0 * SMP_PI;
}

typedef struct chart_job {
    const scalp_head *head;
    const head_shape *sh;
    double *arc;
    float (*pts)[3];
} chart_job;

/* Walks meridians begin..end-1 from the centre to the far pole, tabulating points and arc lengths. */
static void chart_meridians(void *ctx, int begin, int end)
{
    enum { NT = SCALP_CHART_THETA_COUNT, NP = SCALP_CHART_PHI_COUNT };
    chart_job *job = ctx;
    const double o[3] = {job->head->ray_origin_mm[0], job->head->ray_origin_mm[1],
                         job->head->ray_origin_mm[2]};
    for (int i = begin; i < end; i++) {
        double phi = 2.0 * SMP_PI * i / NP, prev[3] = {0, 0, 0};
        for (int j = 0; j < NT; j++) {
            double d[3], p[3];
            chart_direction(job->head, SMP_PI * j / (NT - 1), phi, d);
            ray_point(job->sh, o, d, p);
            double step = sqrt((p[0] - prev[0]) * (p[0] - prev[0]) + (p[1] - prev[1]) * (p[1] - prev[1]) +
                               (p[2] - prev[2]) * (p[2] - prev[2]));
            job->arc[i * NT + j] = j == 0 ? 0.0 : job->arc[i * NT + j - 1] + step;
            for (int k = 0; k < 3; k++)
                prev[k] = p[k], job->pts[i * NT + j][k] = (float)p[k];
        }
    }
}

/* Builds the chart: each meridian (the section of the surface by a plane through the chart axis) is
 * walked from the centre to the far pole and its arc length s tabulated. The uv radius is rho(s):
 * rho' = (rho / g(s))^beta, where 2 pi g(s) is the perimeter of the ring at arc s (Snyder, "Map
 * Projections: A Working Manual", USGS 1987: the azimuthal equidistant map has radial scale 1 and
 * tangential scale s / g; the conformal one equal scales g / rho both ways; beta blends the two). Past
 * the scalp (arc > knee) each meridian is squeezed into the ring out to uv radius 0.5. */
static smp_status chart_build(scalp_head *head, const head_shape *sh, const float nape[3])
{
    enum { NT = SCALP_CHART_THETA_COUNT, NP = SCALP_CHART_PHI_COUNT };
    double *arc = malloc(sizeof(double) * NT * NP);
    float(*pts)[3] = malloc(sizeof(float[3]) * NT * NP);
    head->chart_radius = malloc(sizeof(float) * NT * NP);
    if (!arc || !pts || !head->chart_radius) {
        free(arc), free(pts);
        return SMP_ERR_NOMEM;
    }
    /* Arcs are measured as if the head had no ears: a meridian that climbed over a pinna would push
     * the scalp behind and below it outwards and tear the chart there. Nor a face: the scalp's chart then
     * does not depend on the nose, the lips or the patient's sex (the rings past the brow that cross the
     * face only set how the face and neck squeeze into the chart's outer ring). */
    head_shape smooth = *sh;
    smooth.chart_shape = true;
    chart_job job = {head, &smooth, arc, pts};
    smp_parallel_for(NP, chart_meridians, &job);
    /* The scalp disc ends 10 mm past the nape, the farthest hair-bearing point from the centre. */
    double knee_mm;
    {
        double theta, phi;
        chart_angles(head, nape, &theta, &phi);
        int i = (int)lround(phi / (2.0 * SMP_PI) * NP) % NP;
        double fj = theta / SMP_PI * (NT - 1);
        int j = (int)fj < NT - 1 ? (int)fj : NT - 2;
        knee_mm = smp_mix(arc[i * NT + j], arc[i * NT + j + 1], fj - j) + 10.0;
    }
    /* g(s): ring perimeter / 2 pi, from the point at arc s on every meridian. */
    head->profile_step_mm = (float)(knee_mm / (SCALP_PROFILE_COUNT - 1));
    double rho = 0.0;
    head->profile_mm[0] = 0.0f;
    int *cursor = calloc(NP, sizeof(int));
    if (!cursor) {
        free(arc), free(pts);
        return SMP_ERR_NOMEM;
    }
    for (int k = 1; k < SCALP_PROFILE_COUNT; k++) {
        double s = k * head->profile_step_mm, per = 0.0, first[3] = {0}, last[3] = {0};
        for (int i = 0; i < NP; i++) {
            int j = cursor[i];
            while (j < NT - 2 && arc[i * NT + j + 1] < s)
                j++;
            cursor[i] = j;
            double a0 = arc[i * NT + j], a1 = arc[i * NT + j + 1];
            double f = a1 > a0 ? smp_clamp((s - a0) / (a1 - a0), 0.0, 1.0) : 0.0, q[3];
            for (int c = 0; c < 3; c++)
                q[c] = smp_mix(pts[i * NT + j][c], pts[i * NT + j + 1][c], f);
            if (i == 0) {
                memcpy(first, q, sizeof q);
            } else {
                per += sqrt((q[0] - last[0]) * (q[0] - last[0]) + (q[1] - last[1]) * (q[1] - last[1]) +
                            (q[2] - last[2]) * (q[2] - last[2]));
            }
            memcpy(last, q, sizeof q);
        }
        per +=
            sqrt((first[0] - last[0]) * (first[0] - last[0]) + (first[1] - last[1]) * (first[1] - last[1]) +
                 (first[2] - last[2]) * (first[2] - last[2]));
        double g = per / (2.0 * SMP_PI);
        double slope = k == 1 ? 1.0 : pow(rho / fmax(g, 1e-6), CHART_BETA);
        rho += slope * head->profile_step_mm;
        head->profile_mm[k] = (float)rho;
    }
    free(cursor);
    double rho_knee = rho;
    double slope_knee =
        (head->profile_mm[SCALP_PROFILE_COUNT - 1] - head->profile_mm[SCALP_PROFILE_COUNT - 2]) /
        head->profile_step_mm;
    head->uv_scale_mm = (float)(rho_knee / CHART_KNEE_UV);
    for (int i = 0; i < NP; i++) {
        double total = arc[i * NT + NT - 1];
        for (int j = 0; j < NT; j++) {
            double s = arc[i * NT + j], r;
            if (s <= knee_mm) {
                r = profile_at(head, s) / head->uv_scale_mm;
            } else {
                /* psi(t) = (1 + c) t / (t + c): psi(1) = 1, psi'(0) = (1 + c) / c matches the slope. */
                double span = total - knee_mm, room = 0.5 - CHART_KNEE_UV;
                double m = slope_knee / head->uv_scale_mm * span / room, t = (s - knee_mm) / span;
                double psi = m > 1.0 ? (1.0 + 1.0 / (m - 1.0)) * t / (t + 1.0 / (m - 1.0)) : t;
                r = CHART_KNEE_UV + room * psi;
            }
            head->chart_radius[i * NT + j] = (float)r;
        }
        head->chart_radius[i * NT + NT - 1] = 0.5f;
    }
    free(arc), free(pts);
    return SMP_OK;
}

void scalp_head_uv(const scalp_head *head, const float position_mm[3], float uv[2])
{
    assert(head && position_mm && uv && head->chart_radius);
    enum { NT = SCALP_CHART_THETA_COUNT, NP = SCALP_CHART_PHI_COUNT };
    double theta, phi;
    chart_angles(head, position_mm, &theta, &phi);
    double ft = theta / SMP_PI * (NT - 1), fp = phi / (2.0 * SMP_PI) * NP;
    int j = (int)ft, i = (int)fp;
    if (j > NT - 2) j = NT - 2;
    if (i > NP - 1) i = NP - 1;
    double tj = ft - j, ti = fp - i;
    int i1 = (i + 1) % NP;
    const float *R = head->chart_radius;
    double r0 = smp_mix(R[i * NT + j], R[i * NT + j + 1], tj);
    double r1 = smp_mix(R[i1 * NT + j], R[i1 * NT + j + 1], tj);
    double r = smp_mix(r0, r1, ti);
    /* u runs towards the patient's right so that the chart is not mirrored (counter-clockwise on the
     * surface seen from outside stays counter-clockwise in uv); chart mm keep +x to the left. */
    uv[0] = (float)smp_clamp(0.5 - r * cos(phi), 0.0, 1.0);
    uv[1] = (float)smp_clamp(0.5 + r * sin(phi), 0.0, 1.0);
}

void scalp_head_uv_jacobian(const scalp_head *head, const float p[3], const float n[3], float out[4])
{
    float t1[3], t2[3];
    smp_tangent_frame(n, t1, t2);
    const float h = 0.25f;
    float uv0[2], uv1[2], uv2[2], p1[3], p2[3];
    for (int k = 0; k < 3; ++k) {
        p1[k] = p[k] + h * t1[k];
        p2[k] = p[k] + h * t2[k];
    }
    scalp_head_uv(head, p, uv0);
    scalp_head_uv(head, p1, uv1);
    scalp_head_uv(head, p2, uv2);
    out[0] = (uv1[0] - uv0[0]) / h;
    out[1] = (uv1[1] - uv0[1]) / h;
    out[2] = (uv2[0] - uv0[0]) / h;
    out[3] = (uv2[1] - uv0[1]) / h;
}

void scalp_head_chart_mm(const scalp_head *head, const float p[3], float q_mm[2])
{
    assert(head && p && q_mm);
    float uv[2];
    scalp_head_uv(head, p, uv);
    q_mm[0] = (0.5f - uv[0]) * head->uv_scale_mm;
    q_mm[1] = (uv[1] - 0.5f) * head->uv_scale_mm;
}

/* ---- the mesh ---- */

typedef struct mesh_job {
    scalp_mesh *mesh;
    const head_shape *sh;
    const double *o;
} mesh_job;

/* Where the ray in direction d starts. The head is not star-shaped about one point at the face: seen from
 * the ear canals' level the nose, the lips and the chin hide parts of each other. Rays towards the lower face
 * start nearer to it (about the back of the tongue), every other ray at o, and the start slides smoothly
 * between the two, so neighbouring directions still hit neighbouring points and the mesh stays closed and
 * unfolded. The scalp's rays (up, sideways, back) all start at o, so the scalp's vertices do not depend on
 * the face. */
void head_mesh_ray_origin(const head_shape *sh, const double o[3], const double d[3], double out[3])
{
    double w = smp_smoothstep(0.25, 0.7, d[2]) * smp_smoothstep(-0.15, 0.8, -d[1]);
    out[0] = o[0];
    out[1] = o[1] - 40.0 * sh->s * w;
    out[2] = o[2] + 25.0 * sh->s * w;
}

static void mesh_vertices(void *ctx, int begin, int end)
{
    mesh_job *job = ctx;
    for (int v = begin; v < end; v++) {
        double d[3], p[3], n[3];
        for (int c = 0; c < 3; c++)
            d[c] = job->mesh->normals[3 * v + c];
        double o[3];
        head_mesh_ray_origin(job->sh, job->o, d, o);
        ray_point(job->sh, o, d, p);
        sdf_normal(job->sh, p, n);
        for (int c = 0; c < 3; c++) {
            job->mesh->positions_mm[3 * v + c] = (float)p[c];
            job->mesh->normals[3 * v + c] = (float)n[c];
        }
    }
}

static smp_status mesh_build(scalp_mesh *mesh, const head_shape *sh, const double o[3], float **dirs)
{
    const int N = HEAD_GRID, M = N + 1;
    int nv = 6 * N * N + 2; /* Euler: V = F/2 + 2 on a closed genus-0 triangle mesh */
    mesh->positions_mm = malloc(sizeof(float) * 3 * nv);
    mesh->normals = malloc(sizeof(float) * 3 * nv);
    mesh->uvs = malloc(sizeof(float) * 2 * nv);
    if (!mesh->positions_mm || !mesh->normals || !mesh->uvs) return SMP_ERR_NOMEM;
    int v = 0;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < M; j++)
            for (int k = 0; k < M; k++) {
                if (i != 0 && i != N && j != 0 && j != N && k != 0 && k != N) continue;
                /* Equal-angle cube map: the directions are nearly uniform in solid angle. The direction
                 * waits in the normal slot until the ray is cast. */
                double d[3] = {tan(SMP_PI / 4.0 * (2.0 * i / N - 1.0)),
                               tan(SMP_PI / 4.0 * (2.0 * j / N - 1.0)),
                               tan(SMP_PI / 4.0 * (2.0 * k / N - 1.0))};
                v3_normalize(d);
                for (int c = 0; c < 3; c++)
                    mesh->normals[3 * v + c] = (float)d[c];
                assert(scalp_lattice_vertex(N, i, j, k) == v);
                v++;
            }
    if (dirs) {
        *dirs = malloc(sizeof(float) * 3 * (size_t)v);
        if (!*dirs) return SMP_ERR_NOMEM;
        memcpy(*dirs, mesh->normals, sizeof(float) * 3 * (size_t)v);
    }
    mesh_job job = {mesh, sh, o};
    smp_parallel_for(v, mesh_vertices, &job);
    mesh->vertex_count = v;
    mesh->lattice_n = N;
    /* Every square of the lattice, two triangles each. */
    return scalp_mesh_lod(mesh, NULL, 0, 1, &mesh->indices, &mesh->triangle_count);
}

double scalp_mesh_triangle_area_mm2(const scalp_mesh *mesh, int triangle)
{
    assert(mesh && triangle >= 0 && triangle < mesh->triangle_count);
    const float *a = &mesh->positions_mm[3 * mesh->indices[3 * triangle]];
    const float *b = &mesh->positions_mm[3 * mesh->indices[3 * triangle + 1]];
    const float *c = &mesh->positions_mm[3 * mesh->indices[3 * triangle + 2]];
    double u[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]}, w[3] = {c[0] - a[0], c[1] - a[1], c[2] - a[2]};
    double x = u[1] * w[2] - u[2] * w[1], y = u[2] * w[0] - u[0] * w[2], z = u[0] * w[1] - u[1] * w[0];
    return 0.5 * sqrt(x * x + y * y + z * z);
}

double scalp_mesh_area_cm2(const scalp_mesh *mesh)
{
    double area = 0.0;
    for (int t = 0; t < mesh->triangle_count; t++)
        area += scalp_mesh_triangle_area_mm2(mesh, t);
    return area / 100.0;
}

/* ---- the midline ---- */

/* Cuts the surface with the plane x = 0 around the ray origin and keeps the run from the glabella over the
 * top to the nape (angles increase from the nape upwards; the run may wrap past +-pi at the face). */
static smp_status midline_build(scalp_head *head)
{
    smp_status st = SMP_ERR_NOMEM;
    free(head->midline_mm), free(head->midline_normal), free(head->midline_arc_mm);
    head->midline_mm = NULL, head->midline_normal = NULL, head->midline_arc_mm = NULL;
    head->midline_count = 0;
    scalp_section *sec = malloc(sizeof *sec);
    float *sd = malloc(sizeof *sd * (size_t)head->mesh.vertex_count);
    float(*p)[3] = malloc(sizeof *p * SCALP_SECTION_BINS), (*n)[3] = malloc(sizeof *n * SCALP_SECTION_BINS);
    float *arc = malloc(sizeof *arc * SCALP_SECTION_BINS),
          *angle = malloc(sizeof *angle * SCALP_SECTION_BINS);
    int *run = malloc(sizeof *run * SCALP_SECTION_BINS);
    if (!sec || !sd || !p || !n || !arc || !angle || !run) goto done;
    const float *o = head->ray_origin_mm;
    const float np[3] = {1.0f, 0.0f, 0.0f}, ea[3] = {0.0f, 1.0f, 0.0f}, eb[3] = {0.0f, 0.0f, -1.0f};
    scalp_section_build(head, o, np, ea, eb, false, sec, sd);
    int c = scalp_section_polyline(sec, p, n, arc, angle);
    const float *nape = head->landmarks_mm[SCALP_LM_NAPE], *glabella = head->landmarks_mm[SCALP_LM_GLABELLA];
    float a_nape = atan2f(nape[1] - o[1], -(nape[2] - o[2]));
    float span = atan2f(glabella[1] - o[1], -(glabella[2] - o[2])) - a_nape;
    if (span <= 0.0f) span += 2.0f * (float)SMP_PI;
    int k = 0, m = 0;
    while (k + 1 < c && angle[k] < a_nape)
        ++k;
    for (int i = 0; i < c; ++i) {
        int j = (k + i) % c;
        float da = angle[j] - a_nape;
        if (da < 0.0f) da += 2.0f * (float)SMP_PI;
        if (da > span) break;
        run[m++] = j;
    }
    if (m == 0) goto done;
    /* From the glabella itself (heights are measured from it; the section's last point before it may lie a
     * mesh edge away), then the run backwards. */
    int first = run[m - 1], total = m + 1;
    head->midline_mm = malloc(sizeof *head->midline_mm * (size_t)total);
    head->midline_normal = malloc(sizeof *head->midline_normal * (size_t)total);
    head->midline_arc_mm = malloc(sizeof *head->midline_arc_mm * (size_t)total);
    if (!head->midline_mm || !head->midline_normal || !head->midline_arc_mm) goto done;
    for (int i = 0; i < total; ++i) {
        const float *src = i == 0 ? glabella : p[run[m - i]];
        memcpy(head->midline_mm[i], src, sizeof p[0]);
        memcpy(head->midline_normal[i], n[i == 0 ? first : run[m - i]], sizeof n[0]);
        if (i == 0) {
            head->midline_arc_mm[i] = 0.0f;
        } else {
            const float *a = head->midline_mm[i - 1], *b = head->midline_mm[i];
            float d[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
            head->midline_arc_mm[i] =
                head->midline_arc_mm[i - 1] + sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
        }
    }
    head->midline_count = total;
    st = SMP_OK;
done:
    free(sec), free(sd), free(p), free(n), free(arc), free(angle), free(run);
    return st;
}

double scalp_head_midline_length_mm(const scalp_head *head)
{
    return head->midline_count > 0 ? head->midline_arc_mm[head->midline_count - 1] : 0.0;
}

void scalp_head_midline_point(const scalp_head *head, double arc_mm, float point[3], float normal[3])
{
    assert(head && point && normal);
    if (head->midline_count < 2) {
        memcpy(point, head->landmarks_mm[SCALP_LM_VERTEX], 3 * sizeof(float));
        normal[0] = 0.0f, normal[1] = 1.0f, normal[2] = 0.0f;
        return;
    }
    scalp_polyline_at(head->midline_count, (const float(*)[3])head->midline_mm,
                      (const float(*)[3])head->midline_normal, head->midline_arc_mm, (float)arc_mm, point,
                      normal);
}

double scalp_head_midline_chart_y(const scalp_head *head, double height_mm)
{
    /* The chart maps the arc along each of its meridians to its radius (profile_at), and the midline is the
     * meridian towards the face: its chart y is the profile at the glabella's arc less the height, exact on
     * the smooth surface the mesh and the chart come from. The midline's points, on the mesh, map within 1.5
     * micrometres of it (test_head.c allows 0.05 mm); this closed form keeps the dots and hairs as they were.
     */
    return profile_at(head, head->glabella_arc_mm - height_mm);
}

/* ---- landmarks and the hair-bearing boundary ---- */

static void set_landmark(scalp_head *head, scalp_landmark lm, const head_shape *sh, double ox, double oy,
                         double oz, double dx, double dy, double dz)
{
    double o[3] = {ox, oy, oz}, d[3] = {dx, dy, dz}, p[3];
    v3_normalize(d);
    ray_point(sh, o, d, p);
    for (int k = 0; k < 3; k++)
        head->landmarks_mm[lm][k] = (float)p[k];
}

static void landmarks_place(scalp_head *head, const head_shape *sh)
{
    double s = sh->s;
    set_landmark(head, SCALP_LM_GLABELLA, sh, 0, sh->cy, sh->cz, 0, 0, 1);
    /* Vertex: the highest mesh vertex (the lattice has a midline column, so it lies at x = 0). */
    int best = 0;
    for (int v = 1; v < head->mesh.vertex_count; v++)
        if (head->mesh.positions_mm[3 * v + 1] > head->mesh.positions_mm[3 * best + 1]) best = v;
    for (int k = 0; k < 3; k++)
        head->landmarks_mm[SCALP_LM_VERTEX][k] = head->mesh.positions_mm[3 * best + k];
    /* Crown whorl: 35 degrees behind the vertical seen from the cranium's centre (assumption). */
    set_landmark(head, SCALP_LM_CROWN, sh, 0, sh->cy, sh->cz, 0, cos(0.61), -sin(0.61));
    set_landmark(head, SCALP_LM_OCCIPITAL_PROTUBERANCE, sh, 0, sh->cy - 22.0 * s, sh->cz, 0, 0, -1);
    /* Frontotemporal points: above the lateral canthus (Shapiro), 8 cm above its level (Garg & Garg),
     * taken as a vertical rise; the canthus lies about 30 % of the breadth off the midline, 22 mm below
     * the glabella (assumption). */
    double xe = 0.30 * sh->ax * 2.0, yt = sh->cy - 22.0 * s + 80.0 * s;
    set_landmark(head, SCALP_LM_TEMPLE_LEFT, sh, xe, yt, sh->cz, 0, 0, 1);
    set_landmark(head, SCALP_LM_TEMPLE_RIGHT, sh, -xe, yt, sh->cz, 0, 0, 1);
    /* Ear tops: just above the helix, where the pinna joins the head. */
    double ye = 2.0 * s + 30.0 * s + 2.0 * s, ze = -10.0 * s - 8.0 * s;
    set_landmark(head, SCALP_LM_EAR_TOP_LEFT, sh, 0, ye, ze, 1, 0, 0);
    set_landmark(head, SCALP_LM_EAR_TOP_RIGHT, sh, 0, ye, ze, -1, 0, 0);
    /* Nape: lowest hair on the midline, about 6 cm below the inion (assumption). */
    set_landmark(head, SCALP_LM_NAPE, sh, 0, sh->cy - 22.0 * s - 60.0 * s, sh->cz, 0, 0, -1);
}

/* The face's landmarks (scalp_face_landmark). The midline ones are read off the surface's profile, a fan of
 * rays in the midline plane from a point behind the upper lip: nasion the deepest point above the nose,
 * pronasale the most forward, subnasale and stomion the deepest below it, gnathion the farthest forward and
 * down at 45 degrees (the bisector of the face's front and the chin's floor). Pupils, canthi and the mouth's
 * corners are where the shape put them, carried onto the surface straight forward; alare is the ala's most
 * lateral point. All in the head frame, mm. */
static void face_landmarks_place(scalp_head *head, const head_shape *sh)
{
    const face_shape *f = &sh->face;
    double s = sh->s, front = sh->cz + sh->az;
    enum { FAN = 761 };
    static const double deg = SMP_PI / 180.0;
    double o[3] = {0.0, -40.0 * s, front - 50.0 * s}, prof[FAN][3];
    for (int i = 0; i < FAN; i++) {
        double a = (70.0 - 0.25 * i) * deg, d[3] = {0.0, sin(a), cos(a)};
        ray_point(sh, o, d, prof[i]); /* from 70 degrees up to 120 down: forehead, nose, lips, chin, throat */
    }
    float(*fl)[3] = head->face_landmarks_mm;
#define SET(lm, p) (fl[lm][0] = (float)(p)[0], fl[lm][1] = (float)(p)[1], fl[lm][2] = (float)(p)[2])
    int prn = -1, n = -1, sn = -1, sto = -1, gn = -1;
    for (int i = 0; i < FAN; i++)
        if (prof[i][1] > -45.0 * s && prof[i][1] < 10.0 * s && (prn < 0 || prof[i][2] > prof[prn][2]))
            prn = i;
    for (int i = 0; i < prn; i++)
        if (prof[i][1] < sh->cy && (n < 0 || prof[i][2] < prof[n][2])) n = i;
    for (int i = prn; i < FAN; i++)
        if (prof[i][1] < prof[prn][1] - 2.0 * s && prof[i][1] > prof[prn][1] - 14.0 * s &&
            (sn < 0 || prof[i][2] < prof[sn][2]))
            sn = i;
    /* The lips' most forward points, then the mouth line between them. */
    int ls = -1, li = -1;
    for (int i = sn; i < FAN; i++)
        if (prof[i][1] < prof[sn][1] - 4.0 * s && prof[i][1] > prof[sn][1] - 18.0 * s &&
            (ls < 0 || prof[i][2] > prof[ls][2]))
            ls = i;
    for (int i = ls; i < FAN; i++)
        if (prof[i][1] < prof[ls][1] - 6.0 * s && prof[i][1] > prof[ls][1] - 20.0 * s &&
            (li < 0 || prof[i][2] > prof[li][2]))
            li = i;
    for (int i = ls; i <= li; i++)
        if (sto < 0 || prof[i][2] < prof[sto][2]) sto = i;
    for (int i = sto; i < FAN; i++)
        if (prof[i][1] < prof[sto][1] - 20.0 * s && prof[i][1] > prof[sto][1] - 70.0 * s &&
            (gn < 0 || prof[i][2] - prof[i][1] > prof[gn][2] - prof[gn][1]))
            gn = i;
    SET(SCALP_FACE_NASION, prof[n]);
    SET(SCALP_FACE_PRONASALE, prof[prn]);
    SET(SCALP_FACE_SUBNASALE, prof[sn]);
    SET(SCALP_FACE_STOMION, prof[sto]);
    SET(SCALP_FACE_GNATHION, prof[gn]);
    for (int side = 0; side < 2; side++) {
        double sg = side ? -1.0 : 1.0, p[3], fwd[3] = {0.0, 0.0, 1.0};
        double from[3] = {sg * f->eye_x * s, 10.0 * s, front - 40.0 * s};
        ray_point(sh, from, fwd, p);
        SET(side ? SCALP_FACE_PUPIL_RIGHT : SCALP_FACE_PUPIL_LEFT, p);
        double xe = f->eye_x - EYE_LID_HALF, xx = f->eye_x + EYE_LID_HALF;
        double en[3] = {sg * xe * s, lid_line_y(f, xe) * s, front - 40.0 * s};
        ray_point(sh, en, fwd, p);
        SET(side ? SCALP_FACE_ENDOCANTHION_RIGHT : SCALP_FACE_ENDOCANTHION_LEFT, p);
        double ex[3] = {sg * xx * s, lid_line_y(f, xx) * s, front - 40.0 * s};
        ray_point(sh, ex, fwd, p);
        SET(side ? SCALP_FACE_EXOCANTHION_RIGHT : SCALP_FACE_EXOCANTHION_LEFT, p);
        double ch[3] = {sg * f->mouth_x * s, fl[SCALP_FACE_STOMION][1], front - 50.0 * s};
        ray_point(sh, ch, fwd, p);
        SET(side ? SCALP_FACE_CHEILION_RIGHT : SCALP_FACE_CHEILION_LEFT, p);
        /* Alare: the widest of a few sideways rays from inside the nose around the ala's height. */
        double best[3] = {0.0, 0.0, 0.0}, lat[3] = {sg, 0.0, 0.0};
        for (int j = -6; j <= 6; j++) {
            double from_al[3] = {0.0, fl[SCALP_FACE_SUBNASALE][1] + (4.0 + 0.5 * j) * s,
                                 fl[SCALP_FACE_SUBNASALE][2] - 2.0 * s};
            ray_point(sh, from_al, lat, p);
            if (fabs(p[0]) > fabs(best[0])) memcpy(best, p, sizeof best);
        }
        SET(side ? SCALP_FACE_ALARE_RIGHT : SCALP_FACE_ALARE_LEFT, best);
    }
#undef SET
}

/* Periodic cosine interpolation of radius against chart azimuth through sorted anchors. */
static void boundary_build(scalp_head *head)
{
    const float(*q)[2] = head->landmarks_chart_mm;
    enum { MAXA = 16 };
    double ang[MAXA], rad[MAXA];
    int n = 0;
#define ANCHOR(a, r) (ang[n] = (a), rad[n] = (r), n++)
    double r_g = hypot(q[SCALP_LM_GLABELLA][0], q[SCALP_LM_GLABELLA][1]);
    double r_n = hypot(q[SCALP_LM_NAPE][0], q[SCALP_LM_NAPE][1]);
    for (int side = 0; side < 2; side++) {
        scalp_landmark te = side ? SCALP_LM_TEMPLE_RIGHT : SCALP_LM_TEMPLE_LEFT;
        scalp_landmark ea = side ? SCALP_LM_EAR_TOP_RIGHT : SCALP_LM_EAR_TOP_LEFT;
        double a_t = atan2(q[te][1], q[te][0]), r_t = hypot(q[te][0], q[te][1]);
        double a_e = atan2(q[ea][1], q[ea][0]), r_e = hypot(q[ea][0], q[ea][1]);
        double fwd = side ? -1.0 : 1.0; /* towards the face in azimuth */
        /* Temporal hair runs down beside the temple point; the sideburn comes down in front of the ear,
         * the rim clears the ear by a few mm, and the hair reaches lower behind it (assumptions). */
        ANCHOR(a_t, r_t + 30.0);
        ANCHOR(a_e + fwd * 0.17, r_e + 32.0);
        ANCHOR(a_e, r_e - 5.0);
        ANCHOR(a_e - fwd * 0.19, r_e + 22.0);
    }
    ANCHOR(0.5 * SMP_PI, r_g);
    ANCHOR(-0.5 * SMP_PI, r_n);
#undef ANCHOR
    for (int i = 0; i < n; i++) {
        while (ang[i] < 0.0)
            ang[i] += 2.0 * SMP_PI;
        while (ang[i] >= 2.0 * SMP_PI)
            ang[i] -= 2.0 * SMP_PI;
    }
    for (int i = 1; i < n; i++) /* insertion sort by angle */
        for (int j = i; j > 0 && ang[j] < ang[j - 1]; j--) {
            double ta = ang[j], tr = rad[j];
            ang[j] = ang[j - 1], rad[j] = rad[j - 1], ang[j - 1] = ta, rad[j - 1] = tr;
        }
    for (int b = 0; b < SCALP_BOUNDARY_COUNT; b++) {
        double a = 2.0 * SMP_PI * b / SCALP_BOUNDARY_COUNT;
        int k = 0;
        while (k < n && ang[k] <= a)
            k++;
        int lo = (k + n - 1) % n, hi = k % n;
        double a0 = ang[lo], a1 = ang[hi];
        if (a1 <= a0) a1 += 2.0 * SMP_PI;
        double aa = a < a0 ? a + 2.0 * SMP_PI : a;
        double t = (aa - a0) / (a1 - a0);
        t = 0.5 - 0.5 * cos(SMP_PI * t);
        head->boundary_mm[b] = (float)smp_mix(rad[lo], rad[hi], t);
    }
}

static smp_status check_range(double v, double lo, double hi, const char *field, smp_error *err)
{
    if (!(v >= lo && v <= hi))
        return smp_error_set(err, SMP_ERR_INPUT, "head.%s: must be between %g and %g cm, got %g", field, lo,
                             hi, v);
    return SMP_OK;
}

smp_status scalp_head_create(scalp_head *head, const plan_head *params, plan_sex sex, smp_error *err)
{
    return scalp_head_create_logged(head, params, sex, NULL, NULL, err);
}

smp_status scalp_head_create_logged(scalp_head *head, const plan_head *params, plan_sex sex,
                                    smp_log_fn on_warning, void *warning_user, smp_error *err)
{
    assert(head && params);
    memset(head, 0, sizeof *head);
    if (params->mesh[0] != '\0') return head_scan_create(head, params, sex, on_warning, warning_user, err);
    smp_status st;
    if ((st = check_range(params->circumference_cm, 48, 66, "circumference_cm", err)) != SMP_OK) return st;
    if ((st = check_range(params->length_cm, 16, 23, "length_cm", err)) != SMP_OK) return st;
    if ((st = check_range(params->breadth_cm, 12, 18, "breadth_cm", err)) != SMP_OK) return st;
    head_shape sh = {0};
    double measured[3];
    head_shape_fit(&sh, params, sex, measured);
    return head_build(head, params, sex, &sh, measured, NULL, err);
}

smp_status head_landmarks_derive(scalp_head *head)
{
    /* The glabella's midline arc from the centre, for hairline heights measured along the surface. */
    float q[2];
    scalp_head_chart_mm(head, head->landmarks_mm[SCALP_LM_GLABELLA], q);
    int k = 1;
    while (k < SCALP_PROFILE_COUNT - 1 && head->profile_mm[k] < q[1])
        k++;
    double f = (q[1] - head->profile_mm[k - 1]) / fmax(head->profile_mm[k] - head->profile_mm[k - 1], 1e-6);
    head->glabella_arc_mm = (float)((k - 1 + smp_clamp(f, 0.0, 1.0)) * head->profile_step_mm);
    for (int l = 0; l < SCALP_LM_COUNT; l++)
        scalp_head_chart_mm(head, head->landmarks_mm[l], head->landmarks_chart_mm[l]);
    boundary_build(head);
    return midline_build(head);
}

smp_status head_build(scalp_head *head, const plan_head *params, plan_sex sex, const head_shape *shape,
                      const double measured[3], float **dirs, smp_error *err)
{
    memset(head, 0, sizeof *head);
    smp_status st;
    head->params = *params;
    head->sex = sex;
    for (int k = 0; k < 3; k++)
        head->head_from_file[k][k] = 1.0;
    head->file_unit_mm = 1.0;
    head_shape sh = *shape;
    head->measured_length_mm = measured[0];
    head->measured_breadth_mm = measured[1];
    head->measured_circumference_mm = measured[2];

    /* One interior point sees the whole surface: level with the ear canals' top, a little forward. */
    double o[3] = {0.0, 15.0 * sh.s, 0.0};
    for (int k = 0; k < 3; k++)
        head->ray_origin_mm[k] = (float)o[k];
    if ((st = mesh_build(&head->mesh, &sh, o, dirs)) != SMP_OK) goto fail;
    landmarks_place(head, &sh);
    face_landmarks_place(head, &sh);

    /* Chart centre: on the midline a little behind the vertex, so the chart reaches the front hairline
     * and the nape with similar stretch (12 degrees back seen from the cranium's centre). */
    double c[3], cd[3] = {0.0, cos(0.21), -sin(0.21)}, cc[3] = {0.0, sh.cy, sh.cz};
    ray_point(&sh, cc, cd, c);
    double axis[3] = {c[0] - o[0], c[1] - o[1], c[2] - o[2]};
    v3_normalize(axis);
    double e1[3] = {1.0, 0.0, 0.0};
    double e2[3] = {e1[1] * axis[2] - e1[2] * axis[1], e1[2] * axis[0] - e1[0] * axis[2],
                    e1[0] * axis[1] - e1[1] * axis[0]};
    for (int k = 0; k < 3; k++) {
        head->uv_center_mm[k] = (float)c[k];
        head->chart_axis[k] = (float)axis[k];
        head->chart_e1[k] = (float)e1[k];
        head->chart_e2[k] = (float)e2[k];
    }
    if ((st = chart_build(head, &sh, head->landmarks_mm[SCALP_LM_NAPE])) != SMP_OK) goto fail;
    for (int v = 0; v < head->mesh.vertex_count; v++)
        scalp_head_uv(head, &head->mesh.positions_mm[3 * v], &head->mesh.uvs[2 * v]);
    head->ear_center_mm[0] = (float)(sh.ear_x + 4.0 * sh.s);
    head->ear_center_mm[1] = (float)(2.0 * sh.s);
    head->ear_center_mm[2] = (float)(-10.0 * sh.s);
    head->ear_radius_y_mm = (float)(30.0 * sh.s);
    head->ear_radius_z_mm = (float)(17.0 * sh.s);
    head->ear_root_x_mm = (float)(sh.ear_x - 6.0 * sh.s);
    if ((st = head_landmarks_derive(head)) != SMP_OK) goto fail;
    return SMP_OK;
fail:
    if (dirs) {
        free(*dirs);
        *dirs = NULL;
    }
    scalp_head_destroy(head);
    return smp_error_set(err, st, "head: out of memory building the procedural head");
}

void scalp_head_destroy(scalp_head *head)
{
    if (!head) return;
    free(head->mesh.positions_mm);
    free(head->mesh.normals);
    free(head->mesh.uvs);
    free(head->mesh.indices);
    free(head->chart_radius);
    free(head->midline_mm);
    free(head->midline_normal);
    free(head->midline_arc_mm);
    free(head->vertex_rgb);
    free(head->vertex_rgb_weight);
    memset(head, 0, sizeof *head);
}
