/* plan: the treatment plan of DESIGN.md, the single source of truth for what is simulated.
 * Schema, defaults, JSON load/save (cJSON), validation with path-precise errors, --set overrides.
 * Plain C: no GL, no SDL, no printing. Every field is documented in docs/plan-format.md.
 *
 *     plan p;
 *     smp_error err = {0};
 *     const char *sets[] = {"pigment.depth_mm=1.5", "sessions=[]"};
 *     if (plan_load(&p, "plan.json", sets, 2, NULL, NULL, &err) != SMP_OK) report(err.message);
 *
 * Loading layers three sources: the built-in default plan, then the file (if any), then each override
 * in order; the merged result is validated once. Errors name the source ("plan.json" or "--set") and the
 * field path ("sessions[1].shade") and the allowed range.
 */
#ifndef SMP_PLAN_H
#define SMP_PLAN_H

#include "core/core.h"

#define PLAN_MAX_SESSIONS 8
#define PLAN_MAX_SCARS 8
#define PLAN_MAX_TOUCH_UPS 8
#define PLAN_MAX_HAIRLINE_POINTS 16
#define PLAN_PATH_MAX 1024
/* A plan file is a few KiB; a larger one is refused before it is read (not a plan, or an endless stream). */
#define PLAN_FILE_MAX_BYTES (1 << 20)
/* "Not given" of a number field whose range includes 0 (JSON null): progression.grey_fraction. Fields whose
 * range excludes 0 store their null as 0 (pigment.dot_diameter_mm). */
#define PLAN_NONE (-1.0)

/* Existing hair-loss pattern. 0 is "none" (a full head of hair). */
typedef enum plan_pattern {
    PLAN_PATTERN_NONE = 0,
    PLAN_PATTERN_NORWOOD_1,
    PLAN_PATTERN_NORWOOD_2,
    PLAN_PATTERN_NORWOOD_2A,
    PLAN_PATTERN_NORWOOD_3,
    PLAN_PATTERN_NORWOOD_3A,
    PLAN_PATTERN_NORWOOD_3V,
    PLAN_PATTERN_NORWOOD_4,
    PLAN_PATTERN_NORWOOD_4A,
    PLAN_PATTERN_NORWOOD_5,
    PLAN_PATTERN_NORWOOD_5A,
    PLAN_PATTERN_NORWOOD_5V,
    PLAN_PATTERN_NORWOOD_6,
    PLAN_PATTERN_NORWOOD_7,
    PLAN_PATTERN_LUDWIG_I,
    PLAN_PATTERN_LUDWIG_II,
    PLAN_PATTERN_LUDWIG_III,
    PLAN_PATTERN_COUNT
} plan_pattern;

typedef enum plan_hairline_style { PLAN_HAIRLINE_SOFT = 0, PLAN_HAIRLINE_LINEAR } plan_hairline_style;
/* Where hair long enough to lie down is parted (JSON "parting"): none (it lies along its growth flow), or a
 * line from the hairline back to the crown on the patient's left, on the midline, or on the right. */
typedef enum plan_parting {
    PLAN_PARTING_NONE = 0,
    PLAN_PARTING_LEFT,
    PLAN_PARTING_CENTRE,
    PLAN_PARTING_RIGHT
} plan_parting;
/* Ink grade. "inferior": the cheap, poorly dispersed inks of inexperienced clinics (pigment/pigment.h gives
 * each grade's ink load). Appended last so that saved enum values keep their meaning. */
typedef enum plan_ink_quality {
    PLAN_INK_MEDICAL = 0,
    PLAN_INK_COSMETIC,
    PLAN_INK_TATTOO,
    PLAN_INK_INFERIOR
} plan_ink_quality;
/* Needle cluster: round liners of 1, 3, 5 or 7 pins ("1RL", "3RL", "5RL", "7RL"). */
typedef enum plan_needle {
    PLAN_NEEDLE_1RL = 0,
    PLAN_NEEDLE_3RL,
    PLAN_NEEDLE_5RL,
    PLAN_NEEDLE_7RL
} plan_needle;
typedef enum plan_scar_type { PLAN_SCAR_FUT = 0, PLAN_SCAR_FUE } plan_scar_type;
/* How a scar healed (clinical.md section 4): a fine line or punch a little below the skin, a hollow
 * (atrophic) one, a raised (hypertrophic) one, or a widened thin one (stretched). */
typedef enum plan_scar_form {
    PLAN_SCAR_FORM_NORMAL = 0,
    PLAN_SCAR_FORM_ATROPHIC,
    PLAN_SCAR_FORM_HYPERTROPHIC,
    PLAN_SCAR_FORM_STRETCHED
} plan_scar_form;

