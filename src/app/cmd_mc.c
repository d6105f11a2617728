/* `smpsim mc FILE.mci [--photons N] [--seed S] [--threads T]`: runs every run of an MCML input file with
 * optics_mc_run and prints the results as JSON on stdout (units in the key names, MCML's normalisation). */
#include "app/app.h"
#include "app/options.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "optics/mc.h"
#include "optics/mci.h"

#define MC_CMD_MAX_THREADS 1024

typedef struct mc_cmd_args {
    const char *file;
    uint64_t photons; /* 0: as in the file */
    uint64_t seed;
    int threads;
    bool partial_reflection;
} mc_cmd_args;

static void mc_cmd_usage(FILE *out)
{
    fprintf(out,
            "usage: smpsim mc FILE.mci [--photons N] [--seed S] [--threads T] [--partial-reflection]\n\n"
            "Monte Carlo light transport in layered media (MCML physics) for every run of an MCML 1.x .mci file.\n"
            "Prints JSON on stdout: reflectance, absorption and transmittance with standard errors, absorption per\n"
            "layer, radial and angular profiles, photons per second.\n\n"
            "  --photons N            photons per run, overrides the file (integer >= 1)\n"
            "  --seed S               random seed (integer >= 0; default 1); the same seed gives the same numbers\n"
            "                         whatever the thread count\n"
            "  --threads T            worker threads (1..%d; default: the number of online CPUs)\n"
            "  --partial-reflection   split photon packets at the outer surfaces instead of MCML's default\n"
            "                         all-or-none reflection\n"
            "  --help                 this text\n",
            MC_CMD_MAX_THREADS);
}

/* Returns -1 to go on, otherwise the exit status. */
static int mc_cmd_parse_args(int argc, char **argv, mc_cmd_args *a)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    a->threads = cpus < 1 ? 1 : (cpus > MC_CMD_MAX_THREADS ? MC_CMD_MAX_THREADS : (int)cpus);
    a->seed = 1;
    for (int i = 1; i < argc; ++i) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            mc_cmd_usage(stdout);
            return 0;
        }
        if (strcmp(arg, "--partial-reflection") == 0) {
            a->partial_reflection = true;
            continue;
        }
        const char *names[3] = {"--photons", "--seed", "--threads"};
        int which = -1;
        const char *value = NULL;
        for (int k = 0; k < 3; ++k) {
            size_t len = strlen(names[k]);
            if (strncmp(arg, names[k], len) != 0) continue;
            if (arg[len] == '=') value = arg + len + 1, which = k;
            else if (arg[len] == '\0') value = i + 1 < argc ? argv[++i] : NULL, which = k;
        }
        if (which < 0 && arg[0] == '-' && arg[1] != '\0') {
            fprintf(stderr, "smpsim mc: unknown option '%s' (see smpsim mc --help)\n", arg);
            return 2;
        }
        if (which < 0) {
            if (a->file) {
                fprintf(stderr, "smpsim mc: one input file expected, got '%s' after '%s'\n", arg, a->file);
                return 2;
            }
            a->file = arg;
            continue;
        }
        uint64_t v = 0;
        int bad = 0;
        if (which == 0) bad = !app_parse_u64(value, 1, OPTICS_MC_MAX_PHOTONS, &a->photons);
        if (which == 1) bad = !app_parse_u64(value, 0, UINT64_MAX, &a->seed);
        if (which == 2) bad = !app_parse_u64(value, 1, MC_CMD_MAX_THREADS, &v), a->threads = (int)v;
        if (bad) {
            const char *ranges[3] = {"an integer between 1 and 1000000000000000", "an integer between 0 and 2^64-1",
                                     "an integer between 1 and 1024"};
            fprintf(stderr, "smpsim mc: %s: expected %s, got '%s'\n", names[which], ranges[which],
                    value ? value : "nothing");
            return 2;
        }
    }
    if (!a->file) {
        fprintf(stderr, "smpsim mc: no input file (usage: smpsim mc FILE.mci [--photons N] [--seed S] "
                        "[--threads T])\n");
        return 2;
    }
    return -1;
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
    for (int i = 0; a && i < n; ++i) cJSON_AddItemToArray(a, cJSON_CreateNumber(v[i]));
    return a;
}

/* Bin centres: (i + 0.5) * step. */
static cJSON *mc_cmd_centres(double step, int n)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; a && i < n; ++i) cJSON_AddItemToArray(a, cJSON_CreateNumber((i + 0.5) * step));
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
    cJSON_AddNumberToObject(o, "photons_per_second", r->wall_seconds > 0 ? (double)r->photons / r->wall_seconds : 0);

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

    cJSON_AddItemToObject(o, "rd_r", mc_cmd_profile("r_cm", mc_cmd_centres(r->dr_cm, r->nr), "per_cm2", r->rd_r,
                                                    r->nr, r->rd_r_se));
    cJSON_AddItemToObject(o, "tt_r", mc_cmd_profile("r_cm", mc_cmd_centres(r->dr_cm, r->nr), "per_cm2", r->tt_r,
                                                    r->nr, NULL));
    cJSON_AddItemToObject(o, "rd_alpha", mc_cmd_profile("alpha_rad", mc_cmd_centres(r->da_rad, r->na), "per_sr",
                                                        r->rd_a, r->na, NULL));
    cJSON_AddItemToObject(o, "tt_alpha", mc_cmd_profile("alpha_rad", mc_cmd_centres(r->da_rad, r->na), "per_sr",
                                                        r->tt_a, r->na, NULL));
    cJSON_AddItemToObject(o, "a_z", mc_cmd_profile("z_cm", mc_cmd_centres(r->dz_cm, r->nz), "per_cm", r->a_z,
                                                   r->nz, NULL));
    return o;
}

int app_cmd_mc(int argc, char **argv)
{
    mc_cmd_args a = {0};
    int rc = mc_cmd_parse_args(argc, argv, &a);
    if (rc >= 0) return rc;

    smp_error err = {0};
    optics_mci_file file;
    if (optics_mci_load(a.file, &file, &err) != SMP_OK) {
        fprintf(stderr, "%s\n", err.message);
        return err.status == SMP_ERR_INPUT ? 2 : 1;
    }

    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "file", a.file);
    cJSON *runs = cJSON_AddArrayToObject(root, "runs");
    mc_cmd_progress progress = {0, file.run_count};
    rc = 0;
    for (int i = 0; i < file.run_count && rc == 0; ++i) {
        optics_mci_run *run = &file.runs[i];
        if (a.photons) run->input.photons = a.photons;
        optics_mc_options opt = {.seed = a.seed, .threads = a.threads, .partial_reflection = a.partial_reflection};
        if (isatty(STDERR_FILENO)) {
            progress.run = i + 1;
            opt.progress = mc_cmd_on_progress;
            opt.progress_user = &progress;
        }
        optics_mc_result res;
        if (optics_mc_run(&run->input, &opt, &res, &err) != SMP_OK) {
            fprintf(stderr, "%s: run %d (line %d): %s\n", a.file, i + 1, run->line, err.message);
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
