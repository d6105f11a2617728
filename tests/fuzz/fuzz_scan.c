/* Fuzz target: the scanned-head loader (scalp/scan.h), through assimp, as a plan's head mesh would be read.
 * The first byte picks the format (its value modulo 5: OBJ, PLY, STL, glTF, GLB); the rest is the file,
 * written to a scratch file with that extension since assimp reads files by name. The limits are the
 * defaults except the smallest mesh, 4 triangles instead of 1000, so that small inputs reach the cleaning and
 * the orientation too. Promises checked: a refusal has a one-line message; an accepted scan has indices in
 * range, finite positions within its bounds, unit normals and colours (when it has them) within 0..1, and
 * orienting it (landmarks estimated) either succeeds with finite positions or refuses with a one-line
 * message. A GLB's embedded texture reaches scalp/image.h; a texture file beside the input never exists. */
#include "fuzz/fuzz.h"

#include <math.h>

#include "scalp/scan.h"

static void scan_check(const scalp_scan *s, const char *stage)
{
    if (s->vertex_count < 3 || s->triangle_count < 1)
        fuzz_fail("%s: %d vertices, %d triangles", stage, s->vertex_count, s->triangle_count);
    for (int i = 0; i < 3 * s->triangle_count; ++i)
        if (s->indices[i] >= (uint32_t)s->vertex_count)
            fuzz_fail("%s: index %u of %d vertices", stage, s->indices[i], s->vertex_count);
    for (int v = 0; v < s->vertex_count; ++v) {
        const float *p = &s->positions_mm[3 * v], *n = &s->normals[3 * v];
        for (int k = 0; k < 3; ++k) {
            if (!isfinite(p[k]) || !(p[k] >= s->bounds_min_mm[k] && p[k] <= s->bounds_max_mm[k]))
                fuzz_fail("%s: vertex %d at %g outside its bounds [%g, %g]", stage, v, (double)p[k],
                          (double)s->bounds_min_mm[k], (double)s->bounds_max_mm[k]);
        }
        double len = sqrt((double)n[0] * n[0] + (double)n[1] * n[1] + (double)n[2] * n[2]);
        if (!(fabs(len - 1.0) < 1e-3)) fuzz_fail("%s: normal %d has length %g", stage, v, len);
        for (int k = 0; k < 3 && s->colors; ++k)
            if (!(s->colors[3 * v + k] >= 0.0f && s->colors[3 * v + k] <= 1.0f))
                fuzz_fail("%s: colour %d is %g, outside 0..1", stage, v, (double)s->colors[3 * v + k]);
    }
    if ((s->colors != NULL) != (s->colour_source != SCALP_SCAN_COLOUR_NONE))
        fuzz_fail("%s: colours %s but the source says %d", stage, s->colors ? "given" : "absent",
                  (int)s->colour_source);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"input.obj", "input.ply", "input.stl", "input.gltf", "input.glb"};
    if (size < 1) return 0;
    const char *path = fuzz_scratch_write(names[data[0] % 5], data + 1, size - 1);
    scalp_scan_limits limits = scalp_scan_limits_default();
    limits.min_triangles = 4;
    limits.max_seconds = 5.0; /* under libFuzzer's 10 s per input: a reader that hangs is refused */
    scalp_scan scan;
    smp_error err = {0};
    if (scalp_scan_load(path, SCALP_SCAN_UNITS_GUESS, &limits, NULL, NULL, &scan, &err) != SMP_OK) {
        fuzz_check_message("scalp_scan_load", err.message);
        if (scan.positions_mm || scan.indices || scan.normals || scan.colors)
            fuzz_fail("a refused scan left arrays behind");
        return 0;
    }
    scan_check(&scan, "loaded");
    if (scalp_scan_orient(&scan, NULL, NULL, NULL, &err) != SMP_OK) {
        fuzz_check_message("scalp_scan_orient", err.message);
    } else {
        if (!scan.oriented) fuzz_fail("an oriented scan is not marked oriented");
        scan_check(&scan, "oriented");
    }
    scalp_scan_destroy(&scan);
    return 0;
}
