/* Fields on the head's surface: hair-bearing skin, native hair by pattern, the designed hairline and the
 * treatment weight. All are drawn in chart millimetres (scalp_head_chart_mm), where distances approximate
 * surface distances over the scalp, and are placed from the landmarks so they follow the head's measures.
 * Each call costs one chart lookup and a few smoothsteps (well under a microsecond): the dot placement
 * calls them for about 10^6 candidate points. docs/head.md gives the shapes and their sources.
 */
#include "scalp/scalp.h"

#include <math.h>

/* Width of the soft edges of the pattern zones, mm either side (Norwood's drawings show no hard edges;
 * "a few cm" overall, assumption). */
#define ZONE_EDGE_MM 12.0
/* Natural adult frontal hairline above the glabella along the midline, mm: between the juvenile line on
 * the brow crease and the 8 cm design rule (clinical.md §2, Garg & Garg; Shapiro), assumption. */
#define NATURAL_HAIRLINE_MM 70.0

/* Pattern geometry, mm in the chart (see pattern_table). */
typedef struct pattern_shape {
    double front_mm;     /* midline recession behind the natural hairline */
    double temple_mm;    /* depth of the frontotemporal (M-shaped) recession behind the temple point */
    double vertex_mm;    /* radius of the bald crown around the whorl; 0 = none */
    double vertex_loss;  /* 1 = bald, less = miniaturised */
    double bridge_loss;  /* thinning of the band between the front and the crown */
    double side_mm;      /* horseshoe (6, 7): fringe height above the ear tops; 0 = no horseshoe */
    double back_mm;      /* horseshoe: fringe top above the occipital protuberance */
    double diffuse_loss; /* Ludwig: diffuse crown thinning behind an intact frontal band */
} pattern_shape;

/* Norwood (Norwood 1975, via clinical.md §5: II stops 2 cm in front of the ear canals, III passes that
 * line, IV-V a bridge separates front and crown, VI the bridge is gone, VII only the horseshoe) and Ludwig
 * (I-III: thinning of the crown 1-3 cm behind an intact frontal line). The millimetres are read off the
 * published drawings for the 57 cm default head: assumptions, one row per class. */
static pattern_shape pattern_table(plan_pattern p)
{
    switch (p) {
    case PLAN_PATTERN_NORWOOD_1:
        return (pattern_shape){0, 6, 0, 0, 0, 0, 0, 0};
    case PLAN_PATTERN_NORWOOD_2:
        return (pattern_shape){10, 28, 0, 0, 0, 0, 0, 0};
    case PLAN_PATTERN_NORWOOD_2A:
        return (pattern_shape){22, 8, 0, 0, 0, 0, 0, 0};
    case PLAN_PATTERN_NORWOOD_3:
        return (pattern_shape){15, 48, 0, 0, 0, 0, 0, 0};
    case PLAN_PATTERN_NORWOOD_3A:
        return (pattern_shape){40, 12, 0, 0, 0, 0, 0, 0};
    case PLAN_PATTERN_NORWOOD_3V:
        return (pattern_shape){15, 48, 30, 0.9, 0, 0, 0, 0};
    case PLAN_PATTERN_NORWOOD_4:
        return (pattern_shape){30, 58, 40, 1.0, 0.15, 0, 0, 0};
    case PLAN_PATTERN_NORWOOD_4A:
        return (pattern_shape){65, 15, 0, 0, 0, 0, 0, 0};
    case PLAN_PATTERN_NORWOOD_5:
        return (pattern_shape){45, 68, 50, 1.0, 0.5, 0, 0, 0};
    case PLAN_PATTERN_NORWOOD_5A:
        return (pattern_shape){95, 20, 0, 0, 0.3, 0, 0, 0};
    case PLAN_PATTERN_NORWOOD_5V:
        return (pattern_shape){45, 68, 65, 1.0, 0.6, 0, 0, 0};
    case PLAN_PATTERN_NORWOOD_6:
        return (pattern_shape){0, 0, 0, 0, 0, 55, 30, 0};
    case PLAN_PATTERN_NORWOOD_7:
        return (pattern_shape){0, 0, 0, 0, 0, 38, 0, 0};
    case PLAN_PATTERN_LUDWIG_I:
        return (pattern_shape){0, 0, 0, 0, 0, 0, 0, 0.35};
    case PLAN_PATTERN_LUDWIG_II:
        return (pattern_shape){0, 0, 0, 0, 0, 0, 0, 0.65};
    case PLAN_PATTERN_LUDWIG_III:
        return (pattern_shape){0, 0, 0, 0, 0, 0, 0, 0.95};
    default:
        return (pattern_shape){0, 0, 0, 0, 0, 0, 0, 0};
    }
}

