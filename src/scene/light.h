/* light: the lights a patient meets, as presets (one table in light.c; docs/model.md, "Light", has the
 * numbers and where they come from): a key light (direction, intensity, colour temperature), a sky and a
 * ground ambient, and for wet skin a water film over it. scene_light_of_preset turns a preset into the
 * frame's linear sRGB radiances, white-balanced the way the eye and a phone camera partly adapt to the light
 * (SCENE_LIGHT_ADAPTATION). Pure C on optics/colour: no GL, no SDL.
 *
 *     scene_light l = scene_light_of_preset(scene_light_preset_at(scene_light_preset_index("bathroom")));
 *     scene_light_set_key(&l, 1.5, 3500.0);                // brighter, less warm: radiances recomputed
 *     l.elevation_deg = scene_light_sweep_elevation_deg(i, n); // frame i of n: overhead to raking
 */
#ifndef SMP_SCENE_LIGHT_H
#define SMP_SCENE_LIGHT_H

#include "core/core.h"

#include <stddef.h>

/* The degree to which the picture is white-balanced to the key light's colour (optics_white_balance_gains):
 * an assumption. The eye adapts incompletely to warm light, and phone cameras keep some warmth on purpose;
 * 0.7 leaves a 2900 K lamp as warm as the hand-tuned bathroom light this project used before (r/b 1.8). */
#define SCENE_LIGHT_ADAPTATION 0.7

/* The limits of --light-intensity and --light-kelvin. */
#define SCENE_LIGHT_INTENSITY_MAX 10.0
#define SCENE_LIGHT_KELVIN_MIN 1500.0
#define SCENE_LIGHT_KELVIN_MAX 12000.0

/* The water film's sharp lobe: F0 of water (n = 1.33) and a GGX roughness (squared: alpha) for a thin film
 * with ripples. */
#define SCENE_LIGHT_WATER_F0 0.02
#define SCENE_LIGHT_WATER_ROUGHNESS 0.05

/* The light sweep: the key's elevation from overhead to raking. */
#define SCENE_LIGHT_SWEEP_FROM_DEG 90.0
#define SCENE_LIGHT_SWEEP_TO_DEG 5.0
#define SCENE_LIGHT_SWEEP_MAX_FRAMES 360
#define SCENE_TIMELINE_MAX_FRAMES 600 /* smpsim render --timeline N */

typedef struct scene_light_preset {
    const char *name;
    const char *summary;               /* a few words, shown in the window when picked */
    double azimuth_deg, elevation_deg; /* the key's direction (for on_camera: once it leaves the camera) */
    bool on_camera;                    /* the key sits on the camera's axis (a flash) */
    double key_intensity, key_kelvin;  /* relative irradiance at normal incidence (luminance), colour */
    double sky_intensity, sky_kelvin;  /* the ambient from above */
    double ground_intensity, ground_kelvin; /* the ambient from below (what the floor or ground bounces) */
    double film_coverage;                   /* a water film over the skin: 0 = dry, 1 = all wet */
} scene_light_preset;

typedef struct scene_light {
    const char *preset;                /* the preset's name (static storage) */
    const scene_light_preset *source;  /* its row of the table (NULL: radiances set by hand) */
    double azimuth_deg, elevation_deg; /* 0 = from the face, 90 = from the patient's left; 90 = overhead */
    bool on_camera;                    /* the key follows the camera (azimuth and elevation unused) */
    double intensity;                  /* multiplies the preset's key (--light-intensity), 1 = as preset */
    double key_kelvin;                 /* the key's colour temperature */
    float key_radiance[3], sky_radiance[3], ground_radiance[3]; /* linear sRGB, white-balanced */
    float film_f0, film_roughness, film_coverage;               /* render_frame's water film */
} scene_light;

int scene_light_preset_count(void);
const scene_light_preset *
scene_light_preset_at(int index);               /* 0 <= index < count: the table's rows, in order */
int scene_light_preset_index(const char *name); /* -1 when no preset has that name */
/* "daylight, clinic, ...": every name, in the table's order, comma separated (buffer of size bytes). */
void scene_light_preset_names(char *buffer, size_t size);

/* The light of a preset as the table gives it (NULL: the first row, daylight). The command line's overrides
 * (--light-azimuth, ...) are applied by app/options.c (app_options_light). */
scene_light scene_light_of_preset(const scene_light_preset *preset);
/* The light of the preset of that name (NULL: daylight); the name must be a preset's (a programmer's error
 * otherwise: names from people go through scene_light_preset_index first). */
scene_light scene_light_named(const char *name);
/* Sets the key's intensity (multiplier, 0..SCENE_LIGHT_INTENSITY_MAX) and colour temperature and recomputes
 * the radiances (the white balance follows the key). A light without a source keeps its radiances. */
void scene_light_set_key(scene_light *light, double intensity, double kelvin);

/* Frame `frame` of `count` (>= 2) of the sweep: SCENE_LIGHT_SWEEP_FROM_DEG to _TO_DEG in equal steps. */
double scene_light_sweep_elevation_deg(int frame, int count);
/* The window's sweep at phase u in [0, 1]: overhead to raking at u = 0.5 and back (cosine-eased). */
double scene_light_sweep_phase_elevation_deg(double u);

#endif