/* The patient's sex, for the procedural head's face (brow ridge, jaw, chin, nose, neck): 0 is the default. */
typedef enum plan_sex { PLAN_SEX_MALE = 0, PLAN_SEX_FEMALE } plan_sex;

/* Length units of a scanned mesh's file (JSON "mm", "cm", "m", or null: guessed from its size). */
typedef enum plan_mesh_units {
    PLAN_MESH_UNITS_GUESS = 0,
    PLAN_MESH_UNITS_MM,
    PLAN_MESH_UNITS_CM,
    PLAN_MESH_UNITS_M
} plan_mesh_units;

/* Three points on a scanned mesh that fix the head frame (JSON object "landmarks", or null: estimated), in
 * the mesh file's own coordinates and units. The tragus points are the tragia: the notch above each tragus,
 * at the front of the ear canal. Finite numbers of at most 1e6 in magnitude. */
typedef struct plan_scan_landmarks {
    bool given;
    double nasion[3];      /* the deepest point of the nose's root, on the midline */
    double tragus_left[3]; /* the patient's left */
    double tragus_right[3];
} plan_scan_landmarks;

/* What a photo's hair becomes (JSON "keep", "remove"). */
typedef enum plan_photo_hair { PLAN_PHOTO_HAIR_KEEP = 0, PLAN_PHOTO_HAIR_REMOVE } plan_photo_hair;

typedef struct plan_head {
    double circumference_cm; /* head circumference above the brow ridge; 48..66 cm */
    double length_cm;        /* glabella to opisthocranion; 16..23 cm */
    double breadth_cm;       /* maximum breadth above the ears; 12..18 cm */
    /* Path of a scanned mesh (OBJ, PLY, STL, glTF, GLB); empty for the procedural head. A plan file gives it
     * relative to the file's folder (plan_load joins them; plan_save writes it relative to the saved file);
     * --set gives it relative to the working directory. With a mesh, the three measures above are measured
     * on the scan instead (scalp.h). */
    char mesh[PLAN_PATH_MAX];
    plan_mesh_units mesh_units; /* of the mesh file; GUESS (JSON null) from its size */
    plan_scan_landmarks landmarks;
    /* A photo of the patient's scalp (JPEG or PNG; empty for none), a path as mesh's, taken from a known view
     * (scalp/photo.h): the camera photo_distance_m from the head's centre, in the direction of azimuth
     * photo_azimuth_deg (0 from the face, 90 from the patient's left) and elevation photo_elevation_deg (90
     * from overhead), looking at the centre, the image's vertical field of view photo_fov_deg. Its hair is
     * kept over the dots or removed (photo_hair). */
    char photo[PLAN_PATH_MAX];
    double photo_azimuth_deg, photo_elevation_deg, photo_distance_m, photo_fov_deg;
    plan_photo_hair photo_hair;
} plan_head;

typedef struct plan_patient {
    int fitzpatrick;                   /* skin type 1..6 */
    unsigned char hair_color_srgb8[3]; /* natural hair colour, from "#rrggbb" */
    double grey_fraction;              /* 0..1 of hairs that are grey/white */
    double hair_length_mm; /* hair length; 0 = blade-shaved, #0 guard ~0.5 mm; stubble stands, longer hair
                            * lies down (scalp/hair_shape.h); 0..150 mm */
    plan_pattern pattern;  /* from "norwood": "1".."7", "2A", ... or "ludwig": "I".."III" */
    plan_parting parting;  /* where lying hair is parted ("none", "left", "centre", "right") */
    plan_sex sex;          /* "male" (default) or "female": the procedural head's face and neck */
} plan_patient;

/* The patient's hair over the years (JSON object "progression"): hair loss that goes on to a later class,
 * and greying, each reached linearly in time from the first session and then kept. Off by default. */
typedef struct plan_progression {
    plan_pattern pattern;   /* the later class, from "norwood" or "ludwig": on the patient's scale (either
                             * when the patient has none) and not earlier than the patient's class;
                             * PLAN_PATTERN_NONE (null): no further hair loss */
    double years;           /* years after the first session at which pattern is reached; 1..40 */
    double grey_fraction;   /* share of grey hairs reached, patient.grey_fraction..1; PLAN_NONE (null):
                             * no greying */
    double grey_years;      /* years after the first session at which grey_fraction is reached; 1..50 */
    bool treat_future_area; /* the sessions also treat what the later class will lose ("plan for the
                             * worst case"): scalp_treatment_weight uses both bald areas */
} plan_progression;