static double midline_y(const scalp_head *head, double height_mm)
{
    return scalp_head_midline_chart_y(head, height_mm);
}

/* 0..1 weight that rises from ramp_lo to ramp_hi */
static double ramp(double lo, double hi, double x)
{
    return smp_smoothstep(lo, hi, x);
}

/* Signed distance (mm, positive behind) of q from a frontal line through the midline point (0, mid_y)
 * and the frontotemporal points (+-tx, ty): a rounded arc between them, y = mid - (mid - ty)|x/tx|^2.2
 * (the hairline seen from above is a broad U; Shapiro), then running back and out along the temporal
 * hairline towards the sideburn (about 37 degrees in the chart). */
static double frontal_distance(double qx, double qy, double mid_y, double tx, double ty)
{
    const double p = 2.2, back_slope = 0.75;
    ty = fmin(ty, mid_y - 5.0);
    double ax = fabs(qx), line, slope;
    if (ax <= tx) {
        double u = ax / tx;
        line = mid_y - (mid_y - ty) * pow(u, p);
        slope = (mid_y - ty) * p * pow(u, p - 1.0) / tx;
    } else {
        line = ty - (ax - tx) * back_slope;
        slope = back_slope;
    }
    return (line - qy) / sqrt(1.0 + slope * slope);
}

static void temple_point(const scalp_head *head, double *tx, double *ty)
{
    const float(*q)[2] = head->landmarks_chart_mm;
    *tx = 0.5 * (fabs(q[SCALP_LM_TEMPLE_LEFT][0]) + fabs(q[SCALP_LM_TEMPLE_RIGHT][0]));
    *ty = 0.5 * (q[SCALP_LM_TEMPLE_LEFT][1] + q[SCALP_LM_TEMPLE_RIGHT][1]);
}

static double scalp_weight_q(const scalp_head *head, const float q[2])
{
    double a = atan2(q[1], q[0]);
    if (a < 0.0) a += 2.0 * SMP_PI;
    double f = a / (2.0 * SMP_PI) * SCALP_BOUNDARY_COUNT;
    int i = (int)f % SCALP_BOUNDARY_COUNT;
    double r_b = smp_mix(head->boundary_mm[i], head->boundary_mm[(i + 1) % SCALP_BOUNDARY_COUNT], f - (int)f);
    return 1.0 - ramp(r_b - 5.0, r_b + 5.0, hypot(q[0], q[1]));
}

/* 1 away from the ears, 0 on a pinna and within about a centimetre of where it joins the head (the
 * skin just in front of the ear is bare up to the sideburn). */
static double ear_clear(const scalp_head *head, const float p[3])
{
    double ax = fabs(p[0]);
    if (ax < head->ear_root_x_mm - 6.0) return 1.0;
    double u = (p[1] - head->ear_center_mm[1]) / (head->ear_radius_y_mm + 8.0);
    double v = (p[2] - head->ear_center_mm[2]) / (head->ear_radius_z_mm + 12.0);
    double inside = 1.0 - smp_smoothstep(0.8, 1.0, sqrt(u * u + v * v));
    return 1.0 - inside * smp_smoothstep(head->ear_root_x_mm - 6.0, head->ear_root_x_mm, ax);
}

static double scalp_weight_at(const scalp_head *head, const float p[3], const float q[2])
{
    return scalp_weight_q(head, q) * ear_clear(head, p);
}

