/* S-CIELAB (analysis/scielab.h): flat areas keep their colour difference, detail finer than the eye resolves
 * at the distance cancels, and a thin line is less visible the farther it is seen from. */
#include "test_util.h"

#include "analysis/analysis.h"
#include "analysis/scielab.h"
#include "optics/colour.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define W 96
#define H 96

static uint8_t *flat(uint8_t r, uint8_t g, uint8_t b)
{
    uint8_t *im = malloc(4 * W * H);
    for (int i = 0; i < W * H; ++i)
        im[4 * i] = r, im[4 * i + 1] = g, im[4 * i + 2] = b, im[4 * i + 3] = 255;
    return im;
}

static double max_of(const float *v, int n)
{
    double m = 0.0;
    for (int i = 0; i < n; ++i)
        m = fmax(m, v[i]);
    return m;
}

static void flat_areas_should_keep_their_ciede2000(void **state)
{
    uint8_t *a = flat(180, 140, 120), *b = flat(170, 135, 118);
    float de[W * H];
    smp_error err = {0};
    assert_int_equal(analysis_scielab_delta_e00(a, b, W, H, 60.0, de, &err), SMP_OK);
    double la[3], lb[3], ra[3], rb[3];
    for (int c = 0; c < 3; ++c)
        ra[c] = optics_srgb8_to_linear(a[c]), rb[c] = optics_srgb8_to_linear(b[c]);
    analysis_linear_rgb_to_lab(ra, la);
    analysis_linear_rgb_to_lab(rb, lb);
    double plain = analysis_delta_e00(la, lb);
    assert_near(de[(H / 2) * W + W / 2], plain, 0.02 * plain);
    assert_int_equal(analysis_scielab_delta_e00(a, a, W, H, 60.0, de, &err), SMP_OK);
    assert_true(max_of(de, W * H) < 1e-4);
    free(a), free(b);
}

/* A one-pixel checkerboard against its mean colour (in linear light). */
static void detail_finer_than_the_eye_resolves_should_cancel(void **state)
{
    uint8_t *check = flat(0, 0, 0), *grey = flat(0, 0, 0);
    uint8_t mid = optics_srgb8_from_linear(0.5 * (optics_srgb8_to_linear(200) + optics_srgb8_to_linear(80)));
    for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) {
            uint8_t v = (x + y) % 2 ? 200 : 80;
            for (int c = 0; c < 3; ++c)
                check[4 * (y * W + x) + c] = v, grey[4 * (y * W + x) + c] = mid;
        }
    float de[W * H];
    smp_error err = {0};
    /* 200 pixels per degree: 100 cycles per degree, beyond the eye. */
    assert_int_equal(analysis_scielab_delta_e00(check, grey, W, H, 200.0, de, &err), SMP_OK);
    double far = de[(H / 2) * W + W / 2];
    /* 4 pixels per degree: 2 cycles per degree, plain to see. */
    assert_int_equal(analysis_scielab_delta_e00(check, grey, W, H, 4.0, de, &err), SMP_OK);
    double near = de[(H / 2) * W + W / 2];
    print_message("checkerboard against its mean: dE00 %.2f at 100 cpd, %.2f at 2 cpd\n", far, near);
    assert_true(far < ANALYSIS_JND_DELTA_E00);
    assert_true(near > 10.0);
    free(check), free(grey);
}

static void a_thin_line_should_fade_with_distance(void **state)
{
    uint8_t *line = flat(170, 130, 110), *plain = flat(170, 130, 110);
    for (int y = 0; y < H; ++y)
        for (int x = W / 2 - 1; x <= W / 2; ++x)
            line[4 * (y * W + x)] = 120, line[4 * (y * W + x) + 1] = 95, line[4 * (y * W + x) + 2] = 85;
    float de[W * H];
    smp_error err = {0};
    double prev = INFINITY;
    /* The same 0.2 mm line, 0.1 mm pixels, seen from 0.3, 1 and 2 m. */
    for (int i = 0; i < 3; ++i) {
        double d_mm = (double[]){300.0, 1000.0, 2000.0}[i];
        double ppd = analysis_pixels_per_degree(0.1, d_mm);
        assert_int_equal(analysis_scielab_delta_e00(line, plain, W, H, ppd, de, &err), SMP_OK);
        double m = max_of(de, W * H);
        print_message("0.2 mm line at %.1f m (%.0f px/deg): max dE00 %.2f\n", d_mm / 1000.0, ppd, m);
        assert_true(m < prev);
        prev = m;
    }
    free(line), free(plain);
}

static void bad_input_should_be_refused(void **state)
{
    uint8_t *a = flat(1, 2, 3);
    float de[W * H];
    smp_error err = {0};
    assert_int_equal(analysis_scielab_delta_e00(a, a, 0, H, 60.0, de, &err), SMP_ERR_INPUT);
    assert_int_equal(analysis_scielab_delta_e00(a, a, W, H, 0.5, de, &err), SMP_ERR_INPUT);
    assert_non_null(strstr(err.message, "pixels per degree"));
    free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flat_areas_should_keep_their_ciede2000),
        cmocka_unit_test(detail_finer_than_the_eye_resolves_should_cancel),
        cmocka_unit_test(a_thin_line_should_fade_with_distance),
        cmocka_unit_test(bad_input_should_be_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