/* A point of a designed hairline, measured on the head with a tape (JSON list "hairline_points"). */
typedef struct plan_hairline_point {
    double lateral_cm; /* surface distance from the midline, + towards the patient's left; -15..15 cm */
    double height_cm;  /* level of the point: that far above the glabella along the midline; 2..16 cm */
} plan_hairline_point;

typedef struct plan_hairline {
    plan_hairline_style style; /* "soft" (irregular, feathered) or "linear" */
    double height_cm;          /* mid-frontal point above the glabella, along the surface; 5..12 cm */
    double transition_mm;      /* width of the feathered zone; 0..30 mm */
    double
        temple_height_cm; /* frontotemporal points above the lateral canthus, on the epicanthal line; 5..12 */
    /* Control points, in increasing lateral_cm; when given (2 or more) they define the line instead of
     * height_cm and temple_height_cm. Points all on one side (lateral_cm >= 0) are mirrored. */
    int point_count;
    plan_hairline_point points[PLAN_MAX_HAIRLINE_POINTS];
} plan_hairline;

/* Density factors by scalp zone (JSON object "zones"), multiplying every session's density there. */
typedef struct plan_zones {
    double front;         /* the first 3 cm behind the hairline; 0..3 */
    double mid_scalp;     /* between the front and the crown; 0..3 */
    double crown;         /* around the whorl; 0..3 */
    double temples;       /* around the frontotemporal points; 0..3 */
    double sides;         /* the sides and back (the donor fringe of a Norwood 6); 0..3 */
    double transition_mm; /* width over which one zone's factor blends into the next; 5..60 mm */
} plan_zones;

/* Follicular-unit clustering of the dots (JSON object "clusters"); the rest are single dots. */
typedef struct plan_clusters {
    double double_fraction; /* share of clusters with 2 dots; 0..1 */
    double triple_fraction; /* share of clusters with 3 dots; 0..1 (the two together at most 1) */
    double spacing_mm;      /* distance between the dots of one cluster; 0.2..1 mm */
} plan_clusters;

/* What the needle leaves: a column of ink from the dermal-epidermal junction down to the needle's tip,
 * as wide as the needle cluster makes it (pigment_deposit_diameter_mm), with the ink load of shade and
 * ink grade (pigment_ink_load_factor). What is seen of it comes from optics/. */
typedef struct plan_pigment {
    double shade;           /* ink strength 0..1; 1 = the darkest SMP working dilution (carbon black
                             * diluted 25x), or undiluted tattoo ink with PLAN_INK_TATTOO */
    double depth_mm;        /* needle depth below the skin surface (the tip of the track); 0.1..3.0 mm */
    plan_needle needle;     /* needle cluster, "1RL" (default), "3RL", "5RL" or "7RL" */
    double pin_diameter_mm; /* pin gauge; 0.15..0.40 mm (#10 = 0.30) */
    double dot_diameter_mm; /* width of the ink deposit at its top, 0.05..1.5 mm; 0 (JSON null): not given,
                             * the width follows from needle and pin_diameter_mm */
    plan_ink_quality ink_quality; /* "medical", "cosmetic", "tattoo" or "inferior" */
} plan_pigment;

typedef struct plan_session {
    double day;             /* day of the session, counted from the first; 0..3650 */
    double density_per_cm2; /* dots this session adds per cm²; 0..200 */
    double shade;           /* ink strength of this session 0..1 */
} plan_session;

typedef struct plan_scar {
    plan_scar_type type; /* "fut" (a linear strip scar) or "fue" (punch scars) */
    /* fut */
    double length_cm;            /* 1..40 cm */
    double width_mm;             /* 0.5..10 mm */
    double height_above_nape_cm; /* 1..12 cm */
    /* fue */
    int count;          /* 0..10000 */
    double diameter_mm; /* 0.3..2 mm */
    /* both */
    double depth_mm;     /* relief: depth below the surrounding skin (height above it when
                          * hypertrophic); 0..3 mm */
    plan_scar_form form; /* "normal", "atrophic", "hypertrophic", "stretched"; optional, "normal" */
} plan_scar;

typedef struct plan_aftercare {
    double sun_hours_per_day; /* unprotected-equivalent sun exposure; 0..16 h */
    double spf;               /* sunscreen SPF, 0 (none) ..100 */
    bool hat;
    bool alcohol_topicals;
    bool washed_before_day3;
    bool sauna_before_day3;
} plan_aftercare;

/* The healing and fading model's rates (ageing/, docs/model.md "Healing and fading"): each is a published
 * figure or a named assumption, so a clinic that has measured its own results can change it here. */