float scalp_scalp_weight(const scalp_head *head, const float p[3])
{
    float q[2];
    scalp_head_chart_mm(head, p, q);
    return (float)scalp_weight_at(head, p, q);
}

/* Signed distance (chart mm, scaled by the smaller radius) from q to the edge of a Norwood 6-7 bald top: a
 * superellipse (exponent 2.5) reaching past the brows in front, down to side_mm above the ear tops at the
 * sides and to back_mm above the occipital protuberance behind; negative inside. */
static double bald_top_distance_mm(const float (*lm)[2], const pattern_shape *ps, const float q[2])
{
    double ex = 0.5 * (fabs(lm[SCALP_LM_EAR_TOP_LEFT][0]) + fabs(lm[SCALP_LM_EAR_TOP_RIGHT][0]));
    double ey = 0.5 * (lm[SCALP_LM_EAR_TOP_LEFT][1] + lm[SCALP_LM_EAR_TOP_RIGHT][1]);
    double rx = ex - ps->side_mm;
    double front = lm[SCALP_LM_GLABELLA][1] + 20.0,
           back = lm[SCALP_LM_OCCIPITAL_PROTUBERANCE][1] + ps->back_mm;
    double dy = q[1] - ey, ry = dy > 0.0 ? front - ey : ey - back;
    double u = fabs(q[0]) / rx, v = fabs(dy) / ry;
    double r = pow(pow(u, 2.5) + pow(v, 2.5), 1.0 / 2.5);
    return (r - 1.0) * fmin(rx, ry);
}

/* Loss 0..1 of native hair at q for the pattern (1 - product of (1 - loss) over the zones). */
static double pattern_loss(const scalp_head *head, plan_pattern pattern, const float q[2])
{
    const float(*lm)[2] = head->landmarks_chart_mm;
    pattern_shape ps = pattern_table(pattern);
    double tx, ty, keep = 1.0;
    temple_point(head, &tx, &ty);
    double nat_y = midline_y(head, NATURAL_HAIRLINE_MM);
    const double e = ZONE_EDGE_MM;
    if (ps.front_mm > 0.0 || ps.temple_mm > 0.0) {
        /* Frontal recession: the natural line moved back between the temple corners... */
        double d = frontal_distance(q[0], q[1], nat_y - ps.front_mm, tx, ty - 0.5 * ps.front_mm);
        keep *= smp_mix(ramp(-e, e, d), 1.0, smp_smoothstep(0.6 * tx, 1.2 * tx, fabs(q[0])));
        /* ...and the frontotemporal corners hollowed out (the "M"): an ellipse around each corner. */
        if (ps.temple_mm > 0.0) {
            double cx = tx * 0.9, rx = 16.0 + 0.35 * ps.temple_mm, ry = ps.temple_mm;
            double u = (fabs(q[0]) - cx) / rx, v = (q[1] - ty) / ry;
            double dist = (sqrt(u * u + v * v) - 1.0) * fmin(rx, ry);
            keep *= ramp(-e * 0.7, e * 0.7, dist);
        }
    }
    const float *crown = lm[SCALP_LM_CROWN];
    double dcrown = hypot(q[0] - crown[0], q[1] - crown[1]);
    if (ps.vertex_mm > 0.0) {
        /* Bald (or miniaturised) crown, with a thinning halo of a third of the loss. */
        double core = 1.0 - ramp(ps.vertex_mm - e, ps.vertex_mm + e, dcrown);
        double halo = 1.0 - ramp(ps.vertex_mm, ps.vertex_mm + 2.5 * e, dcrown);
        keep *= 1.0 - ps.vertex_loss * fmax(core, halo / 3.0);
    }
    if (ps.bridge_loss > 0.0) {
        /* The band between the receded front and the crown, about as wide as the temple points. */
        double y0 = crown[1], y1 = nat_y - ps.front_mm;
        double cy = 0.5 * (y0 + y1), ry = fmax(0.5 * (y1 - y0), 10.0), rx = tx * 1.1;
        double u = q[0] / rx, v = (q[1] - cy) / ry;
        double dist = (sqrt(u * u + v * v) - 1.0) * fmin(rx, ry);
        keep *= 1.0 - ps.bridge_loss * (1.0 - ramp(-e, e, dist));
    }
    if (ps.side_mm > 0.0) {
        /* Norwood 6-7: everything above the horseshoe is bald (the bald top: bald_top_distance_mm). */
        keep *= ramp(-e, e, bald_top_distance_mm(lm, &ps, q));
    }
    if (ps.diffuse_loss > 0.0) {
        /* Ludwig: the crown and mid-scalp from about 3 cm behind the frontal line (the edge ramp
         * reaches 1-2 cm further forward) back past the whorl, about two thirds of the way to the ears. */
        double y1 = nat_y - 30.0, y0 = crown[1] - 25.0;
        double cy = 0.5 * (y0 + y1), ry = 0.5 * (y1 - y0);
        double rx = 0.62 * 0.5 * (fabs(lm[SCALP_LM_EAR_TOP_LEFT][0]) + fabs(lm[SCALP_LM_EAR_TOP_RIGHT][0]));
        double u = q[0] / rx, v = (q[1] - cy) / ry;
        double dist = (sqrt(u * u + v * v) - 1.0) * fmin(rx, ry);
        keep *= 1.0 - ps.diffuse_loss * (1.0 - ramp(-e, e, dist));
    }
    return 1.0 - keep;
}

