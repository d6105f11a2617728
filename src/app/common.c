#include "app/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int app_fail(const char *command, const smp_error *err)
{
    fprintf(stderr, "smpsim%s%s: %s\n", command ? " " : "", command ? command : "", err->message);
    return smp_error_exit_status(err);
}

int app_command_begin(app_options *opts, int argc, char **argv, const char *command, const char *allowed,
                      const char *usage)
{
    smp_error err = {0};
    if (app_options_parse(opts, argc, argv, 1, allowed, &err) != SMP_OK) return app_fail(command, &err);
    if (!opts->help) return -1;
    fputs(usage, stdout);
    app_options_help(stdout, allowed);
    return 0;
}

smp_status app_output_png_check(const char *path, smp_error *err)
{
    if (!path || !path[0])
        return smp_error_set(err, SMP_ERR_INPUT, "-o: an output file is required (e.g. -o out.png)");
    size_t n = strlen(path);
    if (n < 5 || strcmp(path + n - 4, ".png") != 0)
        return smp_error_set(err, SMP_ERR_INPUT, "-o %s: the output must be a .png file", path);
    return app_output_dir_check(path, err);
}

smp_status app_output_dir_check(const char *path, smp_error *err)
{
    if (!path || !path[0]) return smp_error_set(err, SMP_ERR_INPUT, "-o: needs a file name");
    char dir[1024];
    if ((size_t)snprintf(dir, sizeof dir, "%s", path) >= sizeof dir)
        return smp_error_set(err, SMP_ERR_INPUT, "-o: the path is longer than %zu characters",
                             sizeof dir - 1);
    char *slash = strrchr(dir, '/');
    if (slash && slash[1] == '\0')
        return smp_error_set(err, SMP_ERR_INPUT, "-o %s: must name a file, not a directory", path);
    if (!slash) return SMP_OK;
    if (slash == dir)
        slash[1] = '\0';
    else
        *slash = '\0';
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return smp_error_set(err, SMP_ERR_INPUT, "-o %s: directory '%s' does not exist", path, dir);
    return SMP_OK;
}

smp_status app_scene_load(scene_model *s, const app_options *opts, smp_log_fn warn, smp_error *err)
{
    scene_source src = {.plan_path = opts->plan_path,
                        .set_count = opts->set_count,
                        .has_seed = opts->has_seed,
                        .seed = opts->seed};
    for (int i = 0; i < opts->set_count; ++i)
        src.sets[i] = opts->sets[i];
    return scene_load(s, &src, warn, err);
}