typedef struct plan_fading {
    double early_loss;      /* share of a session's ink gone by the end of healing (scabs, early clearance);
                             * 0.05..0.8, default 0.33 ("about one-third", Baeumler 2015) */
    double scab_share;      /* share of that early loss that leaves with the scabs (days 7-14); 0..1 */
    double surface_excess;  /* ink on and in the fresh wound's surface until the first wash, relative to
                             * the layer's ink; 0..3 */
    double fresh_width;     /* width of a fresh dot over its healed width; 1..3 */
    double mobile_fraction; /* share of the healed ink held loosely (recaptured, drained) that clears in
                             * the first years; 0..0.8 */
    double mobile_years;    /* time constant of that clearance; 0.1..20 years */
    double fixed_years;     /* time constant of the rest (intrinsic, no sun); 2..1000 years */
    double sun_factor;      /* extra fading rate per effective (unprotected) hour of sun a day; 0..5 */
    double sunscreen_efficacy; /* share of the label SPF that sunscreen achieves as used; 0.05..1 */
    double hat_transmission;   /* share of the sun a hat lets reach the scalp; 0..1 */
    double alcohol_factor;     /* fading rate with alcohol-based topicals over without; 1..5 */
    double wet_early_loss; /* extra early loss from washing, and again from sweating, before day 3; 0..0.5 */
    double spread_mm2_per_year; /* growth of a dot's squared width per year at 0.4 mm depth (deeper: x (depth
                                 * / 0.4 mm)^2); 0..0.1 mm^2 */
    double sink_mm_per_year;    /* how fast the ink moves deeper; 0..0.05 mm/year */
    double redness;             /* extra dermal blood of the fresh wound's erythema at its peak, relative to
                                 * normal (1 = twice the blood); 0..5 */
    double touch_up_fraction;   /* a touch-up is advised when the contrast falls below this share of the
                                 * healed contrast; 0.3..0.98 */
} plan_fading;

typedef struct plan_touch_up {
    double year;            /* years after the first session; 0..50 */
    double density_per_cm2; /* 0..200 */
    double shade;           /* 0..1 */
} plan_touch_up;

typedef struct plan {
    int version;   /* 1 */
    uint64_t seed; /* randomness of dot placement and jitter */
    plan_head head;
    plan_patient patient;
    plan_progression progression;
    plan_hairline hairline;
    plan_zones zones;
    plan_pigment pigment;
    plan_clusters clusters;
    int session_count;
    plan_session sessions[PLAN_MAX_SESSIONS];
    int scar_count;
    plan_scar scars[PLAN_MAX_SCARS];
    plan_aftercare aftercare;
    int touch_up_count;
    plan_touch_up touch_ups[PLAN_MAX_TOUCH_UPS];
    plan_fading fading;
} plan;

/* Fills p with the built-in default plan (Norwood 6, shaved, the three sessions of DESIGN.md). */
void plan_init_default(plan *p);

/* Loads defaults <- file (path may be NULL) <- overrides ("PATH=VALUE", VALUE a JSON literal or a bare
 * word taken as a string), then validates. on_warning (may be NULL) hears about unknown fields in the
 * file. A file over PLAN_FILE_MAX_BYTES is refused unread. On failure p is left unchanged and err
 * (SMP_ERR_INPUT for bad input) says
 * "<source>: <field path>: <what was expected>, got <value>". */
smp_status plan_load(plan *p, const char *path, const char *const *overrides, int override_count,
                     smp_log_fn on_warning, void *warning_user, smp_error *err);

/* True when a and b hold the same value in every field that means something: fields of the other scar
 * type and entries past the counts are ignored. Doubles compare exactly. */
bool plan_equal(const plan *a, const plan *b);

/* Checks every field against its range; source names the origin in the message ("plan.json"). */
smp_status plan_validate(const plan *p, const char *source, smp_error *err);

/* Serialises p as pretty JSON; the caller frees the result with free(). NULL when out of memory. */
char *plan_to_json(const plan *p);

/* Saves p to path atomically (write a temporary file, then rename); refuses a plan that fails validation. */
smp_status plan_save(const plan *p, const char *path, smp_error *err);

/* Names of patterns as the plan file spells them ("6", "3V", "II"; "none", written null in a file);
 * NULL for out-of-range values. */
const char *plan_pattern_name(plan_pattern pattern);
bool plan_pattern_is_ludwig(plan_pattern pattern);
/* Looks up a Norwood ("3V") or, with ludwig, a Ludwig ("II") class by name, ignoring case; false if none. */
bool plan_pattern_from_name(const char *name, bool ludwig, plan_pattern *out);

/* Days from the first session until the plan counts as healed: the last session plus 60 days. */
double plan_healed_day(const plan *p);

#endif
