/* Shared by the optics tests: the baked default table of assets/optics/tables.json ($SMP_ASSET_DIR, or
 * ./assets), parsed; the caller frees it. A missing or malformed asset fails the test with the reason. */
#ifndef SMP_TEST_TABLE_ASSET_H
#define SMP_TEST_TABLE_ASSET_H

#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"

#include "core/core.h"
#include "optics/table.h"

static inline optics_table *test_table_asset_load(void)
{
    const char *dir = getenv("SMP_ASSET_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/optics/tables.json", dir ? dir : "assets");
    char *text = NULL;
    size_t size = 0;
    smp_error err = {0};
    if (smp_file_read(path, &text, &size, &err) != SMP_OK) fail_msg("%s", err.message);
    optics_table *t = malloc(sizeof *t);
    assert_non_null(t);
    if (optics_table_parse_json(t, text, size, path, &err) != SMP_OK) fail_msg("%s", err.message);
    free(text);
    return t;
}

#endif
