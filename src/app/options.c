#include "app/options.h"

#include "scene/light.h"

#include "optics/mc.h"
#include "plan/plan.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every option of every command, in the order --help lists them: name, value, what it does. A command lists
 * those it takes (app_options_help), so the same option reads the same under every command. */
typedef struct option_doc {
    const char *name, *value, *help;
} option_doc;

static const option_doc option_docs[] = {
    {"-o", "FILE", "where the command writes (see above); also --output"},
    {"--plan", "FILE", "treatment plan (JSON); default: the built-in plan"},
    {"--set", "PATH=VALUE",
     "override one plan field with a JSON literal (repeatable),\n"
     "e.g. --set pigment.depth_mm=1.5  --set 'sessions=[]'"},
    {"--seed", "N",
     "random seed, a whole number 0..2^53 (render, bench...: the dot placement's,\n"
     "overriding the plan's; mc and bake: the photons', default 1)"},
    {"--years", "Y",
     "time since the first session, 0..50 years (default: healed, 60 days after the\n"
     "last session); or --days D, 0..18262.5"},
    {"--light-preset", "NAME", "daylight (default), clinic, sun, overcast, bathroom, office, flash, wet"},
    {"--light-azimuth", "DEG", "0 = from the front of the face, 90 = from the patient's left (-360..360)"},
    {"--light-elevation", "DEG", "90 = overhead, 5 = raking (-90..90)"},
    {"--light-intensity", "X", "multiplies the preset's key light, 0..10 (default 1)"},
    {"--light-kelvin", "K", "the key light's colour temperature, 1500..12000 K (default: the preset's)"},
    {"--light-sweep", "N",
     "N images (2..360) as the key light goes from overhead (90 degrees) to raking\n"
     "(5): FILE's name with -000 .. -(N-1) before .png; prints their paths"},
    {"--timeline", "N",
     "N images (2..600) from day 0 to 20 years, the healing weeks day by day, then\n"
     "the years: FILE's name with -000 .. -(N-1); prints their paths. Either\n"
     "animation also makes FILE's name with .mp4 when ffmpeg is on the PATH"},
    {"--interactive", NULL,
     "draw on the interactive path, as the window does while the camera, light or\n"
     "time moves (fewer pixels, a coarser head and stubble; docs/benchmarks.md)"},
    {"--view", "NAME",
     "front, top, back, left, right, three-quarter,\n"
     "closeup-hairline, closeup-crown, closeup-scar, closeup-side"},
    {"--distance-m", "D", "viewing distance of the far views, 0.2..20 m (default: frame the head)"},
    {"--field-mm", "F",
     "field of the close-up views, 5..200 mm across (default 60; 10 is a\n"
     "dermatoscope's)"},
    {"--width", "W",
     "image width in pixels, 16..8192 (default 1280, or the command's); --height H\n"
     "the same for the height (default 720)"},
    {"--frames", "N", "frames to time, 1..100000 (default 120)"},
    {"--scrub", NULL, "full-quality frames with the camera still and the time moving, not an orbit"},
    {"--profile", NULL, "finish and time every pass of every frame (\"passes_ms_median\")"},
    {"--interactive-scale", "S",
     "the interactive path's share of width and height, 0.125..1 (render: implies\n"
     "--interactive, default 0.35; bench: default adapted frame by frame to 30 fps\n"
     "within 0.2..0.5, as the window does)"},
    {"--placement", NULL, "time the dot placement instead of rendering"},
    {"--runs", "N", "placements to time, 1..1000 (default 5)"},
    {"--years-max", "Y", "end of the curve, 0.5..50 years (default 20)"},
    {"--csv", NULL, "print years,delta_e,low,high on stdout"},
    {"--photons", "N",
     "photon packets, a whole number 1..10^15 (mc: per run, overriding the file;\n"
     "bake: per band, 100..10^8, default 6000)"},
    {"--threads", "T",
     "worker threads, 1..1024 (default: the number of online CPUs); the numbers do\n"
     "not depend on it"},
    {"--partial-reflection", NULL,
     "split photon packets at the outer surfaces instead of MCML's default\n"
     "all-or-none reflection"},
    {"--types", "L",
     "Fitzpatrick types to bake, comma-separated (default 1,2,3,4,5,6; the others are\n"
     "left zero)"},
    {"--depths", "L",
     "ink depths in mm, ascending, comma-separated, within 0..3 (default\n"
     "0.08,0.15,0.25,0.35,0.5,0.7,1,1.5,2,2.5)"},
    {"--inks", "L",
     "ink amounts (carbon per area, 1 = 0.101 mg/cm2), ascending, comma-separated,\n"
     "within (0, 64] (default 0.02,0.05,0.1,0.2,0.4,0.8,1.6,3.2,8,32)"},
    {"--diameters", "L",
     "deposit diameters in mm for the gains, ascending, comma-separated, within\n"
     "(0, 5] (default 0.1,0.2,0.3,0.5,0.8,1.3,2)"},
    {"--help", NULL, "this text"},
};

