#include "app/app.h"

#include <stdio.h>
#include <string.h>

#ifndef SMP_VERSION
#define SMP_VERSION "0.1.0"
#endif

int app_cmd_bake(int argc, char **argv); /* cmd_bake.c; its declaration belongs in app.h (lead) */

typedef struct app_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} app_command;

static const app_command commands[] = {
    {"render", app_cmd_render, "render one image headless: smpsim render [options] -o out.png"},
    {"mc", app_cmd_mc, "Monte Carlo light transport on an MCML .mci file; JSON on stdout"},
    {"bake", app_cmd_bake, "bake the optics tables (Monte Carlo) into assets/optics/tables.json"},
    {"fade", app_cmd_fade, "predicted dot contrast against time, touch-up markers"},
    {"visibility", app_cmd_visibility, "scar visibility against light elevation and viewing distance"},
    {"report", app_cmd_report,
     "consultation report: images (years x lights), plots, the plan in words (HTML)"},
    {"match", app_cmd_match, "the ink shade that makes the treated scalp read like the patient's #0 stubble"},
    {"bench", app_cmd_bench, "frame-time benchmark; JSON on stdout"},
};

static void print_usage(FILE *out)
{
    fprintf(out, "usage: smpsim [command] [options]\n\n"
                 "With no command, opens the window on the built-in default plan (or, with no display,\n"
                 "renders the default views to PNG files and prints their paths).\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; ++i)
        fprintf(out, "  %-11s %s%s\n", commands[i].name, commands[i].summary,
                commands[i].run ? "" : " (not available yet)");
    fprintf(out, "\nRun 'smpsim COMMAND --help' for a command's options.\n");
}

int app_main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--version") == 0)) {
        printf("smpsim %s\n", SMP_VERSION);
        return 0;
    }
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        print_usage(stdout);
        return 0;
    }
    if (argc >= 2 && argv[1][0] != '-') {
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; ++i) {
            if (strcmp(argv[1], commands[i].name) != 0) continue;
            if (!commands[i].run) {
                fprintf(stderr, "smpsim %s: not available yet in this version\n", argv[1]);
                return 2;
            }
            return commands[i].run(argc - 1, argv + 1);
        }
        fprintf(stderr, "smpsim: unknown command '%s' (see smpsim --help)\n", argv[1]);
        return 2;
    }
    return app_cmd_view(argc, argv);
}
