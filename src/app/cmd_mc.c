/* `smpsim mc FILE.mci [--photons N] [--seed S] [--threads T]`: runs every run of an MCML input file with
 * optics_mc_run and prints the results as JSON on stdout (units in the key names, MCML's normalisation). */
#include "app/app.h"
#include "app/common.h"
#include "app/options.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "optics/mc.h"
#include "optics/mci.h"

static const char mc_allowed[] = "FILE --photons --seed --threads --partial-reflection";

static const char mc_usage[] =
    "usage: smpsim mc FILE.mci [--photons N] [--seed S] [--threads T] [--partial-reflection]\n\n"
    "Monte Carlo light transport in layered media (MCML physics) for every run of an MCML 1.x .mci file.\n"
    "Prints JSON on stdout: reflectance, absorption and transmittance with standard errors, absorption per\n"
    "layer, radial and angular profiles, photons per second. The same seed gives the same numbers\n"
    "whatever the thread count.\n\n";

/* The online CPUs, within 1..APP_MAX_THREADS. */
static int online_cpus(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus < 1 ? 1 : (cpus > APP_MAX_THREADS ? APP_MAX_THREADS : (int)cpus);
}

typedef struct mc_cmd_progress {
    int run, runs;
} mc_cmd_progress;

static void mc_cmd_on_progress(void *user, double fraction, const char *stage)
{
    const mc_cmd_progress *p = user;
    fprintf(stderr, "\rsmpsim mc: run %d/%d: %3.0f%%%s", p->run, p->runs, 100.0 * fraction,
            fraction >= 1.0 ? "\n" : "");
}

static cJSON *mc_cmd_array(const double *v, int n)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; a && i < n; ++i)
        cJSON_AddItemToArray(a, cJSON_CreateNumber(v[i]));
    return a;
}

/* Bin centres: (i + 0.5) * step. */
static cJSON *mc_cmd_centres(double step, int n)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; a && i < n; ++i)
        cJSON_AddItemToArray(a, cJSON_CreateNumber((i + 0.5) * step));
    return a;
}

static cJSON *mc_cmd_profile(const char *x_key, cJSON *x, const char *y_key, const double *y, int n,
                             const double *se)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, x_key, x);
    cJSON_AddItemToObject(o, y_key, mc_cmd_array(y, n));
    if (se) cJSON_AddItemToObject(o, "standard_error", mc_cmd_array(se, n));
    return o;
}