static bool allowed_has(const char *allowed, const char *name);

void app_options_help(FILE *out, const char *allowed)
{
    for (size_t i = 0; i < sizeof option_docs / sizeof option_docs[0]; ++i) {
        const option_doc *d = &option_docs[i];
        if (strcmp(d->name, "--help") != 0 && !allowed_has(allowed, d->name)) continue;
        char head[48];
        snprintf(head, sizeof head, "%s%s%s", d->name, d->value ? " " : "", d->value ? d->value : "");
        fprintf(out, "  %-24s", head);
        if (strlen(head) > 24) fprintf(out, "\n  %-24s", "");
        for (const char *h = d->help; *h; ++h) {
            fputc(*h, out);
            if (*h == '\n') fprintf(out, "  %-24s", "");
        }
        fputc('\n', out);
    }
}

scene_light app_options_light(const app_options *o)
{
    int i = scene_light_preset_index(o->light_preset ? o->light_preset : "daylight");
    assert(i >= 0); /* the parser admits only the presets' names */
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
                        .interactive = o->interactive || o->interactive_scale > 0.0,
                        .interactive_scale = (float)o->interactive_scale};
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

/* A whole number in [lo, hi] (exact up to 2^53). */
static smp_status parse_whole(const char *opt, const char *text, double lo, double hi, const char *unit,
                              double *out, smp_error *err);

static smp_status parse_double(const char *opt, const char *text, double lo, double hi, const char *unit,
                               double *out, smp_error *err)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end != '\0' || !isfinite(v))
        return smp_error_set(err, SMP_ERR_INPUT, "%s: must be a number between %g and %g%s, got '%s'", opt,
                             lo, hi, unit, text);
    if (v < lo || v > hi)
        return smp_error_set(err, SMP_ERR_INPUT, "%s: must be between %g and %g%s, got %g", opt, lo, hi, unit,
                             v);
    *out = v;
    return SMP_OK;
}

static smp_status parse_whole(const char *opt, const char *text, double lo, double hi, const char *unit,
                              double *out, smp_error *err)
{
    smp_status st = parse_double(opt, text, lo, hi, unit, out, err);
    if (st == SMP_OK && *out != floor(*out))
        return smp_error_set(err, SMP_ERR_INPUT,
                             "%s: must be a whole number between %.17g and %.17g%s, got %s", opt, lo, hi,
                             unit, text);
    return st;
}

/* The flags, options without a value. */
static bool *flag_of(app_options *o, const char *name)
{
    static const char *const names[] = {"--csv",     "--interactive", "--scrub",
                                        "--profile", "--placement",   "--partial-reflection"};
    bool *fields[] = {&o->csv,     &o->interactive, &o->scrub,
                      &o->profile, &o->placement,   &o->partial_reflection};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; ++k)
        if (strcmp(name, names[k]) == 0) return fields[k];
    return NULL;
}