/* Native hair at chart point q, without the scalp mask: behind the natural hairline, less the loss. */
static double native_q(const scalp_head *head, plan_pattern pattern, const float q[2])
{
    double tx, ty;
    temple_point(head, &tx, &ty);
    /* Past the temple corners the natural temporal line lies a little in front of any designed one, so
     * a design never leaves a sliver of bare skin between the two. */
    double d = frontal_distance(q[0], q[1], midline_y(head, NATURAL_HAIRLINE_MM), tx, ty);
    double natural = ramp(-5.0, 5.0, d + 20.0 * smp_smoothstep(0.6 * tx, 1.2 * tx, fabs(q[0])));
    return natural * (1.0 - pattern_loss(head, pattern, q));
}

float scalp_pattern_hair_fraction(const scalp_head *head, plan_pattern pattern, const float p[3])
{
    float q[2];
    scalp_head_chart_mm(head, p, q);
    double s = scalp_weight_at(head, p, q);
    if (s <= 0.0) return 0.0f;
    return (float)(s * native_q(head, pattern, q));
}

float scalp_native_hair_fraction(const scalp_head *head, const plan_patient *patient, const float p[3])
{
    return scalp_pattern_hair_fraction(head, patient->pattern, p);
}

/* SplitMix64 (Steele, Lea, Flood 2014): a seed and a counter give independent phases for the noise. */
static uint64_t splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

static double hash_unit(uint64_t seed, uint64_t k)
{
    return (double)(splitmix64(seed * 0x100000001B3ULL + k) >> 11) * (1.0 / 9007199254740992.0);
}

/* Irregularity of a soft hairline, mm forward (+) or back along the line at chart x: macro undulation
 * (2-3 mm over 2-4 cm) and micro zigzag (about 1 mm over 4-8 mm), as Shapiro's natural hairlines show.
 * Sums of sines with seeded wavelengths and phases: deterministic for a seed, cheap, smooth. */
static double hairline_noise(uint64_t seed, double x)
{
    static const double amp_mm[5] = {1.4, 1.0, 0.7, 0.5, 0.35};
    static const double wave_mm[5] = {38.0, 23.0, 12.0, 7.0, 4.5};
    double n = 0.0;
    for (int k = 0; k < 5; k++) {
        double w = wave_mm[k] * (0.8 + 0.4 * hash_unit(seed, 2 * k));
        n += amp_mm[k] * sin(2.0 * SMP_PI * (x / w + hash_unit(seed, 2 * k + 1)));
    }
    return n;
}

/* ---- the designed hairline ---- */

/* The designed line in chart millimetres: either the broad U through the mid-frontal point and the two
 * frontotemporal points, or a monotone cubic through the plan's control points; past its ends it turns
 * back towards the sideburns. */
