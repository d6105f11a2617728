/* The shared command-line options of DESIGN.md, parsed once for every subcommand. */
#ifndef SMP_APP_OPTIONS_H
#define SMP_APP_OPTIONS_H

#include "core/core.h"
#include "scene/view.h"

#include <stdio.h>

#define APP_MAX_SETS 64
#define APP_MAX_THREADS 1024

typedef struct app_options {
    const char *plan_path;          /* NULL: the built-in default plan */
    const char *sets[APP_MAX_SETS]; /* --set PATH=VALUE, in order */
    int set_count;
    bool has_time;    /* --years or --days given */
    double time_days; /* since the first session */
    bool has_light_azimuth, has_light_elevation;
    double light_azimuth_deg;   /* 0 = from the front of the face, 90 = from the patient's left */
    double light_elevation_deg; /* 90 = overhead, 5 = raking */
    const char *light_preset;   /* NULL: "daylight"; otherwise a name of the presets' table (scene/light.h) */
    bool has_light_intensity, has_light_kelvin;
    double light_intensity; /* multiplies the preset's key light, 0..10 */
    double light_kelvin;    /* the key light's colour temperature, 1500..12000 K */
    int light_sweep;        /* render: frames of the light sweep (elevation 90 to 5 degrees); 0 = none */
    int timeline;           /* render: frames along the timeline (day 0 to 20 years); 0 = none */
    scene_view view;
    double distance_m; /* 0: frame the head */
    double field_mm;   /* width of a close-up's field, mm; 0: 60 mm */
    int width, height;
    bool has_width, has_height; /* --width / --height given (commands with their own default size) */
    bool has_seed;
    uint64_t seed;
    const char *output; /* -o */
    bool help;
    const char *input; /* the positional argument of a command that takes one ("FILE" in allowed) */
    /* bench */
    int frames;
    bool scrub, profile, placement; /* flags */
    int runs;                       /* --runs: placements to time (default 5) */
    double interactive_scale;       /* --interactive-scale; 0: adapted */
    /* mc, bake */
    uint64_t photons; /* 0: the command's default */
    int threads;      /* 0: the online CPUs */
    bool partial_reflection;
    const char *types, *depths, *inks, *diameters; /* bake's lists, as given; NULL: the defaults */
    /* fade */
    double years_max; /* --years-max; 0: the command's default */
    bool csv;         /* --csv (a flag, no value) */
    /* render */
    bool interactive; /* --interactive (a flag): the frame the window shows while it moves */
} app_options;

/* Parses argv[first..argc) into opts (defaults first), for every command: one set of names, values and limits
 * (--name value or --name=value). Options a command does not take are rejected: allowed is a string of the
 * option names it accepts, space separated ("--plan --set -o ..."), with "FILE" when it takes one positional
 * argument (opts->input). Returns SMP_ERR_INPUT with a one-line message on a bad option or value. */
smp_status app_options_parse(app_options *opts, int argc, char **argv, int first, const char *allowed,
                             smp_error *err);

/* Applies --seed to a loaded plan's seed when given. */
typedef struct plan plan;
void app_options_apply_seed(const app_options *opts, plan *p);

/* The light the options ask for: the preset (default daylight) with --light-azimuth and --light-elevation
 * (either takes the key off the camera), --light-intensity and --light-kelvin. */
scene_light app_options_light(const app_options *opts);
/* What the options ask to draw of view: its camera distance or field, the image size, the light. */
scene_shot app_options_shot(const app_options *opts, scene_view view);

/* Prints the lines of --help for the options in allowed (and --help), in one format for every command. */
void app_options_help(FILE *out, const char *allowed);

#endif
