/* light: the presets' table and what turns a row into the frame's radiances. */
#include "app/light.h"

#include "core/core.h"
#include "optics/colour.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Intensities are relative irradiances (luminance; the tone mapper's exposure is fixed, and skin of albedo 0.4
 * under a key of 2 at normal incidence sits at the shoulder, 0.8). Colour temperatures are typical values of
 * such lights; every number is an assumption, documented in docs/model.md ("Light"). The first row is the
 * default. */
static const app_light_preset presets[] = {
    /* name, summary, azimuth, elevation, on camera, key I, K, sky I, K, ground I, K, film */
    {"daylight", "outdoors, sun from the front-left and above, sky fill", 35.0, 50.0, false, 1.52, 5600.0, 0.354,
     7500.0, 0.111, 5300.0, 0.0},
    {"clinic", "examination light almost overhead, neutral white, moderate fill", 0.0, 80.0, false, 1.45, 4800.0,
     0.42, 4800.0, 0.16, 4800.0, 0.0},
    {"sun", "midday sun, hard shadows, blue sky fill", 40.0, 62.0, false, 1.9, 5500.0, 0.24, 12000.0, 0.09,
     5000.0, 0.0},
    {"overcast", "cloudy sky: a weak key, strong diffuse sky", 20.0, 70.0, false, 0.35, 6800.0, 1.0, 7000.0, 0.28,
     6500.0, 0.0},
    {"bathroom", "warm lamp above the mirror, in front of the face, little fill", 0.0, 35.0, false, 1.6, 2900.0,
     0.13, 2900.0, 0.08, 2900.0, 0.0},
    {"office", "ceiling panels, 4000 K, strong diffuse fill", 0.0, 70.0, false, 1.17, 4000.0, 0.57, 4000.0, 0.18,
     4000.0, 0.0},
    {"flash", "camera flash on the camera's axis, weak room light", 0.0, 10.0, true, 2.3, 5500.0, 0.05, 3500.0,
     0.03, 3500.0, 0.0},
    {"wet", "pool-side sun on a wet scalp: a water film with sharp highlights", 40.0, 55.0, false, 1.7, 5700.0,
     0.26, 11000.0, 0.10, 8000.0, 1.0},
};

enum { PRESET_COUNT = (int)(sizeof presets / sizeof presets[0]) };

int app_light_preset_count(void)
{
    return PRESET_COUNT;
}

const app_light_preset *app_light_preset_at(int index)
{
    return index >= 0 && index < PRESET_COUNT ? &presets[index] : NULL;
}

int app_light_preset_index(const char *name)
{
    for (int i = 0; name && i < PRESET_COUNT; ++i)
        if (strcmp(name, presets[i].name) == 0) return i;
    return -1;
}

void app_light_preset_names(char *buffer, size_t size)
{
    size_t used = 0;
    if (size == 0) return;
    buffer[0] = '\0';
    for (int i = 0; i < PRESET_COUNT && used < size; ++i) {
        int n = snprintf(buffer + used, size - used, "%s%s", i ? ", " : "", presets[i].name);
        if (n < 0) break;
        used += (size_t)n;
    }
}

/* One light of intensity and colour temperature, white-balanced by gains, into linear sRGB. */
static void radiance(double intensity, double kelvin, const double gains[3], float out[3])
{
    double rgb[3];
    optics_cct_to_linear_rgb(kelvin, rgb);
    for (int k = 0; k < 3; ++k) out[k] = (float)(intensity * rgb[k] * gains[k]);
}

void app_light_set_key(app_light *l, double intensity, double kelvin)
{
    l->intensity = smp_clamp(intensity, 0.0, APP_LIGHT_INTENSITY_MAX);
    l->key_kelvin = smp_clamp(kelvin, APP_LIGHT_KELVIN_MIN, APP_LIGHT_KELVIN_MAX);
    const app_light_preset *p = l->source;
    if (!p) return;
    double gains[3];
    optics_white_balance_gains(l->key_kelvin, APP_LIGHT_ADAPTATION, gains);
    radiance(p->key_intensity * l->intensity, l->key_kelvin, gains, l->key_radiance);
    radiance(p->sky_intensity, p->sky_kelvin, gains, l->sky_radiance);
    radiance(p->ground_intensity, p->ground_kelvin, gains, l->ground_radiance);
}

app_light app_scene_light(const char *preset, const app_options *opts)
{
    int i = app_light_preset_index(preset);
    const app_light_preset *p = &presets[i < 0 ? 0 : i];
    app_light l;
    memset(&l, 0, sizeof l);
    l.preset = p->name;
    l.source = p;
    l.azimuth_deg = p->azimuth_deg;
    l.elevation_deg = p->elevation_deg;
    l.on_camera = p->on_camera;
    l.film_f0 = (float)APP_LIGHT_WATER_F0;
    l.film_roughness = (float)APP_LIGHT_WATER_ROUGHNESS;
    l.film_coverage = (float)p->film_coverage;
    double intensity = 1.0, kelvin = p->key_kelvin;
    if (opts) {
        if (opts->has_light_azimuth) l.azimuth_deg = opts->light_azimuth_deg, l.on_camera = false;
        if (opts->has_light_elevation) l.elevation_deg = opts->light_elevation_deg, l.on_camera = false;
        if (opts->has_light_intensity) intensity = opts->light_intensity;
        if (opts->has_light_kelvin) kelvin = opts->light_kelvin;
    }
    app_light_set_key(&l, intensity, kelvin);
    return l;
}

double app_light_sweep_elevation_deg(int frame, int count)
{
    if (count < 2) return APP_LIGHT_SWEEP_FROM_DEG;
    double u = smp_clamp((double)frame / (count - 1), 0.0, 1.0);
    return APP_LIGHT_SWEEP_FROM_DEG + u * (APP_LIGHT_SWEEP_TO_DEG - APP_LIGHT_SWEEP_FROM_DEG);
}

double app_light_sweep_phase_elevation_deg(double u)
{
    double w = 0.5 - 0.5 * cos(2.0 * SMP_PI * smp_clamp(u, 0.0, 1.0)); /* 0 -> 1 -> 0 */
    return APP_LIGHT_SWEEP_FROM_DEG + w * (APP_LIGHT_SWEEP_TO_DEG - APP_LIGHT_SWEEP_FROM_DEG);
}
