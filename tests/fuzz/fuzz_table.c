/* Fuzz target: the optics table reader (optics/table.h), which reads the baked tables.json the binary
 * carries. The input is the JSON text. Promises checked: a refusal has a one-line message; an accepted table
 * prints as JSON that reads back to the same table (printing it again gives the same text), and looking dots
 * up in it, inside and outside its grids, is safe. */
#include "fuzz/fuzz.h"

#include "optics/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    optics_table *t = malloc(sizeof *t), *back = malloc(sizeof *back);
    if (!t || !back) {
        free(t);
        free(back);
        return 0;
    }
    smp_error err = {0};
    if (optics_table_parse_json(t, (const char *)data, size, "fuzz.json", &err) != SMP_OK) {
        fuzz_check_message("optics_table_parse_json", err.message);
    } else {
        char *text = optics_table_to_json(t), *again = NULL;
        if (!text) fuzz_fail("an accepted table does not print");
        if (optics_table_parse_json(back, text, strlen(text), "printed", &err) != SMP_OK)
            fuzz_fail("a printed table does not read back: %s", err.message);
        again = optics_table_to_json(back);
        if (!again || strcmp(text, again) != 0) fuzz_fail("a printed table reads back different");
        free(text);
        free(again);
        /* Look-ups at the grids' ends, between them and beyond them, on every skin type and one outside. */
        const double depths[] = {-1.0, 0.0, t->depth_mm[0], 0.4, t->depth_mm[t->depth_count - 1], 10.0};
        const double inks[] = {-1.0, 0.0, 0.5 * t->ink[0], 1.0, t->ink[t->ink_count - 1], 100.0};
        const double diameters[] = {0.0, t->diameter_mm[0], 0.3, t->diameter_mm[t->diameter_count - 1], 9.0};
        for (int type = 0; type <= OPTICS_TABLE_TYPES + 1; ++type)
            for (size_t i = 0; i < sizeof depths / sizeof depths[0]; ++i) {
                optics_dot_look look;
                size_t k = (i + (size_t)type) % (sizeof inks / sizeof inks[0]);
                size_t s = (i + 2 * (size_t)type) % (sizeof diameters / sizeof diameters[0]);
                optics_table_dot_look(t, type, depths[i], inks[k], diameters[s], &look);
                for (int c = 0; c < 3; ++c) {
                    (void)optics_table_dot_profile(&look, c, diameters[s], 0.1 * (double)i);
                    (void)optics_table_dot_darkening_within_mm2(&look, c, diameters[s], 0.2);
                }
            }
    }
    free(t);
    free(back);
    return 0;
}
