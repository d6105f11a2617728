#include "app/options.h"

#include "scene/light.h"

#include "plan/plan.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char app_options_usage[] =
    "  --plan FILE             treatment plan (JSON); default: the built-in plan\n"
    "  --set PATH=VALUE        override one plan field with a JSON literal (repeatable),\n"
    "                          e.g. --set pigment.depth_mm=1.5  --set 'sessions=[]'\n"
    "  --years Y | --days D    time since the first session (default: healed, 60 days after the last)\n"
    "  --light-azimuth DEG     0 = from the front of the face, 90 = from the patient's left (-360..360)\n"
    "  --light-elevation DEG   90 = overhead, 5 = raking (-90..90)\n"
    "  --light-preset NAME     daylight (default), clinic, sun, overcast, bathroom, office, flash, wet\n"
    "  --light-intensity X     multiplies the preset's key light, 0..10 (default 1)\n"
    "  --light-kelvin K        the key light's colour temperature, 1500..12000 K (default: the preset's)\n"
    "  --view NAME             front, top, back, left, right, three-quarter,\n"
    "                          closeup-hairline, closeup-crown, closeup-scar, closeup-side\n"
    "  --distance-m D          viewing distance of the far views, 0.2..20 m (default: frame the head)\n"
    "  --field-mm F            field of the close-up views, 5..200 mm across (default 60; 10 is a\n"
    "                          dermatoscope's)\n"
    "  --width W --height H    image size in pixels, 16..8192 (default 1280x720)\n"
    "  --seed N                seed for dot placement (overrides the plan's)\n";

scene_light app_options_light(const app_options *o)
{
    int i = scene_light_preset_index(o->light_preset ? o->light_preset : "daylight");
    assert(i >= 0);       /* the parser admits only the presets' names */
    scene_light l = scene_light_of_preset(scene_light_preset_at(i));
    if (o->has_light_azimuth) l.azimuth_deg = o->light_azimuth_deg, l.on_camera = false;
    if (o->has_light_elevation) l.elevation_deg = o->light_elevation_deg, l.on_camera = false;
    scene_light_set_key(&l, o->has_light_intensity ? o->light_intensity : 1.0,
                        o->has_light_kelvin ? o->light_kelvin : l.key_kelvin);
    return l;
}

scene_shot app_options_shot(const app_options *o, scene_view view)
{
    return (scene_shot){.view = view,
                        .distance_m = o->distance_m,
                        .field_mm = o->field_mm,
                        .width = o->width,
                        .height = o->height,
                        .light = app_options_light(o),
                        .interactive = o->interactive};
}

void app_options_apply_seed(const app_options *opts, plan *p)
{
    if (opts->has_seed) p->seed = opts->seed;
}

static bool allowed_has(const char *allowed, const char *name)
{
    size_t n = strlen(name);
    for (const char *s = allowed; (s = strstr(s, name)) != NULL; s += n)
        if ((s == allowed || s[-1] == ' ') && (s[n] == ' ' || s[n] == '\0')) return true;
    return false;
}

bool app_parse_u64(const char *text, uint64_t lo, uint64_t hi, uint64_t *out)
{
    if (!text || !*text) return false;
    for (const char *c = text; *c; ++c)
        if (*c < '0' || *c > '9') return false;
    errno = 0;
    unsigned long long v = strtoull(text, NULL, 10);
    if (errno != 0 || v < lo || v > hi) return false;
    *out = (uint64_t)v;
    return true;
}

static smp_status parse_double(const char *opt, const char *text, double lo, double hi, const char *unit,
                               double *out, smp_error *err)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end != '\0' || !isfinite(v))
        return smp_error_set(err, SMP_ERR_INPUT, "%s: must be a number between %g and %g%s, got '%s'", opt, lo, hi,
                             unit, text);
    if (v < lo || v > hi)
        return smp_error_set(err, SMP_ERR_INPUT, "%s: must be between %g and %g%s, got %g", opt, lo, hi, unit, v);
    *out = v;
    return SMP_OK;
}