#define CURVE_MAX (2 * PLAN_MAX_HAIRLINE_POINTS)
typedef struct hairline_curve {
    int n;                                           /* control points (sorted by x); 0 for the U */
    double x[CURVE_MAX], y[CURVE_MAX], m[CURVE_MAX]; /* chart mm and Hermite slopes dy/dx */
    double mid_y, tx, ty;                            /* the U: midline point and frontotemporal corner */
} hairline_curve;

/* Chart slope of the temporal line beyond the corners, back and out towards the sideburn (about 37
 * degrees; Shapiro's frontotemporal angle, docs/head.md). */
#define TEMPORAL_SLOPE 0.75

/* Midline height above the glabella (mm, along the surface) whose chart y is chart_y: bisection on the
 * monotone midline profile (chart y falls as the height rises). */
static double midline_height_of(const scalp_head *head, double chart_y)
{
    double lo = 0.0, hi = head->glabella_arc_mm;
    for (int i = 0; i < 24; i++) { /* 174 mm / 2^24: far below a micrometre */
        double mid = 0.5 * (lo + hi);
        if (midline_y(head, mid) > chart_y)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* Monotone piecewise-cubic Hermite slopes (Fritsch & Carlson 1980, SIAM J Numer Anal 17(2):238-246): the
 * interpolant never overshoots the control points, so a doctor's points are not bent into bumps. */
static void curve_slopes(hairline_curve *c)
{
    int n = c->n;
    double d[CURVE_MAX] = {0};
    for (int i = 0; i + 1 < n; i++)
        d[i] = (c->y[i + 1] - c->y[i]) / (c->x[i + 1] - c->x[i]);
    c->m[0] = d[0];
    c->m[n - 1] = d[n - 2];
    for (int i = 1; i + 1 < n; i++)
        c->m[i] = d[i - 1] * d[i] <= 0.0 ? 0.0 : 0.5 * (d[i - 1] + d[i]);
    for (int i = 0; i + 1 < n; i++) {
        if (d[i] == 0.0) {
            c->m[i] = c->m[i + 1] = 0.0;
            continue;
        }
        double a = c->m[i] / d[i], b = c->m[i + 1] / d[i], h = a * a + b * b;
        if (h > 9.0) {
            double t = 3.0 / sqrt(h);
            c->m[i] = t * a * d[i];
            c->m[i + 1] = t * b * d[i];
        }
    }
}

static void curve_init(const scalp_head *head, const plan_hairline *hl, hairline_curve *c)
{
    c->n = 0;
    c->tx = 0.5 * (fabs(head->landmarks_chart_mm[SCALP_LM_TEMPLE_LEFT][0]) +
                   fabs(head->landmarks_chart_mm[SCALP_LM_TEMPLE_RIGHT][0]));
    double lm_ty = 0.5 * (head->landmarks_chart_mm[SCALP_LM_TEMPLE_LEFT][1] +
                          head->landmarks_chart_mm[SCALP_LM_TEMPLE_RIGHT][1]);
    c->mid_y = midline_y(head, hl->height_cm * 10.0);
    /* The landmark sits 8 cm above the canthus (Garg & Garg); another height moves the corner along the
     * surface by the difference, at the midline's chart scale for that level. */
    c->ty = hl->temple_height_cm == 8.0
                ? lm_ty
                : midline_y(head, midline_height_of(head, lm_ty) + (hl->temple_height_cm - 8.0) * 10.0);
    if (hl->point_count < 2) return;
    bool one_side = true;
    for (int i = 0; i < hl->point_count; i++)
        one_side = one_side && hl->points[i].lateral_cm >= 0.0;
    /* Mirrored points first (right side, in decreasing lateral distance), then the given ones. */
    if (one_side)
        for (int i = hl->point_count - 1; i >= 0; i--) {
            if (hl->points[i].lateral_cm <= 0.0) continue;
            c->x[c->n] = -hl->points[i].lateral_cm * 10.0;
            c->y[c->n++] = midline_y(head, hl->points[i].height_cm * 10.0);
        }
    for (int i = 0; i < hl->point_count; i++) {
        c->x[c->n] = hl->points[i].lateral_cm * 10.0;
        c->y[c->n++] = midline_y(head, hl->points[i].height_cm * 10.0);
    }
    curve_slopes(c);
}

/* Signed distance (mm, positive behind the line) of chart point q from the designed line, and the
 * coordinate along it that the soft line's irregularity runs on. */
static double curve_distance(const hairline_curve *c, double qx, double qy, double *along)
{
    if (c->n == 0) {
        double ty = fmin(c->ty, c->mid_y - 5.0);
        *along = fabs(qx) <= c->tx ? qx : (qx > 0 ? 1.0 : -1.0) * (c->tx + (ty - qy));
        return frontal_distance(qx, qy, c->mid_y, c->tx, c->ty);
    }
    int n = c->n;
    double line, slope;
    if (qx <= c->x[0] || qx >= c->x[n - 1]) {
        int e = qx <= c->x[0] ? 0 : n - 1;
        double out = fabs(qx - c->x[e]);
        line = c->y[e] - out * TEMPORAL_SLOPE;
        slope = TEMPORAL_SLOPE;
        *along = c->x[e] + (e == 0 ? -1.0 : 1.0) * (c->y[e] - qy);
    } else {
        int i = 0;
        while (qx > c->x[i + 1])
            i++;
        double h = c->x[i + 1] - c->x[i], t = (qx - c->x[i]) / h, t2 = t * t, t3 = t2 * t;
        line = (2 * t3 - 3 * t2 + 1) * c->y[i] + (t3 - 2 * t2 + t) * h * c->m[i] +
               (-2 * t3 + 3 * t2) * c->y[i + 1] + (t3 - t2) * h * c->m[i + 1];
        slope = ((6 * t2 - 6 * t) * c->y[i] + (3 * t2 - 4 * t + 1) * h * c->m[i] +
                 (-6 * t2 + 6 * t) * c->y[i + 1] + (3 * t2 - 2 * t) * h * c->m[i + 1]) /
                h;
        *along = qx;
    }
    return (line - qy) / sqrt(1.0 + slope * slope);
}

/* Hairline weight from the design distance d (mm behind the line) and its along-coordinate. */
static double hairline_from_distance(const plan_hairline *hl, uint64_t seed, double d, double along)
{
    double width;
    if (hl->style == PLAN_HAIRLINE_LINEAR) {
        width = fmin(hl->transition_mm, 2.0); /* crisp: a couple of mm */
    } else {
        d -= hairline_noise(seed, along); /* soft: irregular along the line */
        width = hl->transition_mm;
    }
    width = fmax(width, 0.25);
    return ramp(-0.5 * width, 0.5 * width, d);
}

float scalp_hairline_weight(const scalp_head *head, const plan_hairline *hairline, uint64_t seed,
                            const float p[3])
{
    float q[2];
    scalp_head_chart_mm(head, p, q);
    hairline_curve c;
    curve_init(head, hairline, &c);
    double along, d = curve_distance(&c, q[0], q[1], &along);
    return (float)hairline_from_distance(hairline, seed, d, along);
}

void scalp_hairline_chart_point(const scalp_head *head, const plan_hairline *hairline, double chart_x_mm,
                                double *chart_y_mm)
{
    hairline_curve c;
    curve_init(head, hairline, &c);
    /* The line is where the distance is 0: bisect along chart y (the distance falls as y rises). */
    double lo = -250.0, hi = 250.0, along;
    for (int i = 0; i < 50; i++) {
        double mid = 0.5 * (lo + hi);
        if (curve_distance(&c, chart_x_mm, mid, &along) > 0.0)
            lo = mid;
        else
            hi = mid;
    }
    *chart_y_mm = 0.5 * (lo + hi);
}

/* ---- density zones ---- */

/* Zone sizes, chart mm (assumptions): the front is Shapiro's transition plus defined zone behind the line
 * (0.5-1 cm + 2-3 cm, clinical.md §1); the crown a disc about the size of a Norwood 3V-4 vertex; the
 * temples the frontotemporal recessions; the sides the horseshoe fringe of a Norwood 6 (pattern_table). */
#define ZONE_FRONT_MM 30.0
#define ZONE_CROWN_MM 40.0
#define ZONE_TEMPLE_MM 25.0

/* Factor at chart point q, given the distance behind the designed line: nested blends, so equal factors
 * give that factor exactly and every membership is a smoothstep over transition_mm (no seams). */
static double zone_q(const scalp_head *head, const plan_zones *z, const hairline_curve *c, const float q[2],
                     double d_front)
{
    if (z->front == z->mid_scalp && z->front == z->crown && z->front == z->temples && z->front == z->sides)
        return z->front;
    const float(*lm)[2] = head->landmarks_chart_mm;
    double h = 0.5 * z->transition_mm;
    /* Sides: outside the Norwood 6 bald top (the same superellipse as pattern_loss). */
    pattern_shape ps = pattern_table(PLAN_PATTERN_NORWOOD_6);
    double sides = ramp(-h, h, bald_top_distance_mm(lm, &ps, q));
    double ty = c->n ? 0.5 * (lm[SCALP_LM_TEMPLE_LEFT][1] + lm[SCALP_LM_TEMPLE_RIGHT][1]) : c->ty;
    double temples = 1.0 - ramp(ZONE_TEMPLE_MM - h, ZONE_TEMPLE_MM + h, hypot(fabs(q[0]) - c->tx, q[1] - ty));
    const float *cr = lm[SCALP_LM_CROWN];
    double crown = 1.0 - ramp(ZONE_CROWN_MM - h, ZONE_CROWN_MM + h, hypot(q[0] - cr[0], q[1] - cr[1]));
    double fr = 1.0 - ramp(ZONE_FRONT_MM - h, ZONE_FRONT_MM + h, d_front);
    double f = smp_mix(z->mid_scalp, z->front, fr);
    f = smp_mix(f, z->crown, crown);
    f = smp_mix(f, z->temples, temples);
    return smp_mix(f, z->sides, sides);
}

float scalp_zone_factor(const scalp_head *head, const plan *pl, const float p[3])
{
    float q[2];
    scalp_head_chart_mm(head, p, q);
    hairline_curve c;
    curve_init(head, &pl->hairline, &c);
    double along, d = curve_distance(&c, q[0], q[1], &along);
    return (float)zone_q(head, &pl->zones, &c, q, d);
}

float scalp_treatment_weight(const scalp_head *head, const plan *pl, const float p[3])
{
    float q[2];
    scalp_head_chart_mm(head, p, q);
    double s = scalp_weight_at(head, p, q);
    if (s <= 0.0) return 0.0f;
    hairline_curve c;
    curve_init(head, &pl->hairline, &c);
    double along, d = curve_distance(&c, q[0], q[1], &along);
    double h = hairline_from_distance(&pl->hairline, pl->seed, d, along);
    if (h <= 0.0) return 0.0f;
    double native = native_q(head, pl->patient.pattern, q);
    /* Planning for the worst case: the area the later class will lose is treated now, under today's hair. */
    if (pl->progression.treat_future_area && pl->progression.pattern != PLAN_PATTERN_NONE)
        native = fmin(native, native_q(head, pl->progression.pattern, q));
    double bald = 1.0 - native;
    if (bald <= 0.0) return 0.0f;
    return (float)(s * h * bald * zone_q(head, &pl->zones, &c, q, d));
}

double scalp_treated_area_cm2(const scalp_head *head, const plan *pl)
{
    const scalp_mesh *m = &head->mesh;
    double area = 0.0;
    for (int t = 0; t < m->triangle_count; t++) {
        float centroid[3];
        for (int k = 0; k < 3; k++)
            centroid[k] =
                (m->positions_mm[3 * m->indices[3 * t] + k] + m->positions_mm[3 * m->indices[3 * t + 1] + k] +
                 m->positions_mm[3 * m->indices[3 * t + 2] + k]) /
                3.0f;
        area += scalp_mesh_triangle_area_mm2(m, t) * scalp_treatment_weight(head, pl, centroid);
    }
    return area / 100.0;
}
