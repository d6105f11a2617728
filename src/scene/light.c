/* light: the presets' table and what turns a row into the frame's radiances. */
#include "scene/light.h"

#include "core/core.h"
#include "optics/colour.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Intensities are relative irradiances (luminance; the tone mapper's exposure is fixed, and skin of albedo
 * 0.4 under a key of 2 at normal incidence sits at the shoulder, 0.8). Colour temperatures are typical values
 * of such lights; every number is an assumption, documented in docs/model.md ("Light"). The first row is the
 * default. */
static const scene_light_preset presets[] = {
    {.name = "daylight",
     .summary = "outdoors, sun from the front-left and above, sky fill",
     .azimuth_deg = 35.0,
     .elevation_deg = 50.0,
     .key_intensity = 1.52,
     .key_kelvin = 5600.0,
     .sky_intensity = 0.354,
     .sky_kelvin = 7500.0,
     .ground_intensity = 0.111,
     .ground_kelvin = 5300.0},
    {.name = "clinic",
     .summary = "examination light almost overhead, neutral white, moderate fill",
     .azimuth_deg = 0.0,
     .elevation_deg = 80.0,
     .key_intensity = 1.45,
     .key_kelvin = 4800.0,
     .sky_intensity = 0.42,
     .sky_kelvin = 4800.0,
     .ground_intensity = 0.16,
     .ground_kelvin = 4800.0},
    {.name = "sun",
     .summary = "midday sun, hard shadows, blue sky fill",
     .azimuth_deg = 40.0,
     .elevation_deg = 62.0,
     .key_intensity = 1.9,
     .key_kelvin = 5500.0,
     .sky_intensity = 0.24,
     .sky_kelvin = 12000.0,
     .ground_intensity = 0.09,
     .ground_kelvin = 5000.0},
    {.name = "overcast",
     .summary = "cloudy sky: a weak key, strong diffuse sky",
     .azimuth_deg = 20.0,
     .elevation_deg = 70.0,
     .key_intensity = 0.35,
     .key_kelvin = 6800.0,
     .sky_intensity = 1.0,
     .sky_kelvin = 7000.0,
     .ground_intensity = 0.28,
     .ground_kelvin = 6500.0},
    {.name = "bathroom",
     .summary = "warm lamp above the mirror, in front of the face, little fill",
     .azimuth_deg = 0.0,
     .elevation_deg = 35.0,
     .key_intensity = 1.6,
     .key_kelvin = 2900.0,
     .sky_intensity = 0.13,
     .sky_kelvin = 2900.0,
     .ground_intensity = 0.08,
     .ground_kelvin = 2900.0},
    {.name = "office",
     .summary = "ceiling panels, 4000 K, strong diffuse fill",
     .azimuth_deg = 0.0,
     .elevation_deg = 70.0,
     .key_intensity = 1.17,
     .key_kelvin = 4000.0,
     .sky_intensity = 0.57,
     .sky_kelvin = 4000.0,
     .ground_intensity = 0.18,
     .ground_kelvin = 4000.0},
    {.name = "flash",
     .summary = "camera flash on the camera's axis, weak room light",
     .azimuth_deg = 0.0,
     .elevation_deg = 10.0,
     .on_camera = true,
     .key_intensity = 2.3,
     .key_kelvin = 5500.0,
     .sky_intensity = 0.05,
     .sky_kelvin = 3500.0,
     .ground_intensity = 0.03,
     .ground_kelvin = 3500.0},
    {.name = "wet",
     .summary = "pool-side sun on a wet scalp: a water film with sharp highlights",
     .azimuth_deg = 40.0,
     .elevation_deg = 55.0,
     .key_intensity = 1.7,
     .key_kelvin = 5700.0,
     .sky_intensity = 0.26,
     .sky_kelvin = 11000.0,
     .ground_intensity = 0.10,
     .ground_kelvin = 8000.0,
     .film_coverage = 1.0},
};

enum { PRESET_COUNT = (int)(sizeof presets / sizeof presets[0]) };

int scene_light_preset_count(void)
{
    return PRESET_COUNT;
}

const scene_light_preset *scene_light_preset_at(int index)
{
    return index >= 0 && index < PRESET_COUNT ? &presets[index] : NULL;
}

int scene_light_preset_index(const char *name)
{
    for (int i = 0; name && i < PRESET_COUNT; ++i)
        if (strcmp(name, presets[i].name) == 0) return i;
    return -1;
}

void scene_light_preset_names(char *buffer, size_t size)
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
    for (int k = 0; k < 3; ++k)
        out[k] = (float)(intensity * rgb[k] * gains[k]);
}

void scene_light_set_key(scene_light *l, double intensity, double kelvin)
{
    l->intensity = smp_clamp(intensity, 0.0, SCENE_LIGHT_INTENSITY_MAX);
    l->key_kelvin = smp_clamp(kelvin, SCENE_LIGHT_KELVIN_MIN, SCENE_LIGHT_KELVIN_MAX);
    const scene_light_preset *p = l->source;
    if (!p) return;
    double gains[3];
    optics_white_balance_gains(l->key_kelvin, SCENE_LIGHT_ADAPTATION, gains);
    radiance(p->key_intensity * l->intensity, l->key_kelvin, gains, l->key_radiance);
    radiance(p->sky_intensity, p->sky_kelvin, gains, l->sky_radiance);
    radiance(p->ground_intensity, p->ground_kelvin, gains, l->ground_radiance);
}

scene_light scene_light_of_preset(const scene_light_preset *p)
{
    if (!p) p = &presets[0];
    scene_light l;
    memset(&l, 0, sizeof l);
    l.preset = p->name;
    l.source = p;
    l.azimuth_deg = p->azimuth_deg;
    l.elevation_deg = p->elevation_deg;
    l.on_camera = p->on_camera;
    l.film_f0 = (float)SCENE_LIGHT_WATER_F0;
    l.film_roughness = (float)SCENE_LIGHT_WATER_ROUGHNESS;
    l.film_coverage = (float)p->film_coverage;
    scene_light_set_key(&l, 1.0, p->key_kelvin);
    return l;
}

scene_light scene_light_named(const char *name)
{
    int i = scene_light_preset_index(name ? name : "daylight");
    assert(i >= 0);
    return scene_light_of_preset(i >= 0 ? &presets[i] : NULL);
}

double scene_light_sweep_elevation_deg(int frame, int count)
{
    if (count < 2) return SCENE_LIGHT_SWEEP_FROM_DEG;
    double u = smp_clamp((double)frame / (count - 1), 0.0, 1.0);
    return SCENE_LIGHT_SWEEP_FROM_DEG + u * (SCENE_LIGHT_SWEEP_TO_DEG - SCENE_LIGHT_SWEEP_FROM_DEG);
}

double scene_light_sweep_phase_elevation_deg(double u)
{
    double w = 0.5 - 0.5 * cos(2.0 * SMP_PI * smp_clamp(u, 0.0, 1.0)); /* 0 -> 1 -> 0 */
    return SCENE_LIGHT_SWEEP_FROM_DEG + w * (SCENE_LIGHT_SWEEP_TO_DEG - SCENE_LIGHT_SWEEP_FROM_DEG);
}