smp_status app_options_parse(app_options *o, int argc, char **argv, int first, const char *allowed,
                             smp_error *err)
{
    memset(o, 0, sizeof *o);
    o->width = 1280;
    o->height = 720;
    o->view = SCENE_VIEW_FRONT;
    o->frames = 120;
    for (int i = first; i < argc; ++i) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            o->help = true;
            continue;
        }
        if (a[0] != '-') return smp_error_set(err, SMP_ERR_INPUT, "unexpected argument '%s'", a);
        if (!allowed_has(allowed, a))
            return smp_error_set(err, SMP_ERR_INPUT, "%s: unknown option for this command (see --help)", a);
        if (strcmp(a, "--csv") == 0 || strcmp(a, "--interactive") == 0) { /* the flags without a value */
            if (a[2] == 'c') o->csv = true;
            else o->interactive = true;
            continue;
        }
        if (i + 1 >= argc) return smp_error_set(err, SMP_ERR_INPUT, "%s: needs a value", a);
        const char *v = argv[++i];
        double d = 0.0;
        smp_status st = SMP_OK;
        if (strcmp(a, "--plan") == 0) o->plan_path = v;
        else if (strcmp(a, "--set") == 0) {
            if (o->set_count >= APP_MAX_SETS)
                return smp_error_set(err, SMP_ERR_INPUT, "--set: at most %d overrides", APP_MAX_SETS);
            if (!strchr(v, '='))
                return smp_error_set(err, SMP_ERR_INPUT, "--set %s: must be PATH=VALUE, e.g. pigment.depth_mm=1.5", v);
            o->sets[o->set_count++] = v;
        } else if (strcmp(a, "--years") == 0) {
            st = parse_double(a, v, 0.0, 50.0, " years", &d, err);
            o->has_time = true;
            o->time_days = d * 365.25;
        } else if (strcmp(a, "--days") == 0) {
            st = parse_double(a, v, 0.0, 18262.5, " days", &d, err);
            o->has_time = true;
            o->time_days = d;
        } else if (strcmp(a, "--light-azimuth") == 0) {
            st = parse_double(a, v, -360.0, 360.0, " degrees", &o->light_azimuth_deg, err);
            o->has_light_azimuth = true;
        } else if (strcmp(a, "--light-elevation") == 0) {
            st = parse_double(a, v, -90.0, 90.0, " degrees", &o->light_elevation_deg, err);
            o->has_light_elevation = true;
        } else if (strcmp(a, "--light-preset") == 0) {
            if (scene_light_preset_index(v) < 0) {
                char names[256];
                scene_light_preset_names(names, sizeof names);
                return smp_error_set(err, SMP_ERR_INPUT, "--light-preset: must be one of %s, got '%s'", names, v);
            }
            o->light_preset = v;
        } else if (strcmp(a, "--light-intensity") == 0) {
            st = parse_double(a, v, 0.0, SCENE_LIGHT_INTENSITY_MAX, "", &o->light_intensity, err);
            o->has_light_intensity = true;
        } else if (strcmp(a, "--light-kelvin") == 0) {
            st = parse_double(a, v, SCENE_LIGHT_KELVIN_MIN, SCENE_LIGHT_KELVIN_MAX, " K", &o->light_kelvin, err);
            o->has_light_kelvin = true;
        } else if (strcmp(a, "--light-sweep") == 0) {
            st = parse_double(a, v, 2, SCENE_LIGHT_SWEEP_MAX_FRAMES, " frames", &d, err);
            if (st == SMP_OK && d != floor(d))
                st = smp_error_set(err, SMP_ERR_INPUT, "--light-sweep: must be a whole number of frames, got %s", v);
            o->light_sweep = (int)d;
        } else if (strcmp(a, "--timeline") == 0) {
            st = parse_double(a, v, 2, SCENE_TIMELINE_MAX_FRAMES, " frames", &d, err);
            if (st == SMP_OK && d != floor(d))
                st = smp_error_set(err, SMP_ERR_INPUT, "--timeline: must be a whole number of frames, got %s", v);
            o->timeline = (int)d;
        } else if (strcmp(a, "--view") == 0) {
            int found = scene_view_index(v);
            if (found < 0) {
                char names[256];
                scene_view_names(names, sizeof names);
                return smp_error_set(err, SMP_ERR_INPUT, "--view: must be one of %s, got '%s'", names, v);
            }
            o->view = (scene_view)found;
        } else if (strcmp(a, "--years-max") == 0) {
            st = parse_double(a, v, 0.5, 50.0, " years", &o->years_max, err);
        } else if (strcmp(a, "--distance-m") == 0) {
            st = parse_double(a, v, 0.2, 20.0, " m", &o->distance_m, err);
        } else if (strcmp(a, "--field-mm") == 0) {
            st = parse_double(a, v, 5.0, 200.0, " mm", &o->field_mm, err);
        } else if (strcmp(a, "--width") == 0 || strcmp(a, "--height") == 0) {
            st = parse_double(a, v, 16, 8192, " pixels", &d, err);
            if (st == SMP_OK && d != floor(d))
                st = smp_error_set(err, SMP_ERR_INPUT, "%s: must be a whole number of pixels, got %s", a, v);
            if (a[2] == 'w') o->width = (int)d, o->has_width = true;
            else o->height = (int)d, o->has_height = true;
        } else if (strcmp(a, "--seed") == 0) {
            st = parse_double(a, v, 0.0, 9007199254740992.0, "", &d, err);
            if (st == SMP_OK && d != floor(d))
                st = smp_error_set(err, SMP_ERR_INPUT, "--seed: must be a whole number, got %s", v);
            o->has_seed = true;
            o->seed = (uint64_t)d;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            o->output = v;
        } else if (strcmp(a, "--frames") == 0) {
            st = parse_double(a, v, 1, 100000, " frames", &d, err);
            o->frames = (int)d;
        } else {
            return smp_error_set(err, SMP_ERR_INPUT, "%s: unknown option (see --help)", a);
        }
        if (st != SMP_OK) return st;
    }
    if (o->timeline && (o->light_sweep || o->has_time))
        return smp_error_set(err, SMP_ERR_INPUT,
                             "--timeline: sets the time of every frame (day 0 to 20 years); drop %s",
                             o->light_sweep ? "--light-sweep" : "--years / --days");
    if (o->light_sweep && o->has_light_elevation)
        return smp_error_set(err, SMP_ERR_INPUT,
                             "--light-sweep: sets the elevation of every frame (90 to 5 degrees); drop "
                             "--light-elevation");
    return SMP_OK;
}
