/* Images a patient's data comes with (scalp/image.h): a PNG and a JPEG read back as written, and every bad
 * image refused with one line naming it, before its pixels are allocated (a 100000 x 100000 header costs no
 * more memory than a small image). Issue 14, item 4. */
#include "scalp/image.h"
#include "test_util.h"

#include <stb_image_write.h>

#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct fixture {
    char dir[256];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f) return -1;
    if (test_dir_make(f->dir, sizeof f->dir, "smp_image") != 0) return -1;
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

/* A 40 x 30 test card: red rising left to right, green top to bottom, blue constant. */
static void card(uint8_t *rgb, int w, int h)
{
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint8_t *p = rgb + 3 * (y * w + x);
            p[0] = (uint8_t)(x * 255 / (w - 1));
            p[1] = (uint8_t)(y * 255 / (h - 1));
            p[2] = 90;
        }
}

static void path_in(const fixture *f, const char *name, char *path, size_t n)
{
    snprintf(path, n, "%s/%s", f->dir, name);
}

static void write_bytes(const char *path, const void *data, size_t size)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    if (size) assert_int_equal(fwrite(data, 1, size, fp), size);
    assert_int_equal(fclose(fp), 0);
}

static uint8_t *read_bytes(const char *path, size_t *size)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    long n = ftell(fp);
    assert_true(n > 0);
    rewind(fp);
    uint8_t *d = malloc((size_t)n);
    assert_non_null(d);
    assert_int_equal(fread(d, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    *size = (size_t)n;
    return d;
}

static void test_png_and_jpeg_read_back(void **state)
{
    const fixture *f = *state;
    enum { W = 40, H = 30 };
    uint8_t rgb[W * H * 3];
    card(rgb, W, H);
    char png[300], jpg[300];
    path_in(f, "card.png", png, sizeof png);
    path_in(f, "card.jpg", jpg, sizeof jpg);
    assert_true(stbi_write_png(png, W, H, 3, rgb, W * 3));
    assert_true(stbi_write_jpg(jpg, W, H, 3, rgb, 95));

    scalp_image img;
    smp_error err = {0};
    assert_int_equal(scalp_image_load(png, NULL, &img, &err), SMP_OK);
    assert_int_equal(img.width, W);
    assert_int_equal(img.height, H);
    assert_memory_equal(img.rgb, rgb, sizeof rgb); /* PNG is lossless */
    scalp_image_free(&img);

    /* JPEG, named .png: the first bytes decide. Lossy: within a few codes on a smooth card. */
    char named[300];
    path_in(f, "really_a_jpeg.png", named, sizeof named);
    assert_int_equal(rename(jpg, named), 0);
    assert_int_equal(scalp_image_load(named, NULL, &img, &err), SMP_OK);
    assert_int_equal(img.width, W);
    double worst = 0;
    for (int i = 0; i < W * H * 3; i++) {
        double d = fabs((double)img.rgb[i] - rgb[i]);
        if (d > worst) worst = d;
    }
    assert_in_range_d(worst, 0, 12);
    scalp_image_free(&img);
    scalp_image_free(&img); /* twice is safe */
}

static long peak_kib(void)
{
    struct rusage ru;
    assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
    return ru.ru_maxrss;
}

static void expect_refused(const char *path, const scalp_image_limits *lim, const char *why)
{
    scalp_image img = {.width = 7};
    smp_error err = {0};
    long before = peak_kib();
    smp_status st = scalp_image_load(path, lim, &img, &err);
    if (st != SMP_ERR_INPUT) fail_msg("%s: status %d, expected a refusal (%s)", path, (int)st, err.message);
    assert_null(img.rgb);
    assert_int_equal(img.width, 0);
    assert_non_null(strstr(err.message, path));
    if (!strstr(err.message, why)) fail_msg("message \"%s\" does not say \"%s\"", err.message, why);
    assert_null(strchr(err.message, '\n'));
    /* Nothing in proportion to what the header claims (a 100000 x 100000 RGB image is 30 GB). */
    assert_true(peak_kib() - before < 16 * 1024);
}

static void test_bad_images_refused(void **state)
{
    const fixture *f = *state;
    enum { W = 40, H = 30 };
    uint8_t rgb[W * H * 3];
    card(rgb, W, H);
    char png[300], path[300];
    path_in(f, "card.png", png, sizeof png);
    assert_true(stbi_write_png(png, W, H, 3, rgb, W * 3));
    size_t size = 0;
    uint8_t *bytes = read_bytes(png, &size);

    path_in(f, "missing.png", path, sizeof path);
    expect_refused(path, NULL, "cannot open");
    expect_refused(f->dir, NULL, "cannot read");
    path_in(f, "empty.png", path, sizeof path);
    write_bytes(path, "", 0);
    expect_refused(path, NULL, "empty");
    path_in(f, "text.jpg", path, sizeof path);
    write_bytes(path, "{\"plan\": 1}\n", 12);
    expect_refused(path, NULL, "not a JPEG or PNG");

    /* The IHDR's width and height (big-endian, bytes 16..23) say 100000 x 100000. */
    uint8_t *huge = malloc(size);
    assert_non_null(huge);
    memcpy(huge, bytes, size);
    const uint8_t side[4] = {0x00, 0x01, 0x86, 0xA0};
    memcpy(huge + 16, side, 4);
    memcpy(huge + 20, side, 4);
    path_in(f, "huge.png", path, sizeof path);
    write_bytes(path, huge, size);
    expect_refused(path, NULL, "100000 x 100000 pixels");
    free(huge);

    /* The same in a JPEG's start-of-frame marker (height, then width). */
    char jpg[300];
    path_in(f, "card.jpg", jpg, sizeof jpg);
    assert_true(stbi_write_jpg(jpg, W, H, 3, rgb, 90));
    size_t jsize = 0;
    uint8_t *jbytes = read_bytes(jpg, &jsize);
    size_t sof = 0;
    for (size_t i = 2; i + 9 < jsize && !sof; i++)
        if (jbytes[i] == 0xFF && jbytes[i + 1] == 0xC0) sof = i;
    assert_true(sof > 0);
    const uint8_t tall[2] = {0xC3, 0x50}; /* 50000 */
    memcpy(jbytes + sof + 5, tall, 2);
    path_in(f, "tall.jpg", path, sizeof path);
    write_bytes(path, jbytes, jsize);
    expect_refused(path, NULL, "40 x 50000 pixels");
    free(jbytes);

    /* Cut after the header: the pixels are missing. */
    path_in(f, "cut.png", path, sizeof path);
    write_bytes(path, bytes, 60 < size ? 60 : size / 2);
    expect_refused(path, NULL, "damaged");

    /* Found by fuzzing (tests/fuzz/corpus/image/regress-png-zlib-1GB): a 12 x 8 grey PNG whose damaged
     * compressed data made stb_image's inflater ask for 1 GB. Refused before stb_image sees it. */
    static const uint8_t bomb[] = {
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x08, 0x08, 0x00, 0x00, 0x00, 0x00, 0xe8,
        0x8f, 0x00, 0x00, 0x41, 0x2d, 0x00, 0x18, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60,
        0x10, 0xd1, 0xb0, 0x09, 0x48, 0xa9, 0xe8, 0x59, 0xb0, 0xe5, 0xc4, 0x1d, 0x06, 0xda, 0x08,
        0xc7, 0xdc, 0x49, 0x73, 0xfe, 0x7f, 0x00, 0x00, 0x00, 0x71, 0x80, 0x29, 0x41, 0x08, 0x43,
        0xed, 0x1a, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};
    path_in(f, "bomb.png", path, sizeof path);
    write_bytes(path, bomb, sizeof bomb);
    expect_refused(path, NULL, "damaged PNG: ");

    /* Within the format, beyond the caller's limits. */
    scalp_image_limits small = {.max_side = 32};
    expect_refused(png, &small, "at most 32 on a side");
    small = (scalp_image_limits){.max_file_bytes = 64};
    expect_refused(png, &small, "bytes; an image has at most 64");
    /* A file too large for its kind is refused before it is read (smp_file_read_max). */
    free(bytes);
}

static void test_memory_refusals(void **state)
{
    (void)state;
    scalp_image img;
    smp_error err = {0};
    assert_int_equal(scalp_image_load_memory((const uint8_t *)"", 0, "texture 0", NULL, &img, &err),
                     SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "texture 0: empty"));
    const uint8_t jpeg_start[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10};
    assert_int_equal(scalp_image_load_memory(jpeg_start, sizeof jpeg_start, "texture 1", NULL, &img, &err),
                     SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "texture 1: damaged JPEG"));
    assert_null(img.rgb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_png_and_jpeg_read_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_images_refused, setup, teardown),
        cmocka_unit_test(test_memory_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
