/* optics/mci: reader for MCML's .mci input files (MCML 1.0 manual §9.1; format summarised in
 * references/optics.md §1.2). Line-oriented, parameters in a fixed order; blank lines and lines starting
 * with '#' are skipped and '#' starts a comment anywhere. Every run of the file is read.
 * Stricter than MCML where MCML misreads silently: a float where an integer is expected, a missing or an
 * extra number on a line, or an out-of-range value is an error naming the line:
 *     "skin.mci: line 12: expected g of layer 2 (between -1 and 1), got '1.5'"
 * Plain C, no printing.
 *
 *     optics_mci_file f;
 *     if (optics_mci_load("slab.mci", &f, &err) == SMP_OK) { optics_mc_run(&f.runs[0].input, ...); }
 *     optics_mci_file_destroy(&f);
 */
#ifndef SMP_OPTICS_MCI_H
#define SMP_OPTICS_MCI_H

#include "optics/mc.h"

#define OPTICS_MCI_MAX_RUNS 10000
/* MCML input files are a few KiB; a larger file is refused before it is read (16 MiB hold 10000 runs of 40
 * layers). */
#define OPTICS_MCI_MAX_BYTES (16 << 20)

/* One run: MCML's output file name and format, and the simulation input (its layers owned by the run). */
typedef struct optics_mci_run {
    char output_name[256];
    char format;           /* 'A' (ASCII) or 'B' (binary), as written in the file */
    int line;              /* line of the output-name line, for messages */
    optics_layer *layers;  /* input.layer_count layers; owned */
    optics_mc_input input; /* input.layers == layers */
} optics_mci_run;

typedef struct optics_mci_file {
    optics_mci_run *runs; /* run_count runs; owned */
    int run_count;
} optics_mci_file;

/* Parses .mci text; file_name only labels messages. On failure out is empty and err says
 * "FILE: line N: expected <what>, got '<text>'" (SMP_ERR_INPUT) or SMP_ERR_NOMEM. */
smp_status optics_mci_parse(const char *text, const char *file_name, optics_mci_file *out, smp_error *err);
/* Reads and parses a file; a missing or unreadable file, or one over OPTICS_MCI_MAX_BYTES, is SMP_ERR_INPUT.
 */
smp_status optics_mci_load(const char *path, optics_mci_file *out, smp_error *err);
/* Frees what a parse allocated and zeroes f; no-op on a zeroed file. */
void optics_mci_file_destroy(optics_mci_file *f);

#endif
