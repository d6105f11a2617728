/* Scan files whose headers declare more than a head scan holds (a billion vertices or triangles in a file of
 * a few hundred bytes): each is refused with one line naming the file, before anything of that size is
 * allocated, which the test sees in the process's peak memory and its reader's. Issue 15, item 4. And the
 * reader's deadline. */
#include "scalp/scan.h"
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* A refusal may cost the loader's usual working memory, never memory in proportion to the declared counts
 * (a billion vertices is 12 GB of floats): 64 MiB is far above the first and far below the second. */
#define GROWTH_MAX_KIB (64 * 1024)

typedef struct fixture {
    char dir[256];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f) return -1;
    if (test_dir_make(f->dir, sizeof f->dir, "smp_scan_limits") != 0) return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (test_dir_remove(f->dir) != 0) return -1;
    free(f);
    return 0;
}

static long peak_kib(void)
{
    struct rusage ru;
    assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
    return ru.ru_maxrss;
}

/* The largest peak of the child processes ended so far (assimp reads in one: scan.h). A child starts as a
 * copy of this process, so its growth is its peak less this process's peak at the time. */
static long children_peak_kib(void)
{
    struct rusage ru;
    assert_int_equal(getrusage(RUSAGE_CHILDREN, &ru), 0);
    return ru.ru_maxrss;
}

static void write_file(const fixture *f, const char *name, const void *data, size_t size, char *path,
                       size_t n)
{
    snprintf(path, n, "%s/%s", f->dir, name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, size, fp), size);
    assert_int_equal(fclose(fp), 0);
}

static void expect_refused_small(const char *path, const char *why)
{
    long before = peak_kib();
    scalp_scan s;
    smp_error err = {0};
    smp_status st = scalp_scan_load(path, SCALP_SCAN_UNITS_GUESS, NULL, NULL, NULL, &s, &err);
    long grown = peak_kib() - before, child_grown = children_peak_kib() - before;
    if (st != SMP_ERR_INPUT)
        fail_msg("%s: status %d, expected SMP_ERR_INPUT (%s)", path, (int)st, err.message);
    if (strncmp(err.message, path, strlen(path)) != 0)
        fail_msg("message does not start with the path: %s", err.message);
    if (strchr(err.message, '\n')) fail_msg("message is more than one line: %s", err.message);
    if (!strstr(err.message, why)) fail_msg("message lacks \"%s\": %s", why, err.message);
    if (grown > GROWTH_MAX_KIB)
        fail_msg("%s: the peak memory grew by %ld KiB before the refusal", path, grown);
    if (child_grown > GROWTH_MAX_KIB)
        fail_msg("%s: the reader's process grew by %ld KiB before the refusal", path, child_grown);
    assert_null(s.positions_mm);
}

static void ply_declaring_a_billion_vertices_should_be_refused_unread(void **state)
{
    fixture *f = *state;
    char path[512];
    const char ply[] =
        "ply\nformat binary_little_endian 1.0\nelement vertex 1000000000\nproperty float x\n"
        "property float y\nproperty float z\nelement face 8\nproperty list uchar int vertex_indices\n"
        "end_header\n\1\2\3\4\5\6\7\10\11\12\13\14";
    write_file(f, "billion.ply", ply, sizeof ply - 1, path, sizeof path);
    expect_refused_small(path, "1000000000 vertices");
}

static void binary_stl_declaring_a_billion_triangles_should_be_refused_unread(void **state)
{
    fixture *f = *state;
    char path[512];
    unsigned char stl[84 + 50] = "binary head";
    uint32_t count = 1000000000u;
    for (int i = 0; i < 4; i++)
        stl[80 + i] = (unsigned char)(count >> (8 * i));
    write_file(f, "billion.stl", stl, sizeof stl, path, sizeof path);
    expect_refused_small(path, "binary STL of 1000000000 triangles");
}