smp_status app_options_parse(app_options *o, int argc, char **argv, int first, const char *allowed,
                             smp_error *err)
{
    memset(o, 0, sizeof *o);
    o->width = 1280;
    o->height = 720;
    o->view = SCENE_VIEW_FRONT;
    o->frames = 120;
    o->runs = 5;
    for (int i = first; i < argc; ++i) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            o->help = true;
            continue;
        }
        if (arg[0] != '-' || arg[1] == '\0') {
            if (allowed_has(allowed, "FILE") && !o->input) {
                o->input = arg;
                continue;
            }
            return smp_error_set(err, SMP_ERR_INPUT, "unexpected argument '%s' (see --help)", arg);
        }
        /* --name=value is --name value */
        char a[64];
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        if (len >= sizeof a)
            return smp_error_set(err, SMP_ERR_INPUT, "unknown option '%.63s...' (see --help)", arg);
        memcpy(a, arg, len);
        a[len] = '\0';
        if (!allowed_has(allowed, a))
            return smp_error_set(err, SMP_ERR_INPUT, "%s: unknown option for this command (see --help)", a);
        bool *flag = flag_of(o, a);
        if (flag) {
            if (eq) return smp_error_set(err, SMP_ERR_INPUT, "%s: takes no value, got '%s'", a, eq + 1);
            *flag = true;
            continue;
        }
        if (!eq && i + 1 >= argc) return smp_error_set(err, SMP_ERR_INPUT, "%s: needs a value", a);
        const char *v = eq ? eq + 1 : argv[++i];
        double d = 0.0;
        smp_status st = SMP_OK;
        if (strcmp(a, "--plan") == 0)
            o->plan_path = v;
        else if (strcmp(a, "--set") == 0) {
            if (o->set_count >= APP_MAX_SETS)
                return smp_error_set(err, SMP_ERR_INPUT, "--set: at most %d overrides", APP_MAX_SETS);
            if (!strchr(v, '='))
                return smp_error_set(err, SMP_ERR_INPUT,
                                     "--set %s: must be PATH=VALUE, e.g. pigment.depth_mm=1.5", v);
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
                return smp_error_set(err, SMP_ERR_INPUT, "--light-preset: must be one of %s, got '%s'", names,
                                     v);
            }
            o->light_preset = v;
        } else if (strcmp(a, "--light-intensity") == 0) {
            st = parse_double(a, v, 0.0, SCENE_LIGHT_INTENSITY_MAX, "", &o->light_intensity, err);
            o->has_light_intensity = true;
        } else if (strcmp(a, "--light-kelvin") == 0) {
            st = parse_double(a, v, SCENE_LIGHT_KELVIN_MIN, SCENE_LIGHT_KELVIN_MAX, " K", &o->light_kelvin,
                              err);
            o->has_light_kelvin = true;
        } else if (strcmp(a, "--light-sweep") == 0) {
            st = parse_double(a, v, 2, SCENE_LIGHT_SWEEP_MAX_FRAMES, " frames", &d, err);
            if (st == SMP_OK && d != floor(d))
                st = smp_error_set(err, SMP_ERR_INPUT,
                                   "--light-sweep: must be a whole number of frames, got %s", v);
            o->light_sweep = (int)d;
        } else if (strcmp(a, "--timeline") == 0) {
            st = parse_double(a, v, 2, SCENE_TIMELINE_MAX_FRAMES, " frames", &d, err);
            if (st == SMP_OK && d != floor(d))
                st = smp_error_set(err, SMP_ERR_INPUT, "--timeline: must be a whole number of frames, got %s",
                                   v);
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
            if (a[2] == 'w')
                o->width = (int)d, o->has_width = true;
            else
                o->height = (int)d, o->has_height = true;
        } else if (strcmp(a, "--seed") == 0) {
            st = parse_whole(a, v, 0.0, 9007199254740992.0, "", &d, err);
            o->has_seed = true;
            o->seed = (uint64_t)d;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            o->output = v;
        } else if (strcmp(a, "--frames") == 0) {
            st = parse_whole(a, v, 1, 100000, " frames", &d, err);
            o->frames = (int)d;
        } else if (strcmp(a, "--runs") == 0) {
            st = parse_whole(a, v, 1, 1000, " runs", &d, err);
            o->runs = (int)d;
        } else if (strcmp(a, "--interactive-scale") == 0) {
            st = parse_double(a, v, 0.125, 1.0, "", &o->interactive_scale, err);
        } else if (strcmp(a, "--photons") == 0) {
            st = parse_whole(a, v, 1, (double)OPTICS_MC_MAX_PHOTONS, " photons", &d, err);
            o->photons = (uint64_t)d;
        } else if (strcmp(a, "--threads") == 0) {
            st = parse_whole(a, v, 1, APP_MAX_THREADS, " threads", &d, err);
            o->threads = (int)d;
        } else if (strcmp(a, "--types") == 0 || strcmp(a, "--depths") == 0 || strcmp(a, "--inks") == 0 ||
                   strcmp(a, "--diameters") == 0) {
            if (!*v)
                return smp_error_set(err, SMP_ERR_INPUT, "%s: needs a comma-separated list of numbers", a);
            const char **lists[] = {&o->types, &o->depths, &o->inks, &o->diameters};
            *lists[a[2] == 't' ? 0 : a[2] == 'd' ? (a[3] == 'e' ? 1 : 3) : 2] = v;
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
