/* Helpers shared by the subcommands: error reporting with the exit status, output paths, the plan of the
 * options. */
#ifndef SMP_APP_COMMON_H
#define SMP_APP_COMMON_H

#include "app/options.h"
#include "scene/draw.h"
#include "scene/image.h"
#include "scene/scene.h"
#include "ui/headless.h"

/* Prints "smpsim CMD: message" on stderr; returns the exit status (2 for bad input, 1 otherwise). */
int app_fail(const char *command, const smp_error *err);

/* How every subcommand starts: parses argv (from argv[1]) into opts against allowed. A bad option prints one
 * line (app_fail, command NULL for the bare smpsim) and returns its exit status; --help prints usage, then
 * the allowed options' help, and returns 0; otherwise returns -1 and the command goes on. */
int app_command_begin(app_options *opts, int argc, char **argv, const char *command, const char *allowed,
                      const char *usage);

/* Checks that path's directory exists and that it ends in .png, before any work is done. */
smp_status app_output_png_check(const char *path, smp_error *err);
/* Checks that path names a file in a directory that exists, before any work is done. */
smp_status app_output_dir_check(const char *path, smp_error *err);

/* Loads the plan of the options (file, --set, --seed) and builds its scene. */
smp_status app_scene_load(scene_model *scene, const app_options *opts, smp_log_fn warn, smp_error *err);

#endif