/* The positions of one triangle in a buffer, but the accessor says a billion vertices. */
static const char gltf_billion[] =
    "{\"asset\":{\"version\":\"2.0\"},\"scene\":0,\"scenes\":[{\"nodes\":[0]}],\"nodes\":[{\"mesh\":0}],"
    "\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":0},\"mode\":4}]}],"
    "\"accessors\":[{\"bufferView\":0,\"componentType\":5126,\"count\":1000000000,\"type\":\"VEC3\","
    "\"min\":[0,0,0],\"max\":[200,200,200]}],"
    "\"bufferViews\":[{\"buffer\":0,\"byteOffset\":0,\"byteLength\":36}],"
    "\"buffers\":[{\"byteLength\":36,\"uri\":\"data:application/octet-stream;base64,"
    "AAAAAAAAAAAAAAAAAABIQwAAAAAAAAAAAAAAAAAASEMAAAAA\"}]}";

static void gltf_accessor_of_a_billion_vertices_should_be_refused(void **state)
{
    fixture *f = *state;
    char path[512];
    write_file(f, "billion.gltf", gltf_billion, sizeof gltf_billion - 1, path, sizeof path);
    expect_refused_small(path, "billion.gltf");
}

static void glb_accessor_of_a_billion_vertices_should_be_refused(void **state)
{
    fixture *f = *state;
    char path[512];
    /* The same document as the JSON chunk of a binary glTF (its data URI kept: a GLB may use one). */
    size_t json = sizeof gltf_billion - 1, padded = (json + 3) & ~(size_t)3, total = 12 + 8 + padded;
    unsigned char *glb = malloc(total);
    assert_non_null(glb);
    uint32_t head[5] = {0x46546C67u, 2u, (uint32_t)total, (uint32_t)padded, 0x4E4F534Au};
    memcpy(glb, head, sizeof head); /* little-endian hosts */
    memcpy(glb + 20, gltf_billion, json);
    memset(glb + 20 + json, ' ', padded - json);
    write_file(f, "billion.glb", glb, total, path, sizeof path);
    free(glb);
    expect_refused_small(path, "billion.glb");
}

/* An OBJ states no counts: its size bounds them. A sparse file larger than the limit costs no disk. */
static void obj_larger_than_the_file_limit_should_be_refused_unread(void **state)
{
    fixture *f = *state;
    char path[512];
    write_file(f, "huge.obj", "v 0 0 0\n", 8, path, sizeof path);
    int64_t limit = scalp_scan_limits_default().max_file_bytes;
    assert_int_equal(truncate(path, (off_t)(limit + 1)), 0);
    expect_refused_small(path, "a head scan file has at most");
}

/* assimp reads in a child process with a deadline (scan.h limits.max_seconds): past it the child is killed
 * and the file refused in one line, as a file that hangs assimp would be. */
static void reader_past_its_deadline_should_be_killed_and_the_file_refused(void **state)
{
    fixture *f = *state;
    char path[512];
    static const char obj[] = "v 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\nf 1 3 2\nf 1 2 4\nf 1 4 3\nf 2 3 4\n";
    write_file(f, "slow.obj", obj, sizeof obj - 1, path, sizeof path);
    scalp_scan_limits lim = scalp_scan_limits_default();
    lim.max_seconds = 1e-6;
    scalp_scan s;
    smp_error err = {0};
    double t0 = smp_now_s();
    assert_int_equal(scalp_scan_load(path, SCALP_SCAN_UNITS_GUESS, &lim, NULL, NULL, &s, &err),
                     SMP_ERR_INPUT);
    assert_true(smp_now_s() - t0 < 5.0);
    assert_non_null(
        strstr(err.message,
               "slow.obj: the mesh reader (assimp) failed on this file: it did not finish within 1e-06 s"));
    assert_null(strchr(err.message, '\n'));
    assert_null(s.positions_mm);
    /* The same file with the default deadline reaches the mesh checks: 4 triangles are too few for a head. */
    lim.max_seconds = 0.0;
    assert_int_equal(scalp_scan_load(path, SCALP_SCAN_UNITS_GUESS, &lim, NULL, NULL, &s, &err),
                     SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "4 triangles; a head scan has at least 1000"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ply_declaring_a_billion_vertices_should_be_refused_unread),
        cmocka_unit_test(binary_stl_declaring_a_billion_triangles_should_be_refused_unread),
        cmocka_unit_test(gltf_accessor_of_a_billion_vertices_should_be_refused),
        cmocka_unit_test(glb_accessor_of_a_billion_vertices_should_be_refused),
        cmocka_unit_test(obj_larger_than_the_file_limit_should_be_refused_unread),
        cmocka_unit_test(reader_past_its_deadline_should_be_killed_and_the_file_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
