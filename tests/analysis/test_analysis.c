/* Image measurements on synthetic images: a uniform image gives its own colour; a disc averages in linear
 * light, not in encoded sRGB; only pixels inside the disc count; CIEDE2000 is the optics module's. */
#include "test_util.h"

#include "analysis/analysis.h"
#include "optics/colour.h"

#include <stdlib.h>
#include <string.h>

#define W 64
#define H 48

static uint8_t *image_filled(uint8_t r, uint8_t g, uint8_t b)
{
    uint8_t *img = malloc(W * H * 4);
    assert_non_null(img);
    for (int i = 0; i < W * H; ++i) {
        img[4 * i] = r, img[4 * i + 1] = g, img[4 * i + 2] = b;
        img[4 * i + 3] = 255;
    }
    return img;
}

static void set_pixel(uint8_t *img, int x, int y, uint8_t r, uint8_t g, uint8_t b)
{
    uint8_t *p = img + 4 * (y * W + x);
    p[0] = r, p[1] = g, p[2] = b;
}

static void disc_of_a_uniform_image_should_give_its_own_lab(void **state)
{
    (void)state;
    const uint8_t c[3] = {201, 160, 128}; /* a light skin tone */
    uint8_t *img = image_filled(c[0], c[1], c[2]);
    analysis_region_colour m;
    smp_error err = {0};
    assert_int_equal(analysis_disc_mean_srgb8(img, W, H, W / 2.0, H / 2.0, 10.0, &m, &err), SMP_OK);
    double rgb[3], xyz[3], lab[3];
    for (int k = 0; k < 3; ++k)
        rgb[k] = optics_srgb8_to_linear(c[k]);
    optics_linear_rgb_to_xyz(rgb, xyz);
    optics_xyz_to_lab(xyz, lab);
    for (int k = 0; k < 3; ++k) {
        assert_near(m.linear_rgb[k], rgb[k], 1e-12);
        assert_near(m.lab[k], lab[k], 1e-9);
    }
    assert_near(analysis_delta_e00(m.lab, lab), 0.0, 1e-9);
    free(img);
}

/* Black on the left half, white on the right, a disc centred on the boundary: as many pixels on each side,
 * so the linear mean is exactly 0.5 in every channel, which is L* = 116 * 0.5^(1/3) - 16 = 76.07 (Y = 0.5);
 * averaging the encoded values (127.5 of 255, linear 0.212) would give L* = 53.4. */
static void two_halves_should_average_in_linear_light(void **state)
{
    (void)state;
    uint8_t *img = image_filled(0, 0, 0);
    for (int y = 0; y < H; ++y)
        for (int x = W / 2; x < W; ++x)
            set_pixel(img, x, y, 255, 255, 255);
    analysis_region_colour m;
    smp_error err = {0};
    assert_int_equal(analysis_disc_mean_srgb8(img, W, H, W / 2.0, H / 2.0, 12.0, &m, &err), SMP_OK);
    for (int k = 0; k < 3; ++k)
        assert_near(m.linear_rgb[k], 0.5, 1e-12);
    assert_near(m.lab[0], 116.0 * cbrt(0.5) - 16.0, 1e-6);
    /* Grey: a* and b* near 0 (within the 0.01-0.02 by which the sRGB matrix's white misses CIELAB's D65
     * white point), and exactly the Lab of linear grey 0.5. */
    const double grey[3] = {0.5, 0.5, 0.5};
    double xyz[3], lab[3];
    optics_linear_rgb_to_xyz(grey, xyz);
    optics_xyz_to_lab(xyz, lab);
    for (int k = 0; k < 3; ++k)
        assert_near(m.lab[k], lab[k], 1e-9);
    assert_near(m.lab[1], 0.0, 0.02);
    assert_near(m.lab[2], 0.0, 0.02);
    free(img);
}

/* Pixels whose centres lie outside the disc do not count, however different they are; the count is the
 * number of pixel centres within the radius (for r = 5 about the corner (32, 24): 80 of them). */
static void pixels_outside_the_disc_should_not_count(void **state)
{
    (void)state;
    uint8_t *img = image_filled(255, 0, 0);
    int inside = 0;
    for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) {
            double dx = x + 0.5 - 32.0, dy = y + 0.5 - 24.0;
            if (dx * dx + dy * dy <= 25.0) set_pixel(img, x, y, 40, 90, 200), ++inside;
        }
    analysis_region_colour m;
    smp_error err = {0};
    assert_int_equal(analysis_disc_mean_srgb8(img, W, H, 32.0, 24.0, 5.0, &m, &err), SMP_OK);
    assert_int_equal(m.pixel_count, inside);
    assert_int_equal(inside, 80);
    assert_near(m.linear_rgb[0], optics_srgb8_to_linear(40), 1e-12);
    assert_near(m.linear_rgb[1], optics_srgb8_to_linear(90), 1e-12);
    assert_near(m.linear_rgb[2], optics_srgb8_to_linear(200), 1e-12);
    free(img);
}

/* A disc over a corner is clipped to the image; a disc off the image is an input error, not a NaN. */
static void disc_should_be_clipped_to_the_image_and_refused_when_off_it(void **state)
{
    (void)state;
    uint8_t *img = image_filled(128, 128, 128);
    analysis_region_colour m;
    smp_error err = {0};
    assert_int_equal(analysis_disc_mean_srgb8(img, W, H, 0.0, 0.0, 4.0, &m, &err), SMP_OK);
    /* The quarter of a 4-pixel disc about the image's corner: 4 + 4 + 3 + 2 pixel centres in its columns. */
    assert_int_equal(m.pixel_count, 13);
    assert_near(m.linear_rgb[1], optics_srgb8_to_linear(128), 1e-12);
    assert_int_equal(analysis_disc_mean_srgb8(img, W, H, -20.0, 10.0, 5.0, &m, &err), SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "covers no pixel"));
    assert_int_equal(analysis_disc_mean_srgb8(img, W, H, 10.0, 1e300, 5.0, &m, &err), SMP_ERR_INPUT);
    /* A tiny disc between pixel centres holds none of them. */
    assert_int_equal(analysis_disc_mean_srgb8(img, W, H, 10.0, 10.0, 0.4, &m, &err), SMP_ERR_INPUT);
    free(img);
}

/* The first pair of Sharma, Wu & Dalal (2005) Table 1, and symmetry. */
static void delta_e00_should_match_sharma_and_be_symmetric(void **state)
{
    (void)state;
    const double a[3] = {50.0, 2.6772, -79.7751}, b[3] = {50.0, 0.0, -82.7485};
    assert_near(analysis_delta_e00(a, b), 2.0425, 5e-5);
    assert_near(analysis_delta_e00(b, a), analysis_delta_e00(a, b), 1e-12);
    assert_near(analysis_delta_e00(a, a), 0.0, 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(disc_of_a_uniform_image_should_give_its_own_lab),
        cmocka_unit_test(two_halves_should_average_in_linear_light),
        cmocka_unit_test(pixels_outside_the_disc_should_not_count),
        cmocka_unit_test(disc_should_be_clipped_to_the_image_and_refused_when_off_it),
        cmocka_unit_test(delta_e00_should_match_sharma_and_be_symmetric),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