static cJSON *mc_cmd_run_json(const optics_mci_run *run, const optics_mc_result *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "output_name", run->output_name);
    cJSON_AddNumberToObject(o, "photons", (double)r->photons);
    cJSON_AddNumberToObject(o, "seed", (double)r->seed);
    cJSON_AddNumberToObject(o, "threads", r->threads);
    cJSON_AddNumberToObject(o, "batches", r->batches);
    cJSON_AddNumberToObject(o, "wall_seconds", r->wall_seconds);
    cJSON_AddNumberToObject(o, "photons_per_second",
                            r->wall_seconds > 0 ? (double)r->photons / r->wall_seconds : 0);

    cJSON *layers = cJSON_AddArrayToObject(o, "layers");
    for (int i = 0; i < run->input.layer_count; ++i) {
        const optics_layer *l = &run->layers[i];
        cJSON *lj = cJSON_CreateObject();
        cJSON_AddNumberToObject(lj, "n", l->n);
        cJSON_AddNumberToObject(lj, "mu_a_per_cm", l->mu_a_per_cm);
        cJSON_AddNumberToObject(lj, "mu_s_per_cm", l->mu_s_per_cm);
        cJSON_AddNumberToObject(lj, "g", l->g);
        cJSON_AddNumberToObject(lj, "thickness_cm", l->thickness_cm);
        cJSON_AddItemToArray(layers, lj);
    }
    cJSON_AddNumberToObject(o, "n_above", run->input.n_above);
    cJSON_AddNumberToObject(o, "n_below", run->input.n_below);

    cJSON_AddNumberToObject(o, "specular_reflectance", r->specular_reflectance);
    cJSON_AddNumberToObject(o, "diffuse_reflectance", r->diffuse_reflectance);
    cJSON_AddNumberToObject(o, "diffuse_reflectance_se", r->diffuse_reflectance_se);
    cJSON_AddNumberToObject(o, "absorbed_fraction", r->absorbed);
    cJSON_AddNumberToObject(o, "absorbed_fraction_se", r->absorbed_se);
    cJSON_AddNumberToObject(o, "transmittance", r->transmittance);
    cJSON_AddNumberToObject(o, "transmittance_se", r->transmittance_se);
    cJSON_AddItemToObject(o, "absorbed_per_layer", mc_cmd_array(r->absorbed_per_layer, r->layer_count));
    cJSON_AddItemToObject(o, "absorbed_per_layer_se", mc_cmd_array(r->absorbed_per_layer_se, r->layer_count));

    cJSON_AddItemToObject(
        o, "rd_r",
        mc_cmd_profile("r_cm", mc_cmd_centres(r->dr_cm, r->nr), "per_cm2", r->rd_r, r->nr, r->rd_r_se));
    cJSON_AddItemToObject(
        o, "tt_r", mc_cmd_profile("r_cm", mc_cmd_centres(r->dr_cm, r->nr), "per_cm2", r->tt_r, r->nr, NULL));
    cJSON_AddItemToObject(
        o, "rd_alpha",
        mc_cmd_profile("alpha_rad", mc_cmd_centres(r->da_rad, r->na), "per_sr", r->rd_a, r->na, NULL));
    cJSON_AddItemToObject(
        o, "tt_alpha",
        mc_cmd_profile("alpha_rad", mc_cmd_centres(r->da_rad, r->na), "per_sr", r->tt_a, r->na, NULL));
    cJSON_AddItemToObject(
        o, "a_z", mc_cmd_profile("z_cm", mc_cmd_centres(r->dz_cm, r->nz), "per_cm", r->a_z, r->nz, NULL));
    return o;
}

int app_cmd_mc(int argc, char **argv)
{
    app_options a;
    int begun = app_command_begin(&a, argc, argv, "mc", mc_allowed, mc_usage);
    if (begun >= 0) return begun;
    smp_error err = {0};
    if (!a.input) {
        smp_error_set(&err, SMP_ERR_INPUT,
                      "no input file (usage: smpsim mc FILE.mci [--photons N] [--seed S] "
                      "[--threads T])");
        return app_fail("mc", &err);
    }
    const char *path = a.input;
    uint64_t seed = a.has_seed ? a.seed : 1;
    int threads = a.threads > 0 ? a.threads : online_cpus();
    optics_mci_file file;
    if (optics_mci_load(path, &file, &err) != SMP_OK) {
        fprintf(stderr, "%s\n", err.message);
        return err.status == SMP_ERR_INPUT ? 2 : 1;
    }

    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "file", path);
    cJSON *runs = cJSON_AddArrayToObject(root, "runs");
    mc_cmd_progress progress = {0, file.run_count};
    int rc = 0;
    for (int i = 0; i < file.run_count && rc == 0; ++i) {
        optics_mci_run *run = &file.runs[i];
        if (a.photons) run->input.photons = a.photons;
        optics_mc_options opt = {
            .seed = seed, .threads = threads, .partial_reflection = a.partial_reflection};
        if (isatty(STDERR_FILENO)) {
            progress.run = i + 1;
            opt.progress = mc_cmd_on_progress;
            opt.progress_user = &progress;
        }
        optics_mc_result res;
        if (optics_mc_run(&run->input, &opt, &res, &err) != SMP_OK) {
            fprintf(stderr, "%s: run %d (line %d): %s\n", path, i + 1, run->line, err.message);
            rc = err.status == SMP_ERR_INPUT ? 2 : 1;
            break;
        }
        cJSON_AddItemToArray(runs, mc_cmd_run_json(run, &res));
        optics_mc_result_destroy(&res);
    }
    if (rc == 0) {
        char *text = cJSON_Print(root);
        if (!text) {
            fprintf(stderr, "smpsim mc: out of memory writing the JSON\n");
            rc = 1;
        } else {
            fputs(text, stdout);
            fputc('\n', stdout);
            free(text);
        }
    }
    cJSON_Delete(root);
    optics_mci_file_destroy(&file);
    return rc;
}
