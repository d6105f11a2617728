/* Fuzz target: the MCML .mci reader (optics/mci.h), as `smpsim mc FILE.mci` drives it. The input is the
 * file's text. Promises checked: a refusal has a one-line message and leaves the file empty; every run of an
 * accepted file is an input optics_mc_run accepts (the reader's checks are at least the simulation's). */
#include "fuzz/fuzz.h"

#include "optics/mc.h"
#include "optics/mci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The reader takes C text: a NUL in the input ends it, as it ends the text smp_file_read returns. */
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    optics_mci_file file;
    smp_error err = {0};
    smp_status st = optics_mci_parse(text, "fuzz.mci", &file, &err);
    if (st != SMP_OK) {
        fuzz_check_message("optics_mci_parse", err.message);
        if (file.runs || file.run_count) fuzz_fail("a refused file left %d runs behind", file.run_count);
    } else {
        if (file.run_count < 1 || file.run_count > OPTICS_MCI_MAX_RUNS) fuzz_fail("%d runs", file.run_count);
        for (int i = 0; i < file.run_count; ++i) {
            const optics_mci_run *run = &file.runs[i];
            if (run->input.layers != run->layers)
                fuzz_fail("run %d: input.layers is not the run's layers", i);
            if (optics_mc_input_validate(&run->input, &err) != SMP_OK)
                fuzz_fail("run %d was read but the simulation refuses it: %s", i + 1, err.message);
            if (run->format != 'A' && run->format != 'B')
                fuzz_fail("run %d: format '%c'", i + 1, run->format);
        }
    }
    optics_mci_file_destroy(&file);
    free(text);
    return 0;
}
